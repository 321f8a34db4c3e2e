"""Languages beyond the first-class seven are data, not code: the same judgements in each of them.

Each language has a file in tests/fixtures/languages/<lang>.json, written in that language:
a short policy, edits of it that a reader of that language would report (or not), and sentences the
extractors are read on directly, in inflected forms ("dwa lata", "sześciu miesięcy", "w Stanach
Zjednoczonych", "3 de março de 2024"). Adding a language adds its lexicons and one such file.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from conftest import seed_text
from monitor.analysis import compare_texts
from monitor.analysis.classify import classify_clause
from monitor.analysis.facts import ages, dates, durations, places
from monitor.analysis.lang import detect_language
from monitor.analysis.lexicon import label_mentions
from monitor.analysis.practice import high_risk, practice_of

SPECS = {path.stem: json.loads(path.read_text(encoding="utf-8"))
         for path in sorted((Path(__file__).parent / "fixtures" / "languages").glob("*.json"))}
LANGUAGES = sorted(SPECS)
POLICIES = {lang: spec["policy"] for lang, spec in SPECS.items()}


def rows(table: str) -> list[tuple]:
    """(…, lang) rows of one table of every language's file."""
    return [(*row, lang) for lang, spec in SPECS.items() for row in spec.get(table, [])]


def compare_edit(lang: str, edit: str):
    old_fragment, new_fragment = SPECS[lang]["edits"][edit]
    old = POLICIES[lang]
    assert old_fragment in old, f"{lang}/{edit}: fragment not in the policy"
    return compare_texts(old, old.replace(old_fragment, new_fragment, 1))


def material_changes(comparison) -> dict[str, object]:
    return {change.category: change for change in comparison.changes if change.material}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_policy_language_is_detected(lang):
    comparison = compare_texts(POLICIES[lang], POLICIES[lang])
    assert comparison.language == {"old": lang, "new": lang}
    assert not comparison.material
    assert comparison.old_date == "2024-03-03"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_retention_change_in_number_words_is_reported_as_iso_durations(lang):
    changes = material_changes(compare_edit(lang, "retention"))
    assert set(changes) == {"retention"}
    old_value, new_value = SPECS[lang]["retention_change"]
    assert changes["retention"].old_values == [old_value]
    assert changes["retention"].new_values == [new_value]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_longer_retention_in_digits_is_graded_by_how_much_longer(lang):
    changes = material_changes(compare_edit(lang, "retention_digits"))
    assert changes["retention"].new_values == ["P36M"]
    assert changes["retention"].severity == "medium"  # half as long again; twice as long or more is high


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_new_destination_country_is_added_by_its_code(lang):
    changes = material_changes(compare_edit(lang, "transfer"))
    assert set(changes) == {"transfer"}
    transfer = changes["transfer"]
    assert set(transfer.new_values) - set(transfer.old_values) == set(SPECS[lang]["new_destinations"])
    assert "US" in transfer.old_values and transfer.severity == "high"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_new_we_sell_your_data_sentence_is_high_severity_sharing(lang):
    changes = material_changes(compare_edit(lang, "sale"))
    assert set(changes) == {"sharing"}
    assert changes["sharing"].severity == "high"
    assert "practices:sale" in changes["sharing"].rule


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_lowered_minimum_age_is_a_high_children_change(lang):
    changes = material_changes(compare_edit(lang, "age"))
    assert set(changes) == {"children"}
    assert changes["children"].old_values == ["16"] and changes["children"].new_values == ["13"]
    assert changes["children"].severity == "high"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_moved_date_alone_is_not_material(lang):
    comparison = compare_edit(lang, "date")
    assert not comparison.material
    assert comparison.old_date == "2024-03-03" and comparison.new_date is not None


def test_a_date_moved_to_a_swedish_only_month_name_is_not_material():
    old = POLICIES["sv"]
    assert not compare_texts(old, old.replace("3 mars 2024", "5 augusti 2024")).material


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_typo_fix_is_not_material(lang):
    assert not compare_edit(lang, "typo").material


