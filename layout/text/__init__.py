"""Chinese line composition: character classes, break rules, justification (pure functions).

`cjk` holds the tables (classes, 避头尾, unbreakable units, punctuation compression), `linebreak`
breaks and justifies paragraphs and sets single lines, `fake` is a square test face.
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
