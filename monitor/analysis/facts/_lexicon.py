"""Packaged per-language data for the fact extractors, loaded once.

Every language-specific word list lives in ``monitor/analysis/lexicons/facts/<kind>_<lang>.json``;
adding a language means adding those files. Nothing here does I/O after the first load.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import snowballstemmer

_LEXICON_FOLDER = Path(__file__).resolve().parent.parent / "lexicons" / "facts"
_FILE_NAME = re.compile(r"^(?P<kind>[a-z]+)_(?P<lang>[a-z]{2,3})\.json$")


@lru_cache(maxsize=None)
def known_languages() -> tuple[str, ...]:
    """Languages that have at least one fact lexicon, sorted."""
    found = set()
    for entry in _LEXICON_FOLDER.iterdir():
        match = _FILE_NAME.match(entry.name)
        if match:
            found.add(match["lang"])
    return tuple(sorted(found))


@lru_cache(maxsize=None)
def load(kind: str, lang: str) -> dict[str, Any]:
    """The ``<kind>_<lang>.json`` lexicon, or an empty dict when the language has none."""
    entry = _LEXICON_FOLDER / f"{kind}_{lang}.json"
    if not entry.is_file():
        return {}
    return json.loads(entry.read_text(encoding="utf-8"))


NOUNS_CAPITALISED = frozenset({"de", "lb"})
"""Languages that capitalise every noun: there a capitalised word is no sign of a name."""


@lru_cache(maxsize=1)
def names() -> dict[str, Any]:
    """lexicons/names.json, read once: words that are no company, legal forms, regions (every language)."""
    return json.loads((_LEXICON_FOLDER.parent / "names.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def company_names() -> re.Pattern[str]:
    """A company's name with its legal form ("Airbnb Payments UK Ltd", "Parler, Inc.", "Kaporal SAS"):
    up to five capitalised words before a legal form of any country (lexicons/names.json)."""
    forms = sorted(names()["legal_forms"], key=len, reverse=True)
    form = "|".join(re.escape(f) for f in forms)
    word = r"[A-Z0-9ÀÉÎÖÜА-Я][\w&'.-]*"
    return re.compile(rf"(?<![\w&'.@-])((?:{word}\s+){{0,4}}{word}),?\s+(?:{form})(?![\w/])")


def languages_for(lang: str | None) -> tuple[str, ...]:
    """The languages to try: the given one if it has data, else every known language."""
    if lang:
        code = lang.lower().split("-")[0].split("_")[0]
        if code in known_languages():
            return (code,)
    return known_languages()


@lru_cache(maxsize=None)
def _stem_function(lang: str) -> Callable[[str], str]:
    data = load("stemmer", lang)
    algorithm = data.get("snowball")
    if algorithm and algorithm in snowballstemmer.algorithms():
        return snowballstemmer.stemmer(algorithm).stemWord
    suffixes = sorted(data.get("suffixes", []), key=len, reverse=True)
    min_stem = int(data.get("min_stem", 3))

    def strip_suffix(word: str) -> str:
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
                return word[: -len(suffix)]
        return word

    return strip_suffix


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    """Lower-cased stem of one word (snowball, or the data-driven suffix stripper)."""
    lowered = word.lower().replace("ё", "е")
    return _stem_function(lang)(lowered)


def alternation(words: list[str] | tuple[str, ...], escape: bool = True) -> str:
    """A regex alternation of words, longest first so the longest form wins."""
    items = sorted(set(words), key=len, reverse=True)
    return "|".join(re.escape(item) if escape else item for item in items)
