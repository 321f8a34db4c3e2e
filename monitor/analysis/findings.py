"""Findings from the facts a clause states: retention periods, destinations, contacts, ages.

A fact that moved is a material change whatever the wording around it; its severity comes from
the direction (a longer retention, a new destination, a lower age are high).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from monitor.analysis.align import ClausePair
from monitor.analysis.classify import classify_clause, section_category
from monitor.analysis.segment import Clause
from monitor.analysis.describe import (
    describe_duration,
    describe_place,
    duration_days,
    join_words,
    verb_be,
)
from monitor.analysis.facts import ages, contacts, durations, places
from monitor.analysis.facts._lexicon import known_languages
from monitor.analysis.facts.contacts import (
    Phone,
    phone_changes,
    same_phone,
    written_another_way,
)

CF_PLACEHOLDER = "[email protected]"


@dataclass
class ClauseFacts:
    """Facts one clause states, normalised across languages."""

    retention: list[str] = field(default_factory=list)
    criteria: list[str] = field(default_factory=list)
    destinations: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    """Postal addresses, as written."""
    hides_emails: bool = False
    """The clause shows Cloudflare's "[email protected]" placeholder: its addresses are unknown."""
    phones: list[Phone] = field(default_factory=list)
    """Phone numbers, each once however often or however differently it is written."""
    ages: list[int] = field(default_factory=list)
    seats: list[str] = field(default_factory=list)
    """Countries of the company's own address (controller's establishment), not destinations."""
    places: list[str] = field(default_factory=list)
    """Every country the clause names, whatever its role."""
    responses: list[str] = field(default_factory=list)
    """How soon requests are answered ("we respond within 30 days"), ISO 8601 durations."""


def merged_facts(facts: list[ClauseFacts]) -> ClauseFacts:
    """The facts several clauses state together, each once, in order."""
    merged = ClauseFacts()
    for one in facts:
        for name, value in vars(one).items():
            if isinstance(value, list):
                kept = getattr(merged, name)
                kept += [v for v in value if v not in kept]
        merged.hides_emails = merged.hides_emails or one.hides_emails
    return merged


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


def clause_facts(clause: Clause, language: str | None) -> ClauseFacts:
    """The facts a clause states, read in the light of its section and, in a table row, of the
    header of each cell: "2 ans" under "Durée de conservation" is how long data is kept."""
    facts = _clause_facts(clause.text, language, section_category(clause.section, language) or "")
    if not clause.columns:
        return facts
    for cell, header in clause.cells():
        kind = section_category(header, language) if header else None
        if kind == "retention":
            read = _clause_facts(cell, language, kind).retention
            criteria = durations.retention_criteria(cell, language, about_retention=True)
            facts = replace(facts, retention=list(dict.fromkeys(facts.retention + read)),
                            criteria=list(dict.fromkeys(facts.criteria + criteria)))
        elif kind == "transfer":
            read = _clause_facts(cell, language, kind).destinations
            facts = replace(facts, destinations=list(dict.fromkeys(facts.destinations + read)))
    return facts


