"""What a clause says the company does, so that a change of wording is not taken for a change of practice.

A clause's *practice* is the set of labels it names (recipients, purposes, data, rights, trackers,
security measures, legal bases, transfer safeguards, the sale of data), each denied or not ("we do
not sell"), and the organisations it names. Two versions state the same practice when every label
of a changed clause, and every pair of labels it names together ("advertisers" with "location"),
also stands in the other version, wherever it is said there: moved, split, merged, reworded,
duplicated or restated clauses change nothing. What is left is new or withdrawn practice, reported
in the category of the labels that carry it, in plain words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import combinations

from monitor.analysis.classify import classify_clause, section_category
from monitor.analysis.describe import join_words, label_words, verb_be
from monitor.analysis.facts._lexicon import NOUNS_CAPITALISED, load, stem
from monitor.analysis.facts._text import fold
from monitor.analysis.facts.contacts import find_emails, find_postal_addresses, is_unit_only, without_placeholders
from monitor.analysis.facts.dates import month_names
from monitor.analysis.lang import clause_language
from monitor.analysis.lexicon import (
    LabelMention, label_mentions, legal_forms, load_lexicon, name_articles, provider_columns, region_names,
)
from monitor.analysis.segment import Clause

KIND_CATEGORY = {
    "recipients": "sharing", "practices": "sharing", "trackers": "tracking", "purposes": "purpose",
    "data": "collection", "rights": "rights", "security": "security", "legal_bases": "legal_basis",
    "safeguards": "transfer", "notices": "policy_changes", "minors": "children", "channels": "rights",
}
# When one clause brings several kinds of new practice, the category reported is the first here:
# who gets the data matters more than what the data is.
KIND_PRIORITY = ("practices", "recipients", "trackers", "purposes", "safeguards", "minors", "data", "rights",
                 "channels", "security", "legal_bases", "notices")
# Kinds whose labels, named together with another kind's, state one practice ("share location with
# advertisers"): a new such pair is a new practice even when each label stood somewhere before.
RELATIONAL_KINDS = frozenset({"recipients", "practices", "trackers", "purposes"})
RECIPIENT_KINDS = frozenset({"recipients", "practices"})
CHANNEL_KIND = "channels"
"""Ways to exercise a right (the account settings, a web form, an e-mail): stated only with a right,
where a new pairing is a new way for users to act ("delete your account from the settings"); alone,
a channel is no practice."""
GENERIC_RIGHT = "rights:requests"
"""Exercising one's rights in general ("to exercise your rights, call us"): like a channel, stated only
with a way to do it, where a new pairing is a new way to make requests; alone, it is no right."""
# Categories whose clauses may name the companies data goes to: there, a newly named organisation
# is a new recipient (a tracker's vendor, a processor, a buyer).
ORGANISATION_CATEGORIES = frozenset({"sharing", "tracking"})
# The clause categories in which a kind of label states a practice: "location" in a contact block
# is an address, not collected data; "logistics" in a shop's address is no recipient.
KIND_CONTEXTS = {
    "recipients": frozenset({"sharing", "transfer", "tracking", "purpose", "children"}),
    "practices": frozenset({"sharing", "tracking", "purpose"}),
    "trackers": frozenset({"tracking", "sharing", "purpose", "collection"}),
    "purposes": frozenset({"purpose", "sharing", "tracking", "collection", "legal_basis", "retention"}),
    "data": frozenset({"collection", "sharing", "purpose", "tracking", "retention", "children", "transfer",
                       "security", "legal_basis"}),
    "rights": frozenset({"rights", "children", "contact", "retention"}),
    "channels": frozenset({"rights", "children", "contact", "retention"}),
    "security": frozenset({"security"}),
    "legal_bases": frozenset({"legal_basis", "purpose", "tracking"}),
    "safeguards": frozenset({"transfer", "sharing"}),
    "notices": frozenset({"policy_changes"}),
    "minors": frozenset({"children"}),
}
NAME_ITEM_WORDS = 3
SENTENCE_WORDS = 8
"""A list item or a heading shorter than this, with no full stop, is a title: its capitalised words are
no names ("Privacy Recognition for Processors Program")."""
"""A list item or table row of at most this many words that is a name ("Rokt", "tbp-consent") is an
organisation or a tracker the list names."""
# The kind of label that says what a clause of a category is about: the data a collection clause
# lists, the recipients a sharing clause names... One added to a clause that says the same thing
# otherwise covers more than before, even if the label stands elsewhere for another practice.
HEAD_KIND = {"collection": "data", "sharing": "recipients", "purpose": "purposes", "tracking": "trackers",
             "rights": "rights", "security": "security", "legal_basis": "legal_bases", "transfer": "safeguards",
             "children": "minors", "policy_changes": "notices"}
# Practices whose clauses name data, purposes and recipients as their objects: a new such label
# in a cookie clause is a tracking change, in a sharing clause a sharing change.
CONTEXT_CATEGORIES = frozenset({"tracking", "sharing", "transfer", "retention", "children"})
OBJECT_KINDS = frozenset({"data", "purposes", "recipients", "trackers", "practices", "safeguards"})
ONLY_NEW_KINDS = ("safeguards", "legal_bases")
"""Kinds of label that, when they are all a clause states anew (paired with labels stated before),
are the change: "service providers … under standard contractual clauses" is a transfer change,
"… newsletter, on the basis of your consent" a legal-basis one."""
HIGH_RISK_LABELS = frozenset({
    "practices:sale", "recipients:data-brokers", "purposes:ai-training", "purposes:profiling",
    "purposes:automated-decisions", "data:biometrics", "data:sensitive", "data:health", "data:precise-location",
    "trackers:cross-site", "trackers:fingerprinting",
})


def high_risk(labels: Iterable[str]) -> list[str]:
    """The labels among these that make a change to them severe: the one list of what is high risk
    (a denial is none: "we do not sell your data")."""
    return [label for label in labels if label in HIGH_RISK_LABELS]


_CAPITALISED = re.compile(r"(?<![\w@.&/-])((?:[A-Z][\w&'.-]*[a-z0-9][\w&'.-]*|[A-Z]{2,}[a-z][\w&'.-]*)"
                          r"(?:[ -](?:[A-Z][\w&'.-]+|&|de|of|and))*)")
_ADJECTIVE_COMPOUND = re.compile(r"[\w.]+-[a-z]+")
_SENTENCE_END = re.compile(r"(?<=[a-z]{3})\. ")
"""A full stop after a word, then a space: where a sentence ends ("Marketplace. Verification")."""
_POSSESSIVE = re.compile(r"'s$")
"""A name's possessive ending: "Twitter's affiliates" name Twitter."""
_TRAILING_CONNECTOR = re.compile(r"(?:[ -](?:&|de|of|and))+$|-$")
_SENTENCE_START = re.compile(r"(?:[.!?:;|•(\[\"]\s*|\s-\s)$")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")
"""A capital after a small letter inside a word ("RevenueCat", "PayPal"): a name, even after a colon."""


