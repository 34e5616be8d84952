"""Write the deterministic placeholder photos into assets/photos/.

The seed article's real photos are not available, so each slot gets a synthetic sRGB JPEG at a
realistic camera size, visibly marked "示意图 PLACEHOLDER" with its caption. The content is
smooth gradients and flat shapes: photo-like enough to exercise cropping, colour conversion and
ink limiting, and small on disk. One file is stored rotated with EXIF Orientation=6 so that
orientation handling is exercised for real.

The desk replaces a photo by dropping a file with the same name; this tool therefore never
overwrites an existing file unless --force is given.

    python tools/make_placeholders.py [--out assets/photos] [--force]
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, ImageDraw, ImageFilter, ImageFont

FONT_PATH = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
JPEG_QUALITY = 85
EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class Slot:
    name: str
    caption: str
    width_px: int  # as displayed (after EXIF orientation)
    height_px: int
    orientation: int = 1  # EXIF Orientation stored in the file


# Seed order. 01 is the lead photo: a wide landscape. Sizes are those of common camera bodies.
SLOTS: tuple[Slot, ...] = (
    Slot("01-songjiang.jpg", "淞江产业集聚区", 6000, 3000),  # 2:1 panorama crop
    Slot("02-xingfuqu.jpg", "幸福渠", 4500, 3000),  # 3:2
    Slot("03-fengdian.jpg", "郾城区华润新能源平原风电项目", 4800, 2700),  # 16:9
    Slot("04-kaigong.jpg", "郾城区2020年项目集中开工", 4000, 3000, orientation=6),  # 4:3, stored rotated
    Slot("05-yitong.jpg", "亿通汽车科技产业园", 4500, 3000),  # 3:2
    Slot("06-changda.jpg", "昌达集团卡波纳酒业生产车间", 4000, 3000),  # 4:3
    Slot("07-dingdangniu.jpg", "叮当牛饮品生产线", 2000, 3000),  # 2:3 portrait
    Slot("08-lianhua.jpg", "莲花医疗器械世界先进的生产线", 4500, 3000),  # 3:2
    Slot("09-weikang.jpg", "微康益生菌智能化生产车间", 3000, 3000),  # 1:1
    Slot("10-xinwang.jpg", "新旺化工", 4800, 2700),  # 16:9
    Slot("11-xincheng.jpg", "美丽宜居的新城区", 4500, 3000),  # 3:2
)


def srgb_profile_bytes() -> bytes:
    """LittleCMS's built-in sRGB profile with its creation date pinned, so the JPEG bytes are stable."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    # Header bytes 24..35 hold the creation dateTime; 84..99 the optional profile ID (MD5 over
    # the header including the date), which must be zeroed ("not computed") once the date changes.
    data[24:36] = (2020).to_bytes(2, "big") + (1).to_bytes(2, "big") + (1).to_bytes(2, "big") + bytes(6)
    data[84:100] = bytes(16)
    return bytes(data)


def _sky(rng: random.Random, w: int, h: int) -> np.ndarray:
    """A vertical sky gradient with a horizontal tint shift: the large smooth area of a photo."""
    top = np.array([rng.randint(60, 120), rng.randint(110, 170), rng.randint(190, 240)], float)
    bottom = np.array([rng.randint(200, 245), rng.randint(200, 235), rng.randint(180, 225)], float)
    t = np.linspace(0.0, 1.0, h)[:, None, None]
    s = np.linspace(-1.0, 1.0, w)[None, :, None]
    img = top * (1 - t) + bottom * t + s * np.array([12.0, 4.0, -10.0])
    return np.clip(img, 0, 255).astype(np.uint8)


