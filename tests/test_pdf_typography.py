"""tools/pdfcheck.py: the typography of the real page measured from its PDF (issue 3: every count
zero), and proof that the checker itself fails on a small synthetic PDF with one bad line."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from bitouwei import ends_badly, splits_a_unit, starts_badly
from support import DATA, ROOT

sys.path.insert(0, os.path.join(ROOT, "tools"))
import pdfcheck  # noqa: E402

PDFCHECK = os.path.join(ROOT, "tools", "pdfcheck.py")
MINI = os.path.join(DATA, "mini-template.yaml")  # 2 body columns of 19 characters, 30 rows
ZERO_COUNTS = ("bad_line_starts", "bad_line_ends", "ragged_lines", "overfull_lines", "misaligned_starts",
               "lonely_chars", "off_grid_lines", "columns_not_level", "lines_over_images", "stray_body_chars")


# ---------------------------------------------------------------- the real page


@pytest.fixture(scope="module")
def measured(real_page):
    return pdfcheck.check(real_page.pdf)


@pytest.mark.parametrize("count", ZERO_COUNTS)
def test_real_page_count_is_zero(measured, count):
    assert measured["counts"][count] == 0, measured["details"].get(count)


def test_real_page_checker_saw_the_whole_body(measured, real_page):
    """The checker's body is the composer's body: same lines and characters as the report,
    in 4 columns, one paragraph end per paragraph, 11 images."""
    fig, rep = measured["figures"], real_page.report["figures"]
    assert fig["body_lines"] == rep["body_lines"] > 0
    art = real_page.article
    body_chars = sum(len(t.text.replace(" ", "").replace("\u3000", "")) for t in art.lead)
    body_chars += sum(len(p.text.replace(" ", "").replace("\u3000", "")) for s in art.sections for p in s.paragraphs)
    assert fig["body_chars"] == body_chars
    assert len(fig["lines_per_column"]) == 4 and all(n > 0 for n in fig["lines_per_column"])
    assert fig["paragraph_ends"] == len(art.lead) + sum(len(s.paragraphs) for s in art.sections)
    assert fig["images"] == len(art.photos)


def test_real_page_line_edges_by_the_sources(real_page):
    """避头尾 on the printed page, judged by clreq §6.1.1–6.1.2 and GB/T 15834 §5.1 as written out in
    tests/bitouwei.py (the checker's own counts use the composer's tables): the body lines read back
    from the PDF, in reading order, at the page's level."""
    level = real_page.page.option("strictness", "strict")
    chars, _ = pdfcheck.read_page(real_page.pdf)
    lines = [ln.text for ln in pdfcheck.body_lines(chars, pdfcheck.Geometry.from_template("broadsheet"))[0]]
    assert len(lines) == real_page.report["figures"]["body_lines"]
    assert [t for t in lines[1:] if starts_badly(t, level)] == []
    assert [t for t in lines if ends_badly(t, level)] == []
    assert [(a, b) for a, b in zip(lines, lines[1:]) if splits_a_unit(a, b)] == []


