"""Command-line entry point: `policy-monitor COMMAND ...` (also `python -m monitor`).

Each module listed in COMMAND_MODULES defines `register(subparsers)`, adding its sub-commands and
setting `func=handler` on each; a handler takes the parsed `argparse.Namespace` and returns an exit
code. Errors a user can cause are `PolicyMonitorError`s: printed as one line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Sequence

from monitor import __version__
from basics.errors import PolicyMonitorError

COMMAND_MODULES = (
    "monitor.cli.policies",   # add, list, remove
    "monitor.cli.check",      # check, reprocess
    "monitor.cli.history",    # history, show, diff, changes, facts
    "monitor.cli.compare",    # compare
    "monitor.cli.run",        # run
    "monitor.cli.alerts",     # alerts, alerts retry
    "monitor.cli.doctor",     # doctor, backup
    "monitor.cli.demo",       # demo
)

DEFAULT_WATCHLIST = "watchlist.yaml"
DESCRIPTION = ("Watch privacy policies and terms; say in plain words when one changed in a way that matters. "
               "Every command that prints information has --json.")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other usage error
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="policy-monitor", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"policy-monitor {__version__}")
    parser.add_argument(
        "--watchlist",
        default=os.environ.get("POLICY_MONITOR_WATCHLIST", DEFAULT_WATCHLIST),
        help="watchlist file (default ./watchlist.yaml, env POLICY_MONITOR_WATCHLIST)",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="tell more (repeat for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except PolicyMonitorError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
