"""Bounded memo tables for the watch process's incremental builds.

A `Memo` maps a key made of content (texts, numbers, hashes of file bytes; never a time) to a
result computed from exactly that content, so a hit gives the very object a fresh computation
would give. It holds at most `max_items` entries and, when sizes are given, `max_bytes` of them;
the least recently used go first. `Memos` names one table per kind of result, so a long watch
session keeps each kind within its own bound.

No stage keeps one of these in a module global: whoever wants results kept between builds (the
watch process's `layout.pipeline.Session`) owns the tables and passes them in.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class Memo:
    """A least-recently-used table of at most `max_items` entries and `max_bytes` of sized ones."""

    def __init__(self, max_items: int = 256, max_bytes: int | None = None):
        self.max_items = max_items
        self.max_bytes = max_bytes
        self._data: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._data

    def get(self, key: Hashable, default: Any = None) -> Any:
        found = self._data.get(key, _MISSING)
        if found is _MISSING:
            self.misses += 1
            return default
        self._data.move_to_end(key)
        self.hits += 1
        return found[0]

    def put(self, key: Hashable, value: Any, size: int = 0) -> Any:
        old = self._data.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._data[key] = (value, size)
        self.bytes += size
        while self._data and (len(self._data) > self.max_items
                              or (self.max_bytes is not None and self.bytes > self.max_bytes and len(self._data) > 1)):
            _, (_, dropped) = self._data.popitem(last=False)
            self.bytes -= dropped
        return value

    def call(self, key: Hashable, compute: Callable[[], Any], size: Callable[[Any], int] | None = None) -> Any:
        """The value kept for `key`, else `compute()` kept and returned."""
        found = self._data.get(key, _MISSING)
        if found is not _MISSING:
            self._data.move_to_end(key)
            self.hits += 1
            return found[0]
        self.misses += 1
        value = compute()
        return self.put(key, value, size(value) if size is not None else 0)

    def clear(self) -> None:
        self._data.clear()
        self.bytes = 0


class Memos:
    """One `Memo` per kind of result, made on first use with the bounds given for that kind."""

    def __init__(self, bounds: dict[str, tuple[int, int | None]] | None = None,
                 default: tuple[int, int | None] = (256, None)):
        self._bounds = dict(bounds or {})
        self._default = default
        self._tables: dict[str, Memo] = {}

    def __getitem__(self, kind: str) -> Memo:
        table = self._tables.get(kind)
        if table is None:
            table = self._tables[kind] = Memo(*self._bounds.get(kind, self._default))
        return table

    def stats(self) -> dict[str, dict[str, int]]:
        return {k: {"items": len(t), "bytes": t.bytes, "hits": t.hits, "misses": t.misses}
                for k, t in sorted(self._tables.items())}


class DiskMemo:
    """Bytes kept as verified entries of a cache folder (`layout.base.cachefile.Store`), by a digest of
    the key (its repr), for processes that do not live to build again (the one-shot command line's
    press process): at most `max_items` entries, the least recently used removed when a new one would
    pass that. Same `get`/`put`/`call` as `Memo`. An entry that cannot be read, or is damaged, only costs
    the computation (a damaged one is warned about once and dropped)."""

    def __init__(self, store, max_items: int = 400):
        self.store = store
        self.max_items = max_items
        self.hits = 0
        self.misses = 0

    @staticmethod
    def _name(key: Hashable) -> tuple[str, str]:
        import hashlib

        text = repr(key)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40] + ".bin", text

    def get(self, key: Hashable, default: Any = None) -> Any:
        import os

        name, text = self._name(key)
        data = self.store.get(name, text)
        if data is None:
            self.misses += 1
            return default
        try:
            os.utime(self.store.path(name))  # recently used: the last to be removed
        except OSError:
            pass
        self.hits += 1
        return data

    def put(self, key: Hashable, value: bytes, size: int = 0) -> bytes:
        name, text = self._name(key)
        if self.store.put(name, text, bytes(value)):
            self._prune()
        return value

    def call(self, key: Hashable, compute: Callable[[], bytes], size: Callable[[Any], int] | None = None) -> bytes:
        found = self.get(key)
        if found is not None:
            return found
        return self.put(key, compute())

    def _prune(self) -> None:
        import os

        folder = self.store.folder
        try:
            names = [n for n in os.listdir(folder) if n.endswith(".bin")]
        except OSError:
            return
        if len(names) <= self.max_items:
            return
        stamped = []
        for n in names:
            try:
                stamped.append((os.stat(os.path.join(folder, n)).st_mtime_ns, n))
            except OSError:
                pass
        stamped.sort()
        for _, n in stamped[: len(stamped) - self.max_items * 3 // 4]:
            try:
                os.unlink(os.path.join(folder, n))
            except OSError:
                pass
