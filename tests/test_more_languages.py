"""Italian, Portuguese, Polish and Swedish are data, not code: the same judgements as the other languages.

Each language gets a short policy; every comparison edits one clause of it and expects the change a
reader of that language would report. The extractors are also read directly on inflected forms
("dwa lata", "sześciu miesięcy", "w Stanach Zjednoczonych", "3 de março de 2024").
"""

from __future__ import annotations

import datetime

import pytest

from monitor.analysis import compare_texts
from monitor.analysis.classify import classify_clause, high_risk_cues
from monitor.analysis.facts import ages, dates, durations, places

POLICIES = {
    "it": (
        "# Informativa sulla privacy\n"
        "Ultimo aggiornamento: 3 marzo 2024\n"
        "Questa informativa spiega come trattiamo i tuoi dati personali quando utilizzi il nostro servizio. "
        "Ti chiediamo di leggerla con attenzione.\n"
        "# Conservazione\n"
        "Conserviamo i tuoi dati personali per due anni dalla chiusura del tuo account.\n"
        "# Trasferimenti\n"
        "I tuoi dati possono essere trasferiti negli Stati Uniti, dove si trovano i server dei nostri fornitori.\n"
        "# Minori\n"
        "Il servizio non è destinato ai minori di 16 anni e non raccogliamo consapevolmente i loro dati.\n"
        "# Contatti\n"
        "Per qualsiasi domanda sulla presente informativa puoi scriverci in qualsiasi momento."
    ),
    "pt": (
        "# Política de privacidade\n"
        "Última atualização: 3 de março de 2024\n"
        "Esta política explica como tratamos os seus dados pessoais quando utiliza o nosso serviço. "
        "Pedimos que a leia com atenção.\n"
        "# Conservação\n"
        "Conservamos os seus dados pessoais por dois anos após o encerramento da sua conta.\n"
        "# Transferências\n"
        "Os seus dados podem ser transferidos para os Estados Unidos, onde ficam os servidores dos nossos fornecedores.\n"
        "# Crianças\n"
        "O serviço não se destina a menores de 16 anos e não recolhemos conscientemente os seus dados.\n"
        "# Contacto\n"
        "Para qualquer questão sobre esta política pode escrever-nos a qualquer momento."
    ),
    "pl": (
        "# Polityka prywatności\n"
        "Ostatnia aktualizacja: 3 marca 2024 r.\n"
        "Niniejsza polityka wyjaśnia, w jaki sposób przetwarzamy Twoje dane osobowe, gdy korzystasz z naszej usługi. "
        "Prosimy o uważne zapoznanie się z nią.\n"
        "# Przechowywanie danych\n"
        "Przechowujemy Twoje dane osobowe przez dwa lata od zamknięcia konta.\n"
        "# Przekazywanie danych\n"
        "Twoje dane mogą być przekazywane do Stanów Zjednoczonych, gdzie znajdują się serwery naszych dostawców.\n"
        "# Dzieci\n"
        "Usługa nie jest przeznaczona dla dzieci poniżej 16 lat i świadomie nie zbieramy ich danych.\n"
        "# Kontakt\n"
        "W razie pytań dotyczących niniejszej polityki możesz napisać do nas w dowolnym momencie."
    ),
    "sv": (
        "# Integritetspolicy\n"
        "Senast uppdaterad: 3 mars 2024\n"
        "Denna policy förklarar hur vi behandlar dina personuppgifter när du använder vår tjänst. "
        "Vi ber dig att läsa den noggrant.\n"
        "# Lagring\n"
        "Vi sparar dina personuppgifter i två år efter att ditt konto har avslutats.\n"
        "# Överföringar\n"
        "Dina uppgifter kan överföras till USA, där våra leverantörers servrar finns.\n"
        "# Barn\n"
        "Tjänsten riktar sig inte till barn under 16 år och vi samlar inte medvetet in deras uppgifter.\n"
        "# Kontakt\n"
        "Om du har frågor om denna policy kan du skriva till oss när som helst."
    ),
}

