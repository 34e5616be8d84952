"""Declarative YAML schemas: one table per file format drives validation, errors and docs.

A schema is a tree of `Field`s. `build(node, schema, file)` walks a PyYAML node tree (from
`load_yaml_node`, so every node keeps its line and column) and returns a `Built`: the plain
Python value (dicts for mappings with defaults filled in, tuples for lists, str/int/float/bool)
plus the `Source` of every value by field path. The first problem found, in document order,
raises `InputError` naming `file:line:col field.path`, what is wrong and a hint.
`describe(schema)` renders the same table as Markdown for the docs.

Generic on purpose: article.yaml (`layout.source.article`) and the 版式 template files reuse it.
"""

from __future__ import annotations

import datetime
import difflib
import os
import re
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

import yaml

from layout.base.errors import InputError, UsageError
from layout.base.model import Source
from layout.source import limits as L
from layout.source.limits import Limit

# Kinds of value a Field may hold. "text" is words a reader sees (normalised by the article
# loader); "str" is a name, id or path, taken as written.
KINDS = ("text", "str", "int", "float", "bool", "date", "enum", "map", "list")


@dataclass(frozen=True)
class Field:
    """One YAML key: its kind, default, constraints, help line, and (for map/list) its children."""

    name: str
    kind: str
    help: str
    default: object = None
    required: bool = False
    nullable: bool = False  # null is a value of its own; otherwise null means "use the default"
    choices: tuple[str, ...] = ()  # enum
    min: float | None = None  # int/float range, inclusive
    max: float | None = None
    pattern: str = ""  # str: full-match regex
    pattern_hint: str = ""  # str: the pattern in words, for messages and docs
    int_ok: bool = False  # str: a whole number is taken as its decimal text (e.g. a page, or page/story)
    empty_ok: bool = False  # text/str: "" allowed
    fields: tuple["Field", ...] = ()  # map: its keys
    item: "Field | None" = None  # list: what each item is
    scalar_ok: bool = False  # list: one item may be written without the brackets
    min_items: int = 0
    max_items: int | None = None
    unique: str = ""  # list of maps: this key must differ between items
    limit: Limit | None = None  # text: its most characters; list: its most items (layout.source.limits)

    def __post_init__(self) -> None:
        # Schema mistakes are programming errors, caught when the table is imported.
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}")
        if self.kind == "list" and self.item is None:
            raise ValueError(f"field {self.name!r}: a list needs an item field")
        if self.kind == "enum" and not self.choices:
            raise ValueError(f"field {self.name!r}: an enum needs choices")
        if self.required and self.default is not None:
            raise ValueError(f"field {self.name!r}: required fields take no default")
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"field {self.name!r}: a key is declared twice")

    def child(self, name: str) -> "Field | None":
        return next((f for f in self.fields if f.name == name), None)


@dataclass(frozen=True)
class Built:
    """A validated value and where each part of it came from (field path → Source)."""

    value: object
    sources: Mapping[str, Source] = field(default_factory=lambda: MappingProxyType({}))

    def source(self, path: str) -> Source:
        """The source of `path`, or of its nearest ancestor that was written in the file."""
        probe = path
        while probe:
            if probe in self.sources:
                found = self.sources[probe]
                return Source(found.file, found.line, found.column, path)
            probe = _parent(probe)
        root = self.sources.get("", Source())
        return Source(root.file, root.line, root.column, path)


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


# ---------------------------------------------------------------- reading the file


# libyaml composes article.yaml ~15× faster than the pure-Python parser (a warm rebuild's budget).
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_node(path: str) -> tuple[yaml.Node, str]:
    """Read `path` as UTF-8 YAML and compose its node tree (no construction yet).

    Unusable paths are `UsageError` (exit 2); content that is not one YAML document of text
    is `InputError`, located where PyYAML saw the problem.
    """
    if not os.path.exists(path):
        raise UsageError("no such file", where=path, hint="check the path and the current folder")
    if os.path.isdir(path):
        raise UsageError("is a folder, not a file", where=path, hint="give the path of the .yaml file itself")
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > L.FILE_BYTES.most:  # refused before it is read
                raise InputError(L.over(L.FILE_BYTES, size), where=path, hint=_limit_hint(L.FILE_BYTES))
            data = fh.read(L.FILE_BYTES.most + 1)
    except OSError as exc:
        raise UsageError(f"cannot read the file ({exc.strerror})", where=path, hint="check its permissions") from None
    if len(data) > L.FILE_BYTES.most:  # (a file that grew while it was read, or a pipe)
        raise InputError(L.over(L.FILE_BYTES, len(data)), where=path, hint=_limit_hint(L.FILE_BYTES))
    encoding = _wide_encoding(data)
    if encoding:
        name, codec = encoding
        raise InputError(f"the file is {name}, not UTF-8", where=path,
                         hint=f"save it as UTF-8, e.g. iconv -f {codec} -t UTF-8 {os.path.basename(path)} > new.yaml")
    if b"\0" in data:
        at = data.index(b"\0")
        raise InputError(
            f"not a text file (NUL byte at byte {at})", where=path, hint="give the YAML text file, not a binary"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte {exc.start}, line {line})", where=path, hint="save the file as UTF-8"
        ) from None
    return compose_yaml(text, path), text


