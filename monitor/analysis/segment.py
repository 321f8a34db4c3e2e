"""Clean text → clauses (sentences and list items) with their section heading as context."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache

HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
LIST_ITEM = re.compile(r"^(?:[-*+•·]|\d{1,3}[.)])\s+")
TABLE_ROW = re.compile(r"^\|.*\|$")
HEADER_CELL_WORDS = 8
CAPTION_ROWS = 2
"""Rows of one filled cell ("Support Sub-Processors", maybe repeated) that start a table, or a part of
one, before its header row."""
"""A table's first row is its header when every cell is a short name ("Durée de conservation")."""
# A sentence ends at . ! ? ; or a closing quote after them, followed by a space and an
# upper-case letter, a digit, a quote or an opening bracket.
SENTENCE_END = re.compile(r"(?<=[.!?;。])[\"')\]»]*\s+(?=[\"'«(\[]?[\w(])")
SENTENCE_BREAK = re.compile(SENTENCE_END.pattern + r"|\s*\n\s*")
# Words a dot follows without ending the sentence, in every language (legal references and street
# abbreviations included: "Sendlinger Str. 7").
ABBREVIATIONS = frozenset("""
e.g i.e etc inc ltd co corp no nr art arts sec vs mr mrs ms dr st approx incl u.s u.k e.u a.m p.m cf p.o
z.b d.h u.a bzw ca vgl abs ggf p.ej ej núm sr sra s.a s.l env p.ex т.е т.д т.п г ул д см
tj tzn např atd č odst písm bv o.a m.b.t ust pkt lit poz zm dz itp np tzw ecc pag art.o n.º nº
str rd ave blvd
""".split())
ABBREVIATION = re.compile(r"(?:\b[A-ZА-Я]\.|(?<![\w.])(?P<word>[\w.]+)\.)$")


def is_abbreviation(word: str) -> bool:
    """True for "e.g.", "U.S.", "Art." or an initial: a dot that does not end a sentence."""
    match = ABBREVIATION.search(word)
    if not match:
        return False
    token = (match.group("word") or "").lower()
    return not token or token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())


WORD = re.compile(r"\w+", re.UNICODE)
MIN_CLAUSE_CHARS = 2


@dataclass(frozen=True)
class Clause:
    """A sentence or list item of a document, with where it stands."""

    text: str
    section: str
    block: int
    kind: str  # heading | item | row | sentence
    columns: tuple[str, ...] = ()
    """For a table row: the header of each of its cells, in the order of the text's " | " cells (a
    header row is its own header)."""

    @property
    def is_table_header(self) -> bool:
        return self.kind == "row" and len(self.columns) > 1 and self.text.split(" | ") == list(self.columns)

    def cells(self) -> list[tuple[str, str]]:
        """A table row's cells, each with its column's header ("" where the header is empty)."""
        return list(zip(self.text.split(" | "), self.columns))

    @cached_property
    def key(self) -> str:
        return clause_key(self.text)


def clause_key(text: str) -> str:
    """Comparison key: case, punctuation and spacing do not matter."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(WORD.findall(folded))


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a text: the one sentence splitter, for clauses and facts.

    A sentence ends at . ! ? ; (and a closing quote or bracket after them) before a space and a word,
    or at a line break. Not after an abbreviation ("e.g.", "U.S.", "Art.", an initial, "2."), not at
    the dot of a phone cue before its number ("Tel. 01 23…"), not before a lower-case word.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_BREAK.finditer(text):
        if "\n" not in match.group():
            candidate = text[start:match.start()].rstrip()
            last_word = candidate.rsplit(None, 1)[-1] if candidate.split() else ""
            following = text[match.end():match.end() + 1]
            if candidate.endswith(".") and following.islower():
                continue
            if is_abbreviation(last_word.lstrip("(\"'")) or re.search(r"\d\.$", candidate) and len(last_word) <= 3:
                continue
            if _phone_cue_before_number(last_word, text, match.end()):
                continue
        end = len(text[:match.start()].rstrip())
        if end > start:
            spans.append((start, end))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return [(a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in spans if text[a:b].strip()]


CF_PLACEHOLDER_WORDS = re.compile(r"\[\s*email\s+protected\s*\]", re.I)
"""Cloudflare's "[email protected]": one address, however many words it is written in."""


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (`sentence_spans`); a part of one or two words ("and",
    "E-mail: dpo@example.com.", the address hidden or not) stays with the sentence before it."""
    merged: list[str] = []
    for start, end in sentence_spans(text):
        part = text[start:end]
        if merged and len(CF_PLACEHOLDER_WORDS.sub("@", part).split()) <= 2:  # "…; and" keeps its "and"
            merged[-1] = f"{merged[-1]} {part}"
        else:
            merged.append(part)
    return merged


PHONE_NUMBER_AHEAD = re.compile(r"(?:\w{1,3}\.?\s)?[(+]?\d")  # "01 23…", "(030)…", "č. 123…"


def _phone_cue_before_number(last_word: str, text: str, position: int) -> bool:
    """"Tel. 01 23 45 67 89": the dot of a phone cue with a number after it ends no sentence."""
    if not last_word.endswith(".") or not PHONE_NUMBER_AHEAD.match(text, position):
        return False
    from monitor.analysis.facts.contacts import cue_abbreviations  # the cues are lexicon data

    return last_word.lstrip("(\"'").rstrip(".").lower() in cue_abbreviations()


def _headings_in_name_only(lines: list[str]) -> set[int]:
    """Lines marked as headings that are really list items or table-of-contents entries.

    Scraped pages often mark list items up as headings. A run of headings with nothing between
    them after a paragraph ending in ":" is a list; in any other run of three or more, all but the
    last (the one its content follows) are entries of a table of contents.
    """
    demoted: set[int] = set()
    run: list[int] = []
    for index in range(len(lines) + 1):
        if index < len(lines) and HEADING.match(lines[index]):
            run.append(index)
            continue
        if run:
            before = lines[run[0] - 1] if run[0] > 0 else ""
            if before.rstrip().endswith(":") and not HEADING.match(before):
                demoted.update(run)
            elif len(run) >= 3:
                demoted.update(run[:-1])
            run = []
    return demoted


def split_clauses(text: str) -> list[Clause]:
    """Every sentence, list item, table row and heading of a clean text, in order."""
    return list(_split_clauses(text))


RUNNING_HEAD_REPEATS = 3
"""A line written this many times as often as the document's ordinary line, its numbers aside, is a
printed page's running head or foot ("Privalia | 53"); a page captured twice writes each line twice."""
LETTERED_ITEM = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4})[.)]\s")
"""A list item lettered in lower case ("b) Debug to identify and repair errors"): no sentence's rest."""


