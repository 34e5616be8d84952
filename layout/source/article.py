"""article.yaml → `layout.model.Article`, validated against `layout.source.schema.ARTICLE`.

Everything about the *shape* of the file lives in the schema table; this module turns the
validated value into the frozen model: it normalises text (unless `options.normalise: false`),
checks that photo files exist and can be read (it does not decode them), and reports findings
for sample edition values and every normalisation change.
"""

from __future__ import annotations

import os
import re

from layout.errors import InputError
from layout.model import (
    Article,
    Credit,
    Edition,
    Finding,
    Headline,
    Photo,
    Placement,
    Section,
    Sidebar,
    Source,
    Text,
)
from layout.source.normalize import normalise
from layout.source.schema import ARTICLE, Built, build, load_yaml_node

# Display lines, where an ideographic space U+3000 may be deliberate (paths with indices as []).
DISPLAY_FIELDS = frozenset({
    "headline.kicker",
    "headline.title[]",
    "headline.subtitle",
    "sidebar.title",
    "sections[].heading[]",
    "byline[].name",
    "photos[].credit",
})


def _shape(path: str) -> str:
    return re.sub(r"\[\d+\]", "[]", path)


class _Reader:
    """Turns the built value into model objects, collecting findings on the way."""

    def __init__(self, built: Built, normalising: bool):
        self.built = built
        self.normalising = normalising
        self.findings: list[Finding] = []

    def text(self, raw: str, path: str) -> Text:
        src = self.built.source(path)
        text = raw
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


def _check_photo_file(base_dir: str, file: str, src: Source) -> None:
    full = os.path.join(base_dir, file)
    shown = os.path.normpath(full)
    hint = "photo paths are relative to the article file; check the name and the assets folder"
    if not os.path.exists(full):
        raise InputError(f"photo file not found: {shown}", where=str(src), hint=hint)
    if not os.path.isfile(full):
        raise InputError(f"photo path is not a file: {shown}", where=str(src), hint=hint)
    try:
        with open(full, "rb") as fh:
            first = fh.read(1)
    except OSError as exc:
        raise InputError(f"cannot read photo file {shown} ({exc.strerror})", where=str(src),
                         hint="check the file's permissions") from None
    if not first:
        raise InputError(f"photo file is empty: {shown}", where=str(src), hint="export the image again")


def load_article(path: str) -> tuple[Article, tuple[Finding, ...]]:
    """Load, validate and normalise article.yaml. Bad input raises `InputError` (one line, located)."""
    node, _ = load_yaml_node(path)
    built = build(node, ARTICLE, path)
    v = built.value
    assert isinstance(v, dict)
    reader = _Reader(built, v["options"]["normalise"])
    base_dir = os.path.dirname(path) or "."

    ed = v["edition"]
    edition = Edition(paper=ed["paper"], date=ed["date"], page=ed["page"], page_name=ed["page_name"],
                      editor=ed["editor"], sample=ed["sample"])
    findings: list[Finding] = []
    if edition.sample:
        findings.append(Finding("warning", "sample-edition",
                                f"edition values are samples (paper {edition.paper}, {edition.date}, "
                                f"page {edition.page}); replace them and set sample: false before press",
                                str(built.source("edition.sample"))))

    hl = v["headline"]
    headline = Headline(kicker=reader.optional_text(hl["kicker"], "headline.kicker"),
                        title=reader.texts(hl["title"], "headline.title"),
                        subtitle=reader.optional_text(hl["subtitle"], "headline.subtitle"))
    byline = tuple(Credit(role=c["role"], name=reader.text(c["name"], f"byline[{i}].name"))
                   for i, c in enumerate(v["byline"]))
    sb = v["sidebar"]
    sidebar = None if sb is None else Sidebar(title=reader.text(sb["title"], "sidebar.title"),
                                              items=reader.texts(sb["items"], "sidebar.items"),
                                              place=_placement(sb["place"]))
    lead = reader.texts(v["lead"], "lead")
    sections = tuple(Section(heading=reader.texts(s["heading"], f"sections[{i}].heading"),
                             paragraphs=reader.texts(s["paragraphs"], f"sections[{i}].paragraphs"))
                     for i, s in enumerate(v["sections"]))
    photos = []
    for i, p in enumerate(v["photos"]):
        _check_photo_file(base_dir, p["file"], built.source(f"photos[{i}].file"))
        photos.append(Photo(id=p["id"], file=p["file"], caption=reader.text(p["caption"], f"photos[{i}].caption"),
                            credit=reader.optional_text(p["credit"], f"photos[{i}].credit"),
                            focus=(p["focus"][0], p["focus"][1]), group=p["group"], place=_placement(p["place"]),
                            source=built.source(f"photos[{i}]")))

    article = Article(
        template=v["template"],
        edition=edition,
        headline=headline,
        byline=byline,
        sidebar=sidebar,
        lead=lead,
        sections=sections,
        photos=tuple(photos),
        body_columns=v["body_columns"],
        slug=v["slug"],
        base_dir=base_dir,
        source_file=path,
        options=tuple(sorted(v["options"].items())),
    )
    return article, tuple(findings + reader.findings)


def article_text_fields(article: Article) -> list[tuple[str, str]]:
    """Every text printed from the article, as (field path, text), in reading order.

    Order: headline, byline, sidebar, lead, the lead-group photo captions, sections, the
    end-group photo captions. The 报眉 (edition) is left out: the template formats it.
    """
    out: list[tuple[str, str]] = []
    hl = article.headline
    if hl.kicker is not None:
        out.append(("headline.kicker", hl.kicker.text))
    out += [(f"headline.title[{i}]", t.text) for i, t in enumerate(hl.title)]
    if hl.subtitle is not None:
        out.append(("headline.subtitle", hl.subtitle.text))
    for i, credit in enumerate(article.byline):
        out += [(f"byline[{i}].role", credit.role), (f"byline[{i}].name", credit.name.text)]
    if article.sidebar is not None:
        out.append(("sidebar.title", article.sidebar.title.text))
        out += [(f"sidebar.items[{i}]", t.text) for i, t in enumerate(article.sidebar.items)]
    out += [(f"lead[{i}]", t.text) for i, t in enumerate(article.lead)]

    def photos(group: str) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for i, photo in enumerate(article.photos):
            if photo.group == group:
                rows.append((f"photos[{i}].caption", photo.caption.text))
                if photo.credit is not None:
                    rows.append((f"photos[{i}].credit", photo.credit.text))
        return rows

    out += photos("lead")
    for i, section in enumerate(article.sections):
        out += [(f"sections[{i}].heading[{j}]", t.text) for j, t in enumerate(section.heading)]
        out += [(f"sections[{i}].paragraphs[{j}]", t.text) for j, t in enumerate(section.paragraphs)]
    out += photos("end")
    return out
