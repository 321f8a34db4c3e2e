"""The one check of a web address a user gives (a policy page, a webhook)."""

from __future__ import annotations

from urllib.parse import urlsplit


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, or ValueError saying why not."""
    text = url.strip()
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
