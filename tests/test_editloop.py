"""The edit loop (issue 16): what the watch process writes after each edit is what a cold build of the same
input writes, byte for byte; what it keeps between builds is bounded; a failed build writes nothing new.

The real page (article.yaml with its eleven photos, the sidebar, four subheads, copyfit) goes through a
series of edits — a character, a paragraph's line count, a subhead, a photo replaced, the template, the
font catalog, a broken save and its repair — each built by one `Session` (as `--watch` builds) into one
folder and by a fresh build into another; every file of the two folders (press PDF, archive copy,
report, manifest, proof) must be the same bytes. The catalog puts every role on the display policy (only
the page's characters: quick to prepare cold; tests/test_cache.py), so edits use characters the page
already has. The last state is also built by the command line (its press process) and compared.
"""

from __future__ import annotations

import os
import shutil

import pytest

from layout.app.session import Session
from layout.base.errors import InputError
from layout.base.memo import Memo, Memos
from layout.pipeline import BuildOptions, build
from support import ARTICLE, ROOT, run_make_pdf
from test_cache import DISPLAY_CATALOG, LXGW, clean_reportlab_registry  # noqa: F401  (fixture)

needs_fonts = pytest.mark.usefixtures("debian_fonts")

OUTPUTS = ("article.pdf", "article.archive.pdf", "article.alto.xml", "article.report.json", "article.manifest.json",
           "article.png")


def _files(folder) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in sorted(os.listdir(folder)) if not n.startswith(".")}


def _opts(folder, catalog: str, cache: str) -> BuildOptions:
    return BuildOptions(out_pdf=str(folder / "article.pdf"), proof=str(folder / "article.png"), fonts=catalog,
                        cache_dir=cache)


