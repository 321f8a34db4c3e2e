"""Fact extractors: what a privacy policy sentence says about durations, places, contacts, ages, dates.

Every extractor is checked in the seven first-class languages, on the traps that matter (response
times are not retention, a company's own address is not a transfer, "china" the adjective is not
China, "may" the verb is not May) and on the real seed policies and benchmark cases.
"""

from __future__ import annotations

import datetime
import json
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from basics.cloudflare import decode_cloudflare_email
from monitor.analysis import compare_texts
from monitor.analysis.facts import (
    declared_date,
    find_dates,
    find_durations,
    find_emails,
    find_phone_numbers,
    find_phones,
    find_places,
    is_date_line,
    minimum_ages,
    parse_number,
    retention_criteria,
    retention_periods,
    same_phone,
    transfer_destinations,
)
from monitor.analysis.facts.contacts import find_postal_addresses

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
CASES = FIXTURES / "bench" / "cases"


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def visible_text(html_path: Path) -> str:
    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "lxml")
    for hidden in soup(["script", "style", "nav", "header", "footer"]):
        hidden.decompose()
    return "\n".join(line.strip() for line in soup.get_text("\n").splitlines() if line.strip())


def over_blocks(extract, text: str, lang: str | None) -> list:
    """Run a per-sentence extractor over every block of a document, keeping order and first occurrence."""
    found: list = []
    for block in text.splitlines():
        for value in extract(block, lang):
            if value not in found:
                found.append(value)
    return found


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("written", "lang", "value"),
    [
        ("3", None, 3),
        ("three", "en", 3),
        ("trois", "fr", 3),
        ("tres", "es", 3),
        ("drei", "de", 3),
        ("drie", "nl", 3),
        ("три", "ru", 3),
        ("tři", "cs", 3),
        ("dieciocho", None, 18),
        ("vierundzwanzig", None, 24),
        ("vingt-quatre", "fr", 24),
        ("двадцати четырёх", None, 24),
        ("двадцать четыре", "ru", 24),
        ("трёх", "ru", 3),
        ("трех", "ru", 3),
        ("пяти", "ru", 5),
        ("двенадцати", "ru", 12),
        ("dvacet čtyři", None, 24),
        ("Dva", "cs", 2),
        ("pěti", "cs", 5),
        ("dvanácti", "cs", 12),
        ("data", None, None),
        ("a", "en", None),
        ("четыре двадцать", "ru", None),
    ],
)
def test_parse_number_reads_digits_and_inflected_number_words(written, lang, value):
    assert parse_number(written, lang) == value


# --- durations -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "lang", "expected"),
    [
        ("We keep your data for 3 years.", "en", [("P3Y", "retention")]),
        ("We will retain personal information for 24 months after your last login.", "en", [("P24M", "retention")]),
        ("Les données sont conservées pendant 5 ans après la clôture de votre compte.", "fr", [("P5Y", "retention")]),
        ("Les données sont conservées 13 mois.", "fr", [("P13M", "retention")]),
        ("En general, conservaremos tu información durante 1 año.", "es", [("P1Y", "retention")]),
        ("Conservaremos los datos durante dieciocho meses.", "es", [("P18M", "retention")]),
        ("Wir speichern Ihre Daten zwei Jahre lang.", "de", [("P2Y", "retention")]),
        ("We bewaren uw gegevens gedurende een periode van drie jaar.", "nl", [("P3Y", "retention")]),
        ("Как правило, мы будем хранить вашу информацию дляк 3 годы.", "ru", [("P3Y", "retention")]),
        ("Мы храним данные в течение шести месяцев.", "ru", [("P6M", "retention")]),
        ("Мы храним данные 5 лет.", "ru", [("P5Y", "retention")]),
        ("Obecně platí, že vaše údaje budeme uchovávatpro Dva roky.", "cs", [("P2Y", "retention")]),
        ("Data uchováváme po dobu pěti let.", "cs", [("P5Y", "retention")]),
        ("Les données de comptage sont supprimées au bout de 24h.", "fr", [("PT24H", "retention")]),
        ("Las grabaciones se conservan 48 h y después se borran.", "es", [("PT48H", "retention")]),
        ("We keep call recordings for 72 hrs.", "en", [("PT72H", "retention")]),
    ],
)
def test_retention_durations_in_every_language(sentence, lang, expected):
    assert [(d.iso, d.role) for d in find_durations(sentence, lang)] == expected
    assert retention_periods(sentence, lang) == [iso for iso, _ in expected]
    assert retention_periods(sentence, None) == [iso for iso, _ in expected]


@pytest.mark.parametrize(
    ("sentence", "lang", "expected"),
    [
        ("We store your data securely and will respond to requests within 30 days.", "en", [("P30D", "response")]),
        ("We keep your data for 3 years and respond within 30 days.", "en",
         [("P3Y", "retention"), ("P30D", "response")]),
        ("Nous conservons vos données et nous vous répondrons dans un délai de 30 jours.", "fr", [("P30D", "response")]),
        ("Conservamos sus datos y responderemos en un plazo de 15 días.", "es", [("P15D", "response")]),
        ("Wir speichern Daten und antworten innerhalb von vierundzwanzig Stunden.", "de", [("PT24H", "response")]),
        ("Wij bewaren gegevens en geven binnen 7 werkdagen antwoord.", "nl", [("P7D", "response")]),
        ("Мы храним данные в течение двадцати четырёх месяцев и ответим в течение 30 дней.", "ru",
         [("P24M", "retention"), ("P30D", "response")]),
        ("Údaje uchováváme, na žádost odpovíme do 30 dnů.", "cs", [("P30D", "response")]),
        ("We will notify you 30 days before the change takes effect.", "en", [("P30D", "notice")]),
        ("The processing time for each request is 60 days.", "en", [("P60D", "response")]),
        ("We will process your deletion request within 30 days.", "en", [("P30D", "response")]),
        ("Le délai de traitement de chaque demande est de 60 jours.", "fr", [("P60D", "response")]),
        ("Die Bearbeitung Ihrer Anfrage dauert höchstens 30 Tage.", "de", [("P30D", "response")]),
        ("Tramitaremos tu solicitud en un plazo de 30 días.", "es", [("P30D", "response")]),
        ("De behandeling van uw verzoek duurt maximaal 30 dagen.", "nl", [("P30D", "response")]),
        ("Срок обработки вашего запроса составляет 30 дней.", "ru", [("P30D", "response")]),
    ],
)
def test_response_and_notice_times_are_not_retention(sentence, lang, expected):
    assert [(d.iso, d.role) for d in find_durations(sentence, lang)] == expected


