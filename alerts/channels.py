"""Delivery channels, declared once by name under the watchlist's `channels:` mapping.

Each kind is one small class registered in `CHANNEL_KINDS`: it validates its YAML fields
(`from_config`, raising a one-line `WatchlistError` naming channel and field) and sends a list of
alerts (`send`, raising `DeliveryError`). Secrets never live in the YAML: SMTP credentials come
from `POLICY_MONITOR_SMTP_*` environment variables. A webhook's or Apprise URL is a secret in
itself (its path or host is the token): what it holds is remembered (`basics.urls.remember_secrets`)
and hidden from every error and log line (`hide_secrets`), and shown as `https://host/…`.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import smtplib
import ssl
from collections import deque
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from alerts.model import Alert, render_html, render_markdown, render_text
from basics.severity import severity_rank
from basics.errors import WatchlistError, describe_validation_error
from basics.urls import check_url, hide_secrets, redact_url, remember_secrets

if TYPE_CHECKING:  # httpx loads when a webhook is sent: loading a watchlist never pays for it
    import httpx

SeverityName = Literal["low", "medium", "high"]


class DeliveryError(Exception):
    """A channel could not deliver; the outbox retries later."""


class _ChannelConfig(BaseModel):
    """Fields every channel accepts."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    min_severity: SeverityName = "low"


SHALLOW = {"shallow": True}
"""Validation context of `check_channel`: the fields' shape only, nothing that imports a service's library."""


def _validate(name: str, model: type[_ChannelConfig], config: dict[str, Any],
              context: dict[str, Any] | None = None) -> Any:
    """Validate a channel's mapping; a mistake is one line naming the channel and the field."""
    try:
        return model.model_validate(config, context=context)
    except ValidationError as exc:
        field, message = describe_validation_error(exc, tuple(model.model_fields))
        raise WatchlistError(f"channel '{name}': {hide_secrets(message)}", field=field) from None


