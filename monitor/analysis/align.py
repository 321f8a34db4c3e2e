"""Pair each changed clause of the new version with its old self.

Clauses present on both sides (by comparison key, as a multiset) are unchanged wherever they moved:
a reordered list or a moved paragraph is not a change. What is left is paired by word overlap, so a
modified sentence is compared with the sentence it replaced; the rest are additions and removals.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from monitor.analysis.segment import Clause

PAIR_THRESHOLD = 0.45
CONTAINED_THRESHOLD = 0.9
PHONE_DIGITS = 6  # the end of a number that is the same in its national and international forms


@dataclass
class ClausePair:
    """A modified (both), added (old is None) or removed (new is None) clause."""

    old: Clause | None
    new: Clause | None
    relocated: bool = False  # the text still exists on the other side: duplicated, split or merged

    @property
    def kind(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "modified"


def _words(clause: Clause) -> frozenset[str]:
    """Words that identify a clause; numbers are what changes, not who the clause is. A phone
    number is one word however written ("020 7946 0958", "+44 (0)20 7946 0958"): the clause
    "Phone: 020 7946 0958" is "Telephone: +44 20 7946 0958" reworded."""
    return _identifying_words(clause.key) | _phone_words(clause.text)


@lru_cache(maxsize=8192)
def _phone_words(text: str) -> frozenset[str]:
    from monitor.analysis.facts.contacts import phone_mentions

    return frozenset(f"phone{phone.digits[-PHONE_DIGITS:]}" for phone in phone_mentions(text))


@lru_cache(maxsize=8192)
def _identifying_words(key: str) -> frozenset[str]:
    words = key.split()
    return frozenset(w for w in words if not w.isdigit()) or frozenset(words)


def _unmatched(clauses: list[Clause], counts: Counter) -> list[Clause]:
    left = Counter(counts)
    rest = []
    for clause in clauses:
        if left[clause.key] > 0:
            left[clause.key] -= 1
        else:
            rest.append(clause)
    return rest


def _similar_pairs(old_words: list[frozenset[str]], new_words: list[frozenset[str]]) -> list[tuple[float, int, int]]:
    """(Dice score, old index, new index) of every pair of clauses whose words overlap by at least
    `PAIR_THRESHOLD`, best first. The words two clauses share are counted off an index of the old
    clauses (measured: twice as fast on long rewrites as intersecting each pair's word sets)."""
    index: dict[str, list[int]] = defaultdict(list)
    for i, words in enumerate(old_words):
        for word in words:
            index[word].append(i)
    candidates: list[tuple[float, int, int]] = []
    for j, words in enumerate(new_words):
        shared: Counter[int] = Counter()
        for word in words:
            shared.update(index.get(word, ()))
        for i, common_words in shared.items():
            score = 2 * common_words / (len(old_words[i]) + len(words))
            if score >= PAIR_THRESHOLD:
                candidates.append((score, i, j))
    candidates.sort(key=lambda t: (-t[0], abs(t[1] - t[2]), t[2], t[1]))  # ties in the new order, not hash order
    return candidates


def align_clauses(old: list[Clause], new: list[Clause],
                  spelled: Callable[[str], str] | None = None) -> list[ClausePair]:
    """The changed clauses between two versions, in the new version's order. `spelled` writes a word
    the one way the language's spelling variants are compared: a clause that only changed spelling
    ("Personalisation", "Personalization") is paired with its old self, however few its words."""
    old_keys = Counter(c.key for c in old)
    new_keys = Counter(c.key for c in new)
    common = old_keys & new_keys
    old_rest = _unmatched(old, common)
    new_rest = _unmatched(new, common)
    duplicates = [ClausePair(None, c, relocated=True) for c in new_rest if c.key in old_keys]
    duplicates += [ClausePair(c, None, relocated=True) for c in old_rest if c.key in new_keys]
    old_rest = [c for c in old_rest if c.key not in new_keys]
    new_rest = [c for c in new_rest if c.key not in old_keys]

    old_words = [_words(c) for c in old_rest]
    new_words = [_words(c) for c in new_rest]
    candidates = _similar_pairs(old_words, new_words)

    paired_old: set[int] = set()
    paired_new: dict[int, int] = {}
    if spelled is not None:
        _pair_respelled(old_rest, new_rest, spelled, paired_old, paired_new)
    for _, i, j in candidates:
        if i not in paired_old and j not in paired_new:
            paired_old.add(i)
            paired_new[j] = i

    sides: dict[str, _Side] = {}

    def side(name: str) -> _Side:  # built only when some clause is left unpaired
        if name not in sides:
            sides[name] = _Side([_words(c) for c in (old if name == "old" else new)])
        return sides[name]
    pairs: list[ClausePair] = []
    for j, clause in enumerate(new_rest):
        if j in paired_new:
            pairs.append(ClausePair(old_rest[paired_new[j]], clause))
        else:
            pairs.append(ClausePair(None, clause, relocated=side("old").contains(new_words[j])))
    for i, clause in enumerate(old_rest):
        if i not in paired_old:
            pairs.append(ClausePair(clause, None, relocated=side("new").contains(old_words[i])))
    return pairs + duplicates


def _pair_respelled(old: list[Clause], new: list[Clause], spelled: Callable[[str], str],
                    paired_old: set[int], paired_new: dict[int, int]) -> None:
    """Pair the clauses whose words are the same once spelled one way, in order."""
    waiting: dict[str, list[int]] = defaultdict(list)
    for i, clause in enumerate(old):
        waiting[" ".join(spelled(word) for word in clause.key.split())].append(i)
    for j, clause in enumerate(new):
        same = waiting.get(" ".join(spelled(word) for word in clause.key.split()))
        if same:
            i = same.pop(0)
            paired_old.add(i)
            paired_new[j] = i


class _Side:
    """The clauses of one version as word sets, indexed by word."""

    def __init__(self, clauses: list[frozenset[str]]) -> None:
        self.clauses = clauses
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, words in enumerate(clauses):
            for word in words:
                self.index[word].append(i)

    def contains(self, words: frozenset[str]) -> bool:
        """True when a clause's words all stand in this version, nearly all of them inside one longer
        clause (split or merge)."""
        if len(words) < 3:
            return False
        if not all(word in self.index for word in words):
            return False  # a word this version never uses: new wording, not the old text cut another way
        needed = math.ceil(CONTAINED_THRESHOLD * len(words))
        # a clause that holds `needed` of the words holds one of any len(words) - needed + 1 of them:
        # the rarest ones, ties by the word itself (the same in every process)
        rarest = sorted(words, key=lambda w: (len(self.index.get(w, ())), w))[:len(words) - needed + 1]
        candidates = sorted({i for word in rarest for i in self.index.get(word, ())})
        return any(len(words & self.clauses[i]) >= needed and len(self.clauses[i]) > len(words) for i in candidates)
