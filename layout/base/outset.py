"""A page's output set (press PDF, archive copy, ALTO, report, manifest, proof, jump files) replaced
whole or not at all, whatever stops the process (a signal, a kill, a full disk): generation folders
switched by one rename, as package managers and Git's refs do.

    out/article.pdf          -> .zhpaper-article/current/article.pdf
    out/article.report.json  -> .zhpaper-article/current/article.report.json
    out/.zhpaper-article/current -> gen-<sha256 of the set>
    out/.zhpaper-article/gen-<…>/article.pdf, article.report.json, …

The files the desk names stay where they were, as symbolic links through one link, `current`, to the
generation folder of the last complete set. A build writes its whole set into a temporary folder
beside it, flushes it to disk, renames it to `gen-<hash>` and then replaces `current` with one
`os.replace`: every file switches at that moment. A link a new set adds is made before the switch
(pointing through `current`, it shows nothing until then); a file the new set no longer has (a proof
not asked for again, a story no longer cut) vanishes at the switch, and its dangling link is removed
after it, as are the older generations. A regular file found at an output path (written by an older
version) is first adopted into a generation of its own, unchanged, so even that first switch is whole.

Temporary files and folders are named `.zhpaper-tmp-<pid>-<start>-…` (the process id and its start
time in clock ticks since boot): a later run removes those whose process is gone (`sweep`). The switch
and the clean-up after it run with SIGINT, SIGTERM and SIGHUP held (`held_signals`): such a signal is
acted on once the set is in place, so it never leaves temporary files behind; only SIGKILL can, and
the next run's sweep removes them.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import secrets
import shutil
import signal
import threading
from collections.abc import Mapping

TMP = ".zhpaper-tmp-"
HOME = ".zhpaper-"  # + the press PDF's stem: the set's own folder beside it
CURRENT = "current"
LINKS = ".links.json"  # in a generation: the output paths that name its files
HELD = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_committed = [0]  # sets switched by this process (the command line tells the desk whether it wrote)


def committed() -> int:
    return _committed[0]


def count_committed(n: int) -> None:
    """Sets another process switched for this one (a batch's workers): what this process says when stopped
    counts them as its own."""
    _committed[0] += n


# ---------------------------------------------------------------- temporary names and leftovers

def _start_ticks(pid: int) -> int | None:
    """The process's start time in clock ticks since boot (/proc), None when there is no such process;
    0 where /proc is not there and the process lives."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return int(stat[stat.rindex(b")") + 2:].split()[19])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return 0


_me: list[str] = []


def tmp_prefix() -> str:
    """`.zhpaper-tmp-<pid>-<start>-`: this process's temporary names begin so."""
    pid = os.getpid()
    if not _me or not _me[0].startswith(f"{TMP}{pid}-"):  # (a forked child has its own)
        _me[:] = [f"{TMP}{pid}-{_start_ticks(pid) or 0}-"]
    return _me[0]


def tmp_name(what: str = "") -> str:
    return tmp_prefix() + secrets.token_hex(4) + (f".{what}" if what else "")


def is_leftover(name: str) -> bool:
    """A temporary name of a process that is gone (or whose pid now belongs to another process)."""
    if not name.startswith(TMP):
        return False
    try:
        pid_s, start_s, _ = name[len(TMP):].split("-", 2)
        pid, start = int(pid_s), int(start_s)
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    now = _start_ticks(pid)
    return now is None or (start != 0 and now != 0 and now != start)


def _remove(path: str) -> None:
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def sweep(folder: str) -> list[str]:
    """Remove the temporary files and folders in `folder` left by processes that are gone; their names."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    gone = [n for n in names if is_leftover(n)]
    for name in gone:
        _remove(os.path.join(folder, name))
    return gone


# ---------------------------------------------------------------- signals

@contextlib.contextmanager
def held_signals():
    """SIGINT, SIGTERM and SIGHUP wait until the block is done, then act as they would have (in the main
    thread; elsewhere the block runs as it is)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    old = {}
    for sig in HELD:
        try:
            old[sig] = signal.signal(sig, lambda signum, frame: got.append(signum))
        except (ValueError, OSError):
            pass
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        for sig in dict.fromkeys(got):
            signal.raise_signal(sig)


