"""Numbers written in digits or words, in any supported language, including inflected forms.

en/fr/es/de/nl number words go through text2num; languages text2num lacks (ru, cs) are composed
from a word→value table in ``numbers_<lang>.json``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from text_to_num import text2num

from monitor.analysis.facts._lexicon import languages_for, load

_DIGITS = re.compile(r"^\d{1,9}$")
_SEPARATORS = re.compile(r"[\s\-]+")


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


@lru_cache(maxsize=None)
def _word_values(lang: str) -> dict[str, int]:
    table = load("numbers", lang).get("values", {})
    return {_fold(word): int(value) for value, words in table.items() for word in words}


@lru_cache(maxsize=None)
def one_before_unit(lang: str) -> frozenset[str]:
    """Words that mean 1 only when they stand directly before a unit ("a year", "un an")."""
    return frozenset(word.lower() for word in load("numbers", lang).get("one_before_unit", []))


@lru_cache(maxsize=None)
def not_before_article(lang: str) -> frozenset[str]:
    """Words that turn "a year" into a frequency ("once a year"), so it is no duration."""
    return frozenset(word.lower() for word in load("numbers", lang).get("not_after", []))


def _compose(words: list[str], lang: str) -> int | None:
    """Add up tens and units ("двадцати четырёх" → 24) from the data table, checking order."""
    values = _word_values(lang)
    connectors = {_fold(word) for word in load("numbers", lang).get("connectors", [])}
    total = 0
    previous: int | None = None
    for word in map(_fold, words):
        if word in connectors and previous is not None:
            continue
        value = values.get(word)
        if value is None:
            return None
        if previous is not None:
            if value >= previous or (10 <= previous < 20) or (20 <= previous < 100 and value >= 10):
                return None
            if previous >= 100 and value >= 100:
                return None
        total += value
        previous = value
    return total if previous is not None else None


@lru_cache(maxsize=50_000)
def _parse_words(text: str, lang: str) -> int | None:
    data = load("numbers", lang)
    if data.get("engine") == "text2num":
        for candidate in (text, text.replace(" ", "-")):
            try:
                return int(text2num(candidate, lang))
            except (ValueError, TypeError, AssertionError):
                continue
        return None
    return _compose(_SEPARATORS.split(text), lang)


def parse_number(tokens_or_text: str, lang: str | None) -> int | None:
    """The integer a number written in digits or words stands for, or None.

    Articles ("a", "un", "ein") are not numbers here; durations accept them before a unit.
    """
    text = tokens_or_text.strip().lower()
    if not text:
        return None
    if _DIGITS.match(text):
        return int(text)
    normalised = " ".join(_SEPARATORS.split(text))
    for code in languages_for(lang):
        value = _parse_words(normalised, code)
        if value is not None:
            return value
    return None
