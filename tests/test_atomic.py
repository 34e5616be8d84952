"""layout.base.atomic: files replaced whole or not at all."""

from __future__ import annotations

import os

import pytest

from layout.base import atomic
from layout.base.atomic import atomic_write, atomic_write_all


def test_atomic_write_replaces_whole_file(tmp_path):
    path = str(tmp_path / "out.pdf")
    atomic_write(path, b"first")
    atomic_write(path, b"second version")
    assert open(path, "rb").read() == b"second version"
    assert os.listdir(tmp_path) == ["out.pdf"]


def test_atomic_write_failure_leaves_no_partial_file(tmp_path, monkeypatch):
    path = str(tmp_path / "out.pdf")
    atomic_write(path, b"old complete file")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        atomic_write(path, b"new" * 1000)
    assert open(path, "rb").read() == b"old complete file"
    assert os.listdir(tmp_path) == ["out.pdf"]  # the temp file is gone too
    with pytest.raises(OSError):
        atomic_write(str(tmp_path / "fresh.pdf"), b"x")
    assert not os.path.exists(tmp_path / "fresh.pdf")


def test_atomic_write_all_replaces_every_file_or_none(tmp_path, monkeypatch):
    a, b = str(tmp_path / "a.pdf"), str(tmp_path / "b.json")
    atomic_write_all({a: b"old a", b: b"old b"})
    real_replace = os.replace
    calls = []

    def replace_then_fail(src, dst):  # a failure while writing the second file must not touch the first
        calls.append(dst)
        return real_replace(src, dst)

    def broken_fsync(fd):
        if len(calls) == 0 and broken_fsync.seen:
            raise OSError(5, "Input/output error")
        broken_fsync.seen = True

    broken_fsync.seen = False
    monkeypatch.setattr(atomic.os, "replace", replace_then_fail)
    monkeypatch.setattr(atomic.os, "fsync", broken_fsync)
    with pytest.raises(OSError) as info:
        atomic_write_all({a: b"new a", b: b"new b"})
    assert info.value.filename == b  # the desk's file is named, not the temporary
    assert calls == []  # nothing was renamed into place
    assert open(a, "rb").read() == b"old a" and open(b, "rb").read() == b"old b"
    assert sorted(os.listdir(tmp_path)) == ["a.pdf", "b.json"]


def test_cache_writes_skip_the_disk_flush(tmp_path, monkeypatch):
    monkeypatch.setattr(atomic.os, "fsync", lambda fd: pytest.fail("a cache entry was flushed to disk"))
    atomic_write(str(tmp_path / "entry.ttf"), b"x", sync=False)
    assert (tmp_path / "entry.ttf").read_bytes() == b"x"
    assert oct((tmp_path / "entry.ttf").stat().st_mode & 0o777) == "0o644"
