"""The pure middle of a check runs the same in worker processes as inline, and survives a worker
that dies: its calls fail with WorkerError and the next call gets a fresh worker."""

from __future__ import annotations

import asyncio
import os
import signal

import psutil
import pytest

from conftest import seed_html
from monitor.middle import analyse, changed_part, read_page
from monitor.workers import AUTO_MIN_CHECKS, Middle, WorkerError, auto_workers, workers_for
from basics.compression import decompress_snapshot

RETENTION = "<html><body><h1>Privacy</h1><p>Last updated: 2 March 2026</p><p>We keep your data for one year.</p></body></html>"


def run(coroutine):
    return asyncio.run(coroutine)


def test_a_worker_reads_a_page_as_the_event_loop_would_and_compresses_its_snapshot():
    body = seed_html(0).encode("utf-8")

    async def in_worker():
        async with Middle(workers=1) as middle:
            return await middle.read(body, "text/html; charset=utf-8", None, None, "fr", with_date=True)

    pooled = run(in_worker())
    inline = read_page(body, "text/html; charset=utf-8", None, None, "fr", with_date=True)
    assert (pooled.text, pooled.title, pooled.language, pooled.declared_date) == (
        inline.text, inline.title, inline.language, inline.declared_date)
    assert pooled.text and pooled.language == "fr"
    assert inline.snapshot is None and decompress_snapshot(pooled.snapshot) == body


def test_a_worker_judges_a_change_and_dates_a_first_version():
    async def in_worker():
        async with Middle(workers=1) as middle:
            first = await middle.analyse(None, "Last updated: 2 March 2026\nWe keep your data for one year.", "en")
            change = await middle.analyse("We keep your data for one year.", "We keep your data for five years.", "en")
            return first, change

    (no_comparison, date, _), (comparison, _, partial) = run(in_worker())
    assert no_comparison is None and date == "2026-03-02"
    assert comparison.material and [c.category for c in comparison.changes] == ["retention"] and partial is None


def test_a_page_too_large_to_compare_whole_is_compared_where_it_changed():
    sections = [f"# Section {n}\nWe describe topic {n} of our services in this paragraph." for n in range(20_000)]
    old = "\n".join(sections)
    new = old.replace("We describe topic 9000 of our services in this paragraph.",
                      "We describe topic 9000 of our services in this paragraph.\n"
                      "We keep your personal data for 7 years after your last order.")
    old_part, new_part, partial = changed_part(old, new, limit=100_000)
    assert len(old_part) < 5_000 and "We keep your personal data for 7 years" in new_part
    assert old_part.startswith("# Section 8990") and "topic 9010" in old_part  # the change with its context
    assert "too large to analyse in full" in partial and "lines 18003-18003 of 40001" in partial

    comparison, _, said = analyse(old, new, "en")
    assert said == partial and comparison.notes[-1].startswith("The page is too large to analyse in full")
    assert [c.category for c in comparison.changes if c.material] == ["retention"]


def test_a_whole_rewrite_of_a_huge_page_is_compared_up_to_the_limit():
    old, new = "\n".join(f"Old line {n}." for n in range(30_000)), "\n".join(f"New line {n}." for n in range(30_000))
    old_part, new_part, partial = changed_part(old, new, limit=50_000)
    assert len(old_part) <= 50_000 and len(new_part) <= 50_000
    assert partial.endswith("and only its first 50 thousand characters")
    assert changed_part("small", "texts", limit=50_000) == ("small", "texts", None)


def test_a_worker_that_dies_fails_its_calls_and_is_replaced():
    async def scenario():
        async with Middle(workers=1) as middle:
            await middle.read(RETENTION.encode(), "text/html", None, None, "en")
            (worker,) = psutil.Process().children()
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
            with pytest.raises(WorkerError, match="worker process stopped"):
                await middle.read(RETENTION.encode(), "text/html", None, None, "en")
            again = await middle.read(RETENTION.encode(), "text/html", None, None, "en")
            return again, [child.pid for child in psutil.Process().children()]

    again, children = run(scenario())
    assert "one year" in again.text and len(children) == 1
    assert psutil.Process().children() == []


def test_an_error_inside_a_task_reaches_the_caller_as_itself():
    async def scenario():
        async with Middle(workers=1) as middle:
            return await middle.analyse("old", None, "en")  # not a text: a bug in the caller

    with pytest.raises((TypeError, AttributeError)):
        run(scenario())