class Channel:
    """A named destination for alerts."""

    kind: ClassVar[str] = ""
    digest: bool = False
    _in_run: bool = False

    def __init__(self, name: str, min_severity: str = "low") -> None:
        self.name = name
        self.min_severity = min_severity

    config_model: ClassVar[type[_ChannelConfig]] = _ChannelConfig

    @classmethod
    def from_config(cls, name: str, config: dict[str, Any], base_dir: Path) -> Channel:
        raise NotImplementedError

    @classmethod
    def check_config(cls, name: str, config: dict[str, Any]) -> None:
        """Check the mapping's fields (missing, unknown, malformed) without building the channel:
        what loading a watchlist does for every command, so cheaply."""
        cls.remember_secrets(config)
        _validate(name, cls.config_model, config, SHALLOW)

    @classmethod
    def remember_secrets(cls, config: dict[str, Any]) -> None:
        """Note what in the channel's settings must never be shown (`basics.urls.hide_secrets`),
        before they are validated: an error about them must not show them either."""

    def accepts(self, severity: str) -> bool:
        """Whether an alert of this severity is worth sending here."""
        return severity_rank(severity) >= severity_rank(self.min_severity)

    def send(self, alerts: list[Alert]) -> None:
        """Deliver the alerts (one, or a digest for channels with `digest`); raise DeliveryError."""
        raise NotImplementedError

    @contextlib.contextmanager
    def connected(self) -> Iterator[None]:
        """One delivery run: the `send` calls made inside share a connection where the kind has one.

        The first `send` opens it (so opening fails like a send, and is retried like one); the
        end of the run closes it.
        """
        self._in_run = True
        try:
            yield
        finally:
            self._in_run = False
            self._close_shared()

    def _close_shared(self) -> None:
        """Close what the run's sends shared; never raises (what was sent stays sent)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.name!r})"


# --- file -------------------------------------------------------------------------------------


class _FileConfig(_ChannelConfig):
    path: str = "alerts"

    @field_validator("path")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must be a folder path, not empty")
        return value


class FileChannel(Channel):
    """Appends to `<path>/alerts.jsonl` (one JSON object a line) and `<path>/alerts.md` (readable).

    Idempotent: an alert id already among the last lines of a file is not written again.
    """

    kind = "file"
    config_model = _FileConfig
    RECENT_LINES = 5000
    digest = True
    """All due alerts in one `send`: each is still its own record, but the recent ids are read
    once per delivery run instead of once per alert, and a failed write fails them together."""

    def __init__(self, name: str, folder: Path, min_severity: str = "low") -> None:
        super().__init__(name, min_severity)
        self.folder = folder

    @classmethod
    def from_config(cls, name: str, config: dict[str, Any], base_dir: Path) -> FileChannel:
        parsed = _validate(name, _FileConfig, config)
        folder = Path(parsed.path).expanduser()
        return cls(name, folder if folder.is_absolute() else Path(base_dir) / folder, parsed.min_severity)

    @property
    def jsonl_path(self) -> Path:
        return self.folder / "alerts.jsonl"

    @property
    def markdown_path(self) -> Path:
        return self.folder / "alerts.md"

    def _recent_lines(self, path: Path) -> deque[str]:
        if not path.exists():
            return deque()
        with path.open(encoding="utf-8", errors="replace") as handle:
            return deque(handle, maxlen=self.RECENT_LINES)

    def _recent_jsonl_ids(self) -> set[str]:
        ids = set()
        for line in self._recent_lines(self.jsonl_path):
            try:
                ids.add(json.loads(line).get("id"))
            except (ValueError, AttributeError):
                continue
        return ids

    def _recent_markdown_ids(self) -> set[str]:
        marker = "<!-- alert-id: "
        return {
            line.strip()[len(marker):-len(" -->")]
            for line in self._recent_lines(self.markdown_path)
            if line.startswith(marker)
        }

    def send(self, alerts: list[Alert]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            in_jsonl, in_markdown = self._recent_jsonl_ids(), self._recent_markdown_ids()
            with self.markdown_path.open("a", encoding="utf-8") as markdown:
                for alert in alerts:
                    if alert.id not in in_markdown:
                        markdown.write(render_markdown(alert) + "\n")
            with self.jsonl_path.open("a", encoding="utf-8") as jsonl:
                for alert in alerts:
                    if alert.id not in in_jsonl:
                        jsonl.write(json.dumps(alert.to_json(), ensure_ascii=False) + "\n")
        except OSError as exc:
            raise DeliveryError(f"cannot write alerts to {self.folder}: {exc.strerror or exc}") from exc


# --- e-mail -----------------------------------------------------------------------------------

SMTP_ENV = "POLICY_MONITOR_SMTP_"
_CREDENTIAL_FIELDS = ("user", "username", "password", "pass", "login", "secret", "token")


class _EmailConfig(_ChannelConfig):
    to: list[str]
    host: str | None = None
    port: int | None = None
    digest: bool = False
    subject_prefix: str = "[policy-monitor]"

    @field_validator("to", mode="before")
    @classmethod
    def _addresses(cls, value: Any) -> list[str]:
        addresses = [value] if isinstance(value, str) else value
        if not isinstance(addresses, list) or not addresses:
            raise ValueError("must be an e-mail address or a list of them")
        for address in addresses:
            if not isinstance(address, str) or "@" not in address or " " in address.strip():
                raise ValueError(f"'{address}' is not an e-mail address")
        return [address.strip() for address in addresses]

    @field_validator("port")
    @classmethod
    def _port(cls, value: int | None) -> int | None:
        if value is not None and not 0 < value < 65536:
            raise ValueError("must be a TCP port (1-65535)")
        return value


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class EmailChannel(Channel):
    """SMTP e-mail with a text and an HTML part; `digest: true` sends one message per delivery run.

    Server and credentials come from the environment (`POLICY_MONITOR_SMTP_HOST`, `_PORT`, `_USER`,
    `_PASSWORD`, `_STARTTLS`, `_FROM`); the channel may override `host`/`port`, never credentials.
    Port 465 means implicit TLS; otherwise `_STARTTLS=1` upgrades the connection (default port 587).
    """

    kind = "email"
    config_model = _EmailConfig
    TIMEOUT_SECONDS = 30

    def __init__(
        self,
        name: str,
        to: list[str],
        host: str | None = None,
        port: int | None = None,
        digest: bool = False,
        subject_prefix: str = "[policy-monitor]",
        min_severity: str = "low",
    ) -> None:
        super().__init__(name, min_severity)
        self.to, self.host, self.port = to, host, port
        self.digest, self.subject_prefix = digest, subject_prefix
        self._smtp: smtplib.SMTP | None = None
        """Inside `connected()`: the SMTP session the run's messages share, once the first opened it."""

    @classmethod
    def check_config(cls, name: str, config: dict[str, Any]) -> None:
        for field in _CREDENTIAL_FIELDS:
            if field in config:
                raise WatchlistError(
                    f"channel '{name}': field '{field}' is not allowed: SMTP credentials come from the "
                    f"environment ({SMTP_ENV}USER, {SMTP_ENV}PASSWORD), never from the watchlist", field=field,
                )
        super().check_config(name, config)

    @classmethod
    def from_config(cls, name: str, config: dict[str, Any], base_dir: Path) -> EmailChannel:
        cls.check_config(name, config)
        parsed = _validate(name, _EmailConfig, config)
        return cls(
            name, parsed.to, parsed.host, parsed.port, parsed.digest, parsed.subject_prefix, parsed.min_severity
        )

    def subject(self, alerts: list[Alert]) -> str:
        if len(alerts) == 1:
            return f"{self.subject_prefix} {alerts[0].headline}".strip()
        policies = sorted({alert.policy for alert in alerts})
        highest = max((alert.severity for alert in alerts), key=severity_rank)
        return f"{self.subject_prefix} {len(alerts)} alerts ({highest}): {', '.join(policies)}".strip()

    def build_message(self, alerts: list[Alert], sender: str) -> EmailMessage:
        """The multipart/alternative message (text + HTML) for one alert or a digest."""
        message = EmailMessage()
        message["Subject"] = self.subject(alerts)
        message["From"] = sender
        message["To"] = ", ".join(self.to)
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(idstring=alerts[0].id, domain="policy-monitor")
        message["X-Policy-Monitor-Alert-Ids"] = " ".join(alert.id for alert in alerts)
        separator = "\n" + "-" * 72 + "\n\n"
        message.set_content(separator.join(render_text(alert) for alert in alerts))
        body = "\n<hr>\n".join(render_html(alert) for alert in alerts)
        message.add_alternative(
            f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(message["Subject"])}</title>'
            f"</head><body>\n{body}</body></html>\n",
            subtype="html",
        )
        return message

    def _server(self) -> tuple[str, int, bool]:
        starttls = _env_flag(f"{SMTP_ENV}STARTTLS")
        host = self.host or os.environ.get(f"{SMTP_ENV}HOST") or "localhost"
        port = self.port or int(os.environ.get(f"{SMTP_ENV}PORT") or (587 if starttls else 25))
        return host, port, starttls

    def _connect(self) -> smtplib.SMTP:
        """A logged-in SMTP connection to the configured server."""
        host, port, starttls = self._server()
        user = os.environ.get(f"{SMTP_ENV}USER")
        password = os.environ.get(f"{SMTP_ENV}PASSWORD")
        if port == 465:  # implicit TLS ("SMTPS")
            smtp = smtplib.SMTP_SSL(host, port, timeout=self.TIMEOUT_SECONDS, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=self.TIMEOUT_SECONDS)
        try:
            if starttls and port != 465:
                smtp.starttls(context=ssl.create_default_context())
            if user and password:
                smtp.login(user, password)
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _close_shared(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            _quit(smtp)

    def send(self, alerts: list[Alert]) -> None:
        if not alerts:
            return
        host, port, _ = self._server()
        user = os.environ.get(f"{SMTP_ENV}USER")
        sender = os.environ.get(f"{SMTP_ENV}FROM") or user or "policy-monitor@localhost"
        message = self.build_message(alerts, sender)
        smtp: smtplib.SMTP | None = None
        try:
            reused = self._smtp is not None
            smtp = self._smtp or self._connect()
            if self._in_run:
                self._smtp = smtp
            try:
                smtp.send_message(message)
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as exc:
                if not reused or not _session_dropped(exc):
                    raise
                # Servers end sessions after so many messages or so long idle: once, a new one.
                smtp.close()
                smtp = self._connect()
                if self._in_run:
                    self._smtp = smtp
                smtp.send_message(message)
        except (smtplib.SMTPException, OSError) as exc:
            self._smtp = None  # a broken session is not reused: the next send reconnects
            if smtp is not None:
                smtp.close()
            raise DeliveryError(f"SMTP {host}:{port}: {type(exc).__name__}: {exc}") from exc
        if not self._in_run:
            _quit(smtp)


def _session_dropped(exc: Exception) -> bool:
    """Whether an SMTP error means the server ended the session (gone, or 421 "closing")."""
    return isinstance(exc, smtplib.SMTPServerDisconnected) or getattr(exc, "smtp_code", None) == 421


def _quit(smtp: smtplib.SMTP) -> None:
    """End an SMTP session politely if the server still listens; close it in any case."""
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.quit()
    smtp.close()


# --- webhook ----------------------------------------------------------------------------------


class _WebhookConfig(_ChannelConfig):
    url: str
    timeout: float = 10.0

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            check_url(value)
        except ValueError:
            raise ValueError(f"must be an http(s) URL, got '{redact_url(value)}'") from None
        return value

    @field_validator("timeout")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be a positive number of seconds")
        return value


class WebhookChannel(Channel):
    """JSON POST per alert, with the alert id in the body and an `Idempotency-Key` header.

    The body carries a Slack-compatible `text` field, so a Slack/Mattermost incoming webhook works
    as is. Any non-2xx answer is a failure to retry.
    """

    kind = "webhook"
    config_model = _WebhookConfig

    def __init__(self, name: str, url: str, timeout: float = 10.0, min_severity: str = "low") -> None:
        super().__init__(name, min_severity)
        self.url, self.timeout = url, timeout
        self._client: httpx.Client | None = None
        """Inside `connected()`: the client whose connection the run's POSTs share."""

    @classmethod
    def from_config(cls, name: str, config: dict[str, Any], base_dir: Path) -> WebhookChannel:
        cls.remember_secrets(config)
        parsed = _validate(name, _WebhookConfig, config)
        return cls(name, parsed.url, parsed.timeout, parsed.min_severity)

    @classmethod
    def remember_secrets(cls, config: dict[str, Any]) -> None:
        remember_secrets(str(config.get("url", "")))

    @staticmethod
    def body(alert: Alert) -> dict[str, Any]:
        return {
            "id": alert.id,
            "policy": alert.policy,
            "kind": alert.kind,
            "severity": alert.severity,
            "title": alert.title,
            "text": render_text(alert),
            "summary": alert.summary,
            "changes": alert.changes,
            "diff_command": alert.diff_command,
            "url": alert.url,
            "version": alert.version,
            "created_at": alert.created_at,
            "details": alert.details,
        }

    def _new_client(self) -> httpx.Client:
        import httpx

        return httpx.Client(timeout=self.timeout, headers={"User-Agent": "policy-monitor"})

    def _close_shared(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def send(self, alerts: list[Alert]) -> None:
        client = self._client or self._new_client()
        if self._in_run:
            self._client = client  # the run's next POSTs reuse its kept-alive connection
        try:
            self._post_all(client, alerts)
        finally:
            if not self._in_run:
                client.close()

    def _post_all(self, client: httpx.Client, alerts: list[Alert]) -> None:
        import httpx

        host = httpx.URL(self.url).host
        for alert in alerts:
            try:
                response = client.post(self.url, json=self.body(alert), headers={"Idempotency-Key": alert.id})
            except httpx.HTTPError as exc:
                raise DeliveryError(f"webhook {host}: {type(exc).__name__}: {hide_secrets(str(exc))}") from exc
            if not response.is_success:
                raise DeliveryError(f"webhook {host}: HTTP {response.status_code} {response.reason_phrase}")


# --- apprise ----------------------------------------------------------------------------------


APPRISE_HINT = "needs the apprise package: pip install 'policy-monitor[apprise]'"


class _AppriseConfig(_ChannelConfig):
    url: str

    @field_validator("url")
    @classmethod
    def _apprise_url(cls, value: str, info: ValidationInfo) -> str:
        if info.context == SHALLOW:
            return value  # asking Apprise costs its import: building the channel does that
        import apprise

        if apprise.Apprise.instantiate(value) is None:
            scheme = value.split("://", 1)[0] if "://" in value else value[:20]
            raise ValueError(f"not an Apprise URL Apprise can use (service '{scheme}'; see https://github.com/caronc/apprise/wiki)")
        return value


class AppriseChannel(Channel):
    """Any service Apprise reaches (Telegram, Matrix, Teams, ntfy...), given its Apprise URL."""

    kind = "apprise"
    config_model = _AppriseConfig

    def __init__(self, name: str, url: str, min_severity: str = "low") -> None:
        super().__init__(name, min_severity)
        self.url = url
        self._notifier: Any = None
        """Inside `connected()`: the Apprise object the run's notifications share."""

    @classmethod
    def from_config(cls, name: str, config: dict[str, Any], base_dir: Path) -> AppriseChannel:
        try:
            import apprise  # noqa: F401  (an optional extra)
        except ImportError:
            raise WatchlistError(f"channel '{name}': kind 'apprise' {APPRISE_HINT}") from None
        cls.remember_secrets(config)
        parsed = _validate(name, _AppriseConfig, config)
        return cls(name, parsed.url, parsed.min_severity)

    @classmethod
    def remember_secrets(cls, config: dict[str, Any]) -> None:
        remember_secrets(str(config.get("url", "")), host_may_be_secret=True)

    def _new_notifier(self) -> Any:
        import apprise

        notifier = apprise.Apprise()
        notifier.add(self.url)
        return notifier

    def _close_shared(self) -> None:
        self._notifier = None

    def send(self, alerts: list[Alert]) -> None:
        import apprise

        notifier = self._notifier or self._new_notifier()
        if self._in_run:
            self._notifier = notifier
        service = self.url.split("://", 1)[0]
        for alert in alerts:
            notify_type = apprise.NotifyType.FAILURE if alert.kind == "failure" else (
                apprise.NotifyType.WARNING if alert.severity == "high" or alert.kind == "warning"
                else apprise.NotifyType.INFO
            )
            with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
                delivered = notifier.notify(
                    body=render_text(alert), title=alert.headline, notify_type=notify_type,
                    body_format=apprise.NotifyFormat.TEXT,
                )
            if not delivered:
                reasons = "; ".join(captured.getvalue().split("\n")).strip("; ") or "no detail"
                raise DeliveryError(f"apprise {service}: {hide_secrets(reasons)}")


# --- registry ---------------------------------------------------------------------------------

CHANNEL_KINDS: dict[str, type[Channel]] = {
    channel.kind: channel for channel in (FileChannel, EmailChannel, WebhookChannel, AppriseChannel)
}


def build_channels(config: dict[str, dict] | None, base_dir: Path) -> dict[str, Channel]:
    """Channels from the watchlist's `channels:` mapping; relative paths are from `base_dir`."""
    channels: dict[str, Channel] = {}
    for name, settings in (config or {}).items():
        if not isinstance(name, str) or not name.strip():
            raise WatchlistError(f"channel name {name!r} must be a non-empty string")
        if not isinstance(settings, dict):
            raise WatchlistError(f"channel '{name}': must be a mapping with a 'kind' field")
        kind = settings.get("kind")
        if kind not in CHANNEL_KINDS:
            choices = ", ".join(sorted(CHANNEL_KINDS))
            problem = "is required" if kind is None else f"'{kind}' is unknown"
            raise WatchlistError(f"channel '{name}': field 'kind' {problem} (one of: {choices})")
        channels[name] = CHANNEL_KINDS[kind].from_config(name, settings, Path(base_dir))
    return channels
