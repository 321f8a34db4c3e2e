"""Which practice a clause is about (retention, sharing, ...), explained by the cues that fired."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from monitor.analysis.lexicon import Lexicon, lexicons_for

STRONG_WEIGHT = 2.0
WEAK_WEIGHT = 0.5
SECTION_WEIGHT = 1.0
MIN_SCORE = 1.0
# When scores tie, the more specific practice wins.
PRIORITY = ("children", "retention", "transfer", "sharing", "rights", "legal_basis", "security",
            "tracking", "contact", "purpose", "collection", "policy_changes")


@dataclass
class Classification:
    """The winning category (or None), its score and the cues that explain it."""

    category: str | None
    score: float = 0.0
    cues: list[str] = field(default_factory=list)

    @property
    def rule(self) -> str:
        if not self.category:
            return ""
        return f"cue:{self.category}[{', '.join(self.cues[:4])}]"


WEIGHTS = {"strong": STRONG_WEIGHT, "weak": WEAK_WEIGHT}


def _score(lexicon: Lexicon, text: str, section: str) -> tuple[dict[str, float], dict[str, list[str]]]:
    scores: dict[str, float] = {}
    fired: dict[str, list[str]] = {}
    for group, phrases in lexicon.scan(text).items():
        weight = WEIGHTS.get(group[0])
        if weight:
            category = group[1]
            scores[category] = scores.get(category, 0.0) + weight * len(phrases)
            fired.setdefault(category, []).extend(phrases)
    if section:
        for group, phrases in lexicon.scan(section).items():
            if group[0] == "strong":
                category = group[1]
                scores[category] = scores.get(category, 0.0) + SECTION_WEIGHT
                fired.setdefault(category, []).append(f"section:{phrases[0]}")
    return scores, fired


def classify_clause(text: str, section: str = "", language: str | None = None) -> Classification:
    """The category a clause is mostly about; its section heading counts as context."""
    best = Classification(None)
    for lexicon in lexicons_for(language):
        scores, fired = _score(lexicon, text, section)
        if not scores:
            continue
        category = max(scores, key=lambda c: (scores[c], -PRIORITY.index(c)))
        if scores[category] > best.score:
            best = Classification(category, scores[category], fired[category])
    if best.score < MIN_SCORE:
        return Classification(None, best.score)
    return best


@lru_cache(maxsize=4096)
def section_category(section: str, language: str | None = None) -> str | None:
    """The category a section heading announces, if any."""
    if not section:
        return None
    return classify_clause(section, "", language).category