def test_an_hour_written_short_is_only_a_duration_right_after_its_digits():
    found = find_durations("Le service client est ouvert de 9h à 18h, 24h/24 en ligne, ou à 9h30.", "fr")
    assert [(d.text, d.role) for d in found] == [("9h", "other"), ("18h", "other")]
    assert [d.iso for d in find_durations("Logs are kept 24h.", "en")] == ["PT24H"]
    assert find_durations("Logs are kept in the 2nd hall.", "en") == []


def test_a_greek_unit_typed_with_the_micro_sign_is_a_greek_unit():
    """Greek pages often carry the micro sign (U+00B5) for mu: "ηµέρες" is "ημέρες"."""
    assert [(d.iso, d.role) for d in find_durations("Τα δεδομένα διατηρούνται για 30 ηµέρες.", "el")] == [
        ("P30D", "retention")]


def test_a_unit_matched_only_ignoring_case_is_skipped_not_a_crash():
    """The long s matches "s" ignoring case but lowers to itself: no unit is written "dayſ"."""
    assert find_durations("We keep logs for 30 dayſ.", "en") == []


def test_duration_forms_keep_the_unit_as_written():
    found = find_durations("a three (3) year term and a 12-month period, 2 weeks, 30 days", "en")
    assert [(d.iso, d.text) for d in found] == [
        ("P3Y", "three (3) year"), ("P12M", "12-month"), ("P2W", "2 weeks"), ("P30D", "30 days"),
    ]
    assert found[0].days == 3 * 365
    assert find_durations("conservées un an", "fr")[0].iso == "P1Y"
    assert find_durations("We keep logs for a year.", "en")[0].iso == "P1Y"


def test_frequencies_and_fractions_are_no_durations():
    assert find_durations("We review access once a year.", "en") == []
    assert find_durations("about 1.5 years", "en") == []


@pytest.mark.parametrize(
    ("sentence", "lang", "label"),
    [
        ("We retain your data until you delete your account.", "en", "until-account-deletion"),
        ("Les informations sont conservées jusqu'à ce que l'utilisateur se déconnecte de son compte.", "fr",
         "until-account-deletion"),
        ("Conservamos tus datos hasta que elimines tu cuenta.", "es", "until-account-deletion"),
        ("Wir speichern Ihre Daten, bis Sie Ihr Konto löschen.", "de", "until-account-deletion"),
        ("Мы храним данные до удаления учетной записи.", "ru", "until-account-deletion"),
        ("Údaje uchováváme, dokud nezrušíte účet.", "cs", "until-account-deletion"),
        ("Wij bewaren gegevens totdat u uw account verwijdert.", "nl", "until-account-deletion"),
        ("We retain data for as long as it is reasonably necessary for the purposes.", "en", "as-long-as-necessary"),
        ("Nous conservons vos données aussi longtemps que nécessaire.", "fr", "as-long-as-necessary"),
        ("Conservamos los datos durante el tiempo necesario.", "es", "as-long-as-necessary"),
        ("Wir speichern Daten so lange wie erforderlich.", "de", "as-long-as-necessary"),
        ("Мы храним данные столько, сколько необходимо.", "ru", "as-long-as-necessary"),
        ("Údaje uchováváme po dobu nezbytně nutnou.", "cs", "as-long-as-necessary"),
        ("Wij bewaren gegevens zolang als nodig.", "nl", "as-long-as-necessary"),
        ("We keep invoices as required by law.", "en", "legal-obligation"),
        ("We keep your data until you withdraw your consent.", "en", "consent-withdrawal"),
        ("Backups are stored indefinitely.", "en", "indefinitely"),
    ],
)
def test_retention_criteria_in_every_language(sentence, lang, label):
    assert label in retention_criteria(sentence, lang)
    assert label in retention_criteria(sentence, None)


def test_retention_criteria_need_a_retention_sentence():
    assert retention_criteria("We share data with the police if required by law.", "en") == []
    assert retention_criteria("Les cookies permanents restent sur votre appareil.", None) == []


# --- ages ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "lang", "ages"),
    [
        ("Users must be at least 13 years old to sign up.", "en", [13]),
        ("We do not collect data from children under 16 years of age.", "en", [16]),
        ("If we learn that data from a user under 16 was collected, we delete it.", "en", [16]),
        ("We do not knowingly collect data of anyone under the age of 13.", "en", [13]),
        ("Nous ne collectons pas les données des enfants de moins de 15 ans.", "fr", [15]),
        ("No recopilamos datos de menores de 14 años.", "es", [14]),
        ("Personen unter 16 Jahren dürfen den Dienst nicht nutzen.", "de", [16]),
        ("Kinderen jonger dan 16 jaar mogen de dienst niet gebruiken.", "nl", [16]),
        ("Мы не собираем данные детей младше 14 лет.", "ru", [14]),
        ("Nezpracováváme údaje osob mladším 15 let.", "cs", [15]),
        ("We keep data for at least 5 years.", "en", []),
        ("We respond within 30 days.", "en", []),
    ],
)
def test_minimum_ages_are_ages_not_other_durations(sentence, lang, ages):
    assert minimum_ages(sentence, lang) == ages
    assert all(d.role == "age" for d in find_durations(sentence, lang) if ages)


# --- places ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sentence", "lang", "destinations"),
    [
        ("Somos una empresa china; para operar nuestro negocio, podemos enviar tu información personal fuera de tu "
         "estado, provincia o país, incluyendo la transmisión a servidores desplegados por nuestros proveedores de "
         "servicios en China, Singapur o Estados Unidos.", "es", ["CN", "SG", "US"]),
        ("Мы китайская компания(7/F, здание 3, промышленный парк Чжоутэн, подрайон Наньвань, район Лунган, "
         "Шэньчжэнь, Китай), для ведения нашего бизнеса мы можем отправлять ваши персональные данные за пределы "
         "вашего штата, провинции или страны, включая передачу на серверы, развернутые нашими поставщиками услуг "
         "в Китае или Сингапуре.", "ru", ["CN", "SG"]),
        ("By using the Services, you consent that we may transfer to, and store the data we collect about you, in "
         "countries other than the country in which the data was originally collected, including the United States, "
         "Canada, India, or other jurisdictions outside the EEA and the UK.", "en", ["US", "CA", "IN"]),
        ("Jsme čínská společnost, včetně přenosu na servery nasazené našimi poskytovateli služeb v Číně nebo "
         "Singapuru.", "cs", ["CN", "SG"]),
        ("Data jsou uložena ve Spojených státech.", "cs", ["US"]),
        ("Les données sont hébergées en Chine et aux États-Unis.", "fr", ["CN", "US"]),
        ("Wir übermitteln Daten nach Deutschland und in die USA.", "de", ["DE", "US"]),
        ("Wij zijn een Chinees bedrijf; gegevens worden opgeslagen in de Verenigde Staten.", "nl", ["US"]),
        ("Данные хранятся на серверах в Германии, Сингапуре и США.", "ru", ["DE", "SG", "US"]),
        ("Datos alojados en la Unión Europea, EE.UU. y Reino Unido.", "es", ["EU", "US", "GB"]),
        ("Údaje předáváme do Evropské unie a do Spojeného království.", "cs", ["EU", "GB"]),
    ],
)
def test_transfer_destinations_in_every_language(sentence, lang, destinations):
    assert transfer_destinations(sentence, lang) == destinations
    assert transfer_destinations(sentence, None) == destinations


