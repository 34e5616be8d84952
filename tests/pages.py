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

from layout.base.model import (Briefs, Credit, Digest, Edition, Filler, Headline, Page, Photo, Reserved, Section, Story,
                               Text)

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

    def label(self) -> str:
        ad = f"ad {self.ad[1]}×{self.ad[2]} at col {self.ad[0] + 1}" if self.ad else "no ad"
        return (f"{self.template}, {len(self.stories)} stories "
                f"({', '.join(f'{s.chars}c/{len(s.photos)}p' for s in self.stories)}), "
                f"briefs {self.briefs}, digest {self.digest}, {ad}, seed {self.seed}")


def random_page(rng: random.Random, grids: dict[str, "Grid"]) -> PageVariant:
    """A page drawn uniformly, its text sized to what its free type area holds (see `Grid`) give or
    take a fifth: the desk plans a page's lengths (算字数), not to the line."""
    template = rng.choice(TEMPLATES)
    g = grids[template]
    ad = rng.choice((None, "full", "half"))
    if ad == "full":
        ad = (0, g.columns, rng.randint(g.rows // 8, g.rows // 4))
    elif ad == "half":
        span = g.columns // 2
        ad = (rng.choice((0, g.columns - span)), span, rng.randint(g.rows // 6, g.rows // 3))
    free = g.columns * g.rows - (ad[1] * ad[2] if ad else 0)
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


def _story(k: int, s: StorySpec, rng: random.Random, title: str) -> Story:
    v = V.Variant("broadsheet", 8, s.chars, True, s.sections, (), 0, s.seed)
    lead, sections = V.texts(v)
    photos = tuple(Photo(f"p{i + 1}", f"img/s{k + 1}-p{i + 1}.jpg", Text(rng.choice(V.CAPTIONS)))
                   for i, _ in enumerate(s.photos))
    headline = Headline(Text(rng.choice(KICKERS)) if s.kicker else None, (Text(title),),
                        Text(rng.choice(SUBTITLES)) if s.subtitle else None)
    return Story(f"s{k + 1}", headline, (Credit("文", Text("本报记者 示例")),), None, (Text(lead),),
                 tuple(Section(tuple(Text(h) for h in heading), tuple(Text(p) for p in paras))
                       for heading, paras in sections if paras),
                 photos, source_file="page.yaml")


def _briefs(v: PageVariant, rng: random.Random) -> Briefs:
    items = tuple(Text("本报讯　" + V._text(rng, rng.randint(30, 70))) for _ in range(v.briefs))
    return Briefs("jianxun", Text("简讯"), items)


def _digest(v: PageVariant, rng: random.Random) -> Digest:
    return Digest("daodu", Text("导读"), tuple((Text(rng.choice(POINTERS)), rng.randint(3, 16)) for _ in range(v.digest)))


def page_of(v: PageVariant, grids: dict[str, Grid], base_dir: str = ".") -> tuple[Page, dict]:
    """The variant as a Page (no files) and its photo sizes, for composition on fake metrics."""
    rng = random.Random(v.seed)
    titles = random.Random(v.seed + 1).sample(TITLES, len(v.stories))
    items: list = [_story(k, s, rng, titles[k]) for k, s in enumerate(v.stories)]
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
        out.append({
            "id": item.id,
            "headline": {"kicker": hl.kicker.text if hl.kicker else None, "title": [t.text for t in hl.title],
                         "subtitle": hl.subtitle.text if hl.subtitle else None},
            "byline": [{"role": c.role, "name": c.name.text} for c in item.byline],
            "lead": [t.text for t in item.lead],
            "sections": [{"heading": [h.text for h in s.heading], "paragraphs": [p.text for p in s.paragraphs]}
                         for s in item.sections],
            "photos": [{"id": ph.id, "file": ph.file, "caption": ph.caption.text} for ph in item.photos],
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
