"""The cache folder, and facts about input files remembered there: sha256 digests, photo sizes.

The manifest names every font file a page was set with by its sha256, and layout needs each
photo's size; hashing ≈100 MB of fonts or opening eleven JPEGs on every rebuild would cost more
than the rest of a warm build. A fact is kept in the cache (a verified entry, `layout.base.cachefile`),
keyed by the file's real path, size and modification time and by the kind of fact: a changed file has a
new key and is read again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

from layout.base.cachefile import Store


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


def remembered(path: str, cache_dir: str, kind: str, compute: Callable[[str], str],
               check: Callable[[str], bool] | None = None) -> str:
    """`compute(path)`, or what it returned before for this very file (one line of text). `check`
    vouches for a remembered value's shape (a verified entry of another shape is dropped, made again)."""
    st = os.stat(path)
    ident = f"{kind}\0{os.path.realpath(path)}\0{st.st_size}\0{st.st_mtime_ns}"
    store = Store(cache_dir, "facts")
    name = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def parse(content: bytes) -> str | None:
        value = content.decode("utf-8")
        return value if value and (check is None or check(value)) else None

    value = store.get(name, ident, parse)
    if value is not None:
        return value
    value = compute(path)
    store.put(name, ident, value.encode("utf-8"))  # a cache that cannot be written only costs time
    return value


def is_sha256(value: str) -> bool:
    return len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def sha256_cached(path: str, cache_dir: str) -> str:
    return remembered(path, cache_dir, "sha256", sha256_file, is_sha256)
