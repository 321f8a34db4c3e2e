"""What real policy histories taught `compare`: noise that looked material, and real changes it missed.

Each case is a pattern seen in consecutive versions of published policies (issue 9), written here
in text of our own. A change is material when the practice it states changed (who gets what data,
for what, for how long, where, what the user can do), never because of the words around it.
"""

from __future__ import annotations

import re

import pytest

from monitor.analysis import compare_texts, declared_date, extract_facts
from monitor.analysis.chrome import chrome_blocks
from monitor.analysis.classify import classify_clause
from monitor.analysis.lexicon import label_mentions
from monitor.analysis.model import Change
from monitor.analysis.practice import clause_labels, organisations, practice_of, stating_words
from monitor.analysis.segment import split_clauses

POLICY = """# Privacy Policy
Last updated: 3 March 2025
# What we collect
We collect your name, email address and the pages you visit on our website.
# How we use your data
We use your data to provide the service and to send you our newsletter if you subscribe.
# Who we share it with
We share your data with our service providers, who process it on our behalf.
We do not sell your personal information.
# How long we keep it
We keep your account data for 2 years after you close your account.
# Your rights
You have the right to access and delete your data. You can lodge a complaint with the supervisory authority.
# Contact
Write to our Data Protection Officer at dpo@example.com or 12 Market Street, London EC1A 1BB.
"""


def material(old: str, new: str) -> dict[str, Change]:
    return {change.category: change for change in compare_texts(old, new, "en").changes if change.material}


def edit(old: str, new: str, text: str = POLICY) -> str:
    assert old in text, old
    return text.replace(old, new)


# --- Noise that real histories showed to be judged material ------------------------------------


def test_a_refreshed_statistics_table_is_not_a_change_of_rights():
    old = POLICY + ("# Transparency report\n| Year | Requests received | Requests answered | Mean response time (days) |\n"
                    "| 2023 | 1,204 | 1,190 | 12 |\n")
    new = POLICY + ("# Transparency report\n| Year | Requests received | Requests answered | Mean response time (days) |\n"
                    "| 2024 | 1,587 | 1,561 | 9 |\n")
    assert material(old, new) == {}


@pytest.mark.parametrize("old, new", [
    ("at dpo@example.com or", "at [email protected] or"),
    ("at [email protected] or", "at dpo@example.com or"),
])
def test_an_address_hidden_or_shown_by_email_protection_is_the_same_contact(old, new):
    hidden = edit("at dpo@example.com or", "at [email protected] or")
    before, after = (hidden, POLICY) if old.startswith("at [") else (POLICY, hidden)
    assert material(before, after) == {}


def test_accessibility_labels_added_to_links_are_not_a_change():
    old = POLICY + "- Cookie notice\n- Your privacy choices\n"
    new = POLICY + "- Cookie notice (opens in a new window)\n- Your privacy choices Opens a new window or tab\n"
    assert material(old, new) == {}


def test_a_table_of_contents_added_is_not_a_change():
    toc = "- What we collect\n- How we use your data\n- Who we share it with\n- How long we keep it\n- Your rights\n"
    new = edit("Last updated: 3 March 2025\n", "Last updated: 3 March 2025\n" + toc)
    assert material(POLICY, new) == {}


def test_a_related_links_list_reordered_or_relabelled_is_not_a_change():
    old = POLICY + "# Related\n- Cookie notice\n- Terms of use\n- Learn more about your rights\n"
    new = POLICY + "# Related\n- Terms of use\n- Read about your rights\n- Cookie notice\n"
    assert material(old, new) == {}


def test_british_spellings_and_synonyms_swapped_throughout_are_not_a_change():
    british = ("We collect your name and the pages you visit to personalise the service and analyse its use.\n"
               "We use cookies to remember your favourite settings and our programme preferences.\n")
    american = ("We collect your name and the pages you visit to personalize the service and analyze its use.\n"
                "We use cookies to remember your favorite settings and our program preferences.\n")
    assert material(POLICY + british, POLICY + american) == {}


def test_a_paragraph_moved_to_another_section_is_not_a_change():
    moved = edit("We do not sell your personal information.\n", "")
    moved = edit("# Your rights\n", "# Your rights\nWe do not sell your personal information.\n", moved)
    assert material(POLICY, moved) == {}


def test_a_redundant_paragraph_removed_while_its_statements_stay_elsewhere_is_not_a_change():
    redundant = edit("# Who we share it with\n", "# Who we share it with\n"
                     "Service providers that process data on our behalf may receive your data.\n")
    assert material(redundant, POLICY) == {}


def test_a_scope_introduction_reappearing_after_a_scrape_glitch_is_not_a_change():
    intro = ("This policy explains how we collect, use and share your data when you use our website, "
             "and the rights you have.\n")
    assert material(POLICY, edit("Last updated: 3 March 2025\n", "Last updated: 3 March 2025\n" + intro)) == {}


def test_a_page_that_is_not_the_policy_is_not_a_change_either_way():
    homepage = ("# Welcome to Example\nDiscover our new spring collection.\nFree delivery on orders over 50 euros.\n"
                "Shop women\nShop men\nSign up for our newsletter\n")
    for old, new in ((POLICY, homepage), (homepage, POLICY)):
        result = compare_texts(old, new, "en")
        assert not result.material
        assert any("captured instead" in note or "almost no text" in note for note in result.notes)


def test_sections_a_capture_missed_are_not_a_change_unless_the_policy_was_redated():
    california = ("# California residents\nYou have the right to know what we collect.\n"
                  "You have the right to opt out of the sale of your personal information.\n"
                  "You have the right to non-discrimination.\nAn authorized agent may act for you.\n"
                  "We will verify your request before we answer it.\nCall us toll-free to make a request.\n")
    assert material(POLICY + california, POLICY) == {}
    redated = edit("Last updated: 3 March 2025", "Last updated: 9 June 2026")
    assert "rights" in material(POLICY + california, redated)


def test_names_of_officers_removed_from_a_contact_block_are_not_a_change():
    named = edit("Write to our Data Protection Officer at", "Write to our Data Protection Officer, Jane Smith, "
                 "or our Chief Privacy Officer, John Doe, at")
    assert material(named, POLICY) == {}


# --- Real changes that were missed or mislabelled ----------------------------------------------


def test_a_new_payment_method_that_collects_bank_account_details_is_a_collection_change():
    new = edit("We collect your name, email address and the pages you visit on our website.",
               "We collect your name, email address and the pages you visit on our website. If you pay by direct "
               "debit, we also collect your bank account number (IBAN) and the account holder's name.")
    change = material(POLICY, new)["collection"]
    assert "bank account" in change.summary


def test_a_cookie_lifetime_stated_for_the_first_time_is_a_tracking_change_in_words():
    old = POLICY + "# Cookies\nWe use a cookie to remember your language.\n"
    new = POLICY + "# Cookies\nWe use a cookie, which expires after 13 months, to remember your language.\n"
    change = material(old, new)["tracking"]
    assert change.new_values == ["P13M"] and "13 months" in change.summary


def test_a_removed_we_do_not_sell_statement_is_a_high_severity_sharing_change():
    change = material(POLICY, edit("We do not sell your personal information.\n", ""))["sharing"]
    assert change.severity == "high"
    assert change.summary == "No longer says it does not sell personal information"


def test_a_change_in_the_middle_of_a_long_sentence_is_found_and_categorised():
    long = ("When you order from us, we share your name, postal address and the contents of your order with "
            "{who}, so that your parcel can be prepared, shipped and delivered to the address you gave us, "
            "and so that any return or complaint can be handled within the legal time limits.\n")
    old = POLICY + long.format(who="our delivery companies")
    new = POLICY + long.format(who="our delivery companies and our advertising partners")
    change = material(old, new)["sharing"]
    assert "advertising partners" in change.summary


# --- Plain words ---------------------------------------------------------------------------------


@pytest.mark.parametrize("old, new, category, summary", [
    ("We share your data with our service providers, who process it on our behalf.",
     "We share your data with our service providers, who process it on our behalf. We may sell your personal "
     "information to data brokers and advertising networks.",
     "sharing", "May now sell personal information to data brokers and advertising partners"),
    ("We use your data to provide the service and to send you our newsletter if you subscribe.",
     "We use your data to provide the service and to send you our newsletter if you subscribe. We use your "
     "conversations with our assistant to train our AI models.",
     "purpose", "Messages and content may now be used for training AI models"),
    ("We keep your account data for 2 years", "We keep your account data for 20 years",
     "retention", "Keeps account data 20 years instead of 2 years"),
    ("# Who we share it with\n", "# Who we share it with\nYour data is stored on servers in the United States.\n",
     "transfer", "Data may now be stored in the United States"),
])
def test_each_material_change_says_in_plain_words_what_the_practice_is_now(old, new, category, summary):
    assert material(POLICY, edit(old, new))[category].summary == summary


def test_severity_follows_the_size_of_the_change():
    def severity(years: str) -> str:
        return material(POLICY, edit("for 2 years", f"for {years}"))["retention"].severity

    assert (severity("20 years"), severity("3 years"), severity("1 year")) == ("high", "medium", "low")


def test_values_stay_iso_in_json_and_read_as_words_for_people():
    change = material(POLICY, edit("for 2 years", "for 10 years"))["retention"]
    data = change.to_json()
    assert (data["old_values"], data["new_values"]) == (["P2Y"], ["P10Y"])
    assert (data["old_words"], data["new_words"]) == (["2 years"], ["10 years"])


def test_a_whole_policy_rewrite_gives_a_short_list_of_the_practices_that_changed():
    rewrite = """# Our Privacy Notice
Effective 1 January 2026
# Information we gather
We gather your name, email address, precise location and voice recordings from our app.
# Purposes
We use this information to run the service, for targeted advertising and to train our AI models.
# Disclosure
We disclose information to advertising networks and data brokers, and we may sell it.
# Retention
Account data is kept for 5 years.
# International transfers
Data is stored in the United States and in India.
# Your choices
You can access your data. You can lodge a complaint with the supervisory authority.
# Contact
Email privacy@example.com.
"""
    changes = [c for c in compare_texts(POLICY, rewrite, "en").changes if c.material]
    assert 3 <= len(changes) <= 12
    assert {"sharing", "retention", "transfer"} <= {c.category for c in changes}
    assert all("\n" not in c.summary and len(c.summary) < 300 for c in changes)


# --- Facts you can trust -------------------------------------------------------------------------


def test_facts_keep_retention_periods_and_transfer_destinations_only():
    text = POLICY + ("We answer requests within 30 days. Our services are for people aged 16 or older. "
                     "Our head office is in Germany. Users in Switzerland have the same rights.\n"
                     "Your data is transferred to Singapore.\n")
    facts = extract_facts(text, "en")
    assert facts["retention"] == ["P2Y"]
    assert facts["transfer"] == ["SG"]


# --- Second round of real histories ------------------------------------------------------------


def test_a_postal_address_written_over_several_lines_that_moved_is_a_contact_change():
    block = "# Who we are\nThe company responsible for your information is:\n\nExample Limited\n{}\nUnited Kingdom\n"
    old = POLICY + block.format("40 Bank Street\nLondon E14 5DS")
    new = POLICY + block.format("22 Bishopsgate\nLondon EC2N 4BQ")
    change = material(old, new)["contact"]
    assert change.old_values == ["40 Bank Street, London E14 5DS, United Kingdom"]
    assert change.new_values == ["22 Bishopsgate, London EC2N 4BQ, United Kingdom"]


def test_an_office_to_write_to_moved_in_a_paragraph_that_runs_on_into_the_next_heading_is_a_contact_change():
    block = ("# More about us\nIf you have questions about this policy, please write to us.  \nYou can also send your views to our office at:  \n"
             "Example Inc.  \n{}  \n**A Note for Parents**  \nProtecting the privacy of young children is especially important.\n")
    old = POLICY + block.format("255 Executive Drive, Suite 400,  \nPlainview, NY 11803;")
    new = POLICY + block.format("4052 S 124th Street,  \nGreenfield, WI 53228;")
    change = material(old, new)["contact"]
    assert change.new_values == ["4052 S 124th Street, Greenfield, WI 53228"]


def test_an_address_line_written_another_way_over_several_lines_is_not_a_change():
    block = "# Who we are\nExample Inc.\n1 Example Way\n{}\n"
    old = POLICY + block.format("Menlo Park, California 94025")
    new = POLICY + block.format("Menlo Park, CA 94025")
    assert material(old, new) == {}


def test_a_post_office_box_is_a_postal_address():
    new = edit("or 12 Market Street, London EC1A 1BB.", "or Example Inc., P.O. Box 6098, Nashville, TN 37206.")
    change = material(POLICY, new)["contact"]
    assert change.new_values == ["P.O. Box 6098, Nashville, TN 37206"]


def test_a_new_company_named_as_data_controller_is_a_contact_change():
    old = POLICY + "# Who we are\nThe data controller is Example Services Ltd.\n"
    new = POLICY + "# Who we are\nThe data controller is Example Holdings GmbH.\n"
    change = material(old, new)["contact"]
    assert "Example Holdings GmbH" in change.summary and "Example Services Ltd" in change.summary


def test_published_monthly_user_figures_are_not_a_practice():
    report = ("# Digital Services Act\nThe average monthly active recipients of our service in the EU were {}.\n"
              "The figure is estimated from tracking tools of third-party providers and may count a device twice.\n")
    old = POLICY + report.format("1.2 million")
    assert material(POLICY, old) == {}
    assert material(old, POLICY + report.format("1.4 million")) == {}


def test_a_kind_of_data_added_to_a_list_of_data_collected_is_a_change():
    old = POLICY.replace("# Your rights", "Personal data the app collects includes:\n- Router MAC address\n"
                                          "- Serial number\n# Your rights")
    new = old.replace("- Serial number\n", "- Serial number\n- Device ID (fingerprinting)\n")
    assert set(material(old, new)) & {"collection", "tracking"}


def test_a_new_article_at_the_end_of_the_policy_is_a_change_not_a_capture_cut_short():
    article = ("# Article 12: Cashback partnership\nWhen you join the cashback programme, we share your purchase "
               "history and your bank details with CashPartner SAS, who pays your cashback.\n"
               "CashPartner SAS and we are joint controllers of this processing, which relies on your consent.\n")
    assert "sharing" in material(POLICY, POLICY + article)


def test_a_capture_that_stops_mid_word_is_not_a_change():
    new = POLICY + ("# Annex\nThe processors listed below act on our behalf and follow our instructions at all "
                    "times, under written contracts that we review every year for their security measures.\n")
    cut = new[:new.index("instructions") + 5]
    assert material(cut, new) == {}


def test_a_capture_that_stops_inside_an_emphasised_line_is_not_a_change(tmp_path):
    """A capture cut inside "_…_" or "**…**" leaves the mark open, and the line it cut reads as a line
    where the whole page has a heading: read from Markdown as the command reads it, the text is still
    the start of the other version's."""
    from monitor.cli.compare import read_version

    page = POLICY.replace("Last updated: 3 March 2025\n", "") + (
        "_If you live in California, you have further rights under state law._\n\n"
        "**6. Processing of data collected through tracking technologies**\n\n"
        "We use cookies and pixels to measure the audience of our website and to show you ads.\n\n"
        "We share this data with our advertising partners, who may combine it with other data.\n")
    (tmp_path / "new.md").write_text(page)
    for stop in ("further rights", "collected through"):
        (tmp_path / "old.md").write_text(page[:page.index(stop) + len(stop)])
        versions = [read_version(str(tmp_path / name)) for name in ("old.md", "new.md")]
        assert not compare_texts(*versions, "en").material, stop


def test_a_section_added_for_a_new_tracking_tool_names_it():
    tool = ("### Tagwise.io\nInformation captured by Tagwise.io: this cookie stores the channel that brought you to "
            "our site, such as paid search, in a first-party cookie.\n")
    new = POLICY.replace("# Who we share it with", tool + "# Who we share it with")
    change = material(POLICY, new)["tracking"]
    assert "Tagwise.io" in change.summary


def test_a_heading_reworded_in_a_cookie_section_is_not_a_new_tool():
    section = "### {}\nWe use cookies that remember your language and your currency between visits to our site.\n"
    old = POLICY.replace("# Who we share it with", section.format("List of personalisation cookies") + "# Who we share it with")
    new = POLICY.replace("# Who we share it with", section.format("Personalisation cookies we use") + "# Who we share it with")
    assert material(old, new) == {}


def test_a_kind_of_data_the_policy_never_named_added_to_a_list_is_a_change():
    old = POLICY.replace("# How we use your data", "The personal data we collect from you includes:\n"
                         "- questions or feedback you leave, including your email address\n- your IP address\n"
                         "# How we use your data")
    new = old.replace("- your IP address\n", "- your IP address\n- telephone numbers\n")
    assert "collection" in material(old, new)


STATE_RIGHTS = ("# US residents\nResidents of certain U.S. states, including {}, may have additional rights "
                "under applicable privacy laws.\n")


def test_rights_extended_to_residents_of_more_states_is_a_rights_change():
    old = POLICY + STATE_RIGHTS.format("Colorado, Connecticut, Utah and Virginia")
    new = POLICY + STATE_RIGHTS.format("Colorado, Connecticut, Oregon, Texas, Utah and Virginia")
    assert "Oregon and Texas" in material(old, new)["rights"].summary


def test_a_definition_that_names_states_laws_is_no_rights_clause_covering_their_residents():
    definitions = ("# Definitions\n\"Data Protection Law\" means the GDPR and any law of a Member State.\n"
                   "{}\"Processor\" means an entity that processes data on our behalf.\n")
    state_laws = ("\"US State Privacy Laws\" means the California Consumer Privacy Act and Virginia's Consumer Data "
                  "Protection Act, and the privacy laws of other states that give their residents rights.\n")
    assert not material(definitions.format(state_laws), definitions.format(""))
    assert material(POLICY + STATE_RIGHTS.format("Colorado"), POLICY + STATE_RIGHTS.format("Colorado and Virginia"))["rights"]


