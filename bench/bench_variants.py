#!/usr/bin/env python3
"""The composition engine over generated 专版 articles (issue 13): the feasible share and the composing time.

    python bench/bench_variants.py [--count 500] [--seed 2026] [--json out/variants.json] [--misses 10]

Draws `--count` articles uniformly over the variant ranges (tests/variants.py: body 600–6,000
characters, 0–6 sections, 0–16 photos of aspect 1:2 to 3:1, a sidebar of 3–12 items or none, the
broadsheet at 4/6/8 body columns, the tabloid at 3/6) and composes each with the real faces (prepared
once, from the cache). Each article gives a page, or a copyfit refusal that the independent bound
(layout.compose.bound) confirms, or a refusal the bound does not confirm (a miss). Prints the
counts, the feasible share (pages / (pages + misses)) and the median and worst composing time in
this warm process (the slowest few timed three times, the fastest run counting, and the worst single
run beside it); --json writes them.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import variants as V  # noqa: E402

from layout.compose.bound import bound  # noqa: E402
from layout.compose.page import compose_page  # noqa: E402
from layout.compose.story import problem_for  # noqa: E402
from layout.base.errors import InputError  # noqa: E402
from layout.fonts.faces import load_catalog, prepare_faces  # noqa: E402
from layout.source.template import load_template  # noqa: E402


def faces() -> dict:
    """The catalog's faces, prepared for every character the generated articles can hold."""
    body = "".join(V._SENTENCES)
    chars = {"body": body, "headline": "砥砺前行铸辉煌乘风破浪再起航", "kicker": "郾城区", "subtitle": "",
             "byline": "文/张星图/焦海洋", "subhead": "".join(V.PHRASES), "caption": "".join(V.CAPTIONS),
             "sidebar_title": "郾城名片", "sidebar": "".join(V.ITEMS), "folio": "示例日报年月日星期一二三四五六日第版专版责编：0123456789"}
    return prepare_faces(load_catalog(), chars)


RETIME = 5  # the slowest variants timed three times, the fastest run counting


def run(count: int, seed: int, misses: int = 0) -> dict:
    f = faces()
    templates = {name: load_template(name) for name in V.TEMPLATES}
    rng = random.Random(seed)
    tally = {"built": 0, "refused_right": 0, "refused_inside_bound": 0}
    times, built_times, missed, runs = [], [], [], []
    warm = V.Variant("broadsheet", 4, 2700, True, 4, ((2.0, "lead"), (1.5, "end")), 8, 0)
    try:  # the first composition pays for lazy imports and tables: not a variant's own time
        compose_page(*V.page_of(warm)[:1], templates["broadsheet"], f, V.page_of(warm)[1])
    except InputError:
        pass
    for _ in range(count):
        v = V.random_variant(rng)
        page, sizes = V.page_of(v)
        t = templates[v.template]
        t0 = time.perf_counter()
        try:
            compose_page(page, t, f, sizes)
            kind, dt = "built", time.perf_counter() - t0
        except InputError as e:
            dt = time.perf_counter() - t0
            ok = not bound(problem_for(page.stories[0], t, f, sizes, dict(page.options))).feasible
            kind = "refused_right" if ok else "refused_inside_bound"
            if not ok:
                missed.append((v, str(e)))
        runs.append((dt, kind, page, t, sizes))
        tally[kind] += 1
    single_worst = max(dt for dt, *_ in runs)
    # The slowest few are composed twice more and keep their fastest time: one run's worst is as much the
    # host's hiccup (a scheduler pause, a collection) as the composition's (timeit's rule).
    slow = set(sorted(range(len(runs)), key=lambda k: -runs[k][0])[:RETIME])
    for k in slow:
        dt, kind, page, t, sizes = runs[k]
        for _ in range(2):
            t0 = time.perf_counter()
            try:
                compose_page(page, t, f, sizes)
            except InputError:
                pass
            dt = min(dt, time.perf_counter() - t0)
        runs[k] = (dt, kind, page, t, sizes)
    for dt, kind, *_ in runs:
        times.append(dt)
        if kind == "built":
            built_times.append(dt)
    feasible = tally["built"] + tally["refused_inside_bound"]
    out = {"count": count, "seed": seed, **tally,
           "feasible_share": round(tally["built"] / feasible, 4) if feasible else None,
           "compose_median_s": round(statistics.median(times), 4), "compose_worst_s": round(max(times), 4),
           "compose_worst_single_run_s": round(single_worst, 4),
           "built_median_s": round(statistics.median(built_times), 4) if built_times else None,
           "built_worst_s": round(max(built_times), 4) if built_times else None,
           "misses": [{"variant": v.label(), "error": e[:200]} for v, e in missed[:misses]]}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--misses", type=int, default=10, help="list this many refusals the bound does not confirm")
    a = ap.parse_args(argv)
    r = run(a.count, a.seed, a.misses)
    print(f"variants: {r['count']} articles (seed {r['seed']}): {r['built']} pages, {r['refused_right']} refused "
          f"(the bound confirms), {r['refused_inside_bound']} refused inside the bound")
    print(f"feasible share: {r['feasible_share']:.1%} of the articles the bound allows give a page")
    print(f"composing, warm: median {r['compose_median_s'] * 1000:.0f} ms, worst {r['compose_worst_s'] * 1000:.0f} ms "
          f"(pages only: median {r['built_median_s'] * 1000:.0f} ms, worst {r['built_worst_s'] * 1000:.0f} ms; "
          f"the {RETIME} slowest best of 3 runs, the worst single run {r['compose_worst_single_run_s'] * 1000:.0f} ms)")
    for m in r["misses"]:
        print(f"  miss: {m['variant']}: {m['error']}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(r, ensure_ascii=False, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
