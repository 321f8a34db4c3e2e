"""How the service schedules checks: intervals, jitter, overdue entries, reloads, log lines.

These tests drive `monitor.scheduler.Service` in-process with a real (paused) APScheduler and a
real database; the end-to-end behaviour of `policy-monitor run` is in test_service.py.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from monitor.logs import KeyValueFormatter
from monitor.scheduler import (
    DELIVERY_JOB_ID,
    Service,
    due_entries,
    jitter_seconds,
    last_checked_at,
)
from monitor.watchlist import database_path, load_watchlist
from store import Store

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _record_check(store: Store, name: str, url: str, finished: datetime) -> None:
    policy_id = store.ensure_policy(name, url, None)
    store.record_check(
        policy_id, started_at=_stamp(finished - timedelta(seconds=1)), finished_at=_stamp(finished), url=url,
        final_url=url, status=200, duration_ms=5, outcome="unchanged", error=None, attempts=[],
        snapshot_hash=None, version_id=None, etag=None, last_modified=None,
    )


@pytest.fixture
def three_policies(tmp_watchlist):
    """hourly (checked 2 h ago: overdue), daily (checked 1 h ago: not due), fresh (never checked)."""
    path = tmp_watchlist(policies=[
        {"name": "hourly", "url": "http://127.0.0.1:9/a", "every": "1h"},
        {"name": "daily", "url": "http://127.0.0.1:9/b", "every": "1d"},
        {"name": "fresh", "url": "http://127.0.0.1:9/c", "every": "6h"},
    ])
    watchlist = load_watchlist(path)
    with Store(database_path(watchlist)) as store:
        _record_check(store, "hourly", "http://127.0.0.1:9/a", NOW - timedelta(hours=2))
        _record_check(store, "daily", "http://127.0.0.1:9/b", NOW - timedelta(hours=1))
    return path


def test_jitter_is_a_tenth_of_the_interval_capped_at_five_minutes():
    assert jitter_seconds(timedelta(seconds=2)) == pytest.approx(0.2)
    assert jitter_seconds(timedelta(minutes=30)) == pytest.approx(180)
    assert jitter_seconds(timedelta(days=1)) == 300
    assert jitter_seconds(timedelta(hours=1), fraction=0.02) == pytest.approx(72)
    assert jitter_seconds(timedelta(hours=1), fraction=0) == 0


def test_due_means_never_checked_or_last_check_at_least_one_interval_ago(three_policies):
    watchlist = load_watchlist(three_policies)
    with Store(database_path(watchlist)) as store:
        assert last_checked_at(store, "hourly") == NOW - timedelta(hours=2)
        assert last_checked_at(store, "fresh") is None
        assert [e.name for e in due_entries(watchlist, store, NOW)] == ["hourly", "fresh"]
        assert [e.name for e in due_entries(watchlist, store, NOW + timedelta(hours=23))] == ["hourly", "daily", "fresh"]


def _scheduled(service: Service) -> dict:
    return {job.id: job for job in service.scheduler.get_jobs()}


@contextmanager
def paused_service(watchlist_path: Path) -> Iterator[Service]:
    """A `Service` on the watchlist with its store open and every entry scheduled on a paused
    scheduler (nothing runs); enter it inside a running event loop."""
    service = Service(load_watchlist(watchlist_path))
    service.store = Store(database_path(service.watchlist))
    service.scheduler.start(paused=True)
    try:
        service.schedule_all()
        yield service
    finally:
        service.scheduler.shutdown(wait=False)
        service.store.close()


def test_overdue_entries_run_at_once_the_others_one_interval_after_their_last_check(three_policies):
    async def scenario() -> dict:
        with paused_service(three_policies) as service:
            return _scheduled(service)

    started = datetime.now(timezone.utc)
    jobs = asyncio.run(scenario())
    assert set(jobs) == {"hourly", "daily", "fresh"}
    for name in ("hourly", "fresh"):  # overdue or never checked: now (spread over one second)
        assert started - timedelta(seconds=1) <= jobs[name].next_run_time <= started + timedelta(seconds=3)
    with Store(database_path(load_watchlist(three_policies))) as store:
        assert jobs["daily"].next_run_time == last_checked_at(store, "daily") + timedelta(days=1)
    hourly = jobs["hourly"]
    assert hourly.trigger.interval == timedelta(hours=1)
    assert hourly.trigger.jitter == pytest.approx(300)
    assert jobs["fresh"].trigger.jitter == pytest.approx(300)  # 10 % of 6 h, capped at 5 min
    assert hourly.coalesce is True and hourly.max_instances == 1
    assert hourly.misfire_grace_time == 3600


def test_reload_adds_removes_and_reschedules_jobs(three_policies, tmp_watchlist):
    async def scenario() -> tuple[dict, bool]:
        with paused_service(three_policies) as service:
            tmp_watchlist(policies=[
                {"name": "hourly", "url": "http://127.0.0.1:9/a", "every": "30m"},   # rescheduled
                {"name": "daily", "url": "http://127.0.0.1:9/b2", "every": "1d"},    # url edited
                {"name": "added", "url": "http://127.0.0.1:9/d", "every": "2h"},     # new
            ])                                                                        # fresh: removed
            reloaded = service.reload("test")
            assert service.entries["daily"].url.endswith("/b2")  # the next check uses the new URL
            return _scheduled(service), reloaded

    jobs, reloaded = asyncio.run(scenario())
    assert reloaded
    assert set(jobs) == {"hourly", "daily", "added"}
    assert jobs["hourly"].trigger.interval == timedelta(minutes=30)
    assert jobs["added"].next_run_time <= datetime.now(timezone.utc) + timedelta(seconds=2)


def test_a_broken_edit_keeps_the_previous_watchlist_and_is_reported_once(three_policies, caplog):
    async def scenario() -> tuple[list[bool], Service]:
        with paused_service(three_policies) as service:
            three_policies.write_text("policies:\n  - name: [broken\n", encoding="utf-8")
            results = [service.reload("file changed"), service.reload("file changed")]
            return results, service

    with caplog.at_level(logging.INFO, logger="monitor.service"):
        results, service = asyncio.run(scenario())
    assert results == [False, False]
    assert sorted(service.entries) == ["daily", "fresh", "hourly"]
    errors = [r for r in caplog.records if r.getMessage() == "watchlist_invalid"]
    assert len(errors) == 1
    assert "watchlist.yaml" in errors[0].fields["error"] and errors[0].levelno == logging.ERROR


def test_log_lines_are_one_event_with_key_value_fields():
    record = logging.LogRecord("monitor.service", logging.INFO, __file__, 1, "check_done", None, None)
    record.fields = {"policy": "example", "outcome": "new_version", "error": 'HTTP 503 "busy"', "skipped": None}
    line = KeyValueFormatter().format(record)
    assert line.endswith('level=info event=check_done policy=example outcome=new_version error="HTTP 503 \\"busy\\""')
    assert "\n" not in line and "skipped" not in line
    plain = logging.LogRecord("httpx", logging.WARNING, __file__, 1, "HTTP Request: GET %s", ("http://x",), None)
    assert 'logger=httpx msg="HTTP Request: GET http://x"' in KeyValueFormatter().format(plain)


def test_the_delivery_job_id_cannot_clash_with_a_policy_name():
    from monitor.watchlist import NAME_PATTERN

    assert not NAME_PATTERN.fullmatch(DELIVERY_JOB_ID)
