"""Write the marked placeholder photos and ads of the sample pages (samples/*.yaml, samples/edition/*.yaml).

The sample 要闻版 and the sample edition's pages need photos and ads no one has. Like the 郾城区 placeholders
(tools/make_placeholders.py, whose drawing this reuses) each photo is a synthetic JPEG visibly marked
"示意图 PLACEHOLDER" with its caption. An ad is what the advertising department delivers: a
one-page PDF made to the booked area's size (its size read from the sample page and its template),
vector, CMYK only, its face (LXGW WenKai, OFL) embedded, no transparency — marked "示意 PLACEHOLDER
广告" and crossed like the photos, so nobody takes it for a real ad. Same input, same bytes.
Never overwrites an existing file unless --force is given.

    python tools/make_samples.py [--force]
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from make_placeholders import FONT_PATH, Slot, write_atomic, write_photos  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
FILES = (
    (Slot("sample-01-huanlu.jpg", "新建成的城市环路（示例）", 6000, 3375), 101),
    (Slot("sample-02-gongyuan.jpg", "市民在口袋公园休闲（示例）", 3000, 3000), 102),
    (Slot("sample-03-shouhuo.jpg", "联合收割机在田间作业（示例）", 4500, 3000), 103),
    # the sample edition's pages (samples/edition.yaml)
    (Slot("edition-01-kaigong.jpg", "重大项目集中开工现场（示例）", 4500, 3000), 111),
    (Slot("edition-03-mogu.jpg", "村民在大棚里采摘香菇（示例）", 4500, 3000), 113),
    (Slot("edition-04-chayuan.jpg", "南岭镇的生态茶园（示例）", 4800, 2700), 114),
    (Slot("edition-05-xinnongren.jpg", "返乡青年直播带货（示例）", 3000, 3000), 115),
    (Slot("edition-06-shitang.jpg", "老人们在社区食堂就餐（示例）", 4000, 3000), 116),
    (Slot("edition-07-gangkou.jpg", "集装箱堆场（示例）", 4800, 2700), 117),
    (Slot("edition-08-meili.jpg", "东沟村的荷塘和文化广场（示例）", 4500, 3000), 118),
)
ADS = (  # sample page (under samples/), reserved area id, file in samples/assets
    ("yaowen.yaml", "ad", "sample-ad.pdf"),
    ("edition/p05-jingji.yaml", "ad", "edition-ad-half.pdf"),
    ("edition/p06-guanggao.yaml", "ad", "edition-ad-large.pdf"),
)
RED = (0.0, 1.0, 1.0, 0.0)  # the placeholder cross, as on the photos
INK = (0.0, 0.0, 0.0, 1.0)
TINT = (0.0, 0.08, 0.16, 0.0)  # a light ground, so the ad's extent shows on the proof


def area_size_pt(page_file: str, area_id: str) -> tuple[float, float]:
    """The booked size of reserved area `area_id` on the sample page: width and height in pt. (Read
    from the YAML as it stands: loading the page would look for the ad this makes.)"""
    import yaml

    from layout.compose.grid import basic_columns, rows
    from layout.source.template import load_template

    with open(page_file, encoding="utf-8") as fh:
        page = yaml.safe_load(fh)
    (area,) = [r for r in page["reserved"] if r["id"] == area_id]
    template = load_template(page.get("template", "broadsheet"), os.path.dirname(page_file))
    return basic_columns(template).width_pt(area["span"]), rows(template).height_pt(area["rows"])


def ad_pdf(width_pt: float, height_pt: float, name: str) -> bytes:
    """The placeholder ad: one page of width × height pt (MediaBox = TrimBox), vector and CMYK."""
    import io

    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    rl_config.useA85 = 0
    pdfmetrics.registerFont(TTFont("SampleKai", FONT_PATH))
    buf = io.BytesIO()
    w, h = width_pt, height_pt
    # invariant: no clock, no random ID; enforceColorSpace: reportlab refuses any RGB colour;
    # initialFontName: no unembedded Helvetica left in the resources
    c = canvas.Canvas(buf, pagesize=(w, h), invariant=1, enforceColorSpace="cmyk", initialFontName="SampleKai",
                      trimBox=(0, 0, w, h))
    c.setTitle("示意 PLACEHOLDER 广告 (sample)")
    c.setSubject("a marked placeholder ad for the sample 要闻版; not a real advertisement")
    c.setFillColorCMYK(*TINT)
    c.rect(0, 0, w, h, fill=1, stroke=0)
    c.setStrokeColorCMYK(*RED)
    c.setLineWidth(2)
    c.line(0, 0, w, h)
    c.line(0, h, w, 0)
    c.setStrokeColorCMYK(*INK)
    c.setLineWidth(1)
    c.rect(4, 4, w - 8, h - 8, fill=0, stroke=1)
    band = h * 0.56
    c.setFillColorCMYK(0, 0, 0, 0)
    c.rect(w * 0.18, (h - band) / 2, w * 0.64, band, fill=1, stroke=0)
    c.setFillColorCMYK(*INK)
    c.setFont("SampleKai", min(h * 0.2, w * 0.06))  # a tall ad: sized by its width
    c.drawCentredString(w / 2, h * 0.52, "示意 PLACEHOLDER 广告")
    c.setFont("SampleKai", min(h * 0.08, w * 0.024))
    size = f"{w * 25.4 / 72:.1f} × {h * 25.4 / 72:.1f} mm"
    c.drawCentredString(w / 2, h * 0.34, f"通栏广告位（示例） {name}  {size}  CMYK PDF")
    c.showPage()
    c.save()
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="overwrite existing files")
    args = ap.parse_args(argv)
    write_photos(os.path.join(ROOT, "samples", "assets"), list(FILES), args.force)
    for page_name, area_id, name in ADS:
        path = os.path.join(ROOT, "samples", "assets", name)
        if os.path.exists(path) and not args.force:
            print(f"keep   {path} (exists; --force to overwrite)")
            continue
        w, h = area_size_pt(os.path.join(ROOT, "samples", page_name), area_id)
        data = ad_pdf(w, h, name)
        write_atomic(path, data)
        print(f"wrote  {path} {w * 25.4 / 72:.1f} × {h * 25.4 / 72:.1f} mm {len(data) // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
