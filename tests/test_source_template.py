"""Template files (layout.source.template) in process: the rank ladders' checks, a template named by path
or by a built-in name, and the errors of both, with the figures as the desk wrote them."""

from __future__ import annotations

import os

import pytest

from layout.base.errors import InputError
from layout.source.template import _check_ladder, load_template, resolve_template_path


def refusal(*args, **kw) -> str:
    with pytest.raises(InputError) as e:
        _check_ladder(*args, **kw)
    return str(e.value)


def test_a_ladder_that_falls_or_stays_passes():
    assert _check_ladder(((40, 48), (30, 40), (30, 30)), "t.yaml:3:5 m", "modules.ladder", "headline sizes") is None
    assert _check_ladder(((10, 20), (15, 30)), "w", "photos.area_cm2", "photo areas", strict=False) is None


def test_a_range_whose_least_is_above_its_most():
    assert refusal(((40, 48), (36.5, 30)), "t.yaml:3:5 m", "modules.ladder", "headline sizes") == (
        "t.yaml:3:5 m: modules.ladder[1] is [36.5, 30]: its least is above its most (hint: give [least, most] "
        "headline sizes)")
    assert refusal(((20, 10),), "w", "photos.area_cm2", "photo areas", strict=False).startswith(
        "w: photos.area_cm2[0] is [20, 10]")


def test_a_rank_that_grows_above_the_rank_before():
    assert refusal(((40, 48), (30, 40.5)), "w", "modules.ladder", "headline sizes") == (
        "w: modules.ladder[1] reaches 40.5, above rank 1's least 40 (hint: headline sizes never grow as rank "
        "falls: lower rank 2's range)")
    assert refusal(((40, 48), (30, 40), (20, 31)), "w", "modules.ladder", "sizes").startswith(
        "w: modules.ladder[2] reaches 31, above rank 2's least 30")


def test_unknown_name_and_missing_file(tmp_path):
    with pytest.raises(InputError) as e:
        resolve_template_path("nosuch", str(tmp_path), "p.yaml:2:11 template")
    folder = os.path.join(os.path.dirname(__file__), "..", "layout", "source", "templates")
    known = ", ".join(sorted(f[:-5] for f in os.listdir(folder) if f.endswith(".yaml")))
    assert str(e.value) == (f"p.yaml:2:11 template: unknown template 'nosuch' (hint: use one of {known}, or a path "
                            "to a template YAML file)")
    with pytest.raises(InputError) as e:
        resolve_template_path("t.yaml", str(tmp_path), "p.yaml:2:11 template")
    assert str(e.value) == (f"p.yaml:2:11 template: template file '{tmp_path}/t.yaml' not found (hint: give a "
                            "built-in name (broadsheet, tabloid) or an existing .yaml path)")


def test_a_template_by_relative_and_absolute_path(tmp_path):
    builtin = resolve_template_path("tabloid")
    text = open(builtin, encoding="utf-8").read()
    (tmp_path / "t.yml").write_text(text, encoding="utf-8")
    assert resolve_template_path("t.yml", str(tmp_path)) == os.path.join(str(tmp_path), "t.yml")
    assert resolve_template_path(str(tmp_path / "t.yml"), "/nowhere") == str(tmp_path / "t.yml")
    a, b = load_template("t.yml", str(tmp_path)), load_template("tabloid")
    assert a.path != b.path and (a.columns, a.rows, a.page_width_pt) == (b.columns, b.rows, b.page_width_pt)
    # the type area is centred across the trim: body columns and gutters counted by hand
    type_w = a.columns * a.column_chars * a.body_size_pt + (a.columns - 1) * a.gutter_chars * a.body_size_pt
    assert a.type_left_pt == pytest.approx((a.page_width_pt - type_w) / 2)
    assert a.styles["body"].size_pt == a.body_size_pt