# (old clause, new clause) edits of each policy.
EDITS = {
    "it": {
        "retention": ("per due anni dalla", "per sei mesi dalla"),
        "retention_digits": ("per due anni dalla", "per 36 mesi dalla"),
        "transfer": ("negli Stati Uniti,", "negli Stati Uniti e in Cina,"),
        "sale": ("Ti chiediamo di leggerla con attenzione.",
                 "Ti chiediamo di leggerla con attenzione. Vendiamo i tuoi dati personali a terze parti."),
        "age": ("minori di 16 anni", "minori di 13 anni"),
        "date": ("3 marzo 2024", "5 aprile 2024"),
        "typo": ("con attenzione", "con attenzinoe"),
    },
    "pt": {
        "retention": ("por dois anos após", "por seis meses após"),
        "retention_digits": ("por dois anos após", "por 36 meses após"),
        "transfer": ("para os Estados Unidos,", "para os EUA e para a Índia,"),
        "sale": ("Pedimos que a leia com atenção.",
                 "Pedimos que a leia com atenção. Vendemos os seus dados pessoais a terceiros."),
        "age": ("menores de 16 anos", "menores de 13 anos"),
        "date": ("3 de março de 2024", "5 de abril de 2024"),
        "typo": ("com atenção", "com atençoa"),
    },
    "pl": {
        "retention": ("przez dwa lata od", "przez pięć lat od"),
        "retention_digits": ("przez dwa lata od", "przez 36 miesięcy od"),
        "transfer": ("do Stanów Zjednoczonych,", "do Stanów Zjednoczonych i do Singapuru,"),
        "sale": ("Prosimy o uważne zapoznanie się z nią.",
                 "Prosimy o uważne zapoznanie się z nią. Sprzedajemy Twoje dane osobowe podmiotom trzecim."),
        "age": ("poniżej 16 lat", "poniżej 13 lat"),
        "date": ("3 marca 2024 r.", "5 kwietnia 2024 r."),
        "typo": ("uważne zapoznanie", "uważne zapoznanei"),
    },
    "sv": {
        "retention": ("i två år efter", "i sex månader efter"),
        "retention_digits": ("i två år efter", "i 36 månader efter"),
        "transfer": ("till USA,", "till USA och Kina,"),
        "sale": ("Vi ber dig att läsa den noggrant.",
                 "Vi ber dig att läsa den noggrant. Vi säljer dina personuppgifter till tredje part."),
        "age": ("barn under 16 år", "barn under 13 år"),
        "date": ("3 mars 2024", "5 april 2024"),
        "typo": ("läsa den noggrant", "läsa den nogrant"),
    },
}

LANGUAGES = sorted(POLICIES)
EXPECTED_RETENTION = {"it": ("P2Y", "P6M"), "pt": ("P2Y", "P6M"), "pl": ("P2Y", "P5Y"), "sv": ("P2Y", "P6M")}
EXPECTED_NEW_DESTINATIONS = {"it": {"CN"}, "pt": {"IN"}, "pl": {"SG"}, "sv": {"CN"}}


def compare_edit(lang: str, edit: str):
    old_fragment, new_fragment = EDITS[lang][edit]
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
    old_value, new_value = EXPECTED_RETENTION[lang]
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
    assert set(transfer.new_values) - set(transfer.old_values) == EXPECTED_NEW_DESTINATIONS[lang]
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


@pytest.mark.parametrize("sentence, lang, category, risky", [
    ("Utilizziamo i tuoi dati per addestrare i nostri modelli di intelligenza artificiale.", "it", "purpose", True),
    ("Raccogliamo dati biometrici come il riconoscimento facciale.", "it", "collection", True),
    ("Hai il diritto di accesso, rettifica e cancellazione dei tuoi dati.", "it", "rights", False),
    ("Il trattamento si basa sul legittimo interesse.", "it", "legal_basis", False),
    ("Utilizamos os seus dados para treinar modelos de inteligência artificial.", "pt", "purpose", True),
    ("Usamos cookies de terceiros para publicidade direcionada.", "pt", "tracking", True),
    ("Adotamos medidas técnicas e organizativas de segurança.", "pt", "security", False),
    ("Entre em contato com o encarregado de proteção de dados.", "pt", "contact", False),
    ("Zbieramy dane biometryczne, w tym wizerunek twarzy.", "pl", "collection", True),
    ("Masz prawo do dostępu, sprostowania i przenoszenia danych.", "pl", "rights", False),
    ("Możemy zmienić niniejszą politykę i poinformujemy o tym.", "pl", "policy_changes", False),
    ("Podstawą prawną przetwarzania jest prawnie uzasadniony interes administratora.", "pl", "legal_basis", False),
    ("Vi använder dina uppgifter för att träna våra AI-modeller.", "sv", "purpose", True),
    ("Vi vidtar tekniska och organisatoriska åtgärder för säkerheten.", "sv", "security", False),
    ("Den rättsliga grunden är vårt berättigade intresse.", "sv", "legal_basis", False),
    ("Kontakta vårt dataskyddsombud om du har frågor.", "sv", "contact", False),
])
def test_clauses_are_classified_and_high_risk_practices_flagged(sentence, lang, category, risky):
    assert classify_clause(sentence, "", lang).category == category
    assert bool(high_risk_cues(sentence, category, lang)) == risky