def test_the_company_address_is_not_a_destination():
    sentence = ("Мы китайская компания(7/F, здание 3, район Лунган, Шэньчжэнь, Китай), включая передачу на серверы "
                "в Китае или Сингапуре.")
    roles = [(p.code, p.text, p.role) for p in find_places(sentence, "ru")]
    assert roles == [("CN", "Китай", "address"), ("CN", "Китае", "destination"), ("SG", "Сингапуре", "destination")]
    assert [p.role for p in find_places("Acme SAS, siège social : 1 rue de la Paix, 75002 Paris, France.", "fr")] == [
        "address"]
    assert [p.role for p in find_places("UpScrolled is headquartered in the Netherlands.", "en")] == ["address"]


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        ("Your data is transferred to Google Ireland Limited, our affiliate.", "en"),
        ("Vos données sont transférées à Airbnb Payments Luxembourg S.A.", "fr"),
        ("Ihre Daten werden an die Microsoft Deutschland GmbH übermittelt.", "de"),
        ("Vos données de réservation sont transmises à Air France pour votre vol.", "fr"),
        ("Les données traitées par France Billet en tant que responsable indépendant sont décrites ici.", "fr"),
    ],
)
def test_a_country_in_a_company_name_is_no_destination(sentence, lang):
    """The company receives the data; the country in its name says nothing of where the data goes."""
    assert transfer_destinations(sentence, lang) == []
    assert [p.role for p in find_places(sentence, lang)] == ["name"]
    assert transfer_destinations("Your data is transferred to Ireland.", "en") == ["IE"]


def test_a_country_beside_a_capitalised_word_that_starts_a_sentence_or_a_title_is_still_a_place():
    assert transfer_destinations("We keep your data safe. In France, our servers store it.", "en") == ["FR"]
    assert "US" in transfer_destinations("We transfer your data to the United States If you use the app.", "en")
    assert transfer_destinations("Transfers Of Personal Data To The United States", "en") == ["US"]
    assert transfer_destinations("Ihre Daten werden in den USA Gespeichert.", "de") == ["US"]


def test_countries_outside_which_data_goes_are_not_destinations():
    sentence = "Vos données peuvent être transférées vers des pays extérieurs à l'EEE et au Royaume-Uni."
    assert [p.role for p in find_places(sentence, "fr")] == ["outside", "outside"]


@pytest.mark.parametrize(
    ("sentence", "lang", "code"),
    [
        ("Si vous résidez en Corée, veuillez utiliser les coordonnées de votre responsable du traitement.", "fr", "KR"),
        ("If you reside in the United States, your data is processed by Quorvex Inc.", "en", "US"),
        ("Si reside en España, sus datos son tratados por Quorvex S.L.", "es", "ES"),
        ("Bent u woonachtig in Nederland, dan worden uw gegevens verwerkt door Quorvex B.V.", "nl", "NL"),
        ("If you are located in Canada, we transfer your data to our processors.", "en", "CA"),
        ("Si vous êtes située en Belgique, nous transférons vos données à nos prestataires.", "fr", "BE"),
        ("Als u zich in België bevindt, worden uw gegevens doorgegeven aan onze verwerkers.", "nl", "BE"),
    ],
)
def test_where_people_live_is_whom_a_clause_is_about_not_where_data_goes(sentence, lang, code):
    assert [(p.code, p.role) for p in find_places(sentence, lang)] == [(code, "residence")]
    assert transfer_destinations(sentence, lang) == []


def test_places_listed_after_where_people_live_are_where_they_live_too():
    sentence = "If you reside in the EEA, United Kingdom, or Switzerland, and we transfer information about you abroad"
    assert [(p.code, p.role) for p in find_places(sentence, "en")] == [
        ("EEA", "residence"), ("GB", "residence"), ("CH", "residence")]
    assert transfer_destinations("Our servers are located in the United States.", "en") == ["US"]


def test_a_body_of_a_place_is_whose_law_applies_not_where_people_live():
    """"For residents of Switzerland, the Swiss commissioner replaces the EU bodies": the clause covers
    people in Switzerland; the EU is named for its bodies, as for its laws."""
    sentence = "For residents of Switzerland, the Swiss commissioner will replace the EU bodies."
    assert [(p.code, p.role) for p in find_places(sentence, "en")] == [("CH", "residence"), ("EU", "law")]
    assert [(p.code, p.role) for p in find_places("You may complain to the UK courts.", "en")] == [("GB", "law")]


def test_places_outside_the_destinations_are_other():
    places = find_places("we store it in the United States or other jurisdictions outside the EEA and the UK", "en")
    assert [(p.code, p.role) for p in places] == [("US", "destination"), ("EEA", "outside"), ("GB", "outside")]


@pytest.mark.parametrize(
    ("sentence", "lang", "adjective_code"),
    [
        ("We are a Chinese company.", "en", "CN"),
        ("Nous sommes une société chinoise.", "fr", "CN"),
        ("Somos una empresa china.", "es", "CN"),
        ("Wir sind eine chinesische Firma.", "de", "CN"),
        ("Wij zijn een Chinees bedrijf.", "nl", "CN"),
        ("Мы китайская компания.", "ru", "CN"),
        ("Jsme čínská společnost.", "cs", "CN"),
    ],
)
def test_nationality_adjectives_are_not_countries(sentence, lang, adjective_code):
    assert find_places(sentence, lang) == []
    assert find_places(sentence, None) == []
    adjectives = find_places(sentence, lang, include_adjectives=True)
    assert [(p.code, p.role) for p in adjectives] == [(adjective_code, "adjective")]


