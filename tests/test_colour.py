"""layout.photo.colour: the newsprint profile, ICC separation, K-only grey, ink limiting."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from PIL import Image, ImageCms

from layout.photo import colour

PROFILE = colour.read_profile(colour.DEFAULT_PROFILE)


def test_shipped_profile_is_a_cmyk_printer_profile():
    prof = colour.open_profile(PROFILE).profile
    assert prof.xcolor_space.strip() == "CMYK"
    assert prof.device_class.strip() == "prtr"
    assert colour.check_output_profile(PROFILE) is None


def test_rgb_profile_is_refused_as_output():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    assert "not CMYK" in colour.check_output_profile(srgb)
    assert "not an ICC profile" in colour.check_output_profile(b"not a profile at all")


def _srgb_sweep(steps: int = 17) -> Image.Image:
    v = np.linspace(0, 255, steps).astype(np.uint8)
    r, g, b = np.meshgrid(v, v, v, indexing="ij")
    return Image.fromarray(np.stack([r, g, b], -1).reshape(steps * steps, steps, 3), "RGB")


def test_srgb_gamut_separates_within_the_profile_ink_limit():
    cmyk = np.asarray(colour.to_cmyk(_srgb_sweep(), None, PROFILE))
    # colprof was told -l230 -L95; the separation must honour both before any clamp
    assert colour.max_ink_pct(cmyk) <= 230.0
    assert cmyk[..., 3].max() <= round(0.95 * 255) + 1


def test_white_is_paper_and_black_is_neutral_rich_black():
    im = Image.fromarray(np.array([[[255, 255, 255], [0, 0, 0]]], np.uint8), "RGB")
    white, black = np.asarray(colour.to_cmyk(im, None, PROFILE))[0].astype(int)
    assert white.tolist() == [0, 0, 0, 0]
    assert black[3] >= 0.9 * 255  # K carries black, unlike Image.convert('CMYK') (K=0)
    assert max(black[:3]) - min(black[:3]) < 0.2 * 255  # no colour cast in the CMY under K


def test_untagged_cmyk_passes_through_unchanged():
    im = Image.fromarray(np.full((2, 2, 4), 77, np.uint8), "CMYK")
    assert colour.to_cmyk(im, None, PROFILE) is im


def test_grey_to_k_lut_runs_from_solid_k_to_paper_monotonically():
    lut = colour.grey_to_k_lut(PROFILE).astype(int)
    assert lut[255] == 0
    assert lut[0] >= 250
    assert np.all(np.diff(lut) <= 0)
    # mid grey lands mid-tone on the plate (dot gain compensation pulls it below 50 %)
    assert 0.2 * 255 < lut[128] < 0.6 * 255


def test_grey_to_k_only_leaves_cmy_empty():
    grey = Image.fromarray(np.arange(256, dtype=np.uint8).reshape(16, 16), "L")
    out = np.asarray(colour.grey_to_k_only(grey, PROFILE))
    assert out[..., :3].max() == 0
    assert out[..., 3].max() > 200


@settings(max_examples=60, deadline=None)
@given(arrays(np.uint8, (7, 5, 4)), st.floats(min_value=100, max_value=400))
def test_limit_ink_caps_total_and_keeps_k(cmyk, limit_pct):
    out = colour.limit_ink(cmyk, limit_pct)
    limit_units = np.floor(limit_pct * 255 / 100 + 1e-9)
    total_in = cmyk.astype(int).sum(-1)
    total_out = out.astype(int).sum(-1)
    assert total_out.max() <= limit_units
    under = total_in <= limit_units
    assert np.array_equal(out[under], cmyk[under])  # nothing within the limit is touched
    assert np.all(out[..., :3] <= cmyk[..., :3])  # CMY only ever go down
    keep_k = cmyk[..., 3] <= limit_units
    assert np.array_equal(out[..., 3][keep_k], cmyk[..., 3][keep_k])


def test_limit_ink_per_pixel_limits():
    cmyk = np.full((1, 2, 4), 200, np.uint8)
    out = colour.limit_ink_units(cmyk, np.array([[600, 300]]))
    assert out[0, 0].astype(int).sum() <= 600 and out[0, 1].astype(int).sum() <= 300
    assert out[0, 1, 3] == 200


def test_block_overshoot_spreads_to_neighbouring_blocks_only():
    total = np.zeros((40, 40), np.int32)
    total[20, 20] = 600  # in block (2, 2)
    over = colour.block_overshoot(total, 586)
    assert over[20, 20] == 14
    assert over[8, 8] == 14 and over[31, 31] == 14  # blocks (1,1) and (3,3) are neighbours
    assert over[0, 0] == 0 and over[39, 39] == 0
