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
    "monitor.cli.serve",      # serve
    "monitor.cli.demo",       # demo
)

DEFAULT_WATCHLIST = "watchlist.yaml"
DESCRIPTION = ("Watch privacy policies and terms; say in plain words when one changed in a way that matters. "
               "Every command that prints information has --json.")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, like every other usage error
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)


def _add_global_options(parser: argparse.ArgumentParser, on_command: bool) -> None:
    """`--watchlist`, `-v` and `--json`: on the program, and again on every command, so that they may
    stand anywhere on the line (`policy-monitor list --watchlist w.yaml`, `--json` before or after the
    command). A command's copy has no default of its own: given, it wins; absent, the program's stays."""
    suppress = {"default": argparse.SUPPRESS} if on_command else {}
    parser.add_argument(
        "--watchlist", **(suppress or {"default": os.environ.get("POLICY_MONITOR_WATCHLIST", DEFAULT_WATCHLIST)}),
        help="watchlist file (default ./watchlist.yaml, env POLICY_MONITOR_WATCHLIST)",
    )
    parser.add_argument("-v", "--verbose", action="count", **(suppress or {"default": 0}),
                        help="tell more (repeat for debug)")
    if not any("--json" in action.option_strings for action in parser._actions):
        parser.add_argument("--json", action="store_true", **(suppress or {"default": False}),
                            help="print the data as JSON")


def _commands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every command's parser, nested ones (`alerts retry`) included, each once."""
    found: dict[int, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                found.setdefault(id(command), command)
                for nested in _commands(command):
                    found.setdefault(id(nested), nested)
    return list(found.values())


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="policy-monitor", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"policy-monitor {__version__}")
    _add_global_options(parser, on_command=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    for command in _commands(parser):
        _add_global_options(command, on_command=True)
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
