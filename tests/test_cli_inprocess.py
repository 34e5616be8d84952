"""The command line, a batch, the watch session and the change feed, driven in this process.

What the desk expects of `make_pdf.py`: the options each flag gives the build (where the PDF and the proof
go, the -o folder naming, -j), the exact one-line errors with their exit codes, a batch that refuses two
pages of the same name and reports a page's failure as a result, the watch session that keeps a loaded
page only while its files are there and prepares a page's fonts once, and a change feed that hands over a
save as soon as it has settled. The page build itself (layout.pipeline.build) is replaced by a recorder
where only the options matter, so these run in milliseconds; builds that must be real are small pages.
"""

from __future__ import annotations

import inspect
import os
import shutil
import threading
import time
from types import SimpleNamespace

import pytest

import layout.app.edition
import layout.app.watch
import layout.fonts.faces
import layout.pipeline
from layout.app import batch
from layout.app import watch as w
from layout.app.cli import main, parser
from layout.app.pressproc import PressProcess
from layout.app.session import Session
from layout.base.errors import InputError
from layout.pipeline import BuildOptions
from support import DATA
from test_cache import clean_reportlab_registry  # noqa: F401  (fixture: builds here register faces)

PT_PER_MM = 72 / 25.4
LXGW = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
SERIF_BLACK = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Black.ttc"


class Press:
    """Stands for the forked press process: the build must be handed this one, and it is closed after."""

    def __init__(self):
        self.closed = 0

    def close(self):
        self.closed += 1


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """The command run from an empty desk folder, with the build recorded instead of run."""
    monkeypatch.chdir(tmp_path)
    calls = []

    def build(path, opts, press=None, session=None, sink=None):
        calls.append(SimpleNamespace(path=path, opts=opts, press=press))
        return SimpleNamespace(report=SimpleNamespace(summary=lambda: "preflight: 0 errors, 0 warnings"),
                               outputs=(opts.out_pdf,))

    press = Press()
    monkeypatch.setattr(layout.pipeline, "build", build)
    monkeypatch.setattr(PressProcess, "start", lambda: press)
    return SimpleNamespace(root=tmp_path, calls=calls, press=press)


def _one(desk, argv):
    assert main(argv) == 0
    (call,) = desk.calls
    return call


def _error(argv, capsys) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


# ---------------------------------------------------------------- one page: the options each flag gives


def test_one_page_goes_to_out_article_pdf_with_the_press_process(desk, capsys):
    call = _one(desk, [])
    assert call.path == "article.yaml"  # no article named: the one in the folder
    assert call.opts.out_pdf == os.path.join("out", "article.pdf")
    assert call.opts.proof is None  # no proof unless --proof
    assert call.press is desk.press and desk.press.closed == 1  # the press process built it, then was closed
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "preflight: 0 errors, 0 warnings"
    assert err[1].startswith(f"wrote {os.path.join('out', 'article.pdf')} in ") and err[1].endswith(" s")


def test_quiet_prints_nothing_for_a_good_page(desk, capsys):
    _one(desk, ["p.yaml", "-q"])
    assert capsys.readouterr().err == ""


def test_output_a_pdf_a_new_folder_or_an_existing_one(desk):
    (desk.root / "there").mkdir()
    cases = [(["pages/p07.yaml", "-o", "x/page.pdf"], os.path.join("x", "page.pdf")),
             (["pages/p07.yaml", "--output", "new/"], os.path.join("new", "p07.pdf")),  # made, named after the page
             (["pages/p07.yaml", "-o", "there"], os.path.join("there", "p07.pdf"))]
    for argv, want in cases:
        desk.calls.clear()
        assert _one(desk, argv).opts.out_pdf == want, argv


