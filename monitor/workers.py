"""Worker processes for the pure middle of a check (`monitor.middle`), driven from the event loop.

When many pages are checked at once, reading and analysing them would hold the event loop while
other fetches wait and leave the other cores idle, so `Middle(workers=N)` runs them in N worker
processes while the event loop keeps fetching and writing the store. `Middle()` (no workers) runs
them inline: a single check or a test pays no process start-up.

A worker is `python -P -m monitor.middle` (`WORKER_ARGS`), started when the first page needs one and fed through its standard input and output (length-prefixed pickles): nothing is
forked from the caller (which may have threads running, such as a progress bar) and the caller's
`__main__` is never re-imported, so any script may check a big batch.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import pickle
import sys
from typing import Any

from basics.errors import PolicyMonitorError
from monitor.middle import FRAME_HEADER, READY, TASKS, Analysis, PageReading

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


WORKER_ARGS = ("-P" if sys.version_info >= (3, 11) else "-I", "-m", "monitor.middle")
"""What `sys.executable` runs as a worker: `monitor.middle`, with the current directory off the
import path (`-m` would put it first, and a folder named `monitor` or a file `struct.py` there
would replace the real ones). Python 3.10 has no `-P`: `-I` also leaves out PYTHONPATH and the
user's site-packages."""
READY_TIMEOUT = 30.0
"""Seconds a worker may take to load before it counts as a failed start (and is killed)."""


class WorkerError(PolicyMonitorError):
    """A worker process died while it handled a page (it is replaced; the check records an error)."""


def auto_workers() -> int:
    """Worker processes worth starting here: one per CPU this process may use but one, at most
    four; none on one CPU.

    The event loop keeps a CPU busy when pages come fast (fetching, hashing and handing over
    every body, writing the store): with pages that differ on every fetch, as real sites' do, a
    worker per CPU had three processes fight over two cores (bench_pipeline.py, 500 noisy pages
    on 2 CPUs: one worker 1.37 / 1.27 / 3.31 s for the new / unchanged / changed rounds, two
    1.61 / 1.51 / 3.61 s).
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return min(cpus - 1, MAX_AUTO_WORKERS)


def workers_for(setting: int | None, checks: int) -> int:
    """How many workers a batch of `checks` gets: the setting, or automatic for big batches."""
    if setting is not None:
        return setting
    return auto_workers() if checks >= AUTO_MIN_CHECKS else 0


class _Worker:
    """One worker process (`WORKER_ARGS`) and the calls it has not answered yet."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.pending: dict[int, asyncio.Future] = {}
        self.ready = False
        """Whether the worker has said it is ready."""
        self.ready_by = asyncio.get_running_loop().time() + READY_TIMEOUT
        """When a worker not ready yet is given up on."""
        self.settled = asyncio.Event()
        """Set once the worker is ready, or has died before it was."""
        self.reader = asyncio.create_task(self._read_replies())

    @classmethod
    async def start(cls) -> _Worker:
        """Start a worker process; it says when it is ready (`settled`)."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, *WORKER_ARGS, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
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
                (size,) = FRAME_HEADER.unpack(await stream.readexactly(FRAME_HEADER.size))
                call_id, ok, value = pickle.loads(await stream.readexactly(size))
                if call_id == READY:
                    self.ready = True
                    self.settled.set()
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
            self.settled.set()
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
            stdin.write(FRAME_HEADER.pack(len(data)) + data)
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

    Workers start when the first page needs reading (a batch of unchanged pages needs none) and
    load in about 0.1 s while more pages are fetched; the event loop never reads a page itself
    while a worker can: it only fetches and writes the store
    (measured: reading the first pages here while the workers loaded, or whenever they were busy,
    cost more CPU in all than it saved, three processes fighting over two cores). A worker that dies fails the calls it held with `WorkerError`
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
        self._reads = 0
        """Page readings asked for and not answered yet."""
        self._reads_fewer: asyncio.Condition | None = None

    async def __aenter__(self) -> Middle:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop the workers (each finishes what it was given first)."""
        pool, self._pool = self._pool, []
        await asyncio.gather(*(worker.stop() for worker in pool))

    async def _start_workers(self) -> None:
        """Replace dead workers and start missing ones."""
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

    async def _ready_workers(self) -> list[_Worker]:
        """The workers ready for calls, once at least one is; [] when none can start here."""
        while True:
            await self._start_workers()
            ready = [worker for worker in self._pool if worker.ready]
            if ready or not self._pool:
                return ready
            await self._settle(self._pool)

    @staticmethod
    async def _settle(workers: list[_Worker]) -> None:
        """Wait for the first worker to be ready or dead; one that is neither by its deadline is
        killed (it then counts as a failed start)."""
        loop = asyncio.get_running_loop()
        waits = [asyncio.ensure_future(worker.settled.wait()) for worker in workers]
        try:
            deadline = min((worker.ready_by for worker in workers if not worker.settled.is_set()), default=None)
            timeout = None if deadline is None else max(0.0, deadline - loop.time())
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        for worker in workers:
            if not worker.settled.is_set() and loop.time() >= worker.ready_by and worker.process.returncode is None:
                worker.process.kill()
                await worker.process.wait()

    async def _run(self, task: str, args: tuple, inline_args: tuple | None = None) -> Any:
        """Run a task in a worker (waiting for one to be ready); here without workers.

        `inline_args` are the arguments for running here, when they differ.
        """
        if self.workers:
            if self._slots is None:
                self._slots = asyncio.Semaphore(self.workers * CALLS_PER_WORKER)
            ready = await self._ready_workers()
            if ready:
                async with self._slots:
                    worker = min(ready, key=lambda candidate: len(candidate.pending))
                    return await worker.call(next(self._calls), task, args)
        return TASKS[task](*(inline_args or args))

    async def read(self, body: bytes, content_type: str | None, select: list[str] | None,
                   remove: list[str] | None, language_hint: str | None, with_date: bool = False,
                   rendered: bool = False) -> PageReading:
        """`read_page` of a fetched body (`rendered`: a DOM a browser made); in a worker, the
        snapshot is compressed there too."""
        args = (body, content_type, select, remove, language_hint)
        self._reads += 1
        try:
            return await self._run("read", (*args, True, with_date, rendered), (*args, False, with_date, rendered))
        finally:
            self._reads -= 1
            if self._reads_fewer is not None:
                async with self._reads_fewer:
                    self._reads_fewer.notify_all()

    async def analyse(self, old_text: str | None, new_text: str, language: str | None) -> Analysis:
        """`analyse` of a new text. With workers, pages waiting to be read go first: reading finds
        the changes (and confirms them), while a comparison waits out its change's confirmation
        delay anyway; it is handed on once fewer pages than workers are waiting."""
        if self.workers:
            if self._reads_fewer is None:
                self._reads_fewer = asyncio.Condition()
            async with self._reads_fewer:
                await self._reads_fewer.wait_for(lambda: self._reads < self.workers)
        return await self._run("analyse", (old_text, new_text, language))
