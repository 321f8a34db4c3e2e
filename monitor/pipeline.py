"""One check of one watched policy: fetch → normalise → guards → compare → store, atomically.

The middle is pure (normalisation, guards, comparison); I/O sits at the edges: the fetch at the
start and one store transaction at the end. That transaction writes the check row, the raw
snapshot, the new version with its changes, and the outbox rows of its alerts, so an alert exists
if and only if the change it reports does. The CPU-heavy part of the middle (reading the page,
comparing a new version with the last) goes through a `monitor.workers.Middle`, which runs it
inline or, for a big batch, in worker processes while the event loop keeps fetching. A version's
facts are derived later, when first asked for (`derive_facts`).

Every fetched body is kept as a raw snapshot (content-addressed, compressed), even when the check
ends in an error or a suspect page, so nothing is lost and `reprocess` can re-derive the history
with a better normaliser later.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from basics.errors import StoreError
from basics.processes import describe_holder, this_process
from basics.timestamps import parse_timestamp, utc_now
from monitor import guards
from monitor.middle import Analysis, PageReading, read_page
from monitor.request import PageRequest, SecretError, page_request
from monitor.watchlist import PolicyEntry, Settings, Watchlist, database_path
from monitor.workers import Middle, WorkerError, workers_for
from store import Store, Version, leases, sha256_hex
from store.db import ACCEPTED_OUTCOMES

if TYPE_CHECKING:
    from alerts import Channel, DeliveryReport
    from monitor.analysis import Comparison
    from monitor.fetch import Fetcher, FetchResult

REPROCESS_RULE = "reprocess"
READING_RULE = "reading"
"""Rule of the changes a switch between rendering a page and reading it as served brings: technical."""
FLAPPING_RULE = "flapping"
CHECKS_PER_FETCH = 3
"""Checks `check_all` runs at once, per allowed concurrent fetch. Bounded so that a check's second
fetch (the confirmation of a change) queues behind a few checks, not behind the whole batch, and
so that only a few fetched pages wait in memory for their turn to be read."""
CONFIRMING_PER_FETCH = 10
"""Checks of a batch that may wait for their confirmation at once, per allowed concurrent fetch,
having given their place to the next checks (each keeps its page in memory while it waits)."""
LEASE_MARGIN_SECONDS = 300.0
"""A policy's lease outlives its check's deadline by this much (reading and analysing included)."""
LEASE_POLL_SECONDS = 0.25
"""How often a process waiting for a lease another one holds asks again."""


@dataclass
class CheckOutcome:
    """What one check did, for the CLI summary, the service log and tests."""

    policy: str
    outcome: str
    started_at: str
    finished_at: str
    url: str
    status: int | None = None
    error: str | None = None
    check_id: int | None = None
    version_seq: int | None = None
    new_version: bool = False
    material: bool = False
    severity: str = "none"
    flapping: bool = False
    changes: list[dict] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    """Kinds of the alerts enqueued (one entry per outbox row)."""
    note: str | None = None
    """Anything the check could not do in full (a page too large to compare whole)."""

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


class RunStopped(StoreError):
    """The database failed (full disk, damage, read-only) during `check_all`: the checks recorded
    before are kept, the others were not run. `outcomes` says which was which."""

    def __init__(self, message: str, outcomes: list[CheckOutcome]) -> None:
        super().__init__(message)
        self.outcomes = outcomes


class Turn:
    """A check's place in `check_all`: one of the batch's in-flight slots, traded for one of its
    confirmation slots while a changed page waits to be fetched again, so the batch moves on
    meanwhile. A check waiting for a confirmation slot keeps its in-flight slot (it needs no
    other to go on), so nothing waits in a circle."""

    def __init__(self, in_flight: asyncio.Semaphore, confirming: asyncio.Semaphore) -> None:
        self.in_flight, self.confirming = in_flight, confirming
        self._holding = in_flight

    async def __aenter__(self) -> Turn:
        await self.in_flight.acquire()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._holding.release()

    async def waiting(self) -> None:
        """The check is about to wait for its confirmation: let the next check start."""
        if self._holding is self.confirming:
            return
        await self.confirming.acquire()
        self.in_flight.release()
        self._holding = self.confirming


class PolicyLeases:
    """This process's leases on the policies it checks in one run (`store.leases`).

    `take_all` takes every lease of a batch in one transaction; `acquire` takes (or, with `wait`,
    waits for) one more. A check gives its lease back in its final transaction (`release` with
    `confirm`, which refuses to record a check whose lease another process took over).
    """

    def __init__(self, store: Store, seconds: float, wait: bool = False) -> None:
        self.store, self.seconds, self.wait = store, seconds, wait
        self.holder = this_process()
        self._held: set[int] = set()

    def take_all(self, policy_ids: Iterable[int]) -> None:
        ids = list(policy_ids)
        others = leases.take(self.store, ids, self.holder, utc_now(), self.seconds)
        self._held.update(policy_id for policy_id in ids if policy_id not in others)

    async def acquire(self, policy_id: int) -> str | None:
        """None once this process holds the policy's lease; else who holds it (after waiting up to
        one lease's time for it, with `wait`)."""
        if policy_id in self._held:
            return None
        give_up = time.monotonic() + self.seconds
        while True:
            others = leases.take(self.store, [policy_id], self.holder, utc_now(), self.seconds)
            if not others:
                self._held.add(policy_id)
                return None
            if not self.wait or time.monotonic() >= give_up:
                return others[policy_id]
            await asyncio.sleep(LEASE_POLL_SECONDS)

    def release(self, policy_id: int, confirm: bool = False) -> None:
        """Give the lease back; inside the check's final transaction with `confirm` (LeaseLost if
        another process took it over), else on its own, after a check that recorded nothing."""
        if policy_id not in self._held:
            return
        if confirm:
            leases.release(self.store, policy_id, self.holder, confirm=True)
            return
        self._held.discard(policy_id)
        leases.release(self.store, policy_id, self.holder)

    def confirm(self, policy_id: int) -> None:
        """Inside a transaction: LeaseLost unless this process still holds the lease."""
        leases.confirm(self.store, policy_id, self.holder)

    def release_all(self) -> None:
        for policy_id in list(self._held):
            self.release(policy_id)


