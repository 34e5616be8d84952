"""Loading article.yaml (layout.source.load): the real article against the seed, and located errors."""

from __future__ import annotations

import os
import pathlib
import re
import shutil
from collections import Counter

import pytest
import yaml

from layout.source.load import load_page
from layout.source.texts import page_text_fields
from layout.base.errors import InputError, UsageError
from layout.base.model import Page
from support import as_unprivileged, unprivileged_dir

ROOT = os.path.join(os.path.dirname(__file__), os.pardir)
DATA = os.path.join(os.path.dirname(__file__), "data")
# A copy of shared/seed/000_88f5a99a4fbbcac4.txt, kept with the tests so CI has it.
SEED = os.path.join(DATA, "seed-000_88f5a99a4fbbcac4.txt")


def with_photos(tmp_path, yaml_path: str) -> str:
    """Copy an article next to tiny stand-in photo files for every photos[].file it names."""
    target = tmp_path / os.path.basename(yaml_path)
    shutil.copy(yaml_path, target)
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    for photo in data.get("photos") or []:
        image = tmp_path / photo["file"]
        image.parent.mkdir(parents=True, exist_ok=True)
        image.write_bytes(b"\xff\xd8stand-in")
    return str(target)


def write(tmp_path, text: str, name: str = "a.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def load_error(path: str) -> InputError:
    with pytest.raises(InputError) as info:
        load_page(path)
    assert "\n" not in str(info.value)
    return info.value


BASE = """edition: {paper: 测试日报, date: 2024-03-01, page: 3, page_name: 要闻}
headline:
  title: 标题
"""


# ---------------------------------------------------------------- the real article


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> tuple[Page, tuple]:
    tmp = tmp_path_factory.mktemp("real")
    return load_page(with_photos(tmp, os.path.join(ROOT, "article.yaml")))


def seed_text() -> str:
    with open(SEED, encoding="utf-8") as fh:
        return fh.read()


# The seed's known extraction artefacts (typography.md §0), mapped before comparing.
SEED_ARTEFACTS = {",": "，", ";": "；", "(": "（", ")": "）"}


def test_article_text_is_the_seed_nothing_lost_nothing_invented(real):
    page, _ = real
    article = page.stories[0]
    seed = seed_text()
    seed_chars = Counter()
    for line in seed.splitlines():
        line = re.sub(r"^- ", "", line)  # list bullets, not text
        seed_chars.update(SEED_ARTEFACTS.get(c, c) for c in line if not c.isspace())
    ours = Counter()
    for _, text in page_text_fields(page):
        ours.update(c for c in text if not c.isspace())
    assert ours - seed_chars == Counter(), "characters not in the seed"
    assert seed_chars - ours == Counter(), "seed characters missing"
    # The edition values are not in the seed; they must be flagged as samples.
    assert page.edition.sample


def test_real_article_structure(real):
    page, _ = real
    article = page.stories[0]
    assert article.headline.kicker.text == "郾城区"
    assert [t.text for t in article.headline.title] == ["砥砺前行铸辉煌", "乘风破浪再起航"]
    assert [(c.role, c.name.text) for c in article.byline] == [("文", "张星"), ("图", "本报记者 焦海洋"),
                                                               ("版式", "付广亚")]
    assert article.sidebar.title.text == "郾城名片" and len(article.sidebar.items) == 8
    assert len(article.lead) == 1 and len(article.sections) == 4
    assert all(len(s.heading) == 2 for s in article.sections)
    assert len(article.photos) == 11
    assert [p.group for p in article.photos] == ["lead"] * 4 + ["end"] * 7
    assert [p.file for p in article.photos] == sorted(p.file for p in article.photos)
    assert all(p.credit is None for p in article.photos)
    assert len({p.id for p in article.photos}) == 11


def test_real_article_split_paragraphs_are_rejoined(real):
    page, _ = real
    article = page.stories[0]
    paragraphs = [p.text for s in article.sections for p in s.paragraphs]
    assert any("紧盯企业关注的堵点" in p for p in paragraphs)
    assert any("“以克论净”保洁标准" in p for p in paragraphs)
    # A paragraph ends a sentence: none was left split at a column break.
    assert all(p[-1] in "。！？”）" for p in paragraphs + [t.text for t in article.lead])


def test_real_article_is_clean_so_normalisation_changes_nothing(real):
    page, findings = real
    article = page.stories[0]
    assert [f for f in findings if f.code == "normalised"] == []
    for _, text in page_text_fields(page):
        assert not re.search(r"[\u4e00-\u9fff][,;()][\u4e00-\u9fff]", text)


def test_sample_edition_is_a_warning_pointing_at_the_yaml(real):
    _, findings = real
    sample = [f for f in findings if f.code == "sample-edition"]
    assert len(sample) == 1 and sample[0].severity == "warning"
    assert re.search(r"article\.yaml:\d+:\d+ edition\.sample$", sample[0].where)


def test_text_fields_are_in_reading_order_with_paths(real):
    page, _ = real
    article = page.stories[0]
    paths = [p for p, _ in page_text_fields(page)]
    assert paths[0] == "headline.kicker"
    order = [paths.index(p) for p in ("headline.title[0]", "byline[0].role", "sidebar.title", "lead[0]",
                                      "photos[0].caption", "sections[0].heading[0]",
                                      "sections[0].paragraphs[0]", "photos[4].caption")]
    assert order == sorted(order)
    assert len(paths) == len(set(paths))


def test_sources_point_at_yaml_lines(real):
    page, _ = real
    article = page.stories[0]
    with open(os.path.join(ROOT, "article.yaml"), encoding="utf-8") as fh:
        lines = fh.read().splitlines()
    para = article.sections[2].paragraphs[1]
    assert para.source.path == "sections[2].paragraphs[1]"
    assert lines[para.source.line - 1][para.source.column - 1:] == para.raw


# ---------------------------------------------------------------- the small good files


def test_minimal_article_gets_defaults():
    page, findings = load_page(os.path.join(DATA, "minimal.yaml"))
    article = page.stories[0]
    assert page.template == "broadsheet" and page.slug == "article"
    assert article.body_columns is None and article.sidebar is None and article.photos == ()
    assert article.sections[0].heading == ()
    assert article.sections[0].paragraphs[0].text == "正文第一段。"
    assert dict(page.options) == {"normalise": True, "han_latin_space_em": 0.0, "hanging": False,
                                     "ppi": 200, "strictness": "gb", "copyfit": True, "flow_order": ()}
    assert page.base_dir == DATA and article.base_dir == DATA
    assert findings == ()


def test_photos_with_place_focus_and_group(tmp_path):
    page, _ = load_page(with_photos(tmp_path, os.path.join(DATA, "photos.yaml")))
    article = page.stories[0]
    one, two = article.photos
    assert (one.focus, one.group, one.place) == ((0.5, 0.5), "lead", None)
    assert two.focus == (0.25, 1.0) and two.group == "end"
    assert (two.place.col, two.place.span, two.place.row, two.place.rows, two.place.grid) == (2, 3, None, None,
                                                                                               "body")
    assert two.source.path == "photos[1]" and two.source.line > one.source.line


def test_normalisation_changes_are_findings_and_can_be_turned_off(tmp_path):
    text = BASE + "lead: 去年以来,郾城区发展\n"
    page, findings = load_page(write(tmp_path, text))
    article = page.stories[0]
    assert article.lead[0].text == "去年以来，郾城区发展"
    assert article.lead[0].raw == "去年以来,郾城区发展"
    normalised = [f for f in findings if f.code == "normalised"]
    assert len(normalised) == 1
    assert normalised[0].where == f"{tmp_path / 'a.yaml'}:4:7 lead[0] char 4"

    page, findings = load_page(write(tmp_path, text + "options: {normalise: false}\n"))
    article = page.stories[0]
    assert article.lead[0].text == "去年以来,郾城区发展" and findings == ()


def test_headline_keeps_a_deliberate_ideographic_space_but_paragraphs_do_not(tmp_path):
    text = BASE.replace("title: 标题", "title: 砥砺前行\u3000乘风破浪") + "lead: 正文\u3000继续。\n"
    page, _ = load_page(write(tmp_path, text))
    article = page.stories[0]
    assert article.headline.title[0].text == "砥砺前行\u3000乘风破浪"
    assert article.lead[0].text == "正文继续。"


# ---------------------------------------------------------------- located errors


def test_yaml_syntax_error():
    err = load_error(os.path.join(DATA, "syntax_error.yaml"))
    assert re.search(r"syntax_error\.yaml:\d+:\d+", err.where) and "YAML syntax error" in err.what


@pytest.mark.parametrize("name, fragment", [
    ("empty.yaml", "the file is empty"),
    ("binary.yaml", "not a text file"),
    ("bad_utf8.yaml", "not valid UTF-8"),
    ("top_list.yaml", "expected a mapping (key: value), found a list"),
])
def test_files_that_are_not_an_article(name, fragment):
    assert fragment in str(load_error(os.path.join(DATA, name)))


def test_unknown_key_did_you_mean():
    err = load_error(os.path.join(DATA, "typo_key.yaml"))
    assert err.where.endswith("typo_key.yaml:8:1 sectoins")
    assert err.hint == "did you mean 'sections'?"


def at(text: str, line: int, needle: str) -> str:
    """`line:col` of the first `needle` on 1-based `line` of `text`, as PyYAML reports it."""
    return f"{line}:{text.splitlines()[line - 1].index(needle) + 1}"


@pytest.mark.parametrize("extra, line, needle, path, fragment", [
    ("sections:\n  - heading: 小标题\n", 5, "heading", "sections[0].paragraphs", "missing required key 'paragraphs'"),
    ("sections:\n  - paragraphs: [好, '']\n", 5, "''", "sections[0].paragraphs[1]", "empty text"),
    ("sections:\n  - paragraphs: [好, 7]\n", 5, "7", "sections[0].paragraphs[1]", "expected text"),
    ("body_columns: 0\n", 4, "0", "body_columns", "0 is out of range 1–12"),
    ("body_columns: 40\n", 4, "40", "body_columns", "40 is out of range 1–12"),
    ("lead: {a: 1}\n", 4, "{", "lead", "expected a list"),
    ("options: {strictness: loose}\n", 4, "loose", "options.strictness", "is not one of strict, gb, basic"),
    ("options: {ppi: 10}\n", 4, "10", "options.ppi", "out of range 72–1200"),
    ("slug: Yan Cheng\n", 4, "Yan", "slug", "is not lower-case letters"),
    ("photos:\n  - {id: a, file: x.jpg, caption: 图, focus: [0.5, 1.5]}\n", 5, "1.5",
     "photos[0].focus[1]", "1.5 is out of range 0–1"),
    ("photos:\n  - {id: a, file: x.jpg, caption: 图, group: middle}\n", 5, "middle",
     "photos[0].group", "is not one of lead, end"),
    ("photos:\n  - {id: a, file: x.jpg}\n", 5, "{", "photos[0].caption", "missing required key 'caption'"),
    ("byline:\n  - {role: 文, nmae: 张星}\n", 5, "nmae", "byline[0].nmae", "unknown key 'nmae'"),
])
def test_content_errors_are_located(tmp_path, extra, line, needle, path, fragment):
    text = BASE + extra
    file = write(tmp_path, text)
    err = load_error(file)
    assert err.where == f"{file}:{at(text, line, needle)} {path}", str(err)
    assert fragment in err.what
    assert err.hint
    assert err.exit_code == 1


def test_page_zero_and_missing_edition(tmp_path):
    text = BASE.replace("page: 3", "page: 0")
    err = load_error(write(tmp_path, text))
    assert err.where.endswith(f":{at(text, 1, '0,')} edition.page") and "out of range 1–999" in err.what
    err = load_error(write(tmp_path, "headline: {title: 标题}\n"))
    assert err.where.endswith(":1:1 edition") and "missing required key 'edition'" in err.what


def test_duplicate_photo_ids(tmp_path):
    extra = "photos:\n  - {id: a, file: a.jpg, caption: 甲}\n  - {id: a, file: b.jpg, caption: 乙}\n"
    err = load_error(write(tmp_path, BASE + extra))
    assert err.where.endswith(f":{at(BASE + extra, 6, 'a,')} photos[1].id")
    assert "duplicate id 'a'" in err.what


def test_text_that_normalises_to_nothing_is_empty(tmp_path):
    err = load_error(write(tmp_path, BASE + 'lead: "\\u200b"\n'))
    assert err.where.endswith(":4:7 lead[0]") and "no text left" in err.what


PHOTO = "photos:\n  - {id: a, file: img/a.jpg, caption: 甲}\n"


def test_missing_photo_names_the_yaml_location(tmp_path):
    err = load_error(write(tmp_path, BASE + PHOTO))
    assert err.where.endswith(f"a.yaml:{at(BASE + PHOTO, 5, 'img/')} photos[0].file")
    assert "photo file not found" in err.what and "img/a.jpg" in err.what


def test_photo_that_is_a_folder_or_empty(tmp_path):
    path = write(tmp_path, BASE + PHOTO)
    (tmp_path / "img" / "a.jpg").mkdir(parents=True)
    assert "not a file" in load_error(path).what
    (tmp_path / "img" / "a.jpg").rmdir()
    (tmp_path / "img" / "a.jpg").write_bytes(b"")
    assert "photo file is empty" in load_error(path).what
    (tmp_path / "img" / "a.jpg").write_bytes(b"x")
    page, _ = load_page(path)
    article = page.stories[0]
    assert article.photos[0].file == "img/a.jpg"


def test_unreadable_photo():
    """As an ordinary user (nobody, when the suite runs as root): a photo file that cannot be read."""
    folder = unprivileged_dir()
    try:
        path = write(pathlib.Path(folder), BASE + PHOTO)
        image = pathlib.Path(folder) / "img" / "a.jpg"
        image.parent.mkdir()
        image.parent.chmod(0o755)
        image.write_bytes(b"x")
        image.chmod(0)
        err = as_unprivileged(_load_error_of, path)
    finally:
        shutil.rmtree(folder)
    assert err is not None, "an unreadable photo loaded"
    assert "cannot read photo file" in err.what and "Permission denied" in err.what
    assert err.where.endswith("photos[0].file")


def _load_error_of(path: str) -> InputError | None:
    try:
        load_page(path)
    except InputError as e:
        return e
    return None


def test_unusable_article_paths_are_usage_errors(tmp_path):
    for path in (str(tmp_path / "missing.yaml"), str(tmp_path)):
        with pytest.raises(UsageError) as info:
            load_page(path)
        assert info.value.exit_code == 2


def test_loading_is_deterministic(tmp_path):
    path = with_photos(tmp_path, os.path.join(DATA, "photos.yaml"))
    assert load_page(path) == load_page(path)
