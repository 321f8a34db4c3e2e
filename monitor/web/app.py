"""The web view's pages: a Starlette application over the watchlist's database, read-only.

Every page is rendered on the server from Jinja2 templates (autoescaped: page text from the
watched sites is shown as text, never as markup) and served with a strict Content-Security-Policy
that allows no script at all and styles only from this server. The database is opened read-only
for each request (SQLite refuses any write on that connection), and only GET exists: no page can
change anything. Nothing of the watchlist's channels is ever shown but their names; any text that
might carry a channel's URL or token (a delivery error) is redacted first.
"""

from __future__ import annotations

import functools
import html
import threading
from collections import OrderedDict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from basics.errors import PolicyMonitorError
from basics.severity import severity_rank
from monitor import __version__
from monitor.overview import (
    alert_status, alert_title, fact_timeline, next_check_words, outcome_label, policy_statuses, values_in_words,
)
from monitor.watchlist import Watchlist, database_path, file_stamp, load_watchlist
from store import Store

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
"""No script from anywhere, styles only from /static, forms only to this server, never in a frame."""
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
STATIC_FILES = {"style.css": "text/css; charset=utf-8", "icon.svg": "image/svg+xml"}
FEED_ENTRIES = 100
"""Newest material changes in a feed."""
TIMELINE_VERSIONS = 200
"""Newest versions on a policy's page."""
RECENT_CHECKS = 10
FACT_CACHE_VERSIONS = 4096
"""Versions whose facts, derived in memory for a version the CLI never derived, are kept."""
REDACTED = "[hidden]"
SECRET_FIELDS = ("url", "token", "secret", "password", "key", "webhook")
"""Channel fields whose values are never shown (an URL carries the webhook's or the bot's token)."""


# -- what a page must never show ------------------------------------------------------------------


def channel_secrets(channels: dict[str, dict]) -> list[str]:
    """Strings of the channels' settings that must not appear on a page: their URLs (whole, without
    the scheme, their paths and queries, which carry the tokens) and any token-like field."""
    found: set[str] = set()
    for config in channels.values():
        for field, value in config.items():
            if not isinstance(value, str) or not any(word in field.lower() for word in SECRET_FIELDS):
                continue
            found.add(value)
            if "://" in value:
                parts = urlsplit(value)
                found.add(value.split("://", 1)[1])
                found.update(part for part in (parts.path, parts.query) if len(part) > 1)
                if parts.scheme.lower() not in ("http", "https"):
                    found.add(parts.netloc)  # an Apprise URL's "host" is often the bot's token
                elif "@" in parts.netloc:
                    found.add(parts.netloc.rsplit("@", 1)[0])  # user:password
    ordered = sorted((text for text in found if len(text) >= 4), key=len, reverse=True)
    return ordered + [html.escape(text) for text in ordered if html.escape(text) != text]


def redact(value: Any, secrets: list[str]) -> Any:
    """`value` with every secret replaced by "[hidden]" (markup stays markup)."""
    if not secrets or not isinstance(value, str):
        return value
    text = str(value)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return Markup(text) if isinstance(value, Markup) else text


# -- the watchlist, re-read when it changes --------------------------------------------------------


class WatchlistFile:
    """The watchlist, loaded again when its file changes (a broken edit keeps the last good one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp = file_stamp(path)
        self.watchlist = load_watchlist(path)
        self.problem: str | None = None
        self.secrets = channel_secrets(self.watchlist.channels)

    def current(self) -> Watchlist:
        stamp = file_stamp(self.path)
        with self._lock:
            if stamp != self._stamp:
                self._stamp = stamp
                try:
                    self.watchlist = load_watchlist(self.path)
                    self.problem = None
                    self.secrets = channel_secrets(self.watchlist.channels)
                except PolicyMonitorError as exc:
                    self.problem = f"{exc} (showing the watchlist as it was before)"
            return self.watchlist


# -- security headers and the Host check ------------------------------------------------------------


class Guard:
    """ASGI middleware: the security headers on every answer, and, on a loopback server, only
    requests addressed to a loopback name (a web page elsewhere cannot reach it by DNS rebinding)."""

    def __init__(self, app: ASGIApp, loopback_only: bool) -> None:
        self.app, self.loopback_only = app, loopback_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        if self.loopback_only and _host_name(scope) not in LOOPBACK_HOSTS:
            response = Response("this server answers only to 127.0.0.1 and localhost\n", status_code=421,
                                media_type="text/plain; charset=utf-8")
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def _host_name(scope: Scope) -> str:
    """The Host header's name without its port (`[::1]:8000` → `::1`)."""
    host = next((value.decode("latin-1") for name, value in scope.get("headers", []) if name == b"host"), "")
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


# -- the pages ----------------------------------------------------------------------------------------


@dataclass
class TimelineVersion:
    """A version as the timeline shows it."""

    seq: int
    first_seen: str
    last_seen: str
    origin: str
    material: bool | None
    summary: str
    changes: list[dict]