@pytest.mark.parametrize("sentence, category, risky, lang", rows("classified"))
def test_clauses_are_classified_and_high_risk_practices_flagged(sentence, lang, category, risky):
    assert classify_clause(sentence, "", lang).category == category
    assert bool(high_risk(practice_of(sentence, lang).labels)) == risky


@pytest.mark.parametrize("sentence, labels, lang", rows("labels"))
def test_labels_and_their_denials(sentence, labels, lang):
    found = {(m.kind, m.label, m.negated) for m in label_mentions(sentence, lang)}
    assert {tuple(label) for label in labels} <= found


@pytest.mark.parametrize("sentence, lang", [(sentence, lang) for lang, spec in SPECS.items()
                                             for sentence in spec.get("not_practices", [])])
def test_commercial_terms_name_no_data_practice(sentence, lang):
    assert not label_mentions(sentence, lang)


@pytest.mark.parametrize("sentence, expected, lang", rows("retention_periods"))
def test_retention_periods_from_digits_and_inflected_number_words(sentence, lang, expected):
    assert durations.retention_periods(sentence, lang) == expected


@pytest.mark.parametrize("sentence, role, lang", rows("not_retention"))
def test_response_times_and_ages_are_not_retention(sentence, lang, role):
    found = durations.find_durations(sentence, lang)
    assert [d.role for d in found] == [role]
    assert durations.retention_periods(sentence, lang) == []


@pytest.mark.parametrize("sentence, label, lang", rows("retention_criteria"))
def test_retention_criteria(sentence, lang, label):
    assert label in durations.retention_criteria(sentence, lang)


@pytest.mark.parametrize("sentence, ages_found, lang", rows("minimum_ages"))
def test_minimum_ages(sentence, lang, ages_found):
    assert ages.minimum_ages(sentence, lang) == ages_found


@pytest.mark.parametrize("sentence, destinations, lang", rows("destinations"))
def test_transfer_destinations_in_inflected_forms(sentence, lang, destinations):
    assert places.transfer_destinations(sentence, lang) == destinations


@pytest.mark.parametrize("sentence, lang", rows("company_seats"))
def test_the_company_seat_is_an_address_not_a_destination(sentence, lang):
    assert places.transfer_destinations(sentence, lang) == []
    assert [place.role for place in places.find_places(sentence, lang)] == ["address"]


@pytest.mark.parametrize("sentence, lang", rows("nationality_adjectives"))
def test_nationality_adjectives_are_not_destinations(sentence, lang):
    assert places.transfer_destinations(sentence, lang) == []
    adjectives = [place for place in places.find_places(sentence, lang, include_adjectives=True)]
    assert [(place.code, place.role) for place in adjectives] == [("CN", "adjective")]


@pytest.mark.parametrize("text, date, lang", rows("declared_dates"))
def test_declared_dates(text, date, lang):
    assert dates.declared_date(text, lang) == datetime.date.fromisoformat(date)
    assert dates.is_date_line(text, lang)


@pytest.mark.parametrize("index, lang", [(0, "fr"), (1, "ru"), (2, "nl"), (3, "cs"), (4, "es")])
def test_real_policies_keep_their_language_beside_every_other_languages_small_words(index, lang):
    assert detect_language(seed_text(index)) == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_long_policy_is_told_apart_from_its_close_relatives(lang):
    assert detect_language("\n".join([POLICIES[lang]] * 3)) == lang


@pytest.mark.parametrize("sentence", [
    "We keep your data for six months and may transfer it to the United States.",
    "Our servers in Iceland store backups for two years.",
])
def test_new_languages_do_not_disturb_english_when_the_language_is_unknown(sentence):
    english_only = durations.retention_periods(sentence, "en"), places.transfer_destinations(sentence, "en")
    assert (durations.retention_periods(sentence, None), places.transfer_destinations(sentence, None)) == english_only
