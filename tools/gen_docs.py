"""Write docs/article-format.md, docs/template-format.md and docs/design-rules.md from their tables
(layout.source.schema.ARTICLE, layout.source.template.TEMPLATE_SCHEMA, layout.compose.rules.RULES).

Usage: python tools/gen_docs.py [--check]
  --check  exit 1 if a file on disk differs from what its table gives (for CI).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from layout.compose import rules as design  # noqa: E402
from layout.source.normalize import RULES  # noqa: E402
from layout.source.schema import ARTICLE, describe  # noqa: E402
from layout.source.template import TEMPLATE_SCHEMA  # noqa: E402

DOCS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs")
TARGET = os.path.join(DOCS, "article-format.md")
TEMPLATE_TARGET = os.path.join(DOCS, "template-format.md")
RULES_TARGET = os.path.join(DOCS, "design-rules.md")

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
    return text + "\n" + "\n".join(rows) + "\n"


def render_template() -> str:
    return describe(TEMPLATE_SCHEMA, "Template (版式) reference", TEMPLATE_INTRO)


def main(argv: list[str]) -> int:
    status = 0
    for target, text in ((TARGET, render()), (TEMPLATE_TARGET, render_template()), (RULES_TARGET, design.markdown())):
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
