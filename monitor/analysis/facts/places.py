"""Countries (and the EU/EEA) named in text, in any language and grammatical case, and their role.

Names come from CLDR via babel (`Locale(lang).territories`) plus ``places_<lang>.json`` aliases.
A text word matches a name word when both have the same stem (snowball, or the data-driven Czech
stripper) and the text word is capitalised; short names, abbreviations and stems under four letters
must match exactly. Matching is a dictionary lookup per capitalised word, built once per language.

Roles: ``address`` (the company's own address or seat), ``destination`` (where data is sent,
stored or processed), ``adjective`` (nationality adjectives, only returned on request), ``other``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale

from monitor.analysis.facts._lexicon import NOUNS_CAPITALISED, company_names, languages_for, load, stem
from monitor.analysis.facts._text import fold, sentence_spans, span_containing

# CLDR pseudo-territories that are no place data can go to.
_NOT_COUNTRIES = frozenset({"EZ", "QO", "UN", "XA", "XB", "ZZ"})
_MIN_STEM = 4
_MAX_EXACT_LENGTH = 4
_TOKEN = re.compile(r"(?:[^\W\d_]{1,3}\.\s?){2,}|[^\W\d_]+(?:-[^\W\d_]+)*")
_OUTSIDE_REACH = 3
_DESTINATION_AFTER_REACH = 40
_DESTINATION_BEFORE_REACH = 150
"""How far before a country a cue ("transfer", "stored") makes it a destination: in a long sentence,
"process" at its start says nothing of "the EU Digital Services Act" at its end."""
_PROVIDER_REACH = 50
"""Characters from a provider word to the "located in" after it ("notre prestataire sur un site situé au")."""


@dataclass
class Place:
    """A country (ISO 3166-1 alpha-2, or "EU"/"EEA") mentioned at text[start:end]."""

    code: str
    start: int
    end: int
    text: str
    role: str


@dataclass(frozen=True)
class _NameWord:
    exact: str | None
    stems: frozenset[tuple[str, str]]
    lower: bool


@dataclass(frozen=True)
class _Name:
    code: str | None
    words: tuple[_NameWord, ...]
    surface: tuple[str, ...]


@dataclass
class _Matcher:
    by_exact: dict[str, list[_Name]]
    by_stem: dict[tuple[str, str], list[_Name]]
    adjectives: dict[tuple[str, str], str]
    adjective_forms: frozenset[str]
    optional_suffixes: tuple[str, ...]
    langs: tuple[str, ...]
    destination: re.Pattern[str] | None
    address: re.Pattern[str] | None
    outside: re.Pattern[str] | None
    connectors: frozenset[str]
    provider: re.Pattern[str] | None = None
    """Words for whoever handles the data for the company (a provider, a processor, a call centre):
    where such a one is located is where the data goes, not the company's seat."""
    residence: re.Pattern[str] | None = None
    """Words for where people live ("if you reside in", "résidents de"): whom a clause is about."""
    located: re.Pattern[str] | None = None
    """Words for where someone is ("located in", "basé en"): after a provider, where the data goes."""
    law: re.Pattern[str] | None = None
    """Words for a law or a legal instrument after a place, maybe past words that say what the law is
    about ("EU data protection rules", "U.S. state consumer privacy laws", "UK GDPR", "EU Standard
    Contractual Clauses"), or for a body that applies it ("the EU bodies", "UK courts"): the place whose
    law it is, not where data goes nor where the people a clause covers live."""


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group().rstrip(), m.start(), m.start() + len(m.group().rstrip())) for m in _TOKEN.finditer(text)]


def _name_word(token: str, lang: str, single: bool) -> _NameWord:
    word_stem = stem(token, lang)
    if not token[:1].isupper():
        # Lower-case words inside a name ("of", "státy", "unie") need no capital in the text.
        if len(word_stem) < _MIN_STEM:
            return _NameWord(token.lower(), frozenset(), True)
        return _NameWord(None, frozenset({(lang, word_stem)}), True)
    exact_only = (
        "." in token
        or (token.isupper() and len(token) > 1)
        or len(word_stem) < _MIN_STEM
        or (single and len(token) <= _MAX_EXACT_LENGTH)
    )
    if exact_only:
        return _NameWord(token, frozenset(), False)
    return _NameWord(None, frozenset({(lang, word_stem)}), False)


def _names(lang: str) -> list[tuple[str | None, str]]:
    data = load("places", lang)
    names: list[tuple[str | None, str]] = []
    territories = Locale.parse(lang).territories
    for code, name in territories.items():
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES:
            names.append((code, fold(name)))
    for code, aliases in data.get("aliases", {}).items():
        names.extend((code, fold(alias)) for alias in aliases)
    names.extend((None, fold(phrase)) for phrase in data.get("not_places", []))
    return names