def compose_yaml(text: str, path: str) -> yaml.Node:
    """The node tree of one YAML document of `text` (read from, or named as, `path` in errors)."""
    try:
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            # libyaml words its errors differently; the pure-Python parser gives the messages
            # and positions the desk sees (and that the tests pin).
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        start = exc.context_mark
        if start is not None and mark is not None and start.line != mark.line:
            # e.g. an unclosed quote is only noticed at the end of the file: say where it opened
            what += f" (it began at line {start.line + 1}, column {start.column + 1})"
        raise InputError(f"YAML syntax error: {what}", where=where, hint=_syntax_hint(what)) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML error: {exc}", where=path, hint="check the file is YAML") from None
    if node is None:
        raise InputError("the file is empty", where=path, hint="copy article.yaml from the repository as a start")
    return node


# Byte order marks of the encodings a text file may be saved in besides UTF-8 (UTF-32 first: its
# little-endian mark begins with UTF-16's).
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32LE"), (b"\x00\x00\xfe\xff", "UTF-32BE"),
              (b"\xff\xfe", "UTF-16LE"), (b"\xfe\xff", "UTF-16BE"))


def _wide_encoding(data: bytes) -> tuple[str, str] | None:
    """(how to say it, the codec's name) of the UTF-16 or UTF-32 encoding `data` is in — by its byte
    order mark, or, without one, by the zero bytes beside its first characters when they are ASCII (a
    YAML file begins with a key or a comment) — else None."""
    def said(codec: str, mark: bool) -> tuple[str, str]:
        order = "little-endian" if codec.endswith("LE") else "big-endian"
        return f"{codec[:6]} ({order}{'' if mark else ', no byte order mark'})", codec

    for bom, codec in _WIDE_BOMS:
        if data.startswith(bom):
            return said(codec, True)
    h = data[:8]
    if len(h) == 8 and h[0] and h[1:4] == b"\0\0\0" and h[4] and h[5:8] == b"\0\0\0":
        return said("UTF-32LE", False)
    if len(h) == 8 and h[:3] == b"\0\0\0" and h[3] and h[4:7] == b"\0\0\0" and h[7]:
        return said("UTF-32BE", False)
    if len(h) >= 4 and h[0] and not h[1] and h[2] and not h[3]:
        return said("UTF-16LE", False)
    if len(h) >= 4 and not h[0] and h[1] and not h[2] and h[3]:
        return said("UTF-16BE", False)
    return None


def _syntax_hint(what: str) -> str:
    if "\\t" in what or "tab" in what:
        return "YAML indents with spaces, never tabs"
    if "but found another document" in what:
        return "one file holds one document; remove the extra '---'"
    if "mapping values are not allowed" in what:
        return "text containing ': ' must be quoted"
    return "check indentation and quoting around this place"


# ---------------------------------------------------------------- validation

_TAG = "tag:yaml.org,2002:"
_KIND_WORDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true/false",
    "null": "nothing (null)",
    "timestamp": "a date",
    "map": "a mapping (key: value)",
    "seq": "a list",
}
_EXPECT_WORDS = {
    "text": "text",
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "date": "a date YYYY-MM-DD",
    "enum": "one of the listed words",
    "map": "a mapping (key: value)",
    "list": "a list",
}


def _found(node: yaml.Node) -> str:
    tag = node.tag[len(_TAG):] if node.tag.startswith(_TAG) else node.tag
    word = _KIND_WORDS.get(tag, f"a {tag} value")
    if isinstance(node, yaml.ScalarNode) and node.value:
        shown = node.value if len(node.value) <= 20 else node.value[:19] + "…"
        return f"{word} ({shown})"
    return word


