"""Batch builds (layout.app.batch): a pool of workers, progress, one bad page not stopping the others.

Small pages from tests/data, fonts on a display-only catalog, one cache shared per session (see
tests/test_cache.py for why).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from layout.app import batch
from layout.app.cli import main, options, parser

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
pytestmark = pytest.mark.usefixtures("debian_fonts")  # set-up installs them: a failure, not a skip

from test_cache import clean_reportlab_registry, display_catalog  # noqa: E402,F401  (shared with test_cache)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A pages folder: good1 (text), good2 (photo), bad (a photo that does not exist); a shared cache."""
    pages = tmp_path_factory.mktemp("pages")
    shutil.copyfile(os.path.join(DATA, "mini-template.yaml"), pages / "mini-template.yaml")
    os.symlink(os.path.join(DATA, "img"), pages / "img")
    shutil.copyfile(os.path.join(DATA, "mini-text.yaml"), pages / "good1.yaml")
    shutil.copyfile(os.path.join(DATA, "mini-photo.yaml"), pages / "good2.yaml")
    text = open(os.path.join(DATA, "mini-photo.yaml"), encoding="utf-8").read()
    (pages / "bad.yaml").write_text(text.replace("img/landscape.jpg", "img/missing.jpg"), encoding="utf-8")
    cache = tmp_path_factory.getbasetemp() / "zhpaper-shared-cache"
    cache.mkdir(exist_ok=True)
    return pages, str(cache), display_catalog(tmp_path_factory)


def _args(env, out, *extra):
    pages, cache, catalog = env
    return [str(pages / "good1.yaml"), str(pages / "bad.yaml"), str(pages / "good2.yaml"), "-o", str(out),
            "--cache", cache, "--fonts", catalog, *extra]


@pytest.mark.parametrize("jobs", ["2", "1"])
def test_bad_page_does_not_stop_the_others(env, tmp_path, capsys, jobs):
    out = tmp_path / "out"
    code = main(_args(env, out, "-j", jobs))
    err = capsys.readouterr().err
    assert code == 1
    for stem in ("good1", "good2"):
        for suffix in (".pdf", ".archive.pdf", ".report.json", ".manifest.json"):
            assert (out / f"{stem}{suffix}").is_file()
    assert not [p for p in os.listdir(out) if p.startswith("bad")]  # nothing, not even a partial file
    # Progress: one line per page; the summary names the failed page with its one-line error.
    assert len([ln for ln in err.splitlines() if ln.startswith("[")]) == 3
    assert "batch: 2 ok, 1 failed of 3 page(s)" in err
    failed = [ln for ln in err.splitlines() if ln.startswith("  failed:")]
    assert len(failed) == 1 and "bad.yaml" in failed[0] and "missing.jpg" in failed[0]
    assert "Traceback" not in err


def test_quiet_prints_only_the_failure(env, tmp_path, capsys):
    assert main(_args(env, tmp_path / "out", "-q")) == 1
    err = capsys.readouterr().err
    assert "good1" not in err and "bad.yaml" in err and "FAIL" in err


def test_all_good_exits_zero_and_matches_single_builds(env, tmp_path, capsys):
    pages, cache, catalog = env
    code = main([str(pages / "good1.yaml"), str(pages / "good2.yaml"), "-o", str(tmp_path / "b"), "-j", "2",
                 "--cache", cache, "--fonts", catalog])
    assert code == 0 and "batch: 2 ok, 0 failed" in capsys.readouterr().err
    # A page built by a (forked, reused) worker is the page built alone, in a fresh process: no state
    # leaks between pages (each page's headline is its own font subset under the same PostScript name).
    for stem in ("good1", "good2"):
        subprocess.run([sys.executable, os.path.join(ROOT, "make_pdf.py"), str(pages / f"{stem}.yaml"),
                        "-o", str(tmp_path / "s" / f"{stem}.pdf"), "-q", "--cache", cache, "--fonts", catalog],
                       check=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT))
        assert (tmp_path / "b" / f"{stem}.pdf").read_bytes() == (tmp_path / "s" / f"{stem}.pdf").read_bytes()
    import pdfplumber

    with pdfplumber.open(tmp_path / "b" / "good2.pdf") as pdf:
        text = pdf.pages[0].extract_text()
    assert "一张照片" in text and "幸福渠" in text and "\x00" not in text


def test_a_bug_in_one_page_is_reported_and_the_rest_built(env, tmp_path, monkeypatch):
    import layout.pipeline

    real = layout.pipeline.build

    def buggy(path, opts):
        if path.endswith("good1.yaml"):
            raise ZeroDivisionError("division by zero")
        return real(path, opts)

    monkeypatch.setattr(layout.pipeline, "build", buggy)
    a = parser().parse_args(_args(env, tmp_path / "out"))
    results = batch.run_pages(batch.plan(a.articles, options(a, a.output), a.output, a.proof, a.jobs), 1)
    assert [r.ok for r in results] == [False, False, True]  # input order kept
    assert "internal error ZeroDivisionError" in results[0].error and "\n" not in results[0].error


@pytest.mark.parametrize("extra, message", [
    (["-o", "out.pdf"], "need an output folder"),
    (["-j", "0"], "at least one worker"),
    (["--proof", "proof.png"], "existing folder"),
])
def test_batch_usage_errors_are_one_line_exit_2(env, tmp_path, capsys, extra, message):
    pages, _, _ = env
    code = main([str(pages / "good1.yaml"), str(pages / "good2.yaml"), *extra])
    err = capsys.readouterr().err
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_same_stem_twice_is_refused_before_building(env, tmp_path, capsys):
    pages, _, _ = env
    other = tmp_path / "good1.yaml"
    shutil.copyfile(pages / "good1.yaml", other)
    code = main([str(pages / "good1.yaml"), str(other), "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2 and "both write good1.pdf" in err and not (tmp_path / "out").exists()


def test_progress_line_format():
    ok = batch.PageResult("pages/p07.yaml", True, 0.4123)
    bad = batch.PageResult("pages/p08.yaml", False, 0.05, "pages/p08.yaml:3:1: bad (hint: fix)", 1)
    assert batch._progress(7, 20, ok) == "[ 7/20] ok   pages/p07.yaml 0.41 s"
    assert batch._progress(8, 20, bad) == "[ 8/20] FAIL pages/p08.yaml 0.05 s  pages/p08.yaml:3:1: bad (hint: fix)"


def test_a_batch_without_a_process_pool_builds_page_after_page(env, tmp_path, capsys, monkeypatch):
    """-j 2 where no pool can be made (no POSIX semaphores for a user who may not write /dev/shm): the
    pages are built one after another in this process, with the same files and the same report."""
    def no_pool(*a, **kw):
        raise PermissionError(13, "Permission denied")

    import concurrent.futures

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    out = tmp_path / "out"
    code = main(_args(env, out, "-j", "2"))
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "batch: 2 ok, 1 failed of 3 page(s)" in err
    for stem in ("good1", "good2"):
        assert (out / f"{stem}.pdf").is_file() and (out / f"{stem}.manifest.json").is_file()
