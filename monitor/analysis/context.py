"""What a version says as a whole, against which each changed clause is judged: its sections, its
names, its repeated statements, what a capture lacks, how much of it is about data."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import lru_cache

from monitor.analysis.align import CONTAINED_THRESHOLD, ClausePair
from monitor.analysis.chrome import heading_key, link_sized, title_lines
from monitor.analysis.classify import classify_clause
from monitor.analysis.facts import contacts, places
from monitor.analysis.facts.contacts import Phone, address_key
from monitor.analysis.findings import CF_PLACEHOLDER, ClauseFacts, Finding, clause_facts, whole_days
from monitor.analysis.lang import clause_language
from monitor.analysis.lexicon import (
    TOKEN, company_names, folded_for_cues, load_lexicon, page_chrome, product_aliases, region_name, region_names,
    renamed_companies,
)
from monitor.analysis.practice import DocumentPractices, practice_of
from monitor.analysis.segment import Clause, clause_key
from monitor.analysis.wording import denials

PRIVACY_SECTIONS = frozenset({"retention", "transfer", "sharing", "collection", "purpose", "rights", "children",
                              "security", "tracking", "legal_basis"})
"""Categories of a data practice (contact and policy changes aside)."""


TERMS_SHARE = 0.35
"""A document with fewer sentences about a data practice than this share is terms of service."""


TERMS_SENTENCES = 10
"""Sentences (both versions together) below which a text is too short to tell what kind it is."""


SPLIT_WORDS = 3
"""Words a sentence beside a changed one needs to count as the part split off it (a link label does not)."""


_NOT_WORD = re.compile(r"[\W_]+")


def squeeze(text: str) -> str:
    """A text with its words only, run together: equal for two texts that differ only in layout.
    An e-mail address keeps its dots: "serviceclients@" and "service.clients@" are two mailboxes."""
    return "".join(part.casefold() if i % 2 else _NOT_WORD.sub("", part.casefold())
                   for i, part in enumerate(contacts.split_at_emails(text)))


_NUMBERED = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*(?!\d)|[IVX]{1,4}\b)[.)]?\s*[^\W\d_]")
"""A section number, then the section's name: "1. General", "1General", "IV) Rights"."""


TITLE_WORDS = 6
"""A first line this short, with no full stop, is a document's title."""


PREPENDED_CLAUSES = 20
"""Clauses above the other version's title that make a whole document, not a banner."""


TABLE_ROWS = 3
"""Table rows one version has, where the other has none under the same date: a capture that lost the tables."""


SAME_PROSE = 0.97
"""Share of the sentences around the tables both versions write: the same text, tables apart."""


LEAD_IN_BLOCKS = 4
"""Lines above a clause that may say what it is ("Our representative in the EU is:")."""


OTHER_SIDE = {"old": "new", "new": "old"}


CONTENTS_ENTRIES = 3


CONTENTS_SHARE = 0.8
"""A run of list items is a table of contents when it has CONTENTS_ENTRIES entries or more and that
share of them head sections of the version that holds them all."""


def _item_runs(clauses: list[Clause]) -> list[list[Clause]]:
    """Runs of consecutive list items."""
    runs: list[list[Clause]] = []
    for previous, clause in zip([None, *clauses], clauses):
        if clause.kind != "item":
            continue
        if previous is not None and previous.kind == "item" and runs:
            runs[-1].append(clause)
        else:
            runs.append([clause])
    return runs


_PART_NUMBER = re.compile(r"\s*(\d{1,2}(?:\.\d{1,2})*)[.)]?(?:\s|$)")


def _part_number(text: str) -> tuple[int, ...] | None:
    """The number a numbered part starts with ("2.6. To enable shipment" → (2, 6)), or None."""
    match = _PART_NUMBER.match(text)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None


def _skipped(number: tuple[int, ...], numbers: set[tuple[int, ...]]) -> bool:
    """Whether a numbering holds parts of the same level before and after `number` but not it ("2.5"
    and "2.8", not "2.6")."""
    siblings = [n[-1] for n in numbers if len(n) == len(number) and n[:-1] == number[:-1]]
    return number not in numbers and any(s < number[-1] for s in siblings) and any(s > number[-1] for s in siblings)


_DEFINED_NAME = re.compile(r"\(\s*(?:the\s+|hereinafter\s+|ci-après\s+|nachfolgend\s+)?[\"“”«„]\s*([A-Z][\w-]{2,})\s*[\"“”»]")
"""A name the document defines for the company in brackets: ("Zoom"), (« Acme »), („Beispiel“)."""


OWN_NAME_REACH = 4000
"""Characters from the start of a version where a policy says who it is."""


OWN_NAME_MENTIONS = 5