@pytest.mark.parametrize(
    ("sentence", "lang", "codes"),
    [
        ("The data is stored in Denmark. Danish data laws apply.", "en", ["DK"]),
        ("Put the turkey and the jersey in the guinea pig's chad.", "en", []),
        ("The Indian Ocean is large; Indian users are welcome.", "en", []),
        ("Servers in Oman and Peru; omani romance.", "en", ["OM", "PE"]),
        ("Deutschlands und Chinas Regeln.", "de", ["DE", "CN"]),
        ("в Китае, из Китая, Германии, Сингапуре", "ru", ["CN", "CN", "DE", "SG"]),
        ("v Číně, Singapuru, Nizozemsku, ve Spojených státech", "cs", ["CN", "SG", "NL", "US"]),
    ],
)
def test_country_names_match_inflections_but_not_lookalike_words(sentence, lang, codes):
    assert [p.code for p in find_places(sentence, lang)] == codes


# --- contacts --------------------------------------------------------------------------------

def test_cloudflare_emails_decode():
    assert decode_cloudflare_email("c2a6b2ad82aab7a3b6b7adefa5b0adb7b2eca7baa3afb2aea7") == "dpo@huatuo-group.example"
    assert decode_cloudflare_email("zz") is None and decode_cloudflare_email("47") is None


def test_emails_are_lower_cased_and_placeholders_ignored():
    text = ("Write to Privacy@Example.com, dataprotectio[email protected] or [email protected]. "
            "Also dpo@huatuo-group.example and privacy@example.com.")
    assert find_emails(text) == ["privacy@example.com", "dpo@huatuo-group.example"]
    assert find_emails("veuillez nous contacter par courriel: it@cccme.org.cn.") == ["it@cccme.org.cn"]


def test_international_phone_numbers():
    assert find_phone_numbers("Tel +49 30 1234567 or +7 (495) 123-45-67.") == ["+49301234567", "+74951234567"]


@pytest.mark.parametrize(
    ("sentence", "lang", "numbers"),
    [
        ("Téléphone : 01 23 45 67 89", "fr", ["01 23 45 67 89"]),
        ("Vous pouvez nous joindre par téléphone au 01 23 45 67 89 ou au 09 87 65 43 21.", "fr",
         ["01 23 45 67 89", "09 87 65 43 21"]),
        ("Telefon: (030) 1234567", "de", ["(030) 1234567"]),
        ("Sie erreichen uns telefonisch unter 030/1234567.", "de", ["030/1234567"]),
        ("Звоните по телефону 8 800 555-35-35.", "ru", ["8 800 555-35-35"]),
        ("тел.: 8 (495) 123-45-67", "ru", ["8 (495) 123-45-67"]),
        ("Pověřenec: dpo@firma.cz, tel. č. 123 456 789.", "cs", ["123 456 789"]),
        ("Neem contact op via tel. 020 123 4567.", "nl", ["020 123 4567"]),
        ("Puede llamarnos al teléfono 91 123 45 67.", "es", ["91 123 45 67"]),
        ("Call us on 020 7946 0958 or write to us.", "en", ["020 7946 0958"]),
        ("Phone: 1-800-555-0199", "en", ["1-800-555-0199"]),
        # international numbers need no cue, in any of their usual spellings
        ("Kontaktujte nás na +420 123 456 789.", "cs", ["+420 123 456 789"]),
        ("Écrivez ou appelez +33 (0)1 23 45 67 89.", "fr", ["+33 (0)1 23 45 67 89"]),
        ("Our office: +33.1.23.45.67.89", "en", ["+33.1.23.45.67.89"]),
        ("Aus dem Ausland: 0049 30 1234567 (Telefon 0049 30 1234567)", "de", ["0049 30 1234567"]),
    ],
)
def test_national_numbers_after_a_phone_cue_and_international_ones_anywhere(sentence, lang, numbers):
    assert [phone.text for phone in find_phones(sentence, lang)] == numbers


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        # dates, years, times
        ("Dernière mise à jour : 01.02.2024. Téléphone mis à jour le 15/03/2024.", "fr"),
        ("Stand 2024-01-15; Telefon 2020-2024; Telefon 9.00-17.00 Uhr", "de"),
        ("Редакция от 01.02.2024 г., телефон: 2020-2024", "ru"),
        # postcodes and street addresses
        ("ACME SAS, 12 rue de la Paix, 75002 Paris", "fr"),
        ("Musterstraße 1, 10117 Berlin", "de"),
        ("101000, г. Москва, ул. Мясницкая, д. 1", "ru"),
        ("Na Příkopě 1, 110 00 Praha 1", "cs"),
        # registration, tax and company numbers
        ("RCS Paris 123 456 789, SIRET 123 456 789 00012, TVA FR 12 123456789", "fr"),
        ("Handelsregister: HRB 123456, USt-IdNr.: DE123456789", "de"),
        ("ОГРН 1027700132195, ИНН 7707083893, КПП 770701001", "ru"),
        ("IČO: 12345678, DIČ: CZ12345678, spisová značka C 123456", "cs"),
        ("KvK 12345678, BTW NL123456789B01", "nl"),
        ("Company number 01234567, registered in England; VAT GB 123 4567 89", "en"),
        ("CIF B-12345678, inscrita en el Registro Mercantil, tomo 12345", "es"),
        # amounts, counts, durations, IP addresses, time zones
        ("Fines of up to 20 000 000 EUR or +4 % of turnover; +10 000 000 € ; +300 000 000 users", "en"),
        ("We keep phone logs for 30 days and answer by phone 24/7 within 72 hours.", "en"),
        ("Les journaux de téléphone sont conservés 12 mois (365 jours).", "fr"),
        ("Your IP address (e.g. 192.168.100.200) and phone model 1234567 are stored.", "en"),
        ("Server time GMT+2, UTC+01:00", "en"),
    ],
)
def test_numbers_that_are_not_phone_numbers_are_not_taken_for_them(sentence, lang):
    assert find_phones(sentence, lang) == []
    assert find_phones(sentence, None) == []