class _Builder:
    def __init__(self, file: str):
        self.file = file
        self.sources: dict[str, Source] = {}
        self._constructor = yaml.constructor.SafeConstructor()
        self.text_chars = 0  # characters of every text and name read so far (limits.FILE_TEXT)

    def src(self, node: yaml.Node, path: str) -> Source:
        mark = node.start_mark
        return Source(self.file, mark.line + 1, mark.column + 1, path)

    def fail(self, node: yaml.Node, path: str, what: str, hint: str) -> InputError:
        return InputError(what, where=str(self.src(node, path)), hint=hint)

    def scalar(self, node: yaml.Node, path: str) -> object:
        try:
            return self._constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError) as exc:
            raise self.fail(node, path, f"cannot read this value ({str(exc).splitlines()[0]})",
                            "quote it to make it text") from None

    def build(self, node: yaml.Node, spec: Field, path: str) -> object:
        self.sources[path] = self.src(node, path)
        if node.tag == _TAG + "null":
            if spec.nullable or not spec.required:
                return None if spec.nullable else _default(spec)
            raise self.fail(node, path, "a value is required here", f"write {_EXPECT_WORDS[spec.kind]}: {spec.help}")
        kind = spec.kind
        if kind == "map":
            return self.mapping(node, spec, path)
        if kind == "list":
            return self.sequence(node, spec, path)
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, path, f"expected {_EXPECT_WORDS[kind]}, found {_found(node)}", spec.help)
        return self.leaf(node, spec, path)

    def mapping(self, node: yaml.Node, spec: Field, path: str) -> dict:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, path or "(top level)", f"expected a mapping (key: value), found {_found(node)}",
                            f"keys here: {', '.join(f.name for f in spec.fields)}")
        seen: dict[str, yaml.Node] = {}
        out: dict[str, object] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            key_path = f"{path}.{key}" if path else str(key)
            if key is None or key_node.tag != _TAG + "str":
                raise self.fail(key_node, path, f"a key must be a plain word, found {_found(key_node)}",
                                "quote the key or fix the indentation")
            if key in seen:
                first = seen[key].start_mark.line + 1
                raise self.fail(key_node, key_path, f"key '{key}' appears twice (first on line {first})",
                                "keep one of them")
            seen[key] = key_node
            child = spec.child(key)
            if child is None:
                names = [f.name for f in spec.fields]
                close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(names)}"
                raise self.fail(key_node, key_path, f"unknown key '{key}'", hint)
            out[key] = self.build(value_node, child, key_path)
        for child in spec.fields:
            if child.name in out:
                continue
            if child.required:
                child_path = f"{path}.{child.name}" if path else child.name
                raise self.fail(node, child_path, f"missing required key '{child.name}'",
                                f"add '{child.name}:' ({child.help})")
            out[child.name] = _default(child)
        return out

    def sequence(self, node: yaml.Node, spec: Field, path: str) -> tuple:
        assert spec.item is not None
        limit = spec.limit or L.LIST
        if isinstance(node, yaml.SequenceNode) and len(node.value) > limit.most:  # before any item is read
            raise self.fail(node, path, L.over(limit, len(node.value)), _limit_hint(limit))
        if isinstance(node, yaml.SequenceNode):
            for i, n in enumerate(node.value):
                # An empty item is never meant: "use the default" makes no sense inside a list.
                if n.tag == _TAG + "null":
                    raise self.fail(n, f"{path}[{i}]", "empty list item (null)",
                                    f"write {_EXPECT_WORDS[spec.item.kind]} or delete the '- ' line")
            items = tuple(self.build(n, spec.item, f"{path}[{i}]") for i, n in enumerate(node.value))
        elif spec.scalar_ok and isinstance(node, yaml.ScalarNode):
            items = (self.build(node, spec.item, f"{path}[0]"),)
        else:
            raise self.fail(node, path, f"expected a list, found {_found(node)}",
                            f"write each item on its own '- ' line ({spec.help})")
        if len(items) < spec.min_items:
            raise self.fail(node, path, f"needs at least {spec.min_items} item(s), has {len(items)}", spec.help)
        if spec.max_items is not None and len(items) > spec.max_items:
            raise self.fail(node, path, f"takes at most {spec.max_items} item(s), has {len(items)}", spec.help)
        if spec.unique:
            first: dict[object, int] = {}
            for i, item in enumerate(items):
                key = item.get(spec.unique) if isinstance(item, dict) else None
                if key is None:  # not given: its default (by position) is unique
                    continue
                if key in first:
                    item_path = f"{path}[{i}].{spec.unique}"
                    src = self.sources.get(item_path, self.sources[path])
                    raise InputError(
                        f"duplicate {spec.unique} '{key}' (also {path}[{first[key]}].{spec.unique})",
                        where=str(Source(src.file, src.line, src.column, item_path)),
                        hint=f"each {spec.unique} must be unique",
                    )
                first[key] = i
        return items

    def count(self, node: yaml.ScalarNode, path: str, value: str, spec: Field) -> None:
        """Refuse a text longer than its field's limit, and a file whose texts together pass FILE_TEXT,
        before anything else is done with them."""
        if spec.limit is not None and len(value) > spec.limit.most:
            raise self.fail(node, path, L.over(spec.limit, len(value)), _limit_hint(spec.limit))
        self.text_chars += len(value)
        if self.text_chars > L.FILE_TEXT.most:
            raise self.fail(node, path, f"the file's text passes {L.FILE_TEXT.most:,} characters here",
                            _limit_hint(L.FILE_TEXT))

    def characters(self, node: yaml.ScalarNode, path: str, value: str, kind: str) -> None:
        """Refuse what no page can print and no file should hold: a lone surrogate, a control character
        (in text a tab or a line break is white space, which the normaliser tidies), a noncharacter.
        YAML lets a double-quoted scalar write any of them as an escape ("\\0", "\\ud800")."""
        allowed = _TEXT_CONTROLS if kind == "text" else ""
        for i, ch in enumerate(value):
            what = _bad_character(ch, allowed)
            if what:
                at = f" at character {i + 1}" if len(value) > 1 else ""
                raise self.fail(node, path, f"{what}{at} of the {'text' if kind == 'text' else 'value'}",
                                _BAD_CHARACTER_HINTS[what.split(" U+")[0]])

    def leaf(self, node: yaml.ScalarNode, spec: Field, path: str) -> object:
        value = self.scalar(node, path)
        kind = spec.kind
        wrong = self.fail(node, path, f"expected {_EXPECT_WORDS[kind]}, found {_found(node)}", spec.help)
        if kind == "str" and spec.int_ok and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if kind in ("text", "str", "enum"):
            if not isinstance(value, str):
                # A bare 8 or 2021 where text is wanted: say how to keep it as text.
                raise self.fail(node, path, f"expected text, found {_found(node)}",
                                f"put it in quotes to make it text: \"{node.value}\"")
            if kind == "enum":
                if value not in spec.choices:
                    close = difflib.get_close_matches(value, spec.choices, n=1, cutoff=0.5)
                    hint = f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(spec.choices)}"
                    raise self.fail(node, path, f"'{value}' is not one of {', '.join(spec.choices)}", hint)
                return value
            self.count(node, path, value, spec)
            self.characters(node, path, value, kind)
            if not value.strip() and not spec.empty_ok:
                raise self.fail(node, path, "empty text", "write the text, or remove the key if it is optional")
            if spec.pattern and not re.fullmatch(spec.pattern, value):
                raise self.fail(node, path, f"'{value}' is not {spec.pattern_hint or spec.pattern}", spec.help)
            return value
        if kind == "bool":
            if not isinstance(value, bool):
                raise wrong
            return value
        if kind == "date":
            if isinstance(value, str):
                try:
                    value = datetime.date.fromisoformat(value)
                except ValueError:
                    raise wrong from None
            if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
                raise wrong
            return value.isoformat()
        # int / float
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise wrong
        if kind == "int" and not isinstance(value, int):
            raise wrong
        if kind == "float":
            value = float(value)
            if value != value or value in (float("inf"), float("-inf")):
                raise self.fail(node, path, f"{node.value} is not a finite number", spec.help)
        if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
            raise self.fail(node, path, f"{node.value} is out of range {_range(spec)}", spec.help)
        return value


