"""Contact points: e-mail addresses (incl. Cloudflare-obfuscated ones) and phone numbers.

A phone number is either international ("+49 30 1234567", "+33 (0)1 23 45 67 89": the "+" is cue
enough) or national ("01 23 45 67 89", "(030) 1234567", "8 800 555-35-35"), taken only right after
a phone cue word ("Tel.", "téléphone", "телефон", "telefonu"), perhaps with a filler ("number",
"au", "unter", "номер") between them. Cue words, fillers, the words that join a second number
("or", "ou", "или"), fax words ("fax", "télécopie", "факс") and each language's trunk prefixes live
in ``contacts_<lang>.json``. A number whose nearest cue is a fax word is no contact phone; a count
grouped by thousands ("1 234 567", "+2 500 000") and a date or an act number ("12 03 2024",
"2016/679") are none either.

Numbers are compared by their digits: a national number and its international form ("01 23 45 67
89" and "+33 1 23 45 67 89", "8 800 555-35-35" and "+7 800 555-35-35") are one number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from monitor.analysis.facts._lexicon import known_languages, languages_for, load
from monitor.analysis.facts._text import fold
from monitor.analysis.segment import CF_PLACEHOLDER_WORDS

# Cloudflare replaces protected addresses by this placeholder; text glued to it is a fragment of
# the hidden address, never an address of its own.
_CF_PLACEHOLDER = re.compile(rf"\S*(?:{CF_PLACEHOLDER_WORDS.pattern})\S*", re.I)
# The top-level domain is all lower or all upper case: a capital after it starts the next word a
# scrape glued on ("ha-copyright@expedia.comTeléfono"). A mailing list's address may start with its
# owner's "~name/" ("~sircmpwn/sr.ht-support@lists.sr.ht"): "~" and "/" are letters of an address.
# Markdown's emphasis around an address ("_privacy@example.com_._") is none of it.
_EMAIL = re.compile(
    r"(?<![\w.+~-])(?:~[\w.-]+/)?[\w.%+-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+(?:[a-z]{2,24}(?=[^\w-]|[A-Z_]|$)|[A-Z]{2,24}(?![\w-]))",
)


def split_at_emails(text: str) -> list[str]:
    """A text cut around its e-mail addresses: the text before the first, each address, the text after
    it, and so on (the addresses at odd positions)."""
    return _EMAIL_SPLIT.split(text) if "@" in text else [text]


_EMAIL_SPLIT = re.compile(f"({_EMAIL.pattern})")

# A number is digit groups with one separator between them ("01 23", "030/123", "123-45-67",
# "+33.1.23"); a bracketed group ("(030)", "(0)") needs none, and stands only among the first two
# groups (an area code, a trunk "(0)"): a bracketed year after a number ("(2024)") is not part of it.
# Digit runs can only be split at a separator, so matching never backtracks through the ways of
# cutting a run.
_GROUP = r"(?:\(\d{1,5}\)|\d+)"
_SEPARATOR = r"(?:\.|\s?-\s?|/|\s|(?<=\))|(?=\())"
_PLAIN_SEPARATOR = r"(?:\.|\s?-\s?|/|\s|(?<=\)))"
_NATIONAL = rf"{_GROUP}(?:{_SEPARATOR}{_GROUP})?(?:{_PLAIN_SEPARATOR}\d+)*"
_INTERNATIONAL = rf"(?<![\w+/=&])\+\d+(?:{_SEPARATOR}{_GROUP})?(?:{_PLAIN_SEPARATOR}\d+)*"
# What may not follow a number: a word glued to it, a currency or a percent sign (an amount), or
# more digits (a number is taken whole or not at all).
_AFTER = (r"(?![\w@%€$£₽¥])(?!\s?(?:[%€$£₽¥]|(?:EUR|USD|GBP|CHF|RUB|CZK|PLN|SEK|Kč|zł|руб|kr)(?!\w)))"
          r"(?!\s?-?\s?\d|[./]\d)")
_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\d+")
_NON_DIGIT = re.compile(r"\D")
_TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")
_LOOKALIKE = re.compile(
    r"^(?:\d{1,2}([./-])\d{1,2}\1\d{2,4}"  # 01.02.2024, 1/2/24
    r"|\d{1,2} \d{1,2} (?:19|20)\d\d"  # 12 03 2024
    r"|\d{4}([./-])\d{1,2}\2\d{1,2}"  # 2024-01-15
    r"|(?:19|20)\d\d\s?[-/]\s?(?:19|20)\d\d"  # 2020-2024
    r"|(?:19|20)\d\d/\d{2,4}"  # 2016/679, 2021/914: an act's number
    r"|\d{1,2}[.:]\d\d\s?-\s?\d{1,2}[.:]\d\d"  # 9.00-17.00
    r"|\d{1,3}(?:\.\d{1,3}){3})$"  # 192.168.1.1
)
# A count written with thousands separators ("1 234 567", "1.234.567", "+2 500 000"): one or two
# digits, not a trunk "0", then only groups of three, one separator throughout.
_THOUSANDS = re.compile(r"^\+?[1-9]\d?([ .])\d{3}(?:\1\d{3})*$")
_THOUSANDS_INTERNATIONAL_DIGITS = 8  # "+" numbers of more digits are phone numbers however grouped
_NATIONAL_DIGITS = (7, 13)
_INTERNATIONAL_DIGITS = (7, 15)
# Country codes whose numbers have a fixed length: the North American plan (+1) and +7 (ten digits after the code).
_FIXED_LENGTH = {"1": 11, "7": 11}


@dataclass(frozen=True)
class Phone:
    """A phone number as written and as compared."""

    text: str
    """As written, spaces collapsed: "+33 1 23 45 67 89", "(030) 1234567"."""
    digits: str
    """Compared form: "+33123456789" (international, "(0)" dropped) or "0123456789" (national)."""
    significant: tuple[str, ...] = ()
    """A national number's digits without each trunk prefix it may carry ("123456789")."""
    start: int = 0
    end: int = 0
    cue_start: int = 0
    """Where the cue word before it starts (`start` when there is none)."""

    @property
    def international(self) -> bool:
        return self.digits.startswith("+")


