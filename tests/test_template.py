"""Templates as data: the built-ins give the 对开 and 四开 grids; bad templates are one-line errors."""

import pytest

from layout.base.errors import InputError
from layout.compose.grid import rows
from layout.compose.story import Area, geometry
from layout.source.template import load_template
from layout.base.units import pt_to_mm


def test_broadsheet_grid_is_the_duikai_standard():
    t = load_template("broadsheet")
    assert (round(pt_to_mm(t.page_width_pt)), round(pt_to_mm(t.page_height_pt))) == (390, 543)
    assert (t.columns, t.column_chars, t.gutter_chars) == (8, 13, 1)
    assert t.type_width_pt == 111 * 9  # 8 × 13 + 7 characters of 小五
    assert abs(pt_to_mm(t.type_width_pt) - 352.4) < 0.1
    assert t.rows == 104 and t.line_pitch_pt == 13.5
    # centred on the trim; bottom margin positive
    assert abs(t.type_left_pt * 2 + t.type_width_pt - t.page_width_pt) < 1e-9
    assert t.page_height_pt - t.type_top_pt - t.type_height_pt > 0


def test_tabloid_grid_is_the_sikai_standard():
    t = load_template("tabloid")
    assert (round(pt_to_mm(t.page_width_pt)), round(pt_to_mm(t.page_height_pt))) == (270, 390)
    assert (t.columns, t.column_chars) == (6, 11) and t.type_width_pt == 71 * 9


def test_body_columns_on_basic_columns_and_bianlan():
    t = load_template("broadsheet")
    whole = Area(0, t.columns, 0, t.rows)
    four = geometry(t, whole, 4).body
    assert four.column_width_pt == 27 * 9 and four.gutter_pt == 9  # 2栏 = 27 characters
    five = geometry(t, whole, 5).body  # 变栏: 1.5-character gutters over the same type area
    assert five.gutter_pt == 13.5 and abs(five.width_pt(5) - t.type_width_pt) < 1e-9
    assert abs(five.column_width_pt - 21 * 9) < 1e-9


def test_rows_share_edges_with_text():
    g = rows(load_template("broadsheet"))
    assert g.height_pt(3) == 3 * 13.5 - 4.5  # 行取り: n lines minus one gap
    assert abs(g.top_y(2) - g.baseline_y(2) - 0.88 * 9) < 1e-9


def test_unknown_template_names_the_choices():
    with pytest.raises(InputError, match="broadsheet"):
        load_template("berliner")


def test_type_area_larger_than_trim_is_an_error(tmp_path):
    p = tmp_path / "huge.yaml"
    p.write_text("name: huge\ntrim: {width_mm: 100, height_mm: 100}\ntype_area_top_mm: 10\n"
                 "grid: {columns: 8, column_chars: 13, rows: 104, line_pitch_pt: 13.5}\n", encoding="utf-8")
    with pytest.raises(InputError, match="does not fit the trim"):
        load_template(str(p))


def test_template_typo_gets_did_you_mean(tmp_path):
    p = tmp_path / "typo.yaml"
    p.write_text("name: t\ntrim: {width_mm: 390, height_mm: 543}\ntype_area_top_mm: 27\n"
                 "grid: {columns: 8, column_chars: 13, rows: 104, line_pich_pt: 13.5}\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_template(str(p))
    assert "line_pitch_pt" in str(e.value) and "typo.yaml:4" in str(e.value)


@pytest.mark.parametrize("old, new, said", [
    ("columns: 8\n", "columns: 13\n", "grid.columns: 13 is out of range 1–12"),
    ("rows: 104\n", "rows: 201\n", "grid.rows: 201 is out of range 5–200"),
])
def test_a_grid_too_large_for_a_bounded_search_is_refused(tmp_path, old, new, said):
    """The module search grows with the grid: its size is bounded with the other limits (issue 22)."""
    from layout.source.template import resolve_template_path

    with open(resolve_template_path("broadsheet"), encoding="utf-8") as fh:
        text = fh.read()
    assert old in text
    path = tmp_path / "big.yaml"
    path.write_text(text.replace(old, new, 1).replace("width_mm: 390, height_mm: 543", "width_mm: 900, height_mm: 900"),
                    encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_template(str(path))
    assert said in str(e.value) and "big.yaml:" in str(e.value), str(e.value)


@pytest.mark.parametrize("name", ["broadsheet", "tabloid"])
def test_every_rank_has_room_for_a_two_column_portrait(name):
    """The narrowest photo the rules allow (photos.min_span columns) set upright (3:5, the tallest a
    desk sends) and cropped as far as the crop rule lets, must have a size in every rank's area range:
    else a lower story's portrait fits no module at all (the tabloid's ranges, scaled by area from the
    broadsheet's, once refused every 三条 with an upright photo as "too little text")."""
    from layout.compose import rules

    t = load_template(name)
    width_cm = (t.photo_min_span * t.column_width_pt + (t.photo_min_span - 1) * t.gutter_pt) * 2.54 / 72
    least_cm2 = width_cm * (width_cm * 5 / 3) * (1 - rules.figure("photo-crop"))
    for rank in range(1, len(t.photo_areas_cm2) + 2):
        for first in (True, False):
            assert least_cm2 <= t.photo_area_range(rank, first)[1], (rank, first, least_cm2)
    # the 头条's first photo still dominates the others (photo-dominant)
    assert t.photo_area_range(1, True)[0] >= rules.figure("photo-dominant") * t.photo_others_cm2[1] - 1e-6
