"""Writing files so that readers never see half of one: one file replaced whole (a cache entry,
the edition's own files). A page's set of outputs is replaced whole by layout.base.outset. No PDF or image library is imported here, so any stage may write."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping

from layout.base.outset import sweep, tmp_prefix


def atomic_write_all(files: Mapping[str, bytes], sync: bool = True) -> None:
    """Write several files so that either all are replaced or none is: every file goes to a
    temporary file beside its target first; the renames happen only once all are written.
    `sync` flushes each to disk before the renames (outputs); a cache entry can skip it."""
    staged: list[tuple[str, str]] = []
    path = ""
    try:
        for path, data in files.items():
            folder = os.path.dirname(os.path.abspath(path))
            os.makedirs(folder, exist_ok=True)
            # named so that a later run recognises it as this process's and removes it once we are gone
            fd, tmp = tempfile.mkstemp(prefix=tmp_prefix(), suffix="." + os.path.basename(path), dir=folder)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if sync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs and a shared cache must be readable
        for tmp, path in staged:
            os.replace(tmp, path)
        if sync:  # an output, not a cache entry (a cache folder may be large): leftovers of dead runs go
            for folder in {os.path.dirname(os.path.abspath(p)) for p in files}:
                sweep(folder)
    except BaseException as exc:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        if isinstance(exc, OSError):  # name the file the desk asked for, not our temporary
            raise OSError(exc.errno, exc.strerror, path) from None
        raise


def atomic_write(path: str, data: bytes, sync: bool = True) -> None:
    """Write `data` to `path` so readers see the old file or the whole new one, never a part."""
    atomic_write_all({path: data}, sync)
