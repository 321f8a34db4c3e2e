"""Language identification per document and per block (py3langid ships its model)."""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain
from functools import lru_cache

MIN_CHARS = 40
MIN_CONFIDENCE = 0.6
SLICE_CHARS = 1200
"""A long text is judged on three slices of this many characters: some 500 words, plenty for its small words."""
PROFILE_MIN_WORDS = 150
CLAUSE_MIN_WORDS = 12
PROFILE_MIN_SHARE = 0.2
PROFILE_MIN_LEAD = 2.0
PROFILE_CONFIDENCE = 0.95
_WORDS = re.compile(r"\w+")
_MARKUP = re.compile(r"^(#{1,6}|-|\|)\s*|\s\|\s|[\d\W_]+(?=\s)", re.MULTILINE)


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _by_function_words(sample: str, min_words: int = 0, expected: str | None = None) -> str | None:
    """The language whose small words make up a clear share of a long text, or None if unsure.

    Policies are long and ordinary prose: when one language's function words cover a fifth of the
    words and twice as many as any other's, that is the answer without loading the model. The
    `expected` language (the one the watchlist declares) needs only to lead: close relatives such
    as Spanish and Portuguese share many small words, and a declaration the text bears out is
    not doubted.
    """
    from monitor.analysis.lexicon import function_word_languages

    words = _WORDS.findall(sample.casefold())
    if len(words) < (min_words or PROFILE_MIN_WORDS):
        return None
    counts = Counter(chain.from_iterable(filter(None, map(function_word_languages().get, words))))
    ranked = counts.most_common(2) + [("", 0), ("", 0)]
    (language, best), (_, runner_up) = ranked[0], ranked[1]
    share = best / len(words)
    if share < PROFILE_MIN_SHARE:
        return None
    return language if best >= PROFILE_MIN_LEAD * runner_up or (expected and language == expected) else None


@lru_cache(maxsize=256)
def identify(text: str, expected: str | None = None) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence) of a text; (None, 0) when too short to tell.

    A long text is judged on three slices (start, middle, end): enough for a confident answer,
    and a page whose languages are mixed is still seen whole. `expected` is the language the text
    is declared in, if any (see `_by_function_words`).
    """
    if len(text) > 3 * SLICE_CHARS:
        middle = len(text) // 2
        text = " ".join((text[:SLICE_CHARS], text[middle:middle + SLICE_CHARS], text[-SLICE_CHARS:]))
    if len(text.strip()) < MIN_CHARS:
        return None, 0.0
    profiled = _by_function_words(text, expected=expected)
    if profiled:
        return profiled, PROFILE_CONFIDENCE
    sample = _MARKUP.sub(" ", text)  # the model reads characters: markup and numbers only mislead it
    if len(sample.strip()) < MIN_CHARS:
        return None, 0.0
    language, confidence = _identifier().classify(sample)
    return language, float(confidence)


def detect_language(text: str, hint: str | None = None) -> str | None:
    """The language of a text; the hint (e.g. the watchlist's) wins only when detection is unsure."""
    language, confidence = identify(text, hint)
    if language is None or confidence < MIN_CONFIDENCE:
        return hint or language
    return language


CLAUSE_CONFIDENCE = 0.99
"""How sure the model must be of a clause's language that its small words leave open."""
FOREIGN_SHARE = 0.05
"""A clause whose words are less than this share of its page language's small words is not in it."""


def clause_language(text: str, page_language: str | None = None) -> str | None:
    """The language of one clause of a page, by its function words (no model: clauses are many and
    short); None when the clause does not say clearly. A clause that says nothing clearly and has
    almost none of the page language's small words (a page of several languages: "Residents of
    Colorado, Connecticut, Oregon ... may have additional rights" on a page read as French) is
    given to the model, which must be all but certain, among the languages the analysis reads."""
    found = _by_function_words(text, min_words=CLAUSE_MIN_WORDS)
    words = _WORDS.findall(text.casefold())
    if found or page_language is None or len(words) < CLAUSE_MIN_WORDS:
        return found
    from monitor.analysis.lexicon import available_languages, function_word_languages

    own = sum(1 for w in words if page_language in function_word_languages().get(w, ()))
    if own >= FOREIGN_SHARE * len(words):
        return None
    language, confidence = _identifier().classify(_MARKUP.sub(" ", text))
    return language if confidence >= CLAUSE_CONFIDENCE and language in available_languages() else None
