"""Sub-commands `check` and `reprocess`: running the pipeline now, on fresh pages or on stored ones.

Each prints a readable table or text by default and exactly the data with `--json`.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from basics.errors import UsageError
from monitor.cli.output import (
    EMPTY_WATCHLIST, add_json_flag, add_tag_filter, console, delivery_words, open_store, open_watchlist, print_json,
    table,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    check = subparsers.add_parser("check", help="check policies now (all, or the named ones)")
    check.add_argument("names", nargs="*", metavar="NAME", help="policies to check (default: all)")
    check.add_argument("--no-deliver", action="store_true", help="leave new alerts in the outbox (do not send them)")
    add_tag_filter(check)
    add_json_flag(check)
    check.set_defaults(func=cmd_check)

    reprocess = subparsers.add_parser(
        "reprocess", help="re-derive versions from the stored raw snapshots (after a normaliser upgrade)",
    )
    reprocess.add_argument("names", nargs="*", metavar="NAME", help="policies (default: all)")
    add_json_flag(reprocess)
    reprocess.set_defaults(func=cmd_reprocess)


# -- check ------------------------------------------------------------------------------------


def _check_and_deliver(watchlist: Any, names: list[str] | None, deliver: bool,
                       show_progress: bool) -> tuple[list[Any], Any]:
    """Run `monitor.pipeline.check_and_deliver` (the service's own check-then-send), with a
    progress bar on a terminal."""
    import asyncio

    from monitor.overview import outcome_label
    from monitor.pipeline import check_and_deliver

    if not show_progress:
        return asyncio.run(check_and_deliver(watchlist, names, deliver=deliver))
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console(), transient=True) as progress:
        task = progress.add_task("", total=len(names) if names is not None else len(watchlist.policies))

        def advance(outcome: Any) -> None:
            progress.update(task, advance=1, description=f"{outcome.policy}: {outcome_label(outcome.outcome)}")

        return asyncio.run(check_and_deliver(watchlist, names, deliver=deliver, progress=advance))


def _outcome_detail(outcome: Any) -> str:
    if outcome.error:
        return "" if outcome.outcome == "suspect" else outcome.error  # a suspect page's reason is in its label
    if outcome.flapping:
        return "flapping: returned to an earlier version (no alert)"
    material = [c for c in outcome.changes if c["material"]]
    if material:
        return "; ".join(f"{c['category']} ({c['severity']}): {c['summary']}" for c in material)
    if outcome.new_version and outcome.version_seq == 1:
        return ""
    if outcome.new_version:
        return "no material change"
    return ""


def cmd_check(args: argparse.Namespace) -> int:
    from monitor.overview import outcome_label

    watchlist = open_watchlist(args)
    if not watchlist.policies:
        raise UsageError(f"{watchlist.path} {EMPTY_WATCHLIST}")
    # Unknown names and tags fail before anything is fetched.
    names = [entry.name for entry in watchlist.select(args.names, args.tags)] if args.names or args.tags else None
    outcomes, report = _check_and_deliver(watchlist, names, deliver=not args.no_deliver,
                                          show_progress=sys.stdout.isatty() and not args.json)
    failed = [o for o in outcomes if o.outcome == "error"]
    if args.json:
        print_json({
            "checks": [o.to_json() for o in outcomes],
            "delivery": report.to_json() if report is not None else None,
        })
    else:
        out = console()
        out.print(table(
            None, ("policy", "outcome", "version", "material", "details"),
            ([o.policy, outcome_label(o.outcome, o.error, o.version_seq if o.new_version else None),
              o.version_seq if o.version_seq is not None else "", o.severity if o.material else "",
              _outcome_detail(o)] for o in outcomes),
        ))
        if report is not None and (report.delivered or report.failed):
            out.print(f"alerts: {delivery_words(report)}")
            for error in report.errors:
                out.print(f"  {error}")
    return 1 if failed else 0


# -- reprocess ------------------------------------------------------------------------------------


def cmd_reprocess(args: argparse.Namespace) -> int:
    from monitor.pipeline import reprocess

    watchlist = open_watchlist(args)
    with open_store(watchlist) as store:
        report = reprocess(store, watchlist, names=args.names or None)
    if args.json:
        print_json(report.to_json())
        return 0
    out = console()
    for name, seqs in report.added.items():
        out.print(f"{name}: added version {', '.join(map(str, seqs))} (re-derived; not a policy change)")
    if report.unchanged:
        out.print(f"unchanged: {', '.join(report.unchanged)}")
    for name, errors in report.errors.items():
        for error in errors:
            out.print(f"{name}: cannot re-read {error}")
    return 0
