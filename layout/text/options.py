"""What the line composer is told: how to set (ComposeOptions) and what it measures with (Metrics).

A module of its own, below prepare, fit and setting, which all read the options, and linebreak,
which exposes them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Metrics(Protocol):
    def advance_em(self, ch: str) -> float: ...

    def halt_em(self, ch: str) -> tuple[float, float] | None: ...


@dataclass(frozen=True)
class ComposeOptions:
    """How paragraphs are set (clreq choices; every default is the newspaper's)."""

    indent_em: float = 2.0  # first-line indent, every paragraph ([clreq] #first_line_indents)
    han_latin_space_em: float = 0.0  # newspapers: none; 0.25 as an option ([clreq] mixed text)
    hanging: bool = False  # hang 、，。 outside the measure ([clreq] #hanging_punctuation…)
    strictness: str = "strict"  # "basic" | "gb" | "strict"
    align_last: str = "start"  # "start" | "center" | "justify"
    line_end_half: str = "auto"  # "auto" | "always" | "never" (module docstring)
    line_start_half: str = "auto"  # "auto" | "always" | "never"
    shrink_stops: bool = True  # [clreq] reduction step 7: 。？！ may go down to ½ em
    word_space_min_em: float = 0.25  # [clreq] reduction step 2
    word_space_max_em: float = 0.5  # [clreq] expansion step 1
    stretch_unit_em: float = 0.125  # inter-character expansion per gap counted as adjustment ratio 1
    tolerances: tuple[float, ...] = (1.0, 2.0, 4.0)  # ladder of maximum expansion ratios
    expansion_demerits: float = 20000.0  # > worst feasible shrink line: push-in before push-out
    avoid_orphans: bool = True  # no 孤字 on a paragraph's last line (cjk.is_lonely_line)
    looseness: int = 0  # lines more (+) or fewer (−) than the best setting, when the first rung allows (fit.break_to_count)
