"""Page chrome: what a scrape left around the policy (navigation, consent banners, headings)."""

from __future__ import annotations

import re
from collections import Counter

from monitor.analysis.align import ClausePair
from monitor.analysis.lexicon import TOKEN, page_chrome
from monitor.analysis.segment import Clause

NUMBERING = re.compile(r"^(?:(?:\d{1,3}|[ivxlc]{1,6}|[a-z])\s)+")  # "2.1", "iv", "a)" before a heading


def chrome_blocks(clauses: list[Clause], side: str) -> set[tuple[str, int]]:
    """Blocks of page furniture a scrape left in the text: short links repeated all over the page
    ("Back to top"), banner buttons ("Accept | Decline") and the cookie sentences next to them."""
    chrome = page_chrome()
    repeats = Counter(c.key for c in clauses)
    per_block = Counter(c.block for c in clauses)
    found: set[tuple[str, int]] = set()
    buttons: set[int] = set()
    for clause in clauses:
        words = TOKEN.findall(clause.text.casefold())
        if not words or len(words) > 8:
            continue
        alone = per_block[clause.block] == 1
        if alone and (clause.key in chrome["navigation"] or (repeats[clause.key] >= 3 and len(words) <= 5)):
            found.add((side, clause.block))
        elif clause.kind != "heading" and _is_button_row(clause.text, chrome["buttons"]):
            buttons.add(clause.block)
    for clause in clauses:
        near_button = any(abs(clause.block - b) <= 2 for b in buttons)
        if clause.block in buttons or (near_button and "cookie" in clause.text.casefold()):
            found.add((side, clause.block))
    return found


BUTTON_SEPARATORS = re.compile(r"\s*(?:[|/·•]|\s-\s)\s*")


def _is_button_row(text: str, buttons: frozenset[str]) -> bool:
    """"Accept | Decline", "Alle akzeptieren Nur notwendige": nothing but consent-banner buttons."""
    words = TOKEN.findall(BUTTON_SEPARATORS.sub(" ", text).casefold())
    position = 0
    while position < len(words):
        for length in range(min(6, len(words) - position), 0, -1):
            if " ".join(words[position:position + length]) in buttons:
                position += length
                break
        else:
            return False
    return bool(words)


def heading_key(clause: Clause) -> str:
    """A heading's comparison key without its numbering: "2.1 Your rights" is "your rights"."""
    return NUMBERING.sub("", clause.key)


def is_heading(pair: ClausePair, headings: frozenset[str]) -> bool:
    """A heading, or a table-of-contents entry that repeats one: structure, not practice."""
    sides = [c for c in (pair.old, pair.new) if c is not None]
    return all(c.kind == "heading" or heading_key(c) in headings for c in sides)
