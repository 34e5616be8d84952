"""Fonts: the role catalog, prepared (cached) faces and their metrics, reportlab registration.

The only module (with its helper `layout.fonts.prep`) that opens font files. The pipeline sees
`Face` objects: plain, picklable metrics answered by dict lookups, built from a small JSON
written next to each prepared TTF, so that a warm run never parses a font with fontTools.

Cache layout: `cache_root()/v2/fonts/<stem>-<index>-<key>.json`, a verified entry
(layout.base.cachefile) of the metrics that names the sha256 and size of the TTF beside it,
`<stem>-<index>-<key>.ttf`, which reportlab opens by its path; both are checked when read, and a bad
one is made again. The key covers the source file's identity (realpath, size, mtime_ns), the TTC
index, the exact character set, the fontTools and converter versions, max_err and the cmap remaps,
and for a fallback file the em box of the role face it is set in; any change gives a new file, never
a stale one. Same inputs give byte-identical files, cached or not.

Fallbacks (rare Han): a role's characters its face lacks go down the role's chain of fallback
faces, each limited to its scope (`charsets.SCOPES`). A fallback file holds only the page's
characters that need it and is prepared in the role face's em box and on its em advance
(`prep._em_match`), so everything downstream treats its glyphs as the role face's.
`check_coverage` turns each use into a warning at its place, and a character no face may draw
into the one-line error.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from layout.base import cachefile, digest
from layout.fonts import charsets as fontcharsets, prep as fontprep
from layout.base.errors import InputError
from layout.base.fork import process_pool
from layout.base.resources import data_path
from layout.base.model import Finding

ROLES = (
    "body", "headline", "kicker", "subtitle", "subhead", "sidebar_title",
    "sidebar", "folio", "caption", "byline",
)
DEFAULT_CATALOG = pathlib.Path(data_path("layout.fonts", "catalog.yaml"))  # shipped in the package
MAX_ERR_UNITS = 1.0  # cu2qu tolerance: 1 unit = 0.009 pt at 9 pt, invisible

# First bytes of the font formats reportlab/fontTools can read.
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


@dataclass(frozen=True)
class FontSpec:
    """A role's source face: file, face index in a collection, charset policy, fallback faces.

    Each fallback is (path, index) or (path, index, scope); scope (`charsets.SCOPES`) limits the
    characters the fallback may draw, default all."""

    role: str
    path: str
    index: int = 0
    fallbacks: tuple[tuple[str, int] | tuple[str, int, str], ...] = ()
    charset: str = fontcharsets.DISPLAY


def fallback_parts(fb: tuple) -> tuple[str, int, str]:
    """(path, index, scope) of a FontSpec fallback entry."""
    return fb[0], fb[1], fb[2] if len(fb) > 2 else fontcharsets.ALL


@dataclass(frozen=True)
class Face:
    """Metrics of one prepared face. Lengths in em (multiply by the size in pt).

    For a character the face lacks, `advance_em`/`halt_em` answer for the first fallback that
    covers it (the renderer must then draw it with `face_for(ch)`), and `advance_em` gives the
    .notdef advance when nothing covers it (preflight reports that as a missing glyph).

    A fallback face's prepared file is already set in its primary's ideographic em box (see
    `prep._em_match`): drawn at the primary's size on the primary's baseline, its ideographs fill
    the same em box and advance by the same em. `scope` limits what a fallback may draw.
    """

    role: str
    name: str  # reportlab font name; one per prepared file
    path: str  # the prepared TTF reportlab loads
    source_path: str
    source_index: int
    ascent_em: float = 0.88  # ideographic em box top above the baseline
    descent_em: float = -0.12  # ideographic em box bottom (negative: below the baseline)
    default_advance_em: float = 1.0
    notdef_advance_em: float = 1.0
    key: str = ""
    advances_em: dict[str, float] = field(default_factory=dict, compare=False, repr=False)
    covered: frozenset[str] = field(default_factory=frozenset, compare=False, repr=False)
    halts_em: dict[str, tuple[float, float]] = field(default_factory=dict, compare=False, repr=False)
    fallbacks: tuple[Face, ...] = field(default=(), compare=False, repr=False)
    scope: str = fontcharsets.ALL  # as a fallback: the characters it may draw
    label: str = ""  # the source face's PostScript name, for findings
    em_target: tuple[float, float] | None = None  # the primary em box this file was set in (None: as it is)

    def covers(self, ch: str) -> bool:
        return ch in self.covered

    def draws(self, ch: str) -> bool:
        """As a fallback: has `ch` and may draw it (its scope)."""
        return ch in self.covered and (self.scope == fontcharsets.ALL or fontcharsets.in_scope(ch, self.scope))

    def face_for(self, ch: str) -> Face | None:
        """The face that draws `ch`: this one, else the first fallback that may draw it, else None."""
        if ch in self.covered:
            return self
        for fb in self.fallbacks:
            if fb.draws(ch):
                return fb
        return None

    def advance_em(self, ch: str) -> float:
        if ch in self.covered:
            return self.advances_em.get(ch, self.default_advance_em)
        face = self.face_for(ch)
        return face.advance_em(ch) if face is not None else self.notdef_advance_em

    def halt_em(self, ch: str) -> tuple[float, float] | None:
        """GPOS `halt` (x placement, x advance) in em for `ch`, or None if the font has none."""
        if ch in self.covered:
            return self.halts_em.get(ch)
        face = self.face_for(ch)
        return face.halt_em(ch) if face is not None else None


# ---------------------------------------------------------------- catalog

def _where(origin: str, role: str, key: str = "", marks: Mapping[str, tuple[int, int]] | None = None) -> str:
    """`file:line:col roles.ROLE.KEY` (the line and column of the field, or of its nearest ancestor in
    `marks`, when known)."""
    path = f"roles.{role}{'.' + key if key else ''}"
    probe = path
    while marks and probe:
        if probe in marks:
            line, col = marks[probe]
            return f"{origin}:{line}:{col} {path}"
        cut = max(probe.rfind("."), probe.rfind("["))
        probe = probe[:cut] if cut > 0 else ""
    return f"{origin} {path}"


def _marks(text: str, loader) -> dict[str, tuple[int, int]]:
    """Field path → (line, column) of every value in a catalog's YAML text, for the errors' places."""
    import yaml

    out: dict[str, tuple[int, int]] = {}

    def walk(node, path: str) -> None:
        out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, f"{path}.{key.value}" if path else str(key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, value in enumerate(node.value):
                walk(value, f"{path}[{i}]")

    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return out
    if node is not None:
        walk(node, "")
    return out


def _check_font_file(path: str, index: int, where: str) -> str:
    """Resolve and sanity-check a font path without parsing it; returns the real path."""
    p = pathlib.Path(path).expanduser()
    if not p.is_file():
        raise InputError(f"font file not found: {path}", where,
                         "check the path, or run fc-list; the default catalog's faces are installed by "
                         "tools/setup_system.sh (make setup)")
    try:
        with open(p, "rb") as fh:
            head = fh.read(12)
    except OSError as exc:
        raise InputError(f"cannot read font file {path}: {exc.strerror}", where) from None
    if head[:4] not in _FONT_MAGIC:
        raise InputError(f"not a TrueType/OpenType font: {path}", where,
                         "use a .ttf, .otf, .ttc or .otc file")
    count = int.from_bytes(head[8:12], "big") if head[:4] == b"ttcf" else 1
    if not 0 <= index < count:
        raise InputError(f"face index {index} out of range: {path} holds {count} face(s)", where,
                         "Noto CJK collections: 2 = SC")
    return os.path.realpath(p)


def _parse_ref(value: object, base: pathlib.Path, where: str, checked: dict | None = None) -> tuple[str, int]:
    """A face reference: {path, index} or "path#index" → (real path, index). `checked` remembers the
    files already checked while reading one catalog (every role names the same fallback faces)."""
    if isinstance(value, str):
        path, _, idx = value.partition("#")
        index_value: object = idx or 0
    elif isinstance(value, Mapping) and "path" in value:
        path, index_value = str(value["path"]), value.get("index", 0)
        unknown = set(value) - {"path", "index", "charset", "fallbacks", "scope"}
        if unknown:
            raise InputError(f"unknown key {sorted(unknown)[0]!r}", where, "keys: path, index, charset, fallbacks, scope")
    else:
        raise InputError(f"expected a font path or {{path, index}}, got {value!r}", where)
    try:
        index = int(index_value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"face index must be a whole number, got {index_value!r}", where) from None
    full = pathlib.Path(path).expanduser()
    if not full.is_absolute():
        full = base / full
    if checked is None:
        return _check_font_file(str(full), index, where), index
    key = (str(full), index)
    if key not in checked:
        checked[key] = _check_font_file(str(full), index, where)
    return checked[key], index


def _specs_from_yaml(path: pathlib.Path) -> dict[str, FontSpec]:
    import yaml  # here, not at the top: the press process unpickles Faces and never reads a catalog

    origin = str(path)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=loader)
    except OSError as exc:
        raise InputError(f"cannot read font catalog: {exc.strerror}", origin) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"font catalog is not UTF-8 text (byte {exc.start})", origin, "save it as UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        raise InputError(f"font catalog is not valid YAML: {getattr(exc, 'problem', exc)}", where) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("roles"), Mapping):
        raise InputError("font catalog needs a 'roles:' mapping", origin)
    base = path.resolve().parent
    checked: dict[tuple[str, int], str] = {}
    marks = _marks(text, loader)
    specs = {}
    for role, entry in data["roles"].items():
        if role not in ROLES:
            raise InputError(f"unknown font role {role!r}", _where(origin, str(role), marks=marks),
                             f"known roles: {', '.join(ROLES)}")
        real, index = _parse_ref(entry, base, _where(origin, role, marks=marks), checked)
        charset = entry.get("charset", fontcharsets.DISPLAY) if isinstance(entry, Mapping) else fontcharsets.DISPLAY
        if charset not in fontcharsets.POLICIES:
            raise InputError(f"unknown charset {charset!r}", _where(origin, role, "charset", marks),
                             "use text or display")
        raw_fallbacks = entry.get("fallbacks", []) if isinstance(entry, Mapping) else []
        if not isinstance(raw_fallbacks, list):
            raise InputError("fallbacks must be a list", _where(origin, role, "fallbacks", marks))
        fallbacks = []
        for i, fb in enumerate(raw_fallbacks):
            where = _where(origin, role, f"fallbacks[{i}]", marks)
            fb_real, fb_index = _parse_ref(fb, base, where, checked)
            scope = fb.get("scope", fontcharsets.ALL) if isinstance(fb, Mapping) else fontcharsets.ALL
            if scope not in fontcharsets.SCOPES:
                raise InputError(f"unknown fallback scope {scope!r}", f"{where}.scope",
                                 "use all (any character the face has) or han (CJK ideographs only)")
            fallbacks.append((fb_real, fb_index, scope))
        specs[role] = FontSpec(role, real, index, tuple(fallbacks), charset)
    return specs


def load_catalog(path: str | None = None, overrides: Mapping[str, str] | None = None) -> dict[str, FontSpec]:
    """Role → FontSpec from layout/fonts/catalog.yaml, overlaid by a desk catalog and then by overrides.

    `path`: a desk catalog; it only needs the roles it changes. `overrides`: role →
    "font path" or "font path#index" (e.g. from the command line); charset and fallbacks of
    the role stay. Bad roles, missing files and non-fonts raise InputError (exit code 1).
    """
    specs = _specs_from_yaml(DEFAULT_CATALOG)
    if path is not None:
        specs.update(_specs_from_yaml(pathlib.Path(path)))
    missing = [r for r in ROLES if r not in specs]
    if missing:
        raise InputError(f"font role {missing[0]!r} is not defined", str(DEFAULT_CATALOG))
    for role, value in (overrides or {}).items():
        where = f"font override {role}"
        if role not in ROLES:
            raise InputError(f"unknown font role {role!r}", where, f"known roles: {', '.join(ROLES)}")
        real, index = _parse_ref(str(value), pathlib.Path.cwd(), where)
        specs[role] = replace(specs[role], path=real, index=index)
    return specs


# ---------------------------------------------------------------- cache

def cache_root() -> pathlib.Path:
    """The cache folder (layout.base.digest.cache_root) as a Path."""
    return pathlib.Path(digest.cache_root())


def _fonttools_version() -> str:
    """fontTools' version, for cache keys, without importing fontTools or importlib.metadata
    (either costs ~30 ms on every warm rebuild): read from the package's __init__.py."""
    import importlib.util
    import re

    spec = importlib.util.find_spec("fontTools")
    try:
        with open(spec.origin, encoding="utf-8") as fh:
            found = re.search(r'__version__\s*=\s*"([^"]+)"', fh.read())
    except (OSError, AttributeError, TypeError):
        found = None
    if found:
        return found.group(1)
    from importlib.metadata import version

    return version("fonttools")


