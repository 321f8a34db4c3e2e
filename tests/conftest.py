"""Shared test fixtures: a real HTTP server on 127.0.0.1 whose pages can change between checks,
and a throw-away watchlist pointing at it.

`policy_server` (function scope) is a `PolicyServer`:

    policy_server.set("/privacy", "<html>...</html>")               # 200, text/html; charset=utf-8
    policy_server.set("/gone", "nope", status=404)
    policy_server.set("/p", body, content_type="application/pdf", headers={"X-Foo": "1"})
    policy_server.set("/p", body, etag='"v1"')                        # answers 304 to If-None-Match: "v1"
    policy_server.set("/slow", body, delay=2.0)                       # waits before answering
    policy_server.queue("/p", "first", "second")                      # served once each, then the set page
    policy_server.url("/privacy")                                     # http://127.0.0.1:PORT/privacy
    policy_server.requests("/privacy")                                # request headers seen, oldest first

`webhook_receiver(fail_first=0)` starts a `WebhookReceiver`: it records every alert POSTed to
`receiver.url` (`requests`: path, headers, JSON body, client address; `attempts` / `delivered`: the
alert ids tried / accepted) and answers 500 to the first `fail_first` requests.

`tmp_watchlist(policies=[...], settings={...}, channels={...})` writes a watchlist.yaml in tmp_path
(database next to it, confirmation delay 0, one `file` channel `archive`) and returns its Path.

Fixture files: `FIXTURES`, `SEEDS_DIR` (real scraped policies), `BENCH_CASES`, `EVAL_CASES`, and
`REPO_ROOT`. `seed_text(index)` reads one seed policy; `seed_html(index)` makes it an HTML page;
`bench_page(case, "old" | "new")` reads one page of a benchmark case.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from ruamel.yaml import YAML

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = REPO_ROOT / "tests" / "fixtures"
SEEDS_DIR = FIXTURES / "seeds"
SEEDS = sorted(SEEDS_DIR.glob("*.txt"))
BENCH_CASES = FIXTURES / "bench" / "cases"
EVAL_CASES = FIXTURES / "eval"


@dataclass
class Page:
    """What the server answers for one path."""

    body: bytes
    status: int = 200
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    delay: float = 0.0


def _as_bytes(body: str | bytes) -> bytes:
    return body.encode("utf-8") if isinstance(body, str) else body


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that speaks HTTP/1.1 (keep-alive, as real servers do) and logs nothing."""

    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        """Send a whole response; a client gone meanwhile is no error."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client killed mid-request (as the signal tests do) is no error of the server's."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 (a free port), serving from a daemon thread until `close`."""

    def _serve(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class PolicyServer(LoopbackServer):
    """A threaded HTTP server on 127.0.0.1; pages are changed with `set` between checks."""

    def __init__(self) -> None:
        self._pages: dict[str, Page] = {}
        self._queued: dict[str, list[Page]] = {}
        self._requests: dict[str, list[dict[str, str]]] = {}
        self._lock = threading.Lock()
        self._serve(self._handler_class())

    def url(self, path: str) -> str:
        return self.base_url + path

    def _page(self, body: str | bytes, **options: Any) -> Page:
        return Page(body=_as_bytes(body), **options)

    def set(
        self,
        path: str,
        body: str | bytes,
        content_type: str | None = "text/html; charset=utf-8",
        status: int = 200,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Serve `body` at `path` from now on (until the next `set`)."""
        page = self._page(body, status=status, content_type=content_type, headers=dict(headers or {}),
                          etag=etag, last_modified=last_modified, delay=delay)
        with self._lock:
            self._pages[path] = page

    def queue(self, path: str, *bodies: str | bytes, content_type: str = "text/html; charset=utf-8") -> None:
        """Serve each of `bodies` once, in order, before falling back to the `set` page."""
        with self._lock:
            self._queued.setdefault(path, []).extend(
                self._page(body, content_type=content_type) for body in bodies
            )

    def requests(self, path: str) -> list[dict[str, str]]:
        """Headers of every request made for `path` (lower-case names), oldest first."""
        with self._lock:
            return list(self._requests.get(path, []))

    def _next_page(self, path: str, headers: dict[str, str]) -> Page | None:
        with self._lock:
            self._requests.setdefault(path, []).append(headers)
            queued = self._queued.get(path)
            if queued:
                return queued.pop(0)
            return self._pages.get(path)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                path = self.path.split("?", 1)[0]
                headers = {k.lower(): v for k, v in self.headers.items()}
                headers["x-test-peer-port"] = str(self.client_address[1])  # which connection asked
                page = server._next_page(path, headers)
                if page is None:
                    page = Page(body=b"<html><body><h1>404 Not Found</h1></body></html>", status=404)
                if page.delay:
                    time.sleep(page.delay)
                not_modified = (
                    page.status == 200
                    and ((page.etag and headers.get("if-none-match") == page.etag)
                         or (page.last_modified and not page.etag
                             and headers.get("if-modified-since") == page.last_modified))
                )
                sent: dict[str, str] = {}
                if page.content_type and not not_modified:
                    sent["Content-Type"] = page.content_type
                if page.etag:
                    sent["ETag"] = page.etag
                if page.last_modified:
                    sent["Last-Modified"] = page.last_modified
                self.reply(304 if not_modified else page.status, b"" if not_modified else page.body,
                           {**sent, **page.headers})

        return Handler


@pytest.fixture
def policy_server() -> Iterator[PolicyServer]:
    """A `PolicyServer` on 127.0.0.1 serving no page yet; shut down after the test."""
    server = PolicyServer()
    yield server
    server.close()


class WebhookReceiver(LoopbackServer):
    """An HTTP/1.1 (keep-alive) server on 127.0.0.1 recording every POSTed alert; answers 500 to the
    first `fail_first` requests and 200 to the others."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.requests: list[dict[str, Any]] = []
        """Each POST, oldest first: `path`, `headers` (as sent), `body` (parsed JSON), `client` (address)."""
        self._lock = threading.Lock()
        receiver = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                with receiver._lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                              "client": self.client_address})
                    accept = len(receiver.requests) > receiver.fail_first
                self.reply(200 if accept else 500, b"", {})

        self._serve(Handler)
        self.url = self.base_url + "/hook"

    def _received(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.requests)

    @property
    def accepted(self) -> list[dict[str, Any]]:
        """The requests answered 200."""
        return self._received()[self.fail_first:]

    @property
    def attempts(self) -> list[str | None]:
        """The alert id of every request, oldest first (None for a body without one, e.g. Apprise's)."""
        return [request["body"].get("id") for request in self._received()]

    @property
    def delivered(self) -> list[str | None]:
        """The alert id of every accepted request, oldest first."""
        return [request["body"].get("id") for request in self.accepted]


