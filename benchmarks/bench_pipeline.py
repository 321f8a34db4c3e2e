"""How fast does policy-monitor check 1,000 watched policies, next to a bare fetch and to urlwatch?

A local server (its own process, 127.0.0.1 only) serves /policy/0..N-1: different ~40 KB policy
pages built from tests/fixtures/seeds (see benchmarks/_server.py), every response with its own
noise (a fresh nonce on each script, a fresh CSRF token and a fresh ~25 KB state blob, none of it
visible text; `--no-noise` serves the same bytes every time), so no byte-equality shortcut applies.
Each variant runs in a fresh Python subprocess, so its peak RSS is its own:

- baseline: a bare httpx.AsyncClient fetching every URL once with the same concurrency;
- pipeline: `monitor.pipeline.check_all` on a generated 1,000-entry watchlist, three rounds on the
  same database: `new` (every page is new: version 1 stored), `unchanged` (same pages again) and
  `10% changed` (every 10th page edited: a retention sentence added, a paragraph removed, so the
  comparison and alerts run; the confirmation re-fetch on, with its default 2 s delay);
- urlwatch (when installed; it is not a project dependency): its CLI on a jobs file with the same
  URLs and its `html2text` filter, the same three rounds, its worker count set to the same
  concurrency through a hooks file.

Wall time is the child process's whole life (interpreter start, imports, work); "work" is the
in-process time of the fetch/check loop alone. The pipeline/baseline ratio uses work times.
The pipeline reads and analyses pages in worker processes (`settings.workers`, automatic: one
per CPU for a batch this big; `--workers N` overrides it, 0 keeps everything on the event loop):
its CPU time and peak memory include those workers (peak: the child's own high-water mark plus
each worker's largest sampled RSS). Pipeline rounds also report where the event-loop time went
(store, guards, alerts, and normalise/analysis when they run inline; the rest is fetching:
httpx, asyncio and waiting on the network, plus waiting on the workers).

    python benchmarks/bench_pipeline.py [--urls 1000] [--concurrency 10] [--workers N] [--repeat 3]
                                        [--no-noise] [--skip-urlwatch] [--json] [--profile]

`--repeat N` runs the whole sequence N times (fresh database and urlwatch cache each time,
variants interleaved) and reports medians: these machines are shared, and one run can be 40%
off the next.

Targets: pipeline ("new" and "unchanged" rounds) at >= 0.5x the fetch-only rate, every round no
slower than urlwatch on the same round, peak RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

MAX_CONCURRENCY = 16
"""All URLs share one host and `per_host` is capped at 16 by the watchlist settings."""
EDIT_EVERY = 10
MIN_RATE_RATIO = 0.5
MAX_RSS_MB = 400.0


# ---------------------------------------------------------------------------------------------
# Children: each measures one variant in a fresh interpreter and prints one JSON line.


def peak_rss_mb() -> float:
    """This process's peak RSS in MB.

    Linux's ru_maxrss survives exec, so a child would inherit its parent's peak; VmHWM is the
    high-water mark of the process's own memory, so it is read first.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _fetch_all(urls: list[str], concurrency: int) -> Counter:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    statuses: Counter = Counter()
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def one(url: str) -> None:
            async with gate:
                try:
                    response = await client.get(url)
                    statuses[str(response.status_code)] += 1
                except httpx.HTTPError as exc:
                    statuses[type(exc).__name__] += 1

        await asyncio.gather(*(one(url) for url in urls))
    return statuses


def child_baseline(urls_file: Path, concurrency: int) -> dict[str, Any]:
    urls = urls_file.read_text(encoding="utf-8").split()
    started, cpu = time.perf_counter(), time.process_time()
    statuses = asyncio.run(_fetch_all(urls, concurrency))
    return {
        "work_s": time.perf_counter() - started, "cpu_s": time.process_time() - cpu,
        "outcomes": dict(statuses), "peak_rss_mb": peak_rss_mb(),
    }


