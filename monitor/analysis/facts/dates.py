"""Calendar dates in the supported languages, and the date a policy declares for itself.

Month names come from CLDR (babel), format and stand-alone, wide and abbreviated, so genitive forms
("марта", "ledna") are covered; ``dates_<lang>.json`` adds cue words ("Last updated", "Stand",
"Обновлено") and a few extra month spellings. English and German month names must be capitalised,
so "may" the verb is never May.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale

from monitor.analysis.facts._lexicon import languages_for, load
from monitor.analysis.facts._text import fold

_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th|er|e|º|°|\.)?"
_YEAR = r"(?P<y>(?:19|20)\d\d)(?!\d)"
_YEAR_ONLY = re.compile(r"^[\s:.\-|*#]*((?:19|20)\d\d)[\s.]*(?:г\.?|года|год)?[\s.]*$")
_ANY_YEAR = re.compile(r"(?:19|20)\d\d")
_WORD = re.compile(r"[^\W\d_]+")
_MARKUP = re.compile(r"^[#\-|*>\s]+")


@dataclass(frozen=True)
class _DateGrammar:
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    month_of: dict[str, int]
    cues: re.Pattern[str] | None
    fillers: frozenset[str]
    month_first: bool
    cue_words: re.Pattern[str] | None = None
    """The cues alone, case-sensitive, for `_cue_matches` to find candidates fast in lower-cased text."""
    ends: re.Pattern[str] | None = None
    """Words after a cue that make its date the end of a version's validity ("Effective until")."""


def _month_names(lang: str) -> tuple[dict[str, int], dict[str, int]]:
    """(wide names, abbreviations) of one language, lower-cased, dots stripped."""
    locale = Locale.parse(lang)
    wide: dict[str, int] = {}
    short: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for number, name in locale.months[context]["wide"].items():
            wide[fold(name.lower())] = number
        for number, name in locale.months[context]["abbreviated"].items():
            short[fold(name.lower().rstrip("."))] = number
    for number, names in load("dates", lang).get("extra_months", {}).items():
        for name in names:
            short[fold(name.lower())] = int(number)
    return wide, short


@lru_cache(maxsize=None)
def month_names(lang: str | None) -> frozenset[str]:
    """The months' full names in a language (and in English), lower-cased: words that are a date,
    never a name ("our November 1, 2022 Privacy Policy")."""
    names: set[str] = set()
    for code in dict.fromkeys(c for c in (lang, "en") if c):
        try:
            names |= set(_month_names(code)[0])
        except (ValueError, LookupError):
            continue  # a language CLDR does not know
    return frozenset(names)


def _alternation(names: dict[str, bool]) -> str:
    parts = []
    for name in sorted(names, key=len, reverse=True):
        escaped = re.escape(name)
        if names[name]:
            parts.append(re.escape(name[:1].upper() + name[1:]) + "|" + re.escape(name.upper()))
        else:
            parts.append(f"(?i:{escaped})")
    return "|".join(parts)


@lru_cache(maxsize=None)
def _grammar(langs: tuple[str, ...]) -> _DateGrammar:
    month_of: dict[str, int] = {}
    conflicting: set[str] = set()
    wide_names: dict[str, bool] = {}
    all_names: dict[str, bool] = {}
    cues: list[str] = []
    fillers: set[str] = set()
    ends: list[str] = []
    for code in langs:
        data = load("dates", code)
        capitalised = bool(data.get("capitalized_months"))
        wide, short = _month_names(code)
        for table, is_wide in ((wide, True), (short, False)):
            for name, number in table.items():
                if month_of.setdefault(name, number) != number:
                    conflicting.add(name)
                all_names[name] = all_names.get(name, True) and capitalised
                if is_wide:
                    wide_names[name] = wide_names.get(name, True) and capitalised
        cues.extend(data.get("declared_cues", []))
        fillers.update(word.lower() for word in data.get("fillers", []))
        ends.extend(data.get("end_words", []))
    for name in conflicting:
        month_of.pop(name, None)
        all_names.pop(name, None)
        wide_names.pop(name, None)
    month = f"(?P<mon>{_alternation(all_names)})\\.?"
    wide_month = f"(?P<mon>{_alternation(wide_names)})"
    patterns = (
        ("iso", re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d\d)-(?P<m>[01]?\d)-(?P<d>[0-3]?\d)(?!\d)")),
        ("numeric", re.compile(r"(?<![\d.-])(?P<a>[0-3]?\d)(?P<s>[./-])(?P<b>[01]?\d)(?P=s)(?P<y>(?:19|20)\d\d)(?!\d)")),
        ("dmy", re.compile(rf"(?<![\w.]){_DAY}\s*(?:de\s+|of\s+)?{month},?\s*(?:de\s+|del\s+)?{_YEAR}")),
        ("mdy", re.compile(rf"(?<!\w){month}\s+{_DAY},?\s+{_YEAR}")),
        ("my", re.compile(rf"(?<!\w){wide_month},?\s+(?:de\s+|del\s+)?{_YEAR}")),
    )
    alternatives = "|".join(sorted(cues, key=len, reverse=True))
    cue_pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I) if cues else None
    cue_words = re.compile(alternatives.lower()) if cues else None
    end_pattern = (re.compile(rf"[\s:*]*(?:{'|'.join(sorted(ends, key=len, reverse=True))})(?!\w)", re.I)
                   if ends else None)
    return _DateGrammar(patterns, month_of, cue_pattern, frozenset(fillers), langs == ("en",), cue_words,
                        end_pattern)


