"""Photos for the press: probe, orient, crop to the frame, resample, separate to CMYK, cache.

`prepare_image` turns a desk photo (JPEG/PNG/TIFF..., any common mode) into a CMYK JPEG sized
for its frame at `ppi`, in the output profile, with total ink limited, and returns where it
is. The renderer passes that path to reportlab `drawImage` with `rl_config.useA85 = 0`, so the
JPEG goes into the PDF untouched (DCTDecode; reportlab writes the /Decode for Pillow's
Adobe-inverted CMYK).

Decisions:
- Grey ('L', '1', 16-bit grey) becomes **K-only CMYK**, not DeviceGray: a grey photo then
  prints on the black plate alone (no registration risk), its tone goes through the output
  profile's K curve (dot gain compensated, which DeviceGray would leave to the RIP), and every
  prepared image is the same kind of object for the renderer, the press PDF and the archive.
- 16-bit grey is shifted `>> 8`; `convert('L')` would clip it to near white.
- Alpha (RGBA, LA, palette with transparency) is flattened on white paper before resampling.
- CMYK input with an embedded profile is converted from it; without one it is taken to be in
  the output condition already (only the ink limit applies) and an info finding says so.
- Results are cached under `<cache>/v2/images/<key>.jpg` and `<key>.json`, a verified entry
  (layout.base.cachefile) of the figures that names the JPEG's sha256 and size; both are checked
  when read, and a bad one is made again. The key is the sha256 of the source *bytes*, the output
  profile's bytes, every parameter, the Pillow version and `VERSION`; a warm call hashes the source
  (remembered) and reads the small entry and the JPEG it names, never decodes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and Pillow are imported where used: a warm build needs neither
    import numpy as np
    from PIL import Image

import hashlib
import io
import json
import math
import os
from dataclasses import asdict, dataclass

import PIL

from layout.photo import colour
from layout.base.cachefile import Store
from layout.base.digest import cache_root, sha256_cached
from layout.base.errors import InputError
from layout.base.model import Finding

VERSION = "images-1"
LOW_PPI_WARNING = 150.0
EXIF_ORIENTATION = 0x0112
_ROTATED = (5, 6, 7, 8)  # EXIF orientations that swap width and height
_SUPPORTED_FORMATS = ("JPEG", "PNG", "TIFF", "WEBP", "BMP", "GIF", "MPO")


def _read_errors() -> tuple[type[BaseException], ...]:
    """What Pillow raises for a file it cannot read (Pillow is imported only when pixels are needed)."""
    from PIL import Image, UnidentifiedImageError

    return (OSError, UnidentifiedImageError, ValueError, SyntaxError, Image.DecompressionBombError)


@dataclass(frozen=True)
class PreparedImage:
    """A photo made print-ready for its frame: the cached CMYK JPEG and its figures."""

    path: str  # the CMYK JPEG in the cache
    width_px: int
    height_px: int
    ppi: float  # effective, at placed size (lower than asked when the source is small)
    max_ink_pct: float  # highest C+M+Y+K in the written JPEG, as decoded
    source_sha256: str
    findings: tuple[Finding, ...]


def _open(path: str, data: bytes | None = None) -> Image.Image:
    from PIL import Image
    try:
        im = Image.open(io.BytesIO(data) if data is not None else path)
    except FileNotFoundError:
        raise InputError("photo file not found", where=path, hint="check the path in article.yaml") from None
    except _read_errors() as exc:
        raise InputError(f"not a readable image ({exc})", where=path) from None
    if im.format not in _SUPPORTED_FORMATS:
        raise InputError(f"unsupported image format {im.format}", where=path,
                         hint="use JPEG, PNG or TIFF")
    return im


def _looks_truncated(path: str, im: Image.Image) -> bool:
    """Cheap completeness check without decoding: JPEG must end in EOI, PNG chunks must verify."""
    from PIL import Image
    if im.format in ("JPEG", "MPO"):
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - 4096))
            tail = fh.read()
        return b"\xff\xd9" not in tail
    if im.format == "PNG":
        try:
            Image.open(path).verify()  # walks chunk CRCs up to IEND; no pixel decode
        except _read_errors():
            return True
    return False


def _orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(EXIF_ORIENTATION, 1) or 1)
    except _read_errors():
        return 1


def probe_image(path: str) -> tuple[int, int]:
    """Displayed (width, height) in px after EXIF orientation, read from the header only."""
    if not os.path.isfile(path):
        raise InputError("photo file not found", where=path, hint="check the path in article.yaml")
    im = _open(path)
    with im:
        if _looks_truncated(path, im):
            raise InputError("image file is truncated or corrupt", where=path,
                             hint="copy the photo again from the original")
        w, h = im.size
        if w <= 0 or h <= 0:
            raise InputError("image has no pixels", where=path)
        return (h, w) if _orientation(im) in _ROTATED else (w, h)


def _crop_box(w: float, h: float, aspect: float, focus: tuple[float, float]) -> tuple[float, float, float, float]:
    """The largest box of `aspect` (w/h) inside w×h whose centre is as near the focus as fits."""
    if w / h > aspect:
        cw, ch = h * aspect, h
    else:
        cw, ch = w, w / aspect
    left = min(max(focus[0] * w - cw / 2, 0.0), w - cw)
    top = min(max(focus[1] * h - ch / 2, 0.0), h - ch)
    return left, top, left + cw, top + ch


def _check_args(src: str, frame_w_pt: float, frame_h_pt: float, focus: tuple[float, float],
                ppi: float, tac_limit_pct: float, quality: int) -> None:
    if not (frame_w_pt > 0 and frame_h_pt > 0 and math.isfinite(frame_w_pt * frame_h_pt)):
        raise InputError(f"photo frame must have a positive size, got {frame_w_pt:.2f}×{frame_h_pt:.2f} pt", where=src)
    if not all(0.0 <= f <= 1.0 for f in focus) or len(focus) != 2:
        raise InputError(f"focus must be two fractions between 0 and 1, got {focus}", where=src)
    if not ppi > 0:
        raise InputError(f"ppi must be positive, got {ppi}", where=src)
    if not 100 <= tac_limit_pct <= 400:
        raise InputError(f"total ink limit must be between 100 and 400 %, got {tac_limit_pct}", where=src)
    if not 1 <= quality <= 100:
        raise InputError(f"JPEG quality must be 1..100, got {quality}", where=src)


def _cache_key(source_sha: str, profile_sha: str, params: dict) -> tuple[str, str]:
    """(the key of a prepared photo's cache entry as text, its digest: the entry's file name)."""
    blob = json.dumps({"v": VERSION, "pillow": PIL.__version__, "src": source_sha,
                       "profile": profile_sha, **params}, sort_keys=True)
    return blob, hashlib.sha256(blob.encode()).hexdigest()


def _figures(content: bytes) -> dict | None:
    """A prepared photo's figures from its cache entry, if every field has its type."""
    m = json.loads(content)
    if not isinstance(m, dict):
        return None
    whole = all(isinstance(m.get(k), int) and not isinstance(m.get(k), bool) and m[k] > 0
                for k in ("width_px", "height_px", "jpg_size"))
    numbers = all(isinstance(m.get(k), (int, float)) and not isinstance(m.get(k), bool) and 0 <= m[k] < float("inf")
                  for k in ("ppi", "max_ink_pct"))
    found = isinstance(m.get("findings"), list) and all(
        isinstance(f, dict) and set(f) == {"severity", "code", "message", "where"}
        and all(isinstance(v, str) for v in f.values()) for f in m["findings"])
    return m if whole and numbers and found and isinstance(m.get("jpg_sha256"), str) else None


