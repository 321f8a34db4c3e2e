"""`policy-monitor demo`: the whole product, offline, in well under a minute.

Three bundled sample policies (a Spanish shop and a Russian shop, both real scraped policies, and
a short English app policy) are served from 127.0.0.1 by a tiny threaded web server that wraps
them in a noisy page (session tokens, cookie banner, a sidebar that changes on every request, as
real shops do). The demo then edits them the way companies do and checks them through the real
pipeline after each step:

1. only noise changes (new tokens, another cookie banner, other sidebar items) → no alert;
2. the retention period is extended (1 año → 3 años, 12 → 36 months) → alerts;
3. a new transfer country appears (Estados Unidos / the United States) → alerts.

It finishes with the alerts as the file channel wrote them, one policy's history, a diff, and the
exact commands to explore the same data further.
"""

from __future__ import annotations

import asyncio
import html
import json
import random
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from basics.errors import UsageError

SIDEBAR_ITEMS = (
    "CNC Router 6090", "Fiber Laser 30W", "Spindle Motor 2.2kW", "Water Chiller CW-5200",
    "Servo Driver A6", "Rotary Axis 80mm", "Laser Cutter X3", "ATC Spindle 9kW",
)
COOKIE_TEXTS = (
    "We use cookies to improve your experience.",
    "This site uses cookies. By continuing you accept them.",
    "Cookies help us deliver our services. Manage your preferences.",
)


@dataclass
class SamplePolicy:
    """One bundled policy: where it is served and its current article HTML."""

    name: str
    path: str
    site: str
    title: str
    lang: str
    article: str


def _data(name: str) -> str:
    return resources.files("monitor").joinpath("demo_data", name).read_text(encoding="utf-8")


def load_samples() -> list[SamplePolicy]:
    """The bundled sample policies in their first version."""
    return [
        SamplePolicy("tienda", "/tienda/politica-de-privacidad", "tienda", "Política de privacidad", "es",
                     _data("es_tienda.html")),
        SamplePolicy("magazin", "/magazin/privacy", "magazin", "Политика конфиденциальности", "ru",
                     _data("ru_magazin.html")),
        SamplePolicy("northwind", "/northwind/privacy", "Northwind Notes", "Privacy Policy", "en",
                     _data("en_notes.html")),
    ]


@dataclass
class Step:
    """One round of edits to the sample pages, then one check of every policy."""

    title: str
    explanation: str
    edits: dict[str, list[tuple[str, str]]]
    noise_round: int


STEPS = (
    Step("First look", "Every policy is fetched once: this is the baseline version.", {}, 0),
    Step(
        "Only noise changed",
        "New session tokens, another cookie banner and other sidebar items: the policy text is the same.",
        {}, 1,
    ),
    Step(
        "Retention extended",
        "tienda keeps data 3 years instead of 1, magazin 5 years instead of 3, northwind keeps usage "
        "data 36 months instead of 12.",
        {
            "magazin": [
                ("мы будем хранить вашу информацию дляк 3\u00a0годы.", "мы будем хранить вашу информацию в течение 5 лет."),
            ],
            "tienda": [
                ("conservaremos tu información durante 1 año.", "conservaremos tu información durante 3 años."),
                ("Última actualización: 3 de marzo de 2024", "Última actualización: 9 de septiembre de 2025"),
            ],
            "northwind": [
                ("Usage data and crash reports are kept for 12 months.",
                 "Usage data and crash reports are kept for 36 months."),
                ("Last updated: 12 February 2025", "Last updated: 1 September 2025"),
            ],
        },
        2,
    ),
    Step(
        "New transfer country",
        "tienda and northwind now send personal data to the United States as well; magazin stays as it was.",
        {
            "tienda": [
                ("nuestros proveedores de servicios en China o Singapur.",
                 "nuestros proveedores de servicios en China, Singapur o Estados Unidos."),
            ],
            "northwind": [
                ("Your data is stored on servers in Ireland and Germany.",
                 "Your data is stored on servers in Ireland, Germany and the United States."),
            ],
        },
        0,
    ),
)


