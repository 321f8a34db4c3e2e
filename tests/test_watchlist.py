"""The watchlist file: strict validation with one-line errors, defaults, and round-trip edits."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from basics.errors import UsageError, WatchlistError
from monitor.watchlist import Settings, add_policy, database_path, load_watchlist, parse_interval, remove_policy

HAND_WRITTEN = """\
# My watchlist (hand-written; this comment must survive CLI edits)
settings:
  database: data/monitor.db   # next to this file
  failure_threshold: 2

defaults:
  every: 1d
  alerts: [archive]

channels:
  archive: {kind: file, path: alerts}
  team: {kind: webhook, url: "http://127.0.0.1:9/hook"}

policies:
  # the first one
  - name: zeta
    url: https://zeta.example/privacy
    language: de
    every: 6h
  # the second one
  - name: alpha
    url: https://alpha.example/privacy
    select: "main article"
    remove: [".cookie-banner", "#toc"]
    alerts: archive,team
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "watchlist.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize("text, expected", [
    ("30m", timedelta(minutes=30)),
    ("6h", timedelta(hours=6)),
    ("1d", timedelta(days=1)),
    ("2w", timedelta(weeks=2)),
    ("1h30m", timedelta(hours=1, minutes=30)),
    (" 12H ", timedelta(hours=12)),
])
def test_intervals_are_short_durations(text, expected):
    assert parse_interval(text) == expected


@pytest.mark.parametrize("text", ["soon", "", "0h", "5", "1 day", "-1d", "1x"])
def test_bad_intervals_are_usage_errors(text):
    with pytest.raises(UsageError, match="interval"):
        parse_interval(text)


def test_entries_inherit_defaults_and_settings_resolve_relative_to_the_file(tmp_path):
    watchlist = load_watchlist(write(tmp_path, HAND_WRITTEN))
    zeta, alpha = watchlist.policies
    assert [zeta.name, alpha.name] == ["zeta", "alpha"]
    assert zeta.every == "6h" and zeta.interval == timedelta(hours=6)
    assert zeta.alerts == ["archive"]  # from defaults
    assert alpha.every == "1d"
    assert alpha.select == ["main article"] and alpha.remove == [".cookie-banner", "#toc"]
    assert alpha.alerts == ["archive", "team"]  # a comma-separated string is a list
    assert watchlist.settings.failure_threshold == 2
    assert watchlist.settings.confirm_changes is True  # default
    assert watchlist.channels["team"] == {"kind": "webhook", "url": "http://127.0.0.1:9/hook"}
    assert database_path(watchlist) == tmp_path / "data" / "monitor.db"
    assert watchlist.get("alpha") is alpha
    with pytest.raises(UsageError, match="unknown policy 'beta' \\(known: zeta, alpha\\)"):
        watchlist.get("beta")


def test_an_empty_file_is_an_empty_watchlist_with_default_settings(tmp_path):
    watchlist = load_watchlist(write(tmp_path, ""))
    assert watchlist.policies == []
    assert database_path(watchlist) == tmp_path / "policy-monitor.db"


def test_the_shipped_example_watchlist_is_valid():
    watchlist = load_watchlist(REPO_ROOT / "watchlist.yaml")
    assert len(watchlist.policies) >= 5
    assert {entry.language for entry in watchlist.policies} >= {"en", "fr", "de"}
    assert all(entry.url.startswith("https://") for entry in watchlist.policies)
    assert not Path(watchlist.settings.database).is_absolute()


