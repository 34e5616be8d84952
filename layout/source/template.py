"""The 版式 templates as data: trim, type area, basic grid, body columns, type styles, copyfit limits.

Templates are YAML files (built-ins in `layout/source/templates/`, or any path) validated against
`TEMPLATE_SCHEMA`, the one table that declares every key. `load_template` turns one into a
frozen `Template` with lengths already in pt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from layout.base.errors import InputError
from layout.base.resources import data_names, data_path
from layout.source import limits as L
from layout.source.schema import Field, load
from layout.base.units import mm_to_pt

BUILTIN = ("layout.source", "templates")  # the package data folder of the built-in templates


def _style(name: str, help: str, size: float, extra: tuple[Field, ...] = ()) -> Field:
    return Field(name, "map", help, fields=(
        Field("size_pt", "float", "type size in pt", default=size, min=4, max=200),) + extra)


TEMPLATE_SCHEMA = Field("template", "map", "A 版式 template", fields=(
    Field("name", "str", "template name", required=True),
    Field("label", "text", "Chinese format name, e.g. 对开", default=""),
    Field("trim", "map", "trimmed page size", required=True, fields=(
        Field("width_mm", "float", "trim width", required=True, min=50, max=2000),
        Field("height_mm", "float", "trim height", required=True, min=50, max=2000),
    )),
    Field("type_area_top_mm", "float", "from the trim's top edge to the top of the type area (版心)",
          required=True, min=0, max=500),
    Field("grid", "map", "the basic grid (基本栏) and baseline grid", required=True, fields=(
        Field("columns", "int", "basic columns", required=True, min=1, max=L.GRID_COLUMNS.most),
        Field("column_chars", "int", "characters of body type per basic column", required=True, min=3, max=80),
        Field("gutter_chars", "float", "gutter (栏空) in body characters", default=1.0, min=0, max=10),
        Field("rows", "int", "body lines per column (baseline grid rows)", required=True, min=5,
              max=L.GRID_ROWS.most),
        Field("body_size_pt", "float", "body type size (小五 = 9 pt)", default=9.0, min=5, max=20),
        Field("line_pitch_pt", "float", "baseline-to-baseline distance", required=True, min=5, max=40),
    )),
    Field("body", "map", "body text columns over the type area (变栏 when not on basic columns)", fields=(
        Field("columns", "int", "default number of body columns", default=4, min=1, max=L.GRID_COLUMNS.most),
        Field("gutter_chars", "float", "gutter between body columns when they do not fall on basic columns",
              default=1.5, min=0, max=10),
    )),
    Field("styles", "map", "type sizes per role", fields=(
        _style("headline", "主题", 64, (Field("min_size_pt", "float", "smallest size before the headline "
                                                "is an error", default=36, min=4, max=200),)),
        _style("kicker", "引题", 28),
        _style("subtitle", "副题", 18),
        _style("byline", "credits under the headline", 10.5),
        _style("subhead", "小标题", 13, (Field("rows", "int", "grid lines a subhead occupies", default=3,
                                               min=1, max=10),
                                         Field("min_size_pt", "float", "smallest size a subhead steps down to "
                                               "before it breaks a third time; 0 = its size (no stepping down)",
                                               default=0, min=0, max=200))),
        _style("caption", "photo captions", 9),
        _style("sidebar_title", "sidebar title", 14),
        _style("sidebar", "sidebar items", 10.5),
        _style("folio", "报眉 text", 9),
    )),
    Field("folio", "map", "报眉 (running head above the type area)", fields=(
        Field("baseline_above_mm", "float", "报眉 baseline above the type area", default=6, min=0, max=50),
        Field("rule_width_pt", "float", "眉线 rule weight", default=0.75, min=0, max=5),
    )),
    Field("rules", "map", "column rules", fields=(
        Field("column_rule_width_pt", "float", "rule in the gutter between text columns; 0 = none",
              default=0.3, min=0, max=3),
    )),
    Field("modules", "map", "pages of several stories: modules, their headlines and the rules between them", fields=(
        Field("ladder", "list", "the headline ladder: a story's 主题 size range by its rank on the page, [least, "
              "most] pt for the 头条, the 二条, then the 三条 (the last entry serves every rank after it). A rank's "
              "least is at least the next rank's most, so a headline never grows as rank falls; the 主题 is set "
              "at the largest size of its range that its module's width allows (design rule headline-ladder)",
              default=((36.0, 48.0), (28.0, 32.0), (20.0, 24.0)), min_items=1,
              item=Field("range", "list", "[least_pt, most_pt]", min_items=2, max_items=2,
                         item=Field("size", "float", "a size in pt", min=6, max=200))),
        Field("rule_width_pt", "float", "rule between modules, in the white line or gutter that parts them; 0 = "
              "white space only", default=0.5, min=0, max=3),
        Field("min_rows", "int", "shortest module in rows", default=10, min=3, max=400),
        Field("briefs_gap_rows", "int", "white lines a 简讯 block may put between its items to fill its module",
              default=1, min=0, max=3),
        Field("digest_max_padding_rows", "int", "rows a 导读 box may grow to fill its module", default=6, min=0,
              max=50),
        Field("filler_max_padding_rows", "int", "rows a 补白 box may grow to fill its module (its text spread "
              "evenly)", default=6, min=0, max=50),
    )),
    Field("photos", "map", "photo sizes by rank (design rule photo-hierarchy)", fields=(
        Field("min_span", "int", "narrowest photo in basic columns, unless the desk marks it a head shot "
              "(headshot: true)", default=2, min=1, max=20),
        Field("area_cm2", "list", "a photo's area range by its story's rank, [least, most] cm²: the 头条's first "
              "photo, the 二条's photos, then the 三条's (the last entry serves every rank after it); the 头条's "
              "other photos take `others_cm2`. A page of one story (专版) is a 头条",
              default=((240.0, 900.0), (45.0, 160.0), (25.0, 110.0)), min_items=1,
              item=Field("range", "list", "[least_cm2, most_cm2]", min_items=2, max_items=2,
                         item=Field("area", "float", "an area in cm²", min=0, max=10000))),
        Field("others_cm2", "list", "[least, most] cm² for the 头条's photos after its first", default=(25.0, 160.0),
              min_items=2, max_items=2, item=Field("area", "float", "an area in cm²", min=0, max=10000)),
    )),
    Field("copyfit", "map", "limits for fitting the text to the page", fields=(
        Field("max_aspect_change", "float", "the crop bound for a photo the desk gives a focus: (or crop:) for: a "
              "frame's aspect may differ from the photo's by at most this factor; other photos are cropped by at "
              "most design rule photo-crop's share of the image", default=1.4, min=1, max=4),
        Field("photo_min_rows", "int", "smallest photo frame in grid lines", default=8, min=2, max=200),
        Field("lead_photo_min_rows", "int", "smallest lead photo frame in grid lines", default=20, min=2, max=400),
        Field("photo_min_width_chars", "float", "narrowest photo frame, in body characters: a photo spans as many "
              "body columns as this needs (one basic column, 基本栏, is the newspaper's smallest)", default=13,
              min=1, max=200),
        Field("min_run_lines", "int", "shortest run of body text a column may hold between or beside blocks "
              "(shorter runs chop the story, 碎栏)", default=3, min=1, max=50),
        Field("subhead_extra_rows", "int", "white grid lines the layout may add above a subhead to fill the "
              "columns", default=1, min=0, max=5),
        Field("sidebar_max_padding_rows", "int", "how many grid lines the sidebar box may grow to fill",
              default=8, min=0, max=100),
    )),
))


@dataclass(frozen=True)
class Style:
    """A text role's size in the template, its rows, and how far it may shrink."""

    size_pt: float
    rows: int = 0
    min_size_pt: float = 0.0


