"""The `zhpaper` command: its subcommands, and that it stays light until one runs (`build` forks its
press process before the pipeline is imported, as make_pdf.py does)."""

from __future__ import annotations

import subprocess
import sys

from layout.app import command

from support import ROOT


def test_no_command_and_an_unknown_one_are_usage_errors(capsys):
    assert command.main([]) == 2
    assert "usage: zhpaper COMMAND" in capsys.readouterr().err
    assert command.main(["biuld"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "did you mean 'zhpaper build'" in err
    assert command.main(["--help"]) == 0
    assert "serve PAGE|FOLDER" in capsys.readouterr().out


def test_build_and_watch_take_make_pdfs_options_under_their_own_name(capsys):
    assert command.main(["build", "--bogus"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: zhpaper build: unrecognized arguments: --bogus") and "zhpaper build --help" in err
    assert command.main(["watch", "a.yaml", "b.yaml"]) == 2
    assert "--watch takes one article" in capsys.readouterr().err


def test_serve_refuses_what_it_cannot_show(capsys, tmp_path):
    assert command.main(["serve", str(tmp_path / "nothing.yaml")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "story.yaml").write_text("headline: {main: 标题}\n", encoding="utf-8")
    assert command.main(["serve", str(tmp_path)]) == 2
    assert "no page files in this folder" in capsys.readouterr().err


def test_edition_takes_its_file_first_as_build_takes_a_page(capsys, tmp_path):
    assert command.main(["edition"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "which edition?" in err
    assert command.main(["edition", str(tmp_path / "none.yaml"), "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.yaml" in err and "no such file" in err
    assert command.main(["edition", str(tmp_path / "none.yaml"), "--watch"]) == 2
    assert "leave out page files, --watch" in capsys.readouterr().err


def test_the_command_imports_nothing_heavy_before_a_subcommand_runs():
    code = ("import sys, layout.app.command, layout.app.cli; heavy = ('layout.pipeline', 'layout.compose', 'reportlab', "
            "'pikepdf', 'PIL', 'numpy', 'starlette', 'uvicorn', 'yaml'); "
            "print(sorted(m for m in sys.modules if m.startswith(heavy)))")
    r = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
