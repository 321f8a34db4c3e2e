"""Per-language cue lexicons (data in lexicons/categories/<lang>.json), compiled once.

A cue is a phrase of words; a word ending in `*` matches any ending (inflections, `retain*`),
`?` is any one letter and a lone `*` is any one word. Words of a phrase may be separated by spaces
and light punctuation. Adding a language means adding a JSON file.

Every cue of a language sits in one index keyed by its first word, so a text is read once and
all its cues (category cues, labels) come out of that single pass.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from monitor.analysis.facts._lexicon import company_names
from monitor.analysis.facts._lexicon import names as _names
from monitor.analysis.model import CATEGORIES

LEXICON_PACKAGE = "monitor.analysis"
LEXICON_DIR = ("lexicons", "categories")
# Kinds of label a clause may name, each the object of one practice (lexicon key → category).
LABEL_KINDS = ("recipients", "purposes", "data", "rights", "trackers", "security", "legal_bases", "safeguards",
               "practices", "notices", "minors", "channels")
TOKEN = re.compile(r"\w[\w'-]*")
GAP = re.compile(r"[\s,.:;]*\Z")
_TYPESET_APOSTROPHE = re.compile(r"(?<=\w)[’ʼ](?=\w)")
"""A typeset apostrophe inside a word ("don’t", "children’s"): the lexicons write it "'"."""
STAR, ONE = "\x01", "\x02"

Group = tuple[str, ...]  # ("strong", category) | ("weak", category) | ("label", kind, label)
Scan = dict[Group, list[str]]


def _word_matcher(word: str) -> tuple[str, object]:
    """How one cue word matches a text word: exactly, by prefix, any word, or a pattern with `?`."""
    if word == STAR:
        return "any", None
    if ONE in word or STAR in word[:-1]:
        body = re.escape(word).replace(ONE, r"\w").replace(STAR, r"[\w'-]*")
        return "pattern", re.compile(body + r"\Z")
    if word.endswith(STAR):
        return "prefix", word[:-1]
    return "exact", word


def _word_matches(kind: str, value, token: str) -> bool:
    if kind == "exact":
        return token == value or (len(token) == len(value) + len(POSSESSIVE) and token.endswith(POSSESSIVE)
                                  and token.startswith(value))
    if kind == "prefix":
        return token.startswith(value)
    if kind == "any":
        return True
    return bool(value.match(token))


POSSESSIVE = "'s"
"""A possessive ending a word ("the Information Commissioner's Office", "a child's account"): the word
is its cue's word all the same."""


def _without_possessive(token: str) -> str:
    """A word without its possessive ("commissioner's" → "commissioner"); one of three letters or fewer stays whole."""
    return token[:-2] if token.endswith(POSSESSIVE) and len(token) > 3 else token


def folded_for_cues(text: str) -> str:
    """A text in lower case with its apostrophes as the lexicons write them: "We don’t sell" denies
    a sale as "We don't sell" does."""
    return _TYPESET_APOSTROPHE.sub("'", text.casefold())


def _cue_words(phrase: str) -> list[tuple[str, object]]:
    marked = phrase.casefold().replace("*", STAR).replace("?", ONE)
    return [_word_matcher(w) for w in re.findall(r"[\w'\x01\x02-]+", marked)]