def _cache_key(source: str, index: int, chars: str, em_target: EmBox | None = None) -> tuple[str, str]:
    """(the key of a prepared file's cache entry as text, its digest for the file name)."""
    st = os.stat(source)
    ident = {
        "source": source, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "index": index,
        "chars": hashlib.sha256(chars.encode("utf-8")).hexdigest(),
        "fonttools": _FONTTOOLS_VERSION, "converter": fontprep.CONVERTER_VERSION,
        "max_err": MAX_ERR_UNITS, "fullwidth": list(fontprep.FULLWIDTH_CPS), "connect_dash": True,
    }
    if em_target is not None:  # a fallback set in its primary's em box (primaries keep their keys)
        ident["em_target"] = [repr(v) for v in em_target]
    text = json.dumps(ident, sort_keys=True)
    return text, hashlib.sha256(text.encode()).hexdigest()[:20]


_FONTTOOLS_VERSION = _fonttools_version()

Source = tuple[str, int]  # (real path, face index)
EmBox = tuple[float, float]  # ideographic em box (top, bottom) in em
# What one prepared file is made from: a source face, and for a fallback the em box of the primary
# it is set in (None: the face as it is).
Want = tuple[str, int, "EmBox | None"]


@dataclass(frozen=True)
class _Prepared:
    """A prepared font file and its metrics, as read from the cache or just built."""

    source: Source
    key: str
    name: str
    ttf: str
    metrics: dict
    em_target: EmBox | None = None

    @property
    def em_box(self) -> EmBox:
        return self.metrics["ascent_em"], self.metrics["descent_em"]


