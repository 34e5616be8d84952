"""Write the marked placeholder photos and ad of the sample pages (samples/*.yaml).

The sample 要闻版 needs photos and an ad no one has: like the 郾城区 placeholders
(tools/make_placeholders.py, whose drawing this reuses) each is a synthetic JPEG visibly marked
"示意图 PLACEHOLDER" with its caption. Never overwrites an existing file unless --force is given.

    python tools/make_samples.py [--force]
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from make_placeholders import Slot, render, write_atomic  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = (
    (Slot("sample-01-huanlu.jpg", "新建成的城市环路（示例）", 6000, 3375), 101),
    (Slot("sample-02-gongyuan.jpg", "市民在口袋公园休闲（示例）", 3000, 3000), 102),
    (Slot("sample-03-shouhuo.jpg", "联合收割机在田间作业（示例）", 4500, 3000), 103),
    (Slot("sample-ad.jpg", "通栏广告位（示例）", 4200, 1000), 104),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="overwrite existing files")
    args = ap.parse_args(argv)
    for slot, seed in FILES:
        path = os.path.join(ROOT, "samples", "assets", slot.name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if os.path.exists(path) and not args.force:
            print(f"keep   {path} (exists; --force to overwrite)")
            continue
        data = render(slot, seed)
        write_atomic(path, data)
        print(f"wrote  {path} {slot.width_px}×{slot.height_px} {len(data) // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