class CueIndex:
    """Many (group, phrase) cues, found in a text with one pass over its words."""

    def __init__(self, cues: list[tuple[Group, str]]) -> None:
        self.cues = cues
        self._words = [_cue_words(phrase) for _, phrase in cues]
        self._exact: dict[str, list[int]] = {}
        self._prefix: dict[int, dict[str, list[int]]] = {}
        """Prefix length → prefix → cues whose first word starts so: a token is looked up once per length."""
        self._anywhere: list[int] = []
        self._bigram: dict[tuple[str, str], list[int]] = {}
        """Cues of two or more words starting with two exact words, by those two words: the common
        first words ("your", "personal") then bring only the cues their next word can start."""
        for index, words in enumerate(self._words):
            kind, value = words[0]
            if len(words) > 1 and kind == "exact" and words[1][0] == "exact":
                self._bigram.setdefault((value, words[1][1]), []).append(index)
            elif kind == "exact":
                self._exact.setdefault(value, []).append(index)
            elif kind == "prefix" and len(value) >= 2:
                self._prefix.setdefault(len(value), {}).setdefault(value, []).append(index)
            else:
                self._anywhere.append(index)
        self._prefix_lengths = sorted(self._prefix)
        self._candidates: dict[str, tuple[tuple[int, ...], dict[str, tuple[int, ...]], tuple[int, ...]]] = {}
        """Token → the cues that may start at it: worked out once per distinct word."""

    def scan(self, folded_text: str) -> Scan:
        """Group → the phrases of that group found in a case-folded text, each once."""
        result: Scan = {}
        for idx in self.find(folded_text):
            group, phrase = self.cues[idx]
            result.setdefault(group, []).append(phrase)
        return result

    def find(self, folded_text: str) -> dict[int, int]:
        """Cue index → the token position where it first matches, in a case-folded text.

        One pass over the tokens: a cue's first word is looked up in the index (exact words, then
        prefixes by length); a one-word cue matches there, a longer one is checked word by word,
        across light punctuation only (told once per text for every gap between two tokens)."""
        matches = list(TOKEN.finditer(folded_text))
        tokens = [m.group() for m in matches]
        count = len(tokens)
        light = [False] + [bool(GAP.match(folded_text, matches[k - 1].end(), matches[k].start()))
                           for k in range(1, count)]
        words_of, bigram = self._words, self._bigram
        found: dict[int, int] = {}
        for i, token in enumerate(tokens):
            singles, by_second, others = self._starting_at(token)
            for idx in singles:
                if idx not in found:
                    found[idx] = i
            if i + 1 >= count or not light[i + 1]:
                continue
            after = tokens[i + 1]
            longer = [*by_second.get(after, ()), *others, *bigram.get((token, after), ())]
            if (bare := _without_possessive(after)) != after:
                longer += [*by_second.get(bare, ()), *bigram.get((token, bare), ())]
            for idx in longer:
                if idx in found:
                    continue
                words = words_of[idx]
                end = i + len(words)
                if end > count:
                    continue
                if all(light[i + offset] and _word_matches(kind, value, tokens[i + offset])
                       for offset, (kind, value) in enumerate(words) if offset > 1) \
                        and _word_matches(*words[1], after) and _word_matches(*words[0], token):
                    found[idx] = i
        return found

    def _starting_at(self, token: str) -> tuple[tuple[int, ...], dict[str, tuple[int, ...]], tuple[int, ...]]:
        """The cues that may start at a word, worked out once per distinct word: one-word cues it
        matches; longer cues by their second word when that word is exact; the other longer cues."""
        known = self._candidates.get(token)
        if known is not None:
            return known
        candidates = list(self._exact.get(token, ()))
        if (bare := _without_possessive(token)) != token:
            candidates += self._exact.get(bare, ())
        size = len(token)
        for length in self._prefix_lengths:
            if length > size:
                break
            candidates += self._prefix[length].get(token[:length], ())
        candidates += self._anywhere
        singles: list[int] = []
        by_second: dict[str, list[int]] = {}
        others: list[int] = []
        for idx in candidates:
            words = self._words[idx]
            if len(words) == 1:
                if _word_matches(*words[0], token):
                    singles.append(idx)
            elif not _word_matches(*words[0], token):
                continue
            elif words[1][0] == "exact":
                by_second.setdefault(words[1][1], []).append(idx)
            else:
                others.append(idx)
        known = self._candidates[token] = (
            tuple(singles), {word: tuple(ids) for word, ids in by_second.items()}, tuple(others))
        return known


