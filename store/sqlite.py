"""sqlite-utils, loaded without numpy and pandas.

sqlite-utils imports numpy and pandas whenever they are installed, only to map their scalar types
to column types. policy-monitor never stores such values, and numpy (installed for py3langid's
model) costs 60-90 ms at every start of the CLI. Marking both absent while sqlite-utils loads
skips that; a later `import numpy` (py3langid loading its model) works as usual.
"""

from __future__ import annotations

import sys
from types import ModuleType

_NOT_NEEDED = ("numpy", "pandas")


def _load_sqlite_utils() -> ModuleType:
    hidden = [name for name in _NOT_NEEDED if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  (an ImportError for sqlite-utils)
    try:
        import sqlite_utils
    finally:
        for name in hidden:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
    return sqlite_utils


sqlite_utils = _load_sqlite_utils()
Database = sqlite_utils.Database
