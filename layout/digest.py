"""sha256 of input files for the made-from manifest, remembered across builds.

The manifest names every font file a page was set with by its sha256, so the page can be rebuilt
identically years later. Hashing the Noto collections (≈100 MB) on every rebuild would cost more
than the rest of a warm build, so a digest is kept in the cache, keyed by the file's real path,
size and modification time: a changed file has a new key and is hashed again.
"""

from __future__ import annotations

import hashlib
import os


def sha256_file(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_cached(path: str, cache_dir: str) -> str:
    st = os.stat(path)
    ident = f"{os.path.realpath(path)}\0{st.st_size}\0{st.st_mtime_ns}"
    slot = os.path.join(cache_dir, "digests", hashlib.sha256(ident.encode()).hexdigest()[:32])
    try:
        with open(slot, encoding="ascii") as f:
            digest = f.read().strip()
        if len(digest) == 64:
            return digest
    except OSError:
        pass
    digest = sha256_file(path)
    try:
        os.makedirs(os.path.dirname(slot), exist_ok=True)
        tmp = f"{slot}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="ascii") as f:
            f.write(digest)
        os.replace(tmp, slot)
    except OSError:
        pass  # a read-only cache only costs time
    return digest
