"""An ad PDF for a reserved area (layout.source.adpdf), checked in process on small PDFs made here:
its size as it shows, and each refusal's line."""

from __future__ import annotations

import pikepdf
import pytest

from layout.base.errors import InputError
from layout.base.pdfwalk import Use
from layout.source.adpdf import AdPage, _places, _reason, _refuse, check_ad_pdf

HINT = "export the ad again as a one-page PDF/X-1a (CMYK, fonts embedded, no transparency)"


def make(tmp_path, pages: int = 1, content: bytes = b"", trim=None, media=(0, 0, 300, 200), name="ad.pdf") -> str:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(media[2], media[3]))
    for page in pdf.pages:
        page.obj.MediaBox = pikepdf.Array(list(media))
        if trim is not None:
            page.obj.TrimBox = pikepdf.Array(list(trim))
        if content:
            page.obj.Contents = pdf.make_stream(content)
    path = str(tmp_path / name)
    pdf.save(path)
    return path


def refusal(path: str, shown: str = "ad.pdf") -> tuple[str, str]:
    with pytest.raises(InputError) as e:
        check_ad_pdf(path, shown)
    assert e.value.where == ""
    return e.value.what, e.value.hint


def test_a_page_measures_by_its_mediabox_or_trimbox(tmp_path):
    assert check_ad_pdf(make(tmp_path), "ad.pdf") == AdPage(300, 200, "MediaBox")
    path = make(tmp_path, trim=(10, 20, 110, 70), name="trim.pdf")
    assert check_ad_pdf(path, "trim.pdf") == AdPage(100, 50, "TrimBox")


def test_a_cmyk_page_passes(tmp_path):
    path = make(tmp_path, content=b"0 0 0 1 k 0 0 10 10 re f")
    assert check_ad_pdf(path, "x").box == "MediaBox"


@pytest.mark.parametrize("trim", [(10, 20, 10, 70), (10, 20, 110, 20)])
def test_an_empty_box(tmp_path, trim):
    assert refusal(make(tmp_path, trim=trim)) == ("ad PDF ad.pdf has an empty TrimBox", HINT)


def test_two_pages(tmp_path):
    assert refusal(make(tmp_path, pages=2), "广告.pdf") == (
        "ad PDF 广告.pdf has 2 pages; an ad is one page",
        "export only the ad's page, or give each page a reserved area of its own")


def test_not_a_pdf_names_the_shown_file(tmp_path):
    path = tmp_path / "ad.pdf"
    path.write_bytes(b"%PDF-1.4 and nothing more")
    what, hint = refusal(str(path))
    with pytest.raises(pikepdf.PdfError) as e:  # qpdf's own words for it, the path cut off the front
        pikepdf.open(str(path))
    said = " ".join(str(e.value).split()).removeprefix(f"{path}: ")[:160]
    assert said and what == f"cannot read ad PDF ad.pdf ({said})" and hint == HINT


def test_rgb_colour(tmp_path):
    what, hint = refusal(make(tmp_path, content=b"1 0 0 rg 0 0 10 10 re f"))
    assert what.startswith("ad PDF ad.pdf uses colour that is not CMYK, gray or spot: ")
    assert hint == ("press PDFs are CMYK only (the archive is PDF/A-2b with a CMYK output intent); " + HINT)


def test_reason_drops_the_path_and_keeps_one_line_of_160_characters():
    assert _reason(ValueError("/a/b.pdf: bad  xref\n table"), "/a/b.pdf") == "bad xref table"
    assert _reason(ValueError("/a/c.pdf: bad"), "/a/b.pdf") == "/a/c.pdf: bad"
    assert _reason(ValueError("x" * 200), "/a") == "x" * 160


def test_places_names_three_and_counts_the_rest():
    uses = [Use("colour", f"page 1 form /F{i}", "is DeviceRGB") for i in range(5)] + \
        [Use("colour", "page 1 form /F0", "is DeviceRGB"), Use("colour", "", "text is DeviceRGB")]
    assert _places(uses[:3]) == "page 1 form /F0: is DeviceRGB; page 1 form /F1: is DeviceRGB; page 1 form /F2: is DeviceRGB"
    assert _places(uses) == ("page 1 form /F0: is DeviceRGB; page 1 form /F1: is DeviceRGB; page 1 form /F2: is "
                             "DeviceRGB and 3 more")
    assert _places(uses[:4]).endswith(" and 1 more")


def test_refusals_come_in_order_fonts_colour_transparency():
    font, colour, alpha = (Use("font", "page 1", "font /F1 is not embedded", "Helvetica"),
                           Use("colour", "page 1", "is DeviceRGB"), Use("transparency", "page 1", "alpha 0.5"))
    for uses, what, hint in (
            ([alpha, colour, font, Use("font", "page 2", "x", "Helvetica"), Use("font", "p", "y", "Arial")],
             "ad PDF a.pdf has fonts that are not embedded: Helvetica, Arial", "a press PDF embeds every font; " + HINT),
            ([alpha, colour], "ad PDF a.pdf uses colour that is not CMYK, gray or spot: page 1: is DeviceRGB", None),
            ([alpha], "ad PDF a.pdf uses transparency: page 1: alpha 0.5",
             "PDF/X-1a has no transparency; " + HINT + ", which flattens it")):
        with pytest.raises(InputError) as e:
            _refuse("a.pdf", uses)
        assert e.value.what == what and (hint is None or e.value.hint == hint)
    assert _refuse("a.pdf", [Use("cie", "page 1", "Lab")]) is None


def test_encrypted_with_and_without_a_password(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page()
    locked, open_ = str(tmp_path / "locked.pdf"), str(tmp_path / "open.pdf")
    pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="u"))
    pdf.save(open_, encryption=pikepdf.Encryption(owner="o", user=""))
    asks = "ask the advertising department for a one-page PDF/X-1a (CMYK, fonts embedded, no transparency) without encryption"
    assert refusal(locked) == ("ad PDF ad.pdf is encrypted (it needs a password)", asks)
    assert refusal(open_) == ("ad PDF ad.pdf is encrypted", asks + " (PDF/X and PDF/A allow none)")
