"""Policies that need a browser: `browser: true` renders the page in the system's headless Chromium.

The site (tests/scripted_site.py, on 127.0.0.1) serves an empty shell whose script fetches the
policy after a delay and puts it in; its footer token changes on every load, and its policy
changes between checks. The checks of this module share one browser (one event loop, one
Fetcher); the tests of the command line and of signals start their own, as a user's run would.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from alerts import build_channels
from conftest import policy_page, wait_for
from browser_processes import BrowserProcesses
from monitor.browser import CHROMIUM_ARGS, IDLE_SECONDS, find_chromium
from monitor.fetch import Fetcher
from monitor.pipeline import CheckOutcome, check_policy, reprocess
from monitor.watchlist import PolicyEntry, Settings, load_watchlist
from scripted_site import BLOCKED_PATHS, ScriptedSite
from store import Store

SETTINGS = Settings(timeout=10, retries=0, confirm_delay=0, failure_threshold=2)
HINT = "the page seems to need JavaScript: add `browser: true`"


@pytest.fixture(scope="module", autouse=True)
def chromium_installed() -> None:
    """These tests need the system's Chromium: a missing one is a broken set-up, not a skip."""
    try:
        find_chromium()
    except Exception as exc:
        pytest.fail(f"{exc} (.ci/run installs it: apt-get install chromium)")


@pytest.fixture(scope="module")
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="module")
def own_browser() -> BrowserProcesses:
    """The processes of the browser this test process starts (the module's Fetcher's)."""
    return BrowserProcesses(os.getpid())


@pytest.fixture(scope="module")
def fetcher(loop, own_browser) -> Iterator[Fetcher]:
    """One Fetcher, hence one browser, for every check of this module."""
    fetcher = loop.run_until_complete(Fetcher(SETTINGS).__aenter__())
    yield fetcher
    loop.run_until_complete(fetcher.__aexit__(None, None, None))
    wait_for(lambda: not own_browser.alive(), timeout=10, what="the browser to end with its Fetcher")


@pytest.fixture
def site() -> Iterator[ScriptedSite]:
    site = ScriptedSite(delay_ms=300)
    yield site
    site.close()


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    with Store(tmp_path / "policy-monitor.db") as store:
        yield store


@pytest.fixture
def check(loop, fetcher, store, tmp_path) -> Callable[..., CheckOutcome]:
    """check(name=..., url=..., **fields) checks that entry now, with the module's browser;
    alerts go to the outbox for a file channel `archive`."""
    channels = build_channels({"archive": {"kind": "file", "path": "alerts"}}, tmp_path)

    def run(**fields: Any) -> CheckOutcome:
        entry = PolicyEntry.model_validate({"name": "shop", "language": "en", "alerts": ["archive"], **fields})
        return loop.run_until_complete(check_policy(entry, store, fetcher, SETTINGS, channels=channels))

    return run


def latest_text(store: Store, name: str = "shop") -> str:
    return store.latest_version(store.policy_id(name)).text


# ---------------------------------------------------------------------------------------------
# Reading a page that scripts fill in


def test_a_rendered_page_is_read_noise_makes_no_version_and_a_longer_retention_is_material(check, site, store):
    first = check(url=site.url(), browser=True, wait_for="#policy")
    assert first.outcome == "new_version" and first.version_seq == 1
    assert "We keep your personal data for 2 years" in latest_text(store)
    assert "Loading" not in latest_text(store)

    again = check(url=site.url(), browser=True, wait_for="#policy")  # a new footer token, same policy
    assert again.outcome == "unchanged" and again.version_seq == 1
    snapshots = store.query("SELECT hash FROM snapshots")
    assert len(snapshots) == 2, "each load's DOM differs (its token), each is kept"

    site.set_policy(retention="5 years")
    changed = check(url=site.url(), browser=True, wait_for="#policy")
    assert changed.outcome == "new_version" and changed.version_seq == 2
    assert changed.material and changed.severity == "high"
    assert [c["category"] for c in changed.changes if c["material"]] == ["retention"]
    assert changed.alerts == ["change"]
    assert "5 years" in latest_text(store)