def _job_for(want: Want, chars: frozenset[str], store: cachefile.Store) -> tuple[str, str, str, fontprep.PrepJob]:
    """(the cache entry's key text, its digest, the reportlab name, the job that makes the file)."""
    path, index, em_target = want
    text = "".join(sorted(chars))
    ident, key = _cache_key(path, index, text, em_target)
    stem = f"{pathlib.Path(path).stem}-{index}-{key[:10]}"
    job = fontprep.PrepJob(path, index, text, store.path(f"{stem}.ttf"), store.path(f"{stem}.json"), MAX_ERR_UNITS,
                           em_target=em_target)
    return ident, key, f"zh-{stem}", job


def _run_jobs(jobs: list[fontprep.PrepJob], workers: int, keep=None) -> list[dict]:
    # Biggest charset first so the long body conversion starts at once on one core.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].chars))
    results: list[dict] = [{}] * len(jobs)
    if keep is not None and len(jobs) == 1:
        # One file to make (a subset grown by an edit, in the watch process). A display subset: here, with
        # its source face and converted glyphs kept (fontprep.convert). A text face's whole base set: in a
        # forked process, so that the watch process does not keep the memory it takes. Many (a cold
        # cache): the pool, as without `keep`.
        if len(jobs[0].chars) <= fontprep.KEEP_MAX_CHARS:
            results[0] = fontprep.convert(jobs[0], keep)
        else:
            from layout.base.fork import ForkedCall

            results[0] = ForkedCall(fontprep.convert, jobs[0]).result()
    elif workers > 1 and len(jobs) > 1 and (pool := process_pool(min(workers, len(jobs)))) is not None:
        with pool:
            for i, res in zip(order, pool.map(fontprep.convert, [jobs[i] for i in order])):
                results[i] = res
    else:
        for i in order:
            results[i] = fontprep.convert(jobs[i])
    return results


