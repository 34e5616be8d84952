"""layout.output.press: the back half as one function, and the press process's head start (warm_up)."""

from __future__ import annotations

import io

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
