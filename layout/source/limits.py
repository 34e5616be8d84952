"""How much a page file may hold: the one table of limits, each with its reason, and the checks that
refuse absurd input before any work is spent on it.

The schema table (`layout.source.schema`) names a limit beside the fields it bounds (`Field.limit`); the
builder refuses a text longer, or a list longer, than its limit as it reads the file — before the text
is normalised or set — with the one-line error naming file:line:col, the field, the figure and the
limit. What needs the template (the page's text against its type area) is `check_capacity`, run as
soon as the template is loaded. `tools/gen_docs.py` writes the table into docs/article-format.md.

The figures are generous for any real page and keep the work bounded: line breaking costs grow faster
than a paragraph's length (a paragraph is also set a line shorter and a line longer, `text.fit.
break_to_count`: 0.25 s for 5,000 characters, about 100 s and 12 GB for 200,000), and the module
search grows steeply with the items of a page and the size of its grid (bench/run.py measures the
first; the figures of the second, in the table, are CPU seconds on the test faces).
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.base.errors import InputError


@dataclass(frozen=True)
class Limit:
    """The most of something a page file may give, and why."""

    name: str  # what is counted, as the message says it: "a paragraph"
    most: int
    unit: str  # characters | items | bytes
    reason: str
    hint: str


FILE_BYTES = Limit(
    "the file", 1 << 20, "bytes",
    "a page, story or template file: a broadsheet page's text is about 40 kB of UTF-8; reading, checking and "
    "tidying a file is linear in its size, and 1 MiB is done in well under a second",
    "a page file holds one page; split the text over pages")
FILE_TEXT = Limit(
    "the file's text", 100_000, "characters",
    "nine times what the broadsheet's type area holds (10,816 characters): the bound on the time the "
    "normaliser and the composer can spend on one file",
    "a page file holds one page; split the text over pages")
PARAGRAPH = Limit(
    "a paragraph", 5_000, "characters",
    "a newspaper paragraph is 50–500 characters; the composer also sets each paragraph a line shorter and "
    "longer, at a cost that grows with the square of its length (0.25 s at 5,000 characters)",
    "break it into paragraphs")
CAPTION = Limit(
    "a caption", 1_000, "characters",
    "a 图说 is a few lines under its photo; a longer one cannot stand under any photo of the page",
    "shorten it, or give the text to the story")
BRIEF = Limit(
    "a 简讯 item", 2_000, "characters",
    "a 本报讯 item is 100–400 characters; a longer one is a story",
    "give it its own story item")
LINE = Limit(
    "a display line", 200, "characters",
    "a headline phrase, kicker, subtitle, heading, name or title is set on one to three lines; 200 "
    "characters fill three lines of the broadsheet's widest headline",
    "shorten it")
SIDEBAR_ITEM = Limit(
    "a sidebar entry", 500, "characters",
    "a 资料框 entry is one or two lines of the box",
    "shorten it, or give the text to the story")
ITEMS = Limit(
    "the page's items", 12, "items",
    "a page of several stories holds 3–10 (头条, 二条, shorts, 简讯, 导读); the module search grows steeply "
    "with them (CPU on the broadsheet, test faces: 12 items under 0.8 s, 16 up to 2.8 s, 24 up to 8.8 s)",
    "move stories to another page")
GRID_COLUMNS = Limit(
    "a template's basic columns", 12, "columns",
    "a 对开 page has 8, a 四开 6; the module search grows with the grid (12 items on 12 columns × 160 rows: "
    "up to 1.9 s of CPU, on 16 × 200: 3.5 s)",
    "use a grid of at most 12 columns")
GRID_ROWS = Limit(
    "a template's rows", 200, "rows",
    "a 对开 page has 104 lines of 小五; the module search grows with the grid (see the columns)",
    "use a larger line pitch")
PHOTOS = Limit(
    "the story's photos", 24, "items",
    "a 专版 or picture page shows up to about 20; the arrangement search grows with them",
    "drop photos, or make a second picture story")
BRIEFS = Limit(
    "the 简讯 block's items", 40, "items", "a 简讯 block holds 3–10 short items", "split the block")
POINTERS = Limit(
    "the 导读 box's pointers", 16, "items", "a 导读 box points to 3–8 stories", "point to fewer stories")
LIST = Limit(
    "a list", 500, "items",
    "sections, paragraphs, sidebar entries, credits: no page holds more; the bound on reading the file",
    "split the text over pages")
RESERVED = Limit(
    "the page's reserved areas", 8, "items", "a page holds one to three ad areas", "give fewer areas")
CAPACITY_FACTOR = 3  # × the template's type area, in characters: text beyond that cannot fit, even continued
CAPACITY = Limit(
    "the page's text", CAPACITY_FACTOR, "× its type area",
    "a page whose text is three times what its type area holds cannot be set on it even with stories "
    "continued (转版) on other pages; checked before any line is set",
    "cut the text, or move stories to another page")

TABLE = (FILE_BYTES, FILE_TEXT, PARAGRAPH, CAPTION, BRIEF, LINE, SIDEBAR_ITEM, ITEMS, PHOTOS, BRIEFS, POINTERS,
         LIST, RESERVED, CAPACITY, GRID_COLUMNS, GRID_ROWS)


def over(limit: Limit, count: int) -> str:
    """The message for `count` over `limit`: "a paragraph: 200,000 characters, at most 5,000"."""
    return f"{limit.name}: {count:,} {limit.unit}, at most {limit.most:,}"


def capacity_chars(t) -> int:
    """Characters the template's type area holds: its grid cells × characters per cell."""
    return t.columns * t.column_chars * t.rows


def check_capacity(page, t) -> None:
    """Refuse a page whose text is more than CAPACITY_FACTOR × what its type area holds, naming the item
    with the most text (the one to cut or move)."""
    from layout.source.texts import item_chars

    counts = [(item_chars(s), i) for i, s in enumerate(page.stories)]
    total = sum(n for n, _ in counts)
    cells = capacity_chars(t)
    if total <= CAPACITY_FACTOR * cells:
        return
    most, i = max(counts)
    item = page.stories[i]
    whose = f" — {item.id} has {most:,} of them" if len(counts) > 1 else ""
    raise InputError(
        f"the page's text is {total:,} characters; its type area holds about {cells:,} ({t.columns} columns × "
        f"{t.column_chars} characters × {t.rows} lines) and a page takes at most {CAPACITY_FACTOR} times that, "
        f"{CAPACITY_FACTOR * cells:,}, even with stories continued on other pages{whose}", item.where(),
        CAPACITY.hint)
