"""FakeMetrics: a square test face so that line breaking is exact and needs no font file.

Han and other full-width cells = 1 em; Latin letters, digits and ASCII punctuation = 0.5 em;
the word space = 0.25 em; CJK punctuation = 1 em with `halt` values in GB positions (the same
table a real SC font's `halt` feature gives: closers (0, −0.5), openers (−0.5, −0.5),
interpuncts (−0.25, −0.5)). Shared by the text, page-composition and PDF tests.
"""

from __future__ import annotations

from collections.abc import Mapping

from layout.text import cjk

_HALT_CLASSES = {cjk.OPEN, cjk.CLOSE, cjk.PAUSE, cjk.STOP, cjk.MIDDLE}


class FakeMetrics:
    """Metrics for a square face. `halt=False` models a font without a `halt` feature (AR PL 报宋);
    `advances` overrides single characters (e.g. proportional quotes) for edge-case tests."""

    def __init__(self, halt: bool = True, advances: Mapping[str, float] | None = None):
        self._halt = halt
        self._advances = dict(advances or {})

    def advance_em(self, ch: str) -> float:
        if ch in self._advances:
            return self._advances[ch]
        cls = cjk.char_class(ch)
        if cls == cjk.SPACE:
            return 0.25
        if cls in (cjk.LATIN, cjk.HALFPUNCT) or (ord(ch) < 0x80):
            return 0.5
        return 1.0

    def halt_em(self, ch: str) -> tuple[float, float] | None:
        if not self._halt or ch in self._advances or ord(ch) < 0x80:
            return None
        cls = cjk.char_class(ch)
        if cls in _HALT_CLASSES:
            return cjk.HALT_FALLBACK_EM[cls]
        return None

    def __repr__(self) -> str:  # stable, for hypothesis reports
        return f"FakeMetrics(halt={self._halt!r}, advances={self._advances!r})"