@pytest.mark.parametrize(
    ("a", "a_lang", "b", "b_lang"),
    [
        ("+33 1 23 45 67 89", "fr", "+33 (0)1 23 45 67 89", "fr"),
        ("+33 1 23 45 67 89", "fr", "+33.1.23.45.67.89", "fr"),
        ("Tél. 01 23 45 67 89", "fr", "+33 1 23 45 67 89", "en"),
        ("Telefon (030) 1234567", "de", "+49 30 1234567", "de"),
        ("телефон 8 800 555-35-35", "ru", "+7 800 555 35 35", "ru"),
        ("tel. 123 456 789", "cs", "+420 123 456 789", "cs"),
        ("tel. 020 123 4567", "nl", "+31 20 123 4567", "nl"),
        ("Phone 1-800-555-0199", "en", "+1 800 555 0199", "en"),
        ("Tel. 0033 1 23 45 67 89", "fr", "+33 1 23 45 67 89", "fr"),
    ],
)
def test_one_number_however_it_is_written(a, a_lang, b, b_lang):
    [first], [second] = find_phones(a, a_lang), find_phones(b, b_lang)
    assert same_phone(first, second) and same_phone(second, first)


def test_different_numbers_are_different_and_repeats_are_kept_once():
    [paris], [lyon] = find_phones("+33 1 23 45 67 89", "fr"), find_phones("Tél. 04 23 45 67 89", "fr")
    assert not same_phone(paris, lyon)
    assert [p.text for p in find_phones("Tél. 01 23 45 67 89, soit +33 1 23 45 67 89.", "fr")] == ["01 23 45 67 89"]
    assert find_phone_numbers("Telefon: 030 1234567", "de") == ["0301234567"]



@pytest.mark.parametrize(
    ("sentence", "lang", "numbers"),
    [
        ("Trusted by +2 500 000 customers worldwide.", "en", []),
        ("Plus de +2 500 000 clients nous font confiance.", "fr", []),
        ("Atendemos llamadas: 1.234.567 al año.", "es", []),
        ("Количество звонков: 1 234 567.", "ru", []),
        ("Wij ontvingen telefonisch 1.234.567 vragen.", "nl", []),
        ("Telefonnummer 1 234 567", "de", []),
        ("Tel: 020 7946 0958 and 2 500 000 users", "en", ["020 7946 0958"]),
        # a "+" number longer than a count is a phone number however it is grouped
        ("Phone +44 207 946 095", "en", ["+44 207 946 095"]),
    ],
)
def test_a_count_of_customers_is_not_a_phone_number(sentence, lang, numbers):
    assert [phone.text for phone in find_phones(sentence, lang)] == numbers


@pytest.mark.parametrize(
    ("sentence", "lang", "numbers"),
    [
        ("Call us on 020 7946 0958 and 1234567 customers did so last year.", "en", ["020 7946 0958"]),
        ("Call us on 020 7946 0958 or 020 7946 0959.", "en", ["020 7946 0958", "020 7946 0959"]),
        ("Telefonicky na 800 123 456 a 123 456 789", "cs", ["800 123 456", "123 456 789"]),
        ("Telefon: +49 30 1234567 oder 0800 1234567", "de", ["+49 30 1234567", "0800 1234567"]),
    ],
)
def test_a_number_joined_to_a_phone_number_must_look_like_one(sentence, lang, numbers):
    assert [phone.text for phone in find_phones(sentence, lang)] == numbers


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        ("Vous pouvez nous joindre par téléphone le 12 03 2024.", "fr"),
        ("тел. 2016/679", "ru"),
        ("tel. 2016/679", "cs"),
        ("les clauses contractuelles standard 2021/914", "fr"),
    ],
)
def test_a_date_or_an_act_number_after_a_phone_cue_is_not_a_phone_number(sentence, lang):
    assert find_phones(sentence, lang) == []


@pytest.mark.parametrize(
    ("sentence", "lang", "numbers"),
    [
        ("Fax: +44 20 7946 0000", "en", []),
        ("Fax +44 20 7946 0000 or +44 20 7946 0001", "en", []),
        ("Telefon: +49 (0)30 1234567, Fax: +49 (0)30 1234568", "de", ["+49 (0)30 1234567"]),
        ("Факс: +7 495 123-45-68, телефон: +7 495 123-45-67", "ru", ["+7 495 123-45-67"]),
        ("Télécopie : +33 1 23 45 67 90", "fr", []),
        ("Tel./Fax: +49 30 1234567", "de", ["+49 30 1234567"]),
    ],
)
def test_a_fax_number_is_not_a_contact_phone(sentence, lang, numbers):
    assert [phone.text for phone in find_phones(sentence, lang)] == numbers


@pytest.mark.parametrize(
    ("sentence", "lang", "numbers"),
    [
        ("Llámenos al 900 123 456.", "es", ["900 123 456"]),
        ("Phone (toll-free): 1-800-555-0199", "en", ["1-800-555-0199"]),
        ("Telefon (kostenlos): 0800 1234567", "de", ["0800 1234567"]),
        ("Telefon (Mo-Fr 8-20 Uhr): 0800 1234567", "de", ["0800 1234567"]),
        ("Servicenummer: 0800 123 4567", "de", ["0800 123 4567"]),
        ("Sie erreichen uns unter 030 1234567.", "de", ["030 1234567"]),
        ("Appelez notre numéro vert 0 800 123 456.", "fr", ["0 800 123 456"]),
        ("Обращения принимаются по номеру 8 800 555-35-35.", "ru", ["8 800 555-35-35"]),
        ("Phone | 020 7946 0958", "en", ["020 7946 0958"]),
    ],
)
def test_phone_cues_with_a_remark_a_possessive_or_a_table_cell_between_cue_and_number(sentence, lang, numbers):
    assert [phone.text for phone in find_phones(sentence, lang)] == numbers


@pytest.mark.parametrize(
    ("sentence", "lang", "numbers"),
    [
        ("Phone: +44 20 7946 0958 (2024)", "en", ["+44 20 7946 0958"]),
        ("Telefon: 030 1234567 (2024)", "de", ["030 1234567"]),
        # a bracketed area code or trunk "(0)" among the first groups still belongs to the number
        ("Tél. : +33 (0)1 23 45 67 89", "fr", ["+33 (0)1 23 45 67 89"]),
        ("Позвоните по номеру 8 (800) 555-35-35", "ru", ["8 (800) 555-35-35"]),
        ("Phone: (650) 253-0000", "en", ["(650) 253-0000"]),
    ],
)
def test_a_bracketed_year_after_a_number_is_not_part_of_it(sentence, lang, numbers):
    assert [phone.text for phone in find_phones(sentence, lang)] == numbers


