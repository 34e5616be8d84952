"""The generic schema mechanism (layout.source.schema) on small tables, and the article table's docs."""

from __future__ import annotations

import os
import re
import shutil

import pytest
import yaml

from layout.base.errors import InputError, UsageError
from layout.source.schema import ARTICLE, Field, build, describe, load_yaml_node, validate
from support import as_unprivileged, unprivileged_dir

DATA = os.path.join(os.path.dirname(__file__), "data")

POINT = Field("point", "map", "a point", fields=(
    Field("x", "float", "x position", required=True, min=0, max=1),
    Field("y", "float", "y position", default=0.5, min=0, max=1),
))
SCHEMA = Field("root", "map", "test root", fields=(
    Field("name", "text", "a name", required=True),
    Field("count", "int", "how many", default=3, min=1, max=9),
    Field("flag", "bool", "a switch", default=False),
    Field("when", "date", "a day", nullable=True),
    Field("mode", "enum", "a mode", default="fast", choices=("fast", "slow")),
    Field("note", "text", "optional note", nullable=True),
    Field("words", "list", "some words", scalar_ok=True, item=Field("word", "text", "a word")),
    Field("pair", "list", "two numbers", default=(0.0, 1.0), min_items=2, max_items=2,
          item=Field("n", "float", "a number")),
    Field("points", "list", "points", unique="id", item=Field("pt", "map", "a point", fields=(
        Field("id", "str", "id", required=True, pattern=r"[a-z]+", pattern_hint="lower-case letters"),
        Field("at", "map", "where", nullable=True, fields=POINT.fields),
    ))),
    POINT,
))


def node(text: str) -> yaml.Node:
    return yaml.compose(text, Loader=yaml.SafeLoader)