def test_every_page_flag_reaches_the_build(desk):
    opts = _one(desk, ["p.yaml", "--proof", "p.png", "--proof-dpi", "72", "--grid", "--draft", "--fresh",
                       "--bleed", "3mm", "--marks", "--archive-to", "arch", "--force", "--validate",
                       "--fonts", "cat.yaml", "--icc", "x.icc", "--cache", "c", "-j", "3"]).opts
    assert (opts.proof, opts.proof_dpi, opts.grid, opts.draft, opts.fresh) == ("p.png", 72, True, True, True)
    assert opts.bleed_pt == pytest.approx(3 * PT_PER_MM) and opts.marks is True
    assert (opts.archive_to, opts.force, opts.validate) == ("arch", True, True)
    assert (opts.fonts, opts.icc, opts.cache_dir, opts.jobs) == ("cat.yaml", "x.icc", "c", 3)
    desk.calls.clear()
    opts = _one(desk, ["p.yaml"]).opts
    assert (opts.grid, opts.draft, opts.fresh, opts.marks, opts.bleed_pt, opts.jobs, opts.proof_dpi) == \
        (False, False, False, False, 0.0, 2, 50)


@pytest.mark.parametrize("argv, line", [
    (["p.yaml", "--marks"], "error: --marks: --marks needs a bleed to draw in (hint: add --bleed 3mm)"),
    (["p.yaml", "--bleed", "abc"], "error: --bleed: --bleed 'abc' is not a length (hint: write e.g. 3mm or 8.5pt)"),
    (["p.yaml", "--bleed", "30mm"], "error: --bleed: --bleed 30mm is out of range (hint: use 0–25mm)"),
    (["a.yaml", "b.yaml", "--watch"],
     "error: --watch: --watch takes one article (hint: watch one page at a time)"),
    (["--scheduler", "local"],
     "error: --scheduler: --scheduler needs --edition (hint: give the edition file: --edition EDITION.yaml)"),
    (["a.yaml", "b.yaml", "-o", "out.pdf"],
     "error: -o: -o out.pdf: several articles need an output folder, not one PDF (hint: write e.g. -o out/)"),
    (["a.yaml", "b.yaml", "-j", "0"], "error: -j: -j 0: need at least one worker (hint: use -j 1 or more)"),
    (["p.yaml", "-O", "x.pdf"],
     "error: make_pdf.py: unrecognized arguments: -O x.pdf (hint: see make_pdf.py --help)"),
])
def test_usage_errors_are_one_exact_line_exit_2_and_nothing_built(desk, capsys, argv, line):
    code, err = _error(argv, capsys)
    assert (code, err) == (2, line + "\n")
    assert desk.calls == []


