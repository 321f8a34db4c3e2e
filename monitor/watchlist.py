"""The watchlist: which policies to watch, how often, and where alerts go.

People edit `watchlist.yaml` by hand and the CLI edits it too, so loading validates strictly
(unknown keys are typos, every mistake is reported on one line naming the file line, the entry
and the field). Every reading goes through `monitor.yamlread` (YAML 1.2: a policy named `no` is
that string). The CLI edits the file's own text by whole lines (an entry appended after the last
one, or its lines taken out) and reads the result back before writing it, so comments, quoting
and layout survive and a 10,000-entry watchlist is edited in a fraction of a second.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from monitor import __version__
from monitor.yamlread import YamlMap, YamlProblem, YamlSeq, read_yaml, resolve_plain
from basics.errors import UsageError, WatchlistError, describe_validation_error
from basics.severity import Severity
from basics.urls import check_url
from monitor.request import check_cookies, check_header_value, check_headers

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
INTERVAL_PART = re.compile(r"(\d+)\s*([smhdw])")
INTERVAL = re.compile(r"(?:\d+\s*[smhdw]\s*)+")
"""A whole interval (`1h30m`): what `parse_interval` reads."""
INTERVAL_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
TOP_LEVEL_KEYS = ("settings", "defaults", "channels", "policies")
# Order in which `add_policy` writes an entry's keys, so CLI-added entries look hand-written.
ENTRY_KEY_ORDER = (
    "name", "url", "language", "select", "remove", "every", "tags", "alerts", "min_severity",
    "browser", "wait_for", "timeout", "headers", "cookies", "user_agent",
)

DEFAULT_USER_AGENT = f"policy-monitor/{__version__} (privacy policy change monitor)"


MAX_INTERVAL = timedelta(days=3650)
"""The longest interval: ten years (longer ones are typing mistakes, and overflow date arithmetic)."""


@functools.lru_cache(maxsize=256)
def parse_interval(text: str) -> timedelta:
    """`30m`, `6h`, `1d`, `2w` (or combinations such as `1h30m`) → timedelta, at most ten years.

    Cached: a watchlist has few distinct intervals, and the scheduler asks each entry's often.
    """
    raw = str(text).strip().lower()
    parts = INTERVAL_PART.findall(raw)
    if not raw or not parts or INTERVAL_PART.sub("", raw).strip():
        raise UsageError(f"invalid interval {text!r} (use 30m, 6h, 1d)")
    seconds = sum(int(amount) * INTERVAL_SECONDS[unit] for amount, unit in parts)  # exact, however large
    if seconds <= 0:
        raise UsageError(f"invalid interval {text!r}: must be longer than zero")
    if seconds > MAX_INTERVAL.total_seconds():
        raise UsageError(f"invalid interval {text!r}: at most 10 years (3650d)")
    return timedelta(seconds=seconds)


def _as_list(value: Any, split_commas: bool = False) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(",") if split_commas else [value]
        return [item.strip() for item in items if item.strip()]
    return value


def _check_selectors(selectors: list[str]) -> list[str]:
    for selector in selectors:
        try:
            import soupsieve  # only watchlists with selectors need it

            soupsieve.compile(selector)
        except Exception as exc:  # soupsieve raises SelectorSyntaxError (and others for odd input)
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ValueError(f"invalid CSS selector {selector!r}: {first_line}") from None
    return selectors


def _scalar_text(key: str, value: Any) -> Any:
    """A YAML number as the text it was written as (`DNT: 1`); other values are left to validation.

    A yes-or-no cannot be: `true` and `false` are booleans in YAML, and a cookie needs the word
    (the watchlist is read as YAML 1.2, so `consent: yes` is the word `yes`).
    """
    if isinstance(value, bool):
        raise ValueError(f"{key!r}: write the value in quotes (unquoted, YAML reads it as a yes-or-no, not as text)")
    if isinstance(value, (int, float)):
        return str(value)
    return value


def _check_language(value: str | None) -> str | None:
    if value is None:
        return None
    code = str(value).strip().lower()
    if not re.fullmatch(r"[a-z]{2}", code):
        raise ValueError(f"invalid language {value!r} (use a two-letter ISO 639-1 code such as en, de, fr)")
    if not _known_language(code):
        raise ValueError(f"unknown language {value!r} (use a two-letter ISO 639-1 code such as en, de, fr)")
    return code


@functools.lru_cache(maxsize=None)
def _known_language(code: str) -> bool:
    """Whether CLDR knows a language (asked once per code: a watchlist repeats a handful)."""
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _check_interval(value: str) -> str:
    try:
        parse_interval(value)
    except UsageError as exc:
        raise ValueError(str(exc)) from None
    return str(value).strip()


class Settings(BaseModel):
    """Service-wide settings, the fetcher's included (`Fetcher(settings)`); paths are relative to
    the watchlist file."""

    model_config = ConfigDict(extra="forbid")

    database: str = "policy-monitor.db"
    user_agent: str = DEFAULT_USER_AGENT
    concurrency: int = Field(4, ge=1, le=64)
    per_host: int = Field(2, ge=1, le=16)
    timeout: float = Field(30.0, gt=0)
    total_timeout: float = Field(120.0, gt=0)
    retries: int = Field(2, ge=0, le=10)
    backoff_base: float = Field(1.0, ge=0)
    max_retry_after: float = Field(60.0, ge=0)
    max_redirects: int = Field(10, ge=0)
    max_bytes: int = Field(20_000_000, gt=0)
    confirm_changes: bool = True
    confirm_delay: float = Field(2.0, ge=0)
    flap_window: int = Field(5, ge=0)
    failure_threshold: int = Field(3, ge=1)
    min_length_ratio: float = Field(0.4, ge=0, le=1)
    jitter: float | None = Field(None, ge=0, le=1)
    """Random delay added to each scheduled check, as a fraction of its interval (default 10%, at most 5 min)."""
    workers: int | None = Field(None, ge=0, le=64)
    """Processes that read and analyse pages during `check` (0: none; default: one per CPU but one, at most 4, for 16+ checks)."""
    browser_executable: str | None = None
    """The Chromium that renders `browser: true` entries: a path or a command on PATH (default:
    `chromium`, else `chromium-browser`, `google-chrome`, `google-chrome-stable` on PATH)."""
    browser_concurrency: int = Field(2, ge=1, le=16)
    """Pages the one browser of a run renders at once, each in a fresh context."""


class _EntryFields(BaseModel):
    """Fields an entry may set and `defaults` may provide for every entry."""

    model_config = ConfigDict(extra="forbid")

    language: str | None = None
    select: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)
    every: str = "1d"
    tags: list[str] = Field(default_factory=list)
    alerts: list[str] = Field(default_factory=list)
    min_severity: Severity = "low"
    browser: bool = False
    """Render the page in headless Chromium before reading it (pages whose text scripts put in)."""
    wait_for: str | None = None
    """With `browser`: the CSS selector to wait for (default: until the network goes idle)."""
    timeout: float | None = Field(None, gt=0, le=600)
    """Seconds a request (or a render, waiting included) may take; default `settings.timeout`."""
    headers: dict[str, str] = Field(default_factory=dict)
    cookies: dict[str, str] = Field(default_factory=dict)
    user_agent: str | None = None
    """Request options; values may name environment variables as `${NAME}` (secrets stay out of the file)."""

    @field_validator("select", "remove", "tags", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("alerts", mode="before")
    @classmethod
    def _listify_channels(cls, value: Any) -> Any:
        return _as_list(value, split_commas=True)

    @field_validator("select", "remove")
    @classmethod
    def _selectors_parse(cls, value: list[str]) -> list[str]:
        return _check_selectors(value)

    @field_validator("language", mode="before")
    @classmethod
    def _language_code(cls, value: Any) -> Any:
        return _check_language(value)

    @field_validator("every", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> Any:
        return _check_interval(str(value))

    @field_validator("wait_for")
    @classmethod
    def _wait_for_parses(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        if not info.data.get("browser"):
            raise ValueError("only a rendered page can be waited for: add `browser: true`")
        return _check_selectors([value])[0]

    @field_validator("headers", "cookies", mode="before")
    @classmethod
    def _plain_values(cls, value: Any) -> Any:
        """YAML reads `DNT: 1` or `consent: yes` as a number or a boolean; a header means the text."""
        if isinstance(value, dict):
            return {key: _scalar_text(key, item) for key, item in value.items()}
        return value

    @field_validator("headers")
    @classmethod
    def _headers_valid(cls, value: dict[str, str]) -> dict[str, str]:
        return check_headers(value)

    @field_validator("cookies")
    @classmethod
    def _cookies_valid(cls, value: dict[str, str]) -> dict[str, str]:
        return check_cookies(value)

    @field_validator("user_agent")
    @classmethod
    def _user_agent_valid(cls, value: str | None) -> str | None:
        return check_header_value("user_agent", value) if value is not None else None


class PolicyDefaults(_EntryFields):
    """The `defaults:` section."""


class PolicyEntry(_EntryFields):
    """One watched policy, with the watchlist's defaults already applied."""

    name: str
    url: str

    @field_validator("name", mode="before")
    @classmethod
    def _slug(cls, value: Any) -> Any:
        name = str(value).strip()
        if not NAME_PATTERN.fullmatch(name):
            raise ValueError(f"invalid name {value!r} (letters, digits, '.', '_' and '-', like 'example-privacy')")
        return name

    @field_validator("url", mode="before")
    @classmethod
    def _web_url(cls, value: Any) -> Any:
        return check_url(str(value))

    @property
    def interval(self) -> timedelta:
        return parse_interval(self.every)

    def is_due(self, last_checked: datetime | None, now: datetime) -> bool:
        """Whether the entry is due at `now`: never checked, checked at least one interval ago, or
        last checked "in the future" (the clock was moved back since: when is unknown, so now)."""
        return last_checked is None or last_checked + self.interval <= now or last_checked > now


