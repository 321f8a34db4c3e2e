"""Fetching policy pages over real HTTP on loopback: limits, retries, validators, failures."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import unused_port
from monitor.fetch import Fetcher, FetchResult, address_kind, redirect_allowed
from monitor.watchlist import DEFAULT_USER_AGENT, Settings

Handler = Callable[[BaseHTTPRequestHandler], None]


def respond(request: BaseHTTPRequestHandler, status: int, body: bytes = b"",
            headers: dict[str, str] | None = None) -> None:
    request.send_response(status)
    headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    for name, value in headers.items():
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


class LocalServer:
    """A threaded HTTP/1.1 server on a loopback address with per-path handlers."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with server._lock:
                    server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    server.routes.get(self.path, lambda r: respond(r, 404, b"not found"))(self)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, 0), RequestHandler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.base = f"http://{host}:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LocalServer]:
    local = LocalServer()
    yield local
    local.close()


def fetch(url: str, etag: str | None = None, last_modified: str | None = None, **settings) -> FetchResult:
    settings.setdefault("backoff_base", 0.01)
    settings.setdefault("timeout", 2.0)

    async def run() -> FetchResult:
        async with Fetcher(Settings(**settings)) as fetcher:
            return await fetcher.fetch(url, etag=etag, last_modified=last_modified)

    return asyncio.run(run())


# -- success and validators -----------------------------------------------------------------


def test_a_page_is_fetched_with_its_headers_and_our_user_agent(server):
    page = b"<html><body><h1>Privacy</h1></body></html>"
    server.routes["/privacy"] = lambda r: respond(r, 200, page, {"ETag": '"v1"',
                                                                 "Last-Modified": "Wed, 01 Jan 2026 00:00:00 GMT"})
    result = fetch(server.url("/privacy"))
    assert result.ok and result.error is None
    assert (result.status, result.body, result.not_modified) == (200, page, False)
    assert result.content_type == "text/html; charset=utf-8"
    assert (result.etag, result.last_modified) == ('"v1"', "Wed, 01 Jan 2026 00:00:00 GMT")
    assert result.headers["etag"] == '"v1"'
    assert len(result.attempts) == 1 and result.attempts[0].status == 200
    assert result.attempts[0].started_at.endswith("Z")
    [(_, headers)] = server.requests
    assert headers["user-agent"] == DEFAULT_USER_AGENT
    assert "if-none-match" not in headers


