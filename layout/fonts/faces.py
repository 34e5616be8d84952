"""Fonts: the role catalog, prepared (cached) faces and their metrics, reportlab registration.

The only module (with its helper `layout.fonts.prep`) that opens font files. The pipeline sees
`Face` objects: plain, picklable metrics answered by dict lookups, built from a small JSON
written next to each prepared TTF, so that a warm run never parses a font with fontTools.

Cache layout: `cache_root()/fonts/<stem>-<index>-<key>.ttf` + `.json`. The key covers the
source file's identity (realpath, size, mtime_ns), the TTC index, the exact character set,
the fontTools and converter versions, max_err and the cmap remaps; any change gives a new
file, never a stale one. Same inputs give byte-identical files, cached or not.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from layout import digest
from layout.fonts import charsets as fontcharsets, prep as fontprep
from layout.errors import InputError
from layout.model import Finding

ROLES = (
    "body", "headline", "kicker", "subtitle", "subhead", "sidebar_title",
    "sidebar", "folio", "caption", "byline",
)
DEFAULT_CATALOG = pathlib.Path(__file__).resolve().parents[2] / "fonts" / "catalog.yaml"
MAX_ERR_UNITS = 1.0  # cu2qu tolerance: 1 unit = 0.009 pt at 9 pt, invisible

# First bytes of the font formats reportlab/fontTools can read.
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf")


@dataclass(frozen=True)
class FontSpec:
    """A role's source face: file, face index in a collection, charset policy, fallback faces."""

    role: str
    path: str
    index: int = 0
    fallbacks: tuple[tuple[str, int], ...] = ()
    charset: str = fontcharsets.DISPLAY


@dataclass(frozen=True)
class Face:
    """Metrics of one prepared face. Lengths in em (multiply by the size in pt).

    For a character the face lacks, `advance_em`/`halt_em` answer for the first fallback that
    covers it (the renderer must then draw it with `face_for(ch)`), and `advance_em` gives the
    .notdef advance when nothing covers it (preflight reports that as a missing glyph).
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

    def covers(self, ch: str) -> bool:
        return ch in self.covered

    def face_for(self, ch: str) -> Face | None:
        """The face that draws `ch`: this one, else the first fallback that has it, else None."""
        if ch in self.covered:
            return self
        for fb in self.fallbacks:
            if ch in fb.covered:
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

def _where(origin: str, role: str, key: str = "") -> str:
    return f"{origin} roles.{role}{'.' + key if key else ''}"


def _check_font_file(path: str, index: int, where: str) -> str:
    """Resolve and sanity-check a font path without parsing it; returns the real path."""
    p = pathlib.Path(path).expanduser()
    if not p.is_file():
        raise InputError(f"font file not found: {path}", where, "check the path, or run fc-list")
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


def _parse_ref(value: object, base: pathlib.Path, where: str) -> tuple[str, int]:
    """A face reference: {path, index} or "path#index" → (real path, index)."""
    if isinstance(value, str):
        path, _, idx = value.partition("#")
        index_value: object = idx or 0
    elif isinstance(value, Mapping) and "path" in value:
        path, index_value = str(value["path"]), value.get("index", 0)
        unknown = set(value) - {"path", "index", "charset", "fallbacks"}
        if unknown:
            raise InputError(f"unknown key {sorted(unknown)[0]!r}", where, "keys: path, index, charset, fallbacks")
    else:
        raise InputError(f"expected a font path or {{path, index}}, got {value!r}", where)
    try:
        index = int(index_value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(f"face index must be a whole number, got {index_value!r}", where) from None
    full = pathlib.Path(path).expanduser()
    if not full.is_absolute():
        full = base / full
    return _check_font_file(str(full), index, where), index


def _specs_from_yaml(path: pathlib.Path) -> dict[str, FontSpec]:
    import yaml  # here, not at the top: the press process unpickles Faces and never reads a catalog

    origin = str(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except OSError as exc:
        raise InputError(f"cannot read font catalog: {exc.strerror}", origin) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{origin}:{mark.line + 1}:{mark.column + 1}" if mark else origin
        raise InputError(f"font catalog is not valid YAML: {getattr(exc, 'problem', exc)}", where) from None
    if not isinstance(data, Mapping) or not isinstance(data.get("roles"), Mapping):
        raise InputError("font catalog needs a 'roles:' mapping", origin)
    base = path.resolve().parent
    specs = {}
    for role, entry in data["roles"].items():
        if role not in ROLES:
            raise InputError(f"unknown font role {role!r}", _where(origin, str(role)),
                             f"known roles: {', '.join(ROLES)}")
        real, index = _parse_ref(entry, base, _where(origin, role))
        charset = entry.get("charset", fontcharsets.DISPLAY) if isinstance(entry, Mapping) else fontcharsets.DISPLAY
        if charset not in fontcharsets.POLICIES:
            raise InputError(f"unknown charset {charset!r}", _where(origin, role, "charset"),
                             "use text or display")
        raw_fallbacks = entry.get("fallbacks", []) if isinstance(entry, Mapping) else []
        if not isinstance(raw_fallbacks, list):
            raise InputError("fallbacks must be a list", _where(origin, role, "fallbacks"))
        fallbacks = tuple(_parse_ref(fb, base, _where(origin, role, f"fallbacks[{i}]"))
                          for i, fb in enumerate(raw_fallbacks))
        specs[role] = FontSpec(role, real, index, fallbacks, charset)
    return specs


def load_catalog(path: str | None = None, overrides: Mapping[str, str] | None = None) -> dict[str, FontSpec]:
    """Role → FontSpec from fonts/catalog.yaml, overlaid by a desk catalog and then by overrides.

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
    """The cache folder (layout.digest.cache_root) as a Path."""
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


