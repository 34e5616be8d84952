"""Chinese line composition: character classes, break rules, justification (pure functions).

`cjk` holds the tables (classes, 避头尾, unbreakable units, punctuation compression, 孤字),
`linebreak` the records and the two entry points, compose_paragraph and set_line, which run
`prepare` (per-character arrays and prefix sums), `fit` (where lines break) and `setting` (one
line's glyph positions); `fake` is a square test face.
"""

from layout.text.cjk import is_han, prohibited_at_end, prohibited_at_start
from layout.text.linebreak import (
    ComposeOptions,
    Line,
    Metrics,
    ParagraphSetting,
    PlacedGlyph,
    TextFinding,
    compose_paragraph,
    set_line,
)

__all__ = [
    "ComposeOptions",
    "Line",
    "Metrics",
    "ParagraphSetting",
    "PlacedGlyph",
    "TextFinding",
    "compose_paragraph",
    "is_han",
    "prohibited_at_end",
    "prohibited_at_start",
    "set_line",
]