class StageClock:
    """Time spent inside wrapped synchronous functions, by stage, nested calls counted once.

    Everything the pipeline does between awaits runs on the event loop's thread, so this is the
    time each stage blocks the loop; whatever is left of the run is fetching and waiting.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: Counter = Counter()
        self._open: list[list[float]] = []

    def wrap(self, func: Callable, stage: str) -> Callable:
        @functools.wraps(func)
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [0.0]
            self._open.append(frame)
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self._open.pop()
                self.seconds[stage] += elapsed - frame[0]
                self.calls[stage] += 1
                if self._open:
                    self._open[-1][0] += elapsed

        return timed

    def patch(self, owner: Any, name: str, stage: str) -> None:
        if hasattr(owner, name):
            setattr(owner, name, self.wrap(getattr(owner, name), stage))


class ProcessTreeSampler:
    """Peak RSS and CPU time of this process's child processes (the workers).

    CPU time comes from `getrusage(RUSAGE_CHILDREN)` once the workers are reaped (`Middle` waits
    for them). Peak RSS is each child's `VmHWM` (the kernel's high-water mark, so a slow sampling
    rate loses nothing but a rise in a child's last moments). The sampler reads /proc directly,
    a few times a second: a psutil scan of every process each 20 ms had cost the measured
    process some 0.2 s of CPU per round, and held the GIL against its event loop.
    """

    def __init__(self, interval: float = 0.2) -> None:
        import threading

        self.interval = interval
        self.peak_rss: dict[int, int] = {}
        self._cpu_at_start = 0.0
        self._cpu = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    @staticmethod
    def _child_pids() -> set[int]:
        pids: set[int] = set()
        for children in Path("/proc/self/task").glob("*/children"):
            try:
                pids.update(int(pid) for pid in children.read_text().split())
            except OSError:
                continue
        return pids

    def _sample(self) -> None:
        for pid in self._child_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) * 1024
                    self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), peak)
                    break

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> ProcessTreeSampler:
        self._cpu_at_start = self._children_cpu()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self._cpu = self._children_cpu() - self._cpu_at_start

    @property
    def workers(self) -> int:
        return len(self.peak_rss)

    def peak_mb(self) -> float:
        return sum(self.peak_rss.values()) / 2**20

    def cpu_s(self) -> float:
        return self._cpu


def instrument_pipeline() -> StageClock:
    """Wrap the pipeline's synchronous steps (by name; a renamed step simply goes untimed)."""
    from monitor import guards, middle, pipeline
    from store import Store

    clock = StageClock()
    clock.patch(middle, "read_page", "normalize")
    clock.patch(middle, "analyse", "analysis")
    middle.TASKS.update(read=middle.read_page, analyse=middle.analyse)  # what runs inline, timed
    clock.patch(pipeline, "_alerts_for", "alerts")
    for name in ("phrase_reason", "shrink_reason", "detect_language", "flapping_match",
                 "html_title", "language_flip"):
        clock.patch(guards, name, "guards")
    for name in ("__init__", "record", "finish_same", "finish_failed", "finish_pending"):
        clock.patch(pipeline._Check, name, "store")
    for name in ("last_validators", "versions", "latest_version"):
        clock.patch(Store, name, "store")
    return clock