def _cache_key(source: str, index: int, chars: str) -> str:
    st = os.stat(source)
    ident = {
        "source": source, "size": st.st_size, "mtime_ns": st.st_mtime_ns, "index": index,
        "chars": hashlib.sha256(chars.encode("utf-8")).hexdigest(),
        "fonttools": _FONTTOOLS_VERSION, "converter": fontprep.CONVERTER_VERSION,
        "max_err": MAX_ERR_UNITS, "fullwidth": list(fontprep.FULLWIDTH_CPS), "connect_dash": True,
    }
    return hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:20]


_FONTTOOLS_VERSION = _fonttools_version()

Source = tuple[str, int]  # (real path, face index)


@dataclass(frozen=True)
class _Prepared:
    """A prepared font file and its metrics, as read from the cache or just built."""

    source: Source
    key: str
    name: str
    ttf: str
    metrics: dict


def _job_for(source: Source, chars: frozenset[str], folder: pathlib.Path) -> tuple[str, str, fontprep.PrepJob]:
    text = "".join(sorted(chars))
    key = _cache_key(source[0], source[1], text)
    stem = f"{pathlib.Path(source[0]).stem}-{source[1]}-{key[:10]}"
    job = fontprep.PrepJob(source[0], source[1], text, str(folder / f"{stem}.ttf"),
                           str(folder / f"{stem}.json"), MAX_ERR_UNITS)
    return key, f"zh-{stem}", job


def _run_jobs(jobs: list[fontprep.PrepJob], workers: int) -> list[dict]:
    # Biggest charset first so the long body conversion starts at once on one core.
    order = sorted(range(len(jobs)), key=lambda i: -len(jobs[i].chars))
    results: list[dict] = [{}] * len(jobs)
    if workers > 1 and len(jobs) > 1:
        from concurrent.futures import ProcessPoolExecutor  # only a cold build needs it

        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            for i, res in zip(order, pool.map(fontprep.build, [jobs[i] for i in order])):
                results[i] = res
    else:
        for i in order:
            results[i] = fontprep.build(jobs[i])
    return results


def _materialise(groups: Mapping[Source, frozenset[str]], folder: pathlib.Path, workers: int) -> dict[Source, _Prepared]:
    """Prepared file per source face: from the cache if there, else built (in parallel)."""
    out: dict[Source, _Prepared] = {}
    todo: list[tuple[Source, str, str, fontprep.PrepJob]] = []
    for source, chars in sorted(groups.items()):
        key, name, job = _job_for(source, chars, folder)
        try:
            with open(job.out_json, "rb") as fh:
                metrics = json.load(fh)
            if os.path.isfile(job.out_ttf):
                out[source] = _Prepared(source, key, name, job.out_ttf, metrics)
                continue
        except (OSError, ValueError):
            pass  # absent or half-written: rebuild
        todo.append((source, key, name, job))
    if todo:
        folder.mkdir(parents=True, exist_ok=True)
        results = _run_jobs([t[3] for t in todo], workers)
        for (source, key, name, job), metrics in zip(todo, results):
            if "error" in metrics:
                raise InputError(metrics["error"], f"{source[0]}#{source[1]}",
                                 "the file is damaged or not a font fontTools can read")
            out[source] = _Prepared(source, key, name, job.out_ttf, metrics)
    return out


def _face(role: str, prep: _Prepared, fallbacks: tuple[Face, ...] = ()) -> Face:
    m = prep.metrics
    return Face(
        role=role, name=prep.name, path=prep.ttf, source_path=prep.source[0], source_index=prep.source[1],
        ascent_em=m["ascent_em"], descent_em=m["descent_em"],
        default_advance_em=m["default_advance_em"], notdef_advance_em=m["notdef_advance_em"], key=prep.key,
        advances_em=m["advances_em"], covered=frozenset(m["covered"]),
        halts_em={ch: (v[0], v[1]) for ch, v in m["halts_em"].items()}, fallbacks=fallbacks,
    )