def _load_cached(store: Store, key: str, blob: str, source_sha: str, src: str) -> PreparedImage | None:
    meta = store.get(key + ".json", blob, _figures)
    if meta is None or not store.check_file(key + ".jpg", meta["jpg_sha256"], meta["jpg_size"]):
        return None
    return PreparedImage(path=store.path(key + ".jpg"), width_px=meta["width_px"], height_px=meta["height_px"],
                         ppi=meta["ppi"], max_ink_pct=meta["max_ink_pct"], source_sha256=source_sha,
                         # the same bytes may sit under another name now: findings name this one
                         findings=tuple(Finding(**{**f, "where": src}) for f in meta["findings"]))


def _to_working_mode(im: Image.Image, src: str) -> tuple[Image.Image, list[Finding]]:
    """Any supported mode → 'RGB', 'L' or 'CMYK' (8 bit, no alpha)."""
    from PIL import Image
    import numpy as np
    notes: list[Finding] = []
    mode = im.mode
    if mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
        mode = im.mode
    if mode == "PA":
        im, mode = im.convert("RGBA"), "RGBA"
    if mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        # 16-bit grey: keep the top byte. `convert('L')` clamps at 255 instead of scaling.
        arr = np.asarray(im).astype(np.int64)
        if mode == "I" and arr.max(initial=0) <= 255:
            arr = arr << 8  # an 'I' image holding 8-bit data (seen from some TIFF writers)
        return Image.fromarray(np.clip(arr >> 8, 0, 255).astype(np.uint8), "L"), notes
    if mode == "1":
        return im.convert("L"), notes
    if mode in ("RGBA", "RGBa", "LA", "La"):
        base = "RGB" if mode.startswith("RGB") else "L"
        rgba = im.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat = Image.alpha_composite(paper, rgba).convert(base)
        notes.append(Finding("info", "image-alpha", "transparency flattened on white", where=src))
        return flat, notes
    if mode in ("RGB", "L", "CMYK"):
        return im, notes
    if mode == "YCbCr":
        return im.convert("RGB"), notes
    raise InputError(f"unsupported image mode {mode}", where=src, hint="save the photo as 8-bit RGB, grey or CMYK")


