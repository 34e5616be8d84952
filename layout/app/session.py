"""The watch process's incremental builds: what one build of a page leaves for the next.

    session = Session()
    build(path, opts, session=session)     # the first build: everything made and kept
    build(path, opts, session=session)     # after an edit: only what the edit changed is made again

Everything is kept by the content it was made from, never by a time, and each kind of result in
its own bounded table (`layout.base.memo`), so a long evening of edits stays within its memory:

| what | kept by | where |
|---|---|---|
| the loaded page (parsed, validated, normalised) | the page file's bytes (and the photo files still there) | `load_inputs` here |
| the template | its file's bytes | `load_inputs` here |
| the font catalog | the catalog files' bytes and the font files' sizes and times, as the font cache keys them | `prepare_fonts` here |
| the prepared faces | the catalog, each role's characters, the cache folder | `prepare_fonts` here |
| an open CFF source face, a glyph converted to TrueType | the font file's path, index, size and time; the glyph, its transform and tolerance | `layout.fonts.prep.convert` (a subset grown by a character converts that character) |
| a paragraph set at a measure, a subhead, a caption at a span, the sidebar, the headline band | text, face, size, measure, options | `layout.compose.story` (`Kit.memo`) |
| the arrangement survey (plans and levers) | the arrangement problem without the paragraphs' line counts | `layout.compose.story._survey` |
| the arrangement search | the whole arrangement problem | `layout.compose.story._search` |
| a font subset's program | the font and the ordered characters of the subset | `layout.output.render` |
| a compressed stream | its uncompressed bytes | `layout.output.render` |
| a line's text object | the glyph run and the codes and subset names the document gave its characters | `layout.output.render` |
| a photo's proof proxy | the JPEG's bytes and the proxy's size | `layout.output.proof` |

Prepared photos and converted font files are kept on disk as before (their own caches). A kept
result is the very one a fresh computation gives: the watch process writes the bytes a cold build
of the same input writes (tests/test_editloop.py builds a series of edits both ways and compares).
"""

from __future__ import annotations

import os

from layout.base.errors import InputError
from layout.base.memo import Memos

# (items, bytes) per table: enough for a page of several stories and an evening of edits, and a
# bound on what they hold (tests/test_editloop.py makes many edits and checks the tables stay inside).
BOUNDS: dict[str, tuple[int, int | None]] = {
    "page": (4, None),
    "template": (4, None),
    "catalog": (4, None),
    "faces": (4, None),
    "paragraph": (3000, None),
    "subhead": (400, None),
    "caption": (800, None),
    "sidebar": (40, None),
    "headline": (40, None),
    "survey": (16, None),
    "search": (64, None),
    "subset": (400, 96 << 20),
    "flate": (400, 96 << 20),
    "proxy": (200, 32 << 20),
    "run": (6000, 16 << 20),
    "font-source": (1, None),  # an open CJK face is 60–75 MiB: the last one a subset was cut from
    "glyph": (3000, None),
}


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