def test_pdfcheck_command_line(real_page):
    r = subprocess.run([sys.executable, PDFCHECK, real_page.pdf, "--json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert all(data["counts"][k] == 0 for k in ZERO_COUNTS)
    r = subprocess.run([sys.executable, PDFCHECK, real_page.pdf], capture_output=True, text=True)
    assert r.returncode == 0 and "ragged_lines" in r.stdout and "body lines" in r.stdout


@pytest.mark.parametrize("args", [["/nonexistent/x.pdf"], [MINI], ["--columns", "0", "x.pdf"], ["--bogus"]])
def test_pdfcheck_bad_input_one_line_exit_2(args, tmp_path):
    r = subprocess.run([sys.executable, PDFCHECK, *args], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    if "--bogus" not in args:  # argparse's own usage message is two lines
        assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: ")


# ---------------------------------------------------------------- a synthetic page the checker must fail


@pytest.fixture(scope="module")
def geometry():
    return pdfcheck.Geometry.from_template(MINI)


H = "字"  # any Han character; STSong-Light sets every CJK character 1 em


def _good_lines() -> list[dict]:
    """Two level columns of justified text on the mini grid, with the typographic edge cases a
    real page has: a line-end comma set half width, an opening quote pulled to the edge."""
    n = 19
    col0 = [
        {"row": 0, "text": H * 17, "indent": 2},  # paragraph 1, first line
        {"row": 1, "text": H * 18 + "，", "end_half": True},  # comma's blank half beyond the edge
        {"row": 2, "text": "“" + H * 18, "start_half": True},  # opener's blank half before the edge
        {"row": 3, "text": H * 5 + "。"},  # paragraph end, short
        {"row": 4, "text": H * 17, "indent": 2},  # paragraph 2
        {"row": 5, "text": H * 18 + "。"},  # full line ending in a full-width stop
        {"row": 6, "text": H * n},
    ]
    col1 = [
        {"row": 0, "text": H * n},  # paragraph 2 runs on into column 2
        {"row": 1, "text": H * 3 + "。"},
        {"row": 2, "text": H * 15 + "AB", "indent": 2},  # Latin at the line end, half-width
        {"row": 3, "text": H * 2 + "。"},
    ]
    return [dict(ln, col=0) for ln in col0] + [dict(ln, col=1) for ln in col1]


def _write(path, geometry, lines, images=(), dy_col1=0.0, size=9.0, other=()):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    width_pt, height_pt = 150 * 72 / 25.4, 200 * 72 / 25.4
    c = canvas.Canvas(str(path), pagesize=(width_pt, height_pt), invariant=1)
    em = geometry.size_pt
    for ln in lines:
        left, right = geometry.columns[ln["col"]]
        y = geometry.first_baseline_pt - ln["row"] * geometry.pitch_pt + (dy_col1 if ln["col"] == 1 else 0.0)
        y += ln.get("dy", 0.0)
        x = left + ln.get("indent", 0) * em + ln.get("dx", 0.0)
        advs = [pdfmetrics.stringWidth(ch, "STSong-Light", em) for ch in ln["text"]]
        if ln.get("start_half"):
            x -= em / 2
            advs[0] = em / 2
        if ln.get("end_half"):
            advs[-1] = em / 2
        natural = x + sum(advs)
        justify = ln.get("justify", True) and len(ln["text"]) > 1 and abs(natural - right) < 2 * em
        target = right + ln.get("end_at", 0.0)  # justify to the edge, or off it by end_at pt
        extra = (target - natural) / (len(advs) - 1) if justify else 0.0
        c.setFont("STSong-Light", ln.get("size", size))
        for ch, adv in zip(ln["text"], advs):
            c.drawString(x, y, ch)
            x += adv + extra
    for (x0, y0, x1, y1) in images:
        from PIL import Image
        from reportlab.lib.utils import ImageReader

        c.drawImage(ImageReader(Image.new("L", (8, 8), 128)), x0, y0, x1 - x0, y1 - y0)
    for (text, x, y, sz) in other:
        c.setFont("STSong-Light", sz)
        c.drawString(x, y, text)
    c.showPage()
    c.save()
    return str(path)


def _check(path):
    return pdfcheck.check(path, MINI)


def _nonzero(result) -> dict:
    return {k: v for k, v in result["counts"].items() if v}


def test_synthetic_good_page_counts_zero(tmp_path, geometry):
    r = _check(_write(tmp_path / "good.pdf", geometry, _good_lines()))
    assert _nonzero(r) == {}, r["details"]
    assert r["figures"]["body_lines"] == len(_good_lines())
    assert r["figures"]["lines_per_column"] == [7, 4]
    assert r["figures"]["paragraph_ends"] == 3


def _variant(lines, col, row, **change):
    out = []
    for ln in lines:
        if ln["col"] == col and ln["row"] == row:
            ln = dict(ln, **change)
        out.append(ln)
    return out


@pytest.mark.parametrize("name, col, row, change, expect", [
    ("line starts with a comma", 0, 6, {"text": "，" + H * 18}, {"bad_line_starts": 1}),
    ("line ends with an opening quote", 0, 6, {"text": H * 18 + "“"}, {"bad_line_ends": 1}),
    ("internal line one char short", 0, 6, {"text": H * 18, "justify": False}, {"ragged_lines": 1}),
    ("internal line 0.1 pt short", 0, 6, {"end_at": -0.1}, {"ragged_lines": 1}),
    ("internal line 0.5 pt too long", 0, 6, {"end_at": 0.5}, {"ragged_lines": 1, "overfull_lines": 1}),
    ("last line too long", 1, 3, {"text": H * 19, "end_at": 0.5}, {"overfull_lines": 1}),
    ("internal line starts 1 pt in", 0, 6, {"dx": 1.0}, {"misaligned_starts": 1}),
    ("first line indented 1 em, not 2", 0, 4, {"indent": 1, "text": H * 18}, {"misaligned_starts": 1,
                                                                              "ragged_lines": 1}),
    ("last line 孤字", 1, 1, {"text": H + "。"}, {"lonely_chars": 1}),
    ("last line a single Latin letter", 1, 3, {"text": "A。"}, {"lonely_chars": 1}),
    ("a baseline 1 pt off the grid", 0, 3, {"dy": 1.0}, {"off_grid_lines": 1}),
])
def test_synthetic_bad_line_is_counted(tmp_path, geometry, name, col, row, change, expect):
    lines = _variant(_good_lines(), col, row, **change)
    r = _check(_write(tmp_path / "bad.pdf", geometry, lines))
    assert _nonzero(r) == expect, (name, r["details"])


def test_within_tolerance_is_flush(tmp_path, geometry):
    lines = _variant(_good_lines(), 0, 6, end_at=0.03)  # 0.03 pt: under the 0.05 pt tolerance
    assert _nonzero(_check(_write(tmp_path / "ok.pdf", geometry, lines))) == {}


def test_synthetic_column_not_level(tmp_path, geometry):
    """Column 2 set 2 pt lower: every line of it off the grid, and the columns not level."""
    r = _check(_write(tmp_path / "level.pdf", geometry, _good_lines(), dy_col1=-2.0))
    assert _nonzero(r) == {"off_grid_lines": 4, "columns_not_level": 1}, r["details"]
    r = _check(_write(tmp_path / "level2.pdf", geometry, _good_lines(), dy_col1=-geometry.pitch_pt))
    assert _nonzero(r) == {}, "a whole pitch lower is still level"


def test_synthetic_text_over_image(tmp_path, geometry):
    left, right = geometry.columns[0]
    y = geometry.first_baseline_pt - 4 * geometry.pitch_pt  # the first line of paragraph 2
    r = _check(_write(tmp_path / "img.pdf", geometry, _good_lines(), images=[(left + 40, y - 20, left + 80, y + 2)]))
    assert _nonzero(r) == {"lines_over_images": 2}, r["details"]  # rows 4 and 5 (the image is 22 pt tall)
    # a photo frame on the grid rows under the column's last line (rows 7–10) touches no text
    g = geometry
    top = g.type_top_pt - 7 * g.pitch_pt
    r = _check(_write(tmp_path / "img-ok.pdf", geometry, _good_lines(),
                      images=[(left, top - (4 * g.pitch_pt - (g.pitch_pt - g.size_pt)), right, top)]))
    assert _nonzero(r) == {}, r["details"]


def test_other_sizes_and_faces_are_not_body(tmp_path, geometry):
    """A 13 pt subhead or a 9 pt line above the type area (报眉) is not measured as body text."""
    left, _ = geometry.columns[0]
    other = [("小标题", left + 30, geometry.first_baseline_pt - 8 * geometry.pitch_pt, 13.0),
             ("，报眉", left, geometry.type_top_pt + 12, 9.0)]
    r = _check(_write(tmp_path / "other.pdf", geometry, _good_lines(), other=other))
    assert _nonzero(r) == {}
    assert r["figures"]["body_lines"] == len(_good_lines())


def test_real_page_with_bleed_and_marks_measured_from_the_trimbox(real_page, tmp_path):
    """With 3 mm bleed and crop marks the page sits inside a larger sheet; measured relative to the
    TrimBox the body is the same and every count is still zero."""
    from support import ARTICLE, run_make_pdf

    out = tmp_path / "bleed.pdf"
    r = run_make_pdf([ARTICLE, "-o", str(out), "--bleed", "3mm", "--marks", "-q"], real_page.cache)
    assert r.returncode == 0, r.stderr
    plain = pdfcheck.check(real_page.pdf)
    bled = pdfcheck.check(str(out))
    assert all(bled["counts"][k] == 0 for k in ZERO_COUNTS), bled["details"]
    assert bled["figures"] == plain["figures"]