def test_workers_start_when_a_page_needs_one_and_pages_wait_for_them_rather_than_load_the_caller():
    async def scenario():
        async with Middle(workers=1) as middle:
            before = list(middle._pool)
            first = await middle.read(RETENTION.encode(), "text/html", None, None, "en")
            return before, first

    before, first = run(scenario())
    assert before == []  # nothing started for a batch that reads no page
    assert "one year" in first.text
    assert first.snapshot is not None  # read by the worker (only a worker compresses for the store)


def test_workers_are_only_started_for_a_batch_worth_it_unless_the_watchlist_says():
    assert workers_for(0, 10_000) == 0
    assert workers_for(3, 1) == 3
    assert workers_for(None, AUTO_MIN_CHECKS - 1) == 0
    assert workers_for(None, AUTO_MIN_CHECKS) == auto_workers()
    cpus = len(os.sched_getaffinity(0))
    assert auto_workers() == min(cpus - 1, 4)  # the event loop keeps a CPU of its own


def test_workers_that_cannot_start_leave_the_reading_to_the_caller(monkeypatch):
    monkeypatch.setattr("monitor.workers.sys.executable", "/bin/false")  # a "python" that dies at once

    async def scenario():
        async with Middle(workers=2) as middle:
            readings = []
            for _ in range(12):
                readings.append(await middle.read(RETENTION.encode(), "text/html", None, None, "en"))
                await asyncio.sleep(0.02)
            return readings, middle.workers

    readings, workers_left = run(scenario())
    assert all("one year" in reading.text for reading in readings)
    assert workers_left == 0


def test_what_a_task_prints_goes_to_stderr_not_into_the_replies():
    import pickle
    import struct
    import subprocess
    import sys

    script = ("import monitor.middle as m\n"
              "m.TASKS['shout'] = lambda: print('hello from a library') or 42\n"
              "m.main()\n")
    request = pickle.dumps((7, "shout", ()))
    result = subprocess.run([sys.executable, "-c", script], input=struct.pack("!I", len(request)) + request,
                            capture_output=True, check=True, timeout=60)
    replies, data = [], result.stdout
    while data:
        (size,) = struct.unpack("!I", data[:4])
        replies.append(pickle.loads(data[4:4 + size]))
        data = data[4 + size:]
    assert replies == [(-1, True, None), (7, True, 42)]
    assert b"hello from a library" in result.stderr


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="pipe sizes are a Linux feature")
def test_a_worker_widens_its_pipes_so_a_page_goes_over_in_one_write():
    import fcntl

    from monitor.middle import PIPE_BYTES

    async def pipe_size():
        async with Middle(workers=1) as middle:
            await middle.read(RETENTION.encode(), "text/html", None, None, "en")
            pipe = middle._pool[0].process.stdin.transport.get_extra_info("pipe")
            return fcntl.fcntl(pipe.fileno(), fcntl.F_GETPIPE_SZ)

    if int(open("/proc/sys/fs/pipe-max-size").read()) < PIPE_BYTES and os.geteuid() != 0:
        pytest.skip("this system does not let a user have pipes that big")
    assert run(pipe_size()) == PIPE_BYTES


def test_a_worker_that_never_gets_ready_is_given_up_on_and_pages_are_read_here(monkeypatch):
    monkeypatch.setattr("monitor.workers.WORKER_ARGS", ("-c", "import time; time.sleep(60)"))  # loads forever
    monkeypatch.setattr("monitor.workers.READY_TIMEOUT", 0.3)

    async def scenario():
        async with Middle(workers=1) as middle:
            reading = await asyncio.wait_for(middle.read(RETENTION.encode(), "text/html", None, None, "en"), 20)
            return reading, middle.workers

    reading, workers_left = run(scenario())
    assert "one year" in reading.text and workers_left == 0
    assert psutil.Process().children() == []  # the stuck ones were killed


@pytest.mark.parametrize("impostor", ["monitor/__init__.py", "struct.py"])
def test_what_the_current_directory_holds_never_replaces_what_workers_import(tmp_path, monkeypatch, impostor):
    path = tmp_path / impostor
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"raise SystemExit('the wrong module was imported: {impostor}')\n")
    monkeypatch.chdir(tmp_path)

    async def read_in_a_worker():
        async with Middle(workers=1) as middle:
            return await middle.read(RETENTION.encode(), "text/html", None, None, "en"), middle.workers

    reading, workers = run(read_in_a_worker())
    assert "one year" in reading.text
    assert reading.snapshot is not None and workers == 1  # read by a worker that started, not inline
