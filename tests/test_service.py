"""`policy-monitor run`, `run --once`, `alerts` and `alerts retry`, end to end.

Policy pages come from a real HTTP server on 127.0.0.1 (conftest's `policy_server`) and webhook
alerts go to a real receiver on 127.0.0.1 that counts alert ids (conftest's `webhook_receiver`).
The service runs as a real subprocess where signals matter (SIGTERM, SIGKILL, SIGHUP).
"""

from __future__ import annotations

import json
import logging
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import policy_page, wait_for

from monitor.cli import main
from monitor.watchlist import add_policy, load_watchlist

RETENTION_12_MONTHS = "We keep your account data for 12 months after you close your account."
RETENTION_5_YEARS = "We keep your account data for 5 years after you close your account."


def policy(retention: str = RETENTION_12_MONTHS, countries: str = "Ireland and Germany") -> str:
    return policy_page(
        "This policy explains how Example Ltd collects and uses personal data when you use our shop.",
        "# Data we collect",
        "We collect your name, email address, delivery address and the orders you place.",
        "# How long we keep data",
        retention,
        "# International transfers",
        f"Your data is stored on servers in {countries}.",
        "# Your rights",
        "You can access, correct or delete your data at any time by writing to privacy@example.com.",
    )


@pytest.fixture(autouse=True)
def _restore_logging():
    """`run` configures logging for the process; put pytest's setup back afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in ("monitor", "apscheduler", "httpx", "httpcore")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, value in levels.items():
        logging.getLogger(name).setLevel(value)


class ServiceProcess:
    """`policy-monitor -v run` in a subprocess; its log goes to a file the test can read."""

    def __init__(self, watchlist: Path) -> None:
        self.log_path = watchlist.parent / f"service-{time.monotonic_ns()}.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--watchlist", str(watchlist), "-v", "run"],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=watchlist.parent,
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def events(self, event: str) -> list[str]:
        return [line for line in self.log.splitlines() if f"event={event}" in line]

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 15) -> int:
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout)
        finally:
            self._log.close()

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)
        self._log.close()


@pytest.fixture
def services():
    """Factory starting a `ServiceProcess` on a watchlist; any still running is killed after the test."""
    started: list[ServiceProcess] = []

    def start(watchlist: Path) -> ServiceProcess:
        started.append(ServiceProcess(watchlist))
        return started[-1]

    yield start
    for service in started:
        if service.process.poll() is None:
            service.kill()


@pytest.fixture
def watching(policy_server, tmp_watchlist, services):
    """Serve `policy()` at `/<name>`, start `policy-monitor run` on a watchlist of that one policy,
    and return (watchlist path, service) once the service has fetched the page."""

    def start(name: str, every: str, delay: float = 0.0) -> tuple[Path, ServiceProcess]:
        policy_server.set(f"/{name}", policy(), delay=delay)
        path = tmp_watchlist(policies=[{"name": name, "url": policy_server.url(f"/{name}"), "every": every}])
        service = services(path)
        wait_for(lambda: policy_server.requests(f"/{name}"), what=f"the first check of {name}")
        return path, service

    return start


@pytest.fixture
def shop_alerting(policy_server, tmp_watchlist):
    """Serve `policy()` at /p and write a watchlist: `shop` (/p) every second, alerts to the webhook
    `hook` (and nowhere else); returns its path."""

    def write(hook) -> Path:
        policy_server.set("/p", policy())
        return tmp_watchlist(
            policies=[{"name": "shop", "url": policy_server.url("/p"), "every": "1s"}],
            channels={"hook": {"kind": "webhook", "url": hook.url, "timeout": 5}},
            defaults={"alerts": ["hook"]},
        )

    return write


def alert_lines(watchlist: Path) -> list[dict]:
    """What the `archive` file channel of tmp_watchlist received."""
    path = load_watchlist(watchlist).resolve(load_watchlist(watchlist).channels["archive"]["path"]) / "alerts.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def outbox(folder: Path) -> list[dict]:
    with sqlite3.connect(folder / "policy-monitor.db") as conn:
        conn.row_factory = sqlite3.Row
        return [dict(row) for row in conn.execute("SELECT * FROM outbox ORDER BY created_at")]


def checks_of(folder: Path, name: str) -> list[str]:
    with sqlite3.connect(folder / "policy-monitor.db") as conn:
        return [row[0] for row in conn.execute(
            "SELECT outcome FROM checks JOIN policies p ON p.id = policy_id WHERE p.name = ? ORDER BY checks.id",
            (name,),
        )]


# ---------------------------------------------------------------------------------------------
# run --once


def test_run_once_checks_due_entries_skips_the_others_and_delivers(policy_server, tmp_watchlist, capsys):
    policy_server.set("/often", policy())
    policy_server.set("/daily", policy())
    path = tmp_watchlist(policies=[
        {"name": "often", "url": policy_server.url("/often"), "every": "1s"},
        {"name": "daily", "url": policy_server.url("/daily"), "every": "1d"},
    ])
    assert main(["--watchlist", str(path), "run", "--once"]) == 0  # never checked: both are due
    assert len(policy_server.requests("/daily")) == 1
    capsys.readouterr()

    time.sleep(1.1)
    policy_server.set("/often", policy(RETENTION_5_YEARS))
    policy_server.set("/daily", policy(RETENTION_5_YEARS))
    assert main(["--watchlist", str(path), "run", "--once", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)

    assert summary["checked"] == ["often"] and summary["skipped"] == ["daily"]
    assert len(policy_server.requests("/daily")) == 1  # not due: not even fetched
    assert summary["outcomes"][0]["material"] is True
    assert summary["delivered"] == 1 and summary["failed"] == 0
    [alert] = alert_lines(path)
    assert alert["policy"] == "often" and alert["changes"][0]["category"] == "retention"


def test_run_once_with_nothing_due_does_nothing_silently(policy_server, tmp_watchlist, capsys):
    policy_server.set("/p", policy())
    path = tmp_watchlist(policies=[{"name": "shop", "url": policy_server.url("/p"), "every": "1d"}])
    assert main(["--watchlist", str(path), "run", "--once"]) == 0
    capsys.readouterr()
    assert main(["--watchlist", str(path), "run", "--once"]) == 0
    assert len(policy_server.requests("/p")) == 1
    assert capsys.readouterr() == ("", "")  # cron mails any output: nothing happened, nothing said


# ---------------------------------------------------------------------------------------------
# run (the service)


def test_run_checks_on_the_interval_alerts_on_a_material_change_and_stops_on_sigterm(policy_server, watching):
    path, service = watching("shop", every="2s")
    policy_server.set("/shop", policy(RETENTION_5_YEARS))

    [alert] = wait_for(lambda: alert_lines(path), timeout=20, what="the alert")
    assert alert["policy"] == "shop" and "5 years" in alert["title"]
    assert service.stop(signal.SIGTERM) == 0, service.log
    assert service.events("service_started") and service.events("service_stopped")
    assert any("outcome=new_version" in line and "material=True" in line for line in service.events("check_done"))
    assert checks_of(path.parent, "shop")[:1] == ["new_version"]


def test_sigterm_lets_the_check_in_flight_finish(watching):
    path, service = watching("slow", every="1h", delay=1.5)  # returns as the slow check starts
    assert service.stop(signal.SIGTERM) == 0, service.log
    assert checks_of(path.parent, "slow") == ["new_version"], service.log  # finished and recorded, not cut off
    assert service.events("stopping") and not service.events("checks_abandoned")


def test_a_run_killed_mid_check_loses_and_doubles_no_alert(policy_server, shop_alerting, services, webhook_receiver):
    hook = webhook_receiver()
    path = shop_alerting(hook)
    assert main(["--watchlist", str(path), "run", "--once"]) == 0  # the baseline version

    policy_server.set("/p", policy(RETENTION_5_YEARS), delay=5)  # a slow answer: the kill lands mid-check
    first = services(path)
    wait_for(lambda: len(policy_server.requests("/p")) >= 2, what="the check to start")
    first.kill()

    policy_server.set("/p", policy(RETENTION_5_YEARS))
    second = services(path)
    wait_for(lambda: hook.delivered, timeout=20, what="the retention alert")
    policy_server.set("/p", policy(RETENTION_5_YEARS, "Ireland, Germany and the United States"))
    wait_for(lambda: len(hook.delivered) >= 2, timeout=20, what="the transfer alert")
    time.sleep(1.5)  # a few more (unchanged) checks: nothing may be sent again
    assert second.stop(signal.SIGTERM) == 0, second.log

    assert len(hook.delivered) == 2 and set(Counter(hook.delivered).values()) == {1}
    assert [row["status"] for row in outbox(path.parent)] == ["delivered", "delivered"]
    with sqlite3.connect(path.parent / "policy-monitor.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_failing_webhook_still_gets_the_alert_exactly_once(policy_server, shop_alerting, webhook_receiver, capsys):
    hook = webhook_receiver(fail_first=2)
    path = shop_alerting(hook)
    watchlist = ["--watchlist", str(path)]
    assert main([*watchlist, "run", "--once"]) == 0
    time.sleep(1.1)
    policy_server.set("/p", policy(RETENTION_5_YEARS))
    assert main([*watchlist, "run", "--once"]) == 0  # first attempt: HTTP 500
    capsys.readouterr()

    assert main([*watchlist, "alerts", "--json"]) == 0
    [pending] = json.loads(capsys.readouterr().out)
    assert pending["status"] == "pending" and pending["attempts"] == 1 and "500" in pending["last_error"]
    assert pending["payload"]["policy"] == "shop"
    assert main([*watchlist, "alerts"]) == 0  # in words: the alert's title, and what the outbox will do
    table = capsys.readouterr().out
    assert pending["payload"]["title"][:16] in table and "will retry" in table and "pending" not in table

    assert main([*watchlist, "alerts", "retry"]) == 1  # second attempt: HTTP 500 again
    assert "0 delivered, 1 will retry" in capsys.readouterr().out
    assert main([*watchlist, "alerts", "retry"]) == 0  # third attempt: accepted
    assert "1 delivered, 0 failed" in capsys.readouterr().out
    assert main([*watchlist, "alerts", "retry"]) == 0  # nothing left to send
    assert "retried 0 alert(s)" in capsys.readouterr().out

    assert hook.attempts == [pending["id"]] * 3 and hook.delivered == [pending["id"]]
    assert main([*watchlist, "alerts", "--status", "delivered"]) == 0
    table = capsys.readouterr().out
    assert pending["id"][:8] in table and "delivered" in table and "shop" in table


def test_the_watchlist_is_reloaded_when_the_file_changes(policy_server, watching):
    policy_server.set("/b", policy())
    path, service = watching("a", every="1h")

    add_policy(path, {"name": "b", "url": policy_server.url("/b"), "every": "1h"})
    wait_for(lambda: policy_server.requests("/b"), timeout=20, what="the added policy to be checked")
    assert service.events("watchlist_reloaded")

    good = path.read_text()
    path.write_text(good + "  - name: [broken\n")
    wait_for(lambda: service.events("watchlist_invalid"), timeout=20, what="the broken edit to be reported")
    service.process.send_signal(signal.SIGHUP)  # the same broken file: not reported again
    time.sleep(1.0)
    assert len(service.events("watchlist_invalid")) == 1
    assert service.process.poll() is None  # still running, on the previous watchlist

    path.write_text(good)
    wait_for(lambda: len(service.events("watchlist_reloaded")) == 2, timeout=20, what="the mended file to load")
    service.process.send_signal(signal.SIGHUP)  # an unchanged file: only the signal can make it reload
    wait_for(lambda: any("reason=SIGHUP" in line for line in service.events("watchlist_reloaded")), timeout=20,
             what="SIGHUP to reload the watchlist")
    assert service.stop(signal.SIGTERM) == 0, service.log