def test_help_says_what_the_command_makes_and_what_each_flag_does(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--help"])
    assert e.value.code == 0
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps to the terminal's width
    assert text.startswith("usage: make_pdf.py ")
    assert ("Lay out a Chinese newspaper page: article.yaml → print PDF + PDF/A-2b archive copy + preflight "
            "report.") in text
    assert "--validate validate the archive copy as PDF/A-2b (always done with --archive-to; adds ~1 s)" in text
    assert "--grid overlay column grid, baseline grid and block frames" in text
    assert "--watch rebuild the PDF and proof whenever" in text  # a switch: no value after it


def test_arguments_in_any_order(desk):
    call = _one(desk, ["-o", "o.pdf", "pages/p.yaml", "--grid"])
    assert (call.path, call.opts.out_pdf, call.opts.grid) == ("pages/p.yaml", "o.pdf", True)


# ---------------------------------------------------------------- --watch and --edition


def test_watch_puts_the_proof_next_to_the_pdf_unless_named(desk, monkeypatch):
    got = []
    monkeypatch.setattr(layout.app.watch, "run_watch", lambda path, opts, quiet=False: got.append((path, opts, quiet)) or 0)
    assert main(["--watch", "pages/p07.yaml", "-o", "proofs/"]) == 0
    assert main(["pages/p07.yaml", "--watch", "-o", "x/y.pdf", "--proof", "z.png", "-q"]) == 0
    assert main(["--watch"]) == 0
    (p1, o1, q1), (p2, o2, q2), (p3, o3, _) = got
    assert (p1, o1.out_pdf, o1.proof, q1) == ("pages/p07.yaml", os.path.join("proofs", "p07.pdf"),
                                            os.path.join("proofs", "p07.png"), False)
    assert (p2, o2.out_pdf, o2.proof, q2) == ("pages/p07.yaml", os.path.join("x", "y.pdf"), "z.png", True)
    assert (p3, o3.out_pdf, o3.proof) == ("article.yaml", os.path.join("out", "article.pdf"),
                                          os.path.join("out", "article.png"))
    assert desk.calls == []  # nothing built by the one-shot path


def test_edition_gets_its_folder_jobs_scheduler_and_quiet(desk, monkeypatch, capsys):
    real = layout.app.edition.run_edition
    got = []

    def run_edition(*args, **kw):
        got.append(inspect.signature(real).bind(*args, **kw).arguments)
        return 0

    monkeypatch.setattr(layout.app.edition, "run_edition", run_edition)
    assert main(["--edition", "ed.yaml", "-q", "-j", "3"]) == 0
    assert main(["--edition", "ed.yaml", "-o", "eds", "--scheduler", "tcp://h:8786", "--grid"]) == 0
    first, second = got
    assert (first["path"], first["out_dir"], first["jobs"], first.get("scheduler"), first["quiet"]) == \
        ("ed.yaml", os.path.join("out", "edition"), 3, None, True)
    assert first["base"].out_pdf == os.path.join("out", "edition") and first["base"].jobs == 3
    assert (second["out_dir"], second["jobs"], second["scheduler"], second["quiet"]) == ("eds", 2, "tcp://h:8786", False)
    assert second["base"].grid is True
    code, err = _error(["--edition", "ed.yaml", "p.yaml"], capsys)
    assert code == 2 and err.startswith("error: --edition: --edition builds the pages its file names") and \
        err.count("\n") == 1


# ---------------------------------------------------------------- a batch, page after page in this process


def test_a_batch_names_each_page_after_its_file_in_the_output_folder(desk, capsys):
    (desk.root / "proofs").mkdir()
    assert main(["a/p1.yaml", "b/p2.yaml", "-j", "1", "--proof", "proofs", "--grid", "-q"]) == 0
    got = [(c.path, c.opts.out_pdf, c.opts.proof, c.opts.grid) for c in desk.calls]
    assert got == [("a/p1.yaml", os.path.join("out", "p1.pdf"), os.path.join("proofs", "p1.png"), True),
                   ("b/p2.yaml", os.path.join("out", "p2.pdf"), os.path.join("proofs", "p2.png"), True)]
    assert capsys.readouterr().err == ""  # -q: all good, nothing said


def test_a_batch_refuses_two_pages_of_the_same_name_before_building(desk, capsys):
    code, err = _error(["a/p1.yaml", "b/p1.yaml", "-o", "o", "-j", "1"], capsys)
    assert (code, err) == (2, "error: b/p1.yaml: a/p1.yaml and b/p1.yaml would both write p1.pdf "
                              "(hint: rename one article file or build them separately)\n")
    assert desk.calls == [] and not (desk.root / "o").exists()


def test_a_pages_bad_input_is_its_result_with_the_time_it_took(monkeypatch):
    def build(path, opts):
        raise InputError("ad file not found: ad.pdf", "p.yaml:5:46 reserved[0].file", "check the name")

    clock = iter([100.0, 100.25])
    monkeypatch.setattr(layout.pipeline, "build", build)
    monkeypatch.setattr(batch.time, "perf_counter", lambda: next(clock, 100.25))
    r = batch.build_page("p.yaml", BuildOptions(out_pdf="o/p.pdf"))
    assert (r.path, r.ok, r.exit_code) == ("p.yaml", False, 1)
    assert r.error == "p.yaml:5:46 reserved[0].file: ad file not found: ad.pdf (hint: check the name)"
    assert r.seconds == pytest.approx(0.25) and r.outputs == ()


def test_a_page_whose_photo_is_missing_fails_alone(tmp_path, capsys):
    shutil.copyfile(os.path.join(DATA, "mini-template.yaml"), tmp_path / "mini-template.yaml")
    text = open(os.path.join(DATA, "mini-photo.yaml"), encoding="utf-8").read()
    assert "img/landscape.jpg" in text
    (tmp_path / "bad.yaml").write_text(text.replace("img/landscape.jpg", "img/missing.jpg"), encoding="utf-8")
    r = batch.build_page(str(tmp_path / "bad.yaml"), BuildOptions(out_pdf=str(tmp_path / "o" / "bad.pdf"),
                                                                     cache_dir=str(tmp_path / "cache")))
    assert not r.ok and r.exit_code == 1 and "missing.jpg" in r.error and "\n" not in r.error
    assert 0 <= r.seconds < 60
    assert not (tmp_path / "o" / "bad.pdf").exists()


# ---------------------------------------------------------------- the watch session


AD_PAGE = """\
template: mini-template.yaml
edition: {paper: 测试日报, date: 2024-03-01, page: 3, page_name: 要闻}
reserved:
  - {id: ad, col: 1, span: 4, rows: 8, file: ad.pdf, label: 广告}
stories:
  - id: main
    headline: {title: [前半句话后半句话]}
    lead: "去年以来，郾城区紧扣全面建成小康社会目标任务。"
    sections:
      - heading: []
        paragraphs:
          - "坚决打赢精准脱贫攻坚战。"
"""


def test_the_session_keeps_a_loaded_page_while_its_ad_is_there(tmp_path):
    shutil.copyfile(os.path.join(DATA, "mini-template.yaml"), tmp_path / "mini-template.yaml")
    page_path = tmp_path / "page.yaml"
    page_path.write_text(AD_PAGE, encoding="utf-8")
    (tmp_path / "ad.pdf").write_bytes(b"%PDF-1.4 rest")
    opts = BuildOptions(out_pdf=str(tmp_path / "out" / "page.pdf"))
    session = Session(worker=False)
    page, _, template = session.load_inputs(str(page_path), opts)
    again, _, template2 = session.load_inputs(str(page_path), opts)
    assert again is page and template2 is template  # the same bytes: the page kept, not read again
    assert session.memo["page"].hits == 1
    (tmp_path / "ad.pdf").unlink()  # the ad taken away: loading tells the desk, as a fresh build would
    with pytest.raises(InputError, match="ad file not found"):
        session.load_inputs(str(page_path), opts)
    (tmp_path / "ad.pdf").write_bytes(b"%PDF-1.4 back")
    page_path.write_text(AD_PAGE.replace("前半句话", "前半句雪"), encoding="utf-8")  # an edit: the new text
    edited, _, _ = session.load_inputs(str(page_path), opts)
    assert edited is not page and edited.stories[0].headline.title[0].text.startswith("前半句雪")


def test_the_session_sees_a_photo_deleted_or_emptied(tmp_path):
    shutil.copyfile(os.path.join(DATA, "mini-template.yaml"), tmp_path / "mini-template.yaml")
    (tmp_path / "img").mkdir()
    shutil.copyfile(os.path.join(DATA, "img", "landscape.jpg"), tmp_path / "img" / "landscape.jpg")
    shutil.copyfile(os.path.join(DATA, "mini-photo.yaml"), tmp_path / "page.yaml")
    opts = BuildOptions(out_pdf=str(tmp_path / "page.pdf"))
    session = Session(worker=False)
    page = session.load_inputs(str(tmp_path / "page.yaml"), opts)[0]
    assert session.load_inputs(str(tmp_path / "page.yaml"), opts)[0] is page
    (tmp_path / "img" / "landscape.jpg").write_bytes(b"")
    with pytest.raises(InputError, match="landscape.jpg"):
        session.load_inputs(str(tmp_path / "page.yaml"), opts)
    (tmp_path / "img" / "landscape.jpg").unlink()
    with pytest.raises(InputError, match="landscape.jpg"):
        session.load_inputs(str(tmp_path / "page.yaml"), opts)


def test_a_font_catalog_that_is_gone_is_the_one_line_error(tmp_path, monkeypatch):
    from layout.source.load import load_page

    prepared = []
    monkeypatch.setattr(layout.fonts.faces, "prepare_faces", lambda *a, **kw: prepared.append(1) or {})
    page, _ = load_page(os.path.join(DATA, "mini-text.yaml"))
    missing = str(tmp_path / "desk-catalog.yaml")
    opts = BuildOptions(out_pdf=str(tmp_path / "a.pdf"), fonts=missing, cache_dir=str(tmp_path / "c"), jobs=1)
    with pytest.raises(InputError) as e:
        Session(worker=False).prepare_fonts(page, opts)
    assert "desk-catalog.yaml" in e.value.line() and prepared == []


@pytest.mark.usefixtures("debian_fonts")
def test_fonts_are_prepared_once_and_a_new_character_converts_only_itself(tmp_path, monkeypatch):
    """Roles on LXGW WenKai (TrueType) but the headline on Noto Serif CJK Black (CFF): a cold cache makes
    both subsets; the same characters again prepare nothing; a headline edit bringing a new character
    converts that subset in this process, its source face kept open, and the next one converts only the
    character it brings."""
    from layout.source.load import load_page

    roles = ("body", "kicker", "subtitle", "subhead", "sidebar_title", "sidebar", "folio", "caption", "byline")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("roles:\n" + "".join(f"  {r}: {{path: {LXGW}, index: 0, charset: display}}\n" for r in roles)
                       + f"  headline: {{path: {SERIF_BLACK}, index: 2, charset: display}}\n", encoding="utf-8")
    shutil.copyfile(os.path.join(DATA, "mini-template.yaml"), tmp_path / "mini-template.yaml")
    text = open(os.path.join(DATA, "mini-text.yaml"), encoding="utf-8").read()
    assert text.count("前半句话") == 1

    real = layout.fonts.faces.prepare_faces
    calls = []
    monkeypatch.setattr(layout.fonts.faces, "prepare_faces", lambda *a, **kw: calls.append(1) or real(*a, **kw))

    def page_with(title: str):
        (tmp_path / "page.yaml").write_text(text.replace("前半句话", title), encoding="utf-8")
        return load_page(str(tmp_path / "page.yaml"))[0]

    opts = BuildOptions(out_pdf=str(tmp_path / "a.pdf"), fonts=str(catalog), cache_dir=str(tmp_path / "cache"), jobs=1)
    session = Session(worker=False)
    page = page_with("前半句话")
    faces, missing = session.prepare_fonts(page, opts)
    assert missing == [] and "前" in faces["headline"].covered and calls == [1]
    again, _ = session.prepare_fonts(page_with("前半句话"), opts)
    assert again is faces and calls == [1]  # the same characters: prepared once
    session.prepare_fonts(page_with("前半句雪"), opts)
    assert len(session.memo["font-source"]) == 1  # the headline's CFF face, kept open for the next edit
    glyphs = len(session.memo["glyph"])
    assert glyphs >= 6
    faces3, _ = session.prepare_fonts(page_with("前半句霜"), opts)
    assert "霜" in faces3["headline"].covered and calls == [1, 1, 1]
    assert session.memo["font-source"].hits >= 1 and len(session.memo["glyph"]) == glyphs + 1
    assert session.memo["glyph"].hits >= 5  # the characters it had were not converted again


# ---------------------------------------------------------------- the change feed's timing


def test_a_save_is_handed_over_once_it_has_settled_not_later(tmp_path):
    """A save (open, write, close) is handed over SETTLE after its close: not before (other files of the
    same save may follow), and not at the feed's next half-second look either."""
    changes = w.Changes(settle=0.05, quiet=0.3)
    stop = threading.Timer(20, changes.close)  # never hang the suite
    stop.start()
    f = tmp_path / "a.yaml"
    f.write_text("a: 0\n", encoding="utf-8")
    try:
        changes.follow([str(f)])
        times = []
        for i in range(3):
            t0 = time.monotonic()
            f.write_text(f"a: {i + 1}\n", encoding="utf-8")
            assert changes.wait() == {w.norm(str(f))}
            times.append(time.monotonic() - t0)
        assert min(times) >= 0.05
        assert min(times) < 0.4, times
    finally:
        stop.cancel()
        changes.close()


def test_a_file_still_being_written_holds_the_burst_with_the_others_saved_meanwhile(tmp_path):
    changes = w.Changes(settle=0.01, quiet=0.3)
    stop = threading.Timer(20, changes.close)
    stop.start()
    a, photo = tmp_path / "a.yaml", tmp_path / "p.jpg"
    a.write_text("a: 0\n", encoding="utf-8")
    photo.write_bytes(b"0")
    try:
        changes.follow([str(a), str(photo)])
        with open(photo, "wb") as fh:  # a photo being copied: written, not yet closed
            fh.write(b"12")
            fh.flush()
            a.write_text("a: 1\n", encoding="utf-8")  # the article saved meanwhile
            time.sleep(0.1)
        assert changes.wait() == {w.norm(str(a)), w.norm(str(photo))}  # one build for both
    finally:
        stop.cancel()
        changes.close()