def _limit_hint(limit: Limit) -> str:
    return f"{limit.hint}; every limit and its reason: docs/article-format.md#limits"


_TEXT_CONTROLS = "\t\n\r"  # white space in text (the normaliser tidies it); in names and paths nothing is
_CONTROL_NAMES = {0: "NUL", 0x7F: "DEL", 0x85: "NEL", 0x1B: "ESC", 0x08: "BS", 0x0B: "VT", 0x0C: "FF"}
_BAD_CHARACTER_HINTS = {
    "lone surrogate": "half of a UTF-16 pair is not a character; write the character itself, or one escape "
                      "\\U000XXXXX for a character beyond U+FFFF",
    "control character": "remove it; a YAML escape in double quotes such as \\0, \\x07 or \\e puts it there",
    "noncharacter": "remove it; it is not a character and prints as nothing",
}


def _bad_character(ch: str, allowed: str) -> str:
    """What is wrong with `ch` in a page file's text ("" when nothing is)."""
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp <= 0x9F:
        if ch in allowed:
            return ""
        name = _CONTROL_NAMES.get(cp)
        return f"control character U+{cp:04X}" + (f" ({name})" if name else "")
    if 0xD800 <= cp <= 0xDFFF:
        return f"lone surrogate U+{cp:04X}"
    if 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE:
        return f"noncharacter U+{cp:04X}"
    return ""


def _default(spec: Field) -> object:
    if spec.kind == "map" and spec.default is None and not spec.nullable:
        return {f.name: _default(f) for f in spec.fields}
    if spec.kind == "list" and spec.default is None:
        return ()
    return spec.default


def _range(spec: Field) -> str:
    def num(x: float | None) -> str:
        return "" if x is None else (f"{x:g}")

    if spec.min is not None and spec.max is not None:
        return f"{num(spec.min)}–{num(spec.max)}"
    if spec.min is not None:
        return f"≥ {num(spec.min)}"
    return f"≤ {num(spec.max)}"


