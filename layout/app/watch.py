"""Watch mode: rebuild the page and its proof whenever a file the build read changes.

    python make_pdf.py article.yaml --watch [--proof out/article.png]

The files followed are those the last build read (the article, its story files, the photos, the
template, the font catalogs, the output profile). Changes come from the kernel (inotify, through
watchdog), not from polling: a save is seen at once. Editors write a file in several steps
(truncate, write, close; or write a temporary file and rename it over the old one), so a change is
built only once the file is complete — SETTLE_S after it is closed or renamed into place, QUIET_S
after the last write when no close is seen — and a burst of changes makes one build. A change whose
files turn out to have the same size and time as before (an editor that only opened and closed a
file) builds nothing.

Builds run in this process, which stays warm and keeps what a build made for the next one
(`layout.app.session.Session`): after an edit to one paragraph, that paragraph is set again, the
arrangement searched again only if its line count changed, and the page painted again from kept
font programs and photo proxies. The archive copy is finished meanwhile in a worker process, and the
whole set (press PDF, archive copy, ALTO, report, manifest, proof) is switched in at once when every file
is made (layout.base.outset): a reader never sees a press PDF of one build beside a manifest of another.
The files are the same bytes a one-shot build writes. The files are followed from before the first
build, so a save made during it (or during its warm-up) is built next: the last save always wins.

After each build it prints the preflight summary; a bad input prints the one-line error and the
loop goes on, so the desk can fix the YAML and save again. Ctrl-C, SIGTERM and SIGHUP stop it with
exit 0: a build under way is abandoned (its set not switched in, its temporary files removed), or, when
the signal comes during the switch, finished first.

`watch()` takes the paths, the build and the change feed as functions and objects, so the tests
drive it with scripted changes and never wait; `Debounce` is the timing rule, a pure function of
the times it is given. Without watchdog (a venv made before it was required) the loop polls every
POLL_S instead (`poll()`), and says so.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable, Iterable

from layout.base.errors import InputError

POLL_S = 0.3  # the polling loop's interval (without watchdog only)
SETTLE_S = 0.005  # after a followed file is closed or renamed into place: other files of the same save
QUIET_S = 0.15  # after a write with no close seen yet: the writer may not be done

Stamp = tuple[int, int] | None  # (mtime_ns, size), None when the file is missing


def stamp(path: str) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return None  # missing for now (editors often replace a file by rename): a change when it comes back
    # Size as well as mtime: two saves within the file system's timestamp granularity still differ in size
    # more often than not.
    return (st.st_mtime_ns, st.st_size)


def snapshot(paths: Iterable[str], stat: Callable[[str], Stamp] = stamp) -> dict[str, Stamp]:
    return {p: stat(p) for p in sorted(set(paths))}


def norm(path: str) -> str:
    return os.path.normpath(os.path.abspath(path))


class Debounce:
    """When a burst of file events is complete. `note(path, complete, now)` for each event on a
    followed file (`complete`: it was closed after writing, or renamed into place); `due()` is when
    the burst may be built, `take(now)` hands over its paths once that time has come."""

    def __init__(self, settle: float = SETTLE_S, quiet: float = QUIET_S):
        self.settle = settle
        self.quiet = quiet
        self.pending: set[str] = set()
        self.open: set[str] = set()  # written and not yet closed
        self._due: float | None = None

    def note(self, path: str, complete: bool, now: float) -> None:
        self.pending.add(path)
        if complete:
            self.open.discard(path)
        else:
            self.open.add(path)
        wait = self.quiet if self.open else self.settle
        self._due = now + wait

    def due(self) -> float | None:
        return self._due if self.pending else None

    def take(self, now: float) -> set[str] | None:
        if not self.pending or self._due is None or now < self._due:
            return None
        out, self.pending, self.open, self._due = self.pending, set(), set(), None
        return out


class Changes:
    """File events from the kernel (watchdog's inotify observer) for the followed files, debounced.

    `follow(paths)` sets the files (their folders are watched, so a file replaced by rename, or
    missing for a moment, is still seen); `wait()` blocks until a burst is complete and returns
    its paths, or None once closed."""

    def __init__(self, settle: float = SETTLE_S, quiet: float = QUIET_S, clock: Callable[[], float] = time.monotonic):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self._clock = clock
        self._debounce = Debounce(settle, quiet)
        self._cond = threading.Condition()
        self._followed: frozenset[str] = frozenset()
        self._folders: dict[str, object] = {}
        self._closed = False
        changes = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event):
                changes._event(event)

        self._handler = Handler()
        self._observer = Observer()
        self._observer.daemon = True
        self._observer.start()

    def _event(self, event) -> None:
        kind = event.event_type
        if getattr(event, "is_directory", False) or kind in ("opened", "closed_no_write"):
            return
        paths = [(os.fsdecode(event.src_path), kind in ("closed",))]
        if kind == "moved":
            paths = [(os.fsdecode(event.src_path), False), (os.fsdecode(event.dest_path), True)]
        with self._cond:
            hit = False
            for path, complete in paths:
                path = norm(path)
                if path in self._followed:
                    self._debounce.note(path, complete, self._clock())
                    hit = True
            if hit:
                self._cond.notify_all()

    def follow(self, paths: Iterable[str]) -> None:
        wanted = frozenset(norm(p) for p in paths)
        folders = {os.path.dirname(p) for p in wanted}
        with self._cond:
            self._followed = wanted
        for folder in set(self._folders) - folders:
            self._observer.unschedule(self._folders.pop(folder))
        for folder in sorted(folders - set(self._folders)):
            if os.path.isdir(folder):
                self._folders[folder] = self._observer.schedule(self._handler, folder, recursive=False)

    def wait(self) -> set[str] | None:
        with self._cond:
            while not self._closed:
                now = self._clock()
                got = self._debounce.take(now)
                if got is not None:
                    return got
                due = self._debounce.due()
                # A bounded wait: Ctrl-C is seen at once, and a folder that was missing is looked for again.
                self._cond.wait(0.5 if due is None else min(0.5, max(0.0, due - now)))
            return None

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._observer.stop()
        try:
            self._observer.join(timeout=5)
        except RuntimeError:
            pass


def watch(paths_fn: Callable[[], Iterable[str]], build_fn: Callable[[], None], changes,
          stat: Callable[[str], Stamp] = stamp) -> int:
    """Build once, then build again after each burst of changes `changes.wait()` reports, as long as
    it changed a followed file's stamp. `paths_fn` is asked again after every build (an edit may add a
    photo or switch the template) and `changes.follow` told. `build_fn` reports its own result and must
    not raise for bad input (see `guarded`). Ends when `changes.wait()` returns None; returns the
    number of builds."""
    seen = snapshot(paths_fn(), stat)
    changes.follow(list(seen))  # before the first build: a save made during it, or its warm-up, is seen
    build_fn()
    builds = 1
    known = list(paths_fn())
    seen.update({p: stat(p) for p in known if p not in seen})
    changes.follow(known)
    while True:
        batch = changes.wait()
        if batch is None:
            return builds
        now = snapshot(known, stat)
        if now == {p: seen.get(p) for p in now}:
            continue  # opened and closed, or touched back: nothing to build
        # Stamps taken before the build: a save made during it is another change, built next.
        seen = now
        build_fn()
        builds += 1
        known = list(paths_fn())
        seen.update({p: stat(p) for p in known if p not in seen})
        changes.follow(known)


def poll(paths_fn: Callable[[], Iterable[str]], build_fn: Callable[[], None], sleep: Callable[[float], None],
         stop_after: int | None = None, interval: float = POLL_S,
         stat: Callable[[str], Stamp] = stamp) -> int:
    """Without watchdog: build once, then poll the stamps of `paths_fn()` every `interval` and build
    again whenever one changes. `stop_after` ends the loop after that many polls (tests); None polls
    forever. Returns the number of builds."""
    build_fn()
    builds = 1
    seen = snapshot(paths_fn(), stat)
    polls = 0
    while stop_after is None or polls < stop_after:
        sleep(interval)
        polls += 1
        now = snapshot(seen, stat)
        if now != seen:
            build_fn()
            builds += 1
            seen = snapshot(paths_fn(), stat)
    return builds


def guarded(build: Callable[[], str], out: Callable[[str], None]) -> Callable[[], None]:
    """`build` returns the text to show; bad input shows its one-line error instead of stopping the watch."""

    def run() -> None:
        try:
            out(build())
        except InputError as e:
            out(f"error: {e.line()}")

    return run


def signal_name(signum: int) -> str:
    import signal

    return signal.Signals(signum).name


def run_watch(article_path: str, opts, quiet: bool = False, changes=None, session=None) -> int:
    """The CLI entry for --watch. Exit 0 on Ctrl-C. `changes`: the change feed (default the kernel's,
    `Changes`); `session`: what builds keep (default a new `Session`)."""
    from layout.app.session import Session
    from layout.pipeline import build

    mine = session is None
    session = session if session is not None else Session()
    known: list[str] = [article_path]  # the files the last successful build read (BuildResult.inputs)

    def out(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def one() -> str:
        t0 = time.perf_counter()
        result = build(article_path, opts, session=session)
        known[:] = sorted({article_path, *result.inputs})
        head = f"[{time.strftime('%H:%M:%S')}] built {opts.out_pdf} in {time.perf_counter() - t0:.2f} s"
        return head if quiet else f"{head}\n{result.report.summary()}"

    def paths() -> list[str]:
        return known

    shown = guarded(one, out)
    warmed = []

    def build_then_warm() -> None:
        shown()
        if not warmed:  # the idle time after the first build: a head start for the first photo edit
            warmed.append(True)
            session.warm_up(opts)

    own = None
    if changes is None:
        try:
            changes = own = Changes()
        except ImportError:
            out("watchdog is not installed (make setup installs it): polling every 0.3 s instead")
    from layout.base.outset import Stopped, stop_on_signals

    stop_on_signals()  # SIGTERM and SIGHUP end the watch as Ctrl-C does: the build abandoned, exit 0
    out(f"watching {article_path} (Ctrl-C to stop)")
    try:
        if changes is None:
            poll(paths, build_then_warm, time.sleep)
        else:
            watch(paths, build_then_warm, changes)
    except KeyboardInterrupt as e:
        try:
            out("stopped watching" + (f" ({signal_name(e.signum)})" if isinstance(e, Stopped) else ""))
        except OSError:
            pass  # the terminal is gone (SIGHUP)
    finally:
        if own is not None:
            own.close()
        if mine:
            session.close()
    return 0
