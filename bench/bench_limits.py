"""Bounded work (issue 22): absurd input is refused before any line is set, and the largest input the
limits accept (layout/source/limits.py) is composed in a few seconds.

- refusal: a page of one story whose section holds one paragraph of 200,000 characters, built with the
  command line: wall time, CPU time and peak RSS of the whole process tree until its one-line error
  (exit 1);
- the longest paragraph accepted: the 郾城区 page with one paragraph grown to limits.PARAGRAPH's 5,000
  characters, built with --draft (the text overflows the page; the whole story is still set, each
  paragraph also a line shorter and longer): the same figures.

    python bench/bench_limits.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from timing import child_env  # noqa: E402

SENTENCE = "坚决打赢精准脱贫攻坚战，以脱贫攻坚统揽经济社会发展全局。"


def _run(cmd: list[str], env: dict, cwd: Path) -> dict:
    """Wall seconds and peak RSS of `cmd`'s process tree, its exit code and stderr (any exit code)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
    return {"wall_s": round(wall, 3), "cpu_s": round(ru.ru_utime + ru.ru_stime, 3),
            "peak_rss_mib": round(ru.ru_maxrss / 1024, 1), "exit": os.waitstatus_to_exitcode(status),
            "stderr": text.strip()}


def _paragraph(n: int) -> str:
    return (SENTENCE * (n // len(SENTENCE) + 1))[:n]


def run(root: Path, tmp: Path, env: dict, runs: int = 3) -> dict:
    import yaml

    article = yaml.safe_load((root / "article.yaml").read_text(encoding="utf-8"))
    tmp.mkdir(parents=True, exist_ok=True)
    if not (tmp / "assets").exists():
        os.symlink(root / "assets", tmp / "assets")
    out = {}
    for name, chars, extra in (("refusal_200k", 200_000, []), ("paragraph_5k", 5_000, ["--draft"])):
        page = dict(article)
        sections = [dict(s) for s in article["sections"]]
        sections[0]["paragraphs"] = [_paragraph(chars)] + list(sections[0]["paragraphs"][1:])
        page["sections"] = sections
        path = tmp / f"{name}.yaml"
        path.write_text(yaml.safe_dump(page, allow_unicode=True, sort_keys=False), encoding="utf-8")
        cmd = [sys.executable, str(root / "make_pdf.py"), str(path), "-o", str(tmp / name / "page.pdf"), "-q", *extra]
        _run(cmd, env, root)  # warm-up: the font subsets of the page's characters
        rs = [_run(cmd, env, root) for _ in range(runs)]
        worst = max(rs, key=lambda r: r["wall_s"])
        out[name] = {"chars": chars, "runs": runs, "wall_s": worst["wall_s"], "cpu_s": max(r["cpu_s"] for r in rs),
                     "peak_rss_mib": max(r["peak_rss_mib"] for r in rs), "exit": worst["exit"],
                     "stderr": worst["stderr"].splitlines()[-1] if worst["stderr"] else ""}
    return out


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="zhpaper-bench-limits-") as d:
        got = run(ROOT, Path(d), child_env(ROOT, str(Path(d) / "cache"), bytecode=True))
    for name, r in got.items():
        print(f"{name}: {r['chars']:,} characters, worst of {r['runs']}: {r['wall_s']:.2f} s (CPU {r['cpu_s']:.2f} s), "
              f"peak {r['peak_rss_mib']:.0f} MiB, exit {r['exit']}  {r['stderr']}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work slows every wall figure)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
