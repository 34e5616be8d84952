"""Fuzzing the article loader and the composer with mutated article YAML (hypothesis).

Start from a small valid article (mini template, one photo, a sidebar, two sections), mutate it
— delete keys, change a value's type, swap values, insert garbage characters or lines, duplicate
or drop lines (duplicate keys), truncate, damage the bytes — and accept only a clean outcome:

* `InputError` whose message is one non-empty line, or
* a valid `PageLayout` (finite coordinates, every frame inside the page, body text conserved),
  with copyfit on or off (a mutation may drop or flip `options.copyfit`) and with or without --draft.

Any other exception is a bug. The main test runs in-process on FakeMetrics faces (no fonts, no
rendering) to reach 2,000 examples quickly; a smaller test (40 examples) runs the full
`layout.pipeline.build` into a tmp folder and also requires that a failed build wrote nothing.

The examples are the same alone, in the full suite and in any order: derandomised, and drawn
with the same project constants whatever else was collected (tests/conftest.py imports every
project module before any test runs).
"""

from __future__ import annotations

import copy
import datetime
import json
import math
import os
import shutil
import tempfile

import pytest
import yaml
from lxml import etree
from support import DATA
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from layout.compose.page import compose_page
from layout.compose.story import Settings
from layout.source.load import load_page
from layout.base.errors import InputError
from layout.photo.images import probe_image
from layout.base.primitives import Box, GlyphRun, Image, PageLayout, Rule
from layout.source.template import load_template
from layout.text.fake import FakeMetrics

ROLES = ("body", "headline", "kicker", "subtitle", "byline", "subhead", "caption", "sidebar_title", "sidebar", "folio")
FACES = {r: FakeMetrics() for r in ROLES}

BASE = {
    "template": "mini-template.yaml",
    "edition": {"paper": "测试日报", "date": "2024-03-01", "page": 3, "page_name": "要闻", "sample": False},
    "headline": {"kicker": "引题", "title": ["前半句话", "后半句话"], "subtitle": "副题文字"},
    "byline": [{"role": "文", "name": "记者"}],
    "lead": "去年以来，郾城区紧扣全面建成小康社会目标任务，全面落实“六保”任务。",
    "sidebar": {"title": "郾城名片", "items": ["全国食品工业强区", "全国科技进步区"]},
    "sections": [
        {"heading": ["小标题一", "补齐短板"],
         "paragraphs": ["坚决打赢精准脱贫攻坚战，以脱贫攻坚统揽经济社会发展全局。",
                        "统筹实施重大项目50个以上，完成投资120亿元以上，确保履约率100%。"]},
        {"heading": ["小标题二"], "paragraphs": ["发展现代农业，让农村经济活起来。"]},
    ],
    "photos": [{"id": "field", "file": "img/landscape.jpg", "caption": "幸福渠", "credit": "焦海洋 摄",
                "focus": [0.5, 0.5], "group": "lead"}],
    "options": {"copyfit": False},
}

# libyaml's emitter (in PyYAML's wheels): the pure-Python one was a third of the test's time.
DUMPER = yaml.CSafeDumper

GARBAGE = list(":-[]{},#&*!|>'\"%@`?\t\n\r\\ \u3000\u200b\ufeff\x00\x07\x85\u2028") + \
    ["😀", "\ue000", "\ud7ff", "—", "……", "“", "”", "，", "。", "郾", "A", "0", "~", "null", "true", "- ", ": ",
     "---", "...", "!!binary", "!!python/object:os.system", "*a", "&a ", "<<: ", "\\u0000", "1e309", ".nan",
     # issue 22: lone surrogates and controls, as characters and as the escapes a double-quoted scalar reads
     "\ud800", "\udfff", "\x1b", "\x9f", "\x7f", "\ufffe", "\\ud800", "\\udc00", "\\x1b", "\\e", "\\N", "\\0"]
# Whole-file encodings a desk machine saves in: the loader must name them, never read them as UTF-8.
ENCODINGS = ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be")