# An address written to keep it from harvesters: "errata (at) pglaf.org", "dpo[at]example[dot]com".
_SPELLED_AT = re.compile(r"(?<=\w)\s*[(\[{]\s*at\s*[)\]}]\s*(?=\w)", re.I)
_SPELLED_DOT = re.compile(r"(?<=\w)\s*[(\[{]\s*dot\s*[)\]}]\s*(?=\w)", re.I)


def without_placeholders(text: str) -> str:
    """A text without Cloudflare's "[email protected]" placeholders: an address the scrape could not
    see, whose words ("email") state nothing."""
    return _CF_PLACEHOLDER.sub(" ", text) if "protected" in text.casefold() else text


def one_edit_apart(a: str, b: str) -> bool:
    """Whether two words differ by one letter added, dropped or replaced ("weaareher" and "weareher")."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def misspelt_domain(address: str, addresses: list[str]) -> bool:
    """Whether an address is one of `addresses` with a typo in its domain ("support@weaareher.com"
    beside "support@weareher.com"): the same mailbox, its domain put right."""
    local, _, domain = address.partition("@")
    return any(other.partition("@")[0] == local and one_edit_apart(domain, other.partition("@")[2])
               for other in addresses)


def find_emails(text: str) -> list[str]:
    """E-mail addresses in `text`, lower-cased, in order, without repeats or Cloudflare placeholders;
    an address spelled out with "(at)" and "(dot)" is the address."""
    folded = text.casefold()  # the patterns below are slow on long texts: run only where they may match
    visible = without_placeholders(text)
    if any(mark in folded for mark in ("at)", "at]", "at}")) and _SPELLED_AT.search(visible):
        visible = _SPELLED_DOT.sub(".", _SPELLED_AT.sub("@", visible))
    if "mail" in folded:
        visible = _GLUED_LABEL.sub(r"\1 ", visible)
    found = (_GLUED_WORD.sub(r"\1", match.group().strip(".").lstrip("_").lower()) for match in _EMAIL.finditer(visible))
    return list(dict.fromkeys(address for address in found if not address.startswith(".")))


# "à l'adresse emailgdpr@example.com": the word "email" glued to the address it introduces by a
# missing space, as text extracted from a PDF writes it.
_GLUED_LABEL = re.compile(r"(?i)(\b(?:adresse|address|adres)\s+e-?mail)(?=[\w.+-]{2,}@)")


# "privacy@example.comso that we may...": the next word glued to a .com/.org/.net address by a
# missing space (a domain's own longer names, ".company", ".network", ".organic", are kept).
_GLUED_WORD = re.compile(r"(\.(?:com|org|net))(?!pany|puter|munity|work|anic)[a-z]{2,}$")


_NUMBER = re.compile(rf"(?P<international>{_INTERNATIONAL}){_AFTER}|(?<![\w+])(?P<national>{_NATIONAL}){_AFTER}")
_CUE_REACH = 80  # characters a cue and its fillers may take before a number
# A short remark in brackets between a cue and its number: "Phone (toll-free): ", "Telefon (Mo-Fr 8-20 Uhr): ".
_REMARK = r"\([^()\n]{1,30}\)"
# A phone cue and a fax word written as one label: "Tel./Fax", "phone & fax".
_SHARED_LABEL = re.compile(r"\.?\s*[/&]\s*")


@dataclass(frozen=True)
class _PhoneCues:
    before: re.Pattern[str] | None
    """A cue (and fillers) ending right where a number starts."""
    joiner: re.Pattern[str]
    """What may stand between two numbers one cue covers: "or", "ou", "/"."""
    trunks: tuple[str, ...]
    words: re.Pattern[str] | None
    """Any phone cue (group "phone") or fax word (group "fax"): the nearest one before a number says
    what the number is."""


def _alternation(patterns: list[str]) -> str:
    return "|".join(sorted(set(patterns), key=len, reverse=True))


@lru_cache(maxsize=None)
def _cues(langs: tuple[str, ...]) -> _PhoneCues:
    cues: list[str] = []
    fillers: list[str] = []
    joiners: list[str] = []
    trunks: list[str] = []
    faxes: list[str] = []
    for code in langs:
        data = load("contacts", code)
        cues += data.get("phone_cues", [])
        fillers += data.get("phone_fillers", [])
        joiners += data.get("phone_joiners", [])
        trunks += data.get("trunk_prefixes", [])
        faxes += data.get("fax_cues", [])
    filler_words = rf"(?:{_alternation(fillers)})(?!\w)\.?|" if fillers else ""
    filler = rf"(?:(?:{filler_words}{_REMARK})\s*[:\-|]?\s*){{0,3}}"
    before = None
    if cues:
        before = re.compile(rf"(?<!\w)(?:{_alternation(cues)})(?!\w)\.?\s*[:\-|]?\s*{filler}\Z", re.I)
    joiner = re.compile(rf"\s*(?:/|(?:{_alternation(joiners)})(?!\w))\s*{filler}" if joiners else r"\s*/\s*", re.I)
    words = None
    if cues or faxes:
        kinds = ([rf"(?P<fax>{_alternation(faxes)})"] if faxes else []) + \
                ([rf"(?P<phone>{_alternation(cues)})"] if cues else [])
        words = re.compile(rf"(?<!\w)(?:{'|'.join(kinds)})(?!\w)", re.I)
    return _PhoneCues(before, joiner, tuple(sorted(set(trunks), key=len, reverse=True)), words)


def _cue_start(folded: str, position: int, cues: _PhoneCues) -> int | None:
    """Where the phone cue ending at `position` starts, if one does."""
    if cues.before is None:
        return None
    match = cues.before.search(folded, max(0, position - _CUE_REACH), position)
    return match.start() if match else None


def _nearest_is_fax(folded: str, start: int, position: int, cues: _PhoneCues) -> bool | None:
    """Whether the cue nearest before `position` (looking back to `start`, not past a line break) is
    a fax word: True for "Fax: +44 ...", False for "Tel: ..." or "Tel./Fax: ...", None when there is none."""
    if cues.words is None:
        return None
    start = max(start, folded.rfind("\n", start, position) + 1)
    last = previous = None
    for match in cues.words.finditer(folded, start, position):
        previous, last = last, match
    if last is None:
        return None
    if last.group("fax") is None:
        return False
    shared = (previous is not None and previous.group("phone") is not None
              and _SHARED_LABEL.fullmatch(folded, previous.end(), last.start()))
    return not shared


def _is_count(written: str, international: bool, digits: str) -> bool:
    """A number grouped by thousands ("1 234 567", "+2 500 000"), which is a count, not a phone."""
    if international and len(digits) > _THOUSANDS_INTERNATIONAL_DIGITS:
        return False
    return bool(_THOUSANDS.match(" ".join(written.split())))


def _international(text: str, start: int, end: int, cue_start: int, skip: int = 0) -> Phone | None:
    written = text[start:end]
    digits = _NON_DIGIT.sub("", _TRUNK_ZERO.sub("", written))[skip:]
    low, high = _INTERNATIONAL_DIGITS
    if not low <= len(digits) <= high or digits[0] == "0":
        return None
    if _FIXED_LENGTH.get(digits[0], len(digits)) != len(digits):
        return None
    groups = _DIGIT_RUN.findall(written)
    if len(groups) > 1 and not "".join(groups[1:]).strip("0"):
        return None  # "+300 000 000": an amount
    if not skip and _is_count(written, True, digits):
        return None
    return Phone(" ".join(written.split()), "+" + digits, (), start, end, cue_start)


def _national(text: str, start: int, end: int, cue_start: int, trunks: tuple[str, ...]) -> Phone | None:
    written = text[start:end]
    if _LOOKALIKE.match(written):
        return None
    digits = _NON_DIGIT.sub("", written)
    if digits.startswith("00"):  # "0033 1 23 45 67 89": dialled from abroad
        return _international(text, start, end, cue_start, skip=2)
    low, high = _NATIONAL_DIGITS
    if not low <= len(digits) <= high or _is_count(written, False, digits):
        return None
    significant = [digits] + [digits[len(t):] for t in trunks if t and digits.startswith(t)]
    return Phone(" ".join(written.split()), digits, tuple(dict.fromkeys(significant)), start, end, cue_start)


def _joins(first: Phone, second: Phone, trunks: tuple[str, ...]) -> bool:
    """Whether `second`, joined to `first` by "or"/"and" with no cue of its own, looks like a phone
    number too: it is written in groups and starts with a trunk prefix ("0800 123 456"), or has about
    as many digits as `first` (a count of customers after "and" does not)."""
    grouped = len(_DIGIT_RUN.findall(second.text)) > 1
    if second.international or (grouped and any(t and second.digits.startswith(t) for t in trunks)):
        return True
    before, after = len(first.digits.lstrip("+")), len(second.digits)
    return abs(before - after) <= 1 or (first.international and 0 < before - after <= 4)


@lru_cache(maxsize=1024)
def _scan(text: str, langs: tuple[str, ...]) -> tuple[tuple[Phone, ...], tuple[Phone, ...]]:
    """(phone numbers, national-format candidates). Numbers are found first (one pass over the text,
    digits only); each national-format candidate is kept as a phone only if a cue ends right before
    it, or a joiner after a number kept. A number whose nearest cue is a fax word is no phone.
    Candidates are every national-format number shaped like a phone, cue or not."""
    if not _DIGIT.search(text):
        return (), ()
    cues = _cues(langs)
    folded = fold(text)
    found: list[Phone] = []
    candidates: list[Phone] = []
    previous_end, previous_fax = 0, False
    for match in _NUMBER.finditer(folded):
        international = match.group("international") is not None
        start, end = match.span("international" if international else "national")
        fax = _nearest_is_fax(folded, max(previous_end, start - _CUE_REACH), start, cues)
        if fax is None:
            fax = previous_fax and bool(cues.joiner.fullmatch(folded, previous_end, start))
        previous_end, previous_fax = end, fax
        if international:
            cue_start = _cue_start(folded, start, cues)
            phone = _international(text, start, end, start if cue_start is None else cue_start)
        else:
            phone = _national(text, start, end, start, cues.trunks)
            if phone is None:
                continue
            if not phone.international:
                candidates.append(phone)
            cue_start = _cue_start(folded, start, cues)
            if cue_start is not None:
                phone = replace(phone, cue_start=cue_start)
            elif not (found and found[-1].end <= start and cues.joiner.fullmatch(folded, found[-1].end, start)
                      and _joins(found[-1], phone, cues.trunks)):
                continue  # no cue: a date, an amount, a registration number, not a phone
        if phone is not None and not fax:
            found.append(phone)
    return tuple(found), tuple(candidates)


def _find_phones(text: str, langs: tuple[str, ...]) -> tuple[Phone, ...]:
    return _scan(text, langs)[0]


def phone_candidates(text: str, lang: str | None = None) -> list[Phone]:
    """Every national-format number in `text` shaped like a phone number, whether or not a cue
    precedes it ("available at 020 7946 0958"): what an international number on the other side is
    compared with before it is reported as new or gone, so that "+44 20 7946 0958" replacing it is
    a number written another way, not a new one."""
    return list(_scan(text, languages_for(lang))[1])


def find_phones(text: str, lang: str | None = None) -> list[Phone]:
    """Phone numbers in `text`, in order: international ones anywhere, national ones after a phone cue.

    The same number written twice (or once nationally and once internationally) is kept once.
    """
    unique: list[Phone] = []
    for phone in _find_phones(text, languages_for(lang)):
        if not any(same_phone(phone, seen) for seen in unique):
            unique.append(phone)
    return unique


def phone_mentions(text: str, lang: str | None = None) -> list[Phone]:
    """Every phone number written in `text`, repeats included, in order, with where it (and its cue) stands."""
    return list(_find_phones(text, languages_for(lang)))


def find_phone_numbers(text: str, lang: str | None = None) -> list[str]:
    """Phone numbers in `text` by their digits ("+49301234567", "0301234567" after a cue), in order."""
    return [phone.digits for phone in find_phones(text, lang)]


def same_phone(a: Phone, b: Phone) -> bool:
    """One number however written: same digits, or a national number and its international form."""
    if a.digits == b.digits:
        return True
    if a.international == b.international:
        return bool(set(a.significant) & set(b.significant))
    national, international = (b, a) if a.international else (a, b)
    full = international.digits[1:]
    return any(len(rest) >= 6 and full.endswith(rest) and 1 <= len(full) - len(rest) <= 3
               for rest in national.significant)


def written_another_way(phone: Phone, candidate: Phone) -> bool:
    """Whether `candidate`, a national-format number standing with no cue (see `phone_candidates`),
    is the international number `phone` written another way. Having no cue to vouch for it, it must
    look the part: it carries a trunk prefix the international form drops ("020 7946 0958" and
    "+44 20 7946 0958"), or both end in the same group of digits ("912 345 678" and
    "+34 912 345 678"). "RCS Paris 123 456 789" is not "+33 1 23 45 67 89"."""
    if not phone.international or candidate.international or not same_phone(phone, candidate):
        return False
    full = phone.digits[1:]
    if any(full.endswith(rest) and 1 <= len(full) - len(rest) <= 3 for rest in candidate.significant[1:]):
        return True
    return _DIGIT_RUN.findall(phone.text)[-1] == _DIGIT_RUN.findall(candidate.text)[-1]


def phone_changes(old: list[Phone], new: list[Phone]) -> tuple[list[Phone], list[Phone]]:
    """(numbers only in `old`, numbers only in `new`), compared as numbers, not as text."""
    removed = [p for p in old if not any(same_phone(p, q) for q in new)]
    added = [q for q in new if not any(same_phone(p, q) for p in old)]
    return removed, added


@lru_cache(maxsize=None)
def cue_abbreviations() -> frozenset[str]:
    """Phone cues written with a dot ("Tel.", "тел.", "tfno."), in every language: such a dot does
    not end a sentence when a number follows."""
    from monitor.analysis.facts._lexicon import known_languages

    return frozenset(word.lower() for code in known_languages()
                     for word in load("contacts", code).get("phone_abbreviations", []))


# A postcode: UK ("EC2A 2RS"), Dutch ("1012 AB"), Canadian ("K1A 0B1") or four to five digits
# (with a country letter in front, "D-10115", "F-75008").
_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|\d{4}\s?[A-Z]{2}\b|[A-Z]\d[A-Z]\s?\d[A-Z]\d|(?:[A-Z]{1,2}-)?\d{4,5})"
_ADDRESS_REACH = 90  # characters from a street to its postcode
_CITY = r"(?-i:[A-ZÀ-ÞĀ-ŽА-Я][\w'-]+)"  # a city's name starts with a capital: "Roubaix", "LONDON", "Saint-Denis"
_AFTER_A_STATE = r"(?<!(?-i:[A-Z]{2}) \d{5})"  # "Sarasota, FL 34236": the city came before the state and ZIP code


@lru_cache(maxsize=1)
def _street_suffixes() -> str:
    """Endings that make one word a street in languages that write it as a compound ("Treublaan",
    "Kurfürstendamm"), from every language: an office abroad keeps its country's street names."""
    words = {w for lang in known_languages() for w in load("contacts", lang).get("street_suffixes", [])}
    return "|".join(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=None)
