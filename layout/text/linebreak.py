"""Paragraph → justified lines of positioned glyphs (total-fit breaking over font metrics).

The public face of layout.text: the records (ComposeOptions, Line, PlacedGlyph, TextFinding,
ParagraphSetting, the Metrics protocol a face provides), compose_paragraph and set_line. The work
is done, all in em until the last step, by
  prepare.py  per-character arrays (class, advance, removable punctuation blanks, adjacent-mark
              compression, Han–Latin gaps, shrink and stretch, break kinds) and their prefix sums,
              with the corrections a line's two edges make, so a candidate line is measured in O(1);
  fit.py      total-fit breaking (a Knuth–Plass style forward dynamic programme) with a ladder of
              tolerances and a first-fit fallback;
  setting.py  each chosen line set to the measure: reduction in clreq's order (push-in) or
              expansion (push-out), then its glyphs' x positions and advances in pt;
and the rules themselves (classes, 避头尾, unbreakable units, compression, 孤字) are tables in cjk.py.

Decisions (see docs/typography.md §2–3):
- Line-end closing mark (GB/T 15834 §5.1.10 "shall be half width"): default `line_end_half="auto"`
  — the mark's blank half is the first thing removed when the line must shrink, but a line that
  fits solid keeps it, so columns stay on the character grid (纵横对齐, clreq #main_elements…);
  `"always"` follows §5.1.10 literally, `"never"` keeps marks full width.
- Line-start opening mark (clreq #h-compression_of_punctuation_marks_at_line_start, "may"):
  same three settings, default "auto" (its blank is shrinkable with bracket priority).
- No fitness classes, and what is forbidden only on the last rung: see fit.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.text import cjk
from layout.text.cjk import BREAK_NEVER, BREAK_OK
from layout.text.fit import break_paragraph, break_to_count, break_to_counts
from layout.text.options import ComposeOptions, Metrics  # noqa: F401  (public here)
from layout.text.prepare import Prepared, prepare
from layout.text.setting import LineStyle, set_span


@dataclass(frozen=True, slots=True)
class PlacedGlyph:
    """One character of a set line and where it stands."""

    ch: str  # exactly one input character
    x_pt: float  # glyph origin from the line's left edge (placement adjustments applied)
    advance_pt: float  # width it occupies in this line, including the expansion after it


@dataclass(frozen=True)
class Line:
    """A set line, stored by column (the renderer draws runs of characters at x positions, so
    per-glyph objects would only be built to be taken apart again); `glyphs` gives the rows."""

    chars: str  # the line's characters: input text, trailing spaces at a break dropped
    xs_pt: tuple[float, ...]  # glyph origins from the line's left edge (placement adjustments applied)
    advances_pt: tuple[float, ...]  # width each occupies in this line, including the expansion after it
    start: int  # [start, end) offsets into the paragraph text (dropped spaces included)
    end: int
    width_pt: float  # right edge of the set material from the left edge; == measure when justified
    last: bool  # paragraph's last line

    @property
    def glyphs(self) -> tuple[PlacedGlyph, ...]:
        return tuple(map(PlacedGlyph, self.chars, self.xs_pt, self.advances_pt))

    def shifted(self, dx_pt: float) -> "Line":
        """The same line moved `dx_pt` to the right (its right edge too)."""
        return Line(self.chars, tuple(x + dx_pt for x in self.xs_pt), self.advances_pt, self.start, self.end,
                    self.width_pt + dx_pt, self.last)


@dataclass(frozen=True)
class TextFinding:
    """Something the desk should know about a paragraph's setting (a rule bent because nothing else fit)."""

    code: str  # "prohibited-start" | "prohibited-end" | "forced-break" | "orphan" | "overlong-token" | "underfull"
    offset: int  # char offset in the paragraph
    message: str


@dataclass(frozen=True)
class ParagraphSetting:
    """A paragraph set as lines, with its findings."""

    lines: tuple[Line, ...]
    findings: tuple[TextFinding, ...]


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
_ALIGN_LAST = ("start", "center", "justify")
_EDGE_MODES = ("auto", "always", "never")


def _check(opts: ComposeOptions) -> None:
    if opts.align_last not in _ALIGN_LAST:
        raise ValueError(f"align_last must be one of {_ALIGN_LAST}, not {opts.align_last!r}")
    if opts.line_end_half not in _EDGE_MODES or opts.line_start_half not in _EDGE_MODES:
        raise ValueError(f"line_end_half/line_start_half must be one of {_EDGE_MODES}")
    if opts.strictness not in cjk.STRICTNESS_LEVELS:
        raise ValueError(f"strictness must be one of {cjk.STRICTNESS_LEVELS}, not {opts.strictness!r}")


def compose_paragraph(text: str, metrics: Metrics, size_pt: float, measure_pt: float,
                      options: ComposeOptions = ComposeOptions()) -> ParagraphSetting:
    """Break one paragraph into lines of `measure_pt`, justified, with clreq punctuation handling.

    Every line but the last is exactly `measure_pt` wide (±0.05 pt) unless a finding says why not.
    """
    _check(options)
    if size_pt <= 0 or measure_pt <= 0:
        raise ValueError("size_pt and measure_pt must be positive")
    if not text:
        return ParagraphSetting((), ())
    measure = measure_pt / size_pt
    indent = options.indent_em
    p = prepare(text, metrics, options, measure)
    breaks = break_paragraph(p, measure, indent, options)
    if options.looseness:
        looser = break_to_count(p, measure, indent, options, len(breaks.ends) + options.looseness)
        if looser is None:
            return ParagraphSetting((), (TextFinding("looseness", 0, f"cannot be set {options.looseness:+d} line(s)"),))
        breaks = looser
    return _setting(p, breaks, size_pt, measure_pt, options)


