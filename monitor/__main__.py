"""`python -m monitor`: the same as the `policy-monitor` command.

`python -m` puts the current directory first on the import path, so a folder there named like one
of our packages (an `alerts/` archive next to the watchlist) or a file named like a standard module
would be imported instead. Python's answer is `-P` (3.11+), which leaves the current directory
out: without it, the command runs itself again with it (the `policy-monitor` script needs neither).
"""

import os
import sys

if sys.version_info >= (3, 11) and not sys.flags.safe_path:
    os.execv(sys.executable, [sys.executable, "-P", *sys.orig_argv[1:]])

from monitor.cli import main  # noqa: E402

raise SystemExit(main())
