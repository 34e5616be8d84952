"""layout.output.press: the back half as one function, and the press process's head start (warm_up)."""

from __future__ import annotations

import dataclasses
import io
import os

import pikepdf
import pytest
from reportlab.pdfgen import canvas

from layout.base.docmeta import DocMeta
from layout.base.errors import InputError
from layout.output import finish, press
from layout.photo.colour import DEFAULT_PROFILE
from support import srgb_icc

META = DocMeta(title="标题", creators=(("文", "记者"),), date="2024-03-01", page=3, paper="测试日报",
               page_name="要闻", keywords=("测试",), subject="", producer="zhpaper (test)", sources=())


KAI = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"


def _blank_page() -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "Kai" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Kai", KAI))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(100, 100), invariant=1, enforceColorSpace="cmyk", initialFontName="Kai")
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont("Kai", 12)
    c.drawString(10, 50, "版")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_warm_up_primes_the_profile_and_leaves_a_bad_one_for_the_job(tmp_path):
    """The press process warms up on the default profile before it knows the job; a profile that cannot be
    primed must not fail there (the job may name its own with --icc), and the job reports it itself."""
    finish._deflated.cache_clear()
    bad = srgb_icc(tmp_path)  # an RGB profile: no output profile for a press
    press.warm_up(bad)
    press.warm_up(str(tmp_path / "missing.icc"))
    assert finish._deflated.cache_info().currsize == 0  # nothing primed, and nothing raised
    press.warm_up(DEFAULT_PROFILE)
    assert finish._deflated.cache_info().currsize == 1  # the output profile, read and compressed once
    with pytest.raises(InputError, match="not a CMYK ICC profile") as info:
        finish.finish_press(_blank_page(), META, bad, (0, 0, 100, 100))
    assert info.value.where == bad
    made = finish.finish_press(_blank_page(), META, DEFAULT_PROFILE, (0, 0, 100, 100))
    assert finish._deflated.cache_info().hits >= 1  # the job used what warm_up prepared
    with pikepdf.open(io.BytesIO(made)) as pdf:
        with open(DEFAULT_PROFILE, "rb") as fh:
            assert pdf.Root.OutputIntents[0].DestOutputProfile.read_bytes() == fh.read()


# ---------------------------------------------------------------- make_files: the back half in one call

def _job(tmp_path, **kw) -> press.PressJob:
    import dataclasses

    from layout.base.primitives import GlyphRun, PageLayout, PlacedPage
    from layout.fonts.faces import Face
    from test_place import _ad

    text = "版面正文"
    face = Face("body", "KaiPressJob", KAI, KAI, 0, covered=frozenset(text))
    _ad_font = "KaiAdFont"
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _ad_font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(_ad_font, KAI))
    ad = _ad(tmp_path, _ad_font)
    items = (GlyphRun(20.0, 250.0, face.name, 12.0, text, (0.0, 12.0, 24.0, 36.0), block="b", kind="body", story="s"),
             PlacedPage(40.0, 30.0, 150.0, 100.0, ad, "ad", "ad"))
    layout = PageLayout(300.0, 300.0, (5.0, 5.0, 295.0, 295.0), items)
    job = press.PressJob(layout, {"body": face}, META, DEFAULT_PROFILE, str(tmp_path / "p03.pdf"),
                         str(tmp_path / "p03.archive.pdf"), alto_path=str(tmp_path / "p03.alto.xml"), proof_dpi=20)
    return dataclasses.replace(job, **kw)


def _check_set(job, files: dict) -> None:
    import hashlib
    import json
    import xml.etree.ElementTree as ET

    import pdfplumber

    assert set(files) == {"press", "archive", "alto", "proof", "manifest"}
    outputs = json.loads(files["manifest"])["outputs"]
    assert outputs == {name: {"sha256": hashlib.sha256(files[k]).hexdigest(), "bytes": len(files[k])}
                       for name, k in (("p03.pdf", "press"), ("p03.archive.pdf", "archive"), ("p03.alto.xml", "alto"))}
    root = ET.fromstring(files["alto"])
    assert root.find(".//{*}fileName").text == "p03.archive.pdf"  # the ALTO names the archive copy
    lines = ["".join(s.get("CONTENT") for s in ln.iter("{http://www.loc.gov/standards/alto/ns-v4#}String"))
             for ln in root.iter("{http://www.loc.gov/standards/alto/ns-v4#}TextLine")]
    assert lines == ["版面正文"]
    with pikepdf.open(io.BytesIO(files["press"])) as pdf:
        assert [float(v) for v in pdf.pages[0].TrimBox] == [5.0, 5.0, 295.0, 295.0]
    for kind in ("press", "archive"):  # the page's text and the ad's, in both PDFs
        with pdfplumber.open(io.BytesIO(files[kind])) as pdf:
            assert "".join(c["text"] for c in pdf.pages[0].chars) == "广告版面正文"
    from PIL import Image

    proof = Image.open(io.BytesIO(files["proof"]))
    assert all(abs(n - 300 * 20 / 72) < 1 for n in proof.size)  # the page at 20 dpi