@pytest.mark.parametrize("sentence, lang, expected", [
    ("I dati di fatturazione sono conservati per dieci anni.", "it", ["P10Y"]),
    ("Conserviamo i log per 24 mesi e poi li cancelliamo.", "it", ["P24M"]),
    ("Os dados são armazenados durante seis meses.", "pt", ["P6M"]),
    ("Mantemos os registos por um ano.", "pt", ["P1Y"]),
    ("Przechowujemy dane przez dwa lata.", "pl", ["P2Y"]),
    ("Dane przechowujemy przez pięć lat od zakończenia umowy.", "pl", ["P5Y"]),
    ("Dane są usuwane po upływie sześciu miesięcy.", "pl", ["P6M"]),
    ("Logi przechowujemy przez 24 miesiące.", "pl", ["P24M"]),
    ("Vi sparar dina uppgifter i två år.", "sv", ["P2Y"]),
    ("Uppgifterna lagras i sex månader.", "sv", ["P6M"]),
    ("Loggar sparas i tjugofyra månader.", "sv", ["P24M"]),
])
def test_retention_periods_from_digits_and_inflected_number_words(sentence, lang, expected):
    assert durations.retention_periods(sentence, lang) == expected


@pytest.mark.parametrize("sentence, lang, role", [
    ("Risponderemo alla tua richiesta entro trenta giorni.", "it", "response"),
    ("Responderemos ao seu pedido no prazo de 15 dias.", "pt", "response"),
    ("Odpowiemy na Twoje żądanie w ciągu 30 dni.", "pl", "response"),
    ("Vi svarar på din begäran inom 30 dagar.", "sv", "response"),
    ("Il servizio è vietato ai minori di 14 anni.", "it", "age"),
    ("Não recolhemos dados de menores de 13 anos.", "pt", "age"),
    ("Nie zbieramy danych dzieci poniżej 16 lat.", "pl", "age"),
    ("Tjänsten är inte avsedd för barn under 13 år.", "sv", "age"),
])
def test_response_times_and_ages_are_not_retention(sentence, lang, role):
    found = durations.find_durations(sentence, lang)
    assert [d.role for d in found] == [role]
    assert durations.retention_periods(sentence, lang) == []


@pytest.mark.parametrize("sentence, lang, label", [
    ("Conserviamo i dati fino alla cancellazione del tuo account.", "it", "until-account-deletion"),
    ("Conserviamo i dati per il tempo necessario a fornire il servizio.", "it", "as-long-as-necessary"),
    ("Conservamos os dados enquanto a sua conta estiver ativa.", "pt", "until-account-deletion"),
    ("Os dados são conservados pelo tempo necessário para cumprir obrigações legais.", "pt", "as-long-as-necessary"),
    ("Przechowujemy dane do czasu usunięcia konta.", "pl", "until-account-deletion"),
    ("Dane przechowujemy do momentu wycofania zgody.", "pl", "consent-withdrawal"),
    ("Vi sparar uppgifterna tills du raderar ditt konto.", "sv", "until-account-deletion"),
    ("Vi sparar uppgifterna så länge det är nödvändigt.", "sv", "as-long-as-necessary"),
])
def test_retention_criteria(sentence, lang, label):
    assert label in durations.retention_criteria(sentence, lang)


@pytest.mark.parametrize("sentence, lang, ages_found", [
    ("Il servizio non è destinato ai minori di 14 anni.", "it", [14]),
    ("Gli utenti di età inferiore ai 16 anni necessitano del consenso dei genitori.", "it", [16]),
    ("O serviço não se destina a crianças com menos de 16 anos de idade.", "pt", [16]),
    ("Não recolhemos dados de menores de 13 anos.", "pt", [13]),
    ("Usługa nie jest przeznaczona dla dzieci poniżej 16 lat.", "pl", [16]),
    ("Nie zbieramy danych osób, które nie ukończyły 13 lat.", "pl", [13]),
    ("Dzieci poniżej 16. roku życia potrzebują zgody rodzica.", "pl", [16]),
    ("Tjänsten riktar sig inte till barn under 13 år.", "sv", [13]),
    ("Du måste vara minst 16 år gammal för att använda tjänsten.", "sv", [16]),
    ("Vi sparar uppgifterna under två år.", "sv", []),
    ("Przechowujemy dane przez dwa lata.", "pl", []),
])
def test_minimum_ages(sentence, lang, ages_found):
    assert ages.minimum_ages(sentence, lang) == ages_found