@dataclass(eq=False)
class DocumentContext:
    """What judging one clause needs to know about both documents."""

    headings: frozenset[str] = frozenset()
    chrome: frozenset[tuple[str, int]] = frozenset()
    """(side, block) of page furniture: navigation links, consent-banner buttons and text."""
    systematic: frozenset[str] = frozenset()
    """Words swapped the same way in many clauses ("personal data" → "personal information")."""
    old_text: str = ""
    new_text: str = ""
    old_clauses: list[Clause] = field(default_factory=list)
    new_clauses: list[Clause] = field(default_factory=list)
    dates_unchanged: bool = False
    """Both versions declare the same "last updated" date."""
    _practices: dict[tuple[str, str | None], DocumentPractices] = field(default_factory=dict)

    def text_of(self, side: str) -> str:
        """One version's text, by its side ("old" or "new")."""
        return self.old_text if side == "old" else self.new_text

    def clauses_of(self, side: str) -> list[Clause]:
        """One version's clauses, by its side."""
        return self.old_clauses if side == "old" else self.new_clauses

    @lru_cache(maxsize=4)
    def report_sections(self, side: str, language: str | None) -> frozenset[str]:
        """Sections of one version that publish figures about the service (user counts the Digital
        Services Act asks for, with their method): whatever cue words they hold, they state no practice."""
        lexicon = load_lexicon(language) if language else None
        if lexicon is None or lexicon.reports is None:
            return frozenset()
        clauses = self.clauses_of(side)
        return frozenset(c.section for c in clauses if c.section and lexicon.reports.search(c.text.casefold()))

    @lru_cache(maxsize=4)
    def scope_places(self, side: str, language: str | None) -> list[str]:
        """The places one whole version names other than as where data goes (see `places_named`),
        kept here rather than among the clauses' so that a long page does not crowd them out."""
        return places_named(self.text_of(side), language)

    @lru_cache(maxsize=4)
    def denial_count(self, side: str, language: str | None) -> int:
        """How many denials one whole version writes (counted once per comparison: long documents
        have hundreds of modified clauses to check against it)."""
        return denial_count(self.text_of(side), language)

    @lru_cache(maxsize=2)
    def not_captured(self, side: str) -> int | None:
        """The block after which one version's text was not captured: the other version ends on a
        heading with nothing under it ("VIII. State Privacy Rights" and the end of the page) that this
        version goes on after; or this version holds a whole page around the other's document (another
        document above its title, see `captured_from`) and goes on after the other's last line. None
        when both versions end with text."""
        clauses, others = self.clauses_of(side), self.clauses_of(OTHER_SIDE[side])
        appended = self.appended_page(side)
        if appended is not None:
            return appended
        start = self.captured_from(side)
        if start and not _NUMBERED.match(others[0].text):
            end = next((c.block for c in reversed(clauses) if c.key == others[-1].key and c.block >= start), None)
            if end is not None:
                return end
        if not others or others[-1].kind != "heading":
            return None
        same_heading = next((c.block for c in reversed(clauses) if c.key == others[-1].key), None)
        if same_heading is not None:  # the heading the other capture stopped at; a sentence of it said again further down is no guide
            return same_heading
        shared = {c.key for c in others}  # where the two versions last say the same thing
        return next((c.block for c in reversed(clauses) if c.key in shared), None)

    @lru_cache(maxsize=2)
    def appended_page(self, side: str) -> int | None:
        """The block after which one version goes on into another page: both begin with the same
        title, the other has no second one, and this one has a second title of the same rank ("#
        Welcome to X's Privacy Hub" below the policy) with nothing of the other version after it."""
        text, other_text = self.text_of(side), self.text_of(OTHER_SIDE[side])
        clauses, others = self.clauses_of(side), self.clauses_of(OTHER_SIDE[side])
        titles = [title for _, title in title_lines(text)]
        other_titles = [title for _, title in title_lines(other_text)]
        if len(titles) < 2 or len(other_titles) != 1 or clause_key(titles[0]) != clause_key(other_titles[0]):
            return None
        second = next((c for c in clauses if c.kind == "heading" and c.key == clause_key(titles[1])), None)
        shared = {c.key for c in others if c.kind != "heading"}
        if second is None or any(c.key in shared for c in clauses if c.block > second.block):
            return None
        return second.block - 1

    @lru_cache(maxsize=2)
    def lost_in_other(self, side: str) -> frozenset[int]:
        """Blocks of one version that the other version's capture lost from its middle. The other
        version's own table of contents lists a section (an item that reads as its heading) that its
        text does not hold, and this version holds it: the section, up to the next heading the other
        version holds, was lost. Such a capture lost numbered parts too: those it skips ("2.5" then
        "2.8"), up to the next number it has."""
        clauses, others = self.clauses_of(side), self.clauses_of(OTHER_SIDE[side])
        other_headings = {heading_key(c) for c in others if c.kind == "heading"}
        other_said = {heading_key(c) for c in others if c.kind != "item"}
        own_headings = {heading_key(c) for c in clauses if c.kind == "heading"}
        listed: set[str] = set()
        for run in _item_runs(others):  # a table of contents: entries that head this version's sections
            entries = [heading_key(c) for c in run]
            if (len(entries) >= CONTENTS_ENTRIES and set(entries) & other_headings
                    and sum(e in own_headings for e in entries) >= CONTENTS_SHARE * len(entries)):
                listed.update(e for e in entries if e not in other_said)
        starts = [i for i, c in enumerate(clauses) if c.kind == "heading" and heading_key(c) in listed]
        if not starts:
            return frozenset()
        lost: set[int] = set()
        for at in starts:
            end = next((j for j in range(at + 1, len(clauses)) if clauses[j].kind == "heading"
                        and heading_key(clauses[j]) in other_headings), len(clauses))
            lost.update(c.block for c in clauses[at:end])
        other_numbers = {number for c in others if (number := _part_number(c.text))}
        numbers = [(i, _part_number(c.text)) for i, c in enumerate(clauses)]
        for at, number in numbers:
            if not number or not _skipped(number, other_numbers):
                continue
            end = next((i for i, n in numbers if i > at and n in other_numbers), len(clauses))
            lost.update(c.block for c in clauses[at:end])
        return frozenset(lost)

    def lost_in_capture(self, pair: ClausePair) -> bool:
        """A clause only one version has, in a section the other version's capture lost."""
        for side, clause, other in (("old", pair.old, pair.new), ("new", pair.new, pair.old)):
            if clause is not None and other is None and (
                    clause.block in self.lost_in_other(side) or clause.block in self.emptied_in_other(side)):
                return True
        return False

    @lru_cache(maxsize=1)
    def translated(self) -> frozenset[tuple[str, int]]:
        """(side, block) of the clauses of a passage one version writes in one language and the other
        in another, between the same unchanged clauses (a page's English part translated into its
        French), with the same numbers and e-mail addresses and about as many clauses: a translation
        alone is no change."""
        old, new = _passages(self.old_clauses, self.new_clauses), _passages(self.new_clauses, self.old_clauses)
        found: set[tuple[str, int]] = set()
        for anchor in old.keys() & new.keys():
            before, after = old[anchor], new[anchor]
            languages = [{clause_language(c.text) for c in passage} - {None} for passage in (before, after)]
            if not all(len(found_in) == 1 for found_in in languages) or languages[0] == languages[1]:
                continue
            (numbers, emails, count), (kept_numbers, kept_emails, other_count) = map(_passage_facts, (before, after))
            spread = abs(count - other_count) / max(count, other_count)
            if (numbers, emails) == (kept_numbers, kept_emails) and spread <= TRANSLATED_SPREAD:
                found.update([("old", c.block) for c in before] + [("new", c.block) for c in after])
        return frozenset(found)

    def reduced_to_links(self, pair: ClausePair) -> str | None:
        """The version whose text a clause is, in a section the other version's capture reduced to
        its links (the clause paired with those links, or with nothing)."""
        for side, clause, other in (("old", pair.old, pair.new), ("new", pair.new, pair.old)):
            if clause is not None and clause.block in self.reduced_in_other(side) and (
                    other is None or other.block in self.links_of_reduced(OTHER_SIDE[side])):
                return side
        return None

    @lru_cache(maxsize=2)
    def _reduced_sections(self, side: str) -> tuple[frozenset[int], frozenset[int]]:
        """(blocks of this version, blocks of the other) in the sections the other version's capture
        reduced to their links: its section holds nothing but lines of a link's length ("Destinations
        et réseau AIR FRANCE", an e-mail address), and this version's same section a text they stand
        in. A page does that to several sections at once (REDUCED_SECTIONS) when its capture lost the
        text around the links; a publisher who replaces one paragraph with a link edits the policy."""
        other = OTHER_SIDE[side]
        mine, theirs = (_by_section(self.clauses_of(s)) for s in (side, other))
        own_blocks, their_blocks, reduced = set(), set(), 0
        for section, their in theirs.items():
            own = mine.get(section, [])
            if not own or not all(_link_sized(c) for c in their):
                continue
            own_text = squeeze(" ".join(c.text for c in own))
            if len(own_text) > REDUCED_LENGTH * sum(len(squeeze(c.text)) for c in their) and all(
                    _links_stand_in(squeeze(c.text), own_text) for c in their):
                reduced += 1
                own_blocks.update(c.block for c in own)
                their_blocks.update(c.block for c in their)
        if reduced < REDUCED_SECTIONS:
            return frozenset(), frozenset()
        return frozenset(own_blocks), frozenset(their_blocks)

    def reduced_in_other(self, side: str) -> frozenset[int]:
        """Blocks of one version in sections the other version's capture reduced to their links."""
        return self._reduced_sections(side)[0]

    def links_of_reduced(self, side: str) -> frozenset[int]:
        """Blocks of one version that are all its capture kept of a section: its links."""
        return self._reduced_sections(OTHER_SIDE[side])[1]

    @lru_cache(maxsize=2)
    def emptied_in_other(self, side: str) -> frozenset[int]:
        """Blocks of one version under a numbered heading that the other version, under the same
        date, gives with nothing under it: its next line is the next heading of the same rank ("2.4.1
        Obligation légale" then "2.4.2 …"). A published section is not empty; its capture lost the
        body (a table the page drew with a script). So is a section, with the sections under it up to
        the next heading the other version holds, that the other version gives with only a line saying
        it is not served where the page was captured ("This information is not available in your
        location"), whatever the date."""
        clauses, others = self.clauses_of(side), self.clauses_of(OTHER_SIDE[side])
        empty, unserved = set(), set()
        for here, following in zip(others, others[1:]) if self.dates_unchanged else ():
            number, next_number = _part_number(here.text), _part_number(following.text)
            if (here.kind == following.kind == "heading" and number and next_number
                    and len(number) == len(next_number)):
                empty.add(heading_key(here))
        headings = [at for at, c in enumerate(others) if c.kind == "heading"] + [len(others)]
        for at, following in zip(headings, headings[1:]):
            body = others[at + 1:following]
            if body and all(_says_unavailable(c.text) for c in body):
                unserved.add(heading_key(others[at]))
        if not empty and not unserved:
            return frozenset()
        other_headings = {heading_key(c) for c in others if c.kind == "heading"}
        lost: set[int] = set()
        for at, clause in enumerate(clauses):
            key = heading_key(clause) if clause.kind == "heading" else None
            if key in empty or key in unserved:
                end = next((j for j in range(at + 1, len(clauses)) if clauses[j].kind == "heading" and (
                    key in empty or heading_key(clauses[j]) in other_headings)), len(clauses))
                lost.update(c.block for c in clauses[at + 1:end])
        return frozenset(lost)

    @lru_cache(maxsize=2)
    def tables_lost_in_other(self, side: str) -> bool:
        """The other version's capture holds none of this one's tables, under the same date, and its
        text around them is the same: its extraction dropped them (the rows come back whole in the
        next capture), the document did not."""
        clauses, others = self.clauses_of(side), self.clauses_of(OTHER_SIDE[side])
        if (not self.dates_unchanged or sum(1 for c in clauses if c.kind == "row") < TABLE_ROWS
                or any(c.kind == "row" for c in others)):
            return False
        prose, other_prose = ({c.key for c in version if c.kind != "row"} for version in (clauses, others))
        return len(prose ^ other_prose) <= (1 - SAME_PROSE) * len(prose | other_prose)

    def in_lost_table(self, pair: ClausePair) -> bool:
        """A table row only one version has, whose tables the other version's capture lost."""
        for side, clause, other in (("old", pair.old, pair.new), ("new", pair.new, pair.old)):
            if clause is not None and other is None and clause.kind == "row" and self.tables_lost_in_other(side):
                return True
        return False

    def beyond_capture(self, pair: ClausePair) -> bool:
        """A clause only one version has, past where the other version's capture stopped."""
        for side, clause, other in (("old", pair.old, pair.new), ("new", pair.new, pair.old)):
            cut = self.not_captured(side)
            if clause is not None and other is None and cut is not None and clause.block > cut:
                return True
        return False

    @lru_cache(maxsize=2)
    def captured_from(self, side: str) -> int:
        """The block where the other version's capture starts in this one: the other version begins
        with a numbered section's heading ("1. General") that this version has further down, after a
        title, a date or a preamble the other capture left out; or it begins with its title ("COOKIE
        NOTICE") that this version has below a whole other document (PREPENDED_CLAUSES or more: the
        capture widened to the page around it). 0 when both versions start at the same
        place, or when what stands above the other's title is a banner."""
        clauses, others = self.clauses_of(side), self.clauses_of(OTHER_SIDE[side])
        if not clauses or not others:
            return 0
        first = others[0]
        if first.kind == "heading" and _NUMBERED.match(first.text):
            squeezed = first.key.replace(" ", "")  # "1. General" is "1General" with its dot lost
            same = next((c for c in clauses if c.key.replace(" ", "") == squeezed and c.kind == "heading"), None)
            return same.block if same is not None and squeezed else 0
        if (len(first.text.split()) > TITLE_WORDS or first.text.rstrip().endswith((".", ";", ":"))
                or clauses[0].key == first.key):
            return 0
        titles = [i for i, c in enumerate(clauses) if i and c.key == first.key]
        # the title followed by what follows it in the other version (a line or two of it, its date may
        # have moved), not a link to it in a menu above
        at = next((i for i in titles if any(i + k < len(clauses) and k < len(others)
                                            and clauses[i + k].key == others[k].key for k in (1, 2, 3))),
                  titles[0] if titles else None)
        if at is None or at < PREPENDED_CLAUSES:
            return 0  # a banner above the title is the page's own
        return clauses[at].block  # another document captured above this one's title

    def before_capture(self, pair: ClausePair) -> bool:
        """A clause only one version has, above where the other version's capture starts."""
        for side, clause, other in (("old", pair.old, pair.new), ("new", pair.new, pair.old)):
            if clause is not None and other is None and clause.block < self.captured_from(side):
                return True
        return False

    def in_report(self, pair: ClausePair, language: str | None) -> bool:
        return any(clause is not None and clause.section in self.report_sections(side, language)
                   for side, clause in (("old", pair.old), ("new", pair.new)))

    def practices(self, side: str, language: str | None) -> DocumentPractices:
        """Everything one version states, read once per language."""
        key = (side, language)
        if key not in self._practices:
            clauses, text = self.clauses_of(side), self.text_of(side)
            self._practices[key] = DocumentPractices.of(clauses, text, language)
        return self._practices[key]

    @lru_cache(maxsize=2)
    def casefolded(self, side: str) -> str:
        """One version's text in lower case, folded once per comparison."""
        return self.text_of(side).casefold()

    @lru_cache(maxsize=2)
    def words(self, side: str) -> frozenset[str]:
        """The words one version writes, in lower case."""
        return frozenset(TOKEN.findall(self.casefolded(side)))

    @lru_cache(maxsize=2)
    def squeezed(self, side: str) -> str:
        return squeeze(self.text_of(side))

    @lru_cache(maxsize=2)
    def renamed(self, side: str) -> frozenset[str]:
        """Companies a version gives two names of, its old and its new ("Twitter, Inc. is now X Corp."),
        run together as `squeeze` writes them."""
        text = self.text_of(side)
        return frozenset(squeeze(m.group(part)) for m in renamed_companies().finditer(text)
                         for part in ("first", "second"))

    def said_renamed(self, name: str) -> bool:
        """Whether either version gives this name as a company's old or new one ("(formerly …)")."""
        squeezed = squeeze(name)
        return squeezed in self.renamed("old") or squeezed in self.renamed("new")

    def writes_otherwise(self, name: str, side: str) -> bool:
        """Whether a version writes the company `name` names under another name: either version says
        it was renamed ("Twitter, Inc. is now X Corp."), the version writes another name of the same
        product, or, for a name the new version no longer writes, the policy swaps its words for
        others in every clause (Twitter for X). A name that comes in such a swap is no other name of
        one before it ("Meta Platforms" where "Facebook Ireland" was)."""
        return (self.said_renamed(name) or self.writes_alias(name, side)
                or side == "new" and bool(self.systematic) and set(TOKEN.findall(name.casefold())) <= self.systematic)

    def writes_alias(self, name: str, side: str) -> bool:
        """Whether a version writes another name of the same product ("Google AdWords" for "Google Ads";
        `product_aliases` in lexicons/names.json)."""
        text = self.casefolded(side)
        return any(re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", text)
                   for alias in product_aliases().get(name.casefold(), frozenset()) - {name.casefold()})

    @lru_cache(maxsize=2)
    def own_name(self, side: str) -> str | None:
        """The name the company gives itself near the start of a version ('Zoom Video Communications,
        Inc. ("Zoom")', « Acme »), written often enough to be the one it goes by."""
        text = self.text_of(side)
        for match in _DEFINED_NAME.finditer(text, 0, OWN_NAME_REACH):
            if text.count(match.group(1)) >= OWN_NAME_MENTIONS:
                return match.group(1)
        return None

    def own_product(self, name: str) -> bool:
        """Whether a name is one of the company's own products: a version writes it after the company's
        own name ("Zoom AI Companion" for "AI Companion", "Companion"), as it names what it offers. A
        company with its legal form ("Blacklane Havn UK Ltd") is another company of the group."""
        if company_names().search(name):
            return False
        for side in ("old", "new"):
            own = self.own_name(side)
            if own and name != own and (name.startswith(own + " ") or re.search(
                    rf"(?<!\w){re.escape(own)}\s+(?:[A-Z][\w-]*\s+){{0,2}}?{re.escape(name)}(?!\w)", self.text_of(side))):
                return True
        return False

    @lru_cache(maxsize=1)
    def own_domains(self) -> frozenset[str]:
        """The names of the domains most of the policy's own addresses are at ("example" for
        privacy@example.com and dpo@example.com), in either version."""
        counts = Counter(domain.split(".")[-2] for side in ("old", "new") for address in self.emails(side)
                         if "." in (domain := address.rsplit("@", 1)[1]))
        top = max(counts.values(), default=0)
        return frozenset(name for name, n in counts.items() if n == top)

    @lru_cache(maxsize=2)
    def emails(self, side: str) -> list[str]:
        return contacts.find_emails(self.text_of(side))

    @lru_cache(maxsize=4)
    def destinations(self, side: str, language: str | None) -> frozenset[str]:
        """Every place either version names as where data goes, wherever it names it."""
        text = self.text_of(side)
        return frozenset(p.code for p in places.find_places(text, language) if p.role == "destination")

    @lru_cache(maxsize=4)
    def ages(self, side: str, language: str | None) -> frozenset[int]:
        """Every minimum age a version states, in whichever clause."""
        return frozenset(age for clause in self.clauses_of(side) for age in clause_facts(clause, language).ages)

    @lru_cache(maxsize=4)
    def addresses(self, side: str, language: str | None) -> list[str]:
        """Every postal address a version writes, read once."""
        return contacts.find_postal_addresses(self.text_of(side), language)

    @lru_cache(maxsize=4)
    def authority_addresses(self, side: str, language: str | None) -> list[str]:
        """The postal addresses a version gives where it says where to complain (a supervisory
        authority's office): in a clause that says so, or just below one."""
        return [address for clause in self.clauses_of(side) for address in clause_facts(clause, language).addresses
                if self.about_complaints(side, clause, language)]

    def about_complaints(self, side: str, clause: Clause, language: str | None) -> bool:
        """Whether a clause, or the line that introduces it ("Contact details for the Data Protection
        Commission are:" above a list of them), names where to complain."""
        if "rights:complaint" in practice_of(clause.text, language).labels:
            return True
        clauses, at = self.clauses_of(side), self.positions(side).get(id(clause))
        for before in reversed(clauses[max(0, (at or 0) - LEAD_IN_BLOCKS):at or 0]):
            if before.kind == "heading":
                return False
            if before.text.rstrip(" *_").endswith(":"):
                return "rights:complaint" in practice_of(before.text, language).labels
        return False

    @lru_cache(maxsize=4)
    def criteria(self, side: str, language: str | None) -> frozenset[str]:
        """Every retention criterion ("until the account is closed") a version states anywhere."""
        clauses = self.clauses_of(side)
        return frozenset(c for clause in clauses for c in clause_facts(clause, language).criteria)

    @lru_cache(maxsize=4)
    def responses(self, side: str, language: str | None) -> Counter[int]:
        """How many clauses of a version give each time limit for answering requests, in days."""
        clauses = self.clauses_of(side)
        return Counter(whole_days(v) for clause in clauses for v in clause_facts(clause, language).responses)

    def stated_elsewhere(self, finding: Finding, language: str | None) -> bool:
        """A destination, an e-mail, a retention criterion, a minimum age or a response time that moved
        to another clause, or an address that a Cloudflare placeholder hides in the other version: not a change
        of the document."""
        added = [v for v in finding.new_values if v not in finding.old_values]
        removed = [v for v in finding.old_values if v not in finding.new_values]
        if finding.rule == "fact:response_time":  # as often as before: "within 30 days" for one kind of request dropped counts
            old_days, new_days = self.responses("old", language), self.responses("new", language)
            return (all(old_days[whole_days(v)] >= new_days[whole_days(v)] for v in added)
                    and all(new_days[whole_days(v)] >= old_days[whole_days(v)] for v in removed))
        if finding.rule == "fact:retention_criteria":
            old_criteria = clause_facts(finding.pair.old, language).criteria if finding.pair.old else []
            new_criteria = clause_facts(finding.pair.new, language).criteria if finding.pair.new else []
            return (all(c in self.criteria("old", language) for c in new_criteria if c not in old_criteria)
                    and all(c in self.criteria("new", language) for c in old_criteria if c not in new_criteria))
        if finding.rule == "fact:minimum_age" and finding.old_values and finding.new_values:
            return False  # an age changed in place ("13" → "16") changed, whatever else the page says
        if finding.rule == "fact:minimum_age":  # "you must be 18 or older" dropped where "under 18" still stands
            return (all(int(age) in self.ages("old", language) for age in added)
                    and all(int(age) in self.ages("new", language) for age in removed))
        if finding.rule == "fact:transfer_destinations":
            return (all(code in self.destinations("old", language) for code in added)
                    and all(code in self.destinations("new", language) for code in removed))
        if finding.rule == "fact:labelled_address":  # a whole address the other version writes elsewhere
            return (all(address_key(a) in self.squeezed("old") for a in added)
                    and all(address_key(a) in self.squeezed("new") for a in removed))
        if finding.rule == "fact:postal_address":  # by its street: "EC2A" completed as "EC2A 2RS" moved nothing
            return (all(address_key(a.split(",")[0]) in self.squeezed("old") for a in added)
                    and all(address_key(a.split(",")[0]) in self.squeezed("new") for a in removed))
        if finding.rule == "fact:contact_emails":
            kept = [e for e in self.emails("new") if e in self.emails("old")]
            hidden_before = self.old_text.count(CF_PLACEHOLDER) > self.new_text.count(CF_PLACEHOLDER)
            hidden_after = self.new_text.count(CF_PLACEHOLDER) > self.old_text.count(CF_PLACEHOLDER)
            return (all(email in self.emails("old") or hidden_before for email in added)
                    and all(email in self.emails("new") or hidden_after
                            or contacts.misspelt_domain(email, kept)
                            for email in removed))
        return False

    def phones(self, language: str | None) -> tuple[list[Phone], list[Phone]]:
        """Phone numbers anywhere in the old and the new document (each text is scanned once)."""
        return contacts.find_phones(self.old_text, language), contacts.find_phones(self.new_text, language)

    def phone_candidates(self, language: str | None) -> tuple[list[Phone], list[Phone]]:
        """Every national-format number of the old and the new document, cue or not."""
        return (contacts.phone_candidates(self.old_text, language),
                contacts.phone_candidates(self.new_text, language))

    @lru_cache(maxsize=2)
    def blocks(self, side: str) -> list[int]:
        """The block of each clause of one version, in order (clauses come in the order of the text)."""
        return [c.block for c in self.clauses_of(side)]

    def lead_in(self, side: str, clause: Clause) -> str:
        """The few lines just before a clause ("EU representative for data protection questions:"
        above a company's name and address)."""
        clauses = self.clauses_of(side)
        blocks = self.blocks(side)
        start, end = bisect_left(blocks, clause.block - LEAD_IN_BLOCKS), bisect_left(blocks, clause.block)
        return " ".join(c.text for c in clauses[max(start, end - LEAD_IN_BLOCKS):end])

    def paragraph(self, side: str, clause: Clause) -> str:
        """The whole paragraph (block) a clause is a sentence of."""
        clauses = self.clauses_of(side)
        blocks = self.blocks(side)
        return " ".join(c.text for c in clauses[bisect_left(blocks, clause.block):bisect_right(blocks, clause.block)])

    def item_facts(self, side: str, clause: Clause, language: str | None) -> ClauseFacts:
        """A clause's facts; for an item of a list introduced by a sentence about sending data abroad
        ("The following service providers are established outside the EEA: … Helpware Inc. (USA,
        Ukraine, Mexico)"), the countries it names are where data goes."""
        facts = clause_facts(clause, language)
        if clause.kind != "item" or facts.destinations or not facts.places:
            return facts
        clauses = self.clauses_of(side)
        at = self.positions(side).get(id(clause))
        while at is not None and at > 0 and clauses[at - 1].kind == "item":
            at -= 1
        if not at:
            return facts
        intro = clauses[at - 1]
        if classify_clause(self.paragraph(side, intro), intro.section, language).category != "transfer":
            return facts
        return replace(facts, destinations=facts.places)

    @lru_cache(maxsize=2)
    def positions(self, side: str) -> dict[int, int]:
        """Where each clause of one version stands in its list, by the clause's identity."""
        return {id(c): i for i, c in enumerate(self.clauses_of(side))}

    def next_clause(self, side: str, clause: Clause) -> Clause | None:
        """The clause after one in its version (the next line), if any."""
        clauses = self.clauses_of(side)
        at = self.positions(side).get(id(clause))
        return clauses[at + 1] if at is not None and at + 1 < len(clauses) else None

    def beside(self, side: str, clause: Clause) -> list[Clause]:
        """The clauses right before and right after one in its paragraph: where a sentence split in
        two ("If you reside in the EEA. We transfer…") puts what the clause said before."""
        clauses = self.clauses_of(side)
        at = self.positions(side).get(id(clause))
        if at is None:
            return []
        return [c for c in clauses[max(0, at - 1):at] + clauses[at + 1:at + 2] if c.block == clause.block]

    def with_broken_sentence(self, side: str, clause: Clause) -> str:
        """A clause with the lines a PDF extraction broke its sentence into (`_runs_on`): the clause
        before it when the sentence runs on from it, the one after when it runs on into it."""
        clauses = self.clauses_of(side)
        at = self.positions(side).get(id(clause))
        if at is None:
            return clause.text
        parts = [clause.text]
        if 0 < at < len(clauses) and _runs_on(clauses[at - 1].text, clause.text):
            parts.insert(0, clauses[at - 1].text)
        if at + 1 < len(clauses) and _runs_on(clause.text, clauses[at + 1].text):
            parts.append(clauses[at + 1].text)
        return " ".join(parts)

    def with_split_off(self, side: str, clause: Clause, whole: Clause) -> str:
        """A clause with its broken lines and the sentences beside it that hold only words of `whole`,
        the other version's clause: a sentence split in two ("…, and we keep it…" → "… . We keep
        it…"), or two merged, still says all it said."""
        parts = [self.with_broken_sentence(side, clause)]
        clauses = self.clauses_of(side)
        at = self.positions(side).get(id(clause))
        words = set(whole.key.split())
        for neighbour in (at - 1, at + 1) if at is not None else ():
            if 0 <= neighbour < len(clauses):
                beside = set(clauses[neighbour].key.split())
                if len(beside) >= SPLIT_WORDS and len(beside & words) >= CONTAINED_THRESHOLD * len(beside):
                    parts.append(clauses[neighbour].text)
        return " ".join(parts)

    @lru_cache(maxsize=2)
    def says_little_about_data(self, language: str | None) -> bool:
        """Whether both versions are terms of service rather than a privacy policy: fewer than
        TERMS_SHARE of their sentences are about a data practice."""
        clauses = [c for c in self.old_clauses + self.new_clauses if c.kind != "heading"]
        about_data = sum(1 for c in clauses if classify_clause(c.text, c.section, language).category in PRIVACY_SECTIONS)
        return len(clauses) >= TERMS_SENTENCES and about_data < TERMS_SHARE * len(clauses)

    def is_chrome(self, pair: ClausePair) -> bool:
        return any(clause is not None and (side, clause.block) in self.chrome
                   for side, clause in (("old", pair.old), ("new", pair.new)))


