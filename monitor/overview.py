"""What the stored history says, in the words people read: shared by the CLI and the web view.

The database keeps what the machine needs (`new_version`, `P2Y`, `US`); people read "changed",
"2 years", "the United States". Every human rendering of a check's outcome, a policy's status or a
fact's values goes through here, so the terminal and the browser say the same thing; `--json` and
the feeds' data keep the stored forms.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from basics.timestamps import format_timestamp, parse_timestamp
from basics.timestamps import now as current_time
from monitor.guards import SUSPECT_PREFIX
from store.db import ACCEPTED_OUTCOMES

if TYPE_CHECKING:
    from monitor.watchlist import PolicyEntry
    from store import Store

OUTCOME_WORDS = {
    "new_version": "changed",
    "unchanged": "unchanged",
    "not_modified": "unchanged",
    "pending_confirmation": "change seen once, waiting for a second look",
    "error": "failed",
    "suspect": "held back",
}
"""A check's stored outcome in words (`error` and `suspect` are followed by their reason)."""
PLACE_KINDS = ("transfer",)
DURATION_KINDS = ("retention",)
_ISO_DURATION = re.compile(r"^P(?=\d|T\d)[\dYMWDTHS.]+$")
_PLACE_CODE = re.compile(r"^(?:[A-Z]{2}|EU|EEA)$")


def outcome_label(outcome: str | None, error: str | None = None, seq: int | None = None) -> str:
    """`new_version` → "changed" ("first version" for version 1), `suspect` → "held back: looks like
    a bot check or captcha", `error` → "failed: HTTP 404", None → "never checked"."""
    if outcome is None:
        return "never checked"
    if outcome == "new_version" and seq == 1:
        return "first version"
    words = OUTCOME_WORDS.get(outcome, outcome.replace("_", " "))
    if outcome == "suspect" and error:
        return f"{words}: {error.removeprefix(SUSPECT_PREFIX)}"
    if outcome == "error" and error:
        return f"{words}: {error}"
    return words


def value_in_words(kind: str, value: str) -> str:
    """One fact value for people: a retention period `P2Y` → "2 years", a destination `US` → "the
    United States", a language `es` → "Spanish"; anything else as it is."""
    from monitor.analysis.describe import value_words

    if kind == "language" and re.fullmatch(r"[a-z]{2}", value):
        return language_name(value)
    category = "retention" if kind in DURATION_KINDS else "transfer" if kind in PLACE_KINDS else kind
    return value_words(category, value)


def language_name(code: str) -> str:
    """`es` → "Spanish" (the code itself when CLDR does not know it)."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).get_display_name("en") or code
    except (UnknownLocaleError, ValueError):
        return code


def values_in_words(kind: str, values: list[str]) -> list[str]:
    return [value_in_words(kind, str(value)) for value in values]


def fact_value(item: Any) -> str:
    """A stored fact item (a string, or a dict with a `value`) as its value."""
    if isinstance(item, dict):
        value = item.get("value")
        return value if isinstance(value, str) else str(item)
    return str(item)


def fact_timeline(history: list[dict]) -> dict[str, list[dict]]:
    """Per fact kind: the versions where its set of values changed, with what was added/removed."""
    timeline: dict[str, list[dict]] = {}
    kinds = list(dict.fromkeys(kind for entry in history for kind in entry["facts"]))
    for kind in kinds:
        previous: list[str] | None = None
        for entry in history:
            values = list(dict.fromkeys(fact_value(item) for item in entry["facts"].get(kind, [])))
            if previous is None or set(values) != set(previous):
                if previous is not None or values:
                    timeline.setdefault(kind, []).append({
                        "seq": entry["seq"], "first_seen": entry["first_seen"], "values": values,
                        "added": [v for v in values if v not in (previous or [])],
                        "removed": [v for v in (previous or []) if v not in values],
                    })
            previous = values
    return timeline


def alert_status(row: dict[str, Any]) -> str:
    """An outbox row's status in words: "delivered", "not sent yet", "will retry" or "failed" (given up)."""
    if row.get("status") == "pending":
        return "will retry" if row.get("attempts") else "not sent yet"
    return str(row.get("status") or "")


def alert_title(row: dict[str, Any]) -> str:
    """The title of an outbox row's alert (what its channel's message is headed with)."""
    import json

    try:
        payload = json.loads(row.get("payload") or "{}")
    except ValueError:
        payload = {}
    return str(payload.get("title") or row.get("kind") or "") if isinstance(payload, dict) else ""


def in_time(moment: datetime, now: datetime) -> str:
    """How far a moment is from now, in words: "in 3 hours", "2 days ago", "now"."""
    seconds = (moment - now).total_seconds()
    amount = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if amount >= size:
            count = int(amount // size)
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if seconds > 0 else f"{words} ago"
    return "now"


def next_check_words(timestamp: str, due: bool, now: datetime | None = None) -> str:
    """When a policy's next check is: "now (due)" or `2026-11-22 01:30 (in 5 hours)`."""
    if due:
        return "now (due)"
    return f"{timestamp.replace('T', ' ')[:16]} ({in_time(parse_timestamp(timestamp), now or current_time())})"


@dataclass
class PolicyStatus:
    """One watched policy as the overview shows it (`list`, the web view's front page)."""

    name: str
    url: str
    every: str
    tags: list[str]
    alerts: list[str]
    language: str | None
    versions: int
    last_check: str | None
    last_outcome: str | None
    last_error: str | None
    outcome: str
    """The last check's outcome in words (`outcome_label`)."""
    next_check: str
    """When the next check is due (the last check plus the interval; now when never checked)."""
    due: bool
    failing: int
    """Failed or held-back checks in a row since the last good one."""
    status: str
    """"ok", "never checked", or "failing (N checks in a row)"."""
    last_change: dict | None
    """The newest material change: seq, first_seen, summary, severity."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def status_word(checked: bool, failing: int) -> str:
    if not checked:
        return "never checked"
    if failing:
        return "failing" if failing == 1 else f"failing ({failing} checks in a row)"
    return "ok"


def policy_statuses(entries: list[PolicyEntry], store: Store | None, now: datetime | None = None) -> list[PolicyStatus]:
    """The status of each entry, from its database (None: nothing checked yet)."""
    now = now or current_time()
    statuses = []
    for entry in entries:
        pid = store.policy_id(entry.name) if store is not None else None
        last = store.last_check(pid) if pid is not None else None
        # Only a check that was not accepted can be part of a failure streak (one query less for most).
        failing = store.failure_streak(pid)[0] if last is not None and last["outcome"] not in ACCEPTED_OUTCOMES else 0
        versions = store.version_count(pid) if pid is not None else 0
        last_change = store.last_material_version(pid) if pid is not None else None
        if last is None:
            next_at, due = now, True
        else:
            next_at = parse_timestamp(last["finished_at"] or last["started_at"]) + entry.interval
            due = next_at <= now
        last_seq = None
        if last is not None and last["outcome"] == "new_version" and versions == 1:
            last_seq = 1
        statuses.append(PolicyStatus(
            name=entry.name, url=entry.url, every=entry.every, tags=list(entry.tags), alerts=list(entry.alerts),
            language=entry.language,
            versions=versions,
            last_check=last["started_at"] if last else None,
            last_outcome=last["outcome"] if last else None,
            last_error=last["error"] if last else None,
            outcome=outcome_label(last["outcome"] if last else None, last["error"] if last else None, last_seq),
            next_check=format_timestamp(max(next_at, now) if due else next_at),
            due=due, failing=failing, status=status_word(last is not None, failing), last_change=last_change,
        ))
    return statuses