@dataclass
class Watchlist:
    """A loaded, validated watchlist."""

    path: Path
    settings: Settings
    policies: list[PolicyEntry]
    channels: dict[str, dict] = field(default_factory=dict)
    defaults: PolicyDefaults = field(default_factory=PolicyDefaults)

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def get(self, name: str) -> PolicyEntry:
        """The entry called `name`, or a UsageError listing the known names."""
        for entry in self.policies:
            if entry.name == name:
                return entry
        known = ", ".join(e.name for e in self.policies) or "none yet"
        raise UsageError(f"unknown policy {name!r} (known: {known})")

    def select(self, names: list[str] | None, tags: list[str] | None = None) -> list[PolicyEntry]:
        """The named entries (all when `names` is empty), failing on an unknown name; with `tags`,
        only those carrying one of them."""
        entries = self.tagged(tags)
        if not names:
            return entries
        by_name = {entry.name: entry for entry in entries}
        for name in names:
            self.get(name)  # an unknown name: the error that lists the known ones
        return [by_name[name] for name in names if name in by_name]

    def tagged(self, tags: list[str] | None) -> list[PolicyEntry]:
        """The entries carrying any of `tags` (every entry when there are none); a tag no entry
        carries is refused with one line listing the tags there are."""
        if not tags:
            return list(self.policies)
        known = dict.fromkeys(tag for entry in self.policies for tag in entry.tags)
        for tag in tags:
            if tag not in known:
                raise UsageError(f"unknown tag {tag!r} (tags: {', '.join(known) or 'none yet'})")
        wanted = set(tags)
        return [entry for entry in self.policies if wanted & set(entry.tags)]

    def resolve(self, relative: str) -> Path:
        """A settings path, relative to the watchlist's directory."""
        candidate = Path(os.path.expanduser(relative))
        return candidate if candidate.is_absolute() else self.base_dir / candidate


