#!/usr/bin/env python3
"""The design rules measured from outside (issue 21): the generated family built for real and judged by
tools/pagecheck.py from its PDFs, and late edits rebuilt from the last build's arrangement.

    python bench/bench_rules.py [--pages 300] [--edits 2] [--seed 21] [--jobs 2] [--json out/rules.json]
                                [--keep DIR] [--findings]

Every page of tests/pages.py's family (`random_family_page`, seed --seed) is written with its photo
files and built through the in-process pipeline (layout.pipeline.build, the real faces; a pool of
--jobs worker processes that live through the run, each with its own segmenter) into a cache shared
by the run. A build ends one of three ways:

* built: its PDF is judged by tools/pagecheck.py (which reads only the PDF and the page YAML);
* refused: the engine's one-line refusal (an InputError: a copyfit refusal with its proposal, a place:
  it cannot honour …), counted apart — and split by whether it proves the page infeasible (`proven`:
  the items' cell counts cannot meet the area's at any lever's end) or only says the search found no
  page (the heights do not tile): those count against the engine in `clean_share_of_unproven`;
* crashed: any other exception — a failure.

Then each built page gets --edits late edits (tests/pages.py `late_edit`: one story grows or shrinks by
up to a fifth), each built in a folder of its own with the page's last manifest beside its outputs (so it starts
from the page's own arrangement): whether every module keeps its columns (col and span, read from the two
manifests' `arrangement`) and how far its edges moved in rows.

Figures: the share of built pages with 0 hard findings (target ≥ 0.95), the share of rebuilt edits that
keep every module's columns (≥ 0.90), compose time per page (layout.compose.page.compose_page inside the
build: median, p95), the whole build's time, refusal time (median, worst), and the hard findings by
rule with the seeds of the pages that show them. `bench/run.py` calls `run()` for `make bench`;
`make rules` runs this file.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tests", ROOT / "tools"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from timing import write_json  # noqa: E402  (bench/, this script's folder)

TARGETS = {"clean_share": 0.95, "columns_kept_share": 0.90}
_STATE: dict = {}


def _grids() -> dict:
    import pages as P

    from layout.source.template import load_template

    return {name: P.Grid.of(load_template(name)) for name in P.TEMPLATES}


def _init(cache: str) -> None:
    """A worker: imports done once, the headline segmenter kept, compose_page timed."""
    from layout import pipeline
    from layout.text import words

    _STATE["cache"] = cache
    _STATE["grids"] = _grids()
    words.start()
    inner = pipeline.compose_page

    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return inner(*a, **k)
        finally:
            _STATE["compose_s"] = time.perf_counter() - t0

    pipeline.compose_page = timed

    # Each page brings headline and caption characters of its own (display subsets): the worker keeps
    # the converted glyphs between builds, as the watch process does (prepare_faces' `keep`), so a new
    # page converts its new characters only. The files are the same bytes.
    from layout.base.memo import Memos
    from layout.fonts.faces import check_coverage, load_catalog, prepare_faces
    from layout.source.texts import chars_by_role, places

    keep = Memos()

    def prepare_fonts(page, opts):
        chars = chars_by_role(page)
        faces = prepare_faces(load_catalog(opts.fonts), chars, cache_dir=opts.cache_dir, jobs=1, keep=keep)
        return faces, check_coverage(faces, chars, lambda role, wanted: places(page, role, wanted))

    pipeline.prepare_fonts = prepare_fonts


def _build(page_yaml: str, out_pdf: str) -> dict:
    from layout.base.errors import InputError
    from layout.pipeline import BuildOptions, build

    _STATE["compose_s"] = None
    t0 = time.perf_counter()
    try:
        build(page_yaml, BuildOptions(out_pdf=out_pdf, cache_dir=_STATE["cache"], jobs=1))
    except InputError as e:
        return {"status": "refused", "why": e.line().splitlines()[0][:1500], "build_s": time.perf_counter() - t0,
                "compose_s": _STATE["compose_s"]}
    except Exception as e:  # noqa: BLE001 - a crash is what the bench reports
        return {"status": "crashed", "why": f"{type(e).__name__}: {e}"[:400],
                "trace": traceback.format_exc()[-1500:], "build_s": time.perf_counter() - t0}
    return {"status": "built", "build_s": time.perf_counter() - t0, "compose_s": _STATE["compose_s"]}


def _modules(manifest: str) -> dict:
    with open(manifest, encoding="utf-8") as fh:
        mods = json.load(fh).get("arrangement", {}).get("modules", [])
    return {m["id"]: m for m in mods}


def one(job: tuple) -> dict:
    """Build page `index` of the family, judge it, and rebuild it after its late edits."""
    import pages as P
    import pagecheck

    index, v, folder, edits = job
    grids = _STATE["grids"]
    folder = Path(folder)
    shutil.rmtree(folder, ignore_errors=True)
    src = P.write(v, str(folder / "in"), grids)
    pdf = str(folder / "out" / "page.pdf")
    got = {"index": index, "seed": v.seed, "label": v.label(), **_build(src, pdf)}
    if got["status"] == "refused" and "and the page fills" in got["why"]:
        # The engine says a cut (or addition) of one story fills the page: done as a sub-editor does it,
        # on the page file, and built again — the proposal judged from outside.
        told = folder / "told" / "page.yaml"
        if told_page(Path(src), told, got["why"]):
            told_pdf = str(folder / "told" / "out" / "page.pdf")
            got["told_built"] = _build(str(told), told_pdf)["status"] == "built"
            if got["told_built"]:
                got["told_hard"] = pagecheck.check(told_pdf, str(told))["hard"]
    if got["status"] != "built":
        return got
    try:
        check = pagecheck.check(pdf, src)
    except Exception as e:  # noqa: BLE001 - the judge's own failure is reported, not hidden
        got["judge_error"] = f"{type(e).__name__}: {e}"
        return got
    got["hard"] = check["hard"]
    got["by_rule"] = check["by_rule"]
    got["findings"] = [f for f in check["findings"] if f["hard"]][:12]
    got["soft"] = sum(1 for f in check["findings"] if not f["hard"])
    got["edits"] = late_edits(v, folder, edits)
    return got


def told_page(src: Path, dst: Path, why: str) -> bool:
    """The page file `src` with a refusal's proposal done — `cut about N characters from S` (from the
    end of its running text: the last paragraphs go whole while the cut is longer, the one it ends in
    ends with 。) or `add about N characters to S` (its own text again, at the end) — written to `dst`
    beside a link to the photos; False when `why` proposes neither."""
    import yaml

    m = re.search(r"(cut|add) about (\d+) characters (?:from|to) (\S+) \(", why)
    if not m:
        return False
    n, sid = int(m.group(2)), m.group(3)
    doc = yaml.safe_load(src.read_text(encoding="utf-8"))
    story = next(x for x in doc["stories"] if x.get("id") == sid)
    runs = [story.get("lead") or []] + [sec["paragraphs"] for sec in story.get("sections") or []]
    if m.group(1) == "cut":
        while n > 0:
            paras = next(r for r in reversed(runs) if r)
            if n < len(paras[-1]) - 1:
                paras[-1], n = paras[-1][:len(paras[-1]) - n - 1] + "。", 0
            else:
                n -= len(paras.pop())
    else:
        paras = next(r for r in reversed(runs) if r)
        own = "".join(p for r in runs for p in r)
        paras[-1] = paras[-1][:-1] + "，" + (own * (n // max(1, len(own)) + 1))[:n - 1] + "。"
    dst.parent.mkdir(parents=True, exist_ok=True)
    if (src.parent / "img").exists() and not (dst.parent / "img").exists():
        (dst.parent / "img").symlink_to(src.parent / "img")
    dst.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return True


def late_edits(v, folder: Path, count: int, first: int = 0) -> list[dict]:
    """Late edits `first` … `first + count - 1` of page `v` (built in `folder`), each in a folder of its
    own (the page's own files stay as judged) whose outputs start from the page's last build: its
    manifest beside them. Whether every module keeps its columns (a filler set under a story that
    shrank is a module added, not one moved), and how far its edges move."""
    import pages as P

    grids = _STATE["grids"]
    manifest = str(folder / "out" / "page.manifest.json")
    with open(manifest, "rb") as fh:
        base_manifest = fh.read()
    before = _modules(manifest)
    rng = random.Random(v.seed ^ 0x5EED)
    out = []
    for n in range(first + count):
        ev, what = P.late_edit(v, rng)
        if n < first:
            continue
        edir = folder / f"edit{n + 1}"
        shutil.rmtree(edir, ignore_errors=True)
        esrc = P.write(ev, str(edir / "in"), grids)
        (edir / "out").mkdir(parents=True)
        emanifest = str(edir / "out" / "page.manifest.json")
        with open(emanifest, "wb") as fh:
            fh.write(base_manifest)
        r = _build(esrc, str(edir / "out" / "page.pdf"))
        e = {"what": what, "status": r["status"], "build_s": r["build_s"], "compose_s": r.get("compose_s")}
        if r["status"] == "built":
            after = _modules(emanifest)
            moved = [k for k, m in before.items() if k not in after or (after[k]["col"], after[k]["span"]) !=
                     (m["col"], m["span"])]
            # a filler (补白) the rebuild set under a story that shrank is a module more, not one moved
            added = [k for k in after if k not in before]
            e["columns_kept"] = not moved and all(after[k].get("kind") == "filler" for k in added)
            e["fillers_added"] = added
            e["moved"] = moved
            e["edge_rows"] = max((max(abs(after[k]["row"] - m["row"]),
                                      abs(after[k]["row"] + after[k]["rows"] - m["row"] - m["rows"]))
                                  for k, m in before.items() if k in after), default=0)
        else:
            e["why"] = r["why"]
        out.append(e)
    return out


def refusal_class(why: str) -> str:
    """A refusal's kind: its message without the page's place and with its figures as N."""
    w = re.sub(r"^\S+:\d+(:\d+)? \S+: ", "", why)
    w = re.sub(r"^\S+\.yaml: ", "", w)
    if w.startswith("copyfit: no tiling"):
        case = ("too much" if "too many" in w else "too little" if "too few" in w or "too little text" in w
                else "the heights do not tile" if "putting together" in w
                else "no arrangement keeps the rules" if "proven by trying every one" in w else "")
        return "copyfit: no tiling" + (f" ({case})" if case else "") + \
            (" — the search stopped" if "search stopped" in w else "")
    return re.sub(r"\d+", "N", w.split(" (")[0])[:90]


def proven(why: str) -> bool:
    """Whether a refusal proves the page cannot be filled whatever the search does: its items need more
    grid lines than the free area has even with every lever at its least, or fill fewer with every
    lever at its most (the cell counts of the heights each item can fill, bound by its text, not the
    search's say), or an item fits no module of the page at any width, or no arrangement at all of
    the sizes each item may fill keeps the hard rules (the engine tried every one: layout.compose.exact),
    or the desk pinned a story (place:) to a module one of its blocks cannot stand in at any width (a
    photo at its rank's least size taller than the module). A refusal because the search found no way
    of putting the heights together (or stopped) proves nothing: a better search, or an editor, may
    find a page there."""
    case = refusal_class(why)
    return (case.startswith("copyfit: no tiling (too ") or "fills no module at any width" in why
            or case == "copyfit: no tiling (no arrangement keeps the rules)"
            or ("rows at any width" in why and "in the module its place: pins" in why))


def _quantile(xs: list, q: float) -> float | None:
    if not xs:
        return None
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def summarise(results: list[dict]) -> dict:
    status = Counter(r["status"] for r in results)
    built = [r for r in results if r["status"] == "built" and "hard" in r]
    clean = [r for r in built if r["hard"] == 0]
    by_rule = Counter()
    seeds = defaultdict(list)
    for r in built:
        for rule, n in r["by_rule"].items():
            by_rule[rule] += 1
            seeds[rule].append(r["index"])
    edits = [e for r in built for e in r.get("edits", ())]
    rebuilt = [e for e in edits if e["status"] == "built"]
    kept = [e for e in rebuilt if e["columns_kept"]]
    refusals = Counter(refusal_class(r["why"]) for r in results if r["status"] == "refused")
    compose = [r["compose_s"] for r in built if r.get("compose_s") is not None]
    builds = [r["build_s"] for r in built]
    refused_s = [r["build_s"] for r in results if r["status"] == "refused"]
    refused_compose = [r["compose_s"] for r in results if r["status"] == "refused" and r.get("compose_s") is not None]
    edit_compose = [e["compose_s"] for e in rebuilt if e.get("compose_s") is not None]
    unproven = sum(1 for r in results if r["status"] == "refused" and not proven(r["why"]))
    return {
        "pages": len(results), "built": status["built"], "refused": status["refused"], "crashed": status["crashed"],
        # The pages not proven infeasible: built, crashed, or refused without proof. Of these, the share
        # built with 0 hard findings is the family's build figure that does not take the engine's word.
        "refused_proven": status["refused"] - unproven, "refused_unproven": unproven,
        # refusals told the least cut or addition of one story that fills the page (checked by the engine)
        "refused_with_fill": sum(1 for r in results if r["status"] == "refused" and "and the page fills" in r["why"]),
        "refused_with_fill_built": sum(1 for r in results if r.get("told_built")),
        "refused_with_fill_clean": sum(1 for r in results if r.get("told_built") and r.get("told_hard") == 0),
        "clean_share_of_unproven": round(len(clean) / (status["built"] + status["crashed"] + unproven), 4)
        if status["built"] + status["crashed"] + unproven else None,
        "judge_errors": sum(1 for r in results if "judge_error" in r),
        "clean": len(clean), "clean_share": round(len(clean) / len(built), 4) if built else None,
        "pages_with_rule": dict(by_rule.most_common()),
        "pages_by_rule": {k: v[:20] for k, v in seeds.items()},
        "edits": len(edits), "edits_rebuilt": len(rebuilt), "edits_refused": sum(e["status"] == "refused" for e in edits),
        "edits_crashed": sum(e["status"] == "crashed" for e in edits),
        "columns_kept": len(kept), "columns_kept_share": round(len(kept) / len(rebuilt), 4) if rebuilt else None,
        "edges_within_3_rows_share": round(sum(e["columns_kept"] and e["edge_rows"] <= 3 for e in rebuilt)
                                           / len(rebuilt), 4) if rebuilt else None,
        "compose_median_s": _quantile(compose, 0.5), "compose_p95_s": _quantile(compose, 0.95),
        "build_median_s": _quantile(builds, 0.5), "build_p95_s": _quantile(builds, 0.95),
        "edit_compose_median_s": _quantile(edit_compose, 0.5), "edit_compose_p95_s": _quantile(edit_compose, 0.95),
        "refusal_median_s": _quantile(refused_s, 0.5), "refusal_worst_s": max(refused_s, default=None),
        "refusal_compose_median_s": _quantile(refused_compose, 0.5),
        "refusal_compose_worst_s": max(refused_compose, default=None),
        "refusals_compose_over_1s": sum(x > 1.0 for x in refused_compose),
        "edit_refusals": dict(Counter(refusal_class(e["why"]) for e in edits if e["status"] == "refused")),
        "edits_moved": [{"index": r["index"], "edit": e["what"], "moved": e["moved"]} for r in built
                        for e in r.get("edits", ()) if e["status"] == "built" and not e["columns_kept"]],
        "refusals": dict(refusals.most_common(12)),
        "crashes": [{"index": r["index"], "seed": r["seed"], "why": r["why"]} for r in results
                    if r["status"] == "crashed"][:20],
    }


def run(pages: int = 300, edits: int = 2, seed: int = 21, jobs: int = 2, keep: str | None = None,
        progress=None, only: list[int] | None = None) -> tuple[dict, list[dict]]:
    """Build and judge `pages` pages of the family (or only the pages of those indices); (summary, one
    record per page)."""
    import pages as P

    grids = _grids()
    family = P.family(max([pages] + [k + 1 for k in only or ()]), grids, seed)
    tmp = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="zhpaper-rules-"))
    tmp.mkdir(parents=True, exist_ok=True)
    cache = str(tmp / "cache")
    jobs_list = [(k, v, str(tmp / f"p{k:03d}"), edits) for k, v in enumerate(family) if not only or k in only]
    t0 = time.perf_counter()
    results = []
    try:
        # A page's first build prepares its font subsets into the shared cache; warming it with one
        # page first keeps the workers from preparing the same subsets twice at the start.
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(jobs, initializer=_init, initargs=(cache,), maxtasksperchild=None) as pool:
            for k, r in enumerate(pool.imap_unordered(one, jobs_list)):
                results.append(r)
                if progress:
                    progress(k + 1, len(jobs_list), r)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    results.sort(key=lambda r: r["index"])
    summary = summarise(results)
    summary["wall_s"] = round(time.perf_counter() - t0, 1)
    summary["seed"], summary["jobs"] = seed, jobs
    return summary, results


def _judge(job: tuple) -> dict:
    import pagecheck

    r, folder, v, more = job
    r = dict(r)
    if r["status"] == "built":
        got = pagecheck.check(str(Path(folder) / "out" / "page.pdf"), str(Path(folder) / "in" / "page.yaml"))
        r.update(hard=got["hard"], by_rule=got["by_rule"], findings=[f for f in got["findings"] if f["hard"]][:12],
                 soft=sum(1 for f in got["findings"] if not f["hard"]))
        if more:
            r["edits"] = list(r.get("edits", ())) + late_edits(v, Path(folder), more, len(r.get("edits", ())))
    return r


def rejudge(keep: str, previous: dict, jobs: int = 2, more_edits: int = 0) -> tuple[dict, list[dict]]:
    """The pages of a kept run (--keep DIR, and its --json) judged again by the current pagecheck: the
    builds and edits as they were, the findings new; and `more_edits` late edits more of each built page."""
    import pages as P

    pages = previous["pages"]
    family = P.family(max(r["index"] for r in pages) + 1, _grids(), previous["summary"]["seed"])
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(jobs, initializer=_init, initargs=(str(Path(keep) / "cache"),)) as pool:
        results = pool.map(_judge, [(r, str(Path(keep) / f"p{r['index']:03d}"), family[r["index"]], more_edits)
                                    for r in pages])
    summary = summarise(results)
    for k in ("wall_s", "seed", "jobs"):
        summary[k] = previous["summary"][k]
    return summary, results


def report(s: dict) -> str:
    f = lambda x: "—" if x is None else f"{x:.3f}"  # noqa: E731
    lines = [
        f"family of {s['pages']} pages (seed {s['seed']}): built {s['built']}, refused {s['refused']}, "
        f"crashed {s['crashed']}; {s['wall_s']} s on {s['jobs']} workers",
        f"built with 0 hard findings: {s['clean']} of {s['built']} = {s['clean_share']} (target ≥ {TARGETS['clean_share']})",
        f"refusals proven infeasible (too much or too little for the area at every lever's end, or an item that fits "
        f"no module): {s.get('refused_proven')}; not proven (the heights do not tile, the search stopped, …): "
        f"{s.get('refused_unproven')}, of which {s.get('refused_with_fill')} told the cut or addition of one story "
        f"that fills the page ({s.get('refused_with_fill_built')} built when it was done to the page file, "
        f"{s.get('refused_with_fill_clean')} with 0 hard findings); of the "
        f"pages not proven infeasible, built with 0 hard findings: "
        f"{s.get('clean_share_of_unproven')}",
        f"late edits: {s['edits']} ({s['edits_rebuilt']} rebuilt, {s['edits_refused']} refused, {s['edits_crashed']} "
        f"crashed); every module keeps its columns: {s['columns_kept']} = {s['columns_kept_share']} "
        f"(target ≥ {TARGETS['columns_kept_share']}); and edges within 3 rows: {s['edges_within_3_rows_share']}",
        f"compose per page: median {f(s['compose_median_s'])} s, p95 {f(s['compose_p95_s'])} s; whole build median "
        f"{f(s['build_median_s'])} s, p95 {f(s['build_p95_s'])} s; after a late edit compose median "
        f"{f(s['edit_compose_median_s'])} s, p95 {f(s['edit_compose_p95_s'])} s",
        f"refusal: whole build median {f(s['refusal_median_s'])} s, worst {f(s['refusal_worst_s'])} s; its compose "
        f"median {f(s.get('refusal_compose_median_s'))} s, worst {f(s.get('refusal_compose_worst_s'))} s, "
        f"{s.get('refusals_compose_over_1s')} over 1 s",
        "pages with a hard finding, by rule: " + (", ".join(f"{k} {v} (e.g. --only {' '.join(map(str, s['pages_by_rule'][k][:4]))})"
                                                    for k, v in s["pages_with_rule"].items()) or "none"),
        "refusals: " + "; ".join(f"{v}× {k}" for k, v in s["refusals"].items()),
        "late edits refused: " + ("; ".join(f"{v}× {k}" for k, v in s.get("edit_refusals", {}).items()) or "none"),
        "late edits moving a module's columns: " + (", ".join(f"page {m['index']} ({m['edit']}: {' '.join(m['moved'])})"
                                                     for m in s.get("edits_moved", ())) or "none"),
    ]
    for c in s["crashes"]:
        lines.append(f"CRASH page {c['index']} (seed {c['seed']}): {c['why']}")
    return "\n".join(lines)


def _print_findings(results: list[dict]) -> None:
    for r in results:
        for f in r.get("findings", ()):
            print(f"page {r['index']:3d}: {f['rule']} {f['story']} {f['where']} {f['detail']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--edits", type=int, default=2, help="late edits per built page")
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", help="keep every page's files in this folder (for proofs)")
    ap.add_argument("--findings", action="store_true", help="print every page's hard findings")
    ap.add_argument("--only", type=int, nargs="*", help="only these pages of the family (by index), to reproduce")
    ap.add_argument("--rejudge", type=Path, help="judge a kept run again (--keep DIR and this run's --json FILE): "
                    "the PDFs as built, the findings of the current tools/pagecheck.py")
    ap.add_argument("--more-edits", type=int, default=0, help="with --rejudge: this many late edits more of each "
                    "built page")
    args = ap.parse_args(argv)
    if args.rejudge:
        previous = json.loads(args.rejudge.read_text(encoding="utf-8"))
        summary, results = rejudge(args.keep, previous, args.jobs, args.more_edits)
        if args.findings:
            _print_findings(results)
        print(report(summary))
        if args.json:
            write_json(args.json, {"summary": summary, "pages": results}, indent=1, ensure_ascii=False)
        return 0

    def progress(k, n, r):
        if k % 25 == 0 or k == n:
            print(f"  {k}/{n} pages", file=sys.stderr, flush=True)

    summary, results = run(args.pages, args.edits, args.seed, args.jobs, args.keep, progress, args.only)
    if args.findings:
        _print_findings(results)
    print(report(summary))
    if args.json:
        write_json(args.json, {"summary": summary, "pages": results}, indent=1, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
