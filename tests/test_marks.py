"""Bleed and crop marks: the page moves inside a larger sheet; marks stay outside the trim."""

from layout.output.marks import MARK_LENGTH_PT, with_bleed
from layout.base.primitives import Box, GlyphRun, PageLayout, Rule

PAGE = PageLayout(100.0, 200.0, (0.0, 0.0, 100.0, 200.0),
                  items=(GlyphRun(10, 20, "F", 9, "字", (0.0,)), Rule(0, 0, 100, 0, 1), Box(5, 5, 10, 10)))


def test_no_bleed_no_change():
    assert with_bleed(PAGE, 0, False) is PAGE


def test_bleed_grows_the_sheet_and_moves_everything():
    out = with_bleed(PAGE, 8.5, False)
    assert (out.width_pt, out.height_pt) == (117.0, 217.0)
    assert out.trim == (8.5, 8.5, 108.5, 208.5) and out.bleed == (0.0, 0.0, 117.0, 217.0)
    run = out.items[0]
    assert (run.x_pt, run.y_pt) == (18.5, 28.5)


def test_marks_sit_outside_the_trim_inside_the_sheet():
    out = with_bleed(PAGE, 8.5, True)
    marks = [i for i in out.items if isinstance(i, Rule) and i.kind == "crop-mark"]
    assert len(marks) == 8
    x0, y0, x1, y1 = out.trim
    for m in marks:
        for x, y in ((m.x0_pt, m.y0_pt), (m.x1_pt, m.y1_pt)):
            assert 0 <= x <= out.width_pt and 0 <= y <= out.height_pt
            assert not (x0 < x < x1 and y0 < y < y1)  # never inside the trimmed page
        assert abs(abs(m.x1_pt - m.x0_pt) + abs(m.y1_pt - m.y0_pt) - MARK_LENGTH_PT) < 1e-9


def test_frames_grid_and_story_regions_move_with_the_page():
    from layout.base.primitives import Frame, StoryRegion

    page = PageLayout(100.0, 200.0, (0.0, 0.0, 100.0, 200.0), items=PAGE.items,
                      frames=(Frame("b", "headline", 10, 20, 30, 40),), grid_lines=(Rule(50, 0, 50, 200, 0.1),),
                      regions=(StoryRegion("s", "story", "t", 5, 6, 50, 60),))
    out = with_bleed(page, 8.5, False)
    (frame,), (grid,), (region,) = out.frames, out.grid_lines, out.regions
    assert (frame.x_pt, frame.y_pt, frame.width_pt, frame.height_pt) == (18.5, 28.5, 30, 40)
    assert (grid.x0_pt, grid.y0_pt, grid.x1_pt, grid.y1_pt) == (58.5, 8.5, 58.5, 208.5)
    assert (region.x_pt, region.y_pt, region.width_pt, region.height_pt) == (13.5, 14.5, 50, 60)


def test_crop_marks_print_on_every_plate():
    """A crop mark is in registration colour (100 % of every ink): each plate is trimmed by its own marks."""
    out = with_bleed(PAGE, 8.5, True)
    marks = [i for i in out.items if isinstance(i, Rule) and i.kind == "crop-mark"]
    assert marks and {m.color for m in marks} == {(1.0, 1.0, 1.0, 1.0)}


def test_each_crop_mark_runs_outward_from_the_bleed():
    out = with_bleed(PAGE, 8.5, True)
    x0, y0, x1, y1 = out.trim
    for m in (i for i in out.items if isinstance(i, Rule) and i.kind == "crop-mark"):
        for x, y in ((m.x0_pt, m.y0_pt), (m.x1_pt, m.y1_pt)):
            outside = max(x0 - x, x - x1, y0 - y, y - y1)  # how far outside the trim box
            assert 8.5 - 1e-9 <= outside <= 8.5 + MARK_LENGTH_PT + 1e-9
