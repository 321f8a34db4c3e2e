"""Rendering pages whose text scripts put in: one headless Chromium per run, driven by Playwright.

The system's Chromium (Debian's `chromium-headless-shell` or `chromium`, found on PATH, or the one
`settings.browser_executable` names)
is started when the first `browser: true` entry is fetched and serves the whole run; nothing ever
downloads a browser. Each page is rendered in a fresh browser context (no cookies, storage or cache
carried from one entry to the next), at most `settings.browser_concurrency` at once; images, fonts
and media are never loaded. The result is the rendered DOM, serialised as HTML. A browser left idle
for `IDLE_SECONDS` is closed until a page needs it again.

No Chromium outlives its run: `close` ends it on a normal stop (the service's SIGTERM included).
If the Python process is killed, Playwright's driver sees its input close and closes the browser;
if the driver is killed too, Chromium ends itself when its DevTools pipe closes, and its zygotes
and renderers follow. The browser's main process (and any crash handler it re-parents to init)
carries `OWNER_ENV` in its environment, the owner's pid; the processes it forks stay in its
process group: so a test or a benchmark finds them all.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from basics.errors import PolicyMonitorError
from monitor.mediatypes import media_type
from monitor.request import origin

if TYPE_CHECKING:
    from monitor.request import PageRequest
    from monitor.watchlist import Settings

CHROMIUM_COMMANDS = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Looked for on PATH, in this order, when `settings.browser_executable` is not set. Chromium's
headless shell (Debian's `chromium-headless-shell`) comes first: made for automation, without the
windows and toolbars the full browser builds even when headless, it renders a page for about half
the CPU (measured: 195 against 355 ms per page)."""
PLAYWRIGHT_HINT = "`browser: true` needs Playwright for Python: pip install -e '.[browser]'"
CHROMIUM_HINT = ("`browser: true` needs Chromium, and none is on PATH: install it (Debian: apt-get install "
                 "chromium-headless-shell, or chromium) or set settings.browser_executable")
OWNER_ENV = "POLICY_MONITOR_BROWSER_OWNER"
"""Set, to the pid of the process that started it, in the environment of the browser's main process."""
BLOCKED_RESOURCES = frozenset({"image", "font", "media"})
"""What a policy's text never needs: never loaded (scripts, styles and data still are)."""
HTML_TYPES = ("", "text/html", "application/xhtml+xml")
LAUNCH_TIMEOUT_MS = 30_000
IDLE_SECONDS = 60.0
"""A browser that rendered nothing for this long is closed, and started again by the next page:
the service checks each entry once a day or so, and Chromium need not hold its memory between."""

PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding",
    "ThirdPartyStoragePartitioning", "AvoidCorsURLLoaderRestartOnRedirect", "TcpPortRandomizationWin",
    "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled", "PreconnectToSearch",
    "msForceBrowserSignIn", "msEdgeUpdateLaunchServicesPreferredVersion",
)
"""The features Playwright itself disables. Chromium honours only the last `--disable-features`,
so ours must repeat them (a test checks this list against what Playwright passes)."""
CHEAPER_PAGE_FEATURES = (
    "WebUIOmniboxPopup", "WebUIOmniboxAimPopup", "WebUIOmniboxFullPopup", "SpareRendererForSitePerProcess",
)
"""Each context opens a window, whose omnibox popup Chromium preloads in a renderer of its own,
and Chromium keeps a spare renderer warm for the next page of a context that has none: three
renderer processes per page instead of one (measured: 930 → 320 ms of CPU per page)."""
CHROMIUM_ARGS = (
    "--disable-gpu",
    "--in-process-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + CHEAPER_PAGE_FEATURES),
)
"""Beyond Playwright's own switches: no GPU (nor a process for it: 90 MB), and none of the
background traffic (updates, sync, field trials) that a closed network would answer with refused
connections."""


class BrowserUnavailable(PolicyMonitorError):
    """No browser can render pages here (Playwright or Chromium missing, or Chromium would not start)."""