def places_named(text: str, language: str | None) -> list[str]:
    """Countries and states a text names, other than as where data goes or in a company's name."""
    found = [p.code for p in places.find_places(text, language) if p.role not in ("destination", "name", "law")]
    return list(dict.fromkeys(found + [region_name(m.group(0)) for m in region_names().finditer(text)]))


UNAVAILABLE_WORDS = 15
"""At most this many words to a line that says a section is not available where the page was captured."""


def _says_unavailable(text: str) -> bool:
    """A short line saying the page does not serve this here ("This information is not available in
    your location"): what a capture got in place of a section (`unavailable` in lexicons/page_chrome.json)."""
    folded = " ".join(folded_for_cues(text).split())
    return (len(folded.split()) <= UNAVAILABLE_WORDS
            and any(phrase in folded for phrase in page_chrome()["unavailable"]))


REDUCED_SECTIONS = 2


REDUCED_LENGTH = 2


LINK_WORDS = 12
"""A line of at most this many words with no sentence's end is of a link's length."""


def _link_sized(clause: Clause) -> bool:
    return not clause.text.rstrip().endswith(":") and link_sized(clause, LINK_WORDS)


TRANSLATED_CLAUSES = 3
"""Clauses a passage holds at least for its language to be told apart from a quotation's."""


