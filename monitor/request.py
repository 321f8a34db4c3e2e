"""Per-entry request options (`headers`, `cookies`, `user_agent`, `browser`...) and their secrets.

An entry's options may name environment variables as `${NAME}`, so that an API token or a
session cookie stays out of the watchlist. They are read when a page is fetched, never stored:
a `PageRequest` holds the expanded values and the secrets they came from, and `redact` turns any
secret back into its `${NAME}` before a message is recorded, printed or logged (an HTTP library
may quote a header value in its error).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from basics.errors import UsageError

if TYPE_CHECKING:
    from monitor.watchlist import PolicyEntry

SECRET_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
"""An HTTP token (RFC 9110), what a header or cookie name may be."""
FORBIDDEN_VALUE_CHARS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
"""Control characters (a tab is allowed): a line break would smuggle in another header."""
COOKIE_FORBIDDEN = re.compile(r"[;,\s\"\\]")
RESERVED_HEADERS = {"cookie": "cookies", "user-agent": "user_agent", "host": None, "content-length": None}
DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, str | None, int | None]


def origin(url: str) -> Origin:
    """(scheme, host, port) with the scheme's default port filled in: an entry's headers go to
    its page's origin only, never to a third party its page loads from or redirects to. A URL
    that does not parse has an origin nothing else matches."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return ("", None, None)
    return (parts.scheme, parts.hostname, port or DEFAULT_PORTS.get(parts.scheme))


class SecretError(UsageError):
    """An entry names an environment variable that is not set."""


def _check_references(where: str, value: str) -> None:
    """Every `${` must start a well-formed `${NAME}`: a typo would otherwise be sent as written."""
    stripped = SECRET_REFERENCE.sub("", value)
    if "${" in stripped:
        raise ValueError(f"{where}: write an environment variable as ${{NAME}} (letters, digits, '_')")


def check_header_value(where: str, value: str) -> str:
    """A header value (or user agent) that can be sent as it is written, secrets aside."""
    if FORBIDDEN_VALUE_CHARS.search(value):
        raise ValueError(f"{where}: the value holds a line break or another control character")
    _check_references(where, value)
    return value


def check_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Header names are tokens; Cookie and User-Agent have fields of their own."""
    for name, value in headers.items():
        if not HEADER_NAME.fullmatch(name):
            raise ValueError(f"invalid header name {name!r}")
        if name.lower() in RESERVED_HEADERS:
            instead = RESERVED_HEADERS[name.lower()]
            hint = f"use the field '{instead}'" if instead else "it is set by the request itself"
            raise ValueError(f"header {name!r} cannot be set here: {hint}")
        check_header_value(f"header {name!r}", value)
    return dict(headers)


def check_cookies(cookies: Mapping[str, str]) -> dict[str, str]:
    """Cookie names are tokens; values hold no separators (RFC 6265), secrets aside."""
    for name, value in cookies.items():
        if not HEADER_NAME.fullmatch(name):
            raise ValueError(f"invalid cookie name {name!r}")
        if COOKIE_FORBIDDEN.search(SECRET_REFERENCE.sub("", value)):
            raise ValueError(f"cookie {name!r}: the value holds a space, ';', ',', '\"' or '\\'")
        _check_references(f"cookie {name!r}", value)
    return dict(cookies)


@dataclass(frozen=True, repr=False)
class PageRequest:
    """How to ask for one entry's page: extra headers, cookies, user agent, and whether to
    render it in a browser (waiting for `wait_for`, within `timeout` seconds)."""

    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    user_agent: str | None = None
    browser: bool = False
    wait_for: str | None = None
    timeout: float | None = None
    secrets: dict[str, str] = field(default_factory=dict)
    """Secret value → the `${NAME}` it came from, for `redact`."""

    def redact(self, text: str | None) -> str | None:
        """`text` with every secret value replaced by its `${NAME}` (longest first)."""
        if not text or not self.secrets:
            return text
        for value in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(value, self.secrets[value])
        return text

    def __repr__(self) -> str:  # values may be secrets: show only what is set
        return (f"PageRequest(headers={sorted(self.headers)}, cookies={sorted(self.cookies)}, "
                f"user_agent={'set' if self.user_agent else None}, browser={self.browser}, "
                f"wait_for={self.wait_for!r}, timeout={self.timeout!r})")


def _expand(where: str, value: str, environ: Mapping[str, str], secrets: dict[str, str]) -> str:
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise SecretError(f"{where} uses ${{{name}}}, but the environment variable {name} is not set")
        secret = environ[name]
        if FORBIDDEN_VALUE_CHARS.search(secret):
            raise SecretError(f"{where}: the environment variable {name} holds a line break or a control character")
        if secret:
            secrets[secret] = match.group(0)
        return secret

    return SECRET_REFERENCE.sub(substitute, value)


def page_request(entry: PolicyEntry, environ: Mapping[str, str] | None = None) -> PageRequest:
    """The entry's request options with its `${NAME}` secrets read from the environment now.

    Raises SecretError (naming the variable, never a value) when one is not set.
    """
    environ = os.environ if environ is None else environ
    secrets: dict[str, str] = {}
    headers = {name: _expand(f"header {name!r}", value, environ, secrets) for name, value in entry.headers.items()}
    cookies = {name: _expand(f"cookie {name!r}", value, environ, secrets) for name, value in entry.cookies.items()}
    for name, value in cookies.items():
        if COOKIE_FORBIDDEN.search(value):
            raise SecretError(f"cookie {name!r}: its environment variable holds a space, ';', ',', '\"' or '\\'")
    user_agent = _expand("user_agent", entry.user_agent, environ, secrets) if entry.user_agent else None
    return PageRequest(headers=headers, cookies=cookies, user_agent=user_agent, browser=entry.browser,
                       wait_for=entry.wait_for, timeout=entry.timeout, secrets=secrets)
