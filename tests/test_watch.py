"""Watch mode (layout.app.watch): the debounce rule on given times, the loop on scripted changes and fake
files, the kernel's change feed on real files (bounded waits that end as soon as the change is seen), the
polling loop (without watchdog) on a fake clock, then a real in-process watch of a small page whose scripted
change feed edits the files. Nothing here sleeps for a fixed time."""

from __future__ import annotations

import os
import shutil
import threading
import time

import pytest

from layout.app import watch as w
from layout.app.cli import main
from layout.base.errors import InputError

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
    n = w.poll(lambda: ["a.yaml", "t.yaml"], lambda: built.append(len(files.sleeps)), files.sleep,
                stop_after=8, stat=files.stat)
    assert built == [0, 3, 6] and n == 3
    assert files.sleeps == [w.POLL_S] * 8


def test_size_change_with_the_same_mtime_is_a_change():
    files = FakeFiles({"a.yaml": (1, 10)}, {2: {"a.yaml": (1, 11)}})
    assert w.poll(lambda: ["a.yaml"], lambda: None, files.sleep, stop_after=4, stat=files.stat) == 2


def test_deleted_then_recreated_file_rebuilds_on_return():
    # Editors that save by rename make the file vanish for a moment.
    files = FakeFiles({"a.yaml": (1, 10)}, {2: {"a.yaml": None}, 3: {"a.yaml": (3, 10)}})
    built = []
    w.poll(lambda: ["a.yaml"], lambda: built.append(len(files.sleeps)), files.sleep, stop_after=5,
            stat=files.stat)
    assert built == [0, 2, 3]


def test_paths_are_asked_again_after_each_build():
    # The edit at poll 2 adds a photo to the article; its later change must trigger a build.
    files = FakeFiles({"a.yaml": (1, 1), "new.jpg": (1, 1)}, {2: {"a.yaml": (2, 2)}, 4: {"new.jpg": (2, 2)}})
    built = []
    paths = lambda: ["a.yaml"] + (["new.jpg"] if files.stamps["a.yaml"] == (2, 2) else [])  # noqa: E731
    w.poll(paths, lambda: built.append(len(files.sleeps)), files.sleep, stop_after=5, stat=files.stat)
    assert built == [0, 2, 4]


def test_bad_input_prints_one_line_and_the_watch_goes_on():
    files = FakeFiles({"a.yaml": (1, 1)}, {1: {"a.yaml": (2, 2)}, 2: {"a.yaml": (3, 3)}})
    outcomes = iter([lambda: "ok 1", lambda: (_ for _ in ()).throw(InputError("bad key", "a.yaml:3:1", "fix it")),
                     lambda: "ok 2"])
    shown = []
    n = w.poll(lambda: ["a.yaml"], w.guarded(lambda: next(outcomes)(), shown.append), files.sleep,
                stop_after=3, stat=files.stat)
    assert n == 3
    assert shown == ["ok 1", "error: a.yaml:3:1: bad key (hint: fix it)", "ok 2"]


def test_a_bug_is_not_swallowed():
    def boom():
        raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        w.guarded(boom, print)()


# ---------------------------------------------------------------- the debounce rule, on given times


def test_a_closed_file_is_built_after_the_settle_time():
    d = w.Debounce(settle=0.01, quiet=0.2)
    d.note("a", complete=False, now=1.0)  # truncated and written
    d.note("a", complete=True, now=1.001)  # closed: complete
    assert d.take(1.005) is None and d.due() == pytest.approx(1.011)
    assert d.take(1.011) == {"a"} and d.due() is None and d.take(2.0) is None


def test_a_write_without_close_waits_for_quiet():
    d = w.Debounce(settle=0.01, quiet=0.2)
    d.note("a", complete=False, now=1.0)
    d.note("a", complete=False, now=1.1)  # still writing
    assert d.take(1.25) is None and d.take(1.3) == {"a"}


def test_a_burst_over_several_files_is_one_build():
    d = w.Debounce(settle=0.01, quiet=0.2)
    d.note("a.yaml", complete=True, now=1.0)
    d.note("p.jpg", complete=False, now=1.005)  # a photo still being copied holds the burst
    assert d.take(1.05) is None
    d.note("p.jpg", complete=True, now=1.1)
    assert d.take(1.111) == {"a.yaml", "p.jpg"}


# ---------------------------------------------------------------- the loop, on scripted changes


class ScriptedChanges:
    """A change feed whose `wait()` applies the next scripted step and reports its paths; None at the end."""

    def __init__(self, steps):
        self.steps = list(steps)
        self.followed: list[list[str]] = []

    def follow(self, paths):
        self.followed.append(sorted(paths))

    def wait(self):
        if not self.steps:
            return None
        step = self.steps.pop(0)
        return step()