def lease_seconds(settings: Settings) -> float:
    """How long a policy's lease lasts: its check's deadline, for the fetch and the confirmation,
    the confirmation's delay, and a margin for reading and analysing."""
    return 2 * settings.total_timeout + settings.confirm_delay + LEASE_MARGIN_SECONDS


@dataclass
class ReprocessReport:
    """What `reprocess` added: per policy, the seqs of new versions, and snapshots it could not read."""

    added: dict[str, list[int]] = field(default_factory=dict)
    unchanged: list[str] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


# ---------------------------------------------------------------------------------------------
# Pure helpers


def _read_page(body: bytes, content_type: str | None, entry: PolicyEntry, rendered: bool) -> PageReading:
    """`read_page` with the entry's selectors and language, inline."""
    return read_page(body, content_type, entry.select, entry.remove, entry.language, rendered=rendered)


def derivation(entry: PolicyEntry) -> str:
    """How a body becomes this entry's text: the normaliser version and the entry's selectors."""
    return _derivation(tuple(entry.select or ()), tuple(entry.remove or ()))


@functools.lru_cache(maxsize=1024)
def _derivation(select: tuple[str, ...], remove: tuple[str, ...]) -> str:
    from monitor.normalize import NORMALIZER_VERSION

    return sha256_hex(json.dumps([NORMALIZER_VERSION, list(select), list(remove)]))[:16]


def _language_name(code: str | None) -> str:
    if not code:
        return "an unknown language"
    try:
        from babel import Locale

        return f"{Locale.parse(code).get_display_name('en')} ({code})"
    except Exception:  # babel raises several types for odd codes; the code itself is fine then
        return code


def _version_summary(comparison: Comparison | None, flapped_to: int | None,
                     reading_change: str | None = None) -> tuple[bool, str]:
    """(material, one-line summary) of a new version."""
    if flapped_to is not None:
        return False, f"returned to the text of version {flapped_to} (flapping page)"
    if reading_change is not None:
        return False, reading_change
    if comparison is None:
        return False, "first version"
    material = [c for c in comparison.changes if c.material]
    if material:
        return True, "; ".join(c.summary for c in material)
    if comparison.changes:
        return False, "no material change: " + ", ".join(dict.fromkeys(c.category for c in comparison.changes))
    return False, "no material change (wording or layout)"


def _stored_changes(comparison: Comparison | None, rule_override: str | None = None) -> list[dict]:
    """The comparison's changes as store rows; an override marks them non-material (flap, reprocess)."""
    if comparison is None:
        return []
    rows = []
    for change in comparison.changes:
        row = change.to_json()
        if rule_override:
            row.update(material=False, severity="none", rule=rule_override)
        rows.append(row)
    return rows


def _change_digest(rows: list[dict]) -> list[dict]:
    return [
        {"category": r["category"], "material": r["material"], "severity": r["severity"], "summary": r["summary"]}
        for r in rows
    ]


# ---------------------------------------------------------------------------------------------
# Alerts and failure streaks


def _entry_dict(entry: PolicyEntry) -> dict[str, Any]:
    return entry.model_dump()


