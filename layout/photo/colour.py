"""Colour for print: ICC transforms to the output profile, K-only grey, total-ink limiting.

Everything here works on Pillow images or numpy arrays already in memory; `layout.photo.images`
decides what to convert and when. The output side is always a CMYK printer profile
(by default `layout/photo/icc/IFRA26S.icc`, newsprint); conversion goes through LittleCMS via
Pillow ImageCms, never `Image.convert('CMYK')`, which is a naive 255-minus formula with K=0.

Rendering intent: relative colorimetric with black point compensation. On the IFRA26S profile
the perceptual table (colprof default gamut mapping) turns sRGB black into C61 M72 Y0 K95,
visibly off-neutral, while relative + BPC gives a neutral C42 M28 Y27 K95 within 224 % ink
(see layout/photo/icc/README.md for the measurement).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and Pillow are imported where used: a warm build needs neither
    import numpy as np
    from PIL import Image, ImageCms

import functools
import hashlib
import io
import os

from layout.base.resources import data_path

DEFAULT_PROFILE = data_path("layout.photo", "icc", "IFRA26S.icc")  # shipped in the package (icc/README.md)
# Relative colorimetric + black point compensation (see the module docstring); as ImageCms
# values: Intent.RELATIVE_COLORIMETRIC, Flags.BLACKPOINTCOMPENSATION (looked up where used, so
# that importing this module does not load Pillow on a warm rebuild).


def read_profile(path: str) -> bytes:
    """The bytes of an ICC profile file, memoised on (path, size, mtime) so warm runs skip the read."""
    st = os.stat(path)
    return _read_profile(os.path.realpath(path), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _read_profile(path: str, size: int, mtime_ns: int) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def profile_sha256(path: str) -> str:
    return _sha(read_profile(path))


@functools.lru_cache(maxsize=16)
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_profile(data: bytes) -> ImageCms.ImageCmsProfile:
    """An ImageCms profile from bytes; raises ImageCms.PyCMSError (or OSError) if it is not ICC."""
    from PIL import ImageCms
    return ImageCms.ImageCmsProfile(io.BytesIO(data))


def check_output_profile(data: bytes) -> str | None:
    """None if `data` is a CMYK output profile, else a short reason."""
    from PIL import ImageCms
    try:
        prof = open_profile(data).profile
    except (ImageCms.PyCMSError, OSError, ValueError) as exc:
        return f"not an ICC profile ({exc})"
    if prof.xcolor_space.strip() != "CMYK":
        return f"colour space is {prof.xcolor_space.strip()}, not CMYK"
    if prof.device_class.strip() not in ("prtr", "spac"):
        return f"device class is {prof.device_class.strip()}, not an output (prtr) profile"
    return None


@functools.lru_cache(maxsize=16)
def _transform(src: bytes | None, dst: bytes, in_mode: str) -> ImageCms.ImageCmsTransform:
    from PIL import ImageCms
    src_prof = open_profile(src) if src is not None else ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(src_prof, open_profile(dst), in_mode, "CMYK",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


def warm_up(dst_profile: bytes) -> None:
    """Build the sRGB → `dst_profile` transform now (a process that will prepare photos later: watch mode)."""
    _transform(None, dst_profile, "RGB")


def to_cmyk(im: Image.Image, src_profile: bytes | None, dst_profile: bytes) -> Image.Image:
    """RGB or CMYK image → CMYK in the output profile. `src_profile` None means sRGB for RGB input."""
    from PIL import ImageCms
    if im.mode not in ("RGB", "CMYK"):
        raise ValueError(f"to_cmyk expects RGB or CMYK, got {im.mode}")
    if im.mode == "CMYK" and (src_profile is None or src_profile == dst_profile):
        return im  # already in the output condition
    return ImageCms.applyTransform(im, _transform(src_profile, dst_profile, im.mode))


@functools.lru_cache(maxsize=8)
def grey_to_k_lut(dst_profile: bytes) -> np.ndarray:
    """256-entry table: sRGB-encoded grey value → K (0..255) for a K-only separation.

    The grey's CIE L* is mapped linearly (black point compensation) onto the L* range the K
    channel alone reaches on this profile (paper white .. solid K, relative colorimetric),
    and the K that prints that L* is read off the profile's own K ramp. So dot gain is
    compensated by the profile, not by a guessed curve.
    """
    from PIL import Image, ImageCms
    import numpy as np
    ramp = np.zeros((1, 256, 4), np.uint8)
    ramp[0, :, 3] = np.arange(256, dtype=np.uint8)
    lab_t = ImageCms.buildTransform(open_profile(dst_profile), ImageCms.createProfile("LAB"),
                                    "CMYK", "LAB", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    k_lstar = np.asarray(ImageCms.applyTransform(Image.fromarray(ramp, "CMYK"), lab_t))[0, :, 0]
    k_lstar = k_lstar.astype(np.float64) * (100.0 / 255.0)
    # np.interp needs increasing x: L* falls as K rises, so walk the ramp backwards, and force
    # monotonicity in case measurement noise makes the ramp wobble.
    k_lstar = np.minimum.accumulate(k_lstar)
    g = np.arange(256, dtype=np.float64) / 255.0
    linear = np.where(g <= 0.04045, g / 12.92, ((g + 0.055) / 1.055) ** 2.4)
    lstar = np.where(linear > 216 / 24389, 116 * np.cbrt(linear) - 16, linear * 24389 / 27)
    lo, hi = k_lstar[-1], k_lstar[0]
    target = lo + (lstar / 100.0) * (hi - lo)
    k = np.interp(target, k_lstar[::-1], np.arange(255, -1, -1, dtype=np.float64))
    return np.clip(np.rint(k), 0, 255).astype(np.uint8)


def grey_to_k_only(im: Image.Image, dst_profile: bytes) -> Image.Image:
    """'L' image → CMYK with C=M=Y=0: a grey photo prints on the black plate alone."""
    from PIL import Image
    import numpy as np
    k = grey_to_k_lut(dst_profile)[np.asarray(im, dtype=np.uint8)]
    out = np.zeros(k.shape + (4,), np.uint8)
    out[..., 3] = k
    return Image.fromarray(out, "CMYK")


def limit_ink(cmyk: np.ndarray, limit_pct: float) -> np.ndarray:
    """Scale C, M, Y down where C+M+Y+K exceeds `limit_pct`; K is kept (it carries the detail).

    `cmyk` is uint8 (..., 4). Flooring the scaled values guarantees the sum never exceeds the
    limit after rounding. If K alone exceeds the limit (limits below 100 %), K is cut too.
    """
    import numpy as np
    return limit_ink_units(cmyk, int(np.floor(limit_pct * 255.0 / 100.0 + 1e-9)))


def limit_ink_units(cmyk: np.ndarray, limit: int | np.ndarray) -> np.ndarray:
    """`limit_ink` with the limit in 1/255 units, either one number or one per pixel (shape (...))."""
    import numpy as np
    limit = np.broadcast_to(np.asarray(limit, dtype=np.int32), cmyk.shape[:-1])
    total = cmyk.astype(np.int32).sum(axis=-1)
    over = total > limit
    if not over.any():
        return cmyk
    out = cmyk.copy()
    px = out[over].astype(np.int32)
    lim = limit[over]
    k = np.minimum(px[:, 3], lim)
    budget = lim - k
    cmy = px[:, :3]
    scaled = (cmy * budget[:, None]) // np.maximum(cmy.sum(axis=1), 1)[:, None]
    out[over] = np.concatenate([scaled, k[:, None]], axis=1).astype(np.uint8)
    return out


def block_overshoot(total_units: np.ndarray, limit: int, block: int = 8) -> np.ndarray:
    """Per pixel, the worst excess over `limit` within its JPEG block and the 8 blocks around it.

    JPEG quantisation rings around edges, so a decoded image can exceed the limit its pixels
    were clamped to. Lowering the limit over the neighbourhood of each offending block, and
    re-encoding, pulls the decoded ink back under the limit without touching the rest."""
    import numpy as np
    h, w = total_units.shape
    bh, bw = -(-h // block), -(-w // block)
    padded = np.zeros((bh * block, bw * block), np.int32)
    padded[:h, :w] = np.maximum(total_units.astype(np.int32) - limit, 0)
    worst = padded.reshape(bh, block, bw, block).max(axis=(1, 3))
    ring = np.pad(worst, 1)
    spread = np.max([ring[i:i + bh, j:j + bw] for i in range(3) for j in range(3)], axis=0)
    return np.repeat(np.repeat(spread, block, axis=0), block, axis=1)[:h, :w]


def max_ink_pct(cmyk: np.ndarray) -> float:
    """Highest C+M+Y+K over all pixels, in percent (400 = all four solid)."""
    import numpy as np
    if cmyk.size == 0:
        return 0.0
    return float(cmyk.astype(np.int32).sum(axis=-1).max()) * 100.0 / 255.0
