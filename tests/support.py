"""Helpers shared by the end-to-end, PDF-typography, CLI-error and fuzz tests (imported as
`support`; conftest.py holds only the fixtures, so two conftest modules never shadow each other)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import dataclasses
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAKE_PDF = os.path.join(ROOT, "make_pdf.py")
ARTICLE = os.path.join(ROOT, "article.yaml")
DATA = os.path.join(ROOT, "tests", "data")
BAD = os.path.join(DATA, "bad")


def cli_env(cache: str) -> dict:
    env = dict(os.environ)
    env["ZHPAPER_CACHE"] = cache
    env.pop("PYTHONPATH", None)  # make_pdf.py finds `layout` next to itself
    return env


def run_make_pdf(args: list[str], cache: str, cwd: str = ROOT, timeout: float = 600,
                 env: dict | None = None, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    """make_pdf.py with `args` as a subprocess (after `prefix`, e.g. unprivileged_command())."""
    return subprocess.run([*prefix, sys.executable, MAKE_PDF, *args], cwd=cwd, env={**cli_env(cache), **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def cache_files(cache: str) -> set[str]:
    out = set()
    for folder, _, files in os.walk(cache):
        out.update(os.path.relpath(os.path.join(folder, f), cache) for f in files)
    return out


@dataclass(frozen=True)
class RealPage:
    out_dir: str
    pdf: str  # press PDF
    archive: str  # PDF/A-2b copy
    report_json: str
    manifest_json: str
    article: object  # layout.base.model.Story: the page's one story
    page: object  # layout.base.model.Page
    cache: str
    cache_added: frozenset  # files the build added to the (then fresh) cache
    stderr: str

    @property
    def report(self) -> dict:
        with open(self.report_json, encoding="utf-8") as fh:
            return json.load(fh)


ROLES = ("body", "headline", "kicker", "subtitle", "byline", "subhead", "caption", "sidebar_title", "sidebar", "folio")


def fake_faces() -> dict:
    """Every font role set in the square test face (layout.text.fake): exact, fast line breaking."""
    from layout.text.fake import FakeMetrics

    return {r: FakeMetrics() for r in ROLES}


def first_generated_page(seed: int, want, templates: dict, faces: dict, tries: int = 60):
    """The first page tests/pages.py draws (`random_page`, seeded) that the search builds on `faces` and
    whose layout `want(page, layout)` accepts: (variant, page, photo sizes, layout); the test fails when
    none of `tries` is."""
    import random

    import pytest

    import pages as P
    from layout.base.errors import InputError
    from layout.compose.page import compose_page

    grids = {name: P.Grid.of(t) for name, t in templates.items()}
    rng = random.Random(seed)
    for _ in range(tries):
        v = P.random_page(rng, grids)
        page, sizes = P.page_of(v, grids)
        try:
            lay = compose_page(page, templates[v.template], faces, sizes)
        except InputError:
            continue
        if want(page, lay):
            return v, page, sizes, lay
    pytest.fail("no generated page of that kind in the seeded draw")


def sizes_of(page) -> dict:
    """Each photo's pixel size by (story id, photo id), as the pipeline hands them to compose."""
    from layout.photo.images import probe_image

    return {(s.id, p.id): probe_image(os.path.join(s.base_dir, p.file)) for s in page.stories for p in s.photos}


def with_story(page, **changes):
    """`page` with its first story changed."""
    return dataclasses.replace(page, stories=(dataclasses.replace(page.stories[0], **changes),) + page.stories[1:])


def with_options(page, **options):
    """`page` with layout options changed."""
    return dataclasses.replace(page, options=tuple(sorted({**dict(page.options), **options}.items())))


def srgb_icc(folder) -> str:
    """An RGB ICC profile made here (LittleCMS's built-in sRGB, as Pillow writes it) in `folder`:
    the tests need one and set-up installs none (no ArgyllCMS)."""
    from PIL import ImageCms

    path = os.path.join(str(folder), "sRGB.icc")
    with open(path, "wb") as fh:
        fh.write(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    return path


NOBODY = 65534  # nobody / nogroup on Debian


def unprivileged_dir() -> str:
    """A fresh folder under the system temp folder that an unprivileged user can enter (pytest's own
    tmp folders are 0700 and root's); the caller removes it."""
    import tempfile

    path = tempfile.mkdtemp(prefix="zhpaper-unprivileged-")
    os.chmod(path, 0o755)
    return path


def as_unprivileged(fn, *args):
    """`fn(*args)` as an ordinary user: as root (the README's set-up runs the suite as root, and
    root reads and writes past any file mode), in a forked child that drops to nobody:nogroup with
    no supplementary groups; otherwise here, as the user the suite runs as. Returns what `fn`
    returned or raises what it raised (both must pickle). The project's modules are imported
    before the fork (tests/conftest.py), so the child reads only the files `fn` opens."""
    import pickle

    if os.geteuid() != 0:
        return fn(*args)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            os.close(r)
            try:
                os.setgroups([])
                os.setresgid(NOBODY, NOBODY, NOBODY)
                os.setresuid(NOBODY, NOBODY, NOBODY)
                assert os.geteuid() == NOBODY and os.getegid() == NOBODY
                outcome = (True, fn(*args))
            except BaseException as exc:  # noqa: BLE001 — carried back to the test
                outcome = (False, exc)
            try:
                data = pickle.dumps(outcome)
            except Exception as exc:  # noqa: BLE001
                data = pickle.dumps((False, RuntimeError(f"cannot carry back {outcome!r}: {exc}")))
            with os.fdopen(w, "wb") as fh:
                fh.write(data)
        finally:
            os._exit(0)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    ok, value = pickle.loads(data)
    if ok:
        return value
    raise value


def unprivileged_command() -> list[str]:
    """The prefix that runs a command as nobody:nogroup when the suite runs as root ([] otherwise).
    The command keeps one capability, CAP_DAC_READ_SEARCH, so that it can read the project and its
    .venv where set-up put them (/root/project, and /root is 0700): it may read anything, but it
    writes only where nobody may write."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
            "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]


GOLDEN = os.path.join(ROOT, "tests", "golden")
GOLDEN_CASES = ("mini-text", "mini-sidebar", "mini-photo")


def golden_dump(name: str) -> str:
    """The layout dump of tests/data/<name>.yaml composed on FakeMetrics faces: what
    tests/golden/<name>.txt holds (test_compose compares; `make golden` rewrites)."""
    from layout.compose.page import compose_page
    from layout.compose.story import Settings
    from layout.base.primitives import dump
    from layout.source.load import load_page
    from layout.source.template import load_template

    page, _ = load_page(os.path.join(DATA, f"{name}.yaml"))
    template = load_template(page.template, page.base_dir)
    return dump(compose_page(page, template, fake_faces(), sizes_of(page), Settings()))