FULL = """name: t1
label: 测试开
trim: {width_mm: 254, height_mm: 381}
type_area_top_mm: 25.4
grid: {columns: 4, column_chars: 10, gutter_chars: 2, rows: 50, body_size_pt: 10, line_pitch_pt: 15}
body: {columns: 2, gutter_chars: 1.5}
styles:
  headline: {size_pt: 40, min_size_pt: 30}
  kicker: {size_pt: 21}
  subtitle: {size_pt: 15}
  byline: {size_pt: 9.5}
  subhead: {size_pt: 12, min_size_pt: 11, rows: 3}
  caption: {size_pt: 8.5}
  sidebar_title: {size_pt: 12.5}
  sidebar: {size_pt: 9}
  folio: {size_pt: 8}
folio: {baseline_above_mm: 12.7, rule_width_pt: 0.6}
rules: {column_rule_width_pt: 0.35}
copyfit: {max_aspect_change: 1.3, photo_min_width_chars: 9.5, photo_min_rows: 7, lead_photo_min_rows: 13,
          sidebar_max_padding_rows: 5, min_run_lines: 4, subhead_extra_rows: 2}
modules: {ladder: [[30, 36], [20, 26]], rule_width_pt: 0.45, min_rows: 11, briefs_gap_rows: 3,
          digest_max_padding_rows: 4, filler_max_padding_rows: 6}
photos: {min_span: 2, area_cm2: [[100, 400], [20, 80]], others_cm2: [12, 81]}
"""


def test_every_value_of_a_template_file_arrives(tmp_path):
    (tmp_path / "t.yaml").write_text(FULL, encoding="utf-8")
    t = load_template("t.yaml", str(tmp_path))
    pt = 72 / 25.4  # points per mm
    assert (t.name, t.label, t.path) == ("t1", "测试开", os.path.join(str(tmp_path), "t.yaml"))
    assert (t.page_width_pt, t.page_height_pt, t.type_top_pt) == pytest.approx((720, 1080, 72))
    # type area: 4 × 10 × 10 pt + 3 gutters × 2 × 10 pt = 460 pt wide, centred on 720
    assert t.type_left_pt == pytest.approx(130)
    assert (t.columns, t.column_chars, t.gutter_chars, t.rows, t.body_size_pt, t.line_pitch_pt) == (4, 10, 2, 50, 10, 15)
    assert (t.body_columns, t.body_gutter_chars) == (2, 1.5)
    assert t.folio_baseline_above_pt == pytest.approx(12.7 * pt) and t.folio_rule_pt == 0.6
    assert t.column_rule_pt == 0.35
    assert (t.max_aspect_change, t.photo_min_width_chars, t.photo_min_rows, t.lead_photo_min_rows,
            t.sidebar_max_padding_rows, t.min_run_lines, t.subhead_extra_rows) == (1.3, 9.5, 7, 13, 5, 4, 2)
    assert t.ladder == ((30.0, 36.0), (20.0, 26.0))
    assert (t.module_rule_pt, t.module_min_rows, t.briefs_gap_rows, t.digest_max_padding_rows,
            t.filler_max_padding_rows) == (0.45, 11, 3, 4, 6)
    assert (t.photo_min_span, t.photo_areas_cm2, t.photo_others_cm2) == (2, ((100.0, 400.0), (20.0, 80.0)), (12.0, 81.0))
    s = t.styles
    assert (s["headline"].size_pt, s["headline"].min_size_pt, s["headline"].rows) == (40, 30, 0)
    assert (s["subhead"].size_pt, s["subhead"].min_size_pt, s["subhead"].rows) == (12, 11, 3)
    assert (s["kicker"].size_pt, s["kicker"].min_size_pt) == (21, 0.0)
    assert (s["body"].size_pt, s["caption"].size_pt) == (10, 8.5)


def test_a_type_area_taller_than_the_trim(tmp_path):
    # 50 rows × 15 pt − 5 = 745 pt below 72 pt fits 1080; 80 rows: 1195 + 72 does not
    (tmp_path / "t.yaml").write_text(FULL.replace("rows: 50,", "rows: 80,"), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_template("t.yaml", str(tmp_path))
    assert str(e.value) == (f"{tmp_path}/t.yaml:5:7 grid: the type area (460 × 1195 pt) does not fit the trim "
                            "(720 × 1080 pt) (hint: reduce grid.columns/column_chars/rows or type_area_top_mm)")


def test_a_line_pitch_below_the_body_size(tmp_path):
    (tmp_path / "t.yaml").write_text(FULL.replace("line_pitch_pt: 15", "line_pitch_pt: 9.5"), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_template("t.yaml", str(tmp_path))
    col = FULL.splitlines()[4].index("line_pitch_pt: 15") + len("line_pitch_pt: ") + 1
    assert str(e.value) == (f"{tmp_path}/t.yaml:5:{col} grid.line_pitch_pt: grid.line_pitch_pt is smaller than the "
                            "body size (hint: lines would overlap)")


def test_a_template_beside_the_page_by_default(tmp_path, monkeypatch):
    (tmp_path / "t.yaml").write_text(FULL, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_template("t.yaml").path == os.path.join(".", "t.yaml")