@dataclass(frozen=True)
class Practice:
    """The labels a clause names (``kind:label``, with ``:not`` when denied) and its organisations."""

    labels: frozenset[str] = frozenset()
    organisations: frozenset[str] = frozenset()
    order: tuple[str, ...] = ()
    """Labels and organisations in the order the clause names them: how a summary lists them."""
    alone: frozenset[str] = frozenset()
    """Of a novel practice (`DocumentPractices.novel`): the labels new on their own, not only as a
    new pairing of labels both stated before."""
    provided: frozenset[str] = frozenset()
    """The organisations named as providing a service ("measurement technology provided by Nielsen",
    "our hosting provider is Hetzner"): whoever provides a service gets data, whatever the clause
    is about."""

    def ordered(self, items: Iterable[str]) -> list[str]:
        """`items` in the order the clause named them (unknown ones last, alphabetically)."""
        rank = {item: i for i, item in enumerate(self.order)}
        return sorted(items, key=lambda item: (rank.get(item, len(rank)), item))

    def keeping(self, labels: Iterable[str], organisations: Iterable[str]) -> Practice:
        organisations = frozenset(organisations)
        return Practice(frozenset(labels), organisations, self.order, provided=self.provided & organisations)

    @property
    def pairs(self) -> frozenset[frozenset[str]]:
        return relational_pairs(self.labels)

    def within(self, *categories: str | None) -> Practice:
        """Only what a clause about these categories (its own, its section's) states as practice
        (see KIND_CONTEXTS): "location" in a contact block is an address, not collected data."""
        known = {category for category in categories if category}
        labels = frozenset(label for label in self.labels if known & KIND_CONTEXTS[label.split(":", 1)[0]])
        return self.keeping(labels, self.organisations if known & ORGANISATION_CATEGORIES else self.provided)


def label_key(mention: LabelMention) -> str:
    return f"{mention.kind}:{mention.label}" + (":not" if mention.negated else "")


def relational_pairs(labels: Iterable[str]) -> frozenset[frozenset[str]]:
    """Pairs of labels of different kinds, one of them relational: one practice stated together."""
    pairs = set()
    for a, b in combinations(sorted(labels), 2):
        kinds_of = {a.split(":", 1)[0], b.split(":", 1)[0]}
        if only_paired(a) or only_paired(b):  # a right, with a way to exercise it
            paired = kinds_of == {CHANNEL_KIND, "rights"} and not a.endswith(":not") and not b.endswith(":not")
        else:
            paired = len(kinds_of) == 2 and bool(kinds_of & RELATIONAL_KINDS)
        if paired:
            pairs.add(frozenset((a, b)))
    return frozenset(pairs)


@lru_cache(maxsize=8192)
def practice_of(text: str, language: str | None, kind: str = "sentence") -> Practice:
    """The practice a clause states; `kind` is the clause's (a short list item may be a name)."""
    labels = list(clause_labels(text, language))
    names = organisations(text, language, kind)
    return Practice(frozenset(labels), frozenset(names), tuple(dict.fromkeys(labels + names)),
                    provided=frozenset(names if _names_recipients(text, names, language)
                                       else provided_names(text, names, language)))


def clause_practice(clause: Clause, language: str | None) -> Practice:
    """The practice a clause states (`practice_of`); a cookie declaration's row names the providers
    in its provider column, not the cookie it lists."""
    practice = practice_of(clause.text, language, clause.kind)
    providers = row_providers(clause)
    if providers is None:
        return practice
    return replace(practice, organisations=frozenset(providers), order=practice.order + tuple(providers),
                   provided=practice.provided & frozenset(providers))


def row_providers(clause: Clause) -> list[str] | None:
    """Who sets the cookie a row of a cookie declaration lists, by its provider column ("_ga | Google
    | … | 2 years" names Google; "bugsnag-id | fleets.bolt.eu food.bolt.eu" the hosts): a scan's cookie
    names come and go while the providers stay (the rubric's generated cookie lists). None when
    the clause is no row of a table with such a column."""
    if clause.kind != "row" or clause.is_table_header:
        return None
    cells = [cell for cell, header in clause.cells() if header.strip(" *").casefold() in provider_columns()]
    if not cells:
        return None
    hosts = [host for cell in cells for host in _DOMAIN.findall(cell)]
    rest = [" ".join(_DOMAIN.sub(" ", cell).split()) for cell in cells]
    return list(dict.fromkeys(hosts + [name for name in rest if name]))


