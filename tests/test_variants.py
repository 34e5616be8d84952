"""The composition engine on articles nobody tuned it to (issue 13).

Hypothesis draws 专版 articles over the ranges a desk's next page may take (tests/variants.py):
body 600–6,000 characters, with and without a lead, 0–6 sections, 0–16 photos of aspect 1:2 to
3:1, no sidebar or one of 3–12 items, the broadsheet at 4, 6 or 8 body columns and the tabloid at
3 or 6. Each is composed on the square test face and must either give a page with no fault the
layout can show — blocks apart and inside the area, every photo within the crop bound, every run
of text at least `min_run_lines`, the columns filled exactly, no 背题, the text conserved in
reading order — or be refused with the one-line copyfit error. The independent bound
(layout.compose.bound, which never looks at the search's plans) says which refusals are right.

The share of articles the bound calls feasible that give a page is the engine's measure: `make
variants` runs 500 articles and reports it with the composing times; here a smaller set keeps it
from falling below what the engine reached when this was written. A few variants are also built
for real (fonts, PDF) and read back with tools/pdfcheck.py.
"""

from __future__ import annotations

import math
import os
import random
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from support import ROOT, fake_faces, run_make_pdf

import variants as V

from layout.compose import arrange
from layout.compose.bound import bound
from layout.compose.page import compose_page
from layout.compose.story import problem_for
from layout.base.errors import InputError
from layout.base.primitives import Image
from layout.source.template import load_template

FACES = fake_faces()
TEMPLATES = {name: load_template(name) for name in V.TEMPLATES}
FLOOR = 0.7  # built / (built + refused inside the bound) on the sample below: 0.77 since the design rules of issue 21 (photos cropped at most 15 %, sized by rank, the reading path; 0.88 before)
TALLY = {"built": 0, "refused_right": 0, "refused_inside_bound": 0}


def _check_page(page, t, lay) -> None:
    """What a layout must show for the page to have no fault."""
    fig = lay.figures
    assert fig["overflow_lines"] == 0 and fig["empty_rows"] == 0 and fig["stranded_subheads"] == 0, fig
    assert fig["overlaps"] == 0
    w, h = lay.width_pt, lay.height_pt
    left, right = t.type_left_pt - 0.01, t.type_left_pt + t.type_width_pt + 0.01
    for f in lay.frames:
        assert left <= f.x_pt and f.x_pt + f.width_pt <= right, f
        assert 0 <= f.y_pt and f.y_pt + f.height_pt <= h + 0.01, f
    frames = [f for f in lay.frames if f.kind != "text"]
    for i, a in enumerate(frames):
        for b in frames[i + 1:]:
            apart = (a.x_pt + a.width_pt <= b.x_pt + 0.01 or b.x_pt + b.width_pt <= a.x_pt + 0.01
                     or a.y_pt + a.height_pt <= b.y_pt + 0.01 or b.y_pt + b.height_pt <= a.y_pt + 0.01)
            assert apart, (a.block, b.block)
    for f in lay.frames:
        if f.kind == "text":
            assert f.rows >= t.min_run_lines, f
    story = page.stories[0]
    sizes = {f"main/{ph.id}": ph for ph in story.photos}
    for im in lay.items:
        if isinstance(im, Image):
            wpx, hpx = SIZES[im.block]
            change = abs(math.log((im.width_pt / im.height_pt) / (wpx / hpx)))
            assert change <= math.log(t.max_aspect_change) + 1e-9, (im.block, change)
    assert {im.block for im in lay.items if isinstance(im, Image)} == set(sizes)
    expected = "".join(t_.text for t_ in story.lead) + "".join(p.text for s in story.sections for p in s.paragraphs)
    assert "".join(r.chars for r in lay.runs("body")) == expected.replace(" ", "")


SIZES: dict = {}