def _cue_pattern(langs: tuple[str, ...], kind: str, template: str) -> re.Pattern[str] | None:
    cues = _cues(langs, kind)
    return re.compile(template.format(cues), re.I) if cues else None


def _cues(langs: tuple[str, ...], kind: str) -> str:
    """The cues of one kind in the languages as alternatives for a pattern, longest first ("" if none)."""
    cues = {cue for code in langs for cue in load("places", code).get("cues", {}).get(kind, [])}
    return "|".join(sorted(cues, key=len, reverse=True))


_CUE_JUST_BEFORE = r"(?<!\w)(?:{})\W*(?:\w+\W+){{0,%d}}$" % _OUTSIDE_REACH
"""A cue at most a few words before the place, searched up to the place ("outside the EEA",
"if you reside in the United States")."""


_LAW_AFTER = r"[\s-]+(?:(?:%s)[\s-]+){{0,4}}(?:{})(?!\w)"
"""A law's word right after the place or past a few words of what the law is about (`law_modifiers`:
"U.S. state consumer privacy laws")."""


@lru_cache(maxsize=None)
def _matcher(langs: tuple[str, ...]) -> _Matcher:
    by_exact: dict[str, list[_Name]] = {}
    by_stem: dict[tuple[str, str], list[_Name]] = {}
    adjectives: dict[tuple[str, str], str] = {}
    adjective_forms: set[str] = set()
    suffixes: set[str] = set()
    connectors: set[str] = set()
    seen: set[tuple[str | None, tuple[_NameWord, ...]]] = set()
    for lang in langs:
        data = load("places", lang)
        suffixes.update(data.get("optional_suffixes", []))
        connectors.update(word.lower() for word in data.get("connectors", []))
        for code, forms in data.get("adjectives", {}).items():
            for form in forms:
                adjectives[(lang, stem(fold(form), lang))] = code
                adjective_forms.add(fold(form).lower())
        for code, surface in _names(lang):
            tokens = [token for token, _, _ in _tokens(surface)]
            if not tokens or not tokens[0][:1].isupper():
                continue
            words = tuple(_name_word(token, lang, len(tokens) == 1) for token in tokens)
            if (code, words) in seen:
                continue
            seen.add((code, words))
            name = _Name(code, words, tuple(tokens))
            first = words[0]
            if first.exact is not None:
                by_exact.setdefault(first.exact, []).append(name)
            for key in first.stems:
                by_stem.setdefault(key, []).append(name)
    return _Matcher(
        by_exact=by_exact,
        by_stem=by_stem,
        adjectives=adjectives,
        adjective_forms=frozenset(adjective_forms),
        optional_suffixes=tuple(sorted(suffixes, key=len, reverse=True)),
        langs=langs,
        destination=_cue_pattern(langs, "destination", r"(?<!\w)(?:{})"),
        address=_cue_pattern(langs, "address", r"(?<!\w)(?:{})"),
        provider=_cue_pattern(langs, "provider", r"(?<!\w)(?:{})"),
        outside=_cue_pattern(langs, "outside", _CUE_JUST_BEFORE),
        residence=_cue_pattern(langs, "residence", _CUE_JUST_BEFORE),
        located=_cue_pattern(langs, "located", r"(?<!\w)(?:{})"),
        law=_cue_pattern(langs, "law", _LAW_AFTER % (_cues(langs, "law_modifiers") or "(?!)")),
        connectors=frozenset(connectors),
    )


def _stems_of(token: str, matcher: _Matcher) -> set[tuple[str, str]]:
    keys = {(lang, stem(token, lang)) for lang in matcher.langs}
    for suffix in matcher.optional_suffixes:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            keys.update((lang, stem(token[: -len(suffix)], lang)) for lang in matcher.langs)
    return keys


def _word_matches(word: _NameWord, token: str, matcher: _Matcher) -> bool:
    if word.exact is not None:
        if word.lower:
            return token.lower() == word.exact
        return token == word.exact or token.rstrip(".") == word.exact.rstrip(".")
    return (word.lower or token[:1].isupper()) and bool(word.stems & _stems_of(token, matcher))


def _adjective_code(token: str, matcher: _Matcher) -> str | None:
    for key in _stems_of(token, matcher):
        if key in matcher.adjectives:
            return matcher.adjectives[key]
    return None


@lru_cache(maxsize=1)
def _capitalised_word_start() -> re.Pattern[str]:
    """Where a capitalised word starts: the only places a country name can begin."""
    upper = "".join(chr(code) for code in range(0x250) if chr(code).isupper())
    upper += "".join(chr(code) for code in range(0x370, 0x530) if chr(code).isupper())
    return re.compile(f"(?<![^\\W\\d_])[{re.escape(upper)}]")


_GAP = re.compile(r"[ \t\-]*")


