"""Language identification per document and per block (py3langid ships its model)."""

from __future__ import annotations

import re
from functools import lru_cache

MIN_CHARS = 40
MIN_CONFIDENCE = 0.6
SLICE_CHARS = 2000
_MARKUP = re.compile(r"^(#{1,6}|-|\|)\s*|\s\|\s|[\d\W_]+(?=\s)", re.MULTILINE)


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=256)
def identify(text: str) -> tuple[str | None, float]:
    """(ISO 639-1 code, confidence) of a text; (None, 0) when too short to tell.

    A long text is judged on three slices (start, middle, end): enough for a confident answer,
    and a page whose languages are mixed is still seen whole.
    """
    if len(text) > 3 * SLICE_CHARS:
        middle = len(text) // 2
        text = " ".join((text[:SLICE_CHARS], text[middle:middle + SLICE_CHARS], text[-SLICE_CHARS:]))
    sample = _MARKUP.sub(" ", text)
    if len(sample.strip()) < MIN_CHARS:
        return None, 0.0
    language, confidence = _identifier().classify(sample)
    return language, float(confidence)


def detect_language(text: str, hint: str | None = None) -> str | None:
    """The language of a text; the hint (e.g. the watchlist's) wins only when detection is unsure."""
    language, confidence = identify(text)
    if language is None or confidence < MIN_CONFIDENCE:
        return hint or language
    return language
