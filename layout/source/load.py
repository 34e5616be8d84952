"""A page file (article.yaml) → `layout.base.model.Page` of `Story`s, validated against `layout.source.schema.ARTICLE`.

Everything about the *shape* of the file lives in the schema table; this module turns the
validated value into the frozen model: it normalises text (unless `options.normalise: false`),
checks that photo files exist and can be read (it does not decode them), and reports findings
for sample edition values and every normalisation change.
"""

from __future__ import annotations

import os
import re

from layout.base.errors import InputError
from layout.base.model import (
    Briefs,
    Credit,
    Digest,
    Edition,
    Filler,
    Finding,
    Headline,
    Page,
    Photo,
    Placement,
    Reserved,
    Section,
    Sidebar,
    Source,
    Story,
    Text,
)
from layout.source.normalize import normalise
from layout.source.schema import (ARTICLE, STORY_FIELDS, STORY_FILE, STORY_KEYS, Built, build, compose_yaml,
                                  load_yaml_node)

PDF_MAGIC = b"%PDF-"  # the first bytes of every PDF file (ISO 32000-1 7.5.2)
MAIN_STORY = "main"  # the id of the one story of a page that gives its story keys at the top level

# Display lines, where an ideographic space U+3000 may be deliberate (paths with indices as []).
DISPLAY_FIELDS = frozenset({
    "headline.kicker",
    "headline.title[]",
    "headline.subtitle",
    "sidebar.title",
    "sections[].heading[]",
    "byline[].name",
    "photos[].credit",
    "edition.paper",  # the 报眉
    "edition.page_name",
    "edition.editor",
    "heading",  # a 简讯 or 导读 block's heading (简　讯)
    "pointers[].title",  # a story's title as a 导读 box shows it (书香澜州　悦读人生)
})


def _shape(path: str) -> str:
    """A field path as DISPLAY_FIELDS spells it: indices as [], a story of `stories:` as the top level."""
    return re.sub(r"\[\d+\]", "[]", re.sub(r"^stories\[\d+\]\.", "", path))


class _Reader:
    """Turns the built value into model objects, collecting findings on the way."""

    def __init__(self, built: Built, normalising: bool):
        self.built = built
        self.normalising = normalising
        self.findings: list[Finding] = []

    def text(self, raw: str, path: str) -> Text:
        src = self.built.source(path)
        text = raw
        if not self.normalising and any(ch in raw for ch in "\t\n\r"):
            # White space the normaliser would tidy; set as it is, it would print as a glyph.
            raise InputError("a tab or line break in a text that is not normalised", where=str(src),
                             hint="write the text on one line, or let the normaliser tidy it (options.normalise)")
        if self.normalising:
            text, found = normalise(raw, str(src), keep_ideographic_space=_shape(path) in DISPLAY_FIELDS)
            self.findings.extend(found)
            if not text:
                raise InputError("no text left after normalisation (only spaces or invisible characters)",
                                 where=str(src), hint="write the text, or remove the key if it is optional")
        return Text(text, src, raw)

    def optional_text(self, raw: str | None, path: str) -> Text | None:
        return None if raw is None else self.text(raw, path)

    def texts(self, raws: tuple[str, ...], path: str) -> tuple[Text, ...]:
        return tuple(self.text(raw, f"{path}[{i}]") for i, raw in enumerate(raws))


def _placement(value: dict | None) -> Placement | None:
    if value is None:
        return None
    return Placement(col=value["col"], span=value["span"], row=value["row"], rows=value["rows"], grid=value["grid"])


def _pinned(value: dict | None) -> tuple[int, int, int, int] | None:
    """A story item's module place, 0-based: (col, span, row, rows)."""
    if not value:
        return None
    return value["col"] - 1, value["span"], value["row"] - 1, value["rows"]


