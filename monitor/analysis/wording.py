"""Wording judgement: whether a modified clause says something new or the same thing differently.

Dates, punctuation, typos, function words, synonyms and contractions, rewordings made throughout
the document, periods that are not retention periods and one-word edits with no cue are not
material; what is left are the changed words that carry meaning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from monitor.analysis.align import ClausePair
from monitor.analysis.describe import describe_duration, join_words
from monitor.analysis.facts import contacts, dates, durations, places
from monitor.analysis.facts._lexicon import known_languages
from monitor.analysis.findings import CF_PLACEHOLDER, Finding, same_periods
from monitor.analysis.lexicon import TOKEN, lexicons_for, load_lexicon
from monitor.analysis.segment import WORD

TYPO_SIMILARITY = 0.8


SMALL_CHANGE_WORDS = 2


ORDINAL = re.compile(r"^\d{1,4}(?:st|nd|rd|th|er|re|e|ème|o|a|º|ª)?$")


YEAR = re.compile(r"\b(?:19|20)\d\d\b")


SHORT_DATE_CLAUSE_WORDS = 12


# Small words inside dates: "1 de enero", "d'avril" (an elided "de"), "1st of May", "1 мая 2025 г." / "года".
DATE_FILLERS = frozenset({"de", "del", "d", "of", "г", "года"})


@lru_cache(maxsize=1)
def month_words() -> frozenset[str]:
    """Words of month names (wide and abbreviated) in every known language. CLDR's narrow forms
    ("J", "F", "M"; "1"… in Czech) and any other one-letter word are left out: they are ordinary
    letters and words ("a", "e", "o", "и"), and numbers are dates' own business (ORDINAL)."""
    from babel import Locale

    words: set[str] = set()
    for code in known_languages():
        months = Locale(code).months
        for context in months.values():
            for width, names in context.items():
                if width == "narrow":
                    continue
                for name in names.values():
                    words.update(w.casefold().strip(".") for w in name.split())
    return frozenset(w for w in words if len(w) > 1)


def tokens(text: str, language: str | None = None) -> list[str]:
    """Words as compared: case-folded, contractions expanded, synonyms ("might" for "may", "email"
    for "e-mail") and spelling variants ("organisation", "organization") written one way, so saying
    the same thing differently is no change."""
    folded = text.casefold()
    lexicon = load_lexicon(language) if language else None
    for known in [lexicon] if lexicon else lexicons_for(None):
        folded = known.expand_contractions(folded)
    if lexicon is None:
        return WORD.findall(folded)
    folded = lexicon.mark_synonym_phrases(folded)
    words = WORD.findall(folded)
    if lexicon.spelling is not None:
        words = [lexicon.one_spelling(w) for w in words]
    return [f"synonym{lexicon.synonyms[w]}" if w in lexicon.synonyms else w for w in words]


_BROKEN = re.compile(r"[?\ufffd]+")


def characters_repaired(old: str, new: str) -> bool:
    """One version has "?" or "\ufffd" inside words where the other has letters ("ge?nformeerd",
    "geïnformeerd"): a broken character encoding repaired or broken, not a change of words."""
    for broken, whole in ((old, new), (new, old)):
        if not _BROKEN.search(broken) or len(whole) < len(broken) - 8:
            continue
        pieces = re.split(r"([?]+)", broken.replace("\ufffd", "?"))
        pattern = "".join(r"[^\s\w]{0,2}\w{0,3}[^\s\w]{0,2}" if piece and set(piece) == {"?"} else re.escape(piece)
                          for piece in pieces)
        if re.fullmatch(pattern, whole):
            return True
    return False


@lru_cache(maxsize=65536)
def similar(a: str, b: str) -> bool:
    """Two words a typo apart. The ratio's cheap upper bounds (the lengths, then the letters shared)
    go first: a whole-policy rewrite compares every added word with every removed one."""
    from difflib import SequenceMatcher

    total = len(a) + len(b)
    if total and 2 * min(len(a), len(b)) / total < TYPO_SIMILARITY:
        return False
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= TYPO_SIMILARITY and matcher.ratio() >= TYPO_SIMILARITY


