#!/usr/bin/env python3
"""make_pdf.py — lay out article.yaml on the newspaper grid; write the press PDF and the archive copy.

    python make_pdf.py [article.yaml] [-o out/article.pdf] [--proof out/article.png] [--grid] [--draft]

Exit 0 on success; on bad input one line on stderr and exit 1 (content) or 2 (usage).
"""

import sys

from layout.app.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