def error(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        build(node(text), SCHEMA, "t.yaml")
    message = str(info.value)
    assert "\n" not in message
    assert "Traceback" not in message
    return info.value


def test_defaults_are_filled_and_values_typed():
    built = build(node("name: 甲\npoint: {x: 0.25}\n"), SCHEMA, "t.yaml")
    v = built.value
    assert v["name"] == "甲"
    assert v["count"] == 3 and v["flag"] is False and v["mode"] == "fast"
    assert v["when"] is None and v["note"] is None
    assert v["words"] == () and v["pair"] == (0.0, 1.0) and v["points"] == ()
    assert v["point"] == {"x": 0.25, "y": 0.5}


def test_sources_carry_line_column_and_path():
    text = "name: 甲\nwords:\n  - 一\n  - 二\n"
    built = build(node(text), SCHEMA, "t.yaml")
    src = built.source("words[1]")
    assert (src.file, src.line, src.column, src.path) == ("t.yaml", 4, 5, "words[1]")
    assert str(src) == "t.yaml:4:5 words[1]"
    # A defaulted key points at its nearest written ancestor, keeping its own path.
    assert built.source("point.y").path == "point.y"
    assert built.source("point.y").line == 1


def test_scalar_accepted_as_one_item_list():
    v = build(node("name: 甲\nwords: 只有一个\n"), SCHEMA, "t.yaml").value
    assert v["words"] == ("只有一个",)


def test_date_becomes_iso_text():
    assert build(node("name: a\nwhen: 2021-01-18\n"), SCHEMA, "").value["when"] == "2021-01-18"
    assert build(node("name: a\nwhen: '2021-01-18'\n"), SCHEMA, "").value["when"] == "2021-01-18"
    assert "expected a date" in str(error("name: a\nwhen: 2021-02-30x\n"))
    assert "expected a date" in str(error("name: a\nwhen: 2021-01-18 10:00:00\n"))


@pytest.mark.parametrize("text, where, fragment", [
    ("name: [a, b]\n", "t.yaml:1:7 name", "expected text, found a list"),
    ("name: 8\n", "t.yaml:1:7 name", "expected text, found a whole number (8)"),
    ("name: a\ncount: many\n", "t.yaml:2:8 count", "expected a whole number"),
    ("name: a\ncount: 2.5\n", "t.yaml:2:8 count", "expected a whole number"),
    ("name: a\ncount: true\n", "t.yaml:2:8 count", "expected a whole number"),
    ("name: a\nflag: 1\n", "t.yaml:2:7 flag", "expected true or false"),
    ("name: a\npoint: 3\n", "t.yaml:2:8 point", "expected a mapping"),
    ("name: a\nwords: {a: 1}\n", "t.yaml:2:8 words", "expected a list"),
])
def test_wrong_types_are_located(text, where, fragment):
    message = str(error(text))
    assert message.startswith(where + ":"), message
    assert fragment in message


def test_text_number_hint_says_quote_it():
    assert 'hint: put it in quotes to make it text: "8"' in str(error("name: 8\n"))


def test_missing_required_key_names_the_key_and_its_help():
    err = error("count: 2\n")
    assert err.where == "t.yaml:1:1 name"
    assert "missing required key 'name'" in err.what
    assert "a name" in err.hint


def test_required_null_is_an_error():
    assert "a value is required here" in str(error("name:\n"))


def test_unknown_key_suggests_the_closest():
    err = error("name: a\ncuont: 2\n")
    assert err.where == "t.yaml:2:1 cuont"
    assert "unknown key 'cuont'" in err.what
    assert err.hint == "did you mean 'count'?"


def test_unknown_key_without_close_match_lists_keys():
    err = error("name: a\nzzzzzz: 2\n")
    assert "known keys: name, count" in err.hint


def test_duplicate_mapping_key_is_an_error():
    err = error("name: a\ncount: 2\ncount: 3\n")
    assert err.where == "t.yaml:3:1 count"
    assert "appears twice (first on line 2)" in err.what


@pytest.mark.parametrize("text, fragment", [
    ("name: a\ncount: 0\n", "0 is out of range 1–9"),
    ("name: a\ncount: 40\n", "40 is out of range 1–9"),
    ("name: a\npoint: {x: 1.5}\n", "1.5 is out of range 0–1"),
    ("name: a\npoint: {x: -0.1}\n", "-0.1 is out of range 0–1"),
    ("name: a\npoint: {x: .nan}\n", "is not a finite number"),
    ("name: a\npair: [1]\n", "needs at least 2 item(s), has 1"),
    ("name: a\npair: [1, 2, 3]\n", "takes at most 2 item(s), has 3"),
])
def test_absurd_values_are_rejected(text, fragment):
    assert fragment in str(error(text))


def test_enum_suggests_the_closest_choice():
    err = error("name: a\nmode: slwo\n")
    assert "'slwo' is not one of fast, slow" in err.what
    assert err.hint == "did you mean 'slow'?"


def test_empty_text_is_rejected_but_empty_ok_allows_it():
    assert "empty text" in str(error("name: '  '\n"))
    allow = Field("r", "map", "r", fields=(Field("s", "text", "s", default="", empty_ok=True),))
    assert build(node("s: ''\n"), allow, "").value == {"s": ""}


def test_pattern_mismatch_names_the_pattern_in_words():
    err = error("name: a\npoints: [{id: Bad1}]\n")
    assert "is not lower-case letters" in err.what
    assert err.where == "t.yaml:2:15 points[0].id"


def test_unique_key_duplicates_point_at_the_second():
    err = error("name: a\npoints:\n  - id: aa\n  - id: bb\n  - id: aa\n")
    assert err.where == "t.yaml:5:9 points[2].id"
    assert "duplicate id 'aa' (also points[0].id)" in err.what


def test_nullable_map_null_is_none_and_optional_map_null_is_default():
    v = build(node("name: a\npoints: [{id: aa, at: null}]\npoint: {x: 0}\n"), SCHEMA, "").value
    assert v["points"][0]["at"] is None
    no_point = Field("r", "map", "r", fields=(Field("m", "map", "m", fields=(Field("k", "int", "k", default=1),)),))
    assert build(node("m:\n"), no_point, "").value == {"m": {"k": 1}}


def test_non_string_key_is_rejected():
    assert "a key must be a plain word" in str(error("name: a\n1: x\n"))


def test_top_level_wrong_type():
    err = error("- a\n- b\n")
    assert "expected a mapping (key: value), found a list" in err.what
    assert err.where.startswith("t.yaml:1:1")


def test_unsupported_tag_is_an_input_error():
    assert "cannot read this value" in str(error("name: !!python/name:os.system x\n"))


def test_validate_accepts_good_and_raises_on_bad():
    assert validate(node("name: a\n"), SCHEMA, "t.yaml") is None
    with pytest.raises(InputError):
        validate(node("name: a\ncount: 99\n"), SCHEMA, "t.yaml")


def test_schema_declaration_mistakes_fail_at_import_time():
    with pytest.raises(ValueError):
        Field("x", "colour", "bad kind")
    with pytest.raises(ValueError):
        Field("x", "list", "list without item")
    with pytest.raises(ValueError):
        Field("x", "map", "twice", fields=(Field("a", "int", "a"), Field("a", "int", "b")))


# ---------------------------------------------------------------- reading files


def test_load_yaml_node_gives_node_and_text():
    n, text = load_yaml_node(os.path.join(DATA, "minimal.yaml"))
    assert isinstance(n, yaml.MappingNode)
    assert text.startswith("# The smallest valid article")


def test_syntax_error_is_located():
    path = os.path.join(DATA, "syntax_error.yaml")
    with pytest.raises(InputError) as info:
        load_yaml_node(path)
    err = info.value
    assert err.exit_code == 1
    assert re.fullmatch(re.escape(path) + r":\d+:\d+", err.where)
    assert "YAML syntax error" in err.what and "\n" not in str(err)


def test_tab_indentation_gets_a_tab_hint(tmp_path):
    bad = tmp_path / "tab.yaml"
    bad.write_text("a:\n\tb: 1\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_yaml_node(str(bad))
    assert "tabs" in info.value.hint


def _byte_of(name: str, needle: bytes) -> int:
    with open(os.path.join(DATA, name), "rb") as fh:
        return fh.read().index(needle)


@pytest.mark.parametrize("name, fragment", [
    ("empty.yaml", "the file is empty"),
    ("bad_utf8.yaml", f"not valid UTF-8 (byte {_byte_of('bad_utf8.yaml', bytes([0xFF]))}, line 2)"),
    ("binary.yaml", f"not a text file (NUL byte at byte {_byte_of('binary.yaml', bytes([0]))})"),
])
def test_files_that_are_not_yaml_text(name, fragment):
    with pytest.raises(InputError) as info:
        load_yaml_node(os.path.join(DATA, name))
    assert fragment in str(info.value)
    assert not isinstance(info.value, UsageError)


def test_two_documents_are_an_error(tmp_path):
    two = tmp_path / "two.yaml"
    two.write_text("a: 1\n---\nb: 2\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_yaml_node(str(two))
    assert "extra '---'" in info.value.hint


def test_bom_is_accepted(tmp_path):
    f = tmp_path / "bom.yaml"
    f.write_bytes("\ufeffa: 1\n".encode("utf-8"))
    n, _ = load_yaml_node(str(f))
    assert n.value[0][0].value == "a"


def test_missing_path_and_folder_are_usage_errors(tmp_path):
    for path in (str(tmp_path / "nope.yaml"), str(tmp_path)):
        with pytest.raises(UsageError) as info:
            load_yaml_node(path)
        assert info.value.exit_code == 2


def test_unreadable_path_is_a_usage_error():
    """As an ordinary user (nobody, when the suite runs as root): a page file that cannot be read."""
    folder = unprivileged_dir()
    try:
        f = os.path.join(folder, "locked.yaml")
        with open(f, "w", encoding="utf-8") as fh:
            fh.write("a: 1\n")
        os.chmod(f, 0)
        err = as_unprivileged(_usage_error_of, f)
    finally:
        shutil.rmtree(folder)
    assert isinstance(err, UsageError), err
    assert err.exit_code == 2 and "locked.yaml" in err.line()


def _usage_error_of(path: str):
    try:
        load_yaml_node(path)
    except UsageError as e:
        return e
    return None


# ---------------------------------------------------------------- docs from the same table


def _all_fields(spec: Field, path: str = ""):
    for f in spec.fields:
        p = f"{path}.{f.name}" if path else f.name
        yield p, f
        target = f if f.kind == "map" else (f.item if f.kind == "list" and f.item.kind == "map" else None)
        if target is not None:
            yield from _all_fields(target, p + ("[]" if f.kind == "list" else ""))


def test_describe_lists_every_key_with_its_help():
    text = describe(ARTICLE, "article.yaml")
    for path, f in _all_fields(ARTICLE):
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        assert f"| `{f.name}` |" in text, path
        assert f.help.replace("|", "\\|") in text, path
        if parent:
            assert f"## `{parent}`" in text, parent


def test_generated_docs_are_up_to_date():
    import importlib.util

    tool = os.path.join(os.path.dirname(__file__), os.pardir, "tools", "gen_docs.py")
    spec = importlib.util.spec_from_file_location("gen_docs", tool)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    with open(gen.TARGET, encoding="utf-8") as fh:
        on_disk = fh.read()
    assert on_disk == gen.render(), "docs/article-format.md is stale: run python tools/gen_docs.py"
    with open(gen.TEMPLATE_TARGET, encoding="utf-8") as fh:
        assert fh.read() == gen.render_template(), "docs/template-format.md is stale: run python tools/gen_docs.py"
    with open(gen.EDITION_TARGET, encoding="utf-8") as fh:
        assert fh.read() == gen.render_edition(), "docs/edition-format.md is stale: run python tools/gen_docs.py"


# --- a page's items (layout.source.load): each fault named with its file:line, field and hint -----
SAMPLE_PAGE = os.path.join(os.path.dirname(DATA), "..", "samples", "yaowen.yaml")
BRIEFS = "    kind: briefs\n    heading: 简讯\n    briefs:\n"


def _page_error(tmp_path, old: str, new: str) -> tuple[InputError, str, list[str]]:
    from layout.source.load import load_page

    with open(SAMPLE_PAGE, encoding="utf-8") as fh:
        text = fh.read()
    assert old in text
    text = text.replace(old, new, 1)
    os.symlink(os.path.join(os.path.dirname(SAMPLE_PAGE), "assets"), tmp_path / "assets")
    path = str(tmp_path / "page.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    with pytest.raises(InputError) as info:
        load_page(path)
    return info.value, path, text.splitlines()


def _line_of(lines: list[str], needle: str, after: str) -> int:
    start = next(i for i, ln in enumerate(lines) if after in ln)
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


@pytest.mark.parametrize("new, key, what, hint", [
    ("    kind: briefs\n    heading: 简讯\n    pointers: [{title: 甲, page: 2}]\n    briefs:\n", "pointers",
     "'pointers' does not belong to a briefs item", "a briefs item takes: briefs, heading"),
    ("    kind: briefs\n    heading:\n    briefs:\n", "heading",
     "a briefs item needs a heading", "add 'heading:' (e.g. 简讯 or 导读)"),
])
def test_a_briefs_item_fault_is_located(tmp_path, new, key, what, hint):
    err, path, lines = _page_error(tmp_path, BRIEFS, new)
    assert err.what == what and err.hint == hint
    line = _line_of(lines, f"    {key}:", "  - id: jianxun")
    assert err.where.startswith(f"{path}:{line}:") and err.where.endswith(f"stories[4].{key}"), err.where


@pytest.mark.parametrize("item, key, what, hint", [
    ({"id": "jx", "kind": "briefs", "heading": "简讯", "briefs": []}, "briefs",
     "a briefs item needs its items", "add 'briefs:' with one short paragraph per item"),
    ({"id": "dd", "kind": "digest", "heading": "导读", "pointers": []}, "pointers",
     "a digest item needs its pointers", "add 'pointers:' with a title and a page for each story it points to"),
    ({"id": "dd", "kind": "digest", "pointers": [{"title": "甲", "page": 3}]}, None,
     "a digest item needs a heading", "add 'heading:' (e.g. 简讯 or 导读)"),
])
def test_an_empty_block_is_located(tmp_path, item, key, what, hint):
    with open(SAMPLE_PAGE, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    doc["stories"] = [s for s in doc["stories"] if s.get("kind") != "briefs"] + [item]
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    err, path, lines = _page_error(tmp_path, open(SAMPLE_PAGE, encoding="utf-8").read(), text)
    assert err.what == what and err.hint == hint
    last = len(doc["stories"]) - 1
    if key:
        line = _line_of(lines, f"  {key}:", f"id: {item['id']}")
        assert err.where.startswith(f"{path}:{line}:") and err.where.endswith(f"stories[{last}].{key}"), err.where
    else:  # no heading written: the item itself is named
        assert f"stories[{last}]" in err.where and err.where.startswith(f"{path}:")


@pytest.mark.parametrize("codec, order", [("utf-16-le", "little"), ("utf-16-be", "big"),
                                          ("utf-32-le", "little"), ("utf-32-be", "big")])
@pytest.mark.parametrize("mark", [True, False])
def test_a_wide_encoding_is_named_with_its_byte_order_and_how_to_convert(tmp_path, codec, order, mark):
    # The file as an editor saves it "as Unicode": with or without the byte order mark.
    text = "# 示例\nslug: 甲\n"
    data = ("\ufeff" if mark else "").encode(codec) + text.encode(codec)
    path = tmp_path / "page.yaml"
    path.write_bytes(data)
    name = codec.upper().replace("-LE", "LE").replace("-BE", "BE")  # UTF-16LE, the codec iconv knows
    with pytest.raises(InputError) as info:
        load_yaml_node(str(path))
    err = info.value
    said = f"{name[:6]} ({order}-endian{'' if mark else ', no byte order mark'})"
    assert (err.what, err.where) == (f"the file is {said}, not UTF-8", str(path))
    assert err.hint == f"save it as UTF-8, e.g. iconv -f {name} -t UTF-8 page.yaml > new.yaml"


def test_a_utf8_byte_order_mark_is_read_past(tmp_path):
    path = tmp_path / "page.yaml"
    path.write_bytes("\ufeffslug: 甲\n".encode("utf-8"))
    node, text = load_yaml_node(str(path))
    assert text == "slug: 甲\n"
