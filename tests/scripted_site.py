"""A policy site on 127.0.0.1 whose pages are empty shells that a script fills in, for the browser
tests and `benchmarks/bench_browser.py`.

`/privacy` (and `/policy/N`, page N of a benchmark) is served as a shell: a title, a "Loading…"
placeholder, an image, a font, a video, a cookie banner (unless the `consent=yes` cookie is sent)
and a footer whose build token changes on every load. Its script waits `delay_ms`, then fetches
`/api/policy` and puts the policy in as `<main id="policy">`. `/static/privacy` (and
`/static/N`) serve the same policy in the HTML itself, as a server-rendered twin.

    site = ScriptedSite(delay_ms=300)
    site.url("/privacy")
    site.set_policy(retention="5 years")     # what the next loads show
    site.requests("/api/policy")             # headers of each request for a path, oldest first
    site.api_base = other.base_url           # the script fetches the policy from another origin
"""

from __future__ import annotations

import json
import random
import threading
from html import escape

from conftest import LoopbackServer, QuietHandler

POLICY_TEMPLATE = (
    "# Privacy policy of {brand}",
    "This policy explains which personal data {brand} collects when you use our shop, why we use it, "
    "and the rights you have over it.",
    "# What we collect",
    "We collect your name, your postal address, your e-mail address and the list of your orders.",
    "# How long we keep it",
    "We keep your personal data for {retention} after your last order, then delete it.",
    "# Your rights",
    "You may ask for a copy of your data, have it corrected or deleted, and object to its use. "
    "Write to privacy@example.com; we answer within one month.",
)
BLOCKED_PATHS = ("/logo.png", "/font.woff2", "/clip.mp4")
"""What the shell refers to that a policy never needs: the browser must not load them."""


def policy_html(brand: str = "Example Shop", retention: str = "2 years") -> str:
    """The policy as HTML blocks (headings and paragraphs)."""
    blocks = []
    for line in POLICY_TEMPLATE:
        text = escape(line.format(brand=brand, retention=retention))
        blocks.append(f"<h2>{text[2:]}</h2>" if text.startswith("# ") else f"<p>{text}</p>")
    return "".join(blocks)


def shell_page(api_path: str, delay_ms: int, consent: bool) -> str:
    """The page as served: no policy in it, just what will fetch and insert it."""
    banner = "" if consent else (
        "<div class='cookie-banner'>We use cookies to improve your experience. <button>Accept all</button></div>"
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Privacy policy</title>"
        "<link rel='preload' href='/font.woff2' as='font' type='font/woff2' crossorigin>"
        f"<script src='/app.js?api={api_path}&delay={delay_ms}' defer></script></head>"
        "<body><header><a href='/'>Home</a></header>"
        "<div id='app'><p>Loading…</p></div><img src='/logo.png' alt='logo'>"
        "<video src='/clip.mp4' autoplay muted></video>"
        f"{banner}<footer>Build <span class='token'>{random.getrandbits(64):016x}</span></footer></body></html>"
    )


def static_page(policy: str) -> str:
    """The same policy rendered by the server (what a page needing no browser looks like)."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Privacy policy</title></head>"
        f"<body><header><a href='/'>Home</a></header><main id='policy'>{policy}</main>"
        f"<footer>Build <span class='token'>{random.getrandbits(64):016x}</span></footer></body></html>"
    )


APP_JS = """
(function () {
  var params = new URLSearchParams(document.currentScript.src.split('?')[1]);
  setTimeout(function () {
    fetch(params.get('api')).then(function (r) { return r.json(); }).then(function (data) {
      document.getElementById('app').innerHTML = '<main id="policy">' + data.html + '</main>';
    });
  }, Number(params.get('delay')));
})();
"""


class ScriptedSite(LoopbackServer):
    """The site, served from a daemon thread until `close` (threaded, HTTP/1.1 keep-alive)."""

    def __init__(self, delay_ms: int = 300) -> None:
        self.delay_ms = delay_ms
        self.api_base = ""
        """Where the shell's script fetches the policy from ("": this site)."""
        self._policy = {"brand": "Example Shop", "retention": "2 years"}
        self._requests: dict[str, list[dict[str, str]]] = {}
        self._lock = threading.Lock()
        self._serve(self._handler_class())

    def url(self, path: str = "/privacy") -> str:
        return self.base_url + path

    def set_policy(self, **fields: str) -> None:
        """Change the policy (`brand`, `retention`) for every load from now on."""
        with self._lock:
            self._policy.update(fields)

    def requests(self, path: str) -> list[dict[str, str]]:
        """Headers (lower-case names) of every request for `path` (query left out), oldest first."""
        with self._lock:
            return list(self._requests.get(path, []))

    def _answer(self, path: str, headers: dict[str, str]) -> tuple[int, str, bytes, dict[str, str]]:
        """(status, content type, body, extra headers) for one GET."""
        with self._lock:
            self._requests.setdefault(path, []).append(headers)
            policy = dict(self._policy)
        consent = "consent=yes" in headers.get("cookie", "")
        if path == "/privacy" or path.startswith("/policy/"):
            number = path.rsplit("/", 1)[-1]
            api = self.api_base + ("/api/policy" if path == "/privacy" else f"/api/policy/{number}")
            return 200, "text/html; charset=utf-8", shell_page(api, self.delay_ms, consent).encode(), {}
        if path == "/api/policy" or path.startswith("/api/policy/"):
            brand = policy["brand"] if path == "/api/policy" else f"Shop {path.rsplit('/', 1)[-1]}"
            body = json.dumps({"html": policy_html(brand, policy["retention"])})
            return 200, "application/json", body.encode(), {"Cache-Control": "no-store",
                                                            "Access-Control-Allow-Origin": "*"}
        if path == "/static/privacy" or path.startswith("/static/"):
            number = path.rsplit("/", 1)[-1]
            brand = policy["brand"] if number == "privacy" else f"Shop {number}"
            return 200, "text/html; charset=utf-8", static_page(policy_html(brand, policy["retention"])).encode(), {}
        if path == "/app.js":
            return 200, "text/javascript", APP_JS.encode(), {}
        if path == "/set-cookie":
            return 200, "text/html; charset=utf-8", b"<p>cookie set</p>", {"Set-Cookie": "tracker=abc; Path=/"}
        if path in BLOCKED_PATHS:
            return 200, "application/octet-stream", b"\0" * 2048, {}
        return 404, "text/html; charset=utf-8", b"<h1>404 Not Found</h1>", {}

    def _handler_class(self) -> type[QuietHandler]:
        site = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                headers = {name.lower(): value for name, value in self.headers.items()}
                status, content_type, body, extra = site._answer(self.path.partition("?")[0], headers)
                self.reply(status, body, {"Content-Type": content_type, **extra})

        return Handler
