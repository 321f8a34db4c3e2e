"""Sub-command `serve`: the read-only web view of the watchlist's database, with Atom feeds."""

from __future__ import annotations

import argparse

from monitor.cli.output import add_json_flag, open_watchlist

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="browse policies, versions, diffs and alerts in a web browser; Atom feeds (read-only)",
        description="Serve a read-only web view of the watchlist's database: every policy's status, its "
        "versions and facts over time, diffs, the alert outbox, and Atom feeds of material changes. "
        "Listens on this machine only (127.0.0.1) unless --host says otherwise.",
    )
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to listen on (default {DEFAULT_HOST}: this machine only; 0.0.0.0: every "
                       "network interface, so anyone who can reach it can read your history)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"port to listen on (default {DEFAULT_PORT}; 0: any free port)")
    add_json_flag(serve, "say where it listens as one line of JSON, then serve")
    serve.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    from monitor.web.server import serve

    return serve(open_watchlist(args), args.host, args.port, as_json=args.json)