def _check_file(base_dir: str, file: str, src: Source, what: str = "photo") -> bytes:
    """Check that a photo's (or an ad's: `what`) file exists and can be read; return its first bytes,
    which say what kind of file it is. It is not decoded here."""
    full = os.path.join(base_dir, file)
    shown = os.path.normpath(full)
    hint = f"{what} paths are relative to the article file; check the name and the assets folder"
    if not os.path.exists(full):
        raise InputError(f"{what} file not found: {shown}", where=str(src), hint=hint)
    if not os.path.isfile(full):
        raise InputError(f"{what} path is not a file: {shown}", where=str(src), hint=hint)
    try:
        with open(full, "rb") as fh:
            first = fh.read(len(PDF_MAGIC))
    except OSError as exc:
        raise InputError(f"cannot read {what} file {shown} ({exc.strerror})", where=str(src),
                         hint="check the file's permissions") from None
    if not first:
        raise InputError(f"{what} file is empty: {shown}", where=str(src),
                         hint="export the image again" if what == "photo" else f"export the {what} again")
    return first


def _story(reader: _Reader, built: Built, v: dict, path: str, story_id: str, base_dir: str,
           source_file: str) -> Story:
    """One story from its validated value; `path` is its place in the file ("" at the top level)."""

    def at(key: str) -> str:
        return f"{path}.{key}" if path else key

    hl = v["headline"]
    headline = Headline(kicker=reader.optional_text(hl["kicker"], at("headline.kicker")),
                        title=reader.texts(hl["title"], at("headline.title")),
                        subtitle=reader.optional_text(hl["subtitle"], at("headline.subtitle")))
    byline = tuple(Credit(role=c["role"], name=reader.text(c["name"], at(f"byline[{i}].name")))
                   for i, c in enumerate(v["byline"]))
    sb = v["sidebar"]
    sidebar = None if sb is None else Sidebar(title=reader.text(sb["title"], at("sidebar.title")),
                                              items=reader.texts(sb["items"], at("sidebar.items")),
                                              place=_placement(sb["place"]))
    lead = reader.texts(v["lead"], at("lead"))
    sections = tuple(Section(heading=reader.texts(s["heading"], at(f"sections[{i}].heading")),
                             paragraphs=reader.texts(s["paragraphs"], at(f"sections[{i}].paragraphs")))
                     for i, s in enumerate(v["sections"]))
    photos = []
    for i, p in enumerate(v["photos"]):
        _check_file(base_dir, p["file"], built.source(at(f"photos[{i}].file")))
        crop = _crop(p["crop"], built.source(at(f"photos[{i}].crop")))
        framed = crop is not None or at(f"photos[{i}].focus") in built.sources
        photos.append(Photo(id=p["id"], file=p["file"], caption=reader.text(p["caption"], at(f"photos[{i}].caption")),
                            credit=reader.optional_text(p["credit"], at(f"photos[{i}].credit")),
                            focus=(p["focus"][0], p["focus"][1]), group=p["group"], place=_placement(p["place"]),
                            source=built.source(at(f"photos[{i}]")), headshot=p["headshot"], crop=crop,
                            framed=framed))
    jump_page, jump_story = _jump_source(v.get("continued_from"))
    return Story(id=story_id, headline=headline, byline=byline, sidebar=sidebar, lead=lead, sections=sections,
                 photos=tuple(photos), body_columns=v.get("body_columns"), path=path, base_dir=base_dir,
                 source_file=source_file, continue_to=v.get("continue_to"), continued_from=jump_page,
                 continued_story=jump_story, sources=dict(built.sources), pinned=v.get("pinned"))


def _jump_source(value: str | None) -> tuple[int | None, str | None]:
    """`continued_from` as written ("4", or "1/chengzhen" in an edition) → (page, story id or None)."""
    if value is None:
        return None, None
    page, _, story = str(value).partition("/")
    return int(page), story or None