@dataclass(frozen=True)
class Template:
    """A page design (版式): paper, margins, grid and styles, in pt."""

    name: str
    label: str
    path: str
    page_width_pt: float
    page_height_pt: float
    type_top_pt: float  # from the trim's top edge
    type_left_pt: float
    columns: int
    column_chars: int
    gutter_chars: float
    rows: int
    body_size_pt: float
    line_pitch_pt: float
    body_columns: int
    body_gutter_chars: float
    styles: dict  # role → Style (treated as read-only)
    folio_baseline_above_pt: float
    folio_rule_pt: float
    column_rule_pt: float
    max_aspect_change: float
    photo_min_rows: int
    lead_photo_min_rows: int
    sidebar_max_padding_rows: int
    photo_min_width_chars: float = 13.0
    min_run_lines: int = 3
    subhead_extra_rows: int = 1
    ladder: tuple[tuple[float, float], ...] = ((36.0, 48.0), (28.0, 32.0), (20.0, 24.0))  # (least, most) pt by rank
    photo_min_span: int = 2
    photo_areas_cm2: tuple[tuple[float, float], ...] = ((240.0, 900.0), (45.0, 160.0), (25.0, 110.0))
    photo_others_cm2: tuple[float, float] = (25.0, 160.0)
    module_rule_pt: float = 0.5
    module_min_rows: int = 10
    briefs_gap_rows: int = 1
    digest_max_padding_rows: int = 6
    filler_max_padding_rows: int = 6

    def headline_range(self, rank: int) -> tuple[float, float]:
        """(least, most) pt of the 主题 of a story of `rank` (1 = the 头条) on a page of several."""
        return self.ladder[min(rank, len(self.ladder)) - 1]

    def photo_area_range(self, rank: int, first: bool) -> tuple[float, float]:
        """(least, most) cm² of a photo of a story of `rank`: the 头条's first photo, its others, or any
        photo of a lower rank."""
        if rank == 1 and not first:
            return self.photo_others_cm2
        return self.photo_areas_cm2[min(rank, len(self.photo_areas_cm2)) - 1]

    @property
    def column_width_pt(self) -> float:
        return self.column_chars * self.body_size_pt

    @property
    def gutter_pt(self) -> float:
        return self.gutter_chars * self.body_size_pt

    @property
    def type_width_pt(self) -> float:
        return self.columns * self.column_width_pt + (self.columns - 1) * self.gutter_pt

    @property
    def line_gap_pt(self) -> float:
        return self.line_pitch_pt - self.body_size_pt

    @property
    def type_height_pt(self) -> float:
        return self.rows * self.line_pitch_pt - self.line_gap_pt


