"""Write docs/article-format.md, docs/template-format.md, docs/edition-format.md and docs/design-rules.md
from their tables (layout.source.schema.ARTICLE, layout.source.template.TEMPLATE_SCHEMA,
layout.source.schema.EDITION, layout.compose.rules.RULES).

Usage: python tools/gen_docs.py [--check]
  --check  exit 1 if a file on disk differs from what its table gives (for CI).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from layout.compose import rules as design  # noqa: E402
from layout.source.limits import TABLE as LIMITS  # noqa: E402
from layout.source.normalize import RULES  # noqa: E402
from layout.source.schema import ARTICLE, EDITION, describe  # noqa: E402
from layout.source.template import TEMPLATE_SCHEMA  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
TARGET = os.path.join(DOCS, "article-format.md")
TEMPLATE_TARGET = os.path.join(DOCS, "template-format.md")
RULES_TARGET = os.path.join(DOCS, "design-rules.md")
EDITION_TARGET = os.path.join(DOCS, "edition-format.md")

EDITION_INTRO = """
An edition file lists one issue's pages in the order they are printed; `make_pdf.py --edition
EDITION.yaml -o out/edition/` builds them all (README, "The edition"). Every key below is declared once
in `layout/source/schema.py`. The edition is the authority for the 报眉: each page prints the
edition's paper and date and the number and 版名 the edition gives it, whatever its page file says
(a difference is reported as an info finding). Page files are relative to the edition file.

A story of one page may continue on another (`continue_to: N` on the story item, 转版): in an edition
the rest of it goes to page N in the same run. Page N's file names where it goes with an item
`{id: …, continued_from: P/ID}` (P the page, ID the story there), or the edition places it after page
N's items; page N is composed once page P is. A jump to a page that is not in the edition, a slot that
no story fills, or a page N that has no room for the rest is one error naming both pages.
"""

TEMPLATE_INTRO = """
A template (版式) is a YAML file: the built-ins are `layout/source/templates/broadsheet.yaml` (对开) and
`layout/source/templates/tabloid.yaml` (四开); an article names one (`template: broadsheet`) or gives a
path. Every key below is declared once in `layout/source/template.py`. Lengths are in the unit their
name carries; the type area is centred on the trim, its width is
`columns × column_chars + (columns − 1) × gutter_chars` body characters, its height
`rows × line_pitch_pt − (line_pitch_pt − body_size_pt)`.
"""

INTRO = """
A page file describes one newspaper page. `article.yaml` is a page of one story: the story's keys
(`headline`, `byline`, `sidebar`, `lead`, `sections`, `photos`) stand at the top level. A page of
several stories lists them under `stories:` instead, in order of importance. The build reads the
file with `layout.source.load.load_page`; every key below is declared once in
`layout/source/schema.py`, which also produces the error messages. Unknown keys are errors (with a
"did you mean" hint). A key left out, or written as `null`, takes its default, unless its
type says "or null", where null means "none".

Text fields (type *text*) are normalised unless `options.normalise` is false; every change is
reported as an info finding (`normalised`, located by field path and character offset).
Paths (`template`, `photos[].file`) are relative to the page file.
"""


def render() -> str:
    text = describe(ARTICLE, "article.yaml reference", INTRO)
    rows = ["## Normalisation rules", "", "| rule | change | source |", "|---|---|---|"]
    rows += [f"| `{r.name}` | {r.what} | {r.source} |" for r in RULES]
    rows += ["", "## Limits", "", LIMITS_INTRO.strip(), "", "| what | at most | why |", "|---|---|---|"]
    rows += [f"| {lim.name} | {lim.most:,} {lim.unit} | {lim.reason} |" for lim in LIMITS]
    return text + "\n" + "\n".join(rows) + "\n"


LIMITS_INTRO = """
Absurd input is refused before any work is spent on it, with one line naming the file, line, column
and field, the figure and the limit (`layout/source/limits.py`, the one table of limits; the fields
above name theirs in their type). Every list not named here takes at most 500 items.
"""


def render_template() -> str:
    return describe(TEMPLATE_SCHEMA, "Template (版式) reference", TEMPLATE_INTRO)


def render_edition() -> str:
    return describe(EDITION, "Edition file reference", EDITION_INTRO)


def main(argv: list[str]) -> int:
    status = 0
    targets = ((TARGET, render()), (TEMPLATE_TARGET, render_template()), (EDITION_TARGET, render_edition()),
               (RULES_TARGET, design.markdown()))
    for target, text in targets:
        if "--check" in argv:
            try:
                with open(target, encoding="utf-8") as fh:
                    same = fh.read() == text
            except OSError:
                same = False
            if not same:
                print(f"{target} is out of date: run python tools/gen_docs.py", file=sys.stderr)
                status = 1
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"wrote {target}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
