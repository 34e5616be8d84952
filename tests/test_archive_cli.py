"""--archive-to files press, archive and manifest into a folder by date/page/slug and never overwrites without --force."""

import os

from support import DATA


def test_archive_to_files_once_and_refuses_before_writing_anything(run_cli, tmp_path):
    article = os.path.join(DATA, "mini-text.yaml")
    archive = tmp_path / "archive"
    out = tmp_path / "out" / "page.pdf"
    r = run_cli([article, "-o", str(out), "--archive-to", str(archive), "-q"])
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(archive)) == ["2024-03-01_p03_article"]  # the page's own folder, filed in one step
    archive = archive / "2024-03-01_p03_article"
    names = sorted(os.listdir(archive))
    assert names == ["2024-03-01_p03_article.alto.xml", "2024-03-01_p03_article.archive.pdf",
                     "2024-03-01_p03_article.manifest.json", "2024-03-01_p03_article.pdf"]
    before = {n: (archive / n).read_bytes() for n in names}

    again = tmp_path / "again" / "page.pdf"
    r = run_cli([article, "-o", str(again), "--archive-to", str(archive.parent), "-q"])
    assert r.returncode == 1 and r.stderr.startswith("error: ") and "--force" in r.stderr
    assert not again.exists()  # refused before anything was written
    assert {n: (archive / n).read_bytes() for n in names} == before

    r = run_cli([article, "-o", str(again), "--archive-to", str(archive.parent), "--force", "-q"])
    assert r.returncode == 0, r.stderr
    assert again.exists()


def test_o_folder_writes_the_name_of_the_input(run_cli, tmp_path):
    # -o an existing folder: the outputs take the input's name (mini-text.yaml -> mini-text.pdf), not a fixed one.
    folder = tmp_path / "pages"
    folder.mkdir()
    r = run_cli([os.path.join(DATA, "mini-text.yaml"), "-o", str(folder), "-q"])
    assert r.returncode == 0, r.stderr
    names = sorted(n for n in os.listdir(folder) if not n.startswith("."))  # .zhpaper-…: the set's own folder
    assert "mini-text.pdf" in names and not any(n.startswith("article.") for n in names), names
    assert all(n.startswith("mini-text.") for n in names), names
    assert (folder / "mini-text.pdf").read_bytes().startswith(b"%PDF-")