@lru_cache(maxsize=4096)
def _clause_facts(text: str, language: str | None, section_kind: str) -> ClauseFacts:
    if language is not None and language not in known_languages():
        # No words of this language are known: what a period or a country is there for cannot be
        # told, so only what needs no words is read (e-mail addresses, international numbers).
        return ClauseFacts(emails=[] if CF_PLACEHOLDER in text else contacts.find_emails(text),
                           hides_emails=CF_PLACEHOLDER in text,
                           phones=[p for p in contacts.find_phones(text, language) if p.international])
    mentions = durations.find_durations(text, language)
    # Under a retention heading or column every period that is not a deadline or an age is how long
    # data is kept: "Durée du contrat et 10 ans par la suite ; l'IBAN est supprimé 3 mois après".
    retention = [d.iso for d in mentions if d.role == "retention" or section_kind == "retention" and d.role == "other"]
    minimum_ages = ages.minimum_ages(text, language)
    if section_kind == "children":  # "reserved to people of at least 18 years", under "Children"
        minimum_ages += [int(d.iso[1:-1]) for d in mentions
                         if d.role in ("age", "other") and d.iso.endswith("Y") and 0 < int(d.iso[1:-1]) < 25]
    named = places.find_places(text, language)
    destinations = [p.code for p in named if p.role == "destination"]
    if not destinations and named and (section_kind == "transfer" or _about_transfers(text, language)):
        destinations = [p.code for p in named if p.role == "other"]  # "For the United States, the processor must..."
    return ClauseFacts(
        retention=list(dict.fromkeys(retention)),
        criteria=durations.retention_criteria(text, language),
        destinations=list(dict.fromkeys(destinations)),
        emails=[] if CF_PLACEHOLDER in text else contacts.find_emails(text),
        hides_emails=CF_PLACEHOLDER in text,
        addresses=contacts.find_postal_addresses(text, language),
        phones=contacts.find_phones(text, language),
        ages=sorted(set(minimum_ages)),
        seats=list(dict.fromkeys(p.code for p in named if p.role == "address")),
        places=list(dict.fromkeys(p.code for p in named)),
        responses=list(dict.fromkeys(d.iso for d in mentions if d.role == "response")),
    )


def _response_finding(pair: ClausePair, old: ClauseFacts, new: ClauseFacts) -> Finding:
    """A time limit for answering requests newly stated or dropped: whether people are promised an
    answer in time is part of their rights ("within 30 days" → "as required by applicable law").
    One limit changed for another is told without alarm (see `durations_only_change`)."""
    if new.responses:
        summary = f"Now says requests are answered within {join_words([describe_duration(v) for v in new.responses])}"
        return Finding("rights", True, "low", summary, "fact:response_time", pair, [], new.responses)
    summary = f"No longer says requests are answered within {join_words([describe_duration(v) for v in old.responses])}"
    return Finding("rights", True, "medium", summary, "fact:response_time", pair, old.responses, [])


def _about_transfers(text: str, language: str | None) -> bool:
    """Whether a clause is about sending data abroad (its cues: "standard contractual clauses",
    "Privacy Shield", "outside the EEA"), so that the countries it names are where data goes."""
    return classify_clause(text, "", language).category == "transfer"


def whole_days(iso: str) -> int:
    """A period in whole days: "P1M" and "P30D" are the same time limit, 24 months is 2 years."""
    return round(duration_days(iso) or 0)


def same_periods(old: list[str], new: list[str]) -> bool:
    """Equal durations however written: 24 months is 2 years."""
    return sorted(map(whole_days, old)) == sorted(map(whole_days, new))


def max_days(values: list[str]) -> float:
    return max((duration_days(v) or 0.0 for v in values), default=0.0)


_STORED = re.compile(r"stor|host|server|data cent|speicher|héberg|stock|almacen|archiv|conserv|хран|ulož|opslag",
                     re.IGNORECASE)
"""Words that say data is kept somewhere (not only sent there): "stored", "hosted", "servers"."""


