"""Tests for layout.fonts.faces / layout.fonts.prep: catalog, conversion, cmap remaps, metrics, cache, PDF.

Real Debian fonts, small charsets (each conversion < ~1.5 s), a temporary cache per module.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import pickle
import shutil
import subprocess

import pytest
from fontTools.pens.boundsPen import BoundsPen
from fontTools.ttLib import TTFont

from layout.fonts import faces as fonts, prep as fontprep
from layout.base.errors import InputError

SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SANS_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
LXGW = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
SAMPLE = "中文排版——“郾城”（名片），。…·骨直；"

needs_fonts = pytest.mark.usefixtures("debian_fonts")  # set-up installs them: a failure, not a skip


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("zhpaper-cache"))


@pytest.fixture(scope="module")
def serif(cache) -> fonts.Face:
    spec = fonts.FontSpec("body", SERIF, 2)
    return fonts.prepare_faces({"body": spec}, {"body": SAMPLE}, cache_dir=cache, jobs=1)["body"]


def _bounds(font: TTFont, ch: str):
    name = font.getBestCmap()[ord(ch)]
    pen = BoundsPen(font.getGlyphSet())
    font.getGlyphSet()[name].draw(pen)
    return font["hmtx"][name][0], pen.bounds


# ---------------------------------------------------------------- catalog

def test_default_catalog_defines_every_role_with_existing_faces():
    specs = fonts.load_catalog()
    assert set(specs) == set(fonts.ROLES)
    for spec in specs.values():
        assert os.path.isfile(spec.path)
    assert specs["body"].index == 2 and specs["body"].charset == "text"
    assert specs["headline"].charset == "display"


def test_override_replaces_path_and_index_keeps_policy(tmp_path):
    specs = fonts.load_catalog(overrides={"caption": f"{SERIF}#2"})
    assert specs["caption"].path == os.path.realpath(SERIF) and specs["caption"].index == 2
    assert specs["caption"].charset == fonts.load_catalog()["caption"].charset  # the policy stays the catalog's


def test_desk_catalog_overlays_default(tmp_path):
    desk = tmp_path / "desk.yaml"
    desk.write_text(f"roles:\n  body: {{path: {SANS_BOLD}, index: 2, charset: display}}\n", encoding="utf-8")
    specs = fonts.load_catalog(str(desk))
    assert specs["body"].path == os.path.realpath(SANS_BOLD) and specs["body"].charset == "display"
    assert specs["headline"].path.endswith("NotoSerifCJK-Black.ttc")


@pytest.mark.parametrize("overrides, message", [
    ({"masthead": SERIF}, "unknown font role"),
    ({"body": "/nonexistent/font.ttf"}, "not found"),
    ({"body": f"{SERIF}#7"}, "out of range"),
    ({"body": f"{SERIF}#two"}, "whole number"),
])
def test_bad_overrides_are_one_line_input_errors(overrides, message):
    with pytest.raises(InputError) as err:
        fonts.load_catalog(overrides=overrides)
    assert message in str(err.value) and "\n" not in str(err.value)
    assert err.value.exit_code == 1


def test_non_font_file_rejected_by_catalog(tmp_path):
    fake = tmp_path / "notafont.ttf"
    fake.write_bytes(b"%PDF-1.4 not a font at all")
    with pytest.raises(InputError, match="not a TrueType/OpenType font"):
        fonts.load_catalog(overrides={"body": str(fake)})


def test_truncated_font_is_input_error_at_preparation(tmp_path, cache):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(pathlib.Path(LXGW).read_bytes()[:4096])  # valid magic, damaged body
    spec = fonts.load_catalog(overrides={"body": str(broken)})["body"]
    with pytest.raises(InputError) as err:
        fonts.prepare_faces({"body": spec}, {"body": "中"}, cache_dir=str(tmp_path), jobs=1)
    assert "broken.ttf" in str(err.value) and "\n" not in str(err.value)


def test_catalog_yaml_errors_name_the_file(tmp_path):
    bad = tmp_path / "cat.yaml"
    bad.write_text("roles:\n  body: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="cat.yaml"):
        fonts.load_catalog(str(bad))
    bad.write_text("roles:\n  body: {path: x.ttf, charset: huge}\n", encoding="utf-8")
    with pytest.raises(InputError):
        fonts.load_catalog(str(bad))


def test_cache_root_follows_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHPAPER_CACHE", str(tmp_path / "z"))
    assert fonts.cache_root() == tmp_path / "z"
    monkeypatch.delenv("ZHPAPER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert fonts.cache_root() == tmp_path / "x" / "zhpaper"


# ---------------------------------------------------------------- conversion and metrics

@needs_fonts
def test_converted_file_is_truetype_with_only_requested_chars(serif):
    font = TTFont(serif.path)
    assert font.sfntVersion == "\x00\x01\x00\x00" and "glyf" in font and "CFF " not in font
    assert set(chr(cp) for cp in font.getBestCmap()) == set(SAMPLE)
    assert serif.covered == frozenset(SAMPLE)


@needs_fonts
def test_dash_and_middle_dot_are_full_width_and_dashes_connect(serif):
    font = TTFont(serif.path)
    adv, (x0, _, x1, _) = _bounds(font, "—")
    assert adv == 1000 and x0 == 0 and x1 == 1000  # "——" is one unbroken 2-em line
    adv, (x0, _, x1, _) = _bounds(font, "·")
    assert adv == 1000 and abs((x0 + x1) / 2 - 500) <= 2  # centred in the em
    assert serif.advance_em("—") == 1.0 and serif.advance_em("·") == 1.0
    adv, (x0, y0, x1, y1) = _bounds(font, "…")  # U+2026 is already a centred 1-em form in SC
    assert adv == 1000 and 300 < (y0 + y1) / 2 < 460


@needs_fonts
def test_halt_values_from_gpos(serif):
    for ch in "，。”）":  # closing marks: give back the blank right half
        assert serif.halt_em(ch) == (0.0, -0.5)
    for ch in "“（":  # opening marks: glyph moves left half an em, advance half
        assert serif.halt_em(ch) == (-0.5, -0.5)
    assert serif.halt_em("中") is None


@needs_fonts
def test_em_box_and_advances(serif):
    assert serif.ascent_em == pytest.approx(0.88) and serif.descent_em == pytest.approx(-0.12)
    assert serif.advance_em("中") == 1.0


@needs_fonts
def test_sc_face_index_gives_sc_glyphs(serif):
    # ；(U+FF1B) sits lower-left in SC but centred in JP; the glyphs are distinct CIDs.
    jp = TTFont(SERIF, fontNumber=0, lazy=True).getBestCmap()[0xFF1B]
    sc = TTFont(SERIF, fontNumber=2, lazy=True).getBestCmap()[0xFF1B]
    assert jp != sc
    assert TTFont(serif.path).getBestCmap()[0xFF1B] == sc


@needs_fonts
def test_lxgw_keeps_its_own_metrics_and_has_no_halt(cache):
    face = fonts.prepare_faces({"caption": fonts.FontSpec("caption", LXGW)}, {"caption": "图“文”·—"},
                               cache_dir=cache, jobs=1)["caption"]
    assert face.advance_em("“") == pytest.approx(0.35)  # proportional quotes: the composer must widen
    assert face.halt_em("，") is None and face.halt_em("“") is None
    assert face.ascent_em == pytest.approx(0.88)


def test_face_is_picklable_and_plain(serif):
    again = pickle.loads(pickle.dumps(serif))
    assert again == serif and again.advance_em("中") == serif.advance_em("中")
    assert again.halt_em("，") == serif.halt_em("，")


# ---------------------------------------------------------------- sharing, fallback, coverage

@needs_fonts
def test_roles_sharing_a_face_share_one_file_with_the_union(cache):
    spec = {r: fonts.FontSpec(r, SANS_BOLD, 2) for r in ("kicker", "subhead")}
    faces = fonts.prepare_faces(spec, {"kicker": "决战", "subhead": "决胜"}, cache_dir=cache, jobs=1)
    assert faces["kicker"].name == faces["subhead"].name
    assert faces["kicker"].covered == frozenset("决战胜")


@needs_fonts
def test_fallback_face_draws_what_the_primary_lacks(cache):
    # U+2F00 (Kangxi radical) is in Noto CJK but not in LXGW WenKai
    rare = next(ch for ch in "\u2f00\u2ff0\u31c0\u3400" if ord(ch) not in TTFont(LXGW, lazy=True).getBestCmap()
                and ord(ch) in TTFont(SERIF, fontNumber=2, lazy=True).getBestCmap())
    spec = fonts.FontSpec("caption", LXGW, 0, fallbacks=((SERIF, 2),), charset="display")
    need = {"caption": "图" + rare + "\U000f0000"}  # plus a private-use char nobody has
    faces = fonts.prepare_faces({"caption": spec}, need, cache_dir=cache, jobs=1)
    face = faces["caption"]
    assert not face.covers(rare) and face.face_for(rare) is face.fallbacks[0]
    assert face.fallbacks[0].source_path == os.path.realpath(SERIF)
    assert face.advance_em(rare) == face.fallbacks[0].advance_em(rare)
    report = fonts.coverage(faces, need)
    assert ("caption", rare, face.fallbacks[0]) in report
    assert ("caption", "\U000f0000", None) in report
    assert all(ch != "图" for _, ch, _ in report)


# ---------------------------------------------------------------- cache

@needs_fonts
def test_cache_hit_does_not_convert_and_bytes_are_stable(tmp_path, monkeypatch):
    spec = {"headline": fonts.FontSpec("headline", SANS_BOLD, 2)}
    first = fonts.prepare_faces(spec, {"headline": "砥砺前行"}, cache_dir=str(tmp_path), jobs=1)["headline"]
    digest = hashlib.sha256(pathlib.Path(first.path).read_bytes()).hexdigest()

    def no_build(job):
        raise AssertionError("converted although cached")

    monkeypatch.setattr(fontprep, "build", no_build)
    again = fonts.prepare_faces(spec, {"headline": "前行砥砺"}, cache_dir=str(tmp_path), jobs=1)["headline"]
    assert again == first
    monkeypatch.undo()
    # A cold rebuild elsewhere gives the same bytes: cached and uncached builds embed the same font.
    other = fonts.prepare_faces(spec, {"headline": "砥砺前行"}, cache_dir=str(tmp_path / "b"), jobs=1)["headline"]
    assert hashlib.sha256(pathlib.Path(other.path).read_bytes()).hexdigest() == digest
    assert pathlib.Path(other.path).name == pathlib.Path(first.path).name


@needs_fonts
def test_changed_charset_or_source_gives_a_new_key(tmp_path):
    spec = {"headline": fonts.FontSpec("headline", SANS_BOLD, 2)}
    a = fonts.prepare_faces(spec, {"headline": "砥砺"}, cache_dir=str(tmp_path), jobs=1)["headline"]
    b = fonts.prepare_faces(spec, {"headline": "砥砺乘"}, cache_dir=str(tmp_path), jobs=1)["headline"]
    assert a.key != b.key and a.name != b.name and a.path != b.path
    assert os.path.exists(a.path) and "乘" in b.covered
    copy = tmp_path / "copy.ttf"
    shutil.copy(LXGW, copy)
    c1 = fonts.prepare_faces({"byline": fonts.FontSpec("byline", str(copy))}, {"byline": "文"},
                             cache_dir=str(tmp_path), jobs=1)["byline"]
    os.utime(copy, ns=(1, 1))  # same content, new identity
    c2 = fonts.prepare_faces({"byline": fonts.FontSpec("byline", str(copy))}, {"byline": "文"},
                             cache_dir=str(tmp_path), jobs=1)["byline"]
    assert c1.key != c2.key


@needs_fonts
def test_parallel_and_serial_builds_are_identical(tmp_path):
    specs = {"kicker": fonts.FontSpec("kicker", SANS_BOLD, 2), "byline": fonts.FontSpec("byline", LXGW)}
    need = {"kicker": "乘风破浪", "byline": "文张星"}
    par = fonts.prepare_faces(specs, need, cache_dir=str(tmp_path / "p"), jobs=2)
    ser = fonts.prepare_faces(specs, need, cache_dir=str(tmp_path / "s"), jobs=1)
    for role in specs:
        assert pathlib.Path(par[role].path).read_bytes() == pathlib.Path(ser[role].path).read_bytes()


# ---------------------------------------------------------------- PDF round trip

@needs_fonts
@pytest.mark.usefixtures("poppler")
def test_pdf_embeds_subset_with_unicode_and_text_reads_back(serif, tmp_path):
    import pdfplumber
    from reportlab.pdfgen import canvas

    fonts.register_faces({"body": serif})
    fonts.register_faces({"body": serif})  # idempotent
    out = tmp_path / "t.pdf"
    c = canvas.Canvas(str(out), pageCompression=1, invariant=1, initialFontName=serif.name)
    c.setFont(serif.name, 12)
    c.drawString(40, 700, "中文排版——“郾城”（名片），。…·")
    c.save()
    text = pdfplumber.open(str(out)).pages[0].extract_text()
    assert "中文排版——“郾城”（名片），。…·" in text.replace(" ", "")
    listing = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in listing.splitlines()[2:] if ln.strip()]
    assert rows and all(r[-5:-2] == ["yes", "yes", "yes"] for r in rows)  # emb sub uni
    assert all("+NotoSerifCJKsc-Regular" in r[0] for r in rows)


def test_a_cold_build_converts_one_by_one_where_no_process_pool_can_be_made(monkeypatch):
    """A pool needs POSIX semaphores; a user who may not write /dev/shm has none (PermissionError from
    SemLock, as a service account in a chroot meets it): the conversions then run here, in order of
    size, with the same results."""
    import concurrent.futures
    from types import SimpleNamespace

    from layout.fonts import faces, prep

    def no_pool(*a, **kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    monkeypatch.setattr(prep, "convert", lambda job: {"chars": job.chars})
    jobs = [SimpleNamespace(chars="甲"), SimpleNamespace(chars="乙丙丁"), SimpleNamespace(chars="戊己")]
    assert faces._run_jobs(jobs, workers=2) == [{"chars": "甲"}, {"chars": "乙丙丁"}, {"chars": "戊己"}]
