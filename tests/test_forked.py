"""layout.app.pressproc and layout.base.fork: the press process and forked calls — same files as one process, errors carried
back whole, no process left behind."""

from __future__ import annotations

import os
import pickle

import pytest

from layout.base import fork as forked
from layout.app import pressproc
from layout.fonts import faces as font_faces
from layout.output import press
from layout.base.errors import InputError
from layout.app.pressproc import PressProcess
from layout.base.fork import ForkedCall
from support import ARTICLE, run_make_pdf


@pytest.fixture
def no_children():
    yield
    with pytest.raises(ChildProcessError):  # every forked process has been reaped
        os.waitpid(-1, os.WNOHANG)


def _start(monkeypatch) -> PressProcess:
    monkeypatch.delenv("ZHPAPER_ONE_PROCESS", raising=False)
    proc = PressProcess.start()
    assert proc is not None
    return proc


def test_cli_files_are_the_same_bytes_with_and_without_the_press_process(tmp_path, zhpaper_cache):
    made = {}
    for mode, env in (("forked", {}), ("one", {"ZHPAPER_ONE_PROCESS": "1"})):
        out = tmp_path / mode
        r = run_make_pdf([ARTICLE, "-o", str(out / "article.pdf"), "--proof", str(out / "article.png"), "-q"],
                         zhpaper_cache, env=env)
        assert r.returncode == 0, r.stderr
        made[mode] = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert sorted(made["forked"]) == ["article.alto.xml", "article.archive.pdf", "article.manifest.json", "article.pdf",
                                      "article.png", "article.report.json"]
    assert made["forked"] == made["one"]


def test_job_runs_in_another_process_after_the_faces(monkeypatch, no_children):
    monkeypatch.setattr(font_faces, "register_faces", lambda faces: None)
    monkeypatch.setattr(press, "make_files", lambda job, parallel=False: {"pid": str(os.getpid()).encode(),
                                                                          "parallel": bytes([parallel]), "job": job})
    with _start(monkeypatch) as proc:
        proc.prepare({"body": "face"})
        files = proc.run(b"the job")
    assert files["pid"] != str(os.getpid()).encode() and files["job"] == b"the job" and files["parallel"] == b"\x01"


def test_input_error_comes_back_whole(monkeypatch, no_children):
    def fail(job, parallel=False):
        raise InputError("output profile is not a CMYK ICC profile", "x.icc", "give a CMYK printer ICC profile")

    monkeypatch.setattr(press, "make_files", fail)
    with _start(monkeypatch) as proc, pytest.raises(InputError) as info:
        proc.run(None)
    e = info.value
    assert (e.what, e.where, e.hint, e.exit_code) == ("output profile is not a CMYK ICC profile", "x.icc",
                                                      "give a CMYK printer ICC profile", 1)
    assert not getattr(e, "__notes__", None)  # one line for the desk, no traceback


def test_a_bug_carries_the_press_process_traceback(monkeypatch, no_children):
    def broken(job, parallel=False):
        return {}["press"]

    monkeypatch.setattr(press, "make_files", broken)
    with _start(monkeypatch) as proc, pytest.raises(KeyError) as info:
        proc.run(None)
    assert f"in forked process {proc.pid}" in info.value.__notes__[0] and "broken" in info.value.__notes__[0]


def test_an_unpicklable_error_becomes_a_runtime_error(monkeypatch, no_children):
    class Odd(Exception):
        def __reduce__(self):
            raise TypeError("not picklable")

    def fail(job, parallel=False):
        raise Odd("odd")

    monkeypatch.setattr(press, "make_files", fail)
    with _start(monkeypatch) as proc, pytest.raises(RuntimeError, match="Odd: odd"):
        proc.run(None)


def test_a_press_process_that_dies_is_an_error_not_a_hang(monkeypatch, no_children):
    monkeypatch.setattr(press, "make_files", lambda job, parallel=False: os._exit(3))
    with _start(monkeypatch) as proc, pytest.raises(RuntimeError, match="ended without an answer"):
        proc.run(None)


