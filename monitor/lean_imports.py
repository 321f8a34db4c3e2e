"""Two libraries, imported without optional parts policy-monitor never uses.

Import time is start-up time for every CLI command, and two of our dependencies load heavy
optional modules just because they happen to be installed:

- sqlite-utils imports numpy and pandas, only to map their scalar types to column types (we never
  store such values); numpy is installed for py3langid's model and costs 60-90 ms.
- httpx imports its own command-line client (`httpx._main`, which pulls in click, pygments and
  rich's console) whenever those are installed: another 60-70 ms.

Marking those modules absent while the library loads makes it take its "not installed" branch.
The marks are removed right after, so a later `import numpy` (py3langid loading its model) works
as usual.
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


sqlite_utils = import_without("sqlite_utils", ("numpy", "pandas"))
httpx = import_without("httpx", ("httpx._main",))
