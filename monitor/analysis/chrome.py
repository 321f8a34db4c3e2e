"""Page chrome: what a scrape left around the policy (navigation, consent banners, headings)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from monitor.analysis.align import ClausePair
from monitor.analysis.facts import dates
from monitor.analysis.lexicon import TOKEN, page_chrome
from monitor.analysis.segment import Clause, clause_key, split_clauses

NUMBERING = re.compile(r"^(?:(?:\d{1,3}|[ivxlc]{1,6}|[a-z])\s)+")  # "2.1", "iv", "a)" before a heading


def chrome_blocks(clauses: list[Clause], side: str) -> set[tuple[str, int]]:
    """Blocks of page furniture a scrape left in the text: short links repeated all over the page
    ("Back to top"), banner buttons ("Accept | Decline") and the cookie sentences next to them."""
    chrome = page_chrome()
    repeats = Counter(c.key for c in clauses)
    per_block = Counter(c.block for c in clauses)
    block_words = Counter()
    for clause in clauses:
        block_words[clause.block] += len(TOKEN.findall(clause.text))
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
        banner_sized = block_words[clause.block] <= BANNER_WORDS
        if clause.block in buttons or (near_button and banner_sized and "cookie" in clause.text.casefold()):
            found.add((side, clause.block))
    last = _last_copyright(clauses)
    blocks = {block for _, block in found} | _footer_blocks(clauses, last) | _menu_blocks(clauses, last)
    menu_items = {c.key for c in clauses if c.kind == "item" and c.block in blocks}
    blocks |= {c.block for c in clauses if c.kind == "item" and c.key in menu_items}  # the menu captured again
    return {(side, block) for block in blocks}


MENU_LABEL_WORDS = 6
"""A link of a site's menu is a few words ("About us", "Careers", "Follow us: Facebook Instagram")."""
MENU_LABELS = 3
"""Links in a row that make a menu, not a short line of the policy's."""


SENTENCE_STOPS = (".", ";", "?", "!")
"""The marks a sentence ends with: a line ending in none of them is no statement."""


def link_sized(clause: Clause, words: int, *, items_only: bool = False) -> bool:
    """A line of at most `words` words that ends no sentence (a list item, with `items_only`): the
    length of a link's label, not of a statement. Menus, footers and pages reduced to their links
    are all told by it, each with its own length."""
    text = clause.text.rstrip()
    return ((clause.kind == "item" or not items_only) and len(TOKEN.findall(text)) <= words
            and not text.endswith(SENTENCE_STOPS))


