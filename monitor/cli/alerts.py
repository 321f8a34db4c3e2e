"""Sub-commands `alerts` and `alerts retry`: the outbox of alerts and its delivery."""

from __future__ import annotations

import argparse
import json
from typing import Any

from basics.errors import UsageError
from monitor.cli.output import (
    SEVERITY_STYLE, add_json_flag, delivery_words, existing_store, open_watchlist, print_json, short_time,
)
from monitor.cli.output import console as make_console

ALERT_STATUSES = ("pending", "delivered", "failed")


def register(subparsers: argparse._SubParsersAction) -> None:
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
    add_json_flag(retry, "print the result as JSON")
    retry.set_defaults(func=cmd_alerts_retry)


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
    from rich.table import Table
    from rich.text import Text

    console = make_console()
    if not rows:
        which = f"{args.status} " if args.status else ""
        console.print(f"no {which}alerts")
        return 0
    from monitor.overview import alert_status, alert_title

    table = Table(box=None, header_style="bold", pad_edge=False, collapse_padding=True)
    for column in ("id", "created", "policy", "channel", "severity", "title", "status", "tries"):
        table.add_column(column, no_wrap=column in ("id", "created", "tries"), overflow="fold",
                         ratio=2 if column == "title" else None, justify="right" if column == "tries" else "left")
    with_errors = any(row["last_error"] for row in rows)
    if with_errors:
        table.add_column("last error", overflow="fold", min_width=20)
    status_style = {"delivered": "green", "not sent yet": "yellow", "will retry": "yellow", "failed": "red"}
    for row in rows:
        status = alert_status(row)
        shown = f"{status} at {short_time(row['next_attempt_at'])}" if status == "will retry" else status
        table.add_row(
            row["id"][:8], short_time(row["created_at"]), row["policy"] or "", row["channel"] or "",
            Text(row["severity"] or "", style=SEVERITY_STYLE.get(row["severity"], "")), Text(alert_title(row)),
            Text(shown, style=status_style.get(status, "")), str(row["attempts"] or 0),
            *([Text(row["last_error"] or "")] if with_errors else []),
        )
    console.print(table)
    return 0


def cmd_alerts_retry(args: argparse.Namespace) -> int:
    from alerts import DeliveryReport, build_channels, deliver_pending
    from store.outbox import retry_now

    as_json = args.json
    watchlist = open_watchlist(args)
    store = existing_store(watchlist)
    made_due, report = 0, DeliveryReport()
    if store is not None:
        with store:
            channels = build_channels(watchlist.channels, watchlist.base_dir)
            made_due = retry_now(store)
            if made_due:
                report = deliver_pending(store, channels)
    if as_json:
        print_json({"retried": made_due, **report.to_json()})
    else:
        print(f"retried {made_due} alert(s): {delivery_words(report)}")
        for error in report.errors:
            print(f"  {error}")
    return 1 if report.failed else 0