def settle() -> None:
    """The command's outcome is settled (its work done and reported): SIGINT, SIGTERM and SIGHUP are ignored
    for the rest of the process, so one landing now — or during the interpreter's shutdown, which puts the
    default action back for signals a Python function handled — neither says "nothing was written" of a
    finished run nor ends it as killed by the signal: the exit status is the run's own. Ignored, not
    blocked: a mask is per thread, and a pool's threads still running would take the signal."""
    if threading.current_thread() is threading.main_thread():
        for sig in HELD:
            signal.signal(sig, signal.SIG_IGN)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a service stop, a logout), raised where the main thread is, as Ctrl-C's
    KeyboardInterrupt is: every `except KeyboardInterrupt` and `finally` on the way runs, so the build is
    abandoned and its temporary files removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP raise `Stopped` in the main thread from now on (processes forked later inherit
    it; the press process and the watch worker ignore them and are ended by their parent)."""
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum, frame):
        raise Stopped(signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, stop)


def signum_of(exc: BaseException) -> int:
    return exc.signum if isinstance(exc, Stopped) else signal.SIGINT


def stopped_line(exc: BaseException) -> str:
    """The one line a stopped command prints: what stopped it, and whether its outputs were written."""
    sig = signum_of(exc)
    what = "interrupted" if sig == signal.SIGINT else f"stopped by {signal.Signals(sig).name}"
    if committed():
        return f"error: {what} after the outputs were written"
    return f"error: {what}; nothing was written" + ("" if sig == signal.SIGINT else " (the last outputs are as they were)")


# ---------------------------------------------------------------- the set

def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def home_of(key: str) -> str:
    """The set's folder for the press PDF `key` (out/article.pdf → out/.zhpaper-article)."""
    key = os.path.abspath(key)
    stem = os.path.basename(key)
    stem = stem[:-4] if stem.lower().endswith(".pdf") else stem
    return os.path.join(os.path.dirname(key), HOME + stem)


def _member(home: str, path: str) -> str:
    """The name of output `path` inside a generation: its path from the set's folder, '/' escaped."""
    rel = os.path.relpath(os.path.abspath(path), os.path.dirname(home))
    return rel.replace("%", "%25").replace(os.sep, "%2F")


def _link_target(home: str, path: str, member: str) -> str:
    return os.path.relpath(os.path.join(home, CURRENT, member), os.path.dirname(os.path.abspath(path)))


def _current_gen(home: str) -> str | None:
    try:
        target = os.readlink(os.path.join(home, CURRENT))
    except OSError:
        return None
    return target if os.path.isdir(os.path.join(home, target)) else None


def _write_file(path: str, data: bytes, sync: bool) -> None:
    _write_files({path: data}, sync)


def _write_files(files: Mapping[str, bytes], sync: bool) -> None:
    """Write each file (new, exclusively); with `sync`, flush them all to disk before returning: all
    written first, then flushed, so that the first flush's journal commit carries the others' data
    and theirs have less to wait for. (Flushing them from threads side by side was faster still, but
    a stop signal then lands in the thread pool's locks: a process that no longer exits.)"""
    fds: list[tuple[int, str]] = []
    try:
        for path, data in files.items():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                fds.append((fd, path))
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            except OSError as e:
                raise OSError(e.errno, e.strerror, path) from None
        if sync:
            for fd_path in fds:
                _fsync(fd_path)
    finally:
        for fd, _ in fds:
            os.close(fd)


def _fsync(fd_path: tuple[int, str]) -> None:
    try:
        os.fsync(fd_path[0])
    except OSError as e:
        raise OSError(e.errno, e.strerror, fd_path[1]) from None


