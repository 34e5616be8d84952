"""layout.output.proof in process: the proof PNG of a rendered page, read back as pixels.

The proof is a valid PNG (Pillow checks every chunk's CRC) of the page at the asked resolution; the
photo shows its own colours where the page draws it, and the same as pdfium shows the untouched press
PDF (the proxy only saves time); the proxy is the photo at the size it takes in the proof; the watch
process keeps proxies in the table bounded for them.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pikepdf
import pytest
from PIL import Image as PILImage

from layout.base.errors import UsageError
from layout.base.memo import Memos
from layout.output import proof, render
from test_render import H, W, _layout, font, photo  # noqa: F401  (fixtures)


@pytest.fixture(scope="module")
def page(font, photo) -> bytes:  # noqa: F811
    return render.render(_layout(photo), font)


def _rgb(png: bytes) -> np.ndarray:
    im = PILImage.open(io.BytesIO(png))
    im.load()  # reads every chunk, checking its CRC
    assert im.format == "PNG" and im.mode == "RGB"
    return np.asarray(im).astype(int)


def _plain(pdf: bytes, dpi: float) -> np.ndarray:
    """pdfium's own rendering of `pdf`, no proxies."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        return np.asarray(doc[0].render(scale=dpi / 72.0).to_pil().convert("RGB")).astype(int)
    finally:
        doc.close()


def test_the_proof_is_the_page_at_its_resolution_with_the_photo_in_its_colours(page):
    dpi = 72
    px = _rgb(proof.proof_png(page, dpi))
    assert px.shape == (round(H), round(W), 3)
    # the photo (x 200–320, y 20–100 pt from the bottom): red on its left half, blue on its right
    top = round(H - 100)
    left = px[top + 20:top + 60, 210:250].mean(axis=(0, 1))
    right = px[top + 20:top + 60, 270:310].mean(axis=(0, 1))
    assert left[0] > left[2] + 60 and right[2] > right[0] + 60
    assert px[5:15, 150:190].min() >= 250  # paper where nothing is drawn
    assert px[round(H - 250) - 8:round(H - 250), 50:100].min() < 100  # the black line of text
    # the same picture pdfium gives of the untouched PDF
    diff = np.abs(px - _plain(page, dpi))
    assert diff[top:top + 80, 200:320].mean() < 6
    assert diff.mean() < 1


def test_the_photo_proxy_is_the_photo_at_its_size_in_the_proof(page):
    dpi = 36
    with pikepdf.open(io.BytesIO(proof._with_proxies(page, dpi))) as doc:
        (im,) = [x for x in doc.pages[0].Resources.XObject.values() if x.Subtype == "/Image"]
        assert (int(im.Width), int(im.Height)) == (math.ceil(120 * dpi / 72) + 1, math.ceil(80 * dpi / 72) + 1)
        assert "/Decode" not in im and str(im.ColorSpace) == "/DeviceCMYK"
        cmyk = np.frombuffer(im.read_bytes(), np.uint8).reshape(int(im.Height), int(im.Width), 4).astype(int)
    with pikepdf.open(io.BytesIO(page)) as doc:
        (orig,) = [x for x in doc.pages[0].Resources.XObject.values() if x.Subtype == "/Image"]
        jpeg = PILImage.open(io.BytesIO(orig.read_raw_bytes()))
        want = np.asarray(jpeg.convert("CMYK").resize((cmyk.shape[1], cmyk.shape[0]), PILImage.Resampling.BOX)).astype(int)
    inner = (slice(2, -2), slice(2, -2))
    assert np.abs(cmyk[inner] - want[inner]).mean() < 6
    # a page without photos is proofed from its own bytes
    assert proof._with_proxies(render.render(_layout(), "KaiRenderTest"), dpi) == render.render(_layout(), "KaiRenderTest")


def test_kept_proxies_are_kept_in_their_own_table_and_change_nothing(page):
    memo = Memos({"proxy": (4, 1 << 20)})
    fresh = proof.proof_png(page, 50)
    assert proof.proof_png(page, 50, memo) == fresh
    assert proof.proof_png(page, 50, memo) == fresh
    assert memo.stats() == {"proxy": {"items": 1, "bytes": memo.stats()["proxy"]["bytes"], "hits": 1, "misses": 1}}


