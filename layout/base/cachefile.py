"""Verified cache entries: the one format every cache of the project writes, and checks when it reads.

An entry is one file: a header — the format's magic, the sha256 of the entry's key, the sha256 of
its content and the content's length — then the content. Reading checks all of them; anything else
found at an entry's place (a flipped byte, text, NULs, an empty or cut file, a folder, a FIFO or a
socket, a file that cannot be read) is a bad entry: one warning line on stderr (once per entry and
process), the entry is dropped and the caller makes the result again, exactly as a cold build does.
The caller's `parse` also vouches for the content (a value of the wrong shape is a bad entry too),
so nothing found in a cache can end a build with a traceback.

A file kept beside an entry for another program to read by its path (a font program reportlab
opens, a JPEG the PDF embeds) is named in its entry's content with its sha256 and size, and is
checked the same way when the entry is used (`Store.check_file`).

Writing goes through `layout.base.atomic` (a reader sees the old entry or the whole new one). A cache
that cannot be written (read-only, full, not a folder) costs one warning per process and is then only
read; a file that must exist on disk goes to a private temporary folder instead (`Store.put_file`).

Every cache lives under `<cache root>/<LAYOUT>/<kind>`: a new LAYOUT when the format changes, so
entries of an older format (which were not verified) are never read. Plain classes here, no
dataclasses: `layout.base.codecache` reads its entry through this module while dataclasses are made.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys

LAYOUT = "v2"  # the folder under the cache root; a new name when the entry format changes
MAGIC = b"zhpaper-cache/2\n"
_DIGEST = 32  # sha256
_LENGTH = 8
HEADER = len(MAGIC) + 2 * _DIGEST + _LENGTH

_warned: set[tuple[str, str]] = set()  # (what, path) warned about in this process: a bad entry that cannot
# be dropped (a read-only cache) is found again by every read, and said once
_unwritable: set[str] = set()  # cache layout folders that refused a write in this process
_scratch: list[str] = []  # this process's private temporary folder, once made


def warn(what: str, path: str, line: str) -> None:
    """One line on stderr, once per (what, path) in this process."""
    if (what, path) in _warned:
        return
    _warned.add((what, path))
    try:
        sys.stderr.write(f"warning: {line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # no stderr to tell: the build goes on all the same


def key_digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


def pack(key: str, content: bytes) -> bytes:
    """An entry's bytes: the header, then `content`."""
    return (MAGIC + key_digest(key) + hashlib.sha256(content).digest() + len(content).to_bytes(_LENGTH, "big")
            + content)


def unpack(data: bytes, key: str) -> tuple[bytes | None, str]:
    """(content, "") of a good entry for `key`; (None, why) of anything else."""
    if not data:
        return None, "empty"
    if not data.startswith(MAGIC[:len(data)]):  # (a file shorter than the magic: its beginning)
        return None, "not a cache entry"
    if len(data) < HEADER:
        return None, f"cut short ({len(data)} bytes, less than its header)"
    at = len(MAGIC)
    if data[at:at + _DIGEST] != key_digest(key):
        return None, "made for another key"
    at += _DIGEST
    want = data[at:at + _DIGEST]
    at += _DIGEST
    length = int.from_bytes(data[at:at + _LENGTH], "big")
    content = data[HEADER:]
    if len(content) != length:
        return None, f"{'cut short' if len(content) < length else 'longer than written'} ({len(content)} of {length} bytes)"
    if hashlib.sha256(content).digest() != want:
        return None, "content does not match its sha256"
    return content, ""


class BadFile(Exception):
    """What is at a cache file's place cannot be used (not a regular file, or unreadable)."""


