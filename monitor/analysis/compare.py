"""Two versions of a policy → the changes that matter, with their evidence.

Clauses are aligned (align.py); each changed clause is judged by the facts it states (retention
periods, destinations, contacts, ages) and, failing a fact change, by the words that changed and
the cues of its category. Dates, typos, reformatting, moves and duplicates are never material.
When the two versions are in different languages, their facts are compared instead of their words.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import replace
from functools import lru_cache

from monitor.analysis.across import (
    compare_across_languages,
    document_facts,
    document_phones,
)
from monitor.analysis.align import CONTAINED_THRESHOLD, ClausePair, align_clauses
from monitor.analysis.chrome import (
    capture_problem, chrome_blocks, heading_key, is_heading, judged_edition, link_sized, without_accessibility_labels,
)
from monitor.analysis.classify import classify_clause, section_category
from monitor.analysis.context import (
    NUMBER_WORD, OTHER_SIDE, PRIVACY_SECTIONS, DocumentContext, denial_count, places_named, squeeze,
)
from monitor.analysis.describe import describe_place, join_words, label_words
from monitor.analysis.facts import ages, contacts, dates, durations
from monitor.analysis.facts.contacts import address_key
from monitor.analysis.findings import (
    ClauseFacts,
    Finding,
    address_finding,
    clause_facts,
    fact_findings,
    labelled_address_finding,
    merge_phone_findings,
    merged_facts,
    only_a_number_still_written,
    phones_masked,
    phones_written,
    postal_address_finding,
    seat_moves,
)
from monitor.analysis.lang import clause_language, detect_language
from monitor.analysis.lexicon import (
    TOKEN, Lexicon, company_names, find_labels, folded_for_cues, lexicons_for, load_lexicon, page_chrome)
from monitor.analysis.model import SEVERITIES, Change, Comparison
from monitor.analysis.practice import (
    CHANNEL_KIND, HEAD_KIND, KIND_CATEGORY, ORGANISATION_CATEGORIES, RECIPIENT_KINDS, DocumentPractices, Practice,
    clause_labels, clause_practice, describe_practice_change, distinct_names, only_paired, organisations,
    points_elsewhere, practice_change, practice_of, provided_names, relational_pairs, row_providers, stated_mentions,
)
from monitor.analysis.segment import WORD, Clause, clause_key, sentence_spans, split_clauses
from monitor.analysis.wording import (
    changed_words,
    conditions_changed,
    denials,
    editorial,
    judge_wording,
    only_placeholder_changed,
    quote,
    small_words,
    systematic_words,
    word_changes,
    word_edits,
)

CONTACT_CATEGORIES = frozenset({"contact", "rights"})
"""Clauses where a postal address is where to write about one's data (not a shop's address)."""
CONTACT_LINE_WORDS = 12
"""A line this short that gives an e-mail address and says nothing else is a contact line."""
FLIP_WORDS = 4
"""A negation added or removed turns a statement around when little else in it changed."""
SHORT_CLAUSE_WORDS = 5
"""An added or removed clause this short that names no organisation is a link, a button or a label."""
LABELLED_CATEGORIES = {"sharing": "recipients", "purpose": "purposes", "collection": "data"}


@lru_cache(maxsize=16)
def _declared_date(text: str, language: str | None) -> "datetime.date | None":
    """The "last updated" date of a document, read once per text."""
    return dates.declared_date(text, language)


_NOT_BASIC = re.compile(r"[^a-z0-9]+")


_NOT_LETTER = re.compile(r"[\W\d_]+")
_PAGE_MARK = re.compile(r"\bpage\s*\d+(?:\s*(?:/|of|sur|von|de)\s*\d+)?\b")


def _letters(text: str) -> str:
    return _NOT_LETTER.sub("", _PAGE_MARK.sub("", text.casefold()))


def _numbers_that_say_something(text: str, language: str | None) -> tuple[list, ...]:
    """The periods, minimum ages, phone numbers and e-mail addresses a text writes."""
    return (sorted(d.iso for d in durations.find_durations(text, language)),
            sorted(ages.minimum_ages(text, language)),
            sorted(re.sub(r"\D", "", p.text) for p in contacts.find_phones(text, language)),
            sorted(contacts.find_emails(text)))


def _only_numbering_changed(old_text: str, new_text: str, language: str | None) -> bool:
    """The same words, and the numbers that differ say nothing: no period, age, phone number, e-mail
    address or postal address moved. Page numbers a PDF extraction left in the text ("page 3"), sections and
    items renumbered."""
    return (_letters(old_text) == _letters(new_text)
            and _numbers_that_say_something(old_text, language) == _numbers_that_say_something(new_text, language)
            and contacts.same_postal_addresses(old_text, new_text, language))


def _encoding_repaired(old_text: str, new_text: str) -> bool:
    """One version shows "?" (or U+FFFD) where the other has accented letters, quotes or symbols,
    and nothing else differs: a character encoding broken or repaired, the same words."""
    if not any(mark in text for text in (old_text, new_text) for mark in ("?", "\ufffd")):
        return False
    return _NOT_BASIC.sub("", old_text.casefold()) == _NOT_BASIC.sub("", new_text.casefold())


def _clause_language(pair: ClausePair, default: str | None) -> str | None:
    """A clause in another language than its page (pages mix languages) is read in its own."""
    return clause_language((pair.new or pair.old).text, default) or default


def _category_of(pair: ClausePair, language: str | None, old_facts: ClauseFacts,
                 new_facts: ClauseFacts) -> tuple[str | None, str]:
    """(category, rule): by the changed words first, then the clause, its old self, its section.
    The facts of both sides tell whether a transfer names a place."""
    clause = pair.new or pair.old
    classification = classify_clause(clause.text, clause.section, language)
    if pair.kind == "modified":
        focused = classify_clause(changed_words(pair.old.text, pair.new.text), clause.section, language)
        if focused.category is not None:
            classification = focused
        elif classification.category is None:
            classification = classify_clause(pair.old.text, pair.old.section, language)
    category = classification.category or section_category(clause.section, language)
    rule = classification.rule or f"section:{category}"
    if category == "transfer" and not (old_facts.places or new_facts.places):
        category, rule = "sharing", rule + " no-place:disclosure"  # data handed over, to nowhere abroad
    return category, rule


def _judge(pair: ClausePair, language: str | None, context: DocumentContext = DocumentContext()) -> list[Finding]:
    """What one changed clause means: fact changes first, then wording, then its practice."""
    if pair.relocated:
        return [editorial("Text duplicated, split or merged without new wording", "align:relocated", pair)]
    if context.is_chrome(pair):
        return [editorial("Page furniture (navigation, cookie banner) changed", "structure:page_chrome", pair)]
    if all(clause is None or (side, clause.block) in context.translated()
           for side, clause in (("old", pair.old), ("new", pair.new))):
        return [editorial(f"A passage translated, stating the same facts: {quote((pair.new or pair.old).text)}",
                          "words:translated", pair)]
    if only_placeholder_changed(pair):
        return [editorial("Protected e-mail placeholder changed", "rule:cf_placeholder", pair)]
    if pair.kind == "modified" and squeeze(pair.old.text) == squeeze(pair.new.text):
        return [editorial(f"Only spacing or punctuation changed (words run together or split apart): "
                          f"{quote(pair.new.text)}", "words:spacing", pair)]
    if _same_broken_sentence(pair, context):
        return [editorial(f"The same sentence, broken over lines in other places: {quote((pair.new or pair.old).text)}",
                          "words:line_breaks", pair)]
    if _words_stand_in_other(pair, context):
        return [editorial(f"The same words stand in the other version, cut into clauses another way: "
                          f"{quote((pair.new or pair.old).text)}", "words:same_words", pair)]
    if context.beyond_capture(pair):
        return [editorial("Past the end of the other version's capture: it stops at a heading with nothing under "
                          "it, or this one goes on into another page", "page:cut_short", pair)]
    if context.before_capture(pair):
        return [editorial("Above the start of the other version's capture, which begins at a heading this "
                          "version has further down", "page:starts_later", pair)]
    if context.lost_in_capture(pair):
        return [editorial("In a section the other version's capture lost: its own table of contents lists it, its "
                          "text does not hold it", "page:section_lost", pair)]
    if context.reduced_to_links(pair):
        return [editorial("In a section the other version's capture reduced to its links", "page:reduced_to_links",
                          pair)]
    if context.in_lost_table(pair):
        return [editorial("A table row the other version's capture lost with all its tables, under the same date",
                          "page:tables_lost", pair)]
    if context.in_report(pair, language):
        return [editorial("Figures published about the service (monthly users) changed", "structure:report", pair)]
    old_facts = context.item_facts("old", pair.old, language) if pair.old else ClauseFacts()
    new_facts = context.item_facts("new", pair.new, language) if pair.new else ClauseFacts()
    with_phones = bool(old_facts.phones or new_facts.phones)
    written = None
    if with_phones:  # national-format numbers of each side, cue or not: the clause's and its document's
        written = tuple(contacts.phone_candidates(clause.text, language) + document if clause else document
                        for clause, document in zip((pair.old, pair.new), context.phone_candidates(language)))
    found = fact_findings(pair, old_facts, new_facts, context.phones(language) if with_phones else None, written,
                          language)
    if (old_facts.addresses or new_facts.addresses) and (
            _clause_category(pair, language) in CONTACT_CATEGORIES
            or _addresses_a_controller(pair, (old_facts.addresses, new_facts.addresses), language)):
        address = address_finding(pair, old_facts, new_facts)
        found += [address] if address else []
    elif pair.kind == "modified" and _clause_category(pair, language) in CONTACT_CATEGORIES:
        address = labelled_address_finding(pair, language)
        found += [address] if address else []
    if found and pair.kind == "modified" and pair.old and pair.new:
        found = _not_moved_beside(found, pair, language, context)
    found = [f for f in found if _fact_stands(f, pair, language, context)]
    if any(f.category == "contact" for f in found) and not _about_contact(pair, language, found, context):
        found = [f for f in found if f.category != "contact"]
    if any(f.category == "contact" for f in found) and _names_an_authority(pair, language):
        found = [_as_authority_contact(f) if f.category == "contact" else f for f in found
                 if not (f.rule == "fact:postal_address" and _authority_moved(language, context))]
    clause = pair.new or pair.old
    if not found and not is_heading(pair, context.headings):
        scope = _scope_finding(pair, language, context)
        found = [scope] if scope else found
    if is_heading(pair, context.headings):
        named = _named_section(pair, language, context) if not found else None
        return found or [named or editorial(f"Heading changed: {quote(clause.text)}", "structure:heading", pair)]
    if found and pair.kind != "removed":
        return found + _practice_beside_facts(pair, language, context, found)
    if pair.kind == "modified":
        texts = phones_masked(pair.old.text, pair.new.text, language) if with_phones else None
        if texts and not any(word_changes(*texts)):
            before, after = (list(dict.fromkeys(p.text for p in side))
                             for side in phones_written(pair.old.text, pair.new.text, language))
            if before != after:
                return [editorial(f"The same phone number written another way: {join_words(before)} "
                                   f"→ {join_words(after)}", "fact:same_phone", pair)]
        wording = judge_wording(pair, language, context.systematic, texts)
        if isinstance(wording, Finding):  # a few words changed: a condition among them changes when a practice holds
            condition = None if wording.material else _condition_finding(pair, language, _clause_category(pair, language),
                                                                         context)
            return [condition or wording]
        substantive = wording
    else:
        if dates.is_date_line(clause.text, language):
            return [editorial(f"Date line {pair.kind}: {quote(clause.text)}", "fact:date_line", pair, "date")]
        if found:
            return found
        if only_a_number_still_written(pair, language, context.phones(language), context.phone_candidates(language)):
            return [editorial(f"Phone number {pair.kind} on its own; the other version still gives it: "
                               f"{quote(clause.text)}", "fact:same_phone", pair)]
        substantive = []  # an added or removed clause is judged by its cues alone
    finding = _practice_finding(pair, language, context, substantive)
    if finding.material and _terms_aside(pair, language, context, finding.category):
        return [editorial(f"Terms of service, not about personal data: {quote(clause.text)}", "terms:no_data", pair)]
    return [finding] + _other_practices(finding, language, context)


def _terms_aside(pair: ClausePair, language: str | None, context: DocumentContext, category: str) -> bool:
    """A clause of terms of service (a document that says little about data) outside any section
    about a data practice, that names no personal data (nor, for a transfer, a safeguard for sending
    it abroad; nor, for tracking, a tracker: "This cookie is for Cloudflare to monitor traffic" in a
    generated cookie list of one-word lines, unless it names a policy, whose title the tracker may
    be: "la política de cookies de Bizum"): a delivery, a fee or a seller's duty; a transfer
    framework is never one."""
    if not context.says_little_about_data(language):
        return False
    clause = pair.new or pair.old
    if section_category(clause.section, language) in PRIVACY_SECTIONS:
        return False
    stating = {"transfer": ("data:", "safeguards:"), "tracking": ("data:", "trackers:")}.get(category, ("data:",))
    named = category == "tracking" and _names_a_document(pair, language)
    documents = load_lexicon(language).documents if named else None
    if documents is not None:
        if not _trackers_beside_titles(pair, language, documents):
            return True  # "acepta ... la política de cookies de Bizum": a policy's title, no tracker used
        stating = ("data:",)
    return not any(label.startswith(stating) for c in (pair.old, pair.new) if c is not None
                   for label in practice_of(c.text, language, c.kind).labels)


def _names_a_document(pair: ClausePair, language: str | None) -> bool:
    """Whether either side of a clause names a policy or notice (`documents` in the lexicon)."""
    lexicon = load_lexicon(language) if language else None
    return bool(lexicon and lexicon.documents) and any(
        lexicon.documents.search(clause.text.casefold()) for clause in (pair.old, pair.new) if clause is not None)


def _trackers_beside_titles(pair: ClausePair, language: str | None, documents: re.Pattern[str]) -> bool:
    """Whether a clause names a tracker outside the titles of the policies it names: "cookies" in
    "la política de cookies de Bizum" or "our Cookie Policy" is a title's word, not a tracker used.
    Words are counted in the text as `label_mentions` folds it, so that positions agree."""
    for clause in (pair.old, pair.new):
        if clause is None:
            continue
        folded = folded_for_cues(clause.text)
        spans = [m.span() for m in documents.finditer(folded)]
        titles = [i for i, token in enumerate(TOKEN.finditer(folded)) if any(a <= token.start() < b for a, b in spans)]
        if any(mention.kind == "trackers" and not any(
                mention.position - TITLE_REACH <= t <= mention.position + len(mention.words) - 1 + TITLE_REACH
                for t in titles) for mention in stated_mentions(clause.text, language)):
            return True
    return False


TITLE_REACH = 2
"""How many words from a policy's head word a tracker word may stand and be part of its title
("política de cookies", "Cookie Policy")."""


ALSO_REPORTED_KINDS = ("safeguards",)
"""Kinds of label reported in their own category too when a clause about something else states them
anew: a transfer mechanism ("standard contractual clauses") named in a sharing clause is also a
transfer change."""


NEWLY_GIVEN_KINDS = ("legal_bases",)
"""Kinds of label reported in their own category too when the old version gives them nowhere: a
legal basis given for the first time ("because it is in our legitimate interests")."""


def _other_practices(finding: Finding, language: str | None, context: DocumentContext) -> list[Finding]:
    """The findings a practice finding also makes in the categories of ALSO_REPORTED_KINDS, and in
    the legal-basis category when it gives a legal basis the old version gives nowhere. A basis no
    longer named is not reported on its own: "exempt from consent" gone reads as consent withdrawn."""
    if not finding.material or not finding.rule.startswith("practice:"):
        return []
    extra = []
    stated_before = context.practices("old", language).labels
    for kind in ALSO_REPORTED_KINDS + NEWLY_GIVEN_KINDS:
        category = KIND_CATEGORY[kind]
        if category == finding.category:
            continue
        added = [v for v in finding.new_values if v.startswith(kind + ":")]
        removed = [v for v in finding.old_values if v.startswith(kind + ":")]
        if kind in NEWLY_GIVEN_KINDS:
            added, removed = [v for v in added if v not in stated_before], []
        if not added and not removed:
            continue
        summary = _kind_summary(category, added, removed)
        extra.append(Finding(category, True, "medium", summary, f"practice:also[{', '.join(added + removed)}]",
                             finding.pair, removed, added))
    return extra


def _kind_summary(category: str, added: list[str], removed: list[str]) -> str:
    """The plain sentence for labels of one kind newly stated and no longer stated ("Transfers now
    rely on standard contractual clauses")."""
    return describe_practice_change(category, Practice(frozenset(added)), Practice(frozenset(removed)), [], [])


def _practice_beside_facts(pair: ClausePair, language: str | None, context: DocumentContext,
                           found: list[Finding]) -> list[Finding]:
    """A clause whose facts changed may also give a new way to use a right ("delete your account from
    the settings or by e-mail to privacy@…"): a new address, and a new channel for a right."""
    practice = _practice_finding(pair, language, context, [])
    new_channel = any(str(label).startswith(CHANNEL_KIND + ":") for label in practice.new_values)
    if not practice.material or not new_channel or practice.category in {f.category for f in found}:
        return []
    return [practice]


ADDRESS_LINE_WORDS = 12
"""A line this short may be one line of a postal address written over several lines."""


def _line_runs(clauses: list[Clause]) -> dict[int, list[Clause]]:
    """Block → the run of short lines it belongs to (a name, a street, a postcode and a city on lines of
    their own), each run with the line before it (its lead-in: "Write to us at:"); a heading starts a
    run of its own."""
    runs: dict[int, list[Clause]] = {}
    run: list[Clause] = []
    for clause in clauses:
        if (run and clause.block == run[-1].block + 1 and clause.kind != "heading"
                and len(clause.text.split()) <= ADDRESS_LINE_WORDS):
            run.append(clause)
        else:
            run = [clause]
        runs[clause.block] = run
    return runs


def _address_block_findings(pairs: list[ClausePair], findings: list[Finding], language: str | None,
                            context: DocumentContext) -> list[Finding]:
    """Postal addresses written over several lines that a changed line belongs to, compared with the
    whole other version: the clause-by-clause reading sees only "22 Bishopsgate" or "London EC2N 4BQ".
    A fallback: when the clauses already tell a contact change, that is what is reported. A block
    that names a supervisory authority is where to complain (a rights change), not the company's.
    Only where the lines are about reaching the company (the contact reading of `_about_contact`)."""
    seen: set[str] = set()
    if any(f.category == "contact" and f.material for f in findings):
        return []  # the contact change is told already, by the clauses
    changes: dict[str, list[str]] = {"old": [], "new": []}
    read: dict[str, list[str]] = {"old": [], "new": []}
    authorities: list[str] = []  # the addresses that changed in a block naming where to complain
    first: ClausePair | None = None
    for side, other, clauses in (("old", "new", context.old_clauses), ("new", "old", context.new_clauses)):
        runs = _line_runs(clauses)
        done: set[int] = set()
        for pair in pairs:
            clause = getattr(pair, side)
            if (clause is None or clause.block not in runs or id(runs[clause.block]) in done or context.beyond_capture(pair)
                    or context.before_capture(pair) or context.lost_in_capture(pair) or context.reduced_to_links(pair)):
                continue
            run = runs[clause.block]
            done.add(id(run))
            text = _block_text(run)
            category = classify_clause(_up_to_its_addresses(run, text, language), clause.section, language).category
            if category not in CONTACT_CATEGORIES and category is not None and not contacts.find_emails(text):
                continue  # an address block that also gives an e-mail is where to write, whatever it names
            if _authority_moved(language, context) and context.about_complaints(side, clause, language):
                continue  # an authority's office, not the company's
            if category is None and provided_names(text, organisations(text, language), language):
                continue  # "This service is provided by Google LLC, 1600 Amphitheatre Parkway…": the provider's office
            an_authority = "rights:complaint" in practice_of(text, language).labels  # "Data Protection Commission, 21…"
            for address in contacts.find_postal_addresses(text, language):
                read[side].append(address)
                key, street = address_key(address), address_key(address.split(",")[0])
                if key not in seen and street not in context.squeezed(other) and not contacts.office_still_written(
                        address, context.squeezed(other), context.addresses(other, language)):  # "California" or "CA"
                    seen.add(key)
                    changes[side].append(address)
                    first = first or pair
                    authorities += [address] if an_authority else []
    unfixed = contacts.without_number_fixes(read["old"], read["new"])  # "12 Market Street" → "112 Market Street"
    removed, added = ([a for a in changes[side] if a in kept] for side, kept in zip(("old", "new"), unfixed))
    if first is None or not removed and not added or not added and read["new"]:  # replaced by an address the old version gave too
        return []
    finding = postal_address_finding(first, removed, added)
    return [_as_authority_contact(finding) if set(removed + added) <= set(authorities) else finding]


def _up_to_its_addresses(run: list[Clause], text: str, language: str | None) -> str:
    """An address block's lines up to its last address, which say what the address is for: a
    paragraph that runs on past it ("... to our office at: 4052 S 124th Street, Greenfield, WI 53228;
    **Special Note for Parents** ...") is about something else from there."""
    addresses = contacts.find_postal_addresses(text, language)
    for end in range(1, len(run)):
        head = _block_text(run[:end])
        if contacts.find_postal_addresses(head, language) == addresses:
            return head
    return text


def _block_text(lines: list[Clause]) -> str:
    """An address block's lines as one text: "138 Cheapside," then "London EC2V 6BJ,"."""
    return ", ".join(c.text.rstrip(" ,") for c in lines)


ADDRESS_LIST = 4
"""Postal addresses added or removed at once that make a list of offices or shops, not a contact."""


def _without_address_lists(findings: list[Finding], language: str | None,
                           context: DocumentContext) -> list[Finding]:
    """Postal-address findings, unless so many addresses came or went that they are a list of
    customer-service centres, shops or offices rather than where to write about one's data, or the
    address is one row of a table of many companies' offices (an office moved, no contact changed)."""
    findings = [_unless_an_office_table(f, language, context) if f.rule == "fact:postal_address" else f
                for f in findings]
    addresses = [f for f in findings if f.rule == "fact:postal_address"]
    moved = len({address_key(a.split(",")[0]) for f in addresses for a in f.old_values + f.new_values
                 if not contacts.is_unit_only(a, language)})
    if moved < ADDRESS_LIST:
        return findings
    return [f for f in findings if f.rule != "fact:postal_address"] + [
        editorial(f"A list of {moved} postal addresses (offices, shops, service centres) changed", "fact:address_list",
                  addresses[0].pair, "contact")]


def _unless_an_office_table(finding: Finding, language: str | None, context: DocumentContext) -> Finding:
    """A postal-address finding, unless its row stands in a table where ADDRESS_LIST or more rows give
    an address (a table of the group's companies): then an office moved, no contact changed."""
    clause = finding.pair.new or finding.pair.old
    if clause.kind != "row":
        return finding
    clauses = context.new_clauses if finding.pair.new is not None else context.old_clauses
    rows = sum(1 for c in clauses if c.kind == "row" and c.section == clause.section
               and contacts.find_postal_addresses(c.text, language))
    if rows < ADDRESS_LIST:
        return finding
    return editorial(f"An office address changed in a table of {rows} companies' addresses", "fact:address_table",
                     finding.pair, "contact")


_PRIVACY_MAILBOX = re.compile(r"privacy|priva[ct]|dpo|gdpr|rgpd|dsgvo|datenschutz|protec|data|donnees|legal|rights|"
                              r"droits|compliance|rodo|osobn|персон", re.IGNORECASE)


def _about_contact(pair: ClausePair, language: str | None, found: list[Finding], context: DocumentContext) -> bool:
    """Whether a clause whose contact details changed is about reaching the company, rather than
    about a fee rule or a shop that happens to give an e-mail: its cues say contact or rights, or
    say nothing else, or the mailbox's name is a privacy one ("privacy@", "dpo@", "datenschutz@").
    In terms of service (a document that says little about data), only a clause about a data
    practice, or in a section about one, gives a privacy contact: the customer service's phone
    number is not one."""
    clause = pair.new or pair.old
    values = [v for f in found if f.category == "contact" for v in f.old_values + f.new_values]
    if (values and all(_partners_address(v, clause.text, context) for v in values)
            and not _names_a_representative(clause.text)):
        return False  # "… par Mangopay … dpo.mangopay@mangopay.com": the payment partner's DPO
    if _for_other_matters(clause.text) and not _privacy_mailbox(values) and not _about_privacy(clause.text, language):
        return False  # "Email reserved for content takedown requests from Turkey only (…@dailymotion.com)"
    if context.says_little_about_data(language) and not (
            classify_clause(clause.text, clause.section, language).category in PRIVACY_SECTIONS
            or section_category(clause.section, language) in PRIVACY_SECTIONS):
        return _privacy_mailbox(values + contacts.find_emails(clause.text))
    category = _clause_category(pair, language)
    if category in CONTACT_CATEGORIES or _invites_contact(clause.text, language):
        return True
    addresses = [f for f in found if f.rule == "fact:postal_address"]
    if addresses and _addresses_a_controller(pair, ([v for f in addresses for v in f.old_values],
                                                    [v for f in addresses for v in f.new_values]), language):
        return True
    if category is None and load_lexicon(language or "") and (
            len(clause.text.split()) <= CONTACT_LINE_WORDS
            or section_category(clause.section, language) in CONTACT_CATEGORIES):
        return True
    return _privacy_mailbox(values)


def _partners_address(value: str, text: str, context: DocumentContext) -> bool:
    """Whether an e-mail address is another company's, named beside it ("Target2Sell :
    contact@target2sell.com", "… par Mangopay … dpo.mangopay@mangopay.com"): its domain is a name the
    clause gives outside the address, and not the company's own (its own name, or the domain of most
    of the addresses the policy gives)."""
    if "@" not in value:
        return False
    labels = value.rsplit("@", 1)[1].split(".")
    name = labels[-2] if len(labels) >= 2 else ""
    if len(name) < PARTNER_NAME_LETTERS or name in context.own_domains():
        return False
    if any((own := context.own_name(side)) and squeeze(own) == name for side in ("old", "new")):
        return False
    outside = " ".join(contacts.split_at_emails(text)[::2])
    return bool(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", _squeezed_words(outside)))


PARTNER_NAME_LETTERS = 4


def _names_a_representative(text: str) -> bool:
    """Whether a clause names a representative of the company ("EU/UK Representative: Mishcon de Reya
    (representative@mishcon.com)"), its contact at another company's address, in any language."""
    return _said_in_any_language(text, "representatives")


def _said_in_any_language(text: str, phrases: str) -> bool:
    """Whether a clause holds one of the phrases of one kind (a `Lexicon` pattern's name) of any
    language's lexicon: lines a page gives in each country's language."""
    folded = text.casefold()
    return any(pattern.search(folded) for lexicon in lexicons_for(None) if (pattern := getattr(lexicon, phrases)))


def _squeezed_words(text: str) -> str:
    """A text's words in lower case, each name run together ("Target2Sell" → "target2sell")."""
    return " ".join(contacts.address_key(word) for word in text.split())


def _about_privacy(text: str, language: str | None) -> bool:
    """Whether a clause speaks of privacy requests itself: a rights or contact cue, or who controls
    the data ("our data controller representative in Turkey for privacy matters")."""
    lexicon = load_lexicon(language) if language else None
    if lexicon is None:
        return False
    scan = lexicon.scan(text)
    return bool(scan.get(("strong", "rights")) or scan.get(("strong", "contact"))
                or lexicon.controllers and lexicon.controllers.search(text.casefold()))


def _for_other_matters(text: str) -> bool:
    """Whether a clause keeps its address for a matter that is no privacy matter (content takedown,
    copyright, the press), in any language: a page gives such addresses in each country's language."""
    return _said_in_any_language(text, "other_matters")


ADDRESSEE_WORDS = 10


def _addressee_line(pair: ClausePair, language: str | None, context: DocumentContext) -> bool:
    """Whether a changed line is who a postal address is for ("DISONS DEMAIN, Bureau du DPD" above
    "53 rue de Châteaudun Paris"): a short line with no full stop that the next line's street
    follows, on each side that has it. Its names are the company's own office, no recipient."""
    for side, clause in (("old", pair.old), ("new", pair.new)):
        if clause is None:
            continue
        if len(clause.text.split()) > ADDRESSEE_WORDS or clause.text.rstrip().endswith((".", ";", ":")):
            return False
        following = context.next_clause(side, clause)
        if following is None or not contacts.find_postal_addresses(following.text, language):
            return False
    return True


def _invites_contact(text: str, language: str | None) -> bool:
    """Whether a clause says to write or call, whatever it is about ("Any questions regarding Cookies
    should be addressed to support@…"): its own contact cues, though its topic's outweigh them."""
    lexicon = load_lexicon(language) if language else None
    return bool(lexicon and lexicon.scan(text).get(("strong", "contact")))


def _addresses_a_controller(pair: ClausePair, addresses: tuple[list[str], list[str]], language: str | None) -> bool:
    """Whether a postal address stands in a sentence that names the company responsible for the data
    or its representative ("Uber B.V. (Burgerweeshuispad 101, …) et Uber Technologies Inc. sont
    responsables du traitement"), whatever else the clause is about: where the controller is."""
    lexicon = load_lexicon(language) if language else None
    if lexicon is None or lexicon.controllers is None:
        return False
    for clause, written in zip((pair.old, pair.new), addresses):
        if clause is None or not written:
            continue
        for start, end in sentence_spans(clause.text):
            sentence = clause.text[start:end]
            if any(address in sentence for address in written) and lexicon.controllers.search(sentence.casefold()):
                return True
    return False


_FIGURES = re.compile(r"\d[\d ./-]{2,}\d")
"""A run of figures: a house number and a postcode, a company's registration number."""


def _renamed_in_place(pair: ClausePair, removed: list[str], added: list[str]) -> bool:
    """Whether a company only took another name where the clause names it: the clause says the same
    of the new name, at the same address or under the same registration number ("FIB NC7, RCS 881
    209 647, Roubaix" → "ACIAM, RCS 881 209 647, Roubaix"), as a rebranding does. A controller that
    really changed comes with its own address or number."""
    old, new = pair.old.text, pair.new.text
    for name in removed:
        old = old.replace(name, " ")
    for name in added:
        new = new.replace(name, " ")
    return clause_key(old) == clause_key(new) and bool(_FIGURES.search(old))


def _renamed_throughout(others: list[str], names: list[str], systematic: frozenset[str]) -> bool:
    """Whether every name is one of the other version's with its own words replaced as they are
    throughout the document ("Quora Inc." → "Quorvex Inc." where "Quora" became "Quorvex" in every
    clause, even if one "Quora Inc." stayed): the company rebranded, the policy renamed it."""
    def words(name: str) -> list[str]:
        return TOKEN.findall(name.casefold())

    def renamed(name: str) -> bool:
        return any(len(words(other)) == len(words(name)) and all(
            o == n or (o in systematic and n in systematic) for o, n in zip(words(other), words(name)))
            for other in others)
    return bool(systematic) and all(renamed(name) for name in names)


def _privacy_mailbox(values: list[str]) -> bool:
    """Whether one of these e-mail addresses has a privacy mailbox's name ("privacy@", "dpo@")."""
    return any(_PRIVACY_MAILBOX.search(v.split("@")[0]) for v in values if "@" in v)


def _controller_finding(pair: ClausePair, language: str | None, context: DocumentContext) -> Finding | None:
    """A company named as the one responsible for the data ("your data controller is Airbnb
    Payments UK Ltd") that the other version never names: who users deal with about their data
    changed. A company is told by its legal form; one named anywhere in the other version is not new."""
    lexicon = load_lexicon(language) if language else None
    if lexicon is None or lexicon.controllers is None:
        return None
    sides = [(side, c) for side, c in (("old", pair.old), ("new", pair.new)) if c is not None]
    if not any(lexicon.controllers.search(text.casefold()) for side, c in sides
               for text in (c.text, c.section, context.lead_in(side, c))):
        return None
    if all(_officer_line(c.text, lexicon) for _, c in sides):
        return None  # "Président : Société SAEGUAJ S.A.S.": who holds an office of the company
    if all(_names_a_processor(c.text, language, lexicon) for _, c in sides):
        return None  # "Processor | Amazon Web Services, Inc." under the controller's section: who processes for it
    names = {side: [m.group(0) for m in company_names().finditer(clause.text)] if clause else []
             for side, clause in (("old", pair.old), ("new", pair.new))}
    before = names["old"] + ([pair.old.text.strip(" .,")] if pair.old else [])  # a line that is a name
    added = [n for n in dict.fromkeys(names["new"]) if squeeze(n) not in context.squeezed("old")
             and not _extends(n, before)]
    removed = [n for n in dict.fromkeys(names["old"]) if squeeze(n) not in context.squeezed("new")
               and not any(_extends(m, [n]) for m in names["new"])]
    added, removed = (_not_provider(added, pair.new, language), _not_provider(removed, pair.old, language))
    if not added and not removed:
        return None
    added, removed = ([n for n in names if not context.said_renamed(n)] for names in (added, removed))
    rebranded = (_renamed_throughout(names["old"], added, context.systematic)
                 and _renamed_throughout(names["new"], removed, context.systematic))
    if not added and not removed or rebranded or added and removed and _renamed_in_place(pair, removed, added):
        return None
    if added and removed:
        summary = f"The company responsible for the data changed from {join_words(removed)} to {join_words(added)}"
    elif added:
        summary = f"Now names {join_words(added)} as responsible for the data"
    else:
        summary = f"No longer names {join_words(removed)} as responsible for the data"
    return Finding("contact", True, "medium", summary, "fact:controller", pair)


def _names_a_processor(text: str, language: str | None, lexicon: Lexicon) -> bool:
    """Whether a clause names a kind of recipient (a processor, a service provider) and no controller
    in its own words: the companies it names work for the controller."""
    if lexicon.controllers is not None and lexicon.controllers.search(text.casefold()):
        return False
    return any(label.startswith("recipients:") for label in clause_labels(text, language))


def _not_provider(names: list[str], clause: Clause | None, language: str | None) -> list[str]:
    """The companies a clause does not name as providing a service ("This service is provided by
    Google LLC, 1600 Amphitheatre Parkway…" names a provider, not who is responsible for the data)."""
    if not names or clause is None:
        return names
    provided = provided_names(clause.text, names, language)
    return [n for n in names if n not in provided]


def _officer_line(text: str, lexicon: Lexicon) -> bool:
    """Whether a line of a company's particulars gives one of its officers ("Président : Société
    SAEGUAJ S.A.S., représentée par …", "Geschäftsführer: …"): an office title, then its name."""
    folded = text.casefold().lstrip(" *-•")
    match = lexicon.officers.match(folded) if lexicon.officers else None
    return bool(match) and folded[match.end():].lstrip().startswith((":", "-", "–"))


NAME_HEADING_WORDS = 4
"""A heading this short that is a name ("Hotjar", "Attributer.io", "Google Customer Match")."""


SECTION_LINK_WORDS = 6


def _menu_entry(clause: Clause) -> bool:
    """A list item of a few words that says nothing ("Flight London - Hong Kong", "Cookie settings"):
    a link of a menu, where a tool's own section would describe it."""
    return ":" not in clause.text and link_sized(clause, SECTION_LINK_WORDS, items_only=True)


def _named_section(pair: ClausePair, language: str | None, context: DocumentContext) -> Finding | None:
    """A section added or removed under the name of a tool or a company ("### Hotjar" and what it
    does), about tracking or sharing, that the other version never names: a new (or withdrawn)
    tracker or recipient, however its own sentences are worded."""
    clause = pair.new or pair.old
    if pair.kind == "modified" or clause.kind != "heading" or len(clause.text.split()) > NAME_HEADING_WORDS:
        return None
    name = clause.text.strip(" #*_")
    side, other = ("new", "old") if pair.new is not None else ("old", "new")
    if not all(re.match(r"[A-Z0-9]", word) for word in name.split()) or name.isupper() and "." not in name \
            or squeeze(name) in context.squeezed(other):
        return None  # a heading in words ("List of personalisation cookies"), not a name
    lexicon = load_lexicon(language) if language else None
    if lexicon and lexicon.names_no_company(name):
        return None  # a law, a programme or a policy ("California Consumer Privacy Act"), not a company
    under = [c for c in (context.new_clauses if side == "new" else context.old_clauses)
             if c.section == clause.text and c is not clause]
    body = " ".join(c.text for c in under)
    if name not in body:
        return None  # a tool's own section names it again ("Hotjar is a service that...")
    if all(c.text == name or _menu_entry(c) for c in under):
        return None  # a footer's column of links ("Fly Worldwide": "All flights", "Site Map", "Cookie settings")
    category = classify_clause(body, clause.text, language).category if body else None
    if category not in ORGANISATION_CATEGORIES:
        return None
    what = "tracker or service" if category == "tracking" else "recipient"
    summary = f"Now names {name} as a {what}" if side == "new" else f"No longer names {name} as a {what}"
    return Finding(category, True, "medium", summary, f"practice:named_section[{name}]", pair)


SCOPE_CATEGORIES = frozenset({"rights", "tracking", "legal_basis", "children"})
SCOPE_KINDS = ("rights", "legal_bases", "trackers", "minors")
"""Kinds of label that tell a clause's practice when its cues do not, in this order."""
"""Practices whose reach is often told by where people live ("residents of Oregon may...")."""


_scope_places = lru_cache(maxsize=64)(places_named)
"""`places_named` of a clause, read once per clause (a whole version's go in its context)."""


def _scope_finding(pair: ClausePair, language: str | None, context: DocumentContext) -> Finding | None:
    """People in more (or fewer) places now have a right or are covered by a consent rule:
    "residents of Colorado, Connecticut, Oregon, Texas and Virginia may have additional rights",
    "the consent policy will also apply to users in Switzerland". Only where the clause says whom it
    covers by where they live, or lists places."""
    lexicon = load_lexicon(language) if language else None
    if lexicon is None or lexicon.residents is None:
        return None
    category = _clause_category(pair, language)
    if category is None:  # "our EU User Consent Policy will apply to users in Switzerland": by what it names
        named = practice_of((pair.new or pair.old).text, language).labels
        category = next((KIND_CATEGORY[kind] for kind in SCOPE_KINDS
                         if any(label.startswith(kind + ":") for label in named)), None)
    if category not in SCOPE_CATEGORIES:
        return None
    if pair.kind != "modified" and points_elsewhere((pair.new or pair.old).text):
        return None  # a pointer to another policy added or removed: where to read more, not whom this one covers
    old = _scope_places(pair.old.text, language) if pair.old else []
    new = _scope_places(pair.new.text, language) if pair.new else []
    if pair.kind == "added":
        old = context.scope_places("old", language)
    elif pair.kind == "removed":
        new = context.scope_places("new", language)
    added, removed = [p for p in new if p not in old], [p for p in old if p not in new]
    if pair.kind != "modified":  # a clause added names places anew, one removed stops naming them; not the other way
        added, removed = (added, []) if pair.kind == "added" else ([], removed)
    else:  # a sentence split in two: the places went to the sentence beside it
        added = [p for p in added if p not in _places_beside("old", pair.old, language, context)]
        removed = [p for p in removed if p not in _places_beside("new", pair.new, language, context)]
    if not added and not removed:
        return None
    texts = [c.text for c in (pair.old, pair.new) if c is not None]
    if not any(lexicon.residents.search(t.casefold()) or len(_scope_places(t, language)) >= 2 for t in texts):
        return None
    if all(_defines_a_term(t, lexicon) for t in texts):
        return None  # '"US State Privacy Laws" means … the laws of California and Virginia': what a word means
    named = [describe_place(p) if p.isupper() else p for p in added or removed]
    label = category.replace("_", " ")
    summary = (f"The {label} clause now also covers people in {join_words(named, 4)}" if added
               else f"The {label} clause no longer covers people in {join_words(named, 4)}")
    return Finding(category, True, "medium", summary, "fact:scope_places", pair)


def _labels_beside(side: str, clause: Clause, language: str | None, context: DocumentContext) -> frozenset[str]:
    """What the sentences right beside a clause state (see `DocumentContext.beside`)."""
    return frozenset(label for c in context.beside(side, clause) for label in clause_labels(c.text, language))


def _places_beside(side: str, clause: Clause, language: str | None, context: DocumentContext) -> list[str]:
    """Whom the sentences right beside a clause cover, by where they live (see `_scope_places`)."""
    return [p for c in context.beside(side, clause) for p in _scope_places(c.text, language)]


_DEFINED_TERM = re.compile(r"[\W\d]{0,8}[\"“«„'‘*]+[^\"”»“'’*\n]{1,60}[\"”»“'’*]+[\s*]*(?:\([^)\n]{0,80}\)\s*)?[:,–-]?\s*")
"""A term in quotes or in bold at the start of a clause, with its abbreviation: what a definition defines."""


def _defines_a_term(text: str, lexicon: Lexicon) -> bool:
    """Whether a clause defines a term ('"Sale" means …', « Partenaires » désigne …)."""
    term = _DEFINED_TERM.match(text)
    return bool(term and lexicon.definitions and lexicon.definitions.match(text.casefold(), term.end()))


READ_BESIDE = frozenset({"fact:retention_period", "fact:retention_criteria", "fact:tracker_lifetime",
                         "fact:transfer_destinations", "fact:response_time", "fact:minimum_age"})
"""Facts a sentence and its neighbours state together (see `_not_moved_beside`); contacts have
their own document-wide checks."""


def _not_moved_beside(found: list[Finding], pair: ClausePair, language: str | None,
                      context: DocumentContext) -> list[Finding]:
    """The facts that changed in a sentence, read with the sentences beside it in its paragraph: a
    long sentence split in two ("…3 years, and we retain records 5 years" → "…3 years. We retain
    records 5 years") or two sentences joined state the same facts, and a period changed in one half
    is told without the other half's ("10 years instead of 5 years")."""
    old_beside, new_beside = context.beside("old", pair.old), context.beside("new", pair.new)
    if not (old_beside or new_beside) or not any(f.rule in READ_BESIDE for f in found):
        return found
    old = merged_facts([clause_facts(c, language) for c in [pair.old, *old_beside]])
    new = merged_facts([clause_facts(c, language) for c in [pair.new, *new_beside]])
    rules = {f.rule for f in found} & READ_BESIDE
    return ([f for f in found if f.rule not in READ_BESIDE]
            + [f for f in fact_findings(pair, old, new, language=language) if f.rule in rules])


def _fact_stands(finding: Finding, pair: ClausePair, language: str | None, context: DocumentContext) -> bool:
    """Whether a fact that changed in a clause changed in the document: the other version does not
    state it elsewhere, a time limit is one for answering people's requests, and a cookie's lifetime
    is told by a row both versions hold."""
    if context.stated_elsewhere(finding, language):
        return False
    if finding.rule == "fact:tracker_lifetime" and pair.kind != "modified" and row_providers(pair.new or pair.old):
        return False  # a cookie declaration's row added or removed: judged by its provider, its lifetime goes with it
    if finding.rule in PERIOD_RULES and pair.kind == "modified" and _unit_put_back(pair.old.text, pair.new.text):
        return False
    return finding.rule != "fact:response_time" or _about_requests(pair, language, context)


PERIOD_RULES = frozenset({"fact:retention_period", "fact:tracker_lifetime"})


def _unit_put_back(old_text: str, new_text: str) -> bool:
    """Whether the only edit gives a bare number its unit back, or takes it away ("conservées pendant 3
    à compter de…" → "pendant 3 ans à compter de…"): the same period, a typo mended."""
    old, new = WORD.findall(old_text.casefold()), WORD.findall(new_text.casefold())
    edits = word_edits(old, new)
    if not edits:
        return False
    for i1, i2, j1, j2 in edits:
        if i2 > i1 and j2 > j1:
            return False  # words replaced, not only put in or left out
        words, before = (new[j1:j2], new[j1 - 1] if j1 else "") if j2 > j1 else (old[i1:i2], old[i1 - 1] if i1 else "")
        if len(words) > 1 or not words[0].isalpha() or not NUMBER_WORD.fullmatch(before):
            return False
    return True


def _about_requests(pair: ClausePair, language: str | None, context: DocumentContext) -> bool:
    """Whether a clause that gives a time limit is about people's requests: it, or its paragraph, is
    about a right or a way to reach the company ("… contact us by using our web form. We will
    respond to requests within 30 days"), not about an order's fulfilment or a seller's duties."""
    if _clause_category(pair, language) in ("rights", "contact"):
        return True
    paragraphs = [context.paragraph(side, clause) for side, clause in (("old", pair.old), ("new", pair.new))
                  if clause is not None]
    return any(label.startswith(("rights:", CHANNEL_KIND + ":")) for paragraph in paragraphs
               for label in practice_of(paragraph, language).labels)


def _names_an_authority(pair: ClausePair, language: str | None) -> bool:
    """A clause telling users where to complain (a supervisory authority): its addresses are the
    authority's, part of the right to complain, not the company's contact."""
    return any("rights:complaint" in practice_of(clause.text, language).labels
               for clause in (pair.old, pair.new) if clause is not None)


def _authority_moved(language: str | None, context: DocumentContext) -> bool:
    """Whether both versions give an office where to complain: an authority's address that changed
    is its move, and the right to complain to it stands."""
    return bool(context.authority_addresses("old", language)) and bool(context.authority_addresses("new", language))


def _as_authority_contact(finding: Finding) -> Finding:
    what = finding.summary[0].lower() + finding.summary[1:]
    return Finding("rights", True, finding.severity, f"Where to complain: {what}", finding.rule, finding.pair,
                   finding.old_values, finding.new_values)


def _same_broken_sentence(pair: ClausePair, context: DocumentContext) -> bool:
    """Whether a modified clause is part of a sentence a PDF extraction broke over lines in other
    places on each side ("osobám" / "mladším ako 16 rokov." → "osobám mladším" / "ako 16 rokov."),
    the sentence itself the same."""
    if pair.kind != "modified":  # a fragment only one side has: its whole sentence still stands on the other
        side, clause = ("new", pair.new) if pair.old is None else ("old", pair.old)
        sentence = context.with_broken_sentence(side, clause)
        return sentence != clause.text and squeeze(sentence) in context.squeezed("old" if side == "new" else "new")
    old_sentence = context.with_broken_sentence("old", pair.old)
    new_sentence = context.with_broken_sentence("new", pair.new)
    if old_sentence == pair.old.text and new_sentence == pair.new.text:
        return False
    # the same sentence; or lines broken elsewhere that each stand, word for word, in the other version
    return squeeze(old_sentence) == squeeze(new_sentence) or _words_stand_in_other(pair, context, shortest=0)


STANDING_CHARACTERS = 40
"""How many letters and digits a clause needs before its words, found run together in the other
version, count as standing there: a short one ("Marketing.") may stand in any text."""


def _words_stand_in_other(pair: ClausePair, context: DocumentContext, shortest: int = STANDING_CHARACTERS) -> bool:
    """Whether a clause's words (`shortest` letters and digits or more) stand, in the same order, in
    the other version: the text was cut into clauses another way (a PDF extracted again, a heading
    run into a sentence, a table's cells in another order) or a duplicate was added or dropped. A
    modified clause needs both sides to."""
    present = [(clause, other) for clause, other in ((pair.old, "new"), (pair.new, "old")) if clause is not None]
    return all(len(words := squeeze(clause.text)) >= shortest and words in context.squeezed(other)
               for clause, other in present)


def _extends(name: str, others: frozenset[str] | list[str]) -> bool:
    """Whether a company's name is another one's with words added ("Paramount" → "Paramount Skydance
    Corporation"): the same company, its name grown by a merger or its legal form; or the same name
    spaced or joined otherwise ("ZoomIQ" and "Zoom IQ")."""
    squeezed = squeeze(name)
    return any(name.startswith(other + " ") or squeeze(other) == squeezed for other in others)


def _without_renamed(pair: ClausePair, added: Practice, removed: Practice, old_names: frozenset[str],
                     new_names: frozenset[str], context: DocumentContext) -> tuple[Practice, Practice]:
    """A clause's new and gone organisations, without a company under another name: a name that
    only grew in the same clause ("Paramount" → "Paramount Skydance Corporation") or one the
    other version writes otherwise (`DocumentContext.writes_otherwise`)."""
    modified = pair.kind == "modified"
    added_names = frozenset(name for name in added.organisations
                            if not ((modified and _extends(name, old_names)) or context.writes_otherwise(name, "old")))
    removed_names = frozenset(name for name in removed.organisations
                              if not ((modified and any(_extends(other, [name]) for other in new_names))
                                      or context.writes_otherwise(name, "new")))
    return (replace(added, organisations=added_names, provided=added.provided & added_names),
            replace(removed, organisations=removed_names, provided=removed.provided & removed_names))


def _not_said_beside(novel: Practice, beside: str, language: str | None) -> Practice:
    """A clause's new (or withdrawn) pairings of labels, without those the other version's clause
    states together with the lines its sentence was broken into: "…n'excède pas 3 mois" whose "géolocalisation" a PDF
    extraction moved to the line before still says how long the location is kept."""
    said = practice_of(beside, language).labels
    kept = {label for pair in novel.pairs - relational_pairs(said) for label in pair}
    labels = frozenset(label for label in novel.labels if label not in said or label in kept)
    return replace(novel, labels=labels, alone=novel.alone & labels)


def _denials_differ(pair: ClausePair, language: str | None, context: DocumentContext) -> bool:
    """Whether a modified clause denies more or less than before, once idioms that deny nothing
    ("whether or not", "not limited to") are set aside, and the whole document does too (a
    "not" that only moved to the next clause when sentences were split otherwise turned nothing)."""
    return (denial_count(pair.old.text, language) != denial_count(pair.new.text, language)
            and context.denial_count("old", language) != context.denial_count("new", language)
            and not _denied_phrase_only(pair.old.text, pair.new.text, denials(language)))


def _denied_phrase_only(old_text: str, new_text: str, words: frozenset[str]) -> bool:
    """Whether every denial added or removed came or went with the words it denies ("N/A (no
    transfer)" → "N/A"): a phrase added or dropped, not a statement turned around, where the words
    after the denial stay ("we do not sell" → "we sell")."""
    old_words, new_words = TOKEN.findall(old_text.casefold()), TOKEN.findall(new_text.casefold())
    spans = [span for i1, i2, j1, j2 in word_edits(old_words, new_words)
             for span in (old_words[i1:i2], new_words[j1:j2])]
    denying = [(span, i) for span in spans for i, word in enumerate(span) if word in words]
    return bool(denying) and all(i + 1 < len(span) for span, i in denying)


def _widened(pair: ClausePair, language: str | None, category: str | None, context: DocumentContext) -> set[str]:
    """Labels of the clause's own practice (the data of a collection clause, the recipients of a
    sharing clause, see HEAD_KIND) that a modified sentence adds in new words: it now covers more
    than before, even if the label stands elsewhere for something else ("general location (e.g.,
    city)" added to the data an account needs). Not in table rows (a header row relabelled), not
    when the old sentence's neighbours already said it (sentences split another way)."""
    head = HEAD_KIND.get(category or "")
    if head is None or pair.new.kind == "row":
        return set()
    old_words = set(TOKEN.findall(pair.old.text.casefold()))
    nearby = " ".join(c.text for c in context.old_clauses if abs(c.block - pair.old.block) <= 1)
    near = practice_of(nearby, language).labels
    return {f"{m.kind}:{m.label}" for m in stated_mentions(pair.new.text, language)
            if m.kind == head and not m.negated and f"{m.kind}:{m.label}" not in near
            and not set(m.words) <= old_words and not only_paired(f"{m.kind}:{m.label}")}


UNHEARD_KINDS = frozenset({"data", "purposes"})
"""Kinds of label whose words are specific enough to be new on their own: "telephone numbers" is
another kind of contact detail than "e-mail address", "abandoned-cart reminders" another marketing."""


def _unheard(pair: ClausePair, language: str | None, context: DocumentContext) -> set[str]:
    """Labels of an added clause named in words the old version never writes ("telephone numbers"
    added to a list of data that gave only an e-mail address): a new thing, finer than the label it
    falls under, which the old version may state for something else. Words the new version wrote
    throughout for the old one's ("adresse électronique" for "adresse e-mail") are heard."""
    if pair.new is None:
        return set()
    old = context.casefolded("old")

    stated = context.practices("old", language).labels

    def unheard(label: str, words: tuple[str, ...]) -> bool:
        phrase = " ".join(words)
        if phrase in old or label in stated and any(re.search(rf"(?<![\w'-]){re.escape(' '.join(variant))}(?![\w'-])", old)
                                                    for variant in _without_prefixes(words, context.words("old"))):
            return False
        never_written = set(TOKEN.findall(phrase)) - context.words("old")
        return not (never_written and never_written <= context.systematic)

    return {f"{m.kind}:{m.label}" for m in stated_mentions(pair.new.text, language)
            if m.kind in UNHEARD_KINDS and not m.negated and unheard(f"{m.kind}:{m.label}", m.words)}


COMPOUND_PREFIX = 4
"""How long a prefix may be that makes a word another ("geo" of "geolocation"), whose rest is at least as long."""


def _without_prefixes(words: tuple[str, ...], written: frozenset[str]) -> list[tuple[str, ...]]:
    """A phrase with one of its words cut of a short prefix joined on, to a word the old version
    writes ("precise geolocation" as "precise location"): where the old version wrote the phrase so
    for the same label, it says the same."""
    return [words[:i] + (word[cut:],) + words[i + 1:] for i, word in enumerate(words)
            for cut in range(1, COMPOUND_PREFIX + 1) if len(word) - cut >= COMPOUND_PREFIX and word[cut:] in written]


LABEL_CATEGORIES = (("rights:", "rights"), ("trackers:", "tracking"))
"""Kinds of label that say what a clause is about when no cue and no section does."""


ROW_CELL_CATEGORIES = frozenset({"collection", "purpose", "sharing"})
"""What a table row's cells read as when they list what a recipient or a tracker gets and why."""


def _clause_category(pair: ClausePair, language: str | None) -> str | None:
    """The practice a clause is about, by its cues, else its old self's, else its section's. A table
    row in a section about who gets data (trackers, recipients) is about them, though its cells name
    data, purposes or "third party": they say what each one gets and why."""
    clause = pair.new or pair.old
    category = classify_clause(clause.text, clause.section, language).category
    if category is None and pair.old is not None and pair.new is not None:
        category = classify_clause(pair.old.text, pair.old.section, language).category
    section = section_category(clause.section, language)
    if clause.kind == "row" and section in ORGANISATION_CATEGORIES and category in ROW_CELL_CATEGORIES:
        category = section  # "Braze | Name, email address | Marketing automation" under "3rd parties with whom ..."
    category = category or section
    if category is None:  # no cue and no section: a right it says users have ("supprimer votre compte"),
        # a storage technology it says the site uses ("Our websites use sessionStorage")
        labels = practice_of(clause.text, language, clause.kind).labels
        category = next((category for kind, category in LABEL_CATEGORIES if any(
            label.startswith(kind) and not label.endswith(":not") for label in labels)), None)
    return category


def _practice_finding(pair: ClausePair, language: str | None, context: DocumentContext,
                      substantive: list[str]) -> Finding:
    """A changed clause judged by the practice it states: material when it states what the other
    version does not state anywhere (a new recipient, purpose, kind of data, right, tracker, ... or a
    new pairing of them, or a denial added or withdrawn), editorial when it only says again, in other
    words or elsewhere, what was already said."""
    category = read_as = _clause_category(pair, language)
    if category == "transfer" and not any(clause_facts(c, language).places
                                          for c in (pair.old, pair.new) if c is not None):
        category = "sharing"  # data handed over, but to nowhere abroad (its labels still read as a transfer's)
    old_practice = clause_practice(pair.old, language) if pair.old else Practice()
    new_practice = clause_practice(pair.new, language) if pair.new else Practice()
    clause = pair.new or pair.old
    section = section_category(clause.section, language)
    old_side, new_side = context.practices("old", language), context.practices("new", language)
    added = old_side.novel(new_practice.within(read_as, section), new_side.lowercase_words)
    if pair.kind == "modified":
        widened = _widened(pair, language, category, context)
    elif read_as or section or not context.says_little_about_data(language):
        widened = _unheard(pair, language, context)
    else:  # terms of service: words for data in a clause about no practice ("enter your username and password")
        widened = set()
    if widened:
        added = replace(added, labels=added.labels | widened, alone=added.alone | widened)
    # What a version stops saying is withdrawn only if it says it nowhere any more: a pairing that
    # a rewrite split over two sentences still stands, unless it said who gets the data.
    removed = new_side.novel(old_practice.within(read_as, section), old_side.lowercase_words, RECIPIENT_KINDS)
    if pair.kind == "modified":
        removed = _channel_withdrawn(removed, old_practice.within(read_as, section), new_practice, new_side)
    if added.organisations or removed.organisations:
        added, removed = _without_renamed(pair, added, removed, old_practice.organisations,
                                          new_practice.organisations, context)
        added, removed = (replace(p, organisations=names, provided=p.provided & names) for p, names in (
            (p, frozenset(n for n in p.organisations if not context.own_product(n))) for p in (added, removed)))
        if pair.kind == "modified" and category not in ORGANISATION_CATEGORIES:  # examples of partners stay partners
            added, removed = (replace(p, organisations=names, provided=p.provided & names) for p, names in (
                (p, p.organisations - _examples_kept(clause.text, other.text, p.organisations, language))
                for p, clause, other in ((added, pair.new, pair.old), (removed, pair.old, pair.new))))
    if (pair.kind != "modified" and read_as == "tracking" and row_providers(clause)
            and not (added.organisations or removed.organisations)):
        return editorial(f"A cookie {pair.kind} of a provider both versions list: {quote(clause.text)}",
                         "structure:cookie_row", pair)
    if pair.kind == "modified" and (removed.labels or added.labels):
        added, removed = (_not_said_beside(added, context.with_split_off("old", pair.old, pair.new), language),
                          _not_said_beside(removed, context.with_split_off("new", pair.new, pair.old), language))
    if pair.kind != "modified" and len(clause.text.split()) <= SHORT_CLAUSE_WORDS and not (
            added.organisations or removed.organisations) and not (clause.kind == "item" and (added.labels or removed.labels)):
        return editorial(f"Link or button {pair.kind}: {quote(clause.text)}", "structure:short_clause", pair)
    if clause.is_table_header:
        return editorial(f"Table header {pair.kind}: {quote(clause.text)}", "structure:table_header", pair)
    if _addressee_line(pair, language, context):
        return editorial(f"Addressee of a postal address {pair.kind}: {quote(clause.text)}", "structure:addressee",
                         pair)
    if pair.kind != "modified" and _link_label(clause.text):
        return editorial(f"Link or button {pair.kind}: {quote(clause.text)}", "structure:link_label", pair)
    if category == "sharing" and not _names_recipient(old_practice, new_practice):
        category = None  # "the photos you share in conversations": data the user shares, no recipient named
    change = practice_change(added, removed, category, pair.kind == "modified", section)
    if change is not None and widened and not (added.labels - widened) and not removed.labels:
        change = replace(change, rule=change.rule.replace("practice:modified", "practice:widened", 1))
    if change is not None:
        return Finding(change.category, True, change.severity, change.summary, change.rule, pair,
                       removed.ordered(removed.labels | change.gone_organisations),
                       added.ordered(added.labels | change.organisations))
    if pair.kind == "modified":
        rebased = _legal_basis_replaced(pair, old_practice.within(read_as, section),
                                        new_practice.within(read_as, section), language, context)
        if rebased is not None:
            return rebased
    turned = [w for w in substantive if w in denials(language)]
    if (turned and len(substantive) <= FLIP_WORDS and category is not None and pair.kind == "modified"
            and _denials_differ(pair, language, context)):
        label = category.replace("_", " ")
        return Finding(category, True, "high", f"Now says the opposite about {label}: \"{quote(pair.new.text)}\"",
                       f"words:negation[{', '.join(turned)}]", pair)
    condition = _condition_finding(pair, language, category, context) if pair.kind == "modified" else None
    if condition is not None:
        return condition
    if old_practice.labels or new_practice.labels:
        return editorial(f"Same practice, said again or in other words: {quote(clause.text)}", "practice:same", pair)
    return editorial(f"Wording {pair.kind} that states no practice: {quote(clause.text)}", "practice:none", pair)


def _condition_finding(pair: ClausePair, language: str | None, category: str | None,
                       context: DocumentContext) -> Finding | None:
    """A statement that now holds only on a condition, or no longer on one ("Where permitted by state
    law, you may…", "If enabled by the account owner, Zoom provides…" dropped): when the practice
    applies changed, though every word of it stays. Not when the condition stands in the sentence
    beside it (a sentence split in two: "If you reside in the EEA. You may ask…"); a condition on
    writing to the company ("if you have questions, write to…") opens no new channel."""
    conditions = conditions_changed(pair.old.text, pair.new.text, language)
    if conditions is None or category in (None, "contact"):
        return None

    small = small_words(language)

    def beside(phrase: str, side: str, clause: Clause) -> bool:  # "…to you and" of "If these rights apply to you."
        words = set(TOKEN.findall(phrase.casefold()))
        words = words - small or words
        return any(len(words & set(TOKEN.findall(other.text.casefold()))) >= CONTAINED_THRESHOLD * len(words)
                   for other in context.beside(side, clause))
    added = [phrase for phrase in conditions[0] if not beside(phrase, "old", pair.old)]
    removed = [phrase for phrase in conditions[1] if not beside(phrase, "new", pair.new)]
    if not added and not removed:
        return None

    def said(phrases: list[str]) -> str:
        return join_words([f'"{phrase[:1].lower()}{phrase[1:]}"' for phrase in phrases])
    parts = ([f"adds the condition {said(added)} to \"{quote(pair.old.text)}\""] if added else []) + (
        [f"drops the condition {said(removed)} from \"{quote(pair.new.text)}\""] if removed else [])
    summary = "; ".join(parts)
    return Finding(category, True, "medium", summary[:1].upper() + summary[1:],
                   f"words:condition[{', '.join(added + removed)}]", pair)


EXAMPLE_LIST_CHARACTERS = 150
"""How far a list of examples runs after "such as", at most (it stops at the sentence's next stop)."""


def _example_lists(text: str, lexicon: Lexicon) -> list[str]:
    """The lists of examples a clause gives: what follows "such as", "like", « notamment »… up to the
    next full stop, colon, semicolon or bracket."""
    if lexicon.examples is None:
        return []
    folded = text.casefold()
    return [re.split(r"[.;:()]\s", text[m.end():m.end() + EXAMPLE_LIST_CHARACTERS] + " ", maxsplit=1)[0]
            for m in lexicon.examples.finditer(folded)]


def _examples_kept(text: str, other_text: str, names: frozenset[str], language: str | None) -> frozenset[str]:
    """The names of a clause that are examples in a list the other version's clause gives too, with
    an example of both ("names on social media like GitHub and Twitter" → "like GitHub"): an example
    added or dropped, while the kind they illustrate stays, is no recipient added or gone."""
    lexicon = load_lexicon(language) if language else None
    if lexicon is None or not names:
        return frozenset()
    other_names = set().union(*(_CAPITALISED.findall(other) for other in _example_lists(other_text, lexicon)))
    kept: set[str] = set()
    for examples in _example_lists(text, lexicon):
        named = {n for n in names if n in examples}
        if named and set(_CAPITALISED.findall(examples)) & other_names:
            kept |= named
    return frozenset(kept)


_CAPITALISED = re.compile(r"(?<!\w)[A-Z][\w&-]*")


def _channel_withdrawn(removed: Practice, old: Practice, new: Practice, new_side: DocumentPractices) -> Practice:
    """What a clause stops saying, with a way to exercise a right it drops while it keeps the right
    ("by completing the form or by calling us" → "by completing the form"), unless the new version
    pairs the two elsewhere."""
    gone = {label for label in old.labels - new.labels if label.startswith(CHANNEL_KIND + ":")}
    kept = {label for label in old.labels & new.labels if label.startswith("rights:")}
    if not gone or not kept:
        return removed
    withdrawn = new_side.novel(Practice(frozenset(gone | kept), order=old.order), pairs=frozenset({CHANNEL_KIND}))
    return replace(removed, labels=removed.labels | withdrawn.labels)


def _legal_basis_replaced(pair: ClausePair, old: Practice, new: Practice, language: str | None,
                          context: DocumentContext) -> Finding | None:
    """One processing (the same purposes or data on both sides of a modified clause, a row of a
    table of legal bases, or the section's own processing when the clause names only its bases) now
    resting on another legal basis ("Communicating with you in the app | Our legitimate interest" →
    "| Consent"): a legal-basis change, though the document paired that basis with those purposes
    elsewhere. A basis the sentence beside the clause now names (a sentence split in two) is kept."""
    old_bases, new_bases = ({label for label in practice.labels if label.startswith("legal_bases:")
                             and not label.endswith(":not")} | _bases_named_in_cells(clause, language)
                            for practice, clause in ((old, pair.old), (new, pair.new)))
    if old_bases and new_bases and old_bases != new_bases:
        new_bases |= old_bases & _labels_beside("new", pair.new, language, context)
        old_bases |= new_bases & _labels_beside("old", pair.old, language, context)
    if not old_bases or not new_bases or old_bases == new_bases:
        return None
    # "Legal basis for these processing activities: …": the bases alone, for the section's processing
    of_its_section = not (old.labels - old_bases) and not (new.labels - new_bases) and bool(
        pair.new.section) and pair.old.section == pair.new.section
    if not (old.labels - old_bases) & (new.labels - new_bases) and not of_its_section:
        return None
    purposes = [label_words(label) for label in new.order if label.startswith("purposes:") and label in old.labels]
    before, after = (join_words([label_words(label) for label in sorted(bases)]) for bases in (old_bases, new_bases))
    if purposes:
        summary = f"{join_words(purposes, 2)} now relies on {after} instead of {before}"
    elif of_its_section:
        summary = f"The processing under “{quote(pair.new.section, 60)}” now relies on {after} instead of {before}"
    else:
        summary = f"Now relies on {after} instead of {before}"
    changed = sorted(old_bases ^ new_bases)
    return Finding("legal_basis", True, "medium", summary[0].upper() + summary[1:],
                   f"practice:legal_basis_replaced[{', '.join(changed)}]", pair, sorted(old_bases), sorted(new_bases))


_LEAD_IN = re.compile(r"([^:|]{3,80}):\s*(\S.*)", re.S)
"""A line that names what it gives before a colon ("Legal basis for these processing activities: …")."""


def _bases_named_in_cells(clause: Clause, language: str | None) -> set[str]:
    """The legal bases a table row names by their bare names ("Consent") under a legal-basis column,
    or a line after a legal-basis lead-in ("Legal basis for these activities: Consent or contract")."""
    lexicon = load_lexicon(language) if language else None
    if lexicon is None:
        return set()
    lead_in = None if clause.columns else _LEAD_IN.fullmatch(clause.text)
    if lead_in and section_category(lead_in.group(1), language) == "legal_basis":
        cells = [lead_in.group(2).casefold()]
    else:
        cells = [cell.casefold() for cell, header in clause.cells()
                 if header and section_category(header, language) == "legal_basis"]
    return {label for label, names in lexicon.legal_basis_names for cell in cells if names.search(cell)}


LINK_LABEL_WORDS = 10


def _link_label(text: str) -> bool:
    """A short line in the user's voice, not ending a sentence ("Do Not Sell My Personal Information",
    « Gérer mes cookies »): a link or a button of the page, which states no practice."""
    words = TOKEN.findall(text.casefold())
    return (len(words) <= LINK_LABEL_WORDS and not text.rstrip().endswith((".", ";", ":"))
            and any(word in page_chrome()["user_voice"] for word in words))


def _names_recipient(*practices: Practice) -> bool:
    """Whether a clause names who gets data: a recipient, a sale or sharing practice, a company."""
    return any(p.organisations or any(label.startswith(("recipients:", "practices:")) for label in p.labels)
               for p in practices)


FACT_CATEGORIES = frozenset({"retention", "transfer", "contact"})
"""Categories whose values are facts (periods, places, addresses), never the labels of a practice."""


def _group(findings: list[Finding]) -> list[Change]:
    by_category: dict[str, list[Finding]] = {}
    for finding in findings:
        by_category.setdefault(finding.category, []).append(finding)
    changes = []
    for category, group in by_category.items():
        material = [f for f in group if f.material]
        relevant = material or group
        top = max(relevant, key=lambda f: SEVERITIES.index(f.severity))
        valued = [f for f in relevant if f.rule.startswith("fact:")] if category in FACT_CATEGORIES else relevant
        old_values = list(dict.fromkeys(v for f in valued for v in f.old_values))
        new_values = list(dict.fromkeys(v for f in valued for v in f.new_values))
        summary = top.summary if len(relevant) == 1 else _summary_of_many(category, relevant, top)
        changes.append(Change(
            category=category, material=bool(material), severity=top.severity if material else "none",
            summary=summary, old_values=old_values, new_values=new_values,
            old_text=top.pair.old.text if top.pair.old else "", new_text=top.pair.new.text if top.pair.new else "",
            rule=top.rule, section=(top.pair.new or top.pair.old).section,
        ))
    changes.sort(key=lambda c: (not c.material, -SEVERITIES.index(c.severity), c.category))
    return changes


def _with_changed_clause_facts(changes: list[Change], findings: list[Finding],
                               language: str | None) -> list[Change]:
    """A material retention or transfer change lists every period or destination that the changed
    clauses state, on each side: a rewritten retention table keeps some rows, changes others, and
    the reader needs the whole before and after, not only the rows whose figures moved."""
    for change in changes:
        if not change.material or change.category not in ("retention", "transfer"):
            continue
        for side, values in (("old", change.old_values), ("new", change.new_values)):
            for finding in findings:
                clause = getattr(finding.pair, side)
                if clause is None or finding.pair.relocated:
                    continue
                facts = clause_facts(clause, language)
                stated = facts.retention if change.category == "retention" else facts.destinations
                values += [v for v in stated if v not in values]
    return changes


def _summary_of_many(category: str, findings: list[Finding], top: Finding) -> str:
    """One line for several changed clauses of one practice: what they state anew or no longer,
    together ("New rights stated: to access, to delete, to object and 2 more"), when they are all
    judged by their practice; else the weightiest one and how many more."""
    practice = [f for f in findings if f.rule.startswith("practice:")]
    if len(practice) == len(findings):
        added = list(dict.fromkeys(v for f in practice for v in f.new_values))
        removed = [v for v in dict.fromkeys(v for f in practice for v in f.old_values) if v not in added]
        summary = describe_practice_change(
            category, Practice(frozenset(v for v in added if ":" in v), order=tuple(added)),
            Practice(frozenset(v for v in removed if ":" in v), order=tuple(removed)),
            distinct_names([v for v in added if ":" not in v]), distinct_names([v for v in removed if ":" not in v]))
        if summary:
            return summary
    more = len(findings) - 1
    return f"{top.summary} (and {more} more change{'s' if more > 1 else ''})"


def _capture_notes(findings: list[Finding], context: DocumentContext) -> list[str]:
    """One note per part of a version that the other version's capture left out (its end, its start,
    sections from its middle), so that a reader knows what was not compared: its clauses are set
    aside one by one, and their editorial findings would otherwise hide among the others."""
    notes = []
    for rule in ("page:cut_short", "page:starts_later", "page:section_lost", "page:tables_lost", "page:reduced_to_links"):
        sides = {context.reduced_to_links(f.pair) if rule == "page:reduced_to_links" else "old" if f.pair.new is None
                 else "new" for f in findings if f.rule == rule}
        for side in sorted(sides):
            other = OTHER_SIDE[side]
            if rule == "page:cut_short":
                notes.append(f"The {other} version's capture stops early: what the {side} version says past "
                             "that point is not compared.")
            elif rule == "page:starts_later":
                notes.append(f"The {other} version's capture starts later: what the {side} version says above "
                             "that point is not compared.")
            elif rule == "page:reduced_to_links":
                kept = context.reduced_in_other(side)
                headings = list(dict.fromkeys(f"“{quote(c.section, 60)}”" for c in context.clauses_of(side)
                                              if c.block in kept))
                notes.append(f"The {other} version's capture kept only the links of some sections ({join_words(headings, 4)}): "
                             f"what the {side} version says in them is not compared.")
            elif rule == "page:tables_lost":
                notes.append(f"The {other} version's capture holds none of the {side} version's tables, under the "
                             f"same date: what the {side} version's tables say is not compared.")
            else:
                lost = context.lost_in_other(side)
                headings = [f"“{quote(c.text, 60)}”" for c in context.clauses_of(side)
                            if c.block in lost and c.kind == "heading"]
                if lost:
                    notes.append(f"The {other} version's capture lost sections its own table of contents lists"
                                 + (f" ({join_words(headings, 4)})" if headings else "")
                                 + f": what the {side} version says in them is not compared.")
                if context.emptied_in_other(side) - lost:
                    notes.append(f"The {other} version's capture gives some sections with nothing under them, or "
                                 f"only a line saying they are not available where it was made: what the {side} "
                                 "version says in them is not compared.")
    return notes


def _date_notes(comparison: Comparison) -> None:
    moved = comparison.old_date != comparison.new_date and comparison.new_date is not None
    if moved and not comparison.material:
        comparison.notes.append(f"The declared date moved from {comparison.old_date} to {comparison.new_date} "
                                "with no material change.")
    if comparison.material and not moved:
        comparison.notes.append("Material change without a new 'last updated' date.")


SAME_PAGE_SHARE = 0.5
"""Two versions that share at least this share of their sentences are one page, whatever language
each is detected in: a translation shares almost none (names, addresses, numbers)."""


def _same_clauses(old_clauses: list[Clause], new_clauses: list[Clause]) -> bool:
    """Whether two versions share most of their sentences (SAME_PAGE_SHARE of the shorter one's)."""
    old_keys, new_keys = ({c.key for c in clauses if c.kind != "heading"} for clauses in (old_clauses, new_clauses))
    shorter = min(len(old_keys), len(new_keys))
    return shorter > 0 and len(old_keys & new_keys) >= SAME_PAGE_SHARE * shorter


def compare_texts(old_text: str, new_text: str, lang_hint: str | None = None) -> Comparison:
    """What changed that matters between two clean texts (the output of `normalize`)."""
    old_lang = detect_language(old_text, lang_hint)
    new_lang = detect_language(new_text, lang_hint)
    comparison = Comparison(material=False, language={"old": old_lang or "", "new": new_lang or ""})
    old_edition, new_edition = judged_edition(old_text, old_lang), judged_edition(new_text, new_lang)
    for side, edition in (("old", old_edition), ("new", new_edition)):
        if edition.editions > 1:
            comparison.notes.append(
                f"The {side} page shows {edition.editions} editions of the document, one under the other: the "
                f"{'one with the latest date' if edition.latest else 'first'} is compared.")
    old_text, new_text = old_edition.text, new_edition.text
    old_date = _declared_date(old_text, old_lang)
    new_date = _declared_date(new_text, new_lang)
    comparison.old_date = old_date.isoformat() if old_date else None
    comparison.new_date = new_date.isoformat() if new_date else None
    old_text, new_text = without_accessibility_labels(old_text), without_accessibility_labels(new_text)
    old_clauses, new_clauses = split_clauses(old_text), split_clauses(new_text)
    if squeeze(old_text) == squeeze(new_text):
        comparison.changes = [Change("editorial", False, "none", "Only spacing, line breaks, punctuation or letter "
                                     "case changed", rule="words:formatting")]
        return comparison
    if _only_numbering_changed(old_text, new_text, old_lang):
        comparison.changes = [Change("editorial", False, "none", "Only page numbers or the numbering of sections "
                                     "and items changed", rule="words:numbering")]
        return comparison
    if _encoding_repaired(old_text, new_text):
        comparison.changes = [Change("editorial", False, "none", "Only characters a broken encoding had replaced with "
                                     "'?' changed (accented letters, quotes, symbols)", rule="words:encoding")]
        return comparison
    dates_unchanged = old_date is not None and old_date == new_date
    problem = capture_problem(old_text, new_text, old_clauses, new_clauses, (old_lang, new_lang), dates_unchanged)
    if problem:
        comparison.notes.append(problem)
        comparison.changes = [Change("editorial", False, "none", problem, rule="page:capture")]
        return comparison
    if old_lang and new_lang and old_lang != new_lang and _same_clauses(old_clauses, new_clauses):
        comparison.notes.append(f"Both versions hold mostly the same sentences, in several languages: read as "
                                f"{new_lang}, each clause in its own language.")
        old_lang = new_lang  # one page of many language versions, whose mix of slices tipped one way, then another
    if old_lang and new_lang and old_lang != new_lang:
        comparison.notes.append(f"The versions are in different languages ({old_lang}, {new_lang}): "
                                "their facts are compared.")
        compare_across_languages(old_clauses, new_clauses, old_lang, new_lang, comparison)
        return comparison
    lexicon = load_lexicon(new_lang or old_lang) if new_lang or old_lang else None
    pairs = align_clauses(old_clauses, new_clauses, lexicon.one_spelling if lexicon and lexicon.spelling else None)
    context = DocumentContext(
        headings=frozenset(heading_key(c) for c in old_clauses + new_clauses if c.kind == "heading"),
        chrome=frozenset(chrome_blocks(old_clauses, "old") | chrome_blocks(new_clauses, "new")),
        systematic=systematic_words(pairs, new_lang or old_lang),
        old_text=old_text,
        new_text=new_text,
        old_clauses=old_clauses,
        new_clauses=new_clauses,
        dates_unchanged=dates_unchanged,
    )
    findings: list[Finding] = []
    for pair in pairs:
        language = _clause_language(pair, new_lang or old_lang)
        findings += _judge(pair, language, context)
        controller = (None if pair.relocated or context.is_chrome(pair) or context.before_capture(pair)
                      or context.beyond_capture(pair) or context.reduced_to_links(pair)
                      else _controller_finding(pair, language, context))
        findings += [controller] if controller else []
    findings += seat_moves(pairs, findings, new_lang or old_lang)
    findings += _address_block_findings(pairs, findings, new_lang or old_lang, context)
    findings = _without_address_lists(findings, new_lang or old_lang, context)
    findings = merge_phone_findings(findings)
    comparison.changes = _with_changed_clause_facts(_group(findings), findings, new_lang or old_lang)
    comparison.material = any(c.material for c in comparison.changes)
    comparison.notes += _capture_notes(findings, context)
    _date_notes(comparison)
    return comparison


def declared_date(text: str, lang_hint: str | None = None) -> str | None:
    """The date a document says it was last updated or takes effect (ISO), if it says one."""
    language = detect_language(text, lang_hint)
    found = _declared_date(judged_edition(text, language).text, language)
    return found.isoformat() if found else None


def extract_facts(text: str, lang_hint: str | None = None,
                  with_evidence: bool = False) -> dict[str, list[str]] | dict[str, list]:
    """The facts a version states, normalised: what `policy-monitor facts` shows and stores.

    Retention periods are only those the text gives as how long data is kept (not response times,
    notice periods or ages); destinations only places data is stored in or sent to (not the
    company's address or where users live). With `with_evidence`, each retention, destination,
    contact and minimum age is `{"value": ..., "evidence": <the sentence that states it>}`. A page
    that shows several editions of the document states the facts of the one `compare_texts` judges.
    """
    language = detect_language(text, lang_hint)
    text = judged_edition(text, language).text  # a page of two editions: the facts of the one judged
    clauses = split_clauses(text)
    found = document_facts(clauses, language)
    criteria: list[str] = []
    labelled: dict[str, list[str]] = {kind: [] for kind in LABELLED_CATEGORIES.values()}
    for clause in clauses:
        criteria += clause_facts(clause, language).criteria
        kind = LABELLED_CATEGORIES.get(classify_clause(clause.text, clause.section, language).category or "")
        if kind:
            labelled[kind] += find_labels(clause.text, kind, language)
    declared = _declared_date(text, language)
    phones = document_phones(clauses, language)

    def stated(kind: str) -> list:
        if with_evidence:
            return [{"value": value, "evidence": evidence} for value, evidence in found[kind].items()]
        return list(found[kind])

    return {
        "language": [language] if language else [],
        "declared_date": [declared.isoformat()] if declared else [],
        "retention": stated("retention"),
        "retention_criteria": list(dict.fromkeys(criteria)),
        "transfer": stated("transfer"),
        "contact": stated("contact"),
        "contact_phones": [{"value": phone.text, "evidence": evidence} if with_evidence else phone.text
                           for phone, evidence in phones],
        "children_min_age": stated("children"),
        "recipients": list(dict.fromkeys(labelled["recipients"])),
        "purposes": list(dict.fromkeys(labelled["purposes"])),
        "data_collected": list(dict.fromkeys(labelled["data"])),
    }