def test_dpi_out_of_range_is_a_usage_error():
    for dpi in (9.9, 601):
        with pytest.raises(UsageError, match="--proof-dpi"):
            proof.check_dpi(dpi)
    proof.check_dpi(10)
    proof.check_dpi(600)


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """A PNG's chunks (type, data), each CRC checked, read by the PNG spec (not the writer's code)."""
    import struct
    import zlib

    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(png):
        (n,) = struct.unpack(">I", png[pos:pos + 4])
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + n]
        (crc,) = struct.unpack(">I", png[pos + 8 + n:pos + 12 + n])
        assert crc == zlib.crc32(kind + data), kind
        out.append((kind, data))
        pos += 12 + n
    return out


def test_the_png_is_header_data_and_an_empty_end(page):
    chunks = _chunks(proof.proof_png(page, 20))
    assert [k for k, _ in chunks] == [b"IHDR", b"IDAT", b"IEND"]
    assert chunks[-1][1] == b""  # IEND's data field is empty (PNG spec 11.2.5)


def test_placed_sizes_follow_the_graphics_state_even_unbalanced_and_turned():
    doc = pikepdf.new()
    doc.add_blank_page(page_size=(200, 200))
    page = doc.pages[0]
    page.Contents = doc.make_stream(b"Q q 1 0 0 1 10 10 cm 50 0 0 40 0 0 cm /A Do Q "  # a stray Q first
                                    b"q 0 1 -1 0 100 0 cm 1 0 0 1 5 5 cm 30 0 0 20 0 0 cm /B Do Q "  # turned 90 degrees
                                    b"q 2 0 0 2 0 0 cm 10 0 0 10 0 0 cm /A Do Q")
    sizes = proof._placed_sizes(page)
    assert sizes["/A"] == pytest.approx((50, 40)) and sizes["/B"] == pytest.approx((30, 20))


def test_kept_proxies_of_two_photos_are_kept_apart(font, tmp_path):  # noqa: F811
    from layout.base.primitives import Image
    from layout.photo.images import prepare_image

    paths = []
    for n, colour in enumerate(((220, 20, 20), (20, 20, 220))):
        src = tmp_path / f"p{n}.png"
        PILImage.new("RGB", (200, 150), colour).save(src)
        paths.append(prepare_image(str(src), 100.0, 75.0, ppi=100, cache_dir=str(tmp_path / "cache")).path)
    items = (Image(20, 20, 100, 75, "a", paths[0]), Image(200, 20, 100, 75, "b", paths[1]))
    from layout.base.primitives import PageLayout

    pdf = render.render(PageLayout(W, H, (0, 0, W, H), items), font)
    memo = Memos({"proxy": (4, 1 << 20)})
    assert proof.proof_png(pdf, 30, memo) == proof.proof_png(pdf, 30)
    px = _rgb(proof.proof_png(pdf, 72, memo))
    row = int(H) - 60
    assert px[row, 70, 0] > px[row, 70, 2] + 60 and px[row, 250, 2] > px[row, 250, 0] + 60


def _without_adobe_segment(jpeg: bytes) -> bytes:
    """The JPEG without its APP14 "Adobe" segment (the marker that says its CMYK samples are stored inverted)."""
    out, pos = bytearray(jpeg[:2]), 2
    while jpeg[pos] == 0xFF and jpeg[pos + 1] not in (0xDA, 0xD9):
        n = int.from_bytes(jpeg[pos + 2:pos + 4], "big")
        if jpeg[pos + 1] != 0xEE:
            out += jpeg[pos:pos + 2 + n]
        pos += 2 + n
    return bytes(out + jpeg[pos:])


def _with_photo_changed(pdf: bytes, change) -> bytes:
    doc = pikepdf.open(io.BytesIO(pdf))
    (im,) = [x for x in doc.pages[0].Resources.XObject.values() if x.Subtype == "/Image"]
    change(im)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_a_photo_whose_decode_and_adobe_marker_disagree_is_proofed_as_the_pdf_shows_it(page):
    """Pillow undoes the inversion an Adobe JPEG stores, which the PDF's /Decode [1 0 …] undoes too: a photo
    with only one of the two is left as it is, so the proof still shows what the PDF shows."""
    def no_decode(im):
        del im["/Decode"]

    def no_marker(im):
        raw = im.read_raw_bytes()
        stripped = _without_adobe_segment(raw)
        assert b"Adobe" in raw[:4096] and b"Adobe" not in stripped[:4096]
        im.write(stripped, filter=pikepdf.Name.DCTDecode)

    for change in (no_decode, no_marker):
        pdf = _with_photo_changed(page, change)
        assert np.array_equal(_rgb(proof.proof_png(pdf, 36)), _plain(pdf, 36)), change.__name__