def _alerts_for(
    store: Store,
    entry: PolicyEntry,
    kind: str,
    channels: dict[str, Channel],
    now: str,
    comparison: Comparison | None = None,
    version: int | None = None,
    prev_version: int | None = None,
    details: dict[str, Any] | None = None,
) -> list[str]:
    """Build and enqueue (inside the caller's transaction) the outbox rows of one event."""
    from alerts import build_alerts
    from store.outbox import enqueue

    rows = build_alerts(_entry_dict(entry), kind, comparison, channels, version, prev_version, now, details)
    enqueue(store, rows)
    return [row["kind"] for row in rows]


def _recent_versions(store: Store, policy_id: int, window: int) -> list[tuple[int, str, bool]]:
    """(seq, text_hash, announced) of the latest version and up to `window` before it, newest first."""
    if window <= 0:
        return []
    recent = store.versions(policy_id, limit=window + 1)  # the newest few, never the whole history
    return [(v.seq, v.text_hash, bool(v.material)) for v in reversed(recent)]


def _recent_suspect_texts(store: Store, policy_id: int, entry: PolicyEntry, limit: int) -> list[str | None]:
    """Clean texts of the latest checks (newest first) that held back a shrunk page; None for others."""
    texts: list[str | None] = []
    for row in store.checks(policy_id, limit=limit):
        shrunk = row["outcome"] == "suspect" and (row["error"] or "").startswith(guards.SUSPECT_PREFIX + guards.SHRINK_REASON)
        if not shrunk or not row["snapshot_hash"]:
            texts.append(None)
            continue
        body, content_type = store.get_snapshot(row["snapshot_hash"])
        rendered = store.snapshot_rendered_by(row["snapshot_hash"]) is not None
        texts.append(_read_page(body, content_type, entry, rendered).text)
    return texts


# ---------------------------------------------------------------------------------------------
# One check