class DemoSite:
    """The sample policies on http://127.0.0.1:<free port>/, noisy like real shop pages."""

    def __init__(self, samples: list[SamplePolicy]) -> None:
        self.samples = {sample.path: sample for sample in samples}
        self.noise_round = 0
        self._shell = Template(_data("page.html"))
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="demo-site", daemon=True)

    def __enter__(self) -> DemoSite:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, sample: SamplePolicy) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{sample.path}"

    def edit(self, name: str, old: str, new: str) -> None:
        with self._lock:
            sample = next(s for s in self.samples.values() if s.name == name)
            if old not in sample.article:
                raise RuntimeError(f"demo data of {name} lacks the text to edit: {old[:40]!r}")
            sample.article = sample.article.replace(old, new)

    def render(self, path: str) -> bytes | None:
        with self._lock:
            sample = self.samples.get(path)
            if sample is None:
                return None
            rng = random.Random(self.noise_round * 7919 + len(path))
            items = rng.sample(SIDEBAR_ITEMS, 4)
            sidebar = "".join(
                f'<li><a href="/p/{rng.randrange(1000, 9999)}">{html.escape(item)}</a> '
                f'<span class="price">${rng.randrange(900, 9999)}</span></li>'
                for item in items
            )
            page = self._shell.substitute(
                lang=sample.lang, title=html.escape(sample.title), site=html.escape(sample.site),
                token=secrets.token_hex(16), build=rng.randrange(10, 999),
                cookie_text=COOKIE_TEXTS[self.noise_round % len(COOKIE_TEXTS)],
                article=sample.article, sidebar=sidebar, render_ms=random.randrange(20, 900),
            )
        return page.encode("utf-8")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                body = site.render(self.path.split("?", 1)[0])
                status = 200 if body is not None else 404
                body = body if body is not None else b"not found"
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        return Handler


WATCHLIST_TEMPLATE = """\
# policy-monitor demo watchlist (written by `policy-monitor demo`).
# The pages are served by the demo itself on 127.0.0.1 and are gone once it exits.
settings:
  database: demo.db
  confirm_delay: 0     # the demo does not wait before confirming a change
  timeout: 5
  retries: 0
channels:
  inbox:
    kind: file         # appends to alerts/alerts.md and alerts/alerts.jsonl
    path: alerts
defaults:
  every: 1d
  alerts: [inbox]
policies:
$entries"""


def write_watchlist(folder: Path, site: DemoSite, samples: list[SamplePolicy]) -> Path:
    entries = "".join(
        f"  - name: {sample.name}\n    url: {site.url(sample)}\n    language: {sample.lang}\n"
        for sample in samples
    )
    path = folder / "watchlist.yaml"
    path.write_text(Template(WATCHLIST_TEMPLATE).substitute(entries=entries), encoding="utf-8")
    return path