# What an edition build hands a page for each 转版 slot it fills, by "N/ID": the continuation's file
# name (as errors and findings name it) and its YAML text — or None when page N's story ID did not
# need to continue (it fitted on page N).
Slots = dict[str, "tuple[str, str] | None"]


def _crop(v, where) -> tuple[float, float, float, float] | None:
    """The desk's crop rectangle, checked: it keeps some of the image in both directions."""
    if not v:
        return None
    left, top, right, bottom = (float(x) for x in v)
    if right - left < 0.05 or bottom - top < 0.05:
        raise InputError(f"crop [{left:g}, {top:g}, {right:g}, {bottom:g}] keeps nothing of the image", str(where),
                         "give [left, top, right, bottom] with left < right and top < bottom (fractions of the image)")
    return left, top, right, bottom


def _missing_headline(built: Built, path: str) -> InputError:
    return InputError("missing required key 'headline'", str(built.source(path)),
                      f"add 'headline:' ({STORY_FIELDS[0].help})")


_BY_KIND = {"story": STORY_KEYS | {"file", "body_columns", "continue_to", "continued_from", "place"},
            "briefs": {"heading", "briefs"}, "digest": {"heading", "pointers"}}
def _item(reader: _Reader, built: Built, sv: dict, i: int, page: dict, base_dir: str, page_file: str,
          slots: Slots | None = None):
    """One item of `stories:` — a story (inline, from its own file, or filled by the edition build), a
    简讯 block or a 导读 box — and the findings of loading a story file. None for a slot the edition
    leaves empty (the story it names did not continue)."""
    at = f"stories[{i}]"
    kind, sid = sv["kind"], sv["id"] or f"s{i + 1}"
    stray = sorted(k for k in _BY_KIND["story"] | _BY_KIND["briefs"] | _BY_KIND["digest"]
                   if f"{at}.{k}" in built.sources and k not in _BY_KIND[kind])
    if stray:
        raise InputError(f"'{stray[0]}' does not belong to a {kind} item", str(built.source(f"{at}.{stray[0]}")),
                         f"a {kind} item takes: {', '.join(sorted(_BY_KIND[kind]))}")
    if kind in ("briefs", "digest"):
        if sv["heading"] is None:
            raise InputError(f"a {kind} item needs a heading", str(built.source(f"{at}.heading")),
                             "add 'heading:' (e.g. 简讯 or 导读)")
        heading = reader.text(sv["heading"], f"{at}.heading")
        if kind == "briefs":
            if not sv["briefs"]:
                raise InputError("a briefs item needs its items", str(built.source(f"{at}.briefs")),
                                 "add 'briefs:' with one short paragraph per item")
            return Briefs(sid, heading, reader.texts(sv["briefs"], f"{at}.briefs"), at, dict(built.sources),
                          page_file), []
        if not sv["pointers"]:
            raise InputError("a digest item needs its pointers", str(built.source(f"{at}.pointers")),
                             "add 'pointers:' with a title and a page for each story it points to")
        return Digest(sid, heading, tuple((reader.text(ptr["title"], f"{at}.pointers[{k}].title"), ptr["page"])
                                          for k, ptr in enumerate(sv["pointers"])), at, dict(built.sources),
                      page_file), []
    columns = sv["body_columns"] if sv["body_columns"] is not None else page["body_columns"]
    extra = {"body_columns": columns, "continue_to": sv["continue_to"], "continued_from": sv["continued_from"],
             "pinned": _pinned(sv["place"])}
    key = sv["continued_from"]
    if key is not None and "/" in key:  # a 转版 slot: the edition build fills it
        given = sorted(k for k in STORY_KEYS if f"{at}.{k}" in built.sources)
        if given:
            raise InputError(f"'{given[0]}' in a 转版 slot (continued_from: {key})",
                             str(built.source(f"{at}.{given[0]}")),
                             f"the slot takes the rest of page {key.split('/')[0]}'s story as its page wrote it; "
                             "give only id, continued_from, body_columns (and file: to build this page alone)")
        if slots is not None:
            if key not in slots:
                raise InputError(f"continued_from: {key}: no story of page {key.split('/')[0]} continues on this page",
                                 str(built.source(f"{at}.continued_from")),
                                 "give that story continue_to: this page's number, or remove the slot")
            filled = slots[key]
            if filled is None:
                return None, []
            return _continuation(reader, filled, sid, extra, base_dir)
        if sv["file"] is None:
            raise InputError(f"continued_from: {key} is a slot the edition build fills",
                             str(built.source(f"{at}.continued_from")),
                             "build the edition (make_pdf.py --edition EDITION.yaml), or name the continuation "
                             "file page " + key.split("/")[0] + "'s build wrote (file: …jump-ID.yaml) to build "
                             "this page alone")
    if sv["file"] is not None:
        given = sorted(k for k in STORY_KEYS if f"{at}.{k}" in built.sources)
        if given:
            raise InputError(f"'{given[0]}' beside 'file:'", str(built.source(f"{at}.{given[0]}")),
                             "give the story's keys in its file or here, not both")
        story_path = sv["file"] if os.path.isabs(sv["file"]) else os.path.join(base_dir, sv["file"])
        if not os.path.isfile(story_path):
            raise InputError(f"story file not found: {os.path.normpath(story_path)}", str(built.source(f"{at}.file")),
                             "paths are relative to the page file")
        node, _ = load_yaml_node(story_path)
        sbuilt = build(node, STORY_FILE, story_path)
        sreader = _Reader(sbuilt, reader.normalising)
        story = _story(sreader, sbuilt, dict(sbuilt.value, **extra), "", sid, os.path.dirname(story_path) or ".",
                       story_path)
        return story, sreader.findings
    if f"{at}.headline" not in built.sources:
        raise _missing_headline(built, f"{at}.headline")
    return _story(reader, built, dict(sv, **extra), at, sid, base_dir, page_file), []


