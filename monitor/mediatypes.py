"""A Content-Type header's media type, read one way by the fetcher and by the normaliser."""

from __future__ import annotations


def media_type(content_type: str | None) -> str:
    """`text/HTML; charset=utf-8` → `text/html`; "" when none is declared."""
    return (content_type or "").split(";", 1)[0].strip().lower()
