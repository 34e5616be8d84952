"""`make mutate`: mutation testing of the pipeline packages with mutmut 3, and the score per package.

    tools/mutate.py [--score-only] [--sample N [--seed S] [--open-only]] [PATH ...]
                                       (default: the five packages of [tool.mutmut])

Each PATH (layout/text, layout/source, ...) becomes a mutant-name filter (layout.text.*), so
`make mutate PATHS=layout/text` runs one package's mutants. mutmut keeps its results in mutants/
and resumes where it stopped; a function edited since is tested again. The score counts a
mutant listed in tools/mutmut-equivalent.txt (name, then why it is equivalent) as equivalent,
not as a survivor, and prints per package:
killed / survived / no tests / timeout / equivalent / not checked, and
score = (killed + timeout) / (every checked mutant but the equivalent ones).

`--sample N` runs and scores N mutants of each package drawn at random (seeded by --seed; the
names come from mutmut's files, so a package's mutants must have been generated once: the first
run generates them all before testing any). On a machine of two cores a package's full run takes
hours; a sample of a few hundred gives its score within a few points in tens of minutes.
`--sample N --open-only` runs again only the drawn mutants not killed yet (after tests were added).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import random
import subprocess
import sys
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGES = ("layout/text", "layout/compose", "layout/output", "layout/source", "layout/app")
EQUIVALENT = os.path.join(ROOT, "tools", "mutmut-equivalent.txt")


def equivalent_names(path: str = EQUIVALENT) -> dict[str, str]:
    """Mutant name -> why it is equivalent (one per line: `name  reason`; # starts a comment line)."""
    out = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line and not line.startswith("#"):
                    name, _, why = line.partition(" ")
                    if not why.strip():
                        raise SystemExit(f"{path}: {name} is listed without a reason")
                    out[name] = why.strip()
    return out


def results(path: str) -> dict[str, int | None]:
    """Mutant name -> mutmut's exit code (None: not checked yet), for one package."""
    out = {}
    for meta in sorted(glob.glob(os.path.join(ROOT, "mutants", path, "**", "*.py.meta"), recursive=True)):
        with open(meta, encoding="utf-8") as fh:
            out.update(json.load(fh).get("exit_code_by_key", {}))
    return out


def sample(path: str, n: int, seed: int) -> list[str]:
    names = sorted(results(path))
    return sorted(random.Random(f"{seed}:{path}").sample(names, min(n, len(names))))


def score(paths: list[str], only: dict[str, list[str]] | None = None) -> dict[str, Counter]:
    """Counts of each status per package (or of the mutants `only` names for it), from mutants/."""
    from mutmut.stats import status_by_exit_code

    equivalent = equivalent_names()
    table: dict[str, Counter] = {}
    for path in paths:
        got = results(path)
        names = only[path] if only else list(got)
        table[path] = Counter("equivalent" if name in equivalent else status_by_exit_code[got.get(name)]
                              for name in names)
    return table


def report(table: dict[str, Counter]) -> str:
    cols = ("killed", "survived", "no tests", "timeout", "equivalent", "not checked")
    lines = [f"{'package':16}" + "".join(f"{c:>13}" for c in cols) + f"{'score':>9}"]
    for path, c in table.items():
        checked = sum(v for k, v in c.items() if k not in ("not checked", "equivalent"))
        caught = c["killed"] + c["timeout"]
        pct = f"{100 * caught / checked:.1f} %" if checked else "-"
        lines.append(f"{path:16}" + "".join(f"{c[k]:>13}" for k in cols) + f"{pct:>9}")
        other = {k: v for k, v in c.items() if k not in cols}
        if other:
            lines.append(f"{'':16}also: {dict(other)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", default=list(PACKAGES))
    ap.add_argument("--score-only", action="store_true", help="print the score of the last runs, run nothing")
    ap.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--sample", type=int, help="run and score this many mutants of each package, drawn at random")
    ap.add_argument("--seed", type=int, default=22, help="the draw of --sample (default 22)")
    ap.add_argument("--open-only", action="store_true",
                    help="with --sample: run again only the drawn mutants not yet killed (after adding tests)")
    a = ap.parse_args(argv)
    paths = [p.rstrip("/") for p in a.paths]
    bad = [p for p in paths if p not in PACKAGES]
    if bad:
        print(f"error: not a package make mutate covers: {', '.join(bad)} (one of {', '.join(PACKAGES)})",
              file=sys.stderr)
        return 2
    only = None
    if a.sample:
        only = {p: sample(p, a.sample, a.seed) for p in paths}
        empty = [p for p in paths if not only[p]]
        if empty:
            print(f"error: no mutants generated yet for {', '.join(empty)}: run make mutate PATHS=... once "
                  "(it generates every package's mutants first; stop it once it tests them)", file=sys.stderr)
            return 2
    if not a.score_only:
        filters = [name for p in paths for name in only[p]] if only else [p.replace("/", ".") + ".*" for p in paths]
        if only and a.open_only:
            from mutmut.stats import status_by_exit_code

            got = {n: c for p in paths for n, c in results(p).items()}
            filters = [n for n in filters if status_by_exit_code[got.get(n)] not in ("killed", "timeout")]
            if not filters:
                print(report(score(paths, only)))
                return 0
        mutmut = os.path.join(os.path.dirname(sys.executable), "mutmut")
        r = subprocess.run([mutmut, "run", "--max-children", str(a.max_children), *filters], cwd=ROOT)
        if r.returncode != 0:
            print(f"error: mutmut run exited {r.returncode} (its output above says why)", file=sys.stderr)
            print(report(score(paths, only)))
            return 1
    print(report(score(paths, only)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
