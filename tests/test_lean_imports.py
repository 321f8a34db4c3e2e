"""Start-up stays lean: the store and the fetcher load without numpy or httpx's own CLI, and
both remain importable afterwards for whoever needs them (py3langid loads numpy for its model)."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import store, monitor.fetch, alerts.delivery
loaded = {name: name in sys.modules for name in ("numpy", "pandas", "httpx._main")}
import numpy, httpx
print(json.dumps({"loaded": loaded, "numpy_after": hasattr(numpy, "array"), "httpx_client": hasattr(httpx, "AsyncClient")}))
"""


def test_store_and_fetcher_start_without_numpy_or_the_httpx_cli_which_stay_importable():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    report = json.loads(result.stdout)
    assert report["loaded"] == {"numpy": False, "pandas": False, "httpx._main": False}
    assert report["numpy_after"] and report["httpx_client"]


def test_the_command_line_starts_without_rich_or_asyncio():
    probe = ("import json, sys\nfrom monitor.cli import build_parser\nbuild_parser()\n"
             "print(json.dumps([name in sys.modules for name in ('rich.console', 'asyncio')]))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == [False, False]