@pytest.mark.parametrize("sentence, lang, destinations", [
    ("I dati possono essere trasferiti negli Stati Uniti e in Cina.", "it", ["US", "CN"]),
    ("I dati sono conservati su server situati al di fuori dello SEE, in particolare in India.", "it", ["IN"]),
    ("Os dados podem ser transferidos para os EUA e para a China.", "pt", ["US", "CN"]),
    ("Os dados são armazenados em servidores no Brasil e em Singapura.", "pt", ["BR", "SG"]),
    ("Dane mogą być przekazywane do Stanów Zjednoczonych, do Chin i do Singapuru.", "pl", ["US", "CN", "SG"]),
    ("Dane przechowujemy na serwerach w Stanach Zjednoczonych oraz w Chinach.", "pl", ["US", "CN"]),
    ("Dane mogą być przekazywane do Indii.", "pl", ["IN"]),
    ("Uppgifterna kan överföras till USA och Kina.", "sv", ["US", "CN"]),
    ("Vi lagrar data på servrar i Indien och Singapore.", "sv", ["IN", "SG"]),
])
def test_transfer_destinations_in_inflected_forms(sentence, lang, destinations):
    assert places.transfer_destinations(sentence, lang) == destinations


@pytest.mark.parametrize("sentence, lang", [
    ("Il titolare del trattamento ha sede legale in Italia, Via Roma 1, 20100 Milano.", "it"),
    ("A empresa tem sede em Portugal e trata os dados com cuidado.", "pt"),
    ("Administrator z siedzibą w Polsce przetwarza Twoje dane.", "pl"),
    ("Bolaget har sitt säte i Sverige och behandlar dina uppgifter.", "sv"),
])
def test_the_company_seat_is_an_address_not_a_destination(sentence, lang):
    assert places.transfer_destinations(sentence, lang) == []
    assert [place.role for place in places.find_places(sentence, lang)] == ["address"]


@pytest.mark.parametrize("sentence, lang", [
    ("Alcuni fornitori cinesi trattano i dati per nostro conto.", "it"),
    ("Um fornecedor chinês trata os dados em nosso nome.", "pt"),
    ("Chiński dostawca przetwarza dane w naszym imieniu.", "pl"),
    ("En kinesisk leverantör behandlar uppgifterna för vår räkning.", "sv"),
])
def test_nationality_adjectives_are_not_destinations(sentence, lang):
    assert places.transfer_destinations(sentence, lang) == []
    adjectives = [place for place in places.find_places(sentence, lang, include_adjectives=True)]
    assert [(place.code, place.role) for place in adjectives] == [("CN", "adjective")]


@pytest.mark.parametrize("text, lang, date", [
    ("Ultimo aggiornamento: 3 marzo 2024", "it", datetime.date(2024, 3, 3)),
    ("Data di entrata in vigore: 1° gennaio 2025", "it", datetime.date(2025, 1, 1)),
    ("Última atualização: 3 de março de 2024", "pt", datetime.date(2024, 3, 3)),
    ("Em vigor a partir de 15 de julho de 2024", "pt", datetime.date(2024, 7, 15)),
    ("Ostatnia aktualizacja: 3 marca 2024 r.", "pl", datetime.date(2024, 3, 3)),
    ("Polityka obowiązuje od dnia 1 stycznia 2025 r.", "pl", datetime.date(2025, 1, 1)),
    ("Senast uppdaterad: 3 mars 2024", "sv", datetime.date(2024, 3, 3)),
    ("Gäller från och med den 12 maj 2024", "sv", datetime.date(2024, 5, 12)),
])
def test_declared_dates(text, lang, date):
    assert dates.declared_date(text, lang) == date
    assert dates.is_date_line(text, lang)


@pytest.mark.parametrize("sentence", [
    "We keep your data for six months and may transfer it to the United States.",
    "Our servers in Iceland store backups for two years.",
])
def test_new_languages_do_not_disturb_english_when_the_language_is_unknown(sentence):
    english_only = durations.retention_periods(sentence, "en"), places.transfer_destinations(sentence, "en")
    assert (durations.retention_periods(sentence, None), places.transfer_destinations(sentence, None)) == english_only
