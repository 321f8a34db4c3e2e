"""Two versions of a policy → the changes that matter, with their evidence.

Clauses are aligned (align.py); each changed clause is judged by the facts it states (retention
periods, destinations, contacts, ages) and, failing a fact change, by the words that changed and
the cues of its category. Dates, typos, reformatting, moves and duplicates are never material.
When the two versions are in different languages, their facts are compared instead of their words.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from monitor.analysis.facts import ages, contacts, dates, durations, places
from monitor.analysis.facts.contacts import Phone, phone_changes, same_phone, written_another_way
from monitor.analysis.facts._lexicon import known_languages
from monitor.analysis.align import ClausePair, align_clauses
from monitor.analysis.classify import classify_clause, high_risk_cues, section_category
from monitor.analysis.describe import describe_duration, describe_place, duration_days, join_words
from monitor.analysis.lang import clause_language, detect_language
from monitor.analysis.lexicon import TOKEN, find_labels, lexicons_for, load_lexicon, page_chrome
from monitor.analysis.model import SEVERITIES, Change, Comparison
from monitor.analysis.segment import WORD, Clause, split_clauses

CF_PLACEHOLDER = "[email protected]"
TYPO_SIMILARITY = 0.8
SMALL_CHANGE_WORDS = 2
# Categories whose clauses name things worth listing as values: who receives data, why, what data.
LABELLED_CATEGORIES = {"sharing": "recipients", "purpose": "purposes", "collection": "data"}
ORDINAL = re.compile(r"^\d{1,4}(?:st|nd|rd|th|er|re|e|ème|o|a|º|ª)?$")
YEAR = re.compile(r"\b(?:19|20)\d\d\b")
SHORT_DATE_CLAUSE_WORDS = 12
# Small words inside dates: "1 de enero", "d'avril" (an elided "de"), "1st of May", "1 мая 2025 г." / "года".
DATE_FILLERS = frozenset({"de", "del", "d", "of", "г", "года"})
NUMBERING = re.compile(r"^(?:(?:\d{1,3}|[ivxlc]{1,6}|[a-z])\s)+")  # "2.1", "iv", "a)" before a heading


@dataclass
class ClauseFacts:
    """Facts one clause states, normalised across languages."""

    retention: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)
    destinations: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
    """Phone numbers, each once however often or however differently it is written."""
    ages: list[int] = field(default_factory=list)
    seats: list[str] = field(default_factory=list)
    """Countries of the company's own address (controller's establishment), not destinations."""
    places: list[str] = field(default_factory=list)
    """Every country the clause names, whatever its role."""


@dataclass
class Finding:
    """One judged clause change, before findings are grouped by category."""

    category: str
    material: bool
    severity: str
    summary: str
    rule: str
    pair: ClausePair
    old_values: list[str] = field(default_factory=list)
    new_values: list[str] = field(default_factory=list)
    phones: tuple[list[Phone], list[Phone]] = field(default_factory=lambda: ([], []))
    """(removed, added) phone numbers, for a phone finding."""


def clause_facts(text: str, language: str | None, section: str = "") -> ClauseFacts:
    return _clause_facts(text, language, section_category(section, language) or "")


@lru_cache(maxsize=4096)
def _clause_facts(text: str, language: str | None, section_kind: str) -> ClauseFacts:
    mentions = durations.find_durations(text, language)
    retention = [d.iso for d in mentions if d.role == "retention"]
    if not retention and section_kind == "retention":
        retention = [d.iso for d in mentions if d.role == "other"]
    minimum_ages = ages.minimum_ages(text, language)
    if section_kind == "children":  # "reserved to people of at least 18 years", under "Children"
        minimum_ages += [int(d.iso[1:-1]) for d in mentions
                         if d.role in ("age", "other") and d.iso.endswith("Y") and 0 < int(d.iso[1:-1]) < 25]
    named = places.find_places(text, language)
    destinations = [p.code for p in named if p.role == "destination"]
    if not destinations and section_kind == "transfer":
        destinations = [p.code for p in named if p.role == "other"]
    return ClauseFacts(
        retention=list(dict.fromkeys(retention)),
        criteria=durations.retention_criteria(text, language),
        destinations=list(dict.fromkeys(destinations)),
        emails=[] if CF_PLACEHOLDER in text else contacts.find_emails(text),
        phones=contacts.find_phones(text, language),
        ages=sorted(set(minimum_ages)),
        seats=list(dict.fromkeys(p.code for p in named if p.role == "address")),
        places=list(dict.fromkeys(p.code for p in named)),
    )


@lru_cache(maxsize=16)
def _declared_date(text: str, language: str | None) -> "datetime.date | None":
    """The "last updated" date of a document, read once per text."""
    return dates.declared_date(text, language)


@lru_cache(maxsize=1)
def _month_words() -> frozenset[str]:
    """Words of month names (wide and abbreviated) in every known language. CLDR's narrow forms
    ("J", "F", "M"; "1"… in Czech) and any other one-letter word are left out: they are ordinary
    letters and words ("a", "e", "o", "и"), and numbers are dates' own business (ORDINAL)."""
    from babel import Locale

    words: set[str] = set()
    for code in known_languages():
        months = Locale(code).months
        for context in months.values():
            for width, names in context.items():
                if width == "narrow":
                    continue
                for name in names.values():
                    words.update(w.casefold().strip(".") for w in name.split())
    return frozenset(w for w in words if len(w) > 1)


