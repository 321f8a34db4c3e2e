"""Realistic policy pages and a fast local HTTP server for the benchmarks (loopback only).

Pages are built from the scraped policies in tests/fixtures/seeds: the seed's text becomes
headings, paragraphs and lists inside an <article>, wrapped in what real sites add around a
policy (cookie banner, header navigation, sidebar, footer, a stylesheet and inline scripts,
a big JSON state blob) until the page weighs about 40 KB. Every index gives a different page
(its own company name, a few paragraphs left out, its own script data).

The server is a small asyncio HTTP/1.1 server (keep-alive) that runs in its own process, so
its CPU time is not charged to the process being measured; it can add a fixed latency to every
response to stand in for a distant server. `/_control?edit_every=N` switches
every N-th page to an edited revision (a retention sentence added, a paragraph removed), so a
benchmark can simulate a round in which some policies changed; `edit_every=0` switches back.

With `noise` (the default), every response is different bytes, as real sites' are: a fresh nonce
on each script, a fresh CSRF token, and a fresh ~25 KB state blob in a JSON script (the way
Next.js pages carry theirs), so no "same bytes as last time" shortcut applies and every page
must be read to know whether its text changed. None of it is text a reader sees.
"""

from __future__ import annotations

import asyncio
import base64
import html
import multiprocessing
import os
import random
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "tests" / "fixtures" / "seeds"
PAGE_BYTES = 40_000
ARTICLE_BYTES = 26_000
"""At most this much of a page is the policy itself; the rest is site chrome and scripts."""
NOISE_BYTES = 25_000
"""The state blob each noisy response carries, fresh every time."""

RETENTION_SENTENCES = {
    "en": "We keep your personal data for 5 years after your last order, then delete it.",
    "fr": "Nous conservons vos données personnelles pendant 5 ans après votre dernière commande, puis nous les supprimons.",
    "ru": "Мы храним ваши персональные данные в течение 5 лет после вашего последнего заказа, а затем удаляем их.",
    "nl": "We bewaren uw persoonsgegevens gedurende 5 jaar na uw laatste bestelling en verwijderen ze daarna.",
    "cs": "Vaše osobní údaje uchováváme po dobu 5 let od vaší poslední objednávky a poté je smažeme.",
    "es": "Conservamos sus datos personales durante 5 años después de su último pedido y luego los eliminamos.",
    "de": "Wir speichern Ihre personenbezogenen Daten 5 Jahre nach Ihrer letzten Bestellung und löschen sie danach.",
}
BRANDS = ("Electrocloud", "Nordhaven", "Kestrel Labs", "Vinta", "Orbisoft", "Lumen & Co", "Tessera", "Quillon")
NAV_ITEMS = ("Home", "Products", "Solutions", "Pricing", "Customers", "Partners", "Developers", "Docs",
             "Blog", "Careers", "About us", "Press", "Support", "Status", "Contact", "Sign in")
BULLETS = ("·", "•", "-", "–", "*", "●")

