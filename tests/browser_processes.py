"""Finding every process of the browser a policy-monitor process started, to check none is left.

Chromium's main process (and the crash handlers it re-parents to init) carry `OWNER_ENV` in their
environment; the zygotes, renderers and utility processes it forks do not (Chromium starts them
with an environment of its own), but they stay in the main process's process group, which
Playwright makes for it. So a `BrowserProcesses` remembers the groups it has seen, and finds the
rest by group even once the main process is gone.
"""

from __future__ import annotations

import os

import psutil

from monitor.browser import OWNER_ENV


class BrowserProcesses:
    """The browser processes of the process `owner` (a pid): `alive()` lists those still running."""

    def __init__(self, owner: int) -> None:
        self.owner = owner
        self.groups: set[int] = set()

    def alive(self) -> list[psutil.Process]:
        rows = self._scan()
        self.groups.update(group for _, marked, group in rows if marked)
        return [process for process, marked, group in rows if marked or group in self.groups]

    def _scan(self) -> list[tuple[psutil.Process, bool, int]]:
        """(process, carries the owner's mark, process group) of every live process."""
        rows = []
        for process in psutil.process_iter():
            try:
                if process.status() == psutil.STATUS_ZOMBIE:
                    continue
                rows.append((process, process.environ().get(OWNER_ENV) == str(self.owner), os.getpgid(process.pid)))
            except (psutil.Error, OSError):
                continue
        return rows

    def main(self) -> psutil.Process:
        """The browser's own process (not the shell script that may have started it, nor a child)."""
        (main,) = [p for p in self.alive() if self._is_main(p.cmdline())]
        return main

    @staticmethod
    def _is_main(arguments: list[str]) -> bool:
        return ("--remote-debugging-pipe" in arguments and os.path.basename(arguments[0]).startswith("chrom")
                and not any(argument.startswith("--type=") for argument in arguments))