class RenderError(Exception):
    """Rendering one page failed; `retryable` when another attempt may work (a timeout, a 5xx)."""

    def __init__(self, message: str, retryable: bool = True, status: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass
class RenderedPage:
    """What the browser made of one URL."""

    status: int
    final_url: str
    headers: dict[str, str]
    body: bytes
    content_type: str | None
    rendered_by: str | None
    """`Chromium <version>` for a rendered DOM; None when the page was not HTML and is its bytes as served."""


def find_chromium(setting: str | None = None) -> str:
    """The Chromium executable to start: `setting` (a path or a command), else the first on PATH."""
    if setting:
        found = shutil.which(os.path.expanduser(setting))
        if found is None:
            raise BrowserUnavailable(f"settings.browser_executable {setting!r} is not an executable on this machine")
        return found
    for command in CHROMIUM_COMMANDS:
        found = shutil.which(command)
        if found:
            return found
    raise BrowserUnavailable(CHROMIUM_HINT)


def _first_line(error: BaseException) -> str:
    """Playwright's message without its call log: `Page.goto: net::ERR_X at URL` → `net::ERR_X at URL`."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    head, separator, rest = line.partition(": ")
    return rest if separator and "." in head and " " not in head else line


class Browser:
    """The run's headless Chromium (`async with Browser(settings)`), started by the first `render`."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.version: str | None = None
        self._playwright: Any = None
        self._browser: Any = None
        self._failure: str | None = None
        self._starting = asyncio.Lock()
        self._slots = asyncio.Semaphore(settings.browser_concurrency)
        self.idle_seconds = IDLE_SECONDS
        self._rendering = 0
        self._idle_timer: asyncio.TimerHandle | None = None
        self._idle_close: asyncio.Task | None = None
        self._closing: set[asyncio.Task] = set()
        """Contexts of pages already read, closing while the next page loads."""

    async def __aenter__(self) -> Browser:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _started(self) -> Any:
        """The running browser, started (again, after a crash) if need be; a failure to start is
        remembered for the run, so a hundred entries do not try a hundred times."""
        async with self._starting:
            if self._failure is not None:
                raise BrowserUnavailable(self._failure)
            if self._browser is not None and self._browser.is_connected():
                return self._browser
            try:
                await self._launch()
            except BrowserUnavailable as exc:
                self._failure = str(exc)
                raise
            return self._browser

    async def _launch(self) -> None:
        try:
            from playwright.async_api import Error as PlaywrightError
            from playwright.async_api import async_playwright
        except ImportError:
            raise BrowserUnavailable(PLAYWRIGHT_HINT) from None
        executable = find_chromium(self.settings.browser_executable)
        if self._playwright is None:
            self._playwright = await async_playwright().start()
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        try:
            self._browser = await self._playwright.chromium.launch(
                executable_path=executable,
                args=[*CHROMIUM_ARGS, *(["--no-sandbox"] if as_root else [])],
                chromium_sandbox=not as_root,  # Chromium's sandbox cannot run as root
                env={**os.environ, OWNER_ENV: str(os.getpid())},
                handle_sigint=False, handle_sigterm=False, handle_sighup=False,  # the service stops it
                timeout=LAUNCH_TIMEOUT_MS,
            )
        except PlaywrightError as exc:
            raise BrowserUnavailable(f"cannot start Chromium ({executable}): {_first_line(exc)}") from None
        self.version = self._browser.version

    async def render(self, url: str, request: PageRequest) -> RenderedPage:
        """Load `url` in a fresh context, wait (for `request.wait_for`, else for the network to go
        idle) at most the entry's timeout in all, and return the rendered DOM.

        Raises BrowserUnavailable (nothing can render here), RenderError (this page failed) or
        asyncio.TimeoutError (past `settings.total_timeout`, counted from when a slot was free).
        """
        async with self._slots:
            self._rendering += 1
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            try:
                browser = await self._started()
                return await asyncio.wait_for(self._render(browser, url, request), self.settings.total_timeout)
            finally:
                self._rendering -= 1
                if not self._rendering:
                    self._idle_timer = asyncio.get_running_loop().call_later(self.idle_seconds, self._close_idle)

    def _close_idle(self) -> None:
        self._idle_close = asyncio.ensure_future(self._close_if_idle())

    async def _close_if_idle(self) -> None:
        async with self._starting:  # a page starting meanwhile waits, then starts a new browser
            if not self._rendering:
                await self._shutdown()
                self._failure = None  # the service tries again later: Chromium may be installed by then

    async def _render(self, browser: Any, url: str, request: PageRequest) -> RenderedPage:
        from playwright.async_api import Error as PlaywrightError

        timeout = request.timeout or self.settings.timeout
        deadline = time.monotonic() + timeout
        try:
            context = await browser.new_context(user_agent=request.user_agent or self.settings.user_agent,
                                                service_workers="block", accept_downloads=False)
        except PlaywrightError as exc:
            raise RenderError(f"the browser failed: {_first_line(exc)}") from None
        try:
            return await self._load(context, url, request, deadline)
        except PlaywrightError as exc:
            raise self._describe(exc, request, timeout) from None
        finally:
            closing = asyncio.ensure_future(self._close_context(context))  # the next page need not wait
            self._closing.add(closing)
            closing.add_done_callback(self._closing.discard)

    @staticmethod
    async def _close_context(context: Any) -> None:
        from playwright.async_api import Error as PlaywrightError

        try:
            await context.close()
        except PlaywrightError:
            pass  # the browser went away with it

    async def _load(self, context: Any, url: str, request: PageRequest, deadline: float) -> RenderedPage:
        home = origin(url)
        extra_headers = dict(request.headers)

        async def route(route: Any) -> None:
            sent = route.request
            if sent.resource_type in BLOCKED_RESOURCES:
                await route.abort("blockedbyclient")
            elif extra_headers and origin(sent.url) == home:
                await route.continue_(headers={**sent.headers, **extra_headers})  # not to third parties
            else:
                await route.continue_()

        await context.route("**/*", route)
        if request.cookies:
            await context.add_cookies([{"name": name, "value": value, "url": url}
                                       for name, value in request.cookies.items()])
        page = await context.new_page()
        response = await page.goto(url, wait_until="domcontentloaded" if request.wait_for else "networkidle",
                                   timeout=_milliseconds_left(deadline))
        if response is None:
            raise RenderError(f"the browser did not load {url}", retryable=False)
        status = response.status
        if status == 429 or status >= 500:
            raise RenderError(f"HTTP {status}", status=status)
        if not 200 <= status < 300:
            raise RenderError(f"HTTP {status}", retryable=False, status=status)
        headers = {name.lower(): value for name, value in response.headers.items()}
        served_type = headers.get("content-type")
        if media_type(served_type) not in HTML_TYPES:  # a PDF or a text file: its bytes, as served
            body = await response.body()
            rendered_by, content_type = None, served_type
        else:
            if request.wait_for:
                await page.wait_for_selector(request.wait_for, state="attached", timeout=_milliseconds_left(deadline))
            body = (await page.content()).encode("utf-8", "surrogatepass")
            rendered_by, content_type = f"Chromium {self.version}", "text/html; charset=utf-8"
        if len(body) > self.settings.max_bytes:
            raise RenderError(f"rendered page larger than {self.settings.max_bytes} bytes", retryable=False)
        return RenderedPage(status, page.url, headers, body, content_type, rendered_by)

    def _describe(self, error: Exception, request: PageRequest, timeout: float) -> RenderError:
        """One line for a failed render: what timed out, or the browser's own reason."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        message = _first_line(error)
        if isinstance(error, PlaywrightTimeout):
            if "wait_for_selector" in str(error) or "waiting for locator" in str(error):
                return RenderError(f"nothing matched wait_for {request.wait_for!r} within {timeout:g} s")
            if request.wait_for:
                return RenderError(f"the page did not load within {timeout:g} s")
            return RenderError(f"the network did not go idle within {timeout:g} s "
                               "(a page that keeps loading needs `wait_for: <css selector>`)")
        if "Download is starting" in message:
            return RenderError("the URL is a download, not a page: it needs no `browser: true`", retryable=False)
        if self._browser is None or not self._browser.is_connected():
            return RenderError(f"the browser stopped: {message}")
        return RenderError(message)

    async def close(self) -> None:
        """End the browser and Playwright's driver (safe to call twice, or after a crash)."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        if self._idle_close is not None:
            await asyncio.gather(self._idle_close, return_exceptions=True)
        await self._shutdown()

    async def _shutdown(self) -> None:
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        browser, self._browser = self._browser, None
        playwright, self._playwright = self._playwright, None
        if browser is not None:
            try:
                await browser.close()
            except Exception:  # already gone: nothing left to close
                pass
        if playwright is not None:
            try:
                await playwright.stop()
            except Exception:  # the driver already exited
                pass


def _milliseconds_left(deadline: float) -> float:
    """Playwright's timeout for the next step: what is left of the render's time (0 means none)."""
    return max(1.0, (deadline - time.monotonic()) * 1000)
