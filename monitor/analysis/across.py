"""Two versions in different languages: their document-level facts are compared, not their words."""

from __future__ import annotations

from monitor.analysis.describe import describe_duration, describe_place, join_words
from monitor.analysis.facts.contacts import Phone, address_key, phone_changes, same_phone, written_among
from monitor.analysis.findings import clause_facts
from monitor.analysis.model import Change, Comparison
from monitor.analysis.segment import Clause


def document_facts(clauses: list[Clause], language: str | None) -> dict[str, dict[str, str]]:
    """Every fact value of a document, with the first clause stating it as evidence."""
    found: dict[str, dict[str, str]] = {"retention": {}, "transfer": {}, "contact": {}, "children": {}}
    for clause in clauses:
        facts = clause_facts(clause, language)
        for kind, values in (("retention", facts.retention), ("transfer", facts.destinations),
                             ("contact", facts.emails), ("children", [str(a) for a in facts.ages])):
            for value in values:
                found[kind].setdefault(value, clause.text)
    return found


def document_streets(clauses: list[Clause], language: str | None) -> dict[str, tuple[str, str]]:
    """Every postal address of a document by its street ("8 rue du Sentier"), which no translation
    changes: street key → (the address as written, the clause stating it)."""
    found: dict[str, tuple[str, str]] = {}
    for clause in clauses:
        for address in clause_facts(clause, language).addresses:
            found.setdefault(address_key(address.split(",")[0]), (address, clause.text))
    return found


def _street_in(address: str, clauses: list[Clause]) -> bool:
    """Whether a version writes an address's street ("6 Lapps Quay") anywhere."""
    street = address_key(address.split(",")[0])
    return bool(street) and any(street in address_key(clause.text) for clause in clauses)


def document_phones(clauses: list[Clause], language: str | None) -> list[tuple[Phone, str]]:
    """Every phone number of a document once, with the first clause stating it."""
    found: list[tuple[Phone, str]] = []
    for clause in clauses:
        for phone in clause_facts(clause, language).phones:
            if not any(same_phone(phone, seen) for seen, _ in found):
                found.append((phone, clause.text))
    return found


# kind of document fact → (category, words for it, how to say one value)
FACT_WORDS = {
    "retention": ("retention", "retention", describe_duration),
    "transfer": ("transfer", "data destinations", describe_place),
    "contact": ("contact", "contact e-mails", str),
    "phones": ("contact", "contact phones", str),
    "addresses": ("contact", "postal addresses", str),
    "children": ("children", "minimum age", str),
}


def document_places(clauses: list[Clause], language: str | None) -> set[str]:
    """Every country a document names, whatever for: an extractor of one language may read a
    destination where that of another reads an address ("Par voie postale : …, Cork, Irlande")."""
    return {code for clause in clauses for code in clause_facts(clause, language).places}


def compare_across_languages(old: list[Clause], new: list[Clause], old_lang: str, new_lang: str,
                              comparison: Comparison) -> None:
    old_facts, new_facts = document_facts(old, old_lang), document_facts(new, new_lang)
    old_phones, new_phones = document_phones(old, old_lang), document_phones(new, new_lang)
    old_facts["phones"] = {phone.text: evidence for phone, evidence in old_phones}
    new_facts["phones"] = {phone.text: evidence for phone, evidence in new_phones}
    old_streets, new_streets = document_streets(old, old_lang), document_streets(new, new_lang)
    old_facts["addresses"] = dict(old_streets.values())
    new_facts["addresses"] = dict(new_streets.values())
    for kind, (category, label, describe) in FACT_WORDS.items():
        before, after = list(old_facts[kind]), list(new_facts[kind])
        if kind == "phones":
            agree = not any(phone_changes([p for p, _ in old_phones], [p for p, _ in new_phones]))
        elif kind == "addresses":  # a street the other version writes, whether or not read as an address there
            agree = (all(written_among(a, before) or _street_in(a, old) for a in after)
                     and all(written_among(a, after) or _street_in(a, new) for a in before))
        elif kind == "transfer":  # a country the other version names, whatever for
            agree = set(after) - set(before) <= document_places(old, old_lang) and (
                set(before) - set(after) <= document_places(new, new_lang))
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