def test_a_failed_face_registration_shows_in_the_job(monkeypatch, no_children):
    def bad_faces(faces):
        raise OSError("font file vanished")

    monkeypatch.setattr(font_faces, "register_faces", bad_faces)
    monkeypatch.setattr(press, "make_files", lambda job, parallel=False: font_faces.register_faces(None))
    with _start(monkeypatch) as proc:
        proc.prepare({})
        with pytest.raises(OSError, match="vanished"):
            proc.run(None)


def test_closing_without_a_job_stops_and_reaps_it(monkeypatch, no_children):
    proc = _start(monkeypatch)
    proc.close()
    with pytest.raises(ProcessLookupError):
        os.kill(proc.pid, 0)


def test_one_process_when_asked(monkeypatch):
    monkeypatch.setenv("ZHPAPER_ONE_PROCESS", "1")
    assert PressProcess.start() is None


def test_forked_call_returns_raises_and_discards(no_children):
    assert ForkedCall(sum, [1, 2, 3]).result() == 6
    assert ForkedCall(bytes, 2_000_000).result() == bytes(2_000_000)  # larger than any pipe buffer
    with pytest.raises(ZeroDivisionError) as info:
        ForkedCall(divmod, 1, 0).result()
    assert "in forked process" in info.value.__notes__[0]
    ForkedCall(os.read, os.open(os.devnull, os.O_RDONLY), 1).discard()


def test_input_errors_pickle_with_where_and_hint():
    e = pickle.loads(pickle.dumps(InputError("what", "where", "hint")))
    assert (e.what, e.where, e.hint, str(e)) == ("what", "where", "hint", "where: what (hint: hint)")


def test_pipe_widening_is_best_effort(tmp_path):
    import fcntl

    r, w = os.pipe()
    try:
        before = fcntl.fcntl(w, fcntl.F_GETPIPE_SZ)
        forked.widen(w)
        with open("/proc/sys/fs/pipe-max-size") as fh:
            allowed = os.geteuid() == 0 or int(fh.read()) >= forked.PIPE_BYTES
        assert fcntl.fcntl(w, fcntl.F_GETPIPE_SZ) == (forked.PIPE_BYTES if allowed else before)
    finally:
        os.close(r)
        os.close(w)
    with open(tmp_path / "not-a-pipe", "wb") as fh:  # refused by the system: no error, nothing changed
        forked.widen(fh.fileno())


def test_no_fork_today_means_one_process(monkeypatch, no_children):
    def refuse():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.delenv("ZHPAPER_ONE_PROCESS", raising=False)
    monkeypatch.setattr(forked.os, "fork", refuse)
    before = len(os.listdir("/proc/self/fd"))
    assert PressProcess.start() is None
    assert ForkedCall(sum, [1, 2]).result() == 3
    with pytest.raises(ZeroDivisionError):
        ForkedCall(divmod, 1, 0).result()
    ForkedCall(sum, []).discard()
    assert len(os.listdir("/proc/self/fd")) == before  # every pipe closed again


def test_the_main_process_front_half_leaves_the_pdf_libraries_to_the_press_process():
    # The overlap is only worth having while the front half does not import them itself.
    import subprocess
    import sys

    code = ("import sys, layout.app.cli, layout.pipeline, layout.output.press; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'reportlab', 'pikepdf', 'lxml', 'numpy', 'fontTools'}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert out.stdout.strip() == "[]"


def test_a_press_process_gone_before_the_job_is_an_error(monkeypatch, no_children):
    import signal

    with _start(monkeypatch) as proc:
        os.kill(proc.pid, signal.SIGKILL)
        proc.prepare({"body": "x" * 2_000_000})  # more than the pipe holds: the write meets the closed end
        with pytest.raises(RuntimeError, match="ended without an answer"):
            proc.run(b"job")