def _tokens_from(folded: str, position: int, count: int) -> list[tuple[str, int, int]]:
    """Up to `count` tokens starting at `position`, separated only by spaces or hyphens."""
    tokens: list[tuple[str, int, int]] = []
    while len(tokens) < count:
        if tokens:
            position = _GAP.match(folded, position).end()
        match = _TOKEN.match(folded, position)
        if not match:
            break
        text = match.group().rstrip()
        tokens.append((text, match.start(), match.start() + len(text)))
        position = match.start() + len(text)
    return tokens


def _match_names(folded: str, matcher: _Matcher, include_adjectives: bool) -> list[tuple[int, int, str, str]]:
    """(start, end, code, role-or-empty) of every name; adjectives get role "adjective"."""
    found: list[tuple[int, int, str, str]] = []
    if include_adjectives:
        for token, start, end in _tokens(folded):
            adjective = _adjective_code(token, matcher)
            if adjective:
                found.append((start, end, adjective, "adjective"))
    consumed = 0
    for word_start in _capitalised_word_start().finditer(folded):
        if word_start.start() < consumed:
            continue
        first = _tokens_from(folded, word_start.start(), 1)
        if not first:
            continue
        token = first[0][0]
        candidates = list(matcher.by_exact.get(token, ())) + list(matcher.by_exact.get(token.rstrip("."), ()))
        if len(token) > 1:
            for key in _stems_of(token, matcher):
                candidates.extend(matcher.by_stem.get(key, ()))
        if not candidates:
            continue
        longest_name = max(len(name.words) for name in candidates)
        tokens = _tokens_from(folded, word_start.start(), longest_name)
        matching = [
            name
            for name in candidates
            if len(name.words) <= len(tokens)
            and all(_word_matches(word, tokens[offset][0], matcher) for offset, word in enumerate(name.words))
        ]
        if not matching:
            continue
        longest = max(len(name.words) for name in matching)
        longest_names = [name for name in matching if len(name.words) == longest]
        exact = [name for name in longest_names if name.surface[0] == token]
        if longest == 1 and not exact and token.lower() in matcher.adjective_forms:
            # "Chinees" (a Dutch adjective) shares a Spanish stem with "China": not a country.
            continue
        name = (exact or longest_names)[0]
        consumed = tokens[longest - 1][2]
        if include_adjectives:
            found = [item for item in found if not (item[3] == "adjective" and word_start.start() <= item[0] < consumed)]
        if name.code is not None:
            found.append((word_start.start(), consumed, name.code, ""))
    return sorted(found)


def _in_address_parentheses(folded: str, start: int, sentence: tuple[int, int]) -> bool:
    opening = folded.rfind("(", sentence[0], start)
    if opening < 0 or folded.find(")", opening, start) >= 0:
        return False
    closing = folded.find(")", start, sentence[1])
    content = folded[opening : closing if closing >= 0 else sentence[1]]
    return any(character.isdigit() for character in content)


def _ends_postal_address(folded: str, start: int, end: int, sentence: tuple[int, int], matcher: _Matcher) -> bool:
    before = folded[sentence[0] : start].rstrip()
    if not before.endswith(","):
        return False
    segment_start = max(before.rfind(mark) for mark in ".;:(\n")
    segment = before[segment_start + 1 :]
    if segment.count(",") < 2 or not any(part.strip() and any(c.isdigit() for c in part) for part in segment.split(",")):
        return False
    if matcher.destination and matcher.destination.search(segment):
        return False
    after = folded[end : end + 2].lstrip()
    return not after or after[0] in ").;,\n"


def _nearest_cue(pattern: re.Pattern[str] | None, folded: str, begin: int, end: int) -> int | None:
    """End offset of the last cue of `pattern` in folded[begin:end], or None."""
    if pattern is None:
        return None
    last = None
    for match in pattern.finditer(folded, begin, end):
        last = match.end()
    return last


def _role(folded: str, start: int, end: int, sentence: tuple[int, int], matcher: _Matcher) -> str:
    if _in_address_parentheses(folded, start, sentence) or _ends_postal_address(folded, start, end, sentence, matcher):
        return "address"
    if matcher.law and matcher.law.match(folded, end):
        return "law"  # "in accordance with EU data protection rules", "the EU bodies": whose law, not where data goes
    if matcher.residence and matcher.residence.search(folded, sentence[0], start):
        return "residence"  # "si vous résidez en Corée": whom the clause is about, wherever the data goes
    if matcher.outside and matcher.outside.search(folded, sentence[0], start):
        return "outside"
    address_cue = _nearest_cue(matcher.address, folded, sentence[0], start)
    destination_cue = _nearest_cue(matcher.destination, folded, max(sentence[0], start - _DESTINATION_BEFORE_REACH), start)
    if address_cue is not None and _nearest_cue(matcher.provider, folded, max(sentence[0], address_cue - _PROVIDER_REACH),
                                                address_cue) is not None:
        return "destination"  # "our provider, located in Morocco": where the data is handled
    located = _nearest_cue(matcher.located, folded, sentence[0], start)
    if located is not None and (address_cue is None or located > address_cue) and _nearest_cue(
            matcher.provider, folded, max(sentence[0], located - _PROVIDER_REACH), located) is not None:
        return "destination"  # "customer service staff located in the Philippines" read the data there
    if address_cue is not None and (destination_cue is None or address_cue > destination_cue):
        return "address"
    if destination_cue is not None:
        return "destination"
    if matcher.destination and matcher.destination.search(folded, end, min(sentence[1], end + _DESTINATION_AFTER_REACH)):
        return "destination"
    return "other"