def test_a_typo_that_wrote_a_french_denial_word_without_ne_turns_nothing_around():
    policy = ("### 3. Quel type de données personnelles est recueilli ?\n"
              "Pour gérer vos réservations, nous recueillons votre prénom, votre nom et votre e-mail. Nous recueillons "
              "aussi des données sur votre santé lorsque vous nous demandez une assistance.\n\n"
              "Ce peut être le cas, {} exemple, si vous avez une mobilité réduite ou un problème de santé dont nous "
              "devons tenir compte.\n")
    assert not [c for c in compare_texts(policy.format("pas"), policy.format("par"), "fr").changes if c.material]
    denial = "# Partage\nNous {} vos données à des annonceurs.\n"
    turned = [c for c in compare_texts(denial.format("ne vendons pas"), denial.format("vendons"), "fr").changes
              if c.material]
    assert [c.category for c in turned] == ["sharing"]


def test_an_age_newly_stated_is_told_as_a_rule_for_people_under_it_not_as_a_minimum_age_to_use_the_service():
    new = edit("We do not sell your personal information.",
               "We do not sell your personal information, nor that of consumers we know to be under 16 years of age.")
    assert material(POLICY, new)["children"].summary == "Now states rules for people under 16"


def test_an_age_dropped_from_one_clause_while_another_still_states_it_is_no_change():
    """"We cannot serve you unless you are 18 or older" removed, while "Our service is for people 18
    and over" stays: the age rule still stands. An age changed in place is a change."""
    rule = "# Children\nOur service is only for people who are 18 years of age or older.\n# Contact"
    old = edit("# Contact", rule + "\nWe cannot provide the service unless you are 18 years of age or older.")
    new = edit("# Contact", rule)
    assert "children" not in material(old, new)
    assert "children" in material(new, edit("18 years of age or older.", "16 years of age or older.", new))


def test_a_periods_missing_unit_put_back_is_a_typo_mended_while_another_unit_is_a_change():
    """"Les données d'un prospect sont conservées pendant 3 à compter du dernier contact" had lost its
    unit; "pendant 3 ans" gives it back: the same period. "3 ans" → "3 mois" is another period."""
    rule = "# Conservation\nLes données d'un prospect sont conservées pendant 3 {}à compter du dernier contact.\n"
    typo, mended, shorter = (rule.format(unit) for unit in ("", "ans ", "mois "))
    assert not [c for c in compare_texts(typo, mended, "fr").changes if c.material]
    assert [c.category for c in compare_texts(mended, shorter, "fr").changes if c.material] == ["retention"]


def test_a_passage_left_in_english_then_translated_is_no_change_unless_its_numbers_changed():
    """A French page whose affiliate-cookie passage was left in English gets it translated: the
    same numbers, the same address, about as many sentences. No change; a period changed in the
    translation still is one."""
    page = ("# Politique de confidentialité\nNous collectons votre nom et votre adresse e-mail pour gérer votre compte. "
            "Nous utilisons ces données pour vous envoyer votre commande et pour répondre à vos questions. Nous ne "
            "vendons pas vos données et nous ne les partageons qu'avec nos prestataires de livraison.\n"
            "## Affiliation\n{}\n## Vos droits\nVous pouvez accéder à vos données et les supprimer à tout moment. "
            "Vous pouvez aussi vous opposer à leur utilisation et introduire une réclamation auprès de la CNIL.\n")
    english = ("We use cookies from the affiliate network Awin to run affiliate campaigns. The cookie term is 30 days. "
               "Data may also be transferred to service providers outside the EU under standard contractual clauses. "
               "You can write to privacy@awin.com with any question.")
    french = ("Nous utilisons des cookies du réseau d'affiliation Awin pour mener des campagnes d'affiliation. La durée "
              "de vie des cookies est de {} jours. Des données peuvent aussi être transférées à des prestataires en "
              "dehors de l'UE sur la base de clauses contractuelles types. Vous pouvez écrire à privacy@awin.com pour "
              "toute question.")
    old = page.format(english)
    assert not [c for c in compare_texts(old, page.format(french.format(30)), "fr").changes if c.material]
    assert [c for c in compare_texts(old, page.format(french.format(90)), "fr").changes if c.material]


def test_states_written_in_the_policys_language_are_states_reported_by_their_english_names():
    old = ("# Vos droits\nVous pouvez accéder à vos données et les supprimer.\n"
           "Si vous résidez en Californie, vous disposez de droits supplémentaires décrits ci-dessous.\n")
    new = old.replace("en Californie", "en Californie ou en Virginie")
    changes = [c for c in compare_texts(old, new, "fr").changes if c.material]
    assert [(c.category, c.summary) for c in changes] == [("rights", "The rights clause now also covers people in Virginia")]
    assert organisations("Les résidents de Californie et de Kalifornien ont des droits.", "fr") == []


def test_rights_said_for_a_california_resident_now_said_for_the_united_states_is_a_rights_change():
    line = "# Your rights\n{}you can learn more about your privacy rights by reading our {} Privacy Notice.\n"
    old = edit("# Your rights", line.format("If you are a California resident, ", "California") + "# More rights")
    new = edit("# Your rights", line.format("", "United States") + "# More rights")
    assert "United States" in material(old, new)["rights"].summary


def test_the_same_states_named_in_another_order_is_not_a_change():
    old = POLICY + STATE_RIGHTS.format("Colorado, Utah and Virginia")
    new = POLICY + STATE_RIGHTS.format("Virginia, Colorado and Utah")
    assert material(old, new) == {}


def test_feedback_that_was_anonymous_now_shared_with_the_driver_is_a_sharing_change():
    old = POLICY + "# Ratings\nThe comments passengers leave about the quality of a ride are anonymous.\n"
    new = POLICY + "# Ratings\nThe comments passengers leave about the quality of a ride may be shared with the driver.\n"
    assert "sharing" in material(old, new)


def test_the_values_of_a_retention_change_are_periods_only():
    new = edit("We keep your account data for 2 years after you close your account.",
               "We keep your account data for 5 years after you close your account.\n"
               "We also keep the voice recordings of your calls with our support team.")
    change = material(POLICY, new)["retention"]
    assert (change.old_values, change.new_values) == (["P2Y"], ["P5Y"])


def test_a_summary_agrees_with_what_it_names():
    new = edit("# How long we keep it\n", "# How long we keep it\nWe also keep your payment details for as long as "
               "your subscription runs.\n")
    assert material(POLICY, new)["retention"].summary == "Now states how long payment details are kept"


def test_page_numbers_and_renumbered_sections_are_not_a_change():
    old = POLICY.replace("# Your rights", "Page 3\n# 5. Your rights")
    new = POLICY.replace("# Your rights", "# 4. Your rights")
    assert material(old, new) == {}


def test_renumbered_sections_with_an_address_broken_over_two_lines_are_not_a_change():
    old = POLICY.replace("# Your rights", "1. The controller is Example SAS, 2 rue Kellermann 59100 Roubaix, France."
                         "\n# 5. Your rights")
    new = POLICY.replace("# Your rights", "The controller is Example SAS, 2 rue Kellermann 59100\n\nRoubaix, France."
                         "\n# 4. Your rights")
    assert [change.rule for change in compare_texts(old, new).changes] == ["words:numbering"]


@pytest.mark.parametrize("old, new", [
    ("for 2 years after", "for 3 years after"),
    ("12 Market Street, London EC1A 1BB", "14 Market Street, London EC2A 1BB"),
    ("dpo@example.com", "dpo2025@example.com"),
])
def test_a_number_that_is_a_fact_is_never_mere_numbering(old, new):
    """(A house number put right on the same street is no move: see the test on house numbers.)"""
    assert material(POLICY, edit(old, new)) != {}


def test_the_name_of_an_opt_out_link_renamed_is_not_a_sharing_change():
    link = 'You can opt out by clicking on the "{}" link in the settings.\n'
    old = POLICY + "# Your choices\n" + link.format("Do Not Sell My Personal Information")
    new = POLICY + "# Your choices\n" + link.format("Do Not Sell or Share My Personal Information")
    assert material(old, new) == {}


def test_a_postcode_completed_in_the_same_address_is_not_a_new_address():
    old = edit("or 12 Market Street, London EC1A 1BB.", "or by post to 20 Primrose Street, London, EC2A.")
    new = edit("or 12 Market Street, London EC1A 1BB.", "or by post to 20 Primrose Street, London, EC2A 2RS.")
    assert material(old, new) == {}


def test_a_new_representative_named_under_its_heading_line_is_a_contact_change():
    block = "EU representative for data protection questions:\n\n{}\nHamburg\nGermany\n"
    old = POLICY + block.format("Example Services GmbH i.L.")
    new = POLICY + block.format("Privacy Representatives GmbH")
    assert "Privacy Representatives GmbH" in material(old, new)["contact"].summary


def test_a_consent_rule_extended_to_users_of_another_country_is_a_change():
    notice = "From 31 July our EU User Consent Policy will also apply to users in Switzerland.\n"
    assert material(POLICY, edit("# Contact\n", "# Advertising consent\n" + notice + "# Contact\n")) != {}


def test_a_notice_of_a_wider_consent_rule_removed_when_the_rule_says_it_is_no_change():
    rule = "# Advertising consent\nOur EU User Consent Policy applies to users in the EEA, the United Kingdom{}.\n"
    notice = "From 31 July our EU User Consent Policy will also apply to users in Switzerland.\n"
    in_effect = edit("# Contact\n", rule.format(" and Switzerland") + "# Contact\n")
    assert material(edit("# Advertising consent\n", notice + "# Advertising consent\n", in_effect), in_effect) == {}
    assert material(in_effect, edit("# Contact\n", rule.format("") + "# Contact\n")) != {}


def test_a_country_whose_law_is_named_is_no_destination_of_data():
    """"In accordance with EU data protection rules … the security of data transfers", "under the EU
    Standard Contractual Clauses": the EU's law and the EU's clauses, not the EU as where data goes."""
    assert extract_facts(POLICY + "We always process your data in accordance with EU data protection rules to "
                         "ensure the security of data transfers.\n")["transfer"] == []
    assert extract_facts(POLICY + "We transfer your data to the United States under the EU Standard Contractual "
                         "Clauses.\n")["transfer"] == ["US"]
    assert "safeguards:transfer-agreement" in clause_labels(
        "Transfers from the UK rely on the UK International Data Transfer Agreement.", "en")


def test_a_country_whose_state_laws_are_named_is_no_destination_of_data():
    """"Your rights under applicable U.S. state data privacy laws": the laws of the country's states,
    not the country as where data goes; the data still goes where a transfer clause sends it."""
    assert extract_facts(POLICY + "Read about the processing of your personal data and your rights under applicable "
                         "U.S. state data privacy laws.\n")["transfer"] == []
    federal = "We process your data in accordance with U.S. federal consumer protection laws.\n"
    assert extract_facts(POLICY + federal)["transfer"] == []
    assert extract_facts(POLICY + "We transfer your data to the United States, where state laws may differ from "
                         "yours.\n")["transfer"] == ["US"]


def test_periods_in_a_retention_column_are_retention_facts():
    table = ("# Processing\n| Purpose | Data | Retention period |\n"
             "| Billing | Name, invoices | {} |\n| Support | Messages | 2 years |\n")
    old, new = POLICY + table.format("5 years"), POLICY + table.format("10 years")
    assert "P2Y" in extract_facts(old)["retention"]
    change = material(old, new)["retention"]
    assert "P10Y" in change.new_values and "P5Y" in change.old_values


def test_a_rewritten_retention_table_reports_the_periods_of_every_changed_row():
    rows = "# Retention\n| Data | Retention period |\n| {} | 3 years |\n| Reviews | {} |\n"
    old = POLICY + rows.format("Orders", "1 year")
    new = POLICY + rows.format("Orders and returns", "2 years")
    change = material(old, new)["retention"]
    assert change.old_values == ["P1Y", "P3Y"] and change.new_values == ["P2Y", "P3Y"]


def test_what_users_share_in_conversations_is_collection_not_sharing_with_others():
    added = "This includes the photos, audio, video and location you decide to share in conversations.\n"
    found = material(POLICY, edit("# How we use your data\n", added + "# How we use your data\n"))
    assert "collection" in found and "sharing" not in found


def test_a_section_named_after_a_law_is_not_a_recipient():
    section = "# {}\nClick here to read the additional disclosures we must make under {}.\n"
    old = POLICY + section.format("California Consumer Privacy Act", "the California Consumer Privacy Act")
    new = POLICY + section.format("State-Specific Privacy Disclosures", "applicable laws")
    assert material(old, new) == {}


def test_a_longer_phrase_says_what_a_word_means():
    assert clause_labels("pour obéir à des ordonnances judiciaires", "fr") == ("recipients:authorities",)
    assert "data:health" in clause_labels("vos ordonnances médicales", "fr")


def test_an_office_abroad_written_in_its_own_language_is_a_new_address():
    block = "Example Mexico S. de R.L. de C.V.\nPaseo de los Tamarindos 150, Bosques de las Lomas\nCiudad de México, C.P. 05120\n"
    old = POLICY + "# Changes to this policy\nWe will tell you of any change by e-mail.\n"
    change = material(old, edit("# Changes", "\n" + block + "# Changes", old))["contact"]
    assert "Paseo de los Tamarindos 150" in change.summary


def test_an_office_moved_in_a_table_of_many_companies_addresses_is_not_a_contact_change():
    table = ("# Our companies\n| Country | Company | Address |\n| UK | Example UK Ltd | 1 King Street, London EC2V 8AU |\n"
             "| France | Example SAS | 5 rue de Rivoli, 75001 Paris |\n| Spain | Example S.L. | Calle de Serrano 41, 28001 Madrid |\n"
             "| Australia | Example Pty Ltd | {} |\n")
    old = POLICY + table.format("58 Gipps Street, Collingwood VIC 3066")
    new = POLICY + table.format("62 Lygon Street, Carlton South VIC 3053")
    assert material(old, new) == {}


def test_a_month_is_not_a_company():
    old = POLICY + "We have updated our November 1, 2022 Privacy Policy to add a notice for California consumers.\n"
    new = POLICY + "We have updated our December 20, 2022 Privacy Policy to add a section on our offices.\n"
    assert "sharing" not in material(old, new)


def test_messages_newly_used_to_improve_a_chatbot_is_a_purpose_change():
    base = edit("# How we use your data\n", "# How we use your data\nWe analyse how the website is used to improve our services.\n")
    row = "# Purposes\n| Purpose | Personal information |\n| Customer service | Your communication history with us, to respond to your requests{} |\n"
    old = base + row.format("")
    new = base + row.format(", to improve the responses provided by our virtual assistant")
    assert "Messages and content may now be used for research" in material(old, new)["purpose"].summary


def test_keeping_payment_details_safe_and_secure_is_not_retention():
    new = edit("# Your rights", "We keep your card details and our services safe and secure.\n# Your rights")
    assert "retention" not in material(POLICY, new)


def test_a_clause_that_says_what_is_collected_is_collection_even_under_a_retention_heading():
    old = edit("We keep your account data", "Information collected may include your name and e-mail address. We keep your account data")
    new = edit("We keep your account data", "Information collected may include your name, date of birth and e-mail address. "
               "We keep your account data")
    assert set(material(old, new)) == {"collection"}


def test_a_country_named_in_a_clause_about_transfers_is_a_destination():
    clause = "Our processors are bound by the standard contractual clauses.{}\n"
    old = edit("# How long we keep it", "# Hosting\n" + clause.format("") + "# How long we keep it")
    new = edit("# How long we keep it", "# Hosting\n" + clause.format(
        " For the United States, the processor must also be certified under the Data Privacy Framework.")
        + "# How long we keep it")
    assert "US" in material(old, new)["transfer"].new_values


def test_a_heading_run_into_its_first_sentence_names_no_new_tracker():
    sentence = "Some features of our website and some Example services rely on the use of Google™ Maps API Cookies.\n"
    old = POLICY + "# Cookies\n" + sentence
    new = POLICY + "# Cookies\nGoogle™ Maps API Cookies " + sentence
    assert material(old, new) == {}


def test_a_home_page_captured_instead_of_the_policy_is_not_a_change():
    home = ("# Find love today\nJoin millions of singles who met their partner with us.\nMeet people near you in minutes.\n"
            "Read the stories of couples who met here last year.\nDownload the app for your phone and start chatting.\n"
            "Our team checks every profile by hand to keep the community safe and secure.\n"
            "Dating tips: meet in a public place and tell a friend where you are going.\n"
            "Video dates let you see your match before you meet them in person.\n"
            "Premium members can see who liked their profile and send unlimited messages.\n")
    assert material(POLICY, home) == {}
    assert material(home, POLICY) == {}


@pytest.mark.parametrize("label", ["Do not sell my personal information", "Gérer mes cookies", "Meine Daten verwalten"])
def test_a_footer_link_in_the_users_voice_removed_is_not_a_change(label):
    policy = edit("We do not sell your personal information.\n", "")
    old = policy + f"- Terms of use\n- {label}\n- Careers\n"
    new = policy + "- Terms of use\n- Careers\n"
    assert material(old, new) == {}


def test_a_new_postal_address_in_a_version_in_another_language_is_a_contact_change():
    old = POLICY.replace("12 Market Street, London EC1A 1BB", "8 rue du Sentier, 75002 Paris")
    new = ("# Politique de confidentialité\nNous collectons votre nom et votre adresse e-mail.\n"
           "Nous conservons vos données 2 ans après la fermeture de votre compte.\n"
           "Écrivez à notre délégué à la protection des données à dpo@example.com ou au 5 rue Feydeau, 75002 Paris.\n")
    change = next(c for c in compare_texts(old, new).changes if c.category == "contact")
    assert change.material and "5 rue Feydeau" in change.summary


def test_automated_tools_that_decide_nothing_are_not_automated_decisions():
    new = edit("# Who we share it with", "We may also use automated tools to reconcile customer accounts.\n# Who we share it with")
    assert "purpose" not in material(POLICY, new)
    screened = edit("# Who we share it with", "Job applications may be screened using automated or partially "
                    "automated tools, with human review.\n# Who we share it with")
    assert material(POLICY, screened)["purpose"].summary == (
        "Personal information may now be used for recruitment and automated decisions")


def test_a_short_notice_replaced_by_a_full_policy_is_a_change():
    short = ("# Privacy\nWe collect your e-mail address and the files you upload to run the service.\n"
             "We retain personal data for the period the law requires and then delete it.\n"
             "You have the right to access, correct and delete your personal data at any time.\n"
             "We use essential cookies only, to keep you signed in to your account.\n"
             "Contact our data protection officer at privacy@example.com with any question about your data.\n")
    full = POLICY + "".join(f"# Section {n}\nWe share your data with payment processors and store it in France "
                            f"for {n} years for billing purposes number {n}.\n" for n in range(2, 40))
    assert len(full.split()) > 5 * len(short.split()) and len(full.split()) > 1000
    assert set(material(short, full)) >= {"sharing", "retention", "transfer"}