class _Check:
    """One check while it runs: each step either hands on to the next (None) or ends the check
    with its outcome, written by a `finish_*` method in one transaction."""

    def __init__(self, entry: PolicyEntry, store: Store, fetcher: Fetcher, settings: Settings,
                 channels: dict[str, Channel], middle: Middle, now: str | None, policy_id: int,
                 policy_leases: PolicyLeases, turn: Turn | None = None) -> None:
        """Begins once this process holds the policy's lease: from here the latest version cannot
        change under the check."""
        self.entry, self.store, self.fetcher, self.settings = entry, store, fetcher, settings
        self.channels, self.middle = channels, middle
        self.fixed_now = now
        self.started_at = now or utc_now()
        self.policy_id = policy_id
        self.leases = policy_leases
        self.deadline = time.monotonic() + settings.total_timeout
        """When the check's fetching (both fetches, retries and waits included) must be over."""
        self.latest: Version | None = store.latest_version(self.policy_id)
        self.fetch_result: FetchResult | None = None
        self.body_hash: str | None = None
        """sha256 of the fetched body, once computed."""
        self.page: PageReading | None = None
        """The fetched body read as the entry's page (its `snapshot` compressed by a worker, if one read it)."""
        self.text_hash = ""
        self.flapped_to: int | None = None
        """The seq of a recent version the page returned to, if it flapped back."""
        self.comparison: Comparison | None = None
        self.declared_date: str | None = None
        self.partial: str | None = None
        """What the analysis left out of a page too large to compare whole (see `monitor.middle`)."""
        self.fetched_at = 0.0
        """When the first fetch ended (`time.monotonic()`): the confirmation waits from there."""
        self.analysing: asyncio.Future[Analysis] | None = None
        """The comparison, started while a changed page waits for its confirmation."""
        self.turn = turn
        self.request: PageRequest | None = None
        """The entry's request options, its secrets read from the environment."""
        self.reading_change: str | None = None
        """Why the new text is technical when the page is now rendered and was read as served
        before, or the other way round (then it raises no alert)."""

    def now(self) -> str:
        return self.fixed_now or utc_now()

    # -- the steps, in order (see `check_policy`) --------------------------------------------

    async def fetch(self) -> CheckOutcome | None:
        """Fetch the page (conditionally once there is a version); a failure or a 304 ends here."""
        try:
            request = self.request = page_request(self.entry)
        except SecretError as exc:
            return self.finish_failed("error", str(exc), "unreachable")
        etag, last_modified = self.store.last_validators(self.policy_id) if self.latest else (None, None)
        result = self.fetch_result = await self.fetcher.fetch(self.entry.url, etag=etag, last_modified=last_modified,
                                                              request=request, deadline=self.deadline)
        self.fetched_at = time.monotonic()
        if result.error or not result.ok:
            return self.finish_failed("error", result.error or f"HTTP {result.status}", "unreachable")
        if not result.not_modified:
            return None
        if self.latest is None:
            return self.finish_failed("error", "server answered 304 Not Modified to an unconditional request",
                                      "unreachable")
        return self.finish_same("not_modified")

    async def revalidate_derivation(self) -> CheckOutcome | None:
        """The very body last accepted ends the check unchanged, unread; one last read another way
        (another normaliser or other selectors, or before that was recorded) is read again first,
        so the difference becomes a technical version, never a change."""
        if self.latest is None:
            return None
        assert self.fetch_result is not None
        accepted_hash, derived_with, accepted_version = self.store.last_accepted_body(self.policy_id)
        self.body_hash = sha256_hex(self.fetch_result.body)
        if accepted_hash is not None:
            self.reading_change = _reading_change(self.store.snapshot_rendered_by(accepted_hash),
                                                  self.fetch_result.rendered_by)
        if accepted_hash is None or derived_with == derivation(self.entry):
            same_bytes = accepted_version == self.latest.id and accepted_hash == self.body_hash
            return self.finish_same("unchanged") if same_bytes else None
        try:
            unreadable, technical = await _rederive(self.store, self.entry, self.policy_id, self.latest,
                                                    accepted_hash, self.middle, self.now(), self.leases)
        except WorkerError as exc:
            return self.finish_failed("error", str(exc), "unreachable")
        self.latest = technical or self.latest
        if unreadable is None and accepted_hash == self.body_hash:
            return self.finish_same("unchanged")  # the very bytes, just read again
        return None

    async def read(self) -> CheckOutcome | None:
        """Read the body as the entry's page; no text, or the latest version's text, ends here."""
        result, entry = self.fetch_result, self.entry
        assert result is not None
        try:
            page = self.page = await self.middle.read(result.body, result.content_type, entry.select, entry.remove,
                                                      entry.language, with_date=self.latest is None,
                                                      rendered=result.rendered_by is not None)
        except WorkerError as exc:
            return self.finish_failed("error", str(exc), "unreachable")
        if page.text is None:
            if page.suspect:
                return self.finish_failed("suspect", f"{guards.SUSPECT_PREFIX}{page.suspect}", "suspect")
            error = page.error or "no text"
            return self.finish_failed("error", f"cannot use the page: {error}", _fetch_failure_reason(error))
        self.text_hash = sha256_hex(page.text)
        if self.latest is not None and self.text_hash == self.latest.text_hash:
            return self.finish_same("unchanged")
        return None

    async def guard(self) -> CheckOutcome | None:
        """Hold back an error, login or shrunk page and a page in another language; note a flap back."""
        page, latest, settings = self.page, self.latest, self.settings
        assert page is not None and page.text is not None
        suspect = page.suspect or (guards.shrink_reason(len(page.text), len(latest.text), settings.min_length_ratio)
                                   if latest else None)
        if suspect and not guards.shrink_is_stable(
            suspect, _recent_suspect_texts(self.store, self.policy_id, self.entry, settings.failure_threshold),
            page.text, settings.failure_threshold,
        ):
            reason = "login_wall" if "login" in suspect else "suspect"
            return self.finish_failed("suspect", f"{guards.SUSPECT_PREFIX}{suspect}", reason)
        if guards.language_flip(self.entry.language, page.language):
            message = (f"page served in {_language_name(page.language)} instead of "
                       f"{_language_name(self.entry.language)}")
            return self.finish_failed("suspect", message, "suspect", warning=message)
        if latest is not None:
            recent = _recent_versions(self.store, self.policy_id, settings.flap_window)
            self.flapped_to = guards.flapping_match(self.text_hash, recent)
        return None

    async def confirm(self) -> CheckOutcome | None:
        """Fetch a changed page again: a text the second fetch does not show ends here, pending.

        The wait between the two fetches (`confirm_delay`, counted from the first fetch's end) is
        not idle: the comparison runs meanwhile (`analysing`, in a worker when there are some), and
        in a batch the check gives its place to the next ones (`turn.waiting`), so the delay is
        off the batch's critical path.
        """
        settings = self.settings
        if not guards.needs_confirmation(settings.confirm_changes, self.latest is not None, self.flapped_to is not None):
            return None
        assert self.page is not None and self.fetch_result is not None
        self.analysing = asyncio.ensure_future(self._compare())
        wait = settings.confirm_delay - (time.monotonic() - self.fetched_at)
        if wait > 0:
            if self.turn is not None:
                await self.turn.waiting()
            await asyncio.sleep(wait)
        second = await self.fetcher.fetch(self.entry.url, request=self.request, deadline=self.deadline)
        if await _text_of_second_fetch(second, self.fetch_result.body, self.page, self.entry, self.middle) \
                != self.page.text:
            self.analysing.cancel()
            return self.finish_pending("changed text not confirmed by a second fetch (will check again)")
        return None

    async def _compare(self) -> Analysis:
        assert self.latest is not None and self.page is not None and self.page.text is not None
        return await self.middle.analyse(self.latest.text, self.page.text, self.entry.language)

    async def analyse(self) -> CheckOutcome | None:
        """Compare the new text with the latest version's (a first version only has its date); a
        confirmed change was compared while it waited for its confirmation."""
        assert self.page is not None and self.page.text is not None
        if self.latest is None:
            self.declared_date = self.page.declared_date
            return None
        try:
            self.comparison, self.declared_date, self.partial = await (self.analysing or self._compare())
        except WorkerError as exc:
            return self.finish_failed("error", str(exc), "unreachable")
        return None

    def record(self) -> CheckOutcome:
        """Store the new version with its changes and alerts, in one transaction."""
        from monitor.normalize import NORMALIZER_VERSION

        page, latest, comparison, flapped_to = self.page, self.latest, self.comparison, self.flapped_to
        assert page is not None and page.text is not None
        now = self.now()
        material, summary = _version_summary(comparison, flapped_to, self.reading_change)
        override = FLAPPING_RULE if flapped_to is not None else READING_RULE if self.reading_change else None
        change_rows = _stored_changes(comparison, override)
        kinds: list[str] = []
        with self._final_transaction():
            kinds += self._recovery(now)
            snapshot_hash = self._snapshot()
            version = self.store.add_version(
                self.policy_id, page.text, snapshot_hash, now, language=page.language or self.entry.language,
                declared_date=self.declared_date, origin="fetch",
                normalizer_version=NORMALIZER_VERSION, material=material if comparison is not None else None,
                summary=summary, text_hash=self.text_hash,
            )
            if change_rows:
                self.store.add_changes(self.policy_id, version.id, latest.id if latest else None, change_rows, now)
            check_id = self._record("new_version", None, snapshot_hash, version.id)
            if comparison is not None and override is None and comparison.material:
                kinds += _alerts_for(self.store, self.entry, "change", self.channels, now,
                                     comparison=comparison, version=version.seq,
                                     prev_version=latest.seq if latest else None,
                                     details={"partial": self.partial} if self.partial else None)
        return self._outcome(
            "new_version", check_id, version_seq=version.seq, new_version=True,
            material=bool(material), severity=comparison.severity if comparison is not None and material else "none",
            flapping=flapped_to is not None, changes=_change_digest(change_rows), alerts=kinds,
            note=self.partial,
        )

    # -- how a check ends --------------------------------------------------------------------

    @contextlib.contextmanager
    def _final_transaction(self) -> Iterator[None]:
        """The check's one write: its result, with its lease given back in the same commit (and
        LeaseLost, recording nothing, if another process took the policy over meanwhile)."""
        with self.store.transaction():
            self.leases.release(self.policy_id, confirm=True)
            yield

    def _record(self, outcome: str, error: str | None, snapshot_hash: str | None, version_id: int | None) -> int:
        result = self.fetch_result
        accepted = outcome in ACCEPTED_OUTCOMES
        return self.store.record_check(
            self.policy_id,
            started_at=self.started_at,
            finished_at=self.now(),
            url=self.entry.url,
            final_url=result.final_url if result else None,
            status=result.status if result else None,
            duration_ms=result.duration_ms if result else None,
            outcome=outcome,
            error=error,
            attempts=list(result.attempts) if result else [],
            snapshot_hash=snapshot_hash,
            version_id=version_id,
            etag=result.etag if result and accepted else None,
            last_modified=result.last_modified if result and accepted else None,
            derivation=derivation(self.entry) if accepted else None,
        )

    def _snapshot(self) -> str | None:
        result = self.fetch_result
        if result is None or not result.body:
            return None
        compressed = self.page.snapshot if self.page is not None else None
        return self.store.put_snapshot(result.body, result.content_type, self.now(), compressed, self.body_hash,
                                       rendered_by=result.rendered_by)

    def _outcome(self, outcome: str, check_id: int, **values: Any) -> CheckOutcome:
        return CheckOutcome(
            policy=self.entry.name, outcome=outcome, started_at=self.started_at, finished_at=self.now(),
            url=self.entry.url, status=self.fetch_result.status if self.fetch_result else None, check_id=check_id,
            **values,
        )

    def finish_failed(self, outcome: str, reason: str, failure_reason: str, warning: str | None = None) -> CheckOutcome:
        """An error or suspect check; a failure alert once the streak reaches the threshold."""
        now = self.now()
        kinds: list[str] = []
        with self._final_transaction():
            snapshot_hash = self._snapshot()
            check_id = self._record(outcome, reason, snapshot_hash, None)
            if warning:
                kinds += _alerts_for(self.store, self.entry, "warning", self.channels, now,
                                     details={"key": f"warning:{snapshot_hash or check_id}", "message": warning,
                                              "reason": reason})
            streak, first_id = self.store.failure_streak(self.policy_id)
            if streak >= self.settings.failure_threshold:
                kinds += _alerts_for(
                    self.store, self.entry, "failure", self.channels, now,
                    version=self.latest.seq if self.latest else None,
                    details={"key": f"failure:{first_id}", "reason": failure_reason, "error": reason,
                             "consecutive_failures": streak, "message": f"{reason} ({streak} checks in a row)"},
                )
        return self._outcome(outcome, check_id, error=reason, alerts=kinds,
                             version_seq=self.latest.seq if self.latest else None)

    def _recovery(self, now: str) -> list[str]:
        """Inside a transaction, before the good check is recorded: a `recovered` alert if needed."""
        streak, first_id = self.store.failure_streak(self.policy_id)
        if streak < self.settings.failure_threshold:
            return []
        return _alerts_for(self.store, self.entry, "recovered", self.channels, now,
                           version=self.latest.seq if self.latest else None,
                           details={"key": f"recovered:{first_id}", "consecutive_failures": streak})

    def finish_same(self, outcome: str) -> CheckOutcome:
        """The page still holds the latest version (304 or the same clean text)."""
        assert self.latest is not None
        now = self.now()
        with self._final_transaction():
            kinds = self._recovery(now)
            snapshot_hash = self._snapshot() if outcome == "unchanged" else None
            self.store.touch_version(self.latest.id, now)
            check_id = self._record(outcome, None, snapshot_hash, self.latest.id)
        return self._outcome(outcome, check_id, version_seq=self.latest.seq, alerts=kinds)

    def finish_pending(self, reason: str) -> CheckOutcome:
        with self._final_transaction():
            check_id = self._record("pending_confirmation", reason, self._snapshot(), None)
        return self._outcome("pending_confirmation", check_id, error=reason,
                             version_seq=self.latest.seq if self.latest else None)