_NUMBERS = ("ascent_em", "descent_em", "default_advance_em", "notdef_advance_em", "units_per_em")


def _metrics(content: bytes) -> dict | None:
    """A prepared file's metrics from its cache entry, if they have every field a Face reads, of its type."""
    m = json.loads(content)
    ok = (isinstance(m, dict) and all(_number(m.get(k)) for k in _NUMBERS)
          and isinstance(m.get("covered"), str) and isinstance(m.get("missing"), str)
          and isinstance(m.get("postscript_name"), str)
          and isinstance(m.get("advances_em"), dict) and all(_number(v) for v in m["advances_em"].values())
          and isinstance(m.get("halts_em"), dict)
          and all(isinstance(v, list) and len(v) == 2 and all(map(_number, v)) for v in m["halts_em"].values())
          and isinstance(m.get("ttf_sha256"), str) and isinstance(m.get("ttf_size"), int))
    return m if ok else None


def _number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) != float("inf")


def _materialise(groups: Mapping[Want, frozenset[str]], store: cachefile.Store, workers: int,
                 keep=None) -> dict[Want, _Prepared]:
    """Prepared file per (source face, em target): from the cache if there and sound (the metrics entry
    verified, the TTF holding the bytes it names), else built (in parallel) and kept."""
    out: dict[Want, _Prepared] = {}
    todo: list[tuple[Want, str, str, str, fontprep.PrepJob]] = []
    for want, chars in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or ())):
        ident, key, name, job = _job_for(want, chars, store)
        entry, ttf = os.path.basename(job.out_json), os.path.basename(job.out_ttf)
        metrics = store.get(entry, ident, _metrics)
        if metrics is not None and store.check_file(ttf, metrics["ttf_sha256"], metrics["ttf_size"]):
            out[want] = _Prepared(want[:2], key, name, job.out_ttf, metrics, want[2])
            continue
        todo.append((want, ident, key, name, job))
    if todo:
        store.ready()  # the folder before the conversion (seconds, cold): a cache that cannot be written says so now
        results = _run_jobs([t[4] for t in todo], workers, keep)
        for (want, ident, key, name, job), made in zip(todo, results):
            if "error" in made:
                raise InputError(made["error"], f"{want[0]}#{want[1]}",
                                 "the file is damaged or not a font fontTools can read")
            data = made["ttf"]
            metrics = dict(made["metrics"], ttf_sha256=hashlib.sha256(data).hexdigest(), ttf_size=len(data))
            ttf = os.path.basename(job.out_ttf)
            path = store.put_file(ttf, data)  # in the cache, or a temporary folder when it cannot be written
            if path == job.out_ttf:  # the metrics entry last: it names the TTF's bytes
                store.put(os.path.basename(job.out_json), ident,
                          json.dumps(metrics, ensure_ascii=False, sort_keys=True).encode("utf-8"))
            out[want] = _Prepared(want[:2], key, name, path, metrics, want[2])
    return out


