"""The page as the desk wrote it: frozen dataclasses, no behaviour.

`layout.source.article` builds these from the page file (article.yaml) (validated against the one schema table);
everything downstream reads them and never mutates them. Text fields hold the text *after*
normalisation (see `layout.source.normalize`); `Source` remembers where each came from so that a
finding can point back at `article.yaml:LINE:COL` and the field path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Source:
    """Where a value stands in the input: file, 1-based line and column, field path."""

    file: str = ""
    line: int = 0
    column: int = 0
    path: str = ""  # e.g. "sections[2].paragraphs[0]"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where} {self.path}".strip()


@dataclass(frozen=True)
class Text:
    """A run of text with its origin. `text` is normalised; `raw` is what the YAML said."""

    text: str
    source: Source = field(default_factory=Source, compare=False)
    raw: str = field(default="", compare=False)


@dataclass(frozen=True)
class Edition:
    """Values for the 报眉. The seed does not give them; `sample` marks placeholder values."""

    paper: str
    date: str  # ISO date, YYYY-MM-DD
    page: int
    page_name: str  # 版名, e.g. 专版
    editor: str = ""  # 责编
    sample: bool = False


@dataclass(frozen=True)
class Headline:
    """引题 / 主题 / 副题."""

    kicker: Text | None  # 引题
    title: tuple[Text, ...]  # 主题: one or more phrases (对仗 halves), set on one line with a 1-em space
    subtitle: Text | None = None  # 副题


@dataclass(frozen=True)
class Credit:
    """One byline entry: role and name."""

    role: str  # 文 / 图 / 版式 / 摄影 ...
    name: Text  # 张星, 本报记者 焦海洋


@dataclass(frozen=True)
class Placement:
    """A block's cell rectangle on a named grid (`basic` or `body`); any field may be None = automatic."""

    col: int | None = None
    span: int | None = None
    row: int | None = None
    rows: int | None = None
    grid: str = "basic"


@dataclass(frozen=True)
class Photo:
    """A captioned photo and where its subject is."""

    id: str
    file: str  # path, relative to the article file
    caption: Text
    credit: Text | None = None
    focus: tuple[float, float] = (0.5, 0.5)  # focal point, fractions of width/height from top-left
    group: str = "lead"  # which photo group (seed order): "lead" after the lead paragraph, "end" after the body
    place: Placement | None = None
    source: Source = field(default_factory=Source, compare=False)
    headshot: bool = False  # a head shot: it may be one column wide and takes no rank's area range
    crop: tuple[float, float, float, float] | None = None  # the desk's crop: left, top, right, bottom fractions
    framed: bool = False  # the desk gave focus: or crop:, so the layout may crop more than the rule's share


@dataclass(frozen=True)
class Sidebar:
    """The boxed sidebar (资料框): title and items."""

    title: Text
    items: tuple[Text, ...]
    place: Placement | None = None


@dataclass(frozen=True)
class Section:
    """A body section: its subhead and paragraphs."""

    heading: tuple[Text, ...]  # 小标题 phrases (对仗 halves)
    paragraphs: tuple[Text, ...]


def locate(sources: Mapping[str, Source], path: str, fallback: str = "") -> str:
    """`file:line:col path` of field `path`, from the place of the field or of its nearest ancestor
    written in the file (`sources`: field path → Source, as the loader read them); `path` alone, or
    `fallback`, when nothing is known."""
    probe = path
    while True:
        found = sources.get(probe)
        if found is not None and found.line:
            return str(Source(found.file, found.line, found.column, path))
        if not probe:
            return f"{fallback} {path}".strip() if fallback else path
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""


class _Item:
    """What the items of a page (story, 简讯, 导读) share: a `path`, their place in the page file, and
    `sources`, where each field of theirs stands in the file they were read from."""

    path: str
    sources: Mapping[str, Source]
    source_file: str = ""

    def field(self, path: str) -> str:
        """A field path as the page file spells it: `sections[1]` → `stories[2].sections[1]`."""
        return f"{self.path}.{path}" if self.path else path

    def place(self, path: str) -> str:
        """`file:line:col field.path` of one of the item's fields (`path` as `field` takes it)."""
        return locate(self.sources, self.field(path), self.source_file)

    def where(self) -> str:
        """The item's own place: `stories[i]` on a page of several; a one-story page's body (its sections,
        else its lead, else its headline)."""
        if self.path:
            return locate(self.sources, self.path, self.source_file)  # not place(""): "stories[2]." with a dot
        key = next((k for k in ("sections", "lead", "headline") if k in self.sources), "")
        return self.place(key)