@dataclass
class Lexicon:
    """A language's cues and word lists; `scan` reads a text against all of its cues at once."""

    language: str
    index: CueIndex
    labels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    negations: frozenset[str] = frozenset()
    restrictives: frozenset[str] = frozenset()
    """Negation words that narrow a statement rather than deny it ("only", "without"): they do not
    turn a label around."""
    modals: frozenset[str] = frozenset()
    negation_partners: dict[str, frozenset[str]] = field(default_factory=dict)
    """A negation word that denies only with a partner near it ("ne … pas", "aucun … ne"): without
    one it narrows ("ne collecte que les données nécessaires", only what is needed)."""
    trailing_negations: frozenset[str] = frozenset()
    """Denial words that follow the verb they deny, in languages that put them there ("Wir verkaufen
    Ihre Daten nicht", "Vi säljer inte dina uppgifter"): right after a sale or a recipient, or inside
    its words, they deny it."""
    function_words: frozenset[str] = frozenset()
    contractions: dict[str, str] = field(default_factory=dict)
    """Short form → long form, "n't" → " not": a long form starting with a space is a clitic."""
    synonyms: dict[str, int] = field(default_factory=dict)
    """Word or phrase → its group: "may"/"might", "e-mail"/"email" say the same thing."""
    not_organisations: frozenset[str] = frozenset()
    """Words that make a capitalised name a law, a document, a programme or a place, not a company
    that receives data ("Act", "Addendum", "Residents")."""
    negation_idioms: re.Pattern[str] | None = None
    """Phrases with a negation word that deny nothing ("whether or not", "not limited to")."""
    reports: re.Pattern[str] | None = None
    """Phrases of published figures about the service ("average monthly active recipients" that the
    Digital Services Act asks for): statistics, not a practice."""
    controllers: re.Pattern[str] | None = None
    """Phrases that say who is responsible for the data ("data controller", "responsable du
    traitement"): the company named beside them is the one users deal with."""
    officers: re.Pattern[str] | None = None
    """Titles of a company's officers ("Président", "Geschäftsführer", "represented by"): a company
    or a person named after one, on a line of the company's particulars, holds that office; it is
    not who is responsible for the data."""
    examples: re.Pattern[str] | None = None
    """Words that open a list of examples ("such as", "like", « notamment »): the names after them
    illustrate a kind the sentence names."""
    other_matters: re.Pattern[str] | None = None
    """Matters a mailbox can be kept for that are no privacy matter ("content takedown requests",
    "copyright", "press inquiries"): an address given for them is no privacy contact."""
    representatives: re.Pattern[str] | None = None
    """Words for a company's representative ("EU/UK Representative: Mishcon de Reya"), its contact
    at another company's address."""
    owners: re.Pattern[str] | None = None
    """Whom a kind of data named right before them belongs to when that is a party to the processing,
    not a person it is about ("the contact details of the data importer", « les coordonnées du
    délégué à la protection des données »): the party's own details, no personal data collected."""
    residents: re.Pattern[str] | None = None
    """Phrases that say whom a rule applies to by where they live ("residents of", "users in")."""
    documents: re.Pattern[str] | None = None
    """Words that name a policy or notice ("policy", « politique », "Richtlinie"): a clause that names
    one may name trackers only in its title ("la política de cookies de Bizum")."""
    conditions: tuple[tuple[str, ...], ...] = ()
    """Words that open a condition ("if", "where", « sous réserve »), each as its words: a condition
    put on a practice or taken off it changes when it holds."""
    providing: re.Pattern[str] | None = None
    """Phrases that name who provides a service ("provided by", "our hosting provider is", "fourni
    par"): the company named right after them gets data, whatever the clause is about."""
    definitions: re.Pattern[str] | None = None
    """Verbs that define a term ("'Sale' means", « Partenaires » désigne): a definition, which says
    what a word means, not what the company does."""
    personal_data_definition: re.Pattern[str] | None = None
    """The start of a clause that says what personal data is ("Personal data means any information
    relating to…", « Les données personnelles désignent… »), on folded text: its examples ("such as
    your name") are no data collected."""
    legal_basis_names: tuple[tuple[str, re.Pattern[str]], ...] = ()
    """Each legal basis by its bare name ("Consent", "Legitimate interest"), label → pattern: what a
    cell under a legal-basis column writes, where a sentence would say "with your consent"."""
    spelling: list[tuple[re.Pattern[str], str]] | None = None
    """Rules writing a word's spelling variants one way ("-isation" → "-ization"), in order."""
    contraction_pattern: re.Pattern[str] | None = None
    synonym_phrase_pattern: re.Pattern[str] | None = None
    _spelled: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def scan(self, text: str) -> Scan:
        """Every cue of this language in `text` (read once per text: labels and categories alike)."""
        return _scan(self.language, self.expand_contractions(folded_for_cues(text)))

    def names_no_company(self, name: str) -> bool:
        """Whether a capitalised name is a law, a document, a programme ("California Consumer Privacy
        Act", "Service Provider Addendum"): one of its words says so; a person, after a title ("Mr",
        "Signor"); or only systems and browsers people use ("Chrome and Android"), which receive no data."""
        if any(word.casefold() in self.not_organisations for word in name.split()):
            return True
        named = [word for word in _NAME_WORD.findall(name) if not word.islower()]
        if len(named) > 1 and named[0].casefold() in honorifics() and named[-1].casefold() not in legal_forms():
            return True  # "Signor Enrico Rubiero", "Mr. John Smith": a person ("Sir Speedy Inc" is a company)
        return bool(named) and all(word.casefold() in platforms() for word in named)

    def one_spelling(self, word: str) -> str:
        """A word written the one way its spelling variants are compared: "behaviour" as "behavior"
        (worked out once per distinct word)."""
        known = self._spelled.get(word)
        if known is None:
            known = word
            for pattern, replacement in self.spelling or ():
                known = pattern.sub(replacement, known)
            self._spelled[word] = known
        return known

    def expand_contractions(self, folded: str) -> str:
        """A case-folded text with its contractions written out, each only where it is whole:
        "we'd" is "we would", but "'device'" keeps its "d" and "visit's" is no "vis it is"."""
        if self.contraction_pattern is None:
            return folded
        return self.contraction_pattern.sub(lambda m: self.contractions[m.group()], folded)

    def mark_synonym_phrases(self, folded: str) -> str:
        """A case-folded text with each synonym that is not a single word ("e-mail", "personal
        data") written as its group's word, where it stands whole: "personal database" stays."""
        if self.synonym_phrase_pattern is None:
            return folded
        return self.synonym_phrase_pattern.sub(lambda m: f"synonym{self.synonyms[m.group()]}", folded)


