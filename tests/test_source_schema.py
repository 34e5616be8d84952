"""The schema builder (layout.source.schema.build) on a small table of its own, in process: each refusal
as its exact line (file:line:col field: what (hint: …)) and what it accepts, the limits it checks while
reading, and the characters no page can print."""

from __future__ import annotations

import pytest

from layout.base.errors import InputError
from layout.source import limits as L
from layout.source.schema import Field, _bad_character, _range, build, compose_yaml, validate

SHORT = L.Limit("a short text", 5, "characters", "why", "shorten it")
TWO = L.Limit("the pair", 2, "items", "why", "give two")
T = Field("root", "map", "the root", fields=(
    Field("name", "text", "a name", required=True),
    Field("short", "text", "a short text", nullable=True, limit=SHORT),
    Field("id", "str", "an id", nullable=True, pattern=r"[a-z0-9]+", int_ok=True),
    Field("code", "str", "a code", nullable=True, pattern=r"[A-Z]+", pattern_hint="capital letters"),
    Field("blank", "text", "may be blank", default="", empty_ok=True),
    Field("n", "int", "a count", default=1, min=1, max=9),
    Field("low", "float", "at least", nullable=True, min=0.5),
    Field("high", "float", "at most", nullable=True, max=2.5),
    Field("flag", "bool", "a switch", default=False),
    Field("day", "date", "a day", nullable=True),
    Field("mode", "enum", "a mode", default="fast", choices=("fast", "slow")),
    Field("words", "list", "some words", scalar_ok=True, item=Field("word", "text", "a word")),
    Field("pair", "list", "a pair", limit=TWO, item=Field("n", "int", "a number")),
    Field("some", "list", "two or three", min_items=2, max_items=3, item=Field("n", "int", "a number")),
    Field("pts", "list", "points", unique="id", item=Field("pt", "map", "a point", fields=(
        Field("id", "str", "its id"), Field("x", "float", "x", default=0.0)))),
))


def line(text: str) -> str:
    with pytest.raises(InputError) as e:
        build(compose_yaml(text, "f.yaml"), T, "f.yaml")
    return str(e.value)


def ok(text: str) -> dict:
    return build(compose_yaml(text, "f.yaml"), T, "f.yaml").value


def test_defaults_and_values():
    v = ok("name: 甲\nid: 12\nwords: 一\nday: 2024-02-29\nlow: 1\n")
    assert v["id"] == "12" and v["words"] == ("一",) and v["day"] == "2024-02-29" and v["low"] == 1.0
    assert isinstance(v["low"], float)
    assert (v["short"], v["code"], v["blank"], v["n"], v["flag"], v["mode"], v["pair"], v["pts"]) == \
        (None, None, "", 1, False, "fast", (), ())
    assert ok("name: 甲\nday: '2024-03-01'\nn: 9\nlow: 0.5\nhigh: 2.5\n")["day"] == "2024-03-01"
    assert ok("name: 甲\nn: 1\nshort: 一二三四五\n")["short"] == "一二三四五"