class Site:
    """The handlers of every page, over one watchlist and its database."""

    def __init__(self, watchlist_path: Path) -> None:
        self.watchlist_file = WatchlistFile(watchlist_path)
        self.templates = Environment(
            loader=PackageLoader("monitor.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            finalize=lambda value: redact(value, self.watchlist_file.secrets),
            trim_blocks=True, lstrip_blocks=True,
        )
        self.templates.filters.update(when=_when, words=values_in_words, outcome=outcome_label)
        self.templates.globals.update(next_check=lambda status: next_check_words(status.next_check, status.due))
        self._facts: OrderedDict[tuple[str, int], dict] = OrderedDict()
        self._facts_lock = threading.Lock()

    # -- helpers -----------------------------------------------------------------------------

    def watchlist(self) -> Watchlist:
        return self.watchlist_file.current()

    def store(self) -> Store | None:
        """The database, read-only; None while nothing was ever checked."""
        path = database_path(self.watchlist())
        return Store(path, read_only=True) if path.exists() else None

    def page(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        body = self.templates.get_template(template).render(
            request=request, version=__version__, watchlist=self.watchlist_file.path,
            problem=self.watchlist_file.problem, **context,
        )
        return HTMLResponse(body, status_code=status_code)

    def policy_known(self, store: Store | None, name: str) -> int | None:
        """The policy's id (None: in the watchlist, never checked); 404 when nobody knows it."""
        pid = store.policy_id(name) if store is not None else None
        if pid is None and all(entry.name != name for entry in self.watchlist().policies):
            raise HTTPException(404, f"no policy named {name!r}")
        return pid

    # -- pages -------------------------------------------------------------------------------

    def index(self, request: Request) -> HTMLResponse:
        watchlist = self.watchlist()
        store = self.store()
        try:
            statuses = policy_statuses(list(watchlist.policies), store)
            watched = {entry.name for entry in watchlist.policies}
            removed = [row["name"] for row in store.policies() if row["name"] not in watched] if store else []
        finally:
            if store is not None:
                store.close()
        return self.page(request, "index.html", statuses=statuses, removed=removed, now=_now())

    def policy(self, request: Request) -> HTMLResponse:
        name = request.path_params["name"]
        store = self.store()
        try:
            pid = self.policy_known(store, name)
            entry = next((e for e in self.watchlist().policies if e.name == name), None)
            status = policy_statuses([entry], store)[0] if entry is not None else None
            versions, checks, facts, total = [], [], {}, 0
            if store is not None and pid is not None:
                versions, total = self._timeline(store, pid, name), store.version_count(pid)
                checks = store.checks(pid, limit=RECENT_CHECKS)
                facts = fact_timeline(self._fact_history(store, pid))
            url = entry.url if entry is not None else (store.query("SELECT url FROM policies WHERE id = ?", (pid,))
                                                        [0]["url"] if store is not None and pid is not None else "")
        finally:
            if store is not None:
                store.close()
        return self.page(request, "policy.html", name=name, url=url, entry=entry, status=status,
                         versions=versions, total=total, checks=checks, facts=facts, now=_now())

    def diff_form(self, request: Request) -> Response:
        """The compare form's GET (`?old=1&new=3`) → the diff page's own address."""
        name = request.path_params["name"]
        try:
            old, new = int(request.query_params["old"]), int(request.query_params["new"])
        except (KeyError, ValueError):
            raise HTTPException(400, "pick two version numbers to compare") from None
        return RedirectResponse(request.url_for("diff", name=name, old=old, new=new).path, status_code=303)

    def diff(self, request: Request) -> Response:
        from monitor.textdiff import diff_texts, render_html_diff, render_html_stats

        name = request.path_params["name"]
        old_seq, new_seq = request.path_params["old"], request.path_params["new"]
        if old_seq > new_seq:
            return RedirectResponse(request.url_for("diff", name=name, old=new_seq, new=old_seq).path, status_code=303)
        store = self.store()
        try:
            pid = self.policy_known(store, name)
            if store is None or pid is None:
                raise HTTPException(404, f"policy {name!r} has no version yet")
            old, new = self._version(store, pid, name, old_seq), self._version(store, pid, name, new_seq)
            between = [v for v in self._timeline(store, pid, name, since=old_seq) if old_seq < v.seq <= new_seq]
            seqs = [v.seq for v in store.versions(pid)]
        finally:
            store.close()
        diff = diff_texts(old.text, new.text)
        old_label, new_label = f"version {old.seq} ({_when(old.first_seen)})", f"version {new.seq} ({_when(new.first_seen)})"
        return self.page(
            request, "diff.html", name=name, old=old, new=new, between=between, seqs=seqs,
            stats=Markup(render_html_stats(diff)), diff=Markup(render_html_diff(diff, old_label, new_label)),
        )

    def alerts(self, request: Request) -> HTMLResponse:
        from store.outbox import list_alerts

        status = request.query_params.get("status") or None
        if status not in (None, "pending", "delivered", "failed"):
            raise HTTPException(400, "status is one of pending, delivered, failed")
        store = self.store()
        try:
            rows = list_alerts(store, status=status, limit=500) if store is not None else []
        finally:
            if store is not None:
                store.close()
        alerts = [{**row, "title": alert_title(row), "status_words": alert_status(row)} for row in rows]
        return self.page(request, "alerts.html", alerts=alerts, status=status)

    def feed(self, request: Request) -> Response:
        return self._feed(request, None)

    def policy_feed(self, request: Request) -> Response:
        return self._feed(request, request.path_params["name"])

    def static(self, request: Request) -> Response:
        name = request.path_params["file"]
        if name == "diff.css":
            from monitor.textdiff import DIFF_CSS

            return Response(DIFF_CSS, media_type="text/css; charset=utf-8", headers=_CACHE)
        if name not in STATIC_FILES:
            raise HTTPException(404, "no such file")
        return Response(_static(name), media_type=STATIC_FILES[name], headers=_CACHE)

    async def not_found(self, request: Request, exc: HTTPException) -> HTMLResponse:
        return self.page(request, "error.html", status_code=exc.status_code, message=exc.detail)

    async def unreadable(self, request: Request, exc: Exception) -> HTMLResponse:
        """The database cannot be read (another version's, damaged): said in one line, no traceback."""
        return self.page(request, "error.html", status_code=500, message=str(exc))

    # -- data -----------------------------------------------------------------------------------

    def _feed(self, request: Request, name: str | None) -> Response:
        from monitor.web.feeds import atom_feed

        store = self.store()
        try:
            if name is not None:
                self.policy_known(store, name)
            rows = store.changes(policy=name, material=True, limit=FEED_ENTRIES * 8) if store is not None else []
        finally:
            if store is not None:
                store.close()
        base = str(request.base_url).rstrip("/")
        body = atom_feed(rows, base, name, FEED_ENTRIES)
        return Response(body, media_type="application/atom+xml; charset=utf-8")

    def _version(self, store: Store, pid: int, name: str, seq: int) -> Any:
        try:
            return store.get_version(pid, seq)
        except PolicyMonitorError:
            raise HTTPException(404, f"policy {name!r} has no version {seq}") from None

    def _timeline(self, store: Store, pid: int, name: str, since: int | None = None) -> list[TimelineVersion]:
        """The newest versions (newest first) with the changes that made each."""
        summaries = store.versions(pid, limit=None if since is not None else TIMELINE_VERSIONS)
        if since is not None:
            summaries = [v for v in summaries if v.seq > since]
        changes: dict[int, list[dict]] = {}
        for change in store.changes(policy=name, limit=None):
            changes.setdefault(change["seq"], []).append(change)
        return [
            TimelineVersion(v.seq, v.first_seen, v.last_seen, v.origin, v.material, v.summary or "",
                    sorted(changes.get(v.seq, []), key=lambda c: (not c["material"], _rank(c["severity"]))))
            for v in reversed(summaries)
        ]

    def _fact_history(self, store: Store, pid: int) -> list[dict]:
        """Every version's facts: those the CLI derived and stored, the others derived here, in
        memory (the database stays untouched) and kept for the next request."""
        history = store.fact_history(pid)
        missing = store.versions_without_facts(pid)
        if missing:
            from monitor.analysis import extract_facts

            by_id = {entry["version_id"]: entry for entry in history}
            for version_id, text, language in missing:
                key = (str(store.path), version_id)
                with self._facts_lock:
                    facts = self._facts.get(key)
                if facts is None:
                    facts = extract_facts(text, lang_hint=language)
                    with self._facts_lock:
                        self._facts[key] = facts
                        while len(self._facts) > FACT_CACHE_VERSIONS:
                            self._facts.popitem(last=False)
                by_id[version_id]["facts"] = facts
        return history


_CACHE = {"cache-control": "public, max-age=3600"}


def _rank(severity: str) -> int:
    return -severity_rank(severity)


@functools.lru_cache(maxsize=None)
def _static(name: str) -> str:
    return resources.files("monitor.web").joinpath("static", name).read_text(encoding="utf-8")


def _now() -> Any:
    from basics.timestamps import now

    return now()


def _when(timestamp: str | None) -> str:
    """`2026-11-22T01:30:00Z` → `2026-11-22 01:30 UTC`."""
    if not timestamp:
        return ""
    return timestamp.replace("T", " ")[:16] + " UTC"


def create_app(watchlist_path: Path, loopback_only: bool = True) -> ASGIApp:
    """The web view of the watchlist at `watchlist_path` as an ASGI application."""
    site = Site(Path(watchlist_path))
    routes = [
        Route("/", site.index, name="index"),
        Route("/alerts", site.alerts, name="alerts"),
        Route("/feed.atom", site.feed, name="feed"),
        Route("/policies/{name}", site.policy, name="policy"),
        Route("/policies/{name}/feed.atom", site.policy_feed, name="policy_feed"),
        Route("/policies/{name}/diff", site.diff_form, name="diff_form"),
        Route("/policies/{name}/diff/{old:int}/{new:int}", site.diff, name="diff"),
        Route("/static/{file}", site.static, name="static"),
        Route("/favicon.ico", lambda request: RedirectResponse("/static/icon.svg", status_code=301)),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: site.not_found,
                                                       PolicyMonitorError: site.unreadable})
    return Guard(app, loopback_only)
