"""The long-running service: check every watchlist entry on its own interval and deliver alerts.

`run_service(path)` drives `monitor.pipeline.check_policy` from an APScheduler AsyncIOScheduler:
one job per entry (interval + jitter, overdue entries checked at once, misfires coalesced, never
two checks of one entry at a time), one shared Fetcher holding the global and per-host limits,
and a delivery worker that sends the outbox after each check and every minute (so retries with
backoff survive restarts, the outbox lives in the database). The watchlist is reloaded when the
file changes or on SIGHUP; SIGINT/SIGTERM let in-flight checks finish (up to a grace period) and
exit 0. A check is one database transaction, so a check abandoned or killed mid-way leaves
nothing half-written and is simply done again.

`run_service(path, once=True)` is the cron flavour: check what is due, deliver, exit.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from basics.errors import PolicyMonitorError
from basics.timestamps import format_timestamp, parse_timestamp
from basics.timestamps import now as current_time
from monitor.logs import log, log_event
from monitor.pipeline import CheckOutcome, check_and_deliver, check_policy
from monitor.watchlist import PolicyEntry, Watchlist, database_path, file_stamp, load_watchlist

DEFAULT_JITTER_FRACTION = 0.1
MAX_JITTER_SECONDS = 300.0
DELIVERY_INTERVAL_SECONDS = 60.0
RELOAD_POLL_SECONDS = 2.0
STOP_GRACE_SECONDS = 30.0
STATUS_REFRESH_SECONDS = 1.0
DELIVERY_JOB_ID = "__deliver__"


# ---------------------------------------------------------------------------------------------
# Time and due-ness


def jitter_seconds(interval: timedelta, fraction: float | None = None) -> float:
    """How far a run may drift from its slot: a fraction of the interval, at most 5 minutes."""
    share = DEFAULT_JITTER_FRACTION if fraction is None else max(0.0, float(fraction))
    return min(interval.total_seconds() * share, MAX_JITTER_SECONDS)


def last_checked_at(store: Any, name: str) -> datetime | None:
    """When the entry's latest check ended (None: never checked, or not in the database yet)."""
    policy_id = store.policy_id(name)
    if policy_id is None:
        return None
    check = store.last_check(policy_id)
    if not check:
        return None
    return parse_timestamp(check.get("finished_at") or check["started_at"])


def last_checks(store: Any) -> dict[str, datetime]:
    """When each policy's latest check ended, by name (one indexed lookup per policy)."""
    return {name: parse_timestamp(stamp) for name, stamp in store.last_check_times().items()}


def due_entries(watchlist: Watchlist, store: Any, now: datetime | None = None) -> list[PolicyEntry]:
    """Entries never checked, or whose last check is at least one interval old."""
    now = now or current_time()
    checked = last_checks(store)
    due = []
    for entry in watchlist.policies:
        last = checked.get(entry.name)
        if last is None or last + entry.interval <= now:
            due.append(entry)
    return due


def _outcome_fields(outcome: CheckOutcome) -> dict[str, Any]:
    """The few facts of an outcome worth a log line (scalars only, no texts)."""
    described = outcome.to_json()
    keep = ("outcome", "material", "severity", "version_seq", "alerts", "error")
    fields = {key: described[key] for key in keep if described.get(key) not in (None, "", [], {})}
    if fields.get("severity") == "none":
        del fields["severity"]
    if isinstance(fields.get("alerts"), list):
        fields["alerts"] = ",".join(map(str, fields["alerts"]))
    return fields


def log_check(name: str, outcome: CheckOutcome, seconds: float | None = None) -> dict[str, Any]:
    """One `check_done` line per check: at info, or warning for a failed or held-back page."""
    fields = _outcome_fields(outcome)
    level = logging.WARNING if fields.get("outcome") in ("error", "suspect") else logging.INFO
    duration = f"{seconds:.2f}" if seconds is not None else None
    log_event(level, "check_done", policy=name, duration_s=duration, **fields)
    return fields


# ---------------------------------------------------------------------------------------------
# Alert delivery in a worker thread (channels block: SMTP, webhooks)