def _names_recipients(text: str, names: list[str], language: str | None) -> bool:
    """Whether a clause's names are the recipients it states ("our e-mail vendors are Mailchimp or
    Braze"): it names a kind of recipient, outside the names themselves ("Gig Logistics" is a
    shop's name), and it is no row of a table (whose names may be addresses and columns)."""
    if not names or "|" in text:
        return False
    folded_names = [name.casefold() for name in names]
    return any(m.kind == "recipients" and not m.negated
               and not any(all(word in name for word in m.words) for name in folded_names)
               for m in stated_mentions(text, language))


EMAIL_CHANNEL = "channels:e-mail"
"""The way to use a right that an e-mail address given beside it is, in whatever words (an address
Cloudflare hides is one too)."""


@lru_cache(maxsize=16384)
def clause_labels(text: str, language: str | None) -> tuple[str, ...]:
    """The labels a clause names, in order (what a version states, without its organisations)."""
    labels = [label_key(m) for m in stated_mentions(text, language)]
    labels += [f"legal_bases:{GDPR_BASES[letter.lower()]}" for letter in _GDPR_ARTICLE_6.findall(text)]
    if any(label.startswith("rights:") for label in labels) and (find_emails(text) or without_placeholders(text) != text):
        labels.append(EMAIL_CHANNEL)  # "request deletion by contacting us at privacyinfo [at] ning [dot] com"
    return tuple(dict.fromkeys(labels))


@lru_cache(maxsize=16384)
def stated_mentions(text: str, language: str | None) -> tuple[LabelMention, ...]:
    """The labels a clause's words state, read once per clause (see `stating_words`)."""
    return label_mentions(stating_words(text, language), language)


def stating_words(text: str, language: str | None) -> str:
    """A clause without the names in it that state nothing: a link's or a button's in quotes, the
    title of another document it points to, Cloudflare's placeholder for an address. The law's
    definition of personal data states no practice at all."""
    if _PERSONAL_DATA_DEFINITION.search(text) or _defines_personal_data(text, language):
        return ""
    if _POINTER.search(text):
        text = _DOCUMENT_TITLE.sub(" ", text)
    return _UI_NAME.sub(" ", _ANOTHER_NAME.sub("", _WEB_ADDRESS.sub(" ", without_placeholders(text))))


# A web address or a host name ("https://www.tiktok.com/legal/privacy-policy", "careers.stackoverflow.com"):
# where something is, whose words ("careers", "privacy-policy") state no practice.
_WEB_ADDRESS = re.compile(
    r"\bhttps?://\S+|(?<![\w@.-])(?:[a-z0-9][a-z0-9-]*\.)+(?:com|net|org|io|co|ai|app|dev|eu|info|biz|me|tv|"
    r"uk|fr|de|es|it|nl|be|ch|at|ru|cz|sk|pl|pt|se|dk|no|fi|ie|lu|us|ca|au|jp|kr|cn|in|br|mx)\b(?:/\S*)?(?![\w@-])")


def points_elsewhere(text: str) -> bool:
    """Whether a clause points to another document by its title ("If you are a Washington resident,
    please see our Consumer Health Data Privacy Policy")."""
    return bool(_POINTER.search(text) and _DOCUMENT_TITLE.search(text))


# The GDPR's definition of personal data (Article 4(1)), in any language: "…one or more factors
# specific to the physical, physiological, genetic, mental, economic, cultural or social identity".
_PERSONAL_DATA_DEFINITION = re.compile(
    r"(?i)(?:ph|f)[yi]si?ol[oó]g\w*,\s*(?:gen[eéè]ti|genet)\w*,.{0,80}?(?:cultur|kultur)")


def _defines_personal_data(text: str, language: str | None) -> bool:
    """Whether a clause says what personal data is ("Personal data means all information relating to
    an identified or identifiable person, such as your name"): its examples are no data collected."""
    lexicon = load_lexicon(language) if language else None
    return bool(lexicon and lexicon.personal_data_definition and lexicon.personal_data_definition.match(text.casefold()))


_ANOTHER_NAME = re.compile(r"\s\((?:or|ou|oder|o|of|или|nebo|albo|sau)\s[\"“«„'‘][^()]{1,40}[\"”»“'’]\)(?=\s\w)")
"""Another name given in passing, between the words of a phrase: "targeted (or "interest-based")
advertising" is "targeted advertising"."""

# The name of a link or a button in quotes, its words capitalised ("Do Not Sell or Share My Personal
# Information", « Gérer mes Cookies »): a name, which states nothing.
_UI_NAME = re.compile(r"[\"“«„]\s*(?:[A-ZÀ-ÖØ-Þ][\w'’-]*[ ,]+(?:(?:or|and|of|to|my|your|ou|et|de|des|mes|vos)[ ,]+)?)+"
                      r"[A-ZÀ-ÖØ-Þ][\w'’-]*\s*[\"”»“]")


# The title of another document a clause points to, its words capitalised ("please see our Consumer
# Health Data Privacy Policy", "read our Consumer Health Data Privacy Disclosure"): where to read more,
# which states no practice of this one.
_DOCUMENT_TITLE = re.compile(
    r"\b(?:[A-Z][\w'’-]*\s+){2,7}(?:Polic(?:y|ies)|Notices?|Statements?|Charter|Addendum|Disclosures?)\b")
_POINTER = re.compile(r"\b(?:[Pp]lease see|[Ss]ee our|[Rr]efer to|[Rr]ead our|[Cc]onsult our|[Vv]isit our)\b")