def _street_pattern(langs: tuple[str, ...]) -> re.Pattern[str] | None:
    words = sorted({w for lang in langs for w in load("contacts", lang).get("street_words", [])}, key=len, reverse=True)
    if not words:
        return None
    # a street word after these is another word ("au cours des 12 derniers mois": during)
    not_after: dict[str, set[str]] = {}
    for lang in langs:
        for word, before in load("contacts", lang).get("street_words_not_after", {}).items():
            not_after.setdefault(word, set()).update(before)
    street = "|".join("".join(rf"(?<!\b{re.escape(b)} )" for b in sorted(not_after.get(w, ()))) + w for w in words)
    number_words = sorted({w for lang in langs for w in load("contacts", lang).get("house_number_words", [])})
    number = "|".join([r"\d{1,5}[a-z]?"] + [rf"(?-i:{word})" for word in number_words])
    forms = [
        # "27 Old Gloucester Street", "3400 N. Ashton Blvd.", "One Apple Park Way"
        rf"\b(?:{number}),?\s+(?:[\w'.-]+\s+){{0,4}}?(?:{street})(?:(?<=\.)|\b)",
        rf"(?<![\w-])(?:{street})(?:\s+[\w'.-]+){{0,4}}?\s+\d{{1,5}}[a-z]?\b",  # "Corso Venezia 45", "ul. Prosta 20"
        rf"(?<![\w-])(?:{street})(?:\s+[\w'.-]+){{1,4}}?,\s+\d{{1,5}}[a-z]?\b",  # "Via Chiana, 38"
        rf"\b\w+(?:{_street_suffixes()})\s+\d{{1,5}}[a-z]?\b",  # "Burgerweeshuispad 101", "Kurfürstendamm 21"
        # "22 Bishopsgate, London EC2N 4BQ": a number and a name, then a British postcode
        r"(?-i:\b\d{1,5}\s+[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,3}(?=(?:,\s*[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,3}){0,2}"
        r",?\s+(?:[A-Z][a-z]+\s+)?[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b))",
    ]
    return re.compile("(?i)(?:" + "|".join(forms) + ")")


