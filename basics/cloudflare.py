"""Cloudflare's e-mail protection: the address behind a `data-cfemail` code, read in one place."""

from __future__ import annotations


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
