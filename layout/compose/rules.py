"""The design rules a layout editor signs a page by: one table, as the schema table is for keys.

Each rule has its name (what the preflight and report.json call it), its figure and unit, its source,
whether it is hard (the search never breaks it: a page that would is refused or another arrangement
is taken) or scored (the search prefers pages that keep it), which lever the engine moves to keep it
(`LEVERS`, in the layout editor's order), and where the engine enforces it. The engine reads its
figures from here (`figure(name)`); the preflight checks every rule by name on the boxes the page
draws (layout.preflight.rules); docs/design-rules.md is generated from this table (`make docs`).

Figures that differ by template (the headline ladder, photo areas by rank) live in the template and
the rule names the key.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lever:
    """One thing the engine may change to make a page fit, in the order a layout editor reaches for them."""

    name: str
    what: str


# The editor's order (issue 21; docs/page-layout.md §2 step 5): the module's shape first, the desk's
# words last. Each lever costs more than every lever before it, so the search reaches for it only
# when those cannot make the page fit.
LEVERS = (
    Lever("module-shape", "the module's columns and rows on the grid (a story's rectangle)"),
    Lever("photo-size", "a photo's span and frame height, inside its rank's range and the crop bound"),
    Lever("headline-lines", "the 主题 on one line or two, and the white rows around the headline"),
    Lever("subhead-white", "white rows above subheads; a paragraph set a line looser or tighter (抠行/拉行)"),
    Lever("filler", "a 补白 from the page's pool of fillers in a module of its own"),
    Lever("cut-or-jump", "proposed, not done: cut so many characters from a story, or let it jump "
          "(continue_to); when the heights the stories fill do not tile the page, the least cut or addition "
          "of one story that does, checked by composing the page so cut; the desk decides"),
)
LEVER_NAMES = tuple(lv.name for lv in LEVERS)


@dataclass(frozen=True)
class Rule:
    """One design rule: its name, what it says, its figure and unit, its source, hard or scored, the
    lever that keeps it and where the engine enforces it."""

    name: str
    says: str
    figure: float | None
    unit: str
    source: str
    hard: bool
    lever: str  # a LEVERS name, or "" when no lever moves for it (it holds by construction)
    enforced: str  # where in the engine

    def __post_init__(self) -> None:
        assert self.lever in LEVER_NAMES or not self.lever, self.lever


HARROWER = "Harrower, The Newspaper Designer's Handbook"
ISSUE = "issue 21"

RULES = (
    Rule("overlap", "nothing printed over anything: no glyph box crosses another line's glyphs, a photo or a "
         "rule", 0.0, "characters", f"{ISSUE}; modular page ({HARROWER})", True, "",
         "blocks stay in their cells (compose.arrange), lines in their measure; the preflight measures the drawn "
         "boxes"),
    Rule("measure", "every glyph inside its own column and module: a headline or subhead that does not fit its "
         "measure breaks or steps down, it never overflows", 0.05, "pt", ISSUE, True, "headline-lines",
         "layout.text.titles, compose.blocks"),
    Rule("headline-breaks", "a headline or subhead breaks only between phrases, after a clause, or between "
         "words — never inside a word, never after 的 nor before it", None, "",
         "docs/page-layout.md §5 (标题编排 practice)", True, "headline-lines", "layout.text.titles"),
    Rule("reading-path", "each story's running text starts at the top left of its text area and reads down its "
         "columns from left to right: every column's text starts no higher than the column before it (an L "
         "only around the story's own photo or box); read back, the running text keeps its order", 0.99,
         "share of order kept", ISSUE, True, "module-shape", "compose.arrange (plans, fits)"),
    Rule("headline-ladder", "a story's 主题 within its rank's range of the template's ladder (modules.ladder); size "
         "never grows as rank falls; never below its rank's floor", None, "pt", f"{ISSUE}; type-scale convention",
         True, "headline-lines", "compose.sizing (the module's headline), template"),
    Rule("zhuangti", "撞题: headlines of neighbouring modules never share rows, whatever their sizes, unless one is a "
         "box's title (简讯, 导读)", 0, "rows shared", f"{ISSUE}; {HARROWER}; Chinese 编排 texts", True,
         "module-shape", "compose.modules (every cut)"),
    Rule("lead-top", "the 头条 stands at the top with the widest story module and the largest headline", None, "",
         "docs/page-layout.md §2", True, "module-shape", "compose.modules"),
    Rule("no-hole", "开天窗: every grid cell of the free type area in a module (or its white line)", 0, "cells",
         "docs/page-layout.md §1", True, "module-shape", "compose.modules (exact tilings only)"),
    Rule("photo-dominant", "the dominant photo is the 头条's first and at least this many times the area of any "
         "other photo on the page", 1.5, "× area", f"{HARROWER}: one dominant photo, every other ≤ ½ of it",
         True, "photo-size", "template photos.area_cm2 (ranges by rank); compose.page checks the page"),
    Rule("photo-rank", "no story's largest photo larger than a higher-ranked story's", 1.0, "× area", ISSUE, True,
         "photo-size", "template photos.area_cm2; compose.page strikes the module that broke it"),
    Rule("photo-range", "a photo's area inside its rank's range (template photos.area_cm2); a head shot is exempt",
         None, "cm²", ISSUE, True, "photo-size", "compose.arrange (frame heights)"),
    Rule("photo-min-span", "no photo narrower than the template's photos.min_span basic columns unless the desk "
         "marks it a head shot (headshot: true)", 2, "basic columns", ISSUE, True, "photo-size",
         "compose.arrange (spans)"),
    Rule("photo-crop", "a photo cropped by at most this share of the image, unless the desk gives crop: or focus:",
         0.15, "share of the image", f"{ISSUE} (house: no limit was found in the sources)", True, "photo-size",
         "compose.arrange (crop bound)"),
    Rule("photo-share", "a story's photos take at most this share of its module", 0.6, "share of the module",
         f"house; {HARROWER} (about ⅓ of a page is art)", True, "photo-size", "compose.arrange"),
    Rule("place", "a photo or a module the desk placed (place:) stands where the desk put it", 0, "cells off",
         ISSUE, True, "", "compose.story (photos), compose.modules (modules)"),
    Rule("jump", "a story that continues (continue_to) keeps its rank's share of the page and jumps the rest: "
         "no photo grows to avoid the jump; （下转第N版） ends what stays", None, "",
         f"{ISSUE}; {HARROWER} (jump once)", True, "cut-or-jump", "compose.sizing, compose.story"),
    Rule("stable", "a rebuild keeps each module's columns, and its edges within this many rows, when a story "
         "grows or shrinks by up to a fifth; otherwise the engine re-plans and says so", 3, "rows",
         f"{ISSUE}; GN4 / Cassowary practice (docs/page-layout.md §5)", False, "module-shape",
         "compose.modules (from the last build's arrangement in the manifest)"),
    Rule("bitouwei", "避头尾: no mark where it may not stand at a line's start or end", 0, "lines",
         "clreq §3.1.7; GB/T 15834 §5.1", True, "", "layout.text.fit"),
    Rule("lonely-char", "孤字: no paragraph's last line of a single character", 0, "paragraphs",
         "clreq #adjustments_of_orphans_and_widows; typography.md §3.3", True, "subhead-white", "layout.text.fit"),
    Rule("stranded-subhead", "背题: a subhead keeps at least two lines of its text under it in its column", 0,
         "subheads", "typography.md §3.4", True, "subhead-white", "compose.flow"),
    Rule("grid", "every line on the baseline grid; lines level across columns", 0, "lines off the grid",
         "typography.md §3.1 (行取り)", True, "", "compose.grid"),
    Rule("fill", "every column filled exactly: no line over, no grid line empty", 0, "lines",
         "typography.md §3.2", True, "cut-or-jump", "compose.arrange (exact heights)"),
    Rule("widow", "孤行: a paragraph's last line alone atop a column, or its first alone at a column's foot", 0,
         "lines", "clreq #adjustments_of_orphans_and_widows", False, "subhead-white", "compose.score"),
    Rule("text-leg", "legs of text neither too short nor too deep: a column run of at least this many lines "
         "(碎栏 below)", 6, "lines", HARROWER, False, "module-shape", "compose.score (short runs)"),
)

_BY_NAME = {r.name: r for r in RULES}
assert len(_BY_NAME) == len(RULES), "two rules share a name"


def rule(name: str) -> Rule:
    return _BY_NAME[name]


def figure(name: str) -> float:
    """A rule's figure (the engine's threshold for it)."""
    got = _BY_NAME[name].figure
    assert got is not None, f"rule {name} has no figure"
    return got


def lever_rank(name: str) -> int:
    """A lever's place in the editor's order (0 first)."""
    return LEVER_NAMES.index(name)


def markdown() -> str:
    """docs/design-rules.md: the rules and the levers, from the tables above."""
    out = ["# Design rules", "",
           "<!-- generated from layout/compose/rules.py by tools/gen_docs.py; edit the table, not this file -->", "",
           "The rules a layout editor signs a page by. **Hard** rules are never broken: the search takes another "
           "arrangement or refuses the page with one line saying why; **scored** rules are preferences the "
           "search weighs. The preflight checks every rule on the boxes the page draws and reports each finding "
           "by the rule's name (report.json `rules`, and the console).", "",
           "| rule | says | figure | hard | lever | source | enforced in |", "|---|---|---|---|---|---|---|"]
    for r in RULES:
        fig = "—" if r.figure is None else f"{r.figure:g} {r.unit}".strip()
        out.append(f"| `{r.name}` | {r.says} | {fig} | {'hard' if r.hard else 'scored'} | {r.lever or '—'} | "
                   f"{r.source} | {r.enforced} |")
    out += ["", "## Levers, in the editor's order", "",
            "When a story does not fill its module the engine reaches for these in turn; each costs more than "
            "every one before it, and the last is only proposed (how many characters in which story): the desk "
            "decides.", "", "| # | lever | what it changes |", "|---|---|---|"]
    out += [f"| {k + 1} | `{lv.name}` | {lv.what} |" for k, lv in enumerate(LEVERS)]
    return "\n".join(out) + "\n"
