#!/usr/bin/env python3
"""The speed figures of issue 21 for a page of six stories, in one warm process as the desk meets them.

    python bench/bench_design.py [--pages 5] [--json out/design.json]

Six-story pages that tests/pages.py draws (seed 17 onwards) and the module search fills on the fake
metrics are written out with their photo files; those the real faces also build are measured (the
others are counted). The first one built only warms the process — the imports, the font programs,
the ICC transform — as the watch process or the desk's server is warm; `--pages` more are measured.
Then, for each page:

  fresh      the page built afresh, with its proof: its text was never composed in this process
             and no manifest lies beside its outputs, so the module search starts from nothing.
             Its font subsets are on the disk first (layout.pipeline.warm, timed apart as `fonts`:
             a new page's headline and caption characters need subsets of the display faces, made
             in worker processes — a cost of new characters, not of composing the page, and paid
             once per character set on a desk machine); its photos are prepared in the build
  late edit  the page's watch session built once, then its 二条 grown by about 150 characters
             (a sentence added to its last paragraph) and rebuilt in the same session: the
             rebuild's time, and whether it kept every module's columns (no `re-planned` line)
  refusal    the page with its 头条 given about 900 characters more (then 1,800, then 3,600, until
             it is refused; no continue_to): the time to the refusal (a one-line error with the
             engine's proposal)

Wall seconds (perf_counter) are the figures, median and worst; the CPU seconds of this process
beside them (a loaded machine stretches the wall time, not those). `bench/run.py` calls
`run()` for `make bench`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

GROWTH = "与此同时，各部门坚持问题导向，逐项梳理群众反映的急难愁盼问题，建立台账、明确时限、压实责任，确保每一件事都有回音、每一项工作都见实效。"


def _edited(path: Path, story: int, extra: str) -> None:
    """Add `extra` to the last paragraph of the `story`-th story of the page file (0 = the 头条)."""
    import yaml

    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    s = [it for it in doc["stories"] if "kind" not in it][story]
    if s["sections"]:
        s["sections"][-1]["paragraphs"][-1] += extra
    else:
        s["lead"][-1] += extra
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _timed(fn, cpu: list[float]) -> float:
    """Wall seconds of fn(); its CPU seconds (this process's) go to `cpu`."""
    t0, c0 = time.perf_counter(), time.process_time()
    fn()
    cpu.append(time.process_time() - c0)
    return time.perf_counter() - t0


def run(tmp: Path, pages: int) -> dict:
    from bench_pages import six_story_pages

    from layout.app.session import Session
    from layout.base.errors import InputError
    from layout.pipeline import BuildOptions, build, warm

    paths = six_story_pages(tmp / "pages", 3 * pages)
    fresh, late, kept, refused, infeasible = [], [], 0, [], 0
    cpu: dict[str, list[float]] = {"fresh": [], "late_edit": [], "refusal": [], "fonts": []}
    fonts: list[float] = []
    warmed = False
    for k, path in enumerate(paths):
        if len(fresh) == pages:
            break
        out = tmp / "out" / f"p{k}"
        opts = BuildOptions(out_pdf=str(out / "page.pdf"), proof=str(out / "page.png"))
        took: list[float] = []
        font_s = _timed(lambda: warm(str(path), opts), took)
        try:
            wall = _timed(lambda: build(str(path), opts), took)
        except InputError:  # filled on the fake metrics, not on the real faces: not one of ours
            infeasible += 1
            continue
        if not warmed:  # the first page built warms the process (imports, fonts, ICC)
            warmed = True
            continue
        fresh.append(wall)
        fonts.append(font_s)
        cpu["fonts"].append(took[0])
        cpu["fresh"].append(took[1])

        session = Session()
        try:
            wopts = BuildOptions(out_pdf=str(out / "watch" / "page.pdf"), proof=str(out / "watch" / "page.png"))
            build(str(path), wopts, session=session)
            edited = path.with_name("edited.yaml")
            shutil.copy(path, edited)
            _edited(edited, 1, GROWTH)
            os.replace(edited, path)
            result = []
            late.append(_timed(lambda: result.append(build(str(path), wopts, session=session)), cpu["late_edit"]))
            kept += not any(f.code == "re-planned" for f in result[0].report.findings)
        finally:
            session.close()

        for times in (12, 24, 48):  # the 头条 longer until the page is refused (no continue_to)
            big = path.with_name("big.yaml")
            shutil.copy(path, big)
            _edited(big, 0, GROWTH * times)
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                build(str(big), BuildOptions(out_pdf=str(out / "big" / "page.pdf"), proof=str(out / "big" / "page.png")))
            except InputError:
                refused.append(time.perf_counter() - t0)
                cpu["refusal"].append(time.process_time() - c0)
                break

    def stats(xs: list[float], name: str) -> dict:
        if not xs:
            return {"n": 0}
        c = cpu[name]
        return {"n": len(xs), "median_s": round(statistics.median(xs), 3), "worst_s": round(max(xs), 3),
                "cpu_median_s": round(statistics.median(c), 3), "cpu_worst_s": round(max(c), 3)}

    return {"fresh": {**stats(fresh, "fresh"), "refused_on_real_faces": infeasible}, "fonts": stats(fonts, "fonts"),
            "late_edit": {**stats(late, "late_edit"), "kept_shape": kept}, "refusal": stats(refused, "refusal")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    from timing import write_json

    tmp = Path(tempfile.mkdtemp(prefix="zhpaper-design-"))
    os.environ.setdefault("ZHPAPER_CACHE", str(tmp / "cache"))
    try:
        got = run(tmp, args.pages)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for name, r in got.items():
        extra = f", kept its shape {r['kept_shape']} of {r['n']}" if "kept_shape" in r else ""
        print(f"{name}: median {r.get('median_s', '-')} s, worst {r.get('worst_s', '-')} s (CPU median "
              f"{r.get('cpu_median_s', '-')} s, worst {r.get('cpu_worst_s', '-')} s) over {r['n']} page(s){extra}")
    if args.json:
        write_json(args.json, got)
    return 0


if __name__ == "__main__":
    sys.exit(main())
