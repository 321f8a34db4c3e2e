"""A library imported without optional parts policy-monitor never uses.

Import time is start-up time for every CLI command, and a dependency loads heavy optional
modules just because they happen to be installed:

- httpx imports its own command-line client (`httpx._main`, which pulls in click, pygments and
  rich's console) whenever those are installed: another 60-70 ms.

Marking those modules absent while the library loads makes it take its "not installed" branch.
The marks are removed right after.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType


def import_without(name: str, unneeded: tuple[str, ...]) -> ModuleType:
    """Import module `name` as if the `unneeded` modules were not installed."""
    if name in sys.modules:
        return sys.modules[name]
    hidden = [module for module in unneeded if module not in sys.modules]
    for module in hidden:
        sys.modules[module] = None  # type: ignore[assignment]  (an ImportError for the importer)
    try:
        return importlib.import_module(name)
    finally:
        for module in hidden:
            if module in sys.modules and sys.modules[module] is None:
                del sys.modules[module]


httpx = import_without("httpx", ("httpx._main",))
