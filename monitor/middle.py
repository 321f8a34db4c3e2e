"""The pure middle of a check, run on the event loop or in worker processes.

Reading a fetched body (clean text, title, language, the compressed raw snapshot) and analysing
a new version (the comparison with the previous text, the facts) are pure, CPU-bound functions
of their inputs. When many pages are checked at once they would hold the event loop while other
fetches wait and leave the other cores idle, so `Middle(workers=N)` runs them in a pool of N
processes while the event loop keeps fetching and writing the store. `Middle()` (no workers)
runs them inline: a single check or a test pays no process start-up.

Worker processes come from a fork server that has already imported the normaliser and the
analysis, so a worker starts warm without forking the caller (which may have threads running,
such as a progress bar).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from monitor.errors import NormalizeError, PolicyMonitorError

TITLE_BYTES = 32_768
"""The page title is read from the head of the body: the first 32 KB are enough."""
AUTO_MIN_CHECKS = 16
"""With `workers` left automatic, a pool is started only for a batch of at least this many checks."""
MAX_AUTO_WORKERS = 4
PRELOAD = ["monitor.normalize", "monitor.analysis", "monitor.guards", "store.db"]

Result = TypeVar("Result")


class WorkerError(PolicyMonitorError):
    """A worker process died while it handled a page (it is replaced; the check records an error)."""


@dataclass(frozen=True)
class PageReading:
    """A fetched body read as a policy page."""

    text: str | None
    """The clean text (None when the body could not be read: see `error`)."""
    title: str | None
    """The HTML <title>, for the suspect-page guard."""
    error: str | None
    language: str | None
    """The detected language of the text; None when too short to tell."""
    snapshot: bytes | None = None
    """The body compressed as the store keeps it, when asked for (saves the event loop the work)."""


def read_page(
    body: bytes,
    content_type: str | None,
    select: list[str] | None = None,
    remove: list[str] | None = None,
    language_hint: str | None = None,
    compress: bool = False,
) -> PageReading:
    """Normalise a body with an entry's selectors; keep its title and language (pure)."""
    from monitor import guards
    from monitor.normalize import decode_body, normalize_document

    snapshot = None
    if compress and body:
        from store.db import compress_snapshot

        snapshot = compress_snapshot(body)
    try:
        title = guards.html_title(decode_body(body[:TITLE_BYTES], content_type))
    except (NormalizeError, UnicodeError, ValueError):
        title = None
    try:
        text = normalize_document(body, content_type, select or None, remove or None)
    except NormalizeError as exc:
        return PageReading(None, title, str(exc), None, snapshot)
    return PageReading(text, title, None, guards.detect_language(text, hint=language_hint), snapshot)


def analyse(old_text: str | None, new_text: str, language: str | None) -> tuple[Any, str | None]:
    """(Comparison with the previous text, None for a first version; the new text's declared date).

    A version's facts are not part of it: they are derived when first asked for
    (`monitor.pipeline.derive_facts`), so a check only does what its alerts need.
    """
    from monitor.analysis import compare_texts, declared_date

    if old_text is None:
        return None, declared_date(new_text, lang_hint=language)
    comparison = compare_texts(old_text, new_text, lang_hint=language)
    return comparison, comparison.new_date


def _warm_worker() -> None:
    """Load what every page needs once per worker, before the first page arrives."""
    from monitor.analysis.lexicon import function_word_languages

    function_word_languages()


def auto_workers() -> int:
    """Worker processes worth starting here: the CPUs this process may use but one, at most four.

    The event loop keeps a CPU busy fetching and writing the store; each worker holds its own
    copy of the normaliser and the lexicons (about 100 MB), hence the cap.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(0, min(cpus - 1, MAX_AUTO_WORKERS))


def workers_for(setting: int | None, checks: int) -> int:
    """How many workers a batch of `checks` gets: the setting, or automatic for big batches."""
    if setting is not None:
        return setting
    return auto_workers() if checks >= AUTO_MIN_CHECKS else 0


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


class Middle:
    """Runs `read_page` and `analyse` inline (workers=0) or in a process pool (`async with`)."""

    def __init__(self, workers: int = 0) -> None:
        self.workers = max(0, workers)
        self._pool: Executor | None = None

    def __enter__(self) -> Middle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _executor(self) -> Executor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=_context(), initializer=_warm_worker)
        return self._pool

    def start(self) -> None:
        """Start the workers now (they warm up while the first pages are fetched)."""
        if self.workers:
            self._executor()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    async def _run(self, func: Callable[..., Result], *args: Any) -> Result:
        if not self.workers:
            return func(*args)
        pool = self._executor()
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, func, *args)
        except BrokenProcessPool as exc:
            if self._pool is pool:
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
            raise WorkerError(f"a worker process stopped while handling the page ({exc})") from exc

    async def read(self, body: bytes, content_type: str | None, select: list[str] | None,
                   remove: list[str] | None, language_hint: str | None) -> PageReading:
        """`read_page` of a fetched body; in a pool, the snapshot is compressed there too."""
        return await self._run(read_page, body, content_type, select, remove, language_hint, bool(self.workers))

    async def analyse(self, old_text: str | None, new_text: str, language: str | None) -> tuple[Any, str | None]:
        return await self._run(analyse, old_text, new_text, language)
