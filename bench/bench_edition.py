#!/usr/bin/env python3
"""The sample edition timed (issue 23): six pages, and 24 (the sample four times over), each built warm
into a fresh folder (nothing is "unchanged") at -j 1, -j N (every core) and on a Dask LocalCluster of N
workers; pages per second and seconds per edition of wall time. Goal: 24 pages in ≤ 8 s warm on 4 cores.

    python bench/bench_edition.py [--json out/edition-bench.json]

The 24-page edition repeats the sample's six page files; each copy of page 1 continues on its own copy
of page 4 (continue_to and the slot renumbered), so every group waits for its own page.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import timing  # noqa: E402

GOAL = ("24 pages", 8.0, 4)  # seconds warm on 4 cores


def repeated(folder: Path, times: int) -> Path:
    """The sample edition `times` over, in `folder` (page files copied and renumbered, assets linked)."""
    import yaml

    src = ROOT / "samples"
    (folder / "pages").mkdir(parents=True)
    os.symlink(src / "assets", folder / "assets")
    doc = yaml.safe_load((src / "edition.yaml").read_text(encoding="utf-8"))
    pages = []
    for k in range(times):
        for p in doc["pages"]:
            n = p["page"] + 6 * k
            text = (src / p["file"]).read_text(encoding="utf-8").replace("../assets/", "../assets/")
            text = text.replace("file: assets/", "file: ../assets/")
            text = re.sub(r"continue_to: 4\b", f"continue_to: {4 + 6 * k}", text)
            text = re.sub(r"continued_from: 1/", f"continued_from: {1 + 6 * k}/", text)
            name = f"p{n:02d}.yaml"
            (folder / "pages" / name).write_text(text, encoding="utf-8")
            pages.append({"page": n, "name": p["name"], "file": f"pages/{name}"})
    path = folder / "edition.yaml"
    path.write_text(yaml.safe_dump(dict(doc, pages=pages), allow_unicode=True), encoding="utf-8")
    return path


def build(edition: Path, out: Path, env: dict, *extra: str) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, str(ROOT / "make_pdf.py"), "--edition", str(edition), "-o", str(out), "-q", *extra]
    return timing.timed(cmd, env, ROOT)


def run(tmp: Path, env: dict) -> dict:
    cores = os.cpu_count() or 1
    out = {"cores": cores}
    for label, times in (("six", 1), ("twenty_four", 4)):
        edition = repeated(tmp / label, times)
        pages = 6 * times
        build(edition, tmp / "warmup", env, "-j", str(cores))  # fills the cache: every face and photo prepared
        got = {}
        for name, extra in (("j1", ("-j", "1")), (f"j{cores}", ("-j", str(cores))),
                            (f"dask{cores}", ("-j", str(cores), "--scheduler", "local"))):
            t = build(edition, tmp / f"out-{label}-{name}", env, *extra)
            got[name] = {"wall_s": round(t["wall_s"], 2), "pages_per_s": round(pages / t["wall_s"], 2),
                         "cpu_s": round(t["cpu_s"], 1), "peak_rss_mib": round(t["peak_rss_mib"])}
        out[label] = {"pages": pages, **got}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="zhpaper-bench-edition-"))
    try:
        env = timing.child_env(ROOT, str(tmp / "cache"), True)
        r = run(tmp, env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for label in ("six", "twenty_four"):
        for name, v in r[label].items():
            if isinstance(v, dict):
                print(f"{r[label]['pages']:>2} pages {name:>6}: {v['wall_s']:6.2f} s/edition  "
                      f"{v['pages_per_s']:5.2f} pages/s  CPU {v['cpu_s']} s")
    if args.json:
        timing.write_json(args.json, r)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