def _face(role: str, prep: _Prepared, fallbacks: tuple[Face, ...] = (), scope: str = fontcharsets.ALL) -> Face:
    m = prep.metrics
    return Face(
        role=role, name=prep.name, path=prep.ttf, source_path=prep.source[0], source_index=prep.source[1],
        ascent_em=m["ascent_em"], descent_em=m["descent_em"],
        default_advance_em=m["default_advance_em"], notdef_advance_em=m["notdef_advance_em"], key=prep.key,
        advances_em=m["advances_em"], covered=frozenset(m["covered"]),
        halts_em={ch: (v[0], v[1]) for ch, v in m["halts_em"].items()}, fallbacks=fallbacks,
        scope=scope, label=m.get("postscript_name", ""), em_target=prep.em_target,
    )


def _same_box(a: EmBox, b: EmBox) -> bool:
    return abs(a[0] - b[0]) < 1e-9 and abs(a[1] - b[1]) < 1e-9


def prepare_faces(specs: Mapping[str, FontSpec], chars_by_role: Mapping[str, str],
                  cache_dir: str | None = None, jobs: int = 2, keep=None) -> dict[str, Face]:
    """Role → prepared Face, converting and caching as needed.

    Roles with the same source face share one prepared file (the union of their charsets)
    and one reportlab name. Characters a role's face lacks go to its fallbacks in order, each
    fallback taking only those in its scope; each fallback file holds only those characters
    (like a display charset: per document, cached), set in the em box of the role's face, unless
    a file already prepared from the same source answers for them in that em box. A fallback that
    draws none of them is left out of the chain. `cache_dir` is the cache root (fonts go in its `v2/fonts/`).
    `keep` (the watch process's `layout.base.memo.Memos`): files to prepare are prepared in this process with
    their source faces and converted glyphs kept (`prep.convert`), so a subset that grows by a character
    converts that character only; the files are the same bytes.
    """
    store = cachefile.Store(cache_dir or str(cache_root()), "fonts")
    groups: dict[Want, frozenset[str]] = {}
    for role, spec in specs.items():
        if spec.charset not in fontcharsets.POLICIES:
            raise InputError(f"unknown charset {spec.charset!r}", f"font role {role}", "use text or display")
        want = (os.path.realpath(spec.path), spec.index, None)
        groups[want] = groups.get(want, frozenset()) | fontcharsets.charset_for(spec.charset, chars_by_role.get(role, ""))
    built_primaries = _materialise(groups, store, jobs, keep)
    primaries = {role: built_primaries[(os.path.realpath(spec.path), spec.index, None)] for role, spec in specs.items()}
    prepared = list(built_primaries.values())

    chains: dict[str, list[tuple[_Prepared, str]]] = {role: [] for role in specs}
    pending = {role: fontcharsets.drawable(chars_by_role.get(role, "")) - set(primaries[role].metrics["covered"])
               for role in specs}
    depth = max((len(s.fallbacks) for s in specs.values()), default=0)
    for level in range(depth):
        asked: dict[str, tuple[Want, frozenset[str], str]] = {}
        wanted: dict[Want, frozenset[str]] = {}
        for role, chars in pending.items():
            fbs = specs[role].fallbacks
            if not chars or level >= len(fbs):
                continue
            path, index, scope = fallback_parts(fbs[level])
            src = (os.path.realpath(path), index)
            if src == primaries[role].source:
                continue  # the safety-net entry: nothing new to try
            mine = frozenset(ch for ch in chars if fontcharsets.in_scope(ch, scope))
            if mine:
                want = (src[0], src[1], primaries[role].em_box)
                asked[role] = (want, mine, scope)
                wanted[want] = wanted.get(want, frozenset()) | mine
        reuse: dict[Want, _Prepared] = {}
        for want, chars in list(wanted.items()):
            # A file from this source, in this em box (or a file of the face as it is, when its own em
            # box is this one), that was already asked for these chars answers for them, whether it has
            # them or knows the source lacks them.
            done = next((p for p in prepared if p.source == want[:2]
                         and (p.em_target == want[2] or (p.em_target is None and _same_box(p.em_box, want[2])))
                         and chars <= set(p.metrics["covered"]) | set(p.metrics["missing"])), None)
            if done is not None:
                reuse[want] = done
                del wanted[want]
        built = _materialise(wanted, store, jobs, keep)
        prepared.extend(built.values())
        by_want = {**reuse, **built}
        for role, (want, mine, scope) in asked.items():
            prep = by_want[want]
            got = mine & set(prep.metrics["covered"])
            if got:
                chains[role].append((prep, scope))
                pending[role] = pending[role] - got

    faces = {}
    for role in specs:
        fallbacks = tuple(_face(f"{role}/fallback{i + 1}", p, scope=scope) for i, (p, scope) in enumerate(chains[role]))
        faces[role] = _face(role, primaries[role], fallbacks)
    return faces


