"""The watchlist: which policies to watch, how often, and where alerts go.

People edit `watchlist.yaml` by hand and the CLI edits it too, so loading validates strictly
(unknown keys are typos, every mistake is reported on one line naming the file line, the entry
and the field) and editing goes through ruamel.yaml's round-trip mode, which keeps comments and
key order.
"""

from __future__ import annotations

import functools
import io
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from monitor import __version__
from basics.errors import UsageError, WatchlistError, describe_validation_error
from basics.severity import Severity
from basics.urls import check_url
from monitor.request import check_cookies, check_header_value, check_headers

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
INTERVAL_PART = re.compile(r"(\d+)\s*([smhdw])")
INTERVAL_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
TOP_LEVEL_KEYS = ("settings", "defaults", "channels", "policies")
# Order in which `add_policy` writes an entry's keys, so CLI-added entries look hand-written.
ENTRY_KEY_ORDER = (
    "name", "url", "language", "select", "remove", "every", "tags", "alerts", "min_severity",
    "browser", "wait_for", "timeout", "headers", "cookies", "user_agent",
)

DEFAULT_USER_AGENT = f"policy-monitor/{__version__} (privacy policy change monitor)"


@functools.lru_cache(maxsize=256)
def parse_interval(text: str) -> timedelta:
    """`30m`, `6h`, `1d`, `2w` (or combinations such as `1h30m`) → timedelta.

    Cached: a watchlist has few distinct intervals, and the scheduler asks each entry's often.
    """
    raw = str(text).strip().lower()
    parts = INTERVAL_PART.findall(raw)
    if not raw or not parts or INTERVAL_PART.sub("", raw).strip():
        raise UsageError(f"invalid interval {text!r} (use 30m, 6h, 1d)")
    interval = timedelta()
    for amount, unit in parts:
        interval += timedelta(**{INTERVAL_UNITS[unit]: int(amount)})
    if interval <= timedelta():
        raise UsageError(f"invalid interval {text!r}: must be longer than zero")
    return interval


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

    A yes-or-no cannot be: YAML 1.1 reads `yes` and `on` as true, and a cookie needs the word.
    (The loader reads the file again the YAML 1.2 way on a mistake, where only true and false are
    yes-or-no, so `consent: yes` still loads.)
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
    """Processes that read and analyse pages during `check` (0: none; default: one per CPU, at most 4, for 16+ checks)."""
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


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _key_line(node: Any, key: Any) -> int | None:
    """1-based line of `key` in a ruamel mapping (or of item `key` in a sequence)."""
    try:
        if isinstance(node, CommentedMap) and key in node:
            return node.lc.key(key)[0] + 1
        if isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            return node.lc.item(key)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None
    return None