def test_a_table_header_states_no_practice():
    header = "| Company | Server Location | Description of Activities | Appropriate Safeguards for transfers |\n"
    table = ("# Sub-processors\n| Support sub-processors | | | |\n| Support sub-processors | | | |\n" + header +
             "| Example Support Ltd | Ireland | Ticket support | EU law |\n")
    old = POLICY + table
    new = POLICY + table.replace(header, "")
    assert "collection" not in material(old, new)


def test_each_row_knows_its_header_below_the_captions_of_its_part_of_the_table():
    from monitor.analysis.segment import split_clauses

    rows = split_clauses("| Infrastructure | | |\n| Company | Location | Activities |\n| Acme | USA | Hosting |\n"
                         "| Support | | |\n| Company | Country | Activities |\n| Helpdesk Ltd | India | Tickets |\n")
    assert [r.is_table_header for r in rows] == [False, True, False, False, True, False]
    assert rows[2].columns == ("Company", "Location", "Activities")
    assert rows[5].columns == ("Company", "Country", "Activities")


def test_a_table_whose_first_row_is_empty_takes_its_header_from_the_row_under_the_markdown_rule():
    """A page's table with no header of its own comes out as an empty row, the "| --- |" rule, then
    the row of names: that row is the header, not the rule."""
    rows = split_clauses("|     |     |     |\n| --- | --- | --- |\n| Cookie | Provider | Purpose |\n"
                         "| _ga | Google | Analytics |\n")
    assert [r.text for r in rows] == ["Cookie | Provider | Purpose", "_ga | Google | Analytics"]
    assert rows[0].is_table_header
    assert rows[1].columns == ("Cookie", "Provider", "Purpose")


def test_a_retention_rule_under_a_retention_column_is_read_without_a_retention_word():
    table = "# Processing\n| Data | Purpose | Retention |\n| Orders | Delivery | {} |\n"
    facts = extract_facts(POLICY + table.format("As long as your account remains active"))
    assert "until-account-deletion" in facts["retention_criteria"]


def test_sections_past_a_capture_that_stops_at_an_empty_heading_are_not_removed():
    new = POLICY.replace("# Contact\nWrite to our Data Protection Officer at dpo@example.com or 12 Market Street, "
                         "London EC1A 1BB.\n", "# State privacy rights\n")
    assert new != POLICY
    assert "contact" not in material(POLICY, new)


def test_sections_restored_past_an_empty_heading_are_not_compared_though_one_sentence_repeats_an_earlier_one():
    """The old capture stops at "# State privacy rights"; the new one restores the section, which
    says again a sentence of the policy's ("We do not sell your personal information."). The capture
    stopped at the heading, not at that sentence."""
    cut = POLICY + "# State privacy rights\n"
    restored = (POLICY + "# State privacy rights\nCalifornia residents may opt out of the sale of their data "
                "to data brokers.\nWe do not sell your personal information.\nYou may also write to "
                "privacy@example.com to exercise your rights.\n")
    assert material(cut, restored) == {}


def test_sections_a_capture_reduced_to_their_links_are_not_compared_but_one_paragraph_replaced_by_a_link_is():
    """A capture that kept only the links of several sections ("Who shares it" → "Our partners",
    "Contact" → "dpo@example.com") lost their text: it comes back in the next capture, no change. A
    publisher who replaces one paragraph with a link changed the policy."""
    reduced = (POLICY.replace("We share your data with our service providers, who process it on our behalf.\n"
                              "We do not sell your personal information.\n", "Our partners\n")
               .replace("We share your data", "We share your data with our partners")
               .replace("Write to our Data Protection Officer at dpo@example.com or 12 Market Street, London "
                        "EC1A 1BB.\n", "dpo@example.com\n"))
    full = POLICY.replace("We share your data with our service providers", "We share your data with our partners "
                          "and our service providers")
    assert reduced != full
    assert compare_texts(reduced, full).material is False
    assert any("only the links" in note for note in compare_texts(reduced, full).notes)
    one_reduced = edit("Write to our Data Protection Officer at dpo@example.com or 12 Market Street, London "
                       "EC1A 1BB.\n", "dpo@example.com\n")
    assert "contact" in material(POLICY, one_reduced)


NUMBERED = """# Data Processing Addendum
June 30, 2020
This addendum is concluded between Example Swiss GmbH, Bahnhofstrasse 9, 6300 Zug, Switzerland ("Processor") and you.
# 1. General
The processor processes personal data only on the controller's documented instructions.
# 2. Security
The processor encrypts personal data in transit and at rest.
"""


def test_a_title_and_preamble_above_where_the_other_capture_starts_are_not_removed():
    starts_later = NUMBERED[NUMBERED.index("# 1. General"):]
    assert material(NUMBERED, starts_later) == {}
    assert material(starts_later, NUMBERED) == {}
    new_parties = edit("Example Swiss GmbH, Bahnhofstrasse 9, 6300 Zug, Switzerland",
                       "Example Cloud Inc., 1 Market Street, San Francisco, USA", NUMBERED)
    assert "contact" in material(NUMBERED, new_parties)


def test_a_banner_above_a_version_that_starts_at_its_title_is_the_page_s_own():
    banner = "From July 31 we will also ask users in Switzerland for their consent to advertising cookies.\n"
    assert material(POLICY, banner + POLICY)


def test_a_denial_dropped_with_the_words_it_denied_turns_nothing_around():
    table = "# Processors\n| Safeguard | Value |\n| Security measures in case of transfer | N/A {} |\n"
    assert material(POLICY + table.format("(no transfer)"), POLICY + table.format("")) == {}
    assert "sharing" in material(POLICY, edit("We do not sell your personal information.",
                                              "We sell your personal information."))


def test_words_a_pdf_extraction_ran_together_or_split_apart_are_no_change():
    joined = edit("We share your data with our service providers, who process it on our behalf.",
                  "We share your data with our service providers, who process it onour behalf.")
    split = edit("We share your data with our service providers, who process it on our behalf.",
                 "We share your data with our service provi ders, who process it on our behalf.")
    assert material(joined, split) == {}
    assert material(POLICY, joined) == {}
    advertising = "# Advertising\nOur advertising partners receive your precise {}.\n"
    redated = edit("Last updated: 3 March 2025", "Last updated: 9 June 2026")
    assert material(POLICY + advertising.format("loca tion"), redated + advertising.format("location")) == {}


def test_a_sentence_a_pdf_extraction_broke_over_other_lines_says_what_it_said():
    broken = "# Advertising\nOur advertising partners receive your {}\n\n{} the pages you visit, to show you relevant ads.\n"
    redated = edit("Last updated: 3 March 2025", "Last updated: 9 June 2026")
    before = POLICY + broken.format("precise location and", "")
    assert material(before, redated + broken.format("precise", "location and")) == {}
    assert "sharing" in material(before, redated + broken.format("name and", ""))


def test_a_pdf_extracted_again_with_lines_broken_across_sentences_says_what_it_said():
    lines = ("# Banned accounts\nBanned accounts are suspended for six months. At\n\nthe end of this period, they are "
             "archived and kept for a further one (1)\n\nyear before being permanently deleted. We tell you by e-mail.\n")
    again = ("# Banned accounts\nBanned accounts are suspended for six months.\n\nAt the end of this period, they are "
             "archived and kept for a further one (1) year before being permanently deleted.\n\nWe tell you by e-mail.\n")
    redated = edit("Last updated: 3 March 2025", "Last updated: 9 June 2026")
    assert material(POLICY + lines, redated + again) == {}
    assert "retention" in material(POLICY + lines, redated + again.replace("one (1) year", "two (2) years"))


def test_an_age_a_pdf_extraction_broke_over_lines_in_other_places_is_the_same_age():
    children = ("# Children\nIf a user is a natural person, they must{}\n\n{} years.\n"
                "We do not knowingly provide the service to persons{}\n\n{} 16 years of age.\n")
    redated = edit("Last updated: 3 March 2025", "Last updated: 9 June 2026")
    before = POLICY + children.format("", "be older than 16", "", "younger than")
    assert material(before, redated + children.format(" be older than", "16", " younger", "than")) == {}
    assert "children" in material(before, redated + children.format(" be older than", "18", " younger", "than"))


def test_a_transfer_mechanism_named_in_a_sharing_clause_is_also_a_transfer_change():
    new = edit("who process it on our behalf.", "who process it on our behalf under standard contractual clauses.")
    changes = material(POLICY, new)
    assert list(changes) == ["transfer"]
    assert changes["transfer"].summary == "Transfers now rely on standard contractual clauses"
    widened = edit("We share your data with our service providers, who process it on our behalf.",
                   "We share your data with our service providers and advertisers, who process it on our behalf "
                   "under standard contractual clauses.")
    assert {"sharing", "transfer"} <= set(material(POLICY, widened))


def test_a_company_named_as_providing_a_service_gets_data_whatever_the_clause_is_about():
    security = "# Security\nWe protect your data with encryption, and our servers are hosted by {} in Germany.\n"
    change = material(POLICY + security.format("Hetzner Online"), POLICY + security.format("Nimbus Hosting"))["sharing"]
    assert change.summary == ("May now share personal information with Nimbus Hosting; no longer mentions sharing "
                              "personal information with Hetzner Online")
    named = "# Security\nWe protect your data with encryption and access controls{}.\n"
    assert material(POLICY + named.format(""), POLICY + named.format(", as Nimbus Hosting recommends")) == {}


def test_a_company_named_where_a_clause_about_something_else_names_its_recipients_gets_data():
    newsletters = ("# Newsletters\nOur email management vendors are Mailchimp or {}, and you can unsubscribe "
                   "using the link at the bottom of every email.\n")
    change = material(POLICY + newsletters.format("Acoustic"), POLICY + newsletters.format("Braze"))["sharing"]
    assert change.summary == ("May now share personal information with Braze; no longer mentions sharing "
                              "personal information with Acoustic")
    centre = "# Contact\nVisit our service centre: {} Center, Shop 12, Gig Logistics Plaza, Jos.\n"
    assert material(POLICY + centre.format("Thilda"), POLICY + centre.format("Amaka")) == {}


def test_a_summary_of_several_changed_clauses_counts_the_other_changes():
    old = edit("# Your rights", "# Help\nE-mail: help@example.com\n# Your rights")
    new = edit("dpo@example.com", "privacy@example.com", edit("# Your rights", "# Help\nE-mail: support@example.com\n# Your rights"))
    assert material(old, new)["contact"].summary == ("Contact e-mail changed from help@example.com to "
                                                     "support@example.com (and 1 more change)")


def test_data_newly_disclosed_to_no_one_named_reads_as_shared_not_collected():
    disclosure = "# Sharing\nWe may disclose your browsing history for business purposes.\n# Your rights"
    assert material(POLICY, edit("# Your rights", disclosure))["sharing"].summary == "May now share usage and browsing data"


def test_promises_not_to_use_data_for_two_purposes_read_as_one_sentence():
    promise = "# Use\nWe do not use your information for personalisation or for marketing.\n# Your rights"
    change = material(POLICY, edit("# Your rights", promise))["purpose"]
    assert change.summary == "Now says it does not use personal information for personalisation and marketing"


def test_a_promise_not_to_share_with_third_parties_added_or_withdrawn_is_a_sharing_change():
    photo = "# Verification\nYou may verify your profile with a selfie, which we compare to your photos.{}\n# Your rights"
    before, after = (edit("# Your rights", photo.format(end)) for end in ("", " We do not share it with third parties."))
    assert material(before, after)["sharing"].summary == "Now says it does not share personal information with third parties"
    assert "sharing" in material(after, before)
    french = "# Vérification\nVous pouvez vérifier votre profil avec un selfie.{}\n# Vos droits\nVous pouvez accéder à vos données.\n"
    changes = compare_texts(french.format(""), french.format(" Nous ne le partageons jamais avec des tiers."), "fr").changes
    assert [c.category for c in changes if c.material] == ["sharing"]


def test_an_e_mail_address_for_returns_in_a_long_clause_is_no_privacy_contact_but_a_contact_line_is():
    returns = ("# Returns\nIf an item arrives damaged, send a photo of it and of its packaging within 14 days to {} "
               "so that we can refund you.\n")
    assert material(POLICY + returns.format("returns@example.com"), POLICY + returns.format("refunds@example.com")) == {}
    line = "# Help\nE-mail: {}\n"
    assert "contact" in material(POLICY + line.format("help@example.com"), POLICY + line.format("support@example.com"))


def test_a_postal_address_after_an_address_label_that_moved_is_a_contact_change_in_any_form():
    line = "# Your rights\nTo exercise your rights, write to us.\nPostal Mail: Privacy Office, {}, Cork, Ireland\n"
    old = POLICY + line.format("Building 3400 Cork Airport Business Park, Kinsale Road")
    change = material(old, POLICY + line.format("City Gate Plaza Two, Mahon"))["contact"]
    assert change.summary == ("Postal address for privacy matters changed: Building 3400 Cork Airport Business "
                              "Park, Kinsale Road → City Gate Plaza Two, Mahon (Privacy Office, Cork, Ireland)")
    assert material(old, POLICY + line.format("Building 3400, Cork Airport Business Park, Kinsale Road")) == {}


def test_two_names_joined_by_and_are_two_companies_unless_each_is_one_word():
    text = "Your reputation is shared with certain partners, such as Quorvex Ads and Brightwave Media, for marketing."
    assert organisations(text, "en") == ["Quorvex Ads", "Brightwave Media"]
    assert organisations("We send your orders to Marks and Spencer for delivery.", "en") == ["Marks and Spencer"]


def test_a_state_and_a_city_before_a_state_or_a_country_are_places_not_companies():
    courts = "Disputes belong in the state or federal courts located in Portland, Maine, and nowhere else."
    assert organisations(courts, "en") == []
    assert organisations("We send your data to Acme Hosting, which stores it in Lyon, France.", "en") == ["Acme Hosting"]
    assert organisations("Residents of states such as Rhode Island and Connecticut have more rights.", "en") == []
    assert organisations("Some rules for our European and California users differ.", "en") == []


def test_a_word_made_of_a_company_and_a_participle_is_no_company():
    assert organisations("We show X-generated summaries of Google-owned services to Hewlett-Packard.", "en") == ["Hewlett-Packard"]


def test_a_name_stops_where_its_sentence_ends_and_a_legal_form_alone_is_no_name():
    assert organisations("You can sell on our Marketplace. Verification is done by Onfido.", "en") == ["Marketplace", "Onfido"]
    assert organisations("We share it with Inc and with Zeta Holdings Inc.", "en") == ["Zeta Holdings Inc"]


def test_a_company_newly_named_is_new_though_its_web_address_is_written_in_lower_case():
    partner = ("# Partners\nWe share your data with our service providers, such as Quorvex. To learn more, visit "
               "http://www.quorvex.com/privacy.\n")
    old = edit("# Your rights", "# Partners\nWe share your data with our service providers.\n# Your rights")
    new = edit("# Your rights", partner + "# Your rights")
    assert material(old, new)["sharing"].summary == "May now share personal information with Quorvex"


def test_a_brand_renamed_throughout_the_policy_is_no_recipient_gone():
    brand = ("# About Brightwave\nBrightwave runs this service and keeps your posts safe.\n"
             "# Sharing\nWe share your information with Brightwave's business customers to measure the ads they buy.\n"
             "# Help\nBrightwave answers questions about Brightwave accounts within a week.\n# Your rights")
    renamed = brand.replace("Brightwave", "Lumora").replace("ads they buy", "advertising they purchase")
    found = material(edit("# Your rights", brand), edit("# Your rights", renamed))
    assert not any("Brightwave" in change.summary for change in found.values())


def test_a_page_showing_the_upcoming_edition_above_the_one_in_force_is_judged_by_the_upcoming_one():
    upcoming = edit("for 2 years", "for 5 years").replace("Last updated: 3 March 2025",
                                                          "This version will apply from 1 June 2025.")
    page = upcoming + "\n" + POLICY
    comparison = compare_texts(POLICY, page, "en")
    assert [change.category for change in comparison.changes if change.material] == ["retention"]
    assert "The new page shows 2 editions of the document, one under the other: the first is compared." in comparison.notes
    assert material(page, upcoming) == {}  # once in force, the page shows it alone: already reported


def test_of_two_editions_on_a_page_the_one_with_the_latest_date_is_judged():
    newer = edit("for 2 years", "for 5 years").replace("3 March 2025", "1 June 2025")
    assert material(POLICY, POLICY + "\n" + newer)["retention"].summary == "Keeps account data 5 years instead of 2 years"


def test_a_summary_under_the_same_title_above_the_policy_is_no_edition_of_it():
    summary = "# Privacy Policy\nIn short: we collect little and sell nothing.\n"
    assert material(summary + POLICY, summary + edit("for 2 years", "for 5 years")) != {}


def test_another_page_captured_below_the_policy_is_no_change_but_a_new_last_section_is():
    policy = POLICY.replace("\n# ", "\n## ")
    hub = ("# Welcome to our Privacy Hub\nWe share data with advertising partners and keep it for ten years, "
           "as the laws of many countries allow.\n## Your privacy laws\nThe GDPR applies to people in the EU.\n")
    assert material(policy, policy + hub) == {}
    assert material(policy, policy + hub.replace("# Welcome to our Privacy Hub", "## Advertising")) != {}


def test_a_period_under_a_how_long_we_keep_heading_is_a_retention_period():
    section = "# 6. How long we keep information about you\nWe keep it while your account is active.{}\n# Your rights"
    old = edit("# Your rights", section.format(""))
    new = edit("# Your rights", section.format(" In Europe, this period is 2 years after your last activity."))
    assert material(old, new)["retention"].new_values == ["P2Y"]


def test_a_period_on_the_next_printed_line_of_a_pdf_paragraph_is_still_the_retention_period():
    section = "# Verification\nWe retain the scans for our records until we no longer need them{}\n# Your rights"
    old = edit("# Your rights", section.format("."))
    new = edit("# Your rights", section.format(" or for\n\nthree years after your last interaction with us."))
    assert material(old, new)["retention"].new_values == ["P3Y"]


