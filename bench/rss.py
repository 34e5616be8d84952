"""The watch process's memory over many edits: RSS growth, in-process (issue 22, "RSS flat over 1,000 edits").

    python bench/rss.py [--edits 1000] [--page article.yaml] [--json FILE]

The page (default article.yaml, with its photos and template, copied into a temporary folder) is built
by one `layout.app.session.Session` — what `--watch` builds with — after each of `--edits` saves of
its YAML, each a different character edit of a body paragraph (characters of the page, so no font
subset grows; a different text each time, so nothing is simply found again). Builds write their whole
set as the watch does (layout.base.outset). VmRSS is read from /proc after the 10th build (the
session's tables and caches warm), then every 100 builds; the report is the growth from the 10th build
to the last, and the slope over the second half (MiB per 100 edits), beside the peak (VmHWM); each
sample lists the session's tables (items, and MiB where a table counts its bytes), which are bounded
(layout.app.session.BOUNDS): RSS grows while they fill and stays once they are full.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POOL = "发展建设推进全面工作产业城市乡村"


def _status() -> dict[str, float]:
    out = {}
    with open("/proc/self/status", encoding="utf-8") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) / 1024
    return out


def run(edits: int, page: Path) -> dict:
    from layout.app.session import Session
    from layout.pipeline import BuildOptions, build

    work = Path(tempfile.mkdtemp(prefix="zhpaper-rss-"))
    try:
        shutil.copytree(page.parent / "assets", work / "assets") if (page.parent / "assets").is_dir() else None
        text = page.read_text(encoding="utf-8")
        (work / page.name).write_text(text, encoding="utf-8")
        target = "坚决打赢精准脱贫攻坚战"
        if target not in text:
            raise SystemExit(f"{page}: the edit needs the phrase {target!r}")
        opts = BuildOptions(out_pdf=str(work / "out" / "article.pdf"), proof=str(work / "out" / "article.png"),
                            cache_dir=os.environ.get("ZHPAPER_CACHE"))
        session = Session()
        samples = []
        t0 = time.perf_counter()
        try:
            for i in range(edits + 1):
                a, b = POOL[i % len(POOL)], POOL[(i // len(POOL)) % len(POOL)]
                (work / page.name).write_text(text.replace(target, f"坚决打赢{a}{b}脱贫攻坚战"), encoding="utf-8")
                build(str(work / page.name), opts, session=session)
                if i == 10 or (i and i % 100 == 0) or i == edits:
                    gc.collect()
                    tables = {k: {"items": v["items"], "mib": round(v["bytes"] / 2**20, 1)}
                              for k, v in session.memo.stats().items() if v["items"]}
                    samples.append({"edit": i, **_status(), "s": round(time.perf_counter() - t0, 1), "tables": tables})
                    print(f"edit {i:5d}: RSS {samples[-1]['VmRSS']:.1f} MiB, peak {samples[-1]['VmHWM']:.1f} MiB, "
                          f"{samples[-1]['s']} s", file=sys.stderr, flush=True)
        finally:
            session.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    first, last = samples[0], samples[-1]
    half = min(samples, key=lambda s: abs(s["edit"] - edits // 2))
    slope = (last["VmRSS"] - half["VmRSS"]) / max(1, last["edit"] - half["edit"]) * 100
    return {"edits": edits, "samples": samples, "growth_mib": round(last["VmRSS"] - first["VmRSS"], 1),
            "second_half_mib_per_100_edits": round(slope, 2), "peak_mib": round(last["VmHWM"], 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--page", type=Path, default=ROOT / "article.yaml")
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    r = run(a.edits, a.page.resolve())
    print(f"RSS over {r['edits']} edits: {r['growth_mib']:+.1f} MiB from the 10th build to the last; "
          f"{r['second_half_mib_per_100_edits']:+.2f} MiB per 100 edits over the second half; peak {r['peak_mib']} MiB")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(r, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
