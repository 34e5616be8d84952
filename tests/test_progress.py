"""What an edition build shows while it runs (layout.app.progress): in a log (a stream that is no
terminal) one plain line per page as it finishes, verbatim; with `quiet` only the failures and a failed
edition's summary; on a terminal a live table of the pages under a bar of the pages done."""

from __future__ import annotations

import io
import re

from layout.app.progress import Progress

PAGES = [(1, "要闻"), (4, "社会"), (12, "[广告]")]


def test_a_log_gets_one_verbatim_line_per_finished_page_in_the_order_they_finish():
    log = io.StringIO()
    p = Progress(PAGES, "样报 2021-01-19 第1期", stream=log)
    p.update(1, "queued")
    p.update(4, "waiting", "for page 1")
    p.update(1, "building")
    assert log.getvalue() == ""  # a page that has not finished says nothing in a log
    p.update(12, "built", "2.31 s, 1 warning(s)")
    p.update(1, "FAILED", "p01.yaml:3:5 stories[0].color: [red] is not a colour (hint: [/b] or #ff0000)")
    p.update(4, "unchanged")
    p.close(["edition 样报: 2 of 3 page(s) ready", "  failed: page 1 要闻 [bold]x[/bold]"], True)
    assert log.getvalue().splitlines() == [
        "[1/3] built     第12版 [广告]  2.31 s, 1 warning(s)",
        "[2/3] FAILED    第1版 要闻  p01.yaml:3:5 stories[0].color: [red] is not a colour (hint: [/b] or #ff0000)",
        "[3/3] unchanged 第4版 社会  ",
        "edition 样报: 2 of 3 page(s) ready",
        "  failed: page 1 要闻 [bold]x[/bold]",
    ]


def test_a_log_of_a_larger_edition_pads_the_count():
    log = io.StringIO()
    pages = [(n, "版") for n in range(1, 13)]
    p = Progress(pages, "t", stream=log)
    p.update(3, "built", "1.00 s")
    assert log.getvalue() == "[ 1/12] built     第3版 版  1.00 s\n"


def test_quiet_prints_only_the_failures_and_a_failed_editions_summary():
    log = io.StringIO()
    p = Progress(PAGES, "t", quiet=True, stream=log)
    p.update(1, "built", "1.00 s")
    p.update(4, "unchanged")
    p.update(12, "FAILED", "bad page")
    p.close(["summary", "  failed: page 12"], True)
    assert log.getvalue().splitlines() == ["[3/3] FAILED    第12版 [广告]  bad page", "summary", "  failed: page 12"]
    log = io.StringIO()
    p = Progress(PAGES, "t", quiet=True, stream=log)
    for n, _ in PAGES:
        p.update(n, "built", "1.00 s")
    p.close(["summary"], False)
    assert log.getvalue() == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_shows_a_table_of_the_pages_under_a_bar_of_those_done(monkeypatch):
    monkeypatch.setenv("TERM", "dumb")  # no colours, no cursor moves: the final table as plain text
    for name in ("COLORTERM", "FORCE_COLOR", "NO_COLOR", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    screen = _Terminal()
    p = Progress(PAGES[:2], "样报 2021-01-19 第1期", stream=screen)
    p.update(4, "waiting", "for page 1")
    p.update(1, "built", "1.00 s")
    p.update(4, "building")
    p.close(["edition 样报: 2 of 2 page(s) ready"], False)
    text = screen.getvalue()
    assert "[1/2] built" not in text  # the table, not a log's lines
    rows = [line.rstrip() for line in text.splitlines()]
    assert rows[0] == "样报 2021-01-19 第1期"
    assert re.match(r"^版\s+版名\s+state$", rows[1]), rows
    assert re.match(r"^1\s+要闻\s+built\s+1\.00 s$", rows[2]), rows
    assert re.match(r"^4\s+社会\s+building$", rows[3]), rows
    # a bar of 40 cells, half of it done, then the count and the time so far
    bar = re.match(r"^(━*)1/2 pages  \d+\.\d s$", rows[4])
    assert bar and len(bar.group(1)) == 20, rows
    assert rows[5] == "edition 样报: 2 of 2 page(s) ready"
