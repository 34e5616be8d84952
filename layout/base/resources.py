"""The data files the package ships (the 版式 templates, the font catalog, the output profile), found
through importlib.resources: the same call finds them in a checkout, an installed wheel or a zip.

Fonts, profiles and templates are read by libraries that want a path on disk (reportlab, LittleCMS,
the YAML loader's error locations), so a file is handed over as a path; from a zip it is extracted
once for the life of the process.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.resources
import pathlib

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def data_path(package: str, *parts: str) -> str:
    """The path on disk of the data file `parts` inside `package` (e.g. "layout.fonts", "catalog.yaml")."""
    ref = importlib.resources.files(package).joinpath(*parts)
    if isinstance(ref, pathlib.Path):
        return str(ref)
    return str(_extracted.enter_context(importlib.resources.as_file(ref)))


def data_names(package: str, *folder: str) -> list[str]:
    """The names of the files in the data folder `folder` of `package`."""
    ref = importlib.resources.files(package).joinpath(*folder)
    return sorted(p.name for p in ref.iterdir() if p.is_file())
