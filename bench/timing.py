"""Running a build as a whole process and timing it: the helpers every benchmark script shares.

`bench/run.py` (make bench) and the scripts it calls import these; none of them imports another
benchmark script's helpers, so there is no import circle between them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def child_env(root: Path, cache: str, bytecode: bool) -> dict[str, str]:
    """The environment of a timed build: its own cache folder, the checkout `root` on the path."""
    env = dict(os.environ, ZHPAPER_CACHE=cache, PYTHONPATH=str(root))
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> dict:
    """Run `cmd`; wall seconds, CPU seconds and peak RSS of the process tree it waited for."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if p.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({p.returncode}):\n{text}")
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_mib": ru.ru_maxrss / 1024,
            "output": text}


def build_cmd(root: Path, article: Path, out_pdf: Path, *extra: str) -> list[str]:
    """`make_pdf.py` of the checkout `root`, building `article` quietly into `out_pdf`."""
    return [sys.executable, str(root / "make_pdf.py"), str(article), "-o", str(out_pdf), "-q", *extra]


def write_json(path: Path, data, indent: int = 2, ensure_ascii: bool = True) -> None:
    """A benchmark's figures as JSON at `path` (its folder made if need be)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=indent, ensure_ascii=ensure_ascii) + "\n", encoding="utf-8")