TRANSLATED_SPREAD = 0.25
"""How far the clause counts of a passage and its translation may differ, as a share of the larger."""


def _passages(clauses: list[Clause], others: list[Clause]) -> dict[str, list[Clause]]:
    """A version's runs of clauses the other version does not hold, each under the key of the last
    clause both hold before it (TRANSLATED_CLAUSES or more to a run)."""
    kept = {c.key for c in others}
    runs: dict[str, list[Clause]] = {}
    anchor, run = "", []
    for clause in clauses:
        if clause.key in kept:
            if len(run) >= TRANSLATED_CLAUSES:
                runs.setdefault(anchor, run)
            anchor, run = clause.key, []
        elif clause.kind != "heading":
            run.append(clause)
    if len(run) >= TRANSLATED_CLAUSES:
        runs.setdefault(anchor, run)
    return runs


def _passage_facts(clauses: list[Clause]) -> tuple[tuple[str, ...], tuple[str, ...], int]:
    """What a translation keeps of a passage, whatever its language: its numbers (periods, ages,
    addresses), its e-mail addresses and how many clauses it has."""
    text = " ".join(c.text for c in clauses)
    return (tuple(sorted(NUMBER_WORD.findall(text))), tuple(sorted(contacts.find_emails(text))), len(clauses))


