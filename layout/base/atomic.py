"""Writing files so that readers never see half of one: all-or-none replacement of outputs and
cache entries. No PDF or image library is imported here, so any stage may write."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping


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
            fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if sync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs and a shared cache must be readable
        for tmp, path in staged:
            os.replace(tmp, path)
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