def _only_connectors(text: str, matcher: _Matcher) -> bool:
    words = re.findall(r"[^\W\d_]+", text)
    return not re.search(r"[.;:()]", text) and all(word.lower() in matcher.connectors for word in words)


def find_places(text: str, lang: str | None, *, include_adjectives: bool = False) -> list[Place]:
    """Countries named in `text`, in order, each with its role.

    Roles: `destination` (data goes there), `address` (the company's own seat), `outside` ("outside
    the EEA"), `residence` (where people live: "if you reside in Korea"), `law` (whose law: "EU data
    protection rules", "UK GDPR"), `name` (a word of a company's name: "Google Ireland Limited"), `other`. Nationality adjectives ("Chinese company",
    "empresa china") are not countries; they are only returned, with role "adjective", when
    `include_adjectives` is set.
    """
    matcher = _matcher(languages_for(lang))
    folded = fold(text)
    matches = _match_names(folded, matcher, include_adjectives)
    if not matches:
        return []
    sentences = sentence_spans(folded)
    companies = [match.span(1) for match in company_names().finditer(text)]
    places: list[Place] = []
    for start, end, code, role in matches:
        if any(first <= start and end <= last for first, last in companies):
            role = "name"
        elif not role:
            role = _role(folded, start, end, span_containing(sentences, start), matcher)
            if role == "destination" and _in_a_name(text, start, end, lang):
                role = "name"  # "transmises à Air France": who gets the data, not where it goes
        places.append(Place(code, start, end, text[start:end], role))
    _spread_along_lists(places, folded, matcher)
    return places


_WORD_BEFORE = re.compile(r"(?:^|(\S?)\s+)([A-ZÀ-Þ][\w'’&-]*) $")
"""The capitalised word right before a place, and the character before that word."""
_SENTENCE_OPENERS = frozenset(".!?:;|*#>-•")
"""Characters after which a capitalised word starts a sentence, a cell or an item: no name."""
_CAPITALISED_AFTER = re.compile(r" ([A-ZÀ-Þ][a-zà-ÿ][\w'’&-]*)")


def _in_a_name(text: str, start: int, end: int, lang: str | None) -> bool:
    """Whether a country is a word of a longer name written in capitals, inside a sentence ("Air
    France", "traités par France Billet"): the name of a company, not where data goes. (Whom a
    document is for, "our United States Privacy Notice", stays a place.)"""
    if lang in NOUNS_CAPITALISED:
        return False
    from monitor.analysis.lexicon import function_word_languages  # the lexicons read the facts' names first

    small_words = function_word_languages()
    before = _WORD_BEFORE.search(text[max(0, start - 40):start])
    after = _CAPITALISED_AFTER.match(text, end)
    named_before = (bool(before) and bool(before.group(1)) and before.group(1) not in _SENTENCE_OPENERS
                    and before.group(2).casefold() not in small_words)
    if not named_before and not (after and after.group(1).casefold() not in small_words):
        return False
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    words = re.findall(r"[^\W\d_]+", text[line_start:line_end if line_end >= 0 else len(text)])
    return sum(word[0].isupper() for word in words) * 2 < len(words)  # not a title in capitals


def _spread_along_lists(places: list[Place], folded: str, matcher: _Matcher) -> None:
    """Places listed together ("China, Singapore or the US") share a destination, an "outside" or a
    residence role ("if you reside in the EEA, the United Kingdom or Switzerland")."""
    for _ in range(2):
        for previous, current in zip(places, places[1:]):
            if not _only_connectors(folded[previous.end : current.start], matcher):
                continue
            if previous.role in ("outside", "residence") and current.role in ("other", "destination"):
                current.role = previous.role
            elif {previous.role, current.role} == {"destination", "other"}:
                previous.role = current.role = "destination"


def transfer_destinations(text: str, lang: str | None) -> list[str]:
    """Codes of the countries `text` says data goes to, in order, without repeats."""
    return list(dict.fromkeys(place.code for place in find_places(text, lang) if place.role == "destination"))