def _paths(value, prefix=()):
    """Every (path) to a key or list item in the document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


def _get(doc, path):
    for p in path:
        doc = doc[p]
    return doc


def _set(doc, path, value):
    _get(doc, path[:-1])[path[-1]] = value


def _delete(doc, path):
    del _get(doc, path[:-1])[path[-1]]


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.sampled_from([0, 1, -1, 2, 40, 999, 10**9]),
    st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([0.0, 0.5, 1.0, 5.0, -0.1, 1e-9]),
    st.text(max_size=12), st.sampled_from(["", " ", "\u3000", "broadsheet", "tabloid", "img/landscape.jpg",
                                           "mini-template.yaml", "lead", "end", "body", "basic", "2024-02-30"]),
    st.dates(min_value=datetime.date(1, 1, 1)),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.sampled_from(["col", "span", "row", "rows", "grid", "x", "text", "path"]), scalars,
                    max_size=3),
)


@st.composite
def mutated_article(draw) -> bytes:
    doc = copy.deepcopy(BASE)
    # Which layers to mutate: text-level damage almost always breaks the YAML, so structure and
    # value mutations (which keep it parseable and reach the composer) are drawn more often.
    mode = draw(st.sampled_from(["values", "values", "values", "text", "both"]))
    for _ in range(draw(st.integers(1, 4)) if mode != "text" else 0):
        paths = list(_paths(doc))
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["delete", "retype", "swap", "add_key", "grow", "tweak", "tweak", "null"]))
        try:
            if op == "null":
                _set(doc, path, None)
            elif op == "delete":
                _delete(doc, path)
            elif op == "retype":
                _set(doc, path, draw(values))
            elif op == "swap":
                other = draw(st.sampled_from(paths))
                a, b = _get(doc, path), _get(doc, other)
                _set(doc, path, copy.deepcopy(b))
                _set(doc, other, copy.deepcopy(a))
            elif op == "add_key":
                target = _get(doc, path[:-1])
                if isinstance(target, dict):
                    target[draw(st.sampled_from(["extra", "captoin", "sectoins", "place", "body_columns", "slug",
                                                 "credit", "group", "focus", "min_size_pt"]))] = draw(values)
            elif op == "tweak":  # same type, another value
                v = _get(doc, path)
                if isinstance(v, bool) or v is None:
                    _set(doc, path, draw(scalars))
                elif isinstance(v, int):
                    _set(doc, path, draw(st.integers(-5, 1000)))
                elif isinstance(v, float):
                    _set(doc, path, draw(st.floats(-2, 3)))
                elif isinstance(v, str):
                    k = draw(st.integers(0, len(v)))
                    _set(doc, path, v[:k] + draw(st.sampled_from(GARBAGE) | st.text(max_size=4)) + v[k:])
            elif op == "grow":
                v = _get(doc, path)
                if isinstance(v, str):
                    _set(doc, path, v * draw(st.integers(2, 40)))
                elif isinstance(v, list) and v:
                    _set(doc, path, v * draw(st.integers(2, 5)))
        except (KeyError, IndexError, TypeError):
            pass  # the path vanished under an earlier mutation
    flow = draw(st.booleans())
    try:
        text = yaml.dump(doc, Dumper=DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=flow)
    except UnicodeEncodeError:  # libyaml cannot write a lone surrogate; PyYAML's own emitter escapes it
        text = yaml.dump(doc, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False, default_flow_style=flow)
    for _ in range(draw(st.integers(1, 3)) if mode != "values" else 0):
        lines = text.split("\n")
        op = draw(st.sampled_from(["insert", "insert_line", "dup_line", "del_line", "truncate", "replace"]))
        i = draw(st.integers(0, max(len(text) - 1, 0)))
        if op == "insert":
            text = text[:i] + draw(st.sampled_from(GARBAGE)) + text[i:]
        elif op == "insert_line":
            j = draw(st.integers(0, len(lines)))
            lines.insert(j, draw(st.sampled_from(["", "  ", "\t", "---", "key: value", "- item", "edition: {}",
                                                  "lead: 重复的键", "  - 列表", "? complex", "%YAML 1.1",
                                                  "template: broadsheet", "body_columns: 3"])))
            text = "\n".join(lines)
        elif op == "dup_line":
            j = draw(st.integers(0, len(lines) - 1))
            lines.insert(j, lines[j])
            text = "\n".join(lines)
        elif op == "del_line":
            j = draw(st.integers(0, len(lines) - 1))
            del lines[j]
            text = "\n".join(lines)
        elif op == "truncate":
            text = text[:i]
        else:
            text = text[:i] + draw(st.text(max_size=3)) + text[i + 1:]
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate goes in as the bytes an editor may write
    if mode != "values" and draw(st.integers(0, 9)) == 5:  # now and then damage the bytes themselves
        k = draw(st.integers(0, max(len(data) - 1, 0)))
        data = data[:k] + draw(st.sampled_from([b"\xff", b"\xc3", b"\x00", b"\xe9\x83"])) + data[k:]
    if mode != "values" and draw(st.integers(0, 19)) == 7:  # now and then the whole file in another encoding
        data = text.encode(draw(st.sampled_from(ENCODINGS)), "surrogatepass")
    return data


@pytest.fixture(scope="module")
def desk():
    """A folder holding the mini template and the photo; each example overwrites article.yaml."""
    with tempfile.TemporaryDirectory(prefix="zhpaper-fuzz-") as d:
        shutil.copy(os.path.join(DATA, "mini-template.yaml"), d)
        os.mkdir(os.path.join(d, "img"))
        shutil.copy(os.path.join(DATA, "img", "landscape.jpg"), os.path.join(d, "img"))
        yield d


def _clean_error(e: InputError) -> None:
    msg = str(e)
    assert msg.strip(), "empty error message"
    assert "\n" not in msg and "\r" not in msg, repr(msg)
    assert e.exit_code in (1, 2)


def _printable(text: str) -> bool:
    """No control character, lone surrogate or noncharacter: what a page, its ALTO and its report can hold."""
    return not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
                   or (ord(c) & 0xFFFE) == 0xFFFE for c in text)


def _check_layout(lay: PageLayout, article) -> None:
    assert isinstance(lay, PageLayout)
    w, h = lay.width_pt, lay.height_pt
    assert w > 0 and h > 0
    for it in lay.items:
        if isinstance(it, GlyphRun):
            nums = (it.x_pt, it.y_pt, it.size_pt, *it.xs_pt)
            assert it.chars and len(it.xs_pt) == len(it.chars)
            assert _printable(it.chars), repr(it.chars)
        elif isinstance(it, Rule):
            nums = (it.x0_pt, it.y0_pt, it.x1_pt, it.y1_pt, it.width_pt)
        elif isinstance(it, (Box, Image)):
            nums = (it.x_pt, it.y_pt, it.width_pt, it.height_pt)
            assert it.width_pt >= 0 and it.height_pt >= 0
        else:
            raise AssertionError(f"unknown item {type(it)}")
        assert all(math.isfinite(v) for v in nums), it
    for fr in lay.frames:
        assert -0.01 <= fr.x_pt and fr.x_pt + fr.width_pt <= w + 0.01, fr
        assert -0.01 <= fr.y_pt and fr.y_pt + fr.height_pt <= h + 0.01, fr
    if not any(f.code == "overflow" for f in lay.findings):
        expected = "".join("".join(t.text for t in st.lead) + "".join(p.text for s in st.sections for p in s.paragraphs)
                           for st in article.stories)
        got = "".join(r.chars for r in lay.runs("body"))
        assert got == expected.replace(" ", "").replace("\u3000", ""), "body text lost or doubled"


def _compose(path: str, draft: bool = False):
    page, _ = load_page(path)
    t = load_template(page.template, page.base_dir)
    sizes = {(s.id, p.id): probe_image(os.path.join(s.base_dir, p.file)) for s in page.stories for p in s.photos}
    return page, compose_page(page, t, FACES, sizes, Settings(draft=draft))


def _with_long_sidebar_item() -> bytes:
    """The example that found the sidebar placed past the foot of the page (copyfit off)."""
    doc = copy.deepcopy(BASE)
    doc["sidebar"]["items"][0] *= 40
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False).encode("utf-8")


@settings(max_examples=2000, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(data=mutated_article(), draft=st.booleans())
@example(data=_with_long_sidebar_item(), draft=False)
@example(data=_with_long_sidebar_item(), draft=True)
def test_mutated_article_loads_and_composes_or_fails_cleanly(desk, data, draft):
    path = os.path.join(desk, "article.yaml")
    with open(path, "wb") as fh:
        fh.write(data)
    try:
        article, lay = _compose(path, draft)
    except InputError as e:
        _clean_error(e)
        return
    _check_layout(lay, article)


def test_the_unmutated_base_composes(desk):
    path = os.path.join(desk, "base.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        yaml.safe_dump(BASE, fh, allow_unicode=True, sort_keys=False)
    article, lay = _compose(path)
    _check_layout(lay, article)
    assert lay.runs("body") and lay.runs("caption") and lay.runs("sidebar")


# ---------------------------------------------------------------- the full build, fewer examples

BASE_TEXT = yaml.safe_dump(BASE, allow_unicode=True, sort_keys=False)

# Text mutations only draw from characters the base already has (plus YAML syntax), so the
# prepared fonts stay few and cached; the structure mutations are the same as above.
_BASE_CHARS = sorted(set(yaml.safe_dump(BASE, allow_unicode=True)) - {"\n"})


@st.composite
def mutated_article_known_chars(draw) -> bytes:
    data = draw(mutated_article())
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    allowed = set(_BASE_CHARS) | set(":-[]{},#&*!|>'\"%@`?\t\n ")
    return "".join(ch if ch in allowed else "字" for ch in text).encode("utf-8")


def _with_text(where: tuple, text: str) -> bytes:
    """BASE with the text at `where` replaced, dumped as YAML (which writes a control character or a lone
    surrogate as an escape in double quotes, as a desk's tool might)."""
    doc = copy.deepcopy(BASE)
    _set(doc, where, text)
    return yaml.dump(doc, Dumper=yaml.SafeDumper, allow_unicode=True, sort_keys=False).encode("utf-8")


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(data=mutated_article_known_chars())
@example(data=_with_text(("lead",), "去年\0以来"))  # issue 22: a NUL built a page whose ALTO was not XML
@example(data=_with_text(("headline", "title", 0), "前半\ud800句话"))  # …and a lone surrogate a traceback
@example(data=BASE_TEXT.encode("utf-16"))
def test_mutated_article_full_build(desk, zhpaper_cache, data):
    from layout.pipeline import BuildOptions, build

    path = os.path.join(desk, "article.yaml")
    with open(path, "wb") as fh:
        fh.write(data)
    with tempfile.TemporaryDirectory(prefix="zhpaper-fuzz-out-") as out:
        opts = BuildOptions(out_pdf=os.path.join(out, "page.pdf"), cache_dir=zhpaper_cache, jobs=1)
        try:
            result = build(path, opts)
        except InputError as e:
            _clean_error(e)
            assert os.listdir(out) == [], f"a failed build left {os.listdir(out)}"
            return
        for f in result.outputs:
            assert os.path.getsize(f) > 0
        with open(os.path.join(out, "page.pdf"), "rb") as fh:
            assert fh.read(5) == b"%PDF-"
        etree.parse(os.path.join(out, "page.alto.xml"))  # well-formed XML, whatever the text held
        with open(os.path.join(out, "page.report.json"), encoding="utf-8") as fh:
            json.load(fh)
