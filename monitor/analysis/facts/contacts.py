"""Contact points: e-mail addresses (incl. Cloudflare-obfuscated ones) and phone numbers.

A phone number is either international ("+49 30 1234567", "+33 (0)1 23 45 67 89": the "+" is cue
enough) or national ("01 23 45 67 89", "(030) 1234567", "8 800 555-35-35"), taken only right after
a phone cue word ("Tel.", "téléphone", "телефон", "telefonu"), perhaps with a filler ("number",
"au", "unter", "номер") between them. Cue words, fillers, the words that join a second number
("or", "ou", "или") and each language's trunk prefixes live in ``contacts_<lang>.json``.

Numbers are compared by their digits: a national number and its international form ("01 23 45 67
89" and "+33 1 23 45 67 89", "8 800 555-35-35" and "+7 800 555-35-35") are one number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from monitor.analysis.facts._lexicon import languages_for, load
from monitor.analysis.facts._text import fold

# Cloudflare replaces protected addresses by this placeholder; text glued to it is a fragment of
# the hidden address, never an address of its own.
_CF_PLACEHOLDER = re.compile(r"\S*\[\s*email\s+protected\s*\]\S*", re.I)
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.%+-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,24}(?![\w-])",
)

# A number is digit groups with one separator between them ("01 23", "030/123", "123-45-67",
# "+33.1.23"); a bracketed group ("(030)", "(0)") needs none. Digit runs can only be split at a
# separator, so matching never backtracks through the ways of cutting a run.
_GROUP = r"(?:\(\d{1,5}\)|\d+)"
_SEPARATOR = r"(?:\.|\s?-\s?|/|\s|(?<=\))|(?=\())"
_NATIONAL = rf"{_GROUP}(?:{_SEPARATOR}{_GROUP})*"
_INTERNATIONAL = rf"(?<![\w+/=&])\+\d+(?:{_SEPARATOR}{_GROUP})*"
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
    r"|\d{4}([./-])\d{1,2}\2\d{1,2}"  # 2024-01-15
    r"|(?:19|20)\d\d\s?[-/]\s?(?:19|20)\d\d"  # 2020-2024
    r"|\d{1,2}[.:]\d\d\s?-\s?\d{1,2}[.:]\d\d"  # 9.00-17.00
    r"|\d{1,3}(?:\.\d{1,3}){3})$"  # 192.168.1.1
)
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


def decode_cfemail(hex: str) -> str:
    """The address behind a Cloudflare ``data-cfemail`` value (first byte is the XOR key)."""
    try:
        data = bytes.fromhex(hex.strip())
    except ValueError as error:
        raise ValueError(f"not a Cloudflare e-mail code: {hex!r}") from error
    if len(data) < 2:
        raise ValueError(f"not a Cloudflare e-mail code: {hex!r}")
    key = data[0]
    return bytes(byte ^ key for byte in data[1:]).decode("utf-8", errors="replace")


def find_emails(text: str) -> list[str]:
    """E-mail addresses in `text`, lower-cased, in order, without repeats or Cloudflare placeholders."""
    visible = _CF_PLACEHOLDER.sub(" ", text)
    found = (match.group().strip(".").lower() for match in _EMAIL.finditer(visible))
    return list(dict.fromkeys(address for address in found if not address.startswith(".")))


_NUMBER = re.compile(rf"(?P<international>{_INTERNATIONAL}){_AFTER}|(?<![\w+])(?P<national>{_NATIONAL}){_AFTER}")
_CUE_REACH = 80  # characters a cue and its fillers may take before a number


@dataclass(frozen=True)
class _PhoneCues:
    before: re.Pattern[str] | None
    """A cue (and fillers) ending right where a number starts."""
    joiner: re.Pattern[str] | None
    """What may stand between two numbers one cue covers: "or", "ou", "/"."""
    trunks: tuple[str, ...]


def _alternation(patterns: list[str]) -> str:
    return "|".join(sorted(set(patterns), key=len, reverse=True))


@lru_cache(maxsize=None)
def _cues(langs: tuple[str, ...]) -> _PhoneCues:
    cues: list[str] = []
    fillers: list[str] = []
    joiners: list[str] = []
    trunks: list[str] = []
    for code in langs:
        data = load("contacts", code)
        cues += data.get("phone_cues", [])
        fillers += data.get("phone_fillers", [])
        joiners += data.get("phone_joiners", [])
        trunks += data.get("trunk_prefixes", [])
    filler = rf"(?:(?:{_alternation(fillers)})(?!\w)\.?\s*[:\-]?\s*){{0,2}}" if fillers else ""
    before = None
    if cues:
        before = re.compile(rf"(?<!\w)(?:{_alternation(cues)})(?!\w)\.?\s*[:\-]?\s*{filler}\Z", re.I)
    joiner = re.compile(rf"\s*(?:/|(?:{_alternation(joiners)})(?!\w))\s*{filler}" if joiners else r"\s*/\s*", re.I)
    return _PhoneCues(before, joiner, tuple(sorted(set(trunks), key=len, reverse=True)))


def _cue_start(folded: str, position: int, cues: _PhoneCues) -> int | None:
    """Where the phone cue ending at `position` starts, if one does."""
    if cues.before is None:
        return None
    match = cues.before.search(folded, max(0, position - _CUE_REACH), position)
    return match.start() if match else None


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
    return Phone(" ".join(written.split()), "+" + digits, (), start, end, cue_start)


def _national(text: str, start: int, end: int, cue_start: int, trunks: tuple[str, ...]) -> Phone | None:
    written = text[start:end]
    if _LOOKALIKE.match(written):
        return None
    digits = _NON_DIGIT.sub("", written)
    if digits.startswith("00"):  # "0033 1 23 45 67 89": dialled from abroad
        return _international(text, start, end, cue_start, skip=2)
    low, high = _NATIONAL_DIGITS
    if not low <= len(digits) <= high:
        return None
    significant = [digits] + [digits[len(t):] for t in trunks if t and digits.startswith(t)]
    return Phone(" ".join(written.split()), digits, tuple(dict.fromkeys(significant)), start, end, cue_start)


@lru_cache(maxsize=1024)
def _find_phones(text: str, langs: tuple[str, ...]) -> tuple[Phone, ...]:
    """Numbers are found first (one pass over the text, digits only), then each national-format
    candidate is kept only if a cue ends right before it, or a joiner after a number kept."""
    if not _DIGIT.search(text):
        return ()
    cues = _cues(langs)
    folded = fold(text)
    found: list[Phone] = []
    for match in _NUMBER.finditer(folded):
        if match.group("international") is not None:
            start, end = match.span("international")
            cue_start = _cue_start(folded, start, cues)
            phone = _international(text, start, end, start if cue_start is None else cue_start)
        else:
            start, end = match.span("national")
            phone = _national(text, start, end, start, cues.trunks)
            if phone is None:
                continue
            cue_start = _cue_start(folded, start, cues)
            if cue_start is not None:
                phone = replace(phone, cue_start=cue_start)
            elif not (found and found[-1].end <= start and cues.joiner.fullmatch(folded, found[-1].end, start)):
                continue  # no cue: a date, an amount, a registration number, not a phone
        if phone is not None:
            found.append(phone)
    return tuple(found)


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
