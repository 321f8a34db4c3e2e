"""Rendering policy pages that scripts fill in: pages/s and peak RSS of the whole process tree.

A site on 127.0.0.1, in its own process (tests/scripted_site.py), serves 200 empty shells
(`/policy/N`) whose script waits `--delay` ms, fetches the policy and puts it in, with an image, a
font and a video the browser must not load and a footer token that changes on every load. Each
variant is `monitor.pipeline.check_all` on a fresh 200-entry watchlist in a fresh Python
subprocess; this script samples that subprocess's whole tree (the Python process, its page-reading
workers, Playwright's driver, Chromium and every process of it) every 0.2 s and sums its RSS, an
upper bound (a page shared by Chromium's processes counts once in each), and its PSS (a shared page
split between those that share it: what the tree as a whole holds).

| variant | what runs |
|---|---|
| browser (C contexts) | `browser: true`, `wait_for: "#policy"`, `browser_concurrency: C` (and `per_host: C`: one host) |
| served, no browser | the same policies rendered by the server (`/static/N`) and fetched as usual |
| shells, no browser | the same 200 shells fetched as usual: each check fails with the JavaScript hint |

Then the browser variant is started again and its Python process killed with SIGKILL while it
renders: every browser process must be gone soon after (tests/browser_processes.py finds them: by
`OWNER_ENV` and by process group). After every run, none may be left either.

Targets on a 2-core machine, with the default 2 contexts: ≥ 5 pages/s rendered, peak tree RSS
< 1 GB; no browser process left, ever.
Run with the project's virtualenv from the repository root: `.venv/bin/python benchmarks/bench_browser.py`.
Options: `--pages N` (200), `--delay MS` (100), `--concurrency C[,C...]` (2,4; 2 is always measured),
`--executable PATH` (e.g. `chromium`, the full browser, instead of the headless shell), `--json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from browser_processes import BrowserProcesses  # noqa: E402  (tests/, shared with the browser tests)

DEFAULT_CONCURRENCY = 2
"""`settings.browser_concurrency`'s default: the targets are the product's as shipped."""
MIN_PAGES_PER_S = 5.0
MAX_TREE_RSS_MB = 1024.0
KILL_GRACE_S = 15.0
"""How long the browser may take to end after its owner was killed."""


# ---------------------------------------------------------------------------------------------
# The site, in a process of its own (its CPU and memory are not the measured tree's)


def _serve(delay_ms: int, ready: Any) -> None:
    from scripted_site import ScriptedSite

    site = ScriptedSite(delay_ms=delay_ms)
    ready.send(site.base_url)
    signal.sigwait({signal.SIGTERM})


def start_site(delay_ms: int) -> tuple[multiprocessing.Process, str]:
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.get_context("spawn").Process(target=_serve, args=(delay_ms, child), daemon=True)
    process.start()
    return process, parent.recv()


# ---------------------------------------------------------------------------------------------
# A measured run: a child process checking a generated watchlist


def write_watchlist(folder: Path, base_url: str, pages: int, variant: str, concurrency: int,
                    executable: str | None = None) -> Path:
    settings = {"database": "bench.db", "confirm_delay": 0, "retries": 0, "timeout": 30,
                "browser_concurrency": concurrency, "per_host": max(2, concurrency), "concurrency": max(4, concurrency)}
    if executable:
        settings["browser_executable"] = executable
    lines = ["settings: " + json.dumps(settings), "policies:"]
    for number in range(pages):
        if variant == "browser":
            lines.append(f"  - {{name: p{number}, url: '{base_url}/policy/{number}', browser: true, "
                         "wait_for: '#policy'}")
        elif variant == "served":
            lines.append(f"  - {{name: p{number}, url: '{base_url}/static/{number}'}}")
        else:
            lines.append(f"  - {{name: p{number}, url: '{base_url}/policy/{number}'}}")
    path = folder / "watchlist.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def child(watchlist: str) -> None:
    """The measured process: check every entry once, print one JSON line."""
    from collections import Counter

    from monitor.pipeline import check_all
    from monitor.watchlist import database_path, load_watchlist
    from store import Store

    loaded = load_watchlist(watchlist)
    started = time.perf_counter()
    with Store(database_path(loaded)) as store:
        outcomes = asyncio.run(check_all(loaded, store))
    work = time.perf_counter() - started
    errors = Counter(o.error for o in outcomes if o.error)
    print(json.dumps({"work_s": work, "outcomes": dict(Counter(o.outcome for o in outcomes)),
                      "errors": dict(errors.most_common(3))}))


def tree_memory_mb(root: Any, browser: BrowserProcesses) -> tuple[float, float]:
    """(RSS, PSS) of `root` and all its descendants, and of the browser's re-parented processes."""
    import psutil

    processes = {root.pid: root}
    try:
        processes.update({p.pid: p for p in root.children(recursive=True)})
    except psutil.Error:
        pass
    processes.update({p.pid: p for p in browser.alive()})
    rss = pss = 0
    for process in processes.values():
        try:
            memory = process.memory_full_info()
        except psutil.Error:
            continue
        rss, pss = rss + memory.rss, pss + memory.pss
    return rss / 2**20, pss / 2**20


