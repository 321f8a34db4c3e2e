"""The pure middle of a check, run on the event loop or in worker processes.

Reading a fetched body (clean text, title, language, the compressed raw snapshot) and analysing
a new version (the comparison with the previous text) are pure, CPU-bound functions of their
inputs. When many pages are checked at once they would hold the event loop while other fetches
wait and leave the other cores idle, so `Middle(workers=N)` runs them in N worker processes
while the event loop keeps fetching and writing the store. `Middle()` (no workers) runs them
inline: a single check or a test pays no process start-up.

A worker is `python -m monitor.middle`, started when the first page needs one and fed through
its standard input and output (length-prefixed pickles): nothing is forked from the caller
(which may have threads running, such as a progress bar) and the caller's `__main__` is never
re-imported, so any script may check a big batch.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import pickle
import struct
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO, Callable

from monitor.errors import NormalizeError, PolicyMonitorError

TITLE_BYTES = 32_768
"""The page title is read from the head of the body: the first 32 KB are enough."""
AUTO_MIN_CHECKS = 16
"""With `workers` left automatic, a pool is started only for a batch of at least this many checks."""
MAX_AUTO_WORKERS = 4
"""Each worker holds its own normaliser and lexicons (some 80 MB): more rarely pays on one host."""
CALLS_PER_WORKER = 16
"""Calls handed to a worker ahead of its answers: plenty to keep it busy, and a bound on the
pickled pages waiting in pipe buffers."""
MAX_FAILED_STARTS = 3
"""Workers that may die before they are ready, in one run, before pages are read inline instead."""
STOP_TIMEOUT = 30.0
"""Seconds a worker gets to finish its last pages when the run ends."""


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
    declared_date: str | None = None
    """The date the text says it was updated (ISO), when asked for: a first version needs it."""
    suspect: str | None = None
    """Why the page looks like an error, captcha or login page (`guards.phrase_reason`), if it does."""


def read_page(
    body: bytes,
    content_type: str | None,
    select: list[str] | None = None,
    remove: list[str] | None = None,
    language_hint: str | None = None,
    compress: bool = False,
    with_date: bool = False,
) -> PageReading:
    """Normalise a body with an entry's selectors; keep its title and language (pure)."""
    from monitor import guards
    from monitor.normalize import decode_body, normalize_document

    snapshot = None
    if compress and body:
        from monitor.compression import compress_snapshot

        snapshot = compress_snapshot(body)
    try:
        title = guards.html_title(decode_body(body[:TITLE_BYTES], content_type))
    except (NormalizeError, UnicodeError, ValueError):
        title = None
    try:
        text = normalize_document(body, content_type, select or None, remove or None)
    except NormalizeError as exc:  # an error page may still say what it is in its title
        return PageReading(None, title, str(exc), None, snapshot, suspect=guards.phrase_reason("", title))
    language = guards.detect_language(text, hint=language_hint)
    suspect = guards.phrase_reason(text, title)
    declared = None
    if with_date:
        from monitor.analysis import declared_date

        declared = declared_date(text, lang_hint=language_hint)
    return PageReading(text, title, None, language, snapshot, declared, suspect)


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


def auto_workers() -> int:
    """Worker processes worth starting here: one per CPU this process may use, at most four.

    The event loop needs a CPU too (fetching, writing the store), but it mostly waits, and a
    batch with changes is bound by comparisons, which spread over the workers; on one CPU, none.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return min(cpus, MAX_AUTO_WORKERS) if cpus > 1 else 0


def workers_for(setting: int | None, checks: int) -> int:
    """How many workers a batch of `checks` gets: the setting, or automatic for big batches."""
    if setting is not None:
        return setting
    return auto_workers() if checks >= AUTO_MIN_CHECKS else 0


TASKS: dict[str, Callable[..., Any]] = {"read": read_page, "analyse": analyse}
"""What a worker may be asked to run, by name."""
_HEADER = struct.Struct("!I")
READY = -1


def serve(requests: BinaryIO, replies: BinaryIO) -> None:
    """A worker's loop: (id, task, args) in, (id, ok, result or exception) out, until end of input.

    Messages are pickles behind a 4-byte length; both ends are this module, in one user's run.
    A first reply with id READY says the worker has loaded what pages need.
    """
    import monitor.normalize  # noqa: F401  (imported before the first page arrives)
    from monitor.analysis.lexicon import function_word_languages

    function_word_languages()
    _reply(replies, (READY, True, None))
    while header := requests.read(_HEADER.size):
        (size,) = _HEADER.unpack(header)
        call_id, task, args = pickle.loads(requests.read(size))
        try:
            reply = (call_id, True, TASKS[task](*args))
        except Exception as exc:  # handed back to the caller, who raises it
            reply = (call_id, False, exc)
        _reply(replies, reply)


def _reply(replies: BinaryIO, reply: tuple) -> None:
    try:
        data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an exception (or result) that cannot travel: say what it was
        call_id, _, value = reply
        failure = RuntimeError(f"{type(value).__name__}: {value} (and it could not be sent back: {exc})")
        data = pickle.dumps((call_id, False, failure), protocol=pickle.HIGHEST_PROTOCOL)
    replies.write(_HEADER.pack(len(data)) + data)
    replies.flush()


class _Worker:
    """One worker process (`python -m monitor.middle`) and the calls it has not answered yet."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.pending: dict[int, asyncio.Future] = {}
        self.ready = False
        """Whether the worker has said it is ready (until then, pages are better read in the caller)."""
        self.reader = asyncio.create_task(self._read_replies())

    @classmethod
    async def start(cls) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "monitor.middle", stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )
        return cls(process)

    @property
    def alive(self) -> bool:
        return self.process.returncode is None and not self.reader.done()

    async def _read_replies(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        try:
            while True:
                (size,) = _HEADER.unpack(await stream.readexactly(_HEADER.size))
                call_id, ok, value = pickle.loads(await stream.readexactly(size))
                if call_id == READY:
                    self.ready = True
                    continue
                future = self.pending.pop(call_id, None)
                if future is None or future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
        except Exception as exc:  # end of output, or a reply that cannot be read: the worker is lost
            error = WorkerError(f"a worker process stopped while handling the page ({type(exc).__name__})")
            if self.process.returncode is None:
                self.process.kill()
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(error)
            self.pending.clear()

    async def call(self, call_id: int, task: str, args: tuple) -> Any:
        if not self.alive:
            raise WorkerError("a worker process stopped before it got the page")
        future = asyncio.get_running_loop().create_future()
        self.pending[call_id] = future
        data = pickle.dumps((call_id, task, args), protocol=pickle.HIGHEST_PROTOCOL)
        stdin = self.process.stdin
        assert stdin is not None
        try:
            stdin.write(_HEADER.pack(len(data)) + data)
            await stdin.drain()
        except (ConnectionError, RuntimeError) as exc:
            self.pending.pop(call_id, None)
            raise WorkerError(f"a worker process stopped before it got the page ({type(exc).__name__})") from exc
        return await future

    async def stop(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.is_closing():
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), STOP_TIMEOUT)
        except asyncio.TimeoutError:
            self.process.kill()
            await self.process.wait()
        self.reader.cancel()


