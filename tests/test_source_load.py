"""Page files read in process (layout.source.load.load_page): each refusal as its one line with file:line:col
and field, and what a valid file becomes (items, slots, ads, fillers, findings). Locations are counted
here from the text each test writes, not taken from the loader."""

from __future__ import annotations

import os

import pytest

from layout.base.errors import InputError
from layout.base.model import Briefs, Digest
from layout.source.load import load_page
from layout.source.schema import STORY_FIELDS

HEAD = """edition:
  paper: 测试日报
  date: 2024-03-01
  page: 3
  page_name: 要闻
"""


def write(d, text: str, name: str = "page.yaml") -> str:
    path = os.path.join(str(d), name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def at(path: str, text: str, needle: str, field: str, value: bool = True) -> str:
    """"file:line:col field" of the first line holding `needle`: the column of the value after it
    (`value`) or of `needle` itself."""
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            col = line.index(needle) + (len(needle) if value else 0) + 1
            return f"{path}:{n}:{col} {field}"
    raise AssertionError(needle)


def refused(path: str) -> str:
    with pytest.raises(InputError) as e:
        load_page(path)
    return str(e.value)


STORY = "    headline: {title: 标题}\n    sections: [{paragraphs: 正文。}]\n"


def test_a_top_level_story_key_beside_a_list_of_stories(tmp_path):
    text = HEAD + "lead: 导语。\nstories:\n  - id: a\n" + STORY
    path = write(tmp_path, text)
    assert refused(path) == (f"{at(path, text, 'lead: ', 'lead')}: 'lead' at the top level of a page that lists its "
                             "stories (hint: move it into one of the stories under 'stories:')")


def test_a_page_without_a_headline(tmp_path):
    text = HEAD + "sections: [{paragraphs: 正文。}]\n"
    path = write(tmp_path, text)
    assert refused(path) == (f"{path}:1:1 headline: missing required key 'headline' (hint: add 'headline:' "
                             f"({STORY_FIELDS[0].help}))")


def test_a_story_item_without_a_headline(tmp_path):
    text = HEAD + "stories:\n  - id: a\n    sections: [{paragraphs: 正文。}]\n"
    path = write(tmp_path, text)
    line = text.splitlines().index("  - id: a") + 1
    assert refused(path) == (f"{path}:{line}:5 stories[0].headline: missing required key 'headline' (hint: add 'headline:' "
                             f"({STORY_FIELDS[0].help}))")


def test_the_one_story_page_sets_main_and_its_values(tmp_path):
    text = HEAD + ("  editor: '  '\n  sample: true\nheadline:\n  kicker: 引题\n  title: [主题一, 主题二]\n"
                   "  subtitle: 副题\nbyline:\n  - {role: 文, name: 记者甲}\nsidebar:\n  title: 名片\n  items: [甲, 乙]\n"
                   "lead: 导语。\nsections:\n  - heading: 小标题\n    paragraphs: [第一段。, 第二段。]\n")
    path = write(tmp_path, text)
    page, findings = load_page(path)
    assert page.edition.editor == "" and page.edition.sample is True and page.edition.page == 3
    assert page.source_file == path and page.base_dir == str(tmp_path) and page.template == "broadsheet"
    (s,) = page.stories
    assert s.id == "main" and s.path == "" and s.continued_from is None and s.continued_story is None
    assert [t.text for t in s.headline.title] == ["主题一", "主题二"]
    assert (s.headline.kicker.text, s.headline.subtitle.text) == ("引题", "副题")
    assert [(c.role, c.name.text) for c in s.byline] == [("文", "记者甲")]
    assert s.sidebar.title.text == "名片" and [t.text for t in s.sidebar.items] == ["甲", "乙"]
    assert s.sidebar.place is None
    assert [t.text for t in s.lead] == ["导语。"]
    assert [[t.text for t in x.paragraphs] for x in s.sections] == [["第一段。", "第二段。"]]
    assert [t.text for t in s.sections[0].heading] == ["小标题"]
    assert str(s.sections[0].paragraphs[1].source) == at(path, text, "paragraphs: [第一段。, ", "sections[0].paragraphs[1]")
    assert [(f.severity, f.code, f.where) for f in findings] == [
        ("warning", "sample-edition", at(path, text, "sample: ", "edition.sample"))]
    assert findings[0].message == ("edition values are samples (paper 测试日报, 2024-03-01, page 3); replace them "
                                   "and set sample: false before press")


def test_no_sample_finding_when_sample_is_false(tmp_path):
    path = write(tmp_path, HEAD + "  editor: 张三\nheadline: {title: 标题}\n")
    page, findings = load_page(path)
    assert findings == () and page.edition.editor == "张三" and page.stories[0].sections == ()


def test_an_ideographic_space_is_kept_in_a_title_and_tidied_in_a_paragraph(tmp_path):
    path = write(tmp_path, HEAD + "headline: {title: 书香　悦读, kicker: 引　题}\nsections: [{paragraphs: 甲　　乙。}]\n")
    page, findings = load_page(path)
    s = page.stories[0]
    assert s.headline.title[0].text == "书香　悦读" and s.headline.kicker.text == "引　题"
    assert s.sections[0].paragraphs[0].text != "甲　　乙。"
    assert s.sections[0].paragraphs[0].raw == "甲　　乙。"
    assert any("sections[0].paragraphs[0]" in f.where for f in findings)


def test_a_tab_in_a_text_that_is_not_normalised(tmp_path):
    text = HEAD + "options: {normalise: false}\nheadline: {title: \"标\\t题\"}\n"
    path = write(tmp_path, text)
    assert refused(path) == (f"{at(path, text, 'title: ', 'headline.title[0]')}: a tab or line break in a text that "
                             "is not normalised (hint: write the text on one line, or let the normaliser tidy it "
                             "(options.normalise))")


def test_not_normalised_text_is_kept_as_written(tmp_path):
    path = write(tmp_path, HEAD + "options: {normalise: false}\nheadline: {title: 标题}\n"
                 "sections: [{paragraphs: \"甲 , 乙\"}]\n")
    page, findings = load_page(path)
    assert page.stories[0].sections[0].paragraphs[0].text == "甲 , 乙" and findings == ()
    assert dict(page.options)["normalise"] is False


def test_a_text_of_invisible_characters_only(tmp_path):
    text = HEAD + "headline: {title: \"\\u200b\"}\n"
    path = write(tmp_path, text)
    assert refused(path) == (f"{at(path, text, 'title: ', 'headline.title[0]')}: no text left after normalisation "
                             "(only spaces or invisible characters) (hint: write the text, or remove the key if it "
                             "is optional)")


def photo_page(tmp_path, file: str, extra: str = "") -> tuple[str, str]:
    text = HEAD + ("headline: {title: 标题}\nphotos:\n  - id: p1\n    file: " + file + "\n    caption: 图说。\n"
                   + extra)
    return write(tmp_path, text), text


HINT = "photo paths are relative to the article file; check the name and the assets folder"


def test_photo_file_not_found_names_the_normalised_path(tmp_path):
    path, text = photo_page(tmp_path, "img/../nope.jpg")
    assert refused(path) == (f"{at(path, text, 'file: ', 'photos[0].file')}: photo file not found: "
                             f"{tmp_path}/nope.jpg (hint: {HINT})")


def test_photo_path_that_is_a_folder(tmp_path):
    (tmp_path / "img").mkdir()
    path, text = photo_page(tmp_path, "img")
    assert refused(path) == (f"{at(path, text, 'file: ', 'photos[0].file')}: photo path is not a file: "
                             f"{tmp_path}/img (hint: {HINT})")


def test_empty_photo_file(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"")
    path, text = photo_page(tmp_path, "a.jpg")
    assert refused(path) == (f"{at(path, text, 'file: ', 'photos[0].file')}: photo file is empty: {tmp_path}/a.jpg "
                             "(hint: export the image again)")


def test_a_photo_with_its_crop_focus_and_credit(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 not decoded here")
    path, text = photo_page(tmp_path, "a.jpg", "    credit: 记者 摄\n    crop: [0.1, 0.2, 0.9, 0.8]\n"
                            "    focus: [0.25, 0.75]\n    headshot: true\n")
    page, _ = load_page(path)
    (p,) = page.stories[0].photos
    assert (p.id, p.file, p.caption.text, p.credit.text) == ("p1", "a.jpg", "图说。", "记者 摄")
    assert p.crop == (0.1, 0.2, 0.9, 0.8) and p.focus == (0.25, 0.75) and p.framed is True and p.headshot is True
    assert str(p.source) == at(path, text, "id: p1", "photos[0]", value=False)


def test_a_photo_without_crop_or_focus_is_not_framed_and_focus_alone_frames_it(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"x")
    path, _ = photo_page(tmp_path, "a.jpg")
    p = load_page(path)[0].stories[0].photos[0]
    assert p.crop is None and p.framed is False and p.credit is None and p.headshot is False
    path, _ = photo_page(tmp_path, "a.jpg", "    focus: [0.5, 0.5]\n")
    assert load_page(path)[0].stories[0].photos[0].framed is True


@pytest.mark.parametrize("crop, shown", [("[0.5, 0.1, 0.54, 0.9]", "[0.5, 0.1, 0.54, 0.9]"),
                                         ("[0.1, 0.5, 0.9, 0.54]", "[0.1, 0.5, 0.9, 0.54]"),
                                         ("[0.9, 0.1, 0.1, 0.9]", "[0.9, 0.1, 0.1, 0.9]")])
def test_a_crop_that_keeps_nothing(tmp_path, crop, shown):
    (tmp_path / "a.jpg").write_bytes(b"x")
    path, text = photo_page(tmp_path, "a.jpg", f"    crop: {crop}\n")
    assert refused(path) == (f"{at(path, text, 'crop: ', 'photos[0].crop')}: crop {shown} keeps nothing of the "
                             "image (hint: give [left, top, right, bottom] with left < right and top < bottom "
                             "(fractions of the image))")


def test_a_crop_of_exactly_five_hundredths_is_kept(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"x")
    path, _ = photo_page(tmp_path, "a.jpg", "    crop: [0.5, 0.25, 0.5625, 0.3125]\n")
    assert load_page(path)[0].stories[0].photos[0].crop == (0.5, 0.25, 0.5625, 0.3125)


def items_page(tmp_path, items: str, extra: str = "") -> tuple[str, str]:
    text = HEAD + extra + "stories:\n" + items
    return write(tmp_path, text), text


def test_a_key_that_does_not_belong_to_the_kind(tmp_path):
    path, text = items_page(tmp_path, "  - kind: briefs\n    heading: 简讯\n    briefs: [一条。]\n    lead: 导语。\n")
    assert refused(path) == (f"{at(path, text, 'lead: ', 'stories[0].lead')}: 'lead' does not belong to a briefs "
                             "item (hint: a briefs item takes: briefs, heading)")
    path, text = items_page(tmp_path, "  - kind: digest\n    heading: 导读\n    briefs: [一条。]\n")
    assert refused(path) == (f"{at(path, text, 'briefs: ', 'stories[0].briefs')}: 'briefs' does not belong to a "
                             "digest item (hint: a digest item takes: heading, pointers)")


def test_a_story_item_with_a_pointer_list(tmp_path):
    path, text = items_page(tmp_path, "  - id: a\n" + STORY + "    pointers: [{title: 甲, page: 2}]\n")
    assert refused(path).startswith(f"{at(path, text, 'pointers: ', 'stories[0].pointers')}: 'pointers' does not "
                                    "belong to a story item (hint: a story item takes: body_columns, byline, "
                                    "continue_to, continued_from, file, headline,")


@pytest.mark.parametrize("kind", ["briefs", "digest"])
def test_a_block_without_a_heading(tmp_path, kind):
    path, text = items_page(tmp_path, f"  - kind: {kind}\n")
    assert refused(path) == (f"{path}:7:5 stories[0].heading: a {kind} item needs a heading "
                             "(hint: add 'heading:' (e.g. 简讯 or 导读))")


def test_a_briefs_block_without_items_and_a_digest_without_pointers(tmp_path):
    path, _ = items_page(tmp_path, "  - kind: briefs\n    heading: 简讯\n")
    assert refused(path) == (f"{path}:7:5 stories[0].briefs: a briefs item needs its items "
                             "(hint: add 'briefs:' with one short paragraph per item)")
    path, _ = items_page(tmp_path, "  - kind: digest\n    heading: 导读\n")
    assert refused(path) == (f"{path}:7:5 stories[0].pointers: a digest item needs its pointers "
                             "(hint: add 'pointers:' with a title and a page for each story it points to)")


def test_blocks_and_stories_of_a_page(tmp_path):
    path, _ = items_page(tmp_path, "  - id: top\n" + STORY + "    place: {col: 2, span: 3, row: 4, rows: 5}\n"
                         "    body_columns: 2\n    continue_to: 5\n"
                         "  - kind: briefs\n    heading: 简讯\n    briefs: [一条。, 两条。]\n"
                         "  - kind: digest\n    id: dd\n    heading: 导读\n    pointers: [{title: 甲文, page: 2}]\n"
                         "  - {headline: {title: 乙}, continued_from: '4'}\n", "body_columns: 3\n")
    page, _ = load_page(path)
    top, briefs, digest, fourth = page.stories
    assert (top.id, top.path, top.pinned, top.body_columns, top.continue_to) == ("top", "stories[0]", (1, 3, 3, 5), 2, 5)
    assert isinstance(briefs, Briefs) and briefs.id == "s2" and briefs.heading.text == "简讯"
    assert [t.text for t in briefs.items] == ["一条。", "两条。"]
    assert isinstance(digest, Digest) and digest.id == "dd"
    assert (briefs.source_file, digest.source_file, briefs.path, digest.path) == (path, path, "stories[1]", "stories[2]")
    assert digest.place("heading") == f"{path}:19:14 stories[2].heading"
    assert briefs.place("briefs[1]") == f"{path}:16:19 stories[1].briefs[1]"
    assert [(t.text, n) for t, n in digest.pointers] == [("甲文", 2)]
    assert (fourth.id, fourth.body_columns, fourth.pinned, fourth.continued_from, fourth.continued_story) == \
        ("s4", 3, None, 4, None)


def test_a_slot_that_gives_story_keys(tmp_path):
    path, text = items_page(tmp_path, "  - continued_from: 1/a\n    lead: 导语。\n")
    assert refused(path) == (f"{at(path, text, 'lead: ', 'stories[0].lead')}: 'lead' in a 转版 slot (continued_from: "
                             "1/a) (hint: the slot takes the rest of page 1's story as its page wrote it; give only "
                             "id, continued_from, body_columns (and file: to build this page alone))")


def test_a_slot_built_alone_without_a_file(tmp_path):
    path, text = items_page(tmp_path, "  - continued_from: 12/a\n")
    assert refused(path) == (f"{at(path, text, 'continued_from: ', 'stories[0].continued_from')}: continued_from: "
                             "12/a is a slot the edition build fills (hint: build the edition (make_pdf.py --edition "
                             "EDITION.yaml), or name the continuation file page 12's build wrote (file: …jump-ID.yaml) "
                             "to build this page alone)")


CONT = "headline: {title: 续标题}\nsections: [{paragraphs: 续正文。}]\n"


def test_slots_filled_by_the_edition(tmp_path):
    path, text = items_page(tmp_path, "  - id: x\n    continued_from: 1/a\n    body_columns: 2\n"
                            "  - id: y\n    continued_from: 2/b\n")
    page, findings = load_page(path, {"1/a": ("jump-a.yaml", CONT), "2/b": None, "5/c": ("jump-c.yaml", CONT)})
    x, c = page.stories
    assert (x.id, x.source_file, x.continued_from, x.continued_story, x.body_columns) == \
        ("x", "jump-a.yaml", 1, "a", 2)
    assert x.headline.title[0].text == "续标题"
    assert (c.id, c.source_file, c.continued_from, c.continued_story) == ("c", "jump-c.yaml", 5, "c")
    assert [(f.severity, f.code, f.message, f.where) for f in findings] == [
        ("warning", "empty-slot", "page 2's story fitted on its own page (no 下转): this slot is left out",
         at(path, text, "continued_from: 2/b", "stories[1].continued_from", value=False).replace(":5 ", ":21 "))]


def test_a_slot_no_story_comes_to(tmp_path):
    path, text = items_page(tmp_path, "  - continued_from: 1/a\n")
    with pytest.raises(InputError) as e:
        load_page(path, {"2/b": ("jump-b.yaml", CONT)})
    assert str(e.value) == (f"{at(path, text, 'continued_from: ', 'stories[0].continued_from')}: continued_from: 1/a: "
                            "no story of page 1 continues on this page (hint: give that story continue_to: this "
                            "page's number, or remove the slot)")


def test_a_continuation_placed_where_an_item_has_its_id(tmp_path):
    path, _ = items_page(tmp_path, "  - id: b\n" + STORY)
    with pytest.raises(InputError) as e:
        load_page(path, {"2/b": ("jump-b.yaml", CONT)})
    assert str(e.value) == (f"{path}: the rest of page 2's story 'b' comes to this page, which has an item 'b' too "
                            "(hint: name the slot: an item with continued_from: 2/b and an id of its own)")


def test_a_continuation_for_a_page_that_lists_no_stories(tmp_path):
    path = write(tmp_path, HEAD + "headline: {title: 标题}\n")
    with pytest.raises(InputError) as e:
        load_page(path, {"2/b": ("jump-b.yaml", CONT)})
    assert str(e.value) == (f"{path}: the rest of a story from another page comes here, but this page lists no "
                            "stories: to place it in (hint: give the page a stories: list)")
    page, _ = load_page(path, {"2/b": None})
    assert page.stories[0].id == "main"


def test_a_story_from_its_own_file(tmp_path):
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", "headline: {title: 文件标题}\nsections: [{paragraphs: \"甲 ,乙。\"}]\n", "s.yaml")
    path, _ = items_page(tmp_path, "  - id: f\n    file: sub/s.yaml\n    continue_to: 4\n")
    page, findings = load_page(path)
    (s,) = page.stories
    story_path = os.path.join(str(tmp_path), "sub/s.yaml")
    assert (s.id, s.source_file, s.base_dir, s.continue_to) == ("f", story_path, os.path.join(str(tmp_path), "sub"), 4)
    assert s.headline.title[0].text == "文件标题"
    assert findings and all(f.where.startswith(story_path + ":2:") for f in findings)


def test_a_story_file_beside_story_keys_or_missing(tmp_path):
    path, text = items_page(tmp_path, "  - file: s.yaml\n    lead: 导语。\n")
    assert refused(path) == (f"{at(path, text, 'lead: ', 'stories[0].lead')}: 'lead' beside 'file:' "
                             "(hint: give the story's keys in its file or here, not both)")
    path, text = items_page(tmp_path, "  - file: ./s.yaml\n")
    assert refused(path) == (f"{at(path, text, 'file: ', 'stories[0].file')}: story file not found: "
                             f"{tmp_path}/s.yaml (hint: paths are relative to the page file)")


def test_fillers_need_a_page_of_several_stories(tmp_path):
    text = HEAD + "headline: {title: 标题}\nfillers:\n  - {id: f, text: 补白。}\n"
    path = write(tmp_path, text)
    assert refused(path) == (f"{at(path, text, '- {id: f', 'fillers', value=False)}: fillers are for a page of several stories "
                             "(hint: list the page's stories under 'stories:', or leave 'fillers:' out)")


def test_fillers_of_a_page(tmp_path):
    path, _ = items_page(tmp_path, "  - id: a\n" + STORY,
                         "fillers:\n  - {id: f, heading: 小知识, text: [甲。, 乙。]}\n  - {id: g, text: 丙。}\n")
    page, _ = load_page(path)
    f, g = page.fillers
    assert (f.id, f.heading.text, [t.text for t in f.text]) == ("f", "小知识", ["甲。", "乙。"])
    assert (g.id, g.heading, [t.text for t in g.text]) == ("g", None, ["丙。"])


def reserved_page(tmp_path, area: str) -> tuple[str, str]:
    return items_page(tmp_path, "  - id: a\n" + STORY, "reserved:\n  - " + area + "\n")


def test_reserved_areas_kinds_and_places(tmp_path):
    (tmp_path / "ad.pdf").write_bytes(b"%PDF-1.4 rest")
    (tmp_path / "ad.png").write_bytes(b"\x89PNG\r\n")
    path, _ = items_page(tmp_path, "  - id: a\n" + STORY,
                         "reserved:\n  - {id: one, col: 2, span: 3, row: 5, rows: 6, file: ad.pdf}\n"
                         "  - {id: two, col: 1, span: 8, rows: 9, file: ad.png, label: 通栏}\n"
                         "  - {id: three, col: 1, span: 1, rows: 1}\n")
    page, _ = load_page(path)
    one, two, three = page.reserved
    assert (one.id, one.col, one.span, one.row, one.rows, one.file, one.label, one.file_kind) == \
        ("one", 1, 3, 4, 6, "ad.pdf", "广告", "pdf")
    assert (two.col, two.row, two.file_kind, two.label) == (0, -1, "image", "通栏")
    assert (three.file, three.file_kind) == (None, "")


def test_an_ad_named_pdf_that_is_not_one(tmp_path):
    (tmp_path / "ad.PDF").write_bytes(b"%PDX-1.4")
    path, text = reserved_page(tmp_path, "{id: ad, col: 1, span: 2, rows: 3, file: ad.PDF}")
    assert refused(path) == (f"{at(path, text, 'file: ', 'reserved[0].file')}: ad.PDF is not a PDF (it does not "
                             "begin with %PDF-) (hint: export the ad again as a one-page PDF/X-1a (CMYK, fonts "
                             "embedded, no transparency))")


def test_an_empty_or_missing_ad_file(tmp_path):
    (tmp_path / "ad.pdf").write_bytes(b"")
    path, text = reserved_page(tmp_path, "{id: ad, col: 1, span: 2, rows: 3, file: ad.pdf}")
    assert refused(path) == (f"{at(path, text, 'file: ', 'reserved[0].file')}: ad file is empty: {tmp_path}/ad.pdf "
                             "(hint: export the ad again)")
    path, text = reserved_page(tmp_path, "{id: ad, col: 1, span: 2, rows: 3, file: no.pdf}")
    assert refused(path) == (f"{at(path, text, 'file: ', 'reserved[0].file')}: ad file not found: {tmp_path}/no.pdf "
                             "(hint: ad paths are relative to the article file; check the name and the assets folder)")


def test_a_photo_and_a_sidebar_placed_on_grid_cells(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"x")
    path, _ = photo_page(tmp_path, "a.jpg", "    place: {col: 2, span: 3, row: 4, rows: 5, grid: body}\n"
                         "sidebar: {title: 框, items: [一], place: {col: 1, rows: 6}}\n")
    s = load_page(path)[0].stories[0]
    p = s.photos[0].place
    assert (p.col, p.span, p.row, p.rows, p.grid) == (2, 3, 4, 5, "body")
    q = s.sidebar.place
    assert (q.col, q.span, q.row, q.rows) == (1, None, None, 6)