def prepare_faces(specs: Mapping[str, FontSpec], chars_by_role: Mapping[str, str],
                  cache_dir: str | None = None, jobs: int = 2) -> dict[str, Face]:
    """Role → prepared Face, converting and caching as needed.

    Roles with the same source face share one prepared file (the union of their charsets)
    and one reportlab name. Characters a role's face lacks go to its fallbacks in order; each
    fallback file holds only those characters, unless a file already prepared from the same
    source covers them. `cache_dir` is the cache root (fonts go in its `fonts/`).
    """
    folder = (pathlib.Path(cache_dir) if cache_dir else cache_root()) / "fonts"
    groups: dict[Source, frozenset[str]] = {}
    for role, spec in specs.items():
        if spec.charset not in fontcharsets.POLICIES:
            raise InputError(f"unknown charset {spec.charset!r}", f"font role {role}", "use text or display")
        src = (os.path.realpath(spec.path), spec.index)
        groups[src] = groups.get(src, frozenset()) | fontcharsets.charset_for(spec.charset, chars_by_role.get(role, ""))
    prepared = list(_materialise(groups, folder, jobs).values())

    def primary(role: str) -> _Prepared:
        src = (os.path.realpath(specs[role].path), specs[role].index)
        return next(p for p in prepared if p.source == src)

    chains: dict[str, list[_Prepared]] = {role: [] for role in specs}
    pending = {role: fontcharsets.drawable(chars_by_role.get(role, "")) - set(primary(role).metrics["covered"])
               for role in specs}
    depth = max((len(s.fallbacks) for s in specs.values()), default=0)
    for level in range(depth):
        wanted: dict[Source, frozenset[str]] = {}
        for role, chars in pending.items():
            fbs = specs[role].fallbacks
            if chars and level < len(fbs):
                src = (os.path.realpath(fbs[level][0]), fbs[level][1])
                if src != primary(role).source:  # the safety-net entry: nothing new to try
                    wanted[src] = wanted.get(src, frozenset()) | chars
        reuse: dict[Source, _Prepared] = {}
        for src, chars in list(wanted.items()):
            # A file from this source that was already asked for these chars answers for them,
            # whether it has them or knows the source lacks them.
            done = next((p for p in prepared if p.source == src
                         and chars <= set(p.metrics["covered"]) | set(p.metrics["missing"])), None)
            if done is not None:
                reuse[src] = done
                del wanted[src]
        built = _materialise(wanted, folder, jobs)
        prepared.extend(built.values())
        by_source = {**reuse, **built}
        for role, chars in pending.items():
            fbs = specs[role].fallbacks
            if chars and level < len(fbs):
                src = (os.path.realpath(fbs[level][0]), fbs[level][1])
                if src in by_source:
                    prep = by_source[src]
                    chains[role].append(prep)
                    pending[role] = chars - set(prep.metrics["covered"])

    faces = {}
    for role in specs:
        fallbacks = tuple(_face(f"{role}/fallback{i + 1}", p) for i, p in enumerate(chains[role]))
        faces[role] = _face(role, primary(role), fallbacks)
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


def check_coverage(faces: Mapping[str, Face], chars_by_role: Mapping[str, str],
                   locate: Callable[[list[str]], str]) -> list[Finding]:
    """A warning for every character a fallback face draws; an InputError, located by `locate`
    (characters → place in the page file), for characters no face of their role can draw."""
    findings, missing = [], {}
    for role, ch, fallback in coverage(faces, chars_by_role):
        if fallback is None:
            missing.setdefault(role, []).append(ch)
        else:
            findings.append(Finding("warning", "fallback-glyph", f"{ch!r} (U+{ord(ch):04X}) is drawn by the fallback "
                                    f"face {os.path.basename(fallback.source_path)}", role))
    if missing:
        role, chs = next(iter(missing.items()))
        listing = " ".join(f"{c} U+{ord(c):04X}" for c in sorted(set(chs)))
        raise InputError(f"no font of role {role!r} can draw: {listing}", locate(chs),
                         "replace the characters, or add a fallback face for the role in the font catalog")
    return findings


def register_faces(faces: Mapping[str, Face]) -> None:
    """Register a reportlab TTFont for every face and fallback (once per name)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    stack = list(faces.values())
    while stack:
        face = stack.pop()
        stack.extend(face.fallbacks)
        if face.name not in registered:
            font = TTFont(face.name, face.path)
            # reportlab makes a font an alias of any earlier one with the same PostScript name
            # (pdfmetrics.registerFont), and every subset keeps its source's name: a second page
            # in one process would draw new characters from the first page's subset (.notdef).
            # A suffix from the subset's own characters makes the name unique and reproducible.
            tag = hashlib.sha256("".join(sorted(face.covered)).encode()).hexdigest()[:6].upper()
            font.face.name = font.face.name + b"-" + tag.encode("ascii")  # reportlab keeps it as bytes
            pdfmetrics.registerFont(font)
            registered.add(face.name)