def test_a_controller_the_policy_says_was_renamed_is_the_same_company():
    controller = "# Who we are\nThe data controller responsible for your personal data is {} Ltd, 1 High Street, Leeds.\n# Your rights"
    old = edit("# Your rights", controller.format("Acme Data"))
    new = edit("# Your rights", controller.format("Zenith Data"))
    assert "contact" in material(old, new)
    renamed = edit("Last updated: 3 March 2025", "Last updated: 3 March 2025\nThis policy now reflects that Acme Data Ltd "
                   "is now Zenith Data Ltd.", new)
    assert material(old, renamed) == {}


def test_a_summary_names_each_company_once_however_often_the_clauses_name_it():
    partners = "# Partners\nWe share your data with our service providers, such as Hetzner Online GmbH, and with Hetzner for backups.\n"
    change = material(POLICY, edit("# Your rights", partners + "# Your rights"))["sharing"]
    assert change.summary == "May now share personal information with Hetzner Online GmbH"


def test_a_retention_rule_newly_given_and_a_second_statement_read_as_plain_sentences():
    orders = "# Orders\nWe keep your order history{}.\n"
    change = material(POLICY + orders.format(""), POLICY + orders.format(" until you delete your account"))["retention"]
    assert change.summary == "Now keeps data until the account is closed"
    sold = edit("We do not sell your personal information.",
                "We sell your personal information to data brokers. We do not share your data with advertisers.")
    assert material(POLICY, sold)["sharing"].summary == (
        "May now sell personal information to data brokers; now says it does not share personal information with "
        "advertising partners; no longer says it does not sell personal information")


def test_a_reason_to_keep_data_and_a_whole_rewrite_of_sharing_read_as_one_short_sentence():
    kept = edit("We keep your account data for 2 years after you close your account.",
                "We keep your account data for 2 years after you close your account.\n"
                "We also keep information as long as we need it to comply with our legal obligations.")
    assert material(POLICY, kept)["retention"].summary == "Now says personal information is kept for legal compliance"
    rewrite = ("# Sharing\nWe sell your location, contacts, photos, messages and health data to data brokers, advertisers, "
               "insurers and social networks for marketing, profiling and research. We no longer share your data with our "
               "affiliates, payment processors, delivery partners or researchers for analytics, security and fraud prevention.\n")
    summary = material(POLICY, edit("# Your rights", rewrite + "# Your rights"))["sharing"].summary
    assert summary.startswith("May now sell personal information; ") and summary.endswith("; and more")
    assert len(summary) <= 300


def test_a_company_whose_name_grew_after_a_merger_is_the_same_company():
    group = ('# Who we are\nYou may interact with {0} and its affiliates ("{0}" or the "{0} family of companies") '
             "through our networks and websites, and we share your data with {0} for advertising.\n")
    assert material(POLICY + group.format("Paramount"), POLICY + group.format("Paramount Skydance Corporation")) == {}
    assert "sharing" in material(POLICY + group.format("Paramount"), POLICY + group.format("Skydance Media"))


TERMS = """# Terms of use
These terms govern your use of the marketplace.
Sellers must describe the items they list honestly.
Buyers pay the price shown at checkout.
Delivery takes 3 to 5 working days.
Disputes go to the courts of Bratislava.
# Contact
Customer service: tel. {}
"""


def test_a_customer_service_number_in_terms_of_service_is_no_privacy_contact():
    assert material(TERMS.format("+421 220 924 196"), TERMS.format("+421 907 971 703")) == {}
    line = "# Customer service\nCall us: tel. {}\n"
    assert "contact" in material(POLICY + line.format("+421 220 924 196"), POLICY + line.format("+421 907 971 703"))


def test_a_clause_of_terms_of_service_that_names_no_personal_data_states_no_data_practice():
    terms = TERMS.replace("# Contact\nCustomer service: tel. {}\n", "{}\nRefunds are paid within 14 days of a return.\n")
    tested = "To improve the marketplace, we may introduce new services, which may first be tested with some sellers."
    assert material(terms.format(""), terms.format(tested)) == {}
    assert material(terms.format(""), terms.format("We give the buyer's phone number and home address to the carrier."))
    framework = "From 16 September, Quorvex relies on the Data Privacy Framework for such transfers of personal information."
    assert set(material(terms.format(""), terms.format(framework))) == {"transfer"}  # a safeguard is about data
    tracker = "This cookie is for Quorvex Analytics to monitor traffic."
    assert set(material(terms.format(""), terms.format(tracker))) == {"tracking"}  # a tracker is about data
    policy = "Paying with Quorvex Pay, you accept the privacy and cookie policy of Quorvex Pay."
    assert material(terms.format(""), terms.format(policy)) == {}  # a policy's title
    payment = "If you choose this payment method, you accept the privacy policy and the cookie policy of Quorvex Pay."
    assert material(terms.format(""), terms.format(payment)) == {}  # a policy's title, though payment is data


def test_data_named_in_an_added_clause_of_terms_about_no_practice_is_no_new_collection():
    """In a marketplace's terms, "Enter your username and password on the login page to print it" and
    "The carriers bring the parcels to the location the seller gives" name words for data in clauses
    that say nothing is collected, used or shared, under headings about none. In a privacy policy
    such a clause is read as it was: a policy names data to say what it collects."""
    terms = TERMS.format("+421 220 924 196")
    for added in ("# Returns\nThe seller may request a return label. Enter your username and password on the login "
                  "page to print it.\n# Contact",
                  "# Delivery\nThe carriers bring the parcels to the location the seller gives.\n# Contact"):
        assert material(terms, terms.replace("# Contact", added)) == {}
    assert material(terms, terms.replace("# Contact", "# Your data\nWe collect your location to plan deliveries.\n# Contact"))


def test_a_whole_other_document_captured_above_this_one_s_title_is_not_new_practice():
    notice = ("COOKIE NOTICE\nEffective Date: March 26, 2020\nWe use cookies to keep you signed in.\n"
              "You can refuse cookies in your browser settings.\n"
              + "".join(f"The {name} cookie {does} and lasts {days} days.\n" for name, does, days in (
                  ("session", "keeps you signed in", 1), ("language", "remembers your language", 30),
                  ("consent", "remembers your cookie choices", 180), ("cart", "keeps your basket", 7),
                  ("analytics", "counts visits to each page", 90), ("security", "detects unusual log-ins", 14))))
    sharing = "".join(f"We share your {data} with our {who}.\n" for data in ("location", "contacts", "photos")
                      for who in ("advertising partners", "affiliates", "payment processors"))
    widened = POLICY + "# More about sharing\n" + sharing + notice
    assert material(notice, widened) == {}
    assert material(widened, notice) == {}
    banner = "From 1 May, advertising partners will also place cookies to track you across websites.\n"
    assert material(notice, banner + notice)


def test_a_page_of_other_documents_around_this_one_captured_before_is_not_removed_practice():
    sharing = "".join(f"We share your {data} with our {who}.\n" for data in ("location", "contacts", "photos")
                      for who in ("advertising partners", "affiliates", "payment processors"))
    terms = ("# Our terms and policies\nPrivacy Policy\n# Terms of service\n" + sharing + sharing.replace("share", "sell")
             + "Privacy Policy\n")
    developer_terms = "# Developer terms\nYou may keep user data for 24 hours.\nWe may assign this agreement without your consent.\n"
    page = terms + POLICY.replace("# Privacy Policy\n", "") + developer_terms
    redated = edit("Last updated: 3 March 2025", "Last updated: 9 June 2026")
    assert material(page, redated) == {}
    assert "retention" in material(terms + POLICY.replace("# Privacy Policy\n", ""), POLICY + developer_terms)


def test_the_law_s_definition_of_personal_data_states_no_practice():
    definition = ("# Definitions\nPersonal data means any information relating to an identifiable natural person, "
                  "by reference to factors specific to the physical, physiological, genetic, mental, economic, "
                  "cultural or social identity of that person.\n")
    assert material(POLICY, edit("# Your rights", definition + "# Your rights")) == {}
    health = "# Health\nWe collect genetic data from the test kits you send.\n"
    assert "collection" in material(POLICY, edit("# Your rights", health + "# Your rights"))


def test_a_legal_basis_newly_given_for_a_purpose_stated_before_is_a_legal_basis_change():
    base = edit("# Your rights", "# Cookies\nWe set analytics cookies only with your consent.\n# Your rights")
    new = edit("to send you our newsletter if you subscribe.",
               "to send you our newsletter if you subscribe, on the basis of your consent.", base)
    changes = material(base, new)
    assert list(changes) == ["legal_basis"]
    assert changes["legal_basis"].summary == "Now relies on consent"


def test_a_legal_basis_the_policy_never_gave_before_is_a_legal_basis_change_beside_its_purpose():
    bases = "# Why we may use it\nWe use your phone number to prevent fraud, because it is in our legitimate interests.\n"
    changes = material(POLICY, edit("# Your rights", bases + "# Your rights"))
    assert {"purpose", "legal_basis"} <= set(changes)
    assert changes["legal_basis"].summary == "Now relies on legitimate interests"
    stated = edit("# Your rights", "# Marketing\nWe send offers on the basis of our legitimate interests.\n# Your rights")
    assert "legal_basis" not in material(stated, edit("# Your rights", bases + "# Your rights", stated))


def test_a_pointer_to_another_policy_states_none_of_its_practices():
    pointer = "If you are a Washington resident, please see our Consumer Health Data Privacy Policy, which supplements this policy.\n"
    assert material(POLICY, edit("# Contact", pointer + "# Contact")) == {}
    disclosure = "Please read our Consumer Health Data Privacy Disclosure for more about your rights under state laws.\n"
    assert material(POLICY, edit("# Contact", disclosure + "# Contact")) == {}
    assert "collection" in material(POLICY, edit("# Contact", "We also collect consumer health data.\n# Contact"))


def test_every_period_under_a_retention_column_is_retention_not_only_the_one_with_a_cue():
    table = "# Processing\n| Data | Purpose | Retention period |\n| Invoices | Billing | {} |\n"
    cell = "The contract and {} years after it. ID documents are deleted 3 months after the check"
    facts = extract_facts(POLICY + table.format(cell.format(10)))
    assert {"P10Y", "P3M"} <= set(facts["retention"])
    assert material(POLICY + table.format(cell.format(10)), POLICY + table.format(cell.format(5)))[
        "retention"].new_values == ["P3M", "P5Y"]


def test_countries_under_a_transfer_column_are_destinations():
    table = "# Processors\n| Processor | Service | Country of transfer |\n| Example Mail Inc | E-mail | {} |\n"
    assert "US" in extract_facts(POLICY + table.format("United States"))["transfer"]
    assert "US" in material(POLICY + table.format("Ireland"), POLICY + table.format("United States"))["transfer"].new_values


def test_a_new_way_to_use_a_right_is_a_rights_change_said_in_plain_words():
    new = edit("You have the right to access and delete your data.",
               "You have the right to access and delete your data. "
               "You can also delete your account from the account settings in the app.")
    change = material(POLICY, new)["rights"]
    assert "channels:account-settings" in change.rule
    assert change.summary == "Now says how to use the right to delete your data: from the account settings and in the app"


def test_one_processing_moved_to_another_legal_basis_is_a_legal_basis_change_though_both_bases_stay():
    old = ("# How we use your data\nWe send you our newsletter on the basis of your consent.\n"
           "We send you messages about your account based on our legitimate interests.\n"
           "We measure how the app is used based on our legitimate interests.\n")
    new = old.replace("about your account based on our legitimate interests.", "about your account only with your consent.")
    change = material(old, new)
    assert list(change) == ["legal_basis"]
    assert change["legal_basis"].summary == "Communicating with you now relies on consent instead of legitimate interests"
    reworded = old.replace("about your account based on our legitimate interests.",
                           "about your account, relying on our legitimate interests.")
    assert not material(old, reworded)


def test_a_row_of_a_legal_basis_table_naming_another_basis_is_a_legal_basis_change():
    table = ("# How we use your data\n| Purpose | Data | Legal ground for the processing |\n|---|---|---|\n"
             "| To send you our newsletter | Email address | Consent |\n"
             "| To tell you about new features of the app | Email address, account data | {} |\n"
             "| To keep the service secure | Device data | Legitimate interest |\n")
    change = material(table.format("Legitimate interest"), table.format("Consent"))
    assert list(change) == ["legal_basis"]
    assert change["legal_basis"].summary.endswith("now relies on consent instead of legitimate interests")
    assert not material(table.format("Legitimate interest"),
                        table.format("Our legitimate interest in keeping you informed"))


def test_a_transfer_mechanism_no_longer_named_in_a_sharing_section_is_one_transfer_change():
    old = ("# Who we share your data with\nWe share your data with our service providers, who process it on our "
           "behalf.\nSuch transfers of your data rely on the Privacy Shield.\nWe also rely on standard contractual "
           "clauses.\n")
    change = material(old, old.replace("Such transfers of your data rely on the Privacy Shield.\n", ""))
    assert list(change) == ["transfer"]
    assert change["transfer"].summary == "Transfers no longer said to rely on the EU-US Data Privacy Framework"


def test_a_right_dropped_from_the_list_of_rights_is_a_rights_change_whatever_purpose_it_names():
    old = ("# Your rights\nYou may ask for a copy of your data.\nYou have the right not to be subject to a decision "
           "based solely on automated processing, including profiling.\n# Advertising\nWe use automated processing to "
           "profile your interests for advertising.\n")
    new = old.replace("You have the right not to be subject to a decision based solely on automated processing, "
                      "including profiling.\n", "")
    assert list(material(old, new)) == ["rights"]


def test_a_setting_named_without_a_right_or_a_way_said_again_is_no_change():
    with_settings = edit("You have the right to access and delete your data.",
                         "You have the right to access and delete your data. "
                         "You can request deletion from the account settings.")
    assert not material(POLICY, edit("on our website.", "on our website. You can change your language in the "
                                     "account settings."))
    assert not material(with_settings, edit("You can request deletion from the account settings.",
                                            "Deletion can be requested in your account settings.", with_settings))


def test_a_new_contact_address_that_is_also_a_new_way_to_use_a_right_is_both_changes():
    new = edit("You can lodge a complaint with the supervisory authority.",
               "You can lodge a complaint with the supervisory authority. To delete your account, use the "
               "account settings or write to deletions@example.com.")
    assert {"contact", "rights"} <= set(material(POLICY, new))


def test_the_same_office_written_without_its_house_number_is_no_contact_change():
    moved = edit("12 Market Street, London EC1A 1BB", "Market Street, London, EC1A 1BB")
    assert "contact" not in material(POLICY, moved)
    elsewhere = edit("12 Market Street, London EC1A 1BB", "40 Bishopsgate Road, London EC2N 4AJ")
    assert "contact" in material(POLICY, elsewhere)


@pytest.mark.parametrize("sentence, lang, denied", [
    ("Wir verkaufen Ihre personenbezogenen Daten nicht.", "de", True),
    ("Wir verkaufen Ihre Daten an Partner, die sie nicht weitergeben.", "de", False),
    ("Wij verkopen uw persoonsgegevens niet.", "nl", True),
    ("Vi säljer inte dina personuppgifter.", "sv", True),
    ("Vi sælger ikke dine personoplysninger.", "da", True),
    ("Vi säljer dina personuppgifter till annonsörer.", "sv", False),
])
def test_a_denial_after_the_verb_denies_the_sale(sentence, lang, denied):
    assert [m.negated for m in label_mentions(sentence, lang) if m.label == "sale"] == [denied]


@pytest.mark.parametrize("sentence, label, denied", [
    ("Nous ne collectons que les données nécessaires à la fourniture du service.", "service-provision", False),
    ("Nous ne partageons vos données qu'avec nos prestataires.", "service-providers", False),
    ("Nous ne vendons pas vos données.", "sale", True),
    ("Nous ne vendons jamais vos données personnelles.", "sale", True),
    ("Vos données ne sont en aucun cas transmises à des tiers.", "share-with-third-parties", True),
    ("En aucun cas ces données ne seront partagées avec des tiers.", "share-with-third-parties", True),
])
def test_french_ne_denies_with_pas_or_jamais_and_narrows_with_que(sentence, label, denied):
    assert [m.negated for m in label_mentions(sentence, "fr") if m.label == label] == [denied]


def test_a_german_we_do_not_sell_statement_removed_is_a_withdrawn_guarantee():
    old = ("# Datenschutzerklärung\nWir erheben Ihren Namen und Ihre E-Mail-Adresse, um den Dienst zu erbringen.\n"
           "# Weitergabe\nWir geben Ihre Daten an Dienstleister weiter, die sie in unserem Auftrag verarbeiten. "
           "Wir verkaufen Ihre personenbezogenen Daten nicht.\n")
    new = old.replace(" Wir verkaufen Ihre personenbezogenen Daten nicht.", "")
    change = {c.category: c for c in compare_texts(old, new, "de").changes if c.material}["sharing"]
    assert change.severity == "high" and "sale" in change.rule


def test_a_company_named_in_another_case_is_not_a_new_recipient():
    old = ("# Předávání údajů\nVaše osobní údaje předáváme společnosti Seznam, která pro nás zajišťuje reklamu.\n"
           "# Práva\nMáte právo na přístup ke svým údajům.\n")
    new = old.replace("Máte právo na přístup ke svým údajům.",
                      "Máte právo na přístup ke svým údajům. Tyto údaje sdílíme také se Seznamem.")
    assert "sharing" not in {c.category for c in compare_texts(old, new, "cs").changes if c.material}


def test_estimating_a_users_age_is_a_purpose_and_age_assurance_providers_are_recipients():
    estimates = edit("to provide the service and", "to provide the service, to estimate or verify your age where "
                     "the law requires it, and")
    assert material(POLICY, estimates)["purpose"].summary == "Personal information may now be used for age verification"
    providers = edit("who process it on our behalf.", "who process it on our behalf, and with providers of age "
                     "assurance solutions.")
    assert "sharing" in material(POLICY, providers)


def test_a_recipient_the_policy_says_was_renamed_is_no_new_recipient():
    old = edit("who process it on our behalf.", "who process it on our behalf, and with Brightwave Analytics Inc.")
    new = edit("who process it on our behalf.", "who process it on our behalf, and with Lumora Metrics Inc. "
               "(formerly Brightwave Analytics Inc.)")
    assert material(old, new) == {}
    assert "sharing" in material(old, new.replace(" (formerly Brightwave Analytics Inc.)", ""))