def child_pipeline(watchlist_path: Path, profile: bool, workers: int | None) -> dict[str, Any]:
    from monitor.pipeline import check_all
    from monitor.watchlist import database_path, load_watchlist
    from store import Store

    clock = instrument_pipeline()
    watchlist = load_watchlist(watchlist_path)
    if workers is not None:
        watchlist.settings.workers = workers
    store = Store(database_path(watchlist))
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with ProcessTreeSampler() as tree:
        started, cpu = time.perf_counter(), time.process_time()
        outcomes = asyncio.run(check_all(watchlist, store))
        work, cpu = time.perf_counter() - started, time.process_time() - cpu
    if profiler is not None:
        import pstats

        profiler.disable()
        print(f"--- cProfile of check_all ({watchlist_path.parent.name}), top 25 by own time ---", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(os.environ.get("BENCH_SORT", "tottime")).print_stats(int(os.environ.get("BENCH_TOP", "25")))
    store.close()
    errors = Counter(o.error for o in outcomes if o.error)
    return {
        "work_s": work, "cpu_s": cpu + tree.cpu_s(), "workers_cpu_s": tree.cpu_s(), "workers": tree.workers,
        "peak_rss_mb": peak_rss_mb() + tree.peak_mb(), "workers_peak_rss_mb": tree.peak_mb(),
        "outcomes": dict(Counter(o.outcome for o in outcomes)),
        "material": sum(1 for o in outcomes if o.material),
        "errors": dict(errors.most_common(3)),
        "stages_s": dict(clock.seconds), "stage_calls": dict(clock.calls),
    }


# ---------------------------------------------------------------------------------------------
# Parent: set up, run the children, print the table.


def _child_env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
               HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"))
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env.pop(proxy, None)
    return env


def run_process(command: list[str], env: dict[str, str], stdout: Path) -> dict[str, Any]:
    """Run a child to the end, its output into `stdout`: wall time and exit status."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with stdout.open("wb") as out:
        returncode = subprocess.run(command, env=env, stdout=out, check=False).returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": time.perf_counter() - started, "returncode": returncode, "process_cpu_s": cpu}


def run_child(kind: str, arguments: list[str], env: dict[str, str], folder: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, *arguments]
    output = folder / f"{kind}-{time.monotonic_ns()}.json"
    result = run_process(command, env, output)
    if result["returncode"] != 0:
        raise SystemExit(f"error: the {kind} child failed (exit {result['returncode']})")
    reported = json.loads(output.read_text(encoding="utf-8").strip().splitlines()[-1])
    return {**reported, "wall_s": result["wall_s"], "process_cpu_s": result["process_cpu_s"]}


def write_watchlist(folder: Path, urls: list[str], languages: list[str], concurrency: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "settings:",
        "  database: bench.db",
        f"  concurrency: {concurrency}",
        f"  per_host: {concurrency}",
        "  confirm_changes: true  # with the default 2 s between the two fetches",
        "channels:",
        "  archive:",
        "    kind: file",
        "    path: alerts",
        "defaults:",
        "  every: 1d",
        "  alerts: [archive]",
        "policies:",
    ]
    for number, (url, language) in enumerate(zip(urls, languages)):
        lines += [f"  - name: policy-{number:05d}", f"    url: {url}", f"    language: {language}"]
    path = folder / "watchlist.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


URLWATCH_LAUNCHER = """\
import atexit, sys
peak_file = sys.argv.pop(1)
def record_peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            open(peak_file, 'w').write(str(int(line.split()[1]) / 1024))
atexit.register(record_peak)
from urlwatch.cli import main
sys.argv[0] = 'urlwatch'
sys.exit(main())
"""
"""urlwatch's own console script, plus writing its peak RSS (VmHWM) to a file when it exits."""


def urlwatch_available() -> bool:
    return importlib.util.find_spec("urlwatch") is not None and Path("/proc/self/status").exists()


def write_urlwatch_files(folder: Path, urls: list[str], concurrency: int) -> list[str]:
    """Jobs, config and hooks for urlwatch; returns its command-line file options."""
    folder.mkdir(parents=True, exist_ok=True)
    jobs = "".join(
        f"---\nname: policy-{number:05d}\nurl: {url}\nfilter:\n  - html2text\n" for number, url in enumerate(urls)
    )
    (folder / "jobs.yaml").write_text(jobs, encoding="utf-8")
    (folder / "config.yaml").write_text(
        "display:\n  new: true\n  error: true\n  unchanged: false\n  empty-diff: false\n"
        "report:\n  stdout:\n    enabled: true\n    color: false\n  text:\n    details: true\n    footer: false\n"
        "  html:\n    diff: unified\n  email:\n    enabled: false\n",
        encoding="utf-8",
    )
    # urlwatch's thread pool size is a module constant (10); its hooks file is how users change it.
    (folder / "hooks.py").write_text(f"import urlwatch.worker\n\nurlwatch.worker.MAX_WORKERS = {concurrency}\n",
                                     encoding="utf-8")
    return ["--urls", str(folder / "jobs.yaml"), "--config", str(folder / "config.yaml"),
            "--hooks", str(folder / "hooks.py"), "--cache", str(folder / "cache.db")]


def run_urlwatch(options: list[str], env: dict[str, str], folder: Path, round_name: str) -> dict:
    report = folder / f"report-{round_name.split()[0].strip('%')}.txt"
    peak_file = folder / "peak-rss"
    result = run_process([sys.executable, "-c", URLWATCH_LAUNCHER, str(peak_file), *options], env, report)
    if result["returncode"] != 0:
        raise SystemExit(f"error: urlwatch failed (exit {result['returncode']}), see {report}")
    text = report.read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    outcomes = Counter(line.split(":", 1)[0] for line in lines if line.split(":", 1)[0] in ("NEW", "CHANGED", "ERROR"))
    return {"wall_s": result["wall_s"], "work_s": None, "cpu_s": result["process_cpu_s"],
            "peak_rss_mb": float(peak_file.read_text()),
            "outcomes": dict(outcomes)}


def compile_project() -> None:
    """Byte-compile the project as installing it from a wheel would.

    An editable install leaves its modules uncompiled, and with PYTHONDONTWRITEBYTECODE set (as
    on these machines) every child would compile them again at import, while urlwatch and the
    libraries in site-packages were compiled when pip installed them.
    """
    import compileall

    for package in ("monitor", "store", "alerts"):
        compileall.compile_dir(str(Path(__file__).resolve().parent.parent / package), quiet=1)


def median_rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per variant, in first-run order: the median of each figure, the range of wall times.

    The machines are shared and noisy; a median of interleaved runs is the figure worth quoting.
    """
    from statistics import median

    by_variant: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        by_variant.setdefault(run["variant"], []).append(run)
    rows = []
    for variant, group in by_variant.items():
        row = dict(group[len(group) // 2])
        for key, value in group[0].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                row[key] = median(run[key] for run in group)
        for key in ("stages_s",):
            if group[0].get(key):
                row[key] = {name: median(run[key].get(name, 0.0) for run in group) for name in group[0][key]}
        row["wall_range_s"] = [min(run["wall_s"] for run in group), max(run["wall_s"] for run in group)]
        row["runs"] = len(group)
        rows.append(row)
    return rows


def _rate(count: int, seconds: float | None) -> float | None:
    return count / seconds if seconds else None


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def print_table(rows: list[dict[str, Any]], count: int) -> None:
    header = f"{'variant':<28} {'wall s':>7} {'work s':>7} {'cpu s':>7} {'URLs/s':>8} {'peak MB':>8}  outcomes"
    print(header)
    print("-" * len(header))
    for row in rows:
        seconds = row["work_s"] if row["work_s"] is not None else row["wall_s"]
        outcomes = ", ".join(f"{k}={v}" for k, v in sorted(row["outcomes"].items()))
        spread = ""
        if row.get("runs", 1) > 1:
            spread = f"  [{row['wall_range_s'][0]:.2f}-{row['wall_range_s'][1]:.2f}]"
        print(f"{row['variant']:<28} {row['wall_s']:>7.2f} {_fmt(row['work_s'], '7.2f'):>7} "
              f"{_fmt(row['cpu_s'], '7.2f'):>7} {_rate(count, seconds):>8.0f} {row['peak_rss_mb']:>8.1f}  {outcomes}{spread}")


def print_stages(rows: list[dict[str, Any]]) -> None:
    print("\nWhere pipeline time went (seconds the event loop spent in each stage; rest = fetch + waiting;"
          "\nworkers: processes started and the CPU seconds they used reading and analysing pages):")
    names = ["normalize", "analysis", "store", "guards", "alerts"]
    print(f"{'round':<28} " + " ".join(f"{n:>9}" for n in names) + f" {'rest':>9} {'work':>9} {'workers':>12}")
    for row in rows:
        stages = row.get("stages_s") or {}
        rest = row["work_s"] - sum(stages.values())
        workers = f"{row.get('workers', 0)} / {row.get('workers_cpu_s', 0.0):.2f} s"
        print(f"{row['variant']:<28} " + " ".join(f"{stages.get(n, 0.0):>9.2f}" for n in names)
              + f" {rest:>9.2f} {row['work_s']:>9.2f} {workers:>12}")


def expected_outcomes(variant: str, count: int, noise: bool) -> dict[str, int]:
    """What every run of a variant must have done, so that a fast run is not a broken one.

    urlwatch's `html2text` filter keeps the text of scripts, so with noise it takes every page's
    fresh state blob for a change (and reports, and diffs, every page) in the later rounds."""
    edited = len(range(0, count, EDIT_EVERY))
    return {
        "baseline (httpx fetch only)": {"200": count},
        "pipeline: new": {"new_version": count},
        "pipeline: unchanged": {"unchanged": count},
        "pipeline: 10% changed": {"new_version": edited, "unchanged": count - edited},
        "urlwatch: new": {"NEW": count},
        "urlwatch: unchanged": {"CHANGED": count} if noise else {},
        "urlwatch: 10% changed": {"CHANGED": count if noise else edited},
    }[variant]


def verdicts(rows: list[dict[str, Any]], count: int, runs: list[dict[str, Any]],
             noise: bool = True) -> list[tuple[str, bool]]:
    wrong = [f"{run['variant']}: {run['outcomes']}" for run in runs
             if run["outcomes"] != expected_outcomes(run["variant"], count, noise)]
    results = [(f"every run did the expected work{' (not: ' + '; '.join(wrong) + ')' if wrong else ''}", not wrong)]
    by_name = {row["variant"]: row for row in rows}
    baseline = by_name["baseline (httpx fetch only)"]
    baseline_rate = _rate(count, baseline["work_s"])
    for round_name in ("new", "unchanged"):
        pipeline = by_name[f"pipeline: {round_name}"]
        ratio = _rate(count, pipeline["work_s"]) / baseline_rate
        results.append((f"pipeline {round_name}: rate {ratio:.2f}x of fetch-only (target >= {MIN_RATE_RATIO})",
                        ratio >= MIN_RATE_RATIO))
    for round_name in ("new", "unchanged", "10% changed"):
        pipeline, urlwatch = by_name[f"pipeline: {round_name}"], by_name.get(f"urlwatch: {round_name}")
        if urlwatch:
            results.append((f"pipeline {round_name}: wall {pipeline['wall_s']:.2f} s vs urlwatch "
                            f"{urlwatch['wall_s']:.2f} s (target: no slower)", pipeline["wall_s"] <= urlwatch["wall_s"]))
    peak = max(row["peak_rss_mb"] for row in rows if row["variant"].startswith("pipeline"))
    results.append((f"pipeline peak RSS {peak:.0f} MB (target < {MAX_RSS_MB:.0f} MB)", peak < MAX_RSS_MB))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--urls", type=int, default=1000, help="number of watched URLs (default 1000)")
    parser.add_argument("--concurrency", type=int, default=10,
                        help=f"parallel requests, for every variant (1-{MAX_CONCURRENCY}, default 10)")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="milliseconds the server waits before each response (default 0: pure loopback)")
    parser.add_argument("--workers", type=int, default=None,
                        help="worker processes of the pipeline (default: the watchlist's automatic choice)")
    parser.add_argument("--no-noise", action="store_true",
                        help="serve the same bytes every time (no fresh tokens and state blob per response)")
    parser.add_argument("--skip-urlwatch", action="store_true", help="do not run urlwatch")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run every variant this many times, interleaved, and report medians (default 1)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--profile", action="store_true", help="cProfile each pipeline round (to stderr)")
    parser.add_argument("--child", choices=["baseline", "pipeline"], help=argparse.SUPPRESS)
    parser.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= MAX_CONCURRENCY:
        parser.error(f"--concurrency must be between 1 and {MAX_CONCURRENCY}")
    if args.urls < 10:
        parser.error("--urls must be at least 10")

    if args.child == "baseline":
        print(json.dumps(child_baseline(args.input, args.concurrency)))
        return 0
    if args.child == "pipeline":
        print(json.dumps(child_pipeline(args.input, args.profile, args.workers)))
        return 0

    from _server import PAGE_BYTES, PolicyServer, load_seeds

    compile_project()
    seeds = load_seeds()
    languages = [seeds[i % len(seeds)].language for i in range(args.urls)]
    urlwatch = not args.skip_urlwatch and urlwatch_available()
    if not args.skip_urlwatch and not urlwatch:
        print("urlwatch is not installed (pip install urlwatch); skipping the urlwatch comparison", file=sys.stderr)
    runs: list[dict[str, Any]] = []
    rounds = (("new", 0), ("unchanged", 0), ("10% changed", EDIT_EVERY))

    def note(row: dict[str, Any]) -> None:
        runs.append(row)
        if not args.json:
            print(f"  {row['variant']}: {row['wall_s']:.2f} s", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as temp, PolicyServer(args.urls, args.latency / 1000, noise=not args.no_noise) as server:
        folder = Path(temp)
        env = _child_env(folder / "home")
        urls = [server.url(i) for i in range(args.urls)]
        urls_file = folder / "urls.txt"
        urls_file.write_text("\n".join(urls), encoding="utf-8")
        common = ["--concurrency", str(args.concurrency)]
        for repetition in range(args.repeat):
            note({"variant": "baseline (httpx fetch only)",
                  **run_child("baseline", ["--input", str(urls_file), *common], env, folder)})

            watchlist = write_watchlist(folder / f"pipeline-{repetition}", urls, languages, args.concurrency)
            for round_name, edit_every in rounds:
                server.edit_every(edit_every)
                extra = ["--profile"] if args.profile else []
                if args.workers is not None:
                    extra += ["--workers", str(args.workers)]
                note({"variant": f"pipeline: {round_name}",
                      **run_child("pipeline", ["--input", str(watchlist), *common, *extra], env, folder)})

            if urlwatch:
                options = write_urlwatch_files(folder / f"urlwatch-{repetition}", urls, args.concurrency)
                for round_name, edit_every in rounds:
                    server.edit_every(edit_every)
                    note({"variant": f"urlwatch: {round_name}",
                          **run_urlwatch(options, env, folder / f"urlwatch-{repetition}", round_name)})
            server.edit_every(0)

    rows = median_rows(runs)
    checks = verdicts(rows, args.urls, runs, noise=not args.no_noise)
    if args.json:
        print(json.dumps({"load_average": os.getloadavg()[0], "urls": args.urls, "concurrency": args.concurrency,
                          "latency_ms": args.latency, "page_bytes": PAGE_BYTES, "noise": not args.no_noise,
                          "repeat": args.repeat, "results": rows, "runs": runs, "targets": [{"target": t, "pass": ok} for t, ok in checks]}, indent=2))
    else:
        noise = "same bytes every time" if args.no_noise else "fresh tokens and a 25 KB state blob per response"
        print(f"\n{args.urls} URLs of ~40 KB ({noise}) on 127.0.0.1 (+{args.latency:g} ms latency), "
              f"concurrency {args.concurrency}, "
              f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end"
              + (f"; median of {args.repeat} runs (wall range in brackets)" if args.repeat > 1 else "") + "\n")
        print_table(rows, args.urls)
        print_stages([row for row in rows if row["variant"].startswith("pipeline")])
        print()
        for text, ok in checks:
            print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