def _prepare_folder(folder: Path | None) -> Path:
    if folder is None:
        return Path(tempfile.mkdtemp(prefix="policy-monitor-demo-"))
    folder = Path(folder).expanduser()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"--dir {folder}: exists and is not a folder")
    if (folder / "watchlist.yaml").exists() or (folder / "demo.db").exists():
        raise UsageError(f"--dir {folder}: already holds a watchlist or demo database; pick an empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def run_demo(folder: Path | None = None, as_json: bool = False) -> int:
    """Run the guided demo; returns the exit code. Prints with rich (or one JSON document)."""
    from rich.console import Console
    from rich.text import Text

    from monitor.overview import outcome_label
    from monitor.pipeline import check_and_deliver
    from monitor.watchlist import load_watchlist

    console = Console()
    say = (lambda *a, **k: None) if as_json else console.print
    started = time.monotonic()
    folder = _prepare_folder(folder)
    samples = load_samples()
    summary: dict[str, Any] = {"folder": str(folder), "steps": []}

    with DemoSite(samples) as site:
        watchlist_path = write_watchlist(folder, site, samples)
        watchlist = load_watchlist(watchlist_path)
        summary["watchlist"] = str(watchlist_path)
        say(f"[bold]policy-monitor demo[/] in [cyan]{folder}[/]")
        say(f"Serving {len(samples)} sample policies on {site.url(samples[0]).rsplit('/', 2)[0]}/ "
            f"({', '.join(f'{s.name} ({s.lang})' for s in samples)})\n")

        for number, step in enumerate(STEPS, 1):
            for name, edits in step.edits.items():
                for old, new in edits:
                    site.edit(name, old, new)
            site.noise_round = step.noise_round
            outcomes, report = asyncio.run(check_and_deliver(watchlist))
            say(f"[bold]{number}. {step.title}[/] — {step.explanation}")
            step_summary: dict[str, Any] = {"title": step.title, "outcomes": [], "delivered": report.delivered}
            for outcome in outcomes:
                described = outcome.to_json()
                step_summary["outcomes"].append(described)
                material = [change for change in described.get("changes", []) if change.get("material")]
                label = outcome_label(outcome.outcome, outcome.error, outcome.version_seq if outcome.new_version else None)
                style = "bold red" if material else ("green" if label == "unchanged" else "default")
                say(Text.assemble(f"   {described.get('policy', '?'):<10} ", (label, style)))
                for change in material:
                    say(Text(f"      [{change['severity']}] {change['category']}: {change['summary']}"))
            if report.delivered:
                noun = "alert" if report.delivered == 1 else "alerts"
                say(f"   → {report.delivered} {noun} delivered to the file channel")
            say("")
            summary["steps"].append(step_summary)

    alerts_file = folder / "alerts" / "alerts.jsonl"
    alerts = [json.loads(line) for line in alerts_file.read_text(encoding="utf-8").splitlines()] if alerts_file.exists() else []
    summary["alerts"] = alerts
    if as_json:
        summary["seconds"] = round(time.monotonic() - started, 1)
        console.print_json(json.dumps(summary, ensure_ascii=False))
        return 0
    _show_results(console, watchlist, alerts, folder)
    console.print(f"[dim]demo finished in {time.monotonic() - started:.1f} s[/]")
    return 0


def _show_results(console: Any, watchlist: Any, alerts: list[dict[str, Any]], folder: Path) -> None:
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    from monitor.overview import values_in_words
    from monitor.textdiff import diff_texts, render_rich
    from monitor.watchlist import database_path
    from store import Store

    console.rule("Alerts (from alerts/alerts.jsonl, as the file channel wrote them)")
    if not alerts:
        console.print("no alerts were delivered")
    for alert in alerts:
        body = Text(alert["title"], style="bold")
        for change in alert.get("changes", []):
            body.append(f"\n• {change.get('summary') or change.get('category', '')}", style="default")
            if change.get("old_values") or change.get("new_values"):
                category = change.get("category", "")
                old_values = ", ".join(values_in_words(category, change.get("old_values") or [])) or "none"
                new_values = ", ".join(values_in_words(category, change.get("new_values") or [])) or "none"
                body.append(f"  ({category}: {old_values} → {new_values})", style="dim")
        if alert.get("diff_command"):
            body.append(f"\nSee the diff: {alert['diff_command']}", style="dim")
        console.print(Panel(body, title=Text(f"{alert['policy']} · {alert['severity']}"), title_align="left",
                            border_style="red" if alert["severity"] == "high" else "yellow"))

    with Store(database_path(watchlist)) as store:
        policy_id = store.policy_id("tienda")
        versions = store.versions(policy_id) if policy_id is not None else []
        console.rule("History of tienda")
        table = Table(box=None, header_style="bold")
        table.add_column("version", justify="right")
        table.add_column("first seen", no_wrap=True)
        table.add_column("material")
        table.add_column("summary", ratio=1)
        for version in versions:
            table.add_row(str(version.seq), version.first_seen.replace("T", " ")[:16],
                          {True: "yes", False: "no"}.get(version.material, ""), Text(version.summary or ""))
        console.print(table)
        if len(versions) >= 2:
            first, last = store.get_version(policy_id, versions[0].seq), store.get_version(policy_id, versions[-1].seq)
            console.rule(f"Diff of tienda, version {first.seq} → {last.seq}")
            console.print(render_rich(diff_texts(first.text, last.text)))

    watchlist_arg = f"--watchlist {folder / 'watchlist.yaml'}"
    console.rule("Try next")
    console.print(
        "The sample pages are gone with the demo, but its database and alerts are kept:\n"
        f"  policy-monitor {watchlist_arg} alerts\n"
        f"  policy-monitor {watchlist_arg} history tienda\n"
        f"  policy-monitor {watchlist_arg} changes\n"
        f"  policy-monitor {watchlist_arg} diff tienda 1 2\n"
        f"  policy-monitor {watchlist_arg} facts northwind\n"
        f"  policy-monitor {watchlist_arg} serve      # the same in a web browser, with Atom feeds\n"
        f"  cat {folder / 'alerts' / 'alerts.md'}\n"
        "Then watch real policies:\n"
        "  policy-monitor add https://example.com/privacy --name example\n"
        "  policy-monitor run",
        highlight=False, soft_wrap=True,
    )
