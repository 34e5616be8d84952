"""Session fixtures shared by the end-to-end, PDF-typography, CLI-error and fuzz tests.

* `zhpaper_cache`: one ZHPAPER_CACHE folder under pytest's tmp dir for the whole session, so a
  cold font cache is paid once (≈ 10–20 s) and every later build is warm.
* `real_page`: the real page (article.yaml on the broadsheet) built ONCE per session with the
  command line (`make_pdf.py`, a subprocess with ZHPAPER_CACHE set), into a fresh tmp folder.
  It exposes the press PDF, archive PDF, report JSON, manifest, the loaded Article and how many
  files the build added to the cache (so tests can tell a cold build from a warm one).
* `run_cli`: run make_pdf.py as a subprocess with the session cache; returns CompletedProcess.

Hypothesis, for every property test in the suite (tests/text too):

* one settings profile: `derandomize=True` (the same examples on every run and machine) and no
  example database; what Hypothesis stores besides (its constants and Unicode caches) goes to a
  temporary folder, never into the work tree (`.hypothesis/`).
* the same examples whatever else was collected: Hypothesis also draws constants it finds in
  the project's own modules that are imported at the time (`hypothesis.internal.conjecture.
  providers._get_local_constants`; every module outside site-packages and the standard library,
  test files excepted). A test would then draw other examples alone than in the full suite, or
  in another order. So every project module a test can import is imported here, before any test
  is collected, and a test during which one not on the list is first imported fails.
"""

from __future__ import annotations

import atexit
import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
import tempfile

import pytest

from support import ARTICLE, ROOT, RealPage, cache_files, run_make_pdf

_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="zhpaper-hypothesis-")
os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = _HYPOTHESIS_HOME
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, ignore_errors=True)

from hypothesis import settings  # noqa: E402

settings.register_profile("zhpaper", derandomize=True, database=None, deadline=None)
settings.load_profile("zhpaper")

# Project modules the tests import from outside the `layout` package (tools/ is put on sys.path).
TOOL_MODULES = ("pdfcheck", "pagecheck", "make_placeholders", "make_samples")


def _import_project_modules() -> None:
    import layout

    sys.path.insert(0, os.path.join(ROOT, "tools"))
    for info in pkgutil.walk_packages(layout.__path__, "layout."):
        importlib.import_module(info.name)
    for name in TOOL_MODULES:
        importlib.import_module(name)


def _project_modules(names=None) -> set[str]:
    """Modules in sys.modules (or those of `names`) loaded from the repository: not test files, and not
    the installed packages of a virtualenv that set-up made inside it (.venv)."""
    root = os.path.realpath(ROOT) + os.sep
    outside = tuple(os.path.realpath(p) + os.sep for p in
                    (os.path.join(root, "tests"), sys.prefix, sys.base_prefix, sys.exec_prefix))
    out = set()
    for name in list(sys.modules) if names is None else names:
        path = getattr(sys.modules.get(name), "__file__", None)
        path = os.path.realpath(path) if isinstance(path, str) else ""
        if path.startswith(root) and not path.startswith(outside) and "site-packages" not in path.split(os.sep):
            out.add(name)
    return out


_import_project_modules()
_PROJECT_MODULES = _project_modules()
_SEEN = set(sys.modules)


@pytest.fixture(autouse=True)
def _no_late_project_imports():
    """Fails the test during which (or during whose collection) a project module was first imported:
    it must be on the up-front list above, or Hypothesis draws other examples alone than in the
    suite. A fixture, not a session hook, so that it holds in every pytest-xdist worker too."""
    yield
    new = sys.modules.keys() - _SEEN
    if new:
        _SEEN.update(new)
        late = _project_modules(new) - _PROJECT_MODULES
        if late:
            pytest.fail(f"project modules imported after collection began: {sorted(late)}; add them to "
                        "tests/conftest.py's up-front imports, or Hypothesis draws other examples alone than in "
                        "the suite", pytrace=False)


@pytest.fixture(scope="session")
def debian_fonts() -> None:
    """The font files layout/fonts/catalog.yaml names. Set-up installs them (tools/setup_system.sh, which
    `make test` runs): a test that needs them fails without them, it is not skipped."""
    import yaml

    with open(os.path.join(ROOT, "layout", "fonts", "catalog.yaml"), encoding="utf-8") as fh:
        roles = yaml.safe_load(fh)["roles"].values()
    paths = {r["path"] for r in roles} | {f["path"] for r in roles for f in r.get("fallbacks", ())}
    missing = sorted(p for p in paths if not os.path.exists(os.path.join(ROOT, "layout", "fonts", p)))  # relative: to it
    assert not missing, f"set-up installs these fonts (make setup): {missing}"


@pytest.fixture(scope="session")
def poppler() -> None:
    """pdffonts, pdfinfo, pdftotext, pdfimages and qpdf: installed by set-up; their absence fails."""
    missing = [t for t in ("pdffonts", "pdfinfo", "pdftotext", "pdfimages", "qpdf") if shutil.which(t) is None]
    assert not missing, f"set-up installs poppler-utils and qpdf (make setup); missing: {missing}"


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
def rare_page(tmp_path_factory, zhpaper_cache) -> dict:
    """tests/data/rare-han.yaml (Han from Ext B to Ext H in body, headline and byline) built ONCE per
    session with the command line and --validate: the fallback-face and the ALTO tests read it back."""
    out = tmp_path_factory.mktemp("rare-han")
    pdf = os.path.join(out, "rare.pdf")
    r = run_make_pdf([os.path.join(ROOT, "tests", "data", "rare-han.yaml"), "-o", pdf, "--validate"], zhpaper_cache)
    assert r.returncode == 0, f"the rare-Han page did not build:\n{r.stderr}"
    return {"out": str(out), "pdf": pdf, "archive": os.path.join(out, "rare.archive.pdf"),
            "alto": os.path.join(out, "rare.alto.xml"), "stderr": r.stderr, "cache": zhpaper_cache}


@pytest.fixture(scope="session")
def run_cli(zhpaper_cache):
    def run(args: list[str], cwd: str = ROOT) -> subprocess.CompletedProcess:
        return run_make_pdf(args, zhpaper_cache, cwd=cwd)

    return run
