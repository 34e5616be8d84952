"""Generated articles for the composition engine's variant suite (issue 13).

A `Variant` is drawn by Hypothesis over the ranges a desk's next 专版 may take:

* body 600–6,000 characters, with or without a lead, 0–6 sections (each with a two-phrase 小标题);
* 0–16 photos with aspects from 1:2 to 3:1, the first few in the lead group, the rest at the end;
* no sidebar, or a sidebar of 3–12 items;
* the broadsheet with 4, 6 or 8 body columns, or the tabloid with 3 or 6.

The text is the seed article's own sentences (tests/data), reshuffled by the variant's seed and
cut at a sentence end, so the punctuation and the mix of Han, digits and Latin are a real page's.
`page_of(v)` makes the `Page` directly (fast composition tests on fake metrics); `write(v, folder)`
writes the YAML and small photo files of the right aspects for a real build.
"""

from __future__ import annotations

import os
import random
import re
from dataclasses import dataclass

from hypothesis import strategies as st

from layout.base.model import Credit, Edition, Headline, Page, Photo, Section, Sidebar, Story, Text

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = os.path.join(HERE, "data", "seed-000_88f5a99a4fbbcac4.txt")
_GB = str.maketrans({",": "，", ";": "；", "(": "（", ")": "）"})
TEMPLATES = {"broadsheet": (4, 6, 8), "tabloid": (3, 6)}
PHRASES = ("决战决胜全面小康", "补齐高质量发展短板", "凝聚合力提升实力", "驱动高质量发展引擎", "精准发力乡村振兴",
           "夯实高质量发展基础", "建管并重经营城市", "提升高质量发展形象", "持续优化营商环境", "激发市场主体活力",
           "守护绿水青山", "建设美丽家园")
CAPTIONS = ("淞江产业集聚区", "幸福渠", "郾城区华润新能源平原风电项目", "郾城区2020年项目集中开工", "亿通汽车科技产业园",
            "昌达集团卡波纳酒业生产车间", "叮当牛饮品生产线", "莲花医疗器械世界先进的生产线", "微康益生菌智能化生产车间",
            "新旺化工", "美丽宜居的新城区")
ITEMS = ("全国食品工业强区", "全国县域食品经济示范区", "全国科技进步区", "全国法治县区先进区", "全国食品安全示范区",
         "全国肉类总产40强", "全省项目建设先进区", "全省小农水重点县先进区", "全省文明城市", "全省卫生城市",
         "全国农业产业化示范区", "全省民营经济示范区")


@dataclass(frozen=True)
class Variant:
    template: str
    columns: int
    body_chars: int
    lead: bool
    sections: int
    photos: tuple[tuple[float, str], ...]  # (aspect w/h, group)
    sidebar_items: int  # 0 = no sidebar
    seed: int

    def label(self) -> str:
        side = f"sidebar {self.sidebar_items}" if self.sidebar_items else "no sidebar"
        return (f"{self.template}/{self.columns} cols, {self.body_chars} chars, {'lead, ' if self.lead else ''}"
                f"{self.sections} sections, {len(self.photos)} photos, {side}, seed {self.seed}")


@st.composite
def variants(draw) -> Variant:
    template = draw(st.sampled_from(sorted(TEMPLATES)))
    columns = draw(st.sampled_from(TEMPLATES[template]))
    n = draw(st.integers(0, 16))
    lead_n = draw(st.integers(0, n))
    aspects = draw(st.lists(st.floats(0.5, 3.0), min_size=n, max_size=n))
    photos = tuple((round(a, 3), "lead" if i < lead_n else "end") for i, a in enumerate(aspects))
    return Variant(template, columns, draw(st.integers(600, 6000)), draw(st.booleans()), draw(st.integers(0, 6)),
                   photos, draw(st.sampled_from((0,) + tuple(range(3, 13)))), draw(st.integers(0, 2**31)))


def random_variant(rng: random.Random) -> Variant:
    """A variant drawn uniformly over the same ranges (for the 500-article run: Hypothesis favours the
    ends of each range, a desk's pages do not)."""
    template = rng.choice(sorted(TEMPLATES))
    n = rng.randint(0, 16)
    lead_n = rng.randint(0, n)
    photos = tuple((round(rng.uniform(0.5, 3.0), 3), "lead" if i < lead_n else "end") for i in range(n))
    return Variant(template, rng.choice(TEMPLATES[template]), rng.randint(600, 6000), rng.random() < 0.5,
                   rng.randint(0, 6), photos, rng.choice((0,) + tuple(range(3, 13))), rng.randrange(2**31))


def _sentences() -> list[str]:
    with open(SEED, encoding="utf-8") as fh:
        lines = [ln.strip().translate(_GB) for ln in fh if len(ln.strip()) > 40]
    return [s for ln in lines for s in re.findall(r"[^。]+。", ln)]


