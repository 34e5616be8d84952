#!/usr/bin/env python3
"""make_pdf.py — lay out article.yaml on the newspaper grid; write the press PDF and the archive copy.

    python make_pdf.py [article.yaml] [-o out/article.pdf] [--proof out/article.png] [--grid] [--draft]

Exit 0 on success; on bad input one line on stderr and exit 1 (content) or 2 (usage).
"""

import signal
import sys


def _stopped_early(signum, frame):
    # A signal while the modules load (before the command's own handlers): nothing was written yet.
    what = "interrupted" if signum == signal.SIGINT else f"stopped by {signal.Signals(signum).name}"
    sys.stderr.write(f"error: {what}; nothing was written\n")
    raise SystemExit(128 + signum)


for _sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, _stopped_early)

from layout.app.cli import main  # noqa: E402  (after the handlers: the imports take a while)

signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C is the command's own from here on

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], settle_when_done=True))
