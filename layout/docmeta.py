"""What a finished page says about itself: the document metadata record and the archive's file
names. Plain data, no PDF library, so the main process of a build can make them while another
process (layout.fork) does the rendering and finishing."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from layout.errors import InputError

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


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
    return day


ARCHIVE_SUFFIXES = {"press": ".pdf", "archive": ".archive.pdf", "manifest": ".manifest.json",
                    "proof": ".proof.png"}


def archive_names(meta: DocMeta, slug: str) -> dict[str, str]:
    """kind → file name, e.g. 'archive' → '2021-01-18_p08_yancheng.archive.pdf'."""
    check_meta(meta)
    if not _SLUG.match(slug):
        raise InputError(f"slug must be lowercase letters, digits and '-', got {slug!r}", where="slug")
    stem = f"{meta.date}_p{meta.page:02d}_{slug}"
    return {kind: stem + suffix for kind, suffix in ARCHIVE_SUFFIXES.items()}
