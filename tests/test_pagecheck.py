"""tools/pagecheck.py, the independent judge of issue 21: it catches each rule on pages drawn by hand
with reportlab (a good page, then each fault made on purpose), and finds nothing on generated pages
of the family the engine builds for real.

The hand-made pages are drawn in reportlab's built-in STSong (a CID font: nothing to embed) on the
broadsheet's grid, read from the template file as the judge reads it; their stories' texts, captions and
photos are written in the page YAML beside them, as a desk would.
"""

from __future__ import annotations

import os
import random
import sys

import pytest
from support import ROOT

sys.path.insert(0, os.path.join(ROOT, "tools"))
import pagecheck as PC  # noqa: E402

import pages as P  # noqa: E402

G = PC.load_geometry("broadsheet", ROOT)
FONT = "STSong-Light"


def _text(seed: int, chars: int) -> str:
    return P._family_text(random.Random(seed), chars)


def _col_x(col: int) -> float:
    return G.left + col * (G.col_w + G.gutter)


class Sheet:
    """A hand-made page: what is drawn (for reportlab) and what the desk wrote (for the YAML)."""

    def __init__(self, folder):
        self.folder = str(folder)
        self.ops: list = []
        self.stories: list[dict] = []
        os.makedirs(os.path.join(self.folder, "img"), exist_ok=True)

    def story(self, sid: str, title: str, text: str, photos=()) -> dict:
        s = {"id": sid, "headline": {"title": [title]}, "lead": [text], "photos": list(photos)}
        self.stories.append(s)
        return s

    def run(self, text: str, size: float, x: float, row_top: float) -> float:
        """A line of `text` at `size` whose em box starts at `row_top` (from the trim's top); its bottom."""
        self.ops.append(("text", text, size, x, row_top + 0.88 * size))
        return row_top + size

    def columns(self, text: str, cols: list[int], top: float, lines: int) -> str:
        """`text` down the basic columns `cols` from `top`, `lines` lines each; what is left over."""
        n = int(G.col_w // G.body)
        for c in cols:
            for k in range(lines):
                if not text:
                    return ""
                self.ops.append(("text", text[:n], G.body, _col_x(c), top + k * G.pitch + 0.88 * G.body))
                text = text[n:]
        return text

    def photo(self, story: dict, pid: str, aspect: float, box: tuple, caption: str, **marks) -> None:
        from PIL import Image

        w, h = (800, round(800 / aspect)) if aspect >= 1 else (round(800 * aspect), 800)
        path = f"img/{story['id']}-{pid}.jpg"
        Image.new("RGB", (w, h), (120, 150, 180)).save(os.path.join(self.folder, path))
        story["photos"].append({"id": pid, "file": path, "caption": caption, **marks})
        self.ops.append(("image", os.path.join(self.folder, path), box))
        self.run(caption, G.caption, box[0], box[3] + 3)

    def save(self) -> tuple[str, str]:
        import yaml
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        pdf = os.path.join(self.folder, "page.pdf")
        c = canvas.Canvas(pdf, pagesize=(G.width, G.height))
        for op in self.ops:
            if op[0] == "text":
                _, text, size, x, base = op
                c.setFont(FONT, size)
                c.drawString(x, G.height - base, text)
            else:
                _, path, (x0, top, x1, bottom) = op
                c.drawImage(path, x0, G.height - bottom, x1 - x0, bottom - top)
        c.save()
        doc = {"template": "broadsheet", "edition": {"paper": "示例日报", "date": "2021-01-19", "page": 2,
                                                     "page_name": "要闻"}, "stories": self.stories}
        path = os.path.join(self.folder, "page.yaml")
        with open(path, "w", encoding="utf-8") as fh:
            yaml.safe_dump(doc, fh, allow_unicode=True, sort_keys=False)
        return pdf, path


def _good(folder, fault: str = "") -> tuple[str, str]:
    """Three stories stacked across the page: the 头条 with its photo over four columns beside its text,
    the 二条 and 三条 under it. `fault` makes one thing wrong."""
    sh = Sheet(folder)
    top = G.top
    sizes = {"s1": 40.0, "s2": 28.0, "s3": 22.0}
    if fault == "ladder":
        sizes["s3"] = 30.0  # a 三条 above the 二条
    if fault == "floor":
        sizes["s2"] = 22.0  # a 二条 under its floor (28 pt)
    s1 = sh.story("s1", "全市秋粮收获基本结束", _text(1, 1100))
    y = sh.run("全市秋粮收获基本结束", sizes["s1"], G.left, top) + G.pitch
    photo_w = 4 * G.col_w + 3 * G.gutter
    aspect = 1.5
    if fault == "tiny":
        photo_w = G.col_w
    h = photo_w / aspect
    sh.photo(s1, "p1", aspect if fault != "crop" else 1.0, (_col_x(4), y, _col_x(4) + photo_w, y + h), "城东新建的城市公园")
    rest = sh.columns(s1["lead"][0], [0, 1, 2, 3], y, 22)
    assert not rest
    y += 24 * G.pitch
    s2 = sh.story("s2", "老旧小区改造惠及三万余户", _text(2, 800))
    s3 = sh.story("s3", "职业教育活动周启动", _text(3, 600))
    if fault == "zhuangti":  # the 二条 and the 三条 side by side, their headlines on the same rows
        sh.run("老旧小区改造惠及三万余户", sizes["s2"], G.left, y)
        sh.run("职业教育活动周启动", sizes["s3"], _col_x(4), y)
        y2 = y + sizes["s2"] + G.pitch
        sh.columns(s2["lead"][0], [0, 1, 2, 3], y2, 16)
        sh.columns(s3["lead"][0], [4, 5, 6, 7], y2, 12)
        return sh.save()
    y = sh.run("老旧小区改造惠及三万余户", sizes["s2"], G.left, y) + G.pitch
    order = [1, 0, 2, 3, 4, 5, 6, 7] if fault == "reading" else list(range(8))
    sh.columns(s2["lead"][0], order, y, 8)
    if fault == "overlap":  # a subhead wider than its column, over the next column's text
        sh.run("城市更新有温度城市更新有温度", 13.0, _col_x(0) + 20, y + 2 * G.pitch)
    if fault == "outside":
        sh.run("超出版心", 13.0, G.left + G.type_w - 20, y + 4 * G.pitch)
    y += 9 * G.pitch
    y = sh.run("职业教育活动周启动", sizes["s3"], G.left, y) + G.pitch
    if fault == "rank":  # the 三条's photo larger than the 头条's
        sh.photo(s3, "p1", 1.5, (_col_x(4), y, _col_x(8) - G.gutter, y + 400), "城南施工现场")
        sh.columns(s3["lead"][0], [0, 1, 2, 3], y, 14)
    else:
        sh.columns(s3["lead"][0], list(range(8)), y, 8)
    return sh.save()


def _rules(pdf: str, yml: str) -> set[str]:
    got = PC.check(pdf, yml)
    return {f["rule"] for f in got["findings"] if f["hard"]}


def test_a_good_hand_made_page_passes(tmp_path):
    got = PC.check(*_good(tmp_path))
    assert got["hard"] == 0, got["findings"]
    assert all(m["order_kept"] == 1.0 for m in got["stories"].values()), got["stories"]
    assert [got["stories"][s]["headline_pt"] for s in ("s1", "s2", "s3")] == [40.0, 28.0, 22.0]
    assert got["photos"][0]["item"] == "s1" and got["photos"][0]["photo"] == "p1"


@pytest.mark.parametrize("fault, rule", [
    ("overlap", "overlap"), ("outside", "outside"), ("ladder", "headline-ladder"), ("floor", "headline-ladder"),
    ("tiny", "photo-min-span"), ("crop", "photo-crop"), ("reading", "reading-path"), ("zhuangti", "zhuangti"),
    ("rank", "photo-rank"), ("rank", "photo-dominant"),
])
def test_each_fault_is_caught(tmp_path, fault, rule):
    assert rule in _rules(*_good(tmp_path, fault))


def test_a_head_shot_may_be_one_column(tmp_path):
    """The 1-column photo of the "tiny" page is no fault once the desk marks it a head shot."""
    import yaml

    pdf, yml = _good(tmp_path, "tiny")
    with open(yml, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    doc["stories"][0]["photos"][0]["headshot"] = True
    with open(yml, "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True)
    assert "photo-min-span" not in _rules(pdf, yml)


def test_a_zhuanban_with_its_photo_above_the_headline(tmp_path):
    """A 专版: one story, its photo across the top above the headline (art-top); no ladder, no 撞题, and
    the photo above the headline is no fault."""
    import yaml

    sh = Sheet(tmp_path)
    s = sh.story("main", "砥砺前行铸辉煌", _text(5, 2000))
    top = G.top
    sh.photo(s, "p1", 3.0, (G.left, top, G.left + G.type_w, top + G.type_w / 3), "河畔夜色中的街道")
    y = top + G.type_w / 3 + 3 * G.pitch
    y = sh.run("砥砺前行铸辉煌", 48.0, G.left, y) + G.pitch
    sh.columns(s["lead"][0], list(range(8)), y, 20)
    pdf, yml = sh.save()
    with open(yml, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    one = {k: v for k, v in doc["stories"][0].items() if k != "id"}
    doc = dict({k: v for k, v in doc.items() if k != "stories"}, **one)
    with open(yml, "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True)
    got = PC.check(pdf, yml)
    assert got["hard"] == 0, got["findings"]


def test_generated_pages_built_by_the_engine_are_clean(tmp_path, zhpaper_cache):
    """The first three pages of the family (seed 21) that the engine builds, built for real in this process
    and judged from their PDFs: 0 hard findings on each. (Pages 0–2 of the family are refused as
    infeasible when this was written; the walk starts at 3 to keep the test short, and takes the next
    page whenever one is refused.)"""
    from layout.base.errors import InputError
    from layout.pipeline import BuildOptions, build
    from layout.source.template import load_template

    grids = {name: P.Grid.of(load_template(name)) for name in P.TEMPLATES}
    built = 0
    for k, v in enumerate(P.family(30, grids, seed=21)):
        if k < 3:
            continue
        folder = tmp_path / f"p{k}"
        src = P.write(v, str(folder / "in"), grids)
        pdf = str(folder / "page.pdf")
        try:
            build(src, BuildOptions(out_pdf=pdf, cache_dir=zhpaper_cache))
        except InputError:
            continue
        got = PC.check(pdf, src)
        assert got["hard"] == 0, (k, v.label(), [f for f in got["findings"] if f["hard"]])
        assert all(m["order_kept"] is None or m["order_kept"] >= PC.ORDER_KEPT for m in got["stories"].values())
        built += 1
        if built == 3:
            break
    assert built == 3