_FOREIGN_STREET = re.compile(r"(?:\d{1,5}[a-z]?,?\s+)?[A-ZÀ-Ý][\w.]*\s+(?:[a-zà-ÿ']{1,3}\s+){0,2}[A-ZÀ-Ý]")
"""A street in another language's words written as a name ("Via Chiana, 38", "20 Primrose Street"):
its words capitalised, so no postcode is needed to tell it from "via our website 24 hours a day"."""


def find_postal_addresses(text: str, lang: str | None = None) -> list[str]:
    """Postal addresses in `text` as written: a street with its house number, and the postcode (with
    the city) that follows within a line ("27 Old Gloucester Street, London WC1N 3AX",
    "160 boulevard de Fourmies, 59100 Roubaix"). Two addresses are the same when their letters and
    digits are (see `address_key`)."""
    found: list[tuple[int, int, str]] = []
    # An office abroad is written in its country's words ("Paseo de los Tamarindos 150" in an English
    # policy): other languages' street words count too (one scan with every language's words), when
    # a postcode follows or the street is written as a name.
    own, every = _street_pattern(languages_for(lang)), _street_pattern(known_languages())
    if every is None:
        return []
    for line in _NUMBERED_LINE.finditer(text):  # a street has a house number: lines without a digit have none
        for match in every.finditer(text, line.start(), line.end()):
            mine = own.match(text, match.start(), line.end()) if own else None
            end = mine.end() if mine else match.end()
            rest = text[end:min(end + _ADDRESS_REACH, line.end())]
            postcode = re.search(rf"(?<![\w-]){_POSTCODE}(?![\w-])(?:{_AFTER_A_STATE}[ ,]+{_CITY}(?:[ -]{_CITY})?)?", rest)
            if mine is None and postcode is None and not _FOREIGN_STREET.match(match.group(0)):
                continue
            end = end + postcode.end() if postcode else end
            found.append((match.start(), end, text[match.start():end].strip(" ,")))
    merged: list[tuple[int, int, str]] = []
    for start, end, address in sorted(found):  # "3400 N. Ashton Blvd, Suite 175": one address
        if merged and start < merged[-1][1]:  # "Suite 100, Sarasota, FL 34236" inside "1515 Fruitville Road, Suite 100, …"
            first = merged[-1][0]
            merged[-1] = (first, max(end, merged[-1][1]), text[first:max(end, merged[-1][1])].strip(" ,"))
        elif merged and not text[merged[-1][1]:start].strip(" ,"):
            first = merged[-1][0]
            merged[-1] = (first, end, text[first:end].strip(" ,"))
        else:
            merged.append((start, end, address))
    return list(dict.fromkeys(address for _, _, address in merged))


