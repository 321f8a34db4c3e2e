"""The clock moved back: processes run with their clock a day behind (libfaketime, preloaded into the
real command) after others stored times a day ahead. Checks still run and are recorded, history
follows the order things happened in (by sequence, not by clock), and nothing stalls until the
clock catches up."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import policy_page, run_cli

libfaketime = pytest.importorskip("libfaketime")

ONE_YEAR = "We keep your account data for 1 year after you close your account."
FIVE_YEARS = "We keep your account data for 5 years after you close your account."


def clock_back(days: int) -> dict[str, str]:
    """The environment that moves a process's clock `days` back (its monotonic clock stays true)."""
    _, env = libfaketime.get_reload_information()
    return {**env, "FAKETIME": f"-{days}d", "DONT_FAKE_MONOTONIC": "1"}


def page(retention: str) -> str:
    return policy_page("This policy explains how Example Ltd uses personal data.", "# Retention", retention,
                       "# Rights", "Write to privacy@example.com to access or delete your data.")


@pytest.fixture
def watched(policy_server, tmp_watchlist) -> Path:
    policy_server.set("/p", page(ONE_YEAR))
    return tmp_watchlist(policies=[{"name": "shop", "url": policy_server.url("/p"), "every": "1h"}]).parent


def cli_json(folder: Path, *args: str, env: dict[str, str] | None = None) -> object:
    result = run_cli(folder, *args, "--json", env=env)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def test_a_check_behind_the_stored_clock_is_recorded_and_is_the_latest(watched, policy_server):
    assert run_cli(watched, "check").returncode == 0  # version 1, today
    policy_server.set("/p", page(FIVE_YEARS))
    checked = cli_json(watched, "check", env=clock_back(1))  # the clock went back a day
    assert [c["outcome"] for c in checked["checks"]] == ["new_version"]

    history = cli_json(watched, "history", "shop")
    assert [v["seq"] for v in history] == [1, 2] and history[1]["first_seen"] < history[0]["first_seen"]
    assert "5 years" in cli_json(watched, "show", "shop")["text"]
    assert "5 years" in cli_json(watched, "show", "shop", "--at", "2099-01-01")["text"]  # not version 1
    [listed] = cli_json(watched, "list")
    assert listed["last_check"] < history[0]["first_seen"] and listed["last_outcome"] == "new_version"
    changes = cli_json(watched, "changes")
    assert changes and changes[0]["seq"] == 2  # the newest change first, whatever its clock said


def test_run_once_does_not_stall_when_the_clock_goes_back(watched, policy_server):
    assert cli_json(watched, "run", "--once")["checked"] == ["shop"]  # today, every 1h
    policy_server.set("/p", page(FIVE_YEARS))
    behind = clock_back(1)
    first = cli_json(watched, "run", "--once", env=behind)
    assert first["checked"] == ["shop"], first  # last checked "tomorrow": due now, not in a day and an hour
    assert [o["outcome"] for o in first["outcomes"]] == ["new_version"] and first["delivered"] == 1
    second = cli_json(watched, "run", "--once", env=behind)
    assert second["checked"] == [] and second["skipped"] == ["shop"]  # checked a moment ago by this clock


def test_an_alert_written_by_a_clock_ahead_is_delivered_now(watched, policy_server):
    assert run_cli(watched, "check").returncode == 0
    policy_server.set("/p", page(FIVE_YEARS))
    assert run_cli(watched, "check", "--no-deliver").returncode == 0  # the alert waits, stamped today
    retried = cli_json(watched, "run", "--once", env=clock_back(1))
    assert retried["delivered"] == 1
    [alert] = cli_json(watched, "alerts")
    assert alert["status"] == "delivered"
    assert os.path.exists(watched / "alert-archive" / "alerts.jsonl")