def build(node: yaml.Node, schema: Field, file: str) -> Built:
    """Validate `node` against `schema`; return the plain value with defaults and its sources."""
    builder = _Builder(file)
    value = builder.build(node, schema, "")
    return Built(value, MappingProxyType(dict(builder.sources)))


def validate(node: yaml.Node, schema: Field, file: str = "") -> None:
    """Raise `InputError` for the first problem in `node`; return None when it fits `schema`."""
    build(node, schema, file)


def load(path: str, schema: Field) -> Built:
    """`load_yaml_node` then `build`: the whole path from a file name to a validated value."""
    node, _ = load_yaml_node(path)
    return build(node, schema, path)


# ---------------------------------------------------------------- docs


def type_words(spec: Field) -> str:
    """The kind of a field in words, as the docs show it."""
    if spec.kind == "list":
        assert spec.item is not None
        words = f"list of {type_words(spec.item)}"
        if spec.limit is not None:
            words += f", at most {spec.limit.most:,}"
        if spec.scalar_ok:
            words += " (one item may be written alone)"
        if spec.min_items or spec.max_items is not None:
            if spec.min_items == spec.max_items:
                words += f", exactly {spec.min_items}"
            elif spec.max_items is None:
                words += f", at least {spec.min_items}"
            else:
                words += f", {spec.min_items}–{spec.max_items} items"
        if spec.unique:
            words += f", unique `{spec.unique}`"
        return words
    if spec.kind == "map":
        return "mapping"
    if spec.kind == "enum":
        return "one of " + ", ".join(f"`{c}`" for c in spec.choices)
    base = {"text": "text", "str": "string", "int": "integer", "float": "number", "bool": "true/false",
            "date": "date YYYY-MM-DD"}[spec.kind]
    if spec.min is not None or spec.max is not None:
        base += f" {_range(spec)}"
    if spec.pattern_hint:
        base += f" ({spec.pattern_hint})"
    if spec.kind in ("text", "str") and spec.empty_ok:
        base += " (may be empty)"
    if spec.int_ok:
        base += " or integer"
    if spec.limit is not None:
        base += f", at most {spec.limit.most:,} characters"
    return base + (" or null" if spec.nullable else "")


def _default_words(spec: Field) -> str:
    if spec.required:
        return "—"
    value = _default(spec)
    if spec.kind == "map" and not spec.nullable:
        return "(see below)"
    if value is None:
        return "null"
    if value == ():
        return "[]"
    if value == "":
        return '`""`'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return f"{value}"


def describe(schema: Field, title: str, intro: str = "") -> str:
    """Markdown reference for `schema`: one table per mapping, nested mappings as their own sections."""
    out = [f"# {title}", "", "<!-- generated by tools/gen_docs.py from the schema table; do not edit by hand -->", ""]
    if intro:
        out += [intro.strip(), ""]
    _describe_map(schema, "", out)
    return "\n".join(out).rstrip() + "\n"


def _describe_map(spec: Field, path: str, out: list[str]) -> None:
    out += [f"## `{path}`" if path else "## top level", ""]
    if path:
        out += [spec.help, ""]
    out += ["| key | type | default | required | meaning |", "|---|---|---|---|---|"]
    nested: list[tuple[Field, str]] = []
    for f in spec.fields:
        child_path = f"{path}.{f.name}" if path else f.name
        kind = type_words(f)
        target = f if f.kind == "map" else (f.item if f.kind == "list" and f.item and f.item.kind == "map" else None)
        if target is not None:
            sub = child_path + ("[]" if f.kind == "list" else "")
            kind += f" (see [`{sub}`](#{_anchor(sub)}))"
            nested.append((target, sub))
        meaning = f.help.replace("|", "\\|")
        out.append(f"| `{f.name}` | {kind} | {_default_words(f)} | {'yes' if f.required else 'no'} | {meaning} |")
    out.append("")
    for target, sub in nested:
        _describe_map(target, sub, out)


def _anchor(path: str) -> str:
    # GitHub's heading anchors: lower case, punctuation other than - and _ dropped.
    return re.sub(r"[^a-z0-9_\- ]", "", path.lower()).replace(" ", "-")


# ---------------------------------------------------------------- the article.yaml table

PLACEMENT = Field(
    "place", "map", "fixed grid cells for this block; leave out (or null) to let the layout place it",
    nullable=True,
    fields=(
        Field("col", "int", "first column, counted from 1 at the left; left out, the block stands at the "
              "right edge (the text then starts at the top left and reads down the columns around it)",
              nullable=True, min=1, max=24),
        Field("span", "int", "number of columns wide", nullable=True, min=1, max=24),
        Field("row", "int", "first baseline row, counted from 1 at the top of the type area",
              nullable=True, min=1, max=400),
        Field("rows", "int", "rows high: for a photo the image frame (its caption and the white line below "
              "come on top); for the sidebar the box", nullable=True, min=1, max=400),
        Field("grid", "enum", "which grid the cells count on: the template's basic grid or the body-text grid",
              default="basic", choices=("basic", "body")),
    ),
)

