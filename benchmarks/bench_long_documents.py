"""What does a check's comparison of a long real policy cost?

Takes the real-history cases rebuilt by `real_history/rebuild.py`, picks the `--top` pairs with the
most changed words (or the cases named with `--pairs`), and compares each pair once in a fresh
process whose lexicons for the pair's language were already loaded (by comparing another, short pair
of that language first): what one check of a long page costs. A second comparison of the same pair
in one process is faster (each clause's reading is cached), so it is not what is measured.

    python benchmarks/bench_long_documents.py CASES [--top 6 | --pairs CASE ...] [--json]

To compare two versions of the code, run it from each checkout (`PYTHONPATH=<checkout>`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP_BYTES = 60_000

ONE_PAIR = """
import sys, time
from monitor.analysis import compare_texts
from monitor.cli.compare import read_version
warm, pair = sys.argv[1], sys.argv[2]
if warm:
    compare_texts(read_version(warm + "/old.md"), read_version(warm + "/new.md"))
old, new = read_version(pair + "/old.md"), read_version(pair + "/new.md")
started = time.perf_counter()
compare_texts(old, new)
print(time.perf_counter() - started)
"""


def heaviest_pairs(cases: Path, top: int) -> list[Path]:
    """The `top` cases with the most changed words (`source.json`), else the longest texts: a whole
    long page rewritten is what costs most, not a long page with one word changed."""
    folders = [folder for folder in cases.iterdir() if (folder / "old.md").is_file() and (folder / "new.md").is_file()]

    def weight(folder: Path) -> int:
        source = folder / "source.json"
        if source.is_file():
            return int(json.loads(source.read_text(encoding="utf-8")).get("changed_words", 0))
        return (folder / "old.md").stat().st_size + (folder / "new.md").stat().st_size

    return sorted(folders, key=weight, reverse=True)[:top]


def warm_up_pair(cases: Path, pair: Path) -> Path | None:
    """A short pair of the same language (the case name starts with it), to load its lexicons."""
    language = pair.name.split("-")[0]
    return next((folder for folder in sorted(cases.iterdir()) if folder.name.startswith(language + "-")
                 and folder != pair and (folder / "old.md").is_file()
                 and (folder / "old.md").stat().st_size < WARM_UP_BYTES), None)


def first_comparison_seconds(cases: Path, pair: Path) -> float:
    warm = warm_up_pair(cases, pair)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(ROOT)])))
    done = subprocess.run([sys.executable, "-c", ONE_PAIR, str(warm or ""), str(pair)],
                          capture_output=True, text=True, check=True, env=env)
    return float(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path, help="folder of rebuilt real-history cases")
    parser.add_argument("--top", type=int, default=6, help="how many of the pairs with the most changed words")
    parser.add_argument("--pairs", nargs="+", metavar="CASE", help="these cases instead (their folder names)")
    parser.add_argument("--json", action="store_true", help="the figures as JSON")
    args = parser.parse_args()
    if not args.cases.is_dir():
        print(f"error: {args.cases} is not a folder of cases (see real_history/rebuild.py)", file=sys.stderr)
        return 2
    pairs = [args.cases / name for name in args.pairs] if args.pairs else heaviest_pairs(args.cases, args.top)
    missing = [pair.name for pair in pairs if not (pair / "old.md").is_file()]
    if missing:
        print(f"error: no such case in {args.cases}: {', '.join(missing)}", file=sys.stderr)
        return 2
    rows = []
    for pair in pairs:
        seconds = first_comparison_seconds(args.cases, pair)
        size = (pair / "old.md").stat().st_size // 1000
        rows.append({"pair": pair.name, "old_kb": size, "seconds": round(seconds, 2)})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        for row in rows:
            print(f"{row['pair']:40s} {row['old_kb']:5d} KB  {row['seconds']:6.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