# Article 6(1)(a)-(f) GDPR names the legal basis in any language: "Art. 6 Abs. 1 lit. f DSGVO",
# "article 6.1.a du RGPD", "Art. 6(1)(b) GDPR", "čl. 6 odst. 1 písm. c)".
_GDPR_ARTICLE_6 = re.compile(
    r"(?i)\b(?:art(?:icle|ikel|ículo|icolo|igo|ykuł)?|čl(?:ánek)?|ст(?:атья)?)\.?\s*6\s*"
    r"(?:\(1\)|[.,]\s*1\s*[.,]?|\s*(?:abs|par|ust|odst|al|lid|st|para|paragraph|paragraphe|comma|apartado|п)\.?\s*1)?"
    r"\s*,?\s*(?:lit(?:t)?\.?|letter|point|písm(?:eno)?\.?|let(?:tre|tera)?\.?|lett\.?|pkt\.?|punto|alinéa|litera|пп?\.?)?"
    r"\s*\(?([a-f])\)?(?![\w])")
GDPR_BASES = {"a": "consent", "b": "contract", "c": "legal-obligation", "d": "vital-interests",
              "e": "public-interest", "f": "legitimate-interest"}


@lru_cache(maxsize=4096)
def _is_place(name: str, language: str | None) -> bool:
    """A country, region or state named in capitals, or its adjective ("Nevada", "Switzerland",
    "European"); several of them joined by "and" ("Rhode Island and Connecticut")."""
    from monitor.analysis.facts.places import find_places

    def one_place(part: str) -> bool:
        return bool(region_names().fullmatch(part)) or any(
            place.start == 0 and place.end >= len(part) - 1
            for place in find_places(part, language, include_adjectives=True))

    return one_place(name) or all(one_place(part) for part in _JOINED.split(name))


_JOINED = re.compile(r",\s*|\s+and\s+")
"""What joins several names or places in one run ("Stack Ads and Stack Internal", "Rhode Island and Connecticut")."""


_AFTER_A_CITY = re.compile(r",\s*([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})")
"""A name followed by a comma and a state or a country: a city ("Portland, Maine", "Lyon, France")."""


def _is_city(text: str, end: int, language: str | None) -> bool:
    """Whether the name ending at `end` is followed by ", <a state or a country>"."""
    after = _AFTER_A_CITY.match(text, end)
    return bool(after) and any(_is_place(" ".join(after.group(1).split()[:n]), language) for n in (1, 2, 3))


_BEFORE_A_HOUSE_NUMBER = re.compile(r"\.?\s+\d{1,5}[a-z]?,?\s+(?:[A-Z]{1,2}-)?\d{4,5}\b")
"""A house number and a postcode after a name: a street ("Rosental 4, 80331 Munich", "Sendlinger Str. 7")."""


_BEFORE_A_PRODUCT_WORD = re.compile(r"\s+(?:app|apps|application|mobile app|website|web site|platforms?|plateformes?|"
                                    r"plataformas?|piattaforma|piattaforme|platformy?)\b")
"""A name the word "app", "website" or "platform" follows: a product's, the service's own ("the Acme
app", "our Stack Ads and Stack Internal platforms")."""

_QUOTED_WORD = re.compile(r"(?<!\w)['‘][^\W\d_][\w-]*['’]?(?!\w)")
"""One word in single quotes ('Enabled'): a label of the page, not a name."""


def _in_quotes(text: str, start: int, end: int) -> bool:
    """Whether a name stands alone between double quotes or guillemets: a term the text defines or
    uses ("App Identifier"), a label, not a company it names."""
    before, after = text[max(0, start - 2):start].rstrip(), text[end:end + 2].lstrip()
    return bool(before) and before[-1] in '"“«„' and bool(after) and after[0] in '"”»“'


_ROW_CELL = re.compile(r"^\|?\s*([^|]+?)\s*\|")
_NAME_ITEM = re.compile(r"^[\w][\w .&'+-]*$")


def organisations(text: str, language: str | None, kind: str = "sentence") -> list[str]:
    """Names of organisations (or trackers) a clause names: runs of capitalised words inside a
    sentence, in a language that capitalises only names (German capitalises every noun: none are
    read there), or the whole of a short list item, or a table row's first cell ("Rokt",
    "tbp-consent")."""
    if kind in ("item", "row"):
        head = _ROW_CELL.match(text) if kind == "row" else None
        name = (head.group(1) if head else text).strip(" -*")
        if len(name.split()) <= NAME_ITEM_WORDS and _NAME_ITEM.match(name) and not name.isdigit():
            return [] if _is_postcode(name) else [name]
    titled = kind != "sentence" and len(text.split()) < SENTENCE_WORDS and not text.rstrip().endswith((".", "!", ";"))
    if language in NOUNS_CAPITALISED or titled:
        return []
    lexicon = load_lexicon(language) if language else None
    common = lexicon.function_words if lexicon else frozenset()
    found = []
    for match in _CAPITALISED.finditer(text):
        start = match.start()
        if start == 0 or _SENTENCE_START.search(text[max(0, start - 4):start]) and not _INNER_CAPITAL.search(
                match.group(1).split()[0]):
            continue  # a sentence's first word is capitalised whatever it is; ": RevenueCat" is still a name
        if text.startswith("@", match.end()):
            continue  # an e-mail address's own name ("ShineTheLight@fox.com"), which a page may hide
        name = _TRAILING_CONNECTOR.sub("", _POSSESSIVE.sub("", _SENTENCE_END.split(match.group(1))[0])).strip(" .-'&")
        words = name.split()
        while len(words) > 1 and words[-1].casefold() in common:
            words.pop()  # "Maps API Cookies Some features...": a heading run into the sentence after it
        while len(words) > 1 and words[0].casefold() in common and words[0].casefold() not in name_articles():
            words.pop(0)  # "Publishers from Whom You Get a Subscription": a title's words, not a name
        whole = " ".join(words)
        if lexicon and lexicon.names_no_company(whole):
            continue  # "Swiss Federal Data Protection and Information Commissioner": an authority, whole
        parts = _JOINED.split(whole)  # "Stack Ads and Stack Internal": two names; "Marks and Spencer": one
        if len(parts) > 1 and _BEFORE_A_PRODUCT_WORD.match(text, text.find(whole, start) + len(whole)):
            continue  # "our Stack Ads and Stack Internal platforms": the service's own products
        for name in parts if len(parts) > 1 and all(len(part.split()) > 1 for part in parts) else [whole]:
            if _names_a_company(name, text, text.find(name, start) + len(name), name == whole, common, language):
                found.append(name)
    if found:  # "3731 W South Jordan Parkway", "1 Hatch Street Upper": a street, not a company
        spans = [(at, at + len(street)) for street in find_postal_addresses(text, language)
                 if (at := text.find(street)) >= 0]
        found = [name for name in found if not any(
            start < at + len(name) and at < end for start, end in spans for at in _occurrences(text, name))]
    return found