def test_a_street_before_its_house_number_is_no_company():
    assert organisations("Nous utilisons la plate-forme de Usercentrics GmbH, Rosental 4, 80331 Munich, Allemagne.",
                         "fr") == ["Usercentrics GmbH"]
    assert organisations("We use Usercentrics GmbH, Sendlinger Str. 7, 80331 Munich, Germany.", "en") == ["Usercentrics GmbH"]


def test_a_floor_or_a_suite_in_an_address_is_no_company():
    named = organisations("The controller is Quorvex Ltd., 3rd Floor, 1 Ashley Road, Altrincham.", "en")
    assert "Quorvex Ltd" in named and "Floor" not in named
    assert "Suite" not in organisations("Write to Quorvex Inc., at 100 Main Street, Suite 400, Springfield.", "en")


def test_another_name_given_in_passing_does_not_break_the_phrase_it_stands_in():
    clause = 'Third-party ad groups may use cookies for targeted (or "interest-based") advertising.'
    assert "purposes:targeted-advertising" in practice_of(clause, "en").labels


def test_a_company_introduced_as_a_third_party_called_so_is_a_recipient():
    sentence = "In addition, our donation site uses a third-party called Quorvex Pay to manage the checkout."
    assert practice_of(sentence, "en").provided == {"Quorvex Pay"}


def test_the_site_footer_after_the_last_copyright_line_is_page_chrome():
    page = ("# Privacy Statement\nWe collect your name to run the service.\n"
            "© 2020 Quorvex Media LLC. All Rights Reserved.\n- Terms and Conditions\n"
            "- Send Us Feedback (feedback@quorvex.com)\n- Jobs At Quorvex\n")
    clauses = split_clauses(page)
    footer = {("old", c.block) for c in clauses if c.block >= 2}
    assert footer <= chrome_blocks(clauses, "old")
    assert ("old", 1) not in chrome_blocks(clauses, "old")
    assert not chrome_blocks(split_clauses(page + "We keep your data for one year unless the law asks for longer.\n"), "old")


def test_a_name_before_app_website_or_platform_is_the_services_own_product_not_a_company():
    assert organisations("Learn about the privacy settings of the Quorvex Travel app, or ask Brightwave Ltd.", "en") == [
        "Brightwave Ltd"]
    assert organisations("Your reputation shows on our Quorvex Ads and Quorvex Teams platforms, and Brightwave Ltd "
                         "hosts them.", "en") == ["Brightwave Ltd"]


def test_one_word_in_single_quotes_is_a_label_of_the_page_not_a_company():
    assert organisations("Adjust the sliders below between 'Enabled' and 'Disabled' at any time, or ask Quorvex.",
                         "en") == ["Quorvex"]


def test_a_button_to_delete_ones_account_is_a_new_way_to_use_a_right_under_a_heading_of_no_category():
    policy = ("# Politique de confidentialité\n# Vos droits\nVous pouvez accéder à vos données et demander leur "
              "effacement en écrivant à dpo@exemple.fr. Nous répondons dans un délai d'un mois.\n# Conservation\n"
              "Nous conservons vos données pendant 2 ans après la fermeture de votre compte.\n")
    button = policy.replace("# Conservation", "# Supprimer votre compte\nVous pouvez choisir de supprimer votre compte "
                            "et les données personnelles en notre possession en cliquant sur le bouton ci-dessous :\n"
                            "# Conservation")
    found = {c.category: c.summary for c in compare_texts(policy, button, "fr").changes if c.material}
    assert found == {"rights": "Now says how to use the right to delete your data: with a button on the page"}


def test_the_facts_of_a_page_showing_two_editions_are_those_of_the_edition_judged():
    newer = edit("for 2 years", "for 5 years").replace("3 March 2025", "1 June 2025")
    assert extract_facts(POLICY + "\n" + newer)["retention"] == ["P5Y"]
    assert declared_date(POLICY + "\n" + newer) == "2025-06-01"


@pytest.mark.parametrize("sentence, language, ways", [
    ("Žádost o výmaz svých údajů můžete podat e-mailem nebo v nastavení účtu.", "cs",
     {"channels:e-mail", "channels:account-settings"}),
    ("Вы имеете право на удаление персональных данных, нажав на кнопку ниже.", "ru", {"channels:button"}),
    ("Вы можете потребовать удаления данных по электронной почте или в мобильном приложении.", "ru",
     {"channels:e-mail", "channels:in-app"}),
])
def test_the_ways_to_use_a_right_are_read_in_czech_and_russian_too(sentence, language, ways):
    labels = practice_of(sentence, language).labels
    assert "rights:erasure" in labels and ways <= labels


def test_an_address_in_markdown_emphasis_is_read_without_it():
    """"by contacting us at privacy@example.com_._" and "_dpo@example.org_": the underscores are the
    page's emphasis, not letters of the address."""
    facts = extract_facts(POLICY + "You may opt out by contacting us at privacy@example.com_._ or _dpo@example.org_.\n")
    assert {"privacy@example.com", "dpo@example.org"} <= set(facts["contact"])


def test_an_address_given_beside_a_right_is_a_way_to_use_it_by_e_mail_however_it_is_worded():
    """"Request the deletion of your account data by contacting us at privacy [at] example [dot] com"
    already says deletion can be asked by e-mail: "You can request deletion by emailing …" added
    beside it says it again."""
    old = edit("You have the right to access and delete your data.",
               "You may request the deletion of your account data by contacting us at privacy [at] example [dot] com.")
    new = edit("You may request", "You can request that we delete your data by emailing privacy@example.com. "
               "You may request", old)
    assert "rights:erasure" in practice_of("Request deletion by contacting us at dpo@example.com.", "en").labels
    assert "channels:e-mail" in practice_of("Request deletion by contacting us at dpo@example.com.", "en").labels
    assert "rights" not in material(old, new)


def test_an_edition_that_starts_again_under_another_heading_than_the_title_is_an_edition_too():
    upcoming = edit("for 2 years", "for 5 years").replace("Last updated: 3 March 2025",
                                                          "This version will apply from 1 June 2025.")
    in_force = POLICY.replace("# Privacy Policy\n", "## The policy in force until 1 June 2025\n", 1)
    comparison = compare_texts(POLICY, upcoming + "\n" + in_force, "en")
    assert [change.category for change in comparison.changes if change.material] == ["retention"]
    assert "The new page shows 2 editions of the document, one under the other: the first is compared." in comparison.notes


def test_words_that_stand_in_the_other_version_cut_into_clauses_another_way_are_not_a_change():
    policy = ("# Privacy Policy\nLast updated: 1 March 2024\n# Who we share your information with\n"
              "We share your information with:\n* our IT vendors (hosting, cloud services and payment processors);\n"
              "* data analytics providers; social media networks, advertising networks and search engines, to whom "
              "we may sell or share your information for targeted advertising;\n"
              "* partners with whom we work to improve our services.\n# Contact\nWrite to privacy@example.com.\n")
    recut = policy.replace("providers; social", "providers, social").replace("1 March", "1 June")
    changes = compare_texts(policy, recut, "en").changes
    assert not [c for c in changes if c.material]
    assert "words:same_words" in {c.rule for c in changes}


def test_the_words_of_a_web_address_state_no_practice():
    table = "# Cookies\nWe use cookies.\n| Domain | Cookie | Party |\n| www.example.com | __cflb | 1st Party |\n"
    assert not material(table, table + "| careers.example.com | __cflb | 1st Party |\n")
    assert not clause_labels("See https://example.com/careers/marketing-analytics for details.", "en")


def test_a_storage_technology_the_site_now_uses_is_a_tracking_change_under_a_heading_of_no_category():
    policy = "# Privacy Policy\n# What we collect\nWe collect your name and email address.\n# How we protect it\nWe use encryption.\n"
    storage = policy.replace("# How we protect it", "# Session storage\nOur websites use sessionStorage to keep "
                                                     "session data on your device while you browse.\n# How we protect it")
    assert set(material(policy, storage)) == {"tracking"}


def test_a_name_alone_in_double_quotes_or_guillemets_is_a_term_not_a_company():
    assert organisations("Les technologies de suivi (comme l'identifiant de l'application ou « App Identifier ») "
                         "sont stockées par Quorvex.", "fr") == ["Quorvex"]
    assert organisations('Your device\'s "Advertising Identifier" may be read by Quorvex.', "en") == ["Quorvex"]


@pytest.mark.parametrize("language, seller, sale", [
    ("fr", "Le vendeur expédie les articles commandés dans un délai de trois jours.",
     "Nous pouvons vendre vos données à des annonceurs."),
    ("es", "El vendedor envía los artículos pedidos en un plazo de tres días.", "Podemos vender sus datos a anunciantes."),
    ("nl", "De verkoper verzendt de bestelde artikelen binnen drie dagen.",
     "Wij kunnen uw gegevens verkopen aan adverteerders."),
    ("cs", "Prodávající odešle objednané zboží do tří dnů.", "Vaše údaje můžeme prodávat inzerentům."),
    ("pl", "Sprzedawca wysyła zamówiony towar w ciągu trzech dni.", "Możemy sprzedawać Twoje dane reklamodawcom."),
    ("de", "Die Verkaufsprovision wird monatlich abgerechnet.", "Wir können Ihre Daten an Werbetreibende verkaufen."),
])
def test_a_seller_in_a_marketplaces_terms_is_no_sale_of_data(language, seller, sale):
    assert classify_clause(seller, "", language).category is None
    assert classify_clause(sale, "", language).category == "sharing"


@pytest.mark.parametrize("language, other_word, cue", [
    ("fr", "Le chiffre d'affaires du groupe a augmenté de dix pour cent.", "Vos données sont protégées par chiffrement."),
    ("nl", "De volgende bepalingen gelden volgens de wet voor alle bestellingen.", "Wij volgen uw surfgedrag met cookies."),
    ("de", "Es entstehen erhebliche Kosten bei einer Rücksendung der Ware.",
     "Wir erheben Ihre Daten bei der Registrierung."),
    ("en", "These terms and the order form are collectively the agreement between the parties.",
     "We collect your name and address."),
    ("es", "El seguro de viaje cubre la cancelación del vuelo.", "Aplicamos medidas de seguridad a sus datos."),
    ("es", "Envíe la carta a 12 rue de Paris, 75001 Paris Cedex.", "Podemos ceder sus datos a otras empresas del grupo."),
    ("fr", "Tout retard de paiement peut entraîner la suspension du compte client.",
     "Nous utilisons vos conversations pour l'entraînement de nos modèles."),
])
def test_a_cue_is_its_own_words_not_another_word_that_starts_the_same(language, other_word, cue):
    """"chiffre" (a figure) is no "chiffrement", "volgende" (next) no "volgen" (to track)."""
    assert classify_clause(other_word, "", language).category is None
    assert classify_clause(cue, "", language).category is not None


CONTENTS = "# On this page\n- What we collect\n- Cookies\n- Your rights\n"
COOKIES = ("# Cookies\nLike many websites, we use persistent cookies to remember your browser between visits.\n"
           "A persistent cookie stays on your device for 90 days.\nWe use web metrics services to count visits.\n"
           "Our survey tool uses a cookie so that we do not ask you twice.\nAn advertising network reads a cookie "
           "to estimate your age range and interests.\nYou can set your browser to refuse cookies.\n")


def test_a_section_taken_out_of_the_page_and_its_table_of_contents_is_a_change_though_the_date_stayed():
    """A capture that missed a section keeps the contents entry; a publisher who took it out drops both."""
    with_cookies = edit("# What we collect", CONTENTS + "# What we collect", POLICY + COOKIES)
    without = edit("# What we collect", CONTENTS.replace("- Cookies\n", "") + "# What we collect")
    assert "tracking" in material(with_cookies, without)
    entry_kept = edit("# What we collect", CONTENTS + "# What we collect")
    assert material(with_cookies, entry_kept) == {}


CONTROLLERS = ("# Who we are\n| Controller | Transfers |\n|---|---|\n| Example B.V. ({}, Pays-Bas) et Example Inc. "
               "(1515 3rd Street, San Francisco, CA, 94158, États-Unis) sont responsables du traitement des données "
               "recueillies dans l'Espace économique européen. Nous pouvons transférer vos données vers d'autres pays "
               "selon les clauses contractuelles types. | Oui |\n")
FRENCH_POLICY = ("# Politique de confidentialité\n# Vos droits\nVous pouvez accéder à vos données et les supprimer.\n")


def test_a_controller_whose_address_moved_inside_a_sentence_about_transfers_is_a_contact_change():
    old = FRENCH_POLICY + CONTROLLERS.format("Meester Treublaan 7, 1097 DP, Amsterdam")
    new = FRENCH_POLICY + CONTROLLERS.format("Burgerweeshuispad 101, 1076 ER Amsterdam")
    change = {c.category: c for c in compare_texts(old, new, "fr").changes if c.material}["contact"]
    assert change.old_values == ["Treublaan 7, 1097 DP, Amsterdam"]
    assert change.new_values == ["Burgerweeshuispad 101, 1076 ER Amsterdam"]


def test_a_house_number_put_right_on_the_same_street_and_postcode_is_no_move():
    assert material(POLICY, edit("12 Market Street", "112 Market Street")) == {}
    old = FRENCH_POLICY + CONTROLLERS.format("Burgerweeshuispad 101, 1076 ER Amsterdam")
    new = FRENCH_POLICY + CONTROLLERS.format("Burgerweeshuispad 301, 1076 ER Amsterdam")
    assert not compare_texts(old, new, "fr").material
    moved = edit("12 Market Street, London EC1A 1BB", "14 Market Street, Suite 300, London EC1A 1BB")
    assert "contact" in material(POLICY, moved)


def test_the_systems_and_browsers_people_use_are_no_recipients():
    """"Chrome and Android", "an Android device": where the user is, not who gets the data
    (`platforms` in lexicons/names.json); a company named beside them still is one."""
    assert organisations("We test new ways to measure ads that better protect privacy on Chrome and Android.", "en") == []
    assert organisations("If you use an Android device, you can sign in with your Google account.", "en") == ["Google"]
    assert organisations("We share your data with Android and Acme Ads Inc.", "en") == ["Android and Acme Ads Inc"]
    old = POLICY + "# Advertising\nWe measure ads in ways that better protect privacy on Chrome and Android.\n"
    assert material(old, POLICY) == {}


def test_a_title_cased_line_names_no_company_with_its_small_words():
    """"Developers and Publishers from Whom You Get a Subscription": "Whom You Get" is no company."""
    subscriptions = edit("# How long we keep it", "You can get a subscription; developers and publishers see it.\n"
                                                   "# How long we keep it")
    listed = edit("We do not sell your personal information.\n", "We do not sell your personal information.\n"
                  "- Developers and Publishers from Whom You Get a Subscription.\n", subscriptions)
    assert material(subscriptions, listed) == {}


def test_third_parties_a_clause_names_by_example_are_examples_of_third_parties():
    shared = edit("# How long we keep it", "We share data with third parties, such as payment providers.\n# How long we keep it")
    assert material(POLICY, shared)["sharing"].summary == (
        "May now share personal information with third parties such as payment providers")


def test_a_capitalised_word_the_policy_writes_in_lower_case_in_another_form_is_no_name():
    """"Expanding Reach" beside "we expand": an ordinary word in capitals; "Google Analytics" is a name."""
    old = POLICY + "# Cookies\nWe use cookies to measure visits.\nWe expand our reach with partners.\n"
    new = edit("We use cookies to measure visits.",
               "We use cookies from Google Analytics to measure visits, for Expanding Reach.", old)
    assert material(old, new)["tracking"].summary == "Now uses cookies and Google Analytics for analytics and measurement"


def test_a_person_after_a_title_and_a_street_run_on_past_its_name_are_no_companies():
    """Names of people are noise in a policy (issue 9), and "1 Hatch Street Upper" is an address line."""
    assert organisations("Our DPO is Mr. John Smith and we share data with Acme Ads Inc.", "en") == ["Acme Ads Inc"]
    assert organisations("Il titolare è rappresentato dal Signor Enrico Rossi.", "it") == []
    assert organisations("We work with Sir Speedy Inc.", "en") == ["Sir Speedy Inc"]
    assert organisations("1 Hatch Street Upper", "en", "item") == []
    assert organisations("Our office: 1 Hatch Street Upper, Dublin D02 PY28, Ireland.", "en") == []
    assert organisations("D02 PY28", "en", "item") == []
    assert organisations("Our office is at 1 Hatch Street Upper, and we share data with Acme Ads Inc.", "en") == [
        "Acme Ads Inc"]


def test_notice_of_changes_is_new_though_the_policy_spoke_of_days_and_e_mail_about_something_else():
    """"We answer within 30 days" and "notify you when a message arrives" promise no notice of changes."""
    old = edit("# Contact", "We answer your requests within 30 days and notify you by e-mail when we do.\n"
                            "The app will notify you when a message arrives.\n# Contact")
    new = edit("# Contact", "# Changes to this policy\nIf we make material changes to this policy, we will notify "
                            "you by e-mail 30 days before they take effect.\n# Contact", old)
    assert material(old, new)["policy_changes"].summary == (
        "Now tells you of changes directly and gives advance notice of changes")
    assert classify_clause("The app will notify you when a message arrives.", "", "en").category != "policy_changes"


@pytest.mark.parametrize("language, reply, change", [
    ("fr", "Nous vous informerons de la suite donnée à votre demande.",
     "Nous vous informerons des modifications importantes de la présente politique."),
    ("es", "Le informaremos de la respuesta a su solicitud.", "Le informaremos de los cambios importantes en esta política."),
    ("ru", "Мы уведомим вас о результате рассмотрения запроса.", "Мы уведомим вас о существенных изменениях настоящей политики."),
    ("cs", "Budeme vás informovat o vyřízení vaší žádosti.", "Budeme vás informovat o podstatné změny těchto zásad."),
])
def test_telling_users_something_is_no_clause_about_changes_to_the_policy(language, reply, change):
    """"We will inform you of the outcome of your request" is not about policy changes; "we will inform
    you of material changes to this policy" is: a notice is a label, not the topic (every lexicon)."""
    assert classify_clause(reply, "", language).category != "policy_changes"
    assert classify_clause(change, "", language).category == "policy_changes"


