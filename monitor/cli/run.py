"""Sub-command `run`: the service, or with `--once` one round of what is due (for cron)."""

from __future__ import annotations

import argparse
import sys

from basics.errors import UsageError
from monitor.cli.output import add_json_flag, print_json


def register(subparsers: argparse._SubParsersAction) -> None:
    run = subparsers.add_parser(
        "run",
        help="watch every policy on its interval and deliver alerts (Ctrl-C / SIGTERM to stop)",
        description="Check each watchlist entry on its own interval, deliver alerts, reload the "
        "watchlist when it changes (or on SIGHUP). With --once: check what is due, deliver, exit.",
    )
    run.add_argument("--once", action="store_true", help="check what is due, deliver alerts and exit (for cron)")
    add_json_flag(run, "with --once: print what was done as JSON")
    run.set_defaults(func=cmd_run)


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from monitor.logs import configure_logging
    from monitor.scheduler import run_once, run_service
    from monitor.watchlist import load_watchlist

    if args.json and not args.once:
        raise UsageError("--json only applies to `run --once` (the service logs key=value lines)")
    configure_logging(args.verbose)
    if not args.once:
        return run_service(args.watchlist)
    summary = asyncio.run(run_once(load_watchlist(args.watchlist)))
    if args.json:
        print_json({
            "checked": summary.checked,
            "skipped": summary.skipped,
            "changed": summary.changed,
            "failing": summary.failing,
            "outcomes": [outcome.to_json() for outcome in summary.outcomes],
            "delivered": summary.delivered,
            "failed": summary.failed,
            "gave_up": summary.gave_up,
        })
    elif summary.checked or sys.stdout.isatty():  # under cron, a run with nothing due says nothing
        print(summary.line())
    return 0
