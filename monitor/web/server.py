"""Running the web view: bind the socket, say where, serve with uvicorn until Ctrl-C."""

from __future__ import annotations

import ipaddress
import json
import signal
import socket

from basics.errors import UsageError
from monitor.watchlist import Watchlist, database_path


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one), or a one-line error."""
    if not 0 <= port <= 65535:
        raise UsageError(f"invalid --port {port} (use 1-65535, or 0 for any free port)")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise UsageError(f"invalid --host {host!r}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.setblocking(False)
    return sock


def serve(watchlist: Watchlist, host: str, port: int, as_json: bool = False) -> int:
    """`policy-monitor serve`: until interrupted; returns the exit code."""
    import uvicorn

    from monitor.web.app import create_app
    from store import Store

    database = database_path(watchlist)
    if database.exists():
        Store(database).close()  # brings an older database to this version's schema, once, before reading
    sock = bind(host, port)
    address = sock.getsockname()
    shown_host = f"[{address[0]}]" if ":" in address[0] else address[0]
    url = f"http://{shown_host}:{address[1]}/"
    app = create_app(watchlist.path, loopback_only=is_loopback(host))
    config = uvicorn.Config(app, log_level="warning", access_log=False, server_header=False, proxy_headers=False,
                            lifespan="off")
    if as_json:
        print(json.dumps({"url": url, "host": address[0], "port": address[1], "watchlist": str(watchlist.path),
                          "database": str(database)}), flush=True)
    else:
        exposed = "" if is_loopback(host) else " (open to the network: anyone who reaches it can read the history)"
        print(f"serving {watchlist.path} at {url}{exposed}; read-only, Ctrl-C to stop", flush=True)
    previous = signal.signal(signal.SIGTERM, _interrupt)  # uvicorn passes a signal on once it has stopped
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # Ctrl-C (or SIGTERM) is how it stops: a clean stop
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