def _continuation(reader: _Reader, filled: tuple[str, str], sid: str, extra: dict, base_dir: str):
    """A 转版 slot filled by the edition build: the continuation page N's build wrote, as a story file."""
    name, text = filled
    sbuilt = build(compose_yaml(text, name), STORY_FILE, name)
    sreader = _Reader(sbuilt, reader.normalising)
    story = _story(sreader, sbuilt, dict(sbuilt.value, **extra), "", sid, base_dir, name)
    return story, sreader.findings


def _placed_by_edition(slots: Slots, claimed: set[str], taken: set[str], page_file: str, reader: _Reader,
                       page: dict, base_dir: str) -> tuple[list, list]:
    """The continuations no slot of the page names: the edition places each after the page's items,
    under its story's id."""
    items, findings = [], []
    for key, filled in sorted(slots.items()):
        if key in claimed or filled is None:
            continue
        source_page, _, sid = key.partition("/")
        if sid in taken:
            raise InputError(f"the rest of page {source_page}'s story '{sid}' comes to this page, which has an "
                             f"item '{sid}' too", page_file, f"name the slot: an item with continued_from: {key} "
                             "and an id of its own")
        extra = {"body_columns": page["body_columns"], "continue_to": None, "continued_from": key}
        story, found = _continuation(reader, filled, sid, extra, base_dir)
        items.append(story)
        findings += found
    return items, findings


def _reserved(built: Built, r: dict, i: int, base_dir: str) -> Reserved:
    src = built.source(f"reserved[{i}]")
    kind, file_src = "", built.source(f"reserved[{i}].file")
    if r["file"] is not None:
        first = _check_file(base_dir, r["file"], file_src, "ad")
        # What the file is, by its first bytes (a PDF begins with %PDF-); a name ending in .pdf that
        # is something else is refused here rather than handed to the image reader.
        kind = "pdf" if first == PDF_MAGIC else "image"
        if kind == "image" and r["file"].lower().endswith(".pdf"):
            raise InputError(f"{r['file']} is not a PDF (it does not begin with %PDF-)", str(file_src),
                             "export the ad again as a one-page PDF/X-1a (CMYK, fonts embedded, no transparency)")
    return Reserved(r["id"], r["col"] - 1, r["span"], -1 if r["row"] is None else r["row"] - 1, r["rows"], r["file"],
                    r["label"], src, kind, file_src)