@pytest.mark.parametrize("text, said", [
    ("name:\n", "f.yaml:1:6 name: a value is required here (hint: write text: a name)"),
    ("name: 甲\nn: 0\n", "f.yaml:2:4 n: 0 is out of range 1–9 (hint: a count)"),
    ("name: 甲\nn: 10\n", "f.yaml:2:4 n: 10 is out of range 1–9 (hint: a count)"),
    ("name: 甲\nlow: 0.25\n", "f.yaml:2:6 low: 0.25 is out of range ≥ 0.5 (hint: at least)"),
    ("name: 甲\nhigh: 2.75\n", "f.yaml:2:7 high: 2.75 is out of range ≤ 2.5 (hint: at most)"),
    ("name: 甲\nhigh: .nan\n", "f.yaml:2:7 high: .nan is not a finite number (hint: at most)"),
    ("name: 甲\nhigh: -.inf\n", "f.yaml:2:7 high: -.inf is not a finite number (hint: at most)"),
    ("name: 甲\nn: 1.5\n", "f.yaml:2:4 n: expected a whole number, found a number (1.5) (hint: a count)"),
    ("name: 甲\nn: true\n", "f.yaml:2:4 n: expected a whole number, found true/false (true) (hint: a count)"),
    ("name: 甲\nflag: 1\n", "f.yaml:2:7 flag: expected true or false, found a whole number (1) (hint: a switch)"),
    ("name: 甲\nday: 2024-02-30x\n", "f.yaml:2:6 day: expected a date YYYY-MM-DD, found text (2024-02-30x) "
                                    "(hint: a day)"),
    ("name: 甲\nday: 2024-03-01 10:00:00\n", "f.yaml:2:6 day: expected a date YYYY-MM-DD, found a date "
                                            "(2024-03-01 10:00:00) (hint: a day)"),
    ("name: 8\n", "f.yaml:1:7 name: expected text, found a whole number (8) (hint: put it in quotes to make it "
                  "text: \"8\")"),
    ("name: 甲\nmode: flast\n", "f.yaml:2:7 mode: 'flast' is not one of fast, slow (hint: did you mean 'fast'?)"),
    ("name: 甲\nmode: zzz\n", "f.yaml:2:7 mode: 'zzz' is not one of fast, slow (hint: one of: fast, slow)"),
    ("name: 甲\nid: Abc\n", "f.yaml:2:5 id: 'Abc' is not [a-z0-9]+ (hint: an id)"),
    ("name: 甲\ncode: abc\n", "f.yaml:2:7 code: 'abc' is not capital letters (hint: a code)"),
    ("name: '  '\n", "f.yaml:1:7 name: empty text (hint: write the text, or remove the key if it is optional)"),
    ("name: 甲\nshort: 一二三四五六\n", "f.yaml:2:8 short: a short text: 6 characters, at most 5 (hint: shorten it; "
                                      "every limit and its reason: docs/article-format.md#limits)"),
    ("name: [甲]\n", "f.yaml:1:7 name: expected text, found a list (hint: a name)"),
    ("- a\n", "f.yaml:1:1 (top level): expected a mapping (key: value), found a list (hint: keys here: name, short, "
              "id, code, blank, n, low, high, flag, day, mode, words, pair, some, pts)"),
    ("name: 甲\n1: x\n", "f.yaml:2:1: a key must be a plain word, found a whole number (1) (hint: quote the key or "
                         "fix the indentation)"),
    ("name: 甲\nname: 乙\n", "f.yaml:2:1 name: key 'name' appears twice (first on line 1) (hint: keep one of them)"),
    ("name: 甲\nnmae: 乙\n", "f.yaml:2:1 nmae: unknown key 'nmae' (hint: did you mean 'name'?)"),
    ("name: 甲\nqqq: 乙\n", "f.yaml:2:1 qqq: unknown key 'qqq' (hint: known keys: name, short, id, code, blank, n, "
                           "low, high, flag, day, mode, words, pair, some, pts)"),
    ("n: 2\n", "f.yaml:1:1 name: missing required key 'name' (hint: add 'name:' (a name))"),
    ("name: 甲\npair: [1, 2, 3]\n", "f.yaml:2:7 pair: the pair: 3 items, at most 2 (hint: give two; every limit and "
                                   "its reason: docs/article-format.md#limits)"),
    ("name: 甲\nwords: [一, ~]\n", "f.yaml:2:12 words[1]: empty list item (null) (hint: write text or delete the "
                                  "'- ' line)"),
    ("name: 甲\npair: 1\n", "f.yaml:2:7 pair: expected a list, found a whole number (1) (hint: write each item on its "
                           "own '- ' line (a pair))"),
    ("name: 甲\nsome: [1]\n", "f.yaml:2:7 some: needs at least 2 item(s), has 1 (hint: two or three)"),
    ("name: 甲\nsome: [1, 2, 3, 4]\n", "f.yaml:2:7 some: takes at most 3 item(s), has 4 (hint: two or three)"),
    ("name: 甲\npts:\n  - {id: a}\n  - {x: 1}\n  - {id: a}\n",
     "f.yaml:5:10 pts[2].id: duplicate id 'a' (also pts[0].id) (hint: each id must be unique)"),
    ("name: \"甲\\0乙\"\n", "f.yaml:1:7 name: control character U+0000 (NUL) at character 2 of the text (hint: "
                          "remove it; a YAML escape in double quotes such as \\0, \\x07 or \\e puts it there)"),
    ("name: \"\\x07\"\n", "f.yaml:1:7 name: control character U+0007 of the text (hint: remove it; a YAML escape in "
                         "double quotes such as \\0, \\x07 or \\e puts it there)"),
    ("name: 甲\nid: \"a\\tb\"\n", "f.yaml:2:5 id: control character U+0009 at character 2 of the value (hint: remove "
                                 "it; a YAML escape in double quotes such as \\0, \\x07 or \\e puts it there)"),
    ("name: \"\\ud800\"\n", "f.yaml:1:7 name: lone surrogate U+D800 of the text (hint: half of a UTF-16 pair is not a "
                           "character; write the character itself, or one escape \\U000XXXXX for a character beyond "
                           "U+FFFF)"),
    ("name: \"a\\uFFFE\"\n", "f.yaml:1:7 name: noncharacter U+FFFE at character 2 of the text (hint: remove it; it "
                            "is not a character and prints as nothing)"),
])
def test_each_refusal_is_one_located_line(text, said):
    assert line(text) == said


