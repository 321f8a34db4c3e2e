"""Several processes on one database: a policy is checked by one process at a time (its lease), so
nothing is recorded twice and no alert is sent twice, whichever commands run together; a process
killed while it checks or delivers leaves nothing that waits for its leases to run out."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import LoopbackServer, policy_page
from monitor.cli import main
from monitor.fetch import Fetcher
from monitor.pipeline import PolicyLeases, check_policy
from monitor.watchlist import load_watchlist
from store import Store, leases

NAMES = [f"shop-{number}" for number in range(6)]


def page(years: int) -> str:
    return policy_page(
        "This policy explains how Example Ltd uses personal data.",
        "# How long we keep data",
        f"We keep your account data for {years} years after you close your account.",
        "# Your rights",
        "You can access or delete your data at any time by writing to privacy@example.com.",
    )


def start(folder: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "monitor", "--watchlist", str(folder / "watchlist.yaml"), *args],
                            cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def database_rows(folder: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(folder / "policy-monitor.db") as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def six_changed(policy_server, tmp_watchlist, webhook_receiver):
    """Six policies checked once (version 1), then changed materially and served slowly (so that
    processes started together overlap); alerts go to a webhook. Returns (folder, receiver)."""
    hook = webhook_receiver()
    for name in NAMES:
        policy_server.set(f"/{name}", page(1))
    path = tmp_watchlist(
        policies=[{"name": name, "url": policy_server.url(f"/{name}"), "every": "1s"} for name in NAMES],
        channels={"hook": {"kind": "webhook", "url": hook.url, "timeout": 5}},
        defaults={"alerts": ["hook"]},
    )
    assert main(["--watchlist", str(path), "check"]) == 0
    for name in NAMES:
        policy_server.set(f"/{name}", page(5), delay=0.4)
    time.sleep(1.1)  # every entry is due again
    return path.parent, hook


def assert_each_change_recorded_and_sent_once(folder: Path, hook) -> None:
    versions = Counter(name for name, in database_rows(
        folder, "SELECT p.name FROM versions v JOIN policies p ON p.id = v.policy_id"))
    assert versions == {name: 2 for name in NAMES}
    alerts = database_rows(folder, "SELECT policy, kind FROM outbox")
    assert sorted(alerts) == sorted((name, "change") for name in NAMES)
    assert len(hook.delivered) == len(NAMES) and set(Counter(hook.delivered).values()) == {1}
    assert database_rows(folder, "SELECT count(*) FROM leases") == [(0,)]


@pytest.mark.parametrize("command", [["check", "--json"], ["run", "--once", "--json"]])
def test_two_processes_at_once_record_each_change_once_and_send_each_alert_once(six_changed, command):
    folder, hook = six_changed
    first, second = start(folder, *command), start(folder, *command)
    results = [finish(first), finish(second)]
    for code, out, err in results:
        assert code == 0 and "Traceback" not in err, err
    assert_each_change_recorded_and_sent_once(folder, hook)
    outcomes = Counter(check["outcome"] for _, out, _ in results
                       for check in json.loads(out).get("checks", json.loads(out).get("outcomes", [])))
    assert outcomes["new_version"] == len(NAMES)


def test_the_service_and_a_check_by_hand(six_changed):
    folder, hook = six_changed
    service = start(folder, "run")
    by_hand = start(folder, "check")
    try:
        assert finish(by_hand)[0] == 0
        deadline = time.monotonic() + 30
        while len(hook.delivered) < len(NAMES) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # the service checks every second: more (unchanged) checks, nothing new
    finally:
        service.terminate()
        assert finish(service)[0] == 0
    assert_each_change_recorded_and_sent_once(folder, hook)


def test_a_check_killed_mid_way_does_not_hold_its_policies(six_changed, policy_server):
    folder, hook = six_changed
    for name in NAMES:
        policy_server.set(f"/{name}", page(5), delay=30)  # the kill lands while the pages are fetched
    killed = start(folder, "check")
    deadline = time.monotonic() + 30
    while database_rows(folder, "SELECT count(*) FROM leases") != [(len(NAMES),)] and time.monotonic() < deadline:
        time.sleep(0.05)
    killed.kill()
    killed.wait()

    for name in NAMES:
        policy_server.set(f"/{name}", page(5))
    started = time.monotonic()
    code, out, err = finish(start(folder, "check", "--json"))
    assert code == 0, err
    assert time.monotonic() - started < 30  # not the 840 s a lease lasts
    assert {check["outcome"] for check in json.loads(out)["checks"]} == {"new_version"}
    assert_each_change_recorded_and_sent_once(folder, hook)


class BlockingReceiver(LoopbackServer):
    """A webhook receiver whose first request hangs (the sender is killed meanwhile); it records
    the alert id and Idempotency-Key of every request."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.first_arrived, self.release = threading.Event(), threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.requests.append((body["id"], self.headers["Idempotency-Key"]))
                if len(receiver.requests) == 1:
                    receiver.first_arrived.set()
                    receiver.release.wait(30)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._serve(Handler)
        self.url = self.base_url + "/hook"


