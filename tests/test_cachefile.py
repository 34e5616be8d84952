"""The verified cache entry (layout.base.cachefile) and every cache that keeps its results in one.

The entry's checks byte by byte; each kind of bad file at an entry's place; one warning per entry and
process; a cache that cannot be written. Unreadable entries are made for real: as an ordinary user
(nobody, when the suite runs as root, in a forked process that keeps no capability), a file of mode
000 — for every cache: a fact, a font's entry and program, a photo's entry and JPEG, a subset program,
the compiled dataclass code. (tests/test_cache_faults.py damages a cache under the command line.)
"""

from __future__ import annotations

import glob
import io
import json
import marshal
import os
import shutil
import sys

import pytest

from layout.base import cachefile, codecache
from layout.base.cachefile import HEADER, LAYOUT, Store, pack, unpack
from layout.base.digest import is_sha256, remembered, sha256_file
from layout.base.memo import DiskMemo
from layout.fonts import faces as fonts
from layout.photo.images import prepare_image
from support import DATA, NOBODY, ROOT, as_unprivileged, unprivileged_dir

LXGW = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
PHOTO = os.path.join(DATA, "img", "landscape.jpg")
ICC = os.path.join(ROOT, "layout", "photo", "icc", "IFRA26S.icc")


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch):
    """Each test starts with nothing warned about and every cache writable, as a new process does."""
    monkeypatch.setattr(cachefile, "_warned", set())
    monkeypatch.setattr(cachefile, "_unwritable", set())


# ---------------------------------------------------------------- the entry


def test_an_entry_reads_back_and_every_flipped_bit_is_found():
    data = pack("key", b"content of the entry")
    assert unpack(data, "key") == (b"content of the entry", "")
    for at in range(len(data)):
        for bit in (0x01, 0x80):
            bad = bytearray(data)
            bad[at] ^= bit
            content, why = unpack(bytes(bad), "key")
            assert content is None and why, (at, bit)


def test_an_entry_of_another_key_cut_short_or_grown_is_refused():
    data = pack("key", b"content")
    assert unpack(data, "other key") == (None, "made for another key")
    assert unpack(data + b"x", "key")[0] is None
    for n in range(len(data)):
        assert unpack(data[:n], "key")[0] is None, n
    assert unpack(b"", "key") == (None, "empty")
    assert unpack(b"{\"width_px\": 3}", "key") == (None, "not a cache entry")  # an entry of the old format


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(str(tmp_path / "cache"), "things")
    assert s.put("one", "key one", b"content")
    return s


BAD = {
    "text": lambda p: open(p, "w").write("just text"),
    "nuls": lambda p: open(p, "wb").write(bytes(HEADER + 7)),
    "empty": lambda p: open(p, "wb").close(),
    "cut": lambda p: open(p, "r+b").truncate(HEADER - 1),
    "folder": lambda p: (os.unlink(p), os.makedirs(os.path.join(p, "inside"))),
    "fifo": lambda p: (os.unlink(p), os.mkfifo(p)),
    "eio": lambda p: (os.unlink(p), os.symlink("/proc/self/mem", p)),
    "loop": lambda p: (os.unlink(p), os.symlink(os.path.basename(p), p)),
}


@pytest.mark.parametrize("fault", sorted(BAD))
def test_a_bad_entry_is_warned_about_once_and_dropped(store, capsys, fault):
    path = store.path("one")
    BAD[fault](path)
    assert store.get("one", "key one") is None
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("warning: cache entry " + path) and "damaged" in err[0], err
    assert not os.path.lexists(path), "the bad entry stays"
    assert store.get("one", "key one") is None and capsys.readouterr().err == ""  # absent now: quietly
    assert store.put("one", "key one", b"again") and store.get("one", "key one") == b"again"


def test_content_of_the_wrong_shape_is_a_bad_entry(store, capsys):
    assert store.get("one", "key one", lambda content: None) is None
    assert "content unusable" in capsys.readouterr().err
    store.put("one", "key one", b"[1, 2]")
    assert store.get("one", "key one", lambda content: dict(json.loads(content))) is None
    assert "content unusable: TypeError" in capsys.readouterr().err


def test_a_missing_entry_is_quiet(store, capsys):
    assert store.get("two", "key two") is None
    assert Store(os.path.join(store.root, "nothing-here"), "things").get("one", "key one") is None
    assert capsys.readouterr().err == ""


def test_a_file_where_a_cache_folder_goes_is_dropped(tmp_path, capsys):
    root = tmp_path / "cache"
    (root / LAYOUT).mkdir(parents=True)
    (root / LAYOUT / "things").write_text("a file, not the folder")
    s = Store(str(root), "things")
    assert s.get("one", "key") is None
    assert s.put("one", "key", b"content") and s.get("one", "key") == b"content"
    assert "is a file; dropped" in capsys.readouterr().err


def test_a_cache_root_that_is_a_file_is_only_warned_about(tmp_path, capsys):
    """Not ours to remove: the folder named as the cache is someone's file."""
    root = tmp_path / "not-a-folder"
    root.write_text("someone's file")
    src = tmp_path / "input.txt"
    src.write_text("input")
    for _ in range(2):
        assert remembered(str(src), str(root), "sha256", sha256_file, is_sha256) == sha256_file(str(src))
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "cannot be written" in err[0] and str(root) in err[0], err
    assert root.read_text() == "someone's file"


