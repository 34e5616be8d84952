"""A damaged cache, for real, through the command line: the build still exits 0, says one warning line
per bad entry, and writes the very bytes a cold build writes (issue 22).

One page (the mini template, two photos, every font role on the `display` policy so that a cold build
takes a second) is built once into a fresh cache: its outputs are the cold build's, and the cache it
leaves is the warm one. Each case copies that cache, damages one entry of every kind in it — a fact,
a font's metrics entry, another font's program, a photo's entry, the other photo's JPEG, a font
subset program, the compiled dataclass code — the same way, builds with `make_pdf.py` and compares.
A read-only cache runs as `nobody` (root writes anywhere); a full one is a small tmpfs mounted in a
mount namespace of its own (`unshare`), filled before the build.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys

import pytest

from layout.base.cachefile import HEADER, LAYOUT
from support import DATA, MAKE_PDF, NOBODY, cli_env, run_make_pdf, unprivileged_command, unprivileged_dir
from test_cache import display_catalog

PAGE = """\
template: mini-template.yaml
edition: {paper: 测试日报, date: 2024-03-01, page: 3, page_name: 要闻}
headline: {title: [两张照片, 一段文字]}
byline: [{role: 文, name: 本报记者 焦海洋}]
lead: "去年以来，郾城区紧扣全面建成小康社会目标任务，全面落实“六保”任务，危中寻机、化危为机。"
sections: []
photos:
  - {id: field, file: img/landscape.jpg, caption: 幸福渠, group: lead}
  - {id: other, file: img/other.jpg, caption: 另一张, group: end, headshot: true}  # as large as the first, it must be a head shot (photo-dominant)
