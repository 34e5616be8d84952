"""Rewrite the golden layout dumps tests/golden/*.txt from the layout code as it is now.

The test suite only compares against them (tests/test_compose.py::test_golden_dump); after a change to
composition, review the difference this makes (`git diff tests/golden`) and commit it with the change.

    make golden        (or: .venv/bin/python tools/make_golden.py)
"""

from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [HERE, os.path.join(HERE, "tests")]

from support import GOLDEN, GOLDEN_CASES, golden_dump  # noqa: E402


def main() -> int:
    for name in GOLDEN_CASES:
        path = os.path.join(GOLDEN, f"{name}.txt")
        new = golden_dump(name)
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if new == old:
            print(f"same   {os.path.relpath(path, HERE)}")
            continue
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(new)
        print(f"wrote  {os.path.relpath(path, HERE)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