def test_a_number_without_a_cue_is_compared_with_an_international_one_only_when_it_looks_the_part():
    from monitor.analysis.facts.contacts import phone_candidates, written_another_way

    [uk] = find_phones("+44 20 7946 0958", "en")
    [bare] = phone_candidates("Our customer service team is available at 020 7946 0958.", "en")
    assert find_phones("Our customer service team is available at 020 7946 0958.", "en") == []
    assert written_another_way(uk, bare)
    [madrid] = find_phones("+34 912 345 678", "es")
    assert written_another_way(madrid, phone_candidates("Atención al cliente 912 345 678", "es")[0])
    # a registration number whose digits happen to end the international number is not it
    [paris] = find_phones("+33 1 23 45 67 89", "fr")
    [rcs] = phone_candidates("RCS Paris 123 456 789", "fr")
    assert not written_another_way(paris, rcs)

# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "lang", "date"),
    [
        ("March 15, 2026", "en", datetime.date(2026, 3, 15)),
        ("15 March 2026", "en", datetime.date(2026, 3, 15)),
        ("2 November 2026", None, datetime.date(2026, 11, 2)),
        ("3 de marzo de 2024", "es", datetime.date(2024, 3, 3)),
        ("9 de octubre de 2025", None, datetime.date(2025, 10, 9)),
        ("28 juli 2022", "nl", datetime.date(2022, 7, 28)),
        ("4 aug 2022", "nl", datetime.date(2022, 8, 4)),
        ("1er janvier 2025", "fr", datetime.date(2025, 1, 1)),
        ("avril 2025", "fr", datetime.date(2025, 4, 1)),
        ("15. März 2026", "de", datetime.date(2026, 3, 15)),
        ("1. ledna 2024", "cs", datetime.date(2024, 1, 1)),
        ("15 марта 2026 г.", "ru", datetime.date(2026, 3, 15)),
        ("2026-03-15", None, datetime.date(2026, 3, 15)),
        ("15/03/2026", "fr", datetime.date(2026, 3, 15)),
        ("15.03.2026", "de", datetime.date(2026, 3, 15)),
    ],
)
def test_dates_in_every_language(text, lang, date):
    assert find_dates(text, lang) == [date]


def test_may_the_verb_is_not_may_the_month():
    assert find_dates("We may 2026 share nothing; it changed in May 2026.", "en") == [datetime.date(2026, 5, 1)]


@pytest.mark.parametrize(
    ("document", "lang", "date"),
    [
        ("# Privacy\nLast updated: 30 May 2026\nWe collect data.", "en", datetime.date(2026, 5, 30)),
        ("Última actualización: 9 de octubre de 2025\nTexto", "es", datetime.date(2025, 10, 9)),
        ("Dernière mise à jour : 1er janvier 2025", "fr", datetime.date(2025, 1, 1)),
        ("Stand: 15. März 2026", "de", datetime.date(2026, 3, 15)),
        ("Laatst bijgewerkt op 4 aug 2022", "nl", datetime.date(2022, 8, 4)),
        ("Дата обновления: 15 марта 2026 г.", "ru", datetime.date(2026, 3, 15)),
        ("Poslední aktualizace: 1. ledna 2024", "cs", datetime.date(2024, 1, 1)),
        ("Effective date\nMarch 1, 2024\nText", "en", datetime.date(2024, 3, 1)),
        ("## Effective until January 15, 2026\nText\n**Effective:** July 28, 2025", "en", datetime.date(2025, 7, 28)),
        ("Gültig bis 1. März 2026\nStand: 1. Mai 2025", "de", datetime.date(2025, 5, 1)),
        ("En vigueur jusqu'au 1er mars 2026. Mise à jour : 2 mai 2025", "fr", datetime.date(2025, 5, 2)),
        ("We changed things on 3 May 2024.", "en", None),
        ("Date last updated: 01-05-2022", "en", datetime.date(2022, 1, 5)),
        ("Laatst gewijzigd: 01-05-2022", "nl", datetime.date(2022, 5, 1)),
        ("Last updated | 4 July 2025\nText", "en", datetime.date(2025, 7, 4)),
        ("Version | Changes | Date\n1.1 | Updated text on analytics | 28 September 2020\nLast updated: 4 July 2025",
         "en", datetime.date(2025, 7, 4)),
    ],
)
def test_declared_date_of_a_document(document, lang, date):
    assert declared_date(document, lang) == date


def test_declared_dates_of_the_seed_policies():
    assert declared_date(seed_text("001"), None) == datetime.date(2024, 1, 1)
    assert declared_date(seed_text("002"), None) == datetime.date(2022, 7, 28)
    assert declared_date(seed_text("003"), None) == datetime.date(2023, 12, 29)


@pytest.mark.parametrize(
    ("block", "lang", "only_a_date"),
    [
        ("Last updated: 2 November 2026", "en", True),
        ("## Effective as of March 1, 2024", "en", True),
        ("Última actualización: 3 de marzo de 2024", "es", True),
        ("Время обновления: 2024", "ru", True),
        ("Čas účinnosti: 29. prosince 2023", "cs", True),
        ("We updated this policy on 3 May 2024 to add sharing with partners.", "en", False),
        ("We keep data for 3 years.", "en", False),
    ],
)
def test_is_date_line(block, lang, only_a_date):
    assert is_date_line(block, lang) is only_a_date


# --- the seed template in three languages ------------------------------------------------------

@pytest.mark.parametrize(
    ("prefix", "lang", "period"),
    [("001", "ru", "P3Y"), ("003", "cs", "P2Y"), ("004", "es", "P1Y")],
)
@pytest.mark.parametrize("hint", ["given", "unknown"])
def test_seed_template_retention_and_destinations(prefix, lang, period, hint):
    text = seed_text(prefix)
    code = lang if hint == "given" else None
    assert over_blocks(retention_periods, text, code) == [period]
    assert set(over_blocks(transfer_destinations, text, code)) == {"CN", "SG"}


# --- benchmark cases -------------------------------------------------------------------------

def case_facts(case: str, extract) -> tuple[list, list]:
    lang = json.loads((CASES / case / "expected.json").read_text())["language"]
    old = over_blocks(extract, visible_text(CASES / case / "old.html"), lang)
    new = over_blocks(extract, visible_text(CASES / case / "new.html"), lang)
    return old, new


@pytest.mark.parametrize(
    ("case", "old", "new"),
    [
        ("es-retention-years", ["P1Y"], ["P3Y"]),
        ("ru-retention-years", ["P3Y"], ["P5Y"]),
        ("en-retention-period", [], ["P24M"]),
        ("fr-retention-added", [], ["P5Y"]),
    ],
)
def test_bench_retention_periods(case, old, new):
    assert case_facts(case, retention_periods) == (old, new)