CSS = (
    ":root{--brand:#0b5fff;--ink:#1d2330;--muted:#5b6473}body{margin:0;font:16px/1.6 system-ui,sans-serif;"
    "color:var(--ink)}.site-header{display:flex;gap:1rem;padding:1rem 2rem;border-bottom:1px solid #e5e7eb}"
    ".site-header nav a{color:var(--ink);text-decoration:none;margin-right:1rem}.layout{display:grid;"
    "grid-template-columns:260px 1fr;gap:2rem;max-width:1200px;margin:auto}.sidebar ul{list-style:none;"
    "padding:0}.sidebar a{color:var(--muted)}.policy h1{font-size:2.2rem}.policy h2{font-size:1.4rem;"
    "margin-top:2rem}.site-footer{background:#0f172a;color:#cbd5e1;padding:3rem 2rem}.site-footer a{"
    "color:#cbd5e1}.cookie-banner{position:fixed;bottom:0;left:0;right:0;background:#fff;box-shadow:0 -2px 8px "
    "rgba(0,0,0,.15);padding:1rem 2rem}@media (max-width:800px){.layout{grid-template-columns:1fr}.sidebar{"
    "display:none}}"
)
ANALYTICS = (
    "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());"
    "gtag('config','G-__TAG__',{anonymize_ip:true,cookie_flags:'SameSite=None;Secure'});"
    "(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':new Date().getTime(),event:'gtm.js'});"
    "var f=d.getElementsByTagName(s)[0],j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;"
    "j.src='https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);})"
    "(window,document,'script','dataLayer','GTM-__TAG__');"
    "document.addEventListener('DOMContentLoaded',function(){var b=document.getElementById('cookie-consent');"
    "if(localStorage.getItem('consent')){b.style.display='none'}b.querySelector('button').onclick=function(){"
    "localStorage.setItem('consent','1');b.style.display='none'}});"
)


@dataclass(frozen=True)
class Seed:
    """One scraped policy: its language and its text, one block per line."""

    name: str
    language: str
    blocks: tuple[str, ...]


