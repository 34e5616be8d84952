"""What the README promises, each built with the command line and read back from the files it wrote.

Every test's docstring quotes the promise it checks. The real page is the session's `real_page`
(tests/conftest.py); the small page is tests/data/mini-photo.yaml (one photo, the mini template) built
with the display-charset catalog of test_cache (quick to prepare) unless the promise is about the
fonts; builds that several tests read are made once per module.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from importlib import metadata

import pikepdf
import pytest
from PIL import Image

from layout.base.cachefile import LAYOUT
from layout.output import finish
from layout.output.finish import FinishError
from layout.photo.colour import DEFAULT_PROFILE
from support import ARTICLE, DATA, MAKE_PDF, ROOT, cli_env, run_make_pdf
from test_cache import clean_reportlab_registry, display_catalog  # noqa: F401  (autouse: reportlab's registry)

MM = 72 / 25.4
BLACK, WHITE = (0.0, 0.0, 0.0, 1.0), (0.0, 0.0, 0.0, 0.0)
LXGW = "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def desk(tmp_path_factory) -> str:
    """A desk folder holding the small page as article.yaml, its template and its photo."""
    d = tmp_path_factory.mktemp("desk")
    shutil.copy(os.path.join(DATA, "mini-template.yaml"), d)
    shutil.copytree(os.path.join(DATA, "img"), d / "img")
    shutil.copy(os.path.join(DATA, "mini-photo.yaml"), d / "article.yaml")
    return str(d)


@pytest.fixture(scope="module")
def catalog(tmp_path_factory) -> str:
    return display_catalog(tmp_path_factory)


def _build(desk: str, out_dir, cache: str, *args: str, catalog: str | None = None, cwd: str | None = None):
    """make_pdf.py on the desk's article.yaml into `out_dir`/page.pdf; asserts that it succeeded."""
    out = os.path.join(str(out_dir), "page.pdf")
    fonts = ["--fonts", catalog] if catalog else []
    r = run_make_pdf([os.path.join(desk, "article.yaml"), "-o", out, *fonts, *args, "-q"], cache, cwd=cwd or desk)
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def small(desk, catalog, zhpaper_cache, tmp_path_factory) -> str:
    """The small page with a 100 dpi proof: out/page.pdf and out/page.png."""
    out = tmp_path_factory.mktemp("small")
    return _build(desk, out, zhpaper_cache, "--proof", str(out / "page.png"), "--proof-dpi", "100", catalog=catalog)