def test_without_wait_for_the_page_is_read_once_the_network_is_idle(check, site, store):
    outcome = check(url=site.url(), browser=True)
    assert outcome.outcome == "new_version"
    assert "We keep your personal data for 2 years" in latest_text(store)


def test_without_browser_a_script_shell_is_a_failed_check_with_the_hint(check, site, store):
    outcome = check(url=site.url())
    assert outcome.outcome == "error" and outcome.error == f"cannot use the page: {HINT}"
    assert store.latest_version(store.policy_id("shop")) is None, "never an empty version"


def test_a_policy_that_turns_into_a_script_shell_is_no_removal(check, site, store, tmp_path):
    assert check(url=site.url("/static/privacy")).outcome == "new_version"
    for _ in range(2):
        outcome = check(url=site.url())  # the site now builds its page with scripts
        assert outcome.outcome == "error" and HINT in outcome.error
    assert store.latest_version(store.policy_id("shop")).seq == 1
    assert store.changes(policy="shop") == []
    failure = store.query("SELECT payload FROM outbox WHERE kind = 'failure'")
    assert failure and json.loads(failure[0]["payload"])["details"]["reason"] == "needs_browser"


def test_a_selector_that_never_matches_fails_naming_it_within_the_timeout(check, site, store):
    started = time.monotonic()
    outcome = check(url=site.url(), browser=True, wait_for="#no-such-thing", timeout=1.5)
    assert time.monotonic() - started < 8
    assert outcome.outcome == "error"
    assert outcome.error == "nothing matched wait_for '#no-such-thing' within 1.5 s"


def test_images_fonts_and_media_are_never_loaded(check, site):
    check(url=site.url(), browser=True, wait_for="#policy")
    assert site.requests("/app.js") and site.requests("/api/policy")
    assert {path: site.requests(path) for path in BLOCKED_PATHS} == {path: [] for path in BLOCKED_PATHS}


def test_every_page_gets_a_fresh_context(check, site):
    check(name="tracker", url=site.url("/set-cookie"), browser=True)
    check(url=site.url(), browser=True, wait_for="#policy")
    assert "cookie" not in site.requests("/privacy")[-1], "a cookie set for one entry reached the next"


def test_the_rendered_dom_is_kept_marked_as_rendered_and_reprocess_reads_it(check, site, store, tmp_path):
    check(url=site.url(), browser=True, wait_for="#policy")
    latest = store.latest_version(store.policy_id("shop"))
    body, content_type = store.get_snapshot(latest.snapshot_hash)
    assert b"We keep your personal data for 2 years" in body and content_type == "text/html; charset=utf-8"
    assert store.snapshot_rendered_by(latest.snapshot_hash).startswith("Chromium ")

    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(f"policies:\n  - {{name: shop, url: '{site.url()}', browser: true, remove: [h2]}}\n")
    report = reprocess(store, load_watchlist(watchlist))
    assert report.added == {"shop": [2]}, report
    text = latest_text(store)
    assert "We keep your personal data for 2 years" in text and "How long we keep it" not in text


def test_switching_an_entry_to_browser_is_a_technical_version_without_alert(check, policy_server, store):
    paragraphs = [
        "This policy explains how Example Ltd collects and uses personal data when you use our shop.",
        "We keep your account data for 12 months after you close your account.",
        "You can access, correct or delete your data at any time by writing to privacy@example.com.",
    ]
    script = ("<script>document.querySelector('main').insertAdjacentHTML('beforeend', "
              "'<p>We share your data with our payment provider to take your payments.</p>')</script>")
    policy_server.set("/privacy", policy_page(*paragraphs).replace("</main>", f"</main>{script}"))
    assert check(url=policy_server.url("/privacy")).outcome == "new_version"
    switched = check(url=policy_server.url("/privacy"), browser=True)
    assert switched.outcome == "new_version" and not switched.material and switched.alerts == []
    assert all(change["material"] is False for change in switched.changes)
    summary = store.versions(store.policy_id("shop"))[-1].summary
    assert summary.startswith("now rendered by Chromium") and "not a policy change" in summary
    assert "payment provider" in latest_text(store)