def _cue_matches(folded: str, grammar: _DateGrammar) -> Iterator[re.Match[str]]:
    """`grammar.cues.finditer(folded)`, about twice as fast.

    A case-insensitive pattern that opens with a look-behind makes the regex engine try every
    position of a long page; the bare cue words on the lower-cased text find the few candidate
    positions, where the full pattern is then tried.
    """
    assert grammar.cues is not None
    lowered = folded.lower()
    if grammar.cue_words is None or len(lowered) != len(folded):  # a few letters lower-case to two
        yield from grammar.cues.finditer(folded)
        return
    position = 0
    while candidate := grammar.cue_words.search(lowered, position):
        match = grammar.cues.match(folded, candidate.start())
        if match:
            yield match
            position = max(match.end(), candidate.start() + 1)
        else:
            position = candidate.start() + 1


def _to_date(kind: str, match: re.Match[str], grammar: _DateGrammar) -> datetime.date | None:
    year = int(match["y"])
    if kind == "iso":
        month, day = int(match["m"]), int(match["d"])
    elif kind == "numeric":
        first, second = int(match["a"]), int(match["b"])
        month_first = (grammar.month_first and first <= 12) or second > 12
        month, day = (first, second) if month_first else (second, first)
    else:
        month = grammar.month_of.get(fold(match["mon"].lower()), 0)
        day = int(match["d"]) if kind in ("dmy", "mdy") else 1
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _date_spans(text: str, lang: str | None) -> list[tuple[int, int, datetime.date]]:
    if not _ANY_YEAR.search(text):
        return []
    grammar = _grammar(languages_for(lang))
    folded = fold(text)
    found: list[tuple[int, int, datetime.date]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in grammar.patterns:
        for match in pattern.finditer(folded):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            value = _to_date(kind, match, grammar)
            if value is not None:
                found.append((match.start(), match.end(), value))
                taken.append((match.start(), match.end()))
    return sorted(found)


def find_dates(text: str, lang: str | None) -> list[datetime.date]:
    """Every date written in `text`, in order; "avril 2025" is the first of the month."""
    return [value for _, _, value in _date_spans(text, lang)]


def declared_date(text: str, lang: str | None) -> datetime.date | None:
    """The "last updated"/"effective" date a document states about itself, or None.

    The first cue word followed by a date on its line (or the next line) wins, unless the date is when
    the version stops applying ("Effective until"); a bare year after a cue ("Время обновления: 2024")
    counts as 1 January of that year. In a table row, the date is in the cue's cell, or in the next cell
    when the cue's holds nothing else ("Last updated | 4 July 2025"): a change log's "Updated text on
    analytics | 28 September 2020" dates one change, not the document.
    """
    grammar = _grammar(languages_for(lang))
    if grammar.cues is None:
        return None
    folded = fold(text)
    for cue in _cue_matches(folded, grammar):
        line_end = folded.find("\n", cue.end())
        line_end = len(folded) if line_end < 0 else line_end
        rest = folded[cue.end() : line_end]
        if "|" in rest:  # "Updated text on analytics | 28 September 2020": another cell's date
            cells = rest.split("|")
            rest = cells[0] if _WORD.search(cells[0]) else "|".join(cells[:2])
        if grammar.ends is not None and grammar.ends.match(rest):
            continue  # the date this version stops applying, not the one it took effect
        dates = _date_spans(rest, lang)
        if dates:
            return dates[0][2]
        year_only = _YEAR_ONLY.match(rest)
        if year_only:
            return datetime.date(int(year_only.group(1)), 1, 1)
        if not any(map(str.isdigit, rest)):
            next_end = folded.find("\n", line_end + 1)
            next_line = folded[line_end + 1 : len(folded) if next_end < 0 else next_end]
            dates = _date_spans(next_line, lang)
            if dates and dates[0][0] <= 3:
                return dates[0][2]
    return None


def is_date_line(text: str, lang: str | None) -> bool:
    """Whether a block says nothing but a date ("Last updated: 2 November 2026", "Время обновления: 2024")."""
    if not _ANY_YEAR.search(text):  # every date it reads has a year: most blocks end here, cheaply
        return False
    grammar = _grammar(languages_for(lang))
    folded = _MARKUP.sub("", fold(text))
    date_spans = [(start, end) for start, end, _ in _date_spans(folded, lang)]
    cue_spans = [(cue.start(), cue.end()) for cue in _cue_matches(folded, grammar)] if grammar.cues else []
    if not date_spans:
        return bool(cue_spans) and bool(_YEAR_ONLY.match(folded[cue_spans[0][1] :]))
    remainder = list(folded)
    for start, end in date_spans + cue_spans:
        remainder[start:end] = [" "] * (end - start)
    words = [word.lower() for word in _WORD.findall("".join(remainder))]
    leftovers = [word for word in words if word not in grammar.fillers]
    return len(leftovers) <= (1 if cue_spans else 0)