async def _text_of_second_fetch(second: FetchResult, first_body: bytes, page: PageReading, entry: PolicyEntry,
                                middle: Middle) -> str | None:
    """The clean text the confirmation fetch got (None when it got none)."""
    if not second.ok or second.not_modified:
        return None
    if second.body == first_body:
        return page.text  # the very same bytes: the same text, no need to read them again
    try:
        return (await middle.read(second.body, second.content_type, entry.select, entry.remove, entry.language,
                                  rendered=second.rendered_by is not None)).text
    except WorkerError:
        return None


def _fetch_failure_reason(error: str) -> str:
    if guards.NEEDS_JAVASCRIPT in error:
        return "needs_browser"
    return "selector_empty" if "matched nothing" in error else "unreachable"


def _skipped(entry: PolicyEntry, reason: str, now: str | None = None) -> CheckOutcome:
    """A check this process did not make (nothing recorded)."""
    stamp = now or utc_now()
    return CheckOutcome(policy=entry.name, outcome="skipped", started_at=stamp, finished_at=stamp, url=entry.url,
                        error=reason)


def _reading_change(rendered_before: str | None, rendered_now: str | None) -> str | None:
    """Why a text is technical when the page was read another way than the last accepted body
    (rendered by a browser, or as served): what changed is how it was read, not the policy."""
    if (rendered_before is None) == (rendered_now is None):
        return None
    if rendered_now is not None:
        return f"now rendered by {rendered_now} before reading (technical, not a policy change)"
    return "now read as served, without a browser (technical, not a policy change)"


