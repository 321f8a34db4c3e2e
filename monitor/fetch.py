"""Polite, bounded HTTP fetching of policy pages.

A few single-connection httpx clients sharing one TLS context; a global and a per-host concurrency limit; retries with exponential
backoff and jitter on network errors, timeouts, 5xx and 429 (honouring Retry-After); conditional
requests; a cap on body size. `Fetcher.fetch` never raises for network or HTTP problems: the
outcome, including every attempt, is described by the returned `FetchResult`.

An entry's `PageRequest` adds its headers, cookies and user agent; with `browser` the page is
rendered by the run's one headless Chromium (`monitor.browser`, started by the first such page),
under the same per-host limit and retries. Error messages never hold the request's secrets.
"""

from __future__ import annotations

import asyncio
import contextvars
import ipaddress
import random
import socket
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

import httpx

from basics.timestamps import utc_now
from monitor.mediatypes import media_type
from monitor.request import Origin, PageRequest, origin

if TYPE_CHECKING:
    from monitor.browser import Browser
    from monitor.watchlist import Settings

ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,text/markdown;q=0.9,application/pdf;q=0.8,*/*;q=0.5"

TEXT_TYPES = ("application/xhtml+xml", "application/xml", "application/pdf", "application/json")
BINARY_PREFIXES = ("image/", "video/", "audio/", "font/", "model/")
BINARY_TYPES = (
    "application/zip", "application/gzip", "application/x-gzip", "application/x-tar",
    "application/x-7z-compressed", "application/vnd.rar", "application/x-rar-compressed",
    "application/x-bzip2", "application/java-archive", "application/wasm",
    "application/x-msdownload", "application/vnd.ms-fontobject",
)
SNIFF_BYTES = 4096


@dataclass
class Attempt:
    """One HTTP request made while fetching a URL."""

    started_at: str
    status: int | None
    duration_ms: int
    error: str | None


@dataclass
class FetchResult:
    """What fetching a URL produced; `error` says why it failed (None when it worked)."""

    url: str
    final_url: str
    status: int | None
    headers: dict[str, str]
    body: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    attempts: list[Attempt] = field(default_factory=list)
    error: str | None = None
    duration_ms: int = 0
    rendered_by: str | None = None
    """`Chromium <version>` when `body` is the DOM a browser rendered; None for the bytes served."""

    @property
    def ok(self) -> bool:
        """A usable answer: a body, or a 304 confirming the previous one."""
        return self.error is None and (self.not_modified or (self.status is not None and 200 <= self.status < 300))


class _Retryable(Exception):
    """An attempt failed in a way another attempt may fix; `delay` overrides the backoff."""

    def __init__(self, message: str, status: int | None = None, delay: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.delay = delay


class _Final(Exception):
    """An attempt failed in a way another attempt would not fix (no browser here, an HTTP 404)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def _unsupported_type(content_type: str | None) -> bool:
    media = media_type(content_type)
    return media.startswith(BINARY_PREFIXES) or media in BINARY_TYPES


def _needs_sniffing(content_type: str | None) -> bool:
    """Declared types we cannot trust to be text (octet-stream, unknown application/*, none)."""
    media = media_type(content_type)
    if not media:
        return True
    if media.startswith("text/") or media in TEXT_TYPES:
        return False
    return not (media.endswith("+xml") or media.endswith("+json"))


def _looks_binary(body: bytes) -> bool:
    head = body[:SNIFF_BYTES]
    return not head.startswith(b"%PDF-") and b"\x00" in head


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now; it is either a number of seconds or an HTTP-date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return "timed out connecting"
    if isinstance(exc, httpx.TimeoutException):
        return "timed out waiting for the server"
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed: {exc or type(exc).__name__}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


_ENTRY_HEADERS: contextvars.ContextVar[tuple[Origin, tuple[str, ...]] | None] = contextvars.ContextVar(
    "entry_headers", default=None)
"""The origin of the page being fetched and the names of its entry's headers (in the fetch's task)."""


async def _keep_entry_headers_home(request: httpx.Request) -> None:
    """A redirect to another origin does not carry the entry's headers: they may hold secrets
    (httpx itself only drops Authorization), and the browser sends them to the page's origin only."""
    scope = _ENTRY_HEADERS.get()
    if scope is not None and origin(str(request.url)) != scope[0]:
        for name in scope[1]:
            request.headers.pop(name, None)


async def _within(awaitable: Awaitable[None], seconds: float) -> None:
    """Await with a deadline (asyncio.TimeoutError past it); `asyncio.timeout` where there is one,
    since `wait_for` makes a task for every request."""
    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):
            await awaitable
    else:
        await asyncio.wait_for(awaitable, seconds)


class Fetcher:
    """Async HTTP fetcher shared by all checks of a run (`async with Fetcher(...) as f`).

    It holds one single-connection httpx client per allowed concurrent fetch (sharing one TLS
    context) rather than one client with a pool of that many connections: httpcore's pool
    checks every idle connection's socket each time it hands out a connection, which cost a
    third of the CPU of a fetch with ten connections. A fetch takes a free client, preferably
    one whose connection already goes to the same host (keep-alive as a pool would).
    """

    def __init__(self, settings: Settings | None = None) -> None:
        """`settings` are the watchlist's (limits, timeouts, retries, user agent); defaults when None."""
        if settings is None:
            from monitor.watchlist import Settings

            settings = Settings()
        self.settings = settings
        self._idle: list[tuple[str | None, httpx.AsyncClient]] = []
        self._clients: list[httpx.AsyncClient] = []
        self._global: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._browser: Browser | None = None
        self._proxies = _Proxies()

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        tls = httpx.create_ssl_context()
        self._clients = [
            httpx.AsyncClient(
                http1=True,
                http2=False,
                verify=tls,
                follow_redirects=False,  # followed by `_attempt`, which checks where each one leads
                timeout=httpx.Timeout(s.timeout),
                limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
                headers={"User-Agent": s.user_agent, "Accept": ACCEPT},
                event_hooks={"request": [_keep_entry_headers_home]},
            )
            for _ in range(s.concurrency)
        ]
        self._idle = [(None, client) for client in self._clients]
        self._global = asyncio.Semaphore(s.concurrency)
        self._proxies = _Proxies()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        clients, self._clients, self._idle = self._clients, [], []
        browser, self._browser = self._browser, None
        try:
            for client in clients:
                await client.aclose()
        finally:
            if browser is not None:
                await browser.close()

    @property
    def browser(self) -> Browser:
        """The run's browser (Chromium starts with the first page it renders)."""
        if self._browser is None:
            from monitor.browser import Browser

            self._browser = Browser(self.settings)
        return self._browser

    def _take_client(self, host: str) -> httpx.AsyncClient:
        """An idle client (the caller holds a `_global` slot), connected to `host` if one is."""
        for index in range(len(self._idle) - 1, -1, -1):
            if self._idle[index][0] == host:
                return self._idle.pop(index)[1]
        return self._idle.pop(0)[1]  # the longest idle: its connection is the least likely reused

    def _host_limit(self, host: str) -> asyncio.Semaphore:
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.settings.per_host)
        return self._hosts[host]

    def _backoff(self, retry_number: int) -> float:
        base = self.settings.backoff_base
        return base * 2 ** (retry_number - 1) + random.uniform(0, base)

    async def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
                    request: PageRequest | None = None, deadline: float | None = None) -> FetchResult:
        """GET `url` (conditionally when validators are given), retrying transient failures.

        `request` adds an entry's headers, cookies and user agent, or has the page rendered by the
        browser (validators are then not used: a rendered page has none).

        Everything, retries and the waits between them included, ends by `deadline` (a
        `time.monotonic()` value; default: `settings.total_timeout` from now), so a page that
        drips a byte a second costs one deadline, not one per attempt. The host's slot is held
        while a request is under way, never while waiting to retry: other pages of that host go
        meanwhile.
        """
        if not self._clients or self._global is None:
            raise RuntimeError("Fetcher must be used as an async context manager")
        request = request or PageRequest()
        started = time.monotonic()
        if deadline is None:
            deadline = started + self.settings.total_timeout
        result = FetchResult(
            url=url, final_url=url, status=None, headers={}, body=b"", content_type=None,
            etag=None, last_modified=None, not_modified=False,
        )
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            result.error = f"invalid URL {url!r}: {exc}"
            return result
        if parsed.scheme not in ("http", "https") or not parsed.host:
            result.error = f"unsupported URL {url!r}: only http and https URLs can be fetched"
            return result

        headers = dict(request.headers)
        if request.user_agent:
            headers["User-Agent"] = request.user_agent
        if etag and not request.browser:
            headers["If-None-Match"] = etag
        if last_modified and not request.browser:
            headers["If-Modified-Since"] = last_modified
        out_of_time = f"gave up: the check's deadline of {self.settings.total_timeout:g} s (retries included) passed"

        for attempt_number in range(self.settings.retries + 1):
            attempt_started = time.monotonic()
            attempt = Attempt(started_at=utc_now(), status=None, duration_ms=0, error=None)
            result.attempts.append(attempt)
            delay: float | None = None
            try:
                async with self._host_limit(parsed.host):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise asyncio.TimeoutError
                    if request.browser:
                        await _within(self._render(url, request, result), remaining)
                    else:
                        await self._http_attempt(parsed.host, url, headers, request, result, remaining)
            except _Retryable as exc:
                attempt.error, result.error = str(exc), str(exc)
                attempt.status = result.status = exc.status
                delay = exc.delay
            except _Final as exc:
                attempt.error, result.error = str(exc), str(exc)
                attempt.status = result.status = exc.status
                attempt.duration_ms = int((time.monotonic() - attempt_started) * 1000)
                break
            except asyncio.TimeoutError:
                attempt.error = result.error = out_of_time
                result.status = None
                attempt.duration_ms = int((time.monotonic() - attempt_started) * 1000)
                break
            except RedirectRefused as exc:
                attempt.error = result.error = str(exc)
                attempt.duration_ms = int((time.monotonic() - attempt_started) * 1000)
                break
            except httpx.TransportError as exc:
                attempt.error = result.error = _describe(exc)
                result.status = None
                if isinstance(exc, httpx.UnsupportedProtocol):
                    attempt.duration_ms = int((time.monotonic() - attempt_started) * 1000)
                    break
            except httpx.TooManyRedirects:
                attempt.error = result.error = (
                    f"too many redirects (more than {self.settings.max_redirects})"
                )
                attempt.duration_ms = int((time.monotonic() - attempt_started) * 1000)
                break
            except httpx.HTTPError as exc:
                attempt.error = result.error = _describe(exc)
                attempt.duration_ms = int((time.monotonic() - attempt_started) * 1000)
                break
            else:
                attempt.status, attempt.error = result.status, result.error
                attempt.duration_ms = int((time.monotonic() - attempt_started) * 1000)
                break
            attempt.duration_ms = int((time.monotonic() - attempt_started) * 1000)
            if attempt_number == self.settings.retries:
                break
            wait = min(self._backoff(attempt_number + 1) if delay is None else delay, self.settings.max_retry_after)
            if time.monotonic() + wait >= deadline:
                result.error = f"{result.error}; {out_of_time} before the next attempt"
                break
            await asyncio.sleep(wait)
        for attempt in result.attempts:
            attempt.error = request.redact(attempt.error)
        result.error = request.redact(result.error)
        result.duration_ms = int((time.monotonic() - started) * 1000)
        return result

    async def _http_attempt(self, host: str, url: str, headers: dict[str, str], request: PageRequest,
                            result: FetchResult, remaining: float) -> None:
        """One HTTP request on an idle client, within the global limit and what is left of the deadline."""
        assert self._global is not None
        async with self._global:
            client = self._take_client(host)
            scope = _ENTRY_HEADERS.set((origin(url), tuple(request.headers)) if request.headers else None)
            try:
                # Only this fetch's cookies, whatever an earlier response set: entries share clients.
                client.cookies.clear()
                for name, value in request.cookies.items():
                    client.cookies.set(name, value, domain=host)
                await _within(self._attempt(client, url, headers, result, request.timeout), remaining)
            finally:
                _ENTRY_HEADERS.reset(scope)
                client.cookies.clear()
                self._idle.append((host, client))

    async def _render(self, url: str, request: PageRequest, result: FetchResult) -> None:
        """One render by the browser; fills `result` or raises `_Retryable` / `_Final`."""
        from monitor.browser import BrowserUnavailable, RenderError

        result.body, result.not_modified, result.error, result.rendered_by = b"", False, None, None
        try:
            page = await self.browser.render(url, request)
        except asyncio.TimeoutError:
            raise _Retryable(f"rendering took longer than {self.settings.total_timeout:g} s") from None
        except BrowserUnavailable as exc:
            raise _Final(str(exc)) from None
        except RenderError as exc:
            raise (_Retryable(str(exc), exc.status) if exc.retryable else _Final(str(exc), exc.status)) from None
        result.status, result.final_url, result.headers = page.status, page.final_url, page.headers
        result.body, result.content_type, result.rendered_by = page.body, page.content_type, page.rendered_by

    async def _attempt(self, client: httpx.AsyncClient, url: str, headers: dict[str, str],
                       result: FetchResult, timeout: float | None = None) -> None:
        """One request, its redirects followed here (see `RedirectGuard`); fills `result` or
        raises `_Retryable`, RedirectRefused or an httpx error."""
        result.body, result.not_modified, result.error = b"", False, None
        guard = RedirectGuard(url, self._proxies)
        request = client.build_request("GET", url, headers=headers, **({"timeout": httpx.Timeout(timeout)} if timeout else {}))
        for _ in range(self.settings.max_redirects + 1):
            response = await client.send(request, stream=True)
            try:
                guard.arrived(response)
                if response.next_request is None:
                    await self._read(response, result)
                    return
                request = response.next_request
                await guard.may_follow(request.url)
            finally:
                await response.aclose()
        raise httpx.TooManyRedirects(f"more than {self.settings.max_redirects} redirects", request=request)

    async def _read(self, response: httpx.Response, result: FetchResult) -> None:
        """The final response of an attempt into `result`."""
        result.status = response.status_code
        result.final_url = str(response.url)
        result.headers = {k.lower(): v for k, v in response.headers.items()}
        result.content_type = response.headers.get("content-type")
        result.etag = response.headers.get("etag")
        result.last_modified = response.headers.get("last-modified")
        status = response.status_code
        if status == 429 or status >= 500:
            raise _Retryable(
                f"HTTP {status}", status, _retry_after_seconds(response.headers.get("retry-after"))
            )
        if status == 304:
            result.not_modified = True
            return
        if not 200 <= status < 300:
            result.error = f"HTTP {status}"
            return
        if _unsupported_type(result.content_type):
            result.error = f"unsupported content type {media_type(result.content_type)}"
            return
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            result.error = f"response larger than {limit} bytes"
            return
        chunks, received = [], 0
        async for chunk in response.aiter_bytes():
            received += len(chunk)
            if received > limit:
                result.error = f"response larger than {limit} bytes"
                return
            chunks.append(chunk)
        result.body = b"".join(chunks)
        if _needs_sniffing(result.content_type) and _looks_binary(result.body):
            media = media_type(result.content_type) or "(none declared)"
            result.body = b""
            result.error = f"unsupported content type {media}: the body is binary"


METADATA_ADDRESSES = frozenset(ipaddress.ip_address(address) for address in (
    "169.254.169.254", "169.254.170.2", "100.100.100.200", "fd00:ec2::254",
))
"""Cloud instance metadata services (AWS, GCP, Azure, ECS tasks, Alibaba): credentials live there."""
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")


def address_kind(address: str) -> str | None:
    """'metadata', 'loopback', 'link-local' or 'private' for an address that is not on the public
    internet; None for a public one (or for what is not an address)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_private or ip.is_reserved or ip.is_unspecified or ip.is_multicast or ip in SHARED_ADDRESS_SPACE:
        return "private"
    return None


def redirect_allowed(original: str | None, target: str | None) -> bool:
    """Whether a page on an address of kind `original` (None: public) may redirect to one of kind
    `target`: anywhere public; into loopback, private or link-local addresses only from such an
    address (an intranet page watched on purpose); to a metadata service only from one."""
    if target is None:
        return True
    if original is None:
        return False
    return target != "metadata" or original == "metadata"


class RedirectRefused(Exception):
    """A redirect led from the watched page into an address it may not lead to (see `RedirectGuard`)."""


class _Proxies:
    """Which URLs httpx sends through a proxy from the environment (read once, when the clients are
    made, as httpx reads it): through one, the proxy resolves and connects, so only what the URL
    itself says can be judged."""

    def __init__(self) -> None:
        self.proxies = urllib.request.getproxies_environment()
        self._hosts: dict[tuple[str, str], bool] = {}

    def __call__(self, url: httpx.URL) -> bool:
        key = (url.scheme, url.host)
        if key not in self._hosts:
            self._hosts[key] = bool(self.proxies.get(url.scheme) or self.proxies.get("all")) and \
                not urllib.request.proxy_bypass_environment(url.host, self.proxies)
        return self._hosts[key]


class RedirectGuard:
    """Follows one fetch's redirects, refusing those that lead from the watched page into the
    machine or the network it runs on (loopback, private, link-local, cloud metadata addresses),
    unless the watched page already is on such an address.

    What the watched page is on comes from the address the first response actually came from
    (or from the URL, when it names an address or a proxy connects); a redirect is judged before
    anything is sent to it (its host's addresses) and again by the address its response came
    from, so a name that resolves elsewhere the second time (DNS rebinding) is still caught.
    """

    def __init__(self, url: str, proxied: Callable[[httpx.URL], bool]) -> None:
        self.url, self.proxied = url, proxied
        self.original: str | None = None
        self._first = True

    def arrived(self, response: httpx.Response) -> None:
        """A response came: note the watched page's kind of address, or refuse a redirect's."""
        kind = self._kind_of_peer(response)
        if self._first:
            self._first = False
            self.original = kind or address_kind(response.request.url.host)
            return
        if not redirect_allowed(self.original, kind):
            raise self._refusal(response.request.url, kind)

    async def may_follow(self, target: httpx.URL) -> None:
        """Before a redirect is requested: refuse one whose host is, or resolves to, an address the
        watched page may not lead to."""
        kinds = {address_kind(target.host)}
        if target.host.lower() in ("localhost", "localhost.localdomain") or target.host.lower().endswith(".localhost"):
            kinds.add("loopback")
        if kinds == {None} and not self.proxied(target):
            kinds |= {address_kind(address) for address in await _addresses(target)}
        for kind in sorted(kind for kind in kinds if kind is not None):
            if not redirect_allowed(self.original, kind):
                raise self._refusal(target, kind)

    def _kind_of_peer(self, response: httpx.Response) -> str | None:
        if self.proxied(response.request.url):
            return None
        stream = response.extensions.get("network_stream")
        server = stream.get_extra_info("server_addr") if stream is not None else None
        return address_kind(server[0]) if server else None

    def _refusal(self, target: httpx.URL, kind: str | None) -> RedirectRefused:
        from basics.urls import redact_url

        return RedirectRefused(
            f"refused a redirect to {redact_url(str(target))}: it leads to a {kind} address, and only a page "
            f"already on such an address may lead there (watch the target's URL itself if it is meant)")


async def _addresses(url: httpx.URL) -> list[str]:
    """The addresses a host name resolves to (none when it does not resolve: the request will say so)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(url.host, url.port or (443 if url.scheme == "https" else 80),
                                                             type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [info[4][0] for info in infos]
