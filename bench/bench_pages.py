#!/usr/bin/env python3
"""Pages of several items (issue 14): warm builds of the sample 要闻版 and of a generated six-story page.

    python bench/bench_pages.py [--runs 5] [--json out/pages.json]

The six-story page is the first page of six stories that tests/pages.py draws from seed 17 and the
engine builds (the same page tests/test_pages.py builds for real), written out with its photo
files. Each page is built once to warm the cache (font subsets, photos), then `--runs` times as a
whole process (`make_pdf.py page.yaml -o … -q`); the median wall time is the figure. `bench/run.py`
calls `run()` for `make bench`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

SAMPLE = ROOT / "samples" / "yaowen.yaml"


def six_story_page(folder: Path) -> Path:
    """The generated six-story page, written into `folder`; its YAML's path."""
    return six_story_pages(folder, 1)[0]


def six_story_pages(folder: Path, n: int) -> list[Path]:
    """The first `n` six-story pages tests/pages.py draws from seed 17 that the module search fills
    (on fake metrics), written into `folder` (one folder each after the first)."""
    import pages as P
    from support import fake_faces

    from layout.base.errors import InputError
    from layout.compose.page import compose_page
    from layout.source.template import load_template

    templates = {name: load_template(name) for name in P.TEMPLATES}
    grids = {name: P.Grid.of(t) for name, t in templates.items()}
    faces = fake_faces()
    rng = random.Random(17)
    found: list[Path] = []
    while len(found) < n:
        v = P.random_page(rng, grids)
        if len(v.stories) != 6:
            continue
        page, sizes = P.page_of(v, grids)
        try:
            compose_page(page, templates[v.template], faces, sizes)
        except InputError:
            continue
        found.append(Path(P.write(v, str(folder / f"p{len(found)}" if found else folder), grids)))
    return found


def run(root: Path, tmp: Path, env: dict, runs: int) -> dict:
    """Warm builds of both pages with the checkout `root`'s make_pdf.py: median, least and most wall
    seconds."""
    from timing import build_cmd, timed

    out = {}
    for name, path in (("sample", SAMPLE), ("six_stories", six_story_page(tmp / "six"))):
        cmd = build_cmd(root, path, tmp / "out" / name / "page.pdf")
        timed(cmd, env, root)  # warm-up: font subsets and photos into the cache
        walls = [timed(cmd, env, root)["wall_s"] for _ in range(runs)]
        out[name] = {"runs": runs, "wall_s": round(statistics.median(walls), 3), "wall_min_s": round(min(walls), 3),
                     "wall_max_s": round(max(walls), 3)}
    return out


def main(argv: list[str] | None = None) -> int:
    from timing import child_env, write_json

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="zhpaper-pages-"))
    try:
        got = run(ROOT, tmp, child_env(ROOT, str(tmp / "cache"), bytecode=True), args.runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for name, r in got.items():
        print(f"{name}: warm build median {r['wall_s']:.3f} s ({r['runs']} runs {r['wall_min_s']:.3f}–{r['wall_max_s']:.3f} s)")
    if args.json:
        write_json(args.json, got)
    return 0


if __name__ == "__main__":
    sys.exit(main())
