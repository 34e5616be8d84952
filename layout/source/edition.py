"""The edition file → `Issue` (paper, date, number, the pages in order), and the 转版 plan: which page's
story continues on which page, checked before any page is built.

An edition is the authority for the 报眉: a page prints the edition's paper and date and the number and
版名 the edition gives it (`in_edition`). A story item with `continue_to: N` continues on page N of
the same edition; page N names the place with an item `continued_from: P/ID`, or the edition places
it (`layout.source.load`). Every jump is checked here against the whole edition — the page exists,
the story exists and says it continues there, no story continues twice, no two pages wait for each
other — and each problem is one error naming both pages, held against the page that must change.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from layout.base.errors import InputError
from layout.base.model import Finding, Page, Source
from layout.source.schema import ARTICLE, EDITION, Built, load


@dataclass(frozen=True)
class PlannedPage:
    """One page of the edition: its number, 版名 and page file."""

    number: int
    name: str
    file: str  # as the edition file names it, joined to the edition file's folder
    source: Source  # where its entry stands in the edition file


@dataclass(frozen=True)
class Issue:
    """One issue of the paper, as the edition file gives it."""

    paper: str
    date: str  # YYYY-MM-DD
    number: int  # 期号
    pages: tuple[PlannedPage, ...]  # in the order they are printed
    paper_id: str | None = None
    sample: bool = False
    source_file: str = ""

    def page(self, number: int) -> PlannedPage | None:
        return next((p for p in self.pages if p.number == number), None)


@dataclass(frozen=True)
class Jump:
    """转版: page `source`'s story `story` continues on page `target`."""

    source: int
    story: str
    target: int
    slot_id: str | None = None  # the id of the item on the target page that names the place; None: placed

    @property
    def key(self) -> str:
        return f"{self.source}/{self.story}"


@dataclass(frozen=True)
class InEdition:
    """What one page build takes from its edition: the 报眉 values and the continuations that come to the
    page (`layout.source.load.Slots` as a tuple: ("P/ID", (file name, YAML text) or None))."""

    paper: str
    date: str
    page: int
    page_name: str
    sample: bool = False
    slots: tuple[tuple[str, tuple[str, str] | None], ...] = ()


def load_issue(path: str) -> Issue:
    """Read and check the edition file. Bad input raises InputError (one line, located)."""
    built = load(path, EDITION)
    v = built.value
    base = os.path.dirname(path) or "."
    pages = tuple(PlannedPage(p["page"], p["name"], os.path.normpath(os.path.join(base, p["file"])),
                              built.source(f"pages[{i}]")) for i, p in enumerate(v["pages"]))
    return Issue(v["paper"], v["date"], v["edition"], pages, v["paper_id"], v["sample"], path)


def in_edition(page: Page, e: InEdition) -> tuple[Page, list[Finding]]:
    """`page` with the edition's 报眉 values; an info finding where its own file said otherwise."""
    own = page.edition
    given = {"paper": e.paper, "date": e.date, "page": e.page, "page_name": e.page_name}
    changed = [f"{k} {getattr(own, k)} → {v}" for k, v in given.items() if getattr(own, k) != v]
    edition = dataclasses.replace(own, **given, sample=own.sample or e.sample)
    findings = [Finding("info", "edition-values", "the edition's 报眉 values replace the page file's: "
                        + ", ".join(changed), page.source_file)] if changed else []
    return dataclasses.replace(page, edition=edition), findings


# ---------------------------------------------------------------- the 转版 plan

@dataclass(frozen=True)
class _Item:
    id: str
    continue_to: int | None
    continued_from: str | None
    built: Built
    at: str  # its field path, e.g. stories[2]

    def where(self, key: str) -> str:
        return str(self.built.source(f"{self.at}.{key}"))


def _items(path: str) -> list[_Item]:
    """The story items of a page file and their 转版 keys (the schema checks the file's shape)."""
    built = load(path, ARTICLE)
    return [_Item(sv["id"] or f"s{i + 1}", sv["continue_to"], sv["continued_from"], built, f"stories[{i}]")
            for i, sv in enumerate(built.value["stories"]) if sv["kind"] == "story"]


