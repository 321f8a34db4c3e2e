"""How much does `policy-monitor run` cost while it waits, with 10,000 watched policies?

Generates a watchlist of 10,000 policies (127.0.0.1 URLs that are never fetched) and a database
in which each was just checked, so nothing is due during the measurement; then runs the real
service (`monitor.scheduler.Service.serve`: one APScheduler job per entry, the watchlist file
watcher, the delivery job) and measures, over an idle period, the process's CPU time / wall time
and its peak RSS.

    python benchmarks/bench_scheduler.py [--policies 10000] [--idle 20]

Targets: peak RSS < 300 MB, idle CPU < 5 % of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from monitor.scheduler import Service  # noqa: E402
from monitor.watchlist import database_path, load_watchlist  # noqa: E402
from store import Store  # noqa: E402

INTERVALS = ("6h", "12h", "1d", "2d", "1w")
INTERVAL_HOURS = {"6h": 6, "12h": 12, "1d": 24, "2d": 48, "1w": 168}


def write_watchlist(folder: Path, count: int) -> Path:
    lines = [
        "settings:",
        "  database: bench.db",
        "channels:",
        "  archive:",
        "    kind: file",
        "    path: alerts",
        "defaults:",
        "  alerts: [archive]",
        "policies:",
    ]
    rng = random.Random(7)
    for number in range(count):
        lines += [
            f"  - name: policy-{number:05d}",
            f"    url: http://127.0.0.1:9/site-{number % 500}/privacy-{number}",
            f"    every: {rng.choice(INTERVALS)}",
        ]
    path = folder / "watchlist.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def mark_all_recently_checked(watchlist_path: Path) -> None:
    """One check row per policy, somewhere within its last interval: nothing is due for hours."""
    watchlist = load_watchlist(watchlist_path)
    rng = random.Random(11)
    now = datetime.now(timezone.utc)
    with Store(database_path(watchlist)) as store, store.transaction():
        for entry in watchlist.policies:
            policy_id = store.ensure_policy(entry.name, entry.url, None)
            hours = INTERVAL_HOURS[entry.every]
            finished = now - timedelta(hours=rng.uniform(0, hours - 2))
            stamp = finished.strftime("%Y-%m-%dT%H:%M:%SZ")
            store.record_check(
                policy_id, started_at=stamp, finished_at=stamp, url=entry.url, final_url=entry.url,
                status=200, duration_ms=100, outcome="unchanged", error=None, attempts=[],
                snapshot_hash=None, version_id=None, etag=None, last_modified=None,
            )


async def measure(watchlist_path: Path, idle_seconds: float) -> dict[str, float]:
    process = psutil.Process()
    started = time.monotonic()
    service = Service(load_watchlist(watchlist_path))
    serving = asyncio.get_running_loop().create_task(service.serve(show_status=False))
    while len(service.scheduler.get_jobs()) < len(service.entries) + 1:
        await asyncio.sleep(0.1)
    scheduled_in = time.monotonic() - started
    await asyncio.sleep(2)  # let start-up work (first delivery run, GC) settle
    cpu_before = sum(process.cpu_times()[:2])
    wall_before = time.monotonic()
    peak_rss = process.memory_info().rss
    while time.monotonic() - wall_before < idle_seconds:
        await asyncio.sleep(1)
        peak_rss = max(peak_rss, process.memory_info().rss)
    cpu = sum(process.cpu_times()[:2]) - cpu_before
    wall = time.monotonic() - wall_before
    checks_run = service.status.checks_done
    service.stopping.set()
    await serving
    return {
        "jobs": len(service.entries),
        "scheduled_in_s": scheduled_in,
        "idle_wall_s": wall,
        "idle_cpu_s": cpu,
        "idle_cpu_percent": 100 * cpu / wall,
        "rss_mb": peak_rss / 2**20,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "checks_run": checks_run,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--policies", type=int, default=10_000)
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scheduler-") as folder:
        t0 = time.monotonic()
        path = write_watchlist(Path(folder), args.policies)
        mark_all_recently_checked(path)
        print(f"prepared {args.policies} policies in {time.monotonic() - t0:.1f} s")
        result = asyncio.run(measure(path, args.idle))
    print(f"jobs scheduled          {result['jobs']} (service up in {result['scheduled_in_s']:.1f} s)")
    print(f"idle CPU                {result['idle_cpu_percent']:.2f} % of one core "
          f"({result['idle_cpu_s']:.2f} s over {result['idle_wall_s']:.0f} s)   target < 5 %")
    print(f"peak RSS                {result['peak_rss_mb']:.0f} MB (while idle {result['rss_mb']:.0f} MB)   target < 300 MB")
    print(f"checks run while idle   {result['checks_run']} (expected 0)")
    ok = result["idle_cpu_percent"] < 5 and result["peak_rss_mb"] < 300 and result["checks_run"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
