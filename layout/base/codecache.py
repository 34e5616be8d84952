"""Compiled code of the dataclasses' generated methods, kept in the cache folder between processes.

Every frozen dataclass gets its `__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__` and
`__delattr__` written as source text and compiled when its module is imported: for the ~80
dataclasses a build imports that was 35 ms of a warm one-shot build's 0.1 s of imports, every time
(bench/README.md). Python keeps the compiled code of our modules in `.pyc` files but not this; this
keeps it too. The compiled code is looked up by the exact source text the dataclasses module writes
(its BLAKE2b digest) (so a changed class just compiles again), in one verified cache entry
(layout.base.cachefile: marshal data is never read unchecked) per Python version, rewritten by a
process that had to compile something (with what it used, and what was kept while that stays under
MAX_KEPT entries). The functions made are the ones
`exec` of the same text makes: only the compiling is skipped.

Python 3.11's `dataclasses._create_fn` is what is wrapped (checked by its parameters); under another
version, or with ZHPAPER_NO_CODE_CACHE=1, nothing changes.
"""

from __future__ import annotations

import os
import sys

_state: dict = {}
MAX_KEPT = 2000  # entries; past that, a process that compiled something writes only what it used


def _entry():
    """(store, entry name, key) of the compiled code: one entry per Python version."""
    from layout.base.cachefile import Store
    from layout.base.digest import cache_root

    tag = f"{sys.implementation.cache_tag}-{sys.version_info.releaselevel}{sys.version_info.serial}"
    return Store(cache_root(), "code"), f"dataclasses-{tag}-b2.marshal", f"dataclasses code {tag} {sys.version}"


def _code_table(content: bytes) -> dict | None:
    """The kept table from an entry's content: BLAKE2b digest (20 bytes) → code object, else None."""
    import marshal
    import types

    kept = marshal.loads(content)  # (marshal.load on the file object reads in small pieces: 7× slower)
    if not isinstance(kept, dict):
        return None
    if not all(type(k) is bytes and len(k) == 20 and type(v) is types.CodeType for k, v in kept.items()):
        return None
    return kept


def install() -> None:
    """Wrap dataclasses._create_fn (once per process) so that compiled code is reused."""
    if _state or os.environ.get("ZHPAPER_NO_CODE_CACHE") == "1" or sys.version_info[:2] != (3, 11):
        return
    import dataclasses

    create = getattr(dataclasses, "_create_fn", None)
    code = getattr(create, "__code__", None)
    if code is None or code.co_varnames[:6] != ("name", "args", "body", "globals", "locals", "return_type"):
        return
    from hashlib import blake2b

    store, name, key = _entry()
    kept = store.get(name, key, _code_table) or {}  # a bad entry is warned about, dropped, compiled again
    _state.update(kept=kept, used={}, entry=(store, name, key), compiled=0)
    missing = dataclasses.MISSING

    def _create_fn(name, args, body, *, globals=None, locals=None, return_type=missing):
        # The text exactly as dataclasses._create_fn (3.11) writes it.
        if locals is None:
            locals = {}
        return_annotation = ""
        if return_type is not missing:
            locals["_return_type"] = return_type
            return_annotation = "->_return_type"
        args = ",".join(args)
        body = "\n".join(f"  {b}" for b in body)
        txt = f" def {name}({args}){return_annotation}:\n{body}"
        local_vars = ", ".join(locals.keys())
        txt = f"def __create_fn__({local_vars}):\n{txt}\n return {name}"
        key = blake2b(txt.encode("utf-8"), digest_size=20).digest()
        compiled = kept.get(key)
        if compiled is None:
            compiled = compile(txt, "<string>", "exec")
            _state["compiled"] += 1
        _state["used"][key] = compiled
        ns: dict = {}
        exec(compiled, globals, ns)
        return ns["__create_fn__"](**locals)

    dataclasses._create_fn = _create_fn
    import atexit

    atexit.register(save)


def save() -> None:
    """Keep the compiled code this process used, if it had to compile any (a verified entry,
    layout.base.cachefile; a cache that cannot be written only costs the compiling next time)."""
    if not _state or not _state["compiled"]:
        return
    import marshal

    store, name, key = _state["entry"]
    kept = _state["kept"] if len(_state["kept"]) < MAX_KEPT else {}  # old classes' code goes in time
    store.put(name, key, marshal.dumps({**kept, **_state["used"]}))
    _state["compiled"] = 0