def _whole(phrases: list[str]) -> str:
    """An alternation of literal phrases, longest first."""
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def _personal_data_definition(entry: dict[str, list[str]], definitions: list[str]) -> re.Pattern[str] | None:
    """The law's term for personal data, after a lead-in and an article, in quotes or in bold, with an
    abbreviation, then a verb that defines it: `personal_data` names the terms, `definitions` and
    its `defined_as` the verbs ("means", "is any")."""
    terms = [t.casefold() for t in entry.get("terms", [])]
    verbs = [v.casefold() for v in definitions + entry.get("defined_as", [])]
    if not terms or not verbs:
        return None
    lead_in = rf"(?:(?:{_whole(entry['lead_ins'])})\s+)?" if entry.get("lead_ins") else ""
    article = rf"(?:(?:{_whole(entry['articles'])})\s+)?" if entry.get("articles") else ""
    return re.compile(rf"\W*{lead_in}{article}[\"“«„'‘*]*\s*(?:{_whole(terms)})\s*[\"”»“'’*]*\s*"
                      rf"(?:\([^)]{{0,60}}\)\s*)?[,:]?\s*(?:{_whole(verbs)})(?!\w)")


def _owners_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """The owners' phrases right after a kind of data, or after a second one joined to it ("name and
    address of the controller"), matched where the kind's words end."""
    if not phrases:
        return None
    return re.compile(rf"(?:\s+(?:and|or|et|ou|y|e|o|und|oder|en|of|a|nebo|и|или)\s+\w+(?:\s+\w+)?)?"
                      rf"\s+(?:{_whole(phrases)})(?![\w'’])")


def _contraction_pattern(contractions: dict[str, str]) -> re.Pattern[str] | None:
    """Contractions as whole words. A clitic ("n't" → " not") ends the word it hangs on ("don't"),
    never starts one ("'d" is not in "'device"); any other ("won't", "it's") is a word of its own."""
    clitics = [short for short, long in contractions.items() if long.startswith(" ")]
    words = [short for short, long in contractions.items() if not long.startswith(" ")]
    parts = [rf"(?<=\w)(?:{_whole(clitics)})"] if clitics else []
    parts += [rf"(?<!\w)(?:{_whole(words)})"] if words else []
    return re.compile(rf"(?:{'|'.join(parts)})(?!\w)") if parts else None


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str] | None:
    """Phrases that stand whole: no word character right before or after them."""
    return re.compile(rf"(?<!\w)(?:{_whole(phrases)})(?!\w)") if phrases else None


