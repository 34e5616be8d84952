"""The edition's METS file (METS 1.12): the issue, its pages and its articles, tying together each page's
ALTO, archive PDF and image, as a library's newspaper archive ingests one issue.

It follows the METS/ALTO practice of the newspaper programmes (the Europeana Newspapers METS/ALTO
profile, ENMAP, and the Library of Congress's NDNP issue METS): one METS file per issue, descriptive
metadata in MODS, a file section with one group per kind of file, and two structure maps —

    dmdSec MODSMD_ISSUE       the issue: title (the paper), dateIssued, issue number, language, identifier
    dmdSec MODSMD_ARTn        each article: title, byline (name + role), the pages it is on
    fileSec
      fileGrp IMGGRP  Images  the page image (the proof PNG)          one file per page, SEQ = its order,
      fileGrp ALTOGRP Content the page's ALTO                         SIZE and SHA-256 CHECKSUM, GROUPID
      fileGrp PDFGRP  PDF     the page's archive copy (PDF/A-2b)      = the page
    structMap PHYSICAL        Newspaper → page (ORDER, ORDERLABEL = the page number) → its three files
    structMap LOGICAL         Newspaper → Issue → one SECTION per page (its 版名) → the items that start
                              there: ARTICLE (a story; a 简讯 block), TABLE_OF_CONTENTS (导读),
                              ADVERTISEMENT; each points at its ALTO ComposedBlock (area BETYPE="IDREF")
    structLink                each item's div → the page divs it is on

A story that jumps (转版) is ONE article: its div points at both ALTO blocks, in reading order, in a
`seq`, and links to both pages. Paths are relative to the METS file. Same input, same bytes: no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

NS = "http://www.loc.gov/METS/"
MODS = "http://www.loc.gov/mods/v3"
XLINK = "http://www.w3.org/1999/xlink"
SCHEMA_LOCATION = (f"{NS} http://www.loc.gov/standards/mets/version112/mets.xsd "
                   f"{MODS} http://www.loc.gov/standards/mods/v3/mods-3-7.xsd")
GROUPS = (("image", "IMGGRP", "Images", "IMG"), ("alto", "ALTOGRP", "Content", "ALTO"),
          ("pdf", "PDFGRP", "PDF", "PDF"))
DIV_TYPES = {"story": "ARTICLE", "briefs": "ARTICLE", "digest": "TABLE_OF_CONTENTS", "reserved": "ADVERTISEMENT"}


@dataclass(frozen=True)
class PageFile:
    name: str  # relative to the METS file
    mimetype: str
    size: int
    sha256: str


@dataclass(frozen=True)
class MetsPage:
    """One page: its number, 版名, files (kind → PageFile: image, alto, pdf) and its hotspots record
    (layout.output.epaper: each module's id, kind, title, ALTO block, byline and 转版 links)."""

    number: int
    name: str
    files: dict
    hotspots: dict


@dataclass(frozen=True)
class MetsIssue:
    paper: str
    date: str
    number: int
    pages: tuple[MetsPage, ...]
    producer: str
    paper_id: str | None = None
    sample: bool = False


@dataclass
class _Article:
    kind: str
    title: str
    byline: list
    parts: list = field(default_factory=list)  # (page index, ALTO block id)


def _q(text) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;"))


def articles(pages: Sequence[MetsPage]) -> list[_Article]:
    """The issue's items in reading order, a story cut by 转版 joined with its rest on the other page."""
    out: list[_Article] = []
    waiting: dict[tuple[int, str], _Article] = {}  # (page, item id there) → the article it continues
    for i, p in enumerate(pages):
        for s in p.hotspots["stories"]:
            came = s.get("continued_from")
            article = waiting.pop((p.number, s["id"]), None) if came else None
            if article is None:
                article = _Article(s["kind"], s["title"], s.get("byline") or [])
                out.append(article)
            article.parts.append((i, s["alto_block"]))
            if s.get("continues"):
                waiting[(s["continues"]["page"], s["continues"]["story"])] = article
    return out


LANGUAGE = '<mods:language><mods:languageTerm type="code" authority="iso639-2b">chi</mods:languageTerm></mods:language>'


def _mods_issue(issue: MetsIssue) -> list[str]:
    out = [f"<mods:titleInfo><mods:title>{_q(issue.paper)}</mods:title></mods:titleInfo>",
           "<mods:typeOfResource>text</mods:typeOfResource>", '<mods:genre authority="marcgt">newspaper</mods:genre>',
           f'<mods:originInfo><mods:dateIssued encoding="iso8601" keyDate="yes">{issue.date}</mods:dateIssued>'
           "<mods:issuance>serial</mods:issuance></mods:originInfo>", LANGUAGE,
           f"<mods:physicalDescription><mods:extent>{len(issue.pages)} pages</mods:extent>"
           "<mods:digitalOrigin>born digital</mods:digitalOrigin></mods:physicalDescription>",
           f'<mods:part><mods:detail type="issue"><mods:number>{issue.number}</mods:number></mods:detail></mods:part>']
    if issue.paper_id:
        out.append(f"<mods:identifier>{_q(issue.paper_id)}</mods:identifier>")
    if issue.sample:
        out.append("<mods:note>a sample edition: its texts, names and figures are not real news</mods:note>")
    return out


def _mods_article(a: _Article, pages: Sequence[MetsPage]) -> list[str]:
    out = [f"<mods:titleInfo><mods:title>{_q(a.title)}</mods:title></mods:titleInfo>"]
    out += [f"<mods:name><mods:namePart>{_q(c['name'])}</mods:namePart><mods:role>"
            f'<mods:roleTerm type="text">{_q(c["role"])}</mods:roleTerm></mods:role></mods:name>' for c in a.byline]
    out += ["<mods:genre>article</mods:genre>", LANGUAGE, "<mods:part>"]
    out += [f'  <mods:detail type="page"><mods:number>{pages[i].number}</mods:number></mods:detail>'
            for i in dict.fromkeys(i for i, _ in a.parts)]
    out.append("</mods:part>")
    return out


def _dmd(ident: str, label: str, body: list[str]) -> list[str]:
    return [f'  <dmdSec ID="{ident}">', f'    <mdWrap MDTYPE="MODS" MIMETYPE="text/xml" LABEL="{_q(label)}">',
            "      <xmlData>", "        <mods:mods>", *[f"          {line}" for line in body],
            "        </mods:mods>", "      </xmlData>", "    </mdWrap>", "  </dmdSec>"]


def mets_bytes(issue: MetsIssue) -> bytes:
    """The METS document (UTF-8) of a complete edition."""
    pages = issue.pages
    items = articles(pages)
    label = f"{issue.paper} {issue.date} 第{issue.number}期"
    objid = f"{issue.paper_id or issue.paper}:{issue.date}:{issue.number}"
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<mets xmlns="{NS}" xmlns:mods="{MODS}" xmlns:xlink="{XLINK}" '
           f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{SCHEMA_LOCATION}" '
           f'OBJID="{_q(objid)}" LABEL="{_q(label)}" TYPE="Newspaper">',
           "  <metsHdr>",
           '    <agent ROLE="CREATOR" TYPE="ORGANIZATION">', f"      <name>{_q(issue.paper)}</name>", "    </agent>",
           '    <agent ROLE="CREATOR" TYPE="OTHER" OTHERTYPE="SOFTWARE">', f"      <name>{_q(issue.producer)}</name>",
           "      <note>typeset: every page's text and places as composed and printed, not recognised (no OCR)</note>",
           "    </agent>", "  </metsHdr>"]
    out += _dmd("MODSMD_ISSUE", "issue", _mods_issue(issue))
    art_ids = {}
    for n, a in enumerate(items, 1):
        if a.kind == "story":
            art_ids[n] = f"MODSMD_ART{n}"
            out += _dmd(art_ids[n], "article", _mods_article(a, pages))
    out.append("  <fileSec>")
    for kind, group, use, prefix in GROUPS:
        out.append(f'    <fileGrp ID="{group}" USE="{use}">')
        for i, p in enumerate(pages, 1):
            f = p.files[kind]
            out += [f'      <file ID="{prefix}{i:05d}" MIMETYPE="{f.mimetype}" SEQ="{i}" SIZE="{f.size}" '
                    f'CHECKSUM="{f.sha256}" CHECKSUMTYPE="SHA-256" GROUPID="PAGE{i:05d}">',
                    f'        <FLocat LOCTYPE="URL" xlink:href="{_q(f.name)}"/>', "      </file>"]
        out.append("    </fileGrp>")
    out.append("  </fileSec>")
    out += ['  <structMap TYPE="PHYSICAL" LABEL="Physical Structure">',
            f'    <div ID="DIVP0" TYPE="Newspaper" LABEL="{_q(label)}">']
    for i, p in enumerate(pages, 1):
        out.append(f'      <div ID="DIVP{i}" TYPE="page" ORDER="{i}" ORDERLABEL="{p.number}" '
                   f'LABEL="第{p.number}版 {_q(p.name)}">')
        out += [f'        <fptr FILEID="{prefix}{i:05d}"/>' for _, _, _, prefix in GROUPS]
        out.append("      </div>")
    out += ["    </div>", "  </structMap>"]
    out += ['  <structMap TYPE="LOGICAL" LABEL="Logical Structure">',
            f'    <div ID="DIVL0" TYPE="Newspaper" LABEL="{_q(issue.paper)}">',
            f'      <div ID="DIVL1" TYPE="Issue" DMDID="MODSMD_ISSUE" LABEL="{_q(label)}" ORDERLABEL="{issue.date}">']
    by_page: dict[int, list[int]] = {}
    for n, a in enumerate(items, 1):
        by_page.setdefault(a.parts[0][0], []).append(n)
    for i, p in enumerate(pages):
        out.append(f'        <div ID="DIVS{i + 1}" TYPE="SECTION" ORDER="{i + 1}" LABEL="{_q(p.name)}">')
        for n in by_page.get(i, []):
            a = items[n - 1]
            dmd = f' DMDID="{art_ids[n]}"' if n in art_ids else ""
            out.append(f'          <div ID="DIVA{n}" TYPE="{DIV_TYPES.get(a.kind, "ARTICLE")}"{dmd} '
                       f'LABEL="{_q(a.title)}">')
            areas = [f'<area FILEID="ALTO{k + 1:05d}" BEGIN="{_q(block)}" BETYPE="IDREF"/>' for k, block in a.parts]
            if len(areas) == 1:
                out.append(f"            <fptr>{areas[0]}</fptr>")
            else:
                out += ["            <fptr>", "              <seq>", *[f"                {x}" for x in areas],
                        "              </seq>", "            </fptr>"]
            out.append("          </div>")
        out.append("        </div>")
    out += ["      </div>", "    </div>", "  </structMap>", "  <structLink>"]
    for n, a in enumerate(items, 1):
        for i in dict.fromkeys(i for i, _ in a.parts):
            out.append(f'    <smLink xlink:from="DIVA{n}" xlink:to="DIVP{i + 1}"/>')
    out += ["  </structLink>", "</mets>"]
    return ("\n".join(out) + "\n").encode("utf-8")
