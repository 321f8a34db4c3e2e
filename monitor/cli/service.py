"""Sub-commands `run`, `alerts`, `alerts retry` and `demo`: the service and its outbox."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from monitor.cli.output import SEVERITY_STYLE, add_json_flag, existing_store, open_watchlist, print_json, short_time
from basics.errors import UsageError

ALERT_STATUSES = ("pending", "delivered", "failed")


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

    alerts = subparsers.add_parser(
        "alerts",
        help="list the alert outbox (pending, delivered, failed); `alerts retry` re-sends now",
        description="List alerts in the outbox, newest first.",
    )
    alerts.add_argument("--status", choices=ALERT_STATUSES, help="only alerts with this status")
    alerts.add_argument("--limit", type=int, default=50, help="show at most N alerts (default 50, 0 = all)")
    add_json_flag(alerts, "print JSON instead of a table")
    alerts.set_defaults(func=cmd_alerts)
    actions = alerts.add_subparsers(dest="alerts_action", metavar="ACTION")
    retry = actions.add_parser("retry", help="make every undelivered alert due now and deliver it")
    add_json_flag(retry, "print the result as JSON", also_on_parent=True)
    retry.set_defaults(func=cmd_alerts_retry)

    demo = subparsers.add_parser(
        "demo",
        help="run the whole product offline on bundled sample policies (about 20 s)",
        description="Serve sample policies on 127.0.0.1, change them a few times, check them through "
        "the real pipeline and show the alerts, the history and a diff.",
    )
    demo.add_argument("--dir", type=Path, help="folder for the demo's watchlist and database (default: a new temp folder)")
    add_json_flag(demo, "print a JSON summary instead of the guided tour")
    demo.set_defaults(func=cmd_demo)


# ---------------------------------------------------------------------------------------------
# run


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
            "outcomes": [outcome.to_json() for outcome in summary.outcomes],
            "delivered": summary.delivered,
            "failed": summary.failed,
        })
    elif sys.stdout.isatty():  # under cron: silent unless something is logged
        _print_once(summary)
    return 0


def _print_once(summary: Any) -> None:
    from rich.console import Console

    console = Console()
    if not summary.checked:
        console.print(f"nothing due ({len(summary.skipped)} policies checked recently)")
    for outcome in summary.outcomes:
        data = outcome.to_json()
        label = data.get("outcome", "done")
        extra = " [bold red]material change[/]" if data.get("material") else ""
        console.print(f"{data.get('policy', '?')}: {label}{extra}", highlight=False)
    if summary.delivered or summary.failed:
        console.print(f"alerts: {summary.delivered} delivered, {summary.failed} failed")


# ---------------------------------------------------------------------------------------------
# alerts


def _alert_json(row: dict[str, Any]) -> dict[str, Any]:
    data = dict(row)
    try:
        data["payload"] = json.loads(row["payload"]) if row.get("payload") else None
    except ValueError:
        pass
    return data


def cmd_alerts(args: argparse.Namespace) -> int:
    from store.outbox import list_alerts

    if args.limit < 0:
        raise UsageError("--limit must be 0 (all) or more")
    store = existing_store(open_watchlist(args))  # no database yet: nothing checked, no alerts
    rows: list[dict[str, Any]] = []
    if store is not None:
        with store:
            rows = list_alerts(store, status=args.status, limit=args.limit or None)
    if args.json:
        print_json([_alert_json(row) for row in rows])
        return 0
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console()
    if not rows:
        which = f"{args.status} " if args.status else ""
        console.print(f"no {which}alerts")
        return 0
    table = Table(box=None, header_style="bold", pad_edge=False, collapse_padding=True)
    for column in ("id", "created", "policy", "channel", "kind", "severity", "status", "tries"):
        table.add_column(column, no_wrap=True, justify="right" if column == "tries" else "left")
    with_errors = any(row["last_error"] for row in rows)
    if with_errors:
        table.add_column("last error", overflow="fold", min_width=20)
    status_style = {"delivered": "green", "pending": "yellow", "failed": "red"}
    for row in rows:
        table.add_row(
            row["id"][:8], short_time(row["created_at"]), row["policy"] or "", row["channel"] or "",
            row["kind"] or "", Text(row["severity"] or "", style=SEVERITY_STYLE.get(row["severity"], "")),
            Text(row["status"] or "", style=status_style.get(row["status"], "")), str(row["attempts"] or 0),
            *([Text(row["last_error"] or "")] if with_errors else []),
        )
    console.print(table)
    return 0


def cmd_alerts_retry(args: argparse.Namespace) -> int:
    from alerts import build_channels, deliver_pending
    from store.outbox import retry_now

    as_json = getattr(args, "json", False)
    watchlist = open_watchlist(args)
    store = existing_store(watchlist)
    made_due, delivered, failed, errors = 0, 0, 0, []
    if store is not None:
        with store:
            channels = build_channels(watchlist.channels, watchlist.base_dir)
            made_due = retry_now(store)
            if made_due:
                report = deliver_pending(store, channels)
                delivered, failed, errors = report.delivered, report.failed, list(report.errors)
    if as_json:
        print_json({"retried": made_due, "delivered": delivered, "failed": failed, "errors": errors})
    else:
        print(f"retried {made_due} alert(s): {delivered} delivered, {failed} failed")
        for error in errors:
            print(f"  {error}")
    return 1 if failed else 0


# ---------------------------------------------------------------------------------------------
# demo


def cmd_demo(args: argparse.Namespace) -> int:
    from monitor.demo import run_demo

    return run_demo(folder=args.dir, as_json=args.json)