class Middle:
    """Runs `read_page` and `analyse` inline (workers=0) or in worker processes (`async with`).

    Workers start with the first call that needs one, and the event loop reads pages itself only
    until one of them is ready; then it only fetches and writes the store (measured: letting it
    also read when the workers were busy cost more CPU in all than it saved, three processes
    fighting over two cores). A worker that dies fails the calls it held with `WorkerError`
    (each becomes an error check, retried next time) and is replaced; if workers keep dying
    before they are ready (`MAX_FAILED_STARTS`), the rest of the run reads inline.
    """

    def __init__(self, workers: int = 0) -> None:
        self.workers = max(0, workers)
        self._pool: list[_Worker] = []
        self._calls = itertools.count()
        self._starting: asyncio.Lock | None = None
        self._slots: asyncio.Semaphore | None = None
        self._failed_starts = 0

    async def __aenter__(self) -> Middle:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the workers (each finishes what it was given first)."""
        pool, self._pool = self._pool, []
        await asyncio.gather(*(worker.stop() for worker in pool))

    async def _start_workers(self) -> None:
        """Replace dead workers and start missing ones (they load while pages are read here)."""
        if self._starting is None:
            self._starting = asyncio.Lock()
        async with self._starting:
            for worker in [w for w in self._pool if not w.alive]:
                self._pool.remove(worker)
                await worker.stop()
                self._failed_starts += not worker.ready
            if self._failed_starts >= MAX_FAILED_STARTS:
                self.workers = 0  # something in this environment kills them: read here instead
                return
            while len(self._pool) < self.workers:
                self._pool.append(await _Worker.start())

    async def wait_ready(self, timeout: float = STOP_TIMEOUT) -> None:
        """Start the workers and wait until each has loaded (for callers that want no inline reads)."""
        await self._start_workers()
        deadline = asyncio.get_running_loop().time() + timeout
        while not all(worker.ready for worker in self._pool):
            if any(not worker.alive for worker in self._pool):
                raise WorkerError("a worker process stopped while starting")
            if asyncio.get_running_loop().time() > deadline:
                raise WorkerError(f"the worker processes were not ready after {timeout:g} s")
            await asyncio.sleep(0.01)

    async def _run(self, task: str, args: tuple, inline_args: tuple | None = None) -> Any:
        """Run a task in a worker; here without workers or while none is ready yet.

        `inline_args` are the arguments for running here, when they differ.
        """
        if self.workers:
            if self._slots is None:
                self._slots = asyncio.Semaphore(self.workers * CALLS_PER_WORKER)
            await self._start_workers()
            ready = [worker for worker in self._pool if worker.ready]
            if ready:
                async with self._slots:
                    worker = min(ready, key=lambda candidate: len(candidate.pending))
                    return await worker.call(next(self._calls), task, args)
        return TASKS[task](*(inline_args or args))

    async def read(self, body: bytes, content_type: str | None, select: list[str] | None,
                   remove: list[str] | None, language_hint: str | None, with_date: bool = False) -> PageReading:
        """`read_page` of a fetched body; in a worker, the snapshot is compressed there too."""
        args = (body, content_type, select, remove, language_hint)
        return await self._run("read", (*args, True, with_date), (*args, False, with_date))

    async def analyse(self, old_text: str | None, new_text: str, language: str | None) -> tuple[Any, str | None]:
        return await self._run("analyse", (old_text, new_text, language))


def main() -> None:
    """`python -m monitor.middle`: serve on stdin/stdout until stdin ends.

    The replies own the real standard output; whatever a library prints goes to stderr instead
    of into the middle of a reply.
    """
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    serve(sys.stdin.buffer, replies)


if __name__ == "__main__":
    from monitor.middle import main as imported_main  # results must pickle as monitor.middle.*, not __main__.*

    imported_main()
