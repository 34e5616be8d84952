"""The caches (prepared fonts, prepared photos): keys, invalidation, location, and cached = uncached output.

Font preparation with the default catalog converts whole GB2312 charsets (~15 s cold), so the
builds here use a catalog with every role on the `display` policy (only the page's own characters;
under a second cold) and share one cold cache per test session, seeded once by this module.
"""

from __future__ import annotations

import glob
import os
import shutil

import pytest

from layout.base.cachefile import LAYOUT
from layout.fonts import faces as fonts
from layout.photo import images
from layout.photo.images import prepare_image
from layout.pipeline import BuildOptions, build

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
PHOTO = os.path.join(DATA, "img", "landscape.jpg")
ICC = os.path.join(ROOT, "layout", "photo", "icc", "IFRA26S.icc")
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LXGW = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"

needs_fonts = pytest.mark.usefixtures("debian_fonts")  # set-up installs them: a failure, not a skip

# Roles left out keep the default catalog's faces; their default policy is already `display`.
DISPLAY_CATALOG = f"""roles:
  body: {{path: {SERIF}, index: 2, charset: display}}
  sidebar: {{path: {SANS}, index: 2, charset: display}}
  caption: {{path: {LXGW}, index: 0, charset: display, fallbacks: [{{path: {SERIF}, index: 2}}]}}
  byline: {{path: {LXGW}, index: 0, charset: display, fallbacks: [{{path: {SERIF}, index: 2}}]}}
"""


@pytest.fixture(scope="module", autouse=True)
def clean_reportlab_registry():
    """reportlab's font registry is process-global; builds run in this process must not leave their faces
    in it for later tests (a face registered under a PostScript name captures later fonts of that name)."""
    from reportlab.pdfbase import pdfmetrics

    tables = (pdfmetrics._fonts, pdfmetrics._typefaces, pdfmetrics._dynFaceNames)
    saved = [dict(t) for t in tables]
    yield
    for table, before in zip(tables, saved):
        table.clear()
        table.update(before)


def display_catalog(tmp_path_factory) -> str:
    path = tmp_path_factory.getbasetemp() / "display-catalog.yaml"
    if not path.exists():
        path.write_text(DISPLAY_CATALOG, encoding="utf-8")
    return str(path)


def entries(cache: str, kind: str, ext: str) -> set[str]:
    return {os.path.basename(p) for p in glob.glob(os.path.join(cache, LAYOUT, kind, f"*.{ext}"))}


# ---------------------------------------------------------------- photos

@pytest.fixture(scope="module")
def photo_cache(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("photo-cache"))


def _prep(src=PHOTO, w=200.0, h=100.0, focus=(0.5, 0.5), ppi=150.0, profile=ICC, cache=None):
    return prepare_image(src, w, h, focus, ppi, profile=profile, cache_dir=cache)


def test_photo_same_inputs_hit_without_decoding(photo_cache, monkeypatch):
    first = _prep(cache=photo_cache)
    before = entries(photo_cache, "images", "jpg")

    def no_render(*a, **k):
        raise AssertionError("a cache hit decoded the photo again")

    monkeypatch.setattr(images, "_render", no_render)
    again = _prep(cache=photo_cache)
    assert again == first
    assert entries(photo_cache, "images", "jpg") == before


@pytest.mark.parametrize("change", ["width", "height", "focus", "ppi"])
def test_photo_frame_parameters_make_new_entries(photo_cache, change):
    base = _prep(cache=photo_cache)
    kw = {"width": {"w": 210.0}, "height": {"h": 110.0}, "focus": {"focus": (0.2, 0.5)}, "ppi": {"ppi": 120.0}}[change]
    other = _prep(cache=photo_cache, **kw)
    assert other.path != base.path
    assert os.path.isfile(base.path) and os.path.isfile(other.path)  # the old entry is kept, not overwritten


def test_photo_bytes_make_a_new_entry(photo_cache, tmp_path):
    copy = tmp_path / "same-name.jpg"
    shutil.copyfile(PHOTO, copy)
    base = _prep(src=str(copy), cache=photo_cache)
    # Same file name, same pixels as far as a decoder cares, different bytes: the key is the content hash.
    with open(copy, "ab") as fh:
        fh.write(b"\0trailing")
    changed = _prep(src=str(copy), cache=photo_cache)
    assert changed.path != base.path and changed.source_sha256 != base.source_sha256