class Staged:
    """A set written to its temporary folder and not yet switched in: `commit()` or `abort()`."""

    def __init__(self, key: str, files: Mapping[str, bytes], sync: bool = True):
        self.home = home_of(key)
        self.paths = {os.path.abspath(p): p for p in files}
        self.members = {p: _member(self.home, p) for p in self.paths}
        digest = hashlib.sha256()
        for p in sorted(self.members):
            digest.update(self.members[p].encode() + b"\0" + hashlib.sha256(files[self.paths[p]]).digest())
        self.gen = "gen-" + digest.hexdigest()[:20]
        self.tmp: str | None = None
        self.sync = sync
        key_path = os.path.abspath(key)
        failed = key_path  # an error names the output the desk asked for, never our folders
        try:
            for p in sorted(self.paths):
                failed = self.paths[p]
                os.makedirs(os.path.dirname(p), exist_ok=True)
            failed = key
            os.makedirs(self.home, exist_ok=True)
            sweep(self.home)
            if _current_gen(self.home) == self.gen and all(self._is_link(p) for p in self.paths):
                return  # the very set is in place already
            self.tmp = os.path.join(self.home, tmp_name("set"))
            os.mkdir(self.tmp)
            desk = {os.path.join(self.tmp, member): self.paths[p] for p, member in self.members.items()}
            staged = {f: files[d] for f, d in desk.items()}
            staged[os.path.join(self.tmp, LINKS)] = json.dumps(sorted(self.paths)).encode()
            try:
                _write_files(staged, sync)
            except OSError as e:
                failed = desk.get(e.filename, key)  # the output the desk asked for whose file failed
                raise
            if sync:
                _fsync_dir(self.tmp)
        except BaseException as exc:
            self.abort()
            if isinstance(exc, OSError):  # name the file the desk asked for, not our temporary
                raise OSError(exc.errno, exc.strerror, failed) from None
            raise

    def _is_link(self, path: str) -> bool:
        try:
            return os.readlink(path) == _link_target(self.home, path, self.members[path])
        except OSError:
            return False

    def abort(self) -> None:
        if self.tmp is not None:
            _remove(self.tmp)
            self.tmp = None

    def commit(self) -> None:
        """Switch the set in with one rename, then tidy up: dangling links, older generations, leftovers."""
        if self.tmp is None:
            return
        try:
            with held_signals():
                self._commit()
        finally:
            self.abort()

    def _commit(self) -> None:
        home = self.home
        self._adopt()
        old = _current_gen(home)
        dest = os.path.join(home, self.gen)
        if old != self.gen:
            if os.path.exists(dest):  # an earlier run's, stopped before its switch: never shown
                _remove(dest)
            os.rename(self.tmp, dest)
            self.tmp = None
        else:
            _remove(self.tmp)
            self.tmp = None
        for p in self.paths:  # new names first: through `current` they show nothing until the switch
            if not self._is_link(p):
                self._link(p)
        if self.sync:
            _fsync_dir(home)
        self._switch(self.gen)
        _committed[0] += 1
        self._tidy(old)

    def _link(self, path: str) -> None:
        tmp = os.path.join(os.path.dirname(path), tmp_name("link"))
        os.symlink(_link_target(self.home, path, self.members[path]), tmp)
        try:
            os.replace(tmp, path)
        except BaseException:
            _remove(tmp)
            raise

    def _switch(self, gen: str) -> None:
        tmp = os.path.join(self.home, tmp_name("current"))
        os.symlink(gen, tmp)
        try:
            os.replace(tmp, os.path.join(self.home, CURRENT))
        except BaseException:
            _remove(tmp)
            raise
        if self.sync:
            _fsync_dir(self.home)

    def _adopt(self) -> None:
        """Regular files at the set's paths (an older version's outputs, or a file put there): first a
        generation of their own beside the current one's files, switched in, then each made a link to its
        own bytes. Readers see the same bytes throughout; only then is the new set switched in."""
        plain = [p for p in self.paths if os.path.isfile(p) and not os.path.islink(p)]
        if not plain:
            return
        old = _current_gen(self.home)
        tmp = os.path.join(self.home, tmp_name("adopt"))
        os.mkdir(tmp)
        try:
            listed = []
            if old is not None:
                for name in os.listdir(os.path.join(self.home, old)):
                    src = os.path.join(self.home, old, name)
                    if name == LINKS:
                        with open(src, encoding="utf-8") as fh:
                            listed = json.load(fh)
                    else:
                        shutil.copyfile(src, os.path.join(tmp, name))
            for p in plain:
                shutil.copyfile(p, os.path.join(tmp, self.members[p]))
            _write_file(os.path.join(tmp, LINKS), json.dumps(sorted(set(listed) | set(plain))).encode(), self.sync)
            gen = "gen-adopted-" + secrets.token_hex(6)
            os.rename(tmp, os.path.join(self.home, gen))
        except BaseException:
            _remove(tmp)
            raise
        self._switch(gen)
        for p in plain:
            self._link(p)

    def _tidy(self, old: str | None) -> None:
        home = self.home
        keep = set(self.paths)
        for gen in os.listdir(home):
            if not gen.startswith("gen-") or gen == self.gen:
                continue
            try:
                with open(os.path.join(home, gen, LINKS), encoding="utf-8") as fh:
                    listed = json.load(fh)
            except (OSError, ValueError):
                listed = []
            for p in listed:  # a file the new set does not have: its link now shows nothing; remove it
                if p not in keep and isinstance(p, str):
                    try:
                        target = os.readlink(p)
                    except OSError:
                        continue
                    if target == _link_target(home, p, _member(home, p)):
                        _remove(p)
            _remove(os.path.join(home, gen))
        for folder in {os.path.dirname(p) for p in self.paths}:
            sweep(folder)


def stage_set(key: str, files: Mapping[str, bytes], sync: bool = True) -> Staged:
    """Write the set `files` (path → bytes) of the output whose press PDF is `key` into its temporary
    folder; nothing the desk sees changes until `commit()`. OSError names the output path that failed."""
    return Staged(key, files, sync)


def replace_set(key: str, files: Mapping[str, bytes], sync: bool = True) -> None:
    """Replace the set of `key` by `files`, whole or not at all."""
    staged = stage_set(key, files, sync)
    try:
        staged.commit()
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, key) from None


def is_space(exc: OSError) -> bool:
    return exc.errno in (errno.ENOSPC, errno.EDQUOT)
