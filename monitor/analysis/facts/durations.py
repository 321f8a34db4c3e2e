"""Durations ("3 years", "dieciocho meses", "пяти лет") and what each one is about.

A mention is "<number> <unit>"; its role comes from the cue word that governs it: the nearest
retention/response/notice cue in the same sentence (cues before the mention count more than cues
after it), or the age cues around it ("under 16 years", "13 years old"). All words are data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from monitor.analysis.facts import ages as _ages
from monitor.analysis.facts._lexicon import alternation, languages_for, load
from monitor.analysis.facts._text import fold, sentence_spans, span_containing
from monitor.analysis.facts.numbers import not_before_article, one_before_unit, parse_number

_UNIT_DAYS = {"Y": 365.0, "M": 30.0, "W": 7.0, "D": 1.0, "H": 1 / 24}
_ROLES = ("retention", "response", "notice")
_AFTER_CUE_PENALTY = 3
_MAX_NUMBER_WORDS = 4
_LOOKBACK = 60

_WORD_BEFORE = re.compile(r"([^\W_]+)[\s-]*$")
_DIGITS_BEFORE = re.compile(r"(?<![\d.,])(\d{1,4})\s*-?\s*$")
_FRACTION_BEFORE = re.compile(r"\d[.,]\d+\s*-?\s*$")
_PAREN_DIGITS_BEFORE = re.compile(r"\(\s*(\d{1,4})\s*\)\s*$")


@dataclass
class Duration:
    """One "<number> <unit>" mention; `iso` keeps the unit as written (24 months → P24M)."""

    iso: str
    days: float
    start: int
    end: int
    text: str
    role: str


@dataclass(frozen=True)
class _Grammar:
    unit_pattern: re.Pattern[str]
    unit_of: dict[str, str]
    cue_pattern: re.Pattern[str] | None
    criteria: tuple[tuple[str, re.Pattern[str]], ...]
    langs: tuple[str, ...]


@lru_cache(maxsize=None)
def _grammar(langs: tuple[str, ...]) -> _Grammar:
    unit_of: dict[str, str] = {}
    qualifiers: set[str] = set()
    cues: dict[str, list[str]] = {role: [] for role in _ROLES}
    criteria: dict[str, list[str]] = {}
    for code in langs:
        data = load("durations", code)
        for unit, forms in data.get("units", {}).items():
            for form in forms:
                unit_of.setdefault(fold(form.lower()), unit)
        qualifiers.update(q.lower() for q in data.get("qualifiers", []))
        for role in _ROLES:
            cues[role].extend(data.get("cues", {}).get(role, []))
        for label, patterns in data.get("criteria", {}).items():
            criteria.setdefault(label, []).extend(patterns)
    qualifier = f"(?:(?:{alternation(sorted(qualifiers))})\\s+)?" if qualifiers else ""
    unit_pattern = re.compile(rf"(?<![^\W\d_]){qualifier}(?P<unit>{alternation(sorted(unit_of))})(?![^\W\d_])", re.I)
    groups = [f"(?P<{role}>{'|'.join(cues[role])})" for role in _ROLES if cues[role]]
    cue_pattern = re.compile(rf"(?<!\w)(?:{'|'.join(groups)})", re.I) if groups else None
    compiled_criteria = tuple(
        (label, re.compile(rf"(?<!\w)(?:{'|'.join(patterns)})", re.I)) for label, patterns in criteria.items()
    )
    return _Grammar(unit_pattern, unit_of, cue_pattern, compiled_criteria, langs)


def _number_before(folded: str, position: int, langs: tuple[str, ...], lang: str | None) -> tuple[int, int] | None:
    """(value, start) of the number that ends right before `position`, or None."""
    window_start = max(0, position - _LOOKBACK)
    window = folded[window_start:position]
    paren = _PAREN_DIGITS_BEFORE.search(window)
    if paren:
        start = window_start + paren.start()
        spelled = _number_before(folded, start, langs, lang)
        return int(paren.group(1)), spelled[1] if spelled else start
    if _FRACTION_BEFORE.search(window):
        return None
    digits = _DIGITS_BEFORE.search(window)
    if digits:
        return int(digits.group(1)), window_start + digits.start()
    words: list[tuple[str, int]] = []
    end = len(window)
    while len(words) < _MAX_NUMBER_WORDS:
        match = _WORD_BEFORE.search(window, 0, end)
        if not match:
            break
        words.insert(0, (match.group(1), window_start + match.start(1)))
        end = match.start()
    if not words:
        return None
    for count in range(len(words), 0, -1):
        chosen = words[-count:]
        value = parse_number(" ".join(word for word, _ in chosen), lang)
        if value is not None:
            return value, chosen[0][1]
    article = words[-1][0].lower()
    if any(article in one_before_unit(code) for code in langs):
        previous = words[-2][0].lower() if len(words) > 1 else ""
        if not any(previous in not_before_article(code) for code in langs):
            return 1, words[-1][1]
    return None


def _role(folded: str, duration_start: int, duration_end: int, unit: str, cues: list[tuple[int, int, str]],
          sentence: tuple[int, int], langs: tuple[str, ...]) -> str:
    if unit == "Y" and _ages.is_age_mention(folded, duration_start, duration_end, sentence, langs):
        return "age"
    best_role, best_distance = "other", None
    for cue_start, cue_end, role in cues:
        if cue_end <= sentence[0] or cue_start >= sentence[1]:
            continue
        if cue_end <= duration_start:
            distance = duration_start - cue_end
        elif cue_start >= duration_end:
            distance = (cue_start - duration_end) * _AFTER_CUE_PENALTY
        else:
            continue
        if best_distance is None or distance < best_distance:
            best_role, best_distance = role, distance
    return best_role


def find_durations(text: str, lang: str | None) -> list[Duration]:
    """Every "<number> <unit>" mention in `text`, with its ISO form, length in days and role."""
    langs = languages_for(lang)
    grammar = _grammar(langs)
    folded = fold(text)
    mentions: list[tuple[int, int, int, str]] = []
    for match in grammar.unit_pattern.finditer(folded):
        unit = grammar.unit_of[match.group("unit").lower()]
        number = _number_before(folded, match.start(), langs, lang)
        if number is None:
            continue
        value, start = number
        mentions.append((start, match.end(), value, unit))
    if not mentions:
        return []
    sentences = sentence_spans(folded)
    cues = []
    if grammar.cue_pattern is not None:
        for cue in grammar.cue_pattern.finditer(folded):
            role = next(name for name in _ROLES if cue.groupdict().get(name))
            cues.append((cue.start(), cue.end(), role))
    found = []
    for start, end, value, unit in mentions:
        iso = f"PT{value}H" if unit == "H" else f"P{value}{unit}"
        sentence = span_containing(sentences, start)
        role = _role(folded, start, end, unit, cues, sentence, langs)
        found.append(Duration(iso, value * _UNIT_DAYS[unit], start, end, text[start:end], role))
    return found


def retention_periods(text: str, lang: str | None) -> list[str]:
    """ISO durations `text` gives as how long data is kept, in order, without repeats."""
    return list(dict.fromkeys(d.iso for d in find_durations(text, lang) if d.role == "retention"))


def retention_criteria(text: str, lang: str | None) -> list[str]:
    """Non-numeric retention rules ("until you delete your account" → "until-account-deletion").

    Only sentences that speak about keeping or deleting data count, so "as required by law" in a
    sharing clause is not a retention rule.
    """
    langs = languages_for(lang)
    grammar = _grammar(langs)
    folded = fold(text)
    if grammar.cue_pattern is None:
        return []
    retention_sentences = []
    for start, end in sentence_spans(folded):
        if any(cue.group("retention") for cue in grammar.cue_pattern.finditer(folded, start, end)):
            retention_sentences.append((start, end))
    found: list[tuple[int, str]] = []
    for label, pattern in grammar.criteria:
        for start, end in retention_sentences:
            match = pattern.search(folded, start, end)
            if match:
                found.append((match.start(), label))
                break
    return list(dict.fromkeys(label for _, label in sorted(found)))
