"""Proof raster: the press PDF rendered to PNG with pypdfium2 (print-tech.md §5), for eyes and tests.

The photos of a press PDF are CMYK JPEGs at press resolution (200 ppi: 5 million pixels on the
郾城区 page), and pdfium turns every one of those pixels from CMYK to RGB before it scales them
down to the proof's 50 dpi — most of the time a proof took. So the page is rendered from a copy
of the press PDF in which each photo is replaced by a proxy: the same CMYK pixels decoded and
scaled down to the size the photo takes in the proof (its device pixels, counted from where the
page draws it), uncompressed CMYK with the same meaning as the JPEG's samples. pdfium then
converts CMYK to RGB as before, on the proxy's pixels only. Everything else (text, rules, boxes)
is the press PDF's own. The PNG is written here, unfiltered and with zlib level 1: on a page
that is mostly paper and type that is both the fastest and the smallest (Pillow's adaptive filters
and level 6 took four times as long for a file 9 % larger).

`memo` (the watch process's `layout.base.memo.Memos`) keeps proxies by the JPEG's bytes and the size.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import zlib

from layout.base.errors import UsageError

PNG_LEVEL = 1
PROXY_MARGIN = 1  # device pixels added to a proxy's size, so pdfium never scales one up


def check_dpi(dpi: float) -> None:
    if not 10 <= dpi <= 600:
        raise UsageError(f"--proof-dpi {dpi:g} is out of range", "--proof-dpi", "use 10–600")


def proof_png(pdf: bytes, dpi: float = 50, memo=None) -> bytes:
    """The first page of `pdf` as PNG bytes at `dpi`."""
    import pypdfium2 as pdfium

    check_dpi(dpi)
    doc = pdfium.PdfDocument(_with_proxies(pdf, dpi, memo))
    try:
        image = doc[0].render(scale=dpi / 72.0, rev_byteorder=True).to_pil()  # RGB as pdfium draws it
    finally:
        doc.close()
    return png_bytes(image.convert("RGB"))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(image) -> bytes:
    """An 8-bit RGB PIL image as a PNG: every row unfiltered, one zlib stream at PNG_LEVEL."""
    width, height = image.size
    raw = image.tobytes()
    stride = width * 3
    rows = b"".join(b"\0" + raw[y * stride:(y + 1) * stride] for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(rows, PNG_LEVEL)) + _chunk(b"IEND", b""))


def _placed_sizes(page) -> dict[str, tuple[float, float]]:
    """XObject name → the largest (width, height) in pt it is drawn at on `page` (axis-aligned CTMs)."""
    import pikepdf

    ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    stack = []
    out: dict[str, tuple[float, float]] = {}
    for ins in pikepdf.parse_content_stream(page, "q Q cm Do"):
        op = str(ins.operator)
        if op == "q":
            stack.append(list(ctm))
        elif op == "Q":
            ctm = stack.pop() if stack else [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        elif op == "cm":
            a, b, c, d, e, f = (float(x) for x in ins.operands)
            A, B, C, D, E, F = ctm
            ctm = [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]
        elif op == "Do":
            name = str(ins.operands[0])
            w = math.hypot(ctm[0], ctm[1])
            h = math.hypot(ctm[2], ctm[3])
            old = out.get(name, (0.0, 0.0))
            out[name] = (max(old[0], w), max(old[1], h))
    return out


def _proxy(raw: bytes, width: int, height: int) -> bytes:
    """The CMYK JPEG `raw` decoded (DCT-scaled where it can be) and resampled to width × height,
    as raw CMYK samples (Pillow undoes the Adobe inversion the JPEG stores)."""
    from PIL import Image

    with Image.open(io.BytesIO(raw)) as im:
        im.draft("CMYK", (width, height))
        im = im.convert("CMYK")
        if im.size != (width, height):
            im = im.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
        return zlib.compress(im.tobytes(), 1)


def _with_proxies(pdf: bytes, dpi: float, memo=None) -> bytes:
    """`pdf` with each CMYK JPEG of its first page replaced by a proxy at its size in the proof;
    `pdf` itself when it has none to replace."""
    import pikepdf
    from pikepdf import Name

    doc = pikepdf.open(io.BytesIO(pdf))
    with doc:
        page = doc.pages[0]
        xobjects = page.obj.get(Name.Resources, pikepdf.Dictionary()).get(Name.XObject)
        if not xobjects:
            return pdf
        sizes = _placed_sizes(page)
        scale = dpi / 72.0
        changed = False
        for name, xobj in xobjects.items():
            filters = xobj.get(Name.Filter)
            if isinstance(filters, pikepdf.Array) and len(filters) == 1:
                filters = filters[0]
            if (xobj.get(Name.Subtype) != Name.Image or filters != Name.DCTDecode or Name.DecodeParms in xobj
                    or xobj.get(Name.ColorSpace) != Name.DeviceCMYK or int(xobj.get(Name.BitsPerComponent, 8)) != 8
                    or name not in sizes):
                continue
            decode = [float(v) for v in xobj.get(Name.Decode, [])]
            if decode not in ([1, 0] * 4, [0, 1] * 4, []):
                continue
            w_pt, h_pt = sizes[name]
            width = min(int(xobj.Width), max(1, math.ceil(w_pt * scale) + PROXY_MARGIN))
            height = min(int(xobj.Height), max(1, math.ceil(h_pt * scale) + PROXY_MARGIN))
            raw = xobj.read_raw_bytes()
            # Pillow undoes the Adobe inversion (stored samples 255 − value, /Decode [1 0 …]); a JPEG
            # without it whose /Decode also inverts is left alone.
            if decode == [1, 0] * 4 and b"Adobe" not in raw[:4096]:
                continue
            if decode != [1, 0] * 4 and b"Adobe" in raw[:4096]:
                continue

            def make(raw=raw, width=width, height=height):
                return _proxy(raw, width, height)

            if memo is None:
                data = make()
            else:
                key = (hashlib.sha256(raw).digest(), width, height)
                data = memo["proxy"].call(key, make, len)
            xobj.write(data, filter=Name.FlateDecode)
            xobj.Width, xobj.Height = width, height
            if Name.Decode in xobj:
                del xobj[Name.Decode]
            changed = True
        if not changed:
            return pdf
        buf = io.BytesIO()
        doc.save(buf, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return buf.getvalue()
