"""Forking primitives: a forked function call whose result or exception comes back by pipe.

`ForkedCall(fn, *args)` computes `fn(*args)` in a forked process; `result()` waits for it and
returns the value or raises the exception (an InputError stays one line for the desk; a bug
carries the forked process's traceback as a note). Where the system refuses a process, the call
is computed in place; `process_pool` likewise gives None where no pool can be made.
`layout.output.press` finishes the archive copy in one while the press PDF
is finished, and `layout.app.pressproc` builds the press process on the same pieces.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys

PIPE_BYTES = 1 << 20  # room for a page's job, so the sender never waits for the reader


def process_pool(workers: int, **kw):
    """A concurrent.futures process pool of `workers`, or None where none can be made: a pool needs
    POSIX semaphores, and a user who may not write /dev/shm (a service account, a chroot) has none —
    the caller then does the work one piece after another in its own process."""
    from concurrent.futures import ProcessPoolExecutor

    try:
        return ProcessPoolExecutor(max_workers=workers, **kw)
    except OSError:
        return None


def widen(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass  # a narrow pipe only means the sender may wait for the reader


def fork() -> int | None:
    """os.fork() with stdio flushed first (a child must not write the parent's buffered output
    again); None when the system refuses a process (memory, process limits)."""
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        return os.fork()
    except OSError:
        return None


class ForkedCall:
    """`fn(*args)` computed in a forked process; `result()` waits for it and returns or raises.
    Call `result()` exactly once (it also reaps the process)."""

    def __init__(self, fn, *args):
        r, w = os.pipe()
        widen(w)
        pid = fork()
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
                        answer = ("error", portable(exc))
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


def portable(exc: BaseException) -> BaseException:
    """`exc` as something pickle can carry to the main process, with this process's traceback
    as a note unless it is an input error (those are one line for the desk)."""
    import traceback  # only on the error path: it costs start-up time every build would pay

    from layout.base.errors import InputError

    if not isinstance(exc, InputError):
        exc.add_note(f"in forked process {os.getpid()}:\n" + "".join(traceback.format_exception(exc)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)).rstrip())


def serving(serve) -> tuple[int, int, int] | None:
    """A forked process running `serve(job_r, res_w)` on two pipes, and leaving without any cleanup
    when it returns: (its pid, the pipe to write jobs to, the pipe to read results from), or None
    when no process can be had (nothing is left open then)."""
    job_r, job_w = os.pipe()
    res_r, res_w = os.pipe()
    widen(job_w)
    widen(res_w)
    pid = fork()
    if pid is None:
        for fd in (job_r, job_w, res_r, res_w):
            os.close(fd)
        return None
    if pid == 0:
        code = 1
        try:
            _close_others((job_r, res_w))
            code = serve(job_r, res_w)
        finally:
            os._exit(code)
    os.close(job_r)
    os.close(res_w)
    return pid, job_w, res_r


def _close_others(keep: tuple[int, ...]) -> None:
    """In a forked server: close every descriptor but stdio and `keep`. Another server's pipe end
    held open here would keep that server from ever seeing its end of input, and whoever waits for it
    would wait for ever."""
    edges = [2] + sorted(keep)
    top = os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 65536
    for low, high in zip(edges, edges[1:] + [top]):
        os.closerange(low + 1, high)


class Worker:
    """A process forked once that computes the calls it is sent, one at a time, for as long as the
    process that made it wants (the watch process finishes each build's archive copy in one, while it
    makes the proof). Fork it while the process is small and has no threads; `call(fn, *args)` returns
    a pending call like ForkedCall's (`result()`, `discard()`); `close()` lets it go. Where no process
    can be had, or it has died, the calls are ForkedCalls."""

    def __init__(self):
        got = serving(_serve_calls)
        self.pid = got[0] if got else None
        if got is None:
            self._out = self._in = None
            return
        self._out = os.fdopen(got[1], "wb")
        self._in = os.fdopen(got[2], "rb")

    def call(self, fn, *args):
        if self._out is not None:
            try:
                pickle.dump((fn, args), self._out, protocol=pickle.HIGHEST_PROTOCOL)
                self._out.flush()
                return _Pending(self)
            except (BrokenPipeError, pickle.PicklingError, AttributeError, TypeError):
                self.close()
        return ForkedCall(fn, *args)

    def _answer(self):
        try:
            status, value = pickle.load(self._in)
        except EOFError:
            self.close()
            raise RuntimeError(f"worker process {self.pid} ended without an answer") from None
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        for f in (self._out, self._in):
            if f is not None:
                try:
                    f.close()
                except OSError:
                    pass
        self._out = self._in = None
        if self.pid:
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.pid = None


class _Pending:
    """A call sent to a Worker: `result()` once (or `discard()` when it is no longer wanted)."""

    def __init__(self, worker: Worker):
        self._worker = worker

    def result(self):
        return self._worker._answer()

    def discard(self) -> None:
        try:
            self._worker._answer()
        except BaseException:
            pass


def _serve_calls(job_fd: int, result_fd: int) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to act on; it closes the pipe
    for sig in (signal.SIGTERM, signal.SIGHUP):  # a service stop too: the parent ends this process
        signal.signal(sig, signal.SIG_IGN)
    with os.fdopen(job_fd, "rb") as inbox, os.fdopen(result_fd, "wb") as outbox:
        while True:
            try:
                fn, args = pickle.load(inbox)
            except EOFError:
                return 0
            try:
                answer: tuple = ("ok", fn(*args))
            except BaseException as exc:
                answer = ("error", portable(exc))
            pickle.dump(answer, outbox, protocol=pickle.HIGHEST_PROTOCOL)
            outbox.flush()
