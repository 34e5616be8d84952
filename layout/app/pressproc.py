"""The press process: the back half of one build (layout.output.press) in a process forked at start-up.

Half of a warm rebuild's CPU time is importing reportlab, Pillow, pikepdf and lxml. Forked before
the main process imports the front half, the press process does those imports on the second
core while the main process reads the page and composes it; it is sent the faces as soon as
they are known (and registers them), then the composed page, and answers with the finished
files. The files are the same bytes either way: only where the work runs changes.

    press = PressProcess.start()      # None when fork is unavailable or turned off
    try:
        build(path, opts, press)
    finally:
        if press is not None:
            press.close()

Messages are pickles on two pipes. An exception in the press process comes back and is raised in
the main process (layout.base.fork.portable). ZHPAPER_ONE_PROCESS=1 turns the press process off.
"""

from __future__ import annotations

import os
import pickle
import signal
from collections.abc import Mapping

from layout.base.fork import portable, serving


class PressProcess:
    """A forked process that runs layout.output.press.make_files for one job."""

    def __init__(self, pid: int, to_child: int, from_child: int):
        self.pid = pid
        self._out = os.fdopen(to_child, "wb")
        self._in = os.fdopen(from_child, "rb")
        self._answered = False

    @classmethod
    def start(cls) -> "PressProcess | None":
        """Fork the press process, or None where that is not possible or not wanted."""
        if os.environ.get("ZHPAPER_ONE_PROCESS") == "1" or not hasattr(os, "fork"):
            return None
        got = serving(_serve)  # the press process serves one job
        return None if got is None else cls(*got)  # None: no second process today, the build runs in this one

    def __enter__(self) -> "PressProcess":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _send(self, message: tuple) -> None:
        pickle.dump(message, self._out, protocol=pickle.HIGHEST_PROTOCOL)
        self._out.flush()

    def prepare(self, faces: Mapping) -> None:
        """Hand over the faces early, so they are registered while the page is composed."""
        try:
            self._send(("faces", dict(faces)))
        except BrokenPipeError:
            pass  # the press process is gone; run() says so

    def run(self, job) -> dict[str, bytes]:
        """layout.output.press.make_files(job), done in the press process."""
        try:
            self._send(("job", job))
            status, value = pickle.load(self._in)
        except (EOFError, BrokenPipeError):
            raise RuntimeError(f"the press process (pid {self.pid}) ended without an answer") from None
        self._answered = True  # (not on Ctrl-C while waiting: close() then stops it at once)
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        """Let the press process go: wait for it after an answer, else stop it at once."""
        for f in (self._out, self._in):
            try:
                f.close()
            except OSError:
                pass
        if not self._answered:
            try:
                os.kill(self.pid, signal.SIGKILL)  # still importing, or abandoned by an error here
            except ProcessLookupError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _serve(job_fd: int, result_fd: int) -> int:
    """The press process's life: import, take faces and one job, answer, exit code."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to report
    for sig in (signal.SIGTERM, signal.SIGHUP):  # a service stop too: the parent ends this process
        signal.signal(sig, signal.SIG_IGN)
    with os.fdopen(job_fd, "rb") as inbox, os.fdopen(result_fd, "wb") as outbox:
        try:
            from layout.fonts.faces import register_faces
            from layout.output import press

            press.warm_up()
        except BaseException as exc:  # report it with the job, where the main process listens
            early: BaseException | None = exc
        else:
            early = None
        while True:
            try:
                kind, payload = pickle.load(inbox)
            except EOFError:
                return 0  # the main process finished or gave up without a job
            except Exception as exc:  # a message that does not unpickle here: a bug, reported
                kind, payload, early = "job", None, early or exc
            try:
                if early is not None:
                    raise early
                if kind == "faces":
                    register_faces(payload)
                    continue
                answer: tuple = ("ok", press.make_files(payload, parallel=True))
            except BaseException as exc:
                if kind == "faces":  # a failure here shows again, with its context, in the job
                    continue
                answer = ("error", portable(exc))
            pickle.dump(answer, outbox, protocol=pickle.HIGHEST_PROTOCOL)
            outbox.flush()
            return 0
