"""The web view (`policy-monitor serve`) as a person sees it, in a real headless Chromium driven by
Playwright: the list of policies, a policy's page, a diff, the alert outbox and both Atom feeds,
over a database the real pipeline filled, with hostile page text (`<script>`, `onerror`) that must
show as text. The server is the real command in its own process, on loopback."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import feedparser
import lxml.etree
import lxml.html
import psutil
import pytest
from ruamel.yaml import YAML

from conftest import PolicyServer, policy_page, unused_port
from monitor.cli import main

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ATOM = "{http://www.w3.org/2005/Atom}"
SECRET = "T0KEN-SECRET-7f3a9"
HOSTILE = "<script>alert('pwned')</script> <img src=x onerror=alert(1)>"
"""Text a watched page may hold (as text): it must reach every page as text, never as markup."""
HOSTILE_TITLE = "<script>alert(2)</script> Just a moment..."


def shop_page(retention: str, countries: str, moved_first: bool = False) -> str:
    blocks = [
        "# Retention", f"We keep your personal data for {retention} {HOSTILE}.",
        "# Transfers", f"Your data is stored on servers in {countries}.",
        "# Your rights", "You may ask for a copy of your data at any time.",
        "# Cookies", "We use cookies to remember your language and your cart between visits.",
    ]
    if moved_first:
        blocks = blocks[6:8] + blocks[:6]  # the cookie section moves to the top
    return policy_page(*blocks, title="Shop privacy policy")


def hostile_captcha() -> str:
    return policy_page("Checking your browser before accessing the shop.").replace(
        "<title>Privacy policy</title>", "<title>&lt;script&gt;alert(2)&lt;/script&gt; Just a moment...</title>")


class Served:
    """The database the tests browse, and `policy-monitor serve` running over it."""

    def __init__(self, folder: Path, pages: PolicyServer) -> None:
        self.folder, self.pages = folder, pages
        self.watchlist = folder / "watchlist.yaml"
        self.database = folder / "policy-monitor.db"
        self.process: subprocess.Popen | None = None
        self.announced: dict = {}

    def fill(self) -> None:
        """shop: v1, then v2 with a longer retention, a new country and a moved section (one alert
        delivered to the file, one waiting to be retried by a dead webhook); captcha: held back."""
        document = {
            "settings": {"database": "policy-monitor.db", "confirm_delay": 0, "timeout": 5, "retries": 0},
            "channels": {"archive": {"kind": "file", "path": "alert-archive"},
                         "hook": {"kind": "webhook", "url": f"http://127.0.0.1:{unused_port()}/hooks/{SECRET}",
                                  "timeout": 2}},
            "defaults": {"alerts": ["archive", "hook"]},
            "policies": [
                {"name": "shop", "url": self.pages.url("/shop"), "language": "en", "tags": ["retail"]},
                {"name": "captcha", "url": self.pages.url("/captcha"), "language": "en"},
            ],
        }
        with self.watchlist.open("w", encoding="utf-8") as handle:
            YAML().dump(document, handle)
        self.pages.set("/shop", shop_page("90 days", "Ireland"))
        self.pages.set("/captcha", hostile_captcha())
        self.cli("check")  # the captcha page is held back (a failing check, not an error)
        self.pages.set("/shop", shop_page("2 years", "Ireland and the United States", moved_first=True))
        self.cli("check", "shop")
        self.cli("add", "https://fresh.example/privacy", "--name", "fresh")

    def cli(self, *args: str, expect: int = 0) -> None:
        assert main(["--watchlist", str(self.watchlist), *args]) == expect

    def start(self, *options: str) -> str:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "serve", "--port", "0", "--json", "--watchlist", str(self.watchlist),
             *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=self.folder,
        )
        line = self.process.stdout.readline()
        assert line, self.process.stderr.read()
        self.announced = json.loads(line)
        return self.announced["url"].rstrip("/")

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=15)

    def fingerprint(self) -> tuple[str, int]:
        """The database file's hash and its write-ahead log's size: what any write would move."""
        wal = self.database.with_name(self.database.name + "-wal")
        return hashlib.sha256(self.database.read_bytes()).hexdigest(), wal.stat().st_size if wal.exists() else 0


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[Served, str]]:
    pages = PolicyServer()
    site = Served(tmp_path_factory.mktemp("web"), pages)
    try:
        site.fill()
        base = site.start()
        yield site, base
        assert site.stop() == 0
    finally:
        pages.close()


@pytest.fixture(scope="module")
def browser(served) -> Iterator:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "the browser tests need Debian's chromium (apt-get install chromium; see .ci/run)"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh tab (phone-sized: the pages must read on a phone) that records script dialogs."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.dialogs = []
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    yield tab
    context.close()


def visit(page, url: str):
    response = page.goto(url)
    assert response.status == 200, (url, response.status)
    return response


def assert_inert(page) -> None:
    """Nothing of the watched pages' text became markup: no script, no image, no dialog, no wider than the phone."""
    assert page.locator("script").count() == 0 and page.locator("img").count() == 0
    assert page.dialogs == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def get(url: str, method: str = "GET", host: str | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method=method, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


# -- safe by default ----------------------------------------------------------------------------------


def test_serve_listens_on_loopback_only_by_default(served):
    site, base = served
    assert site.announced["host"] == "127.0.0.1" and base.startswith("http://127.0.0.1:")
    listening = [c.laddr for c in psutil.Process(site.process.pid).net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN]
    assert listening and all(address.ip == "127.0.0.1" for address in listening)
    status, _, body = get(base + "/", host="rebound.example.com")  # a DNS-rebinding page cannot read it
    assert status == 421 and b"127.0.0.1" in body


def test_every_answer_forbids_scripts_and_nothing_can_change_state(served):
    site, base = served
    status, headers, _ = get(base + "/")
    policy = headers["content-security-policy"]
    assert status == 200 and "default-src 'none'" in policy and "unsafe" not in policy and "script-src" not in policy
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    for path in ("/", "/policies/shop", "/alerts"):
        assert get(base + path, method="POST")[0] == 405


# -- the pages ----------------------------------------------------------------------------------------------


def test_the_list_shows_every_policy_with_its_status(served, page):
    _, base = served
    visit(page, base + "/")
    shop, captcha, fresh = (page.locator("li.card", has=page.get_by_role("link", name=name, exact=True))
                            for name in ("shop", "captcha", "fresh"))
    assert "ok" in shop.locator(".status").inner_text()
    shop_text = shop.inner_text()
    assert "changed" in shop_text and "Next check" in shop_text and "in 23 hours" in shop_text
    assert "Keeps personal data 2 years instead of 90 days" in shop_text and "HIGH" in shop_text
    captcha_text = captcha.inner_text()
    assert "failing" in captcha_text and "held back: looks like a bot check or captcha" in captcha_text
    assert HOSTILE_TITLE in captcha_text  # the title the captcha page gave, as text
    assert "never checked" in fresh.inner_text() and "now (due)" in fresh.inner_text()
    assert_inert(page)


def test_the_policy_page_shows_its_versions_changes_and_facts_over_time(served, page):
    _, base = served
    visit(page, base + "/")
    page.get_by_role("link", name="shop", exact=True).click()
    assert page.url == base + "/policies/shop"
    latest = page.locator("#v2")
    assert "Version 2" in latest.inner_text()
    changes = latest.locator(".changes li.material")
    summaries = changes.all_inner_texts()
    assert any("retention" in s and "Keeps personal data 2 years instead of 90 days" in s and "HIGH" in s
               for s in summaries)
    assert any("transfer" in s and "the United States" in s for s in summaries)
    assert "first version" in page.locator("#v1").inner_text()
    facts = page.locator("table.facts").inner_text()
    assert "90 days" in facts and "2 years" in facts and "Ireland" in facts and "P2Y" not in facts
    assert page.locator("link[type='application/atom+xml'][href='/policies/shop/feed.atom']").count() == 1
    assert_inert(page)
    visit(page, base + "/policies/captcha")
    checks = page.locator("table.checks").inner_text()
    assert "held back: looks like a bot check or captcha" in checks and HOSTILE_TITLE in checks
    assert_inert(page)


def test_the_diff_page_puts_the_material_summary_first_and_shows_moves_side_by_side(served, page):
    _, base = served
    visit(page, base + "/policies/shop")
    page.get_by_role("link", name="Diff with version 1").click()
    assert page.url == base + "/policies/shop/diff/1/2"
    summary = page.locator(".material-summary")
    assert "Keeps personal data 2 years instead of 90 days" in summary.inner_text()
    assert "90 days → 2 years" in summary.inner_text()
    above = page.evaluate("""() => {
        const s = document.querySelector('.material-summary'), d = document.querySelector('.diff');
        return !!(s.compareDocumentPosition(d) & Node.DOCUMENT_POSITION_FOLLOWING); }""")
    assert above
    deleted, inserted = page.locator(".row .old del").all_inner_texts(), page.locator(".row .new ins").all_inner_texts()
    assert any("90" in text for text in deleted) and any("2 years" in text or "2" in text for text in inserted)
    assert page.locator(".row.move").count() >= 2 and page.get_by_text("moved from block").count() >= 1
    old_cell = page.locator(".row.replace .old").first.inner_text()
    assert HOSTILE in old_cell  # the tags are words on the page
    assert_inert(page)


def test_any_two_versions_are_compared_without_javascript(served, browser):
    _, base = served
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    visit(tab, base + "/policies/shop")
    tab.select_option("form.compare select[name=old]", "2")
    tab.select_option("form.compare select[name=new]", "1")
    tab.get_by_role("button", name="Show the diff").click()
    assert tab.url == base + "/policies/shop/diff/1/2"  # reversed picks come back in order
    assert "version 1 → 2" in tab.locator("h1").inner_text()
    assert tab.goto(base + "/policies/shop/diff/1/9").status == 404
    assert tab.goto(base + "/policies/nobody").status == 404
    context.close()


def test_the_alerts_page_matches_the_outbox_and_never_shows_a_channel_secret(served, page):
    site, base = served
    visit(page, base + "/alerts")
    rows = page.locator("table.alerts tbody tr")
    texts = rows.all_inner_texts()
    assert any("archive" in row and "delivered" in row for row in texts)
    assert any("hook" in row and "will retry" in row for row in texts)
    assert all("Keeps personal data 2 years instead of 90 days" in row for row in texts)
    for path in ("/", "/policies/shop", "/policies/captcha", "/alerts", "/policies/shop/diff/1/2"):
        assert SECRET not in get(base + path)[2].decode()
    assert_inert(page)


# -- the feeds ---------------------------------------------------------------------------------------------


def read_feed(url: str) -> tuple[lxml.etree._Element, feedparser.FeedParserDict]:
    status, headers, body = get(url)
    assert status == 200 and headers["content-type"].startswith("application/atom+xml")
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return lxml.etree.fromstring(body), parsed


def test_the_feed_of_all_policies_is_valid_atom_newest_first_with_stable_ids(served, page):
    _, base = served
    tree, parsed = read_feed(base + "/feed.atom")
    assert tree.tag == f"{ATOM}feed"
    assert tree.findtext(f"{ATOM}id") and tree.findtext(f"{ATOM}title") and tree.findtext(f"{ATOM}updated")
    entries = tree.findall(f"{ATOM}entry")
    assert len(entries) == 1  # one version of one policy changed materially
    for entry in entries:
        assert entry.findtext(f"{ATOM}id").startswith("tag:") and entry.findtext(f"{ATOM}updated")
    updated = [entry.updated_parsed for entry in parsed.entries]
    assert updated == sorted(updated, reverse=True)
    [entry] = parsed.entries
    assert entry.title.startswith("shop: Keeps personal data 2 years instead of 90 days")
    content = lxml.html.fragment_fromstring(entries[0].findtext(f"{ATOM}content"), create_parent="div")
    assert HOSTILE in content.text_content() and content.xpath("//script | //img") == []
    again, _ = read_feed(base + "/feed.atom")
    assert [e.findtext(f"{ATOM}id") for e in again.findall(f"{ATOM}entry")] == [e.findtext(f"{ATOM}id") for e in entries]
    assert entry.link == base + "/policies/shop/diff/1/2"
    visit(page, entry.link)  # the entry's link opens the diff page
    assert "version 1 → 2" in page.locator("h1").inner_text()


def test_a_policy_feed_holds_only_that_policy(served):
    _, base = served
    _, shop = read_feed(base + "/policies/shop/feed.atom")
    assert [entry.title.split(":")[0] for entry in shop.entries] == ["shop"]
    assert shop.feed.links[0].href == base + "/policies/shop/feed.atom"
    _, captcha = read_feed(base + "/policies/captcha/feed.atom")
    assert captcha.entries == [] and captcha.feed.updated
    assert get(base + "/policies/nobody/feed.atom")[0] == 404


def test_browsing_leaves_the_database_as_it_was(served):
    site, base = served
    before = site.fingerprint()
    for path in ("/", "/policies/shop", "/policies/captcha", "/policies/fresh", "/policies/shop/diff/1/2", "/alerts",
                 "/feed.atom", "/policies/shop/feed.atom"):
        assert get(base + path)[0] == 200, path
    assert site.fingerprint() == before


def test_the_view_follows_edits_of_the_watchlist(served, page):
    site, base = served
    site.cli("add", "https://later.example/privacy", "--name", "later")
    visit(page, base + "/")
    assert "never checked" in page.locator("li.card", has=page.get_by_role("link", name="later", exact=True)).inner_text()
    site.watchlist.write_text(site.watchlist.read_text(encoding="utf-8") + "  - oops\n", encoding="utf-8")
    visit(page, base + "/")  # a broken edit: the last good watchlist stays, and the page says why
    assert "must be a mapping" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("link", name="later", exact=True).count() == 1


def test_channel_urls_and_tokens_are_redacted_from_any_text_shown():
    from monitor.web.app import channel_secrets, redact

    secrets = channel_secrets({
        "team": {"kind": "webhook", "url": "https://user:pa55word@hooks.example.com/services/T000/B000/XXXX"},
        "chat": {"kind": "apprise", "url": "tgram://123456:ABC-token/987"},
        "legal": {"kind": "email", "to": "legal@example.com"},
    })
    shown = redact("POST https://user:pa55word@hooks.example.com/services/T000/B000/XXXX failed; "
                   "/services/T000/B000/XXXX again; tgram 123456:ABC-token said no; mail legal@example.com; "
                   "webhook hooks.example.com: HTTP 500", secrets)
    for secret in ("XXXX", "pa55word", "ABC-token"):
        assert secret not in shown
    assert "webhook hooks.example.com: HTTP 500" in shown and "legal@example.com" in shown  # no secret in those