def coverage(faces: Mapping[str, Face], chars_by_role: Mapping[str, str]) -> list[tuple[str, str, Face | None]]:
    """(role, char, fallback face or None) for every char a role's own face cannot draw.

    None means no face draws it: the page would show .notdef (tofu); preflight makes that an error.
    """
    out = []
    for role in sorted(chars_by_role):
        face = faces[role]
        for ch in sorted(fontcharsets.drawable(chars_by_role[role])):
            if not face.covers(ch):
                out.append((role, ch, face.face_for(ch)))
    return out


Places = Callable[[str, set[str]], list[tuple[str, str]]]


def check_coverage(faces: Mapping[str, Face], chars_by_role: Mapping[str, str], places: Places) -> list[Finding]:
    """A warning for every use of a fallback face, at its place; an InputError for characters no face
    of their role can draw, at the first place of one of them.

    `places(role, chars)` gives (char, place in the page file) for every occurrence of `chars` in the
    texts `role` draws, in reading order (the pipeline passes `layout.source.texts.places`; this
    stage does not read pages). The desk decides about each fallback glyph; none is silent."""
    missing: dict[str, list[str]] = {}
    used: dict[str, dict[str, Face]] = {}
    for role, ch, fallback in coverage(faces, chars_by_role):
        if fallback is None:
            missing.setdefault(role, []).append(ch)
        else:
            used.setdefault(role, {})[ch] = fallback
    if missing:
        role, chs = next(iter(missing.items()))
        listing = " ".join(f"{c} U+{ord(c):04X}" for c in sorted(set(chs)))
        found = places(role, set(chs))
        raise InputError(f"no font of role {role!r} can draw: {listing}", found[0][1] if found else f"font role {role}",
                         "replace the characters, or add a fallback face for the role in the font catalog")
    findings = []
    for role, by_char in used.items():
        found = places(role, set(by_char)) or [(ch, f"font role {role}") for ch in sorted(by_char)]
        for ch, where in found:
            fb = by_char[ch]
            findings.append(Finding("warning", "fallback-glyph",
                                    f"{ch} U+{ord(ch):04X} is drawn from the fallback face {fb.label or fb.name} "
                                    f"({os.path.basename(fb.source_path)}) in the {role} text", where))
    return findings