def test_make_files_gives_the_whole_set_with_the_manifest_hashing_each_file(tmp_path):
    job = _job(tmp_path)
    seen = []
    files = press.make_files(job, early=lambda kind, data: seen.append((kind, data)))
    _check_set(job, files)
    assert seen == [("press", files["press"]), ("proof", files["proof"])]  # the press PDF first, then the proof
    assert press.make_files(job) == files  # the same bytes without `early`


def test_make_files_finishes_the_archive_in_the_worker_it_is_given(tmp_path):
    calls = []

    class Worker:  # as layout.base.fork.Worker: call(fn, *args) → a pending result
        def call(self, fn, *args):
            calls.append(fn.__name__)

            class Pending:
                def result(self):
                    calls.append("result")
                    return fn(*args)

                def discard(self):
                    pass

            return Pending()

    job = _job(tmp_path)
    files = press.make_files(job, parallel=Worker())
    assert calls == ["finish_archive", "result"]  # the archive copy is the worker's
    _check_set(job, files)


def test_make_files_with_the_archive_finished_in_a_forked_process_gives_the_same_set(tmp_path, monkeypatch):
    from layout.base import fork

    job = _job(tmp_path)
    forked = press.make_files(job, parallel=True)

    def no_fork(*a, **kw):
        raise AssertionError("forked without being asked to")

    monkeypatch.setattr(fork, "ForkedCall", no_fork)
    assert press.make_files(job) == forked


def test_make_files_keeps_font_subsets_in_the_cache_and_gives_the_same_bytes(tmp_path):
    job = _job(tmp_path)
    plain = press.make_files(job)
    cached = dataclasses.replace(job, cache_dir=str(tmp_path / "cache"))
    assert press.make_files(cached) == plain  # writes the subset programs
    assert any(files for _, _, files in os.walk(tmp_path / "cache"))
    assert press.make_files(cached) == plain  # reads them back


def test_a_bad_output_profile_is_its_own_error_when_the_press_pdf_goes_first(tmp_path):
    job = dataclasses.replace(_job(tmp_path), icc_path=str(tmp_path / "missing.icc"))
    seen = []
    with pytest.raises(InputError, match="cannot read output ICC profile") as info:
        press.make_files(job, early=lambda kind, data: seen.append(kind))
    assert info.value.where == str(tmp_path / "missing.icc") and seen == []


def test_make_files_keeps_the_proofs_photo_proxies_in_the_memo_it_is_given(tmp_path, monkeypatch):
    """With the watch process's memo the proof's stand-in for a photo (its CMYK JPEG decoded and scaled to
    the proof's size) is made once and kept for the next job of the same page; the bytes are those made
    without a memo."""
    import numpy as np
    from PIL import Image as PILImage

    from layout.base.memo import Memos
    from layout.base.primitives import Image
    from layout.output import proof
    from layout.photo.images import prepare_image

    arr = np.zeros((200, 300, 3), np.uint8)
    arr[:, :150] = (200, 30, 30)
    arr[:, 150:] = (10, 60, 180)
    PILImage.fromarray(arr, "RGB").save(tmp_path / "src.png")
    photo = prepare_image(str(tmp_path / "src.png"), 120.0, 80.0, ppi=100, cache_dir=str(tmp_path / "img")).path
    job = _job(tmp_path)
    layout = dataclasses.replace(job.layout, items=job.layout.items + (Image(150.0, 160.0, 120.0, 80.0, "src.png", photo),))
    job = dataclasses.replace(job, layout=layout)
    plain = press.make_files(job)

    made = []
    make = proof._proxy

    def counted(raw, width, height):
        made.append((width, height))
        return make(raw, width, height)

    monkeypatch.setattr(proof, "_proxy", counted)
    memos = Memos()
    assert press.make_files(job, memo=memos) == plain
    assert len(made) == 1 and made[0][0] < 120 * 100 / 72  # one photo, scaled down to the 20-dpi proof
    assert press.make_files(job, memo=memos) == plain
    assert len(made) == 1  # the second job found the proxy kept