def test_photo_same_bytes_elsewhere_hit_the_same_entry(photo_cache, tmp_path):
    copy = tmp_path / "renamed.jpg"
    shutil.copyfile(PHOTO, copy)
    assert _prep(src=str(copy), cache=photo_cache).path == _prep(cache=photo_cache).path


def test_icc_profile_bytes_make_a_new_entry(photo_cache, tmp_path):
    profile = tmp_path / "profile.icc"
    data = bytearray(open(ICC, "rb").read())
    data[127] ^= 0x01  # last reserved byte of the 128-byte ICC header: still a valid profile, other bytes
    profile.write_bytes(bytes(data))
    assert _prep(profile=str(profile), cache=photo_cache).path != _prep(cache=photo_cache).path


def test_photo_cache_location_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHPAPER_CACHE", str(tmp_path / "env-cache"))
    r = _prep()
    assert os.path.dirname(r.path) == str(tmp_path / "env-cache" / LAYOUT / "images")
    assert entries(str(tmp_path / "env-cache"), "images", "json")  # the figures travel with the JPEG


# ---------------------------------------------------------------- fonts

@needs_fonts
def test_font_same_charset_hits_without_converting(tmp_path, monkeypatch):
    spec = {"headline": fonts.FontSpec("headline", LXGW, 0)}
    first = fonts.prepare_faces(spec, {"headline": "砥砺前行"}, cache_dir=str(tmp_path), jobs=1)["headline"]

    def no_build(job):
        raise AssertionError("converted although cached")

    monkeypatch.setattr(fonts.fontprep, "convert", no_build)
    # Same set of characters, other order and repeats: same entry.
    again = fonts.prepare_faces(spec, {"headline": "行前砺砥砥"}, cache_dir=str(tmp_path), jobs=1)["headline"]
    assert again.path == first.path and again.name == first.name
    assert len(entries(str(tmp_path), "fonts", "ttf")) == 1


@needs_fonts
def test_font_charset_change_makes_a_new_entry(tmp_path):
    spec = {"headline": fonts.FontSpec("headline", LXGW, 0)}
    a = fonts.prepare_faces(spec, {"headline": "砥砺"}, cache_dir=str(tmp_path), jobs=1)["headline"]
    b = fonts.prepare_faces(spec, {"headline": "砥砺乘"}, cache_dir=str(tmp_path), jobs=1)["headline"]
    assert a.path != b.path and a.name != b.name  # a new reportlab name too: no stale registration reused
    assert os.path.isfile(a.path) and len(entries(str(tmp_path), "fonts", "ttf")) == 2


def _gb2312_level_1() -> set[str]:
    """GB 2312 level 1 as Python's own codec decodes it: rows B0–D7, 3,755 characters."""
    out = set()
    for row in range(0xB0, 0xD8):
        for cell in range(0xA1, 0xFF):
            try:
                out.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                pass  # D7FA–D7FE are unassigned
    assert len(out) == 3755
    return out


class _Asked(Exception):
    """Raised by a stand-in converter: the job it was given is all the test wants."""


@needs_fonts
def test_font_charset_policy_change_makes_a_new_entry(tmp_path, monkeypatch):
    need = {"caption": "图片说明"}
    display = fonts.prepare_faces({"caption": fonts.FontSpec("caption", LXGW, 0, charset="display")}, need,
                                  cache_dir=str(tmp_path), jobs=1)["caption"]
    assert len(display.covered) < 20
    # The `text` policy adds GB 2312 level 1: another entry. Converting 3,755 more characters is slow, so
    # the converter is only asked: what it is given must be a new file holding level 1 (the 3,755
    # characters of rows 16–55, 啊 at B0A1 to 座 at D7F9) and the caption's own characters.
    asked = []

    def ask(job):
        asked.append(job)
        raise _Asked

    monkeypatch.setattr(fonts.fontprep, "convert", ask)
    with pytest.raises(_Asked):
        fonts.prepare_faces({"caption": fonts.FontSpec("caption", LXGW, 0, charset="text")}, need,
                            cache_dir=str(tmp_path), jobs=1)
    (job,) = asked
    assert set(job.chars) >= _gb2312_level_1() | set(need["caption"])
    assert "郾" not in job.chars  # GB 2312 DBB1: level 2
    assert job.out_ttf != display.path and not os.path.exists(job.out_ttf)
    assert entries(str(tmp_path), "fonts", "ttf") == {os.path.basename(display.path)}