def compose_with_alternates(text: str, metrics: Metrics, size_pt: float, measure_pt: float,
                            options: ComposeOptions = ComposeOptions()
                            ) -> tuple[ParagraphSetting, tuple[Line, ...], tuple[Line, ...]]:
    """The paragraph at its best (compose_paragraph), and set a line shorter and a line longer within
    the first tolerance (`looseness` ∓1; () where it cannot be): prepared once, one dynamic programme
    for both alternates (copyfit asks for them for every paragraph of every story)."""
    _check(options)
    if size_pt <= 0 or measure_pt <= 0:
        raise ValueError("size_pt and measure_pt must be positive")
    if not text:
        return ParagraphSetting((), ()), (), ()
    measure = measure_pt / size_pt
    p = prepare(text, metrics, options, measure)
    breaks = break_paragraph(p, measure, options.indent_em, options)
    best = _setting(p, breaks, size_pt, measure_pt, options)
    n = len(breaks.ends)
    if n < 2:
        return best, (), ()
    alt = break_to_counts(p, measure, options.indent_em, options, (n - 1, n + 1))
    shorter, longer = (_setting(p, alt[c], size_pt, measure_pt, options).lines if alt[c] else ()
                       for c in (n - 1, n + 1))
    return best, shorter, longer


def _setting(p: Prepared, breaks, size_pt: float, measure_pt: float, options: ComposeOptions) -> ParagraphSetting:
    """The lines of the chosen breaks, each set to the measure, and what was found."""
    text, indent = p.text, options.indent_em
    measure = measure_pt / size_pt
    style = LineStyle(p, options, size_pt, True)
    n = len(text)
    findings: list[TextFinding] = []
    lines: list[Line] = []
    a = 0
    for b in breaks.ends:
        last = b == n
        target = None if (last and options.align_last != "justify") else measure
        line_indent = indent if a == 0 else 0.0
        if b in breaks.hanging:
            # The mark hangs outside the measure at half width; width_pt stays the measure.
            chars, xs, advances, width_pt, short = set_span(style, a, b - 1, target, line_indent)
            line = Line(chars + text[b - 1], xs + (width_pt,),
                        advances + ((p.advance[b - 1] - p.right_blank[b - 1]) * size_pt,), a, b, width_pt, last)
        else:
            chars, xs, advances, width_pt, short = set_span(style, a, b, target, line_indent)
            if target is None and width_pt > measure_pt + 0.005:
                # A last line that only fits by reduction is reduced like any other line.
                chars, xs, advances, width_pt, short = set_span(style, a, b, measure, line_indent)
            line = Line(chars, xs, advances, a, b, width_pt, last)
        if last and options.align_last == "center" and line.width_pt < measure_pt - 0.005:
            line = line.shifted((measure_pt - line.width_pt) / 2.0)
        if short:
            findings.append(TextFinding("underfull", a, f"line at {a} cannot be spread to the measure"))
        lines.append(line)
        if not last and p.break_kinds[b] != BREAK_OK:
            findings.append(_break_finding(p, b, options.strictness))
        a = b
    if options.avoid_orphans and len(lines) > 1 and cjk.is_lonely_line(lines[-1].chars):
        findings.append(TextFinding("orphan", lines[-1].start,
                                    f"孤字: last line holds a single character {text[lines[-1].start:]!r}"))
    return ParagraphSetting(tuple(lines), tuple(findings))


def _break_finding(p: Prepared, b: int, strictness: str) -> TextFinding:
    """Why the break at b, which is not an ordinary break opportunity, was taken."""
    text = p.text
    if b in p.forced_breaks:
        return TextFinding("overlong-token", b, f"token wider than the measure broken at {b}: "
                           f"{text[max(0, b - 8):b]!r} | {text[b:b + 8]!r}")
    if p.break_kinds[b] == BREAK_NEVER:
        return TextFinding("forced-break", b, f"no legal break fits; forced at {b}: "
                           f"{text[max(0, b - 8):b]!r} | {text[b:b + 8]!r}")
    if cjk.prohibited_at_start(text[b], strictness):
        return TextFinding("prohibited-start", b, f"{text[b]!r} starts a line (避头): nothing else fits")
    return TextFinding("prohibited-end", b - 1, f"{text[b - 1]!r} ends a line (避尾): nothing else fits")


def set_line(text: str, metrics: Metrics, size_pt: float, width_pt: float | None = None,
             tracking_em: float = 0.0) -> Line:
    """One unbroken line (headline, subhead, 报眉): natural width with adjacent-mark compression and
    `tracking_em` between characters; given `width_pt`, spread (均排/疏排) or reduced to exactly it."""
    if size_pt <= 0:
        raise ValueError("size_pt must be positive")
    opts = ComposeOptions(indent_em=0.0)
    if not text:
        return Line("", (), (), 0, 0, 0.0, True)
    p = prepare(text, metrics, opts, None, edges=False)
    n = len(text)
    target = None if width_pt is None else width_pt / size_pt
    if target is not None and n == 1:
        # A single character spread to a width: centred in the cell it is given.
        adv_em = p.advance[0]
        return Line(text, ((target - adv_em) / 2.0 * size_pt,), (target * size_pt,), 0, 1, target * size_pt, True)
    chars, xs, advances, width, _ = set_span(LineStyle(p, opts, size_pt, False, tracking_em), 0, n, target, 0.0)
    return Line(chars, xs, advances, 0, n, width, True)