def test_a_page_that_is_not_html_is_kept_as_served(check, policy_server, store):
    text = "Privacy policy\n\nWe keep your account data for 12 months after you close your account.\n" * 3
    policy_server.set("/privacy.txt", text, content_type="text/plain; charset=utf-8")
    assert check(url=policy_server.url("/privacy.txt"), browser=True).outcome == "new_version"
    latest = store.latest_version(store.policy_id("shop"))
    assert store.get_snapshot(latest.snapshot_hash) == (text.encode(), "text/plain; charset=utf-8")
    assert store.snapshot_rendered_by(latest.snapshot_hash) is None


# ---------------------------------------------------------------------------------------------
# Request options: headers, cookies, user agent, secrets


def test_headers_cookies_and_user_agent_reach_the_page_and_its_own_requests(check, site, monkeypatch):
    monkeypatch.setenv("SHOP_TOKEN", "s3cr3t-t0ken")
    check(url=site.url(), browser=True, wait_for="#policy", headers={"Authorization": "Bearer ${SHOP_TOKEN}"},
          cookies={"consent": "yes"}, user_agent="PolicyBot/2.0 (+https://example.com/bot)")
    for path in ("/privacy", "/app.js", "/api/policy"):
        sent = site.requests(path)[-1]
        assert sent["authorization"] == "Bearer s3cr3t-t0ken", path
        assert sent["cookie"] == "consent=yes", path
        assert sent["user-agent"] == "PolicyBot/2.0 (+https://example.com/bot)", path


def test_headers_go_to_the_page_s_own_origin_only(check, site):
    other = ScriptedSite(delay_ms=0)  # another port: another origin, like a third-party script host
    try:
        site.api_base = other.base_url
        check(url=site.url(), browser=True, wait_for="#policy", headers={"X-Api-Key": "k3y"})
        assert site.requests("/privacy")[-1]["x-api-key"] == "k3y"
        assert other.requests("/api/policy") and "x-api-key" not in other.requests("/api/policy")[-1]
    finally:
        other.close()


def test_request_options_apply_without_a_browser_too(check, site, monkeypatch):
    monkeypatch.setenv("SHOP_TOKEN", "s3cr3t-t0ken")
    check(url=site.url("/static/privacy"), headers={"Authorization": "Bearer ${SHOP_TOKEN}"},
          cookies={"consent": "yes"}, user_agent="PolicyBot/2.0")
    sent = site.requests("/static/privacy")[-1]
    assert (sent["authorization"], sent["cookie"], sent["user-agent"]) == ("Bearer s3cr3t-t0ken", "consent=yes",
                                                                           "PolicyBot/2.0")
    check(name="other", url=site.url("/set-cookie"))
    check(name="third", url=site.url("/static/privacy"))
    assert "cookie" not in site.requests("/static/privacy")[-1], "cookies leaked from one entry to the next"


def test_a_secret_missing_from_the_environment_fails_the_check_naming_the_variable(check, site, monkeypatch):
    monkeypatch.delenv("SHOP_TOKEN", raising=False)
    outcome = check(url=site.url("/static/privacy"), headers={"Authorization": "Bearer ${SHOP_TOKEN}"})
    assert outcome.outcome == "error"
    assert outcome.error == ("header 'Authorization' uses ${SHOP_TOKEN}, but the environment variable "
                             "SHOP_TOKEN is not set")
    assert site.requests("/static/privacy") == [], "nothing is sent without the secret"


# ---------------------------------------------------------------------------------------------
# The browser process: its switches, and nothing left behind


def test_chromium_runs_with_the_switches_a_closed_network_needs(check, site, own_browser):
    check(url=site.url(), browser=True, wait_for="#policy")
    arguments = own_browser.main().cmdline()
    for switch in CHROMIUM_ARGS:
        assert switch in arguments
    if os.geteuid() == 0:
        assert "--no-sandbox" in arguments
    assert any(a.startswith("--user-data-dir=") for a in arguments), "a fresh profile of its own"
    disabled = [a.split("=", 1)[1].split(",") for a in arguments if a.startswith("--disable-features=")]
    assert set(disabled[-1]) >= set(disabled[0]), (
        "Chromium reads only the last --disable-features: PLAYWRIGHT_DISABLED_FEATURES must hold Playwright's "
        f"own, now {disabled[0]}")