def _occurrences(text: str, name: str) -> list[int]:
    """Where a name stands in a text, each time it does."""
    return [match.start() for match in re.finditer(re.escape(name), text)]


def _is_postcode(name: str) -> bool:
    """Whether a name is a postcode: two or more words, each with a digit ("D02 PY28", "EC1A 1BB")."""
    words = name.split()
    return len(words) > 1 and all(any(c.isdigit() for c in word) for word in words)


def _names_a_company(name: str, text: str, end: int, whole: bool, common: frozenset[str],
                     language: str | None) -> bool:
    """Whether a run of capitalised words ending at `end` of `text` names a company, not a common
    word, a legal form alone, a law, a place, a city ("Portland, Maine"), a street or a floor, the
    service's own app, a label of the page, a date or a word about a company. `whole`: the run was
    not split at "and"."""
    lexicon = load_lexicon(language) if language else None
    if len(name) < 3 or name.casefold() in common or name.isupper() and len(name) <= 5:
        return False
    if name.casefold().replace(".", "") in legal_forms():
        return False  # "Inc" left alone by a name cut before it
    if lexicon and lexicon.names_no_company(name) or _is_place(name, language):
        return False  # a law, a programme, a document, a place: not who receives data
    if whole and _is_city(text, end, language):
        return False  # "Portland, Maine": a city
    if _BEFORE_A_HOUSE_NUMBER.match(text, end):
        return False  # "Rosental 4, 80331 Munich": a street, which the address finder does not read
    if len(name.split()) == 1 and is_unit_only(name, language):
        return False  # "3rd Floor": a part of an address
    if _BEFORE_A_PRODUCT_WORD.match(text, end):
        return False  # "the privacy settings of the VR Matkalla app": the service's own app
    if len(name.split()) == 1 and _QUOTED_WORD.match(text, end - len(name) - 1):
        return False  # "between 'Enabled' and 'Disabled'": a setting's label
    if _in_quotes(text, end - len(name), end):
        return False  # "l'identifiant de l'application ou « App Identifier »": a term the text uses
    if all(fold(word.casefold()) in month_names(language) for word in name.split()):
        return False  # "our November 1, 2022 policy": a date
    if _is_postcode(name):
        return False  # "D02 PY28", "EC1A 1BB": a postcode
    return not _ADJECTIVE_COMPOUND.fullmatch(name)  # "Google-owned", "X-generated": a word about a company


_PROVIDING_REACH = 40
"""Characters before a name within which a `providing` phrase names it as the provider."""


def provided_names(text: str, names: list[str], language: str | None) -> list[str]:
    """The names a clause gives as providing a service: a few words after "provided by", "our
    hosting provider is", "fourni par"... (the language's `providing` phrases)."""
    lexicon = load_lexicon(language) if language and names else None
    if lexicon is None or lexicon.providing is None:
        return []
    found = []
    for name in names:
        at = text.find(name)
        if at > 0 and lexicon.providing.search(text[max(0, at - _PROVIDING_REACH):at].casefold()):
            found.append(name)
    return found


_IDENTIFIER = re.compile(r"(?=\S*(?:[_\d]|[a-z]-[a-z]|[a-z][A-Z]))[\w.-]{2,}")
"""A cookie's or a tag's name ("_ga", "tbp-consent", "li_gc", "giosgWindowOpen"): a name, however written."""


_DOMAIN = re.compile(r"(?:[a-z0-9-]+\.)+[a-z]{2,}", re.I)
"""A host name ("bidr.io", "cdn.sstatic.net"), as a cookie table's first cell gives a tracker's."""

_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"})
"""Labels under a country's domain that are not a site's own ("co" in "example.co.uk")."""


def _site(host: str) -> str:
    """The domain a host name belongs to: "cdn.sstatic.net" → "sstatic.net", "ads.example.co.uk" →
    "example.co.uk"."""
    labels = host.casefold().split(".")
    keep = 3 if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _first_word(name: str) -> str:
    words = re.findall(r"[^\W\d_]+", name)
    return words[0].casefold() if words else name.casefold()


DOCUMENT_CONTEXT_KINDS = frozenset({"notices"})
"""Kinds of label a version states, document-wide too, only in a clause or section about their
practice (KIND_CONTEXTS), as a changed clause's own are read: "30 days" in a rights clause is no
notice of changes. Read so for every kind, this over-fires (measured on the real-history dev split)."""


