"""What a finished page says about itself: the document metadata record and the archive's file
names. Plain data, no PDF library, so the main process of a build can make them while another
process (layout.base.fork) does the rendering and finishing."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from layout.base.errors import InputError
from layout.base.primitives import StoryRegion

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


MM_PER_PT = 25.4 / 72
REGION_ORIGIN = "top-left corner of the trim box; x to the right, y downwards; mm"


@dataclass(frozen=True)
class StoryMeta:
    """One story's module as the archive lists it (manifest, XMP): its id, kind (story | briefs | digest |
    reserved), title, and region in mm from the trim box's top-left corner, y downwards — the e-paper
    hotspot on the trimmed page."""

    id: str
    kind: str
    title: str
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float


def story_meta(regions: tuple[StoryRegion, ...], trim: tuple[float, float, float, float]) -> tuple[StoryMeta, ...]:
    """The layout's story regions (PDF points, origin bottom-left of the MediaBox) in mm from the trim
    box's top-left corner, rounded to 0.01 mm."""
    x0, _, _, y1 = trim
    return tuple(StoryMeta(r.story, r.kind, r.title, round((r.x_pt - x0) * MM_PER_PT, 2),
                           round((y1 - r.y_pt - r.height_pt) * MM_PER_PT, 2), round(r.width_pt * MM_PER_PT, 2),
                           round(r.height_pt * MM_PER_PT, 2)) for r in regions)


@dataclass(frozen=True)
class DocMeta:
    """The page as a document: what goes into Info, XMP and the manifest."""

    title: str  # the headline
    creators: tuple[tuple[str, str], ...]  # (role, name): ("文", "张星"), ("图", "..."), ("版式", "...")
    date: str  # edition date, YYYY-MM-DD
    page: int
    paper: str
    page_name: str  # 版名
    keywords: tuple[str, ...]
    subject: str
    producer: str  # tool name and version
    sources: tuple[tuple[str, str], ...]  # made-from list: (path, sha256)
    stories: tuple[StoryMeta, ...] = ()  # each story's module on the page, in the layout's order
    # The modules on the basic grid, as the next build starts from them (layout.compose.stable): the
    # layout's figures.modules — id, kind, col, span, row, rows (counted from 1) — for a page of several.
    arrangement: tuple[tuple[str, str, int, int, int, int], ...] = ()


def check_meta(meta: DocMeta) -> _dt.date:
    """The edition date as a date; InputError for a malformed date or page number."""
    day = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.date or ""):
        try:
            day = _dt.date.fromisoformat(meta.date)
        except ValueError:
            pass
    if day is None:
        raise InputError(f"edition date must be a real date YYYY-MM-DD, got {meta.date!r}", where="edition.date")
    if isinstance(meta.page, bool) or not isinstance(meta.page, int) or meta.page < 1:
        raise InputError(f"page number must be a positive integer, got {meta.page!r}", where="edition.page")
    for path, sha in meta.sources:
        if not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise ValueError(f"source {path}: sha256 must be 64 lowercase hex digits")
    ids = [s.id for s in meta.stories]
    if len(set(ids)) != len(ids):
        raise ValueError(f"story ids must be unique on a page, got {ids}")
    return day


ARCHIVE_SUFFIXES = {"press": ".pdf", "archive": ".archive.pdf", "alto": ".alto.xml",
                    "manifest": ".manifest.json", "proof": ".proof.png"}


def archive_names(meta: DocMeta, slug: str) -> dict[str, str]:
    """kind → file name, e.g. 'archive' → '2021-01-18_p08_yancheng.archive.pdf'."""
    check_meta(meta)
    if not _SLUG.match(slug):
        raise InputError(f"slug must be lowercase letters, digits and '-', got {slug!r}", where="slug")
    stem = f"{meta.date}_p{meta.page:02d}_{slug}"
    return {kind: stem + suffix for kind, suffix in ARCHIVE_SUFFIXES.items()}
