"""Every class of bad input through the real command line (`make_pdf.py` as a subprocess):

exit code 2 (usage) or 1 (content); stderr exactly one line `error: <where>: <what> (hint: …)`;
no traceback; no output file at the -o path; and a good output already there is left alone.
Articles are small (the mini template, copyfit off) and all runs share the session font cache.
"""

from __future__ import annotations

import os
import shutil

import pytest
from support import BAD, DATA, NOBODY, run_make_pdf, unprivileged_command, unprivileged_dir

USAGE, CONTENT = 2, 1
IMG = os.path.join(DATA, "img", "landscape.jpg")

BASE = """\
template: mini-template.yaml
edition: {paper: 测试日报, date: 2024-03-01, page: 3, page_name: 要闻}
headline: {title: [前半句话, 后半句话]}
lead: "去年以来，郾城区紧扣全面建成小康社会目标任务。"
sections:
  - heading: [小标题一, 补齐短板]
    paragraphs:
      - "坚决打赢精准脱贫攻坚战，以脱贫攻坚统揽经济社会发展全局。"
photos:
  - {id: field, file: img/landscape.jpg, caption: 幸福渠, group: lead}
options: {copyfit: false}
"""


@pytest.fixture
def desk(tmp_path):
    """A desk folder: the mini template, img/landscape.jpg, an empty out/ folder; `write()` puts an
    article (BASE with replacements) there and returns its path."""
    shutil.copy(os.path.join(DATA, "mini-template.yaml"), tmp_path)
    (tmp_path / "img").mkdir()
    shutil.copy(IMG, tmp_path / "img" / "landscape.jpg")
    (tmp_path / "out").mkdir()

    class Desk:
        root = tmp_path
        out = tmp_path / "out"
        pdf = str(tmp_path / "out" / "page.pdf")

        @staticmethod
        def write(text: str | bytes | None = None, name: str = "article.yaml", **replace) -> str:
            if text is None:
                text = BASE
                for old, new in replace.items():
                    old = old.replace("__", " ")
                    assert old in text, old
                    text = text.replace(old, new)
            path = tmp_path / name
            path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
            return str(path)

    return Desk


def assert_clean_error(r, code: int, out_dir, *needles: str) -> str:
    """One `error:` line naming where and what; the right exit code; nothing written."""
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr
    line = lines[0]
    assert line.startswith("error: ") and len(line) > len("error: ") + 10, line
    assert r.returncode == code, (r.returncode, line)
    for n in needles:
        assert n in line, (n, line)
    if out_dir is not None:
        assert not os.path.exists(out_dir) or os.listdir(out_dir) == [], os.listdir(out_dir)
    return line


def test_the_base_article_builds(desk, run_cli):
    """The control: the unmodified small article builds, so each failure below is its mutation's."""
    r = run_cli([desk.write(), "-o", desk.pdf, "-q"])
    assert r.returncode == 0, r.stderr
    assert os.path.isfile(desk.pdf) and os.path.isfile(desk.pdf[:-4] + ".archive.pdf")


# ---------------------------------------------------------------- the article file itself