_DIGITS = re.compile(r"\d+")


def _page_furniture_key(line: str) -> str:
    """A line with its numbers set aside: a running foot is the same line on every page ("Privalia | #")."""
    return _DIGITS.sub("#", line)


def _stops_mid_sentence(line: str) -> bool:
    """A line whose last word is no sentence's end ("or for", "veinticuatro (24)", "the data,"), and
    no menu of links ("Accept all | Reject all | Cookie settings")."""
    last = line.rstrip("\"')]»”*_")[-1:]
    return (last.isalnum() or last in ",-–") and "|" not in line


def _goes_on(line: str) -> bool:
    """Whether a line can be the rest of a sentence: it starts in lower case, and is no lettered list
    item ("b) Debug…")."""
    return line[0].islower() and not LETTERED_ITEM.match(line)


def _unwrapped(lines: list[str]) -> list[str]:
    """The lines with each hard-wrapped paragraph made one again (a PDF's text, one printed line per
    paragraph): a line that starts in lower case goes on the paragraph or list item before it when
    that one stops mid-sentence ("... or for" + "three years after your last interaction"), over a
    page's running head if one stands between them."""
    lines = list(lines)
    keys = [_page_furniture_key(line) if line else "" for line in lines]
    repeats = Counter(key for key in keys if key)
    ordinary = Counter(repeats.values()).most_common(1)[0][0] if repeats else 1
    open_line: int | None = None
    for index, line in enumerate(lines):
        if not line:
            continue
        plain = not (HEADING.match(line) or TABLE_ROW.match(line) or LIST_ITEM.match(line))
        if open_line is not None and plain and repeats[keys[index]] >= RUNNING_HEAD_REPEATS * ordinary:
            continue  # a page's running head between the two halves of a sentence
        if open_line is not None and plain and _goes_on(line):
            lines[open_line], lines[index] = f"{lines[open_line]} {line}", ""
        elif plain or LIST_ITEM.match(line):
            open_line = index
        else:
            open_line = None
        if open_line is not None and not _stops_mid_sentence(lines[open_line]):
            open_line = None
    return lines


@lru_cache(maxsize=32)
def _split_clauses(text: str) -> tuple[Clause, ...]:
    clauses: list[Clause] = []
    section = ""
    header: list[str] = []
    captions = 0  # caption rows (one filled cell) just read in a table
    lines = _unwrapped([raw.strip() for raw in text.split("\n")])
    demoted = _headings_in_name_only(lines)
    for index, line in enumerate(lines):
        if not line:
            continue
        heading = HEADING.match(line)
        if heading and index not in demoted:
            section = heading.group(2).strip()
            clauses.append(Clause(section, section, index, "heading"))
            continue
        if heading:
            clauses.append(Clause(heading.group(2).strip(), section, index, "item"))
            continue
        if TABLE_ROW.match(line):
            if "-" in line and not set(line) - set("-: |"):
                continue  # the line under a table's header row: no row, and no header of its own
            cells = [c.strip() for c in line.strip("|").split("|")]
            first = not TABLE_ROW.match(lines[index - 1] if index else "")
            filled = sum(1 for c in cells if c)
            if first or 0 < captions <= CAPTION_ROWS and filled > 1:  # a table's first row, or the row below its captions
                header = cells if all(len(c.split()) <= HEADER_CELL_WORDS for c in cells) else []
            captions = (0 if first else captions) + 1 if filled <= 1 else 0
            text = " | ".join(c for c in cells if c)
            if text:
                columns = tuple(header[i] if i < len(header) else "" for i, c in enumerate(cells) if c)
                clauses.append(Clause(text, section, index, "row", columns if any(columns) else ()))
            continue
        kind = "sentence"
        if LIST_ITEM.match(line):
            line = LIST_ITEM.sub("", line, count=1)
            kind = "item"
        for sentence in split_sentences(line):
            if len(sentence) >= MIN_CLAUSE_CHARS and WORD.search(sentence):
                clauses.append(Clause(sentence, section, index, kind))
    return tuple(clauses)