@needs_fonts
def test_font_source_file_change_makes_a_new_entry(tmp_path):
    # The key covers the source's path, size and mtime (not its 15–25 MB of bytes, hashed on every run).
    src = tmp_path / "face.ttf"
    shutil.copyfile(LXGW, src)
    spec = {"headline": fonts.FontSpec("headline", str(src), 0)}
    a = fonts.prepare_faces(spec, {"headline": "前行"}, cache_dir=str(tmp_path / "c"), jobs=1)["headline"]
    st = os.stat(src)
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))  # as after the font is replaced
    b = fonts.prepare_faces(spec, {"headline": "前行"}, cache_dir=str(tmp_path / "c"), jobs=1)["headline"]
    assert a.key != b.key and a.path != b.path


def test_font_cache_location_from_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("ZHPAPER_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert fonts.cache_root() == tmp_path / "xdg" / "zhpaper"
    assert images.cache_root() == str(tmp_path / "xdg" / "zhpaper")
    monkeypatch.setenv("ZHPAPER_CACHE", str(tmp_path / "z"))
    assert fonts.cache_root() == tmp_path / "z" and images.cache_root() == str(tmp_path / "z")


# ---------------------------------------------------------------- whole builds

def _build(article: str, out_dir, cache: str | None, catalog: str):
    out = os.path.join(str(out_dir), "page.pdf")
    build(article, BuildOptions(out_pdf=out, fonts=catalog, cache_dir=cache, jobs=1))
    with open(out, "rb") as a, open(os.path.join(str(out_dir), "page.archive.pdf"), "rb") as b:
        return a.read(), b.read()


@pytest.fixture(scope="module")
def cold_and_warm(tmp_path_factory):
    """The mini photo page built into an empty cache (everything converted), then again from that cache."""
    catalog = display_catalog(tmp_path_factory)
    cache = str(tmp_path_factory.mktemp("build-cache"))
    article = os.path.join(DATA, "mini-photo.yaml")
    cold = _build(article, tmp_path_factory.mktemp("cold"), cache, catalog)
    fonts_after_cold = entries(cache, "fonts", "ttf")
    warm = _build(article, tmp_path_factory.mktemp("warm"), cache, catalog)
    return cache, catalog, article, cold, warm, fonts_after_cold


@needs_fonts
def test_build_fills_the_cache_and_a_rebuild_adds_nothing(cold_and_warm):
    cache, _, _, _, _, fonts_after_cold = cold_and_warm
    assert fonts_after_cold and entries(cache, "images", "jpg")
    assert entries(cache, "fonts", "ttf") == fonts_after_cold


@needs_fonts
def test_cached_build_is_byte_identical_to_uncached(cold_and_warm):
    _, _, _, cold, warm, _ = cold_and_warm
    assert warm[0] == cold[0], "press PDF differs between the cold and the cached build"
    assert warm[1] == cold[1], "archive PDF differs between the cold and the cached build"


@needs_fonts
def test_build_does_not_depend_on_where_the_cache_is(cold_and_warm, tmp_path):
    _, catalog, article, cold, _, _ = cold_and_warm
    elsewhere = _build(article, tmp_path / "out", str(tmp_path / "other-cache"), catalog)
    assert elsewhere == cold


@needs_fonts
def test_build_uses_zhpaper_cache_when_no_folder_given(cold_and_warm, tmp_path, monkeypatch):
    cache, catalog, article, cold, _, _ = cold_and_warm
    monkeypatch.setenv("ZHPAPER_CACHE", cache)
    before = {k: entries(cache, k, e) for k, e in (("fonts", "ttf"), ("images", "jpg"))}
    again = _build(article, tmp_path / "out", None, catalog)
    assert again == cold  # the same cache folder, found through the environment: all hits
    assert {k: entries(cache, k, e) for k, e in (("fonts", "ttf"), ("images", "jpg"))} == before