def test_a_tab_and_a_line_break_are_white_space_in_text():
    assert ok("name: \"甲\\t乙\\n丙\\r\"\n")["name"] == "甲\t乙\n丙\r"


@pytest.mark.parametrize("ch, said", [
    ("\x1f", "control character U+001F"), ("\x7f", "control character U+007F (DEL)"),
    ("\x85", "control character U+0085 (NEL)"), ("\x9f", "control character U+009F"),
    ("\x1b", "control character U+001B (ESC)"), ("\x08", "control character U+0008 (BS)"),
    ("\x0b", "control character U+000B (VT)"), ("\x0c", "control character U+000C (FF)"),
    ("\udfff", "lone surrogate U+DFFF"), ("\ufdd0", "noncharacter U+FDD0"), ("\ufdef", "noncharacter U+FDEF"),
    ("\U0001ffff", "noncharacter U+1FFFF"), ("\U0010fffe", "noncharacter U+10FFFE"),
    (" ", ""), ("\xa0", ""), ("\ud7ff", ""), ("\ue000", ""), ("\ufdcf", ""), ("\ufdf0", ""), ("\ufffd", ""),
    ("字", ""),
])
def test_bad_characters_by_code_point(ch, said):
    assert _bad_character(ch, "") == said


def test_allowed_controls_pass():
    assert _bad_character("\t", "\t\n\r") == "" and _bad_character("\t", "") == "control character U+0009"


def test_ranges_in_words():
    assert _range(Field("x", "float", "", min=0.5, max=2)) == "0.5–2"
    assert _range(Field("x", "int", "", min=0)) == "≥ 0"
    assert _range(Field("x", "int", "", max=12)) == "≤ 12"


def test_the_file_text_limit_counts_every_text(monkeypatch):
    # a file whose texts together pass FILE_TEXT: the first text past it is named
    monkeypatch.setattr(L, "FILE_TEXT", L.Limit("the file's text", 6, "characters", "why", "split it"))
    assert ok("name: 一二三\nwords: [四五六]\n")["words"] == ("四五六",)
    assert line("name: 一二三\nwords: [四五, 六七]\n") == (
        "f.yaml:2:13 words[1]: the file's text passes 6 characters here (hint: split it; every limit and its "
        "reason: docs/article-format.md#limits)")


# ---------------------------------------------------------------- the docs written from the table

from layout.source.schema import describe, type_words  # noqa: E402


