"""Generated pages of several items for the module search (issue 14).

A `PageVariant` is a page a desk might make on any evening, drawn uniformly over:

* the broadsheet (8 basic columns) or the tabloid (6);
* 2–6 stories in order of importance, the 头条 with 0–3 photos, the second with 0–2, the rest 0–1,
  photo aspects 0.6–2.0, some with a 引题 and a 副题, some with sections under 小标题;
* a 简讯 block of 3–6 items or none; a 导读 box of 3–5 pointers or none;
* no reserved area, an ad across the foot, or a half-width ad at the foot's left or right.

The amount of text is drawn against what the free type area holds (a fill ratio of the cells the
reserved areas leave, shared out by importance), so most pages can be filled and some cannot. The
text is the seed article's own sentences reshuffled (tests/variants.py), so the punctuation and the
mix of Han, digits and Latin are a real page's. `page_of(v, t)` makes the `Page` directly (fast
composition on fake metrics); `write(v, folder)` writes the page file and photo files for a real build.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass, replace

import variants as V

from layout.base.model import (Briefs, Credit, Digest, Edition, Filler, Headline, Page, Photo, Placement, Reserved,
                               Section, Story, Text)

TEMPLATES = ("broadsheet", "tabloid")
TITLES = ("全市秋粮收获基本结束", "老旧小区改造惠及三万余户", "职业教育活动周启动", "新型城镇化建设迈出新步伐",
          "重点项目建设跑出加速度", "冬季供暖准备工作就绪", "乡村振兴绘就新画卷", "营商环境持续优化",
          "文化惠民活动丰富多彩", "生态廊道建成开放", "科技创新引领产业升级", "民生实事件件落地")
KICKERS = ("聚焦高质量发展", "奋进新征程", "关注民生", "一线见闻")
SUBTITLES = ("全年完成投资一百二十亿元", "惠及群众二十余万人", "十项举措同步推进")
POINTERS = ("市政府常务会议召开", "全市经济运行平稳向好", "春运首日客流平稳", "城市书房再添新成员",
            "新能源汽车产业链加快集聚", "乡村学校迎来新老师")
# The desk's pool of 补白 (fillers), as every generated page keeps it: short pieces of three lengths.
FILLERS = (
    ("gongyi", "公益广告", ("文明出行，安全你我。",)),
    ("zhishi", "小知识", ("冬季取暖注意通风，使用燃气热水器和煤炉时务必保持室内空气流通，谨防一氧化碳中毒。",)),
    ("yiju", "一句话新闻", ("本市今年新增城市书房十二处，市民可凭身份证免费借阅图书。",
                          "市区新开通两条公交线路，方便市民就近换乘地铁。")),
)
OPTIONS = (("copyfit", True), ("flow_order", ()), ("han_latin_space_em", 0.0), ("hanging", False),
           ("normalise", True), ("ppi", 200), ("strictness", "gb"))


@dataclass(frozen=True)
class StorySpec:
    chars: int
    photos: tuple[float, ...]  # aspects
    sections: int
    kicker: bool
    subtitle: bool
    seed: int


@dataclass(frozen=True)
class PageVariant:
    template: str
    stories: tuple[StorySpec, ...]
    briefs: int  # items; 0 = no 简讯 block
    digest: int  # pointers; 0 = no 导读 box
    ad: tuple[int, int, int] | None  # (first column from 0, span, rows) standing on the foot
    seed: int
    # The family's extras (issue 21; `random_family_page`), none on `random_page`'s pages:
    family: bool = False  # text of its own per story (`family_texts`) and a caption of its own per photo
    jump: int | None = None  # the 头条's continue_to
    pin: tuple[int, int, int, int] | None = None  # the 头条's module place: col, span, row, rows (0-based)
    photo_place: tuple[int, int] | None = None  # the 头条's first photo's place: span, rows (at its module's top left)
    headshots: frozenset = frozenset()  # (story index, photo index) marked headshot: true

    def label(self) -> str:
        ad = f"ad {self.ad[1]}×{self.ad[2]} at col {self.ad[0] + 1}" if self.ad else "no ad"
        extra = "".join((f", continue_to {self.jump}" if self.jump else "",
                         f", 头条 placed {self.pin}" if self.pin else "",
                         f", photo placed {self.photo_place}" if self.photo_place else "",
                         f", {len(self.headshots)} head shots" if self.headshots else ""))
        return (f"{self.template}, {len(self.stories)} stories "
                f"({', '.join(f'{s.chars}c/{len(s.photos)}p' for s in self.stories)}), "
                f"briefs {self.briefs}, digest {self.digest}, {ad}{extra}, seed {self.seed}")


def _foot_ad(rng: random.Random, g: "Grid") -> tuple[tuple[int, int, int] | None, int]:
    """No ad, an ad across the foot or a half-width one at the foot's left or right (first column
    from 0, span, rows), and the grid cells it leaves free."""
    ad = rng.choice((None, "full", "half"))
    if ad == "full":
        ad = (0, g.columns, rng.randint(g.rows // 8, g.rows // 4))
    elif ad == "half":
        span = g.columns // 2
        ad = (rng.choice((0, g.columns - span)), span, rng.randint(g.rows // 6, g.rows // 3))
    return ad, g.columns * g.rows - (ad[1] * ad[2] if ad else 0)


def random_page(rng: random.Random, grids: dict[str, "Grid"]) -> PageVariant:
    """A page drawn uniformly, its text sized to what its free type area holds (see `Grid`) give or
    take a fifth: the desk plans a page's lengths (算字数), not to the line."""
    template = rng.choice(TEMPLATES)
    g = grids[template]
    ad, free = _foot_ad(rng, g)
    n = rng.randint(2, 6)
    briefs = rng.choice((0, rng.randint(3, 6)))
    digest = rng.choice((0, 0, rng.randint(3, 5)))
    most_photos = (3, 2) + (1,) * (n - 2)
    photos = [tuple(round(rng.uniform(0.6, 2.0), 3) for _ in range(rng.randint(0, most_photos[k]))) for k in range(n)]
    # What is left for text: the free cells less headline bands, photos at a third of the width, the
    # boxes and a white line under each module.
    taken = sum(g.band_cells(k) for k in range(n))
    taken += sum(g.photo_cells(k, j) for k, ph in enumerate(photos) for j, _ in enumerate(ph))
    taken += briefs * 5 * 2 + (digest + 4) * 3 + (n + bool(briefs) + bool(digest)) * g.columns // 2
    text = max(free - taken, free // 4) * g.chars * rng.uniform(0.8, 1.2)
    weights = [rng.uniform(2.0, 3.5)] + [rng.uniform(0.6, 1.6) for _ in range(n - 1)]
    weights[1:] = sorted(weights[1:], reverse=True)
    stories = tuple(StorySpec(max(120, int(text * w / sum(weights))), photos[k],
                              rng.choice((0, 0, 1, 2)) if k < 2 else 0, rng.random() < 0.4 and k == 0,
                              rng.random() < 0.3 and k < 2, rng.randrange(2**31))
                    for k, w in enumerate(weights))
    return PageVariant(template, stories, briefs, digest, ad, rng.randrange(2**31))


@dataclass(frozen=True)
class Grid:
    """What the generator knows of a template: its grid, and rough sizes of a module's parts."""

    columns: int
    rows: int
    chars: int  # characters per line of one basic column
    col_width_pt: float
    pitch_pt: float
    gutter_pt: float = 9.0
    photo_areas_cm2: tuple = ((240.0, 900.0), (45.0, 160.0), (25.0, 110.0))
    photo_others_cm2: tuple = (25.0, 160.0)

    @classmethod
    def of(cls, t) -> "Grid":
        return cls(t.columns, t.rows, t.column_chars, t.column_width_pt, t.line_pitch_pt, t.gutter_pt,
                   t.photo_areas_cm2, t.photo_others_cm2)

    def band_cells(self, rank: int) -> int:
        """A headline band: the 头条's across the page, the others' across half of it."""
        return (7 * self.columns) if rank == 0 else 5 * max(2, self.columns // 2)

    def photo_cells(self, rank: int, k: int) -> int:
        """A photo of the story of `rank` (0 = the 头条), its k-th: a third of the way up its rank's
        area range (the template's photos.area_cm2), with its caption and white line."""
        least, most = (self.photo_others_cm2 if rank == 0 and k else
                       self.photo_areas_cm2[min(rank, len(self.photo_areas_cm2) - 1)])
        cm2 = least + (most - least) / 3
        cell_cm2 = (self.col_width_pt + self.gutter_pt) * self.pitch_pt / (72 / 2.54) ** 2
        return int(cm2 / cell_cm2 + 3 * max(2, self.columns // 3))


def _story(k: int, s: StorySpec, rng: random.Random, title: str, pv: PageVariant | None = None) -> Story:
    v = V.Variant("broadsheet", 8, s.chars, True, s.sections, (), 0, s.seed)
    lead, sections = family_texts(v) if pv is not None and pv.family else V.texts(v)
    photos = tuple(Photo(f"p{i + 1}", f"img/s{k + 1}-p{i + 1}.jpg", Text(rng.choice(V.CAPTIONS)))
                   for i, _ in enumerate(s.photos))
    if pv is not None and pv.family:
        # A caption of its own per photo (the judge, tools/pagecheck.py, finds a photo's story by it).
        photos = tuple(replace(ph, caption=Text(_caption(k, i)), headshot=(k, i) in pv.headshots,
                               place=(Placement(span=pv.photo_place[0], rows=pv.photo_place[1])
                                      if k == 0 and i == 0 and pv.photo_place else None))
                       for i, ph in enumerate(photos))
    headline = Headline(Text(rng.choice(KICKERS)) if s.kicker else None, (Text(title),),
                        Text(rng.choice(SUBTITLES)) if s.subtitle else None)
    return Story(f"s{k + 1}", headline, (Credit("文", Text("本报记者 示例")),), None, (Text(lead),),
                 tuple(Section(tuple(Text(h) for h in heading), tuple(Text(p) for p in paras))
                       for heading, paras in sections if paras),
                 photos, source_file="page.yaml")


def _briefs(v: PageVariant, rng: random.Random) -> Briefs:
    text = _family_text if v.family else V._text  # the family's: the body face's base set (see _han_pool)
    items = tuple(Text("本报讯　" + text(rng, rng.randint(30, 70))) for _ in range(v.briefs))
    return Briefs("jianxun", Text("简讯"), items)


def _digest(v: PageVariant, rng: random.Random) -> Digest:
    return Digest("daodu", Text("导读"), tuple((Text(rng.choice(POINTERS)), rng.randint(3, 16)) for _ in range(v.digest)))


def page_of(v: PageVariant, grids: dict[str, Grid], base_dir: str = ".") -> tuple[Page, dict]:
    """The variant as a Page (no files) and its photo sizes, for composition on fake metrics."""
    rng = random.Random(v.seed)
    titles = random.Random(v.seed + 1).sample(TITLES, len(v.stories))
    items: list = [_story(k, s, rng, titles[k], v) for k, s in enumerate(v.stories)]
    if v.jump or v.pin:
        items[0] = replace(items[0], continue_to=v.jump, pinned=v.pin)
    if v.briefs:
        items.insert(min(2, len(items)), _briefs(v, rng))
    if v.digest:
        items.insert(1, _digest(v, rng))
    items = [replace(it, path=f"stories[{k}]") for k, it in enumerate(items)]
    reserved = ()
    if v.ad:
        col, span, rows = v.ad
        reserved = (Reserved("ad", col, span, grids[v.template].rows - rows, rows, None, "广告"),)
    fillers = tuple(Filler(fid, Text(head), tuple(Text(t) for t in text), f"fillers[{k}]")
                    for k, (fid, head, text) in enumerate(FILLERS))
    page = Page(v.template, Edition("示例日报", "2021-01-19", 2, "要闻"), tuple(items), slug="page",
                base_dir=base_dir, source_file="page.yaml", options=OPTIONS, reserved=reserved, fillers=fillers)
    sizes = {(f"s{k + 1}", f"p{i + 1}"): V._pixels(a) for k, s in enumerate(v.stories) for i, a in enumerate(s.photos)}
    return page, sizes


def _photo_doc(ph: Photo) -> dict:
    doc = {"id": ph.id, "file": ph.file, "caption": ph.caption.text}
    if ph.headshot:
        doc["headshot"] = True
    if ph.place:
        doc["place"] = {k: getattr(ph.place, k) for k in ("col", "span", "row", "rows") if getattr(ph.place, k)}
    return doc


def write(v: PageVariant, folder: str, grids: dict[str, Grid]) -> str:
    """The variant as a page file with photo files of the right aspects; returns the YAML's path."""
    import yaml
    from PIL import Image

    page, _ = page_of(v, grids, folder)
    os.makedirs(os.path.join(folder, "img"), exist_ok=True)
    out = []
    for item in page.stories:
        if item.kind == "briefs":
            out.append({"kind": "briefs", "id": item.id, "heading": item.heading.text,
                        "briefs": [t.text for t in item.items]})
            continue
        if item.kind == "digest":
            out.append({"kind": "digest", "id": item.id, "heading": item.heading.text,
                        "pointers": [{"title": t.text, "page": p} for t, p in item.pointers]})
            continue
        spec = v.stories[int(item.id[1:]) - 1]
        for ph, aspect in zip(item.photos, spec.photos):
            w, h = V._pixels(aspect, 1000)
            Image.new("RGB", (w, h), (120, 150, 180)).save(os.path.join(folder, ph.file), quality=80)
        hl = item.headline
        extra = {}
        if item.continue_to:
            extra["continue_to"] = item.continue_to
        if item.pinned:
            col, span, row, rows = item.pinned
            extra["place"] = {"col": col + 1, "span": span, "row": row + 1, "rows": rows}
        out.append({
            "id": item.id, **extra,
            "headline": {"kicker": hl.kicker.text if hl.kicker else None, "title": [t.text for t in hl.title],
                         "subtitle": hl.subtitle.text if hl.subtitle else None},
            "byline": [{"role": c.role, "name": c.name.text} for c in item.byline],
            "lead": [t.text for t in item.lead],
            "sections": [{"heading": [h.text for h in s.heading], "paragraphs": [p.text for p in s.paragraphs]}
                         for s in item.sections],
            "photos": [_photo_doc(ph) for ph in item.photos],
        })
    doc = {"template": v.template, "slug": "page",
           "edition": {"paper": "示例日报", "date": "2021-01-19", "page": 2, "page_name": "要闻", "sample": False},
           "reserved": [{"id": r.id, "col": r.col + 1, "span": r.span, "rows": r.rows, "file": None, "label": r.label}
                        for r in page.reserved],
           "fillers": [{"id": f.id, "heading": f.heading.text, "text": [t.text for t in f.text]} for f in page.fillers],
           "stories": out}
    path = os.path.join(folder, "page.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False)
    return path


# ---------------------------------------------------------------- the family (issue 21)

# Places and scenes for captions of their own: every photo of a family page has a different caption.
_PLACES = ("城东", "城西", "城南", "城北", "新区", "老城", "河畔", "园区")
_SCENES = ("新建的城市公园", "施工现场", "丰收的田野", "志愿者服务站", "社区活动中心", "新开通的公交线路",
           "学生在课堂上", "企业生产车间", "夜色中的街道")


def _caption(k: int, i: int) -> str:
    n = k * 3 + i
    return _PLACES[n % len(_PLACES)] + _SCENES[n // len(_PLACES) % len(_SCENES)]


def _han_pool() -> list[str]:
    """The seed article's Han characters as they occur (so drawing from it keeps their frequencies), those
    of the body face's base set only: every family page then asks for the same body subset, which the
    font cache keeps (a rarer character would make each page's subset a new one to prepare)."""
    from layout.fonts.charsets import text_base

    base = text_base()
    return [ch for s in V._SENTENCES for ch in s if "\u4e00" <= ch <= "\u9fff" and ch in base]


_POOL = _han_pool()
_MARKS = ("，", "，", "，", "、", "；", "：")


def _family_text(rng: random.Random, chars: int) -> str:
    """About `chars` characters of text no other story shares: clauses of characters drawn from the
    seed article's (its frequencies), with its punctuation, a figure now and then and 「quotes」: the
    page's metrics and 避头尾 cases are a real page's, and every stretch of a dozen characters is this
    story's own, so a judge reading the PDF back knows whose a line is and where in it it stands."""
    out, n = [], 0
    while n < chars:
        clause = "".join(rng.choice(_POOL) for _ in range(rng.randint(6, 22)))
        r = rng.random()
        if r < 0.08:
            clause += f"{rng.randint(2, 2024)}年"
        elif r < 0.14:
            clause = "“" + clause + "”"
        elif r < 0.18:
            clause += f"（{rng.choice(_POOL)}{rng.choice(_POOL)}）"
        clause += "。" if rng.random() < 0.35 else rng.choice(_MARKS)
        out.append(clause)
        n += len(clause)
    text = "".join(out)
    return text[:-1] + "。" if text[-1] != "。" else text


def family_texts(v) -> tuple[str, list[tuple[tuple[str, ...], list[str]]]]:
    """As `variants.texts` (a lead, sections of paragraphs under 小标题), the text `_family_text`'s."""
    rng = random.Random(v.seed)
    parts = (1 if v.lead else 0) + max(v.sections, 0) or 1
    share = v.body_chars // parts
    lead = _family_text(rng, min(share, 220)) if v.lead else ""
    rest = v.body_chars - len(lead)
    sections = []
    count = max(v.sections, 1)
    for _ in range(count):
        budget = rest // count
        paras, used = [], 0
        while used < budget:
            p = _family_text(rng, min(budget - used, rng.randint(120, 420)))
            paras.append(p)
            used += len(p)
        heading = (rng.choice(V.PHRASES), rng.choice(V.PHRASES)) if v.sections else ()
        sections.append((heading, paras))
    return lead, sections


def random_family_page(rng: random.Random, grids: dict[str, "Grid"]) -> PageVariant:
    """A page of the family the judge measures (issue 21): 3–7 stories, 0–3 photos each in either
    orientation (aspect 0.6–2.0; a lower story's upright photo now and then a head shot), a 简讯 block
    and a 导读 box or not, no ad, a foot ad or a half-width foot ad, the text sized to the free area
    give or take a fifth; one page in eight has a 头条 too long that continues (continue_to: 4), one in
    eight the 头条's module placed (place:), one in eight its first photo placed."""
    template = rng.choice(TEMPLATES)
    g = grids[template]
    ad, free = _foot_ad(rng, g)
    n = rng.randint(3, 7)
    briefs = rng.choice((0, rng.randint(3, 6)))
    digest = rng.choice((0, 0, rng.randint(3, 5)))
    photos = [tuple(round(rng.uniform(0.6, 2.0), 3) for _ in range(rng.choice((0, 0, 1, 1, 2, 3) if k else (0, 1, 1, 2, 3))))
              for k in range(n)]
    headshots = frozenset((k, i) for k, ph in enumerate(photos) if k >= 2 for i, a in enumerate(ph)
                          if a < 0.9 and rng.random() < 0.4)
    taken = sum(g.band_cells(k) for k in range(n))
    taken += sum(g.photo_cells(k, j) // (3 if (k, j) in headshots else 1)
                 for k, ph in enumerate(photos) for j, _ in enumerate(ph))
    taken += briefs * 5 * 2 + (digest + 4) * 3 + (n + bool(briefs) + bool(digest)) * g.columns // 2
    text = max(free - taken, free // 4) * g.chars * rng.uniform(0.8, 1.2)
    weights = [rng.uniform(2.0, 3.5)] + [rng.uniform(0.6, 1.6) for _ in range(n - 1)]
    weights[1:] = sorted(weights[1:], reverse=True)
    kind = rng.choice(("plain",) * 5 + ("jump", "pin", "photo"))
    jump = 4 if kind == "jump" else None
    stories = tuple(StorySpec(max(220, int(text * w / sum(weights) * (rng.uniform(1.6, 2.6) if jump and k == 0 else 1))),
                              photos[k], rng.choice((0, 0, 1, 2)) if k < 2 else 0, rng.random() < 0.4 and k == 0,
                              rng.random() < 0.3 and k < 2, rng.randrange(2**31))
                    for k, w in enumerate(weights))
    pin = None
    if kind == "pin":  # the 头条 across the top, its depth its share of the text give or take
        share = weights[0] / sum(weights)
        pin = (0, g.columns, 0, max(24, min(int(g.rows * 0.6), round(g.rows * share * rng.uniform(0.9, 1.3)))))
    photo_place = None
    if kind == "photo" and photos[0]:
        span = rng.choice((g.columns // 2, g.columns))
        photo_place = (span, rng.randint(g.rows // 6, g.rows // 4))
    return PageVariant(template, stories, briefs, digest, ad, rng.randrange(2**31), True, jump, pin, photo_place,
                       headshots)


def family(count: int, grids: dict[str, "Grid"], seed: int = 21) -> list[PageVariant]:
    """The first `count` pages of the family drawn from `seed`."""
    rng = random.Random(seed)
    return [random_family_page(rng, grids) for _ in range(count)]


def late_edit(v: PageVariant, rng: random.Random) -> tuple[PageVariant, str]:
    """A late edit of page `v`: one story (not a 转版 头条) grows or shrinks by up to a fifth; the
    edited page and what was done."""
    ks = [k for k in range(len(v.stories)) if not (k == 0 and v.jump)]
    k = rng.choice(ks)
    factor = rng.choice((-1, 1)) * rng.uniform(0.03, 0.2)
    s = v.stories[k]
    chars = max(120, round(s.chars * (1 + factor)))
    stories = v.stories[:k] + (replace(s, chars=chars),) + v.stories[k + 1:]
    return replace(v, stories=stories), f"s{k + 1} {chars - s.chars:+d} characters ({factor:+.0%})"