@dataclass(frozen=True)
class Plan:
    """The edition's jumps, the pages each page waits for, and the pages that fail before any build."""

    jumps: tuple[Jump, ...]
    errors: dict  # page number → InputError

    def waits_for(self, number: int) -> tuple[int, ...]:
        return tuple(sorted({j.source for j in self.jumps if j.target == number}))

    def into(self, number: int) -> tuple[Jump, ...]:
        return tuple(j for j in self.jumps if j.target == number)


def plan(issue: Issue) -> Plan:
    """Read every page file's 转版 keys and check each jump against the edition."""
    items: dict[int, list[_Item]] = {}
    errors: dict[int, InputError] = {}
    for p in issue.pages:
        try:
            items[p.number] = _items(p.file)
        except InputError as e:
            errors[p.number] = e
    numbers = [p.number for p in issue.pages]
    jumps: dict[str, Jump] = {}
    for number, its in items.items():  # every continue_to: the page is in the edition, and not this one
        for it in its:
            if it.continue_to is None:
                continue
            if it.continue_to == number:
                errors.setdefault(number, InputError(f"page {number}'s story '{it.id}' continues on its own page",
                                                     it.where("continue_to"), "name another page of the edition"))
            elif it.continue_to not in numbers:
                errors.setdefault(number, InputError(
                    f"page {number}'s story '{it.id}' continues on page {it.continue_to}, which is not in the "
                    f"edition (pages {', '.join(map(str, numbers))})", it.where("continue_to"),
                    "name a page of the edition, or add the page to the edition file"))
            else:
                jumps[f"{number}/{it.id}"] = Jump(number, it.id, it.continue_to)
    claimed: dict[str, int] = {}
    for number, its in items.items():  # every slot: a story of the edition continues there
        for it in its:
            key = it.continued_from
            if key is None or "/" not in key:
                continue
            error = _slot_error(number, key, it, items, jumps, claimed, numbers)
            if error is not None:
                errors.setdefault(number, error)
                continue
            claimed[key] = number
            jumps[key] = dataclasses.replace(jumps[key], slot_id=it.id)
    for number, pages in _cycles(jumps.values()).items():
        errors.setdefault(number, InputError(
            f"pages {' and '.join(map(str, pages))} continue each other's stories "
            f"({' → '.join(map(str, pages + [pages[0]]))}): neither can be composed first",
            next(p.file for p in issue.pages if p.number == number), "let one of the stories end on its page"))
    return Plan(tuple(jumps[k] for k in sorted(jumps, key=lambda k: (int(k.split('/')[0]), k))), errors)


def _slot_error(number: int, key: str, it: _Item, items: dict, jumps: dict, claimed: dict,
                numbers: list[int]) -> InputError | None:
    source, _, sid = key.partition("/")
    p = int(source)
    where = it.where("continued_from")
    if p not in numbers:
        return InputError(f"continued_from: {key}: page {p} is not in the edition (this is page {number})", where,
                          "name a page of the edition")
    if p not in items:
        return InputError(f"continued_from: {key}: page {p} cannot be read, so page {number} cannot take its "
                          "story", where, f"fix page {p}'s file first")
    story = next((s for s in items[p] if s.id == sid), None)
    if story is None:
        return InputError(f"continued_from: {key}: page {p} has no story '{sid}' (this is page {number})", where,
                          f"page {p}'s stories: {', '.join(s.id for s in items[p]) or 'none'}")
    if story.continue_to != number:
        said = f"continues on page {story.continue_to}" if story.continue_to else "has no continue_to"
        return InputError(f"continued_from: {key}, but page {p}'s story '{sid}' {said} (this is page {number})",
                          where, f"give page {p}'s story continue_to: {number}, or remove this slot")
    if key in claimed:
        return InputError(f"continued_from: {key}: page {claimed[key]} already takes the rest of that story", where,
                          "a story continues in one place: remove one of the slots")
    return None


def _cycles(jumps) -> dict[int, list[int]]:
    """Pages that wait for each other, around a loop of jumps: page → the loop it is on."""
    after: dict[int, set[int]] = {}
    for j in jumps:
        after.setdefault(j.source, set()).add(j.target)
    out: dict[int, list[int]] = {}

    def walk(start: int, node: int, path: list[int]) -> None:
        for nxt in sorted(after.get(node, ())):
            if nxt == start:
                for n in path:
                    out.setdefault(n, path)
            elif nxt not in path and nxt > start:  # each loop is found from its lowest page
                walk(start, nxt, path + [nxt])

    for start in sorted(after):
        walk(start, start, [start])
    return out