_NUMBERED_LINE = re.compile(r"^[^\n\d]*\d.*$", re.MULTILINE)


def street_number_fixed(old: str, new: str) -> bool:
    """Whether two addresses differ by one number only, the rest written alike ("Burgerweeshuispad
    101, 1076 ER Amsterdam" → "… 301, 1076 ER Amsterdam", "216 rue Winoc Chocqueel - 59200 Tourcoing"
    → "… 59700 Tourcoing"): the same street and town, a number put right, not an office that moved
    (a move changes the street, or more than one number)."""
    old_numbers, new_numbers = (re.findall(r"\d+", address) for address in (old, new))
    return (re.sub(r"[\W\d_]+", "", old.casefold()) == re.sub(r"[\W\d_]+", "", new.casefold())
            and len(old_numbers) == len(new_numbers) >= 2
            and sum(o != n for o, n in zip(old_numbers, new_numbers)) == 1)


def without_number_fixes(removed: list[str], added: list[str]) -> tuple[list[str], list[str]]:
    """Addresses removed and added, less the pairs that only had a house number put right."""
    fixed = [(old, new) for old in removed for new in added if street_number_fixed(old, new)]
    return ([a for a in removed if all(a != old for old, _ in fixed)],
            [a for a in added if all(a != new for _, new in fixed)])


