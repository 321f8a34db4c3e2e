"""Channel URLs are secrets (a webhook's path is its token, an Apprise URL's host often is): never
printed whole, neither in config errors nor in the log at -vv, where httpx, Apprise and urllib3 log
the URLs they post to."""

from __future__ import annotations

import time

import pytest

from conftest import policy_page, run_cli

TOKEN = "T0KEN-b8f2e1c9a7"
PASSWORD = "pa55w0rd-q9z"


@pytest.fixture
def changed(policy_server, tmp_watchlist, webhook_receiver):
    """A policy that changed since its first check, alerts going to a webhook and an Apprise JSON
    endpoint (both on 127.0.0.1) whose URLs hold secrets; returns the folder."""
    hook = webhook_receiver()
    policy_server.set("/p", policy_page("We keep your data for 1 year.", "Write to privacy@example.com."))
    path = tmp_watchlist(
        policies=[{"name": "shop", "url": policy_server.url("/p"), "every": "1s"}],
        channels={
            "team": {"kind": "webhook", "url": f"{hook.url}/services/{TOKEN}?sig={PASSWORD}"},
            "chat": {"kind": "apprise", "url": f"json://user:{PASSWORD}@127.0.0.1:{hook.port}/apprise/{TOKEN}"},
        },
        defaults={"alerts": ["team", "chat"]},
    )
    assert run_cli(path.parent, "check").returncode == 0
    policy_server.set("/p", policy_page("We keep your data for 5 years.", "Write to privacy@example.com."))
    time.sleep(1.1)  # due again
    return path.parent, hook


def test_the_debug_log_never_shows_a_channels_secrets(changed):
    folder, hook = changed
    result = run_cli(folder, "-vv", "run", "--once", "--json")
    assert result.returncode == 0, result.stderr
    assert len(hook.requests) == 2  # both channels were posted to, so their URLs were logged
    log = result.stderr
    assert "HTTP Request: POST http://127.0.0.1:" in log  # the lines are there...
    assert TOKEN not in log and PASSWORD not in log  # ...without the secrets
    assert TOKEN not in result.stdout and PASSWORD not in result.stdout


def test_a_config_error_does_not_echo_the_url(tmp_path):
    (tmp_path / "watchlist.yaml").write_text(
        f"channels:\n  team:\n    kind: webhook\n    url: hooks.example.com/services/{TOKEN}\n"
        f"defaults:\n  alerts: [team]\n", encoding="utf-8")
    result = run_cli(tmp_path, "add", "http://127.0.0.1/p", "--name", "p")
    assert result.returncode == 2 and "channel 'team': field 'url': must be an http(s) URL" in result.stderr
    assert TOKEN not in result.stderr and "Traceback" not in result.stderr
