"""The edition driver, its page tasks and runners, in THIS process (tests/test_edition.py builds the sample
edition with the command line, in a subprocess, where mutation testing cannot follow it).

Small editions written in tmp_path from a copy of samples/: pages 1 and 4 of the sample edition (page
1's story gongnuan continues on page 4), built with -j 1 (`run_edition(..., jobs=1)`), read back from
what they wrote and printed; the failures (a page that fails to build, the pages waiting for it, the
转版 plan's errors) cost no build of the failing pages. A page task run on its own (pagetask.run), a
local pool whose worker dies, and a Dask runner on an in-process cluster complete the picture.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
from dataclasses import replace

import pytest
from support import ROOT
from test_edition import _page

from layout.app import edition as E
from layout.app.pagetask import PageOutcome, PageTask, run
from layout.base.errors import InputError, UsageError
from layout.pipeline import BuildOptions
from layout.source.edition import InEdition

SUMMARY = re.compile(r"^edition (.+): (\d+) of (\d+) page\(s\) ready \((\d+) built, (\d+) unchanged\), (\d+) failed in "
                     r"[\d.]+ s \([\d.]+ pages/s; (.+)\)$", re.M)


def _samples(tmp_path) -> str:
    """samples/ copied (its assets linked), so a test may edit its pages."""
    dest = os.path.join(tmp_path, "samples")
    shutil.copytree(os.path.join(ROOT, "samples"), dest, ignore=shutil.ignore_patterns("assets"))
    os.symlink(os.path.join(ROOT, "samples", "assets"), os.path.join(dest, "assets"))
    return dest


def _edition_file(folder: str, pages: list[tuple[int, str, str]], paper: str = "示例日报") -> str:
    lines = [f"paper: {paper}", "date: 2021-01-19", "edition: 12345", "sample: true", "pages:"]
    lines += [f"  - {{page: {n}, name: {name}, file: {f}}}" for n, name, f in pages]
    path = os.path.join(folder, "issue.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def _states(stderr: str) -> dict[int, str]:
    return {int(m.group(2)): m.group(1) for m in re.finditer(r"\] (built|unchanged|FAILED)\s+第(\d+)版", stderr)}


def _pdf_text(path: str) -> str:
    import pdfplumber

    with pdfplumber.open(path) as doc:
        return "".join(c["text"] for c in doc.pages[0].chars)


def _recording(monkeypatch) -> list[tuple]:
    """Every (page, state, detail) the driver shows, in order (the live table's rows as they change)."""
    seen: list[tuple] = []

    class Recorded(E.Progress):
        def update(self, number, state, detail=""):
            seen.append((number, state, detail))
            super().update(number, state, detail)

    monkeypatch.setattr(E, "Progress", Recorded)
    return seen


# ---------------------------------------------------------------- the command's own checks

def test_an_edition_refuses_one_pdf_as_its_output(tmp_path):
    out = str(tmp_path / "out" / "Edition.PDF")
    with pytest.raises(UsageError) as e:
        E.run_edition(os.path.join(ROOT, "samples", "edition.yaml"), out, BuildOptions(), jobs=1)
    assert e.value.exit_code == 2
    assert e.value.line() == (f"-o: -o {out}: an edition needs an output folder, not one PDF "
                              "(hint: write e.g. -o out/edition/)")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- a two-page edition with a 转版

def test_a_two_page_edition_builds_here_and_a_rebuild_builds_only_what_changed(tmp_path, capsys, monkeypatch,
                                                                              zhpaper_cache):
    folder = _samples(tmp_path)
    # the edition's paper name, not the page files' (示例日报), goes in every page's 报眉
    path = _edition_file(folder, [(1, "要闻", "edition/p01-yaowen.yaml"), (4, "社会", "edition/p04-shehui.yaml")],
                         paper="样报")
    out = tmp_path / "out"
    out.mkdir()
    # the folder as an older version left it: page 1 also wrote p01.epaper.json, which this version does not
    (out / "p01.epaper.json").write_text("{}", encoding="utf-8")
    (out / "notes.txt").write_text("the desk's own file", encoding="utf-8")
    (out / E.STATE).write_text(json.dumps({"format": E.STATE_FORMAT, "pages": {"1": {
        "key": "an older version's", "inputs": [], "outputs": {"p01.epaper.json": "0" * 64}, "continued": [],
        "errors": 0, "warnings": 0}}}), encoding="utf-8")
    seen = _recording(monkeypatch)
    base = BuildOptions(cache_dir=zhpaper_cache)

    assert E.run_edition(path, str(out), base, jobs=1) == 0
    err = capsys.readouterr().err
    assert _states(err) == {1: "built", 4: "built"}, err
    assert re.search(r"^\[1/2\] built     第1版 要闻  \d+\.\d\d s", err, re.M), err
    assert re.search(r"^\[2/2\] built     第4版 社会  \d+\.\d\d s", err, re.M), err
    summary = SUMMARY.search(err)
    assert summary and summary.groups() == ("样报 2021-01-19 第12345期", "2", "2", "2", "0", "0", "this process"), err
    assert f"wrote {out / 'mets.xml'} (2 pages)" in err and f"wrote {out / 'contact.png'}" in err
    for n in (1, 4):
        for suffix in (".pdf", ".archive.pdf", ".alto.xml", ".png", ".hotspots.json", ".report.json",
                       ".manifest.json"):
            assert (out / f"p{n:02d}{suffix}").is_file(), (n, suffix)
    assert (out / "p01.jump-gongnuan.yaml").is_file() and not list(out.glob("p04.jump-*"))
    assert (out / "mets.xml").is_file() and (out / "contact.png").is_file()
    assert not (out / "p01.epaper.json").exists()  # its last build's file this one did not make: gone
    assert (out / "notes.txt").read_text(encoding="utf-8") == "the desk's own file"  # never the edition's
    first, fourth = _pdf_text(str(out / "p01.pdf")), _pdf_text(str(out / "p04.pdf"))
    assert "（下转第4版）" in first and "（上接第1版）" in fourth
    assert "让群众温暖过冬的同时" in fourth and "让群众温暖过冬的同时" not in first
    assert "样报" in first and "样报" in fourth and "None" not in first + fourth
    spots = json.loads((out / "p01.hotspots.json").read_text(encoding="utf-8"))
    assert [s.get("continues") for s in spots["stories"] if s["id"] == "gongnuan"] == [{"page": 4, "story": "gongnuan"}]
    # what the live table showed: page 4 waited for page 1, was queued once page 1 was built, then built
    assert [(n, s) for n, s, _ in seen] == [(1, "queued"), (4, "waiting"), (1, "building"), (1, "built"),
                                           (4, "queued"), (4, "building"), (4, "built")]
    assert seen[1][2] == "for page 1"

    # nothing changed: nothing is built
    seen.clear()
    assert E.run_edition(path, str(out), base, jobs=1) == 0
    err = capsys.readouterr().err
    assert _states(err) == {1: "unchanged", 4: "unchanged"}, err
    assert SUMMARY.search(err).groups()[1:] == ("2", "2", "0", "2", "0", "no worker (nothing to build)"), err
    assert [(n, s) for n, s, _ in seen] == [(1, "unchanged"), (4, "unchanged")]

    # a new version of the program: every page is built anew, its files and inputs the same
    monkeypatch.setattr(E, "__version__", "99.0-test")
    assert E.run_edition(path, str(out), base, jobs=1) == 0
    err = capsys.readouterr().err
    assert _states(err) == {1: "built", 4: "built"}, err


def test_a_failing_page_fails_the_page_waiting_for_it_and_stops_no_other(tmp_path, capsys, zhpaper_cache):
    folder = _samples(tmp_path)
    page1 = os.path.join(folder, "edition", "p01-yaowen.yaml")
    with open(page1, encoding="utf-8") as fh:
        text = fh.read()
    assert "../assets/edition-01-kaigong.jpg" in text
    with open(page1, "w", encoding="utf-8") as fh:  # a photo the desk has not delivered yet
        fh.write(text.replace("../assets/edition-01-kaigong.jpg", "../assets/kaigong-missing.jpg"))
    path = _edition_file(folder, [(1, "要闻", "edition/p01-yaowen.yaml"), (4, "社会", "edition/p04-shehui.yaml"),
                                  (5, "经济", "edition/p05-jingji.yaml")])
    out = tmp_path / "out"

    assert E.run_edition(path, str(out), BuildOptions(cache_dir=zhpaper_cache), jobs=1) == 1
    err = capsys.readouterr().err
    assert _states(err) == {1: "FAILED", 4: "FAILED", 5: "built"}, err
    line1 = re.search(r"^\[1/3\] FAILED    第1版 要闻  (.*)$", err, re.M)
    assert line1 and line1.group(1).startswith(page1 + ":") and "kaigong-missing.jpg" in line1.group(1), err
    assert re.search(r"^\[2/3\] FAILED    第4版 社会  page 4 waits for page 1, which failed$", err, re.M), err
    assert re.search(r"^\[3/3\] built     第5版 经济  ", err, re.M), err
    assert SUMMARY.search(err).groups()[1:] == ("1", "3", "1", "0", "2", "this process"), err
    assert f"  failed: page 1 要闻 ({os.path.relpath(page1)}): {line1.group(1)}" in err.splitlines()
    assert "  failed: page 4 社会 (" in err and "): page 4 waits for page 1, which failed" in err
    assert "Traceback" not in err and "internal error" not in err
    assert (out / "p05.pdf").is_file() and not (out / "p01.pdf").exists() and not (out / "p04.pdf").exists()
    assert not (out / "mets.xml").exists() and (out / "contact.png").is_file()


def test_pages_the_plan_refuses_fail_without_a_build_and_an_old_mets_goes(tmp_path, capsys, monkeypatch):
    story = {"id": "x", "headline": {"title": ["标题"]}, "lead": "正文。", "continue_to": 9}
    a = _page(tmp_path, "a.yaml", 1, [story])
    b = _page(tmp_path, "b.yaml", 4, [{"id": "r", "continued_from": "1/x"},
                                      {"id": "y", "headline": {"title": ["标题"]}, "lead": "正文。"}])
    path = _edition_file(str(tmp_path), [(1, "要闻", "a.yaml"), (4, "社会", "b.yaml")])
    out = tmp_path / "out"
    out.mkdir()
    (out / "mets.xml").write_text("<mets/>", encoding="utf-8")  # an earlier, complete edition's
    seen = _recording(monkeypatch)

    assert E.run_edition(path, str(out), BuildOptions(), jobs=1) == 1
    err = capsys.readouterr().err
    one = re.search(r"^\[1/2\] FAILED    第1版 要闻  (.*)$", err, re.M)
    four = re.search(r"^\[2/2\] FAILED    第4版 社会  (.*)$", err, re.M)
    assert one and one.group(1).startswith(a + ":"), err
    assert "page 1's story 'x' continues on page 9, which is not in the edition" in one.group(1)
    assert four and four.group(1).startswith(b + ":"), err
    assert "continued_from: 1/x, but page 1's story 'x' continues on page 9 (this is page 4)" in four.group(1)
    assert SUMMARY.search(err).groups()[1:] == ("0", "2", "0", "0", "2", "no worker (nothing to build)"), err
    assert f"  failed: page 1 要闻 ({os.path.relpath(a)}): {one.group(1)}" in err.splitlines()
    assert f"  failed: page 4 社会 ({os.path.relpath(b)}): {four.group(1)}" in err.splitlines()
    assert f"removed {out / 'mets.xml'}: the edition is incomplete, and it described an earlier one" in err
    assert not (out / "mets.xml").exists() and (out / "contact.png").is_file()
    assert [(n, s, d) for n, s, d in seen] == [(1, "FAILED", one.group(1)), (4, "FAILED", four.group(1))]


# ---------------------------------------------------------------- one page as a task

def _task(folder: str, number: int, name: str, out: str, base: BuildOptions, slots=()) -> PageTask:
    stem = os.path.join(out, f"p{number:02d}")
    edition = InEdition("示例日报", "2021-01-19", number, "社会", True, tuple(slots))
    opts = replace(base, out_pdf=stem + ".pdf", proof=stem + ".png", edition=edition)
    return PageTask(number, os.path.join(folder, "edition", name), opts)


def _jump_text() -> str:
    """The rest of page 1's story gongnuan as page 1's build writes it (a 转版 file)."""
    paras = "\n".join(f"  - 第{i}段：供热开始后，各供热企业组织党员服务队走进小区，为居民免费检查暖气片、排放管道空气，讲解安全用热常识。"
                      for i in range(1, 7))
    return f"headline:\n  title:\n  - 城区供热管网改造完工\nsections:\n- heading: []\n  paragraphs:\n{paras}\n"


def test_a_page_that_cannot_hold_the_rest_of_a_story_names_both_pages(tmp_path, zhpaper_cache):
    folder = _samples(tmp_path)
    huge = _jump_text() + "- heading: [更多]\n  paragraphs:\n" + "\n".join(
        f"  - 第{i}段：" + "为了让老旧小区用得上、用得起，市城市管理局会同街道社区逐户上门摸底。" * 3 for i in range(40)) + "\n"
    task = _task(folder, 4, "p04-shehui.yaml", str(tmp_path), BuildOptions(cache_dir=zhpaper_cache),
                 [("1/gongnuan", ("p01.jump-gongnuan.yaml", huge))])
    out = run(task)
    assert not out.ok and out.exit_code == 1 and not out.files
    assert out.error.startswith(task.path + ":"), out.error
    assert "page 4 has no room for the rest of page 1's story 'gongnuan': copyfit: " in out.error


def test_a_page_that_fails_otherwise_says_its_own_error(tmp_path, zhpaper_cache):
    folder = _samples(tmp_path)
    page = os.path.join(folder, "edition", "p04-shehui.yaml")
    with open(page, encoding="utf-8") as fh:
        text = fh.read()
    with open(page, "w", encoding="utf-8") as fh:
        fh.write(text.replace("../assets/edition-06-shitang.jpg", "../assets/shitang-missing.jpg"))
    task = _task(folder, 4, "p04-shehui.yaml", str(tmp_path), BuildOptions(cache_dir=zhpaper_cache),
                 [("1/gongnuan", ("p01.jump-gongnuan.yaml", _jump_text()))])
    out = run(task)
    assert not out.ok and out.exit_code == 1 and not out.files and out.seconds >= 0
    assert out.error.startswith(page + ":") and "photo file not found" in out.error and "shitang-missing.jpg" in out.error
    assert "no room" not in out.error
    assert not (tmp_path / "p04.pdf").exists()  # a task writes nothing itself


def test_a_bug_in_a_page_build_is_an_outcome_saying_where(tmp_path, monkeypatch):
    import layout.pipeline

    def broken(path, opts, sink=None):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(layout.pipeline, "build", broken)
    task = PageTask(3, str(tmp_path / "p03.yaml"), BuildOptions(out_pdf=str(tmp_path / "p03.pdf"),
                                                                 proof=str(tmp_path / "p03.png")))
    out = run(task)
    assert out.number == 3 and not out.ok and out.exit_code == 1 and not out.files
    assert isinstance(out.seconds, float) and 0 <= out.seconds < 60
    assert re.fullmatch(r"internal error ZeroDivisionError: division by zero \(at test_edition_inprocess\.py:\d+; "
                        r"please report\)", out.error), out.error


# ---------------------------------------------------------------- runners

def test_a_worker_that_dies_is_a_failed_page_not_a_lost_one(tmp_path, monkeypatch):
    import layout.pipeline
    from layout.app.runners import Pool

    def killed(path, opts, sink=None):  # the kernel's OOM killer, in the worker
        os.kill(os.getpid(), signal.SIGKILL)

    monkeypatch.setattr(layout.pipeline, "build", killed)  # the worker is forked: it has this too
    pool = Pool(1, None)
    if pool.pool is None:
        pytest.skip("no process pool can be made here")
    try:
        pool.submit(PageTask(7, str(tmp_path / "p07.yaml"), BuildOptions(out_pdf=str(tmp_path / "p07.pdf"),
                                                                          proof=str(tmp_path / "p07.png"))))
        got = pool.wait()
    finally:
        pool.close()
    assert got == [PageOutcome(7, False, 0.0, "the worker process died (out of memory?)", 1)]


_WARMED: list = []


def _warm(path, opts):  # module level: a Dask worker finds it by name (this process's, on an in-process cluster)
    _WARMED.append((path, opts))


def test_a_dask_runner_warms_every_worker_with_the_first_page(tmp_path, monkeypatch, zhpaper_cache):
    distributed = pytest.importorskip("distributed")
    import layout.pipeline
    from layout.app.runners import Dask

    warmed = _WARMED
    warmed.clear()
    monkeypatch.setattr(layout.pipeline, "warm", _warm)
    folder = _samples(tmp_path)
    first = _task(folder, 1, "p01-yaowen.yaml", str(tmp_path), BuildOptions(cache_dir=zhpaper_cache, jobs=3))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        runner = Dask(address, 1, first)
        try:
            assert warmed == [(first.path, replace(first.opts, jobs=1))]
            assert runner.slots == 1 and runner.name == f"Dask {address} (1 worker thread(s))"
            broken = _task(folder, 2, "no-such-page.yaml", str(tmp_path), first.opts)
            runner.submit(broken)
            (got,) = runner.wait()
        finally:
            runner.close()
    assert got.number == 2 and not got.ok and got.exit_code == 2 and "no-such-page.yaml" in got.error