@pytest.mark.parametrize("spec, words", [
    (Field("x", "text", ""), "text"),
    (Field("x", "text", "", empty_ok=True, nullable=True, limit=L.LINE), "text (may be empty), at most 200 characters "
                                                                         "or null"),
    (Field("x", "str", "", empty_ok=True), "string (may be empty)"),
    (Field("x", "str", "", pattern=r"[a-z]+", pattern_hint="lower case", int_ok=True), "string (lower case) or integer"),
    (Field("x", "int", "", min=1, max=9), "integer 1–9"),
    (Field("x", "float", "", max=2.5, nullable=True), "number ≤ 2.5 or null"),
    (Field("x", "bool", ""), "true/false"),
    (Field("x", "date", ""), "date YYYY-MM-DD"),
    (Field("x", "enum", "", choices=("a", "b")), "one of `a`, `b`"),
    (Field("x", "map", "", fields=()), "mapping"),
    (Field("x", "list", "", item=Field("i", "int", "")), "list of integer"),
    (Field("x", "list", "", limit=L.LIST, scalar_ok=True, item=Field("i", "text", "")),
     "list of text, at most 500 (one item may be written alone)"),
    (Field("x", "list", "", min_items=2, max_items=2, item=Field("i", "float", "")), "list of number, exactly 2"),
    (Field("x", "list", "", min_items=1, item=Field("i", "float", "")), "list of number, at least 1"),
    (Field("x", "list", "", max_items=4, item=Field("i", "float", "")), "list of number, 0–4 items"),
    (Field("x", "list", "", min_items=1, max_items=4, unique="id", item=Field("i", "map", "", fields=())),
     "list of mapping, 1–4 items, unique `id`"),
])
def test_type_words(spec, words):
    assert type_words(spec) == words


def test_describe_writes_one_table_per_mapping_with_links_to_nested_ones():
    inner = Field("pt", "map", "a point", fields=(Field("x", "float", "x | y", default=0.5),))
    spec = Field("root", "map", "", fields=(
        Field("name", "text", "a name", required=True),
        Field("pts", "list", "points", item=inner),
        Field("at", "map", "where it is", fields=(Field("on", "bool", "on?", default=True),
                                                   Field("tags", "list", "tags", default=("a", "b"),
                                                         item=Field("t", "str", "")))),
        Field("nums", "list", "numbers", item=Field("n", "int", "")),
        Field("note", "text", "a note", nullable=True),
        Field("empty", "text", "blank", default="", empty_ok=True),
        Field("mode", "enum", "mode", default="fast", choices=("fast",)),
    ))
    assert describe(spec, "T", "  Intro.  ") == """# T

<!-- generated by tools/gen_docs.py from the schema table; do not edit by hand -->

Intro.

## top level

| key | type | default | required | meaning |
|---|---|---|---|---|
| `name` | text | — | yes | a name |
| `pts` | list of mapping (see [`pts[]`](#pts)) | [] | no | points |
| `at` | mapping (see [`at`](#at)) | (see below) | no | where it is |
| `nums` | list of integer | [] | no | numbers |
| `note` | text or null | null | no | a note |
| `empty` | text (may be empty) | `""` | no | blank |
| `mode` | one of `fast` | fast | no | mode |

## `pts[]`

a point

| key | type | default | required | meaning |
|---|---|---|---|---|
| `x` | number | 0.5 | no | x \\| y |

## `at`

where it is

| key | type | default | required | meaning |
|---|---|---|---|---|
| `on` | true/false | true | no | on? |
| `tags` | list of string | [a, b] | no | tags |
"""


def test_null_in_a_nullable_field_is_null_not_its_default():
    spec = Field("root", "map", "", fields=(Field("xs", "list", "", nullable=True, item=Field("x", "int", "")),
                                            Field("n", "int", "", nullable=True, default=5)))
    assert build(compose_yaml("xs: ~\nn: ~\n", "f"), spec, "f").value == {"xs": None, "n": None}
    assert build(compose_yaml("{}\n", "f"), spec, "f").value == {"xs": (), "n": 5}