async def check_policy(
    entry: PolicyEntry,
    store: Store,
    fetcher: Fetcher,
    settings: Settings | None = None,
    now: str | None = None,
    channels: dict[str, Channel] | None = None,
    middle: Middle | None = None,
    policy_leases: PolicyLeases | None = None,
    only_if_due: bool = False,
    turn: Turn | None = None,
) -> CheckOutcome:
    """Check one entry now and record what was found (see the module docstring).

    `middle` runs the page reading and the analysis (inline when None). The check runs under the
    policy's lease (`policy_leases`, the batch's, or one of its own that does not wait): when
    another process holds it, the outcome is `skipped` and nothing is recorded. `only_if_due`:
    skipped too when, by the time the lease is held, another process has checked the entry
    within its interval (two `run --once` started together). `turn`: the check's place in a
    batch, given to the next check while a changed page waits for its confirmation.
    """
    settings = settings or Settings()
    policy_leases = policy_leases or PolicyLeases(store, lease_seconds(settings))
    policy_id = store.ensure_policy(entry.name, entry.url, entry.language)
    holder = await policy_leases.acquire(policy_id)
    if holder is not None:
        return _skipped(entry, f"being checked by {describe_holder(holder)}", now)
    try:
        if only_if_due and not _still_due(store, entry, policy_id, now):
            return _skipped(entry, "checked meanwhile by another process", now)
        check = _Check(entry, store, fetcher, settings, channels or {}, middle or Middle(), now, policy_id,
                       policy_leases, turn)
        steps = (check.fetch, check.revalidate_derivation, check.read, check.guard, check.confirm, check.analyse)
        for step in steps:
            ended = await step()
            if ended is not None:
                return ended
        return check.record()
    except leases.LeaseLost:
        return _skipped(entry, "another process took the check over (its lease had expired); nothing recorded", now)
    finally:
        policy_leases.release(policy_id)