@lru_cache(maxsize=4096)
def word_changes(old: str, new: str, language: str | None = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(removed, added) words, read once per pair of texts: the whole document's rewordings and
    each clause's judgement both need them."""
    old_counts, new_counts = Counter(tokens(old, language)), Counter(tokens(new, language))
    return tuple((old_counts - new_counts).elements()), tuple((new_counts - old_counts).elements())


def word_edits(old_words: Sequence[str], new_words: Sequence[str]) -> list[tuple[int, int, int, int]]:
    """Where two lists of words differ, letter case aside: (old start, old end, new start, new end)."""
    from difflib import SequenceMatcher

    matcher = SequenceMatcher(None, [w.casefold() for w in old_words], [w.casefold() for w in new_words],
                              autojunk=False)
    return [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]


CONDITION_WORDS = (3, 12)
"""How long a condition put on or taken off a statement is, in words: "where permitted by state law"
(5), not "where applicable" (2), nor a new sentence that happens to start with "if"."""


def conditions_changed(old: str, new: str, language: str | None) -> tuple[list[str], list[str]] | None:
    """The conditions a statement gained and lost when they are all that changed in it ("You may use
    an authorized agent" → "Where permitted by state law, you may use an authorized agent"; "If
    enabled by the account owner, Zoom provides intelligent features" → "Zoom provides…"), as
    (added, removed) phrases; None when anything else changed too, or a condition only moved."""
    openings = condition_openings(language)
    old_words, new_words = TOKEN.findall(old), TOKEN.findall(new)
    edits = word_edits(old_words, new_words)
    if not openings or not edits:
        return None
    added: list[str] = []
    removed: list[str] = []
    for i1, i2, j1, j2 in edits:
        if i1 != i2 and j1 != j2:
            return None
        words, phrases = (new_words[j1:j2], added) if j1 != j2 else (old_words[i1:i2], removed)
        if not CONDITION_WORDS[0] <= len(words) <= CONDITION_WORDS[1] or not _opens_condition(words, openings):
            return None
        phrases.append(" ".join(words))
    moved = {phrase.casefold() for phrase in added} & {phrase.casefold() for phrase in removed}
    added, removed = ([phrase for phrase in _distinct(phrases) if phrase.casefold() not in moved]
                      for phrases in (added, removed))
    return (added, removed) if added or removed else None


def _opens_condition(words: list[str], openings: frozenset[tuple[str, ...]]) -> bool:
    """Whether words start with one of the openings of a condition ("lorsqu'" opens "lorsqu'il")."""
    folded = [word.casefold() for word in words]

    def opens(opening: tuple[str, ...]) -> bool:
        *head, last = opening
        if len(folded) < len(opening) or folded[:len(head)] != head:
            return False
        word = folded[len(head)]
        return word == last or last.endswith("'") and word.startswith(last)
    return any(opens(opening) for opening in openings)


def _distinct(phrases: list[str]) -> list[str]:
    """Phrases without those said again in other letter case."""
    first: dict[str, str] = {}
    for phrase in phrases:
        first.setdefault(phrase.casefold(), phrase)
    return list(first.values())


def changed_words(old: str, new: str, context: int = 2) -> str:
    """The words a modification touched, with a little context: what to classify it by."""
    old_words, new_words = old.split(), new.split()
    spans: list[str] = []
    for i1, i2, j1, j2 in word_edits(old_words, new_words):
        if j2 > j1:
            spans.append(" ".join(new_words[max(0, j1 - context):j2 + context]))
        if i2 > i1:
            spans.append(" ".join(old_words[max(0, i1 - context):i2 + context]))
    return " … ".join(spans)


def is_date_token(token: str) -> bool:
    return bool(ORDINAL.match(token)) or token in month_words() or token in DATE_FILLERS


def is_date_change(old: str, new: str, changed: Sequence[str], language: str | None) -> bool:
    """Only date words changed, in a clause that states a date."""
    if not changed or not all(is_date_token(w) for w in changed):
        return False
    if dates.find_dates(old, language) or dates.find_dates(new, language):
        return True
    short = max(len(old.split()), len(new.split())) <= SHORT_DATE_CLAUSE_WORDS
    return short and bool(YEAR.search(old)) and bool(YEAR.search(new))


@lru_cache(maxsize=None)
def denials(language: str | None) -> frozenset[str]:
    """Negation words that deny ("not", "never"), not those that narrow ("only", "without")."""
    return frozenset().union(*(lx.negations - lx.restrictives for lx in lexicons_for(language)))


@lru_cache(maxsize=None)
def negations(language: str | None) -> frozenset[str]:
    """Words that turn a statement around ("not", "nicht"): the language's, or every language's."""
    return frozenset().union(*(lx.negations for lx in lexicons_for(language)))


@lru_cache(maxsize=None)
def small_words(language: str | None) -> frozenset[str]:
    """Function words ("the", "and", « de »): the language's, or every language's."""
    return frozenset().union(*(lx.function_words for lx in lexicons_for(language)))


@lru_cache(maxsize=None)
def condition_openings(language: str | None) -> frozenset[tuple[str, ...]]:
    """The words that open a condition (`conditions` in the lexicon): the language's, or every language's."""
    return frozenset(opening for lexicon in lexicons_for(language) for opening in lexicon.conditions)


def substantive_words(removed: Sequence[str], added: Sequence[str], language: str | None) -> list[str]:
    """Changed words that carry meaning: not function words, not typo fixes of each other."""
    lexicons = lexicons_for(language)
    function_words = small_words(language)
    meaning = frozenset().union(*(lx.negations | lx.modals for lx in lexicons))
    left_removed = list(removed)
    out = []
    for word in added:
        twin = next((r for r in left_removed if not word.isdigit() and similar(word, r)), None)
        if twin is not None and word not in meaning and twin not in meaning:
            left_removed.remove(twin)
            continue
        out.append(word)
    out += left_removed
    return [w for w in out if w in meaning or (w not in function_words and not is_date_token(w) or w.isdigit())]


def _without_durations(text: str, mentions: list) -> str:
    for mention in sorted(mentions, key=lambda m: m.start, reverse=True):
        text = text[:mention.start] + " " + text[mention.end:]
    return text


def durations_only_change(pair: ClausePair, substantive: list[str], language: str | None,
                           texts: tuple[str, str] | None = None) -> tuple[Finding | None, list[str]]:
    """A change of durations alone that no retention fact claimed: a response time, a notice period,
    or the same period written another way ("28 days" → "four weeks"). Never a retention change.

    Otherwise (None, the changed words that carry meaning once equal periods are set aside).
    """
    old, new = texts or (pair.old.text, pair.new.text)
    old_mentions, new_mentions = durations.find_durations(old, language), durations.find_durations(new, language)
    if not old_mentions and not new_mentions:
        return None, substantive
    removed, added = word_changes(_without_durations(old, old_mentions), _without_durations(new, new_mentions),
                                   language)
    rest = substantive_words(removed, added, language)
    if rest:
        same = same_periods([m.iso for m in old_mentions], [m.iso for m in new_mentions])
        return None, rest if same else substantive
    before = join_words([describe_duration(m.iso) for m in old_mentions])
    after = join_words([describe_duration(m.iso) for m in new_mentions])
    old_values, new_values = [m.iso for m in old_mentions], [m.iso for m in new_mentions]
    if same_periods(old_values, new_values):
        return Finding("editorial", False, "none", f"The same period written another way: {before} → {after}",
                       "fact:same_duration", pair), rest
    roles = {m.role for m in old_mentions + new_mentions}
    if "response" in roles:
        return Finding("rights", False, "none", f"Response time changed from {before} to {after} "
                       "(how fast requests are answered, not how long data is kept)", "fact:response_time_changed", pair,
                       old_values, new_values), rest
    if "notice" in roles:
        return Finding("policy_changes", False, "none", f"Notice period changed from {before} to {after}",
                       "fact:notice_period", pair, old_values, new_values), rest
    return Finding("editorial", False, "none", f"A duration that is not a retention period changed: "
                   f"{before} → {after}", "fact:other_duration", pair), rest


def minor_edit(substantive: list[str], old: str, new: str, language: str | None) -> bool:
    """A word or two changed, none of them a number, a negation, a modal or a cue of any practice."""
    if len(substantive) > SMALL_CHANGE_WORDS or any(w.isdigit() for w in substantive):
        return False
    lexicons = lexicons_for(language)
    if any(w in lx.negations or w in lx.modals for lx in lexicons for w in substantive):
        return False
    changed = changed_words(old, new, context=0)
    if places.find_places(changed, language):
        return False  # a country swapped for another is not a wording matter
    if _names(changed, old + " " + new):
        return False  # a company named or no longer named: who gets the data is for the practice to say
    return not any(lx.scan(" ".join(substantive)) for lx in lexicons)


def _names(changed: str, text: str) -> list[str]:
    """Words of `changed` written with a capital and never in lower case in `text`: names."""
    lower = {w for w in TOKEN.findall(text) if w.islower()}
    return [w for w in TOKEN.findall(changed) if w[0].isupper() and w.casefold() not in lower]


def quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def editorial(summary: str, rule: str, pair: ClausePair, category: str = "editorial") -> Finding:
    """A change that is not material (wording, dates, structure): recorded, never alerted."""
    return Finding(category, False, "none", summary, rule, pair)


def only_placeholder_changed(pair: ClausePair) -> bool:
    """Cloudflare's "[email protected]" stands for an address the scrape could not see: an unknown
    value, so its appearing, vanishing or swallowing a few letters is not a contact change."""
    old_text = pair.old.text if pair.old else ""
    new_text = pair.new.text if pair.new else ""
    if CF_PLACEHOLDER not in old_text and CF_PLACEHOLDER not in new_text:
        return False
    removed, added = word_changes(old_text.replace(CF_PLACEHOLDER, ""), new_text.replace(CF_PLACEHOLDER, ""))
    meaningful = [w for w in removed + added if len(w) > 2 and not contacts.find_emails(w)]
    return not meaningful or (pair.kind == "modified" and len(removed + added) <= 2)


def judge_wording(pair: ClausePair, language: str | None, systematic: frozenset[str] = frozenset(),
                   texts: tuple[str, str] | None = None) -> Finding | list[str]:
    """A modified clause whose facts did not move: a non-material finding for dates, formatting,
    typos, function words, rewordings made throughout the document and minor edits, else the
    changed words that carry meaning. `texts` are the clause's texts as compared, when they are
    not the clause's own (phone numbers masked)."""
    old_text, new_text = texts or (pair.old.text, pair.new.text)
    quoted = quote(pair.new.text)
    removed, added = word_changes(old_text, new_text)
    if not removed and not added:
        return editorial("Punctuation or formatting changed", "words:none", pair)
    if characters_repaired(old_text, new_text):
        return editorial(f"Characters a broken encoding had replaced are restored: {quoted}", "words:encoding", pair)
    if is_date_change(old_text, new_text, removed + added, language):
        return editorial(f"Date changed: {quoted}", "words:date_only", pair, "date")
    removed, added = word_changes(old_text, new_text, language)
    if not removed and not added:
        return editorial(f"Said the same way with other words: {quoted}", "words:synonyms", pair)
    if systematic and systematic.issuperset(removed + added):
        return editorial(f"Reworded as throughout the document: {quoted}", "words:systematic", pair)
    removed = [w for w in removed if w not in systematic]
    added = [w for w in added if w not in systematic]
    substantive = substantive_words(removed, added, language)
    if not substantive:
        return editorial(f"Wording changed: {quoted}", "words:editorial", pair)
    durations_only, substantive = durations_only_change(pair, substantive, language, texts)
    if durations_only:
        return durations_only
    if minor_edit(substantive, old_text, new_text, language):
        return editorial(f"Minor wording change: {quoted}", "words:minor_edit", pair)
    return substantive


def systematic_words(pairs: list[ClausePair], language: str | None) -> frozenset[str]:
    """Words removed and added together in three clauses or more: a rewording done throughout."""
    together: Counter[tuple[str, str]] = Counter()
    for pair in pairs:
        if pair.kind != "modified" or pair.relocated:
            continue
        removed, added = word_changes(pair.old.text, pair.new.text, language)
        together.update({(r, a) for r in set(removed) for a in set(added)})
    turning = negations(language)
    return frozenset(w for (r, a), n in together.items() if n >= 3 for w in (r, a) if w not in turning)