options: {copyfit: false}
"""
OUTPUTS = ("page.pdf", "page.archive.pdf", "page.alto.xml", "page.report.json", "page.manifest.json")
KINDS = ("fact", "font entry", "font program", "photo entry", "photo JPEG", "subset program", "compiled code")


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """The page's folder (readable by nobody), the catalog, the warm cache and the cold build's outputs."""
    desk = unprivileged_dir()
    shutil.copy(os.path.join(DATA, "mini-template.yaml"), desk)
    os.mkdir(os.path.join(desk, "img"))
    shutil.copy(os.path.join(DATA, "img", "landscape.jpg"), os.path.join(desk, "img"))
    with open(os.path.join(DATA, "img", "landscape.jpg"), "rb") as fh:
        other = fh.read() + b"\0another photo"  # other bytes, the same pixels: a cache entry of its own
    with open(os.path.join(desk, "img", "other.jpg"), "wb") as fh:
        fh.write(other)
    with open(os.path.join(desk, "page.yaml"), "w", encoding="utf-8") as fh:
        fh.write(PAGE)
    catalog = os.path.join(desk, "catalog.yaml")
    shutil.copy(display_catalog(tmp_path_factory), catalog)
    for root, dirs, files in os.walk(desk):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o755 if name in dirs else 0o644)
    cache = str(tmp_path_factory.mktemp("warm") / "cache")
    out = tmp_path_factory.mktemp("cold")
    r = build(desk, cache, str(out))
    assert r.returncode == 0 and not r.stderr, r.stderr
    yield {"desk": desk, "cache": cache, "outputs": outputs(str(out))}
    shutil.rmtree(desk)


def build(desk: str, cache: str, out: str, prefix: list[str] = ()) -> subprocess.CompletedProcess:
    return run_make_pdf([os.path.join(desk, "page.yaml"), "-o", os.path.join(out, "page.pdf"), "-q",
                         "--fonts", os.path.join(desk, "catalog.yaml")], cache, cwd=desk, prefix=prefix)


def outputs(out: str) -> dict[str, bytes]:
    got = {}
    for name in OUTPUTS:
        with open(os.path.join(out, name), "rb") as fh:
            got[name] = fh.read()
    return got


def entries_to_damage(cache: str) -> dict[str, str]:
    """One entry of every kind; a font's and a photo's program belong to another font, photo than the
    entry picked (a bad entry is made again with its program, which is then never read)."""
    v2 = os.path.join(cache, LAYOUT)
    pick = lambda pattern: sorted(glob.glob(os.path.join(v2, pattern)))  # noqa: E731
    font_entries, photo_entries = pick("fonts/*.json"), pick("images/*.json")
    assert len(font_entries) >= 2 and len(photo_entries) == 2, (font_entries, photo_entries)
    chosen = {
        "fact": pick("facts/*")[0],
        "font entry": font_entries[0],
        "font program": font_entries[1][:-len(".json")] + ".ttf",
        "photo entry": photo_entries[0],
        "photo JPEG": photo_entries[1][:-len(".json")] + ".jpg",
        "subset program": pick("subsets/*.bin")[0],
        "compiled code": pick("code/*")[0],
    }
    assert set(chosen) == set(KINDS) and all(os.path.isfile(p) for p in chosen.values()), chosen
    return chosen


def damage(path: str, fault: str) -> None:
    """Do `fault` to the cache file at `path`."""
    with open(path, "rb") as fh:
        data = fh.read()
    program = path.endswith((".ttf", ".jpg"))
    if fault in ("folder", "eio", "fifo"):
        os.unlink(path)
    if fault == "flip":
        data = bytearray(data)
        data[len(data) // 2] ^= 0x10
    elif fault == "text":  # a program replaced by text; an entry by its content without the header (the old format)
        data = "不是字体，也不是照片\n".encode() if program else data[HEADER:]
    elif fault == "nuls":
        data = bytes(len(data))
    elif fault == "empty":
        data = b""
    elif fault == "cut":
        data = data[: len(data) // 2]
    elif fault == "folder":
        os.mkdir(path)
        with open(os.path.join(path, "inside"), "w") as fh:
            fh.write("a folder where a file should be")
        return
    elif fault == "eio":  # opens, and every read fails with EIO (as on a failing disk)
        os.symlink("/proc/self/mem", path)
        return
    elif fault == "fifo":  # opening it for reading would wait for a writer for ever
        os.mkfifo(path)
        return
    with open(path, "wb") as fh:
        fh.write(data)


def warned(stderr: str, chosen: dict[str, str]) -> None:
    """Exactly one warning line per damaged entry, naming it; nothing else."""
    lines = stderr.splitlines()
    assert "Traceback" not in stderr, stderr
    assert all(line.startswith("warning: ") for line in lines), stderr
    for kind, path in chosen.items():
        naming = [line for line in lines if path in line]
        assert len(naming) == 1, (kind, path, stderr)
        assert "damaged" in naming[0], naming[0]
    assert len(lines) == len(chosen), stderr


@pytest.mark.parametrize("fault", ["flip", "text", "nuls", "empty", "cut", "folder", "eio", "fifo"])
def test_a_damaged_entry_of_every_kind_is_made_again(cold, tmp_path, fault):
    cache = str(tmp_path / "cache")
    shutil.copytree(cold["cache"], cache, symlinks=True)
    chosen = entries_to_damage(cache)
    for path in chosen.values():
        damage(path, fault)
    r = build(cold["desk"], cache, str(tmp_path))
    assert r.returncode == 0, r.stderr
    warned(r.stderr, chosen)
    assert outputs(str(tmp_path)) == cold["outputs"], "a build with a damaged cache differs from a cold build"
    # Each bad entry was dropped and made again: a regular file again, the very bytes of the warm cache's.
    for kind, path in chosen.items():
        with open(path.replace(cache, cold["cache"], 1), "rb") as fh:
            want = fh.read()
        assert os.path.isfile(path) and not os.path.islink(path), kind
        with open(path, "rb") as fh:
            assert fh.read() == want, f"the {kind} made again differs from the one the cold build made"


def _read_only(folder: str) -> None:
    for root, _, files in os.walk(folder):
        for name in files:
            os.chmod(os.path.join(root, name), 0o444)
        os.chmod(root, 0o555)


def _writable(folder: str) -> None:
    for root, dirs, _ in os.walk(folder):
        os.chmod(root, 0o755)


@pytest.mark.parametrize("state", ["damaged", "empty"])
def test_a_read_only_cache_is_only_read(cold, state):
    """As an ordinary user (nobody, when the suite runs as root) with a cache folder it may not write: a
    damaged one (each bad entry is warned about and made anew in memory) or an empty one (fonts and
    photos are made in a temporary folder). One line says the cache cannot be written; the bytes are
    a cold build's."""
    folder = unprivileged_dir()
    try:
        cache = os.path.join(folder, "cache")
        out = os.path.join(folder, "out")
        os.mkdir(out)
        if os.geteuid() == 0:
            os.chown(out, NOBODY, NOBODY)
        chosen = {}
        if state == "damaged":
            shutil.copytree(cold["cache"], cache, symlinks=True)
            chosen = entries_to_damage(cache)
            for path in chosen.values():
                damage(path, "flip")
            # The press process keeps no subset programs in a cache the build found it cannot write.
            del chosen["subset program"]
        else:
            os.makedirs(os.path.join(cache, LAYOUT))
        _read_only(cache)
        r = build(cold["desk"], cache, out, prefix=unprivileged_command())
        assert r.returncode == 0, r.stderr
        refused = [line for line in r.stderr.splitlines() if "cannot be written" in line]
        assert len(refused) == 1 and cache in refused[0], r.stderr
        warned("\n".join(line for line in r.stderr.splitlines() if line not in refused), chosen)
        assert outputs(out) == cold["outputs"], "a build with a read-only cache differs from a cold build"
    finally:
        _writable(folder)
        shutil.rmtree(folder)


