"""Cloudflare's e-mail protection: the address behind a `data-cfemail` code, read in one place."""

from __future__ import annotations

import re


def decode_cloudflare_email(code: str) -> str | None:
    """The address a Cloudflare code hides (hex; its first byte is the XOR key), None when the
    code is not one (not hex, too short, or not UTF-8 once decoded)."""
    try:
        data = bytes.fromhex(code.strip())
    except ValueError:
        return None
    if len(data) < 2:
        return None
    key = data[0]
    try:
        return bytes(byte ^ key for byte in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None


_CODE_WITH_BREAKS = re.compile(r"[0-9a-fA-F_]+")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def decode_copied_code(code: str) -> str | None:
    """The address behind a code that a copy of the page kept without Cloudflare's path, split by
    underscores ("fd_94939_b_92_bd…"): kept only if it decodes to an e-mail address, since such a
    code is any link's fragment until it does."""
    if not _CODE_WITH_BREAKS.fullmatch(code):
        return None
    address = decode_cloudflare_email(code.replace("_", ""))
    return address if address is not None and _ADDRESS.fullmatch(address) else None