BROKEN = {
    "bad interval": (
        "policies:\n  - name: example\n    url: https://example.com/p\n    every: soon\n",
        "watchlist.yaml:4: policy 'example': field 'every': invalid interval 'soon' (use 30m, 6h, 1d)",
    ),
    "unknown key (typo)": (
        "policies:\n  - name: example\n    url: https://example.com/p\n    evry: 1d\n",
        "watchlist.yaml:4: policy 'example': field 'evry': unknown field 'evry'",
    ),
    "bad URL scheme": (
        "policies:\n  - name: example\n    url: ftp://example.com/p\n",
        "watchlist.yaml:3: policy 'example': field 'url': invalid URL 'ftp://example.com/p'",
    ),
    "missing url": (
        "policies:\n  - name: example\n    language: en\n",
        "watchlist.yaml:2: policy 'example': field 'url' is required",
    ),
    "duplicate names": (
        "policies:\n  - name: a\n    url: https://a.example/\n  - name: a\n    url: https://b.example/\n",
        "watchlist.yaml:4: policy 'a': field 'name': duplicate name 'a' (also at line 2)",
    ),
    "unknown channel": (
        "channels:\n  archive: {kind: file, path: x}\npolicies:\n  - name: a\n    url: https://a.example/\n"
        "    alerts: [archive, slack]\n",
        "watchlist.yaml:6: policy 'a': field 'alerts': unknown channel 'slack' (channels: archive)",
    ),
    "bad CSS selector": (
        "policies:\n  - name: a\n    url: https://a.example/\n    select: 'div['\n",
        "watchlist.yaml:4: policy 'a': field 'select': invalid CSS selector 'div['",
    ),
    "bad language": (
        "policies:\n  - name: a\n    url: https://a.example/\n    language: english\n",
        "watchlist.yaml:4: policy 'a': field 'language': invalid language 'english'",
    ),
    "bad name": (
        "policies:\n  - name: my policy!\n    url: https://a.example/\n",
        "watchlist.yaml:2: policy 'my policy!': field 'name': invalid name",
    ),
    "bad setting": (
        "settings:\n  concurrency: lots\n",
        "watchlist.yaml:2: settings: field 'concurrency':",
    ),
    "unknown setting": (
        "settings:\n  databse: x.db\n",
        "watchlist.yaml:2: settings: field 'databse': unknown field",
    ),
    "unknown section": (
        "polices:\n  - name: a\n",
        "watchlist.yaml:1: unknown section 'polices'",
    ),
    "bad defaults": (
        "defaults:\n  every: whenever\n",
        "watchlist.yaml:2: defaults: field 'every': invalid interval 'whenever'",
    ),
    "invalid YAML": (
        "policies:\n  - name: a\n    url: [unclosed\n",
        "watchlist.yaml:4: invalid YAML:",
    ),
    "channel without kind": (
        "channels:\n  archive: {path: x}\n",
        "watchlist.yaml:2: channel 'archive': field 'kind' is required",
    ),
    "wait_for without browser": (
        "policies:\n  - name: a\n    url: https://a.example/\n    wait_for: '#policy'\n",
        "watchlist.yaml:4: policy 'a': field 'wait_for': only a rendered page can be waited for: add `browser: true`",
    ),
    "bad wait_for selector": (
        "policies:\n  - name: a\n    url: https://a.example/\n    browser: true\n    wait_for: 'div['\n",
        "watchlist.yaml:5: policy 'a': field 'wait_for': invalid CSS selector 'div['",
    ),
    "bad header name": (
        "policies:\n  - name: a\n    url: https://a.example/\n    headers: {'X Key': v}\n",
        "watchlist.yaml:4: policy 'a': field 'headers': invalid header name 'X Key'",
    ),
    "cookie as a header": (
        "policies:\n  - name: a\n    url: https://a.example/\n    headers: {Cookie: 'consent=yes'}\n",
        "watchlist.yaml:4: policy 'a': field 'headers': header 'Cookie' cannot be set here: use the field 'cookies'",
    ),
    "line break in a header": (
        "policies:\n  - name: a\n    url: https://a.example/\n    headers: {X-Key: \"a\\nInjected: b\"}\n",
        "watchlist.yaml:4: policy 'a': field 'headers': header 'X-Key': the value holds a line break",
    ),
    "malformed secret": (
        "policies:\n  - name: a\n    url: https://a.example/\n    headers: {Authorization: 'Bearer ${API TOKEN}'}\n",
        "watchlist.yaml:4: policy 'a': field 'headers': header 'Authorization': write an environment variable as ${NAME}",
    ),
    "bad cookie value": (
        "policies:\n  - name: a\n    url: https://a.example/\n    cookies: {consent: 'yes; admin=1'}\n",
        "watchlist.yaml:4: policy 'a': field 'cookies': cookie 'consent': the value holds a space, ';'",
    ),
    "yes-or-no cookie": (
        "policies:\n  - name: a\n    url: https://a.example/\n    cookies: {consent: true}\n",
        "watchlist.yaml:4: policy 'a': field 'cookies': 'consent': write the value in quotes",
    ),
    "bad timeout": (
        "policies:\n  - name: a\n    url: https://a.example/\n    timeout: 0\n",
        "watchlist.yaml:4: policy 'a': field 'timeout':",
    ),
    "bad browser concurrency": (
        "settings:\n  browser_concurrency: 0\n",
        "watchlist.yaml:2: settings: field 'browser_concurrency':",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_mistake_is_one_line_naming_line_entry_and_field(tmp_path, monkeypatch, case):
    text, expected = BROKEN[case]
    monkeypatch.chdir(tmp_path)
    write(tmp_path, text)
    with pytest.raises(WatchlistError) as caught:
        load_watchlist("watchlist.yaml")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(expected), message


def test_browser_and_request_options_load_with_defaults(tmp_path):
    path = write(tmp_path, """\
        settings: {browser_executable: /usr/lib/chromium/chromium, browser_concurrency: 3}
        defaults: {user_agent: "PolicyBot/1.0", cookies: {consent: yes}}
        policies:
          - name: app
            url: https://app.example/privacy
            browser: true
            wait_for: "#policy"
            timeout: 45
            headers: {Authorization: "Bearer ${APP_TOKEN}", DNT: 1}
          - name: plain
            url: https://plain.example/privacy
        """)
    watchlist = load_watchlist(path)
    app, plain = watchlist.policies
    assert (watchlist.settings.browser_executable, watchlist.settings.browser_concurrency) == (
        "/usr/lib/chromium/chromium", 3)
    assert (app.browser, app.wait_for, app.timeout) == (True, "#policy", 45)
    assert app.headers == {"Authorization": "Bearer ${APP_TOKEN}", "DNT": "1"}
    assert app.cookies == plain.cookies == {"consent": "yes"}, "YAML's `yes` is the text a cookie holds"
    assert plain.user_agent == "PolicyBot/1.0" and plain.browser is False and plain.timeout is None
    assert Settings().browser_concurrency == 2 and Settings().browser_executable is None


def test_a_missing_file_says_how_to_create_one(tmp_path):
    with pytest.raises(WatchlistError, match="not found.*policy-monitor add"):
        load_watchlist(tmp_path / "nope.yaml")


def test_add_and_remove_keep_comments_and_order(tmp_path):
    path = write(tmp_path, HAND_WRITTEN)
    added = add_policy(path, {"name": "mid", "url": "https://mid.example/privacy", "language": "fr",
                              "every": "12h", "tags": ["eu"], "select": None})
    assert added.alerts == ["archive"] and added.every == "12h"
    text = path.read_text(encoding="utf-8")
    assert "# My watchlist (hand-written; this comment must survive CLI edits)" in text
    assert "# next to this file" in text and "# the second one" in text
    assert "tags: [eu]" in text and "select:" not in text.split("name: mid")[1]
    assert [p.name for p in load_watchlist(path).policies] == ["zeta", "alpha", "mid"]

    removed, remaining = remove_policy(path, "zeta")
    assert removed.name == "zeta" and [p.name for p in remaining.policies] == ["alpha", "mid"]
    text = path.read_text(encoding="utf-8")
    assert "zeta" not in text
    assert "# My watchlist" in text and "# the second one" in text
    assert [p.name for p in load_watchlist(path).policies] == ["alpha", "mid"]


def test_add_creates_a_ready_to_use_watchlist(tmp_path):
    path = tmp_path / "sub" / "watchlist.yaml"
    add_policy(path, {"name": "first", "url": "https://first.example/"})
    watchlist = load_watchlist(path)
    assert [p.name for p in watchlist.policies] == ["first"]
    assert watchlist.policies[0].alerts == ["archive"] and "archive" in watchlist.channels


def test_edits_are_validated_before_anything_is_written(tmp_path):
    path = write(tmp_path, HAND_WRITTEN)
    before = path.read_text(encoding="utf-8")
    with pytest.raises(UsageError, match="already"):
        add_policy(path, {"name": "alpha", "url": "https://other.example/"})
    with pytest.raises(WatchlistError, match="field 'every'"):
        add_policy(path, {"name": "new", "url": "https://new.example/", "every": "often"})
    with pytest.raises(WatchlistError, match="unknown channel 'nowhere'"):
        add_policy(path, {"name": "new", "url": "https://new.example/", "alerts": ["nowhere"]})
    with pytest.raises(UsageError, match="unknown policy 'ghost'"):
        remove_policy(path, "ghost")
    assert path.read_text(encoding="utf-8") == before


def test_a_broken_file_is_not_edited(tmp_path):
    path = write(tmp_path, "policies:\n  - name: a\n    url: https://a.example/\n    every: soon\n")
    with pytest.raises(WatchlistError, match="every"):
        add_policy(path, {"name": "b", "url": "https://b.example/"})


def test_an_edit_refuses_a_channel_whose_settings_could_not_deliver(tmp_path):
    path = write(tmp_path, textwrap.dedent("""\
        channels:
          team:
            kind: webhook
            url: hooks.example.com/policy   # no scheme: could never be posted to
        policies:
          - name: a
            url: https://a.example/
            alerts: [team]
        """))
    before = path.read_text(encoding="utf-8")
    with pytest.raises(WatchlistError) as loading:
        load_watchlist(path)  # every command reads the channels' fields, at their line
    assert str(loading.value).startswith(f"{path}:4: channel 'team': field 'url': must be an http(s) URL")

    with pytest.raises(WatchlistError) as raised:
        add_policy(path, {"name": "b", "url": "https://b.example/"})

    message = str(raised.value)
    assert message.startswith(str(path)) and "channel 'team': field 'url': must be an http(s) URL" in message
    assert "\n" not in message and path.read_text(encoding="utf-8") == before


# -- one YAML 1.2 reading everywhere --------------------------------------------------------------


@pytest.mark.parametrize("name", ["no", "on", "yes", "off", "y", "n"])
def test_a_policy_named_like_a_yaml_1_1_boolean_keeps_its_name_when_read_and_edited(tmp_path, name):
    path = write(tmp_path, f"policies:\n  - name: {name}\n    url: https://{name}.example/privacy\n")
    assert [entry.name for entry in load_watchlist(path).policies] == [name]
    add_policy(path, {"name": "other", "url": "https://other.example/"})
    assert [entry.name for entry in load_watchlist(path).policies] == [name, "other"]
    removed, remaining = remove_policy(path, name)
    assert removed.name == name and [entry.name for entry in remaining.policies] == ["other"]


def test_yaml_1_2_scalars(tmp_path):
    path = write(tmp_path, """\
        settings:
          confirm_changes: false
          concurrency: 0o10
          per_host: 010
        defaults:
          tags: [on, 1:30, "yes"]
        """)
    watchlist = load_watchlist(path)
    assert watchlist.settings.confirm_changes is False
    assert watchlist.settings.concurrency == 8 and watchlist.settings.per_host == 10  # not octal 8
    assert watchlist.defaults.tags == ["on", "1:30", "yes"]  # not True, nor 90 minutes


def test_anchors_and_merge_keys_are_read(tmp_path):
    path = write(tmp_path, """\
        defaults: &base
          every: 6h
        policies:
          - name: a
            url: https://a.example/
            <<: *base
          - name: b
            url: https://b.example/
            <<: *base
        """)
    assert load_watchlist(path).policies[0].every == "6h"
    add_policy(path, {"name": "c", "url": "https://c.example/"})  # next to an entry that refers to an anchor
    remove_policy(path, "b")
    assert [(p.name, p.every) for p in load_watchlist(path).policies] == [("a", "6h"), ("c", "6h")]


def test_an_alias_bomb_is_refused_in_one_line_without_growing(tmp_path):
    """A few hundred bytes of nested aliases stand for billions of values: refused, in bounded
    memory (the CLI runs under a 1 GB address-space limit)."""
    levels = ["  a: &a [x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        levels.append(f"  {level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    bomb = "settings:\n" + "\n".join(levels) + "\n"
    (tmp_path / "watchlist.yaml").write_text(bomb, encoding="utf-8")
    assert len(bomb.encode()) < 600
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30)); "
    result = subprocess.run(
        [sys.executable, "-c", limit + "from monitor.cli import main; raise SystemExit(main())", "list"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "aliases" in result.stderr and "watchlist.yaml:" in result.stderr


@pytest.mark.parametrize("text, message", [
    ("policies:\n  - name: a\n    url: https://a.example/\n    url: https://b.example/\n",
     "watchlist.yaml:4: duplicate key 'url' (also at line 3)"),
    ("a: 1\n---\nb: 2\n", "watchlist.yaml:2: more than one YAML document"),
    ("settings: !!python/object:os.system {}\n", "watchlist.yaml:1: unsupported tag"),
    ("x: &a [*a]\n", "watchlist.yaml:1: alias *a refers to the value it is part of"),
])
def test_yaml_a_watchlist_cannot_hold_is_one_line(tmp_path, text, message):
    with pytest.raises(WatchlistError) as caught:
        load_watchlist(write(tmp_path, text))
    assert str(caught.value).endswith(message) or message in str(caught.value), str(caught.value)


# -- intervals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["99999999999999w", "100000000d", "3651d", "99999999999999999999999999h"])
def test_an_interval_longer_than_ten_years_is_refused(text):
    with pytest.raises(UsageError, match="at most 10 years"):
        parse_interval(text)


def test_ten_years_is_the_longest_interval():
    assert parse_interval("3650d") == timedelta(days=3650)


# -- edits keep the file what it was ------------------------------------------------------------------


def test_edits_keep_the_files_mode(tmp_path):
    path = write(tmp_path, HAND_WRITTEN)
    path.chmod(0o640)
    add_policy(path, {"name": "mid", "url": "https://mid.example/"})
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    remove_policy(path, "mid")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_new_watchlist_gets_the_umasks_mode(tmp_path):
    old = os.umask(0o022)
    try:
        add_policy(tmp_path / "new.yaml", {"name": "a", "url": "https://a.example/"})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.yaml").stat().st_mode) == 0o644


def test_edits_write_through_a_symbolic_link(tmp_path):
    real = write(tmp_path, HAND_WRITTEN)
    (tmp_path / "config").mkdir()
    link = tmp_path / "config" / "watchlist.yaml"
    link.symlink_to(real)
    add_policy(link, {"name": "mid", "url": "https://mid.example/"})
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "name: mid" in real.read_text(encoding="utf-8")
    remove_policy(link, "zeta")
    assert link.is_symlink() and "zeta" not in real.read_text(encoding="utf-8")
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temporary file left behind


def test_edits_append_after_the_last_entry_and_keep_quotes_and_comments(tmp_path):
    path = write(tmp_path, HAND_WRITTEN + "  # end of the list\n")
    add_policy(path, {"name": "q", "url": "https://q.example/p?a=1#x", "select": ["main article"],
                      "tags": ["on", "eu"]})
    text = path.read_text(encoding="utf-8")
    assert text.startswith(HAND_WRITTEN)  # nothing before the new entry moved
    assert text[len(HAND_WRITTEN):] == (
        '  - name: q\n    url: "https://q.example/p?a=1#x"\n    select: ["main article"]\n'
        '    tags: ["on", eu]\n  # end of the list\n'
    )
    entry = load_watchlist(path).get("q")
    assert entry.tags == ["on", "eu"] and entry.url == "https://q.example/p?a=1#x"


def test_removing_the_last_entry_leaves_an_empty_list(tmp_path):
    path = write(tmp_path, "policies:  # watched\n  - name: a\n    url: https://a.example/\n")
    remove_policy(path, "a")
    assert path.read_text(encoding="utf-8") == "policies: []  # watched\n"
    assert load_watchlist(path).policies == []


def test_a_flow_style_policies_list_is_not_rewritten(tmp_path):
    path = write(tmp_path, "policies: [{name: a, url: 'https://a.example/'}]\n")
    before = path.read_text(encoding="utf-8")
    with pytest.raises(WatchlistError, match=r"written as \[...\]"):
        add_policy(path, {"name": "b", "url": "https://b.example/"})
    assert path.read_text(encoding="utf-8") == before


@pytest.mark.parametrize("make, message", [
    (lambda path: path.mkdir(), "is a directory, not a watchlist file"),
    (lambda path: path.write_bytes(b"policies: [\xff]\n"), "not UTF-8 text"),
])
def test_a_watchlist_that_cannot_be_read_is_one_line_for_every_command(tmp_path, make, message):
    path = tmp_path / "watchlist.yaml"
    make(path)
    for edit in (lambda: load_watchlist(path), lambda: add_policy(path, {"name": "a", "url": "https://a.example/"}),
                 lambda: remove_policy(path, "a")):
        with pytest.raises(WatchlistError, match=message):
            edit()


@pytest.mark.parametrize("name, left", [("zeta", ["alpha", "omega"]), ("alpha", ["zeta", "omega"]),
                                        ("omega", ["zeta", "alpha"])])
def test_removing_the_first_a_middle_or_the_last_entry(tmp_path, name, left):
    path = write(tmp_path, HAND_WRITTEN + "  # the last one\n  - name: omega\n    url: https://omega.example/\n"
                 "# end of the watchlist\n")
    remove_policy(path, name)
    text = path.read_text(encoding="utf-8")
    assert [p.name for p in load_watchlist(path).policies] == left
    assert f"name: {name}" not in text and "# end of the watchlist" in text and "# My watchlist" in text