def address_key(address: str) -> str:
    """An address's letters and digits, case-folded: equal for the same address however spaced."""
    return re.sub(r"[\W_]+", "", address.casefold())


STREET_LETTERS = 10
"""A street's name, this many letters at least, tells it apart ("rue de la Paix" yes, "Main St" no)."""


def street_key(address: str) -> str | None:
    """The letters of an address's street, without its number or postcode ("249 Avenue du Président
    Wilson 93210" → "avenueduprésidentwilson"): the same office however its number is written, or
    None when the name is too short to tell it apart."""
    street = re.split(r"\s[–—-]\s|\d{4,}", address.split(",")[0])[0]  # up to the postcode, or a dash before it
    street = address_key(re.sub(r"\d+", " ", street))
    return street if len(street) >= STREET_LETTERS else None


def office_still_written(address: str, other_key: str, other_addresses: list[str]) -> bool:
    """Whether another text (its `address_key` and the postal addresses found in it) still names an
    address's street without giving it another number or postcode ("249 Avenue du Président Wilson
    93210" → "avenue du Président Wilson, La Plaine"): the same office written another way.
    "12 Market Street" → "14 Market Street" is another office."""
    street = street_key(address)
    if street is None or street not in other_key:
        return False
    return not any(street_key(found) == street and address_key(found) != address_key(address)
                   for found in other_addresses)


