"""Per-language cue lexicons (data in lexicons/categories/<lang>.json), compiled once.

A cue is a phrase of words; a word ending in `*` matches any ending (inflections, `retain*`),
`?` is any one letter and a lone `*` is any one word. Adding a language means adding a JSON file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from monitor.analysis.model import CATEGORIES

LEXICON_PACKAGE = "monitor.analysis"
LEXICON_DIR = ("lexicons", "categories")


@dataclass(frozen=True)
class Cue:
    """One compiled cue phrase and the label it explains a decision with."""

    phrase: str
    pattern: re.Pattern


@dataclass
class Lexicon:
    language: str
    strong: dict[str, list[Cue]] = field(default_factory=dict)
    weak: dict[str, list[Cue]] = field(default_factory=dict)
    high_risk: dict[str, list[Cue]] = field(default_factory=dict)
    negations: frozenset[str] = frozenset()
    modals: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()


def _word_pattern(word: str) -> str:
    if word == "*":
        return r"[\w'-]+"
    out = []
    for ch in word:
        if ch == "*":
            out.append(r"[\w-]*")
        elif ch == "?":
            out.append(r"\w")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def compile_cue(phrase: str) -> Cue:
    """`third part*` → a regex matching "third party", "third parties" at word boundaries."""
    words = phrase.casefold().split()
    body = r"[\s,]+".join(_word_pattern(w) for w in words)
    return Cue(phrase, re.compile(r"(?<![\w-])" + body + r"(?![\w])"))


def available_languages() -> list[str]:
    folder = resources.files(LEXICON_PACKAGE).joinpath(*LEXICON_DIR)
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))


@lru_cache(maxsize=None)
def load_lexicon(language: str) -> Lexicon | None:
    """The compiled lexicon of a language, or None when the language has no data file."""
    path = resources.files(LEXICON_PACKAGE).joinpath(*LEXICON_DIR, f"{language}.json")
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    lexicon = Lexicon(language=language)
    for category, cues in data.get("categories", {}).items():
        if category not in CATEGORIES:
            raise ValueError(f"lexicon {language}: unknown category {category!r}")
        lexicon.strong[category] = [compile_cue(p) for p in cues.get("strong", [])]
        lexicon.weak[category] = [compile_cue(p) for p in cues.get("weak", [])]
    for category, cues in data.get("high_risk", {}).items():
        lexicon.high_risk[category] = [compile_cue(p) for p in cues]
    lexicon.negations = frozenset(w.casefold() for w in data.get("negations", []))
    lexicon.modals = frozenset(w.casefold() for w in data.get("modals", []))
    lexicon.function_words = frozenset(w.casefold() for w in data.get("function_words", []))
    return lexicon


def lexicons_for(language: str | None) -> list[Lexicon]:
    """The lexicon of a language; every lexicon when the language is unknown or has no data."""
    lexicon = load_lexicon(language) if language else None
    if lexicon is not None:
        return [lexicon]
    return [lx for lang in available_languages() if (lx := load_lexicon(lang)) is not None]
