"""What an edition build shows while it runs: every page's state, and a bar for the edition (rich).

On a terminal a live table — one row per page: number, 版名, state (waiting for page N, queued,
building, built, unchanged, FAILED), seconds or the error — under a progress bar of the pages done.
Elsewhere (a log, CI, a pipe) one plain line per page as it finishes, in the order they finish. The
summary is printed at the end either way; with `quiet` only failures and the summary of a failed
edition are printed.
"""

from __future__ import annotations

import sys
import time

DONE = ("built", "unchanged", "FAILED")
STYLES = {"waiting": "dim", "queued": "", "building": "cyan", "built": "green", "unchanged": "green",
          "FAILED": "bold red"}


class Progress:
    def __init__(self, pages: list[tuple[int, str]], title: str, quiet: bool = False, stream=None):
        from rich.console import Console

        self.console = Console(file=stream or sys.stderr, highlight=False, soft_wrap=True)
        self.pages = pages
        self.title = title
        self.quiet = quiet
        self.state = {n: ("queued", "") for n, _ in pages}
        self.done = 0
        self.t0 = time.perf_counter()
        self.live = None
        if self.console.is_terminal and not quiet:
            from rich.live import Live

            self.live = Live(self._render(), console=self.console, refresh_per_second=8, transient=False)
            self.live.start()

    def update(self, number: int, state: str, detail: str = "") -> None:
        self.state[number] = (state, detail)
        if state in DONE:
            self.done += 1
            if self.live is None and not (self.quiet and state != "FAILED"):
                name = dict(self.pages)[number]
                w = len(str(len(self.pages)))
                self.console.print(f"[{self.done:>{w}}/{len(self.pages)}] {state:<9} 第{number}版 {name}  {detail}",
                                   markup=False)
        if self.live is not None:
            self.live.update(self._render())

    def _render(self):
        from rich.console import Group
        from rich.progress_bar import ProgressBar
        from rich.table import Table

        table = Table(title=self.title, title_justify="left", box=None, pad_edge=False)
        for col in ("版", "版名", "state", ""):
            table.add_column(col)
        for n, name in self.pages:
            state, detail = self.state[n]
            table.add_row(str(n), name, f"[{STYLES[state]}]{state}[/]" if STYLES[state] else state, detail)
        total = len(self.pages)
        bar = ProgressBar(total=total, completed=self.done, width=40)
        line = f"{self.done}/{total} pages  {time.perf_counter() - self.t0:.1f} s"
        return Group(table, bar, line)

    def close(self, lines: list[str], failed: bool) -> None:
        if self.live is not None:
            self.live.update(self._render())
            self.live.stop()
        if failed or not self.quiet:
            for line in lines:
                self.console.print(line, markup=False)