def resolve_template_path(name_or_path: str, base_dir: str = ".", where: str = "template") -> str:
    """A built-in name (`broadsheet`) or a path to a template YAML, relative to the article. `where`:
    the page file's `template:` place, for the errors."""
    if os.sep not in name_or_path and not name_or_path.endswith((".yaml", ".yml")):
        names = data_names(*BUILTIN)
        if name_or_path + ".yaml" not in names:
            known = ", ".join(f[:-5] for f in names if f.endswith(".yaml"))
            raise InputError(f"unknown template {name_or_path!r}", where,
                             f"use one of {known}, or a path to a template YAML file")
        return data_path(*BUILTIN, name_or_path + ".yaml")
    path = name_or_path if os.path.isabs(name_or_path) else os.path.join(base_dir, name_or_path)
    if not os.path.isfile(path):
        raise InputError(f"template file {path!r} not found", where,
                         "give a built-in name (broadsheet, tabloid) or an existing .yaml path")
    return path


def _check_ladder(ranges: tuple[tuple[float, float], ...], path: str, key: str, what: str,
                  strict: bool = True) -> None:
    """Each range's least no more than its most; with `strict`, no rank's most above the rank
    before it's least (a headline never grows as rank falls)."""
    for k, (least, most) in enumerate(ranges):
        if least > most:
            raise InputError(f"{key}[{k}] is [{least:g}, {most:g}]: its least is above its most", path,
                             f"give [least, most] {what}")
        if strict and k and most > ranges[k - 1][0]:
            raise InputError(f"{key}[{k}] reaches {most:g}, above rank {k}'s least {ranges[k - 1][0]:g}", path,
                             f"{what} never grow as rank falls: lower rank {k + 1}'s range")


