"""Command line: argument parsing, the one-line error contract, and the preflight summary.

Bad input never shows a traceback: `InputError` becomes `file:line:col path: what (hint: …)`
on stderr with exit 1 (content) or 2 (usage). Anything else is a bug and is shown as one.
"""

from __future__ import annotations

import argparse
import os
import sys

from layout.base.errors import InputError, UsageError
from layout.app.pressproc import PressProcess
from layout.output.proof import check_dpi
from layout.base.units import parse_length_pt


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's default prints usage on two lines
        raise UsageError(message, self.prog, f"see {self.prog} --help")


def parser(prog: str = "make_pdf.py") -> argparse.ArgumentParser:
    p = _Parser(prog=prog, description="Lay out a Chinese newspaper page: article.yaml → print PDF "
                "+ PDF/A-2b archive copy + preflight report.")
    p.add_argument("articles", nargs="*", default=["article.yaml"], help="article YAML file(s) (default article.yaml)")
    p.add_argument("-o", "--output", default=None,
                   help="output PDF (default out/article.pdf), or a folder (made if it ends in '/') to write "
                        "<article>.pdf in; a folder when several articles are given. No proof unless --proof")
    p.add_argument("--proof", metavar="PNG", help="also render the page to this PNG")
    page_options(p)
    p.add_argument("--archive-to", metavar="DIR", help="file the PDFs and manifest into this archive folder")
    p.add_argument("--force", action="store_true", help="let --archive-to replace an archived file")
    p.add_argument("--validate", action="store_true",
                   help="validate the archive copy as PDF/A-2b (always done with --archive-to; adds ~1 s)")
    p.add_argument("-j", "--jobs", type=int, default=2, help="worker processes for font preparation and batches")
    p.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    p.add_argument("--watch", action="store_true",
                   help="rebuild the PDF and proof whenever the article, its photos or the template change")
    p.add_argument("--edition", metavar="YAML",
                   help="build every page of this edition file into the -o folder (default out/edition/): "
                        "jumps resolved, METS, e-paper hotspots, contact sheet")
    p.add_argument("--scheduler", metavar="URL",
                   help="with --edition: run the pages on this Dask scheduler (tcp://HOST:8786), or 'local' "
                        "for a local Dask cluster of -j workers (default: -j local processes)")
    return p


def page_options(p: argparse.ArgumentParser) -> None:
    """How a page is built, for every command that builds one (build, watch, serve)."""
    p.add_argument("--proof-dpi", type=float, default=50, help="proof resolution (default 50)")
    p.add_argument("--grid", action="store_true", help="overlay column grid, baseline grid and block frames")
    p.add_argument("--draft", action="store_true", help="render even when preflight finds errors (overflow marked)")
    p.add_argument("--fresh", action="store_true",
                   help="plan the page afresh instead of keeping the modules of the last build written to the "
                        "same output (its manifest)")
    p.add_argument("--bleed", default="0", help="bleed around the trim, e.g. 3mm (default none)")
    p.add_argument("--marks", action="store_true", help="crop marks (needs --bleed)")
    p.add_argument("--fonts", metavar="YAML", help="font catalog (default: the catalog shipped in layout/fonts/catalog.yaml)")
    p.add_argument("--icc", metavar="ICC", help="CMYK output profile (default: layout/photo/icc/IFRA26S.icc, shipped)")
    p.add_argument("--cache", metavar="DIR", help="cache folder (default $ZHPAPER_CACHE or ~/.cache/zhpaper)")


def options(a: argparse.Namespace, out: str):
    """The one options record of this command line (a batch derives each page's from it)."""
    from layout.pipeline import BuildOptions

    try:
        bleed = parse_length_pt(a.bleed)
    except ValueError:
        raise UsageError(f"--bleed {a.bleed!r} is not a length", "--bleed", "write e.g. 3mm or 8.5pt")
    if not 0 <= bleed <= 72:
        raise UsageError(f"--bleed {a.bleed} is out of range", "--bleed", "use 0–25mm")
    check_dpi(a.proof_dpi)  # before the build, not after it
    if a.marks and not bleed:
        raise UsageError("--marks needs a bleed to draw in", "--marks", "add --bleed 3mm")
    return BuildOptions(out_pdf=out, proof=a.proof, proof_dpi=a.proof_dpi, grid=a.grid, draft=a.draft,
                        bleed_pt=bleed, marks=a.marks, archive_to=a.archive_to, force=a.force, validate=a.validate, fonts=a.fonts,
                        icc=a.icc, cache_dir=a.cache, jobs=a.jobs, fresh=a.fresh)