def test_a_full_cache_is_only_read(cold, tmp_path):
    """The cache on a file system with no room left (a small tmpfs, filled): entries of every kind are
    missing and must be made again; nothing can be kept, which one line says; the bytes are a cold build's."""
    staged = str(tmp_path / "staged")
    shutil.copytree(cold["cache"], staged, symlinks=True)
    for kind, path in entries_to_damage(staged).items():
        os.unlink(path)
        if kind in ("font entry", "photo entry"):  # and what they name
            os.unlink(path[:-len(".json")] + (".ttf" if kind == "font entry" else ".jpg"))
    mount = tmp_path / "full"
    mount.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    size_kb = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(staged) for f in fs) // 1024 + 256
    # The tmpfs is unmounted after the command whatever it did (with its mounts left shared, below, the
    # namespace alone would not take it away).
    script = (f'm="$1"; mount -t tmpfs -o size={size_kb}k tmpfs "$m" && cp -a "$2"/. "$m"/ && '
              f'(dd if=/dev/zero of="$m/filler" bs=4k 2>/dev/null; true) && shift 2 && "$@"; '
              f's=$?; umount "$m" 2>/dev/null; exit $s')
    args = [sys.executable, MAKE_PDF, os.path.join(cold["desk"], "page.yaml"), "-o", str(out / "page.pdf"), "-q",
            "--fonts", os.path.join(cold["desk"], "catalog.yaml")]
    # A mount namespace of its own (root's; else a user namespace's root): the tmpfs goes with the command.
    unshare = ["unshare", "-m"] if os.geteuid() == 0 else ["unshare", "-rm"]
    run = lambda *opts: subprocess.run([*unshare, *opts, "sh", "-c", script, "sh", str(mount), staged, *args],  # noqa: E731
                                       cwd=cold["desk"], env=cli_env(str(mount)), capture_output=True, text=True,
                                       timeout=300)
    r = run()
    if "cannot change root filesystem propagation" in r.stderr:  # in a chroot, / is no mount point
        r = run("--propagation", "unchanged")
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and "cannot be written (No space left on device)" in lines[0], r.stderr
    assert outputs(str(out)) == cold["outputs"], "a build with a full cache differs from a cold build"