def test_builds_once_then_on_each_change_that_changed_a_stamp():
    files = FakeFiles({"a.yaml": (1, 10), "t.yaml": (1, 5)})

    def change(path, value):
        def step():
            files.stamps[path] = value
            return {path}
        return step

    steps = [change("a.yaml", (2, 10)), lambda: {"a.yaml"},  # the second: opened and closed, nothing written
             change("t.yaml", (2, 6))]
    built = []
    n = w.watch(lambda: ["a.yaml", "t.yaml"], lambda: built.append(1), ScriptedChanges(steps), stat=files.stat)
    assert n == 3 and len(built) == 3


def test_the_files_followed_are_asked_for_after_each_build():
    files = FakeFiles({"a.yaml": (1, 1), "new.jpg": (1, 1)})
    paths = lambda: ["a.yaml"] + (["new.jpg"] if files.stamps["a.yaml"] == (2, 2) else [])  # noqa: E731

    def edit(path, value):
        def step():
            files.stamps[path] = value
            return {path}
        return step

    feed = ScriptedChanges([edit("a.yaml", (2, 2)), edit("new.jpg", (3, 3))])
    assert w.watch(paths, lambda: None, feed, stat=files.stat) == 3
    # followed before the first build too (a save during it is seen), then as each build found them
    assert feed.followed == [["a.yaml"], ["a.yaml"], ["a.yaml", "new.jpg"], ["a.yaml", "new.jpg"]]


# ---------------------------------------------------------------- the kernel's change feed, on real files


def _next_batch(changes, limit=20.0):
    """changes.wait() in a thread, given at most `limit` seconds (the feed is closed then): the batch or None."""
    got = []
    t = threading.Thread(target=lambda: got.append(changes.wait()))
    t.start()
    t.join(limit)
    if t.is_alive():
        changes.close()
        t.join()
    return got[0] if got else None


@pytest.fixture
def changes():
    feed = w.Changes(settle=0.01, quiet=0.3)
    yield feed
    feed.close()


def test_an_in_place_save_in_several_writes_is_one_change(tmp_path, changes):
    f = tmp_path / "a.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    changes.follow([str(f)])
    t0 = time.monotonic()
    with open(f, "w", encoding="utf-8") as fh:  # truncate, write, write, close
        fh.write("a: ")
        fh.flush()
        fh.write("2\n")
    assert _next_batch(changes) == {w.norm(str(f))}
    assert time.monotonic() - t0 < 10  # seen when the file was closed, not at the feed's time limit


def test_a_save_by_rename_is_seen_and_other_files_are_not(tmp_path, changes):
    f, other = tmp_path / "a.yaml", tmp_path / "b.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    changes.follow([str(f)])
    other.write_text("b: 1\n", encoding="utf-8")  # not followed: no change
    tmp = tmp_path / ".a.yaml.swp"
    tmp.write_text("a: 2\n", encoding="utf-8")
    os.replace(tmp, f)
    assert _next_batch(changes) == {w.norm(str(f))}


def test_a_followed_file_in_another_folder_is_seen(tmp_path, changes):
    (tmp_path / "photos").mkdir()
    a, p = tmp_path / "a.yaml", tmp_path / "photos" / "p.jpg"
    a.write_text("a", encoding="utf-8")
    p.write_bytes(b"1")
    changes.follow([str(a), str(p)])
    p.write_bytes(b"22")
    assert _next_batch(changes) == {w.norm(str(p))}


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
    headlines = []

    def read_back():
        import pdfplumber

        with pdfplumber.open(folder / "out" / "page.pdf") as pdf:
            headlines.append(pdf.pages[0].extract_text())

    def edit(fn):
        def step():
            fn()
            return {str(yaml_path)}
        return step

    def ctrl_c():
        raise KeyboardInterrupt  # what Ctrl-C does to the real wait

    steps = [edit(lambda: _write(yaml_path, good.replace("一张照片", "两张照片"))),
             edit(lambda: (read_back(), _write(yaml_path, good.replace("headline:", "headline: [", 1)))),
             edit(lambda: _write(yaml_path, good)),
             edit(lambda: _bump(folder / "mini-template.yaml")),
             ctrl_c]
    a = parser().parse_args([str(yaml_path), "-o", str(folder / "out" / "page.pdf"), "--cache", cache,
                             "--fonts", catalog, "--watch", "--proof", str(folder / "out" / "page.png")])
    assert w.run_watch(a.articles[0], options(a, str(folder / "out" / "page.pdf")),
                       changes=ScriptedChanges(steps)) == 0
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