@pytest.fixture
def webhook_receiver() -> Iterator[Callable[..., WebhookReceiver]]:
    """Factory starting a `WebhookReceiver(fail_first=...)`; all are shut down after the test."""
    started: list[WebhookReceiver] = []

    def start(fail_first: int = 0) -> WebhookReceiver:
        started.append(WebhookReceiver(fail_first))
        return started[-1]

    yield start
    for receiver in started:
        receiver.close()


def wait_for(condition: Callable[[], Any], timeout: float = 20.0, what: str = "condition") -> Any:
    """Poll `condition` until it is truthy (and return it), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def unused_port() -> int:
    """A loopback port nothing listens on (bound then released), for "connection refused" cases."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_text(index: int) -> str:
    """The text of one real scraped policy from tests/fixtures/seeds (0-4: fr, ru, nl, cs, es)."""
    return SEEDS[index].read_text(encoding="utf-8")


def bench_page(case: str, side: str) -> str:
    """The `old` or `new` HTML page of one benchmark case in tests/fixtures/bench/cases."""
    return (BENCH_CASES / case / f"{side}.html").read_text(encoding="utf-8")


def seed_html(index: int, title: str = "Privacy policy", extra: str = "") -> str:
    """A seed policy as an HTML page: paragraphs in <main>, with a nav and footer around it."""
    paragraphs = [line.strip() for line in seed_text(index).splitlines() if line.strip()]
    body = "\n".join(f"<p>{escape(line)}</p>" for line in paragraphs)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><main>{body}{extra}</main>"
        f"<footer>Footer</footer></body></html>"
    )


def policy_page(*paragraphs: str, title: str = "Privacy policy", lang: str = "en") -> str:
    """A small HTML policy page from paragraphs (a `# ` prefix makes a heading)."""
    blocks = []
    for text in paragraphs:
        if text.startswith("# "):
            blocks.append(f"<h2>{escape(text[2:])}</h2>")
        else:
            blocks.append(f"<p>{escape(text)}</p>")
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{escape(title)}</title></head>"
        f"<body><main><h1>{escape(title)}</h1>{''.join(blocks)}</main></body></html>"
    )


@pytest.fixture
def tmp_watchlist(tmp_path: Path) -> Callable[..., Path]:
    """Factory writing `tmp_path/watchlist.yaml`; settings default to fast, test-friendly values."""

    def write(
        policies: list[dict[str, Any]] | None = None,
        settings: dict[str, Any] | None = None,
        channels: dict[str, dict[str, Any]] | None = None,
        defaults: dict[str, Any] | None = None,
    ) -> Path:
        document = {
            "settings": {"database": "policy-monitor.db", "confirm_delay": 0, "timeout": 5, "retries": 0,
                         **(settings or {})},
            "defaults": {"every": "1d", "alerts": ["archive"], **(defaults or {})},
            "channels": channels if channels is not None else {"archive": {"kind": "file", "path": "alert-archive"}},
            "policies": list(policies or []),
        }
        path = tmp_path / "watchlist.yaml"
        yaml = YAML()
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(document, handle)
        return path

    return write


# -- the command line as a separate process ----------------------------------------------------------

CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


def _without_permission_override() -> None:
    """In a child about to exec: root loses its power to ignore file permissions (the capabilities
    leave the bounding set, so the exec'd program never has them), so a read-only file or folder
    is read-only for it as for anyone. Nothing to do for another user."""
    if os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_cli(folder: Path, *args: str, permissions_apply: bool = False, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`python -m monitor ARGS` in `folder`, as a user runs it; `permissions_apply`: file modes hold
    for it even when the tests run as root."""
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args], cwd=folder, capture_output=True, text=True, timeout=timeout,
        preexec_fn=_without_permission_override if permissions_apply else None,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


@pytest.fixture
def permissions_apply() -> None:
    """Skips a test that needs file permissions to hold for its CLI process when they cannot here."""
    try:
        subprocess.run([sys.executable, "-c", "pass"], preexec_fn=_without_permission_override, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        pytest.skip(f"cannot make file permissions apply to root here ({exc})")


def assert_one_line_error(result: subprocess.CompletedProcess, *, code: int, says: str) -> None:
    """The process failed with `code` and said why in one line, without a traceback."""
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, (result.returncode, result.stdout[-500:], result.stderr)
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    assert says in result.stderr, result.stderr