def test_a_short_utf16_file_is_named_and_a_short_nul_file_is_binary(tmp_path):
    from layout.source.schema import load_yaml_node

    (tmp_path / "a.yaml").write_bytes("a:".encode("utf-16-le"))  # four bytes, no byte order mark
    (tmp_path / "b.yaml").write_bytes(b"\0\0\0a\0\0\0")  # seven bytes: too short to be UTF-32
    with pytest.raises(InputError) as e:
        load_yaml_node(str(tmp_path / "a.yaml"))
    assert e.value.what == "the file is UTF-16 (little-endian, no byte order mark), not UTF-8"
    with pytest.raises(InputError) as e:
        load_yaml_node(str(tmp_path / "b.yaml"))
    assert e.value.what == "not a text file (NUL byte at byte 0)"


@pytest.mark.parametrize("text, hint", [
    ("a: b: c\n", "text containing ': ' must be quoted"),
    ("a: 1\n---\nb: 2\n", "one file holds one document; remove the extra '---'"),
    ("a: [1, 2\n", "check indentation and quoting around this place"),
])
def test_syntax_errors_carry_a_hint_for_their_cause(text, hint):
    with pytest.raises(InputError) as e:
        compose_yaml(text, "f.yaml")
    assert e.value.hint == hint and e.value.where.startswith("f.yaml:")


def test_a_template_style_is_a_map_of_its_size_and_extras():
    from layout.source.template import _style

    s = _style("kicker", "引题", 20, (Field("rows", "int", "rows", default=0),))
    size = s.child("size_pt")
    assert (s.kind, s.help, size.kind, size.default, size.min, size.max) == ("map", "引题", "float", 20, 4, 200)
    assert [f.name for f in s.fields] == ["size_pt", "rows"]


def test_validate_names_no_file_unless_given():
    spec = Field("r", "map", "", fields=(Field("name", "text", "n"),))
    assert validate(compose_yaml("name: 甲\n", "f"), spec) is None
    with pytest.raises(InputError) as e:
        validate(compose_yaml("name: 1\n", "f"), spec)
    assert str(e.value) == ':1:7 name: expected text, found a whole number (1) (hint: put it in quotes to make it text: "1")'


def test_table_mistakes_are_caught_when_the_table_is_made():
    with pytest.raises(ValueError, match="field 'm': an enum needs choices"):
        Field("m", "enum", "")
    with pytest.raises(ValueError, match="field 'l': a list needs an item field"):
        Field("l", "list", "")
    with pytest.raises(ValueError, match="field 'k': unknown kind 'number'"):
        Field("k", "number", "")


def test_bad_utf8_and_an_oversized_file_name_the_file(tmp_path):
    from layout.source.schema import load_yaml_node

    bad = tmp_path / "bad.yaml"
    bad.write_bytes("a: 甲\nb: ".encode() + b"\xff\n")
    with pytest.raises(InputError) as e:
        load_yaml_node(str(bad))
    assert str(e.value) == f"{bad}: not valid UTF-8 (byte 10, line 2) (hint: save the file as UTF-8)"
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (L.FILE_BYTES.most + 1))
    with pytest.raises(InputError) as e:
        load_yaml_node(str(big))
    assert str(e.value) == (f"{big}: the file: 1,048,577 bytes, at most 1,048,576 (hint: a page file holds one page; "
                            "split the text over pages; every limit and its reason: docs/article-format.md#limits)")


def test_an_oversized_pipe_is_refused_after_reading_one_byte_past_the_limit(tmp_path):
    import os
    import threading

    from layout.source.schema import load_yaml_node

    fifo = str(tmp_path / "pipe.yaml")
    os.mkfifo(fifo)

    def feed():
        with open(fifo, "wb") as fh:
            try:
                fh.write(b"#" * (L.FILE_BYTES.most + 100))
            except BrokenPipeError:
                pass

    t = threading.Thread(target=feed)
    t.start()
    try:
        with pytest.raises(InputError) as e:
            load_yaml_node(fifo)
    finally:
        t.join(5)
    assert str(e.value).startswith(f"{fifo}: the file: 1,048,577 bytes, at most 1,048,576 (hint: ")
