"""Contact points: e-mail addresses (incl. Cloudflare-obfuscated ones) and phone numbers."""

from __future__ import annotations

import re

# Cloudflare replaces protected addresses by this placeholder; text glued to it is a fragment of
# the hidden address, never an address of its own.
_CF_PLACEHOLDER = re.compile(r"\S*\[\s*email\s+protected\s*\]\S*", re.I)
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.%+-]+@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,24}(?![\w-])",
)
_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.\-]?\(?\d{1,4}\)?){2,6}(?!\w)")


def decode_cfemail(hex: str) -> str:
    """The address behind a Cloudflare ``data-cfemail`` value (first byte is the XOR key)."""
    try:
        data = bytes.fromhex(hex.strip())
    except ValueError as error:
        raise ValueError(f"not a Cloudflare e-mail code: {hex!r}") from error
    if len(data) < 2:
        raise ValueError(f"not a Cloudflare e-mail code: {hex!r}")
    key = data[0]
    return bytes(byte ^ key for byte in data[1:]).decode("utf-8", errors="replace")


def find_emails(text: str) -> list[str]:
    """E-mail addresses in `text`, lower-cased, in order, without repeats or Cloudflare placeholders."""
    visible = _CF_PLACEHOLDER.sub(" ", text)
    found = (match.group().strip(".").lower() for match in _EMAIL.finditer(visible))
    return list(dict.fromkeys(address for address in found if not address.startswith(".")))


def find_phone_numbers(text: str) -> list[str]:
    """International phone numbers ("+49 30 1234567"), digits only with the leading +, in order."""
    numbers = []
    for match in _PHONE.finditer(text):
        digits = "+" + re.sub(r"\D", "", match.group())
        if 8 <= len(digits) <= 16:
            numbers.append(digits)
    return list(dict.fromkeys(numbers))