class DeliveryWorker:
    """Sends the outbox from its own thread and database connection, one run at a time.

    `request()` is cheap and coalescing: many checks finishing together cause one extra run.
    """

    def __init__(self, database: Path, channels: dict[str, Any]) -> None:
        self.database = database
        self.channels = channels
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="delivery")
        self._store: Any = None
        self._wanted = asyncio.Event()
        self._task: asyncio.Task | None = None
        self.delivered = 0
        self.failed = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="delivery")

    def request(self) -> None:
        self._wanted.set()

    def _deliver_blocking(self) -> Any:
        from alerts import deliver_pending
        from store import Store

        if self._store is None:
            self._store = Store(self.database)
        return deliver_pending(self._store, self.channels)

    def _close_blocking(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wanted.wait()
            self._wanted.clear()
            try:
                report = await loop.run_in_executor(self._executor, self._deliver_blocking)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a broken channel must not stop the service
                log_event(logging.ERROR, "delivery_failed", error=f"{type(exc).__name__}: {exc}")
                continue
            self._record(report)

    def _record(self, report: Any) -> None:
        self.delivered += report.delivered
        self.failed += report.failed
        log_delivery(report)

    async def stop(self, grace: float) -> None:
        """Let a running delivery finish (up to `grace` seconds), then release the thread."""
        loop = asyncio.get_running_loop()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        # A run already in the thread cannot be interrupted; its claim lease makes it safe anyway.
        closing = loop.run_in_executor(self._executor, self._close_blocking)
        try:
            await asyncio.wait_for(closing, timeout=grace)
        except asyncio.TimeoutError:
            log_event(logging.WARNING, "delivery_abandoned", grace_s=grace)
        self._executor.shutdown(wait=False)


def log_delivery(report: Any) -> None:
    """One `alerts_delivered` line when a delivery run sent or failed anything."""
    if report.delivered or report.failed:
        log_event(logging.WARNING if report.failed else logging.INFO, "alerts_delivered",
                  delivered=report.delivered, failed=report.failed, errors="; ".join(report.errors) or None)


# ---------------------------------------------------------------------------------------------
# The service


@dataclass
class ServiceStatus:
    """What the terminal status line shows."""

    policies: int = 0
    running: set[str] = field(default_factory=set)
    last: str = ""
    checks_done: int = 0


class Service:
    """One running `policy-monitor run`: scheduler, fetcher, delivery worker, reload and stop."""

    def __init__(
        self,
        watchlist: Watchlist,
        *,
        reload_poll_seconds: float = RELOAD_POLL_SECONDS,
        stop_grace_seconds: float = STOP_GRACE_SECONDS,
        delivery_interval_seconds: float = DELIVERY_INTERVAL_SECONDS,
    ) -> None:
        self.watchlist = watchlist
        self.path = watchlist.path
        self.entries: dict[str, PolicyEntry] = {entry.name: entry for entry in watchlist.policies}
        self.reload_poll_seconds = reload_poll_seconds
        self.stop_grace_seconds = stop_grace_seconds
        self.delivery_interval_seconds = delivery_interval_seconds
        self.status = ServiceStatus(policies=len(self.entries))
        self.scheduler = AsyncIOScheduler(timezone=timezone.utc)
        self.in_flight: dict[str, asyncio.Task] = {}
        self.stopping = asyncio.Event()
        self.store: Any = None
        self.fetcher: Any = None
        self.delivery: DeliveryWorker | None = None
        self._file_stamp = self._stamp()
        self._bad_stamp: tuple[int, int] | None = None
        self._channels_config: dict[str, dict] = dict(watchlist.channels)
        self.channels: dict[str, Any] = {}
        self._signals = 0

    # -- jobs ---------------------------------------------------------------------------------

    def _trigger(self, entry: PolicyEntry) -> IntervalTrigger:
        fraction = getattr(self.watchlist.settings, "jitter", None)
        return IntervalTrigger(
            seconds=entry.interval.total_seconds(),
            jitter=jitter_seconds(entry.interval, fraction) or None,
            timezone=timezone.utc,
        )

    def _first_run(self, entry: PolicyEntry, last_checked: datetime | None, now: datetime) -> datetime:
        """Overdue (or never checked) → now, spread over a second so a crowd does not start in step."""
        if last_checked is None or last_checked + entry.interval <= now:
            return now + timedelta(seconds=random.uniform(0, 1))
        return last_checked + entry.interval

    def schedule(self, entry: PolicyEntry, last_checked: datetime | None, now: datetime | None = None) -> None:
        """Add (or replace) the job of one entry."""
        seconds = entry.interval.total_seconds()
        self.scheduler.add_job(
            self._check_job,
            trigger=self._trigger(entry),
            args=(entry.name,),
            id=entry.name,
            name=entry.name,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, int(seconds)),
            next_run_time=self._first_run(entry, last_checked, now or current_time()),
        )

    def schedule_all(self) -> None:
        """One job per entry, from the last check times in the database."""
        now = current_time()
        checked = last_checks(self.store)
        for entry in self.entries.values():
            self.schedule(entry, checked.get(entry.name), now)

    async def _delivery_tick(self) -> None:
        # A coroutine, so APScheduler runs it on the event loop rather than in a thread.
        if self.delivery is not None:
            self.delivery.request()

    def _last_checked(self, name: str) -> datetime | None:
        return last_checked_at(self.store, name)

    async def _check_job(self, name: str) -> None:
        """One scheduled check; the entry is looked up now so a reload's edits apply."""
        entry = self.entries.get(name)
        if entry is None or self.stopping.is_set():
            return
        task = asyncio.current_task()
        assert task is not None
        self.in_flight[name] = task
        self.status.running.add(name)
        started = time.monotonic()
        try:
            outcome = await check_policy(entry, self.store, self.fetcher, self.watchlist.settings,
                                         channels=self.channels)
        except asyncio.CancelledError:
            log_event(logging.WARNING, "check_abandoned", policy=name)
            raise
        except Exception as exc:  # one broken check must not stop the others
            log_event(logging.ERROR, "check_crashed", exc_info=log.isEnabledFor(logging.DEBUG), policy=name,
                      error=f"{type(exc).__name__}: {exc}")
            self.status.last = f"{name}: crashed ({type(exc).__name__})"
            return
        finally:
            self.in_flight.pop(name, None)
            self.status.running.discard(name)
        self._report(name, outcome, time.monotonic() - started)
        if self.delivery is not None:
            self.delivery.request()

    def _report(self, name: str, outcome: Any, seconds: float) -> None:
        fields = log_check(name, outcome, seconds)
        from monitor.overview import outcome_label

        label = outcome_label(fields.get("outcome"), seq=fields.get("version_seq"))
        self.status.checks_done += 1
        if fields.get("material"):
            label += ", material"
        self.status.last = f"{name}: {label} ({datetime.now(timezone.utc):%H:%M:%S}Z)"

    # -- watchlist reload -----------------------------------------------------------------------

    def _stamp(self) -> tuple[int, int]:
        return file_stamp(self.path)

    def reload(self, reason: str) -> bool:
        """Re-read the watchlist; apply additions, removals and edits. A broken file is logged once."""
        stamp = self._stamp()
        self._file_stamp = stamp
        try:
            new = load_watchlist(self.path)
        except PolicyMonitorError as exc:
            if stamp != self._bad_stamp:
                self._bad_stamp = stamp
                log_event(logging.ERROR, "watchlist_invalid", reason=reason, error=str(exc),
                          action="keeping the previous watchlist")
            return False
        self._bad_stamp = None
        self.apply(new, reason)
        return True

    def apply(self, new: Watchlist, reason: str = "") -> None:
        old_entries = self.entries
        new_entries = {entry.name: entry for entry in new.policies}
        if new.settings != self.watchlist.settings:
            log_event(logging.WARNING, "settings_changed", note="restart to apply new fetch limits or database")
        added = [name for name in new_entries if name not in old_entries]
        removed = [name for name in old_entries if name not in new_entries]
        changed = [name for name in new_entries if name in old_entries and new_entries[name] != old_entries[name]]
        self.watchlist, self.entries = new, new_entries
        self.status.policies = len(new_entries)
        for name in removed:
            if self.scheduler.get_job(name):
                self.scheduler.remove_job(name)
        now = current_time()
        for name in added:
            self.schedule(new_entries[name], self._last_checked(name), now)
        for name in changed:
            if new_entries[name].interval != old_entries[name].interval:
                self.schedule(new_entries[name], self._last_checked(name), now)
        if new.channels != self._channels_config:
            self._rebuild_channels(new)
        log_event(logging.INFO, "watchlist_reloaded", reason=reason or None, policies=len(new_entries),
                  added=",".join(added) or None,
                  removed=",".join(removed) or None, changed=",".join(changed) or None)

    def _rebuild_channels(self, watchlist: Watchlist) -> None:
        from alerts import build_channels

        try:
            channels = build_channels(watchlist.channels, watchlist.base_dir)
        except PolicyMonitorError as exc:
            log_event(logging.ERROR, "channels_invalid", error=str(exc), action="keeping the previous channels")
            return
        self._channels_config = dict(watchlist.channels)
        self.channels = channels
        if self.delivery is not None:
            self.delivery.channels = channels

    async def _watch_file(self) -> None:
        while not self.stopping.is_set():
            try:
                await asyncio.wait_for(self.stopping.wait(), timeout=self.reload_poll_seconds)
            except asyncio.TimeoutError:
                pass
            if not self.stopping.is_set() and self._stamp() != self._file_stamp:
                self.reload("file changed")

    # -- signals and stop -----------------------------------------------------------------------

    def _on_stop_signal(self, signum: int) -> None:
        self._signals += 1
        name = signal.Signals(signum).name
        if self._signals == 1:
            log_event(logging.INFO, "stopping", signal=name, in_flight=len(self.in_flight) or None)
            self.stopping.set()
        else:
            log_event(logging.WARNING, "stopping_now", signal=name, abandoned=len(self.in_flight) or None)
            for task in list(self.in_flight.values()):
                task.cancel()

    def _install_signals(self) -> list[int]:
        loop = asyncio.get_running_loop()
        installed = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(signum, self._on_stop_signal, signum)
                installed.append(signum)
            except (NotImplementedError, RuntimeError):
                pass
        if hasattr(signal, "SIGHUP"):
            try:
                loop.add_signal_handler(signal.SIGHUP, self.reload, "SIGHUP")
                installed.append(signal.SIGHUP)
            except (NotImplementedError, RuntimeError):
                pass
        return installed

    async def _finish_in_flight(self) -> None:
        tasks = list(self.in_flight.values())
        if not tasks:
            return
        done, pending = await asyncio.wait(tasks, timeout=self.stop_grace_seconds)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            log_event(logging.WARNING, "checks_abandoned", count=len(pending), grace_s=self.stop_grace_seconds)

    # -- main loop ------------------------------------------------------------------------------

    def next_job(self) -> tuple[str, datetime | None]:
        jobs = [job for job in self.scheduler.get_jobs() if job.next_run_time and job.id in self.entries]
        if not jobs:
            return "", None
        job = min(jobs, key=lambda j: j.next_run_time)
        return job.id, job.next_run_time

    async def serve(self, show_status: bool = False) -> None:
        """Run until SIGINT/SIGTERM (or `stopping` is set)."""
        from alerts import build_channels
        from monitor.fetch import Fetcher
        from store import Store

        settings = self.watchlist.settings
        database = database_path(self.watchlist)
        channels = self.channels = build_channels(self.watchlist.channels, self.watchlist.base_dir)
        self._channels_config = dict(self.watchlist.channels)
        self.store = Store(database)
        installed = self._install_signals()
        try:
            async with Fetcher(settings) as fetcher:
                self.fetcher = fetcher
                self.delivery = DeliveryWorker(database, channels)
                self.delivery.start()
                self.delivery.request()
                self.schedule_all()
                self.scheduler.add_job(
                    self._delivery_tick, IntervalTrigger(seconds=self.delivery_interval_seconds, timezone=timezone.utc),
                    id=DELIVERY_JOB_ID, name="deliver alerts", coalesce=True, max_instances=1,
                )
                self.scheduler.start()
                name, when = self.next_job()
                log_event(logging.INFO, "service_started", watchlist=self.path, database=database,
                          policies=len(self.entries), channels=",".join(channels) or None,
                          next=name or None, next_at=format_timestamp(when) if when else None)
                watcher = asyncio.get_running_loop().create_task(self._watch_file(), name="watchlist-watch")
                display = _StatusDisplay(self) if show_status else None
                try:
                    if display:
                        await display.run_until(self.stopping)
                    else:
                        await self.stopping.wait()
                finally:
                    # Pause first: shutting the scheduler down would cancel the running checks.
                    self.scheduler.pause()
                    watcher.cancel()
                    await asyncio.gather(watcher, return_exceptions=True)
                    await self._finish_in_flight()
                    self.scheduler.shutdown(wait=False)
                    await self.delivery.stop(self.stop_grace_seconds)
        finally:
            loop = asyncio.get_running_loop()
            for signum in installed:
                loop.remove_signal_handler(signum)
            self.store.close()
            log_event(logging.INFO, "service_stopped", checks=self.status.checks_done,
                      delivered=self.delivery.delivered if self.delivery else None)