def file_stamp(path: Path) -> tuple[int, int]:
    """(mtime in ns, size) of the watchlist file, (0, 0) when it is gone: what tells a reader to load it again."""
    try:
        info = os.stat(path)
    except OSError:
        return (0, 0)
    return (info.st_mtime_ns, info.st_size)


def database_path(watchlist: Watchlist) -> Path:
    """Where the SQLite database of this watchlist lives."""
    return watchlist.resolve(watchlist.settings.database)


# ---------------------------------------------------------------------------------------------
# Loading and validation


def _key_line(node: Any, key: Any) -> int | None:
    """1-based line of `key` in a mapping (or of item `key` in a sequence) as `read_yaml` built it."""
    if isinstance(node, YamlMap):
        return node.lines.get(key)
    if isinstance(node, YamlSeq) and isinstance(key, int) and 0 <= key < len(node.lines):
        return node.lines[key]
    return None


def _node_line(node: Any) -> int | None:
    return getattr(node, "line", None)


class _Where:
    """Builds `file:line: context: message` strings."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def error(self, message: str, line: int | None = None, context: str = "") -> WatchlistError:
        prefix = f"{self.path}:{line}: " if line else f"{self.path}: "
        return WatchlistError(prefix + (f"{context}: " if context else "") + message)


def _validate(model: type[BaseModel], data: dict, node: Any, where: _Where, context: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        field_name, message = describe_validation_error(exc, tuple(model.model_fields))
        line = (_key_line(node, field_name) if field_name else None) or _node_line(node)
        raise where.error(message, line, context) from None


def _plain(value: Any) -> Any:
    """The reader's mappings and sequences as plain dicts/lists with string keys (for pydantic and JSON)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _read_text(path: Path) -> str:
    """The watchlist file's text, or a one-line WatchlistError saying why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WatchlistError(f"{path}: not found (create it with `policy-monitor add URL --name NAME`)") from None
    except IsADirectoryError:
        raise WatchlistError(f"{path}: is a directory, not a watchlist file") from None
    except UnicodeDecodeError as exc:
        raise WatchlistError(f"{path}: cannot read: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise WatchlistError(f"{path}: cannot read: {(exc.strerror or str(exc)).lower()}") from None


def _parse(path: Path, text: str) -> Any:
    """The YAML document of a watchlist (`monitor.yamlread`: YAML 1.2, the one reading everywhere)."""
    try:
        return read_yaml(text)
    except YamlProblem as exc:
        raise _Where(path).error(str(exc), exc.line) from None


def _build(path: Path, document: Any) -> Watchlist:
    where = _Where(path)
    if document is None:
        document = YamlMap()
    if not isinstance(document, dict):
        raise where.error("the watchlist must be a mapping with settings, defaults, channels and policies", _node_line(document))
    for key in document:
        if key not in TOP_LEVEL_KEYS:
            raise where.error(f"unknown section {key!r} (allowed: {', '.join(TOP_LEVEL_KEYS)})", _key_line(document, key))

    def section(key: str, kind: type) -> Any:
        value = document.get(key)
        if value is None:
            return kind()
        if not isinstance(value, kind):
            expected = "a mapping" if kind is dict else "a list"
            raise where.error(f"section {key!r} must be {expected}", _key_line(document, key))
        return value

    raw_settings = section("settings", dict)
    settings = _validate(Settings, _plain(raw_settings), raw_settings, where, "settings")

    raw_channels = section("channels", dict)
    channels: dict[str, dict] = {}
    known_kinds = _channel_kinds()
    for name, config in raw_channels.items():
        context = f"channel {name!r}"
        line = _key_line(raw_channels, name)
        if not isinstance(config, dict):
            raise where.error("must be a mapping with at least 'kind'", line, context)
        kind = config.get("kind")
        if not isinstance(kind, str) or not kind:
            raise where.error("field 'kind' is required", line, context)
        if known_kinds and kind not in known_kinds:
            raise where.error(f"field 'kind': unknown kind {kind!r} (known: {', '.join(sorted(known_kinds))})",
                              _key_line(config, "kind") or line, context)
        _check_channel_fields(str(name), config, where, line, context)
        channels[str(name)] = _plain(config)

    raw_defaults = section("defaults", dict)
    defaults = _validate(PolicyDefaults, _plain(raw_defaults), raw_defaults, where, "defaults")
    _check_channels(defaults.alerts, channels, where, _key_line(raw_defaults, "alerts"), "defaults")
    inherited = defaults.model_dump(exclude_unset=True)

    raw_policies = section("policies", list)
    policies: list[PolicyEntry] = []
    seen: dict[str, int | None] = {}
    for index, raw_entry in enumerate(raw_policies):
        entry_line = _key_line(raw_policies, index)
        if not isinstance(raw_entry, dict):
            raise where.error("must be a mapping with at least name and url", entry_line, f"policy #{index + 1}")
        label = raw_entry.get("name")
        context = f"policy {label!r}" if isinstance(label, str) else f"policy #{index + 1}"
        entry = _validate(PolicyEntry, {**inherited, **raw_entry}, raw_entry, where, context)
        name_line = _key_line(raw_entry, "name") or entry_line
        if entry.name in seen:
            previous = seen[entry.name]
            also = f" (also at line {previous})" if previous else ""
            raise where.error(f"field 'name': duplicate name {entry.name!r}{also}", name_line, context)
        seen[entry.name] = name_line
        _check_channels(entry.alerts, channels, where, _key_line(raw_entry, "alerts") or entry_line, context)
        policies.append(entry)
    return Watchlist(path=path, settings=settings, policies=policies, channels=channels, defaults=defaults)


def _check_channels(names: list[str], channels: dict[str, dict], where: _Where, line: int | None, context: str) -> None:
    for name in names:
        if name not in channels:
            defined = ", ".join(channels) or "none defined"
            raise where.error(f"field 'alerts': unknown channel {name!r} (channels: {defined})", line, context)


def _check_channel_fields(name: str, config: Any, where: _Where, line: int | None, context: str) -> None:
    """A channel's fields, checked as its kind wants them (a missing `to`, a misspelt key), at the
    line of the field at fault; what only sending can tell (an Apprise service) waits for it."""
    try:
        from alerts import CHANNEL_KINDS
    except ImportError:
        return
    try:
        CHANNEL_KINDS[config["kind"]].check_config(name, _plain(config))
    except WatchlistError as exc:
        message = str(exc).removeprefix(f"channel '{name}': ")
        raise where.error(message, (_key_line(config, exc.field) if exc.field else None) or line, context) from None


def _channel_kinds() -> set[str]:
    """Channel kinds the alerts package knows (empty when it is not installed yet: then any kind)."""
    try:
        from alerts import CHANNEL_KINDS  # type: ignore[attr-defined]
    except ImportError:
        return set()
    return set(CHANNEL_KINDS)


def load_watchlist(path: str | os.PathLike[str]) -> Watchlist:
    """Read and validate a watchlist file; any problem is a one-line WatchlistError."""
    path = Path(path)
    return _build(path, _parse(path, _read_text(path)))


# ---------------------------------------------------------------------------------------------
# Editing: the file's own text, changed by whole lines, so comments, quoting and layout survive

NEW_WATCHLIST = """\
# policy-monitor watchlist: the privacy policies to watch.
# Edit by hand or with `policy-monitor add` / `remove` (comments are kept).

