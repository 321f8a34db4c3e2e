"""What each part imports: layers point one way, start-up stays lean, nothing rewrites the import system."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("basics", "store", "alerts", "monitor")
LOWER = {"basics": set(), "store": {"basics"}, "alerts": {"basics", "store"}}
"""What each lower layer may import of the project; `monitor` may import them all."""


def imported_names(path: Path) -> set[str]:
    """Top-level names of every module `path` imports (at any depth, under TYPE_CHECKING too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def loaded_after(statements: str, modules: tuple[str, ...]) -> dict[str, bool]:
    probe = f"import json, sys\n{statements}\nprint(json.dumps({{m: m in sys.modules for m in {modules!r}}}))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_store_and_alerts_import_nothing_from_the_layers_above():
    for package, allowed in LOWER.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            project = imported_names(path) & set(PACKAGES)
            assert project <= allowed | {package}, f"{path.relative_to(ROOT)} imports {sorted(project - allowed - {package})}"


def test_no_product_module_rewrites_the_import_path_or_the_module_table():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            assert "sys.path" not in text and "sys.modules" not in text, path.relative_to(ROOT)


def test_reading_the_watchlist_and_the_store_loads_neither_numpy_nor_httpx():
    loaded = loaded_after("import store, alerts, monitor.watchlist, monitor.cli.output", ("numpy", "httpx"))
    assert loaded == {"numpy": False, "httpx": False}


def test_the_command_line_starts_without_rich_or_asyncio():
    loaded = loaded_after("from monitor.cli import build_parser\nbuild_parser()", ("rich.console", "asyncio"))
    assert loaded == {"rich.console": False, "asyncio": False}


def test_check_and_demo_do_without_the_scheduler():
    loaded = loaded_after("import monitor.pipeline, monitor.demo, monitor.cli.check, monitor.cli.demo", ("apscheduler",))
    assert loaded == {"apscheduler": False}


def test_only_serve_loads_the_web_libraries():
    modules = ("starlette", "uvicorn", "jinja2", "feedgen")
    loaded = loaded_after("from monitor.cli import build_parser\nbuild_parser()\nimport monitor.overview", modules)
    assert loaded == dict.fromkeys(modules, False)