@pytest.fixture
def desk(tmp_path):
    """article.yaml with its photos (copied: an edit replaces one), its template and font catalog beside it."""
    work = tmp_path / "desk"
    shutil.copytree(os.path.join(ROOT, "assets", "photos"), work / "assets" / "photos")
    text = open(ARTICLE, encoding="utf-8").read()
    assert text.count("template: broadsheet\n") == 1
    (work / "article.yaml").write_text(text.replace("template: broadsheet\n", "template: desk-template.yaml\n"),
                                       encoding="utf-8")
    shutil.copyfile(os.path.join(ROOT, "layout", "source", "templates", "broadsheet.yaml"), work / "desk-template.yaml")
    (work / "catalog.yaml").write_text(DISPLAY_CATALOG, encoding="utf-8")
    return work


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _new_photo(path) -> None:
    from PIL import Image, ImageDraw

    with Image.open(path) as im:
        im = im.convert("RGB")
    ImageDraw.Draw(im).rectangle((0, im.height // 3, im.width, im.height // 2), fill=(200, 30, 40))
    im.save(path, "JPEG", quality=90)


EDITS = [
    ("first build", None),
    ("a character", lambda d: _edit(d / "article.yaml", "坚决打赢精准脱贫攻坚战", "坚决打赢精准发贫攻坚战")),
    ("a line more", lambda d: _edit(d / "article.yaml", "推进扶贫志愿服务常态化。",
                                    "推进扶贫志愿服务常态化，全面推进各项重点工作落实落细见到实效。")),
    ("a subhead", lambda d: _edit(d / "article.yaml", "决战决胜全面小康", "决胜决战全面小康")),
    ("a new character", lambda d: _edit(d / "article.yaml", "决胜决战全面小康", "决胜决战全面小雪")),
    ("a photo replaced", lambda d: _new_photo(d / "assets" / "photos" / "03-fengdian.jpg")),
    ("the template", lambda d: _edit(d / "desk-template.yaml", "rule_width_pt: 0.75", "rule_width_pt: 1.25")),
    ("the font catalog", lambda d: _edit(d / "catalog.yaml", "  sidebar: {path: /usr/share/fonts/opentype/noto/"
                                                             "NotoSansCJK-Regular.ttc, index: 2, charset: display}",
                                         f"  sidebar: {{path: {LXGW}, index: 0, charset: display}}")),
    ("a line less again", lambda d: _edit(d / "article.yaml", "，全面推进各项重点工作落实落细见到实效。", "。")),
]


@needs_fonts
def test_watch_builds_write_the_bytes_of_cold_builds(desk, tmp_path, zhpaper_cache, clean_reportlab_registry):
    session = Session()
    watched, cold = tmp_path / "watched", tmp_path / "cold"
    catalog = str(desk / "catalog.yaml")
    try:
        for what, edit in EDITS:
            if edit is not None:
                edit(desk)
            build(str(desk / "article.yaml"), _opts(watched, catalog, zhpaper_cache), session=session)
            shutil.rmtree(cold, ignore_errors=True)
            build(str(desk / "article.yaml"), _opts(cold, catalog, zhpaper_cache))
            got, want = _files(watched), _files(cold)
            assert sorted(want) == sorted(OUTPUTS), what
            assert sorted(got) == sorted(want), what
            differ = [n for n in want if got[n] != want[n]]
            assert not differ, f"after {what}: {differ} differ from a cold build's"

        # A broken save: the build fails and writes nothing; the repair builds the same bytes again.
        before = _files(watched)
        good = (desk / "article.yaml").read_text(encoding="utf-8")
        (desk / "article.yaml").write_text(good.replace("headline:", "headline: [", 1), encoding="utf-8")
        with pytest.raises(InputError):
            build(str(desk / "article.yaml"), _opts(watched, catalog, zhpaper_cache), session=session)
        assert _files(watched) == before
        (desk / "article.yaml").write_text(good, encoding="utf-8")
        build(str(desk / "article.yaml"), _opts(watched, catalog, zhpaper_cache), session=session)
        assert _files(watched) == before
        stats = session.memo.stats()
        assert stats["paragraph"]["hits"] > stats["paragraph"]["misses"]  # it did keep something
        assert stats["subset"]["hits"] and stats["proxy"]["hits"] and stats["survey"]["hits"]
    finally:
        session.close()

    # The command line (with its press process) writes the same bytes for the last state.
    cli = tmp_path / "cli"
    r = run_make_pdf([str(desk / "article.yaml"), "-o", str(cli / "article.pdf"), "--proof", str(cli / "article.png"),
                      "--fonts", catalog, "-q"], zhpaper_cache, cwd=str(desk))
    assert r.returncode == 0, r.stderr
    assert _files(cli) == _files(watched)


@needs_fonts
def test_ctrl_c_in_a_watch_build_leaves_a_whole_set_old_or_new(desk, tmp_path, zhpaper_cache, monkeypatch,
                                                              clean_reportlab_registry):
    """Watch mode replaces the whole set at once (layout.base.outset): Ctrl-C once the proof is made leaves
    the last build's set as it was; Ctrl-C during the switch is acted on after it, the new set whole. Either
    way the manifest vouches for every file there and no temporary file is left."""
    import hashlib
    import json
    import signal

    from layout.base import outset
    from layout.output import proof

    made = proof.proof_png

    def proof_then_ctrl_c(*args, **kw):
        png = made(*args, **kw)
        os.kill(os.getpid(), signal.SIGINT)
        return png

    switch = outset.Staged._switch

    def ctrl_c_then_switch(self, gen):
        os.kill(os.getpid(), signal.SIGINT)
        return switch(self, gen)

    def check(files):
        manifest = json.loads(files["article.manifest.json"])
        assert sorted(manifest["outputs"]) == sorted(n for n in OUTPUTS if n != "article.manifest.json")
        for name, rec in manifest["outputs"].items():
            assert rec["sha256"] == hashlib.sha256(files[name]).hexdigest(), name

    session = Session()
    out = tmp_path / "w"
    opts = _opts(out, str(desk / "catalog.yaml"), zhpaper_cache)
    try:
        build(str(desk / "article.yaml"), opts, session=session)
        before = _files(out)
        check(before)
        EDITS[1][1](desk)
        with monkeypatch.context() as m:
            m.setattr(proof, "proof_png", proof_then_ctrl_c)
            with pytest.raises(KeyboardInterrupt):
                build(str(desk / "article.yaml"), opts, session=session)
        assert _files(out) == before
        with monkeypatch.context() as m:
            m.setattr(outset.Staged, "_switch", ctrl_c_then_switch)
            with pytest.raises(KeyboardInterrupt):
                build(str(desk / "article.yaml"), opts, session=session)
        after = _files(out)
        assert after["article.pdf"] != before["article.pdf"]
        check(after)
    finally:
        session.close()
    leftovers = [n for n in os.listdir(out) if n.startswith(".") and n != ".zhpaper-article"]
    leftovers += [n for n in os.listdir(out / ".zhpaper-article") if n != "current" and not n.startswith("gen-")]
    assert leftovers == [] and len(os.listdir(out / ".zhpaper-article")) == 2  # current and one generation


@needs_fonts
def test_kept_results_stay_within_their_bounds(desk, tmp_path, zhpaper_cache, clean_reportlab_registry):
    """Tables far smaller than the edits need still give the same bytes, and never hold more than their
    bounds: what the watch process keeps cannot grow with the evening's edits."""
    bounds = {k: (2, 1 << 20) for k in ("paragraph", "caption", "subhead", "search", "subset", "flate", "proxy")}
    session = Session(bounds)
    catalog = str(desk / "catalog.yaml")
    text = (desk / "article.yaml").read_text(encoding="utf-8")
    swaps = ["精准", "攻坚", "乡村"]
    try:
        for i, word in enumerate(swaps):
            assert word in text
            (desk / "article.yaml").write_text(text.replace(word, word[::-1], 1), encoding="utf-8")
            build(str(desk / "article.yaml"), _opts(tmp_path / "w", catalog, zhpaper_cache), session=session)
            for kind, (items, size) in bounds.items():
                table = session.memo[kind]
                assert len(table) <= items and (table.bytes <= size or len(table) == 1), kind
        build(str(desk / "article.yaml"), _opts(tmp_path / "c", catalog, zhpaper_cache))
        assert _files(tmp_path / "w") == _files(tmp_path / "c")
    finally:
        session.close()


@needs_fonts
def test_a_subset_grown_in_the_watch_process_is_the_file_a_fresh_conversion_makes(tmp_path):
    """The watch process keeps a CFF source open and its converted glyphs (layout.fonts.prep.build's `keep`):
    a subset grown by characters, a dash stretched to its advance and a fallback set in another em box come
    out as the bytes a fresh conversion writes."""
    from layout.fonts import prep

    keep = Memos({"font-source": (1, None), "glyph": (1000, None)})
    sans = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
    cases = [(sans, "全面小康", None), (sans, "全面小康雪", None), (sans, "全面小康雪霜——", None),
             (sans, "全面小康鏖", (0.9, -0.1))]
    for i, (path, chars, em) in enumerate(cases):
        out = {}
        for name, k in (("kept", keep), ("fresh", None)):
            job = prep.PrepJob(path, 2, "".join(sorted(set(chars))), str(tmp_path / f"{name}{i}.ttf"),
                               str(tmp_path / f"{name}{i}.json"), em_target=em)
            assert "error" not in prep.build(job, k)
            out[name] = ((tmp_path / f"{name}{i}.ttf").read_bytes(), (tmp_path / f"{name}{i}.json").read_bytes())
        assert out["kept"] == out["fresh"], chars
    assert keep["font-source"].hits >= 3 and keep["glyph"].hits > 0


def test_memo_keeps_the_most_recently_used_within_items_and_bytes():
    m = Memo(max_items=3, max_bytes=10)
    for k in "abc":
        m.put(k, k.upper(), 2)
    assert m.get("a") == "A"  # a is now the most recent
    m.put("d", "D", 2)
    assert "b" not in m and len(m) == 3 and m.bytes == 6
    m.put("e", "E", 8)  # over the byte bound: the oldest go until it fits
    assert list(m._data) == ["d", "e"] and m.bytes == 10
    m.put("g", "G", 11)  # larger than the bound alone: kept, alone
    assert list(m._data) == ["g"] and m.bytes == 11
    calls = []
    assert m.call("f", lambda: calls.append(1) or "F", len) == "F" and m.call("f", lambda: calls.append(1)) == "F"
    assert calls == [1]
    memos = Memos({"x": (1, None)})
    memos["x"].put(1, 1)
    memos["x"].put(2, 2)
    assert len(memos["x"]) == 1 and memos["y"].max_items == 256
