"""The cache folder, and facts about input files remembered there: sha256 digests, photo sizes.

The manifest names every font file a page was set with by its sha256, and layout needs each
photo's size; hashing ≈100 MB of fonts or opening eleven JPEGs on every rebuild would cost more
than the rest of a warm build. A fact is kept in the cache, keyed by the file's real path, size
and modification time and by the kind of fact: a changed file has a new key and is read again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable


def cache_root() -> str:
    """Where every cache lives: $ZHPAPER_CACHE, else $XDG_CACHE_HOME/zhpaper, else ~/.cache/zhpaper."""
    if os.environ.get("ZHPAPER_CACHE"):
        return os.environ["ZHPAPER_CACHE"]
    xdg = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(xdg, "zhpaper")


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def remembered(path: str, cache_dir: str, kind: str, compute: Callable[[str], str]) -> str:
    """`compute(path)`, or what it returned before for this very file (one line of text)."""
    st = os.stat(path)
    ident = f"{kind}\0{os.path.realpath(path)}\0{st.st_size}\0{st.st_mtime_ns}"
    slot = os.path.join(cache_dir, "facts", hashlib.sha256(ident.encode()).hexdigest()[:32])
    try:
        with open(slot, encoding="utf-8") as f:
            value = f.read()
        if value:
            return value
    except OSError:
        pass
    value = compute(path)
    try:
        os.makedirs(os.path.dirname(slot), exist_ok=True)
        tmp = f"{slot}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(value)
        os.replace(tmp, slot)
    except OSError:
        pass  # a read-only cache only costs time
    return value


def sha256_cached(path: str, cache_dir: str) -> str:
    return remembered(path, cache_dir, "sha256", sha256_file)