def load_page(path: str, slots: Slots | None = None) -> tuple[Page, tuple[Finding, ...]]:
    """Load, validate and normalise a page file. Bad input raises `InputError` (one line, located).

    `slots` (an edition build): the 转版 continuations that come to this page, by "N/ID" (`Slots`);
    each fills the item that names it (continued_from: N/ID), or is placed after the page's items."""
    node, _ = load_yaml_node(path)
    built = build(node, ARTICLE, path)
    v = built.value
    assert isinstance(v, dict)
    reader = _Reader(built, v["options"]["normalise"])
    base_dir = os.path.dirname(path) or "."

    ed = v["edition"]
    edition = Edition(paper=reader.text(ed["paper"], "edition.paper").text, date=ed["date"], page=ed["page"],
                      page_name=reader.text(ed["page_name"], "edition.page_name").text,
                      editor=reader.text(ed["editor"], "edition.editor").text if ed["editor"].strip() else "",
                      sample=ed["sample"])
    findings: list[Finding] = []
    if edition.sample:
        findings.append(Finding("warning", "sample-edition",
                                f"edition values are samples (paper {edition.paper}, {edition.date}, "
                                f"page {edition.page}); replace them and set sample: false before press",
                                str(built.source("edition.sample"))))

    if v["stories"]:
        given = sorted(k for k in STORY_KEYS if k in built.sources)
        if given:
            raise InputError(f"'{given[0]}' at the top level of a page that lists its stories",
                             str(built.source(given[0])), "move it into one of the stories under 'stories:'")
        stories = []
        for i, sv in enumerate(v["stories"]):
            item, found = _item(reader, built, sv, i, v, base_dir, path, slots)
            findings += found
            if item is None:
                findings.append(Finding("warning", "empty-slot", f"page {sv['continued_from'].split('/')[0]}'s "
                                        "story fitted on its own page (no 下转): this slot is left out",
                                        str(built.source(f"stories[{i}].continued_from"))))
                continue
            stories.append(item)
        if slots:
            claimed = {sv["continued_from"] for sv in v["stories"] if sv["continued_from"]}
            more, found = _placed_by_edition(slots, claimed, {s.id for s in stories}, path, reader, v, base_dir)
            stories += more
            findings += found
    else:
        if any(slots.values()) if slots else False:
            raise InputError("the rest of a story from another page comes here, but this page lists no "
                             "stories: to place it in", path, "give the page a stories: list")
        if "headline" not in built.sources:
            raise _missing_headline(built, "headline")
        stories = [_story(reader, built, v, "", MAIN_STORY, base_dir, path)]
    reserved = tuple(_reserved(built, r, i, base_dir) for i, r in enumerate(v["reserved"]))
    fillers = tuple(Filler(f["id"], reader.optional_text(f["heading"], f"fillers[{k}].heading"),
                           reader.texts(f["text"], f"fillers[{k}].text"), f"fillers[{k}]")
                    for k, f in enumerate(v["fillers"]))
    if fillers and not v["stories"]:
        raise InputError("fillers are for a page of several stories", str(built.source("fillers")),
                         "list the page's stories under 'stories:', or leave 'fillers:' out")

    page = Page(
        template=v["template"],
        edition=edition,
        stories=tuple(stories),
        slug=v["slug"],
        base_dir=base_dir,
        source_file=path,
        options=tuple(sorted(v["options"].items())),
        reserved=reserved,
        fillers=fillers,
        sources=dict(built.sources),
    )
    return page, tuple(findings + reader.findings)