def _still_due(store: Store, entry: PolicyEntry, policy_id: int, now: str | None) -> bool:
    last = store.last_check(policy_id)
    if last is None:
        return True
    moment = parse_timestamp(now or utc_now())
    return entry.is_due(parse_timestamp(last["finished_at"] or last["started_at"]), moment)


async def check_all(
    watchlist: Watchlist,
    store: Store,
    names: list[str] | None = None,
    progress: Callable[[CheckOutcome], None] | None = None,
    *,
    wait_for_leases: bool = False,
    only_if_due: bool = False,
) -> list[CheckOutcome]:
    """Check the named entries (all when None) concurrently with one shared Fetcher.

    Results are in watchlist order; `progress` is called as each check finishes. A big batch
    reads and analyses pages in worker processes (`settings.workers`, see `monitor.workers`);
    pages a browser renders do not count towards it: Chromium's renderers already keep the cores
    busy, and reading a rendered page is a small part of its cost.
    Every entry's lease is taken at the start in one transaction; an entry another process is
    checking is skipped, or waited for with `wait_for_leases`. When the database fails (a full
    disk, damage), no further check starts and RunStopped says so, with every outcome: what was
    recorded before stays recorded, and a check is recorded whole or not at all.
    """
    from alerts import build_channels
    from monitor.fetch import Fetcher

    entries = watchlist.select(names)
    channels = build_channels(watchlist.channels, watchlist.base_dir)
    store.ensure_policies([(entry.name, entry.url, entry.language) for entry in entries])
    policy_leases = PolicyLeases(store, lease_seconds(watchlist.settings), wait=wait_for_leases)
    ids = store.policy_ids()
    policy_leases.take_all(ids[entry.name] for entry in entries)
    in_flight = asyncio.Semaphore(CHECKS_PER_FETCH * watchlist.settings.concurrency)
    confirming = asyncio.Semaphore(CONFIRMING_PER_FETCH * watchlist.settings.concurrency)
    failure: list[StoreError] = []
    served = sum(not entry.browser for entry in entries)
    try:
        async with Middle(workers_for(watchlist.settings.workers, served)) as middle:
            async with Fetcher(watchlist.settings) as fetcher:

                async def one(entry: PolicyEntry) -> CheckOutcome:
                    async with Turn(in_flight, confirming) as turn:
                        if failure:
                            outcome = _skipped(entry, f"not checked: {failure[0]}")
                        else:
                            try:
                                outcome = await check_policy(entry, store, fetcher, watchlist.settings,
                                                             channels=channels, middle=middle,
                                                             policy_leases=policy_leases, only_if_due=only_if_due,
                                                             turn=turn)
                            except (sqlite3.Error, StoreError) as exc:
                                error = store.error(exc) if isinstance(exc, sqlite3.Error) else exc
                                failure.append(error)
                                outcome = _skipped(entry, f"not recorded: {error}")
                    if progress is not None:
                        progress(outcome)
                    return outcome

                outcomes = list(await asyncio.gather(*(one(entry) for entry in entries)))
    finally:
        with contextlib.suppress(sqlite3.Error):
            policy_leases.release_all()
    if failure:
        raise RunStopped(str(failure[0]), outcomes)
    return outcomes


def deliver_now(database: Path, channels: dict[str, Channel]) -> DeliveryReport:
    """Deliver every due outbox row once, in this thread, on a connection of its own (`check_and_deliver`)."""
    from alerts import deliver_pending

    with Store(database) as store:
        return deliver_pending(store, channels)


async def check_and_deliver(
    watchlist: Watchlist,
    names: Iterable[str] | None = None,
    *,
    deliver: bool = True,
    progress: Callable[[CheckOutcome], None] | None = None,
    wait_for_leases: bool = False,
    only_if_due: bool = False,
) -> tuple[list[CheckOutcome], DeliveryReport | None]:
    """Check the named entries (all when None) through the pipeline, then deliver the outbox.

    The one "check, then send" used by `check`, `run --once` and the demo. `deliver=False` leaves
    new alerts in the outbox (report None); `progress` is called with each outcome as it finishes.
    Nothing is checked in a database that `quick_check` finds damaged (StoreError); RunStopped
    (nothing delivered) when the database fails during the checks. The other options are
    `check_all`'s.
    """
    from alerts import build_channels

    channels = build_channels(watchlist.channels, watchlist.base_dir)
    database = database_path(watchlist)
    selected = list(names) if names is not None else None
    with Store(database) as store:
        store.ensure_sound()
        outcomes = await check_all(watchlist, store, names=selected, progress=progress,
                                   wait_for_leases=wait_for_leases, only_if_due=only_if_due) \
            if selected != [] else []
    if not deliver:
        return outcomes, None
    report = await asyncio.get_running_loop().run_in_executor(None, deliver_now, database, channels)
    return outcomes, report


