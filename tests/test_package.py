"""zhpaper as a Python user installs it: a wheel built from the tree, installed into a new virtualenv,
and its `zhpaper` command run from a folder that has nothing to do with the checkout.

The wheel is built offline from a copy of the tree (nothing is written into the work tree) with the
set-up's setuptools; the new virtualenv has no pip and no packages of its own: pip installs the
wheel into it (`pip --python`, `--no-index`: only the wheel itself is offered) and finds its
dependencies already installed through a .pth line naming the set-up's site-packages (the same
pinned versions; nothing is fetched). The installed command must then build a page byte for byte
as make_pdf.py in the checkout does, reading its templates, font catalog and output profile from
the installed package.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from support import ROOT, run_make_pdf

PACKAGES = sorted(os.path.relpath(d, ROOT).replace(os.sep, ".") for d, _, files in os.walk(os.path.join(ROOT, "layout"))
                  if "__init__.py" in files)
DATA = ["layout/source/templates/broadsheet.yaml", "layout/source/templates/tabloid.yaml", "layout/fonts/catalog.yaml",
        "layout/photo/icc/IFRA26S.icc", "layout/app/static/desk.html", "layout/app/static/desk.js",
        "layout/app/static/desk.css"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> str:
    src = tmp_path_factory.mktemp("src")
    shutil.copytree(os.path.join(ROOT, "layout"), src / "layout", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(os.path.join(ROOT, name), src / name)
    dist = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                        "--disable-pip-version-check", "-q", "-w", str(dist), str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (name,) = [f for f in os.listdir(dist) if f.endswith(".whl")]
    return str(dist / name)


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> str:
    """A new virtualenv with the wheel installed; its bin folder."""
    home = tmp_path_factory.mktemp("venv")
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(home)], check=True)
    py = str(home / "bin" / "python")
    purelib = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(purelib, "set-up-dependencies.pth"), "w") as fh:
        fh.write(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run([sys.executable, "-m", "pip", "--python", py, "install", "--no-index", "--disable-pip-version-check",
                        "-q", "--find-links", os.path.dirname(wheel), "zhpaper"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return str(home / "bin")


def _env(cache: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["ZHPAPER_CACHE"] = cache
    return env


def test_the_wheel_holds_every_package_and_the_data_it_reads(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [p for p in PACKAGES if p.replace(".", "/") + "/__init__.py" not in names]
    assert not missing and len(PACKAGES) >= 10, missing
    modules = {os.path.relpath(os.path.join(d, f), ROOT) for d, _, fs in os.walk(os.path.join(ROOT, "layout"))
               for f in fs if f.endswith(".py")}
    assert modules <= names
    assert set(DATA) <= names
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "zhpaper = layout.app.command:main" in entry


def test_the_installed_package_reads_its_data_from_itself(venv, tmp_path):
    code = ("import layout, os; from layout.fonts.faces import DEFAULT_CATALOG; from layout.photo.colour import "
            "DEFAULT_PROFILE; from layout.source.template import resolve_template_path; "
            "print(os.path.dirname(layout.__file__)); print(DEFAULT_CATALOG); print(DEFAULT_PROFILE); "
            "print(resolve_template_path('tabloid'))")
    r = subprocess.run([os.path.join(venv, "python"), "-c", code], cwd=tmp_path, capture_output=True, text=True,
                       env=_env(str(tmp_path)))
    assert r.returncode == 0, r.stderr
    home, *data = r.stdout.split()
    assert home.startswith(os.path.dirname(venv)) and not home.startswith(ROOT)
    assert all(p.startswith(home + os.sep) and os.path.isfile(p) for p in data), data


def test_zhpaper_build_from_another_folder_makes_the_checkouts_bytes(venv, tmp_path, zhpaper_cache):
    page = tmp_path / "desk"
    (page / "assets").mkdir(parents=True)
    shutil.copy(os.path.join(ROOT, "article.yaml"), page / "article.yaml")
    shutil.copytree(os.path.join(ROOT, "assets", "photos"), page / "assets" / "photos")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = subprocess.run([os.path.join(venv, "zhpaper"), "build", str(page / "article.yaml"), "-o", "out/page.pdf"],
                       cwd=elsewhere, capture_output=True, text=True, env=_env(zhpaper_cache))
    assert r.returncode == 0, r.stderr
    assert "wrote out/page.pdf" in r.stderr
    ref = run_make_pdf([str(page / "article.yaml"), "-o", str(tmp_path / "ref" / "page.pdf")], zhpaper_cache)
    assert ref.returncode == 0, ref.stderr
    for name in ("page.pdf", "page.archive.pdf", "page.alto.xml", "page.manifest.json"):
        with open(elsewhere / "out" / name, "rb") as a, open(tmp_path / "ref" / name, "rb") as b:
            assert a.read() == b.read(), name


def test_the_installed_command_says_what_it_does(venv, tmp_path):
    zh = os.path.join(venv, "zhpaper")
    r = subprocess.run([zh, "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("zhpaper ")
    r = subprocess.run([zh, "build", str(tmp_path / "missing.yaml")], capture_output=True, text=True, cwd=tmp_path,
                       env=_env(str(tmp_path)))
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "missing.yaml" in r.stderr and "Traceback" not in r.stderr
