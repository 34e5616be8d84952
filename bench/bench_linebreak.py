"""Line-composition throughput: the seed article's body text, repeated to ≥ 100,000 characters,
composed paragraph by paragraph at 9 pt on measures of 27 em and 13 em with FakeMetrics.

Usage: python bench/bench_linebreak.py [--json PATH] [--repeat N] [--profile]
Prints chars/s per measure (best of N runs, wall clock and process CPU time, since the
machine is shared); --json writes the figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layout.text.fake import FakeMetrics  # noqa: E402
from layout.text.linebreak import compose_paragraph  # noqa: E402

SEED = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed-000_88f5a99a4fbbcac4.txt"
_ASCII_TO_GB = str.maketrans({",": "，", ";": "；", "(": "（", ")": "）"})
SIZE_PT = 9.0
MIN_CHARS = 100_000


def body_paragraphs(path: Path = SEED) -> list[str]:
    """Body paragraphs of the seed: lines long enough to be running text (captions, list items and
    subheads are short), with the extraction's ASCII punctuation mapped to GB full-width forms."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    return [ln.translate(_ASCII_TO_GB) for ln in lines if len(ln) > 40]


def corpus(min_chars: int = MIN_CHARS) -> list[str]:
    paras = body_paragraphs()
    out: list[str] = []
    total = 0
    while total < min_chars:
        for p in paras:
            out.append(p)
            total += len(p)
    return out


def run(paras: list[str], measure_em: float) -> tuple[float, int, int]:
    metrics = FakeMetrics()
    t0 = time.perf_counter()
    c0 = time.process_time()
    lines = 0
    for p in paras:
        lines += len(compose_paragraph(p, metrics, SIZE_PT, measure_em * SIZE_PT).lines)
    return time.perf_counter() - t0, time.process_time() - c0, sum(map(len, paras)), lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="write results as JSON to this path")
    ap.add_argument("--repeat", type=int, default=5, help="runs per measure; the best is reported")
    ap.add_argument("--profile", action="store_true", help="print a cProfile summary of one 27-em run")
    args = ap.parse_args(argv)
    paras = corpus()
    results = []
    for measure_em in (27.0, 13.0):
        runs = [run(paras, measure_em) for _ in range(args.repeat)]
        secs = min(r[0] for r in runs)
        cpu = min(r[1] for r in runs)
        _, _, chars, lines = runs[0]
        rate, cpu_rate = chars / secs, chars / cpu
        results.append({"measure_em": measure_em, "size_pt": SIZE_PT, "chars": chars, "paragraphs": len(paras),
                        "lines": lines, "seconds": round(secs, 4), "cpu_seconds": round(cpu, 4),
                        "chars_per_s": round(rate), "chars_per_cpu_s": round(cpu_rate)})
        print(f"measure {measure_em:4.0f} em: {chars} chars, {lines} lines in {secs:.3f} s wall "
              f"({cpu:.3f} s CPU) = {rate:,.0f} chars/s wall, {cpu_rate:,.0f} chars/s CPU")
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx("run(paras, 27.0)", globals(), {"paras": paras, "run": run}, "/tmp/bench_linebreak.prof")
        pstats.Stats("/tmp/bench_linebreak.prof").sort_stats("tottime").print_stats(12)
    if args.json:
        args.json.write_text(json.dumps({"benchmark": "linebreak", "python": platform.python_version(),
                                         "machine": platform.machine(), "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
