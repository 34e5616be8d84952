"""An ad PDF the desk supplies for a reserved area: what it is, and what keeps it off a press page.

The advertising department delivers each ad as a one-page PDF made to the booked size. Before the
page is laid out, the build reads it (pikepdf) and refuses, one reason at a time and in this order,
a file that

* cannot be read, or is encrypted;
* has more than one page (an ad is one page);
* has a font whose program is not embedded (the press has no fonts of its own);
* uses colour that is not CMYK, gray or spot: DeviceRGB, CalRGB, Lab, an RGB ICCBased space (N=3),
  RGB images — also as an Indexed base or a spot colour's alternate. The press file is CMYK only
  (PDF/X-1a) and the archive copy is PDF/A-2b with a CMYK output intent, which allows no RGB;
* uses transparency: a page or form transparency group, a soft mask (in a graphics state or on an
  image), alpha below 1 or a blend mode — PDF/X-1a has none.

What it reports is the page's size as it shows: its TrimBox (else MediaBox) with /Rotate and
/UserUnit applied (layout.base.pdfwalk.page_form, the same box layout.output.place scales onto the area).
Whether that size fits the area is the page's business (layout.compose.page), which knows the area.

Every refusal is an `InputError` without a place: the pipeline adds the page file's place of
`file:` (the way it names a photo's). The walk itself is shared with the press check
(layout.base.pdfwalk).
"""

from __future__ import annotations

from dataclasses import dataclass

import pikepdf

from layout.base.errors import InputError
from layout.base.pdfwalk import Use, form_uses, page_form

PDFX = "a one-page PDF/X-1a (CMYK, fonts embedded, no transparency)"
EXPORT_HINT = f"export the ad again as {PDFX}"
MAX_PLACES = 3  # places named in a refusal; the rest are counted


@dataclass(frozen=True)
class AdPage:
    """A checked ad PDF: its one page's size as it shows, in pt, and which box that is."""

    width_pt: float
    height_pt: float
    box: str = "TrimBox"  # TrimBox | MediaBox (a page without a TrimBox is made to its MediaBox)


def check_ad_pdf(path: str, shown: str) -> AdPage:
    """Read and check the ad PDF at `path` (named `shown` in messages); raises InputError (what and
    hint) for the first reason it cannot go on a press page."""
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PasswordError:
        raise InputError(f"ad PDF {shown} is encrypted (it needs a password)",
                         hint=f"ask the advertising department for {PDFX} without encryption") from None
    except (pikepdf.PdfError, OSError, ValueError) as exc:
        raise InputError(f"cannot read ad PDF {shown} ({_reason(exc, path)})", hint=EXPORT_HINT) from None
    with pdf:
        if pdf.is_encrypted:
            raise InputError(f"ad PDF {shown} is encrypted", hint=f"ask the advertising department for {PDFX} "
                             "without encryption (PDF/X and PDF/A allow none)")
        try:
            n = len(pdf.pages)
            if n != 1:
                raise InputError(f"ad PDF {shown} has {n} pages; an ad is one page",
                                 hint="export only the ad's page, or give each page a reserved area of its own")
            page = pdf.pages[0]
            measured = "TrimBox" if pikepdf.Name.TrimBox in page.obj else "MediaBox"
            form, box = page_form(page)
            uses = form_uses(form, label="page")  # the form carries the page's group, if any
        except pikepdf.PdfError as exc:
            raise InputError(f"cannot read ad PDF {shown} ({_reason(exc, path)})", hint=EXPORT_HINT) from None
    _refuse(shown, uses)
    width, height = box[2] - box[0], box[3] - box[1]
    if not (width > 0 and height > 0):
        raise InputError(f"ad PDF {shown} has an empty {measured}", hint=EXPORT_HINT)
    return AdPage(width, height, measured)


def _reason(exc: Exception, path: str) -> str:
    """qpdf's message, on one line and without the path it begins with (the error names the file)."""
    text = " ".join(str(exc).split())
    if text.startswith(path + ": "):
        text = text[len(path) + 2:]
    return text[:160]


def _refuse(shown: str, uses: list[Use]) -> None:
    fonts = list(dict.fromkeys(u.name for u in uses if u.kind == "font"))
    if fonts:
        raise InputError(f"ad PDF {shown} has fonts that are not embedded: {', '.join(fonts)}",
                         hint="a press PDF embeds every font; " + EXPORT_HINT)
    colour = [u for u in uses if u.kind == "colour"]
    if colour:
        raise InputError(f"ad PDF {shown} uses colour that is not CMYK, gray or spot: {_places(colour)}",
                         hint="press PDFs are CMYK only (the archive is PDF/A-2b with a CMYK output intent); "
                              + EXPORT_HINT)
    transparency = [u for u in uses if u.kind == "transparency"]
    if transparency:
        raise InputError(f"ad PDF {shown} uses transparency: {_places(transparency)}",
                         hint="PDF/X-1a has no transparency; " + EXPORT_HINT + ", which flattens it")


def _places(uses: list[Use]) -> str:
    lines = list(dict.fromkeys(u.line() for u in uses))
    more = f" and {len(lines) - MAX_PLACES} more" if len(lines) > MAX_PLACES else ""
    return "; ".join(lines[:MAX_PLACES]) + more
