"""layout.photo.images (probe, orient, crop, resample, separate, cache) and the placeholder photos."""

from __future__ import annotations

import glob
import io
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from layout.photo import images
from layout.base.errors import InputError
from layout.photo.images import prepare_image, probe_image
from support import srgb_icc

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHOTOS = os.path.join(ROOT, "assets", "photos")
sys.path.insert(0, os.path.join(ROOT, "tools"))
import make_placeholders  # noqa: E402


def _save(im: Image.Image, path, **kw) -> str:
    im.save(path, **kw)
    return str(path)


def _two_tone(w: int, h: int, top=(220, 20, 20), bottom=(20, 40, 220)) -> Image.Image:
    arr = np.zeros((h, w, 3), np.uint8)
    arr[: h // 2] = top
    arr[h // 2:] = bottom
    return Image.fromarray(arr, "RGB")


def _exif_rotated(path, displayed: Image.Image) -> str:
    """Store `displayed` turned 90° anticlockwise with Orientation=6, as cameras do."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return _save(displayed.transpose(Image.Transpose.ROTATE_90), path, format="JPEG", quality=92, exif=exif.tobytes())


def _cmyk(path: str) -> np.ndarray:
    with Image.open(path) as im:
        assert im.format == "JPEG" and im.mode == "CMYK"
        return np.asarray(im).astype(int)


@pytest.fixture
def cache(tmp_path):
    return str(tmp_path / "cache")


# ---------------------------------------------------------------- probe

def test_probe_reports_displayed_size(tmp_path):
    plain = _save(_two_tone(640, 480), tmp_path / "a.jpg")
    rotated = _exif_rotated(tmp_path / "r.jpg", _two_tone(640, 480))
    assert probe_image(plain) == (640, 480)
    with Image.open(rotated) as im:
        assert im.size == (480, 640)  # stored upright-rotated
    assert probe_image(rotated) == (640, 480)


@pytest.mark.parametrize("make, expect", [
    (lambda p: None, "not found"),
    (lambda p: p.write_bytes(b"this is not an image"), "not a readable image"),
    (lambda p: p.write_bytes(_jpeg_bytes()[:-3000]), "truncated"),
    (lambda p: p.write_bytes(_png_bytes()[:-200]), "truncated"),
])
def test_probe_bad_files_raise_input_error_naming_the_file(tmp_path, make, expect):
    path = tmp_path / "photo.jpg"
    make(path)
    with pytest.raises(InputError) as err:
        probe_image(str(path))
    assert str(path) in str(err.value) and expect in str(err.value)
    assert "\n" not in str(err.value)


def test_probe_unsupported_format(tmp_path):
    path = _save(_two_tone(40, 30), tmp_path / "x.pcx", format="PCX")
    with pytest.raises(InputError, match="unsupported image format PCX"):
        probe_image(path)


def _jpeg_bytes() -> bytes:
    rng = np.random.default_rng(1)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8), "RGB").save(buf, "JPEG")
    return buf.getvalue()


def _png_bytes() -> bytes:
    rng = np.random.default_rng(2)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (100, 100, 3), dtype=np.uint8), "RGB").save(buf, "PNG")
    return buf.getvalue()


# ---------------------------------------------------------------- prepare

def test_prepared_size_is_frame_at_ppi_and_cmyk_jpeg(tmp_path, cache):
    src = _save(_two_tone(3000, 2000), tmp_path / "big.jpg", quality=90)
    r = prepare_image(src, 216.0, 144.0, ppi=200, cache_dir=cache)  # 3 × 2 in
    assert (r.width_px, r.height_px) == (600, 400)
    assert r.ppi == 200
    px = _cmyk(r.path)
    assert px.shape == (400, 600, 4)
    assert r.max_ink_pct <= 230 + 0.8
    assert abs(r.max_ink_pct - px.sum(-1).max() * 100 / 255) < 0.01  # figure is of the file itself
    assert not r.findings


def test_never_upsamples_and_warns_below_150_ppi(tmp_path, cache):
    src = _save(_two_tone(400, 300), tmp_path / "small.png")
    r = prepare_image(src, 288.0, 216.0, ppi=200, cache_dir=cache)  # 4 × 3 in wants 800×600
    assert (r.width_px, r.height_px) == (400, 300)
    assert r.ppi == pytest.approx(100.0)
    assert [f.code for f in r.findings] == ["image-low-ppi"]
    assert r.findings[0].severity == "warning" and r.findings[0].where == src


def test_exif_orientation_is_applied(tmp_path, cache):
    # displayed: red top half, blue bottom half; stored rotated with Orientation=6
    src = _exif_rotated(tmp_path / "cam.jpg", _two_tone(800, 600))
    r = prepare_image(src, 144.0, 108.0, ppi=100, cache_dir=cache)
    px = _cmyk(r.path)
    top, bottom = px[: px.shape[0] // 4].mean((0, 1)), px[-px.shape[0] // 4:].mean((0, 1))
    assert top[1] > 150 and top[0] < 60  # red = magenta + yellow
    assert bottom[0] > 150 and bottom[2] < 60  # blue = cyan + magenta


@pytest.mark.parametrize("focus, dark", [((0.0, 0.5), True), ((1.0, 0.5), False)])
def test_crop_follows_the_focus(tmp_path, cache, focus, dark):
    arr = np.full((500, 1500, 3), 255, np.uint8)
    arr[:, :500] = 0  # left third black
    src = _save(Image.fromarray(arr, "RGB"), tmp_path / "wide.png")
    r = prepare_image(src, 72.0, 72.0, focus=focus, ppi=100, cache_dir=cache)  # square frame
    k = _cmyk(r.path)[..., 3].mean()
    assert (k > 200) if dark else (k < 5)


def test_sixteen_bit_grey_is_scaled_not_clipped_and_k_only(tmp_path, cache):
    ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (64, 1))
    src = _save(Image.frombytes("I;16", (256, 64), ramp.astype("<u2").tobytes()), tmp_path / "grey16.png")
    with Image.open(src) as im:
        assert im.mode.startswith("I;16")
    r = prepare_image(src, 256 * 72 / 100, 64 * 72 / 100, ppi=100, cache_dir=cache)
    px = _cmyk(r.path)
    assert px[..., :3].max() <= 3  # K-only (JPEG noise aside)
    k_profile = px[..., 3].mean(0)
    assert k_profile[5] > 200 and k_profile[-5] < 20  # black end dark, white end paper
    assert 40 < k_profile[128] < 160  # convert('L') would have made this ~0 (near white)


def test_alpha_is_flattened_on_white(tmp_path, cache):
    arr = np.zeros((200, 200, 4), np.uint8)
    arr[:, :100] = (10, 10, 10, 255)  # opaque black left, fully transparent (black!) right
    src = _save(Image.fromarray(arr, "RGBA"), tmp_path / "alpha.png")
    r = prepare_image(src, 144.0, 144.0, ppi=100, cache_dir=cache)
    px = _cmyk(r.path)
    assert px[:, :80].sum(-1).mean() > 400
    assert px[:, 120:].sum(-1).max() < 10
    assert "image-alpha" in [f.code for f in r.findings]


def test_palette_with_transparency(tmp_path, cache):
    im = Image.new("P", (100, 100), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.paste(1, (0, 50, 100, 100))
    src = _save(im, tmp_path / "pal.png", transparency=1)
    px = _cmyk(prepare_image(src, 72.0, 72.0, ppi=100, cache_dir=cache).path)
    assert px[:30, :, 1].mean() > 150  # red top
    assert px[-30:].sum(-1).max() < 10  # transparent bottom → paper


def test_untagged_cmyk_is_kept_and_flagged(tmp_path, cache):
    arr = np.zeros((100, 100, 4), np.uint8)
    arr[..., 0] = 128
    src = _save(Image.fromarray(arr, "CMYK"), tmp_path / "c.jpg", quality=95)
    r = prepare_image(src, 72.0, 72.0, ppi=100, cache_dir=cache)
    assert abs(_cmyk(r.path)[..., 0].mean() - 128) < 3
    assert "image-cmyk-untagged" in [f.code for f in r.findings]


def test_ink_limit_holds_after_jpeg(tmp_path, cache):
    # saturated hard-edged blocks: the worst case for JPEG ringing over the clamp
    rng = np.random.default_rng(3)
    arr = np.repeat(np.repeat(rng.integers(0, 255, (20, 30, 3), dtype=np.uint8), 20, 0), 20, 1)
    src = _save(Image.fromarray(arr, "RGB"), tmp_path / "blocks.png")
    r = prepare_image(src, 600 * 0.72, 400 * 0.72, ppi=100, tac_limit_pct=180, cache_dir=cache)
    total = _cmyk(r.path).sum(-1) * 100 / 255
    assert total.max() == pytest.approx(r.max_ink_pct, abs=0.01)
    assert r.max_ink_pct <= 180 + 0.8 * 2  # a clamp alone leaves ~+20 % here


def test_output_is_deterministic_and_cached(tmp_path, monkeypatch):
    src = _save(_two_tone(1200, 800), tmp_path / "p.jpg")
    a = prepare_image(src, 200.0, 100.0, focus=(0.3, 0.6), cache_dir=str(tmp_path / "c1"))
    b = prepare_image(src, 200.0, 100.0, focus=(0.3, 0.6), cache_dir=str(tmp_path / "c2"))
    assert open(a.path, "rb").read() == open(b.path, "rb").read()
    assert a.source_sha256 == b.source_sha256

    def no_decode(*args, **kw):
        raise AssertionError("cache hit decoded the image")

    from PIL import Image

    monkeypatch.setattr(Image, "open", no_decode)
    again = prepare_image(src, 200.0, 100.0, focus=(0.3, 0.6), cache_dir=str(tmp_path / "c1"))
    assert again == a


def test_cache_key_changes_with_parameters_and_source(tmp_path, cache):
    src = _save(_two_tone(1200, 800), tmp_path / "p.jpg")
    base = prepare_image(src, 200.0, 100.0, cache_dir=cache)
    others = [prepare_image(src, 200.0, 100.0, ppi=150, cache_dir=cache),
              prepare_image(src, 200.0, 100.0, quality=70, cache_dir=cache),
              prepare_image(src, 200.0, 100.0, focus=(0.2, 0.5), cache_dir=cache),
              prepare_image(src, 200.0, 100.0, tac_limit_pct=200, cache_dir=cache)]
    _save(_two_tone(1200, 800, top=(0, 200, 0)), src)  # the desk replaces the file by name
    others.append(prepare_image(src, 200.0, 100.0, cache_dir=cache))
    assert len({base.path, *(o.path for o in others)}) == 6
    assert others[-1].source_sha256 != base.source_sha256


def test_cache_location_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ZHPAPER_CACHE", str(tmp_path / "z"))
    assert images.cache_root() == str(tmp_path / "z")
    monkeypatch.delenv("ZHPAPER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "x"))
    assert images.cache_root() == str(tmp_path / "x" / "zhpaper")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "h"))
    assert images.cache_root() == str(tmp_path / "h" / ".cache" / "zhpaper")


@pytest.mark.parametrize("kw, expect", [
    ({"frame_w_pt": 0.0}, "positive size"),
    ({"focus": (1.5, 0.5)}, "focus"),
    ({"ppi": 0}, "ppi"),
    ({"tac_limit_pct": 50}, "ink limit"),
])
def test_bad_parameters_are_input_errors(tmp_path, cache, kw, expect):
    src = _save(_two_tone(100, 100), tmp_path / "p.png")
    args = {"frame_w_pt": 72.0, "frame_h_pt": 72.0, **kw}
    with pytest.raises(InputError, match=expect):
        prepare_image(src, cache_dir=cache, **args)


def test_truncated_source_is_an_input_error_on_prepare(tmp_path, cache):
    path = tmp_path / "cut.jpg"
    path.write_bytes(_jpeg_bytes()[:-3000])
    with pytest.raises(InputError) as err:
        prepare_image(str(path), 72.0, 72.0, cache_dir=cache)
    assert str(path) in str(err.value)


def test_rgb_output_profile_is_refused(tmp_path, cache):
    src = _save(_two_tone(100, 100), tmp_path / "p.png")
    with pytest.raises(InputError, match="not CMYK"):
        prepare_image(src, 72.0, 72.0, profile=srgb_icc(tmp_path), cache_dir=cache)


# ---------------------------------------------------------------- placeholder photos

def test_placeholder_set_is_complete_and_camera_sized():
    files = sorted(os.path.basename(p) for p in glob.glob(os.path.join(PHOTOS, "*.jpg")))
    assert files == sorted(s.name for s in make_placeholders.SLOTS)
    orientations = []
    for slot in make_placeholders.SLOTS:
        path = os.path.join(PHOTOS, slot.name)
        assert os.path.getsize(path) < 700 * 1024
        w, h = probe_image(path)
        assert (w, h) == (slot.width_px, slot.height_px)
        assert max(w, h) >= 3000
        with Image.open(path) as im:
            assert im.mode == "RGB" and im.info.get("icc_profile")
            orientations.append(im.getexif().get(0x0112, 1))
    assert orientations.count(6) == 1
    w, h = probe_image(os.path.join(PHOTOS, "01-songjiang.jpg"))
    assert w / h >= 16 / 9  # the lead photo is the widest landscape


def test_placeholder_matches_generator_bytes():
    slot = make_placeholders.SLOTS[6]  # the smallest (2:3 portrait) keeps this test quick
    data = make_placeholders.render(slot, 7)
    with open(os.path.join(PHOTOS, slot.name), "rb") as fh:
        assert fh.read() == data


def test_sample_page_photos_match_their_generator_bytes():
    """samples/assets holds what tools/make_samples.py makes (the same generator, other slots)."""
    import make_samples

    slot, seed = min(make_samples.FILES, key=lambda f: f[0].width_px * f[0].height_px)
    with open(os.path.join(ROOT, "samples", "assets", slot.name), "rb") as fh:
        assert fh.read() == make_placeholders.render(slot, seed)


def test_placeholder_tool_never_overwrites_without_force(tmp_path):
    out = tmp_path / "photos"
    out.mkdir()
    for slot in make_placeholders.SLOTS:
        (out / slot.name).write_bytes(b"desk's own photo")
    script = os.path.join(ROOT, "tools", "make_placeholders.py")
    run = subprocess.run([sys.executable, script, "--out", str(out)], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.count("keep") == len(make_placeholders.SLOTS)
    assert all((out / s.name).read_bytes() == b"desk's own photo" for s in make_placeholders.SLOTS)
