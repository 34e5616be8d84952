"""The design rules checked on the drawn page (layout.preflight.rules): each rule finds its fault
in a page drawn by hand to break it, and nothing in one drawn to keep it. The pages are primitives
placed here directly, so the checks are tested on boxes, not on what the engine planned."""

from __future__ import annotations

from layout.base.model import Credit, Edition, Headline, Page, Photo, Story, Text
from layout.base.primitives import GlyphRun, Image, PageLayout, Rule, StoryRegion
from layout.compose import rules as R
from layout.preflight.rules import check
from layout.source.template import load_template

T = load_template("broadsheet")
W, H = T.page_width_pt, T.page_height_pt


def story(sid: str, photos: tuple[Photo, ...] = (), **kw) -> Story:
    return Story(sid, Headline(None, (Text("标题"),)), (Credit("文", Text("记者")),), None, (Text("正文" * 20),), (),
                 photos, path=f"stories[{sid[-1]}]", **kw)


def page(*stories: Story) -> Page:
    return Page("broadsheet", Edition("示例日报", "2021-01-19", 2, "要闻"), tuple(stories), source_file="page.yaml")


def run(sid: str, kind: str, x: float, y: float, chars: str, size: float = 9.0, block: str = "") -> GlyphRun:
    return GlyphRun(x, y, "F", size, chars, tuple(k * size for k in range(len(chars))), block=block or f"{sid}/x",
                    kind=kind, story=sid)


def layout(items, regions) -> PageLayout:
    return PageLayout(W, H, (0, 0, W, H), tuple(items), regions=tuple(regions))


def found(p: Page, lay: PageLayout, sizes=None) -> dict[str, int]:
    got, table = check(p, T, lay, sizes or {})
    assert {r: v["findings"] for r, v in table.items() if v["findings"]} == \
        {r: n for r, n in _count(got).items()}
    return _count(got)


def _count(findings) -> dict[str, int]:
    out: dict[str, int] = {}
    for f in findings:
        out[f.code] = out.get(f.code, 0) + 1
    return out


REGION_A = StoryRegion("s1", "story", "标题", 100, 400, 300, 300)
REGION_B = StoryRegion("s2", "story", "标题", 409, 400, 300, 300)


def test_a_clean_page_has_no_finding():
    lay = layout([run("s1", "headline", 120, 660, "标题", 44), run("s1", "body", 110, 600, "正文正文"),
                  run("s2", "headline", 430, 560, "标题", 28), run("s2", "body", 420, 500, "正文正文")],
                 [REGION_A, REGION_B])
    assert found(page(story("s1"), story("s2")), lay) == {}


def test_text_over_text_and_over_a_photo_is_an_overlap():
    lay = layout([run("s1", "subhead", 110, 600, "很长很长的小标题"), run("s1", "body", 140, 602, "正文正文"),
                  Image(110, 500, 100, 80, "a.jpg", "", "s1/p1", story="s1"),
                  run("s1", "body", 150, 540, "正文")], [REGION_A])
    assert found(page(story("s1")), lay)["overlap"] == 2


def test_a_rule_through_text_is_an_overlap():
    lay = layout([run("s1", "body", 110, 600, "正文正文"), Rule(100, 603, 200, 603, 0.5, kind="module-rule")],
                 [REGION_A])
    assert found(page(story("s1")), lay) == {"overlap": 1}


def test_a_glyph_past_its_module_is_a_measure_fault():
    lay = layout([run("s1", "subhead", 360, 600, "伸出模块的小标题")], [REGION_A])
    assert found(page(story("s1")), lay) == {"measure": 1}


def test_headline_sizes_outside_their_ranks_range():
    lay = layout([run("s1", "headline", 120, 660, "标题", 30), run("s2", "headline", 430, 500, "标题", 28)],
                 [REGION_A, StoryRegion("s2", "story", "标题", 409, 300, 300, 230)])
    assert found(page(story("s1"), story("s2")), lay) == {"headline-ladder": 1}  # the 头条 at 30 pt


