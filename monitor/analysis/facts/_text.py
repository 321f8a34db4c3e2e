"""Small text helpers shared by the extractors: offset-preserving folding and sentence spans."""

from __future__ import annotations

from monitor.analysis.segment import sentence_spans

__all__ = ["fold", "sentence_spans", "span_containing"]

# One character in, one character out, so match offsets stay valid in the original text.
_FOLD = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("ё", "е"), ("Ё", "Е"), ("\u00a0", " "), ("\u202f", " "), ("–", "-"), ("—", "-"),
         ("µ", "μ"))  # the micro sign typed for the Greek mu ("ηµέρες")



def fold(text: str) -> str:
    """Quotes, NBSPs, dashes, ё and the micro sign folded so patterns can stay simple; same length as `text`."""
    for original, replacement in _FOLD:
        if original in text:
            text = text.replace(original, replacement)
    return text


def span_containing(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    """The sentence span that holds `position` (the last one when past the end)."""
    for start, end in spans:
        if start <= position < end:
            return start, end
    return spans[-1] if spans else (0, 0)
