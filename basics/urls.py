"""The one check of a web address a user gives (a policy page, a webhook)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

_PLAIN_WEB_URL = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?(?:[/?#][^\s]*)?")
"""The shape nearly every watched URL has (no user-info, no IPv6 literal): accepted without
`urlsplit`, which would cost a watchlist of 10,000 entries a tenth of a second."""


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, or ValueError saying why not."""
    text = url.strip()
    if _PLAIN_WEB_URL.fullmatch(text):
        return text
    if any(ch.isspace() for ch in text):
        raise ValueError(f"invalid URL {url!r}: contains a space (write it as %20)")
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        raise ValueError(f"invalid URL {url!r}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"invalid URL {url!r}: only http:// and https:// are supported")
    if not host:
        raise ValueError(f"invalid URL {url!r}: no host")
    return text


def redact_url(url: str, keep_host: bool = True) -> str:
    """A URL as it may be shown or logged: scheme and host (and port) only, `…` for whatever else it
    held (user-info, path, query, fragment: where webhook tokens and passwords live). With
    `keep_host` False the host goes too (an Apprise URL's "host" is often its token)."""
    try:
        parts = urlsplit(str(url).strip())
        host, port = parts.hostname, parts.port
    except ValueError:
        return "(a URL that cannot be read)"
    if not parts.scheme:
        return "(a URL)"
    if not keep_host or not host:
        return f"{parts.scheme}://…"
    shown = f"[{host}]" if ":" in host else host
    if port is not None:
        shown += f":{port}"
    hidden = parts.username is not None or parts.password is not None or parts.path.strip("/") \
        or parts.query or parts.fragment
    return f"{parts.scheme}://{shown}" + ("/…" if hidden else "")


_SECRETS: set[str] = set()
"""Pieces of the channels' URLs (tokens, passwords, paths) this process must never print or log."""
MIN_SECRET_LENGTH = 4
TOKEN_LENGTH = 16


def _token_like(piece: str) -> bool:
    """A path segment or host that can be a credential: digits in it, or long (`T0001/B0001/xoxb...`);
    words such as `services` or `webhooks` are not (hiding them would garble every message)."""
    return len(piece) >= MIN_SECRET_LENGTH and (any(char.isdigit() for char in piece) or len(piece) >= TOKEN_LENGTH)


def _network_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return "." in host or host == "localhost"


def remember_secrets(url: str, host_may_be_secret: bool = False) -> None:
    """Note what is secret in a channel's URL, for `hide_secrets`: its user-info, path, query and
    fragment, and the token-like segments of the path. With `host_may_be_secret` (Apprise, whose
    `tgram://BOT_TOKEN/CHAT` puts the token where a host would be), a "host" that is no network
    host's name or address too."""
    text = str(url).strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        pieces = [parts.username, parts.password, parts.query, parts.fragment, parts.path.strip("/")]
        pieces += [piece for piece in parts.path.split("/") if _token_like(piece)]
        pieces += [value for pair in parts.query.split("&") for value in pair.split("=", 1)[1:]]
        if host_may_be_secret and host and not _network_host(host):
            pieces += [parts.netloc.rsplit("@", 1)[-1], host]
    except ValueError:  # "tgram://123:ABC/..." has no valid port: all of it is secret
        pieces = [text.split("://", 1)[-1]]
    _SECRETS.update(piece for piece in pieces if piece and len(piece) >= MIN_SECRET_LENGTH)


def hide_secrets(text: str) -> str:
    """`text` with every remembered secret replaced by `…` (longest first, so a token inside a path
    goes with the path)."""
    if not _SECRETS or not text:
        return text
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "…")
    return text