def read_file(path: str) -> bytes | None:
    """The bytes of the regular file at `path`; None when there is nothing there (nor is there a folder
    on the way to it); BadFile for anything else. A FIFO is not waited on, nor a device read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise BadFile(exc.strerror or str(exc)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise BadFile("a folder, not a file" if stat.S_ISDIR(st.st_mode) else "not a regular file")
        parts = []
        while True:
            chunk = os.read(fd, max(st.st_size, 1 << 16))
            if not chunk:
                break
            parts.append(chunk)
        return b"".join(parts)
    except OSError as exc:
        raise BadFile(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)


def remove(path: str) -> None:
    """Remove what is at `path` (a file, a link, a folder with what it holds); quietly keep it when it
    cannot be removed (a read-only cache: the entry is made again, and warned about, next time)."""
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            import shutil

            shutil.rmtree(path)
        else:
            os.unlink(path)
    except OSError:
        pass


def scratch() -> str:
    """This process's private temporary folder for files that must be on disk when the cache cannot
    hold them; removed when the process ends."""
    if not _scratch:
        import atexit
        import shutil
        import tempfile

        folder = tempfile.mkdtemp(prefix="zhpaper-cache-")
        _scratch.append(folder)
        atexit.register(shutil.rmtree, folder, True)
    return _scratch[0]


def known_unwritable(root: str) -> bool:
    """Whether a write into the cache at `root` has already failed in this process."""
    return os.path.join(root, LAYOUT) in _unwritable


_swept: set[str] = set()


class Store:
    """The entries of one kind (fonts, images, facts, …) in the cache at `root`."""

    def __init__(self, root: str, kind: str):
        self.root = root
        self.base = os.path.join(root, LAYOUT)
        self.folder = os.path.join(self.base, kind)

    def path(self, name: str) -> str:
        return os.path.join(self.folder, name)

    def drop(self, name: str, why: str) -> None:
        """Warn about the bad entry `name` (once) and remove it."""
        path = self.path(name)
        warn(f"bad: {why}", path, f"cache entry {path} is damaged ({why}); dropped, made again")
        remove(path)

    def get(self, name: str, key: str, parse=None):
        """The content of entry `name` made for `key`, as `parse(content)` gives it (the bytes without
        `parse`), or None: nothing there (quietly) or a bad entry (warned and dropped). `parse` raising
        or returning None makes the entry bad."""
        try:
            data = read_file(self.path(name))
        except BadFile as exc:
            self.drop(name, str(exc))
            return None
        if data is None:
            return None
        content, why = unpack(data, key)
        if content is None:
            self.drop(name, why)
            return None
        if parse is None:
            return content
        try:
            value = parse(content)
        except Exception as exc:  # noqa: BLE001 — whatever the content makes the parser raise
            value, why = None, f"content unusable: {type(exc).__name__}"
        else:
            why = "content unusable"
        if value is None:
            self.drop(name, why)
        return value

    def check_file(self, name: str, sha256: str, size: int) -> bool:
        """Whether the file `name` kept beside an entry holds the bytes the entry names (its sha256 and
        size); if not it is warned about and dropped."""
        try:
            data = read_file(self.path(name))
        except BadFile as exc:
            self.drop(name, str(exc))
            return False
        if data is None:
            return False
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
            self.drop(name, f"{len(data)} bytes, not the {size} bytes its entry names" if len(data) != size
                      else "content does not match the sha256 its entry names")
            return False
        return True

    def ready(self) -> bool:
        """Make the kind's folder before results are made for it; False (warned once) when the cache
        cannot be written."""
        if self.base in _unwritable:
            return False
        try:
            self._make_folder()
            return True
        except OSError as exc:
            self._refused(exc)
            return False

    def put(self, name: str, key: str, content: bytes) -> bool:
        """Keep `content` as entry `name` for `key`; False when the cache cannot be written (warned once)."""
        return self._write(name, pack(key, content))

    def put_file(self, name: str, data: bytes) -> str:
        """Write `data` as the plain file `name` beside the entries (for a program that reads it by its
        path) and return where it is: in the cache, or, when the cache cannot be written, in this
        process's temporary folder."""
        if self._write(name, data):
            return self.path(name)
        from layout.base.atomic import atomic_write
        from layout.base.errors import InputError

        path = os.path.join(scratch(), name)
        try:
            atomic_write(path, data, sync=False)
        except OSError as exc:
            raise InputError(f"cannot write a prepared file in the cache or in the temporary folder "
                             f"({exc.strerror or exc})", self.folder,
                             "make room on the disk, or give a writable cache folder (--cache or ZHPAPER_CACHE)") from None
        return path

    def _write(self, name: str, data: bytes) -> bool:
        if self.base in _unwritable:
            return False
        from layout.base.atomic import atomic_write

        path = self.path(name)
        for attempt in (1, 2):
            try:
                self._make_folder()
                atomic_write(path, data, sync=False)  # a cache entry: a crash costs only a rebuild
                if self.folder not in _swept:  # once per folder and process: temporaries of killed writers
                    from layout.base.outset import sweep

                    _swept.add(self.folder)
                    sweep(self.folder)
                return True
            except OSError as exc:
                if attempt == 1 and exc.errno == errno.EISDIR and os.path.isdir(path):
                    self.drop(name, "a folder, not a file")  # a folder where the entry goes: dropped, written
                    continue
                self._refused(exc)
                return False
        return False

    def _make_folder(self) -> None:
        """The kind's folder, made if missing; a file standing where one of the cache's own folders goes
        is dropped (one warning)."""
        if os.path.isdir(self.folder):
            return
        for folder in (self.base, self.folder):
            if os.path.lexists(folder) and not os.path.isdir(folder):
                warn("bad", folder, f"cache folder {folder} is a file; dropped, made again")
                remove(folder)
        os.makedirs(self.folder, exist_ok=True)

    def _refused(self, exc: OSError) -> None:
        _unwritable.add(self.base)
        why = exc.strerror or str(exc)
        if exc.errno in (errno.ENOTDIR, errno.EEXIST):
            why = "a file stands where its folder goes"
        warn("unwritable", self.base, f"cache folder {self.root} cannot be written ({why}); it is only read, "
             "and what is made now is not kept")