@pytest.mark.parametrize("language, policy, signals", [
    ("en", "# Privacy Policy\n# Cookies\nWe use cookies to remember your settings.\n",
     "We do not respond to Do Not Track signals from your browser, so that we can tailor content to you."),
    ("fr", "# Politique de confidentialité\n# Cookies\nNous utilisons des cookies pour mémoriser vos réglages.\n",
     "Nous ne donnons pas suite aux signaux « Ne pas me pister » envoyés par votre navigateur."),
    ("es", "# Política de privacidad\n# Cookies\nUtilizamos cookies para recordar sus preferencias.\n",
     "No respondemos a las señales DNT de su navegador."),
])
def test_what_the_site_does_with_do_not_track_signals_is_a_tracking_change(language, policy, signals):
    """A Do Not Track disclosure added (honoured or not) says how the site treats a browser's request not
    to be tracked: a tracking practice the policy did not state, in any language."""
    changes = {c.category for c in compare_texts(policy, policy + signals + "\n", language).changes if c.material}
    assert changes == {"tracking"}
    assert "trackers:do-not-track:not" in practice_of(signals, language, "sentence").labels


def test_a_cookie_table_row_for_a_site_the_policy_never_named_is_a_new_tracker():
    """A generated cookie table names trackers by the host that sets them: a row for a domain the other
    version never names is a new tracker ("bidr.io"), however it is written; another host of a site
    already listed ("careers.example.com" beside "www.example.com") is not."""
    table = ("# Cookies\nWe use cookies.\n# Targeting cookies\nThese cookies are set by our advertising partners.\n"
             "| Domain | Cookies | Used as |\n| --- | --- | --- |\n| www.example.com | __cflb | 1st Party |\n")
    changes = material(table, table + "| bidr.io | bito, bitoIsSecure | 3rd Party |\n")
    assert set(changes) == {"tracking"} and "bidr.io" in changes["tracking"].summary
    assert not material(table, table + "| ads.example.com | __cflb | 1st Party |\n")


def test_the_sites_menus_a_capture_took_with_the_policy_are_page_chrome():
    """A capture that now takes the site's header and footer menus with the policy ("Careers",
    "Investors", "Follow us: …") is page furniture: a menu's "Careers" is no recruitment, its "Blog" no
    company; the policy's own short lists still count."""
    header = "- Home\n- Products\n- About us\n- Careers\n- Investors\n- Blog\n"
    footer = "- Press\n- Careers\n- Sitemap\nFollow us: Facebook · Instagram · LinkedIn · YouTube\n© 2025 Quorvex Ltd. All rights reserved.\n"
    menu_line = "Home | Products | About us | Careers | Help\n"
    updated = edit("3 March 2025", "9 June 2025")
    assert material(POLICY, header + updated + footer) == {}
    assert material(POLICY, menu_line + updated) == {}
    listed = edit("pages you visit on our website.", "pages you visit on our website:\n- your CV and career history\n- your location",
                  updated)
    assert set(material(POLICY, header + listed + footer)) == {"collection"}


def test_a_clause_that_only_changed_spelling_is_paired_with_its_old_self_however_short():
    """A bold lead-in cut off as a clause of its own ("Personalisation.") shares no word with its
    American spelling: it is the same clause respelled, not a purpose removed and another added."""
    british = POLICY + ("# How we use your data\n* **Personalisation**. Many of our products tailor what you see to "
                        "your favourite topics.\n* **Organisation**. We keep the items you save in folders.\n")
    american = POLICY + ("# How we use your data\n* **Personalization**. Many of our products tailor what you see to "
                         "your favorite topics.\n* **Organization**. We keep the items you save in folders.\n")
    assert material(british, american) == {}
    assert material(american, british) == {}


def test_the_name_before_the_at_sign_of_an_e_mail_address_is_no_company():
    """"ShineTheLight@fox.com" names a mailbox, not a recipient, and "INFO@QUORVEX.COM" starts no
    company's name: a page that hides its addresses behind a placeholder stops naming no company."""
    assert organisations("California residents may ask for the list by writing to ShineTheLight@quorvex.com.", "en") == []
    assert organisations("We share it with Brightwave Ltd; write to Privacy@quorvex.com.", "en") == ["Brightwave Ltd"]
    shown = ("# Responsable del tratamiento\nQUORVEX SERVICIOS SL (B86225927) C/ Mayor 56, 28015 Madrid "
             "INFO@QUORVEX.COM QUORVEX SERVICIOS SL es responsable del tratamiento de sus datos personales.\n")
    hidden = shown.replace("INFO@QUORVEX.COM", "[email protected]")
    assert not compare_texts(shown, hidden, "es").material  # no company "QUORVEX.COM QUORVEX SERVICIOS SL"


def test_cloudflares_placeholder_for_an_address_states_no_data_collected():
    """"[email protected]" stands for an address the scrape could not see: its word "email" is no
    e-mail address collected, where the policy never spoke of collecting one."""
    assert clause_labels("Pour en savoir plus sur la manière dont Google utilise vos données, écrivez à "
                         "[email protected].", "fr") == ()
    assert clause_labels("Write to [email protected] with any question.", "en") == ()


def test_a_controller_renamed_throughout_or_at_the_same_registration_number_is_a_rebranding_not_a_new_controller():
    """A company that changed its name keeps its address, its registration number and what the policy
    says of it: renamed in every clause, or where it stands beside the same number, it is the same
    controller. One that really changed comes with its own address."""
    policy = ("# Privacy Policy\nLast updated: 3 March 2025\n# Who we are\nThe controller of your data is Quorvex Ltd.\n"
              "Quorvex Ltd collects your name and e-mail address to run the service.\n"
              "Quorvex Ltd keeps your account data for 2 years after you close your account.\n"
              "You can write to Quorvex Ltd at dpo@example.com to access or delete your data.\n")
    assert material(policy, policy.replace("Quorvex", "Brightwave")) == {}
    one_left = policy.replace("Quorvex", "Brightwave").replace("\nBrightwave Ltd keeps", "\nQuorvex Ltd keeps")
    assert material(policy, one_left) == {}  # a rebranding that missed one mention
    registered = "# Privacy Policy\n# Who we are\nThe controller is Fabrique NC7 SAS, RCS Lille 881 209 647, 12 rue de Lille, Roubaix.\n"
    assert material(registered, registered.replace("Fabrique NC7 SAS", "Aciam SAS")) == {}
    moved = registered.replace("Fabrique NC7 SAS, RCS Lille 881 209 647, 12 rue de Lille, Roubaix",
                               "Aciam GmbH, HRB 99123, Friedrichstraße 5, 10117 Berlin")
    assert "contact" in material(registered, moved)


def test_a_condition_put_on_a_practice_or_taken_off_it_is_a_change_of_that_practice():
    """Every word of the statement stays, but when it holds changed: "Where permitted by state law,
    you have the right…" narrows a right; "if you subscribe" dropped sends the newsletter to all."""
    narrowed = material(POLICY, edit("You have the right to access", "Where permitted by state law, you have the right to access"))
    assert list(narrowed) == ["rights"]
    assert narrowed["rights"].summary.startswith('Adds the condition "where permitted by state law" to "You have the right')
    widened = material(POLICY, edit(" and to send you our newsletter if you subscribe.", " and to send you our newsletter."))
    assert "purpose" in widened
    french = ("# Politique de confidentialité\n# Vos droits\nVous pouvez accéder à vos données et les supprimer.\n"
              "# Partage\nNous transmettons vos données à nos prestataires.\n")
    conditional = french.replace("à nos prestataires.", "à nos prestataires lorsque la loi nous y autorise.")
    assert "sharing" in {c.category for c in compare_texts(french, conditional, "fr").changes if c.material}


def test_a_condition_too_short_to_say_when_or_a_contact_line_with_one_or_one_split_off_is_no_change():
    assert material(POLICY, edit("access and delete your data.", "access and delete your data where applicable.")) == {}
    joined = edit("You have the right to access and delete your data.", "If these rights apply to you and you send us "
                  "a request, you have the right to access and delete your data.")
    split = joined.replace("apply to you and you send", "apply to you. You send")
    assert material(joined, split) == {}  # the condition stands in the sentence beside it, without its "and"
    assert material(POLICY, edit("Write to our Data Protection Officer", "If you have questions, write to our Data "
                                 "Protection Officer")) == {}


def test_a_hedged_denial_is_no_denial_the_summary_contradicts():
    """"We do not generally collect biometric information. However, we may ask…": what is new is
    that it may collect it, not that it says it does not."""
    biometrics = ("# Biometrics\nWe do not generally collect biometric information. However, we may ask for your "
                  "consent to process biometric identifiers to verify your age.\n# Your rights")
    assert material(POLICY, edit("# Your rights", biometrics))["collection"].summary == "Now collects biometric data"


def test_an_authority_no_longer_listed_with_its_office_is_a_change_of_where_to_complain_not_of_contact():
    authorities = ("# Supervisory authorities\nYou may complain to the authority of your country.\n\n"
                   "**For residents of the United Kingdom:**\n\nInformation Commissioner's Office  \n"
                   "Wycliffe House, Water Lane  \nWilmslow SK9 5AF, UK\n\n**For residents of Ireland:**\n\n"
                   "Data Protection Commission  \n21 Fitzwilliam Square South  \nDublin 2  \nD02 RD28  \nIreland\n")
    irish = authorities[authorities.index("**For residents of Ireland"):]
    changes = material(POLICY + authorities, edit("3 March 2025", "3 June 2025") + authorities.replace(irish, ""))
    assert list(changes) == ["rights"]
    assert changes["rights"].summary == "Where to complain: postal address 21 Fitzwilliam Square no longer given"