class Session:
    """What the watch process keeps between the builds of its page (layout.pipeline.Incremental)."""

    def __init__(self, bounds: dict[str, tuple[int, int | None]] | None = None, worker: bool = True):
        self.memo = Memos({**BOUNDS, **(bounds or {})})
        # The archive copy of each build is finished here, once the proof is out (layout.output.press).
        # Forked now, while this process is small and has no threads (a fork per build would copy a
        # grown one).
        self.worker = None
        if worker and hasattr(os, "fork"):
            from layout.base.fork import Worker

            self.worker = Worker()

    def warm_up(self, opts) -> None:
        """What the first photo edit would otherwise pay (≈ 0.15 s): Pillow's codecs and colour
        management, numpy, the sRGB → output profile transform. For the idle time after a build; only
        a head start, so any problem is left for a build to report."""
        try:
            import numpy  # noqa: F401
            from PIL import Image, ImageCms, ImageOps, JpegImagePlugin  # noqa: F401

            from layout.photo import colour

            profile = colour.read_profile(opts.icc or colour.DEFAULT_PROFILE)
            if colour.check_output_profile(profile) is None:
                colour.warm_up(profile)
        except Exception:
            pass

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
            self.worker = None

    # ------------------------------------------------------------ inputs

    def load_inputs(self, page_path: str, opts):
        """layout.pipeline.load_inputs, kept by the page file's bytes and the template's."""
        from layout.pipeline import load_inputs
        from layout.source.load import load_page
        from layout.source.template import load_template, resolve_template_path

        if getattr(opts, "edition", None) is not None:
            return load_inputs(page_path, opts)  # a page of an edition (the desk's): its slots are not keyed here

        data = _read(page_path)
        page = findings = None
        key = (os.path.abspath(page_path), page_path, data)
        if data is not None:
            got = self.memo["page"].get(key)
            if got is not None and self._still_there(got[0]):
                page, findings = got
        if page is None:
            try:
                page, findings = load_page(page_path)
            except BaseException:
                self.memo["page"].clear()
                raise
            if data is not None and _read(page_path) == data and self._single_file(page):
                self.memo["page"].put(key, (page, findings))
        try:
            tpath = resolve_template_path(page.template, page.base_dir, page.place("template"))
        except InputError:  # (only the input's mistake: a bug here must not pass for one)
            return load_inputs(page_path, opts)  # the one-line error, as a fresh build gives it
        tdata = _read(tpath)
        if tdata is None:
            return load_inputs(page_path, opts)
        template = self.memo["template"].call((page.template, page.base_dir, tpath, tdata),
                                              lambda: load_template(page.template, page.base_dir,
                                                                    page.place("template")))
        return page, findings, template

    @staticmethod
    def _single_file(page) -> bool:
        """A page whose stories are all in its own file (a story file's edits are not keyed here)."""
        return all(getattr(s, "source_file", page.source_file) in (page.source_file, None) for s in page.stories)

    @staticmethod
    def _still_there(page) -> bool:
        """The photo files a kept page names are still there and readable (what loading checks)."""
        for s in page.stories:
            for p in getattr(s, "photos", ()):
                path = os.path.join(s.base_dir, p.file)
                try:
                    if not os.path.isfile(path) or os.path.getsize(path) == 0 or not os.access(path, os.R_OK):
                        return False
                except OSError:
                    return False
        for r in page.reserved:
            if r.file:
                path = os.path.join(page.base_dir, r.file)
                if not os.path.isfile(path) or not os.access(path, os.R_OK) or os.path.getsize(path) == 0:
                    return False
        return True

    # ------------------------------------------------------------ fonts

    def _catalog(self, opts):
        """load_catalog(opts.fonts), kept by the catalogs' bytes; None when a font file it names is gone
        or changed since (then loading again gives the one-line error, or the new identity)."""
        from layout.fonts.faces import DEFAULT_CATALOG, fallback_parts, load_catalog

        paths = [str(DEFAULT_CATALOG)] + ([opts.fonts] if opts.fonts else [])
        contents = tuple(_read(p) for p in paths)
        if any(c is None for c in contents):
            return load_catalog(opts.fonts), ()
        key = (tuple(os.path.abspath(p) for p in paths), contents)
        specs = self.memo["catalog"].call(key, lambda: load_catalog(opts.fonts))
        stamps = []
        for spec in specs.values():
            for path in [spec.path] + [fallback_parts(fb)[0] for fb in spec.fallbacks]:
                try:
                    st = os.stat(path)
                except OSError:
                    self.memo["catalog"].clear()
                    return load_catalog(opts.fonts), ()  # raises the one-line error
                stamps.append((path, st.st_size, st.st_mtime_ns))
        return specs, tuple(stamps)

    def prepare_fonts(self, page, opts):
        """layout.pipeline.prepare_fonts with the catalog and the prepared faces kept (the faces by the
        catalog, the font files' identities as the font cache keys them, and each role's characters)."""
        from layout.base.digest import cache_root
        from layout.fonts.faces import check_coverage, prepare_faces
        from layout.source.texts import chars_by_role, places

        chars = chars_by_role(page)
        specs, stamps = self._catalog(opts)
        # prepare_faces reads each role's characters as a set: an edit that brings no new character
        # keeps the faces.
        charsets = tuple(sorted((role, "".join(sorted(set(text)))) for role, text in chars.items()))
        key = (tuple(sorted(specs.items())), stamps, charsets, opts.cache_dir or cache_root())
        faces = self.memo["faces"].call(key, lambda: prepare_faces(specs, chars, cache_dir=opts.cache_dir,
                                                                   jobs=opts.jobs, keep=self.memo))
        return faces, check_coverage(faces, chars, lambda role, wanted: places(page, role, wanted))