def load_seeds(folder: Path = SEEDS_DIR) -> list[Seed]:
    """The seed policies, with their language detected by py3langid (a project dependency)."""
    import py3langid

    seeds = []
    for path in sorted(folder.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        blocks = tuple(line.strip() for line in text.splitlines() if line.strip())
        language = py3langid.classify(text)[0]
        seeds.append(Seed(path.stem, language, blocks))
    if not seeds:
        raise SystemExit(f"no seed policies in {folder}")
    return seeds


def _block_html(blocks: list[str]) -> list[str]:
    """Seed lines as HTML: short unpunctuated lines are headings, bullet lines are list items."""
    parts: list[str] = []
    items: list[str] = []
    for block in blocks:
        if block.startswith(BULLETS):
            items.append(f"<li>{html.escape(block.lstrip(''.join(BULLETS)).strip())}</li>")
            continue
        if items:
            parts.append("<ul>" + "".join(items) + "</ul>")
            items = []
        text = html.escape(block)
        if len(block) < 70 and not block.endswith((".", ":", ";", ",", "?", "!")):
            parts.append(f"<h2>{text}</h2>")
        else:
            parts.append(f"<p>{text}</p>")
    if items:
        parts.append("<ul>" + "".join(items) + "</ul>")
    return parts


def page_blocks(index: int, seed: Seed, edited: bool) -> list[str]:
    """The policy text of page `index`: the seed minus a few paragraphs, maybe edited."""
    rng = random.Random(index)
    blocks = [b for position, b in enumerate(seed.blocks) if position < 3 or rng.random() > 0.05]
    if edited:
        blocks.insert(min(4, len(blocks)), RETENTION_SENTENCES.get(seed.language, RETENTION_SENTENCES["en"]))
        long_blocks = [p for p, b in enumerate(blocks) if len(b) > 120 and p > 5]
        if long_blocks:
            del blocks[long_blocks[len(long_blocks) // 2]]
    return blocks


def _letters(number: int) -> str:
    """A number spelt in letters ('Bc'), so that company names never look like HTTP status codes."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
        if not number:
            return word.capitalize()


def _links(rng: random.Random, count: int, prefix: str) -> str:
    return "".join(
        f'<li><a href="/{prefix}/{rng.choice(NAV_ITEMS).lower().replace(" ", "-")}-{n}?utm_source=site">'
        f"{rng.choice(NAV_ITEMS)}</a></li>"
        for n in range(count)
    )


def policy_page(
    index: int, seeds: list[Seed], edited: bool = False, size: int = PAGE_BYTES, article_bytes: int = ARTICLE_BYTES
) -> bytes:
    """Page `index` as UTF-8 HTML of about `size` bytes (never less, at most ~200 bytes more).

    The policy takes at most `article_bytes` of it (less when the seed is short).
    """
    seed = seeds[index % len(seeds)]
    rng = random.Random(index * 7919 + 17)
    company = f"{rng.choice(BRANDS)} {_letters(index)}"
    blocks = page_blocks(index, seed, edited)
    title = html.escape(blocks[0])
    article: list[str] = [f"<h1>{title} - {html.escape(company)}</h1>"]
    used = len(article[0])
    for part in _block_html(blocks[1:]):
        used += len(part.encode("utf-8"))
        if used > article_bytes:
            break
        article.append(part)
    tag = f"{rng.getrandbits(40):010X}"
    head = (
        f'<!DOCTYPE html><html lang="{seed.language}"><head><meta charset="utf-8">'
        f"<title>{title} | {html.escape(company)}</title>"
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<link rel="stylesheet" href="/static/site.{tag.lower()}.css"><style>{CSS}</style>'
        f"<script>{ANALYTICS.replace('__TAG__', tag)}</script></head><body>"
    )
    chrome_top = (
        '<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience. '
        '<a href="/cookies">Learn more</a></p><button type="button">Accept all</button></div>'
        f'<header class="site-header"><a class="logo" href="/">{html.escape(company)}</a>'
        f'<nav aria-label="Main"><ul>{_links(rng, 14, "nav")}</ul></nav></header>'
        '<div class="layout"><aside class="sidebar"><h3>Legal</h3>'
        f"<ul>{_links(rng, 12, 'legal')}</ul></aside><main>"
        f'<article class="policy">{"".join(article)}</article></main></div>'
    )
    columns = "".join(f'<div class="col"><h4>{rng.choice(NAV_ITEMS)}</h4><ul>{_links(rng, 8, "f")}</ul></div>'
                      for _ in range(4))
    footer = (
        f'<footer class="site-footer">{columns}<p>&copy; 2024 {html.escape(company)}. All rights reserved.</p>'
        "</footer>"
    )
    tail_open = '<script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"items":['
    tail_close = ']}},"page":"/privacy","buildId":"' + tag.lower() + '"}</script>' \
        '<script src="/static/chunks/main.js" defer></script></body></html>'
    document = head + chrome_top + footer
    room = size - len(document.encode("utf-8")) - len(tail_open) - len(tail_close)
    items = []
    while room > 0:
        item = (f'{{"id":"{rng.getrandbits(64):016x}","sku":"P-{rng.randrange(10**6):06d}",'
                f'"price":{rng.randrange(100, 99_999) / 100},"tags":["{rng.choice(NAV_ITEMS)}"]}}')
        items.append(item)
        room -= len(item) + 1
    return (document + tail_open + ",".join(items) + tail_close).encode("utf-8")


def with_noise(page: bytes) -> bytes:
    """The page as one response of a real site: a fresh nonce on its scripts, a fresh CSRF token and
    a fresh ~25 KB state blob (a JSON script, as Next.js pages carry theirs), so no two responses
    are the same bytes, while no reader sees any of it."""
    nonce = os.urandom(12).hex().encode()
    token = os.urandom(24).hex()
    state = base64.b64encode(os.urandom(NOISE_BYTES * 3 // 4)).decode()
    extra = (f'<input type="hidden" name="csrf_token" value="{token}">'
             f'<script id="__STATE__" type="application/json">{{"session":"{token}","state":"{state}"}}</script>'
             ).encode()
    return page.replace(b"<script", b'<script nonce="' + nonce + b'"').replace(b"</body>", extra + b"</body>")


class _Site:
    """The pages, pre-rendered (as full HTTP responses without noise), and which revision is served."""

    def __init__(self, count: int, seeds: list[Seed], noise: bool = True) -> None:
        self.count, self.seeds, self.noise = count, seeds, noise
        self.original = [self._page(policy_page(i, seeds)) for i in range(count)]
        self.edited: dict[int, bytes] = {}
        self.edit_every = 0

    def _page(self, body: bytes) -> bytes:
        return body if self.noise else self._response(200, body)

    @staticmethod
    def _response(status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
        reason = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}[status]
        head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n")
        return head.encode("ascii") + body

    def set_edit_every(self, every: int) -> None:
        self.edit_every = every
        if every:
            for index in range(0, self.count, every):
                if index not in self.edited:
                    self.edited[index] = self._page(policy_page(index, self.seeds, edited=True))

    def respond(self, method: bytes, target: bytes) -> bytes:
        if method not in (b"GET", b"HEAD"):
            return self._response(405, b"method not allowed\n", "text/plain")
        parts = urlsplit(target.decode("latin-1"))
        response = self._response(404, b"not found\n", "text/plain")
        if parts.path == "/_control":
            every = int(parse_qs(parts.query).get("edit_every", ["0"])[0])
            self.set_edit_every(every)
            response = self._response(200, f"edit_every={every}\n".encode(), "text/plain")
        elif parts.path.startswith("/policy/"):
            number = parts.path.removeprefix("/policy/")
            if number.isdigit() and int(number) < self.count:
                index = int(number)
                edited = self.edit_every and index % self.edit_every == 0
                response = self.edited[index] if edited else self.original[index]
                if self.noise:
                    response = self._response(200, with_noise(response))
        if method == b"HEAD":
            return response.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n"
        return response


class _HttpProtocol(asyncio.Protocol):
    """Just enough HTTP/1.1 for GET/HEAD with keep-alive and pipelining (no request bodies)."""

    def __init__(self, site: _Site, latency: float) -> None:
        self.site, self.latency = site, latency
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            request_line = head.split(b"\r\n", 1)[0].split()
            if len(request_line) < 2:
                self.transport.close()
                return
            response = self.site.respond(request_line[0], request_line[1])
            close = b"\r\nconnection: close" in head.lower()
            if self.latency:
                asyncio.get_running_loop().call_later(self.latency, self._send, response, close)
            else:
                self._send(response, close)
            if close:
                return

    def _send(self, response: bytes, close: bool) -> None:
        assert self.transport is not None
        if self.transport.is_closing():
            return
        self.transport.write(response)
        if close:
            self.transport.close()


def _serve(count: int, latency: float, noise: bool, ready: Connection) -> None:
    site = _Site(count, load_seeds(), noise)

    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(
            lambda: _HttpProtocol(site, latency), "127.0.0.1", 0, backlog=1024
        )
        ready.send(server.sockets[0].getsockname()[1])
        ready.close()
        await server.serve_forever()

    asyncio.run(main())


class PolicyServer:
    """`with PolicyServer(1000) as server:` serves /policy/0..999 at `server.base_url`.

    `latency` (seconds) delays every response, like a distant server's time to first byte;
    `noise` makes every response fresh bytes (`with_noise`).
    """

    def __init__(self, count: int, latency: float = 0.0, noise: bool = True) -> None:
        self.count, self.latency, self.noise = count, latency, noise
        self.port = 0
        self._process: multiprocessing.Process | None = None

    def __enter__(self) -> PolicyServer:
        receiver, sender = multiprocessing.Pipe(duplex=False)
        self._process = multiprocessing.Process(target=_serve, args=(self.count, self.latency, self.noise, sender),
                                                daemon=True)
        self._process.start()
        sender.close()
        if not receiver.poll(120):
            self.__exit__()
            raise RuntimeError("the benchmark server did not start within 120 s")
        self.port = receiver.recv()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.join(10)
            self._process = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, index: int) -> str:
        return f"{self.base_url}/policy/{index}"

    def edit_every(self, every: int) -> None:
        """Serve the edited revision of every `every`-th page from now on (0: the originals)."""
        import httpx

        httpx.get(f"{self.base_url}/_control", params={"edit_every": every}, timeout=60).raise_for_status()