@pytest.mark.parametrize("name, data, needles", [
    ("yaml syntax", "edition:\n  paper: 测试日报\n  date: [2024-03-01\nheadline:\n  title: 标题\n",
     ["article.yaml:4:", "YAML syntax error", "hint:"]),
    ("tab indent", "edition:\n\tpaper: 测试日报\n", ["article.yaml:2:", "tab"]),
    ("empty file", "", ["article.yaml", "empty"]),
    ("only a comment", "# nothing here\n", ["article.yaml", "empty"]),
    ("binary file", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["article.yaml", "not a text file"]),
    ("not utf-8", "edition:\n  paper: 测试".encode("gb18030"), ["article.yaml", "UTF-8", "line 2"]),
    ("two documents", "edition: {}\n---\nedition: {}\n", ["article.yaml:", "document"]),
])
def test_unreadable_article(desk, run_cli, name, data, needles):
    r = run_cli([desk.write(data), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, *needles)


@pytest.mark.parametrize("name, text, needles", [
    ("top level is a list", "- edition\n- headline\n", ["article.yaml:1:1", "expected a mapping", "found a list"]),
    ("top level is text", "just some words\n", ["article.yaml:1:1", "expected a mapping"]),
])
def test_wrong_top_level_type(desk, run_cli, name, text, needles):
    assert_clean_error(run_cli([desk.write(text), "-o", desk.pdf]), CONTENT, desk.out, *needles)


@pytest.mark.parametrize("replace, needles", [
    ({"page: 3": "page: drei"}, ["article.yaml:2:", "edition.page", "whole number", "drei"]),
    ({"date: 2024-03-01": "date: 1st of March"}, ["article.yaml:2:", "edition.date"]),
    ({"headline: {title: [前半句话, 后半句话]}": "headline: [前半句话]"}, ["article.yaml:3:", "headline",
                                                                         "mapping"]),
    ({"caption: 幸福渠": "caption: {text: 幸福渠}"}, ["article.yaml:10:", "photos[0].caption"]),
    ({"options: {copyfit: false}": "options: {copyfit: maybe}"}, ["article.yaml:11:", "options.copyfit"]),
])
def test_wrong_type(desk, run_cli, replace, needles):
    r = run_cli([desk.write(**replace), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, *needles)


def test_missing_required_field(desk, run_cli):
    r = run_cli([desk.write(**{"headline: {title: [前半句话, 后半句话]}\n": ""}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml:1:1", "headline", "missing required key")
    r = run_cli([desk.write(**{"{id: field, ": "{"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml:10:", "photos[0]", "'id'")


def test_unknown_key_suggests_the_right_one(desk, run_cli):
    r = run_cli([desk.write(**{"sections:": "sectoins:"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml:5:1", "sectoins", "did you mean 'sections'")
    r = run_cli([desk.write(**{"caption: 幸福渠": "captoin: 幸福渠"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml:10:", "captoin", "caption")


@pytest.mark.parametrize("lead", ['""', '"   "', '"\u200b\u3000"'])
def test_empty_text(desk, run_cli, lead):
    r = run_cli([desk.write(**{'"去年以来，郾城区紧扣全面建成小康社会目标任务。"': lead}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml:4:", "lead[0]")


# ---------------------------------------------------------------- photos


def test_missing_photo(desk, run_cli):
    r = run_cli([desk.write(**{"img/landscape.jpg": "img/nosuch.jpg"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml:10:", "photos[0].file", "not found", "nosuch.jpg")


def test_truncated_photo(desk, run_cli):
    data = open(IMG, "rb").read()
    (desk.root / "img" / "cut.jpg").write_bytes(data[: len(data) // 3])
    r = run_cli([desk.write(**{"img/landscape.jpg": "img/cut.jpg"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "cut.jpg", "truncated")


def test_corrupt_photo(desk, run_cli):
    data = bytearray(open(IMG, "rb").read())
    data[300:3300] = bytes(3000)  # scan data zeroed, markers intact at both ends
    (desk.root / "img" / "bad.jpg").write_bytes(bytes(data))
    r = run_cli([desk.write(**{"img/landscape.jpg": "img/bad.jpg"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "bad.jpg")


def test_empty_photo(desk, run_cli):
    (desk.root / "img" / "empty.jpg").write_bytes(b"")
    r = run_cli([desk.write(**{"img/landscape.jpg": "img/empty.jpg"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "photos[0].file", "empty")


@pytest.mark.parametrize("fixture, needle", [("photo-is-text.jpg", "not a readable image"),
                                             ("photo.ppm", "unsupported image format")])
def test_unsupported_image_format(desk, run_cli, fixture, needle):
    shutil.copy(os.path.join(BAD, fixture), desk.root / "img" / fixture)
    r = run_cli([desk.write(**{"img/landscape.jpg": f"img/{fixture}"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, fixture, needle)


# ---------------------------------------------------------------- absurd sizes and places


@pytest.mark.parametrize("replace, needles", [
    ({"group: lead}": "group: lead, focus: [5, 0.5]}"}, ["article.yaml:10:", "photos[0].focus[0]", "5",
                                                         "out of range"]),
    ({"page: 3": "page: 0"}, ["article.yaml:2:", "edition.page", "out of range"]),
    ({"options:": "body_columns: 40\noptions:"}, ["article.yaml:11:", "body_columns", "40", "out of range"]),
    ({"group: lead}": "group: lead, place: {col: 3, span: 1, grid: body}}"}, ["photos[0].place", "col 3",
                                                                              "2 body columns"]),
    ({"group: lead}": "group: lead, place: {col: 1, span: 1, row: 200, grid: body}}"}, ["photos[0].place",
                                                                                        "30 rows"]),
    ({"group: lead}": "group: lead, place: {col: 1, span: 1, row: 2, grid: body}}"}, ["photos[0].place",
                                                                                      "headline"]),
    ({"group: lead}": "group: lead, place: {col: 0, span: 1}}"}, ["article.yaml:10:", "photos[0].place.col"]),
])
def test_absurd_sizes_and_places(desk, run_cli, replace, needles):
    r = run_cli([desk.write(**replace), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, *needles)


def test_null_photo_item(desk, run_cli):
    r = run_cli([desk.write(**{"  - {id: field, file: img/landscape.jpg, caption: 幸福渠, group: lead}": "  - null"}),
                 "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml:10:", "photos[0]")


def test_null_focus_fraction(desk, run_cli):
    r = run_cli([desk.write(**{"group: lead}": "group: lead, focus: [null, 0.5]}"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml:10:", "photos[0].focus[0]")


# ---------------------------------------------------------------- templates and fonts


def test_unknown_template_name(desk, run_cli):
    r = run_cli([desk.write(**{"template: mini-template.yaml": "template: broadshet"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "template", "broadshet", "broadsheet")


def test_template_file_missing(desk, run_cli):
    r = run_cli([desk.write(**{"template: mini-template.yaml": "template: nosuch.yaml"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "template", "nosuch.yaml")


def test_template_file_not_yaml(desk, run_cli):
    shutil.copy(os.path.join(BAD, "template-not-yaml.yaml"), desk.root)
    r = run_cli([desk.write(**{"template: mini-template.yaml": "template: template-not-yaml.yaml"}),
                 "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "template-not-yaml.yaml:4:", "YAML")


def test_font_catalog_not_a_font(desk, run_cli):
    r = run_cli([desk.write(), "--fonts", os.path.join(BAD, "fonts-not-a-font.yaml"), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "fonts-not-a-font.yaml:4:9 roles.body", "not a TrueType/OpenType font",
                       "not-a-font.ttf")


def test_font_catalog_unknown_role(desk, run_cli):
    r = run_cli([desk.write(), "--fonts", os.path.join(BAD, "fonts-unknown-role.yaml"), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "fonts-unknown-role.yaml:4:13 roles.bodytext", "unknown font role",
                       "known roles")


@pytest.fixture(scope="module")
def display_fonts(tmp_path_factory) -> str:
    """The catalog of test_cache with the body on the `display` policy: a page with a character of its
    own then converts only the page's characters, not GB 2312 level 1 again (seconds) for each."""
    from test_cache import display_catalog

    return display_catalog(tmp_path_factory)


@pytest.mark.parametrize("ch, shown", [("\ue000", "U+E000"), ("😀", "U+1F600")])
def test_character_no_font_can_draw(desk, run_cli, display_fonts, ch, shown):
    text = BASE.replace("坚决打赢精准脱贫攻坚战，", f"坚决打赢精准脱贫{ch}攻坚战，")
    r = run_cli([desk.write(text), "-o", desk.pdf, "--fonts", display_fonts])
    line = assert_clean_error(r, CONTENT, desk.out, shown, "sections[0].paragraphs[0]", "char 8", "no font")
    assert "article.yaml" in line


# ---------------------------------------------------------------- paths and options


def test_article_path_missing(desk, run_cli):
    r = run_cli([str(desk.root / "nosuch.yaml"), "-o", desk.pdf])
    assert_clean_error(r, USAGE, desk.out, "nosuch.yaml", "no such file")


def test_article_path_is_a_directory(desk, run_cli):
    r = run_cli([str(desk.root / "img"), "-o", desk.pdf])
    assert_clean_error(r, USAGE, desk.out, "img", "folder")


def test_output_path_not_writable_proc(desk, run_cli):
    r = run_cli([desk.write(), "-o", "/proc/zhpaper-test.pdf"])
    assert_clean_error(r, USAGE, None, "/proc/zhpaper-test.pdf")
    assert not os.path.exists("/proc/zhpaper-test.pdf")


def test_output_folder_is_a_file(desk, run_cli):
    blocker = desk.root / "blocker"
    blocker.write_text("a file, not a folder")
    for out in (blocker / "page.pdf", blocker / "sub" / "page.pdf"):
        r = run_cli([desk.write(), "-o", str(out)])
        assert_clean_error(r, USAGE, None, f"{blocker} is a file, not a folder")
    assert blocker.read_text() == "a file, not a folder"


def test_output_folder_read_only(desk, run_cli, zhpaper_cache):
    """As an ordinary user (nobody, when the suite runs as root): an output folder it owns but may not
    write to. The page builds into a writable folder first (the control, and it warms the cache)."""
    r = run_cli([desk.write(), "-o", desk.pdf, "-q"])
    assert r.returncode == 0, r.stderr
    folder = unprivileged_dir()
    try:
        ro = os.path.join(folder, "ro")
        os.mkdir(ro)
        if os.geteuid() == 0:
            os.chown(ro, NOBODY, NOBODY)  # its own folder: only the mode keeps it out
        os.chmod(ro, 0o555)
        r = run_make_pdf([desk.write(), "-o", os.path.join(ro, "page.pdf")], zhpaper_cache,
                         prefix=unprivileged_command())
        line = assert_clean_error(r, USAGE, ro, "page.pdf", "cannot write output")
        assert "Permission denied" in line
    finally:
        os.chmod(ro, 0o755)
        shutil.rmtree(folder)


@pytest.mark.parametrize("args, needles", [
    (["--bogus"], ["make_pdf.py", "unrecognized arguments: --bogus", "--help"]),
    (["--bleed", "3cmx"], ["--bleed", "not a length"]),
    (["--bleed", "9999mm"], ["--bleed", "out of range"]),
    (["--marks"], ["--marks", "bleed"]),
    (["-j", "many"], ["make_pdf.py", "-j"]),
])
def test_bad_cli_option(desk, run_cli, args, needles):
    r = run_cli([desk.write(), "-o", desk.pdf, *args])
    assert_clean_error(r, USAGE, desk.out, *needles)


# ---------------------------------------------------------------- too much text


def _long_article(desk, copyfit: bool = True) -> str:
    """The base article with a lead 60 times too long: with copyfit the copyfit error; without it (the
    base's `copyfit: false`) the page is set and preflight finds the overflow."""
    text = BASE.replace("options: {copyfit: false}\n", "") if copyfit else BASE
    lead = "去年以来，郾城区紧扣全面建成小康社会目标任务。"
    return desk.write(text.replace(f'"{lead}"', '"' + lead * 60 + '"'), name="long.yaml")


def test_too_much_text_then_draft(desk, run_cli):
    path = _long_article(desk)
    r = run_cli([path, "-o", desk.pdf])
    line = assert_clean_error(r, CONTENT, desk.out, "long.yaml", "copyfit", "lines over", "--draft")
    assert "hint:" in line
    r = run_cli([path, "-o", desk.pdf, "--draft", "-q"])
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    for suffix in (".pdf", ".archive.pdf", ".report.json", ".manifest.json"):
        assert os.path.getsize(desk.pdf[:-4] + suffix) > 0
    import json

    report = json.load(open(desk.pdf[:-4] + ".report.json", encoding="utf-8"))
    assert any(e["code"] == "overflow" for e in report["errors"])


# ---------------------------------------------------------------- a failing build leaves old files alone


@pytest.mark.parametrize("cls", ["syntax", "photo", "copyfit", "glyph", "preflight"])
def test_failing_build_keeps_the_previous_good_output(desk, run_cli, cls):
    r = run_cli([desk.write(), "-o", desk.pdf, "-q"])
    assert r.returncode == 0, r.stderr
    names = ["page.pdf", "page.archive.pdf", "page.alto.xml", "page.report.json", "page.manifest.json"]
    before = {n: (desk.out / n).read_bytes() for n in names}
    gen = os.readlink(desk.out / ".zhpaper-page" / "current")
    if cls == "syntax":
        bad = desk.write("edition: [\n")
    elif cls == "photo":
        (desk.root / "img" / "cut.jpg").write_bytes(open(IMG, "rb").read()[:2000])
        bad = desk.write(**{"img/landscape.jpg": "img/cut.jpg"})
    elif cls == "copyfit":
        bad = _long_article(desk)
    elif cls == "preflight":  # set with copyfit off, refused by preflight (text overflows): not even the report
        bad = _long_article(desk, copyfit=False)
    else:
        bad = desk.write(BASE.replace("郾城区", "郾城区😀"))
    r = run_cli([bad, "-o", desk.pdf])
    assert_clean_error(r, USAGE if cls == "usage" else CONTENT, None)
    if cls == "preflight":
        assert "do not fit" in r.stderr and "preflight error" in r.stderr and "--draft" in r.stderr, r.stderr
        # where in the page file: the story's body, the block beside the message (issue 22)
        assert "long.yaml:6:3 sections: " in r.stderr and "(in main/body)" in r.stderr, r.stderr
    assert sorted(os.listdir(desk.out)) == sorted(names + [".zhpaper-page"]), "no new or temporary files"
    assert sorted(os.listdir(desk.out / ".zhpaper-page")) == ["current", gen], "no new generation or temporary"
    for n in names:
        assert (desk.out / n).read_bytes() == before[n], f"{n} was touched by a failing build"


# ---------------------------------------------------------------- characters, encodings and limits (issue 22)


@pytest.mark.parametrize("replace, needles", [
    ({"[前半句话,": '["前半\\ud800句话",'}, ["article.yaml:3:", "headline.title[0]", "lone surrogate U+D800",
                                          "character 3"]),
    ({'"去年以来': '"去年\\0以来'}, ["article.yaml:4:", "lead[0]", "control character U+0000 (NUL)"]),
    ({'"去年以来': '"去年\\a以来'}, ["article.yaml:4:", "lead[0]", "control character U+0007"]),
    ({'"去年以来': '"去年\\e以来'}, ["lead[0]", "U+001B (ESC)"]),
    ({'"去年以来': '"去年\\x7f以来'}, ["lead[0]", "U+007F (DEL)"]),
    ({'"去年以来': '"去年\\N以来'}, ["lead[0]", "U+0085 (NEL)"]),
    ({'"去年以来': '"去年\\x9f以来'}, ["lead[0]", "control character U+009F"]),
    ({"caption: 幸福渠": 'caption: "幸福\\uffff渠"'}, ["article.yaml:10:", "photos[0].caption", "noncharacter U+FFFF"]),
    ({"{id: field,": '{id: "fi\\teld",'}, ["article.yaml:10:", "photos[0].id", "U+0009"]),  # no tab in a name
    ({"page_name: 要闻}": 'page_name: "要\\x01闻"}'}, ["article.yaml:2:", "edition.page_name", "U+0001"]),
])
def test_characters_no_page_can_print(desk, run_cli, replace, needles):
    """A YAML escape puts any code point in a text: those no page can print — half a surrogate pair, a
    control character, a noncharacter — are refused where they stand (before: a traceback, or an ALTO
    that is not well-formed XML)."""
    r = run_cli([desk.write(**replace), "-o", desk.pdf])
    line = assert_clean_error(r, CONTENT, desk.out, *needles)
    assert line.isprintable(), repr(line)


def test_a_tab_or_line_break_in_a_text_is_white_space(desk, run_cli):
    r = run_cli([desk.write(**{'"去年以来': '"去年\\t以来\\n郾城区'}), "-o", desk.pdf, "-q"])
    assert r.returncode == 0 and r.stderr == "", r.stderr


@pytest.mark.parametrize("codec, bom, said", [
    ("utf-16-le", b"\xff\xfe", "UTF-16 (little-endian)"),
    ("utf-16-be", b"\xfe\xff", "UTF-16 (big-endian)"),
    ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    ("utf-32-be", b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    ("utf-16-le", b"", "UTF-16 (little-endian, no byte order mark)"),
    ("utf-16-be", b"", "UTF-16 (big-endian, no byte order mark)"),
])
def test_a_utf16_or_utf32_file_is_named_so(desk, run_cli, codec, bom, said):
    r = run_cli([desk.write(bom + BASE.encode(codec)), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml: the file is " + said + ", not UTF-8",
                       f"save it as UTF-8, e.g. iconv -f {codec.upper().replace('-LE', 'LE').replace('-BE', 'BE')}")


SENTENCE = "坚决打赢精准脱贫攻坚战，以脱贫攻坚统揽经济社会发展全局。"


def _text(n: int) -> str:
    return (SENTENCE * (n // len(SENTENCE) + 1))[:n]


def _stories(n: int) -> str:
    items = "".join(f"  - {{headline: {{title: 标题{i}}}, lead: 本报讯　短消息。}}\n" for i in range(n))
    return BASE.split("headline:")[0] + "stories:\n" + items


LIMIT_CASES = [
    ("paragraph", BASE.replace(SENTENCE, _text(200_000)),
     ["article.yaml:8:", "sections[0].paragraphs[0]", "a paragraph: 200,000 characters, at most 5,000"]),
    ("caption", BASE.replace("caption: 幸福渠", f"caption: {_text(1001)}"),
     ["article.yaml:10:", "photos[0].caption", "a caption: 1,001 characters, at most 1,000"]),
    ("title", BASE.replace("[前半句话, 后半句话]", f"[{_text(201)}]"),
     ["article.yaml:3:", "headline.title[0]", "a display line: 201 characters, at most 200"]),
    ("items", _stories(13), ["article.yaml:4:", "stories", "the page's items: 13 items, at most 12"]),
    ("photos", BASE.replace("photos:\n", "photos:\n" + "".join(
        f"  - {{id: p{i}, file: img/landscape.jpg, caption: 图{i}}}\n" for i in range(24))),
     ["article.yaml:10:", "photos", "the story's photos: 25 items, at most 24"]),
    ("list", BASE.replace(f'      - "{SENTENCE}"', "\n".join(["      - 短。"] * 501)),
     ["article.yaml:8:", "sections[0].paragraphs", "a list: 501 items, at most 500"]),
    ("file text", BASE.replace(f'      - "{SENTENCE}"', "\n".join([f"      - {_text(4_500)}"] * 23)),
     ["sections[0].paragraphs[22]", "the file's text passes 100,000 characters here"]),
    ("file size", BASE + "# " + "x" * (1 << 20) + "\n",
     ["article.yaml: the file: 1,04", "bytes, at most 1,048,576"]),
    ("capacity", BASE.replace(SENTENCE, _text(3_300)),
     ["article.yaml:6:", "sections: the page's text is 3,", "at most 3 times that, 3,240"]),
]


@pytest.mark.parametrize("name, text, needles", LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES])
def test_absurd_amounts_are_refused_before_any_work(desk, run_cli, name, text, needles):
    """Each limit of layout/source/limits.py, one line naming where, the figure and the limit (the time
    a refusal takes is measured by make bench: bench/bench_limits.py)."""
    r = run_cli([desk.write(text), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, *needles, "docs/article-format.md#limits" if name != "capacity" else "")


# ---------------------------------------------------------------- every error says where


@pytest.mark.parametrize("replace, needles", [
    ({"options: {copyfit: false}": "options: {copyfit: false, flow_order: [1, 1]}"},
     ["article.yaml:11:", "options.flow_order", "not an order of the 2 body columns"]),
    ({"[前半句话, 后半句话]": "[" + "很长的标题" * 30 + "]"},
     ["article.yaml:3:", "headline.title", "the headline does not fit"]),
    ({"caption: 幸福渠": "caption: " + _text(990)},
     ["article.yaml:10:", "photos[0].caption", "photo field needs at least", "its caption alone takes"]),
    ({"caption: 幸福渠": "caption: " + _text(990), "options: {copyfit: false}": "options: {}"},
     ["article.yaml:10:", "photos[0].caption", "photo field needs at least", "its caption alone takes"]),
    ({"template: mini-template.yaml": "template: broadshet"}, ["article.yaml:1:", "template", "broadshet"]),
])
def test_errors_of_composition_name_the_place(desk, run_cli, replace, needles):
    r = run_cli([desk.write(**replace), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, *needles)


def test_a_photo_that_cannot_be_decoded_names_its_place(desk, run_cli):
    data = bytearray(open(IMG, "rb").read())
    data[300:3300] = bytes(3000)
    (desk.root / "img" / "bad.jpg").write_bytes(bytes(data))
    r = run_cli([desk.write(**{"img/landscape.jpg": "img/bad.jpg"}), "-o", desk.pdf])
    assert_clean_error(r, CONTENT, desk.out, "article.yaml:10:", "photos[0].file", "bad.jpg")