def _tokens(text: str, language: str | None = None) -> list[str]:
    """Words as compared: case-folded, contractions expanded and synonyms ("might" for "may",
    "email" for "e-mail") written one way, so saying the same thing differently is no change."""
    folded = text.casefold()
    lexicon = load_lexicon(language) if language else None
    for known in [lexicon] if lexicon else lexicons_for(None):
        folded = known.expand_contractions(folded)
    if lexicon is None:
        return WORD.findall(folded)
    folded = lexicon.mark_synonym_phrases(folded)
    return [f"synonym{lexicon.synonyms[w]}" if w in lexicon.synonyms else w for w in WORD.findall(folded)]


def _similar(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio() >= TYPO_SIMILARITY


@lru_cache(maxsize=4096)
def _word_changes(old: str, new: str, language: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(removed, added) words, read once per pair of texts: the whole document's rewordings and
    each clause's judgement both need them."""
    old_counts, new_counts = Counter(_tokens(old, language)), Counter(_tokens(new, language))
    return tuple((old_counts - new_counts).elements()), tuple((new_counts - old_counts).elements())


def _changed_words(old: str, new: str, context: int = 2) -> str:
    """The words a modification touched, with a little context: what to classify it by."""
    from difflib import SequenceMatcher

    old_words, new_words = old.split(), new.split()
    spans: list[str] = []
    matcher = SequenceMatcher(None, [w.casefold() for w in old_words], [w.casefold() for w in new_words],
                              autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if j2 > j1:
            spans.append(" ".join(new_words[max(0, j1 - context):j2 + context]))
        if i2 > i1:
            spans.append(" ".join(old_words[max(0, i1 - context):i2 + context]))
    return " … ".join(spans)


def _is_date_token(token: str) -> bool:
    return bool(ORDINAL.match(token)) or token in _month_words() or token in DATE_FILLERS


def _is_date_change(old: str, new: str, changed: Sequence[str], language: str | None) -> bool:
    """Only date words changed, in a clause that states a date."""
    if not changed or not all(_is_date_token(w) for w in changed):
        return False
    if dates.find_dates(old, language) or dates.find_dates(new, language):
        return True
    short = max(len(old.split()), len(new.split())) <= SHORT_DATE_CLAUSE_WORDS
    return short and bool(YEAR.search(old)) and bool(YEAR.search(new))


@lru_cache(maxsize=None)
def _negations(language: str | None) -> frozenset[str]:
    """Words that turn a statement around ("not", "nicht"): the language's, or every language's."""
    return frozenset().union(*(lx.negations for lx in lexicons_for(language)))


def _substantive(removed: Sequence[str], added: Sequence[str], language: str | None) -> list[str]:
    """Changed words that carry meaning: not function words, not typo fixes of each other."""
    lexicons = lexicons_for(language)
    function_words = frozenset().union(*(lx.function_words for lx in lexicons))
    meaning = frozenset().union(*(lx.negations | lx.modals for lx in lexicons))
    left_removed = list(removed)
    out = []
    for word in added:
        twin = next((r for r in left_removed if not word.isdigit() and _similar(word, r)), None)
        if twin is not None and word not in meaning and twin not in meaning:
            left_removed.remove(twin)
            continue
        out.append(word)
    out += left_removed
    return [w for w in out if w in meaning or (w not in function_words and not _is_date_token(w) or w.isdigit())]


def _without_durations(text: str, mentions: list) -> str:
    for mention in sorted(mentions, key=lambda m: m.start, reverse=True):
        text = text[:mention.start] + " " + text[mention.end:]
    return text


def _durations_only_change(pair: ClausePair, substantive: list[str], language: str | None,
                           texts: tuple[str, str] | None = None) -> tuple[Finding | None, list[str]]:
    """A change of durations alone that no retention fact claimed: a response time, a notice period,
    or the same period written another way ("28 days" → "four weeks"). Never a retention change.

    Otherwise (None, the changed words that carry meaning once equal periods are set aside).
    """
    old, new = texts or (pair.old.text, pair.new.text)
    old_mentions, new_mentions = durations.find_durations(old, language), durations.find_durations(new, language)
    if not old_mentions and not new_mentions:
        return None, substantive
    removed, added = _word_changes(_without_durations(old, old_mentions), _without_durations(new, new_mentions),
                                   language)
    rest = _substantive(removed, added, language)
    if rest:
        same = _same_periods([m.iso for m in old_mentions], [m.iso for m in new_mentions])
        return None, rest if same else substantive
    before = join_words([describe_duration(m.iso) for m in old_mentions])
    after = join_words([describe_duration(m.iso) for m in new_mentions])
    old_values, new_values = [m.iso for m in old_mentions], [m.iso for m in new_mentions]
    if _same_periods(old_values, new_values):
        return Finding("editorial", False, "none", f"The same period written another way: {before} → {after}",
                       "fact:same_duration", pair), rest
    roles = {m.role for m in old_mentions + new_mentions}
    if "response" in roles:
        return Finding("rights", False, "none", f"Response time changed from {before} to {after} "
                       "(how fast requests are answered, not how long data is kept)", "fact:response_time", pair,
                       old_values, new_values), rest
    if "notice" in roles:
        return Finding("policy_changes", False, "none", f"Notice period changed from {before} to {after}",
                       "fact:notice_period", pair, old_values, new_values), rest
    return Finding("editorial", False, "none", f"A duration that is not a retention period changed: "
                   f"{before} → {after}", "fact:other_duration", pair), rest


def _minor_edit(substantive: list[str], old: str, new: str, language: str | None) -> bool:
    """A word or two changed, none of them a number, a negation, a modal or a cue of any practice."""
    if len(substantive) > SMALL_CHANGE_WORDS or any(w.isdigit() for w in substantive):
        return False
    lexicons = lexicons_for(language)
    if any(w in lx.negations or w in lx.modals for lx in lexicons for w in substantive):
        return False
    changed = _changed_words(old, new, context=0)
    if places.find_places(changed, language):
        return False  # a country swapped for another is not a wording matter
    return not any(lx.scan(" ".join(substantive)) for lx in lexicons)


def _clause_language(pair: ClausePair, default: str | None) -> str | None:
    """A clause in another language than its page (pages mix languages) is read in its own."""
    return clause_language((pair.new or pair.old).text) or default


def _same_periods(old: list[str], new: list[str]) -> bool:
    """Equal durations however written: 24 months is 2 years."""
    return sorted(round(duration_days(v) or 0) for v in old) == sorted(round(duration_days(v) or 0) for v in new)


def _max_days(values: list[str]) -> float:
    return max((duration_days(v) or 0.0 for v in values), default=0.0)


def _fact_findings(pair: ClausePair, old: ClauseFacts, new: ClauseFacts,
                   elsewhere: tuple[list[Phone], list[Phone]] | None = None,
                   written: tuple[list[Phone], list[Phone]] | None = None) -> list[Finding]:
    """Findings from the facts of one clause pair. `elsewhere` gives the phone numbers of the whole
    old and new documents (a number that only moved to another clause did not change), `written`
    every national-format number of them, cue or not (see `_phone_finding`)."""
    found: list[Finding] = []
    periods_moved = not _same_periods(old.retention, new.retention)
    criteria_moved = set(old.criteria) != set(new.criteria)
    if periods_moved or (criteria_moved and (old.retention or new.retention)):
        found.append(_retention_finding(pair, old, new))
    elif criteria_moved and pair.old and pair.new:
        found.append(Finding("retention", True, "medium",
                             f"Retention criterion changed from {_criteria(old)} to {_criteria(new)}",
                             "fact:retention_criteria", pair))
    if set(old.destinations) != set(new.destinations):
        added = [c for c in new.destinations if c not in old.destinations]
        removed = [c for c in old.destinations if c not in new.destinations]
        if added:
            summary = f"Data may now go to {join_words([describe_place(c) for c in added])}"
            if removed:
                summary += f"; no longer to {join_words([describe_place(c) for c in removed])}"
            severity = "high"
        else:
            summary = f"{join_words([describe_place(c) for c in removed])} no longer named as a destination of data"
            severity = "medium"
        found.append(Finding("transfer", True, severity, summary, "fact:transfer_destinations", pair,
                             old.destinations, new.destinations))
    if set(old.emails) != set(new.emails) and (old.emails or new.emails):
        if old.emails and new.emails:
            summary = f"Contact e-mail changed from {join_words(old.emails)} to {join_words(new.emails)}"
        elif new.emails:
            summary = f"New contact e-mail: {join_words(new.emails)}"
        else:
            summary = f"Contact e-mail {join_words(old.emails)} removed"
        found.append(Finding("contact", True, "medium", summary, "fact:contact_emails", pair,
                             old.emails, new.emails))
    phones = _phone_finding(pair, old, new, elsewhere, written)
    if phones:
        found.append(phones)
    if old.seats and new.seats and set(old.seats) != set(new.seats):
        summary = (f"The company's address moved from {join_words([describe_place(c) for c in old.seats])} "
                   f"to {join_words([describe_place(c) for c in new.seats])}")
        found.append(Finding("contact", True, "medium", summary, "fact:controller_country", pair,
                             old.seats, new.seats))
    if set(old.ages) != set(new.ages) and (old.ages or new.ages):
        old_age, new_age = min(old.ages, default=None), min(new.ages, default=None)
        lowered = old_age is not None and new_age is not None and new_age < old_age
        if old_age is not None and new_age is not None:
            summary = f"Minimum age changed from {old_age} to {new_age}"
        elif new_age is not None:
            summary = f"Minimum age now stated: {new_age}"
        else:
            summary = f"Minimum age {old_age} no longer stated"
        found.append(Finding("children", True, "high" if lowered else "medium", summary, "fact:minimum_age",
                             pair, [str(a) for a in old.ages], [str(a) for a in new.ages]))
    return found


def _phone_finding(pair: ClausePair, old: ClauseFacts, new: ClauseFacts,
                   elsewhere: tuple[list[Phone], list[Phone]] | None,
                   written: tuple[list[Phone], list[Phone]] | None = None) -> Finding | None:
    """A phone number added, removed or replaced, compared by digits: "01 23 45 67 89" and
    "+33 (0)1 23 45 67 89" are one number. One that still stands elsewhere in the other version moved.
    An international number (taken with no cue) is also compared with every national-format number
    of the other version, cue or not: "available at 020 7946 0958" → "at +44 20 7946 0958" is the
    same number written another way, not a new one."""
    removed, added = phone_changes(old.phones, new.phones)
    if elsewhere is not None:
        removed = [p for p in removed if not any(same_phone(p, q) for q in elsewhere[1])]
        added = [p for p in added if not any(same_phone(p, q) for q in elsewhere[0])]
    if written is not None:
        removed = [p for p in removed if not any(written_another_way(p, q) for q in written[1])]
        added = [p for p in added if not any(written_another_way(p, q) for q in written[0])]
    if not removed and not added:
        return None
    return Finding("contact", True, "medium", _phone_summary(removed, added), "fact:contact_phones", pair,
                   [p.text for p in old.phones], [p.text for p in new.phones], (removed, added))


def _phone_summary(removed: list[Phone], added: list[Phone]) -> str:
    before, after = join_words([p.text for p in removed]), join_words([p.text for p in added])
    if removed and added:
        return f"Contact phone changed from {before} to {after}"
    if added:
        return f"New contact phone: {after}"
    return f"Contact phone {before} removed"


def _merge_phone_findings(findings: list[Finding]) -> list[Finding]:
    """A number removed with one clause and another added with a rewritten one is one change:
    "Contact phone changed from A to B", with the old clause and the new one as evidence."""
    phone_findings = [f for f in findings if f.rule == "fact:contact_phones"]
    if len(phone_findings) < 2:
        return findings
    removed = [p for f in phone_findings for p in f.phones[0]]
    added = [p for f in phone_findings for p in f.phones[1]]
    removed, added = phone_changes(removed, added)
    rest = [f for f in findings if f.rule != "fact:contact_phones"]
    if not removed and not added:
        return rest
    old_side = next((f.pair.old for f in phone_findings if f.phones[0] and f.pair.old), None)
    new_side = next((f.pair.new for f in phone_findings if f.phones[1] and f.pair.new), None)
    if old_side is None and new_side is None:
        old_side, new_side = phone_findings[0].pair.old, phone_findings[0].pair.new
    merged = Finding("contact", True, "medium", _phone_summary(removed, added), "fact:contact_phones",
                     ClausePair(old_side, new_side),
                     list(dict.fromkeys(v for f in phone_findings for v in f.old_values)),
                     list(dict.fromkeys(v for f in phone_findings for v in f.new_values)), (removed, added))
    return rest + [merged]


def _phones_written(old_text: str, new_text: str, language: str | None) -> tuple[list[Phone], list[Phone]]:
    """Every phone number written in each text, in order, repeats included: the numbers found after
    a cue, and a national-format number with no cue that is an international one of the other text
    written another way ("020 7946 0958" against "+44 20 7946 0958")."""
    old, new = contacts.phone_mentions(old_text, language), contacts.phone_mentions(new_text, language)

    def with_uncued(text: str, mentions: list[Phone], other: list[Phone]) -> list[Phone]:
        international = [p for p in other if p.international]
        uncued = [c for c in contacts.phone_candidates(text, language) if international
                  and not any(c.start < m.end and m.start < c.end for m in mentions)
                  and any(written_another_way(p, c) for p in international)]
        return sorted(mentions + uncued, key=lambda p: p.start)

    return with_uncued(old_text, old, new), with_uncued(new_text, new, old)


def _phones_masked(old_text: str, new_text: str, language: str | None) -> tuple[str, str]:
    """Both texts with each phone number (and its cue) replaced by one word per number, the same
    word on both sides for the same number however written: what the wording is compared on."""
    numbers: list[Phone] = []
    written = dict(zip((old_text, new_text), _phones_written(old_text, new_text, language)))

    def mask(text: str) -> str:
        for phone in reversed(written[text]):
            index = next((i for i, seen in enumerate(numbers) if same_phone(phone, seen)), None)
            if index is None:
                numbers.append(phone)
                index = len(numbers) - 1
            text = f"{text[:phone.cue_start]} phonenumber{index} {text[phone.end:]}"
        return text

    return mask(old_text), mask(new_text)


_NO_WORDS = re.compile(r"[\W_]*")


def _only_a_number_still_written(pair: ClausePair, language: str | None, context: DocumentContext) -> bool:
    """An added or removed clause that is nothing but a phone number ("020 7946 0958" under a
    "Phone" label) which the other version still gives, however written: the label split off or
    the number reformatted, not a contact point gained or lost."""
    clause = pair.new or pair.old
    numbers = contacts.phone_mentions(clause.text, language) or contacts.phone_candidates(clause.text, language)
    if not numbers:
        return False
    rest = clause.text
    for number in reversed(numbers):
        rest = rest[:number.cue_start] + " " + rest[number.end:]
    if not _NO_WORDS.fullmatch(rest):
        return False
    side = 0 if pair.new is not None else 1  # the other version: old for an added clause
    phones, written = context.phones(language)[side], context.phone_candidates(language)[side]
    return all(any(same_phone(n, p) for p in phones) or any(written_another_way(n, w) for w in written)
               or any(written_another_way(p, n) for p in phones if p.international)
               for n in numbers)


def _criteria(facts: ClauseFacts) -> str:
    return join_words([c.replace("-", " ") for c in facts.criteria]) if facts.criteria else "unstated"


def _retention_finding(pair: ClausePair, old: ClauseFacts, new: ClauseFacts) -> Finding:
    old_words = join_words([describe_duration(v) for v in old.retention]) if old.retention else _criteria(old)
    new_words = join_words([describe_duration(v) for v in new.retention]) if new.retention else _criteria(new)
    if old.retention and new.retention:
        longer = _max_days(new.retention) > _max_days(old.retention)
        severity = "high" if longer else "medium"
        verb = "extended" if longer else "changed"
        if _max_days(new.retention) < _max_days(old.retention):
            verb, severity = "shortened", "low"
        summary = f"Retention period {verb} from {old_words} to {new_words}"
    elif new.retention:
        severity = "medium"
        summary = f"Retention period now {new_words} (was: {old_words})"
    else:
        severity = "medium"
        summary = f"Retention period of {old_words} removed (now: {new_words})"
    return Finding("retention", True, severity, summary, "fact:retention_period", pair,
                   old.retention, new.retention)


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _editorial(summary: str, rule: str, pair: ClausePair, category: str = "editorial") -> Finding:
    """A change that is not material (wording, dates, structure): recorded, never alerted."""
    return Finding(category, False, "none", summary, rule, pair)


def _only_placeholder_changed(pair: ClausePair) -> bool:
    """Cloudflare's "[email protected]" stands for an address the scrape could not see: an unknown
    value, so its appearing, vanishing or swallowing a few letters is not a contact change."""
    old_text = pair.old.text if pair.old else ""
    new_text = pair.new.text if pair.new else ""
    if CF_PLACEHOLDER not in old_text and CF_PLACEHOLDER not in new_text:
        return False
    removed, added = _word_changes(old_text.replace(CF_PLACEHOLDER, ""), new_text.replace(CF_PLACEHOLDER, ""))
    meaningful = [w for w in removed + added if len(w) > 2 and not contacts.find_emails(w)]
    return not meaningful or (pair.kind == "modified" and len(removed + added) <= 2)


def _judge_wording(pair: ClausePair, language: str | None, systematic: frozenset[str] = frozenset(),
                   texts: tuple[str, str] | None = None) -> Finding | list[str]:
    """A modified clause whose facts did not move: a non-material finding for dates, formatting,
    typos, function words, rewordings made throughout the document and minor edits, else the
    changed words that carry meaning. `texts` are the clause's texts as compared, when they are
    not the clause's own (phone numbers masked)."""
    old_text, new_text = texts or (pair.old.text, pair.new.text)
    quoted = _quote(pair.new.text)
    removed, added = _word_changes(old_text, new_text)
    if not removed and not added:
        return _editorial("Punctuation or formatting changed", "words:none", pair)
    if _is_date_change(old_text, new_text, removed + added, language):
        return _editorial(f"Date changed: {quoted}", "words:date_only", pair, "date")
    removed, added = _word_changes(old_text, new_text, language)
    if not removed and not added:
        return _editorial(f"Said the same way with other words: {quoted}", "words:synonyms", pair)
    if systematic and systematic.issuperset(removed + added):
        return _editorial(f"Reworded as throughout the document: {quoted}", "words:systematic", pair)
    removed = [w for w in removed if w not in systematic]
    added = [w for w in added if w not in systematic]
    substantive = _substantive(removed, added, language)
    if not substantive:
        return _editorial(f"Wording changed: {quoted}", "words:editorial", pair)
    durations_only, substantive = _durations_only_change(pair, substantive, language, texts)
    if durations_only:
        return durations_only
    if _minor_edit(substantive, old_text, new_text, language):
        return _editorial(f"Minor wording change: {quoted}", "words:minor_edit", pair)
    return substantive


def _category_of(pair: ClausePair, language: str | None, old_facts: ClauseFacts,
                 new_facts: ClauseFacts) -> tuple[str | None, str]:
    """(category, rule): by the changed words first, then the clause, its old self, its section.
    The facts of both sides tell whether a transfer names a place."""
    clause = pair.new or pair.old
    classification = classify_clause(clause.text, clause.section, language)
    if pair.kind == "modified":
        focused = classify_clause(_changed_words(pair.old.text, pair.new.text), clause.section, language)
        if focused.category is not None:
            classification = focused
        elif classification.category is None:
            classification = classify_clause(pair.old.text, pair.old.section, language)
    category = classification.category or section_category(clause.section, language)
    rule = classification.rule or f"section:{category}"
    if category == "transfer" and not (old_facts.places or new_facts.places):
        category, rule = "sharing", rule + " no-place:disclosure"  # data handed over, to nowhere abroad
    return category, rule


@dataclass
class DocumentContext:
    """What judging one clause needs to know about both documents."""

    headings: frozenset[str] = frozenset()
    chrome: frozenset[tuple[str, int]] = frozenset()
    """(side, block) of page furniture: navigation links, consent-banner buttons and text."""
    systematic: frozenset[str] = frozenset()
    """Words swapped the same way in many clauses ("personal data" → "personal information")."""
    old_text: str = ""
    new_text: str = ""

    def phones(self, language: str | None) -> tuple[list[Phone], list[Phone]]:
        """Phone numbers anywhere in the old and the new document (each text is scanned once)."""
        return contacts.find_phones(self.old_text, language), contacts.find_phones(self.new_text, language)

    def phone_candidates(self, language: str | None) -> tuple[list[Phone], list[Phone]]:
        """Every national-format number of the old and the new document, cue or not."""
        return (contacts.phone_candidates(self.old_text, language),
                contacts.phone_candidates(self.new_text, language))

    def is_chrome(self, pair: ClausePair) -> bool:
        return any(clause is not None and (side, clause.block) in self.chrome
                   for side, clause in (("old", pair.old), ("new", pair.new)))


def _chrome_blocks(clauses: list[Clause], side: str) -> set[tuple[str, int]]:
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


def _systematic_words(pairs: list[ClausePair], language: str | None) -> frozenset[str]:
    """Words removed and added together in three clauses or more: a rewording done throughout."""
    together: Counter[tuple[str, str]] = Counter()
    for pair in pairs:
        if pair.kind != "modified" or pair.relocated:
            continue
        removed, added = _word_changes(pair.old.text, pair.new.text, language)
        together.update({(r, a) for r in set(removed) for a in set(added)})
    negations = _negations(language)
    return frozenset(w for (r, a), n in together.items() if n >= 3 for w in (r, a) if w not in negations)


def _judge(pair: ClausePair, language: str | None, context: DocumentContext = DocumentContext()) -> list[Finding]:
    """What one changed clause means: fact changes first, then wording, then its practice."""
    if pair.relocated:
        return [_editorial("Text duplicated, split or merged without new wording", "align:relocated", pair)]
    if context.is_chrome(pair):
        return [_editorial("Page furniture (navigation, cookie banner) changed", "structure:page_chrome", pair)]
    if _only_placeholder_changed(pair):
        return [_editorial("Protected e-mail placeholder changed", "rule:cf_placeholder", pair)]
    old_facts = clause_facts(pair.old.text, language, pair.old.section) if pair.old else ClauseFacts()
    new_facts = clause_facts(pair.new.text, language, pair.new.section) if pair.new else ClauseFacts()
    with_phones = bool(old_facts.phones or new_facts.phones)
    written = None
    if with_phones:  # national-format numbers of each side, cue or not: the clause's and its document's
        written = tuple(contacts.phone_candidates(clause.text, language) + document if clause else document
                        for clause, document in zip((pair.old, pair.new), context.phone_candidates(language)))
    found = _fact_findings(pair, old_facts, new_facts, context.phones(language) if with_phones else None, written)
    clause = pair.new or pair.old
    if _is_heading(pair, context.headings):
        return found or [_editorial(f"Heading changed: {_quote(clause.text)}", "structure:heading", pair)]
    if found and pair.kind != "removed":
        return found
    if pair.kind == "modified":
        texts = _phones_masked(pair.old.text, pair.new.text, language) if with_phones else None
        if texts and not any(_word_changes(*texts)):
            before, after = (list(dict.fromkeys(p.text for p in side))
                             for side in _phones_written(pair.old.text, pair.new.text, language))
            if before != after:
                return [_editorial(f"The same phone number written another way: {join_words(before)} "
                                   f"→ {join_words(after)}", "fact:same_phone", pair)]
        wording = _judge_wording(pair, language, context.systematic, texts)
        if isinstance(wording, Finding):
            return [wording]
        substantive = wording
    else:
        if dates.is_date_line(clause.text, language):
            return [_editorial(f"Date line {pair.kind}: {_quote(clause.text)}", "fact:date_line", pair, "date")]
        if found:
            return found
        if _only_a_number_still_written(pair, language, context):
            return [_editorial(f"Phone number {pair.kind} on its own; the other version still gives it: "
                               f"{_quote(clause.text)}", "fact:same_phone", pair)]
        substantive = []  # an added or removed clause is judged by its cues alone
    category, rule = _category_of(pair, language, old_facts, new_facts)
    if category is None:
        return [_editorial(f"Unclassified wording {pair.kind}: {_quote(clause.text)}", "cue:none", pair)]
    return [_practice_finding(pair, category, rule, substantive, language)]


def heading_key(clause: Clause) -> str:
    """A heading's comparison key without its numbering: "2.1 Your rights" is "your rights"."""
    return NUMBERING.sub("", clause.key)


def _seat_moves(pairs: list[ClausePair], findings: list[Finding], language: str | None) -> list[Finding]:
    """The company's own address moved country, across clauses that were rewritten rather than edited."""
    if any(f.rule == "fact:controller_country" for f in findings):
        return []
    before: dict[str, ClausePair] = {}
    after: dict[str, ClausePair] = {}
    for pair in pairs:
        if pair.relocated:
            continue
        if pair.old:
            before.update((code, pair) for code in clause_facts(pair.old.text, language, pair.old.section).seats)
        if pair.new:
            after.update((code, pair) for code in clause_facts(pair.new.text, language, pair.new.section).seats)
    if not before or not after or set(before) == set(after):
        return []
    evidence = ClausePair(next(iter(before.values())).old, next(iter(after.values())).new)
    summary = (f"The company's address moved from {join_words([describe_place(c) for c in before])} "
               f"to {join_words([describe_place(c) for c in after])}")
    return [Finding("contact", True, "medium", summary, "fact:controller_country", evidence,
                    list(before), list(after))]


def _is_heading(pair: ClausePair, headings: frozenset[str]) -> bool:
    """A heading, or a table-of-contents entry that repeats one: structure, not practice."""
    sides = [c for c in (pair.old, pair.new) if c is not None]
    return all(c.kind == "heading" or heading_key(c) in headings for c in sides)


def _practice_finding(pair: ClausePair, category: str, rule: str, substantive: list[str],
                      language: str | None) -> Finding:
    label = category.replace("_", " ")
    old_text = pair.old.text if pair.old else ""
    new_text = pair.new.text if pair.new else ""
    new_risks = [c for c in high_risk_cues(new_text, category, language)
                 if c not in high_risk_cues(old_text, category, language)]
    if pair.kind == "added":
        severity = "high" if new_risks else "medium"
        summary = f"New {label} clause: \"{_quote(new_text)}\""
    elif pair.kind == "removed":
        severity = "high" if category in ("rights", "security", "children") else "medium"
        if category == "sharing":
            severity = "low"
        summary = f"{label.capitalize()} clause removed: \"{_quote(old_text)}\""
    else:
        flipped = any(w in _negations(language) for w in substantive)
        if new_risks or flipped:
            severity = "high"
        else:
            severity = "low" if len(substantive) <= SMALL_CHANGE_WORDS else "medium"
        summary = f"{label.capitalize()} clause changed: \"{_quote(new_text)}\""
    if new_risks:
        rule += f" high_risk[{', '.join(new_risks[:3])}]"
    kind = LABELLED_CATEGORIES.get(category)
    old_values = find_labels(old_text, kind, language) if kind and old_text else []
    new_values = find_labels(new_text, kind, language) if kind and new_text else []
    if pair.kind == "modified" and set(new_values) - set(old_values) and severity == "low":
        severity = "medium"  # a new kind of recipient, purpose or data is more than rewording
    return Finding(category, True, severity, summary, rule, pair, old_values, new_values)


def _group(findings: list[Finding]) -> list[Change]:
    by_category: dict[str, list[Finding]] = {}
    for finding in findings:
        by_category.setdefault(finding.category, []).append(finding)
    changes = []
    for category, group in by_category.items():
        material = [f for f in group if f.material]
        relevant = material or group
        top = max(relevant, key=lambda f: SEVERITIES.index(f.severity))
        old_values = list(dict.fromkeys(v for f in relevant for v in f.old_values))
        new_values = list(dict.fromkeys(v for f in relevant for v in f.new_values))
        summary = top.summary if len(relevant) == 1 else f"{top.summary} (and {len(relevant) - 1} more)"
        changes.append(Change(
            category=category, material=bool(material), severity=top.severity if material else "none",
            summary=summary, old_values=old_values, new_values=new_values,
            old_text=top.pair.old.text if top.pair.old else "", new_text=top.pair.new.text if top.pair.new else "",
            rule=top.rule, section=(top.pair.new or top.pair.old).section,
        ))
    changes.sort(key=lambda c: (not c.material, -SEVERITIES.index(c.severity), c.category))
    return changes


def _date_notes(comparison: Comparison) -> None:
    moved = comparison.old_date != comparison.new_date and comparison.new_date is not None
    if moved and not comparison.material:
        comparison.notes.append(f"The declared date moved from {comparison.old_date} to {comparison.new_date} "
                                "with no material change.")
    if comparison.material and not moved:
        comparison.notes.append("Material change without a new 'last updated' date.")


def _document_facts(clauses: list[Clause], language: str | None) -> dict[str, dict[str, str]]:
    """Every fact value of a document, with the first clause stating it as evidence."""
    found: dict[str, dict[str, str]] = {"retention": {}, "transfer": {}, "contact": {}, "children": {}}
    for clause in clauses:
        facts = clause_facts(clause.text, language, clause.section)
        for kind, values in (("retention", facts.retention), ("transfer", facts.destinations),
                             ("contact", facts.emails), ("children", [str(a) for a in facts.ages])):
            for value in values:
                found[kind].setdefault(value, clause.text)
    return found


def _document_phones(clauses: list[Clause], language: str | None) -> list[tuple[Phone, str]]:
    """Every phone number of a document once, with the first clause stating it."""
    found: list[tuple[Phone, str]] = []
    for clause in clauses:
        for phone in clause_facts(clause.text, language, clause.section).phones:
            if not any(same_phone(phone, seen) for seen, _ in found):
                found.append((phone, clause.text))
    return found


# kind of document fact → (category, words for it, how to say one value)
FACT_WORDS = {
    "retention": ("retention", "retention", describe_duration),
    "transfer": ("transfer", "data destinations", describe_place),
    "contact": ("contact", "contact e-mails", str),
    "phones": ("contact", "contact phones", str),
    "children": ("children", "minimum age", str),
}


def _compare_across_languages(old: list[Clause], new: list[Clause], old_lang: str, new_lang: str,
                              comparison: Comparison) -> None:
    old_facts, new_facts = _document_facts(old, old_lang), _document_facts(new, new_lang)
    old_phones, new_phones = _document_phones(old, old_lang), _document_phones(new, new_lang)
    old_facts["phones"] = {phone.text: evidence for phone, evidence in old_phones}
    new_facts["phones"] = {phone.text: evidence for phone, evidence in new_phones}
    for kind, (category, label, describe) in FACT_WORDS.items():
        before, after = list(old_facts[kind]), list(new_facts[kind])
        if kind == "phones":
            agree = not any(phone_changes([p for p, _ in old_phones], [p for p, _ in new_phones]))
        else:
            agree = set(before) == set(after)
        if agree:
            if before:
                comparison.notes.append(f"Both language versions agree on {label}: "
                                        f"{join_words([describe(v) for v in before])}.")
            continue
        summary = (f"Language versions disagree on {label}: {old_lang} says "
                   f"{join_words([describe(v) for v in before])}, {new_lang} says "
                   f"{join_words([describe(v) for v in after])}")
        severity = "high" if kind in ("retention", "transfer") else "medium"
        change = Change(
            category=category, material=True, severity=severity, summary=summary,
            old_values=before, new_values=after,
            old_text=next(iter(old_facts[kind].values()), ""), new_text=next(iter(new_facts[kind].values()), ""),
            rule="facts:across_languages",
        )
        same = next((c for c in comparison.changes if c.category == category), None)
        if same is None:
            comparison.changes.append(change)
        else:  # one entry per category: e-mails and phones are both contact
            same.summary += f"; {summary[0].lower()}{summary[1:]}"
            same.old_values += change.old_values
            same.new_values += change.new_values
    comparison.material = any(c.material for c in comparison.changes)


def compare_texts(old_text: str, new_text: str, lang_hint: str | None = None) -> Comparison:
    """What changed that matters between two clean texts (the output of `normalize`)."""
    old_lang = detect_language(old_text, lang_hint)
    new_lang = detect_language(new_text, lang_hint)
    comparison = Comparison(material=False, language={"old": old_lang or "", "new": new_lang or ""})
    old_date = _declared_date(old_text, old_lang)
    new_date = _declared_date(new_text, new_lang)
    comparison.old_date = old_date.isoformat() if old_date else None
    comparison.new_date = new_date.isoformat() if new_date else None
    old_clauses, new_clauses = split_clauses(old_text), split_clauses(new_text)
    if old_lang and new_lang and old_lang != new_lang:
        comparison.notes.append(f"The versions are in different languages ({old_lang}, {new_lang}): "
                                "their facts are compared.")
        _compare_across_languages(old_clauses, new_clauses, old_lang, new_lang, comparison)
        return comparison
    pairs = align_clauses(old_clauses, new_clauses)
    context = DocumentContext(
        headings=frozenset(heading_key(c) for c in old_clauses + new_clauses if c.kind == "heading"),
        chrome=frozenset(_chrome_blocks(old_clauses, "old") | _chrome_blocks(new_clauses, "new")),
        systematic=_systematic_words(pairs, new_lang or old_lang),
        old_text=old_text,
        new_text=new_text,
    )
    findings: list[Finding] = []
    for pair in pairs:
        findings += _judge(pair, _clause_language(pair, new_lang or old_lang), context)
    findings += _seat_moves(pairs, findings, new_lang or old_lang)
    findings = _merge_phone_findings(findings)
    comparison.changes = _group(findings)
    comparison.material = any(c.material for c in comparison.changes)
    _date_notes(comparison)
    return comparison


def declared_date(text: str, lang_hint: str | None = None) -> str | None:
    """The date a document says it was last updated or takes effect (ISO), if it says one."""
    found = _declared_date(text, detect_language(text, lang_hint))
    return found.isoformat() if found else None


def extract_facts(text: str, lang_hint: str | None = None) -> dict[str, list[str]]:
    """The facts a version states, normalised: what `policy-monitor facts` shows and stores."""
    language = detect_language(text, lang_hint)
    clauses = split_clauses(text)
    found = _document_facts(clauses, language)
    criteria: list[str] = []
    labelled: dict[str, list[str]] = {kind: [] for kind in LABELLED_CATEGORIES.values()}
    for clause in clauses:
        criteria += clause_facts(clause.text, language, clause.section).criteria
        kind = LABELLED_CATEGORIES.get(classify_clause(clause.text, clause.section, language).category or "")
        if kind:
            labelled[kind] += find_labels(clause.text, kind, language)
    declared = _declared_date(text, language)
    return {
        "language": [language] if language else [],
        "declared_date": [declared.isoformat()] if declared else [],
        "retention": list(found["retention"]),
        "retention_criteria": list(dict.fromkeys(criteria)),
        "transfer": list(found["transfer"]),
        "contact": list(found["contact"]),
        "contact_phones": [phone.text for phone, _ in _document_phones(clauses, language)],
        "children_min_age": list(found["children"]),
        "recipients": list(dict.fromkeys(labelled["recipients"])),
        "purposes": list(dict.fromkeys(labelled["purposes"])),
        "data_collected": list(dict.fromkeys(labelled["data"])),
    }