settings:
  database: policy-monitor.db   # relative to this file

defaults:
  every: 1d          # check interval: 30m, 6h, 1d, 2w
  alerts: [archive]  # channels that receive alerts

channels:
  archive:           # alerts as JSON + Markdown files in ./alert-archive
    kind: file
    path: alert-archive

policies: []
"""

_PLAIN_SCALAR = re.compile(r"[A-Za-z0-9_./][A-Za-z0-9_./@%+=~?&-]*(?::[A-Za-z0-9_./@%+=~?&-]+)*")
"""Strings written without quotes: words, slugs, URLs; anything else is written as a JSON string."""
_POLICIES_KEY = re.compile(r"(?P<key>\s*policies\s*:)\s*(?:~|null|Null|NULL|\[\s*\])?\s*(?P<comment>#.*)?")


_YAML_1_1_WORDS = frozenset({"y", "yes", "n", "no", "on", "off"})
"""Words other YAML readers (1.1) take for booleans: quoted when written, so no tool misreads them."""


def _yaml_scalar(value: Any, flow: bool = False) -> str:
    """A value as YAML that `read_yaml` reads back as exactly that value: booleans and numbers as
    such, a string plain when it safely can be (not in a flow collection if it holds a colon),
    else as a JSON string (a YAML double-quoted scalar)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if _PLAIN_SCALAR.fullmatch(text) and resolve_plain(text) == text and text.lower() not in _YAML_1_1_WORDS \
            and not (flow and ":" in text):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _entry_lines(entry: dict[str, Any], dash_column: int, key_offset: int) -> list[str]:
    """An entry as block-sequence lines (`- name: x` then `  url: y`), lists and mappings in flow style."""
    lines = []
    for key, value in entry.items():
        if isinstance(value, dict):
            value_text = "{" + ", ".join(f"{_yaml_scalar(k, True)}: {_yaml_scalar(v, True)}"
                                         for k, v in value.items()) + "}"
        elif isinstance(value, list):
            value_text = "[" + ", ".join(_yaml_scalar(item, True) for item in value) + "]"
        else:
            value_text = _yaml_scalar(value)
        lead = " " * dash_column + ("-" + " " * (key_offset - 1) if not lines else " " * key_offset)
        lines.append(f"{lead}{key}: {value_text}\n")
    return lines