def load_template(name_or_path: str, base_dir: str = ".", where: str = "template") -> Template:
    """The template a page names (`where`: the place of its `template:` key, for the errors)."""
    path = resolve_template_path(name_or_path, base_dir, where)
    built = load(path, TEMPLATE_SCHEMA)
    v = built.value
    g, t, st = v["grid"], v["trim"], v["styles"]
    styles = {role: Style(size_pt=s["size_pt"], rows=s.get("rows", 0) or 0,
                          min_size_pt=s.get("min_size_pt", 0.0) or 0.0) for role, s in st.items()}
    styles["body"] = Style(size_pt=g["body_size_pt"])
    width_pt, height_pt = mm_to_pt(t["width_mm"]), mm_to_pt(t["height_mm"])
    col_w = g["column_chars"] * g["body_size_pt"]
    type_w = g["columns"] * col_w + (g["columns"] - 1) * g["gutter_chars"] * g["body_size_pt"]
    type_h = g["rows"] * g["line_pitch_pt"] - (g["line_pitch_pt"] - g["body_size_pt"])
    top_pt = mm_to_pt(v["type_area_top_mm"])
    if type_w > width_pt or top_pt + type_h > height_pt:
        raise InputError(f"the type area ({type_w:.0f} × {type_h:.0f} pt) does not fit the trim "
                         f"({width_pt:.0f} × {height_pt:.0f} pt)", str(built.source("grid")),
                         "reduce grid.columns/column_chars/rows or type_area_top_mm")
    if g["line_pitch_pt"] < g["body_size_pt"]:
        raise InputError("grid.line_pitch_pt is smaller than the body size", str(built.source("grid.line_pitch_pt")),
                         "lines would overlap")
    ladder = tuple((float(a), float(b)) for a, b in v["modules"]["ladder"])
    _check_ladder(ladder, str(built.source("modules.ladder")), "modules.ladder", "headline sizes")
    ph = v["photos"]
    areas = tuple((float(a), float(b)) for a, b in ph["area_cm2"])
    _check_ladder(areas, str(built.source("photos.area_cm2")), "photos.area_cm2", "photo areas", strict=False)
    return Template(
        name=v["name"], label=v["label"], path=path, page_width_pt=width_pt, page_height_pt=height_pt,
        type_top_pt=top_pt, type_left_pt=(width_pt - type_w) / 2, columns=g["columns"],
        column_chars=g["column_chars"], gutter_chars=g["gutter_chars"], rows=g["rows"],
        body_size_pt=g["body_size_pt"], line_pitch_pt=g["line_pitch_pt"],
        body_columns=v["body"]["columns"], body_gutter_chars=v["body"]["gutter_chars"], styles=styles,
        folio_baseline_above_pt=mm_to_pt(v["folio"]["baseline_above_mm"]),
        folio_rule_pt=v["folio"]["rule_width_pt"], column_rule_pt=v["rules"]["column_rule_width_pt"],
        max_aspect_change=v["copyfit"]["max_aspect_change"], photo_min_rows=v["copyfit"]["photo_min_rows"],
        lead_photo_min_rows=v["copyfit"]["lead_photo_min_rows"],
        sidebar_max_padding_rows=v["copyfit"]["sidebar_max_padding_rows"],
        photo_min_width_chars=v["copyfit"]["photo_min_width_chars"], min_run_lines=v["copyfit"]["min_run_lines"],
        subhead_extra_rows=v["copyfit"]["subhead_extra_rows"],
        ladder=ladder, photo_min_span=ph["min_span"], photo_areas_cm2=areas,
        photo_others_cm2=(float(ph["others_cm2"][0]), float(ph["others_cm2"][1])),
        module_rule_pt=v["modules"]["rule_width_pt"], module_min_rows=v["modules"]["min_rows"],
        briefs_gap_rows=v["modules"]["briefs_gap_rows"],
        digest_max_padding_rows=v["modules"]["digest_max_padding_rows"],
        filler_max_padding_rows=v["modules"]["filler_max_padding_rows"],
    )
