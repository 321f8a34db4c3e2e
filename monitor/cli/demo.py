"""Sub-command `demo`: the whole product, offline, on bundled sample policies."""

from __future__ import annotations

import argparse
from pathlib import Path

from monitor.cli.output import add_json_flag


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser(
        "demo",
        help="run the whole product offline on bundled sample policies (a few seconds)",
        description="Serve sample policies on 127.0.0.1, change them a few times, check them through "
        "the real pipeline and show the alerts, the history and a diff.",
    )
    demo.add_argument("--dir", type=Path, help="folder for the demo's watchlist and database (default: a new temp folder)")
    add_json_flag(demo, "print a JSON summary instead of the guided tour")
    demo.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    from monitor.demo import run_demo

    return run_demo(folder=args.dir, as_json=args.json)