class _StatusDisplay:
    """A one-line rich Live status on the terminal: what runs, what is next, the last result."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def render(self) -> Any:
        from rich.text import Text

        status = self.service.status
        name, when = self.service.next_job()
        line = Text()
        line.append("● ", style="green")
        line.append(f"watching {status.policies} policies", style="bold")
        if status.running:
            line.append(f" · checking {', '.join(sorted(status.running))}", style="yellow")
        if when:
            wait = max(0, int((when - current_time()).total_seconds()))
            line.append(f" · next {name} in {_duration(wait)}")
        if status.last:
            line.append(f" · last {status.last}", style="dim")
        line.append("  (Ctrl-C to stop)", style="dim")
        return line

    async def run_until(self, event: asyncio.Event) -> None:
        from rich.console import Console
        from rich.live import Live

        console = Console()
        with Live(self.render(), console=console, refresh_per_second=2, transient=True) as live:
            while not event.is_set():
                live.update(self.render())
                try:
                    await asyncio.wait_for(event.wait(), timeout=STATUS_REFRESH_SECONDS)
                except asyncio.TimeoutError:
                    pass


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes:02d}m"
    return f"{hours // 24}d{hours % 24}h"


# ---------------------------------------------------------------------------------------------
# Entry points


@dataclass
class OnceSummary:
    """What `run --once` did; `failed` alerts are the sends that failed, of which `gave_up` for good."""

    checked: list[str]
    skipped: list[str]
    outcomes: list[CheckOutcome]
    delivered: int
    failed: int
    gave_up: int = 0

    @property
    def changed(self) -> int:
        """Checks that found a new version of the policy (a first version included)."""
        return sum(1 for outcome in self.outcomes if outcome.new_version)

    @property
    def failing(self) -> int:
        """Checks that failed or held the page back."""
        return sum(1 for outcome in self.outcomes if outcome.outcome in ("error", "suspect"))

    def line(self) -> str:
        """The one line `run --once` prints: `checked 3 (2 not due), changed 1, alerts sent 2, failing 0`."""
        skipped = f" ({len(self.skipped)} not due)" if self.skipped else ""
        retry = self.failed - self.gave_up
        alerts = f"alerts sent {self.delivered}" + (f" ({retry} will retry)" if retry else "") + (
            f" ({self.gave_up} failed)" if self.gave_up else "")
        return f"checked {len(self.checked)}{skipped}, changed {self.changed}, {alerts}, failing {self.failing}"


async def run_once(watchlist: Watchlist, now: datetime | None = None) -> OnceSummary:
    """Check the entries that are due (never checked, or last check ≥ one interval ago), deliver."""
    from store import Store

    with Store(database_path(watchlist)) as store:
        due = due_entries(watchlist, store, now)
    due_names = [entry.name for entry in due]
    due_set = set(due_names)
    skipped = [entry.name for entry in watchlist.policies if entry.name not in due_set]
    log_event(logging.DEBUG, "run_once", due=len(due_names), skipped=len(skipped))
    outcomes, report = await check_and_deliver(watchlist, due_names)
    for outcome in outcomes:
        log_check(outcome.policy, outcome)
    log_delivery(report)
    return OnceSummary(due_names, skipped, list(outcomes), report.delivered, report.failed, report.gave_up)


def run_service(watchlist_path: str | os.PathLike[str], once: bool = False, show_status: bool | None = None) -> int:
    """`policy-monitor run [--once]`: returns the exit code (0 after a clean stop)."""
    watchlist = load_watchlist(watchlist_path)
    if once:
        asyncio.run(run_once(watchlist))
        return 0
    if show_status is None:
        show_status = sys.stdout.isatty()

    async def main() -> None:
        await Service(watchlist).serve(show_status=show_status)

    asyncio.run(main())
    return 0
