"""`python -m monitor`: the same as the `policy-monitor` command."""

import os
import sys

# `python -m` puts the working directory first on the path; a folder there named like one of our
# packages (an `alerts/` archive next to the watchlist) must not shadow the installed package.
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())] + [os.getcwd()]

from monitor.cli import main  # noqa: E402

raise SystemExit(main())
