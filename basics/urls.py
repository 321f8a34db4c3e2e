"""The one check of a web address a user gives (a policy page, a webhook)."""

from __future__ import annotations

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
