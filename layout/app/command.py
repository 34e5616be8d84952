"""The `zhpaper` command (installed by `pip install .`): one word for what the desk wants done.

    zhpaper build PAGE.yaml [-o out/page.pdf] [...]   the page's files, as make_pdf.py writes them
    zhpaper watch PAGE.yaml [...]                     rebuild on every save (make_pdf.py --watch)
    zhpaper serve PAGE.yaml|FOLDER [...]              the proof desk in a browser (layout.app.desk)
    zhpaper edition EDITION.yaml [-o out/edition/]    every page of an edition (make_pdf.py --edition)

This module stays light: `build` forks its press process (layout.app.pressproc) before the pipeline
is imported, exactly as make_pdf.py does, so nothing heavy may be imported before the subcommand
runs. Exit codes are make_pdf.py's: 0 done, 1 bad content, 2 usage, 130 interrupted.
"""

from __future__ import annotations

import sys

USAGE = """usage: zhpaper COMMAND [ARGS]

commands:
  build PAGE.yaml ...   lay out the page(s): press PDF, PDF/A archive copy, ALTO, report, manifest
  watch PAGE.yaml       rebuild the page and its proof whenever a file it reads changes
  serve PAGE|FOLDER     the proof desk: the page's proof in a browser, rebuilt on every save
                        (or an edition file: its pages as thumbnails)
  edition EDITION.yaml  every page of an edition: 转版 resolved, METS, e-paper, contact sheet

`zhpaper COMMAND --help` tells each command's options."""


def _build(argv: list[str], own: bool) -> int:
    from layout.app.cli import main as cli_main

    return cli_main(argv, prog="zhpaper build", settle_when_done=own)


def _watch(argv: list[str], own: bool) -> int:
    from layout.app.cli import main as cli_main

    return cli_main(["--watch", *argv], prog="zhpaper watch", settle_when_done=own)


def _serve(argv: list[str], own: bool) -> int:
    from layout.app.desk import main as desk_main

    return desk_main(argv, prog="zhpaper serve")


def _edition(argv: list[str], own: bool) -> int:
    from layout.app.cli import main as cli_main

    if argv and not argv[0].startswith("-"):  # zhpaper edition EDITION.yaml ...: the file first, as build's page
        argv = ["--edition", argv[0], *argv[1:]]
    elif not any(a in ("-h", "--help", "--edition") or a.startswith("--edition=") for a in argv):
        print("error: zhpaper edition: which edition? (hint: zhpaper edition EDITION.yaml -o out/edition/)",
              file=sys.stderr)
        return 2
    return cli_main(argv, prog="zhpaper edition", settle_when_done=own)


COMMANDS = {"build": _build, "watch": _watch, "serve": _serve, "edition": _edition}


def main(argv: list[str] | None = None) -> int:
    """The console script (argv None: the process is the command's own, and settles when done — see
    layout.app.cli.main) or a caller's in-process run (argv given)."""
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(USAGE, file=sys.stdout if args else sys.stderr)
        return 0 if args else 2
    if args[0] == "--version":
        from layout import __version__

        print(f"zhpaper {__version__}")
        return 0
    run = COMMANDS.get(args[0])
    if run is None:
        import difflib

        near = difflib.get_close_matches(args[0], COMMANDS, n=1)
        hint = f"did you mean 'zhpaper {near[0]}'?" if near else "see zhpaper --help"
        print(f"error: zhpaper: unknown command {args[0]!r} (hint: {hint})", file=sys.stderr)
        return 2
    return run(args[1:], argv is None)


if __name__ == "__main__":
    sys.exit(main())