# ---------------------------------------------------------------------------------------------
# Facts


def derive_facts(store: Store, policy_id: int) -> int:
    """Derive and store the facts of a policy's versions that have none yet; how many were derived.

    Facts (retention periods, destinations, contacts...) are a pure function of a version's text,
    so they are derived when first asked for rather than while a check holds the fetch loop: the
    first check of a large watchlist stays fast, and nobody pays for facts nobody reads. Each
    version is read in the language it was stored with (detected, or the watchlist's).
    """
    from monitor.analysis import extract_facts

    derived = 0
    for version_id, text, language in store.versions_without_facts(policy_id):
        derived += store.add_facts(version_id, extract_facts(text, lang_hint=language, with_evidence=True))
    return derived


# ---------------------------------------------------------------------------------------------
# Reprocessing


def reprocess(store: Store, watchlist: Watchlist, names: list[str] | None = None, now: str | None = None) -> ReprocessReport:
    """Re-derive each policy's current text from its stored raw snapshot with today's reading.

    The body last accepted as the page (the newest check with a new or unchanged version) is
    read again with today's normaliser and the entry's selectors. When the text differs from the
    latest version's, one version with origin 'reprocess' is added. Its changes carry rule
    'reprocess', are never material and raise no alert: a better normaliser is not a policy
    change. A body that cannot be read today is reported and adds nothing (an older body is
    never taken for the current page). Nothing old is modified or deleted (history is append-only).
    """
    report = ReprocessReport()
    policy_leases = PolicyLeases(store, lease_seconds(watchlist.settings), wait=True)

    async def rederive_all() -> None:
        for entry in watchlist.select(names):
            policy_id = store.policy_id(entry.name)
            if policy_id is None or await policy_leases.acquire(policy_id) is not None:
                report.unchanged.append(entry.name)  # never checked, or still being checked by another process
                continue
            try:
                latest = store.latest_version(policy_id)
                snapshot_hash = store.last_accepted_body(policy_id)[0] if latest is not None else None
                if snapshot_hash is None:
                    report.unchanged.append(entry.name)
                    continue
                error, version = await _rederive(store, entry, policy_id, latest, snapshot_hash, Middle(),
                                                 now or utc_now(), policy_leases)
            finally:
                policy_leases.release(policy_id)
            if error is not None:
                report.errors.setdefault(entry.name, []).append(f"snapshot {snapshot_hash[:12]}: {error}")
            if version is None:
                report.unchanged.append(entry.name)
            else:
                report.added.setdefault(entry.name, []).append(version.seq)

    asyncio.run(rederive_all())
    return report


async def _rederive(store: Store, entry: PolicyEntry, policy_id: int, latest: Version, snapshot_hash: str,
                    middle: Middle, now: str, policy_leases: PolicyLeases) -> tuple[str | None, Version | None]:
    """Read a stored body again, today's way: (why it cannot be read, or None; the technical
    version added when its text differs from `latest`, or None)."""
    body, content_type = store.get_snapshot(snapshot_hash)
    page = await middle.read(body, content_type, entry.select, entry.remove, entry.language,
                             rendered=store.snapshot_rendered_by(snapshot_hash) is not None)
    if page.text is None:
        return page.error or "no text", None
    text_hash = sha256_hex(page.text)
    if text_hash == latest.text_hash:
        return None, None
    comparison, declared, _ = await middle.analyse(latest.text, page.text, entry.language)
    return None, _add_technical_version(store, policy_id, latest, snapshot_hash, page.text, text_hash,
                                        comparison, declared, now, policy_leases)


def _add_technical_version(store: Store, policy_id: int, latest: Version, snapshot_hash: str, text: str,
                           text_hash: str, comparison: Comparison | None, declared: str | None, now: str,
                           policy_leases: PolicyLeases) -> Version:
    """Store today's reading of a stored body as a 'reprocess' version after `latest`: never material."""
    from monitor.normalize import NORMALIZER_VERSION

    summary = (f"re-derived from the stored page with normaliser v{NORMALIZER_VERSION} and the entry's current "
               "selectors (technical, not a policy change)")
    with store.transaction():
        policy_leases.confirm(policy_id)  # still ours: the latest version is still `latest`
        version = store.add_version(
            policy_id, text, snapshot_hash, now, language=latest.language,
            declared_date=declared, origin="reprocess", normalizer_version=NORMALIZER_VERSION,
            material=False, summary=summary, text_hash=text_hash,
        )
        rows = _stored_changes(comparison, REPROCESS_RULE)
        if rows:
            store.add_changes(policy_id, version.id, latest.id, rows, now)
    return version