def test_an_idle_browser_is_closed_and_the_next_page_starts_it_again(check, site, loop, fetcher, own_browser):
    fetcher.browser.idle_seconds = 0.5
    try:
        check(url=site.url(), browser=True, wait_for="#policy")
        assert len(own_browser.alive()) >= 3, "a browser, its zygote and a renderer at least"
        loop.run_until_complete(asyncio.sleep(1.5))
        wait_for(lambda: not own_browser.alive(), timeout=10, what="the idle browser to close")
        assert check(url=site.url(), browser=True, wait_for="#policy").outcome == "unchanged"
    finally:
        fetcher.browser.idle_seconds = IDLE_SECONDS


def write_watchlist(folder: Path, site: ScriptedSite, **settings: Any) -> Path:
    path = folder / "watchlist.yaml"
    path.write_text(
        "settings: " + json.dumps({"confirm_delay": 0, "retries": 0, "timeout": 15,
                                   **{key: value for key, value in settings.items() if value is not None}}) + "\n"
        "policies:\n"
        f"  - {{name: shop, url: '{site.url()}', browser: true, wait_for: '#policy', every: 1s}}\n"
    )
    return path


def policy_monitor(watchlist: Path, *args: str, env: dict[str, str] | None = None, **options: Any):
    command = [sys.executable, "-m", "monitor", "--watchlist", str(watchlist), *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})}, **options)


@pytest.mark.parametrize("executable", [None, "chromium"], ids=["headless shell", "full chromium"])
def test_check_leaves_no_browser_process_behind(site, tmp_path, executable):
    site.delay_ms = 1000
    process = policy_monitor(write_watchlist(tmp_path, site, browser_executable=executable), "check", "--json")
    browser = BrowserProcesses(process.pid)
    wait_for(lambda: len(browser.alive()) >= 3, what="the browser and its children to start")
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert json.loads(out)["checks"][0]["outcome"] == "new_version"
    assert browser.alive() == []
    with Store(tmp_path / "policy-monitor.db") as store:
        assert "We keep your personal data for 2 years" in latest_text(store)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_stopped_or_killed_run_leaves_no_browser_process_behind(site, tmp_path, signum):
    site.delay_ms = 2000  # the service is rendering when the signal comes
    service = policy_monitor(write_watchlist(tmp_path, site), "-v", "run")
    browser = BrowserProcesses(service.pid)
    try:
        wait_for(lambda: site.requests("/app.js") and len(browser.alive()) >= 3, what="a page rendering")
        service.send_signal(signum)
        code = service.wait(30)
        assert code == (0 if signum == signal.SIGTERM else -signal.SIGKILL)
        wait_for(lambda: not browser.alive(), timeout=15, what="every browser process to end")
    finally:
        if service.poll() is None:
            service.kill()
            service.wait()
        service.stdout.close()
        service.stderr.close()


# ---------------------------------------------------------------------------------------------
# Without Playwright or without Chromium: one line that says what to install


def one_line_error(watchlist: Path, *, env: dict[str, str] | None = None, prelude: str = "") -> str:
    code = (f"import sys\n{prelude}\nfrom monitor.cli import main\n"
            f"sys.exit(main(['--watchlist', {str(watchlist)!r}, 'check', '--json']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env={**os.environ, **(env or {})})
    assert result.returncode == 1, result.stderr
    (outcome,) = json.loads(result.stdout)["checks"]
    assert outcome["outcome"] == "error" and "\n" not in outcome["error"] and "Traceback" not in result.stderr
    return outcome["error"]


def test_without_playwright_a_browser_entry_says_what_to_install(site, tmp_path):
    error = one_line_error(write_watchlist(tmp_path, site), prelude="sys.modules['playwright'] = None")
    assert error == "`browser: true` needs Playwright for Python: pip install -e '.[browser]'"


def test_without_chromium_a_browser_entry_says_what_to_install(site, tmp_path):
    bare_path = str(Path(sys.executable).parent)  # python, but no chromium
    error = one_line_error(write_watchlist(tmp_path, site), env={"PATH": bare_path})
    assert error.startswith("`browser: true` needs Chromium, and none is on PATH: install it")
    error = one_line_error(write_watchlist(tmp_path, site, browser_executable="/opt/nowhere/chromium"))
    assert error == "settings.browser_executable '/opt/nowhere/chromium' is not an executable on this machine"
