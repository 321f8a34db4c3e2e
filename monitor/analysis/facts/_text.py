"""Small text helpers shared by the extractors: offset-preserving folding and sentence spans."""

from __future__ import annotations

import re

from monitor.analysis.segment import ABBREVIATIONS

# One character in, one character out, so match offsets stay valid in the original text.
_FOLD = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("ё", "е"), ("Ё", "Е"), ("\u00a0", " "), ("\u202f", " "), ("–", "-"), ("—", "-"))

_SENTENCE_END = re.compile(r"[.!?;]+[\"')\]]*\s+|\n+")
_LAST_TOKEN = re.compile(r"(\S+)$")


def fold(text: str) -> str:
    """Quotes, NBSPs, dashes and ё folded so patterns can stay simple; same length as `text`."""
    for original, replacement in _FOLD:
        if original in text:
            text = text.replace(original, replacement)
    return text


def _is_abbreviation(text: str, dot_position: int) -> bool:
    match = _LAST_TOKEN.search(text, max(0, dot_position - 16), dot_position)
    if not match:
        return False
    token = match.group(1).lstrip("(\"'")
    return len(token) == 1 or "." in token or token.lower() in ABBREVIATIONS


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; "U.S." or "e.g." do not end a sentence."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        separator = match.group()
        if "\n" not in separator and separator[0] == ".":
            following = text[match.end() : match.end() + 1]
            if following.islower() or _is_abbreviation(text, match.start()):
                continue
        spans.append((start, match.start() + len(separator.rstrip())))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [span for span in spans if span[1] > span[0]]


def span_containing(spans: list[tuple[int, int]], position: int) -> tuple[int, int]:
    """The sentence span that holds `position` (the last one when past the end)."""
    for start, end in spans:
        if start <= position < end:
            return start, end
    return spans[-1] if spans else (0, 0)