def same_postal_addresses(old_text: str, new_text: str, lang: str | None) -> bool:
    """Each text's postal addresses are the other's, or one of them cut short where a line breaks
    ("2 rue Kellermann 59100" of "… 59100 Roubaix"): between two texts of the same words, only a
    number in the address itself can differ."""
    old, new = ({address_key(a) for a in find_postal_addresses(text, lang)} for text in (old_text, new_text))
    return (all(any(a.startswith(b) or b.startswith(a) for b in new) for a in old)
            and all(any(a.startswith(b) or b.startswith(a) for b in old) for a in new))


_ADDRESS_NUMBER = re.compile(r"\d+(?: \d+)*")


def _address_numbers(address: str) -> list[str]:
    """An address's numbers, a postcode written in two groups as one ("95 747" is "95747")."""
    return [number.replace(" ", "") for number in _ADDRESS_NUMBER.findall(address)]


def written_among(address: str, others: list[str]) -> bool:
    """Whether another language version's addresses write this postal address: the same street, or
    the same numbers (house or box number, postcode), which no translation changes ("BP 7700 1117 ZL
    Schiphol Airport", "BP 7700 1117 ZL Aéroport"): those of one of them, perhaps cut short before
    the postcode ("45, rue"), or found among them when it reads two addresses as one."""
    if any(address_key(address.split(",")[0]) == address_key(other.split(",")[0]) for other in others):
        return True
    numbers = _address_numbers(address)
    if not numbers:
        return False
    for other in others:
        shorter, longer = sorted((numbers, _address_numbers(other)), key=len)
        if shorter and longer[:len(shorter)] == shorter:
            return True
    return set(numbers) <= {number for other in others for number in _address_numbers(other)}


def is_unit_only(address: str, lang: str | None) -> bool:
    """An address that is only a suite or a floor ("Suite 400"), read on a line of its own: a part of
    the street address above it, not another office."""
    first = address.split()[0].casefold() if address.split() else ""
    return any(first in load("contacts", language).get("unit_words", []) for language in languages_for(lang))


@lru_cache(maxsize=None)
def _address_label_pattern(langs: tuple[str, ...]) -> re.Pattern[str] | None:
    labels = sorted({label for lang in langs for label in load("contacts", lang).get("address_labels", [])},
                    key=len, reverse=True)
    if not labels:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(label) for label in labels)})\s*:\s*(?P<value>[^\n]+)", re.I)


def labelled_address(text: str, lang: str | None) -> str | None:
    """The address a line gives after an address label ("Postal Mail: Logitech Privacy Office,
    City Gate Plaza Two, Mahon, Cork, Ireland"), when it looks like one (parts between commas),
    whatever its street words: what a reader would write to."""
    pattern = _address_label_pattern(languages_for(lang))
    match = pattern.search(text) if pattern else None
    if match is None:
        return None
    value = match.group("value").strip(" .;")
    return value if value.count(",") >= 2 and "@" not in value else None