def _as_from_a_terminal() -> None:
    """preexec_fn: the command in a process group of its own (so that Ctrl-C can be sent to all of it),
    with SIGINT's default action. A shell running the suite in the background (a CI runner, `make test &`)
    starts it with SIGINT ignored, and Python then never raises KeyboardInterrupt."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _content_ops(pdf: pikepdf.Pdf):
    page = pdf.pages[0]
    return [(list(operands), str(op)) for operands, op in pikepdf.parse_content_stream(page)]


def _sha256(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


# ---------------------------------------------------------------- colour


def test_black_text_overprints(real_page):
    """README: press file "black text 100 % K overprinting". Every glyph filled with 0 0 0 1 k is shown
    under an ExtGState that sets fill overprint (/op true; /OP true for strokes too); the paper-white
    sidebar title, which must knock out, does not overprint."""
    with pikepdf.open(real_page.pdf) as pdf:
        states = pdf.pages[0].obj.Resources.ExtGState
        gs = {"op": False, "OP": False}
        fill, stack, shown = None, [], {}
        for operands, op in _content_ops(pdf):
            if op == "q":
                stack.append((dict(gs), fill))
            elif op == "Q":
                gs, fill = stack.pop()
            elif op == "gs":
                d = states[operands[0]]
                gs = {"op": bool(d.get("/op", gs["op"])), "OP": bool(d.get("/OP", gs["OP"]))}
            elif op == "k":
                fill = tuple(round(float(v), 4) for v in operands)
            elif op in ("Tj", "TJ", "'", '"'):
                key = (fill, gs["op"], gs["OP"])
                shown[key] = shown.get(key, 0) + 1
    black = {k: n for k, n in shown.items() if k[0] == BLACK}
    assert sum(black.values()) > 1000, shown  # the page's text, as text operators
    assert set(black) == {(BLACK, True, True)}, shown
    assert {k for k in shown if k[0] == WHITE} == {(WHITE, False, False)}, shown
    assert set(shown) <= {(BLACK, True, True), (WHITE, False, False)}, shown


def _desk_profile(path: str) -> bytes:
    """The desk's own CMYK profile: IFRA26S with its separation (B2A, used for photos) changed so that
    cyan comes out at half strength, and its description renamed. Another valid CMYK printer profile."""
    data = bytearray(open(DEFAULT_PROFILE, "rb").read())
    (count,) = struct.unpack(">I", data[128:132])
    tags = {}
    for i in range(count):
        sig, offset, size = struct.unpack(">4sII", data[132 + 12 * i:144 + 12 * i])
        tags[sig] = (offset, size)
    offset, _ = tags[b"B2A1"]
    assert data[offset:offset + 4] == b"mft2"  # lut16Type (ICC.1:2001-04 §6.5.8)
    ins, outs, grid = data[offset + 8], data[offset + 9], data[offset + 10]
    in_entries, out_entries = struct.unpack(">HH", data[offset + 48:offset + 52])
    table = offset + 52 + 2 * ins * in_entries + 2 * outs * grid ** ins  # the output curves, cyan first
    for k in range(out_entries):
        at = table + 2 * k
        (v,) = struct.unpack(">H", data[at:at + 2])
        data[at:at + 2] = struct.pack(">H", v // 2)
    offset, _ = tags[b"desc"]
    assert data[offset:offset + 4] == b"desc"
    n = struct.unpack(">I", data[offset + 8:offset + 12])[0]
    name = b"Desk newsprint"[: n - 1]
    data[offset + 12:offset + 12 + n] = name + bytes(n - len(name))
    with open(path, "wb") as fh:
        fh.write(data)
    return bytes(data)


def _mean_ink(pdf_path: str) -> list[float]:
    """Mean C, M, Y, K (0–255) over every image of the page, decoded from the JPEGs in the PDF."""
    import numpy as np

    sums, pixels = np.zeros(4), 0
    with pikepdf.open(pdf_path) as pdf:
        for _, xo in pdf.pages[0].obj.Resources.XObject.items():
            if xo.get("/Subtype") == "/Image":
                im = Image.open(io.BytesIO(xo.read_raw_bytes()))
                assert im.mode == "CMYK"
                arr = np.asarray(im, dtype=np.float64).reshape(-1, 4)
                sums += arr.sum(axis=0)
                pixels += len(arr)
    assert pixels
    return list(sums / pixels)


def test_icc_takes_the_desks_own_cmyk_profile(desk, catalog, small, zhpaper_cache, tmp_path):
    """README: "`--icc` takes the desk's own profile." Both PDFs embed exactly that profile as their
    output intent (README: the press file's GTS_PDFX intent, the archive's), the photos are separated
    with it (here: cyan at half strength, as the profile says), and the archive still validates."""
    icc = str(tmp_path / "desk.icc")
    data = _desk_profile(icc)
    assert data != open(DEFAULT_PROFILE, "rb").read()
    out = _build(desk, tmp_path / "out", zhpaper_cache, "--icc", icc, "--validate", catalog=catalog)
    for path, kind in ((out, "/GTS_PDFX"), (out[:-4] + ".archive.pdf", "/GTS_PDFA1")):
        with pikepdf.open(path) as pdf:
            (intent,) = list(pdf.Root.OutputIntents)
            assert str(intent.S) == kind
            assert intent.DestOutputProfile.read_bytes() == data, path
    own, default = _mean_ink(out), _mean_ink(small)
    assert default[0] > 20  # the photo has cyan to halve
    assert 0.35 < own[0] / default[0] < 0.65, (own, default)
    assert abs(own[3] - default[3]) < 0.05 * max(default[3], 1)  # black is as it was


# ---------------------------------------------------------------- the manifest


def test_manifest_of_a_real_build(real_page):
    """README: `out/article.manifest.json` "made from: article, template, fonts, images with sha256, tool
    versions, output hashes" of every file of the set (the report too, not itself). Each sha256 is that of the file on disk now, every font the catalog's roles
    use and every photo is listed, the tool versions are the installed ones, and the output hashes are
    those of the files the build wrote."""
    with open(real_page.manifest_json, encoding="utf-8") as fh:
        manifest = json.load(fh)
    sources = {s["path"]: s["sha256"] for s in manifest["sources"]}
    assert sources["article.yaml"] == _sha256(ARTICLE)
    template = os.path.join("layout", "source", "templates", "broadsheet.yaml")
    assert sources[template] == _sha256(os.path.join(ROOT, template))
    base = os.path.dirname(ARTICLE)
    for photo in real_page.article.photos:
        assert sources[photo.file] == _sha256(os.path.join(base, photo.file)), photo.file
    fonts = {p for p in sources if p.startswith("/usr/share/fonts/")}
    assert fonts >= {"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
                     "/usr/share/fonts/opentype/noto/NotoSerifCJK-Black.ttc",
                     "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
                     "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", LXGW}
    for path in fonts:
        assert sources[path] == _sha256(path), path
    assert len(sources) == 2 + len(real_page.article.photos) + len(fonts)
    outputs = manifest["outputs"]
    # every file of the set but the manifest itself, the report included
    assert sorted(outputs) == ["article.alto.xml", "article.archive.pdf", "article.pdf", "article.report.json"]
    for name, record in outputs.items():
        path = os.path.join(real_page.out_dir, name)
        assert record == {"sha256": _sha256(path), "bytes": os.path.getsize(path)}, name
    tools = manifest["tools"]
    for dist, key in (("reportlab", "reportlab"), ("pikepdf", "pikepdf"), ("pillow", "Pillow"),
                      ("fonttools", "fontTools")):
        assert tools[key] == metadata.version(dist), key
    assert tools["python"] == ".".join(map(str, sys.version_info[:3]))
    edition = real_page.page.edition
    assert (manifest["date"], manifest["page"], manifest["paper"]) == (edition.date, edition.page, edition.paper)


# ---------------------------------------------------------------- validation


def test_validate_runs_the_pdfa_validator_and_archive_to_always_does(desk, catalog, zhpaper_cache, tmp_path,
                                                                     monkeypatch):
    """README: "`--validate`  also run the PDF/A validator" and "`--archive-to` … (always done with
    --archive-to)" (make_pdf.py --help). With a validator that rejects everything: a plain build does not
    ask it and succeeds; `--validate` and `--archive-to` both ask it, fail, and write and file nothing.
    (The real validator passing the archive copy: test_icc_… builds with --validate, test_e2e reads it.)"""
    from layout.pipeline import BuildOptions, build

    asked = []

    def rejects(pdf: bytes):
        asked.append(len(pdf))
        return False, ["6.1.2-1 rejected by the test"]

    monkeypatch.setattr(finish, "validate_archive", rejects)
    article = os.path.join(desk, "article.yaml")

    def opts(name, **kw):
        return BuildOptions(out_pdf=str(tmp_path / name / "page.pdf"), fonts=catalog, cache_dir=zhpaper_cache, **kw)

    build(article, opts("plain"))
    assert asked == [] and (tmp_path / "plain" / "page.archive.pdf").is_file()
    with pytest.raises(FinishError, match="rejected by the test"):
        build(article, opts("validate", validate=True))
    assert len(asked) == 1 and not (tmp_path / "validate").exists()
    with pytest.raises(FinishError, match="rejected by the test"):
        build(article, opts("filed", archive_to=str(tmp_path / "archive")))
    assert len(asked) == 2 and not (tmp_path / "filed").exists()
    assert not (tmp_path / "archive").exists() or os.listdir(tmp_path / "archive") == []


# ---------------------------------------------------------------- proof and grid


def _dark_in(png: Image.Image, box, scale: float, height_pt: float) -> int:
    """The darkest grey value in a PDF-space box (x0, y0, x1, y1 in pt from the bottom left) of the proof."""
    x0, y0, x1, y1 = box
    crop = png.convert("L").crop((int(x0 * scale), int((height_pt - y1) * scale),
                                  max(int(x1 * scale), int(x0 * scale) + 1), max(int((height_pt - y0) * scale),
                                                                                int((height_pt - y1) * scale) + 1)))
    import numpy as np

    return int(np.asarray(crop).min())


def test_proof_png_at_proof_dpi_shows_the_page_and_grid_adds_the_grid(desk, catalog, small, zhpaper_cache, tmp_path):
    """README: "`--proof out/page.png --grid`  designer's proof: grid, baselines, frames" and `out/article.png`
    "proof of the page". The PNG is the page at --proof-dpi; it shows the page: ink where the PDF has each
    glyph and the photo, paper in the margins; --grid adds the grid (columns and frames in cyan, baselines
    in magenta) and nothing else."""
    import numpy as np
    import pdfplumber

    png = Image.open(small[:-4] + ".png")
    with pdfplumber.open(small) as pdf:
        page = pdf.pages[0]
        width, height = float(page.width), float(page.height)
        chars = [c for c in page.chars if c["text"].strip()]
        images = list(page.images)
    scale = 100 / 72
    assert abs(png.size[0] - width * scale) <= 1 and abs(png.size[1] - height * scale) <= 1, png.size
    assert len(chars) > 40 and len(images) == 1
    pale = [c["text"] for c in chars if _dark_in(png, (c["x0"], c["y0"], c["x1"], c["y1"]), scale, height) > 200]
    assert pale == [], f"glyphs in the PDF that the proof does not show: {pale}"
    im = images[0]
    photo = np.asarray(png.convert("RGB").crop((int(im["x0"] * scale), int(im["top"] * scale),
                                                int(im["x1"] * scale), int(im["bottom"] * scale))))
    assert photo.std() > 20  # a picture, not paper
    rgb = np.asarray(png.convert("RGB")).astype(int)
    margin = int(8 * MM * scale)  # the mini template's type area starts 20 mm down and ≥ 8 mm in
    for strip in (rgb[:, :margin], rgb[:, -margin:], rgb[-margin:, :]):
        assert strip.min() >= 250, "the margins are paper white"

    gridded = np.asarray(Image.open(_build(desk, tmp_path, zhpaper_cache, "--proof", str(tmp_path / "page.png"),
                                           "--proof-dpi", "100", "--grid", catalog=catalog)[:-4] + ".png")
                         .convert("RGB")).astype(int)
    assert gridded.shape == rgb.shape
    changed = np.abs(gridded - rgb).sum(axis=2) > 60
    assert changed.mean() > 0.01, "the grid is drawn"
    r, g, b = (gridded[changed][:, i] for i in range(3))
    cyan, magenta = (g - r > 40) & (b - r > 40), (r - g > 40) & (b - g > 30)
    assert cyan.mean() > 0.1 and magenta.mean() > 0.1, "columns and frames in cyan, baselines in magenta"
    # Over the photo too, every change is a tint (cyan or magenta ink), never a grey or black mark.
    delta = (gridded - rgb)[changed]
    assert (delta.max(axis=1) - delta.min(axis=1) >= 20).mean() > 0.97, "the grid adds only coloured lines"


# ---------------------------------------------------------------- fonts


def test_fonts_catalog_replaces_a_roles_face(desk, small, zhpaper_cache, tmp_path):
    """README: "`--fonts my-catalog.yaml` replaces any of them with the desk's own licensed fonts." A
    catalog naming LXGW WenKai for the headline (默认 Noto Serif CJK Black): the headline is drawn with
    WenKai, and that face is embedded as a subset; the default build draws it with Noto Serif Black."""
    import pdfplumber

    from test_cache import DISPLAY_CATALOG

    cat = tmp_path / "desk-fonts.yaml"  # the quick catalog of the other tests, and the headline's own face
    cat.write_text(DISPLAY_CATALOG + f"  headline: {{path: {LXGW}, index: 0, charset: display}}\n", encoding="utf-8")
    out = _build(desk, tmp_path, zhpaper_cache, catalog=str(cat))

    def headline_fonts(path):
        with pdfplumber.open(path) as pdf:
            chars = [c for c in pdf.pages[0].chars if c["size"] > 20]  # the mini template's headline: 24 pt
        assert "".join(c["text"] for c in chars) == "一张照片"
        return {c["fontname"].split("+", 1)[1].rsplit("-", 1)[0] for c in chars}  # TAG+Name-Style-key

    assert headline_fonts(out) == {"LXGWWenKai-Regular"}
    assert headline_fonts(small) == {"NotoSerifCJKsc-Black"}
    with pikepdf.open(out) as pdf:
        fonts = pdf.pages[0].obj.Resources.Font
        wenkai = [f for f in fonts.values() if "+LXGWWenKai-Regular-" in str(f.BaseFont)]
        assert wenkai
        for font in wenkai:
            descriptors = [d.FontDescriptor for d in [font, *(font.get("/DescendantFonts") or [])]
                           if "/FontDescriptor" in d]
            assert descriptors and all("/FontFile2" in d for d in descriptors)  # embedded


# ---------------------------------------------------------------- bleed and marks


def _boxes(path: str) -> dict[str, list[float]]:
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0].obj
        return {k: [float(v) for v in page[k]] for k in ("/MediaBox", "/TrimBox", "/BleedBox") if k in page}


def test_bleed_and_marks(desk, catalog, small, zhpaper_cache, tmp_path):
    """README: "`--bleed 3mm --marks`  bleed box and crop marks (off by default)". The MediaBox grows, the
    BleedBox lies 3 mm outside the TrimBox, the trimmed page is the same size, and the crop marks are
    registration-colour strokes outside the TrimBox (and the bleed), on the sheet. Without them: no
    BleedBox, MediaBox = TrimBox."""
    plain = _boxes(small)
    assert "/BleedBox" not in plain and plain["/MediaBox"] == plain["/TrimBox"]
    out = _build(desk, tmp_path, zhpaper_cache, "--bleed", "3mm", "--marks", catalog=catalog)
    b = _boxes(out)
    media, trim, bleed = b["/MediaBox"], b["/TrimBox"], b["/BleedBox"]
    size = lambda box: (box[2] - box[0], box[3] - box[1])  # noqa: E731
    assert size(trim) == pytest.approx(size(plain["/TrimBox"]), abs=0.01)
    for i, sign in enumerate((-1, -1, 1, 1)):
        assert bleed[i] == pytest.approx(trim[i] + sign * 3 * MM, abs=0.01)
        assert sign * (media[i] - bleed[i]) > 3 * MM  # room for the marks beyond the bleed
    marks, colour, point = [], None, None
    with pikepdf.open(out) as pdf:
        for operands, op in _content_ops(pdf):
            if op == "K":
                colour = tuple(float(v) for v in operands)
            elif op == "m":
                point = tuple(float(v) for v in operands)
            elif op == "l" and colour == (1.0, 1.0, 1.0, 1.0):
                marks.append((point, tuple(float(v) for v in operands)))
    assert len(marks) == 8, marks  # two at each corner
    for ends in marks:
        for x, y in ends:
            assert media[0] <= x <= media[2] and media[1] <= y <= media[3]
            assert not (bleed[0] + 0.01 < x < bleed[2] - 0.01 and bleed[1] + 0.01 < y < bleed[3] - 0.01), ends
        (x0, y0), (x1, y1) = ends
        assert x0 == x1 and x0 in (pytest.approx(trim[0]), pytest.approx(trim[2])) or \
            y0 == y1 and y0 in (pytest.approx(trim[1]), pytest.approx(trim[3])), "on a trim line"


# ---------------------------------------------------------------- Ctrl-C and default paths


def test_ctrl_c_exits_130_and_writes_nothing(desk, tmp_path):
    """README: "nothing is written unless the whole build succeeded"; make_pdf.py: Ctrl-C → "error:
    interrupted; nothing was written", exit 130. Ctrl-C in a terminal signals the whole process group
    (the press process and font workers too), here in the middle of a cold font conversion."""
    cache = tmp_path / "cold-cache"
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, MAKE_PDF, os.path.join(desk, "article.yaml"), "-o", str(out / "page.pdf")],
                            cwd=desk, env=cli_env(str(cache)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=_as_from_a_terminal)
    try:
        deadline = time.monotonic() + 60
        while not (cache / LAYOUT / "fonts").is_dir():  # the build is converting fonts (seconds, cold)
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the build never reached font preparation"
            time.sleep(0.01)
        time.sleep(0.2)
        assert proc.poll() is None, "the conversion finished before Ctrl-C could interrupt it"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "error: interrupted; nothing was written", err
    assert "Traceback" not in err
    assert os.listdir(out) == []
    deadline = time.monotonic() + 10
    while True:  # and no worker is left running
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        assert time.monotonic() < deadline, "processes of the build outlived it"
        time.sleep(0.05)


OUTPUTS = ("{}.pdf", "{}.archive.pdf", "{}.alto.xml", "{}.report.json", "{}.manifest.json")


def _shown(folder) -> list[str]:
    """The files `ls` shows (the set's generations live in a hidden folder beside them: layout.base.outset)."""
    return sorted(n for n in os.listdir(folder) if not n.startswith("."))


def test_default_output_paths(desk, catalog, zhpaper_cache, tmp_path):
    """README: `make pdf` "writes out/article.pdf" (and the archive copy, report and manifest beside it);
    `-o` a folder writes the page there under its own name; make_pdf.py -h: "default out/article.pdf"."""
    work = tmp_path / "work"
    shutil.copytree(desk, work)
    r = run_make_pdf(["--fonts", catalog, "-q"], zhpaper_cache, cwd=str(work))  # no article: article.yaml
    assert r.returncode == 0, r.stderr
    assert _shown(work / "out") == sorted(n.format("article") for n in OUTPUTS)
    folder = tmp_path / "folder"
    folder.mkdir()
    r = run_make_pdf([str(work / "article.yaml"), "-o", str(folder), "--fonts", catalog, "-q"], zhpaper_cache,
                     cwd=str(work))
    assert r.returncode == 0, r.stderr
    assert _shown(folder) == sorted(n.format("article") for n in OUTPUTS)


def test_watch_writes_the_proof_next_to_the_pdf(desk, catalog, zhpaper_cache, tmp_path):
    """README: "`--watch`  rebuild PDF and proof on every change" — without --proof, the proof goes next to
    the PDF (out/page.png for -o out/page.pdf). Ctrl-C ends the watch with exit 0."""
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, MAKE_PDF, os.path.join(desk, "article.yaml"), "-o", str(out / "page.pdf"),
                             "--fonts", catalog, "--watch"], cwd=desk, env=cli_env(zhpaper_cache),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=_as_from_a_terminal)
    try:
        deadline = time.monotonic() + 120
        while not (out / "page.png").is_file():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "no proof written"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 0, err
    assert _shown(out) == sorted([n.format("page") for n in OUTPUTS] + ["page.png"])
    assert [n for n in os.listdir(out) if n.startswith(".")] == [".zhpaper-page"]  # the set's folder, no temporary
    with Image.open(out / "page.png") as im:
        assert im.format == "PNG" and im.size[0] > 100


# ---------------------------------------------------------------- /Trapped


def test_press_file_is_not_trapped(real_page):
    """README: press file "`/Trapped /False` (PDF/X-1a:2003 style)" — exactly /False: nothing was trapped."""
    with pikepdf.open(real_page.pdf) as pdf:
        assert pdf.docinfo["/Trapped"] == pikepdf.Name("/False")
        assert str(pdf.docinfo["/GTS_PDFXVersion"]) == "PDF/X-1a:2003"
        with pdf.open_metadata() as xmp:
            trapped = xmp.get("pdf:Trapped")
        assert trapped in (None, "False")  # the XMP, if it says, says the same