def _stated_in_context(labels: tuple[str, ...], clause: Clause, language: str | None) -> tuple[str, ...]:
    """A clause's labels, less those of DOCUMENT_CONTEXT_KINDS its practice (or its section's) does not state."""
    if not any(label.split(":", 1)[0] in DOCUMENT_CONTEXT_KINDS for label in labels):
        return labels
    about = {classify_clause(clause.text, clause.section, language).category,
             section_category(clause.section, language)}
    return tuple(label for label in labels if (kind := label.split(":", 1)[0]) not in DOCUMENT_CONTEXT_KINDS
                 or about & KIND_CONTEXTS[kind])


_LOWER_WORD = re.compile(r"\b[^\W\d_A-Z][^\W\d_]*\b")
_ADDRESS = re.compile(r"(?<!\S)\S*(?:@|://|www\.)\S*")
"""A web or e-mail address: lower case by custom, never an ordinary word ("www.nielsen.com" does
not make "Nielsen" a common word)."""


@dataclass
class DocumentPractices:
    """Every label, pair of labels and organisation one version states, wherever it states them."""

    labels: set[str] = field(default_factory=set)
    pairs: set[frozenset[str]] = field(default_factory=set)
    folded_text: str = ""
    lowercase_words: frozenset[str] = frozenset()
    """Words the version writes in lower case somewhere: ordinary words, not names."""
    language: str | None = None

    @classmethod
    def of(cls, clauses: list[Clause], text: str, language: str | None) -> DocumentPractices:
        found = cls(folded_text=text.casefold(),
                    lowercase_words=frozenset(w for w in _LOWER_WORD.findall(_ADDRESS.sub(" ", text)) if w.islower()),
                    language=language)
        for clause in clauses:  # each clause in its own language: a section translated states nothing new
            own = clause_language(clause.text) or language
            labels = _stated_in_context(clause_labels(clause.text, own), clause, own)
            found.labels.update(labels)
            found.pairs |= relational_pairs(labels)
        return found

    def novel(self, practice: Practice, ordinary: frozenset[str] = frozenset(),
              pairs: frozenset[str] = RELATIONAL_KINDS | {CHANNEL_KIND}) -> Practice:
        """What of a clause's practice this version does not state anywhere. An organisation is
        new when this version never names it, and it is a name: its first word is written in lower
        case nowhere (in this version or in `ordinary`, the other version's lower-case words), so
        "Service Provider Addendum" is a title in capitals, "Google Analytics" a name. A pairing
        of labels is new only when one of them is of a kind in `pairs` (by default every relational
        kind; "who gets it" alone for what a version stops saying)."""
        labels = {label for label in practice.labels if label not in self.labels and not only_paired(label)}
        for pair in practice.pairs:
            if pair not in self.pairs and any(label.split(":", 1)[0] in pairs for label in pair):
                labels |= pair
        names = frozenset(name for name in practice.organisations if self._never_names(name, ordinary))
        alone = frozenset(label for label in practice.labels if label not in self.labels and not only_paired(label))
        return Practice(frozenset(labels), names, practice.order, alone, practice.provided & names)

    def _never_names(self, name: str, ordinary: frozenset[str]) -> bool:
        """Whether a name is one this version never writes: a host name when it names nothing of its
        domain ("careers.example.com" beside "www.example.com" is the same site's), any other name when
        it is a name at all (see `novel`) and written in no form."""
        if _DOMAIN.fullmatch(name):
            return not re.search(rf"(?<![\w-]){re.escape(_site(name))}(?![\w-])", self.folded_text)
        return (name.casefold() not in self.folded_text
                and (bool(_IDENTIFIER.fullmatch(name)) or not self.writes_in_lower_case(_first_word(name), ordinary))
                and not self.writes_joined_or_apart(name)
                and not self.names_inflected(name))  # the stems of the whole text last: the slowest test

    def writes_joined_or_apart(self, name: str) -> bool:
        """Whether this version writes a name with its words run together or set apart: "FlyingBlue"
        is "Flying Blue", "Pay Pal" is "PayPal"."""
        words = _WORD.findall(name)
        if len(words) == 1:
            words = _CAPITALISED_PART.findall(name)
            variant = " ".join(words)
        else:
            variant = "".join(words)
        return len(words) > 1 and bool(re.search(rf"(?<!\w){re.escape(variant.casefold())}(?!\w)", self.folded_text))

    def writes_in_lower_case(self, word: str, ordinary: frozenset[str] = frozenset()) -> bool:
        """Whether a name's first word is an ordinary word: this version (or `ordinary`, the other
        version's lower-case words) writes it in lower case, as it is or inflected ("Expanding" beside
        "expand", "Auditing" beside "audits")."""
        if word in self.lowercase_words or word in ordinary:
            return True
        return bool(self.language and load("stemmer", self.language)) and stem(word, self.language) in self._lower_stems

    @cached_property
    def _lower_stems(self) -> frozenset[str]:
        """The stems of the words this version writes in lower case, worked out when first needed."""
        return frozenset(stem(w, self.language) for w in self.lowercase_words)

    def names_inflected(self, name: str) -> bool:
        """Whether this version writes a name in another inflected form ("Portāls", "Portālā";
        "Seznamu", "Seznam"): the same words by their stems, in the same order."""
        if not self.language or not load("stemmer", self.language):
            return False
        stems = [stem(w, self.language) for w in _WORD.findall(name.casefold())]
        return bool(stems) and f" {' '.join(stems)} " in self._stemmed_text

    @cached_property
    def _stemmed_text(self) -> str:
        """The version's words by their stems, read once, when a name is first looked for in it."""
        return " " + " ".join(stem(w, self.language) for w in _WORD.findall(self.folded_text)) + " "