def fact_findings(pair: ClausePair, old: ClauseFacts, new: ClauseFacts,
                   elsewhere: tuple[list[Phone], list[Phone]] | None = None,
                   written: tuple[list[Phone], list[Phone]] | None = None,
                   language: str | None = None) -> list[Finding]:
    """Findings from the facts of one clause pair. `elsewhere` gives the phone numbers of the whole
    old and new documents (a number that only moved to another clause did not change), `written`
    every national-format number of them, cue or not (see `_phone_finding`)."""
    found: list[Finding] = []
    periods_moved = not same_periods(old.retention, new.retention)
    criteria_moved = set(old.criteria) != set(new.criteria)
    if periods_moved or (criteria_moved and (old.retention or new.retention)):
        found.append(_retention_finding(pair, old, new, language))
    elif criteria_moved and pair.old and pair.new:
        summary = (f"Keeps data {_criteria(new)} instead of {_criteria(old)}" if old.criteria and new.criteria
                   else f"Now keeps data {_criteria(new)}" if new.criteria
                   else f"No longer says data is kept {_criteria(old)}")
        found.append(Finding("retention", True, "medium", summary, "fact:retention_criteria", pair))
    if bool(old.responses) != bool(new.responses):
        found.append(_response_finding(pair, old, new))
    if set(old.destinations) != set(new.destinations):
        added = [c for c in new.destinations if c not in old.destinations]
        removed = [c for c in old.destinations if c not in new.destinations]
        stored = bool(_STORED.search((pair.new or pair.old).text))
        if added:
            where = join_words([describe_place(c) for c in added])
            summary = f"Data may now be stored in {where}" if stored else f"Data may now go to {where}"
            if removed:
                summary += f"; no longer to {join_words([describe_place(c) for c in removed])}"
            severity = "high"
        else:
            gone = join_words([describe_place(c) for c in removed])
            summary = f"{gone[0].upper()}{gone[1:]} no longer named as a destination of data"
            severity = "low"
        found.append(Finding("transfer", True, severity, summary, "fact:transfer_destinations", pair,
                             old.destinations, new.destinations))
    hidden = old.hides_emails or new.hides_emails  # a placeholder resolved or appearing: not a new address
    if set(old.emails) != set(new.emails) and (old.emails or new.emails) and not hidden:
        gone = [e for e in old.emails if e not in new.emails]
        came = [e for e in new.emails if e not in old.emails]
        if gone and came:
            summary = f"Contact e-mail changed from {join_words(gone)} to {join_words(came)}"
        elif came:
            summary = f"New contact e-mail: {join_words(came)}"
        else:
            summary = f"Contact e-mail {join_words(gone)} removed"
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
        if old_age is not None and new_age is not None and old_age == new_age:
            summary = (f"Age thresholds now {join_words([str(a) for a in new.ages])} "
                       f"(were {join_words([str(a) for a in old.ages])})")
        elif old_age is not None and new_age is not None:
            summary = f"Minimum age {'lowered' if lowered else 'raised'} from {old_age} to {new_age}"
        elif new_age is not None:  # a minimum age to use the service, or the age that makes a child
            summary = f"Now states rules for people under {new_age}"  # ("we do not sell data of people under 16")
        else:
            summary = f"No longer states rules for people under {old_age}"
        found.append(Finding("children", True, "high" if lowered else "medium", summary, "fact:minimum_age",
                             pair, [str(a) for a in old.ages], [str(a) for a in new.ages]))
    return found


def address_finding(pair: ClausePair, old: ClauseFacts, new: ClauseFacts) -> Finding | None:
    """A postal address for privacy matters added, removed or replaced (the caller knows the clause
    is about contacting the company or its DPO), compared by its letters and digits."""
    old_keys = {contacts.address_key(a): a for a in old.addresses}
    new_keys = {contacts.address_key(a): a for a in new.addresses}
    removed, added = contacts.without_number_fixes([a for k, a in old_keys.items() if k not in new_keys],
                                                   [a for k, a in new_keys.items() if k not in old_keys])
    removed = [a for a in removed if not (
        pair.new and contacts.office_still_written(a, contacts.address_key(pair.new.text), new.addresses))]
    added = [a for a in added if not (
        pair.old and contacts.office_still_written(a, contacts.address_key(pair.old.text), old.addresses))]
    return postal_address_finding(pair, removed, added) if removed or added else None


def labelled_address_finding(pair: ClausePair, language: str | None) -> Finding | None:
    """A postal address given after an address label that moved, when no street and number of a
    known form is read in it ("Postal Mail: …, Cork Airport Business Park, Kinsale Road, Cork" →
    "…, City Gate Plaza Two, Mahon, Cork"): compared by its letters and digits."""
    old = contacts.labelled_address(pair.old.text, language)
    new = contacts.labelled_address(pair.new.text, language)
    if old is None or new is None or contacts.address_key(old) == contacts.address_key(new):
        return None
    old_parts, new_parts = ([part.strip() for part in address.split(",")] for address in (old, new))
    gone = ", ".join(part for part in old_parts if part not in new_parts)
    came = ", ".join(part for part in new_parts if part not in old_parts)
    shared = ", ".join(part for part in new_parts if part in old_parts)
    summary = f"Postal address for privacy matters changed: {gone} → {came}" + (f" ({shared})" if shared else "")
    return Finding("contact", True, "medium", summary, "fact:labelled_address", pair, [old], [new])