def judge(v: V.Variant) -> str:
    """Compose one variant: "built", "refused_right" or "refused_inside_bound" (asserting a built page
    has no fault and a refusal is the copyfit error)."""
    page, sizes = V.page_of(v)
    SIZES.clear()
    SIZES.update({f"{sid}/{pid}": wh for (sid, pid), wh in sizes.items()})
    t = TEMPLATES[v.template]
    try:
        lay = compose_page(page, t, FACES, sizes)
    except InputError as e:
        line = str(e)
        assert "\n" not in line and "copyfit" in line, line
        b = bound(problem_for(page.stories[0], t, FACES, sizes, dict(page.options)))
        if not b.feasible:
            return "refused_right"
        assert "lines" in line or "do not fit" in line
        return "refused_inside_bound"
    _check_page(page, t, lay)
    return "built"


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(v=V.variants())
def test_every_variant_builds_cleanly_or_is_refused(v):
    TALLY[judge(v)] += 1


def test_the_feasible_share_holds():
    """A seeded uniform draw of 40 articles (`make variants` and `make bench` run the larger ones): the
    share of those the bound calls feasible that give a page stays at least FLOOR."""
    rng = random.Random(13)
    tally = {"built": 0, "refused_right": 0, "refused_inside_bound": 0}
    for _ in range(40):
        tally[judge(V.random_variant(rng))] += 1
    print(f"\n[variants] {tally}", file=sys.stderr)
    feasible = tally["built"] + tally["refused_inside_bound"]
    assert tally["built"] / feasible >= FLOOR, tally


def test_the_bound_refuses_what_cannot_fit():
    """The bound can fail: far too much text for the area, or blocks that cannot fit at all."""
    v = V.Variant("tabloid", 3, 6000, True, 2, ((1.5, "lead"),) * 12, 12, 7)
    page, sizes = V.page_of(v)
    b = bound(problem_for(page.stories[0], TEMPLATES["tabloid"], FACES, sizes, dict(page.options)))
    assert not b.feasible and b.need > b.most
    with pytest.raises(InputError, match="lines over"):
        compose_page(page, TEMPLATES["tabloid"], FACES, sizes)


@pytest.mark.parametrize("seed", [29])
def test_a_variant_built_for_real_reads_back_without_faults(tmp_path, zhpaper_cache, seed):
    """Real fonts, a real PDF, read back by tools/pdfcheck.py: every count zero."""
    rng = random.Random(seed)
    while True:  # the first drawn variant that the engine builds
        v = V.random_variant(rng)
        if judge(v) == "built":
            break
    path = V.write(v, str(tmp_path))
    pdf = str(tmp_path / "out" / "variant.pdf")
    r = run_make_pdf([path, "-o", pdf, "-q"], zhpaper_cache)
    assert r.returncode == 0, r.stderr
    sys.path.insert(0, os.path.join(ROOT, "tools"))
    import pdfcheck

    counts = pdfcheck.check(pdf, template=v.template, columns=v.columns)["counts"]
    assert counts and not any(counts.values()), (v.label(), counts)


def test_a_long_lead_group_may_leave_photos_to_the_foot():
    """Five lead photos above 3,600 characters in four columns: no plan with all of them in the lead's
    column strip fills the columns (the first pass), but with the last ones at the foot, before the end
    group, a page comes out (the later passes add only such plans, each paying for the photos moved)."""
    v = V.Variant("broadsheet", 4, 3622, True, 1, ((0.566, "lead"), (1.263, "lead"), (2.46, "lead"), (0.923, "lead"),
                                                  (1.047, "lead"), (1.646, "end"), (2.159, "end")), 6, 936592400)
    page, sizes = V.page_of(v)
    p = problem_for(page.stories[0], TEMPLATES["broadsheet"], FACES, sizes, dict(page.options))
    assert arrange.search(p, arrange.survey(p)) is None
    more = arrange.survey(p, 1) + arrange.survey(p, 2)
    assert more and all(plan.moved > 0 and plan.top[0].photos == (0,) for plan, _ in more)
    assert judge(v) == "built"
