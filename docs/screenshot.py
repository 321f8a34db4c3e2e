"""Make docs/web-view.png: the web view's page of one demo policy, as Chromium shows it.

Runs the demo into a temporary folder, serves it with `policy-monitor serve` on a free loopback
port and photographs /policies/tienda with Debian's Chromium through Playwright (as the tests
do). Run from the repository: `.venv/bin/python docs/screenshot.py`.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

OUTPUT = Path(__file__).with_name("web-view.png")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="policy-monitor-screenshot-"))
    subprocess.run([sys.executable, "-m", "monitor", "demo", "--dir", str(folder), "--json"], check=True,
                   stdout=subprocess.DEVNULL)
    server = subprocess.Popen([sys.executable, "-m", "monitor", "serve", "--port", "0", "--json",
                               "--watchlist", str(folder / "watchlist.yaml")], stdout=subprocess.PIPE, text=True)
    try:
        base = json.loads(server.stdout.readline())["url"]
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1000, "height": 1150})
            page.goto(base + "policies/tienda")
            page.screenshot(path=str(OUTPUT))
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=15)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