def measure(watchlist: Path) -> dict[str, Any]:
    """Run the child on `watchlist`, sampling its tree's RSS; then wait for its browser to end."""
    import psutil

    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, __file__, "--child", str(watchlist)], stdout=subprocess.PIPE,
                               cwd=ROOT)
    root, browser = psutil.Process(process.pid), BrowserProcesses(process.pid)
    peak_rss, peak_pss, samples, browsers_seen = 0.0, 0.0, 0, 0
    while process.poll() is None:
        rss, pss = tree_memory_mb(root, browser)
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        browsers_seen = max(browsers_seen, len(browser.alive()))
        samples += 1
        time.sleep(0.2)
    wall = time.perf_counter() - started
    out = process.stdout.read().decode() if process.stdout else ""
    if process.returncode != 0:
        raise SystemExit(f"the measured run failed (exit {process.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    deadline = time.monotonic() + KILL_GRACE_S
    while browser.alive() and time.monotonic() < deadline:  # the last renderers may take a moment
        time.sleep(0.1)
    left = len(browser.alive())
    result.update(wall_s=wall, peak_tree_rss_mb=peak_rss, peak_tree_pss_mb=peak_pss, samples=samples,
                  browser_processes_max=browsers_seen, browser_processes_left=left)
    return result


def killed_mid_run(watchlist: Path) -> dict[str, Any]:
    """SIGKILL the checking process while its browser renders; how long until its browser is gone."""
    process = subprocess.Popen([sys.executable, __file__, "--child", str(watchlist)], stdout=subprocess.DEVNULL,
                               cwd=ROOT)
    browser = BrowserProcesses(process.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(browser.alive()) < 3:
        time.sleep(0.1)
    time.sleep(2.0)  # a few pages in
    running = len(browser.alive())
    if process.poll() is not None or not running:
        raise SystemExit("the run to kill ended before it was killed: use more --pages")
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed = time.monotonic()
    while browser.alive() and time.monotonic() - killed < KILL_GRACE_S:
        time.sleep(0.1)
    left = browser.alive()
    for leftover in left:  # never leave them to the machine, whatever the verdict
        leftover.kill()
    return {"browser_processes_when_killed": running, "gone_after_s": time.monotonic() - killed,
            "browser_processes_left": len(left)}


# ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--delay", type=int, default=100, help="ms the page's script waits before fetching the policy")
    parser.add_argument("--concurrency", default="2,4", help="browser_concurrency values to measure")
    parser.add_argument("--executable", help="settings.browser_executable (default: the first Chromium on PATH)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0

    levels = list(dict.fromkeys([DEFAULT_CONCURRENCY, *(int(value) for value in args.concurrency.split(","))]))
    site, base_url = start_site(args.delay)
    rows: list[dict[str, Any]] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-browser-") as temp:
            runs = [("browser", c) for c in levels] + [("served", 1), ("shells", 1)]
            for variant, concurrency in runs:
                folder = Path(temp) / f"{variant}-{concurrency}"
                folder.mkdir()
                result = measure(write_watchlist(folder, base_url, args.pages, variant, concurrency, args.executable))
                label = f"browser ({concurrency} contexts)" if variant == "browser" else (
                    "served, no browser" if variant == "served" else "shells, no browser")
                rows.append({"variant": label, "pages": args.pages, "pages_per_s": args.pages / result["work_s"],
                             **result})
            folder = Path(temp) / "killed"
            folder.mkdir()
            killed = killed_mid_run(write_watchlist(folder, base_url, args.pages, "browser", levels[0], args.executable))
    finally:
        site.terminate()
        site.join(5)

    default = next(row for row in rows if row["variant"] == f"browser ({DEFAULT_CONCURRENCY} contexts)")
    verdicts = {
        f"rendered pages/s >= {MIN_PAGES_PER_S:g} ({default['variant']})": default["pages_per_s"] >= MIN_PAGES_PER_S,
        f"peak tree RSS < {MAX_TREE_RSS_MB:.0f} MB ({default['variant']})":
            default["peak_tree_rss_mb"] < MAX_TREE_RSS_MB,
        "no browser process left after a run": all(r["browser_processes_left"] == 0 for r in rows),
        f"no browser process {KILL_GRACE_S:g} s after SIGKILL": killed["browser_processes_left"] == 0,
    }
    if args.json:
        print(json.dumps({"rows": rows, "killed": killed, "verdicts": verdicts}, indent=2))
    else:
        load = os.getloadavg()
        print(f"{args.pages} pages on 127.0.0.1, script delay {args.delay} ms; {os.cpu_count()} CPUs, "
              f"load {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
        print(f"{'variant':<24} {'pages/s':>8} {'work s':>7} {'peak tree RSS':>14} {'peak tree PSS':>14} "
              f"{'browser procs':>13}  outcomes")
        for row in rows:
            print(f"{row['variant']:<24} {row['pages_per_s']:>8.1f} {row['work_s']:>7.1f} "
                  f"{row['peak_tree_rss_mb']:>11.0f} MB {row['peak_tree_pss_mb']:>11.0f} MB "
                  f"{row['browser_processes_max']:>13}  {json.dumps(row['outcomes'])}")
        print(f"SIGKILL of the checking process with {killed['browser_processes_when_killed']} browser processes: "
              f"{killed['browser_processes_left']} left after {killed['gone_after_s']:.1f} s")
        for verdict, passed in verdicts.items():
            print(f"{'PASS' if passed else 'FAIL'}  {verdict}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
