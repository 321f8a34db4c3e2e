"""What `compare` must understand: material changes in any language, and the noise that is not one."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from monitor.analysis import compare_texts, extract_facts
from monitor.analysis.align import align_clauses
from monitor.analysis.classify import classify_clause, section_category
from monitor.analysis.segment import split_clauses, split_sentences


def material(old: str, new: str) -> dict[str, object]:
    result = compare_texts(old, new)
    return {c.category: c for c in result.changes if c.material}


@pytest.mark.parametrize("old, new, category", [
    ("# Speicherdauer\nWir speichern Ihre Daten für zwei Jahre.",
     "# Speicherdauer\nWir speichern Ihre Daten für fünf Jahre.", "retention"),
    ("# Übermittlung\nIhre Daten werden auf Servern in Deutschland und Irland gespeichert.",
     "# Übermittlung\nIhre Daten werden auf Servern in Deutschland, Irland und den Vereinigten Staaten gespeichert.",
     "transfer"),
    ("# Weitergabe\nWir geben Ihre Daten nicht an Dritte weiter.",
     "# Weitergabe\nWir verkaufen Ihre Daten an Werbepartner.", "sharing"),
    ("# Bewaartermijn\nWij bewaren uw gegevens gedurende zes maanden.",
     "# Bewaartermijn\nWij bewaren uw gegevens gedurende achttien maanden.", "retention"),
    ("# Kinderen\nOnze diensten zijn niet bedoeld voor kinderen jonger dan 16 jaar.",
     "# Kinderen\nOnze diensten zijn niet bedoeld voor kinderen jonger dan 13 jaar.", "children"),
    ("# Uchovávání\nVaše údaje uchováváme po dobu pěti let.",
     "# Uchovávání\nVaše údaje uchováváme po dobu deseti let.", "retention"),
    ("# Předávání\nVaše údaje mohou být předány do Spojených států.",
     "# Předávání\nVaše údaje mohou být předány do Spojených států a do Indie.", "transfer"),
    ("# Contact\nÉcrivez-nous à dpo@exemple.fr.", "# Contact\nÉcrivez-nous à privacy@exemple.fr.", "contact"),
    ("# Finalités\nNous utilisons vos données pour fournir le service.",
     "# Finalités\nNous utilisons vos données pour fournir le service et pour entraîner nos modèles "
     "d'intelligence artificielle.", "purpose"),
    ("# Your rights\nYou have the right to access your data.\nYou have the right to request deletion of your data.",
     "# Your rights\nYou have the right to access your data.", "rights"),
    ("# Data\nWe collect your name and email address.",
     "# Data\nWe collect your name, email address and precise location.", "collection"),
    ("# Cookies\nWe use cookies to remember your preferences.",
     "# Cookies\nWe use cookies and third-party tracking pixels for targeted advertising.", "tracking"),
    ("# Sharing\nWe do not sell your personal information.", "# Sharing\nWe sell your personal information.",
     "sharing"),
    ("# Seguridad\nUtilizamos cifrado para proteger sus datos.",
     "# Seguridad\nUtilizamos medidas razonables para proteger sus datos.", "security"),
    ("# Хранение\nМы храним ваши данные в течение шести месяцев.",
     "# Хранение\nМы храним ваши данные в течение двух лет.", "retention"),
])
def test_a_material_change_is_reported_in_its_category_in_every_language(old, new, category):
    assert set(material(old, new)) == {category}


@pytest.mark.parametrize("old, new", [
    ("Last updated: May 1, 2025\n# Data\nWe collect your name.", "Last updated: June 3, 2025\n# Data\nWe collect your name."),
    ("# Data\nWe colect your name.", "# Data\nWe collect your name."),
    ("- We share data with partners.\n- We use cookies.", "- We use cookies.\n- We share data with partners."),
    ("# Data\nWe collect your name.\nWe collect your name.", "# Data\nWe collect your name."),
    ("# Data\nWe collect your name, e.g. your nickname.", "# Data\nWe collect your name, e.g. your nickname. "),
    ("Contact: [email protected]", "Contact: dataprotectio[email protected]"),
])
def test_dates_typos_reordering_and_duplicates_are_not_material(old, new):
    result = compare_texts(old, new)
    assert not result.material, [c.summary for c in result.changes]


def test_a_longer_retention_is_high_severity_with_iso_values():
    result = compare_texts("# Retención\nEn general, conservaremos tu información durante 1 año.",
                           "# Retención\nEn general, conservaremos tu información durante 3 años.")
    change = material(
        "# Retención\nEn general, conservaremos tu información durante 1 año.",
        "# Retención\nEn general, conservaremos tu información durante 3 años.")["retention"]
    assert (change.old_values, change.new_values, change.severity) == (["P1Y"], ["P3Y"], "high")
    assert change.summary == "Keeps personal data 3 years instead of 1 year"
    assert result.language == {"old": "es", "new": "es"}


def test_a_new_destination_country_is_high_and_named_in_plain_words():
    change = material("Servers in the United States and Canada store your data.",
                      "Servers in the United States, Canada and India store your data.")["transfer"]
    assert set(change.new_values) - set(change.old_values) == {"IN"}
    assert change.severity == "high" and "India" in change.summary


def test_selling_data_is_high_severity_and_explained_by_its_cue():
    change = material("# Compartir\nUtilizamos proveedores de servicios.",
                      "# Compartir\nUtilizamos proveedores de servicios. Además, podemos vender su información "
                      "personal a socios publicitarios y corredores de datos.")["sharing"]
    assert change.severity == "high"
    assert "practices:sale" in change.rule and change.old_text == ""


def test_a_lower_minimum_age_is_high_severity():
    change = material("Users must be at least 16 years old.", "Users must be at least 13 years old.")["children"]
    assert (change.old_values, change.new_values, change.severity) == (["16"], ["13"], "high")


def test_a_date_moved_alone_is_noted_and_a_material_change_without_new_date_too():
    quiet = compare_texts("Last updated: 30 May 2026\nWe keep data for 1 year.",
                          "Last updated: 2 November 2026\nWe keep data for 1 year.")
    assert not quiet.material and quiet.new_date == "2026-11-02"
    assert any("no material change" in n for n in quiet.notes)
    loud = compare_texts("Last updated: 30 May 2026\nWe keep data for 1 year.",
                         "Last updated: 30 May 2026\nWe keep data for 5 years.")
    assert loud.material and any("without a new" in n for n in loud.notes)


def _seed(prefix: str, fixtures) -> str:
    return next(fixtures.joinpath("seeds").glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture
def fixtures():
    from pathlib import Path

    return Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("old, new, periods", [
    ("001", "003", (["P3Y"], ["P2Y"])),
    ("003", "004", (["P2Y"], ["P1Y"])),
    ("001", "004", (["P3Y"], ["P1Y"])),
])
def test_language_versions_of_one_template_disagree_on_retention_and_agree_on_destinations(
        fixtures, old, new, periods):
    from monitor.normalize import normalize_plain

    result = compare_texts(normalize_plain(_seed(old, fixtures)), normalize_plain(_seed(new, fixtures)))
    changes = {c.category: c for c in result.changes}
    assert (changes["retention"].old_values, changes["retention"].new_values) == periods
    assert "transfer" not in changes
    assert any("China and Singapore" in note for note in result.notes)


def test_facts_of_a_version_are_normalised(fixtures):
    from monitor.normalize import normalize_plain

    facts = extract_facts(normalize_plain(_seed("003", fixtures)))
    assert facts["language"] == ["cs"]
    assert facts["retention"] == ["P2Y"]
    assert set(facts["transfer"]) == {"CN", "SG"}


def test_sentences_split_but_abbreviations_stay_whole():
    assert split_sentences("We use data, e.g. your name. We keep it in the U.S. for a year.") == [
        "We use data, e.g. your name.", "We keep it in the U.S. for a year."]


def test_a_street_abbreviation_does_not_end_the_sentence():
    assert split_sentences("Usercentrics GmbH, Sendlinger Str. 7, 80331 Munich. We use it for consent.") == [
        "Usercentrics GmbH, Sendlinger Str. 7, 80331 Munich.", "We use it for consent."]


def test_an_address_after_its_label_stays_with_its_sentence_whether_cloudflare_hides_it_or_not():
    shown = "Write to the authority, 1 Main Street, Helsinki. E-mail: office@example.fi. We answer within a month."
    hidden = shown.replace("office@example.fi", "[email protected]")
    assert split_sentences(shown) == ["Write to the authority, 1 Main Street, Helsinki. E-mail: office@example.fi.",
                                      "We answer within a month."]
    assert split_sentences(hidden) == ["Write to the authority, 1 Main Street, Helsinki. E-mail: [email protected].",
                                       "We answer within a month."]


def test_language_versions_write_one_postal_address_whose_place_names_are_translated():
    french = ("# Nous contacter\nPour toute question sur vos données personnelles, écrivez à notre délégué à la "
              "protection des données, Acme Airlines, 45, rue de Paris, 95 747 Roissy CDG cedex, ou à notre bureau "
              "BP 7700 1117 ZL Aéroport de Schiphol. Nous répondons à chaque demande dans un délai d'un mois.")
    english = ("# Contact us\nFor any question about your personal data, write to our data protection officer, "
               "Acme Airlines, 45, rue de Paris 95747 Roissy CDG, or to our office BP 7700 1117 ZL Schiphol Airport. "
               "We answer every request within one month.")
    assert not compare_texts(french, english).material
    assert compare_texts(french, english.replace("BP 7700 1117", "BP 7800 1118")).material


def test_clauses_carry_their_section_heading():
    clauses = split_clauses("# Retention\nWe keep data. We delete it later.\n- a list item")
    assert [(c.text, c.section, c.kind) for c in clauses] == [
        ("Retention", "Retention", "heading"), ("We keep data.", "Retention", "sentence"),
        ("We delete it later.", "Retention", "sentence"), ("a list item", "Retention", "item")]


def test_a_hard_wrapped_paragraph_is_read_as_its_sentences_not_its_printed_lines():
    text = ("# Verification\nWe keep the scans until we no longer need them or for\n\nthree years after your last "
            "visit, whichever\n\ncomes first.\n\nOur Partners\n\n- We share your data with\n\nour hosting provider.")
    assert [(c.text, c.kind) for c in split_clauses(text)] == [
        ("Verification", "heading"),
        ("We keep the scans until we no longer need them or for three years after your last visit, whichever "
         "comes first.", "sentence"),
        ("Our Partners", "sentence"), ("We share your data with our hosting provider.", "item")]


def test_only_the_rest_of_a_sentence_goes_on_the_line_before_it():
    text = ("Prospects' data is kept for\n\nthree years after the last contact.\n\nWe use your data to\n\n"
            "a) answer your questions\n\nAccept all | Reject all | Cookie settings\n\nupdated on 10/12/2021")
    assert [c.text for c in split_clauses(text)] == [
        "Prospects' data is kept for three years after the last contact.", "We use your data to",
        "a) answer your questions", "Accept all | Reject all | Cookie settings", "updated on 10/12/2021"]


def test_a_sentence_broken_by_a_printed_pages_running_head_is_one_sentence_and_the_head_stays_apart():
    head = "Example Ltd Privacy Notice"
    text = f"{head}\n\nWe collect your name and\n\n{head}\n\nyour address.\n\n{head}\n\nWe keep it a year."
    assert [c.text for c in split_clauses(text)] == [
        head, "We collect your name and your address.", head, head, "We keep it a year."]
    footed = "We share your name with\n\nExample | 52\n\ncarriers, and your address with\n\nExample | 53\n\nbanks.\n\nExample | 54"
    assert [c.text for c in split_clauses(footed)][0] == "We share your name with carriers, and your address with banks."
    page = "Our terms\n\nWe collect your name and\n\nOur terms\n\nyour address."  # a line twice: no running head
    twice = page + "\n\n" + page  # a page captured twice writes each line twice as often
    assert [c.text for c in split_clauses(twice)] == [c.text for c in split_clauses(page)] * 2


def test_a_moved_clause_is_aligned_with_itself_and_a_modified_one_with_its_old_self():
    old = split_clauses("A first clause about cookies.\nWe keep your data for one year.\nLast clause here.")
    new = split_clauses("Last clause here.\nA first clause about cookies.\nWe keep your data for two years.")
    pairs = align_clauses(old, new)
    assert [(p.kind, p.old.text, p.new.text) for p in pairs] == [
        ("modified", "We keep your data for one year.", "We keep your data for two years.")]


def test_classification_says_which_cues_fired():
    result = classify_clause("We may share your data with third parties.", "", "en")
    assert result.category == "sharing" and "third part*" in result.rule


def test_headings_that_are_really_list_items_or_a_table_of_contents_do_not_open_sections():
    text = ("# Purposes\nWe process your data for:\n## marketing\n## analytics\nWe keep data one year.\n"
            "# Contents\n## 1. Retention\n## 2. Contact\n## RETENTION\nWe keep data one year.")
    clauses = split_clauses(text)
    assert [(c.text, c.kind, c.section) for c in clauses if c.text in ("marketing", "analytics")] == [
        ("marketing", "item", "Purposes"), ("analytics", "item", "Purposes")]
    assert [c.section for c in clauses if c.text == "We keep data one year."] == ["Purposes", "RETENTION"]


def test_a_renamed_table_of_contents_entry_is_structure_not_a_practice():
    old = "## Contents\n## 1. Sharing\n## 2. Contact\n## SHARING\nWe share data with partners.\n## CONTACT\nMail us."
    new = old.replace("## 1. Sharing", "## 1. Sharing with others").replace("## SHARING", "## SHARING WITH OTHERS")
    assert not compare_texts(old, new).material


@pytest.mark.parametrize("old, new", [
    ("# Retention\nWe keep your messages for 28 days.", "# Retention\nWe keep your messages for four weeks."),
    ("# Your rights\nWe answer requests within 30 days.", "# Your rights\nWe answer requests within 45 days."),
    ("# Team\nOur staff has 10 years of experience with your data.",
     "# Team\nOur staff has 5 years of experience with your data."),
    ("# Retention\nWe may keep your messages for 28 days.", "# Retention\nWe might keep your messages for four weeks."),
    ("# Your rights\nWe may answer requests within 30 days.", "# Your rights\nWe might answer requests within 45 days."),
])
def test_durations_that_are_not_a_new_retention_period_are_not_material(old, new):
    result = compare_texts(old, new)
    assert not result.material, [(c.category, c.rule) for c in result.changes]


def test_a_response_time_change_is_reported_as_such_without_alarm():
    result = compare_texts("# Rights\nWe answer requests within 30 days.", "# Rights\nWe answer requests within 45 days.")
    (change,) = result.changes
    assert (change.category, change.material, change.rule) == ("rights", False, "fact:response_time_changed")
    assert "30 days to 45 days" in change.summary


def test_a_promise_to_answer_requests_in_time_withdrawn_or_newly_given_is_a_rights_change():
    paragraph = ("# Your data\nIf you want to access or control your data, use our web form. "
                 "We will respond to requests {}.\n# Security\nWe encrypt your data.")
    result = compare_texts(paragraph.format("within 30 days"), paragraph.format("as required by applicable law"))
    (change,) = [c for c in result.changes if c.material]
    assert (change.category, change.summary) == ("rights", "No longer says requests are answered within 30 days")
    assert [c.category for c in compare_texts(paragraph.format("as required by law"),
                                              paragraph.format("within one month")).changes if c.material] == ["rights"]
    shop = "# Orders\nSellers ship every order they accept.{}\n# Fees\nFees are due monthly."
    assert not compare_texts(shop.format(""), shop.format(" They must fulfil 89% of orders within 90 days.")).material


def test_countries_in_a_list_introduced_as_outside_the_eea_are_where_data_goes():
    listed = ("# Customer support\nThe following service providers are established outside the European Economic "
              "Area, so your data may be transferred outside the EEA under standard contractual clauses:\n\n"
              "1.  Transcom Worldwide Tunis Sarl (Tunisia);\n{}\n# Security\nWe encrypt your data.\n")
    result = compare_texts(listed.format(""), listed.format("2.  Helpware Inc. (Ukraine, Mexico)."))
    change = {c.category: c for c in result.changes if c.material}["transfer"]
    assert {"UA", "MX"} <= set(change.new_values)
    shops = "# Our shops\nVisit one of our shops:\n\n1.  Paris (France);\n{}\n# Security\nWe encrypt your data.\n"
    assert "transfer" not in {c.category for c in compare_texts(shops.format(""), shops.format("2.  Kyiv (Ukraine).")).changes
                              if c.material}


def test_handing_data_over_to_nowhere_abroad_is_sharing_not_transfer():
    result = compare_texts("# Weitergabe\nWir geben keine Daten weiter.",
                           "# Weitergabe\nWir übermitteln Ihre Daten an Werbepartner.")
    material = {c.category for c in result.changes if c.material}
    assert "sharing" in material and "transfer" not in material


def test_the_company_moving_its_seat_abroad_is_a_contact_change_not_a_transfer():
    result = compare_texts("# Contact\nAcme Ltd., 14 Harbour Street, Edinburgh EH6 6LS, United Kingdom.",
                           "# Contact\nAcme Ltd., 3 Grand Canal Quay, Dublin D02 X576, Ireland.")
    change = {c.category: c for c in result.changes if c.material}["contact"]
    assert (change.old_values, change.new_values) == (["GB"], ["IE"])
    assert "transfer" not in {c.category for c in result.changes if c.material}


def test_page_furniture_leaking_into_a_scrape_is_not_policy_text():
    old = "# Cookies\nWe use cookies to remember you.\n# Sharing\nWe share data with processors."
    new = ("We use cookies to analyse site traffic.\nAccept | Decline\n# Cookies\nBack to top\n"
           "We use cookies to remember you.\n# Sharing\nBack to top\nWe share data with processors.\nBack to top")
    result = compare_texts(old, new)
    assert not result.material, [(c.category, c.rule) for c in result.changes]


def test_a_paragraph_of_the_policy_with_a_cookie_settings_button_below_it_is_no_banner():
    old = ("# Cookies\nWe use cookies to remember you.\n# Sharing\nWe share data with processors, and third parties "
           "collect some information about your activity through cookies, as our cookie policy explains.\n"
           "# Contact\nWrite to privacy@example.com.")
    opt_out = old.replace("as our cookie policy explains.", "as our cookie policy explains. You can opt out of "
                          "sharing your personal information for cross-context behavioral advertising by clicking "
                          "the button below. If you opt out of this sharing, you may still see our ads on other companies' "
                          "websites, but those ads may be less relevant to you. This sharing is limited to data collected "
                          "from our public websites and does not occur when you are logged in.\nCookie Settings")
    assert compare_texts(old, opt_out).material
    banner = old.replace("# Cookies", "We use cookies to analyse site traffic.\nAccept | Decline\n# Cookies")
    assert not compare_texts(old, banner).material


def test_a_rewording_made_throughout_the_document_is_editorial():
    old = ("# Data\nWe collect personal data you give us.\nWe use personal data to run the service.\n"
           "# Sharing\nWe share personal data with processors.\nWe never sell personal data.")
    result = compare_texts(old, old.replace("personal data", "personal information"))
    assert not result.material


@pytest.mark.parametrize("old, new", [
    ("# Sharing\nWe may share data with processors.", "# Sharing\nWe might share data with processors."),
    ("# Sharing\nWe don't sell your data.", "# Sharing\nWe do not sell your data."),
    ("# Contact\nWrite to us by e-mail.", "# Contact\nWrite to us by email."),
])
def test_synonyms_and_contractions_say_the_same_thing(old, new):
    assert not compare_texts(old, new).material


@pytest.mark.parametrize("language", ["en", None])
def test_contractions_are_expanded_only_where_they_stand_whole(language):
    from monitor.analysis.wording import tokens as _tokens, word_changes as _word_changes

    assert _tokens("We collect 'device' identifiers; we'd keep them.", language) == [
        "we", "collect", "device", "identifiers", "we", "would", "keep", "them"]  # not "wouldevice"
    assert _word_changes("We collect device IDs.", "We collect 'device' IDs.", language) == ((), ())
    assert _tokens("The visit's log", language) == ["the", "visit", "s", "log"]  # no "it's" in "visit's"
    assert _tokens("It's kept; we don't sell it and won't.", language) == _tokens(
        "It is kept; we do not sell it and will not.", language)


def test_synonym_phrases_are_replaced_only_as_whole_words():
    from monitor.analysis.wording import tokens as _tokens

    assert _tokens("our personal database", "en") == ["our", "personal", "database"]  # not "synonym…base"
    assert _tokens("by e-mailing you", "en") == ["by", "e", "mailing", "you"]
    assert _tokens("your personal data", "en") == _tokens("your personal information", "en")
    assert _tokens("by e-mail.", "en") == _tokens("by email.", "en")
    assert _tokens("por correo electrónico", "es") == _tokens("por e-mail", "es")


def test_cues_match_whole_words_prefixes_wildcards_and_phrases_across_light_punctuation_only():
    from monitor.analysis.lexicon import CueIndex

    cues = [(("g", "word"), "sell"), (("g", "prefix"), "retain*"), (("g", "one"), "behavio?r"),
            (("g", "phrase"), "personal data"), (("g", "gap"), "share * partners"),
            (("g", "prefixed phrase"), "transfer* abroad"), (("g", "long"), "we do not sell")]
    index = CueIndex(cues)

    def found(text: str) -> set[str]:
        return {group[1] for group in index.scan(text.casefold())}

    assert found("We retained personal, data; we share it with partners.") == {"prefix", "phrase"}
    assert found("We share it with partners. We Sell nothing.") == {"word"}
    assert found("We share our partners lists, transferred: abroad.") == {"gap", "prefixed phrase"}
    assert found("Behavior and behaviour; reseller.") == {"one"}
    assert found("We do not sell it.") == {"long", "word"}
    assert found("personal / data, we do (not) sell") == {"word"}
    assert index.find("sell, sell, we do not sell") == {0: 0, 6: 2}


def test_month_words_leave_out_cldr_narrow_forms_and_single_letters():
    from monitor.analysis.wording import is_date_token as _is_date_token, month_words as _month_words

    words = _month_words()
    assert {"january", "jan", "mai", "juin", "мая", "ledna"} <= words
    assert not [w for w in words if len(w) < 2]
    assert not any(_is_date_token(letter) for letter in ("j", "f", "m", "a", "e", "o", "w", "и", "с"))
    assert all(_is_date_token(word) for word in ("12", "1st", "avril", "d", "de"))  # "d'avril": an elided "de"


@pytest.mark.parametrize("old, new, lang", [
    ("# Conservazione\nDal 1 gennaio 2025 i dati sono cancellati e anonimizzati.",
     "# Conservazione\nDal 1 gennaio 2025 i dati sono cancellati o anonimizzati.", "it"),  # "and" → "or"
    ("# Updates\nFrom 1 May 2025 we send a notice.", "# Updates\nFrom 1 May 2025 we send notice.", "en"),
])
def test_a_one_letter_word_changed_next_to_a_date_is_no_date_change(old, new, lang):
    rules = [c.rule for c in compare_texts(old, new, lang).changes]
    assert rules and "words:date_only" not in rules


def test_a_changed_clause_is_searched_for_places_and_read_for_word_changes_once(monkeypatch):
    from collections import Counter

    from monitor.analysis import findings, wording
    from monitor.analysis.facts import places

    found, read = Counter(), Counter()
    find_places, tokens = places.find_places, wording.tokens

    def counting_places(text, lang, **options):
        found[text] += 1
        return find_places(text, lang, **options)

    def counting_tokens(text, language=None):
        read[text, language] += 1
        return tokens(text, language)

    monkeypatch.setattr(places, "find_places", counting_places)
    monkeypatch.setattr(wording, "tokens", counting_tokens)
    findings._clause_facts.cache_clear()
    wording.word_changes.cache_clear()
    old = "# International transfers\nWe transfer your data outside the EEA to Canada under standard contractual clauses."
    new = ("# International transfers\nWe transfer your data outside the EEA to Canada on the basis of an adequacy "
           "decision instead.")
    result = compare_texts(old, new, "en")
    assert [c.category for c in result.changes] == ["transfer"]
    assert found and max(found.values()) == 1, found
    assert read and max(read.values()) == 1, read


def test_a_month_moved_into_an_elided_de_is_a_date_change():
    old = "# Mises à jour\nEn vigueur en avril 2025, remplace celle de janvier 2025."
    new = "# Mises à jour\nEn vigueur en juin 2025, remplace celle d'avril 2025."
    assert [c.rule for c in compare_texts(old, new, "fr").changes] == ["words:date_only"]


def _spanish_close_to_portuguese() -> str:
    """Three paragraphs of the Spanish seed whose small words Portuguese largely shares."""
    from conftest import FIXTURES

    text = (FIXTURES / "seeds" / "004_1c8bf60ca69b5b97.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n") if len(p) > 200]
    return "\n".join(paragraphs[i] for i in (2, 3, 11))


def test_a_declared_language_the_text_bears_out_is_taken_without_loading_the_model():
    from monitor.analysis import lang

    text = _spanish_close_to_portuguese()
    assert lang._by_function_words(text) is None  # Spanish leads Portuguese, but not twice over
    lang._identifier.cache_clear()
    lang.identify.cache_clear()
    assert lang.detect_language(text, hint="es") == "es"
    assert lang._identifier.cache_info().currsize == 0
    assert lang.detect_language(text, hint="pt") == "es"  # a declaration the text does not bear out: the model
    assert lang.detect_language(text) == "es"


# --- phone numbers ---------------------------------------------------------------------------

CONTACT_BLOCKS = {
    "fr": "# Contact\nACME SAS, 12 rue de la Paix, 75002 Paris, RCS Paris 123 456 789.\n"
          "Délégué à la protection des données : dpo@acme.fr, téléphone : {phone}.\n"
          "# Conservation\nNous conservons vos données pendant 3 ans.",
    "de": "# Verantwortlicher\nMuster GmbH, Musterstraße 1, 10117 Berlin, HRB 123456.\n"
          "Unseren Datenschutzbeauftragten erreichen Sie per E-Mail an datenschutz@muster.de oder unter Telefon {phone}.\n"
          "# Speicherdauer\nWir speichern Ihre Daten für 2 Jahre.",
    "ru": "# Контакты\nООО «Ромашка», ОГРН 1027700132195, 101000, г. Москва.\n"
          "По вопросам обработки данных пишите на dpo@romashka.ru или звоните по телефону {phone}.\n"
          "# Хранение\nМы храним ваши данные в течение трёх лет.",
    "cs": "# Kontakt\nFirma s.r.o., IČO: 12345678, Na Příkopě 1, 110 00 Praha 1.\n"
          "Pověřenec pro ochranu osobních údajů: dpo@firma.cz, tel.: {phone}.\n"
          "# Uchovávání\nVaše údaje uchováváme po dobu pěti let.",
    "en": "# Contact us\nAcme Ltd, company number 01234567, 14 Harbour Street, London EC1A 1BB.\n"
          "You can reach our data protection officer at dpo@acme.co.uk or by phone on {phone}.\n"
          "# Retention\nWe keep your data for 2 years.",
}


@pytest.mark.parametrize("lang, old_phone, new_phone", [
    ("fr", "+33 1 23 45 67 89", "+33 9 87 65 43 21"),
    ("fr", "01 23 45 67 89", "09 87 65 43 21"),
    ("de", "(030) 1234567", "(040) 7654321"),
    ("de", "+49 30 1234567", "+49 89 7654321"),
    ("ru", "8 800 555-35-35", "8 800 200-00-00"),
    ("ru", "+7 (495) 123-45-67", "+7 (812) 765-43-21"),
    ("cs", "123 456 789", "987 654 321"),
    ("cs", "+420 123 456 789", "+420 987 654 321"),
    ("en", "020 7946 0958", "020 7946 0123"),
    ("en", "+44 20 7946 0958", "+1 (555) 123-4567"),
])
def test_a_replaced_phone_number_is_a_material_contact_change_with_both_numbers(lang, old_phone, new_phone):
    template = CONTACT_BLOCKS[lang]
    result = compare_texts(template.format(phone=old_phone), template.format(phone=new_phone))
    assert {c.category for c in result.changes if c.material} == {"contact"}
    change = material(template.format(phone=old_phone), template.format(phone=new_phone))["contact"]
    assert change.summary == f"Contact phone changed from {old_phone} to {new_phone}"
    assert (change.old_values, change.new_values, change.severity) == ([old_phone], [new_phone], "medium")
    assert result.language == {"old": lang, "new": lang}


@pytest.mark.parametrize("lang, old_phone, new_phone", [
    ("fr", "+33 1 23 45 67 89", "+33 (0)1 23 45 67 89"),
    ("fr", "+33 1 23 45 67 89", "+33.1.23.45.67.89"),
    ("fr", "01 23 45 67 89", "+33 1 23 45 67 89"),
    ("de", "(030) 1234567", "+49 (0)30 1234567"),
    ("de", "030 1234567", "030/1234567"),
    ("ru", "8 800 555-35-35", "+7 800 555 35 35"),
    ("cs", "+420 123 456 789", "123 456 789"),
    ("en", "020 7946 0958", "+44 (0)20 7946 0958"),
])
def test_a_phone_number_written_another_way_is_no_change(lang, old_phone, new_phone):
    template = CONTACT_BLOCKS[lang]
    result = compare_texts(template.format(phone=old_phone), template.format(phone=new_phone))
    assert not result.material, [c.summary for c in result.changes]
    # the same number, however written or punctuated ("+33.1.23…", "030/123…"): editorial at most
    assert all(c.category == "editorial" and c.rule in ("fact:same_phone", "words:formatting") for c in result.changes)


def test_a_reformatted_phone_number_is_noted_as_such():
    template = CONTACT_BLOCKS["fr"]
    [change] = compare_texts(template.format(phone="01 23 45 67 89"), template.format(phone="+33 (0)1 23 45 67 89")).changes
    assert (change.category, change.material, change.severity) == ("editorial", False, "none")
    assert change.summary == "The same phone number written another way: 01 23 45 67 89 → +33 (0)1 23 45 67 89"


def test_a_phone_line_reworded_with_its_number_reformatted_is_no_change():
    result = compare_texts("# Contact\nWrite to privacy@acme.com.\nPhone: 020 7946 0958",
                           "# Contact\nWrite to privacy@acme.com.\nTelephone: +44 20 7946 0958")
    assert not result.material, [c.summary for c in result.changes]


def test_a_phone_number_added_next_to_an_unchanged_email_is_a_new_contact_point():
    result = compare_texts("# Contact\nQuestions? Write to privacy@acme.com.",
                           "# Contact\nQuestions? Write to privacy@acme.com or call us on 0800 123 4567.")
    change = {c.category: c for c in result.changes if c.material}["contact"]
    assert change.summary == "New contact phone: 0800 123 4567"
    assert (change.old_values, change.new_values, change.severity) == ([], ["0800 123 4567"], "medium")
    assert "privacy@acme.com" not in change.summary


def test_a_dot_added_inside_an_e_mail_address_is_another_mailbox_not_punctuation():
    template = ("# Vos droits\nVous pouvez vous opposer à recevoir nos offres en contactant le Service Clients "
                "(par email {}).\n")
    result = compare_texts(template.format("serviceclients@exemple.fr"), template.format("service.clients@exemple.fr"))
    change = {c.category: c for c in result.changes if c.material}["contact"]
    assert (change.old_values, change.new_values) == (["serviceclients@exemple.fr"], ["service.clients@exemple.fr"])
    spaced = compare_texts(template.format("serviceclients@exemple.fr"), template.format("serviceclients@exemple.fr ."))
    assert not spaced.material


def test_a_removed_phone_number_is_reported_with_its_value():
    result = compare_texts("# Kontakt\nSchreiben Sie an datenschutz@muster.de oder rufen Sie an: Tel. +49 30 1234567.",
                           "# Kontakt\nSchreiben Sie an datenschutz@muster.de.")
    change = {c.category: c for c in result.changes if c.material}["contact"]
    assert change.summary == "Contact phone +49 30 1234567 removed"
    assert (change.old_values, change.new_values) == (["+49 30 1234567"], [])


def test_a_new_number_given_in_two_places_is_named_once():
    result = compare_texts("# Contact\nWrite to privacy@acme.com or call 020 7946 0958.\n# About\nWe sell books.\n",
                           "# Contact\nCall us at 020 3000 1234.\nWrite to privacy@acme.com.\n# About\nWe sell books.\n"
                           "You may also call us at 020 3000 1234 for assistance.\n")
    change = {c.category: c for c in result.changes if c.material}["contact"]
    assert change.summary == "Contact phone changed from 020 7946 0958 to 020 3000 1234"


def test_a_phone_line_rewritten_around_a_new_number_is_one_replacement():
    result = compare_texts("# Contact\nWrite to privacy@acme.com.\nPhone: 020 7946 0958",
                           "# Contact\nWrite to privacy@acme.com.\nTelephone hotline: 020 3000 1234")
    change = {c.category: c for c in result.changes if c.material}["contact"]
    assert change.summary == "Contact phone changed from 020 7946 0958 to 020 3000 1234"
    assert (change.old_text, change.new_text) == ("Phone: 020 7946 0958", "Telephone hotline: 020 3000 1234")


def test_a_phone_number_that_moved_to_another_clause_did_not_change():
    old = "# Contact\nWrite to privacy@acme.com.\nOur office is open on weekdays. Phone: 020 7946 0958."
    new = ("# Contact\nWrite to privacy@acme.com or call our data protection team on +44 20 7946 0958.\n"
           "Our office is open on weekdays.")
    assert "fact:contact_phones" not in {c.rule for c in compare_texts(old, new).changes}



EN_POLICY = ("# Privacy Policy\nWe collect your name and e-mail address when you create an account.\n"
             "{clause}\nYou have the right to access and delete your personal data.")


@pytest.mark.parametrize("old, new", [
    ("Our customer service team is available at 020 7946 0958.", "Our customer service team is available at +44 20 7946 0958."),
    ("For questions about this policy dial 020 7946 0958.", "For questions about this policy dial +44 20 7946 0958."),
    ("Fax 020 7946 0000.", "Fax +44 20 7946 0000."),
    ("Phone | 020 7946 0958", "Phone: +44 20 7946 0958"),
    ("# Contact us\nPhone\n020 7946 0958", "# Contact us\nPhone\n+44 (0)20 7946 0958"),
])
def test_a_number_rewritten_in_international_form_is_no_change_even_without_a_cue(old, new):
    result = compare_texts(EN_POLICY.format(clause=old), EN_POLICY.format(clause=new))
    assert not result.material, [c.summary for c in result.changes if c.material]
    assert "fact:contact_phones" not in {c.rule for c in result.changes}


def test_an_international_number_matching_a_registration_number_is_still_new():
    old = "# Contact\nACME SAS, RCS Paris 123 456 789.\nÉcrivez à dpo@acme.fr."
    new = "# Contact\nACME SAS, RCS Paris 123 456 789.\nÉcrivez à dpo@acme.fr, téléphone : +33 1 23 45 67 89."
    assert material(old, new)["contact"].summary == "New contact phone: +33 1 23 45 67 89"


FR_POLICY = ("# Politique de confidentialité\nNous collectons votre nom et votre adresse e-mail lorsque vous "
             "créez un compte.\n{clause}\nVous disposez d'un droit d'accès et d'effacement de vos données.")
ES_POLICY = ("# Política de privacidad\nRecogemos su nombre y su dirección de correo electrónico cuando crea "
             "una cuenta.\n{clause}\nUsted tiene derecho a acceder a sus datos personales y a suprimirlos.")


@pytest.mark.parametrize("policy, old, new", [
    (EN_POLICY, "Trusted by +2 500 000 customers worldwide.", "Trusted by +2 700 000 customers worldwide."),
    (EN_POLICY, "Call us on 020 7946 0958 and 1234567 customers did so last year.",
     "Call us on 020 7946 0958 and 1345678 customers did so last year."),
    (ES_POLICY, "Atendemos llamadas: 1.234.567 al año.", "Atendemos llamadas: 1.345.678 al año."),
    (FR_POLICY, "Vous pouvez nous joindre par téléphone le 12 03 2024.",
     "Vous pouvez nous joindre par téléphone le 15 03 2024."),
    (EN_POLICY, "Fax: +44 20 7946 0000.", "Fax: +44 20 7946 0001."),
])
def test_a_count_a_date_or_a_fax_number_never_makes_a_phone_change(policy, old, new):
    result = compare_texts(policy.format(clause=old), policy.format(clause=new))
    assert "fact:contact_phones" not in {c.rule for c in result.changes}, [c.summary for c in result.changes]


@pytest.mark.parametrize("policy, old, new, summary", [
    (ES_POLICY, "Llámenos al 900 123 456.", "Llámenos al 900 123 457.",
     "Contact phone changed from 900 123 456 to 900 123 457"),
    (EN_POLICY, "Phone (toll-free): 1-800-555-0199", "Phone (toll-free): 1-888-555-0199",
     "Contact phone changed from 1-800-555-0199 to 1-888-555-0199"),
    (EN_POLICY, "Phone: +44 20 7946 0958 (2024)", "Phone: +44 20 7946 0959 (2024)",
     "Contact phone changed from +44 20 7946 0958 to +44 20 7946 0959"),
])
def test_a_phone_number_behind_a_newly_understood_cue_is_a_material_change(policy, old, new, summary):
    assert material(policy.format(clause=old), policy.format(clause=new))["contact"].summary == summary

@pytest.mark.parametrize("old, new", [
    ("# Contact\nACME SAS, 75002 Paris. Mise à jour le 01.02.2024.", "# Contact\nACME SAS, 75008 Paris. Mise à jour le 01.03.2025."),
    ("# Impressum\nHRB 123456, USt-IdNr. DE123456789.", "# Impressum\nHRB 654321, USt-IdNr. DE987654321."),
    ("# Контакты\nОГРН 1027700132195, ИНН 7707083893.", "# Контакты\nОГРН 1157746000000, ИНН 9701000000."),
    ("# Kontakt\nIČO: 12345678, 110 00 Praha 1.", "# Kontakt\nIČO: 87654321, 120 00 Praha 2."),
    ("# Security\nWe log IP addresses such as 192.168.100.200.", "# Security\nWe log IP addresses such as 10.100.200.250."),
])
def test_numbers_that_are_not_phone_numbers_never_make_a_phone_change(old, new):
    result = compare_texts(old, new)
    assert all("phone" not in c.summary.casefold() for c in result.changes), [c.summary for c in result.changes]


def test_phone_numbers_are_facts_of_a_version_next_to_the_emails():
    facts = extract_facts("# Contact\nDPO: dpo@acme.fr, tél. 01 23 45 67 89 (ou +33 1 23 45 67 89).\n"
                          "Service client : +33 9 87 65 43 21. SIRET 123 456 789 00012, 75002 Paris.")
    assert facts["contact"] == ["dpo@acme.fr"]
    assert facts["contact_phones"] == ["01 23 45 67 89", "+33 9 87 65 43 21"]


def test_language_versions_are_compared_on_their_phone_numbers():
    old = "# Contact\nÉcrivez à dpo@acme.fr ou appelez le 01 23 45 67 89."
    same = compare_texts(old, "# Contact\nWrite to dpo@acme.fr or call +33 1 23 45 67 89.")
    assert not same.material
    assert "Both language versions agree on contact phones: 01 23 45 67 89." in same.notes
    other = compare_texts(old, "# Contact\nWrite to dpo@acme.fr or call +33 9 87 65 43 21.")
    [change] = other.changes
    assert (change.category, change.old_values, change.new_values) == ("contact", ["01 23 45 67 89"],
                                                                       ["+33 9 87 65 43 21"])
    assert change.summary == ("Language versions disagree on contact phones: fr says 01 23 45 67 89, "
                              "en says +33 9 87 65 43 21")


def test_a_phone_cue_abbreviation_does_not_end_the_sentence():
    assert split_sentences("Contact : tél. 01 23 45 67 89 ou par courrier.") == [
        "Contact : tél. 01 23 45 67 89 ou par courrier."]
    assert split_sentences("Звоните: тел. 8 800 555-35-35.") == ["Звоните: тел. 8 800 555-35-35."]


@pytest.mark.parametrize("heading, language, category", [
    ("6. How long we keep information about you", "en", "retention"),
    ("Wie lange speichern wir Ihre Daten?", "de", "retention"),
    ("How we protect your information", "en", "security"),
    ("Comment protégeons-nous vos données ?", "fr", "security"),
    ("Datensicherheit", "de", "security"),
    ("¿Cómo protegemos sus datos?", "es", "security"),
    ("Jak chráníme vaše údaje", "cs", "security"),
    ("Where we store your data", "en", "transfer"),
    ("Où sont stockées vos données ?", "fr", "transfer"),
    ("Waar slaan wij uw gegevens op?", "nl", "transfer"),
    ("Изменения политики", "ru", "policy_changes"),
])
def test_a_heading_that_asks_how_long_where_or_how_safely_announces_its_section(heading, language, category):
    assert section_category(heading, language) == category


def test_a_new_clause_whose_words_nearly_all_stand_in_one_longer_clause_is_relocated():
    """Whichever of its words is rarest, and in every process (the words are a set, hashed anew in each)."""
    common = ("Apples bananas cherries dates elderberries figs grapes honeydew kiwis lemons mangoes.\n"
              "Jackfruit and apples.\nBananas cherries dates elderberries figs grapes honeydew kiwis.\n")
    pairs = align_clauses(split_clauses(common), split_clauses(
        common + "Apples bananas cherries dates elderberries figs grapes honeydew kiwis jackfruit.\n"))
    assert [(p.kind, p.relocated) for p in pairs] == [("added", True)]


RELOCATION_IN_A_FRESH_PROCESS = """
from monitor.analysis.align import align_clauses
from monitor.analysis.segment import split_clauses
common = ("Apples bananas cherries dates elderberries figs grapes honeydew kiwis lemons mangoes.\\n"
          "Jackfruit nectarines oranges papayas.\\n")
added = "Apples bananas cherries dates elderberries figs grapes honeydew kiwis jackfruit.\\n"
print([(p.kind, p.relocated) for p in align_clauses(split_clauses(common), split_clauses(common + added))])
"""


def test_clauses_pair_the_same_way_in_every_process_whatever_its_string_hashing():
    """Every word of the new clause is as rare as the others: which one is looked at first must not
    depend on the process's hash seed."""
    seen = {subprocess.run([sys.executable, "-c", RELOCATION_IN_A_FRESH_PROCESS], capture_output=True, text=True,
                           check=True, env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout.strip()
            for seed in range(12)}
    assert seen == {"[('added', True)]"}