@pytest.mark.parametrize(
    ("case", "added", "removed"),
    [
        ("en-transfer-add", {"IN"}, set()),
        ("es-transfer-add", {"US"}, set()),
        ("ru-transfer-remove", set(), {"SG"}),
    ],
)
def test_bench_transfer_destinations(case, added, removed):
    old, new = case_facts(case, transfer_destinations)
    assert set(new) - set(old) == added
    assert set(old) - set(new) == removed


def test_bench_children_age_and_dates():
    old, new = case_facts("en-children-age", minimum_ages)
    assert 13 not in old and 13 in new
    for case, old_date, new_date in (
        ("en-date", datetime.date(2026, 5, 30), datetime.date(2026, 11, 2)),
        ("es-date", datetime.date(2024, 3, 3), datetime.date(2025, 10, 9)),
    ):
        assert declared_date(visible_text(CASES / case / "old.html"), None) == old_date
        assert declared_date(visible_text(CASES / case / "new.html"), None) == new_date


def test_bench_protected_contact_decodes():
    html = (CASES / "ru-contact-protected" / "new.html").read_text(encoding="utf-8")
    code = BeautifulSoup(html, "lxml").select_one("[data-cfemail]")["data-cfemail"]
    assert decode_cloudflare_email(code) == "dpo@huatuo-group.example"


# --- speed -----------------------------------------------------------------------------------

def test_a_whole_policy_is_fast_sentence_by_sentence():
    text = seed_text("000") + "\n" + seed_text("002")[:5000]
    blocks = [block for block in text.splitlines() if block.strip()]

    def run_all(lang):
        for block in blocks:
            find_durations(block, lang)
            retention_criteria(block, lang)
            find_places(block, lang)
            minimum_ages(block, lang)
            find_emails(block)
        declared_date(text, lang)

    run_all(None)
    run_all("fr")
    started = time.perf_counter()
    run_all("fr")
    elapsed = time.perf_counter() - started
    assert len(text) > 40_000
    assert elapsed < 0.1, f"{elapsed * 1000:.1f} ms for {len(text)} characters"


@pytest.mark.parametrize("lang, text", [
    ("fr", "Subversion du 3 mars. DERNIÈRE MISE À JOUR LE 2 mars 2025\nMise à jour levée, version du 1er mai 2024"),
    ("en", "Last Updated: May 2, 2025. Unupdated text; effective date: 2024-01-01; office updated 2023"),
    ("en", "İstanbul office. Last Updated: May 2, 2025"),  # lower-cases one letter longer: the full pattern
    ("ru", "Дата обновления: 02.03.2025. ПОСЛЕДНЕЕ ОБНОВЛЕНИЕ 2024"),
    ("de", "Stand: 1. März 2025. Zuletzt aktualisiert am 2. Mai 2024, Versionsstand"),
])
def test_the_fast_cue_search_finds_exactly_what_the_full_pattern_finds(lang, text):
    from monitor.analysis.facts import dates
    from monitor.analysis.facts._lexicon import languages_for
    from monitor.analysis.facts._text import fold

    grammar = dates._grammar(languages_for(lang))
    folded = fold(text)
    expected = [(m.start(), m.end()) for m in grammar.cues.finditer(folded)]
    assert [(m.start(), m.end()) for m in dates._cue_matches(folded, grammar)] == expected
    assert expected  # every sample has a cue


def test_a_country_named_at_the_end_of_a_long_sentence_is_no_destination_of_a_cue_far_before():
    sentence = ("We may process any of the categories of data mentioned herein to enforce our terms and to comply "
                "with legal obligations, namely responding to your requests, verifying the age of users and "
                "handling complaints, as well as providing information to researchers under the EU Digital "
                "Services Act.")
    assert [p.role for p in find_places(sentence, "en")] == ["other"]
    assert [p.role for p in find_places("We may process your data in the United States.", "en")] == ["destination"]


def test_a_street_abroad_written_as_a_name_is_an_address_without_a_postcode():
    text = "The controller is Example S.r.l., with registered office in Rome (IT), Via Chiana, 38, VAT ID: IT 11660511004."
    assert find_postal_addresses(text, "en") == ["Via Chiana, 38"]
    assert find_postal_addresses("Contact us via email 24 hours a day, or via our website, 7 days a week.", "en") == []


@pytest.mark.parametrize("language, text, address", [
    ("fr", "Example B.V. (Burgerweeshuispad 101, 1076 ER Amsterdam, Pays-Bas) est responsable.",
     "Burgerweeshuispad 101, 1076 ER Amsterdam"),
    ("en", "Our office: Kurfürstendamm 21, 10719 Berlin, Germany.", "Kurfürstendamm 21, 10719 Berlin"),
    ("nl", "Ons adres is Zeedijk 12, 1012 AX Amsterdam.", "Zeedijk 12, 1012 AX Amsterdam"),
])
def test_a_street_written_as_one_compound_word_is_an_address_in_any_policy(language, text, address):
    """Dutch, German and Nordic streets end in a street word ("-pad", "-damm", "-dijk"): which
    endings, per language, is data (`street_suffixes` in the contacts lexicons)."""
    assert find_postal_addresses(text, language) == [address]


def test_a_street_abbreviated_with_or_without_its_dot_and_its_suite_are_one_address():
    assert find_postal_addresses("3400 N. Ashton Blvd, Suite 175\nLehi, UT 84043", "en") == [
        "3400 N. Ashton Blvd, Suite 175"]
    assert find_postal_addresses("Write to 12 Main St. or call us.", "en") == ["12 Main St."]
    assert find_postal_addresses("We share data with 3 rd parties and keep it 2 st years.", "en") == []


def test_an_address_with_its_suite_read_twice_is_one_address_ending_at_its_zip_code():
    block = "Revcontent, LLC, 1515 Fruitville Road, Suite 100, Sarasota, FL 34236, Did this answer your question?"
    assert find_postal_addresses(block, "en") == ["1515 Fruitville Road, Suite 100, Sarasota, FL 34236"]
    assert find_postal_addresses("160 boulevard de Fourmies, 59100 Roubaix", "fr") == [
        "160 boulevard de Fourmies, 59100 Roubaix"]


def test_an_office_that_moved_in_a_contact_block_written_over_lines_is_a_contact_change():
    block = ("# Contact us\nIf you have any questions, write to privacy@example.com or at:\n\nExample, LLC\n\n"
             "{}\n\nSuite {}\n\nSarasota, FL 34236\n\nDid this answer your question?\n")
    result = compare_texts(block.format("1680 Fruitville Road", 400), block.format("1515 Fruitville Road", 100))
    assert [c.category for c in result.changes if c.material] == ["contact"]


