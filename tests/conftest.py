"""Session fixtures shared by the end-to-end, PDF-typography, CLI-error and fuzz tests.

* `zhpaper_cache`: one ZHPAPER_CACHE folder under pytest's tmp dir for the whole session, so a
  cold font cache is paid once (≈ 10–20 s) and every later build is warm.
* `real_page`: the real page (article.yaml on the broadsheet) built ONCE per session with the
  command line (`make_pdf.py`, a subprocess with ZHPAPER_CACHE set), into a fresh tmp folder.
  It exposes the press PDF, archive PDF, report JSON, manifest, the loaded Article and how many
  files the build added to the cache (so tests can tell a cold build from a warm one).
* `run_cli`: run make_pdf.py as a subprocess with the session cache; returns CompletedProcess.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from support import ARTICLE, ROOT, RealPage, cache_files, run_make_pdf


@pytest.fixture(scope="session")
def zhpaper_cache(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("zhpaper-cache"))


@pytest.fixture(scope="session")
def real_page(tmp_path_factory, zhpaper_cache) -> RealPage:
    from layout.source.load import load_page

    out = tmp_path_factory.mktemp("real-page")
    pdf = os.path.join(out, "article.pdf")
    before = cache_files(zhpaper_cache)
    r = run_make_pdf([ARTICLE, "-o", pdf], zhpaper_cache)
    assert r.returncode == 0, f"the real page did not build:\n{r.stderr}"
    page, _ = load_page(ARTICLE)
    return RealPage(str(out), pdf, os.path.join(out, "article.archive.pdf"), os.path.join(out, "article.report.json"),
                    os.path.join(out, "article.manifest.json"), page.stories[0], page, zhpaper_cache,
                    frozenset(cache_files(zhpaper_cache) - before), r.stderr)


@pytest.fixture(scope="session")
def run_cli(zhpaper_cache):
    def run(args: list[str], cwd: str = ROOT) -> subprocess.CompletedProcess:
        return run_make_pdf(args, zhpaper_cache, cwd=cwd)

    return run