def _links_stand_in(line: str, text: str) -> bool:
    """Whether a line of links (squeezed) stands in a text, whole or as two links that the capture
    ran together ("www.klm.com" and "Politique de confidentialité de KLM")."""
    return line in text or any(line[:k] in text and line[k:] in text for k in range(1, len(line)))


def _by_section(clauses: list[Clause]) -> dict[str, list[Clause]]:
    """A version's clauses under each heading, headings aside."""
    sections: dict[str, list[Clause]] = {}
    for clause in clauses:
        if clause.kind != "heading":
            sections.setdefault(clause.section, []).append(clause)
    return sections


NUMBER_WORD = re.compile(r"\d+")


def _runs_on(text: str, next_text: str) -> bool:
    """Whether a sentence goes on from one clause into the next: no full stop, then lower case or
    a number."""
    return not text.rstrip().endswith((".", "!", "?", ";", ":")) and (next_text[:1].islower() or next_text[:1].isdigit())


def denial_count(text: str, language: str | None) -> int:
    """The denials a text writes ("not", "never"), idioms that deny nothing set aside."""
    lexicon = load_lexicon(language) if language else None
    idioms = lexicon.negation_idioms if lexicon else None
    words = denials(language)
    folded = idioms.sub(" ", folded_for_cues(text)) if idioms else folded_for_cues(text)
    tokens = TOKEN.findall(folded)
    partners = lexicon.negation_partners if lexicon else {}
    if partners and not any(_is_head(token, partners) for token in tokens):  # "pas exemple", a typo: no "ne"
        words = words - frozenset().union(*partners.values())
    return sum(1 for w in tokens if w in words)


def _is_head(token: str, partners: dict[str, frozenset[str]]) -> bool:
    """Whether a word is the head of a denial that needs a partner ("ne", or "n'" elided before a vowel)."""
    return token in partners or any(token == head[0] or token.startswith((head[0] + "'", head[0] + "’"))
                                    for head in partners)
