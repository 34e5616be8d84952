"""layout.output.finish: press PDF, PDF/A-2b archive, manifest, filing."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess

import numpy as np
import pikepdf
import pytest
from PIL import Image
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from layout.output import finish
from layout.photo.colour import DEFAULT_PROFILE
from layout.base.errors import InputError
from layout.base.docmeta import DocMeta
from layout.output.finish import file_to_archive, finish_archive, finish_press, validate_archive
from layout.photo.images import prepare_image
from support import srgb_icc

KAI = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"
W, H = 400.0, 300.0
TRIM = (8.5, 8.5, W - 8.5, H - 8.5)
META = DocMeta(title="郾城区：产业集聚展新颜", creators=(("文", "张星"), ("图", "焦海洋"), ("版式", "李明")),
               date="2021-01-18", page=8, paper="漯河日报", page_name="专版", keywords=("郾城", "产业集聚区"),
               subject="郾城区经济发展", producer="zhpaper 0.1.0 (test)",
               sources=(("article.yaml", "a" * 64), ("assets/photos/01-songjiang.jpg", "b" * 64)))


@pytest.fixture(scope="module")
def cmyk_jpeg(tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("img")
    arr = np.zeros((300, 450, 3), np.uint8)
    arr[:, :150] = (200, 30, 30)
    arr[:, 150:300] = (250, 250, 250)
    arr[:, 300:] = (10, 60, 180)
    src = str(d / "src.png")
    Image.fromarray(arr, "RGB").save(src)
    return prepare_image(src, 150.0, 100.0, ppi=150, cache_dir=str(d / "cache")).path


def _reportlab_pdf(jpeg: str | None, *, font: bool = True, rgb: bool = False) -> bytes:
    """A page as the renderer writes it: invariant, CMYK, TTF font, CMYK JPEG passed by path."""
    rl_config.useA85 = 0
    if "Kai" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Kai", KAI))
    buf = io.BytesIO()
    kw = {"initialFontName": "Kai"} if font else {}
    c = canvas.Canvas(buf, pagesize=(W, H), invariant=1, enforceColorSpace=None if rgb else "cmyk", **kw)
    if rgb:
        c.setFillColorRGB(0.8, 0.1, 0.1)
    else:
        c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont("Kai" if font else "Helvetica", 14)
    c.drawString(20, H - 40, "郾城区：产业集聚展新颜 2021")
    c.setStrokeColorCMYK(0, 0, 0, 1)
    c.line(20, H - 50, W - 20, H - 50)
    if jpeg:
        c.drawImage(jpeg, 20, 20, 150, 100)
    c.save()
    return buf.getvalue()


@pytest.fixture(scope="module")
def raw(cmyk_jpeg) -> bytes:
    return _reportlab_pdf(cmyk_jpeg)


@pytest.fixture(scope="module")
def press(raw) -> bytes:
    return finish_press(raw, META, DEFAULT_PROFILE, TRIM)


@pytest.fixture(scope="module")
def archive(raw) -> bytes:
    return finish_archive(raw, META, DEFAULT_PROFILE)


def _write(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def _content_bytes(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return b"\n".join(page.obj.Contents.read_bytes() if isinstance(page.obj.Contents, pikepdf.Stream)
                          else b"".join(s.read_bytes() for s in page.obj.Contents) for page in doc.pages)


def _pdfinfo_boxes(path: str) -> dict[str, list[float]]:
    out = subprocess.run(["pdfinfo", "-box", path], capture_output=True, text=True, check=True).stdout
    return {m[1]: [float(v) for v in m[2].split()] for m in re.finditer(r"^(\w+Box):\s+([\d. ]+)$", out, re.M)}


# ---------------------------------------------------------------- press

def test_press_has_no_rgb_anywhere(press):
    content = _content_bytes(press)
    assert b" k" in content  # the CMYK black really is there
    assert not re.search(rb"\b(rg|RG)\b", content)
    with pikepdf.open(io.BytesIO(press)) as doc:  # images, resources, every object
        names = {str(v) for obj in doc.objects for v in (obj.values() if isinstance(obj, pikepdf.Dictionary)
                                                          else obj.stream_dict.values() if isinstance(obj, pikepdf.Stream)
                                                          else ()) if isinstance(v, pikepdf.Name)}
    assert "/DeviceCMYK" in names and not names & {"/DeviceRGB", "/ICCBased", "/CalRGB", "/Lab"}
    assert finish.press_problems(press) == []


def test_press_passes_qpdf_and_has_the_boxes(press, tmp_path):
    path = _write(tmp_path, "press.pdf", press)
    subprocess.run(["qpdf", "--check", path], check=True, capture_output=True)
    boxes = _pdfinfo_boxes(path)
    assert boxes["TrimBox"] == pytest.approx(list(TRIM), abs=0.01)
    assert boxes["MediaBox"] == pytest.approx([0, 0, W, H])
    with pikepdf.open(io.BytesIO(press)) as doc:
        page = doc.pages[0].obj
        assert pikepdf.Name.BleedBox not in page  # only when asked
        assert pikepdf.Name.Trans not in page
        assert doc.pdf_version == "1.4"


def test_press_bleed_box_when_asked(raw):
    bleed = (0.0, 0.0, W, H)
    out = finish_press(raw, META, DEFAULT_PROFILE, TRIM, bleed_box_pt=bleed)
    with pikepdf.open(io.BytesIO(out)) as doc:
        assert [float(v) for v in doc.pages[0].obj.BleedBox] == list(bleed)
    with pytest.raises(ValueError, match="does not contain"):
        finish_press(raw, META, DEFAULT_PROFILE, TRIM, bleed_box_pt=(10, 10, W, H))
    with pytest.raises(ValueError, match="outside the MediaBox"):
        finish_press(raw, META, DEFAULT_PROFILE, (0, 0, W + 20, H))


def test_press_output_intent_and_metadata(press):
    icc = open(DEFAULT_PROFILE, "rb").read()
    with pikepdf.open(io.BytesIO(press)) as doc:
        intents = doc.Root.OutputIntents
        assert len(intents) == 1
        oi = intents[0]
        assert oi.S == pikepdf.Name.GTS_PDFX
        assert str(oi.OutputConditionIdentifier) == "IFRA26"
        assert str(oi.RegistryName) == "http://www.color.org"
        assert oi.DestOutputProfile.read_bytes() == icc and int(oi.DestOutputProfile.N) == 4
        info = doc.docinfo
        assert info.Trapped == pikepdf.Name("/False")
        assert str(info.Title) == META.title
        assert str(info.Author) == "文/张星; 图/焦海洋; 版式/李明"
        assert str(info.CreationDate).startswith("D:20210118000000+08")
        meta = doc.open_metadata()
        assert meta["dc:creator"] == ["文/张星", "图/焦海洋", "版式/李明"]
        assert meta["xmp:MetadataDate"] == "2021-01-18T00:00:00+08:00"


def test_press_is_byte_identical_across_runs(raw, press):
    assert finish_press(raw, META, DEFAULT_PROFILE, TRIM) == press


def test_press_rejects_rgb_content(cmyk_jpeg):
    rgb = _reportlab_pdf(cmyk_jpeg, rgb=True)
    problems = finish.press_problems(rgb)
    assert any("RGB colour operator" in p for p in problems)
    with pytest.raises(finish.FinishError, match="RGB"):
        finish_press(rgb, META, DEFAULT_PROFILE, TRIM)


def test_press_problems_sees_colour_spaces_and_inline_images_in_content(raw):
    # The content check only asks qpdf for the colour and inline-image operators: each must still
    # be seen, and text operators around them must not hide them. An inline image is judged by its
    # colour space: the gray one passes, the RGB one does not.
    with pikepdf.open(io.BytesIO(raw)) as doc:
        page = doc.pages[0]
        extra = (b"q /DeviceRGB cs 0.1 0.2 0.3 sc Q BT /F1 9 Tf (rg) Tj ET "
                 b"q BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q "
                 b"q BI /W 1 /H 1 /CS /RGB /BPC 8 ID \x80\x80\x80 EI Q 0 0 1 RG")
        page.obj.Contents = doc.make_stream(page.obj.Contents.read_bytes() + b"\n" + extra)
        out = io.BytesIO()
        doc.save(out)
    problems = finish.press_problems(out.getvalue())
    assert sum("colour space /DeviceRGB set in content" in p for p in problems) == 1
    assert [p for p in problems if "inline image" in p] == ["page 1: inline image is DeviceRGB"]
    assert sum("RGB colour operator RG" in p for p in problems) == 1
    assert not any("operator rg" in p for p in problems)  # "(rg)" is a string operand, not an operator


def test_press_problems_judge_spot_and_indexed_colour_by_their_base(raw):
    # PDF/X-1a: device CMYK/gray and spot colour pass, whatever wraps them; RGB does not, nor does
    # CMYK through an ICC profile (device and spot colour only), also as a base or an alternate.
    with pikepdf.open(io.BytesIO(raw)) as doc:
        page = doc.pages[0]
        tint = doc.make_stream(b"{0 0 3 -1 roll 0}", FunctionType=4, Domain=[0, 1], Range=[0, 1] * 4)
        cmyk_icc = doc.make_stream(b"", N=4)
        rgb_icc = doc.make_stream(b"", N=3)
        page.obj.Resources.ColorSpace = pikepdf.Dictionary({
            "/Spot": pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name("/PANTONE 485 C"),
                                    pikepdf.Name.DeviceCMYK, tint]),
            "/Pal": pikepdf.Array([pikepdf.Name.Indexed, pikepdf.Name.DeviceCMYK, 0, b"\0\0\0\xff"]),
            "/RgbSpot": pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name("/Gold"), pikepdf.Name.DeviceRGB, tint]),
            "/Icc4": pikepdf.Array([pikepdf.Name.ICCBased, cmyk_icc]),
            "/Icc3": pikepdf.Array([pikepdf.Name.Indexed, pikepdf.Array([pikepdf.Name.ICCBased, rgb_icc]), 0,
                                    b"\0\0\0"]),
        })
        out = io.BytesIO()
        doc.save(out)
    problems = [p for p in finish.press_problems(out.getvalue()) if "colour" in p]
    assert sorted(problems) == ["page 1: colour space /Icc3 uses ICCBased N=3",
                                "page 1: colour space /Icc4 uses ICCBased N=4",
                                "page 1: colour space /RgbSpot uses DeviceRGB"]


def test_press_problems_sees_rgb_images_and_transparency(tmp_path):
    rl_config.useA85 = 0
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(W, H), invariant=1)
    rgb_png = str(tmp_path / "rgba.png")
    Image.new("RGBA", (20, 20), (255, 0, 0, 128)).save(rgb_png)
    c.drawImage(rgb_png, 10, 10, 50, 50, mask="auto")
    c.setFillAlpha(0.5)
    c.rect(100, 100, 20, 20, fill=1)
    c.save()
    problems = " | ".join(finish.press_problems(buf.getvalue()))
    assert "DeviceRGB" in problems
    assert "transparency" in problems
    assert "not embedded" in problems  # reportlab's default Helvetica


def test_bad_meta_is_an_input_error(raw, tmp_path):
    bad = DocMeta(**{**META.__dict__, "date": "2021-02-30"})
    with pytest.raises(InputError, match="edition.date"):
        finish_press(raw, bad, DEFAULT_PROFILE, TRIM)
    with pytest.raises(InputError, match="not a CMYK ICC profile"):
        finish_press(raw, META, srgb_icc(tmp_path), TRIM)


# ---------------------------------------------------------------- archive

def test_archive_passes_pdfa_2b_and_qpdf(archive, tmp_path):
    ok, findings = validate_archive(archive)
    assert ok, findings
    subprocess.run(["qpdf", "--check", _write(tmp_path, "a.pdf", archive)], check=True, capture_output=True)


def test_archive_xmp_carries_byline_edition_and_sources(archive):
    with pikepdf.open(io.BytesIO(archive)) as doc:
        xmp = doc.open_metadata()
        assert xmp["dc:title"] == META.title
        assert xmp["dc:creator"] == ["文/张星", "图/焦海洋", "版式/李明"]
        assert xmp["dc:date"] == ["2021-01-18"]
        assert "第8版" in xmp["dc:description"] and "漯河日报" in xmp["dc:description"]
        assert xmp["dc:subject"] == {"郾城", "产业集聚区"}
        relations = xmp["dc:relation"]
        for path, sha in META.sources:
            assert f"source {path} sha256:{sha}" in relations
        assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
        oi = doc.Root.OutputIntents[0]
        assert oi.S == pikepdf.Name.GTS_PDFA1 and str(oi.OutputConditionIdentifier) == "IFRA26"


def test_archive_is_byte_identical_across_runs(raw, archive):
    assert finish_archive(raw, META, DEFAULT_PROFILE) == archive


def test_archive_refuses_unembedded_font(cmyk_jpeg):
    bad = _reportlab_pdf(cmyk_jpeg, font=False)  # Helvetica, not embedded
    with pytest.raises(finish.FinishError, match="PDF/A-2b"):
        finish_archive(bad, META, DEFAULT_PROFILE)


def test_press_file_is_not_a_pdfa(press):
    ok, findings = validate_archive(press)
    assert not ok and findings


# ---------------------------------------------------------------- files

def test_manifest_is_sorted_deterministic_and_complete(press):
    a = finish.manifest_bytes(META, {"p.pdf": press})
    assert a == finish.manifest_bytes(META, {"p.pdf": press})
    record = json.loads(a)
    assert list(record) == sorted(record)
    assert record["outputs"]["p.pdf"]["bytes"] == len(press)
    assert [s["path"] for s in record["sources"]] == ["article.yaml", "assets/photos/01-songjiang.jpg"]
    assert record["creators"][0] == {"role": "文", "name": "张星"}
    assert {"reportlab", "pikepdf", "Pillow"} <= set(record["tools"])


def test_file_to_archive_names_and_refuses_overwrite(tmp_path, press, archive):
    files = {"press": press, "archive": archive}
    written = file_to_archive(str(tmp_path), files, META, "yancheng", force=False)
    assert os.listdir(tmp_path) == ["2021-01-18_p08_yancheng"]  # the page's own folder, renamed into place whole
    assert {os.path.dirname(p) for p in written} == {str(tmp_path / "2021-01-18_p08_yancheng")}
    names = sorted(os.path.basename(p) for p in written)
    assert names == ["2021-01-18_p08_yancheng.archive.pdf", "2021-01-18_p08_yancheng.manifest.json",
                     "2021-01-18_p08_yancheng.pdf"]
    filed = tmp_path / "2021-01-18_p08_yancheng"
    manifest = json.loads((filed / "2021-01-18_p08_yancheng.manifest.json").read_text("utf-8"))
    assert manifest["outputs"]["2021-01-18_p08_yancheng.pdf"]["bytes"] == len(press)

    before = {n: (filed / n).read_bytes() for n in names}
    with pytest.raises(InputError, match="already archived") as err:
        file_to_archive(str(tmp_path), {"press": b"%PDF-changed"}, META, "yancheng", force=False)
    assert "--force" in str(err.value)
    assert {n: (filed / n).read_bytes() for n in names} == before

    file_to_archive(str(tmp_path), {"press": b"%PDF-changed"}, META, "yancheng", force=True)
    assert (filed / "2021-01-18_p08_yancheng.pdf").read_bytes() == b"%PDF-changed"
    assert sorted(os.listdir(filed)) == ["2021-01-18_p08_yancheng.manifest.json", "2021-01-18_p08_yancheng.pdf"]
    assert os.listdir(tmp_path) == ["2021-01-18_p08_yancheng"]  # the replaced set and every temporary gone


def test_file_to_archive_rejects_bad_slug(tmp_path, press):
    with pytest.raises(InputError, match="slug"):
        file_to_archive(str(tmp_path), {"press": press}, META, "../etc", force=False)


def test_archive_save_settings_are_pikepdfs_pdfa_settings():
    import pikepdf.pdfa as pdfa

    assert finish.PDFA_SAVE_KWARGS == pdfa.resolve_save_kwargs("2b", deterministic_id=True)


def test_unvalidated_archive_is_the_validated_bytes(raw):
    fast = finish_archive(raw, META, DEFAULT_PROFILE, validate=False)
    assert fast == finish_archive(raw, META, DEFAULT_PROFILE, validate=True)
    assert validate_archive(fast)[0]


@pytest.mark.parametrize("kind", ["press", "archive", "alto", "manifest"])
def test_file_to_archive_refuses_when_any_one_file_is_there(tmp_path, press, archive, kind):
    """Any one archived file of the set already there is refused — not only the press PDF — and
    nothing is written: the one already there is left as it was, no other file appears."""
    files = {"press": press, "archive": archive, "alto": b"<alto/>"}
    name = finish.archive_names(META, "yancheng")[kind]
    (tmp_path / name).write_bytes(b"filed before")
    with pytest.raises(InputError, match="already archived") as err:
        file_to_archive(str(tmp_path), files, META, "yancheng", force=False)
    assert name in str(err.value)
    assert sorted(os.listdir(tmp_path)) == [name] and (tmp_path / name).read_bytes() == b"filed before"


# ---------------------------------------------------------------- read back field by field (make mutate)

def test_both_pdfs_name_the_paper_and_describe_the_edition(press, archive):
    for pdf in (press, archive):
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            xmp = doc.open_metadata()
            assert xmp["photoshop:Source"] == "漯河日报"
            assert xmp["photoshop:Headline"] == META.title
            assert set(xmp["dc:publisher"]) == {"漯河日报"}
            # paper, date, page and 版名, then the subject
            assert xmp["dc:description"] == "漯河日报 2021-01-18 第8版 专版：郾城区经济发展"
            assert str(doc.docinfo.Subject) == xmp["dc:description"]
    with pikepdf.open(io.BytesIO(archive)) as doc:  # ISO 19005-2 6.6.4: part 2, conformance level B
        xmp = doc.open_metadata()
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B")


def test_the_manifest_records_keywords_stories_arrangement_and_the_tools_that_made_it(press):
    import platform

    import fontTools
    import PIL
    import reportlab

    from layout.base.docmeta import StoryMeta

    meta = META.__class__(**{**META.__dict__, "stories": (StoryMeta("lead", "story", "头条", 1.5, 2.25, 100.0, 80.0),),
                             "arrangement": (("lead", "story", 1, 4, 1, 20),)})
    record = json.loads(finish.manifest_bytes(meta, {"p.pdf": press}))
    assert record["keywords"] == ["郾城", "产业集聚区"]
    assert record["stories"] == [{"id": "lead", "kind": "story", "title": "头条",
                                  "region_mm": {"x": 1.5, "y": 2.25, "width": 100.0, "height": 80.0}}]
    assert record["arrangement"] == {"modules": [{"id": "lead", "kind": "story", "col": 1, "span": 4, "row": 1,
                                                  "rows": 20}]}
    assert record["tools"] == {"python": platform.python_version(), "reportlab": reportlab.Version,
                               "pikepdf": pikepdf.__version__, "qpdf": pikepdf.__libqpdf_version__,
                               "Pillow": PIL.__version__, "fontTools": fontTools.version}


def test_a_bleed_box_outside_the_page_is_named(raw):
    with pytest.raises(ValueError, match=r"^BleedBox \(0, 0, 500, 500\) lies outside the MediaBox"):
        finish_press(raw, META, DEFAULT_PROFILE, TRIM, (0, 0, 500, 500))
    with pytest.raises(ValueError, match=r"^BleedBox \(10, 10, 390.0, 290.0\) does not contain the TrimBox"):
        finish_press(raw, META, DEFAULT_PROFILE, TRIM, (10, 10, W - 10, H - 10))


def test_a_full_archive_disk_is_one_line_and_files_nothing(tmp_path, press, archive, monkeypatch):
    import errno

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    monkeypatch.setattr(finish, "_write_synced", full)
    with pytest.raises(InputError) as e:
        file_to_archive(str(tmp_path), {"press": press, "archive": archive}, META, "yancheng")
    assert e.value.what == "cannot file the page (No space left on device)"
    assert e.value.hint.startswith("free space on the archive's disk and file again")
    assert "needs no --force" in e.value.hint
    assert os.listdir(tmp_path) == []


def test_the_press_file_is_pdf_1_4_whatever_the_page_came_as(raw):
    """PDF/X-1a:2003 is PDF 1.4: a page written as PDF 1.5 with object streams still gives a 1.4 press file
    with none."""
    doc = pikepdf.open(io.BytesIO(raw))
    buf = io.BytesIO()
    doc.save(buf, min_version="1.5", object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert buf.getvalue().startswith(b"%PDF-1.5")
    out = finish_press(buf.getvalue(), META, DEFAULT_PROFILE, TRIM)
    assert out.startswith(b"%PDF-1.4") and b"/ObjStm" not in out and b"/XRef" not in out


def test_a_page_without_fonts_and_an_ad_without_fonts_are_finished(tmp_path):
    """A page of rules and tints only (no /Font anywhere), and the same page with a vector ad placed on it."""
    from layout.base.primitives import PlacedPage
    from layout.output.place import place_pages

    def vector(path=None) -> bytes:
        doc = pikepdf.new()
        doc.add_blank_page(page_size=(W, H))
        doc.pages[0].Contents = doc.make_stream(b"0 0 0 1 k 20 20 100 50 re f")
        buf = io.BytesIO()
        doc.save(buf) if path is None else doc.save(path)
        return buf.getvalue()

    page = vector()
    vector(tmp_path / "ad.pdf")
    for pdf in (page, place_pages(page, [PlacedPage(150.0, 100.0, 100.0, 80.0, str(tmp_path / "ad.pdf"))])):
        assert finish.press_problems(finish_press(pdf, META, DEFAULT_PROFILE, TRIM)) == []
        ok, findings = validate_archive(finish_archive(pdf, META, DEFAULT_PROFILE))
        assert ok, findings


def test_the_xmp_says_the_file_is_a_pdf(press, archive):
    for pdf in (press, archive):
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            assert doc.open_metadata()["dc:format"] == "application/pdf"  # the file's MIME type


def test_the_manifest_names_its_schema_and_later_outputs_are_hashed_into_it(press):
    import hashlib

    a = finish.manifest_bytes(META, {"p.pdf": press})
    assert json.loads(a)["schema"] == "zhpaper-manifest/1"
    more = {"p.report.json": b'{"errors": []}\n', "p.png": b"\x89PNG not really"}
    b = json.loads(finish.manifest_with(a, more))
    assert b["outputs"] == {**json.loads(a)["outputs"],
                            **{n: {"sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)} for n, d in more.items()}}
    assert {k: v for k, v in b.items() if k != "outputs"} == {k: v for k, v in json.loads(a).items() if k != "outputs"}


def test_other_filing_errors_say_so_without_blaming_the_disk(tmp_path, press, archive, monkeypatch):
    import errno

    def broken(path, data):
        raise OSError(errno.EIO, os.strerror(errno.EIO), path)

    monkeypatch.setattr(finish, "_write_synced", broken)
    with pytest.raises(InputError) as e:
        file_to_archive(str(tmp_path), {"press": press, "archive": archive}, META, "yancheng")
    assert e.value.what == "cannot file the page (Input/output error)"
    assert e.value.hint == "check the archive folder, then file again (nothing was filed)"
    assert os.listdir(tmp_path) == []


def test_a_swap_that_fails_says_why(tmp_path):
    (tmp_path / "there").mkdir()
    with pytest.raises(OSError) as e:
        finish._exchange(str(tmp_path / "missing"), str(tmp_path / "there"))
    assert e.value.strerror == os.strerror(e.value.errno) and e.value.errno == 2


def test_filing_with_force_where_the_system_cannot_swap_replaces_the_folder_whole(tmp_path, press, archive, monkeypatch):
    files = {"press": press, "archive": archive}
    file_to_archive(str(tmp_path), {"press": b"old press", "archive": b"old archive"}, META, "yancheng")
    monkeypatch.setattr(finish, "_exchange", lambda a, b: False)  # no RENAME_EXCHANGE here
    written = file_to_archive(str(tmp_path), files, META, "yancheng", force=True)
    assert os.listdir(tmp_path) == ["2021-01-18_p08_yancheng"]  # the old set is gone, no temp folder left
    by_name = {os.path.basename(p): open(p, "rb").read() for p in written}
    assert by_name["2021-01-18_p08_yancheng.pdf"] == press
    assert by_name["2021-01-18_p08_yancheng.archive.pdf"] == archive


def test_aborting_a_filing_whose_temp_folder_is_gone_is_quiet(tmp_path, press):
    import shutil

    filing = finish.Filing(str(tmp_path), {"press": press}, META, "yancheng")
    shutil.rmtree(filing.tmp)  # another filing's sweep took it
    filing.abort()
    assert os.listdir(tmp_path) == []


def test_two_faces_first_subsets_get_tags_of_their_own():
    """reportlab names the first subset of every face AAAAAA+…; in one file different subsets need
    different tags (ISO 32000-1 9.6.4), in the font and in its descriptor."""
    if "Kai" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("Kai", KAI))
    if "Kai2" not in pdfmetrics.getRegisteredFontNames():
        second = TTFont("Kai2", KAI)
        second.face.name = second.face.name + b"-TWO"  # another face to reportlab (as register_faces names them)
        pdfmetrics.registerFont(second)
    rl_config.useA85 = 0
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(W, H), invariant=1, enforceColorSpace="cmyk", initialFontName="Kai")
    c.setFillColorCMYK(0, 0, 0, 1)
    c.setFont("Kai", 14)
    c.drawString(20, 100, "郾城")
    c.setFont("Kai2", 14)
    c.drawString(20, 60, "产业")
    c.save()
    with pikepdf.open(io.BytesIO(buf.getvalue())) as doc:
        before = [str(f.BaseFont)[1:7] for f in doc.pages[0].Resources.Font.values()]
    assert len(before) == 2 and before[0] == before[1]  # the clash this is about
    for out in (finish_press(buf.getvalue(), META, DEFAULT_PROFILE, TRIM), finish_archive(buf.getvalue(), META, DEFAULT_PROFILE)):
        with pikepdf.open(io.BytesIO(out)) as doc:
            fonts = list(doc.pages[0].Resources.Font.values())
            tags = [str(f.BaseFont)[1:7] for f in fonts]
            assert len(set(tags)) == 2 and all(t.isupper() and t.isalpha() for t in tags)
            for f in fonts:
                assert str(f.BaseFont)[7] == "+" and str(f.FontDescriptor.FontName) == str(f.BaseFont)


def test_press_problems_see_a_version_past_1_4(press):
    doc = pikepdf.open(io.BytesIO(press))
    buf = io.BytesIO()
    doc.save(buf, force_version="1.5")
    assert "PDF version 1.5 (PDF/X-1a needs ≤ 1.4)" in finish.press_problems(buf.getvalue())


def test_pdf_keywords_are_the_desks_keywords_comma_separated(press, archive):
    for pdf in (press, archive):
        with pikepdf.open(io.BytesIO(pdf)) as doc:
            assert doc.open_metadata()["pdf:Keywords"] == "郾城, 产业集聚区"
            assert str(doc.docinfo.Keywords) == "郾城, 产业集聚区"


def test_a_filed_page_is_refused_by_its_folder_name(tmp_path, press):
    file_to_archive(str(tmp_path), {"press": press}, META, "yancheng")
    with pytest.raises(InputError) as e:
        file_to_archive(str(tmp_path), {"press": press}, META, "yancheng")
    assert e.value.what == "already archived: 2021-01-18_p08_yancheng/"


def test_without_renameat2_the_swap_says_it_cannot(tmp_path, monkeypatch):
    import ctypes

    def no_libc(*a, **kw):
        raise OSError("no C library here")

    monkeypatch.setattr(ctypes, "CDLL", no_libc)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    assert finish._exchange(str(tmp_path / "a"), str(tmp_path / "b")) is False


def test_only_the_archive_copy_claims_pdfa_conformance(press, archive):
    """ISO 19005-2 6.6.4: the pdfaid entries in XMP declare PDF/A conformance. The archive copy makes that
    claim (part 2, level B); the press file is PDF/X-1a-like PDF 1.4, not PDF/A, and must not claim it."""
    with pikepdf.open(io.BytesIO(archive)) as doc:
        xmp = doc.open_metadata()
        assert (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) == ("2", "B")
    with pikepdf.open(io.BytesIO(press)) as doc:
        assert b"pdfaid" not in doc.Root.Metadata.read_bytes()  # neither part nor conformance, nor the namespace
        xmp = doc.open_metadata()
        assert "pdfaid:part" not in xmp and "pdfaid:conformance" not in xmp


def test_a_bleed_box_short_of_the_trim_on_any_one_side_is_refused(raw):
    """The BleedBox must contain the TrimBox (ISO 32000-1 14.11.2): a bleed box that is the whole page but
    for one edge drawn inside the trim is refused, whichever edge it is."""
    for bleed in ((10, 0, W, H), (0, 10, W, H), (0, 0, W - 10, H), (0, 0, W, H - 10)):
        with pytest.raises(ValueError, match="does not contain the TrimBox"):
            finish_press(raw, META, DEFAULT_PROFILE, TRIM, bleed_box_pt=bleed)


def _with_intent(pdf: bytes, drop: tuple[str, ...]) -> bytes:
    """`pdf` with the keys `drop` removed from its output intent."""
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        intent = doc.Root.OutputIntents[0]
        for key in drop:
            del intent[pikepdf.Name(key)]
        buf = io.BytesIO()
        doc.save(buf, force_version="1.4", object_stream_mode=pikepdf.ObjectStreamMode.disable)
        return buf.getvalue()


def test_an_output_intent_needs_a_profile_or_a_registry_name(press):
    """PDF/X-1a (ISO 15930-4): the GTS_PDFX output intent either embeds the characterization
    (DestOutputProfile) or names a registered one (RegistryName); either alone will do, neither is a problem."""
    assert finish.press_problems(press) == []
    assert finish.press_problems(_with_intent(press, ("/DestOutputProfile",))) == []
    assert finish.press_problems(_with_intent(press, ("/RegistryName",))) == []
    assert finish.press_problems(_with_intent(press, ("/DestOutputProfile", "/RegistryName"))) == [
        "output intent has neither a profile nor a registry name"]


def test_a_proof_left_in_the_archive_folder_is_no_filing(tmp_path, press):
    """The proof is a preview, never the record of a filing: a proof PNG of the flat layout of old, alone
    in the archive folder, does not make the page filed, and is not named among what is."""
    (tmp_path / "2021-01-18_p08_yancheng.proof.png").write_bytes(b"\x89PNG an old proof")
    assert finish.already_filed(str(tmp_path), META, "yancheng") == []
    (tmp_path / "2021-01-18_p08_yancheng.pdf").write_bytes(b"%PDF filed before")
    assert finish.already_filed(str(tmp_path), META, "yancheng") == ["2021-01-18_p08_yancheng.pdf"]
    (tmp_path / "2021-01-18_p08_yancheng.pdf").unlink()
    written = file_to_archive(str(tmp_path), {"press": press}, META, "yancheng")  # not refused
    assert [os.path.basename(p) for p in written] == ["2021-01-18_p08_yancheng.pdf", "2021-01-18_p08_yancheng.manifest.json"]