# ---------------------------------------------------------------- as an ordinary user


def _quietly(fn, *args):
    """`fn(*args)` and what it wrote on stderr (for as_unprivileged: its child's stderr is not captured)."""
    saved, sys.stderr = sys.stderr, io.StringIO()
    try:
        return fn(*args), sys.stderr.getvalue()
    finally:
        sys.stderr = saved


def _owned_by_nobody(folder: str) -> None:
    if os.geteuid() != 0:
        return
    for root, dirs, files in os.walk(folder):
        for name in [root] + [os.path.join(root, n) for n in dirs + files]:
            os.chown(name, NOBODY, NOBODY)


def _fact(work: str, cache: str):
    return remembered(os.path.join(work, "photo.jpg"), cache, "sha256", sha256_file, is_sha256)


def _font(work: str, cache: str):
    face = fonts.prepare_faces({"headline": fonts.FontSpec("headline", LXGW, 0)}, {"headline": "砥砺前行铸辉煌"},
                               cache_dir=cache, jobs=1)["headline"]
    with open(face.path, "rb") as fh:
        return face.name, face.advances_em, sorted(face.covered), fh.read()


def _photo(work: str, cache: str):
    pi = prepare_image(os.path.join(work, "photo.jpg"), 200.0, 100.0, (0.5, 0.5), 150.0,
                       profile=os.path.join(work, "out.icc"), cache_dir=cache)
    with open(pi.path, "rb") as fh:
        return os.path.basename(pi.path), pi.width_px, pi.height_px, pi.ppi, pi.max_ink_pct, pi.findings, fh.read()


def _subset(work: str, cache: str):
    return DiskMemo(Store(cache, "subsets")).call(("font", "face.ttf", ("砥", "砺")), lambda: b"the subset's program")


def _code(work: str, cache: str):
    store = Store(cache, "code")
    key = "dataclasses code for the test"
    got = store.get("table.marshal", key, codecache._code_table)
    if got is None:  # compiled again and kept, as codecache.save does
        got = {b"k" * 20: compile("x = 1", "<string>", "exec")}
        store.put("table.marshal", key, marshal.dumps(got))
    return sorted(got)


KINDS = {  # kind → (make the result, the file of the cache to make unreadable)
    "fact": (_fact, "facts/*"),
    "font entry": (_font, "fonts/*.json"),
    "font program": (_font, "fonts/*.ttf"),
    "photo entry": (_photo, "images/*.json"),
    "photo JPEG": (_photo, "images/*.jpg"),
    "subset program": (_subset, "subsets/*.bin"),
    "compiled code": (_code, "code/*"),
}


@pytest.mark.usefixtures("debian_fonts")
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_an_unreadable_entry_is_made_again(kind):
    """The result made with the entry unreadable (mode 000, an ordinary user) is the cold one; one
    warning names the entry; the entry is made again, the same bytes as before."""
    make, pattern = KINDS[kind]
    work = unprivileged_dir()
    try:
        shutil.copy(PHOTO, os.path.join(work, "photo.jpg"))
        shutil.copy(ICC, os.path.join(work, "out.icc"))
        cache = os.path.join(work, "cache")
        cold = make(work, cache)  # here, as the suite's user: also imports what making it needs
        (target,) = glob.glob(os.path.join(cache, LAYOUT, pattern))
        with open(target, "rb") as fh:
            kept = fh.read()
        _owned_by_nobody(work)
        os.chmod(target, 0)
        got, err = as_unprivileged(_quietly, make, work, cache)
        assert got == cold
        lines = err.splitlines()
        assert len(lines) == 1 and target in lines[0] and "Permission denied" in lines[0], err
        os.chmod(target, 0o644)  # (removed and written anew: a new file, readable)
        with open(target, "rb") as fh:
            assert fh.read() == kept, "the entry made again differs"
    finally:
        shutil.rmtree(work)


def _twice_read_only(work: str, cache: str):
    return [_fact(work, cache), _fact(work, cache)]


def test_a_bad_entry_in_a_read_only_cache_is_warned_about_once():
    """It cannot be dropped, so every read finds it: one warning for it all the same, and one that the
    cache cannot be written."""
    work = unprivileged_dir()
    try:
        shutil.copy(PHOTO, os.path.join(work, "photo.jpg"))
        cache = os.path.join(work, "cache")
        cold = _fact(work, cache)
        (target,) = glob.glob(os.path.join(cache, LAYOUT, "facts", "*"))
        with open(target, "r+b") as fh:
            fh.seek(HEADER + 3)
            fh.write(b"X")
        for root, _, _ in os.walk(cache):
            os.chmod(root, 0o555)
        got, err = as_unprivileged(_quietly, _twice_read_only, work, cache)
        assert got == [cold, cold]
        lines = err.splitlines()
        assert len(lines) == 2, err
        assert target in lines[0] and "damaged" in lines[0]
        assert "cannot be written (Permission denied)" in lines[1] and cache in lines[1]
        assert os.path.exists(target)
    finally:
        for root, _, _ in os.walk(work):
            os.chmod(root, 0o755)
        shutil.rmtree(work)