def _menu_links(clause: Clause) -> int | None:
    """How many links of a menu a clause reads as: a list item of a few words is one, a line of them
    between separators ("About · Press · Careers") one per part, a short line beside them ("Sign in")
    none; None when it is no part of a menu (a table row, a heading, a figure, an address, a sentence)."""
    text = clause.text.rstrip()
    if clause.kind in ("heading", "row") or re.search(r"[\d@]", text) or text.endswith(SENTENCE_STOPS):
        return None
    parts = [part for part in BUTTON_SEPARATORS.split(text) if part.strip()]
    if len(parts) >= MENU_LABELS and all(len(TOKEN.findall(part)) <= MENU_LABEL_WORDS // 2 for part in parts):
        return len(parts)
    if len(TOKEN.findall(text)) > MENU_LABEL_WORDS:
        return None
    return 1 if clause.kind == "item" else 0


MENU_ENTRY_WORDS = 24
"""A longer entry of a menu already begun ("Jeux Olympiques et Paralympiques de Paris 2024 : le ministère
s'engage", a news item among the site's links) is still one of its links, not a sentence."""


def _menu_at_start(clauses: Iterable[Clause]) -> list[Clause]:
    """The links the clauses start with, up to the first heading or sentence, if they make a menu."""
    run, links = [], 0
    for clause in clauses:
        count = _menu_links(clause)
        if count is None and links >= MENU_LABELS and _long_menu_entry(clause):
            count = 0
        if count is None:
            break
        run.append(clause)
        links += count
    return run if links >= MENU_LABELS else []


def _long_menu_entry(clause: Clause) -> bool:
    """A list item with no sentence's end and no address, short enough to be a link's label."""
    return "@" not in clause.text and link_sized(clause, MENU_ENTRY_WORDS, items_only=True)


def _menu_blocks(clauses: list[Clause], last: int | None) -> set[int]:
    """The site's menus a capture took with the policy: the links the page starts with, before its
    first heading or sentence, and those just above its last copyright line, at `last` ("Careers", "Investors",
    "Follow us: …"). A menu's "Careers" is no recruitment, its "Blog" no company. Short lines at the
    end of a page with no copyright line stay the policy's (a representative's name, city, country)."""
    menus = _menu_at_start(clauses)
    if last is not None:
        menus += _menu_at_start(reversed(clauses[:last]))
    return {clause.block for clause in menus}


COPYRIGHT = re.compile(r"©|\(c\)\s*(?:19|20)\d\d|\bcopyright\s+(?:©\s*)?(?:19|20)\d\d", re.I)
FOOTER_LINE_WORDS = 8


def _last_copyright(clauses: list[Clause]) -> int | None:
    """Where the page's last copyright line stands ("© 2020 Forbes Media LLC. All Rights Reserved.")."""
    return next((i for i in range(len(clauses) - 1, -1, -1) if COPYRIGHT.search(clauses[i].text)), None)


def _footer_blocks(clauses: list[Clause], last: int | None) -> set[int]:
    """The page's footer: its last copyright line (at `last`) and what follows it, when nothing after
    it is longer than a link ("Terms and Conditions", "Send Us Feedback (feedback@forbes.com)"): the
    site's, not the policy's."""
    if last is None:
        return set()
    after = clauses[last + 1:]
    if any(len(TOKEN.findall(c.text)) > FOOTER_LINE_WORDS for c in after):
        return set()
    return {clauses[last].block} | {c.block for c in after}


BANNER_WORDS = 80
"""A paragraph longer than this is the policy's own, even with a button in it ("You can opt out of
this sharing by clicking the button below. Cookie Settings"); a consent banner is short."""
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


TINY_VERSION_WORDS = 40
"""A version with fewer words than this, against a real document, is an error page or a failed capture."""
SUBSTANTIAL_WORDS = 200
LONG_VERSION_WORDS = 1000
FRACTION_OF_A_VERSION = 0.2
"""A version with at most this share of the words of a long one is a hub page that links to the
document, an index of excerpts or a landing page, not the document rewritten."""
TOPICS_OF_A_POLICY = 7
OFF_TOPIC = 2
SHARED_CLAUSES = 0.5
PART_OF_PAGE = 0.97
LOST_PART = 0.15
LOST_CLAUSES = 5
"""A version whose clauses (at least PART_OF_PAGE of them) all stand in the other, which has
LOST_PART or more clauses it lacks, is that page with parts not captured."""
"""Two versions sharing at least this share of their clauses are the same page: no need to ask."""
"""A page that speaks of at most OFF_TOPIC practices (categories), against a version that speaks of
TOPICS_OF_A_POLICY or more, is another page of the site."""


POLICY_DENSITY = 0.5
THIN_DENSITY = 0.5
"""Of two versions that share few clauses, one whose sentences speak of a practice at most THIN_DENSITY
times as often as the other's (which does in POLICY_DENSITY of them or more) is another page (a home
page, a shop): a rewritten policy speaks of practices as often as the policy it replaces."""
DENSITY_SENTENCE_WORDS = 4


def _spoken_practices(clause: Clause, language: str | None) -> set[str]:
    """The practices a clause speaks of, by its strong cues (the lexicon's scan is read once per text)."""
    from monitor.analysis.lexicon import lexicons_for

    return {group[1] for lexicon in lexicons_for(language) for group in lexicon.scan(clause.text)
            if group[0] == "strong"}


def practice_density(clauses: list[Clause], language: str | None) -> float:
    """The share of a version's sentences (of DENSITY_SENTENCE_WORDS words or more) with a strong cue
    of some practice."""
    sentences = [c for c in clauses if c.kind != "heading" and len(c.text.split()) >= DENSITY_SENTENCE_WORDS]
    speaking = sum(1 for c in sentences if _spoken_practices(c, language))
    return speaking / len(sentences) if sentences else 0.0


def topics(clauses: list[Clause], language: str | None) -> set[str]:
    """The practices a version speaks of, by the strong cues of its clauses."""
    return set().union(*(_spoken_practices(c, language) for c in clauses))


SECTION_SENTENCES = 2
"""Full sentences (of SECTION_SENTENCE_WORDS or more) that make the text after a cut a section of the policy."""
SECTION_SENTENCE_WORDS = 8
SECTION_TOPICS = 2


def _policy_goes_on(rest: str, language: str | None) -> bool:
    """Whether what one version has after the other stops is whole sections of the policy (a new
    article at the end, or the last one dropped) rather than the rest of a page a capture missed: it
    starts on a line of its own, and it says things, in sentences, about data practices."""
    if not rest.lstrip(" \t\xa0").startswith("\n"):
        return False  # cut mid-line, mid-word: a capture that stopped
    clauses = split_clauses(rest)
    sentences = [c for c in clauses if c.kind == "sentence" and len(c.text.split()) >= SECTION_SENTENCE_WORDS]
    return len(sentences) >= SECTION_SENTENCES and len(topics(clauses, language)) >= SECTION_TOPICS


def _listed_in_contents(lacking: list[Clause]) -> bool:
    """Whether what one version lacks includes a section and its entry in the page's own table of
    contents (an item that reads as the heading): the publisher took the section out and updated the
    contents, where a capture that missed the section would have kept the entry."""
    headings = {clause.key for clause in lacking if clause.kind == "heading"}
    return any(clause.kind == "item" and clause.key in headings for clause in lacking)


_UNPAIRED_MARKS = re.compile(r"[*_`]|^#{1,6} ", re.M)
"""Emphasis and heading marks, which a capture cut inside an emphasised line leaves open ("_If you
reside in the", "**6. Processing of" read as a line, not the heading it becomes once closed)."""


def capture_problem(old_text: str, new_text: str, old_clauses: list[Clause], new_clauses: list[Clause],
                    languages: tuple[str | None, str | None], dates_unchanged: bool = False) -> str | None:
    """Why one version is not a version of the document at all, if it is not: an error or sign-in
    page, a hub or landing page a fifth of the document's length (a short notice that speaks of data
    practices more densely than the full policy is a version of it, which the policy may replace),
    another page of the site captured instead, a capture cut short (the text stops mid-way and the rest comes back later), or one that
    missed whole parts of the page (one version is the other less some sections, and the "last
    updated" date did not move, `dates_unchanged`). Comparing such a page with the policy would report
    every clause as added or removed; none of it is a change of the policy."""
    sides = {"old": (old_text, old_clauses), "new": (new_text, new_clauses)}
    language = dict(zip(("old", "new"), languages))
    words = {side: len(text.split()) for side, (text, _) in sides.items()}
    densities: dict[str, float] = {}

    def density(side: str) -> float:  # read only when a rule needs it, once per side
        if side not in densities:
            densities[side] = practice_density(sides[side][1], language[side])
        return densities[side]

    for side, other in (("old", "new"), ("new", "old")):
        if words[side] < TINY_VERSION_WORDS and words[other] >= SUBSTANTIAL_WORDS:
            return (f"The {side} version has almost no text ({words[side]} words): an error page or a failed "
                    f"capture, not a version of the document.")
        if (words[other] >= LONG_VERSION_WORDS and words[side] <= FRACTION_OF_A_VERSION * words[other]
                and density(side) < density(other)):
            return (f"The {side} version is a small part of the other's length ({words[side]} words against "
                    f"{words[other]}): a summary, an index of links or another page captured, not a version of "
                    f"the document.")
    shared = {c.key for c in old_clauses} & {c.key for c in new_clauses}
    if min(words.values()) >= 1 and len(shared) < SHARED_CLAUSES * min(len(old_clauses), len(new_clauses)):
        subjects = {side: topics(clauses, language[side]) for side, (_, clauses) in sides.items()}
        for side, other in (("old", "new"), ("new", "old")):
            if len(subjects[side]) <= OFF_TOPIC and len(subjects[other]) >= TOPICS_OF_A_POLICY:
                return (f"The {side} version speaks of no data practice ({words[side]} words): another page was "
                        f"captured instead of the document.")
            if density(other) >= POLICY_DENSITY and density(side) <= THIN_DENSITY * density(other):
                return (f"The {side} version shares almost nothing with the other and few of its sentences speak of "
                        f"data ({density(side):.0%} against {density(other):.0%}): another page of the site was "
                        f"captured instead of the document.")
    if dates_unchanged:  # the date line, however each version writes it, says the same date
        old_keys = {_worded_key(c) for c in old_clauses if not dates.is_date_line(c.text, language["old"])} - {""}
        new_keys = {_worded_key(c) for c in new_clauses if not dates.is_date_line(c.text, language["new"])} - {""}
        for side, kept, whole, other_clauses in (("new", new_keys, old_keys, old_clauses),
                                                 ("old", old_keys, new_keys, new_clauses)):
            lost = len(whole - kept)
            if (kept and len(kept & whole) >= PART_OF_PAGE * len(kept) and lost >= max(LOST_CLAUSES, LOST_PART * len(whole))
                    and not _listed_in_contents([c for c in other_clauses if _worded_key(c) not in kept])):
                return (f"The {side} version only lacks parts of the other one and its date did not move: part of "
                        f"the page was not captured, not a change of the document.")
    shorter, longer, side = (old_text, new_text, "old") if len(old_text) < len(new_text) else (new_text, old_text, "new")
    cut, longer = _UNPAIRED_MARKS.sub("", shorter).rstrip(), _UNPAIRED_MARKS.sub("", longer)
    if len(cut) > SUBSTANTIAL_WORDS and len(cut) < len(longer) and longer.startswith(cut) and not _policy_goes_on(
            longer[len(cut):], language["new" if side == "old" else "old"]):
        return (f"The {side} version stops where the other goes on, mid-way, with nothing else changed: a capture "
                f"cut short, not a change of the document.")
    return None


def _worded_key(clause: Clause) -> str:
    """A clause's key without the number it starts with ("2.1. To enable you…" is "To enable you…"), and
    nothing for a number alone ("2.1."): a capture may write a section's number on its own line."""
    key = NUMBERING.sub("", clause.key)
    return key if any(ch.isalpha() for ch in key) else ""


EDITION_LIKENESS = 0.6
"""Share of the smaller edition's statements the other edition also makes: two editions of one document."""
EDITION_SIZE = 0.7
"""The smaller of two editions states at least this share of what the larger one states."""


@dataclass(frozen=True)
class Edition:
    """The edition of a document that a page showing several is judged by."""

    text: str
    editions: int
    """How many editions of the document the page shows, one under the other (1: a page of one)."""
    latest: bool = False
    """Chosen for the later date it declares, rather than for coming first on the page."""


def title_lines(text: str) -> list[tuple[int, str]]:
    """(line number, title) of a clean text's titles of the first rank ("# Privacy Policy")."""
    return _titles(text.splitlines())


def _titles(lines: list[str]) -> list[tuple[int, str]]:
    return [(number, line[2:]) for number, line in enumerate(lines) if line.startswith("# ")]


EDITION_HEADINGS = 3
"""Headings in a row that, met again further down, start the document again: another edition."""


def _restarts(lines: list[str]) -> list[int]:
    """Where a page starts its document again under another heading than its title ("## Current
    Privacy Policy"): the line of its first headings, then of each place its first few headings
    (the title aside) follow one another again in the same order."""
    headings = [(number, clause_key(line.lstrip("#"))) for number, line in enumerate(lines) if line.startswith("#")]
    keys = [key for _, key in headings]
    for first in (0, 1):
        run = keys[first:first + EDITION_HEADINGS]
        if len(run) < EDITION_HEADINGS:
            return []
        again = [headings[at][0] for at in range(first + 1, len(keys)) if keys[at:at + EDITION_HEADINGS] == run]
        if again:
            return [headings[first][0], *again]
    return []


def _statements(text: str) -> set[str]:
    return {clause.key for clause in split_clauses(text) if clause.kind != "heading"}


def judged_edition(text: str, language: str | None) -> Edition:
    """The edition a page is judged by when it shows several editions of the document one under the
    other, each under the document's title: the upcoming version above the one in force ("This version
    will go into effect on January 15, 2026"), or the one in force above the previous one. The edition
    that declares the latest date, or the first on the page when their dates do not tell them apart.
    The other editions are what the page keeps for reference; the text whole otherwise."""
    lines = text.splitlines()
    titles = _titles(lines)
    starts = [number for number, title in titles if clause_key(title) == clause_key(titles[0][1])]
    if len(starts) < 2:
        starts = _restarts(lines)
    if len(starts) < 2:
        return Edition(text, 1)
    bounds = [0, *starts[1:], len(lines)]
    parts = ["\n".join(lines[start:end]) for start, end in zip(bounds, bounds[1:])]
    first = _statements(parts[0])
    editions = [parts[0]]
    for part in parts[1:]:
        said = _statements(part)
        smaller, larger = sorted((len(first), len(said)))
        if smaller and smaller >= EDITION_SIZE * larger and len(first & said) >= EDITION_LIKENESS * smaller:
            editions.append(part)
        else:  # the title again, over no edition of the document: part of the edition above
            editions[-1] += "\n" + part
    if len(editions) < 2:
        return Edition(text, 1)
    declared = [dates.declared_date(edition, language) for edition in editions]
    known = [date for date in declared if date is not None]
    if len(known) == len(editions) and known.count(max(known)) == 1:
        latest = known.index(max(known))
        return Edition(editions[latest], len(editions), latest=latest > 0)
    return Edition(editions[0], len(editions))


@lru_cache(maxsize=1)
def _accessibility_labels() -> re.Pattern[str]:
    labels = sorted(page_chrome()["accessibility"], key=len, reverse=True)
    return re.compile(r"\s*[(\[]?(?:" + "|".join(re.escape(label) for label in labels) + r")[)\]]?(?![\w])",
                      re.IGNORECASE)


def without_accessibility_labels(text: str) -> str:
    """A clean text without the labels screen readers get on links ("Opens a new window or tab",
    "(external link)"): a site adds or drops them on every link at once, and they say nothing."""
    folded = text.casefold()
    if not any(label in folded for label in page_chrome()["accessibility"]):
        return text  # the usual case, told without running the pattern over the whole text
    return _accessibility_labels().sub("", text)
