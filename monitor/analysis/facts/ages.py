"""Minimum ages: the ages that define a child or the age needed to use the service.

An age is a number right after a strong age cue ("under", "moins de", "младше"), right before an
age tail ("years old", "de edad"), or after a weak cue ("at least", "старше") in a sentence that
talks about children or age. Cue words live in ``ages_<lang>.json``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from monitor.analysis.facts._lexicon import languages_for, load
from monitor.analysis.facts._text import fold, sentence_spans, span_containing

_CUE_REACH = 48
_BARE_NUMBER = re.compile(r"(?<![\w.,])(\d{1,2})(?![\w]|[.,]\d)")


@dataclass(frozen=True)
class _AgeCues:
    strong_before: re.Pattern[str] | None
    weak_before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    context: re.Pattern[str] | None
    anywhere: re.Pattern[str] | None
    low: int
    high: int


def _join(patterns: list[str], template: str) -> re.Pattern[str] | None:
    if not patterns:
        return None
    ordered = sorted(set(patterns), key=len, reverse=True)
    return re.compile(template.format("|".join(ordered)), re.I)


@lru_cache(maxsize=None)
def _cues(langs: tuple[str, ...]) -> _AgeCues:
    lists: dict[str, list[str]] = {"before_strong": [], "before_weak": [], "after": [], "context": []}
    low, high = 99, 0
    for code in langs:
        data = load("ages", code)
        for key in lists:
            lists[key].extend(data.get(key, []))
        if "age_range" in data:
            low, high = min(low, data["age_range"][0]), max(high, data["age_range"][1])
    return _AgeCues(
        strong_before=_join(lists["before_strong"], r"(?<!\w)(?:{})\s*$"),
        weak_before=_join(lists["before_weak"], r"(?<!\w)(?:{})\s*$"),
        after=_join(lists["after"], r"^\s*(?:{})(?!\w)"),
        context=_join(lists["context"], r"(?<!\w)(?:{})"),
        anywhere=_join(lists["before_strong"] + lists["after"] + lists["context"], r"(?<!\w)(?:{})"),
        low=low if low <= high else 0,
        high=high if low <= high else 200,
    )


def is_age_mention(folded: str, start: int, end: int, sentence: tuple[int, int], langs: tuple[str, ...]) -> bool:
    """Whether the number at folded[start:end] (with or without its unit) is somebody's age."""
    cues = _cues(langs)
    before = folded[max(sentence[0], start - _CUE_REACH) : start]
    after = folded[end : min(sentence[1], end + _CUE_REACH)]
    if cues.strong_before and cues.strong_before.search(before):
        return True
    if cues.after and cues.after.search(after):
        return True
    if cues.weak_before and cues.weak_before.search(before):
        return bool(cues.context and cues.context.search(folded, sentence[0], sentence[1]))
    return False


def minimum_ages(text: str, lang: str | None) -> list[int]:
    """Ages `text` sets as the line between children and users ("under 16", "mladším 15 let"), in order."""
    from monitor.analysis.facts.durations import find_durations  # durations imports this module for its roles

    langs = languages_for(lang)
    cues = _cues(langs)
    folded = fold(text)
    if cues.anywhere is None or not cues.anywhere.search(folded):
        return []
    candidates: dict[int, int] = {}
    for duration in find_durations(text, lang):
        if duration.role == "age" and duration.iso.endswith("Y"):
            candidates.setdefault(duration.start, int(duration.days // 365))
    sentences: list[tuple[int, int]] | None = None
    for match in _BARE_NUMBER.finditer(folded):
        if match.start() in candidates:
            continue
        value = int(match.group(1))
        if not cues.low <= value <= cues.high:
            continue
        if sentences is None:
            sentences = sentence_spans(folded)
        if is_age_mention(folded, match.start(), match.end(), span_containing(sentences, match.start()), langs):
            candidates[match.start()] = value
    ages = [value for _, value in sorted(candidates.items()) if cues.low <= value <= cues.high]
    return list(dict.fromkeys(ages))