_SENTENCES = _sentences()


def _text(rng: random.Random, chars: int) -> str:
    out, n = [], 0
    while n < chars:
        s = rng.choice(_SENTENCES)
        out.append(s)
        n += len(s)
    return "".join(out)


def texts(v: Variant) -> tuple[str, list[tuple[tuple[str, ...], list[str]]]]:
    """(lead paragraph or "", [(subhead phrases, paragraphs)]) making about `body_chars` characters."""
    rng = random.Random(v.seed)
    parts = (1 if v.lead else 0) + max(v.sections, 0)
    if parts == 0:  # no lead and no sections: one untitled section
        parts = 1
    share = v.body_chars // parts
    lead = _text(rng, min(share, 220)) if v.lead else ""
    rest = v.body_chars - len(lead)
    sections = []
    count = max(v.sections, 1)  # no sections: the body after the lead is one section without a subhead
    for i in range(count):
        budget = rest // count
        paras, used = [], 0
        while used < budget:
            p = _text(rng, min(budget - used, rng.randint(120, 420)))
            paras.append(p)
            used += len(p)
        heading = (rng.choice(PHRASES), rng.choice(PHRASES)) if v.sections else ()
        sections.append((heading, paras))
    return lead, sections


def page_of(v: Variant, base_dir: str = ".") -> tuple[Page, dict]:
    """The variant as a Page (no files) and its photo sizes, for composition on fake metrics."""
    rng = random.Random(v.seed + 1)
    lead, sections = texts(v)
    photos = tuple(Photo(f"p{i + 1}", f"img/p{i + 1}.jpg", Text(rng.choice(CAPTIONS)), None, (0.5, 0.5), group)
                   for i, (_, group) in enumerate(v.photos))
    sidebar = None
    if v.sidebar_items:
        sidebar = Sidebar(Text("郾城名片"), tuple(Text(ITEMS[i % len(ITEMS)]) for i in range(v.sidebar_items)))
    story = Story("main", Headline(Text("郾城区"), (Text("砥砺前行铸辉煌"), Text("乘风破浪再起航"))),
                  (Credit("文", Text("张星")), Credit("图", Text("焦海洋"))), sidebar,
                  (Text(lead),) if lead else (),
                  tuple(Section(tuple(Text(h) for h in heading), tuple(Text(p) for p in paras))
                        for heading, paras in sections),
                  photos, body_columns=v.columns, base_dir=base_dir, source_file="variant.yaml")
    page = Page(v.template, Edition("示例日报", "2021-01-18", 8, "专版"), (story,), slug="variant",
                base_dir=base_dir, source_file="variant.yaml",
                options=(("copyfit", True), ("flow_order", ()), ("han_latin_space_em", 0.0), ("hanging", False),
                         ("normalise", True), ("ppi", 200), ("strictness", "gb")))
    sizes = {("main", f"p{i + 1}"): _pixels(a) for i, (a, _) in enumerate(v.photos)}
    return page, sizes


def _pixels(aspect: float, long_side: int = 1600) -> tuple[int, int]:
    return (long_side, max(1, round(long_side / aspect))) if aspect >= 1 else (max(1, round(long_side * aspect)), long_side)


def write(v: Variant, folder: str) -> str:
    """The variant as a page file with photo files of the right aspects; returns the YAML's path."""
    import yaml
    from PIL import Image

    lead, sections = texts(v)
    page, _ = page_of(v, folder)
    story = page.stories[0]
    os.makedirs(os.path.join(folder, "img"), exist_ok=True)
    for ph, (aspect, _) in zip(story.photos, v.photos):
        w, h = _pixels(aspect, 1200)
        Image.new("RGB", (w, h), (120, 150, 180)).save(os.path.join(folder, ph.file), quality=80)
    doc = {
        "template": v.template, "body_columns": v.columns, "slug": "variant",
        "edition": {"paper": "示例日报", "date": "2021-01-18", "page": 8, "page_name": "专版", "sample": False},
        "headline": {"kicker": "郾城区", "title": ["砥砺前行铸辉煌", "乘风破浪再起航"]},
        "byline": [{"role": "文", "name": "张星"}, {"role": "图", "name": "焦海洋"}],
        "sidebar": ({"title": "郾城名片", "items": [t.text for t in story.sidebar.items]} if story.sidebar else None),
        "lead": [lead] if lead else [],
        "sections": [{"heading": list(hd), "paragraphs": ps} for hd, ps in sections],
        "photos": [{"id": ph.id, "file": ph.file, "caption": ph.caption.text, "group": ph.group} for ph in story.photos],
    }
    path = os.path.join(folder, "variant.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False)
    return path
