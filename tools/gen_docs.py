"""Write docs/article-format.md from the article schema table (layout.schema.ARTICLE).

Usage: python tools/gen_docs.py [--check]
  --check  exit 1 if the file on disk differs from what the table gives (for CI).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from layout.normalize import RULES  # noqa: E402
from layout.schema import ARTICLE, describe  # noqa: E402

TARGET = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "article-format.md")

INTRO = """
`article.yaml` describes one article laid out as one page. The build reads it with
`layout.article.load_article`; every key below is declared once in
`layout/schema.py`, which also produces the error messages. Unknown keys are errors (with a
"did you mean" hint). A key left out, or written as `null`, takes its default, unless its
type says "or null", where null means "none".

Text fields (type *text*) are normalised unless `options.normalise` is false; every change is
reported as an info finding (`normalised`, located by field path and character offset).
Paths (`template`, `photos[].file`) are relative to the article file.
"""


def render() -> str:
    text = describe(ARTICLE, "article.yaml reference", INTRO)
    rows = ["## Normalisation rules", "", "| rule | change | source |", "|---|---|---|"]
    rows += [f"| `{r.name}` | {r.what} | {r.source} |" for r in RULES]
    return text + "\n" + "\n".join(rows) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        try:
            with open(TARGET, encoding="utf-8") as fh:
                same = fh.read() == text
        except OSError:
            same = False
        if not same:
            print(f"{TARGET} is out of date: run python tools/gen_docs.py", file=sys.stderr)
        return 0 if same else 1
    os.makedirs(os.path.dirname(TARGET), exist_ok=True)
    with open(TARGET, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