def _utf16_hex(match) -> str:
    cp = int(match.group(1), 16)
    v = cp - 0x10000
    return f"<{0xD800 + (v >> 10):04X}{0xDC00 + (v & 0x3FF):04X}>"


def _tounicode_utf16(make):
    """reportlab's ToUnicode CMap writer with destinations beyond the BMP as UTF-16BE surrogate pairs.

    reportlab 5.1 writes a bfchar destination as `<%04X>`, which for U+20000 gives the 5-digit
    `<20000>`: not UTF-16BE, so readers extract the wrong text or none (PDF 32000 §9.10.3). The
    source codes are one byte (`<HH>`), so any 5- or 6-digit hex string is such a destination; BMP
    output is unchanged byte for byte."""
    import re

    pattern = re.compile(r"<([0-9A-F]{5,6})>")

    def make_tounicode(fontname, subset):
        return pattern.sub(_utf16_hex, make(fontname, subset))

    make_tounicode.zhpaper_utf16 = True
    return make_tounicode


def _fix_trailing_advances(face) -> None:
    """Correct reportlab 5.1's advances for the glyphs past hhea.numberOfHMetrics.

    `TTFontFile.extractInfo` fills `hmetrics` for those glyphs with the last advance after scaling it
    to 1/1000 em, not in font units; with unitsPerEm ≠ 1000 (HanaMin and BabelStone Han have 1024)
    its subsets then embed advances that disagree with the PDF's /Widths (PDF/A-2 6.2.11.5). The
    widths reportlab measures with (`charWidths`) are right; only the embedded hmtx is wrong."""
    import struct

    if face.unitsPerEm == 1000:
        return
    n = struct.unpack(">H", face.get_table("hhea")[34:36])[0]
    if 0 < n < len(face.hmetrics):
        advance = face.hmetrics[n - 1][0]
        face.hmetrics[n:] = [(advance, lsb) for _, lsb in face.hmetrics[n:]]


def register_faces(faces: Mapping[str, Face]) -> None:
    """Register a reportlab TTFont for every face and fallback (once per name)."""
    from reportlab.pdfbase import pdfmetrics, ttfonts
    from reportlab.pdfbase.ttfonts import TTFont

    if not getattr(ttfonts.makeToUnicodeCMap, "zhpaper_utf16", False):
        ttfonts.makeToUnicodeCMap = _tounicode_utf16(ttfonts.makeToUnicodeCMap)  # rare Han: planes 2 and 3
    registered = set(pdfmetrics.getRegisteredFontNames())
    stack = list(faces.values())
    while stack:
        face = stack.pop()
        stack.extend(face.fallbacks)
        if face.name not in registered:
            font = TTFont(face.name, face.path)
            _fix_trailing_advances(font.face)
            # reportlab makes a font an alias of any earlier one with the same PostScript name
            # (pdfmetrics.registerFont), and every subset keeps its source's name: a second page
            # in one process would draw new characters from the first page's subset (.notdef).
            # A suffix from the subset's own characters makes the name unique and reproducible.
            # A fallback set in another em box is another font: its box goes into the suffix too.
            ident = "".join(sorted(face.covered)) + (repr(face.em_target) if face.em_target is not None else "")
            tag = hashlib.sha256(ident.encode()).hexdigest()[:6].upper()
            font.face.name = font.face.name + b"-" + tag.encode("ascii")  # reportlab keeps it as bytes
            pdfmetrics.registerFont(font)
            registered.add(face.name)