def main(argv: list[str], prog: str = "make_pdf.py", settle_when_done: bool = False) -> int:
    """The command. `settle_when_done` (the process's own entry: make_pdf.py, the zhpaper script, never a
    caller in a process that goes on): once the outcome is known, stop signals are ignored for the rest of
    the process (layout.base.outset.settle), inside the handlers below, so a late one changes nothing."""
    from layout.base.outset import settle, signum_of, stop_on_signals, stopped_line

    def settled() -> None:
        if settle_when_done:
            settle()

    stop_on_signals()  # SIGTERM and SIGHUP end the command as Ctrl-C does: the last outputs intact, no temporaries
    try:
        code = _command(argv, prog)
        settled()
        return code
    except InputError as e:
        settled()
        print(f"error: {e.line()}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt as e:
        settled()
        try:
            print(stopped_line(e), file=sys.stderr)
        except OSError:
            pass  # the terminal is gone (SIGHUP)
        return 128 + signum_of(e)


def _command(argv: list[str], prog: str) -> int:
    """Parse the arguments and run what they ask: one page, a batch, --watch or the edition."""
    a = parser(prog).parse_args(argv)
    if a.edition or a.scheduler:
        return edition(a, argv)
    if a.watch and len(a.articles) > 1:
        raise UsageError("--watch takes one article", "--watch", "watch one page at a time")
    if len(a.articles) > 1:
        from layout.app.batch import run_batch

        return run_batch(a.articles, options(a, a.output or "out"), a.output or "out", a.proof, a.jobs, a.quiet)
    out = a.output or os.path.join("out", "article.pdf")
    if os.path.isdir(out) or out.endswith(("/", os.sep)):  # a folder, there or to be made
        out = os.path.join(out, os.path.splitext(os.path.basename(a.articles[0]))[0] + ".pdf")
    if a.watch:
        from dataclasses import replace

        from layout.app.watch import run_watch

        opts = options(a, out)  # the proof is the point of watching: next to the PDF unless named
        return run_watch(a.articles[0], replace(opts, proof=opts.proof or os.path.splitext(out)[0] + ".png"),
                         quiet=a.quiet)
    # Forked before _options imports the pipeline, so its imports overlap ours (layout.base.fork).
    press = PressProcess.start()
    try:
        return build_one(a.articles[0], options(a, out), quiet=a.quiet, press=press)
    finally:
        if press is not None:
            press.close()


def edition(a: argparse.Namespace, argv: list[str]) -> int:
    """--edition: the whole edition (layout.app.edition.run_edition, what `zhpaper edition` runs too)."""
    from layout.app.edition import run_edition

    if not a.edition:
        raise UsageError("--scheduler needs --edition", "--scheduler", "give the edition file: --edition EDITION.yaml")
    if any(not x.startswith("-") for x in argv if x in a.articles) or a.watch or a.proof or a.archive_to:
        raise UsageError("--edition builds the pages its file names, each with its proof, into the -o folder",
                         "--edition", "leave out page files, --watch, --proof and --archive-to")
    out = a.output or os.path.join("out", "edition")
    return run_edition(a.edition, out, options(a, out), a.jobs, a.scheduler, a.quiet)


def build_one(path: str, opts, quiet: bool = False, press: PressProcess | None = None) -> int:
    import time

    from layout.pipeline import build

    t0 = time.perf_counter()
    result = build(path, opts, press)
    if not quiet:
        print(result.report.summary(), file=sys.stderr)
        print(f"wrote {', '.join(result.outputs)} in {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    return 0