def _policies_key_line(lines: list[str], document: YamlMap, path: Path) -> tuple[int, re.Match]:
    """0-based index of the `policies:` line, and its parts (a flow list `[]` or null may follow)."""
    index = document.lines["policies"] - 1
    match = _POLICIES_KEY.fullmatch(lines[index].rstrip("\n"))
    if match is None:
        raise WatchlistError(f"{path}:{index + 1}: cannot edit 'policies' written this way: "
                             "put its entries on the lines below 'policies:', one '- name: ...' each")
    return index, match


def _block_policies(path: Path, document: YamlMap) -> YamlSeq | None:
    """The `policies:` block sequence (None when it is absent, null or `[]`); a flow one cannot be edited."""
    policies = document.get("policies")
    if isinstance(policies, YamlSeq) and policies.flow and policies:
        raise WatchlistError(f"{path}:{policies.line}: cannot edit a 'policies' list written as [...]: "
                             "write its entries one '- name: ...' per line")
    return policies if isinstance(policies, YamlSeq) and not policies.flow else None


def _text_with_entry(path: Path, text: str, document: YamlMap, entry: dict[str, Any]) -> str:
    """The watchlist's text with `entry` written after its last entry."""
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    policies = _block_policies(path, document)
    if policies is not None:
        dash_column = policies.start[1]
        first = lines[policies.lines[0] - 1]
        key_offset = len(first) - len(first[dash_column + 1:].lstrip(" ")) - dash_column
        lines[policies.ends[-1]:policies.ends[-1]] = _entry_lines(entry, dash_column, key_offset)
    elif "policies" in document:
        index, match = _policies_key_line(lines, document, path)
        comment = f"  {match['comment']}" if match["comment"] else ""
        lines[index:index + 1] = [f"{match['key']}{comment}\n", *_entry_lines(entry, 2, 2)]
    else:
        lines += ["policies:\n", *_entry_lines(entry, 2, 2)]
    return "".join(lines)


