"""Noise guards: pure predicates that keep false alarms out of a policy's history.

Web pages misbehave in ways that look like policy changes: an error or captcha page served with
status 200, a page that suddenly lost most of its text, a page that flips between two versions
(A/B tests, load-balanced servers out of sync), a page served in another language. The pipeline
asks these predicates before it believes a fetched text; the phrase lists are data
(`guards_phrases.json`), so teaching a new language is an edit of that file.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

PHRASES_FILE = Path(__file__).with_name("guards_phrases.json")
MIN_TEXT_FOR_LANGUAGE = 200
"""Characters of text below which language detection is too unreliable to act on."""
SUSPECT_PREFIX = "suspect page held back: "
"""Start of the error recorded for a page held back as suspect (the reason follows)."""
SHRINK_REASON = "lost most of its text"
"""Start of the reason given for a page that shrank (see `shrink_is_stable`)."""
HEAD_LINE_CHARS = 120
"""Only short first lines (titles, headings) are searched for phrases on a long page."""
SCRIPT_SHELL_CHARS = 200
"""Visible text below which a static page that runs scripts is taken for a shell its scripts fill."""
NEEDS_JAVASCRIPT = "the page seems to need JavaScript: add `browser: true`"
_RUNNABLE_SCRIPT = re.compile(
    rb"<script\b(?![^>]*\btype\s*=\s*[\"']?(?:application/(?:ld\+)?json|text/template|importmap)\b)",
    re.IGNORECASE,
)
"""A <script> a browser would run (JSON-LD data and templates are not)."""


@dataclass(frozen=True)
class PhraseKind:
    name: str
    reason: str
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class PhraseBook:
    kinds: tuple[PhraseKind, ...]
    short_page_chars: int
    head_lines: int


def _fold(text: str) -> str:
    """Case-, quote- and width-insensitive form for phrase matching."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return text.replace("\u2019", "'").replace("\u2018", "'")


@functools.lru_cache(maxsize=1)
def phrase_book() -> PhraseBook:
    """The phrase lists of guards_phrases.json, compiled once."""
    data = json.loads(PHRASES_FILE.read_text(encoding="utf-8"))
    kinds = []
    for name, spec in data["kinds"].items():
        phrases = sorted({_fold(p) for items in spec["phrases"].values() for p in items}, key=len, reverse=True)
        alternatives = "|".join(re.escape(p) for p in phrases)
        kinds.append(PhraseKind(name, spec["reason"], re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")))
    return PhraseBook(tuple(kinds), int(data["short_page_chars"]), int(data["head_lines"]))


def html_title(body: str) -> str | None:
    """The <title> of an HTML document, whitespace collapsed (None when there is none)."""
    match = re.search(r"<title[^>]*>(.*?)</title\s*>", body, flags=re.IGNORECASE | re.DOTALL)
    if not match:
        return None
    from html import unescape

    title = " ".join(unescape(match.group(1)).split())
    return title or None


def _phrase_hit(text: str) -> PhraseKind | None:
    folded = _fold(text)
    for kind in phrase_book().kinds:
        if kind.pattern.search(folded):
            return kind
    return None


def phrase_reason(text: str, title: str | None = None) -> str | None:
    """Why a page looks like an error, captcha, maintenance or login page, or None.

    Such phrases count in the title, in the first lines of the text, or anywhere on a short page
    (a long policy may well mention "captcha" or "access denied" in its body).
    """
    book = phrase_book()
    if title:
        kind = _phrase_hit(title)
        if kind:
            return f"{kind.reason} (title {title!r})"
    first_lines = text.split("\n", book.head_lines)[: book.head_lines]  # not the whole page's lines
    head = "\n".join(line for line in first_lines if len(line) <= HEAD_LINE_CHARS)
    kind = _phrase_hit(text if len(text) <= book.short_page_chars else head)
    if kind:
        sample = head if len(head) <= 80 else head[:77] + "..."
        return f"{kind.reason} ({sample!r})"
    return None


def has_scripts(body: bytes) -> bool:
    """Whether an HTML body holds a script a browser would run."""
    return _RUNNABLE_SCRIPT.search(body) is not None


def script_shell(body: bytes, visible_text: str) -> bool:
    """A static page that is an empty shell for its scripts: it runs some and shows almost no text.

    Reading it as served would store the shell (or nothing) as the policy, and its next real
    reading would look like the whole policy came back: such a page is an error that says to
    render it (`browser: true`), never a version.
    """
    return len(visible_text) < SCRIPT_SHELL_CHARS and has_scripts(body)


def shrink_reason(length: int, previous_length: int, min_length_ratio: float = 0.4) -> str | None:
    """Why a page that shrank below `min_length_ratio` of the previous version lost its content, or None."""
    if previous_length and length < min_length_ratio * previous_length:
        return f"{SHRINK_REASON} ({previous_length} -> {length} characters)"
    return None


def shrink_is_stable(reason: str, earlier_texts: list[str | None], text: str, checks_needed: int) -> bool:
    """A shrunk page seen identical in `checks_needed` checks in a row is the real, shorter policy.

    Only a shrink can be believed this way (an error or captcha page never is). `earlier_texts`
    are the clean texts of the immediately preceding suspect checks, newest first (None when a
    check was not a suspect shrink).
    """
    if not reason.startswith(SHRINK_REASON) or checks_needed < 2:
        return False
    needed = earlier_texts[: checks_needed - 1]
    return len(needed) == checks_needed - 1 and all(earlier == text for earlier in needed)


def flapping_match(text_hash: str, recent: list[tuple[int, str, bool]]) -> int | None:
    """The seq of a recent version the page flipped back to without anyone having been told of the
    versions in between, else None.

    `recent` is [(seq, text_hash, announced)] of the latest versions, newest first (the latest
    included: the caller has already ruled out "same as the latest", which is simply unchanged);
    `announced` means the version was a material change. A return past an announced version is a
    change like any other (a retention extended, announced, then cut back alerts twice); only a
    flip nobody heard of (A→B→A, B never announced) is a flap.
    """
    for seq, recent_hash, announced in recent:
        if recent_hash == text_hash:
            return seq
        if announced:
            return None
    return None


def needs_confirmation(confirm_changes: bool, has_previous_version: bool, flapping: bool) -> bool:
    """A changed text is re-fetched before it may raise an alert; a first version or a flap raise none."""
    return confirm_changes and has_previous_version and not flapping


def detect_language(text: str, hint: str | None = None) -> str | None:
    """ISO 639-1 code of the text's language (None when too short to tell).

    When detection is unsure, the hint (the watchlist's language) wins, so an uncertain guess
    never passes for a language flip.
    """
    if len(text) < MIN_TEXT_FOR_LANGUAGE:
        return None
    from monitor.analysis import detect_language as analysis_detect_language

    return analysis_detect_language(text, hint=hint)


def language_flip(expected: str | None, detected: str | None) -> bool:
    """True when the page is served in a language other than the one the entry says."""
    return bool(expected and detected and expected.lower() != detected.lower())