_WORD = re.compile(r"[^\W\d_]+")
_CAPITALISED_PART = re.compile(r"[A-Z][a-z]+")
"""A capitalised word inside a name written in one piece ("Flying" and "Blue" in "FlyingBlue")."""


@dataclass(frozen=True)
class PracticeChange:
    """New or withdrawn practice in one changed clause, ready to be reported."""

    category: str
    severity: str
    summary: str
    labels: tuple[str, ...]
    rule: str
    organisations: frozenset[str] = frozenset()
    gone_organisations: frozenset[str] = frozenset()


def only_paired(label: str) -> bool:
    """A way to exercise a right, or exercising rights in general: no practice alone, only paired
    with a right (`relational_pairs`), so new only in a new pairing."""
    return label.startswith(CHANNEL_KIND + ":") or label == GENERIC_RIGHT


def kinds(labels: Iterable[str]) -> list[str]:
    present = {label.split(":", 1)[0] for label in labels}
    return [kind for kind in KIND_PRIORITY if kind in present]


def distinct_names(names: list[str]) -> list[str]:
    """Names without those another one contains ("Hetzner" beside "Hetzner Online GmbH", "MandateWire"
    beside "MandateWire and Exec-Appointments"): each company said once in a summary."""
    return [name for name in names
            if not any(other != name and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", other) for other in names)]


def practice_change(added: Practice, removed: Practice, clause_category: str | None,
                    modified: bool, section_category: str | None = None) -> PracticeChange | None:
    """The change a clause makes to the stated practice: what it newly states (`added`) and what
    the other version no longer states (`removed`), both already net of what stands elsewhere.

    The category is the practice the clause is about when its new labels are the objects of that
    practice (data, purposes, recipients of a cookie or a sharing clause, or of a clause under such
    a section), else the category of the weightiest new label; a right users gain or lose makes it a
    rights change, whatever purpose or data the clause names with it, and a transfer mechanism alone a
    transfer change, whatever section it stands in."""
    naming = clause_category in ORGANISATION_CATEGORIES
    organisations = distinct_names(added.ordered(added.organisations if naming else added.provided))
    gone_organisations = distinct_names(removed.ordered(removed.organisations if naming else removed.provided))
    labels = sorted(added.labels | removed.labels)
    if not labels and not organisations and not gone_organisations:
        return None
    present = kinds(added.alone | removed.alone or labels)
    candidates = [KIND_CATEGORY[kind] for kind in present]
    if organisations or gone_organisations:
        candidates.append(clause_category if naming else "sharing")
    # A clause about a practice of its own (collecting data, securing it) is judged by it, whatever
    # its section is about; one that only says what for (a cookie's purpose) by its section's.
    sections = (clause_category, section_category) if clause_category in (None, "purpose") else (clause_category,)
    context = next((c for c in sections if c in CONTEXT_CATEGORIES), None)
    if context and set(present) <= OBJECT_KINDS:
        category = context  # the data, purposes or recipients of a tracking, sharing, ... practice
    else:
        category = next((c for c in (clause_category, section_category) if c in candidates), candidates[0])
    changed_kinds = {label.split(":", 1)[0] for label in labels}
    if not changed_kinds & RECIPIENT_KINDS and any(
            label.startswith("rights:") and not label.endswith(":not") for label in labels):
        category = "rights"  # a right users gain or lose, unless who gets the data changed with it
    if changed_kinds == {"safeguards"} and not organisations and not gone_organisations:
        category = KIND_CATEGORY["safeguards"]  # "transfers no longer said to rely on the Privacy Shield"
    for kind in ONLY_NEW_KINDS:
        only = frozenset(label for label in added.labels if label.startswith(kind + ":"))
        if only and not removed.labels and not added.organisations and added.alone <= only:
            category = KIND_CATEGORY[kind]  # the one new thing, whatever labels stated before it is paired with
            summary = describe_practice_change(category, Practice(only), Practice(), [], [])
            break
    else:
        summary = describe_practice_change(category, added, removed, organisations, gone_organisations)
    risky = bool(high_risk(added.labels))
    withdrawn_guarantee = any(label.endswith(":not") for label in removed.labels)
    severity = "high" if risky or withdrawn_guarantee else ("medium" if added.labels or organisations else "low")
    rule = "practice:" + ("modified" if modified else "added" if added.labels or organisations else "removed")
    rule += f"[{', '.join(labels[:4] + organisations[:2] + gone_organisations[:2])}]"
    return PracticeChange(category, severity, summary, tuple(labels), rule, frozenset(organisations),
                          frozenset(gone_organisations))


def _named(labels: Iterable[str], kind: str) -> list[str]:
    return [label_words(label.removesuffix(":not")) for label in labels
            if label.split(":", 1)[0] == kind]


def describe_practice_change(category: str, added: Practice, removed: Practice, organisations: list[str],
                             gone_organisations: list[str]) -> str:
    """One sentence naming the practice that changed, the way a reader wants to be told."""
    sentences = [s for s in (_describe(category, added, organisations, new=True),
                             _describe(category, removed, gone_organisations, new=False)) if s]
    statements = [part for sentence in sentences for part in sentence.split("; ")]
    kept = statements[:1]
    for statement in statements[1:]:  # one sentence a reader takes in: the first statements, then "and more"
        if len("; ".join(kept + [statement])) > SUMMARY_CHARS:
            kept.append("and more")
            break
        kept.append(statement)
    return "; ".join(kept[:1] + [k[0].lower() + k[1:] for k in kept[1:]])


SUMMARY_CHARS = 300
"""A summary longer than this stops after the statements that fit, with "and more": a whole-policy
rewrite is told in a line, not a paragraph."""
LIST_LIMIT = 4
"""Things a summary names before it says "and N more"."""
STATED_KINDS = {
    "security": ("Now states {}", "No longer states {}"),
    "legal_bases": ("Now relies on {}", "No longer relies on {}"),
    "notices": ("Now {}", "No longer {}"),
    "safeguards": ("Transfers now rely on {}", "Transfers no longer said to rely on {}"),
}
"""How a summary says a kind of label is newly stated or no longer, in the order they are tried."""
SOLD_WITH = 4
"""A sale named with at most this many labels is one statement ("sell ... to data brokers"); more come
from several clauses, and who buys is not known."""


def _describe(category: str, practice: Practice, organisations: list[str], new: bool) -> str:
    affirmed = [label for label in practice.ordered(practice.labels) if not label.endswith(":not")]
    denied = [label for label in practice.ordered(practice.labels) if label.endswith(":not")]
    data = _named(affirmed, "data")
    recipients = _named(affirmed, "recipients") + organisations
    purposes = _named(affirmed, "purposes")
    rights = _named([label for label in affirmed if label != GENERIC_RIGHT], "rights")  # the rights it names
    ways = _named(affirmed, CHANNEL_KIND)
    what = join_words(data, LIST_LIMIT) if data else "personal information"
    parts = []
    sold = _named(affirmed, "practices")
    if sold:  # selling is said first, and on its own: to whom, only when the clause says
        buyers = _named(affirmed, "recipients") if len(practice.labels) <= SOLD_WITH else []
        to = " such as " if sold[-1].endswith("third parties") else " to "  # "with third parties such as payment providers"
        parts.append(f"{'May now' if new else 'No longer says it may'} {join_words(sold, LIST_LIMIT)}"
                     + (f"{to}{join_words(buyers, LIST_LIMIT)}" if buyers else ""))
        recipients = [r for r in recipients if r not in buyers]
    if recipients and category in ("sharing", "transfer"):
        parts.append(f"{'May now share' if new else 'No longer mentions sharing'} {what} with {join_words(recipients, LIST_LIMIT)}"
                     + (f" for {join_words(purposes, LIST_LIMIT)}" if purposes else ""))
    elif category == "tracking" and (_named(affirmed, "trackers") or organisations):
        trackers = _named(affirmed, "trackers") + organisations
        parts.append(f"{'Now uses' if new else 'No longer lists'} {join_words(trackers, LIST_LIMIT)}"
                     + (f" for {join_words(purposes, LIST_LIMIT)}" if purposes else ""))
    elif purposes and category in ("purpose", "tracking", "sharing"):
        subject = what[0].upper() + what[1:]
        parts.append(f"{subject} may now be used for {join_words(purposes, LIST_LIMIT)}" if new
                     else f"No longer says {what} {verb_be(data or what)} used for {join_words(purposes, LIST_LIMIT)}")
    elif data and category == "retention":
        parts.append(f"{'Now states' if new else 'No longer states'} how long {join_words(data, LIST_LIMIT)} "
                     f"{verb_be(data)} kept")
    elif purposes and category == "retention":  # "… kept as long as the law requires for legal compliance"
        parts.append(f"{'Now says' if new else 'No longer says'} personal information is kept for "
                     f"{join_words(purposes, LIST_LIMIT)}")
    elif data and category == "sharing":  # data handed over, to whom the clause does not say
        parts.append(f"{'May now share' if new else 'No longer mentions sharing'} {join_words(data, LIST_LIMIT)}")
    elif data and category in ("collection", "tracking", "children"):
        parts.append(f"{'Now collects' if new else 'No longer mentions collecting'} {join_words(data, LIST_LIMIT)}")
    elif rights and ways:
        named, by = join_words(rights, LIST_LIMIT), join_words(ways, LIST_LIMIT)
        parts.append(f"Now says how to use the right {named}: {by}" if new else f"No longer says to use the right {named} {by}")
    elif GENERIC_RIGHT in affirmed and ways:
        by = join_words(ways, LIST_LIMIT)
        parts.append(f"Privacy rights can now be exercised {by}" if new else f"No longer says privacy rights can be exercised {by}")
    elif rights:
        named, plural = join_words(rights, LIST_LIMIT), "s" if len(rights) > 1 else ""
        parts.append(f"New right{plural} stated: {named}" if new else f"No longer states the right{plural} {named}")
    elif kind := next((k for k in STATED_KINDS if _named(affirmed, k)), None):
        now, no_longer = STATED_KINDS[kind]
        parts.append((now if new else no_longer).format(join_words(_named(affirmed, kind), LIST_LIMIT)))
    elif (affirmed or organisations) and not parts:
        named = join_words([label_words(label) for label in affirmed] + organisations, LIST_LIMIT)
        parts.append(f"Now mentions {named}" if new else f"No longer mentions {named}")
    if denied:
        said = "Now says it does not" if new else "No longer says it does not"
        parts.append(f"{said} {_denials(denied)}")
    return "; ".join(parts[:1] + [part[0].lower() + part[1:] for part in parts[1:]])


DENIED_VERBS = {"recipients": "share personal information with", "data": "collect",
                "purposes": "use personal information for", "trackers": "use"}


def _denials(labels: list[str]) -> str:
    """What denied labels say the company does not do, one verb for the labels of a kind: "sell
    personal information and use personal information for personalisation and marketing"."""
    objects: dict[str, list[str]] = {}
    for label in labels:
        kind = label.split(":", 1)[0]
        words = label_words(label.removesuffix(":not"))
        objects.setdefault(kind if kind in DENIED_VERBS else label, []).append(words)
    return join_words([f"{DENIED_VERBS[key]} {join_words(words, LIST_LIMIT)}" if key in DENIED_VERBS
                       else words[0] for key, words in objects.items()], LIST_LIMIT)
