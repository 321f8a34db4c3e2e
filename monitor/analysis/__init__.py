"""Material-change analysis: pure functions from clean texts to facts and judged changes."""

from monitor.analysis.compare import compare_texts, declared_date, extract_facts
from monitor.analysis.lang import detect_language
from monitor.analysis.model import Change, Comparison

__all__ = ["Change", "Comparison", "compare_texts", "declared_date", "detect_language", "extract_facts"]
