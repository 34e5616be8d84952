"""Benchmark: cold (empty cache) and warm preparation of every face for the seed article.

Run: python bench/bench_fonts.py [--jobs N]. Prints wall-clock seconds; not a test.
Display roles get the seed's short lines (headline-like), text roles the whole text, which
is what the page asks of them.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from layout.base.cachefile import LAYOUT  # noqa: E402
from layout.fonts import faces as fonts  # noqa: E402

SEED = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "seed-000_88f5a99a4fbbcac4.txt"


def chars_by_role(text: str) -> dict[str, str]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    short = "".join(ln for ln in lines if len(ln) <= 24)  # titles, headings, captions, list items
    return {
        "body": text, "caption": text, "byline": lines[1], "sidebar": short,
        "headline": lines[0], "kicker": short, "subtitle": short, "subhead": short,
        "sidebar_title": "郾城名片", "folio": "漯河日报 2021年1月8日 星期五 第5版 专版 责编 0123456789",
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    specs = fonts.load_catalog()
    need = chars_by_role(SEED.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as cache:
        t0 = time.perf_counter()
        faces = fonts.prepare_faces(specs, need, cache_dir=cache, jobs=args.jobs)
        cold = time.perf_counter() - t0
        warm_runs = []
        for _ in range(5):
            t0 = time.perf_counter()
            fonts.prepare_faces(specs, need, cache_dir=cache, jobs=args.jobs)
            warm_runs.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fonts.register_faces(faces)
        register = time.perf_counter() - t0
        files = sorted((pathlib.Path(cache) / LAYOUT / "fonts").glob("*.ttf"))
        print(f"cpus={os.cpu_count()} jobs={args.jobs}")
        print(f"cold prepare_faces: {cold:.2f} s ({len(files)} files)")
        print(f"warm prepare_faces: min {min(warm_runs) * 1000:.1f} ms, max {max(warm_runs) * 1000:.1f} ms")
        print(f"register_faces (reportlab TTFont, first time): {register:.3f} s")
        for f in files:
            print(f"  {f.name}: {f.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