@lru_cache(maxsize=8192)
def _scan(language: str, folded_text: str) -> Scan:
    lexicon = load_lexicon(language)
    if lexicon is None:
        return {}
    result: Scan = {}
    for idx in _find(language, folded_text):
        group, phrase = lexicon.index.cues[idx]
        result.setdefault(group, []).append(phrase)
    return result


@lru_cache(maxsize=16384)
def _find(language: str, folded_text: str) -> dict[int, int]:
    """Cue index → first token position, for one language and one case-folded text (read once)."""
    lexicon = load_lexicon(language)
    return lexicon.index.find(folded_text) if lexicon else {}


@lru_cache(maxsize=1)
def available_languages() -> tuple[str, ...]:
    """Languages with a category lexicon (packaged data: listed once)."""
    folder = resources.files(LEXICON_PACKAGE).joinpath(*LEXICON_DIR)
    return tuple(sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json")))


@lru_cache(maxsize=None)
def load_lexicon(language: str) -> Lexicon | None:
    """The compiled lexicon of a language, or None when the language has no data file."""
    path = resources.files(LEXICON_PACKAGE).joinpath(*LEXICON_DIR, f"{language}.json")
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    cues: list[tuple[Group, str]] = []
    for category, entry in data.get("categories", {}).items():
        if category not in CATEGORIES:
            raise ValueError(f"lexicon {language}: unknown category {category!r}")
        cues += [(("strong", category), p) for p in entry.get("strong", [])]
        cues += [(("weak", category), p) for p in entry.get("weak", [])]
    labels: dict[str, tuple[str, ...]] = {}
    for kind in LABEL_KINDS:
        labels[kind] = tuple(data.get(kind, {}))
        for label, phrases in data.get(kind, {}).items():
            cues += [(("label", kind, label), p) for p in phrases]
    contractions = dict(data.get("contractions", {}))
    synonyms = {word.casefold(): group for group, words in enumerate(data.get("synonym_groups", [])) for word in words}
    return Lexicon(
        language=language,
        index=CueIndex(cues),
        labels=labels,
        negations=frozenset(w.casefold() for w in data.get("negations", [])),
        restrictives=frozenset(w.casefold() for w in data.get("restrictives", [])),
        modals=frozenset(w.casefold() for w in data.get("modals", [])),
        negation_partners={w.casefold(): frozenset(p.casefold() for p in partners)
                           for w, partners in data.get("negation_partners", {}).items()},
        trailing_negations=frozenset(w.casefold() for w in data.get("trailing_negations", [])),
        function_words=frozenset(w.casefold() for w in data.get("function_words", [])),
        contractions=contractions,
        synonyms=synonyms,
        spelling=[(re.compile(rf"^{p}$"), r) for p, r in data.get("spelling_variants", [])] or None,
        not_organisations=_not_organisations(language),
        negation_idioms=_phrase_pattern([p.casefold() for p in data.get("negation_idioms", [])]),
        reports=_phrase_pattern([p.casefold() for p in data.get("reports", [])]),
        controllers=_phrase_pattern([p.casefold() for p in data.get("controllers", [])]),
        officers=_phrase_pattern([p.casefold() for p in data.get("officers", [])]),
        examples=_phrase_pattern([p.casefold() for p in data.get("examples", [])]),
        other_matters=_phrase_pattern([p.casefold() for p in data.get("other_matters", [])]),
        representatives=_phrase_pattern([p.casefold() for p in data.get("representatives", [])]),
        owners=_owners_pattern([p.casefold() for p in data.get("owners", [])]),
        residents=_phrase_pattern([p.casefold() for p in data.get("residents", [])]),
        documents=_phrase_pattern([p.casefold() for p in data.get("documents", [])]),
        conditions=tuple(tuple(TOKEN.findall(p.casefold())) for p in data.get("conditions", [])),
        providing=_phrase_pattern([p.casefold() for p in data.get("providing", [])]),
        definitions=_phrase_pattern([p.casefold() for p in data.get("definitions", [])]),
        personal_data_definition=_personal_data_definition(data.get("personal_data", {}), data.get("definitions", [])),
        legal_basis_names=tuple((f"legal_bases:{label}", pattern) for label, names in data.get("legal_basis_names", {}).items()
                                if (pattern := _phrase_pattern([name.casefold() for name in names])) is not None),
        contraction_pattern=_contraction_pattern(contractions),
        synonym_phrase_pattern=_phrase_pattern([p for p in synonyms if not re.fullmatch(r"\w+", p)]),
    )


@lru_cache(maxsize=1)
def function_word_languages() -> dict[str, tuple[str, ...]]:
    """Small word → the languages it is a function word of: a model-free fingerprint of language."""
    found: dict[str, list[str]] = {}
    for language in available_languages():
        path = resources.files(LEXICON_PACKAGE).joinpath(*LEXICON_DIR, f"{language}.json")
        with path.open(encoding="utf-8") as file:
            head = file.read(FUNCTION_WORDS_WITHIN)
            listed = _FUNCTION_WORDS.search(head) or _FUNCTION_WORDS.search(head + file.read())
        for word in {w.casefold() for w in json.loads(listed.group(1))} if listed else ():
            found.setdefault(word, []).append(language)
    return {word: tuple(languages) for word, languages in found.items()}


FUNCTION_WORDS_WITHIN = 81920
"""Characters of a lexicon file read first for its function words, which stand near its top."""
_FUNCTION_WORDS = re.compile(r'"function_words"\s*:\s*(\[[^\]]*\])')
"""The one list of a lexicon file that tells its language apart, read without parsing the rest: telling
a document's language must not cost loading every language's cues."""


def lexicons_for(language: str | None) -> list[Lexicon]:
    """The lexicon of a language; every lexicon when the language is not known; none for a
    language that has no data (its words would be read with another language's cues)."""
    if language:
        lexicon = load_lexicon(language)
        return [lexicon] if lexicon is not None else []
    return [lx for lang in available_languages() if (lx := load_lexicon(lang)) is not None]


def find_labels(text: str, kind: str, language: str | None) -> list[str]:
    """Normalised names of the recipients, purposes or data a clause mentions (`data-brokers`)."""
    found: list[str] = []
    for lexicon in lexicons_for(language):
        scan = lexicon.scan(text)
        found += [label for label in lexicon.labels.get(kind, ())
                  if label not in found and ("label", kind, label) in scan]
    return found


@dataclass(frozen=True)
class LabelMention:
    """A label named in a text: its kind ("recipients"), its name ("advertisers"), where it stands
    (token position) and whether a negation right before it denies it ("we do not sell")."""

    kind: str
    label: str
    position: int
    negated: bool
    words: tuple[str, ...] = ()
    """The words of the text the label was read from ("general", "location")."""


DENIABLE_KINDS = frozenset({"practices", "recipients", "data", "purposes", "trackers"})
"""Kinds of label a negation denies ("we do not sell", "we never share with advertisers"); a right
or a notice says "not" in its own words ("not to be subject to", "without notice")."""
NEGATION_REACH = 8
"""Tokens before a label in which a negation word may deny it ("we will never sell", "ne vendons pas",
"we do not share your data with advertising partners"), within one stretch of the sentence."""
_SCOPE_BREAK = re.compile(r"[,;:()\[\]]")


PARTNER_REACH = 5
"""Words after or before a negation word where its partner stands ("ne les lui vendons pas", "en
aucun cas ces données ne seront")."""


def _denied(position: int, tokens: list[str], matches: list[re.Match[str]], text: str,
            denying: frozenset[str], restrictives: frozenset[str],
            partners: dict[str, frozenset[str]] | None = None) -> bool:
    """Whether a denial word stands before the label at `position` in the same stretch of the
    sentence: looking back at most NEGATION_REACH words, stopping at a comma, a colon, a bracket or a
    word that narrows ("except", "unless", "only"): "we do not sell, but share with partners" and
    "we never share it except with advertisers" deny neither the partners nor the advertisers. A
    denial word that needs a partner ("ne … pas") and has none narrows ("ne … que")."""
    for back in range(position - 1, max(-1, position - NEGATION_REACH - 1), -1):
        if _SCOPE_BREAK.search(text, matches[back].end(), matches[back + 1].start()):
            return False
        word = tokens[back]
        if word in denying and partners and word in partners:
            near = tokens[max(0, back - PARTNER_REACH):back] + tokens[back + 1:back + 1 + PARTNER_REACH]
            return any(w in partners[word] for w in near)
        if word in denying:
            return True
        if word in restrictives:
            return False
    return False


TRAILING_DENIABLE_KINDS = frozenset({"practices", "recipients"})
TRAILING_REACH = 2
"""Words after a sale or a recipient where a trailing denial may stand ("Daten nicht", "Daten an Dritte nicht")."""


def _denied_after(position: int, end: int, tokens: list[str], matches: list[re.Match[str]], text: str,
                  trailing: frozenset[str]) -> bool:
    """Whether a trailing denial word stands inside a label's words or right after them, in the same
    stretch of the sentence: "Wir verkaufen Ihre Daten nicht", "Vi säljer inte dina personuppgifter"."""
    if not trailing:
        return False
    if any(word in trailing for word in tokens[position + 1:end]):
        return True
    for after in range(end, min(len(tokens), end + TRAILING_REACH)):
        if _SCOPE_BREAK.search(text, matches[after - 1].end(), matches[after].start()):
            return False
        if tokens[after] in trailing:
            return True
    return False


PREVENTING = ("purposes", "security-fraud")
PREVENTED = ("security", "breach-notification")
PREVENTING_REACH = 10
"""A security breach named within this many words after a purpose of detecting or preventing
misuse is what that purpose prevents, not how the company handles a breach (`label_mentions`)."""
_SENTENCE_BREAK = re.compile(r"[.;:!?]\s")
"""Where one sentence of a clause ends: a purpose reaches no breach in the next sentence."""


_STATED_VALUE = re.compile(r"(?=[\w'-]*\d)[\w'-]{5,}")
"""A word of five characters or more with a digit in it: a number or a code a kind of data is
followed by when the text gives its value (the company's own tax code, telephone number)."""


@lru_cache(maxsize=8192)
def label_mentions(text: str, language: str | None) -> tuple[LabelMention, ...]:
    """Every label a text names, once per (kind, label, negated), in the order they stand."""
    folded = folded_for_cues(text)
    found: dict[tuple[str, str, bool], LabelMention] = {}
    # A language with no lexicon names no labels: practices are read only where the language's
    # words are known (its facts still are, through the fact lexicons and CLDR).
    own = load_lexicon(language) if language else None
    for lexicon in [own] if own else (lexicons_for(None) if language is None else []):
        folded_text = lexicon.expand_contractions(folded)
        matches = list(TOKEN.finditer(folded_text))
        tokens = [m.group() for m in matches]
        readable = tokens  # the words a denial is looked for in: "whether or not", "not limited to" deny nothing
        if lexicon.negation_idioms is not None:
            idioms = [m.span() for m in lexicon.negation_idioms.finditer(folded_text)]
            readable = [" " if any(a <= m.start() < b for a, b in idioms) else t for t, m in zip(tokens, matches)]
        denying = lexicon.negations - lexicon.restrictives
        spans = [(idx, lexicon.index.cues[idx][0], position, position + len(lexicon.index._words[idx]))
                 for idx, position in _find(lexicon.language, folded_text).items()
                 if lexicon.index.cues[idx][0][0] == "label"]
        guarding = [position for _, group, position, _ in spans if group[1:] == PREVENTING]
        for idx, group, position, end in spans:
            if any(a <= position and end <= b and b - a > end - position and other != group
                   for _, other, a, b in spans):
                continue  # "ordonnances" inside "ordonnances judiciaires": the longer cue says what it is
            if group[1:] == PREVENTED and any(
                    0 < position - g <= PREVENTING_REACH
                    and not _SENTENCE_BREAK.search(folded_text, matches[g].end(), matches[position].start())
                    for g in guarding):
                continue  # "détecter et empêcher toute activité frauduleuse, violation de la sécurité": a purpose
            if group[1] == "data" and end < len(tokens) and _STATED_VALUE.fullmatch(tokens[end]):
                continue  # "cod de identificare fiscală RO14399840", "Telefon 0800-123456": a value given, not data asked for
            if group[1] == "data" and lexicon.owners is not None and lexicon.owners.match(
                    folded_text, matches[end - 1].end()):
                continue  # "the identity and contact details of the data importer": the party's own
            negated = group[1] in DENIABLE_KINDS and (
                _denied(position, readable, matches, folded_text, denying, lexicon.restrictives,
                        lexicon.negation_partners)
                or group[1] in TRAILING_DENIABLE_KINDS and _denied_after(position, end, readable, matches, folded_text,
                                                                           lexicon.trailing_negations))
            key = (group[1], group[2], negated)
            if key not in found or position < found[key].position:
                length = len(lexicon.index._words[idx])
                found[key] = LabelMention(group[1], group[2], position, negated,
                                          tuple(tokens[position:position + length]))
    return tuple(sorted(found.values(), key=lambda m: (m.position, m.kind, m.label)))


_NAME_WORD = re.compile(r"[^\W_][\w-]*")


@lru_cache(maxsize=1)
def name_articles() -> frozenset[str]:
    """Articles that may start a name ("The Trade Desk", "De Bijenkorf"), unlike other small words
    (lexicons/names.json)."""
    return frozenset(_names()["articles"])


@lru_cache(maxsize=1)
def honorifics() -> frozenset[str]:
    """Titles before a person's name ("Mr", "Signor", "Frau"), in every language (lexicons/names.json)."""
    return frozenset(_names()["honorifics"])


@lru_cache(maxsize=1)
def provider_columns() -> frozenset[str]:
    """Headers of a cookie table's column that names who sets each cookie ("Provider", « Fournisseur »,
    "Anbieter"), in every language (lexicons/names.json)."""
    return frozenset(_names()["provider_columns"])


@lru_cache(maxsize=1)
def product_aliases() -> dict[str, frozenset[str]]:
    """The other names of a product renamed by its maker ("Google AdWords" is "Google Ads"), case-folded,
    each name to the set of its names (lexicons/names.json)."""
    aliases: dict[str, frozenset[str]] = {}
    for names in _names()["product_aliases"]:
        folded = frozenset(name.casefold() for name in names)
        aliases.update((name, folded) for name in folded)
    return aliases


@lru_cache(maxsize=1)
def platforms() -> frozenset[str]:
    """Operating systems, browsers and devices, in every language (lexicons/names.json)."""
    return frozenset(_names()["platforms"])


def _not_organisations(language: str) -> frozenset[str]:
    """Words that make a capitalised name no company (lexicons/names.json, per language)."""
    return frozenset(w.casefold() for w in _names()["not_organisations"].get(language, []))


@lru_cache(maxsize=1)
def legal_forms() -> frozenset[str]:
    """Legal forms of companies of every country ("Inc", "GmbH", "SAS"), case-folded, without their dots."""
    return frozenset(form.casefold().replace(".", "") for form in _names()["legal_forms"])


@lru_cache(maxsize=1)
def renamed_companies() -> re.Pattern[str]:
    """Two companies' names the text gives as one company's old and new names ("Twitter, Inc. is now
    X Corp.", "Meta Platforms, Inc. (formerly Facebook, Inc.)"): the words between them say so, in any
    language (lexicons/names.json)."""
    words = "|".join(re.escape(w) for w in sorted(_names()["renamed"], key=len, reverse=True))
    name = company_names().pattern
    return re.compile(rf"(?P<first>{name})[\s,(]{{1,3}}(?i:{words})[\s:]{{1,3}}(?P<second>{name})")


@lru_cache(maxsize=1)
def region_names() -> re.Pattern[str]:
    """States and provinces whose laws give their residents privacy rights ("Oregon", "Quebec"), as
    written in every language (lexicons/names.json: "Californie", "Kalifornien" too): places a rule
    applies to, not countries."""
    names = sorted([*_names()["regions"], *_names()["region_translations"]], key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")


def region_name(written: str) -> str:
    """A state's or a province's name in English, however a policy writes it ("Californie" → "California")."""
    return _names()["region_translations"].get(written, written)


@lru_cache(maxsize=1)
def page_chrome() -> dict[str, frozenset[str]]:
    """Consent-banner buttons, navigation links and the lines a page writes in place of a section it
    does not serve, of every language (lexicons/page_chrome.json)."""
    path = resources.files(LEXICON_PACKAGE).joinpath("lexicons", "page_chrome.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    buttons = frozenset(b.casefold() for b in data["consent_buttons"])
    return {
        "buttons": buttons,
        "navigation": frozenset(n.casefold() for n in data["navigation"]),
        "accessibility": frozenset(a.casefold() for a in data["accessibility"]),
        "user_voice": frozenset(w.casefold() for w in data["user_voice"]),
        "unavailable": frozenset(u.casefold() for u in data["unavailable"]),
    }