def prepare_image(src: str, frame_w_pt: float, frame_h_pt: float, focus: tuple[float, float] = (0.5, 0.5),
                  ppi: float = 200, profile: str = colour.DEFAULT_PROFILE, tac_limit_pct: float = 230,
                  cache_dir: str | None = None, quality: int = 85) -> PreparedImage:
    """Crop `src` to the frame's aspect around `focus`, resample to `ppi` at placed size (never up),
    separate to CMYK in `profile` with total ink ≤ `tac_limit_pct`, and cache it as a JPEG."""
    _check_args(src, frame_w_pt, frame_h_pt, focus, ppi, tac_limit_pct, quality)
    root = cache_dir or cache_root()
    try:
        # The digest is remembered per (path, size, mtime): a warm rebuild reads no photo.
        source_sha = sha256_cached(src, root)
    except FileNotFoundError:
        raise InputError("photo file not found", where=src, hint="check the path in article.yaml") from None
    except OSError as exc:
        raise InputError(f"cannot read photo ({exc.strerror})", where=src) from None
    try:
        profile_bytes = colour.read_profile(profile)
    except OSError as exc:
        raise InputError(f"cannot read ICC profile ({exc.strerror})", where=profile) from None
    params = {"frame_w_pt": round(frame_w_pt, 4), "frame_h_pt": round(frame_h_pt, 4),
              "focus": [round(focus[0], 6), round(focus[1], 6)], "ppi": round(ppi, 4),
              "tac": round(tac_limit_pct, 4), "quality": quality}
    blob, key = _cache_key(source_sha, colour._sha(profile_bytes), params)
    store = Store(root, "images")
    hit = _load_cached(store, key, blob, source_sha, src)
    if hit is not None:
        return hit

    try:
        with open(src, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InputError(f"cannot read photo ({exc.strerror})", where=src) from None
    if hashlib.sha256(data).hexdigest() != source_sha:
        # The file changed without a new size or mtime (the remembered digest is stale): key the
        # result by what was actually read.
        source_sha = hashlib.sha256(data).hexdigest()
        blob, key = _cache_key(source_sha, colour._sha(profile_bytes), params)
    problem = colour.check_output_profile(profile_bytes)
    if problem:
        raise InputError(f"output profile unusable: {problem}", where=profile, hint="give a CMYK printer ICC profile")
    out_bytes, figures = _render(src, data, frame_w_pt, frame_h_pt, focus, ppi, profile_bytes, tac_limit_pct, quality)

    jpg = store.put_file(key + ".jpg", out_bytes)  # in the cache, or a temporary folder when it cannot be written
    if jpg == store.path(key + ".jpg"):  # the entry last: it names the JPEG's bytes
        entry = dict(figures, jpg_sha256=hashlib.sha256(out_bytes).hexdigest(), jpg_size=len(out_bytes))
        store.put(key + ".json", blob, json.dumps(entry, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8"))
    return PreparedImage(path=jpg, width_px=figures["width_px"], height_px=figures["height_px"], ppi=figures["ppi"],
                         max_ink_pct=figures["max_ink_pct"], source_sha256=source_sha,
                         findings=tuple(Finding(**f) for f in figures["findings"]))


def _render(src: str, data: bytes, frame_w_pt: float, frame_h_pt: float, focus: tuple[float, float],
            ppi: float, profile_bytes: bytes, tac_limit_pct: float, quality: int) -> tuple[bytes, dict]:
    from PIL import Image, ImageCms, ImageOps
    import numpy as np
    findings: list[Finding] = []
    im = _open(src, data)
    orient = _orientation(im)
    stored_w, stored_h = im.size
    disp_w, disp_h = (stored_h, stored_w) if orient in _ROTATED else (stored_w, stored_h)
    aspect = frame_w_pt / frame_h_pt
    want_w = max(1, round(frame_w_pt / 72.0 * ppi))
    want_h = max(1, round(frame_h_pt / 72.0 * ppi))
    crop = _crop_box(disp_w, disp_h, aspect, focus)
    scale = want_w / (crop[2] - crop[0])  # output px per displayed source px
    if im.format in ("JPEG", "MPO") and scale < 0.5:
        # Let libjpeg decode at 1/2, 1/4 or 1/8: it keeps at least the requested size, so the
        # crop still has ≥ want px. Requested size is in stored orientation.
        req = (math.ceil(stored_w * scale), math.ceil(stored_h * scale))
        im.draft(im.mode, req)
    icc = im.info.get("icc_profile") or None
    try:
        im.load()
        im = ImageOps.exif_transpose(im)
    except _read_errors() as exc:
        raise InputError(f"image cannot be decoded ({exc})", where=src, hint="the file is truncated or corrupt") from None
    im, notes = _to_working_mode(im, src)
    findings += notes

    # Recompute the crop on the (possibly draft-reduced) pixels.
    w, h = im.size
    box = _crop_box(w, h, aspect, focus)
    box_w = box[2] - box[0]
    if box_w * (1 + 1e-9) >= want_w:
        out_w, out_h, eff_ppi = want_w, want_h, float(ppi)
    else:  # never upsample: keep the source's pixels over the crop and report what that gives
        out_w = max(1, round(box_w))
        out_h = max(1, round(out_w / aspect))
        eff_ppi = out_w / (frame_w_pt / 72.0)
    im = im.resize((out_w, out_h), Image.Resampling.LANCZOS, box=box)
    if eff_ppi < LOW_PPI_WARNING:
        findings.append(Finding("warning", "image-low-ppi",
                                f"only {eff_ppi:.0f} ppi at placed size ({disp_w}×{disp_h} px source; "
                                f"{LOW_PPI_WARNING:.0f}+ needed on newsprint)", where=src))

    if im.mode == "L":
        cmyk = colour.grey_to_k_only(im, profile_bytes)
    else:
        src_profile = None
        if icc is not None:
            try:
                colour.open_profile(icc)
                src_profile = icc
            except (OSError, ValueError, ImageCms.PyCMSError):
                findings.append(Finding("warning", "image-bad-profile",
                                        "embedded ICC profile unreadable; assumed "
                                        + ("sRGB" if im.mode == "RGB" else "the output profile"), where=src))
        if im.mode == "CMYK" and src_profile is None:
            findings.append(Finding("info", "image-cmyk-untagged",
                                    "CMYK photo without a profile: taken to be in the output condition", where=src))
        try:
            cmyk = colour.to_cmyk(im, src_profile, profile_bytes)
        except ImageCms.PyCMSError as exc:  # opens, but no transform (e.g. a grey profile on RGB data)
            if src_profile is None:
                raise
            findings.append(Finding("warning", "image-bad-profile",
                                    f"embedded ICC profile unusable ({exc}); assumed default", where=src))
            cmyk = colour.to_cmyk(im, None, profile_bytes)

    out, max_ink = _encode_within_limit(np.asarray(cmyk), tac_limit_pct, quality, eff_ppi)
    figures = {"width_px": out_w, "height_px": out_h, "ppi": round(eff_ppi, 3),
               "max_ink_pct": round(max_ink, 2),
               "findings": [asdict(f) for f in findings]}
    return out, figures


TAC_PASSES = 4  # encode passes to bring JPEG ringing back under the ink limit
TAC_TOLERANCE_UNITS = 2  # ≤ 0.8 % over the limit after JPEG is accepted


def _encode_within_limit(cmyk: np.ndarray, tac_limit_pct: float, quality: int, ppi: float) -> tuple[bytes, float]:
    """Clamp ink, encode as CMYK JPEG, and re-clamp locally wherever the *decoded* JPEG still
    exceeds the limit (quantisation ringing adds up to ~20 % at hard edges). Returns the JPEG
    and the max ink of what it decodes to: the figure that reaches the plate."""
    from PIL import Image
    import numpy as np
    limit = int(np.floor(tac_limit_pct * 255.0 / 100.0 + 1e-9))
    per_pixel = np.full(cmyk.shape[:2], limit, np.int32)
    arr = colour.limit_ink_units(cmyk, per_pixel)
    dpi = round(ppi, 2)
    for _ in range(TAC_PASSES):
        buf = io.BytesIO()
        Image.fromarray(arr, "CMYK").save(buf, "JPEG", quality=quality, optimize=True, dpi=(dpi, dpi))
        out = buf.getvalue()
        total = np.asarray(Image.open(io.BytesIO(out)).convert("CMYK")).astype(np.int32).sum(axis=-1)
        if int(total.max()) <= limit + TAC_TOLERANCE_UNITS:
            break
        per_pixel = np.maximum(per_pixel - colour.block_overshoot(total, limit), 0)
        arr = colour.limit_ink_units(cmyk, per_pixel)
    return out, float(total.max()) * 100.0 / 255.0