def test_validators_make_a_conditional_request_and_304_means_not_modified(server):
    def conditional(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == '"v1"':
            respond(request, 304, headers={"ETag": '"v1"'})
        else:
            respond(request, 200, b"<p>changed</p>", {"ETag": '"v2"'})

    server.routes["/privacy"] = conditional
    result = fetch(server.url("/privacy"), etag='"v1"', last_modified="Wed, 01 Jan 2026 00:00:00 GMT")
    assert result.ok and result.not_modified and result.status == 304 and result.body == b""
    assert server.requests[0][1]["if-modified-since"] == "Wed, 01 Jan 2026 00:00:00 GMT"
    changed = fetch(server.url("/privacy"), etag='"v0"')
    assert changed.ok and not changed.not_modified and changed.etag == '"v2"'


def test_body_bytes_come_back_untouched_with_their_charset(server):
    body = "<p>Политика конфиденциальности</p>".encode("windows-1251")
    server.routes["/ru"] = lambda r: respond(r, 200, body, {"Content-Type": "text/html; charset=windows-1251"})
    result = fetch(server.url("/ru"))
    assert result.body == body
    assert result.content_type == "text/html; charset=windows-1251"


def test_octet_stream_that_is_really_text_is_accepted(server):
    server.routes["/policy.md"] = lambda r: respond(r, 200, b"# Privacy\nWe keep logs 30 days.",
                                                    {"Content-Type": "application/octet-stream"})
    assert fetch(server.url("/policy.md")).ok


# -- failures that are not retried ----------------------------------------------------------


def test_a_missing_page_is_an_error_not_an_exception(server):
    result = fetch(server.url("/gone"))
    assert not result.ok and result.error == "HTTP 404" and result.status == 404
    assert len(result.attempts) == 1


@pytest.mark.parametrize("content_type", ["image/png", "video/mp4", "application/zip"])
def test_binary_content_types_are_refused(server, content_type):
    server.routes["/file"] = lambda r: respond(r, 200, b"\x89PNG\r\n\x1a\n\x00\x00binary",
                                               {"Content-Type": content_type})
    result = fetch(server.url("/file"))
    assert result.error == f"unsupported content type {content_type}" and result.body == b""


def test_binary_octet_stream_is_refused(server):
    server.routes["/blob"] = lambda r: respond(r, 200, b"\x00\x01\x02\x03" * 100,
                                               {"Content-Type": "application/octet-stream"})
    result = fetch(server.url("/blob"))
    assert result.error.startswith("unsupported content type application/octet-stream")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/privacy.txt", "file:///etc/passwd", "not a url"])
def test_only_http_and_https_urls_are_fetched(url):
    result = fetch(url)
    assert not result.ok and "only http and https" in result.error and result.attempts == []


# -- redirects ------------------------------------------------------------------------------


def test_redirects_are_followed_to_the_final_url(server):
    server.routes["/old"] = lambda r: respond(r, 301, headers={"Location": "/new"})
    server.routes["/new"] = lambda r: respond(r, 200, b"<p>moved here</p>")
    result = fetch(server.url("/old"))
    assert result.ok and result.final_url == server.url("/new") and result.body == b"<p>moved here</p>"


def test_a_redirect_loop_stops_at_the_limit(server):
    server.routes["/a"] = lambda r: respond(r, 302, headers={"Location": "/b"})
    server.routes["/b"] = lambda r: respond(r, 302, headers={"Location": "/a"})
    result = fetch(server.url("/a"), max_redirects=5)
    assert result.error == "too many redirects (more than 5)"
    assert len(server.requests) == 6 and len(result.attempts) == 1


# -- size cap -------------------------------------------------------------------------------


def test_a_declared_huge_response_is_refused_without_downloading_it(server):
    server.routes["/huge"] = lambda r: respond(r, 200, b"x" * 300_000)
    result = fetch(server.url("/huge"), max_bytes=100_000)
    assert result.error == "response larger than 100000 bytes" and result.body == b""


def test_an_undeclared_huge_stream_is_cut_at_the_cap(server):
    def endless(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Connection", "close")
        request.end_headers()
        try:
            for _ in range(200):
                request.wfile.write(b"<p>" + b"a" * 10_000 + b"</p>")
        except OSError:
            pass  # the client hung up at the cap, which is the point
        request.close_connection = True

    server.routes["/stream"] = endless
    result = fetch(server.url("/stream"), max_bytes=50_000)
    assert result.error == "response larger than 50000 bytes" and result.body == b""


# -- retries --------------------------------------------------------------------------------


def test_a_server_error_is_retried_until_it_works(server):
    statuses = iter([500, 503, 200])
    server.routes["/flaky"] = lambda r: respond(r, next(statuses), b"<p>ok at last</p>")
    result = fetch(server.url("/flaky"), retries=3)
    assert result.ok and result.body == b"<p>ok at last</p>"
    assert [a.status for a in result.attempts] == [500, 503, 200]
    assert [a.error for a in result.attempts] == ["HTTP 500", "HTTP 503", None]


def test_retries_give_up_with_the_last_error(server):
    server.routes["/down"] = lambda r: respond(r, 502, b"bad gateway")
    result = fetch(server.url("/down"), retries=2)
    assert result.error == "HTTP 502" and result.status == 502 and len(result.attempts) == 3


def test_429_waits_for_retry_after_seconds_instead_of_the_backoff(server):
    answers = iter([(429, {"Retry-After": "1"}), (200, {})])

    def limited(request: BaseHTTPRequestHandler) -> None:
        status, headers = next(answers)
        respond(request, status, b"<p>ok</p>", headers)

    server.routes["/limited"] = limited
    started = time.monotonic()
    result = fetch(server.url("/limited"), backoff_base=10.0)
    elapsed = time.monotonic() - started
    assert result.ok and [a.status for a in result.attempts] == [429, 200]
    assert 0.9 <= elapsed < 5


def test_retry_after_zero_and_http_dates_are_honoured_and_capped(server):
    in_the_past = format_datetime(datetime(2020, 1, 1, tzinfo=timezone.utc), usegmt=True)
    answers = iter([(429, {"Retry-After": "0"}), (429, {"Retry-After": in_the_past}),
                    (429, {"Retry-After": "3600"}), (200, {})])

    def limited(request: BaseHTTPRequestHandler) -> None:
        status, headers = next(answers)
        respond(request, status, b"<p>ok</p>", headers)

    server.routes["/limited"] = limited
    started = time.monotonic()
    result = fetch(server.url("/limited"), retries=3, backoff_base=10.0, max_retry_after=0.2)
    assert result.ok and len(result.attempts) == 4
    assert time.monotonic() - started < 3


def test_a_slow_server_hits_the_timeout(server):
    def slow(request: BaseHTTPRequestHandler) -> None:
        time.sleep(1.0)
        respond(request, 200, b"<p>too late</p>")

    server.routes["/slow"] = slow
    started = time.monotonic()
    result = fetch(server.url("/slow"), timeout=0.3, retries=1)
    assert result.error == "timed out waiting for the server" and result.status is None
    assert len(result.attempts) == 2
    assert time.monotonic() - started < 1.5


def dripping(pause: float) -> Handler:
    """A page that sends a byte every `pause` seconds: never slow enough for the read timeout."""

    def drip(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", "1000")
        request.end_headers()
        try:
            for _ in range(1000):
                request.wfile.write(b"x")
                request.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass  # the client gave up, as it should

    return drip


def test_a_server_trickling_its_body_hits_the_total_deadline(server):
    server.routes["/trickle"] = dripping(0.05)
    started = time.monotonic()
    result = fetch(server.url("/trickle"), timeout=1.0, total_timeout=0.4, retries=0)
    assert result.error == "gave up: the check's deadline of 0.4 s (retries included) passed"
    assert result.status is None and len(result.attempts) == 1 and result.attempts[0].error == result.error
    assert time.monotonic() - started < 2.0


def test_one_deadline_covers_every_attempt_and_wait_of_a_check(server):
    server.routes["/drip"] = dripping(0.1)
    started = time.monotonic()
    result = fetch(server.url("/drip"), timeout=1.0, total_timeout=1.5, retries=5, backoff_base=0.2)
    elapsed = time.monotonic() - started
    assert "deadline of 1.5 s (retries included)" in result.error
    assert elapsed < 3.0  # one deadline, not one per attempt (six attempts would take 9 s and more)


def test_no_retry_starts_that_could_not_end_before_the_deadline(server):
    server.routes["/busy"] = lambda request: respond(request, 503, b"busy", {"Retry-After": "5"})
    started = time.monotonic()
    result = fetch(server.url("/busy"), total_timeout=2.0, retries=3, max_retry_after=60)
    assert len(result.attempts) == 1 and result.error.startswith("HTTP 503; gave up")
    assert time.monotonic() - started < 1.0  # the 5 s wait is not even begun


def test_the_host_slot_is_free_while_a_fetch_waits_to_retry(server):
    """per_host=1: while one page of the host waits out its Retry-After, another page of that
    host is fetched, rather than queueing behind the wait."""
    answers = iter([(503, {"Retry-After": "1"}), (200, {})])
    server.routes["/flaky"] = lambda request: respond(request, *(lambda a: (a[0], b"<p>x</p>", a[1]))(next(answers)))
    server.routes["/other"] = lambda request: respond(request, 200, b"<p>other</p>")
    finished: dict[str, float] = {}

    async def run() -> None:
        async with Fetcher(Settings(per_host=1, retries=1, backoff_base=0.01)) as fetcher:
            async def one(path: str, after: float) -> None:
                await asyncio.sleep(after)
                assert (await fetcher.fetch(server.url(path))).ok
                finished[path] = time.monotonic()

            await asyncio.gather(one("/flaky", 0), one("/other", 0.2))

    asyncio.run(run())
    assert finished["/other"] < finished["/flaky"] - 0.5


def test_an_unreachable_port_is_a_connection_error_after_retries():
    result = fetch(f"http://127.0.0.1:{unused_port()}/privacy", retries=2)
    assert not result.ok and result.error.startswith("connection failed")
    assert len(result.attempts) == 3 and all(a.status is None for a in result.attempts)


# -- concurrency ----------------------------------------------------------------------------


def test_global_and_per_host_limits_are_respected():
    hosts = [LocalServer("127.0.0.1"), LocalServer("127.0.0.2")]

    def slow_page(request: BaseHTTPRequestHandler) -> None:
        time.sleep(0.15)
        respond(request, 200, b"<p>policy</p>")

    for host in hosts:
        host.routes["/p"] = slow_page
    urls = [host.url("/p") for host in hosts for _ in range(6)]
    in_flight = {"now": 0, "max": 0}

    async def run() -> list[FetchResult]:
        async with Fetcher(Settings(concurrency=3, per_host=2, backoff_base=0.01)) as fetcher:
            async def one(url: str) -> FetchResult:
                return await fetcher.fetch(url)

            async def watch() -> None:
                while True:
                    current = sum(h.in_flight for h in hosts)
                    in_flight["max"] = max(in_flight["max"], current)
                    await asyncio.sleep(0.005)

            watcher = asyncio.create_task(watch())
            results = await asyncio.gather(*(one(u) for u in urls))
            watcher.cancel()
            return results

    try:
        results = asyncio.run(run())
    finally:
        for host in hosts:
            host.close()
    assert all(r.ok for r in results)
    assert [h.max_in_flight for h in hosts] == [2, 2]
    assert in_flight["max"] == 3


def test_fetches_reuse_their_connections_and_open_no_more_than_the_concurrency(policy_server):
    policy_server.set("/kept-alive", "<html><body><p>Same page, many times.</p></body></html>")
    url = policy_server.url("/kept-alive")

    async def fetch_many() -> list[FetchResult]:
        async with Fetcher(Settings(concurrency=3, per_host=3, retries=0)) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(url) for _ in range(30)))

    results = asyncio.run(fetch_many())
    assert [r.status for r in results] == [200] * 30
    connections = {request["x-test-peer-port"] for request in policy_server.requests("/kept-alive")}
    assert 1 <= len(connections) <= 3


# -- redirects into the machine or its network ---------------------------------------------------------


class ForwardProxy:
    """An HTTP forward proxy on 127.0.0.1 that stands in for the internet: requests for made-up hosts
    (`http://policy.example.test/...`, `http://10.1.2.3/...`) come to it, absolute URL and all, and
    it answers them from `pages` (URL → (status, headers, body)) without connecting anywhere.
    `asked` lists every URL asked for."""

    def __init__(self) -> None:
        self.pages: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.asked: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                proxy.asked.append(self.path)
                status, headers, body = proxy.pages.get(self.path, (200, {}, b"<p>reached it: a secret</p>"))
                respond(self, status, body, headers)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def redirect(self, source: str, target: str) -> None:
        self.pages[source] = (302, {"Location": target}, b"")

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def internet(monkeypatch) -> Iterator[ForwardProxy]:
    """Every http request of the fetcher goes to a `ForwardProxy` on 127.0.0.1 (HTTP_PROXY)."""
    proxy = ForwardProxy()
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    yield proxy
    proxy.close()


@pytest.mark.parametrize("target, kind", [
    ("http://127.0.0.1:8080/admin?token=s3cret", "loopback"),
    ("http://localhost:8080/admin", "loopback"),
    ("http://10.0.0.5/admin", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[fe80::1]/x", "link-local"),
    ("http://169.254.169.254/latest/meta-data/iam/security-credentials/", "metadata"),
])
def test_a_public_page_may_not_redirect_into_the_machine_or_its_network(internet, target, kind):
    internet.redirect("http://policy.example.test/privacy", target)
    result = fetch("http://policy.example.test/privacy")
    assert result.error.startswith("refused a redirect to http://") and f"a {kind} address" in result.error
    assert "s3cret" not in result.error and "admin" not in result.error  # where it led stays private
    assert internet.asked == ["http://policy.example.test/privacy"]  # nothing was sent there
    assert len(result.attempts) == 1  # not retried


def test_a_public_page_may_redirect_to_another_public_page(internet):
    internet.redirect("http://policy.example.test/privacy", "http://www.policy.example.test/legal/privacy")
    internet.pages["http://www.policy.example.test/legal/privacy"] = (200, {}, b"<p>the policy</p>")
    result = fetch("http://policy.example.test/privacy")
    assert result.ok and result.body == b"<p>the policy</p>"
    assert result.final_url == "http://www.policy.example.test/legal/privacy"


def test_a_page_watched_on_the_local_network_may_redirect_within_it(internet):
    internet.redirect("http://10.1.2.3/privacy", "http://10.1.2.4/privacy")
    internet.pages["http://10.1.2.4/privacy"] = (200, {}, b"<p>intranet policy</p>")
    result = fetch("http://10.1.2.3/privacy")
    assert result.ok and result.body == b"<p>intranet policy</p>"


def test_not_even_an_intranet_page_may_redirect_to_a_metadata_service(internet):
    internet.redirect("http://10.1.2.3/privacy", "http://169.254.169.254/latest/meta-data/")
    result = fetch("http://10.1.2.3/privacy")
    assert "a metadata address" in result.error and len(internet.asked) == 1


@pytest.mark.parametrize("address, kind", [
    ("8.8.8.8", None), ("2606:4700::1111", None), ("127.0.0.5", "loopback"), ("::1", "loopback"),
    ("10.2.3.4", "private"), ("172.16.0.1", "private"), ("100.64.0.1", "private"), ("fd12::1", "private"),
    ("169.254.10.10", "link-local"), ("fe80::1%eth0", "link-local"), ("169.254.169.254", "metadata"),
    ("fd00:ec2::254", "metadata"), ("::ffff:127.0.0.1", "loopback"), ("0.0.0.0", "private"),
    ("example.com", None),
])
def test_address_kinds(address, kind):
    assert address_kind(address) == kind


@pytest.mark.parametrize("original, target, allowed", [
    (None, None, True), (None, "loopback", False), (None, "private", False), (None, "metadata", False),
    ("private", "loopback", True), ("loopback", "private", True), ("private", "metadata", False),
    ("metadata", "metadata", True),
])
def test_which_redirects_are_allowed(original, target, allowed):
    assert redirect_allowed(original, target) is allowed