def _text_without_entry(path: Path, text: str, document: YamlMap, index: int) -> str:
    """The watchlist's text without entry `index`: its lines go with the comments just above it
    (they introduced it); the comments below it introduce the next entry and stay."""
    lines = text.splitlines(keepends=True)
    policies = _block_policies(path, document)
    assert policies is not None  # the entry exists, so the list does
    first = policies.ends[index - 1] if index > 0 else document.lines["policies"]
    del lines[first:policies.ends[index]]
    if len(policies) == 1:
        key_index, match = _policies_key_line(lines, document, path)
        comment = f"  {match['comment']}" if match["comment"] else ""
        lines[key_index] = f"{match['key']} []{comment}\n"
    return "".join(lines)


def _write_atomically(path: Path, text: str) -> None:
    """Replace the file's content in one step: through a symbolic link (the link stays), with the
    file's mode kept (a new file gets the usual mode under the umask), never half-written."""
    target = Path(os.path.realpath(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode: int | None = stat.S_IMODE(target.stat().st_mode)
        except FileNotFoundError:
            mode = None
        for attempt in range(100):
            temporary = target.parent / f".{target.name}.{os.getpid()}.{attempt}.tmp"
            try:
                fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
                break
            except FileExistsError:
                continue
        else:
            raise FileExistsError(f"no free temporary name next to {target}")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                if mode is not None:
                    os.fchmod(handle.fileno(), mode)
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise WatchlistError(f"{path}: cannot write: {(exc.strerror or str(exc)).lower()}") from None


def _checked_edit(path: Path, new_text: str, expected: YamlMap, region: tuple[int, int, int, Any] | None = None) -> Any:
    """The document of the edited text, once it reads back as exactly the intended data.

    `region` = (first line, end line, indent, value): the edit touched only those lines, which
    read on their own (less `indent` columns) must be `value` (the entries on either side of the
    edit); then only they are read again (a 10,000-entry file is not parsed twice). Anything else,
    or a region that does not read as expected (an alias to an anchor outside it, say), reads the
    whole file."""
    if region is not None:
        first, end, indent, value = region
        lines = new_text.splitlines(keepends=True)[first:end]
        if all(not line.strip() or line[:indent].isspace() or not line[:indent] for line in lines):
            try:
                fragment = read_yaml("".join(line[indent:] for line in lines))
            except YamlProblem:
                fragment = None
            if fragment == value:
                return expected
    document = _parse(path, new_text)
    if document != expected:  # a layout this editor does not understand: change nothing
        raise WatchlistError(f"{path}: cannot edit this file's layout safely; edit it by hand")
    return document


def _with_policies(document: YamlMap, policies: list, lines: list[int]) -> YamlMap:
    """`document` with another `policies` list (whose items start at `lines`), for validation."""
    edited = YamlMap()
    edited.update(document)
    edited.lines, edited.line = dict(document.lines), document.line
    sequence = YamlSeq()
    sequence.extend(policies)
    sequence.lines = lines
    edited["policies"] = sequence
    return edited


def _save(path: Path, text: str, watchlist: Watchlist) -> None:
    """Write the edited text, its alert channels' settings checked first (loading a watchlist
    checks only their kinds, to stay fast; an edit is where a broken webhook URL is worth
    catching before a check needs it)."""
    from alerts import build_channels

    try:
        build_channels(watchlist.channels, watchlist.base_dir)
    except WatchlistError as exc:
        raise WatchlistError(f"{path}: {exc}") from None
    _write_atomically(path, text)


def add_policy(path: str | os.PathLike[str], entry: dict[str, Any]) -> PolicyEntry:
    """Append an entry (creating the file if needed); validated before anything is written."""
    path = Path(path)
    text = _read_text(path) if os.path.lexists(path) else NEW_WATCHLIST
    document = _parse(path, text)
    if document is None:
        document = YamlMap()
    if not isinstance(document, YamlMap):
        _build(path, document)  # says what is wrong with it
    name = entry.get("name")
    policies = document.get("policies") or []
    if isinstance(policies, list) and any(isinstance(item, dict) and item.get("name") == name for item in policies):
        raise UsageError(f"a policy named {name!r} is already in {path}")
    unknown = sorted(set(entry) - set(ENTRY_KEY_ORDER))
    if unknown:
        raise UsageError(f"unknown field {unknown[0]!r} (allowed: {', '.join(ENTRY_KEY_ORDER)})")
    new_entry = {key: list(value) if isinstance(value, (list, tuple)) else value
                 for key in ENTRY_KEY_ORDER if (value := entry.get(key)) not in (None, [], (), "", {})}
    new_text = _text_with_entry(path, text, document, new_entry)
    existing = document.get("policies") if isinstance(document.get("policies"), YamlSeq) else YamlSeq()
    region = None
    if existing and not existing.flow:  # appended after the last entry: read those two again
        last = existing.lines[-1] - 1
        region = (last, existing.ends[-1] + len(_entry_lines(new_entry, 0, 2)), existing.start[1],
                  [existing[-1], new_entry])
    expected = _with_policies(document, [*existing, new_entry], [*existing.lines, existing.ends[-1] + 1 if existing else 0])
    watchlist = _build(path, _checked_edit(path, new_text, expected, region))  # the whole file, validated
    _save(path, new_text, watchlist)
    return watchlist.get(str(name))


def remove_policy(path: str | os.PathLike[str], name: str) -> tuple[PolicyEntry, Watchlist]:
    """Delete the entry called `name` from the file: (what was removed, the watchlist now)."""
    path = Path(path)
    text = _read_text(path)
    document = _parse(path, text)
    watchlist = _build(path, document)  # a file that is already broken is not edited
    removed = watchlist.get(name)
    index = next(i for i, item in enumerate(document["policies"])
                 if isinstance(item, dict) and item.get("name") == name)
    new_text = _text_without_entry(path, text, document, index)
    policies = document["policies"]
    expected = {**document, "policies": [item for i, item in enumerate(policies) if i != index]}
    # Where the lines went, the entries on either side now meet: read them (alone) again.
    removed_lines = policies.ends[index] - (policies.ends[index - 1] if index else document.lines["policies"])
    region = None
    if 0 < index < len(policies) - 1:
        region = (policies.lines[index - 1] - 1, policies.ends[index + 1] - removed_lines, policies.start[1],
                  [policies[index - 1], policies[index + 1]])
    elif index and index == len(policies) - 1:  # the last one: what follows it now follows the one before
        region = (policies.lines[index - 1] - 1, len(new_text.splitlines()), policies.start[1], [policies[index - 1]])
    elif index == 0 and len(policies) > 1:
        key_line = document.lines["policies"] - 1
        region = (key_line, policies.ends[1] - removed_lines, 0, {"policies": [policies[1]]})
    _checked_edit(path, new_text, expected, region)
    remaining = dataclasses.replace(watchlist, policies=[entry for entry in watchlist.policies if entry is not removed])
    _save(path, new_text, remaining)
    return removed, remaining
