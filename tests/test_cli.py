"""The command line, as a user drives it: add → check → history/show/diff/changes/facts, with
`--json` everywhere, one-line errors with exit code 2 for bad input, 1 when checks fail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from monitor.cli import main
from monitor.watchlist import load_watchlist

BENCH = FIXTURES / "bench" / "cases"
OLD = (BENCH / "en-retention-period" / "old.html").read_text(encoding="utf-8")
NEW = (BENCH / "en-retention-period" / "new.html").read_text(encoding="utf-8")


class CLI:
    """Runs `policy-monitor --watchlist PATH ...` in-process and captures its output."""

    def __init__(self, watchlist: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.watchlist, self.capsys = watchlist, capsys

    def __call__(self, *args: str, expect: int = 0) -> str:
        self.capsys.readouterr()
        code = main(["--watchlist", str(self.watchlist), *args])
        out, err = self.capsys.readouterr()
        assert code == expect, f"exit {code} (expected {expect}); stdout={out!r} stderr={err!r}"
        self.stderr = err
        return out

    def json(self, *args: str) -> object:
        return json.loads(self(*args, "--json"))


@pytest.fixture
def cli(tmp_watchlist, capsys) -> CLI:
    return CLI(tmp_watchlist([]), capsys)


@pytest.fixture
def checked_twice(cli, policy_server) -> CLI:
    """`example` checked on the old page, then on a page with a new retention period (v1 → v2)."""
    policy_server.set("/privacy", OLD)
    cli("add", policy_server.url("/privacy"), "--name", "example", "--lang", "en", "--every", "12h")
    cli("check", "--no-deliver")
    policy_server.set("/privacy", NEW)
    cli("check", "--no-deliver")
    return cli


def test_add_list_remove(cli):
    added = cli.json("add", "https://www.example.com/privacy", "--lang", "en", "--every", "6h",
                     "--select", "main", "--remove", ".banner", "--tag", "demo", "--alerts", "archive")
    assert added["name"] == "example-com" and added["every"] == "6h" and added["select"] == ["main"]
    cli("add", "https://other.example/p", "--name", "other")
    listed = cli.json("list")
    assert [row["name"] for row in listed] == ["example-com", "other"]
    assert listed[1]["every"] == "1d" and listed[1]["versions"] == 0 and listed[1]["last_outcome"] is None
    assert "example-com" in cli("list")
    assert cli.json("remove", "other")["removed"] == "other"
    assert [row["name"] for row in cli.json("list")] == ["example-com"]


def test_add_a_page_that_needs_a_browser_and_request_options(cli):
    added = cli.json("add", "https://app.example/privacy", "--name", "app", "--browser", "--wait-for", "#policy",
                     "--timeout", "20", "--header", "Authorization: Bearer ${APP_TOKEN}", "--cookie", "consent=yes",
                     "--user-agent", "PolicyBot/1.0")
    assert (added["browser"], added["wait_for"], added["timeout"]) == (True, "#policy", 20.0)
    assert added["headers"] == {"Authorization": "Bearer ${APP_TOKEN}"} and added["cookies"] == {"consent": "yes"}
    entry = load_watchlist(cli.watchlist).get("app")
    assert entry.headers == {"Authorization": "Bearer ${APP_TOKEN}"} and entry.user_agent == "PolicyBot/1.0"
    assert "${APP_TOKEN}" in cli.watchlist.read_text(), "the file names the variable, never its value"


@pytest.mark.parametrize("args, message", [
    (["add", "https://example.com/p", "--wait-for", "#x"], "only a rendered page can be waited for"),
    (["add", "https://example.com/p", "--header", "no-colon"], "--header 'no-colon': write it as 'NAME: VALUE'"),
    (["add", "https://example.com/p", "--cookie", "consent"], "--cookie 'consent': write it as NAME=VALUE"),
    (["add", "ftp://example.com/p", "--name", "x"], "invalid URL 'ftp://example.com/p'"),
    (["add", "https://example.com/p", "--every", "soon"], "invalid interval 'soon'"),
    (["add", "https://example.com/p", "--alerts", "slack"], "field 'alerts': unknown channel 'slack'"),
    (["remove", "ghost"], "unknown policy 'ghost'"),
    (["show", "ghost"], "unknown policy 'ghost'"),
    (["history", "ghost"], "unknown policy 'ghost'"),
    (["changes", "--since", "yesterday-ish"], "invalid --since"),
])
def test_bad_input_is_one_line_and_exit_2(cli, args, message):
    cli(*args, expect=2)
    assert cli.stderr.startswith("error: ") and message in cli.stderr
    assert cli.stderr.count("\n") == 1 and "Traceback" not in cli.stderr


@pytest.mark.parametrize("content, message", [
    ("policies:\n  - name: a\n    url: https://a.example/\n    every: soon\n",
     "watchlist.yaml:4: policy 'a': field 'every': invalid interval 'soon'"),
    ("policies:\n  - name: a\n    url: https://a.example/\n    colour: red\n",
     "watchlist.yaml:4: policy 'a': field 'colour': unknown field"),
    ("policies:\n  - name: a\n    url: file:///etc/passwd\n", "policy 'a': field 'url': invalid URL"),
    ("policies:\n  - {name: a, url: 'https://a.example/'}\n  - {name: a, url: 'https://b.example/'}\n",
     "policy 'a': field 'name': duplicate name 'a'"),
    ("policies:\n  - name: a\n    url: https://a.example/\n    alerts: [pager]\n",
     "policy 'a': field 'alerts': unknown channel 'pager'"),
    ("policies: [\n", "invalid YAML"),
])
def test_a_broken_watchlist_stops_every_command_with_one_line(tmp_path, capsys, monkeypatch, content, message):
    monkeypatch.chdir(tmp_path)
    Path("watchlist.yaml").write_text(content, encoding="utf-8")
    for command in (["list"], ["check"], ["add", "https://x.example/"]):
        assert main(["--watchlist", "watchlist.yaml", *command]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and message in err and err.count("\n") == 1, err


def test_first_check_then_change(checked_twice, tmp_path):
    cli = checked_twice
    history = cli.json("history", "example")
    assert [v["seq"] for v in history] == [1, 2]
    assert history[1]["material"] is True and history[1]["changes"] >= 1
    table = cli("history", "example")
    assert "first version" in table
    assert history[1]["summary"].startswith("Now keeps personal data 24 months")

    listed = cli.json("list")
    assert listed[0]["versions"] == 2 and listed[0]["last_outcome"] == "new_version"


def test_show_prints_a_version_by_number_or_date(checked_twice):
    cli = checked_twice
    latest = cli("show", "example")
    first = cli("show", "example", "--version", "1")
    assert latest != first and latest.strip()
    version = cli.json("show", "example", "--version", "2")
    assert version["seq"] == 2 and version["text"].strip() == latest.strip()
    assert cli("show", "example", "--at", "2999-01-01") == latest
    cli("show", "example", "--at", "2000-01-01", expect=2)
    assert "no version yet at" in cli.stderr
    cli("show", "example", "--version", "7", expect=2)
    assert "no version 7" in cli.stderr


def test_diff_in_every_format(checked_twice, tmp_path):
    cli = checked_twice
    rich_text = cli("diff", "example")
    assert "v1" in rich_text and "v2" in rich_text
    unified = cli("diff", "example", "1", "2", "--format", "unified")
    assert unified.startswith("---") and "\n+" in unified and "\n-" in unified
    data = json.loads(cli("diff", "example", "--format", "json"))
    assert data["old"]["seq"] == 1 and data["new"]["seq"] == 2 and data["diff"]["changed"]
    assert any(c["category"] == "retention" for c in data["changes"])
    assert cli.json("diff", "example", "2") == data  # `diff NAME N` is the change that made version N
    target = tmp_path / "diff.html"
    cli("diff", "example", "--format", "html", "-o", str(target))
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    plain = tmp_path / "diff.txt"
    cli("diff", "example", "-o", str(plain))
    assert "[-" in plain.read_text(encoding="utf-8") or "{+" in plain.read_text(encoding="utf-8")
    cli("diff", "example", "1", expect=2)
    assert "nothing before it" in cli.stderr


def test_changes_filters(checked_twice):
    cli = checked_twice
    recent = cli.json("changes", "--since", "7d", "--material")
    assert recent and all(c["material"] and c["policy"] == "example" and c["seq"] == 2 for c in recent)
    assert any(c["category"] == "retention" for c in recent)
    retention = cli.json("changes", "--category", "retention")
    assert retention and all(c["category"] == "retention" for c in retention)
    assert cli.json("changes", "--since", "2999-01-01") == []
    assert "retention" in cli("changes", "--policy", "example")


def test_facts_show_the_latest_facts_and_their_timeline(checked_twice):
    data = checked_twice.json("facts", "example")
    assert data["policy"] == "example" and data["version"] == 2
    assert data["facts"]["retention"] == ["P24M"]
    assert [(s["seq"], s["added"], s["removed"]) for s in data["timeline"]["retention"]] == [(2, ["P24M"], [])]
    for steps in data["timeline"].values():
        assert [step["seq"] for step in steps] == sorted({step["seq"] for step in steps})
    table = checked_twice("facts", "example")
    assert "24 months" in table and "P24M" not in table  # people read words, JSON keeps the ISO form
    retention = [e for e in data["evidence"] if e["kind"] == "retention"]
    assert [e["value"] for e in retention] == ["P24M"]
    assert retention[0]["sentence"].startswith("We will retain personal information for 24 months")
    assert "where each fact is stated" in checked_twice("facts", "example", "--evidence")


def test_check_delivers_alerts_and_reports_json(cli, policy_server, tmp_path):
    policy_server.set("/privacy", OLD)
    cli("add", policy_server.url("/privacy"), "--name", "example", "--lang", "en")
    first = cli.json("check")
    assert first["checks"][0]["outcome"] == "new_version" and first["checks"][0]["version_seq"] == 1
    policy_server.set("/privacy", NEW)
    second = cli.json("check", "example")
    assert second["checks"][0]["alerts"] == ["change"] and second["delivery"]["delivered"] == 1
    assert list((tmp_path / "alert-archive").iterdir())  # the `archive` file channel received it
    assert cli.json("check")["checks"][0]["outcome"] == "unchanged"


def test_check_exits_1_when_a_check_errors(cli, policy_server):
    policy_server.set("/ok", OLD)
    cli("add", policy_server.url("/ok"), "--name", "fine", "--lang", "en")
    cli("add", policy_server.url("/missing"), "--name", "broken")
    out = cli("check", "--no-deliver", expect=1)
    assert "fine" in out and "broken" in out and "HTTP 404" in out
    cli("check", "nope", expect=2)
    assert "unknown policy 'nope'" in cli.stderr


def test_reprocess_reports_nothing_to_do_on_a_fresh_history(checked_twice):
    report = checked_twice.json("reprocess")
    assert report["added"] == {} and report["unchanged"] == ["example"]


@pytest.mark.skipif(sys.version_info < (3, 11), reason="`python -P` (the current directory off the path) is 3.11+")
@pytest.mark.parametrize("impostor", ["alerts/alerts.md", "store/__init__.py", "struct.py"])
def test_python_dash_m_ignores_what_the_current_directory_holds(tmp_path, impostor):
    path = tmp_path / impostor
    path.parent.mkdir(exist_ok=True)
    path.write_text("raise SystemExit('the wrong module was imported')\n")  # a file channel's `alerts/` archive, or code
    env = {**os.environ, "POLICY_MONITOR_WATCHLIST": str(tmp_path / "watchlist.yaml")}
    subprocess.run([sys.executable, "-m", "monitor", "add", "https://example.com/privacy", "--name", "example"],
                   capture_output=True, text=True, env=env, cwd=tmp_path, check=True)
    listed = subprocess.run([sys.executable, "-m", "monitor", "list", "--json"],
                            capture_output=True, text=True, env=env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)[0]["name"] == "example"


def test_python_dash_m_and_the_console_script(tmp_path, policy_server):
    env = {**os.environ, "POLICY_MONITOR_WATCHLIST": str(tmp_path / "watchlist.yaml")}
    result = subprocess.run([sys.executable, "-m", "monitor", "--help"], capture_output=True, text=True, env=env)
    assert result.returncode == 0 and "history" in result.stdout and "diff" in result.stdout
    script = Path(sys.executable).with_name("policy-monitor")
    add = subprocess.run([str(script), "add", "https://example.com/privacy", "--name", "example"],
                         capture_output=True, text=True, env=env, cwd=tmp_path)
    assert add.returncode == 0, add.stderr
    listed = subprocess.run([str(script), "list", "--json"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert json.loads(listed.stdout)[0]["url"] == "https://example.com/privacy"
    bad = subprocess.run([str(script), "show", "ghost"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("error: unknown policy 'ghost'")