@dataclass(frozen=True)
class Story(_Item):
    """One story as the desk wrote it: headline group, byline, sidebar, lead, sections, photos.

    A story knows nothing of the page: the composer sets it into the grid area it is given.
    `id` prefixes the ids of its blocks, so they stay unique on a page of several stories;
    `path` is its place in the page file ("" when the file is one story at the top level,
    "stories[2]" otherwise) and prefixes the field paths of its findings.
    """

    id: str
    headline: Headline
    byline: tuple[Credit, ...]
    sidebar: Sidebar | None
    lead: tuple[Text, ...]  # lead paragraphs (导语), before the first section
    sections: tuple[Section, ...]
    photos: tuple[Photo, ...]
    body_columns: int | None = None  # 变栏: body columns across the story's area; None = the template's
    path: str = ""
    base_dir: str = "."  # folder of the file the story came from; its photo paths are relative to it
    source_file: str = ""
    continue_to: int | None = None  # 转版: the page it continues on when too long for its module
    continued_from: int | None = None  # 转版: the page it continues from
    pinned: tuple[int, int, int, int] | None = None  # the module the desk pins it to: col, span, row, rows (0-based)
    continued_story: str | None = None  # 转版 in an edition: the id of the story it continues on that page
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)  # of its file
    kind = "story"


@dataclass(frozen=True)
class Briefs(_Item):
    """A 简讯 block: short items (本报讯) under one heading, set in the body face."""

    id: str
    heading: Text
    items: tuple[Text, ...]
    path: str = ""
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)
    source_file: str = ""
    kind = "briefs"


@dataclass(frozen=True)
class Digest(_Item):
    """A 导读 box: pointers to stories on other pages."""

    id: str
    heading: Text
    pointers: tuple[tuple[Text, int], ...]  # (title, page)
    path: str = ""
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)
    source_file: str = ""
    kind = "digest"


@dataclass(frozen=True)
class Filler(_Item):
    """A 补白 the desk keeps for filling: a short piece (a 公益 line, a 小知识, a quote) the page's
    module search may set in a small box module of its own when no tiling fills the page without."""

    id: str
    heading: Text | None  # the box's heading bar (e.g. 公益广告, 小知识); None = no bar
    text: tuple[Text, ...]  # its paragraphs
    path: str = ""
    kind = "filler"


@dataclass(frozen=True)
class Reserved:
    """An area held for the advertising department: basic columns [col, col + span), rows [row, row + rows)."""

    id: str
    col: int  # 0-based
    span: int
    row: int  # 0-based
    rows: int
    file: str | None  # image or one-page PDF to place, relative to the page file; None = left empty
    label: str = "广告"
    source: Source = field(default_factory=Source, compare=False)
    file_kind: str = ""  # "pdf" (a supplied ad page: the file begins with %PDF-) | "image"; "" without a file
    file_source: Source = field(default_factory=Source, compare=False)  # where `file:` stands


Item = Story | Briefs | Digest


@dataclass(frozen=True)
class Page:
    """One newspaper page: the template, the 报眉 values, and the stories in order of importance.

    article.yaml is a page with one story (its story keys at the top level)."""

    template: str  # template name (broadsheet, tabloid) or path to a template YAML
    edition: Edition
    stories: tuple[Item, ...]  # in order of importance: the first is the 头条
    slug: str = "article"
    base_dir: str = "."  # folder of the page file; the template path is relative to it
    source_file: str = ""
    options: tuple[tuple[str, object], ...] = ()  # layout options (name, value), validated by the schema
    reserved: tuple[Reserved, ...] = ()
    fillers: tuple[Filler, ...] = ()  # the desk's pool of 补白, used only when the page cannot fill without
    sources: Mapping[str, Source] = field(default_factory=dict, compare=False, repr=False)  # of the page file

    def place(self, path: str) -> str:
        """`file:line:col field.path` of a field of the page file."""
        return locate(self.sources, path, self.source_file)

    @property
    def news(self) -> tuple[Story, ...]:
        """The page's stories (not its 简讯 and 导读 blocks)."""
        return tuple(s for s in self.stories if s.kind == "story")

    def option(self, name: str, default: object = None) -> object:
        return dict(self.options).get(name, default)


@dataclass(frozen=True)
class Finding:
    """One preflight/normalisation/validation finding."""

    severity: str  # "error" | "warning" | "info"
    code: str  # short stable id, e.g. "overflow", "missing-glyph", "normalised"
    message: str
    where: str = ""  # "article.yaml:12:5 sections[2].paragraphs[0]" or "block photo-3"