def _node_line(node: Any) -> int | None:
    try:
        return node.lc.line + 1
    except AttributeError:
        return None


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
    """ruamel's commented containers → plain dicts/lists (pydantic and JSON want plain data)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _fast_load(text: str) -> Any:
    """Plain data through libyaml: a large watchlist loads in milliseconds instead of seconds."""
    import yaml

    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _read_document(path: Path, text: str, fast: bool = False) -> Any:
    """The YAML document: plain data when `fast`, else ruamel nodes that know their line numbers."""
    if fast:
        import yaml

        try:
            return _fast_load(text)
        except yaml.YAMLError:
            pass  # the round-trip parser below says where and why
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise _Where(path).error(f"invalid YAML: {problem}", line) from None
    except YAMLError as exc:
        raise _Where(path).error(f"invalid YAML: {str(exc).splitlines()[0]}") from None


def _build(path: Path, document: Any) -> Watchlist:
    where = _Where(path)
    if document is None:
        document = CommentedMap()
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
        entry = _validate(PolicyEntry, {**inherited, **_plain(raw_entry)}, raw_entry, where, context)
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
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise WatchlistError(f"{path}: not found (create it with `policy-monitor add URL --name NAME`)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WatchlistError(f"{path}: cannot read: {exc}") from None
    return _parse_and_build(path, text)


def _parse_and_build(path: Path, text: str) -> Watchlist:
    """Validate a watchlist's text: with the fast parser, and on a mistake again with the
    round-trip one, whose nodes name the line of the mistake, and whose YAML 1.2 reading
    (`no` is a string) is the one CLI edits keep."""
    try:
        return _build(path, _read_document(path, text, fast=True))
    except WatchlistError:
        return _build(path, _read_document(path, text))


# ---------------------------------------------------------------------------------------------
# Editing (round-trip: comments and order survive)

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


def _dump(document: Any) -> str:
    buffer = io.StringIO()
    _yaml().dump(document, buffer)
    return buffer.getvalue()


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _load_for_edit(path: Path) -> tuple[Any, Watchlist | None]:
    """The round-trip document to edit, and the watchlist it is now (None for a new file)."""
    if not path.exists():
        return _read_document(path, NEW_WATCHLIST), None
    document = _read_document(path, path.read_text(encoding="utf-8"))
    return document, _build(path, document)  # a file that is already broken is not edited


def _save(path: Path, document: Any) -> Watchlist:
    """Write the edited document, once the text it makes has been read back and validated,
    its alert channels' settings included (loading a watchlist checks only their kinds, to stay
    fast; an edit is where a broken webhook URL is worth catching before a check needs it)."""
    from alerts import build_channels

    text = _dump(document)
    watchlist = _parse_and_build(path, text)
    try:
        build_channels(watchlist.channels, watchlist.base_dir)
    except WatchlistError as exc:
        raise WatchlistError(f"{path}: {exc}") from None
    _write_atomically(path, text)
    return watchlist


def add_policy(path: str | os.PathLike[str], entry: dict[str, Any]) -> PolicyEntry:
    """Append an entry (creating the file if needed); validated before anything is written."""
    path = Path(path)
    document, _ = _load_for_edit(path)
    if document is None:
        document = CommentedMap()
    policies = document.get("policies")
    if policies is None:
        policies = document["policies"] = CommentedSeq()
    name = entry.get("name")
    if any(isinstance(item, dict) and item.get("name") == name for item in policies):
        raise UsageError(f"a policy named {name!r} is already in {path}")
    unknown = sorted(set(entry) - set(ENTRY_KEY_ORDER))
    if unknown:
        raise UsageError(f"unknown field {unknown[0]!r} (allowed: {', '.join(ENTRY_KEY_ORDER)})")
    new_item = CommentedMap()
    for key in ENTRY_KEY_ORDER:
        value = entry.get(key)
        if value is None or value == [] or value == "":
            continue
        if isinstance(value, (list, tuple)):
            value = CommentedSeq(value)
            value.fa.set_flow_style()  # `tags: [a, b]`, as people write short lists
        elif isinstance(value, dict):
            value = CommentedMap(value)
            value.fa.set_flow_style()  # `cookies: {consent: 'yes'}`
        new_item[key] = value
    if isinstance(policies, CommentedSeq) and not policies:
        policies.fa.set_block_style()
    policies.append(new_item)
    return _save(path, document).get(str(name))


def _trailing_comment(item: Any) -> Any:
    """ruamel keeps the comment lines after an entry on the entry's last key: those describe the next entry."""
    if not isinstance(item, CommentedMap) or not item:
        return None
    slots = item.ca.items.get(list(item.keys())[-1])
    return slots[2] if slots and len(slots) > 2 else None


def _drop_entry(document: CommentedMap, index: int) -> None:
    """Delete one entry; the comment that introduced it goes, the one introducing the next stays."""
    policies = document["policies"]
    following = _trailing_comment(policies[index])
    if index > 0:
        previous = policies[index - 1]
        if isinstance(previous, CommentedMap) and previous:
            slots = previous.ca.items.setdefault(list(previous.keys())[-1], [None, None, None, None])
            slots[2] = following
    else:
        # The comment above the first entry is held both by the list and by the `policies:` key.
        leading = [following] if following is not None and following.value.strip() else None
        if leading:
            following.value = following.value.lstrip()
        policies.ca.comment = [None, leading] if leading else None
        key_slots = document.ca.items.get("policies")
        if key_slots and len(key_slots) > 3:
            key_slots[3] = leading
    del policies[index]


def remove_policy(path: str | os.PathLike[str], name: str) -> PolicyEntry:
    """Delete the entry called `name` from the file; returns what was removed."""
    path = Path(path)
    if not path.exists():
        raise WatchlistError(f"{path}: not found")
    document, watchlist = _load_for_edit(path)
    assert watchlist is not None
    removed = watchlist.get(name)
    policies = document["policies"]
    index = next(i for i, item in enumerate(policies) if isinstance(item, dict) and item.get("name") == name)
    _drop_entry(document, index)
    _save(path, document)
    return removed