def test_alerts_a_killed_sender_had_claimed_go_out_at_the_next_start(policy_server, tmp_watchlist):
    receiver = BlockingReceiver()
    try:
        for name in NAMES:
            policy_server.set(f"/{name}", page(1))
        path = tmp_watchlist(
            policies=[{"name": name, "url": policy_server.url(f"/{name}")} for name in NAMES],
            channels={"hook": {"kind": "webhook", "url": receiver.url, "timeout": 60}},
            defaults={"alerts": ["hook"]},
        )
        folder = path.parent
        assert main(["--watchlist", str(path), "check"]) == 0
        for name in NAMES:
            policy_server.set(f"/{name}", page(5))
        assert main(["--watchlist", str(path), "check", "--no-deliver"]) == 0  # six alerts wait in the outbox

        sender = start(folder, "alerts", "retry")
        assert receiver.first_arrived.wait(30)
        sender.kill()  # SIGKILL while it delivers: it had claimed all six
        sender.wait()
        receiver.release.set()

        code, out, err = finish(start(folder, "run", "--once", "--json"))  # nothing due to check: it only delivers
        assert code == 0, err
        assert json.loads(out)["delivered"] == len(NAMES)
        ids = [alert_id for alert_id, _ in receiver.requests]
        assert len(set(ids)) == len(NAMES) and Counter(ids)[ids[0]] == 2  # only the one in flight, twice
        assert all(alert_id == key for alert_id, key in receiver.requests)  # with the same Idempotency-Key
        assert database_rows(folder, "SELECT DISTINCT status FROM outbox") == [("delivered",)]
    finally:
        receiver.close()


# -- the lease itself ---------------------------------------------------------------------------------


def test_a_lease_is_taken_atomically_once(tmp_path):
    with Store(tmp_path / "db.sqlite") as store:
        ids = [store.ensure_policy(name, "http://127.0.0.1/", None) for name in ("a", "b")]
        assert leases.take(store, ids, "1@elsewhere/x/1", "2026-05-01T00:00:00Z", 600) == {}
        held = leases.take(store, ids, "2@elsewhere/x/2", "2026-05-01T00:05:00Z", 600)
        assert held == {ids[0]: "1@elsewhere/x/1", ids[1]: "1@elsewhere/x/1"}
        # a holder on another host that stopped answering: its lease expires
        assert leases.take(store, ids[:1], "2@elsewhere/x/2", "2026-05-01T00:10:00Z", 600) == {}
        # "taken" more than a lease ahead of this clock: the clock went back since; not held
        assert leases.take(store, ids[1:], "3@elsewhere/x/3", "2026-04-30T00:00:00Z", 600) == {}
        with pytest.raises(leases.LeaseLost):
            with store.transaction():
                leases.release(store, ids[1], "1@elsewhere/x/1", confirm=True)


def test_a_check_whose_lease_was_taken_over_records_nothing(policy_server, tmp_watchlist):
    policy_server.set("/p", page(1), delay=1.0)
    watchlist = load_watchlist(tmp_watchlist(policies=[{"name": "p", "url": policy_server.url("/p")}]))
    entry = watchlist.policies[0]

    async def run(store: Store) -> str:
        async with Fetcher(watchlist.settings) as fetcher:
            own = PolicyLeases(store, 600)
            task = asyncio.ensure_future(check_policy(entry, store, fetcher, watchlist.settings, policy_leases=own))
            await asyncio.sleep(0.5)  # the fetch is under way; another process takes the policy over
            store.conn.execute("UPDATE leases SET holder = '9@elsewhere/x/9'")
            return (await task).outcome

    with Store(watchlist.base_dir / "policy-monitor.db") as store:
        assert asyncio.run(run(store)) == "skipped"
        assert store.latest_version(store.policy_id("p")) is None and store.last_check(store.policy_id("p")) is None