_PHRASES = "one or more phrases (对仗 halves), set on one line with a 1-em space between them"

# 转版 from another page: "N" (a page) or "N/ID" (page N's story ID, in an edition).
JUMP_SOURCE = r"[1-9][0-9]{0,2}(/[a-z0-9][a-z0-9_-]{0,31})?"

# The keys of one story. A page of one story (article.yaml) gives them at the top level; a page of
# several gives each story as an item of `stories:`.
STORY_FIELDS = (
    Field("headline", "map", "the 标题 group (required for every story)", fields=(
        Field("kicker", "text", "引题 (the line above the main title)", nullable=True, limit=L.LINE),
        Field("title", "list", "主题: " + _PHRASES, required=True, scalar_ok=True, min_items=1,
              item=Field("phrase", "text", "one title phrase", limit=L.LINE)),
        Field("subtitle", "text", "副题 (the line below the main title)", nullable=True, limit=L.LINE),
    )),
    Field("byline", "list", "credits, in the order printed (文 / 图 / 版式 ...)", item=Field(
        "credit", "map", "one credit", fields=(
            Field("role", "str", "what the person did: 文, 图, 摄影, 版式 ...", required=True),
            Field("name", "text", "the name as printed, e.g. 本报记者 焦海洋", required=True, limit=L.LINE),
        ))),
    Field("sidebar", "map", "a boxed list beside the text (e.g. 郾城名片); null = none", nullable=True, fields=(
        Field("title", "text", "the box title", required=True, limit=L.LINE),
        Field("items", "list", "the list entries, one line each (write no bullets)", required=True,
              scalar_ok=True, min_items=1, item=Field("item", "text", "one entry", limit=L.SIDEBAR_ITEM)),
        PLACEMENT,
    )),
    Field("lead", "list", "导语 paragraphs before the first section (a single text = one paragraph)",
          scalar_ok=True, item=Field("paragraph", "text", "one paragraph", limit=L.PARAGRAPH)),
    Field("sections", "list", "the body, in order: each a 小标题 and its paragraphs", item=Field(
        "section", "map", "one section of the body", fields=(
            Field("heading", "list", "小标题: " + _PHRASES + "; [] = none", scalar_ok=True,
                  item=Field("phrase", "text", "one heading phrase", limit=L.LINE)),
            Field("paragraphs", "list", "the section's paragraphs (a single text = one paragraph)",
                  required=True, scalar_ok=True, min_items=1,
                  item=Field("paragraph", "text", "one paragraph", limit=L.PARAGRAPH)),
        ))),
    Field("photos", "list", "photos in reading order", unique="id", limit=L.PHOTOS, item=Field(
        "photo", "map", "one photo", fields=(
            Field("id", "str", "a unique name for the photo, used in reports", required=True,
                  pattern=r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", pattern_hint="letters, digits, - and _"),
            Field("file", "str", "image file, relative to the file that names it; must exist and be readable",
                  required=True),
            Field("caption", "text", "图说 (caption) as printed", required=True, limit=L.CAPTION),
            Field("credit", "text", "photo credit, e.g. 本报记者 焦海洋 摄; null = none", nullable=True,
                  limit=L.LINE),
            Field("focus", "list", "focal point kept when cropping: [x, y] as fractions of width and height "
                  "from the top-left corner", default=(0.5, 0.5), min_items=2, max_items=2,
                  item=Field("fraction", "float", "a fraction of the image size", min=0.0, max=1.0)),
            Field("group", "enum", "where the photo belongs: lead = after the lead, end = after the body",
                  default="lead", choices=("lead", "end")),
            Field("headshot", "bool", "a head shot (人物头像): it may be one basic column wide and is not held to its "
                  "rank's photo area range", default=False),
            Field("crop", "list", "the desk's crop: the part of the image to print, [left, top, right, bottom] as "
                  "fractions of its width and height from the top-left corner. The layout then frames that part; "
                  "with crop: (or focus:) given it may cut up to the template's copyfit.max_aspect_change, without "
                  "at most the photo-crop rule's share of the image", nullable=True, min_items=4, max_items=4,
                  item=Field("fraction", "float", "a fraction of the image size", min=0.0, max=1.0)),
            PLACEMENT,
        ))),
)
STORY_KEYS = frozenset(f.name for f in STORY_FIELDS)
_BODY_COLUMNS_HELP = ("变栏: number of body-text columns across the story's area; null = the template's "
                      "default")

STORY = Field(
    "story", "map", "one item of the page, in order of importance (the first is the 头条): a story, a 简讯 block "
    "or a 导读 box",
    fields=(
        Field("kind", "enum", "story: a story with its headline, text and photos; briefs: a 简讯 block of short "
              "items under one heading; digest: a 导读 box of pointers to other pages", default="story",
              choices=("story", "briefs", "digest")),
        Field("id", "str", "a short name for the item, unique on the page; it prefixes its block ids in reports "
              "(default s1, s2, … by position)", pattern=r"[a-z0-9][a-z0-9_-]{0,31}",
              pattern_hint="lower-case letters, digits, - and _"),
        Field("file", "str", "story: a YAML file holding the story's keys (headline, byline, lead, sections, photos, "
              "sidebar), relative to the page file; its photo paths are relative to it", nullable=True),
        Field("body_columns", "int", _BODY_COLUMNS_HELP + " (default: one per basic column of its module)",
              nullable=True, min=1, max=12),
        Field("continue_to", "int", "转版: a story too long for its module continues on this page of the edition: "
              "it ends with （下转第N版） and the rest is written out for that page", nullable=True, min=1, max=999),
        Field("continued_from", "str", "转版: this story continues one from another page and opens with （上接第N版）. "
              "N, a page number: `file:` names the continuation file page N's build wrote. N/ID, in an edition: "
              "the rest of page N's story ID comes here (the edition build fills the slot; a `file:` beside it "
              "is read only when this page is built alone)", nullable=True, int_ok=True,
              pattern=JUMP_SOURCE, pattern_hint="a page number N, or N/ID: page N's story ID"),
        Field("place", "map", "story: the module the desk pins it to on the basic grid (the 头条, a picture "
              "story); the module search fills the rest of the page around it; null = the search places it",
              nullable=True, fields=(
                  Field("col", "int", "first basic column, counted from 1 at the left", required=True, min=1, max=24),
                  Field("span", "int", "basic columns wide", required=True, min=1, max=24),
                  Field("row", "int", "first row, counted from 1 at the top of the type area", default=1, min=1,
                        max=400),
                  Field("rows", "int", "rows high, the white line under it included when something stands below",
                        required=True, min=1, max=400),
              )),
        Field("heading", "text", "briefs, digest: the heading of the block (e.g. 简讯, 导读)", nullable=True,
              limit=L.LINE),
        Field("briefs", "list", "briefs: the items, each a short paragraph (a 本报讯 item)", scalar_ok=True,
              limit=L.BRIEFS, item=Field("brief", "text", "one item", limit=L.BRIEF)),
        Field("pointers", "list", "digest: the stories pointed to", limit=L.POINTERS, item=Field(
            "pointer", "map", "one pointer", fields=(
                Field("title", "text", "the story's title as the box shows it", required=True, limit=L.LINE),
                Field("page", "int", "the page it is on", required=True, min=1, max=999),
            ))),
    ) + STORY_FIELDS,
)

STORY_FILE = Field("story file", "map", "a story in a file of its own, named by a page's stories[].file",
                   required=True, fields=STORY_FIELDS)

RESERVED = Field(
    "reserved", "list", "areas held for the advertising department (通栏 / 半通栏 ads), on the basic grid; left "
    "empty, or holding a supplied image or one-page PDF", unique="id", limit=L.RESERVED, item=Field(
        "area", "map", "one reserved area", fields=(
            Field("id", "str", "a short name for the area", required=True, pattern=r"[a-z0-9][a-z0-9_-]{0,31}",
                  pattern_hint="lower-case letters, digits, - and _"),
            Field("col", "int", "first basic column, counted from 1 at the left", required=True, min=1, max=24),
            Field("span", "int", "basic columns wide", required=True, min=1, max=24),
            Field("row", "int", "first row, counted from 1 at the top of the type area; null = standing on the "
                  "type area's foot", nullable=True, min=1, max=400),
            Field("rows", "int", "rows high", required=True, min=1, max=400),
            Field("file", "str", "what fills the area, relative to the page file; null = left empty. An image "
                  "(JPEG, PNG, TIFF) is cropped from its centre to fill it. An ad PDF (a file that begins with "
                  "%PDF-) must be one page made to the area's size — its TrimBox, else MediaBox, within 1 mm "
                  "either way, scaled to fit exactly — in CMYK, gray or spot colour only (no RGB or Lab), every "
                  "font embedded, no transparency (as PDF/X-1a); it is placed as it is, clipped to the area",
                  nullable=True),
            Field("label", "text", "what the area is, for the report and the archive (e.g. 广告)", default="广告",
                  limit=L.LINE),
        )))

ARTICLE = Field(
    "article", "map", "one newspaper page: a page file holding one story at the top level (article.yaml), "
    "or several under `stories:`",
    required=True,
    fields=(
        Field("template", "str", "版式: a built-in template name (broadsheet 对开, tabloid 四开) or a path to "
              "a template YAML file, relative to the page file", default="broadsheet"),
        Field("body_columns", "int", _BODY_COLUMNS_HELP, nullable=True, min=1, max=12),
        Field("slug", "str", "short name used for output and archive file names", default="article",
              pattern=r"[a-z0-9][a-z0-9_-]{0,63}", pattern_hint="lower-case letters, digits, - and _"),
        Field("edition", "map", "values for the 报眉 (folio line)", required=True, fields=(
            Field("paper", "text", "newspaper name as printed in the 报眉", required=True, limit=L.LINE),
            Field("date", "date", "publication date", required=True),
            Field("page", "int", "page number", required=True, min=1, max=999),
            Field("page_name", "text", "版名, e.g. 专版", required=True, limit=L.LINE),
            Field("editor", "text", "责编 (page editor), printed in the 报眉 when given", default="", empty_ok=True,
                  limit=L.LINE),
            Field("sample", "bool", "true when these values are placeholders; reported as a warning so "
                  "they are replaced before press", default=False),
        )),
    ) + STORY_FIELDS + (
        RESERVED,
        Field("fillers", "list", "补白: the desk's pool of short pieces for filling (a 公益 line, a 小知识, a quote). "
              "On a page of several stories the module search sets one or two of them, each in a small box "
              "module of its own, only when no tiling fills the page without (the filler lever, "
              "docs/design-rules.md)", unique="id", item=Field(
                  "filler", "map", "one filler", fields=(
                      Field("id", "str", "a short name for the filler", required=True,
                            pattern=r"[a-z0-9][a-z0-9_-]{0,31}", pattern_hint="lower-case letters, digits, - and _"),
                      Field("heading", "text", "the heading in the box's bar (e.g. 公益广告, 小知识); null = none",
                            nullable=True),
                      Field("text", "list", "its paragraphs (a single text = one paragraph)", required=True,
                            scalar_ok=True, min_items=1, item=Field("paragraph", "text", "one paragraph")),
                  ))),
        Field("stories", "list", "the page's stories in order of importance, for a page of several; leave out "
              "for a page of one story, whose keys (headline, byline, sidebar, lead, sections, photos) then "
              "stand at the top level", unique="id", limit=L.ITEMS, item=STORY),
        Field("options", "map", "layout options", fields=(
            Field("normalise", "bool", "tidy punctuation and whitespace (layout.source.normalize); every change "
                  "is reported", default=True),
            Field("han_latin_space_em", "float", "space between Han and Latin/digits, in em "
                  "(clreq: up to 1/4 em; 0 = none)", default=0.0, min=0.0, max=0.5),
            Field("hanging", "bool", "hang 、，。 outside the measure at line end (clreq: most publications "
                  "do not)", default=False),
            Field("ppi", "int", "resolution photos are resampled to, pixels per inch", default=200,
                  min=72, max=1200),
            Field("flow_order", "list", "the order the body text threads through the body columns, counted "
                  "from 1 at the left; empty = left to right", default=(),
                  item=Field("column", "int", "a body column", min=1, max=24)),
            Field("copyfit", "bool", "fit the body text exactly to the page by adjusting photo heights within "
                  "the template's crop bounds; off: natural heights, empty rows are reported", default=True),
            Field("strictness", "enum", "避头尾 level (clreq): basic, gb (GB-style, recommended in "
                  "typography.md §1.2) or strict (also —— and …… not at line start)", default="gb",
                  choices=("strict", "gb", "basic")),
        )),
    ),
)


# ---------------------------------------------------------------- the edition file's table

EDITION = Field(
    "edition file", "map", "one issue of the paper: its pages in order, each a page file", required=True,
    fields=(
        Field("paper", "text", "newspaper name as printed in every page's 报眉; it replaces the page files' "
              "edition.paper", required=True),
        Field("date", "date", "publication date; it replaces the page files' edition.date", required=True),
        Field("edition", "int", "期号: the issue's number as the paper counts it (总第N期); the archive's METS "
              "gives it as the issue number", required=True, min=1, max=999_999),
        Field("paper_id", "text", "the paper's identifier for libraries (ISSN, 国内统一刊号 CN …, or LCCN), "
              "given in the METS; null = none", nullable=True),
        Field("sample", "bool", "true when this is a sample edition (the pages' 报眉 values are placeholders): "
              "every page reports it as a warning", default=False),
        Field("pages", "list", "the pages in the order they are printed", required=True, min_items=1,
              unique="page", item=Field("page", "map", "one page of the edition", fields=(
                  Field("page", "int", "the page number (版次); it replaces the page file's edition.page, and "
                        "continue_to / continued_from name pages by it", required=True, min=1, max=999),
                  Field("name", "text", "版名, e.g. 要闻, 社会, 经济; it replaces the page file's "
                        "edition.page_name", required=True),
                  Field("file", "str", "the page file, relative to the edition file", required=True),
              ))),
    ),
)
