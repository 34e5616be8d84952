"""Body text threading: a stream of set paragraphs and subheads through a chain of column regions.

Pure and cheap, because copyfit calls it for many candidate arrangements. The stream is a
tuple of `Para` (a count of set lines) and `Subhead` (a block of whole grid rows that must be
followed by at least `keep_lines` body lines in the same region — no 背题, clreq
#handling_of_new_retros, typography.md §3.4). `flow` never moves a shared cursor: it returns
where each piece went and what did not fit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Para:
    """A paragraph in the text stream, as a number of lines."""

    lines: int
    key: str  # field path of the paragraph, for findings


@dataclass(frozen=True)
class Subhead:
    """A subhead in the text stream: its rows and the lines that must follow it in the same column."""

    rows: int
    key: str
    keep_lines: int = 2


@dataclass(frozen=True)
class Region:
    """One column's free run of rows: [row, row + rows) in body column `col`."""

    col: int
    row: int
    rows: int


@dataclass(frozen=True)
class Slot:
    """Where a piece (or part of a paragraph) went: `count` rows from `row` in region `region`."""

    item: int  # index into the stream
    region: int
    row: int
    first: int  # first line of the paragraph in this slot (0 for subheads)
    count: int


@dataclass(frozen=True)
class Flow:
    """The text stream poured into the regions, and what went wrong (overflow, gaps, widows)."""

    slots: tuple[Slot, ...]
    overflow_lines: int  # stream lines (subhead rows included) that did not fit
    blank_rows: int  # rows left empty inside the chain (a subhead moved to avoid 背题)
    unused_rows: int  # rows left after the stream ended
    widows: int  # a paragraph's last line alone at the top of a region (孤行)
    orphans: int  # a paragraph's first line alone at the foot of a region
    stranded: tuple[str, ...] = ()  # subheads that could not be kept with their text

    @property
    def exact(self) -> bool:
        return self.overflow_lines == 0 and self.blank_rows == 0 and self.unused_rows == 0 and not self.stranded


def stream_rows(stream: tuple) -> int:
    return sum(p.lines if isinstance(p, Para) else p.rows for p in stream)


def flow(stream: tuple, regions: tuple[Region, ...]) -> Flow:
    slots: list[Slot] = []
    widows = orphans = blank = 0
    stranded: list[str] = []
    ri, used = 0, 0  # current region and rows used in it

    def room() -> int:
        return regions[ri].rows - used if ri < len(regions) else 0

    for i, piece in enumerate(stream):
        if isinstance(piece, Subhead):
            following = stream[i + 1].lines if i + 1 < len(stream) and isinstance(stream[i + 1], Para) else 0
            need = piece.rows + min(piece.keep_lines, following)
            if ri < len(regions) and room() < need and used > 0:
                # Move the subhead to the next region; the rows left behind stay blank.
                blank += room()
                ri, used = ri + 1, 0
            if ri >= len(regions):
                return _overflow(slots, stream, i, 0, blank, widows, orphans, stranded)
            if room() < need:
                stranded.append(piece.key)
            take = min(piece.rows, room())
            slots.append(Slot(i, ri, regions[ri].row + used, 0, take))
            used += take
            if take < piece.rows:
                stranded.append(piece.key)
            if room() == 0:
                ri, used = ri + 1, 0
            continue
        done = 0
        while done < piece.lines:
            if ri >= len(regions):
                return _overflow(slots, stream, i, done, blank, widows, orphans, stranded)
            take = min(piece.lines - done, room())
            if take == 0:
                ri, used = ri + 1, 0
                continue
            if used == 0 and done > 0 and take == 1 and done + take == piece.lines:
                widows += 1
            if take == 1 and done == 0 and take < piece.lines and used + take == regions[ri].rows:
                orphans += 1
            slots.append(Slot(i, ri, regions[ri].row + used, done, take))
            used += take
            done += take
            if room() == 0:
                ri, used = ri + 1, 0
    unused = room() + sum(r.rows for r in regions[ri + 1:]) if ri < len(regions) else 0
    return Flow(tuple(slots), 0, blank, unused, widows, orphans, tuple(stranded))


def _overflow(slots, stream, item, done, blank, widows, orphans, stranded) -> Flow:
    rest = stream_rows(stream[item + 1:])
    piece = stream[item]
    rest += (piece.lines - done) if isinstance(piece, Para) else piece.rows
    return Flow(tuple(slots), rest, blank, 0, widows, orphans, tuple(stranded))
