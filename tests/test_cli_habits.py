"""The command-line habits a newcomer expects: options anywhere on the line, `--tag` everywhere it
narrows, a status and the next check in `list`, mistakes refused in one line that lists the valid
choices, human output in words, and `run --once` saying in one line what it did."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import policy_page
from monitor.cli import main

KEPT_1_YEAR = policy_page("# Retention", "We keep your personal data for 1 year after your last order.",
                          "# Transfers", "Your data is stored on servers in Germany.")
KEPT_2_YEARS = KEPT_1_YEAR.replace("1 year", "2 years").replace("in Germany", "in Germany and the United States")
CAPTCHA = "<html><head><title>Just a moment...</title></head><body><p>Checking your browser.</p></body></html>"


def run(*args: str, capsys: pytest.CaptureFixture[str], expect: int = 0) -> tuple[str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == expect, f"exit {code}; stdout={out!r} stderr={err!r}"
    return out, err


@pytest.fixture
def shops(policy_server, tmp_watchlist, capsys, monkeypatch):
    """Two tagged policies (`shop` tagged retail, `bank` tagged finance), both checked once."""
    monkeypatch.setenv("COLUMNS", "200")
    policy_server.set("/shop", KEPT_1_YEAR)
    policy_server.set("/bank", KEPT_1_YEAR.replace("last order", "last transfer"))
    path = tmp_watchlist([
        {"name": "shop", "url": policy_server.url("/shop"), "language": "en", "tags": ["retail"]},
        {"name": "bank", "url": policy_server.url("/bank"), "language": "en", "tags": ["finance"]},
    ])
    run("--watchlist", str(path), "check", capsys=capsys)
    return path


# -- global options anywhere --------------------------------------------------------------------------


def test_global_options_work_before_or_after_the_command(shops, capsys):
    w = str(shops)
    before = json.loads(run("--watchlist", w, "--json", "list", capsys=capsys)[0])
    after = json.loads(run("list", "--watchlist", w, "--json", capsys=capsys)[0])
    mixed = json.loads(run("--json", "list", "--watchlist", w, capsys=capsys)[0])
    assert before == after == mixed and [row["name"] for row in after] == ["shop", "bank"]
    history = json.loads(run("history", "shop", "--json", "--watchlist", w, capsys=capsys)[0])
    assert [v["seq"] for v in history] == [1]
    retry = json.loads(run("alerts", "--watchlist", w, "--json", "retry", capsys=capsys)[0])
    assert retry["retried"] == 0 and json.loads(run("alerts", "retry", "--json", "--watchlist", w, capsys=capsys)[0])


# -- --tag ---------------------------------------------------------------------------------------------------


def test_tag_narrows_list_check_history_and_changes(shops, policy_server, capsys):
    w = ["--watchlist", str(shops)]
    assert [row["name"] for row in json.loads(run(*w, "list", "--tag", "retail", "--json", capsys=capsys)[0])] == ["shop"]
    policy_server.set("/shop", KEPT_2_YEARS)
    policy_server.set("/bank", KEPT_2_YEARS)
    checked = json.loads(run(*w, "check", "--tag", "retail", "--no-deliver", "--json", capsys=capsys)[0])
    assert [c["policy"] for c in checked["checks"]] == ["shop"]  # bank changed too, but was not checked
    assert {v["policy"] for v in json.loads(run(*w, "history", "--tag", "finance", "--json", capsys=capsys)[0])} == {"bank"}
    assert [v["seq"] for v in json.loads(run(*w, "history", "--tag", "retail", "--json", capsys=capsys)[0])] == [1, 2]
    changes = json.loads(run(*w, "changes", "--tag", "retail", "--json", capsys=capsys)[0])
    assert changes and {c["policy"] for c in changes} == {"shop"}
    assert json.loads(run(*w, "changes", "--tag", "finance", "--json", capsys=capsys)[0]) == []
    _, err = run(*w, "list", "--tag", "retial", capsys=capsys, expect=2)
    assert err == "error: unknown tag 'retial' (tags: retail, finance)\n"


# -- list: next check and status -----------------------------------------------------------------------------


def test_list_shows_the_next_check_and_a_status(shops, policy_server, capsys):
    w = ["--watchlist", str(shops)]
    run(*w, "add", policy_server.url("/fresh"), "--name", "fresh", capsys=capsys)
    policy_server.set("/bank", CAPTCHA)
    run(*w, "check", "bank", capsys=capsys)
    rows = {row["name"]: row for row in json.loads(run(*w, "list", "--json", capsys=capsys)[0])}
    assert rows["shop"]["status"] == "ok" and rows["shop"]["due"] is False and rows["shop"]["next_check"]
    assert rows["bank"]["status"] == "failing" and rows["bank"]["failing"] == 1
    assert rows["fresh"]["status"] == "never checked" and rows["fresh"]["due"] is True
    table = run(*w, "list", capsys=capsys)[0]
    assert "next check" in table and "status" in table
    assert "(in 23 hours)" in table and "now (due)" in table
    assert "held back: looks like a bot check or captcha" in table and "failing" in table and "never checked" in table
    assert "new_version" not in table and "suspect" not in table


# -- mistakes: one line, with the valid choices ------------------------------------------------------------


def test_a_misspelt_category_is_refused_with_the_categories(shops, capsys):
    _, err = run("--watchlist", str(shops), "changes", "--category", "retension", capsys=capsys, expect=2)
    assert err.startswith("error: unknown category 'retension' (choose from: retention, transfer, sharing,")
    assert "editorial" in err and err.count("\n") == 1


def test_a_misspelt_severity_is_refused_with_the_choices(tmp_watchlist, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--watchlist", str(tmp_watchlist([])), "add", "https://example.com/p", "--min-severity", "hgh"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.startswith("error: argument --min-severity: ")
    assert "invalid choice: 'hgh'" in err and "'high'" in err and err.count("\n") == 1


def test_a_url_with_a_space_is_refused(tmp_watchlist, capsys):
    path = tmp_watchlist([])
    _, err = run("--watchlist", str(path), "add", "https://example.com/privacy policy", capsys=capsys, expect=2)
    assert err == "error: invalid URL 'https://example.com/privacy policy': contains a space (write it as %20)\n"
    path.write_text("policies:\n  - name: a\n    url: https://example.com/a b\n", encoding="utf-8")
    _, err = run("--watchlist", str(path), "list", capsys=capsys, expect=2)
    assert err.startswith(f"error: {path}:3: policy 'a': field 'url': invalid URL") and "contains a space" in err


def test_a_url_already_watched_is_refused_unless_name_says_it_is_meant(tmp_watchlist, capsys):
    w = ["--watchlist", str(tmp_watchlist([]))]
    run(*w, "add", "https://example.com/privacy", "--name", "example", capsys=capsys)
    _, err = run(*w, "add", "https://EXAMPLE.com/privacy/", capsys=capsys, expect=2)
    assert err == ("error: https://EXAMPLE.com/privacy/ is already watched as 'example' "
                   "(give --name to watch it again under another name)\n")
    run(*w, "add", "https://example.com/privacy", "--name", "example-fr", "--lang", "fr", capsys=capsys)
    assert [row["name"] for row in json.loads(run(*w, "list", "--json", capsys=capsys)[0])] == ["example", "example-fr"]


@pytest.mark.parametrize("channel, line, message", [
    ("legal:\n    kind: email\n    digest: true\n", 2, "channel 'legal': field 'to' is required"),
    ("team:\n    kind: webhook\n    url: https://hooks.example.com/x\n    tiemout: 5\n", 5,
     "channel 'team': field 'tiemout': unknown field 'tiemout' (allowed: kind, min_severity, url, timeout)"),
    ("chat:\n    kind: apprise\n", 2, "channel 'chat': field 'url' is required"),
])
def test_a_channel_missing_a_field_stops_every_command_at_load_with_file_and_line(tmp_path, capsys, channel, line,
                                                                                   message):
    path = tmp_path / "watchlist.yaml"
    path.write_text("channels:\n  " + channel + "policies: []\n", encoding="utf-8")
    for command in (["list"], ["check"], ["history"], ["changes"], ["alerts"], ["serve", "--port", "0"],
                    ["add", "https://x.example/"]):
        _, err = run("--watchlist", str(path), *command, capsys=capsys, expect=2)
        assert err == f"error: {path}:{line}: {message}\n", command


# -- words, not codes -------------------------------------------------------------------------------------------


def test_check_speaks_words(shops, policy_server, capsys):
    w = ["--watchlist", str(shops)]
    policy_server.set("/shop", KEPT_2_YEARS)
    policy_server.set("/bank", CAPTCHA)
    table = run(*w, "check", "--no-deliver", capsys=capsys)[0]
    assert "changed" in table and "held back: looks like a bot check or captcha" in table
    assert "Keeps personal data 2 years instead of 1 year" in table
    assert "unchanged" in run(*w, "check", "shop", "--no-deliver", capsys=capsys)[0]
    facts = run(*w, "facts", "shop", capsys=capsys)[0]
    assert "2 years" in facts and "the United States" in facts and "English" in facts
    for code in ("new_version", "suspect", "P2Y", "P1Y", " US"):
        assert code not in table + facts, code


def test_alerts_say_the_values_in_words_and_keep_the_data(shops, policy_server, capsys):
    policy_server.set("/shop", KEPT_2_YEARS)
    run("--watchlist", str(shops), "check", "shop", capsys=capsys)
    archive = shops.parent / "alert-archive"
    markdown = (archive / "alerts.md").read_text(encoding="utf-8")
    assert "**1 year** → **2 years**" in markdown and "**Germany** → **Germany, the United States**" in markdown
    assert "P1Y" not in markdown
    [alert] = [json.loads(line) for line in (archive / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    retention = next(c for c in alert["changes"] if c["category"] == "retention")
    assert (retention["old_values"], retention["new_values"]) == (["P1Y"], ["P2Y"])


# -- run --once and the service's log --------------------------------------------------------------------------


def test_run_once_prints_one_summary_line_and_logs_each_check_at_info(policy_server, tmp_watchlist, capsys):
    policy_server.set("/shop", KEPT_1_YEAR)
    policy_server.set("/down", "gone", status=404)
    path = tmp_watchlist([{"name": "shop", "url": policy_server.url("/shop"), "language": "en"},
                          {"name": "down", "url": policy_server.url("/down")}])
    out, err = run("--watchlist", str(path), "run", "--once", capsys=capsys)
    assert out == "checked 2, changed 1, alerts sent 0, failing 1\n"
    lines = [line for line in err.splitlines() if "event=check_done" in line]
    assert len(lines) == 2
    assert any("level=info" in line and "policy=shop" in line for line in lines)
    assert any("level=warning" in line and "policy=down" in line and "HTTP 404" in line for line in lines)


def test_the_readme_explains_flap_window():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("flap_window"):]
    assert "announced" in textwrap.shorten(section, 2000)