def postal_address_finding(pair: ClausePair, removed: list[str], added: list[str]) -> Finding:
    """The contact finding of postal addresses removed and added, in words."""
    if removed and added:
        summary = f"Postal address for privacy matters changed from {join_words(removed)} to {join_words(added)}"
    elif added:
        summary = f"New postal address for privacy matters: {join_words(added)}"
    else:
        summary = f"Postal address {join_words(removed)} no longer given"
    return Finding("contact", True, "medium", summary, "fact:postal_address", pair, removed, added)


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
    """Each number once, though several clauses give it: "… to 800-331-4331", not "… and 800-331-4331"."""
    before, after = join_words(_distinct_numbers(removed)), join_words(_distinct_numbers(added))
    if removed and added:
        return f"Contact phone changed from {before} to {after}"
    if added:
        return f"New contact phone: {after}"
    return f"Contact phone {before} removed"


def _distinct_numbers(phones: list[Phone]) -> list[str]:
    distinct: list[Phone] = []
    for phone in phones:
        if not any(same_phone(phone, seen) for seen in distinct):
            distinct.append(phone)
    return [p.text for p in distinct]


def merge_phone_findings(findings: list[Finding]) -> list[Finding]:
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


def phones_written(old_text: str, new_text: str, language: str | None) -> tuple[list[Phone], list[Phone]]:
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


def phones_masked(old_text: str, new_text: str, language: str | None) -> tuple[str, str]:
    """Both texts with each phone number (and its cue) replaced by one word per number, the same
    word on both sides for the same number however written: what the wording is compared on."""
    numbers: list[Phone] = []
    written = dict(zip((old_text, new_text), phones_written(old_text, new_text, language)))

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


def only_a_number_still_written(pair: ClausePair, language: str | None,
                                phones: tuple[list[Phone], list[Phone]],
                                candidates: tuple[list[Phone], list[Phone]]) -> bool:
    """An added or removed clause that is nothing but a phone number ("020 7946 0958" under a
    "Phone" label) which the other version still gives, however written: the label split off or
    the number reformatted, not a contact point gained or lost. `phones` and `candidates` are the
    (old, new) documents' numbers found after a cue and every national-format number."""
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
    others, written = phones[side], candidates[side]
    return all(any(same_phone(n, p) for p in others) or any(written_another_way(n, w) for w in written)
               or any(written_another_way(p, n) for p in others if p.international)
               for n in numbers)


CRITERIA_WORDS = {
    "until-account-deletion": "until the account is closed",
    "as-long-as-necessary": "as long as necessary",
    "legal-obligation": "as long as the law requires",
    "consent-withdrawal": "until consent is withdrawn",
    "indefinitely": "indefinitely",
}


def _criteria(facts: ClauseFacts) -> str:
    """A clause's retention criteria as a reader says them ("as long as the law requires")."""
    if not facts.criteria:
        return "unstated"
    return join_words([CRITERIA_WORDS.get(c, c.replace("-", " ")) for c in facts.criteria])


