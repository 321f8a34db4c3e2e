"""Two versions of a policy → the changes that matter, with their evidence.

Clauses are aligned (align.py); each changed clause is judged by the facts it states (retention
periods, destinations, contacts, ages) and, failing a fact change, by the words that changed and
the cues of its category. Dates, typos, reformatting, moves and duplicates are never material.
When the two versions are in different languages, their facts are compared instead of their words.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

from monitor.analysis.across import (
    compare_across_languages,
    document_facts,
    document_phones,
)
from monitor.analysis.align import ClausePair, align_clauses
from monitor.analysis.chrome import chrome_blocks, heading_key, is_heading
from monitor.analysis.classify import classify_clause, high_risk_cues, section_category
from monitor.analysis.describe import join_words
from monitor.analysis.facts import contacts, dates
from monitor.analysis.facts.contacts import Phone
from monitor.analysis.findings import (
    ClauseFacts,
    Finding,
    clause_facts,
    fact_findings,
    merge_phone_findings,
    only_a_number_still_written,
    phones_masked,
    phones_written,
    seat_moves,
)
from monitor.analysis.lang import clause_language, detect_language
from monitor.analysis.lexicon import find_labels
from monitor.analysis.model import SEVERITIES, Change, Comparison
from monitor.analysis.segment import split_clauses
from monitor.analysis.wording import (
    SMALL_CHANGE_WORDS,
    changed_words,
    editorial,
    judge_wording,
    negations,
    only_placeholder_changed,
    quote,
    systematic_words,
    word_changes,
)

# Categories whose clauses name things worth listing as values: who receives data, why, what data.
LABELLED_CATEGORIES = {"sharing": "recipients", "purpose": "purposes", "collection": "data"}


@lru_cache(maxsize=16)
def _declared_date(text: str, language: str | None) -> "datetime.date | None":
    """The "last updated" date of a document, read once per text."""
    return dates.declared_date(text, language)


def _clause_language(pair: ClausePair, default: str | None) -> str | None:
    """A clause in another language than its page (pages mix languages) is read in its own."""
    return clause_language((pair.new or pair.old).text) or default


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


def _judge(pair: ClausePair, language: str | None, context: DocumentContext = DocumentContext()) -> list[Finding]:
    """What one changed clause means: fact changes first, then wording, then its practice."""
    if pair.relocated:
        return [editorial("Text duplicated, split or merged without new wording", "align:relocated", pair)]
    if context.is_chrome(pair):
        return [editorial("Page furniture (navigation, cookie banner) changed", "structure:page_chrome", pair)]
    if only_placeholder_changed(pair):
        return [editorial("Protected e-mail placeholder changed", "rule:cf_placeholder", pair)]
    old_facts = clause_facts(pair.old.text, language, pair.old.section) if pair.old else ClauseFacts()
    new_facts = clause_facts(pair.new.text, language, pair.new.section) if pair.new else ClauseFacts()
    with_phones = bool(old_facts.phones or new_facts.phones)
    written = None
    if with_phones:  # national-format numbers of each side, cue or not: the clause's and its document's
        written = tuple(contacts.phone_candidates(clause.text, language) + document if clause else document
                        for clause, document in zip((pair.old, pair.new), context.phone_candidates(language)))
    found = fact_findings(pair, old_facts, new_facts, context.phones(language) if with_phones else None, written)
    clause = pair.new or pair.old
    if is_heading(pair, context.headings):
        return found or [editorial(f"Heading changed: {quote(clause.text)}", "structure:heading", pair)]
    if found and pair.kind != "removed":
        return found
    if pair.kind == "modified":
        texts = phones_masked(pair.old.text, pair.new.text, language) if with_phones else None
        if texts and not any(word_changes(*texts)):
            before, after = (list(dict.fromkeys(p.text for p in side))
                             for side in phones_written(pair.old.text, pair.new.text, language))
            if before != after:
                return [editorial(f"The same phone number written another way: {join_words(before)} "
                                   f"→ {join_words(after)}", "fact:same_phone", pair)]
        wording = judge_wording(pair, language, context.systematic, texts)
        if isinstance(wording, Finding):
            return [wording]
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
    category, rule = _category_of(pair, language, old_facts, new_facts)
    if category is None:
        return [editorial(f"Unclassified wording {pair.kind}: {quote(clause.text)}", "cue:none", pair)]
    return [_practice_finding(pair, category, rule, substantive, language)]


def _practice_finding(pair: ClausePair, category: str, rule: str, substantive: list[str],
                      language: str | None) -> Finding:
    label = category.replace("_", " ")
    old_text = pair.old.text if pair.old else ""
    new_text = pair.new.text if pair.new else ""
    new_risks = [c for c in high_risk_cues(new_text, category, language)
                 if c not in high_risk_cues(old_text, category, language)]
    if pair.kind == "added":
        severity = "high" if new_risks else "medium"
        summary = f"New {label} clause: \"{quote(new_text)}\""
    elif pair.kind == "removed":
        severity = "high" if category in ("rights", "security", "children") else "medium"
        if category == "sharing":
            severity = "low"
        summary = f"{label.capitalize()} clause removed: \"{quote(old_text)}\""
    else:
        flipped = any(w in negations(language) for w in substantive)
        if new_risks or flipped:
            severity = "high"
        else:
            severity = "low" if len(substantive) <= SMALL_CHANGE_WORDS else "medium"
        summary = f"{label.capitalize()} clause changed: \"{quote(new_text)}\""
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
        compare_across_languages(old_clauses, new_clauses, old_lang, new_lang, comparison)
        return comparison
    pairs = align_clauses(old_clauses, new_clauses)
    context = DocumentContext(
        headings=frozenset(heading_key(c) for c in old_clauses + new_clauses if c.kind == "heading"),
        chrome=frozenset(chrome_blocks(old_clauses, "old") | chrome_blocks(new_clauses, "new")),
        systematic=systematic_words(pairs, new_lang or old_lang),
        old_text=old_text,
        new_text=new_text,
    )
    findings: list[Finding] = []
    for pair in pairs:
        findings += _judge(pair, _clause_language(pair, new_lang or old_lang), context)
    findings += seat_moves(pairs, findings, new_lang or old_lang)
    findings = merge_phone_findings(findings)
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
    found = document_facts(clauses, language)
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
        "contact_phones": [phone.text for phone, _ in document_phones(clauses, language)],
        "children_min_age": list(found["children"]),
        "recipients": list(dict.fromkeys(labelled["recipients"])),
        "purposes": list(dict.fromkeys(labelled["purposes"])),
        "data_collected": list(dict.fromkeys(labelled["data"])),
    }