def test_a_lower_rank_headline_larger_than_a_higher_ones_breaks_the_ladder():
    """三条 and 四条 share the ladder's last rung (20–24 pt): the 四条 at 24 over a 三条 at 21 is a
    size that grew as rank fell; at 21 beside 21 it is not."""
    heads = [("s1", 44, 660), ("s2", 30, 560), ("s3", 21, 400), ("s4", 24, 250)]
    lay = layout([run(sid, "headline", 120, y, "标题", size) for sid, size, y in heads], [])
    got, _ = check(page(*(story(s) for s, _, _ in heads)), T, lay, {})
    ladder = [f for f in got if f.code == "headline-ladder"]
    assert [f.where for f in ladder] == ["s4/headline"] and "larger than a higher-ranked story's 21 pt" in ladder[0].message
    level = layout([run(sid, "headline", 120, y, "标题", 21 if sid == "s4" else size) for sid, size, y in heads], [])
    assert not [f for f in check(page(*(story(s) for s, _, _ in heads)), T, level, {})[0] if f.code == "headline-ladder"]


def test_neighbours_headlines_on_one_row_whatever_their_sizes():
    lay = layout([run("s1", "headline", 120, 660, "标题", 44), run("s2", "headline", 430, 650, "标题", 28)],
                 [REGION_A, REGION_B])
    assert found(page(story("s1"), story("s2")), lay) == {"zhuangti": 1}
    apart = layout([run("s1", "headline", 120, 660, "标题", 44), run("s2", "headline", 430, 600, "标题", 28)],
                   [REGION_A, REGION_B])
    assert found(page(story("s1"), story("s2")), apart) == {}


def test_a_lower_ranks_photo_larger_than_the_lead_and_a_stamp():
    p = page(story("s1", (Photo("p1", "a.jpg", Text("图")),)), story("s2", (Photo("p1", "b.jpg", Text("图")),
                                                                             Photo("p2", "c.jpg", Text("图")))))
    lead = Image(110, 450, 360, 240, "a.jpg", "", "s1/p1", story="s1")  # 305 cm²
    big = Image(420, 420, 240, 160, "b.jpg", "", "s2/p1", story="s2")  # 135 cm²: within 1/1.5 of the lead
    stamp = Image(420, 600, 117, 90, "c.jpg", "", "s2/p2", story="s2")  # one column: a stamp
    lay = layout([lead, big, stamp], [REGION_A, REGION_B])
    sizes = {("s1", "p1"): (1500, 1000), ("s2", "p1"): (1500, 1000), ("s2", "p2"): (1300, 1000)}
    got = found(p, lay, sizes)
    assert got.get("photo-min-span") == 1 and "photo-dominant" not in got
    bigger = Image(420, 360, 300, 240, "b.jpg", "", "s2/p1", story="s2")  # 254 cm²: more than 1/1.5 of the lead
    got = found(p, layout([lead, bigger, stamp], [REGION_A, REGION_B]), sizes)
    assert got.get("photo-dominant") == 1 and got.get("photo-range", 0) >= 1


def test_a_photo_cropped_by_more_than_its_share():
    p = page(story("s1", (Photo("p1", "a.jpg", Text("图")),)))
    lay = layout([Image(110, 450, 360, 240, "a.jpg", "", "s1/p1", story="s1")], [REGION_A])  # 1.5
    assert "photo-crop" not in found(p, lay, {("s1", "p1"): (1400, 1000)})  # 7 % cut
    assert found(p, lay, {("s1", "p1"): (1000, 1000)}).get("photo-crop") == 1  # a square cut to 3:2: 33 %
    framed = page(story("s1", (Photo("p1", "a.jpg", Text("图"), framed=True),)))
    assert "photo-crop" not in found(framed, lay, {("s1", "p1"): (1000, 1000)})


def test_every_rule_of_the_table_is_reported_by_name():
    _, table = check(page(story("s1")), T, layout([], [REGION_A]), {})
    assert set(table) == {r.name for r in R.RULES}
    assert all(v["hard"] == R.rule(name).hard for name, v in table.items())