def _retention_finding(pair: ClausePair, old: ClauseFacts, new: ClauseFacts, language: str | None) -> Finding:
    """How long data is kept, before and after, in words; the severity follows the size of the
    change: at least twice as long is high, longer medium, shorter low."""
    what = _kept_data(pair, language)
    old_only, new_only = _periods_that_differ(old.retention, new.retention)
    old_all, new_all = (join_words([describe_duration(v) for v in periods]) for periods in (old.retention, new.retention))
    old_words = join_words([describe_duration(v) for v in old_only]) if old_only else old_all or _criteria(old)
    new_words = join_words([describe_duration(v) for v in new_only]) if new_only else new_all or _criteria(new)
    if old.retention and new.retention:
        before, after = max_days(old.retention), max_days(new.retention)
        if after > before:
            severity = "high" if after >= LONGER_RETENTION_RATIO * before else "medium"
        else:
            severity = "low" if after < before else "medium"
        if new_only and not old_only:
            summary = f"Now also keeps {what} {new_words}"
        elif old_only and not new_only:
            summary = f"No longer says {what} {verb_be(what)} also kept {old_words}"
        else:
            summary = f"Keeps {what} {new_words} instead of {old_words}"
    elif new.retention:
        severity = "medium"
        summary = f"Now keeps {what} {new_words}" + (f" (was: {old_words})" if old.criteria else "")
    else:
        severity = "medium"
        summary = f"No longer says {what} {verb_be(what)} kept {old_words}" + (f" (now: {new_words})" if new.criteria else "")
    tracker = _tracker_named(pair, language)
    if tracker:  # how long a cookie lasts is how long it tracks: a tracking change
        if old.retention and new.retention:  # each side whole, unless each has periods of its own
            was, now = (old_words, new_words) if old_only and new_only else (old_all, new_all)
            summary = f"{tracker.capitalize()} now last {now} instead of {was}"
        elif new.retention:
            summary = f"{tracker.capitalize()} now said to last {new_words}"
        else:
            summary = f"No longer says how long {tracker} last (was {old_words})"
        return Finding("tracking", True, severity, summary, "fact:tracker_lifetime", pair, old.retention, new.retention)
    return Finding("retention", True, severity, summary, "fact:retention_period", pair,
                   old.retention, new.retention)


def _periods_that_differ(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """The periods each side states that the other does not: a summary names those ("10 years instead
    of 5 years", "now also keeps … 2 years"), not the ones both keep ("3 years and 10 years instead of
    3 years and 5 years")."""
    old_days, new_days = {whole_days(v) for v in old}, {whole_days(v) for v in new}
    return [v for v in old if whole_days(v) not in new_days], [v for v in new if whole_days(v) not in old_days]


def _tracker_named(pair: ClausePair, language: str | None) -> str | None:
    """The trackers a clause about a period names ("cookies", "local storage"), if any."""
    from monitor.analysis.describe import label_words
    from monitor.analysis.lexicon import label_mentions

    clause = pair.new or pair.old
    trackers = [m for m in label_mentions(clause.text, language) if m.kind == "trackers" and not m.negated]
    return label_words(f"trackers:{trackers[0].label}") if trackers else None


LONGER_RETENTION_RATIO = 2.0
"""A retention at least this many times longer than before is a high-severity change."""


def _kept_data(pair: ClausePair, language: str | None) -> str:
    """What the retention clause keeps, in a reader's words ("account data", "messages and
    content"), or "personal data" when it does not say."""
    from monitor.analysis.describe import label_words
    from monitor.analysis.lexicon import label_mentions

    clause = pair.new or pair.old
    data = [m for m in label_mentions(clause.text, language) if m.kind == "data" and not m.negated]
    return label_words(f"data:{data[0].label}") if data else "personal data"



def seat_moves(pairs: list[ClausePair], findings: list[Finding], language: str | None) -> list[Finding]:
    """The company's own address moved country, across clauses that were rewritten rather than edited."""
    if any(f.rule == "fact:controller_country" for f in findings):
        return []
    before: dict[str, ClausePair] = {}
    after: dict[str, ClausePair] = {}
    for pair in pairs:
        if pair.relocated:
            continue
        if pair.old:
            before.update((code, pair) for code in clause_facts(pair.old, language).seats)
        if pair.new:
            after.update((code, pair) for code in clause_facts(pair.new, language).seats)
    if not before or not after or set(before) == set(after):
        return []
    evidence = ClausePair(next(iter(before.values())).old, next(iter(after.values())).new)
    summary = (f"The company's address moved from {join_words([describe_place(c) for c in before])} "
               f"to {join_words([describe_place(c) for c in after])}")
    return [Finding("contact", True, "medium", summary, "fact:controller_country", evidence,
                    list(before), list(after))]