def _scene(rng: random.Random, w: int, h: int) -> Image.Image:
    im = Image.fromarray(_sky(rng, w, h), "RGB")
    draw = ImageDraw.Draw(im)
    horizon = int(h * rng.uniform(0.36, 0.46))  # keeps the hills clear of the banner
    # sun
    r = int(min(w, h) * rng.uniform(0.05, 0.09))
    cx, cy = int(w * rng.uniform(0.15, 0.85)), int(horizon * rng.uniform(0.2, 0.5))
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(255, 236, 180))
    # far hills: polylines across the width, darker and greener towards the viewer
    for layer in range(3):
        base = horizon - int(h * 0.08) + layer * int(h * 0.05)
        step = w // 12
        pts = [(0, h)] + [(x, base - rng.randint(0, int(h * 0.08))) for x in range(0, w + step, step)] + [(w, h)]
        shade = 170 - layer * 40
        draw.polygon(pts, fill=(shade - 50, shade + rng.randint(-10, 20), shade - 70 + layer * 10))
    # buildings / sheds: flat blocks with window rows, in saturated and neutral tones
    palette = [(200, 40, 35), (30, 70, 160), (235, 190, 40), (90, 90, 95), (240, 240, 235), (20, 20, 22)]
    for _ in range(rng.randint(6, 11)):
        bw = int(w * rng.uniform(0.05, 0.14))
        bh = int(h * rng.uniform(0.12, 0.35))
        x0 = rng.randint(0, w - bw)
        y1 = horizon + rng.randint(int(h * 0.05), int(h * 0.2))
        colour = palette[rng.randrange(len(palette))]
        draw.rectangle((x0, y1 - bh, x0 + bw, y1), fill=colour)
        win = (min(255, colour[0] + 60), min(255, colour[1] + 60), min(255, colour[2] + 70))
        for wy in range(y1 - bh + bh // 8, y1 - bh // 8, max(8, bh // 6)):
            draw.rectangle((x0 + bw // 10, wy, x0 + bw - bw // 10, wy + max(3, bh // 16)), fill=win)
    # foreground field
    draw.rectangle((0, int(h * 0.9), w, h), fill=(96, 122, 58))
    # a soft blur makes edges photo-like and keeps the JPEG small
    return im.filter(ImageFilter.GaussianBlur(radius=max(1.0, min(w, h) / 1500)))


def _font(size: int) -> ImageFont.FreeTypeFont:
    """The banner face with Pillow's BASIC layout: FreeType as bundled in the Pillow wheel, and
    nothing else. Pillow's default (raqm) is used only when the machine happens to have
    libfribidi, so it would make other bytes on a machine that has it than on one that has not."""
    return ImageFont.truetype(FONT_PATH, size, layout_engine=ImageFont.Layout.BASIC)


def _mark(im: Image.Image, slot: Slot) -> None:
    """Stamp the placeholder banner and caption so nobody mistakes it for the real photo."""
    w, h = im.size
    draw = ImageDraw.Draw(im)
    big = _font(int(h * 0.09))
    small = _font(int(h * 0.045))
    lines = [("示意图 PLACEHOLDER", big), (slot.caption, small), (f"{slot.name}  {w}×{h}", small)]
    heights = [draw.textbbox((0, 0), text, font=font)[3] for text, font in lines]
    gap = int(h * 0.02)
    band_h = sum(heights) + gap * (len(lines) + 1)
    y = int(h * 0.60)  # below the horizon so the hills and sky stay visible
    draw.rectangle((0, y, w, y + band_h), fill=(250, 250, 245))
    y += gap
    for (text, font), th in zip(lines, heights):
        tw = draw.textlength(text, font=font)
        draw.text(((w - tw) / 2, y), text, font=font, fill=(20, 20, 20))
        y += th + gap
    # a diagonal cross, the usual "this is not the picture" sign
    draw.line((0, 0, w, h), fill=(200, 30, 30), width=max(4, h // 300))
    draw.line((0, h, w, 0), fill=(200, 30, 30), width=max(4, h // 300))


def render(slot: Slot, seed: int) -> bytes:
    """The JPEG bytes for one slot; the same seed always gives the same bytes."""
    rng = random.Random(seed)
    im = _scene(rng, slot.width_px, slot.height_px)
    _mark(im, slot)
    exif = Image.Exif()
    if slot.orientation == 6:
        # Orientation 6 = "rotate 90° clockwise to display"; so store it turned 90° anticlockwise.
        im = im.transpose(Image.Transpose.ROTATE_90)
        exif[EXIF_ORIENTATION] = 6
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, subsampling="4:2:0",
            icc_profile=srgb_profile_bytes(), exif=exif.tobytes(), dpi=(300, 300))
    return buf.getvalue()


def write_atomic(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_photos(folder: str, photos: list[tuple[Slot, int]], force: bool) -> None:
    """Render each (slot, seed) into `folder`, keeping a file that exists unless `force`."""
    os.makedirs(folder, exist_ok=True)
    for slot, seed in photos:
        path = os.path.join(folder, slot.name)
        if os.path.exists(path) and not force:
            print(f"keep   {path} (exists; --force to overwrite)")
            continue
        data = render(slot, seed)
        write_atomic(path, data)
        print(f"wrote  {path} {slot.width_px}×{slot.height_px} {len(data) // 1024} KiB")


def main(argv: list[str] | None = None) -> int:
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(here, "assets", "photos"))
    ap.add_argument("--force", action="store_true", help="overwrite existing files")
    args = ap.parse_args(argv)
    write_photos(args.out, [(slot, seed) for seed, slot in enumerate(SLOTS, start=1)], args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