def test_one_page_holding_many_language_versions_is_judged_as_one_page_whichever_language_it_is_read_in():
    """A page with its policy in English, French and Spanish, one under the other: a longer Spanish
    part tips its detected language from French to Spanish, but the versions share their sentences,
    so they are no translation of each other, and the English retention change is told."""
    english = ("# Privacy Policy\nWe collect your name and e-mail address to run the service.\n"
               "We keep your account data for 2 years after you close your account.\n")
    french = "".join(f"# Section {i}\nNous utilisons vos données pour gérer votre compte et vous envoyer nos lettres "
                     f"d'information, et nous les partageons avec nos prestataires.\n" for i in range(12))
    spanish = "".join(f"# Sección {i}\nUtilizamos sus datos para gestionar su cuenta y enviarle nuestros boletines, y "
                      f"los compartimos con nuestros proveedores.\n" for i in range(30))
    comparison = compare_texts(english + french + spanish[:len(spanish) // 3],
                               english.replace("2 years", "10 years") + french + spanish)
    assert comparison.language["old"] != comparison.language["new"]
    assert [c.summary for c in comparison.changes if c.material] == ["Keeps account data 10 years instead of 2 years"]


def test_a_sentence_split_in_two_still_says_what_it_said():
    """"…, and we share it with…" written as two sentences: the part split off stands beside the
    other, and neither version stopped stating a practice; two sentences merged into one likewise."""
    one = edit("We share your data with our service providers, who process it on our behalf.",
               "We use your data to send you our newsletter, and we share your contact details with our advertising "
               "partners, who process it on our behalf.")
    two = edit("We share your data with our service providers, who process it on our behalf.",
               "We use your data to send you our newsletter. We share your contact details with our advertising "
               "partners, who process it on our behalf.")
    assert material(one, two) == {}
    assert material(two, one) == {}


def test_third_party_companies_are_third_parties():
    """"Third-party companies" is what an editor may write for "third parties": the same practice."""
    assert "practices:share-with-third-parties:not" in clause_labels("We do not share it with third-party companies.", "en")
    policy = POLICY + "Your browsing history is never disclosed to third parties.\n"
    assert material(policy, policy.replace("third parties", "third-party companies")) == {}


def test_a_kind_of_data_named_in_other_words_throughout_is_the_same_kind_of_data():
    """An editor who writes "adresse électronique" for "adresse e-mail" in every clause also rewrites
    the list of data collected; the new words name nothing the policy did not collect before."""
    policy = ("# Politique de confidentialité\n# Données collectées\nLors de votre inscription, nous collectons :\n"
              "- nom et prénom\n- adresse e-mail\n- date de naissance\n"
              "# Finalités\nNous utilisons votre adresse e-mail pour vous envoyer votre facture.\n"
              "Nous utilisons votre adresse e-mail pour vous informer du statut de votre livraison.\n"
              "Votre adresse e-mail nous sert aussi à vous prévenir lorsqu'un article est de nouveau disponible.\n"
              "# Contact\nVous pouvez nous écrire à dpo@example.fr pour exercer vos droits.\n")
    changes = compare_texts(policy, policy.replace("adresse e-mail", "adresse électronique"), "fr").changes
    assert [c for c in changes if c.material] == []
    added = policy.replace("- adresse e-mail", "- adresse e-mail\n- empreinte digitale")
    assert [c.category for c in compare_texts(policy, added, "fr").changes if c.material] != []


def test_a_capture_that_lost_sections_is_no_change_when_its_date_is_only_written_another_way():
    """The same "last updated" date, written 2022-01-05 in one capture and 01-05-2022 in the next, did
    not move: the version that lacks whole sections is a capture that missed them."""
    sections = "".join(
        f"# {n}. {title}\n{body}\n" for n, (title, body) in enumerate([
            ("General", "This policy explains how Quorvex handles personal data of its members. It applies to our "
                        "website and our apps. It does not apply to sites of other companies that we link to. "
                        "Words such as member or item have the meaning our terms give them."),
            ("Data we collect", "We collect your name, e-mail address and payment details when you buy an item. "
                                "We collect the photos and descriptions of the items you list. "
                                "We collect the messages you send to other members. "
                                "We collect your IP address and device identifiers when you use the apps."),
            ("Recipients", "We share shipping details with the carriers that deliver your parcels. "
                           "We share payment details with our payment service providers."),
            ("Transfers", "Our hosting providers in the United States process data under standard contractual clauses. "
                          "Our support staff in India answer your questions."),
            ("Retention", "We keep transaction data for 13 months. We keep account data while your account is open."),
            ("Your rights", "You can access, correct or delete your data. You can object to direct marketing. "
                            "You can ask for a copy of your data in a portable format. "
                            "You can complain to your data protection authority."),
            ("Contact", "Write to privacy@quorvex.example to use your rights."),
        ], 1))
    full = "# Quorvex Privacy Policy\nDate last updated: {}\n" + sections
    lost = full.replace(sections[sections.index("# 3. Recipients"):sections.index("# 6. Your rights")], "")
    comparison = compare_texts(lost.format("2022-01-05"), full.format("01-05-2022"), "en")
    assert [c for c in comparison.changes if c.material] == []
    numbered_apart = re.sub(r"^# (\d+)\. ", r"\1.\n# ", lost, flags=re.M)  # "2." on a line of its own
    comparison = compare_texts(full.format("2022-01-05"), numbered_apart.format("2022-01-05"), "en")
    assert [c for c in comparison.changes if c.material] == []


def test_a_product_name_spaced_otherwise_is_the_same_name():
    """"QuorvexIQ" written "Quorvex IQ" in a reworded clause names the same tool, not a new recipient."""
    old = POLICY + ("If account owners integrate their third-party emails with products and services offered by "
                    "Quorvex, such as business analytics tools like QuorvexIQ, Quorvex may collect or process email "
                    "information, including email content, headers and metadata, to provide those services.\n")
    new = old.replace("QuorvexIQ", "Quorvex IQ").replace("account owners integrate",
                                                         "account owners and their licensed users integrate")
    assert material(old, new) == {}


def test_a_supervisory_authority_that_moved_office_is_no_change_of_the_right_to_complain():
    """Where to complain is the authority: its new postal address, under the same lines telling users
    they may complain, changes neither the company's contact nor what users can do."""
    complaint = ("# How to lodge a complaint\nIf you are still unhappy, you can contact the Data Protection "
                 "Commission. Contact details for the Data Protection Commission are:\n"
                 "- Phone: +353 1 765 01 00\n- In writing: {}\n")
    old = POLICY + complaint.format("Data Protection Commission, 21 Fitzwilliam Square, Dublin 2, D02 RD28")
    new = POLICY + complaint.format("Data Protection Commission, 6 Pembroke Row, Dublin 2, D02 X963, Ireland")
    assert material(old, new) == {}
    moved = edit("12 Market Street, London EC1A 1BB", "40 Bank Street, London E14 5NR")
    assert "contact" in material(POLICY, moved)


def test_a_translation_whose_extractor_reads_a_fact_the_original_names_too_agrees_with_it():
    """A version in another language names the same countries and streets as the one it replaces,
    whatever role each extractor gives them ("Par voie postale : 6 Lapps Quay, Cork, Irlande" read as
    a destination where "Postal address: 1st Floor, 6 Lapps Quay, Cork, Ireland" is an address), and
    "au cours des 12 derniers mois" (in the past 12 months) names no street."""
    old = ("# Privacy Policy\nWe collect your name and your e-mail address to run the service.\n"
           "We keep your data for 2 years after you close your account.\n"
           "Our servers are in the United States.\n"
           "You can ask us what we disclosed about you in the past 12 months.\n"
           "Postal address: 1st Floor, 6 Lapps Quay, Cork, Ireland\n")
    new = ("# Politique de confidentialité\nNous collectons votre nom et votre adresse e-mail pour fournir le service.\n"
           "Nous conservons vos données 2 ans après la fermeture de votre compte.\n"
           "Nos serveurs sont situés aux États-Unis.\n"
           "Vous pouvez nous demander ce que nous avons communiqué à votre sujet au cours des 12 derniers mois.\n"
           "Par voie postale : 1er étage, 6 Lapps Quay, Cork, Irlande\n")
    assert [c for c in compare_texts(old, new).changes if c.material] == []
    moved = new.replace("Nos serveurs sont situés aux États-Unis.", "Nos serveurs sont situés au Brésil.")
    assert "transfer" in {c.category for c in compare_texts(old, moved).changes if c.material}


def test_political_party_affiliation_is_sensitive_data_and_no_affiliate():
    """"Affiliation" is not "affiliates": a segment of people's political affiliation names no recipient."""
    labels = clause_labels("Customers may use segments that indicate political sentiment and political party "
                           "affiliation.", "en")
    assert "data:sensitive" in labels and "recipients:affiliates" not in labels
    assert "recipients:affiliates" in clause_labels("We share your data with our affiliates.", "en")


def test_not_tracking_someones_movements_is_no_do_not_track_disclosure():
    """"We do not track your real-time movements" says what the site does not do; it is not what it
    does with a browser's Do Not Track signal."""
    assert not any(label.startswith("trackers:do-not-track")
                   for label in clause_labels("We do not track your real-time movements as part of this activity.", "en"))
    assert "trackers:do-not-track:not" in clause_labels("Our site does not honor Do Not Track.", "en")


def test_sections_a_capture_lost_from_its_middle_are_no_change():
    """A capture whose own table of contents lists sections its text does not hold lost them, and the
    numbered parts it skips ("2.1" then "2.4") with them: what the other version says there is no
    change, while the rest is still compared."""
    contents = "# Privacy Policy\n- 1. What we collect\n- 2. Why we use it\n- 3. Who we share it with\n- 4. Contact\n"
    full = (contents + "# 1. What we collect\nWe collect your name and e-mail address when you sign up.\n"
            "# 2. Why we use it\n2.1. To run the service\nWe use your data to provide the service.\n"
            "2.2. To ship your orders\nWe use your postal address and payment details to ship the items you buy.\n"
            "2.3. To market our products\nWe send newsletters to members who subscribed to them.\n"
            "2.4. For legal purposes\nWe keep invoices as the law requires.\n"
            "# 3. Who we share it with\nWe share shipping details with the carriers that deliver your parcels.\n"
            "We share payment details with our payment service providers.\n"
            "# 4. Contact\nWrite to privacy@quorvex.example.\n")
    lost = full.replace(full[full.index("2.2. To ship"):full.index("2.4. For legal")], "").replace(
        full[full.index("# 3. Who we share"):full.index("# 4. Contact")], "")
    assert [c for c in compare_texts(lost, full, "en").changes if c.material] == []
    assert [c for c in compare_texts(full, lost, "en").changes if c.material] == []
    moved = lost.replace("privacy@quorvex.example", "dpo@quorvex.example")
    assert "contact" in {c.category for c in compare_texts(full, moved, "en").changes if c.material}


def test_a_reader_is_told_once_which_parts_a_capture_left_out():
    """Clauses a partial capture left out are set aside one by one; the comparison says once which part
    was not compared: the sections a capture lost by their headings, an end cut short, a start left out."""
    contents = "# Privacy Policy\n- 1. What we collect\n- 2. Who we share it with\n- 3. Contact\n"
    full = (contents + "# 1. What we collect\nWe collect your name and e-mail address when you sign up.\n"
            "# 2. Who we share it with\nWe share shipping details with the carriers that deliver your parcels.\n"
            "# 3. Contact\nWrite to privacy@quorvex.example.\n")
    lost = full.replace(full[full.index("# 2. Who we share"):full.index("# 3. Contact")], "")
    assert compare_texts(full, lost, "en").notes == [
        "The new version's capture lost sections its own table of contents lists (“2. Who we share it with”): "
        "what the old version says in them is not compared."]
    cut = POLICY.replace("# Contact\nWrite to our Data Protection Officer at dpo@example.com or 12 Market Street, "
                         "London EC1A 1BB.\n", "# State privacy rights\n")
    assert compare_texts(cut, POLICY).notes == [
        "The old version's capture stops early: what the new version says past that point is not compared."]
    starts_later = NUMBERED[NUMBERED.index("# 1. General"):]
    assert compare_texts(NUMBERED, starts_later).notes == [
        "The new version's capture starts later: what the old version says above that point is not compared."]
    assert compare_texts(POLICY, POLICY.replace("two years", "three years")).notes == []


def test_what_personal_data_means_is_no_data_collected():
    """A definition of personal data gives examples of what the term covers, not what is collected."""
    assert clause_labels("Personal data means all information relating to an identified or identifiable natural "
                         "person such as your name, date of birth, address, or email address.", "en") == ()
    assert clause_labels("Les données personnelles désignent toute information se rapportant à une personne, "
                         "comme votre nom.", "fr") == ()
    assert "data:contact-details" in clause_labels(
        "Personal information is collected when you sign up, such as your name and email address.", "en")


def test_each_language_names_its_term_for_personal_data_in_its_lexicon():
    """Which words name personal data, and which verbs define it, are lexicon data: a definition in
    Italian or Portuguese is no data collected either, and a language's term means nothing in another."""
    definitions = {
        "en": "The term “personal data” refers to any information relating to you, such as your name.",
        "fr": "« Données à caractère personnel » désigne toute information, comme votre nom.",
        "de": "Der Begriff „personenbezogene Daten“ bezeichnet alle Informationen, etwa Ihren Namen.",
        "es": "Los datos personales son cualquier información, como su nombre.",
        "nl": "Persoonsgegevens zijn alle gegevens over u, zoals uw naam.",
        "cs": "Osobní údaje jsou veškeré informace, například vaše jméno.",
        "ru": "Персональные данные означают любую информацию, например ваше имя.",
        "it": "I dati personali indicano qualsiasi informazione, come il nome e l'indirizzo e-mail.",
        "pt": "Os dados pessoais significam qualquer informação, como o seu nome e o seu endereço de e-mail.",
    }
    for language, definition in definitions.items():
        assert stating_words(definition, language) == "", language
    assert clause_labels(definitions["it"], "it") == () and clause_labels(definitions["pt"], "pt") == ()
    assert "data:contact-details" in clause_labels("Raccogliamo il nome e l'indirizzo e-mail.", "it")
    assert stating_words(definitions["fr"], "en") != ""


def test_a_time_given_for_processing_each_request_is_a_response_time():
    """"Le délai de traitement de chaque demande est de 60 jours" says how soon requests are answered:
    a rights change when the policy gives it for the first time, not a period data is kept."""
    old = ("# Politique de confidentialité\nNous collectons votre nom et votre adresse e-mail pour gérer votre compte.\n"
           "# Vos droits\nVous pouvez accéder à vos données et les faire supprimer en écrivant à dpo@exemple.fr.\n"
           "# Sécurité\nNous chiffrons vos données.\n")
    new = old.replace("# Sécurité", "Le délai de traitement de chaque demande est de 60 jours.\n# Sécurité")
    (change,) = [c for c in compare_texts(old, new, "fr").changes if c.material]
    assert (change.category, change.summary) == ("rights", "Now says requests are answered within 60 days")


def test_a_name_with_a_capital_inside_it_after_a_colon_is_a_name():
    """After a colon a word is capitalised whatever it is, but "RevenueCat" is written so only as a name:
    a changelog saying which processors were added names them."""
    assert organisations("Le 26 septembre 2025, nous avons ajouté 2 sous-traitants: RevenueCat et Apple", "fr") == [
        "RevenueCat", "Apple"]
    assert organisations("Our processors: Hosting is done in Ireland.", "en") == []
    assert organisations("WeWork Charlemont Exchange", "en") == []


def test_fulfilling_a_rights_request_is_no_purpose():
    """"If fulfilling your request would reveal someone else's data" speaks of a rights request, not of
    providing the service; "to fulfil your requests for products" still is."""
    assert clause_labels("These rights may be limited, for example if fulfilling your request would reveal data "
                         "about another person.", "en") == ()
    assert clause_labels("We cannot process your request if you do not tell us which right you wish to use.",
                         "en") == ()
    assert "purposes:service-provision" in clause_labels(
        "We use your data to fulfil your requests for products and services.", "en")


def test_a_new_way_to_exercise_ones_rights_in_general_is_a_rights_change():
    """"To exercise any of the privacy rights above, … or by calling us" gives a new way to make requests,
    though it names no right of its own; a version that only says "exercise your rights" once more, or
    says it without a way to do it, changes nothing."""
    rights = "If you would like to exercise any of the privacy rights identified above, complete our online form{}."
    old = edit("You can lodge a complaint with the supervisory authority.",
               "You can lodge a complaint with the supervisory authority. " + rights.format(""))
    by_phone = edit(rights.format(""), rights.format(" or call us at 855-226-4048"), old)
    assert material(old, by_phone)["rights"].summary == "Privacy rights can now be exercised by phone"
    assert material(POLICY, edit("You can lodge", "To exercise your rights, write to us. You can lodge")) == {}
    free = edit("delete your data.", "delete your data, and you may exercise your rights free of charge.")
    newsletter = edit("We use your data", "To exercise your rights about our newsletter, write to us. We use your data")
    assert material(POLICY, free) == {} and material(POLICY, newsletter) == {}
    for language, text in (("fr", "Pour exercer vos droits, écrivez-nous par e-mail."),
                           ("de", "Um Ihre Rechte auszuüben, nutzen Sie unser Online-Formular."),
                           ("es", "Para ejercer sus derechos, escríbanos por correo electrónico."),
                           ("nl", "Om uw rechten uit te oefenen, kunt u ons e-mailen."),
                           ("cs", "Svá práva můžete uplatnit e-mailem."),
                           ("ru", "Чтобы реализовать свои права, напишите нам.")):
        assert "rights:requests" in clause_labels(text, language), language


def test_a_sections_processing_resting_on_other_legal_bases_is_a_legal_basis_change():
    """"Legal basis for these processing activities: Consent or contract or legitimate interests" names
    the bases of its section's processing by their bare names, as a table's legal-basis column does:
    the comments now resting on legitimate interests alone is a legal-basis change."""
    policy = ("# Privacy Policy\nWe explain here how we use your data.\n# Comments\n"
              "We publish the comments you submit under your user name.\n"
              "Legal basis for these processing activities: {}\n# Newsletters\nWe send newsletters to subscribers.\n"
              "Legal basis for these processing activities: Consent\n")
    old, new = policy.format("Consent or contract or legitimate interests"), policy.format("Legitimate interests")
    assert material(old, new)["legal_basis"].summary == (
        "The processing under “Comments” now relies on legitimate interests instead of consent, the performance "
        "of a contract and legitimate interests")
    assert material(old, policy.format("Consent, contract or legitimate interests")) == {}


def test_a_mailbox_for_questions_in_a_clause_about_cookies_is_a_contact():
    """"Any questions regarding Cookies should be addressed to support@…" is about cookies, and says
    where to write: the mailbox removed is a contact change, though no privacy word names it."""
    cookies = ("# Cookies\nCookies are small text files that help our website work.\n"
               "You can change your cookie settings in the footer of the website.\n{}")
    old = cookies.format("Any questions, complaints and requests regarding Cookies should be addressed to "
                         "support@quorvex.example.\n")
    new = cookies.format("")
    assert material(old, new)["contact"].summary == "Contact e-mail support@quorvex.example removed"


def test_who_a_postal_address_is_for_names_no_recipient():
    """"DISONS DEMAIN, Bureau du DPD" above a street is who to write to: "Bureau" renamed "Délégué à la
    Protection des Données" shares data with nobody new."""
    policy = ("# Politique de confidentialité\nNous collectons votre nom pour gérer votre compte.\n"
              "# Nous contacter\nÉcrivez-nous à l'adresse suivante :\nDISONS DEMAIN, {}\n"
              "53 rue de Châteaudun 75009 Paris\n")
    old, new = policy.format("Bureau du DPD"), policy.format("Délégué à la Protection des Données")
    assert [c for c in compare_texts(old, new, "fr").changes if c.material] == []


def test_a_long_sentence_split_in_two_keeps_its_facts_and_whom_it_covers():
    """A sentence cut in two at ", and we" puts half of what it said in the sentence beside it: the
    periods, the destinations and the places of residence it names are still stated, there."""
    old = ("# Privacy Policy\n# Retention\nWe retain support data for a maximum of three (3) years, and we retain "
           "billing records for a maximum of five (5) years to meet our legal obligations.\n"
           "# International transfers\nIf you are located in the European Union, please note that we may transfer "
           "information to a country that does not have the same laws as your jurisdiction, and you consent to the "
           "transfer of your personal data to the U.S.\n# Your rights\nIf you reside in the EEA, United Kingdom, or "
           "Switzerland, and you want to exercise your rights, you may ask us to delete your data.\n"
           "# Legal bases\nOur legitimate interests don't automatically override yours, and we won't use your "
           "information if we believe your interests should override ours unless we have other grounds to do so "
           "(such as your consent or a legal obligation).\n")
    split = old.replace(", and we retain billing", ". We retain billing").replace(
        ", and you consent", ". You consent").replace(", and you want", ". You want").replace(
        ", and we won't", ". We won't")
    assert split != old
    comparison = compare_texts(old, split)
    assert not comparison.material, [c.summary for c in comparison.changes if c.material]
    longer = split.replace("five (5) years", "ten (10) years")
    assert [c.summary for c in compare_texts(old, longer).changes if c.material] == [
        "Keeps personal data 10 years instead of 5 years"]


def test_a_retention_summary_names_the_periods_that_changed_not_those_kept():
    """"10 years instead of 5 years", "now also keeps … 2 years": a period both versions state is
    no news, and naming it beside the new one reads as if it were."""
    old = ("# Retention\nWe keep account data for 3 years and billing records for 5 years after you close "
           "your account.\n")
    assert [c.summary for c in compare_texts(old, old.replace("5 years", "10 years")).changes if c.material] == [
        "Keeps account data 10 years instead of 5 years"]
    added = old.replace("5 years after", "5 years, and support tickets for 2 months after")
    assert [c.summary for c in compare_texts(old, added).changes if c.material] == [
        "Now also keeps account data 2 months"]


def test_tables_a_capture_lost_under_the_same_date_are_not_compared():
    """A capture whose extraction dropped every table (the rows come back whole in the next one,
    under the same "last updated" date) did not see the document change: its rows are set aside
    and one note says so. With a new date, a new retention table is a change."""
    old = ("# Privacy Notice\nLast updated: 4 July 2025\n# How long we keep your data\n"
           "We keep your data for as long as we need it, as the table below sets out.\n")
    table = ("\n| Data | How long we keep it |\n| --- | --- |\n| Account data | 6 years after you close your account |\n"
             "| Call recordings | 90 days |\n| Marketing preferences | 2 years |\n")
    restored = compare_texts(old, old + table)
    assert not restored.material
    assert restored.notes == ["The old version's capture holds none of the new version's tables, under the same date: "
                              "what the new version's tables say is not compared."]
    changed = compare_texts(old, old.replace("4 July 2025", "1 December 2025") + table)
    assert changed.material and "retention" in {c.category for c in changed.changes if c.material}
    rewritten = old.replace("as long as we need it, as the table below sets out", "the periods below, then delete it")
    assert "retention" in {c.category for c in compare_texts(old, rewritten + table).changes if c.material}


def test_the_browsers_advertising_interfaces_are_tracking():
    """Chrome's Privacy Sandbox (Topics, FLEDGE, Attribution Reporting) tracks people for ads in the
    browser: a clause that starts using it is a tracking change, in any language."""
    assert "trackers:browser-apis" in clause_labels(
        "Google may measure ad performance using Attribution Reporting data stored in your browser.", "en")
    assert "trackers:browser-apis" in clause_labels(
        "Nous pouvons utiliser l'API Topics de la Privacy Sandbox pour vous montrer des annonces.", "fr")
    assert "practices:share-for-advertising" in clause_labels(
        "Tracking across websites over time is known as “cross-contextual interest-based advertising.”", "en")


def test_a_typeset_apostrophe_is_an_apostrophe():
    """"We don’t sell" denies a sale as "We don't sell" does, and "a parent’s consent" is a parent's."""
    assert clause_labels("We don’t sell your personal information.", "en") == clause_labels(
        "We don't sell your personal information.", "en")
    assert "practices:sale:not" in clause_labels("We don’t sell your personal information.", "en")
    assert clause_labels("We ask for a parent’s consent.", "en") == clause_labels("We ask for a parent's consent.", "en")
    assert compare_texts(POLICY, POLICY.replace("do not sell", "don’t sell")).material is False


def test_breach_notification_is_new_though_the_old_version_protected_data_against_unauthorised_access():
    """Guarding against unauthorised access is how data is kept safe, not what happens after a breach."""
    guarded = edit("# Your rights", "# Security\nWe use firewalls to prevent unauthorized access to your personal information.\n"
                   "# Your rights")
    notified = edit("# Your rights", "We will notify you of a suspected data security breach where the law requires it.\n"
                    "# Your rights", guarded)
    assert material(guarded, notified)["security"].summary == "Now states how data breaches are handled"


def test_detecting_security_incidents_is_a_purpose_not_how_breaches_are_handled():
    """"To prevent, detect and investigate security incidents" says why data is used; a breach of the
    terms ("sanctions en cas de violation éventuelle") is no data breach. Telling people of a breach
    of their data is still breach handling."""
    assert clause_labels("To help ensure security and integrity, including to prevent, detect, and investigate "
                         "security incidents.", "en") == ("purposes:security-fraud",)
    assert "security:breach-notification" not in clause_labels(
        "You are in breach of your obligations under these terms if you share your password.", "en")
    assert clause_labels("Faire appliquer nos conditions, y compris les sanctions en cas de violation éventuelle.",
                         "fr") == ()
    assert "security:breach-notification" in clause_labels(
        "En cas de violation de vos données, nous vous en informerons dans les meilleurs délais.", "fr")
    assert "security:breach-notification" in clause_labels(
        "We will notify you of any security incident affecting your personal data.", "en")


def test_a_security_breach_a_purpose_prevents_is_that_purpose_in_every_language():
    """"Détecter et empêcher toute activité frauduleuse, violation de la sécurité": the breach is
    what the purpose prevents, not how the company tells people of one. In the next sentence it is."""
    labels = clause_labels("Nous partageons vos données si nécessaire, dans le but de détecter et empêcher toute "
                           "activité criminelle ou frauduleuse, violation de la sécurité.", "fr")
    assert "purposes:security-fraud" in labels and "security:breach-notification" not in labels
    assert "security:breach-notification" in clause_labels(
        "We use your data to detect and prevent fraud. In the event of a data breach we will notify you.", "en")


def test_a_providers_name_and_office_are_a_recipient_not_who_is_responsible_for_the_data():
    """"This service is provided by Google LLC, 1600 Amphitheatre Parkway…" under a new section on a
    spam filter: a new recipient, not a new controller nor a new address to write to."""
    section = ("# Advertising\nWhere we share data with our advertising partner we are joint controllers with it.\n"
               "## Spam protection\nTo protect our forms against spam we use a verification tool. This service "
               "is provided by Checkbot Services LLC, 100 Main Street, Springfield, IL 62701, USA. Device data "
               "is sent to its servers.\n# Contact")
    partner = "# Advertising\nWhere we share data with our advertising partner we are joint controllers with it.\n# Contact"
    changes = material(edit("# Contact", partner), edit("# Contact", section))
    assert "Checkbot Services LLC" in changes["sharing"].summary
    assert "contact" not in changes


def test_a_product_its_maker_renamed_is_the_same_tracker_under_its_new_name():
    """"Google AdWords" became "Google Ads": a cookie policy that writes the new name uses no new
    tracker. Another company's product in its place is a new one."""
    line = "# Cookies\nWe use {} cookies to measure the conversions of our advertising campaigns.\n# Contact"
    old = edit("# Contact", line.format("Google AdWords"))
    assert material(old, edit("# Contact", line.format("Google Ads"))) == {}
    assert "tracking" in material(old, edit("# Contact", line.format("Criteo")))


def test_a_processor_named_in_the_controllers_section_is_no_controller():
    """Under "Data controller and processors", "| Processor | Cloudwerk Services, Inc. |" names who
    processes for the controller: dropping it is no change of who is responsible for the data."""
    table = ("# Data controller and processors\nThe data controller is Example Ltd.\n| Type | Moderation tool |\n"
             "| --- | --- |\n| Processor | {} |\n| Data Collected | Profile photos |\n# Contact")
    old = edit("# Contact", table.format("Cloudwerk Services, Inc., Cloudwerk Vision"))
    new = edit("# Contact", table.format("Moderation team"))
    assert "contact" not in material(old, new)
    assert "contact" in material(old, old.replace("The data controller is Example Ltd.",
                                                  "The data controller is Example Holdings GmbH."))


def test_a_cookie_scan_s_churn_of_cookie_names_is_no_change_while_a_provider_added_is():
    """A generated cookie declaration lists each cookie with its provider: from one scan to the next the
    names of one provider's cookies come and go ("_gid" gone, "_gcl_au" new, both Google's, each with
    the scanner's description of it), a row is dropped with its lifetime, and that is no change. A provider the list never named before is."""
    declaration = ("# Cookie declaration\n## Statistics\n| Name | Provider | Purpose | Expiry |\n"
                   "| --- | --- | --- | --- |\n| _ga | Google | Registers a unique ID to count visits. | 2 years |\n"
                   "{}| _hjid | Hotjar | Sets a unique ID for the session. | 1 year |\n")
    old = POLICY + declaration.format("| _gid | Google | Registers a unique ID to count visits. | 1 day |\n")
    churned = POLICY + declaration.format("| _gcl_au | Google | Lets third-party advertisers target the visitor with "
                                          "relevant ads. | 3 months |\n")
    dropped = POLICY + declaration.format("")
    assert material(old, churned) == {}
    assert material(old, dropped) == {}
    new_provider = POLICY + declaration.format("| _ttp | TikTok | Tracks visits across websites. | 13 months |\n")
    assert "TikTok" in material(old, new_provider)["tracking"].summary


def test_a_cookie_tables_third_party_row_is_tracking_not_sharing():
    """"MUID | clarity.ms | Third Party" under "Targeting cookies" says where a cookie comes from: a
    new tracker, not a new recipient of personal information."""
    old = ("# Cookie Policy\n## Targeting cookies\n| Cookie | Domain | Type |\n| --- | --- | --- |\n"
           "| _fbp | facebook.com | Third Party |\n| IDE | doubleclick.net | Third Party |\n")
    new = old + "| MUID | clarity.ms | Third Party |\n"
    assert {c.category for c in compare_texts(old, new).changes if c.material} == {"tracking"}


def test_a_new_row_in_a_table_of_recipients_is_a_new_recipient():
    """A row added to the table of the parties data goes to names a new recipient, though its cells
    only name data and purposes the policy named before: who gets them is what changed."""
    old = ("# Privacy Policy\nWe collect your name, email address and phone number to send you offers.\n"
           "## Third parties with whom personal information may be shared\n"
           "| Party name | Personal data disclosed | Purpose |\n| --- | --- | --- |\n"
           "| Adyen | Name, email address, payment card | Payment provider |\n"
           "| Amplitude | Name, email address, phone number | Product analytics |\n\n"
           "## Your rights\nYou may ask us for a copy of your personal data.\n")
    new = old.replace("| Amplitude", "| Braze | Name, email address, phone number | Marketing automation |\n| Amplitude")
    changes = [c for c in compare_texts(old, new).changes if c.material]
    assert [c.category for c in changes] == ["sharing"]
    assert "Braze" in changes[0].summary


def test_ads_personalization_is_targeted_advertising_and_a_list_of_recipients_is_access():
    """"Opt out of Ads Personalization" and "turn off personalized ads" are one control; "you have
    the right, at our option, to receive a list of the specific third parties" is a right of access."""
    assert "purposes:targeted-advertising" in clause_labels("You can opt out of Ads Personalization.", "en")
    old = (POLICY + "\nYou can use Ads Settings to opt out of Ads Personalization. Even if you opt out of Ads "
           "Personalization, you may still see ads based on your general location and your browser type.\n")
    new = old.replace("opt out of Ads Personalization", "turn off personalized ads")
    assert compare_texts(old, new).material is False
    assert "rights:access" in clause_labels("You have the right, at our option, to receive a list of the specific "
                                            "third parties to which we have disclosed your personal information.", "en")


def test_a_name_written_in_one_piece_or_in_two_is_the_same_name():
    """"Flying Blue" becoming "FlyingBlue" in a link list, or "Pay Pal" "PayPal", names no new
    recipient: the same words, run together or set apart."""
    old = (POLICY + "\n## Loyalty program and partners\n* Flying Blue\n* Delta Air Lines\n* Skyteam\n\n"
           "We share payment data with Pay Pal.\n")
    new = (POLICY + "\n## Loyalty program and partners\n* Skyteam\n* Delta Air Lines\n* FlyingBlue\n\n"
           "We share payment data with PayPal.\n")
    assert compare_texts(old, new).material is False
    assert compare_texts(old, new.replace("* FlyingBlue", "* SkyMiles")).material is True


def test_a_way_to_exercise_rights_withdrawn_is_a_rights_change():
    """Requests "by completing the online form or by calling us" becoming "by completing the online
    form" take a way to exercise one's rights away, though the number still stands in the contact
    section; one said again elsewhere is still there."""
    old = edit("You can lodge a complaint",
               "To exercise these rights, you may submit a request by either completing our online request form "
               "or by calling us at 855-226-4048. You can lodge a complaint",
               edit("or 12 Market Street", "or call 855-226-4048, or write to 12 Market Street"))
    withdrawn = ("by either completing our online request form or by calling us at 855-226-4048",
                 "by completing our online request form")
    changes = material(old, edit(*withdrawn, old))
    assert list(changes) == ["rights"]
    assert changes["rights"].summary == "No longer says privacy rights can be exercised by phone"
    kept = edit("Write to our", "You may also exercise your rights by calling us at 855-226-4048. Write to our", old)
    assert material(kept, edit(*withdrawn, kept)) == {}


def test_a_kind_of_data_followed_by_its_value_is_the_companys_own_detail():
    """"Cod de identificare fiscală RO14399840" in a company's description gives the company's tax code,
    not a kind of data it collects from people; "your tax identification number" still is one."""
    assert "data:identity-documents" not in clause_labels(
        "Grupul eMAG include orice societate controlată de Dante International S.A., înscrisă în Registrul "
        "Comerțului sub numărul J40/372/23.01.2002, cod de identificare fiscală RO14399840.", "ro")
    assert "data:identity-documents" in clause_labels(
        "Colectăm codul de identificare fiscală al persoanelor fizice autorizate.", "ro")
    assert "data:contact-details" not in clause_labels("Call us on our phone number 0800-123456.", "en")
    assert "data:identity-documents" in clause_labels("We collect your tax identification number.", "en")


def test_a_column_of_footer_links_under_a_name_is_no_new_tracker():
    """A footer column headed "Fly Worldwide" whose links end with "Cookie settings" is a menu, not
    a section about a tool; a section that describes one ("Hotjar is…") names a new tracker."""
    menu = "## Fly Worldwide\nFly Worldwide\n* All flights\n* Flight London - New York\n* Site map\n* Cookie settings\n"
    assert material(POLICY, edit("# Contact", menu + "# Contact")) == {}
    tool = "## Hotjar\nHotjar records how visitors use our website with analytics cookies.\n"
    assert list(material(POLICY, edit("# Contact", tool + "# Contact"))) == ["tracking"]


def test_a_contact_address_changed_where_the_policy_says_reach_out_is_a_contact_change():
    """"Please reach out to … via email" invites contact: the address it gives changing is a contact
    change, a mailing list's "~owner/list@host" address whole."""
    old = edit("# What we collect", "If you have any questions, please reach out to Drew sir@example.com via email.\n# What we collect")
    new = edit("Drew sir@example.com", "support (~owner/example-support@lists.example.org)", old)
    changes = material(old, new)
    assert list(changes) == ["contact"]
    assert changes["contact"].new_values == ["~owner/example-support@lists.example.org"]


def test_a_postcode_put_right_on_the_same_street_is_no_move():
    """"216 rue Winoc Chocqueel - 59200 Tourcoing" → "… 59700 Tourcoing": one number put right, the
    street and the town the same; a new street, or a new number and postcode, is a move."""
    old = FRENCH_POLICY + "# Contact\nNotre délégué à la protection des données : 216 rue Winoc Chocqueel - 59200 Tourcoing\n"
    assert not compare_texts(old, old.replace("59200", "59700"), "fr").material
    assert compare_texts(old, old.replace("216 rue Winoc Chocqueel - 59200", "12 rue Nationale - 59700"), "fr").material
    assert "contact" in material(POLICY, edit("12 Market Street, London EC1A 1BB", "12 Bread Street, London EC1A 1BB"))


@pytest.mark.parametrize("language, text, old, new", [
    ("fr", "# Responsable du traitement\nLe responsable du traitement est la société Example SAS.\n"
           "Président : Société {} S.A.S., représentée par Jean Martin\n", "SAEGUAJ", "Vertbaudet Group International"),
    ("de", "# Verantwortlicher\nVerantwortlicher ist die Example GmbH.\nGeschäftsführer: {} GmbH\n", "Alpha Holding", "Beta Holding"),
])
def test_a_company_holding_an_office_of_the_controller_is_no_new_controller(language, text, old, new):
    """"Président : Société SAEGUAJ S.A.S." among the controller's particulars names who presides over
    it; the controller itself changing is a contact change."""
    assert not compare_texts(text.format(old), text.format(new), language).material
    other = text.replace("Example", "{}", 1).format(old + " Group", "X")
    assert compare_texts(other, text.replace("Example", "{}", 1).format(new + " Group", "X"), language).material


def test_a_product_the_company_names_after_itself_is_no_recipient():
    """"Acme Companion" in a policy of Acme Ltd ("Acme"): "Companion features are now on by default"
    names the company's own product, not a company that gets data; a company of its own
    name is still one."""
    own = edit("# Privacy Policy\n", '# Privacy Policy\nAcme Ltd ("Acme") runs the Acme app, Acme Meetings and Acme Chat.\n')
    note = ("# Update note\nTo help you find Acme Companion, Companion features are now enabled by default and share "
            "meeting summaries with {}.\n")
    assert material(own, edit("# Contact", note.format("the meeting host") + "# Contact", own)) == {}
    assert "sharing" in material(own, edit("# Contact", note.format("Companion Analytics Inc.") + "# Contact", own))


def test_an_example_dropped_from_a_list_that_goes_on_names_no_recipient_gone():
    """"names on social media like GitHub and Twitter" → "like GitHub": the list still gives examples
    of the same kind; a list whose examples all change, or a recipient named outright, still counts."""
    old = edit("# Contact", "# Your profile\nIf you add names on social media like GitHub and Twitter, we publish them "
                            "on your profile with your user name.\n# Contact")
    assert material(old, old.replace("GitHub and Twitter", "GitHub")) == {}
    assert "sharing" in material(old, old.replace("GitHub and Twitter", "Mastodon"))
    shared = edit("# Contact", "We share your profile with GitHub and Twitter.\n# Contact")
    assert "sharing" in material(shared, shared.replace("GitHub and Twitter", "GitHub"))


def test_a_numbered_section_the_capture_left_empty_filled_under_the_same_date_is_no_change():
    """"2.4.1 Legal obligation" followed at once by "2.4.2 …" in one capture, and holding a table
    of purposes in the next, under the same "last updated" date: the first capture lost the body.
    Under a new date it is what the policy now says."""
    old = ("# Privacy Policy\nLast updated: 3 March 2025\n# 2. Purposes\nWe use your data as described below.\n"
           "## 2.4.1 Legal obligation\n## 2.4.2 Contract\nWe use your data to deliver your orders.\n"
           "# 3. Contact\nWrite to dpo@example.com.\n")
    filled = old.replace("## 2.4.2", "We use your name and address to answer requests from the police and to "
                                      "block stolen phones.\n## 2.4.2")
    assert material(old, filled) == {}
    assert material(old, filled.replace("3 March 2025", "9 April 2025")) != {}


def test_a_section_the_page_did_not_serve_where_it_was_captured_is_no_change():
    """A section that one capture gives as "This information is not available in your location", its
    sub-sections included, was not served to the capture; the other capture's text in it is not
    withdrawn. A section the publisher cut down to a sentence of its own is."""
    old = edit("# Contact", "# Accounts Centre\n## What it is\nAdding your account to Accounts Centre means we "
                            "share information with Acme Social to provide these benefits.\n## Your choices\n"
                            "You can remove your account from Accounts Centre at any time.\n# Contact")
    new = edit("# Contact", "# Accounts Centre\nThis information is not available in your location.\n# Contact")
    comparison = compare_texts(old, new, "en")
    assert {c.category for c in comparison.changes if c.material} == set()
    assert any("not available where it was made" in note for note in comparison.notes)
    assert "sharing" in material(old, edit("# Contact", "# Accounts Centre\nWe no longer offer it.\n# Contact"))


@pytest.mark.parametrize("line", [
    "Email: [Email reserved for content takedown requests from Turkey only (takedown.tr@example.com)]",
    "E-posta adresi: [yalnızca Türkiye'den içerik kaldırma taleplerine ayrılmıştır (takedown.tr@example.com)]",
    "Copyright agent: copyright@example.com",
])
def test_an_address_kept_for_another_matter_than_privacy_is_no_contact(line):
    """An e-mail address given for content takedown requests or copyright notices, in the policy's
    language or another, is not where to write about one's data; a privacy mailbox is."""
    old = edit("# Contact", "# Representative in Turkey\nWe appointed a representative in Turkey.\n# Contact")
    assert material(old, edit("# Contact", f"{line}\n# Contact", old)) == {}
    privacy = line.replace("takedown.tr@", "privacy.tr@").replace("copyright@", "privacy@")
    assert "contact" in material(old, edit("# Contact", f"{privacy}\n# Contact", old))
    both = ("Our data controller representative in Turkey answers questions about your data and content "
            "takedown requests at rep.tr@example.com.")
    assert "contact" in material(old, edit("# Contact", f"{both}\n# Contact", old))


def test_an_address_whose_misspelt_domain_is_put_right_is_the_same_contact():
    """"support@weaareher.com" → "support@weareher.com", where the policy writes the right address
    elsewhere: a typo fixed. Another mailbox, or a domain the policy never wrote, is a new contact."""
    old = edit("# Contact", "# Questions\nQuestions about your account? Write to support@examplle.com.\n# Contact",
               edit("dpo@example.com", "dpo@example.com or support@example.com"))
    assert material(old, old.replace("support@examplle.com", "support@example.com")) == {}
    assert "contact" in material(old, old.replace("support@examplle.com", "help@example.com"))
    assert "contact" in material(old, old.replace("support@examplle.com", "support@exampla.com"))


def test_a_partners_address_named_beside_it_is_not_the_companys_contact():
    """"… Mangopay …, contact dpo.mangopay@mangopay.com" gives the payment partner's address;
    the company's own mailbox, at the domain of its other addresses, is its contact."""
    partner = "For questions about how Mangopay protects your payment data, contact dpo.mangopay@mangopay.com.\n"
    old = edit("# Contact", partner + "# Contact")
    assert material(old, old.replace(partner, "")) == {}
    own = edit("# Contact\n", "# Contact\nExample Ltd : privacy@example.com\n")
    assert "contact" in material(own, own.replace("Example Ltd : privacy@example.com\n", ""))


def test_data_seen_by_anyone_or_by_users_of_other_apps_goes_to_other_users():
    """"Your profile may be visible also to users of other applications" names who sees the data."""
    assert "recipients:other-users" in clause_labels("Your live video stream can be seen by anyone who joins.", "en")
    assert "recipients:other-users" in clause_labels(
        "Your profile may be visible also to users of other applications and websites not owned by us.", "en")


def test_the_details_of_a_party_to_the_processing_are_no_data_collected():
    """"The identity and contact details of the data importer" are the company's own details, which a
    data processing agreement records; "the contact details of our customers" are people's data."""
    party = ("# Your rights", "Customer acknowledges that we must record the identity and contact details of the "
             "data importer, including its data protection officer.\n# Your rights")
    assert "collection" not in material(POLICY, edit(*party))
    people = ("# Your rights", "We record the contact details of our customers who call us.\n# Your rights")
    assert "collection" in material(POLICY, edit(*people))
    assert "data:contact-details" not in clause_labels(
        "Vous trouverez ci-dessous les coordonnées de notre délégué à la protection des données.", "fr")
    assert "data:contact-details" in clause_labels("Nous collectons les coordonnées des clients.", "fr")


def test_a_possessive_leaves_a_cue_word_what_it_is():
    """"The Information Commissioner's Office" names the authority people may complain to, as "the
    Information Commissioner" does; a word's possessive is the word."""
    assert "rights:complaint" in clause_labels("You may contact the Information Commissioner's Office.", "en")
    assert "rights:complaint" in clause_labels("You may contact the Information Commissioner.", "en")
    assert "rights:complaint" not in clause_labels("You may contact the Information Office.", "en")


def test_a_word_with_a_short_prefix_joined_on_says_what_the_old_word_said():
    """"Precise geolocation" added where the old version collected "precise location" names nothing
    new; "biometrics" where the old version wrote only "usage metrics" does, as its label is new."""
    old = edit("and the pages you visit", "your precise location and the pages you visit")
    assert "collection" not in material(old, edit("# How we use your data", "Precise geolocation helps us show nearby "
                                                  "stores.\n# How we use your data", old))
    old = edit("and the pages you visit", "usage metrics and the pages you visit")
    assert "collection" in material(old, edit("# How we use your data", "We also collect biometrics to verify "
                                              "your identity.\n# How we use your data", old))
