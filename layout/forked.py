"""The press process: the back half of one build (layout.press) in a process forked at start-up.

Half of a warm rebuild's CPU time is importing reportlab, Pillow, pikepdf and lxml. Forked before
the main process imports the front half, the press process does those imports on the second
core while the main process reads the article and composes the page; it is sent the faces as
soon as they are known (and registers them), then the composed page, and answers with the
finished files. The files are the same bytes either way: only where the work runs changes.

    press = PressProcess.start()      # None when fork is unavailable or turned off
    try:
        build(path, opts, press)
    finally:
        if press is not None:
            press.close()

Messages are pickles on two pipes. An exception in the press process comes back and is raised in
the main process (an InputError stays one line for the desk; a bug carries the press process's
traceback as a note). ZHPAPER_ONE_PROCESS=1 turns the press process off.

`ForkedCall` is the same idea for one function call: the press process finishes the archive copy
in one while it finishes the press PDF itself (the main process is idle by then).
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Mapping

_PIPE_BYTES = 1 << 20  # room for a page's job, so the main process never waits to send it


def _widen(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # a narrow pipe only means the sender may wait for the reader


def _fork() -> int | None:
    """os.fork() with stdio flushed first (a child must not write the parent's buffered output
    again); None when the system refuses a process (memory, process limits)."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        return os.fork()
    except OSError:
        return None


class PressProcess:
    """A forked process that runs layout.press.make_files for one job."""

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
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        _widen(job_w)
        _widen(res_w)
        pid = _fork()
        if pid is None:  # no second process today: the build runs in this one
            for fd in (job_r, job_w, res_r, res_w):
                os.close(fd)
            return None
        if pid == 0:  # the press process: serve one job and leave without running any cleanup
            code = 1
            try:
                os.close(job_w)
                os.close(res_r)
                code = _serve(job_r, res_w)
            finally:
                os._exit(code)
        os.close(job_r)
        os.close(res_w)
        return cls(pid, job_w, res_r)

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
        """layout.press.make_files(job), done in the press process."""
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


class ForkedCall:
    """`fn(*args)` computed in a forked process; `result()` waits for it and returns or raises.
    Call `result()` exactly once (it also reaps the process)."""

    def __init__(self, fn, *args):
        r, w = os.pipe()
        _widen(w)
        pid = _fork()
        self.pid = pid
        self._inline: tuple | None = None
        if pid is None:  # no second process: compute it here, now
            os.close(r)
            os.close(w)
            try:
                self._inline = ("ok", fn(*args))
            except Exception as exc:
                self._inline = ("error", exc)
            return
        if pid == 0:
            code = 1
            try:
                os.close(r)
                with os.fdopen(w, "wb") as out:
                    try:
                        answer: tuple = ("ok", fn(*args))
                    except BaseException as exc:
                        answer = ("error", _portable(exc))
                    pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(w)
        self._in = os.fdopen(r, "rb")

    def result(self):
        if self._inline is not None:
            status, value = self._inline
            if status == "error":
                raise value
            return value
        try:
            status, value = pickle.load(self._in)
        except EOFError:
            raise RuntimeError(f"forked process {self.pid} ended without an answer") from None
        finally:
            self._in.close()
            os.waitpid(self.pid, 0)
        if status == "error":
            raise value
        return value

    def discard(self) -> None:
        """Stop the call and reap its process (when its answer is no longer wanted)."""
        if self._inline is not None:
            return
        self._in.close()
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def _serve(job_fd: int, result_fd: int) -> int:
    """The press process's life: import, take faces and one job, answer, exit code."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to report
    with os.fdopen(job_fd, "rb") as inbox, os.fdopen(result_fd, "wb") as outbox:
        try:
            from layout import press

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
                    press.register_faces(payload)
                    continue
                answer: tuple = ("ok", press.make_files(payload, parallel=True))
            except BaseException as exc:
                if kind == "faces":  # a failure here shows again, with its context, in the job
                    continue
                answer = ("error", _portable(exc))
            pickle.dump(answer, outbox, protocol=pickle.HIGHEST_PROTOCOL)
            outbox.flush()
            return 0


def _portable(exc: BaseException) -> BaseException:
    """`exc` as something pickle can carry to the main process, with this process's traceback
    as a note unless it is an input error (those are one line for the desk)."""
    import traceback  # only on the error path: it costs start-up time every build would pay

    from layout.errors import InputError

    if not isinstance(exc, InputError):
        exc.add_note(f"in forked process {os.getpid()}:\n" + "".join(traceback.format_exception(exc)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)).rstrip())
