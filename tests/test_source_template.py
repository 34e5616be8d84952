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
