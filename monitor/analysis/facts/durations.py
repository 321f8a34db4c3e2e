"""Durations ("3 years", "dieciocho meses", "пяти лет") and what each one is about.

A mention is "<number> <unit>"; its role comes from the cue word that governs it: the nearest
retention/response/notice cue in the same sentence (cues before the mention count more than cues
after it), or the age cues around it ("under 16 years", "13 years old"). All words are data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from monitor.analysis.describe import UNIT_DAYS as _UNIT_DAYS
from monitor.analysis.facts import ages as _ages
from monitor.analysis.facts._lexicon import alternation, languages_for, load
from monitor.analysis.facts._text import fold, sentence_spans, span_containing
from monitor.analysis.facts.numbers import not_before_article, one_before_unit, parse_number

_ROLES = ("retention", "response", "notice")
# A cue after the mention governs it only when it is much closer than any cue before it, or
# when it is the very next word (verb-final clauses: "binnen 7 werkdagen antwoord").
_AFTER_CUE_PENALTY = 3
_AFTER_CUE_OFFSET = 30
_ADJACENT = 2
_CLAUSE_BREAK = re.compile(r"[,;:(]")
"""Between a duration and a cue after it, the end of the clause that holds the duration."""
_MAX_NUMBER_WORDS = 4
_LOOKBACK = 60

_WORD_BEFORE = re.compile(r"([^\W_]+)[\s-]*$")
_DIGITS_BEFORE = re.compile(r"(?<![\d.,])(\d{1,4})\s*-?\s*$")
_FRACTION_BEFORE = re.compile(r"\d[.,]\d+\s*-?\s*$")
_PAREN_DIGITS_BEFORE = re.compile(r"\(\s*(\d{1,4})\s*\)\s*$")
_DIGITS_THEN_WORDS_BEFORE = re.compile(r"(?<![\d.,])(\d{1,4})\s*\([^()\d]{2,40}\)\s*$")  # "5 (cinco) anos"


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
    retention_cue: re.Pattern[str] | None
    criteria: re.Pattern[str] | None
    criteria_labels: dict[str, str]
    fixed_pattern: re.Pattern[str] | None = None
    fixed_iso: dict[str, str] | None = None
    abbreviation_pattern: re.Pattern[str] | None = None


@lru_cache(maxsize=None)
def _grammar(langs: tuple[str, ...]) -> _Grammar:
    unit_of: dict[str, str] = {}
    qualifiers: set[str] = set()
    cues: dict[str, list[str]] = {role: [] for role in _ROLES}
    criteria: dict[str, list[str]] = {}
    fixed_iso: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    for code in langs:
        data = load("durations", code)
        for iso, phrases in data.get("fixed", {}).items():
            for phrase in phrases:
                fixed_iso.setdefault(fold(phrase.lower()), iso)
        for unit, forms in data.get("units", {}).items():
            for form in forms:
                unit_of.setdefault(fold(form.lower()), unit)
        for unit, forms in data.get("abbreviations", {}).items():
            for form in forms:
                abbreviations.setdefault(fold(form.lower()), unit)
        qualifiers.update(q.lower() for q in data.get("qualifiers", []))
        for role in _ROLES:
            cues[role].extend(data.get("cues", {}).get(role, []))
        for label, patterns in data.get("criteria", {}).items():
            criteria.setdefault(label, []).extend(patterns)
    qualifier = f"(?:(?:{alternation(sorted(qualifiers))})\\s+)?" if qualifiers else ""
    unit_pattern = re.compile(rf"(?<![^\W\d_]){qualifier}(?P<unit>{alternation(sorted(unit_of))})(?![^\W\d_])", re.I)
    groups = [f"(?P<{role}>{'|'.join(cues[role])})" for role in _ROLES if cues[role]]
    cue_pattern = re.compile(rf"(?<!\w)(?:{'|'.join(groups)})", re.I) if groups else None
    retention_cue = re.compile(rf"(?<!\w)(?:{'|'.join(cues['retention'])})", re.I) if cues["retention"] else None
    labels = {f"c{number}": label for number, label in enumerate(criteria)}
    alternatives = [f"(?P<{group}>{'|'.join(criteria[label])})" for group, label in labels.items()]
    criteria_pattern = re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})", re.I) if alternatives else None
    fixed_pattern = (re.compile(rf"(?<![^\W\d_])(?:{alternation(sorted(fixed_iso))})(?![^\W\d_])", re.I)
                     if fixed_iso else None)
    abbreviation_pattern = (re.compile(rf"(?<=\d)\s?(?P<unit>{alternation(sorted(abbreviations))})(?!\w|[/:.,]\d)",
                                       re.I) if abbreviations else None)
    unit_of.update((form, unit) for form, unit in abbreviations.items() if form not in unit_of)
    return _Grammar(unit_pattern, unit_of, cue_pattern, retention_cue, criteria_pattern, labels, fixed_pattern,
                    fixed_iso, abbreviation_pattern)


def _number_before(folded: str, position: int, langs: tuple[str, ...], lang: str | None) -> tuple[int, int] | None:
    """(value, start) of the number that ends right before `position`, or None."""
    window_start = max(0, position - _LOOKBACK)
    window = folded[window_start:position]
    digits_then_words = _DIGITS_THEN_WORDS_BEFORE.search(window)
    if digits_then_words:
        return int(digits_then_words.group(1)), window_start + digits_then_words.start()
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
    last = _WORD_BEFORE.search(window)
    if not last:
        return None
    last_word = last.group(1)
    if parse_number(last_word, lang) is None:
        lowered = last_word.lower()
        if not any(lowered in one_before_unit(code) for code in langs):
            return None
        previous = _WORD_BEFORE.search(window, 0, last.start())
        previous_word = previous.group(1).lower() if previous else ""
        if any(previous_word in not_before_article(code) for code in langs):
            return None
        return 1, window_start + last.start(1)
    words = [(last_word, window_start + last.start(1))]
    end = last.start()
    while len(words) < _MAX_NUMBER_WORDS:
        match = _WORD_BEFORE.search(window, 0, end)
        if not match:
            break
        words.insert(0, (match.group(1), window_start + match.start(1)))
        end = match.start()
    for count in range(len(words), 0, -1):
        chosen = words[-count:]
        value = parse_number(" ".join(word for word, _ in chosen), lang)
        if value is not None:
            return value, chosen[0][1]
    return None


def _role(folded: str, duration_start: int, duration_end: int, unit: str, cues: list[tuple[int, int, str]],
          sentence: tuple[int, int], langs: tuple[str, ...]) -> str:
    if unit == "Y" and _ages.is_age_mention(folded, duration_start, duration_end, sentence, langs):
        return "age"
    best_role, best_distance = "other", None
    in_sentence = [cue for cue in cues if sentence[0] < cue[1] and cue[0] < sentence[1]]
    cue_before = any(cue_end <= duration_start for _, cue_end, _ in in_sentence)
    for cue_start, cue_end, role in in_sentence:
        if cue_end <= duration_start:
            distance = duration_start - cue_end
        elif cue_start >= duration_end:
            gap = cue_start - duration_end
            if cue_before and gap > _ADJACENT and _CLAUSE_BREAK.search(folded, duration_end, cue_start):
                continue  # "kept for six years, to answer claims": the verb before governs the duration
            distance = gap if gap <= _ADJACENT else gap * _AFTER_CUE_PENALTY + _AFTER_CUE_OFFSET
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
    mentions: list[tuple[int, int, str, float, str]] = []
    if grammar.fixed_pattern is not None:  # "half a year", "полугода": whole phrases, read first
        for match in grammar.fixed_pattern.finditer(folded):
            iso = grammar.fixed_iso.get(match.group().lower())
            if iso is None:  # matched ignoring case by a letter that lowers to another one
                continue
            mentions.append((match.start(), match.end(), iso, int(iso[1:-1]) * _UNIT_DAYS[iso[-1]], iso[-1]))
    fixed_spans = [(start, end) for start, end, *_ in mentions]
    units = list(grammar.unit_pattern.finditer(folded))
    if grammar.abbreviation_pattern is not None:  # "24h", "48 h": a short unit only right after its digits
        units += grammar.abbreviation_pattern.finditer(folded)
    for match in units:
        if any(start < match.end() and match.start() < end for start, end in fixed_spans):
            continue
        unit = grammar.unit_of.get(match.group("unit").lower())
        if unit is None:  # matched ignoring case by a letter that lowers to another one
            continue
        number = _number_before(folded, match.start(), langs, lang)
        if number is None:
            continue
        value, start = number
        iso = f"PT{value}H" if unit == "H" else f"P{value}{unit}"
        mentions.append((start, match.end(), iso, value * _UNIT_DAYS[unit], unit))
    mentions.sort()
    if not mentions:
        return []
    sentences = sentence_spans(folded)
    cues = []
    if grammar.cue_pattern is not None:
        for cue in grammar.cue_pattern.finditer(folded):
            role = next(name for name in _ROLES if cue.groupdict().get(name))
            cues.append((cue.start(), cue.end(), role))
    found = []
    for start, end, iso, days, unit in mentions:
        sentence = span_containing(sentences, start)
        role = _role(folded, start, end, unit, cues, sentence, langs)
        found.append(Duration(iso, days, start, end, text[start:end], role))
    return found


def retention_periods(text: str, lang: str | None) -> list[str]:
    """ISO durations `text` gives as how long data is kept, in order, without repeats."""
    return list(dict.fromkeys(d.iso for d in find_durations(text, lang) if d.role == "retention"))


def retention_criteria(text: str, lang: str | None, about_retention: bool = False) -> list[str]:
    """Non-numeric retention rules ("until you delete your account" → "until-account-deletion").

    Only sentences that speak about keeping or deleting data count, so "as required by law" in a
    sharing clause is not a retention rule, unless the text is known to be `about_retention` (a cell
    under a "Retention period" header).
    """
    grammar = _grammar(languages_for(lang))
    folded = fold(text)
    if grammar.criteria is None or grammar.retention_cue is None:
        return []
    if not about_retention and not grammar.retention_cue.search(folded):
        return []
    sentences: list[tuple[int, int]] | None = None
    found: dict[str, int] = {}
    for match in grammar.criteria.finditer(folded):
        label = next(label for group, label in grammar.criteria_labels.items() if match.group(group) is not None)
        if label in found:
            continue
        if not about_retention:
            if sentences is None:
                sentences = sentence_spans(folded)
            start, end = span_containing(sentences, match.start())
            if not grammar.retention_cue.search(folded, start, end):
                continue
        found[label] = match.start()
    return sorted(found, key=found.__getitem__)
