"""Watch mode (layout.app.watch): the polling loop on a fake clock and fake files, then a real in-process watch
of a small page where the "sleep" edits the files. Nothing here really sleeps."""

from __future__ import annotations

import os
import shutil

import pytest

from layout.app import watch as w
from layout.app.cli import main
from layout.errors import InputError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")


class FakeFiles:
    """Stamps by path; `edits[k]` is applied during the k-th sleep (1-based)."""

    def __init__(self, stamps: dict, edits: dict | None = None):
        self.stamps = dict(stamps)
        self.edits = edits or {}
        self.sleeps: list[float] = []

    def stat(self, path):
        return self.stamps.get(path)

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        for path, value in self.edits.get(len(self.sleeps), {}).items():
            self.stamps[path] = value


def test_builds_once_then_only_on_change():
    files = FakeFiles({"a.yaml": (1, 10), "t.yaml": (1, 5)}, {3: {"a.yaml": (2, 10)}, 6: {"t.yaml": (2, 6)}})
    built = []
    n = w.watch(lambda: ["a.yaml", "t.yaml"], lambda: built.append(len(files.sleeps)), files.sleep,
                stop_after=8, stat=files.stat)
    assert built == [0, 3, 6] and n == 3
    assert files.sleeps == [w.POLL_S] * 8


def test_size_change_with_the_same_mtime_is_a_change():
    files = FakeFiles({"a.yaml": (1, 10)}, {2: {"a.yaml": (1, 11)}})
    assert w.watch(lambda: ["a.yaml"], lambda: None, files.sleep, stop_after=4, stat=files.stat) == 2


def test_deleted_then_recreated_file_rebuilds_on_return():
    # Editors that save by rename make the file vanish for a moment.
    files = FakeFiles({"a.yaml": (1, 10)}, {2: {"a.yaml": None}, 3: {"a.yaml": (3, 10)}})
    built = []
    w.watch(lambda: ["a.yaml"], lambda: built.append(len(files.sleeps)), files.sleep, stop_after=5,
            stat=files.stat)
    assert built == [0, 2, 3]


def test_paths_are_asked_again_after_each_build():
    # The edit at poll 2 adds a photo to the article; its later change must trigger a build.
    files = FakeFiles({"a.yaml": (1, 1), "new.jpg": (1, 1)}, {2: {"a.yaml": (2, 2)}, 4: {"new.jpg": (2, 2)}})
    built = []
    paths = lambda: ["a.yaml"] + (["new.jpg"] if files.stamps["a.yaml"] == (2, 2) else [])  # noqa: E731
    w.watch(paths, lambda: built.append(len(files.sleeps)), files.sleep, stop_after=5, stat=files.stat)
    assert built == [0, 2, 4]


def test_bad_input_prints_one_line_and_the_watch_goes_on():
    files = FakeFiles({"a.yaml": (1, 1)}, {1: {"a.yaml": (2, 2)}, 2: {"a.yaml": (3, 3)}})
    outcomes = iter([lambda: "ok 1", lambda: (_ for _ in ()).throw(InputError("bad key", "a.yaml:3:1", "fix it")),
                     lambda: "ok 2"])
    shown = []
    n = w.watch(lambda: ["a.yaml"], w.guarded(lambda: next(outcomes)(), shown.append), files.sleep,
                stop_after=3, stat=files.stat)
    assert n == 3
    assert shown == ["ok 1", "error: a.yaml:3:1: bad key (hint: fix it)", "ok 2"]


def test_a_bug_is_not_swallowed():
    def boom():
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        w.guarded(boom, print)()


def test_stamp_of_real_and_missing_files(tmp_path):
    f = tmp_path / "x.yaml"
    f.write_text("a", encoding="utf-8")
    assert w.stamp(str(f))[1] == 1 and w.stamp(str(tmp_path / "nope")) is None


# ---------------------------------------------------------------- the real thing, in process

needs_fonts = pytest.mark.usefixtures("debian_fonts")  # set-up installs them: a failure, not a skip


from test_cache import clean_reportlab_registry, display_catalog  # noqa: E402,F401  (shared with test_cache)


@pytest.fixture
def page(tmp_path, tmp_path_factory):
    shutil.copyfile(os.path.join(DATA, "mini-template.yaml"), tmp_path / "mini-template.yaml")
    os.symlink(os.path.join(DATA, "img"), tmp_path / "img")
    shutil.copyfile(os.path.join(DATA, "mini-photo.yaml"), tmp_path / "page.yaml")
    cache = tmp_path_factory.getbasetemp() / "zhpaper-shared-cache"
    cache.mkdir(exist_ok=True)
    return tmp_path, str(cache), display_catalog(tmp_path_factory)


@needs_fonts
def test_a_build_lists_the_files_it_read(page):
    """Watch follows exactly these: the YAML, the template, the photos, the font catalogs."""
    from layout.pipeline import BuildOptions, build

    folder, cache, catalog = page
    result = build(str(folder / "page.yaml"), BuildOptions(out_pdf=str(folder / "out" / "page.pdf"), cache_dir=cache,
                                                           fonts=catalog))
    names = sorted(os.path.basename(p) for p in result.inputs)
    assert names == sorted(["catalog.yaml", os.path.basename(catalog), "landscape.jpg", "mini-template.yaml",
                            "page.yaml"])


def _bump(path):
    st = os.stat(path)  # a distinct mtime whatever the file system's timestamp granularity
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    _bump(path)


@needs_fonts
def test_watch_rebuilds_on_edits_survives_errors_and_ctrl_c_exits_zero(page, capsys):
    from layout.app.cli import options, parser

    folder, cache, catalog = page
    yaml_path = folder / "page.yaml"
    good = yaml_path.read_text(encoding="utf-8")
    script = {
        1: lambda: _write(yaml_path, good.replace("一张照片", "两张照片")),
        2: lambda: _write(yaml_path, good.replace("headline:", "headline: [", 1)),
        3: lambda: _write(yaml_path, good),
        4: lambda: _bump(folder / "mini-template.yaml"),
    }
    polls, headlines = [], []

    def sleep(_seconds):
        polls.append(1)
        if len(polls) == 2:  # the rebuild after the headline edit is on disk: read it back
            import pdfplumber

            with pdfplumber.open(folder / "out" / "page.pdf") as pdf:
                headlines.append(pdf.pages[0].extract_text())
        if len(polls) in script:
            script[len(polls)]()
        elif len(polls) > len(script):
            raise KeyboardInterrupt  # what Ctrl-C does to the real sleep

    a = parser().parse_args([str(yaml_path), "-o", str(folder / "out" / "page.pdf"), "--cache", cache,
                             "--fonts", catalog, "--watch", "--proof", str(folder / "out" / "page.png")])
    assert w.run_watch(a.articles[0], options(a, str(folder / "out" / "page.pdf")), sleep=sleep) == 0
    err = capsys.readouterr().err
    assert err.count("] built ") == 4  # first build, the headline edit, the repair, the template touch
    errors = [ln for ln in err.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "page.yaml" in errors[0]
    assert err.count("preflight:") == 4 and err.rstrip().endswith("stopped watching")
    assert (folder / "out" / "page.pdf").is_file() and (folder / "out" / "page.png").is_file()
    # The rebuilt page shows the edit, drawn with the new headline subset (not .notdef from the old one).
    assert "两张照片" in headlines[0] and "\x00" not in headlines[0]


def test_watch_takes_one_article(capsys):
    assert main(["a.yaml", "b.yaml", "--watch"]) == 2
    assert "--watch takes one article" in capsys.readouterr().err