def test_a_postal_address_under_an_e_mail_in_a_cookie_notice_is_where_to_write():
    notice = ("# Cookie notice\nWe use cookies to keep you signed in.\nIf you have questions about this Cookie Notice, "
              "e-mail privacy@example.com.\nAlternatively, write to:\nExample Customer Care\n{}\n{}\n# California residents\n"
              "You may opt out of the sale of your data.\n")
    old = notice.format("3400 N. Ashton Blvd, Suite 175", "Lehi, UT 84043")
    new = notice.format("3731 W South Jordan Parkway, Suite 102-405,", "South Jordan, UT 84009")
    assert [c.category for c in compare_texts(old, new).changes if c.material] == ["contact"]
    line = "# Cookie notice\nWe use cookies to keep you signed in.\nOur office: {}, South Jordan, UT 84009\n"
    moved = compare_texts(line.format("3400 Ashton Parkway"), line.format("3731 W South Jordan Parkway"))
    assert "tracking" not in {c.category for c in moved.changes if c.material}  # a street is no tracker


def test_a_postal_address_written_over_lines_that_end_with_commas_is_one_address():
    block = ("# Contact\nOur Data Protection Officer: dpo@example.com\n{}\n# Cookies\nWe use cookies to remember you.\n")
    letter = "Alternatively, you can write to them at:\nKemp Little LLP\nCheapside House, 138 Cheapside,\nLondon EC2V 6BJ,\nU.K.\n"
    change = [c for c in compare_texts(block.format(letter), block.format("")).changes if c.material]
    assert [c.category for c in change] == ["contact"]
    assert "138 Cheapside" in change[0].summary


def test_a_house_number_written_as_a_word_starts_a_street():
    assert find_postal_addresses("Example Inc. One Example Park Way, Springfield, California, USA, 95014", "en") == [
        "One Example Park Way, Springfield, California, USA, 95014"]
    assert find_postal_addresses("Write to One Market Street, Springfield, CA 94105.", "en") == [
        "One Market Street, Springfield, CA 94105"]
    assert find_postal_addresses("We do it one way or another, and never for 95014 days.", "en") == []


def test_a_closing_postal_address_removed_is_a_contact_change():
    policy = ("# Privacy questions\nIf you have questions, use our contact form.\n"
              "When this policy changes, we post a notice here a week in advance.\n{}")
    result = compare_texts(policy.format("Example Inc. One Example Park Way, Springfield, California, USA, 95014\n"),
                           policy.format(""))
    assert [c.category for c in result.changes if c.material] == ["contact"]


def test_a_postal_address_is_read_within_one_line():
    text = "Write to us on Main Street\n2 ways to reach us\nOur office: 27 Old Gloucester Street, London WC1N 3AX"
    assert find_postal_addresses(text, "en") == ["27 Old Gloucester Street, London WC1N 3AX"]


def test_a_country_after_a_street_named_like_a_cue_word_is_the_company_address():
    text = "Our headquarters are located at 8 rue du Sentier 75002 Paris, France, and we are represented by our CEO."
    assert [p.role for p in find_places(text, "en")] == ["address"]


def test_a_word_glued_to_an_email_address_by_a_missing_space_is_not_part_of_it():
    text = "Contact us at privacy@example.comso that we may help, or at dpo@example.company or ops@example.network."
    assert find_emails(text) == ["privacy@example.com", "dpo@example.company", "ops@example.network"]


def test_the_word_email_glued_to_the_address_it_introduces_is_not_part_of_it():
    text = "Écrivez à l'adresse emailgdpr_team@example.fr, ou à emailus@example.com, notre autre adresse."
    assert find_emails(text) == ["gdpr_team@example.fr", "emailus@example.com"]


def test_a_special_administrative_region_in_a_list_of_destinations_keeps_the_list_going():
    sentence = ("Your information may be transferred to the support, engineering, security and other teams "
                "of our affiliates working from offices around the world, namely in the United States, "
                "the Hong Kong Special Administrative Region and Malaysia.")
    assert transfer_destinations(sentence, "en") == ["US", "HK", "MY"]


@pytest.mark.parametrize("sentence, lang, role", [
    ("Certains appels sont pris en charge par notre prestataire sur un site situé au Maroc.", "fr", "destination"),
    ("La société Dupont SA, située au Luxembourg, est responsable du traitement.", "fr", "address"),
])
def test_a_provider_located_abroad_is_where_data_goes_and_the_company_located_there_its_seat(sentence, lang, role):
    assert [place.role for place in find_places(sentence, lang)] == [role]


def test_an_email_address_spelled_out_with_at_and_dot_is_the_address():
    text = "Write to errata2025 (at) pglaf.org or to dpo[at]example[dot]com. Meet us (at) noon, data [at] rest."
    assert find_emails(text) == ["errata2025@pglaf.org", "dpo@example.com"]


def test_an_email_spelled_out_with_at_that_changed_is_a_contact_change():
    line = "# Your rights\nTo correct or delete your data, write to {} (at) pglaf.org.\n"
    change = compare_texts(line.format("errata2022"), line.format("errata2025")).changes[0]
    assert (change.category, change.material) == ("contact", True)
    assert (change.old_values, change.new_values) == (["errata2022@pglaf.org"], ["errata2025@pglaf.org"])


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        ("Nous conservons les données à caractère personnel dans notre système client pendant trois à six ans, "
         "pour pouvoir répondre aux réclamations dans le délai applicable.", "fr"),
        ("We keep the invoices and personal details of our customers in our accounting system for six years, "
         "to respond to any claim within the legal time limit.", "en"),
    ],
)
def test_a_duration_is_governed_by_the_verb_of_its_own_clause_not_by_one_after_a_comma(sentence, lang):
    """"Kept for six years, to answer claims": what follows the comma says why the data is kept,
    however long the words before the duration are."""
    assert [(d.iso, d.role) for d in find_durations(sentence, lang)] == [("P6Y", "retention")]


@pytest.mark.parametrize(
    ("sentence", "lang"),
    [
        ("Some chat transcripts may be reviewed by trained customer service staff located in specific jurisdictions "
         "(including China and the Philippines) to check the results.", "en"),
        ("Certaines transcriptions peuvent être examinées par du personnel du service client situé dans des "
         "juridictions spécifiques (y compris la Chine et les Philippines).", "fr"),
    ],
)
def test_staff_located_in_a_country_handle_the_data_there(sentence, lang):
    """People of the company or its providers who read the data somewhere are where the data goes."""
    assert transfer_destinations(sentence, lang) == ["CN", "PH"]
    assert transfer_destinations("Our company is located in Germany.", "en") == []
