"""Word boundaries inside a display line's phrases: jieba's dictionary, through rjieba.

Loading the dictionary takes 0.3–0.5 s and 33 MB, more than setting a whole page; most headlines
never need it (they break between their phrases or after a clause). So a build that may need it calls
`start()` early: a process forked then loads the dictionary on the other core while the page is read
and set, and `ends()` asks it. Without one (or when it has gone), the dictionary is loaded here on the
first need. Answers are kept by phrase for the life of the process: a phrase is cut the same way
every time (rjieba is pinned in requirements.txt).
"""

from __future__ import annotations

from layout.base.fork import Worker

_state: dict = {"worker": None, "warming": None, "kept": {}}


def _load() -> bool:
    import rjieba

    rjieba.cut("预热")
    return True


def _cut(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    import rjieba

    return tuple(tuple(rjieba.cut(p)) for p in phrases)


def start() -> bool:
    """Fork the segmenter, which loads the dictionary at once; whether this call started it (not when
    one is running already, or no second process can be had)."""
    if _state["worker"] is not None:
        return False
    worker = Worker()
    if worker.pid is None:  # no second process here: ends() loads the dictionary when it must
        return False
    _state["worker"], _state["warming"] = worker, worker.call(_load)
    return True


def stop() -> None:
    """Let the segmenter go (the end of a build that is the process's last)."""
    worker, warming = _state["worker"], _state["warming"]
    _state["worker"] = _state["warming"] = None
    if worker is not None:
        if warming is not None:
            warming.discard()
        worker.close()


def _words(phrases: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    worker = _state["worker"]
    if worker is not None:
        try:
            if _state["warming"] is not None:
                _state["warming"].result()
                _state["warming"] = None
            return worker.call(_cut, phrases).result()
        except Exception:  # the segmenter is gone: cut here
            _state["worker"] = _state["warming"] = None
    return _cut(phrases)


def ends(phrases: tuple[str, ...]) -> list[tuple[int, ...]]:
    """For each phrase, the offsets inside it where a word ends (not its own end)."""
    kept = _state["kept"]
    todo = tuple(p for p in dict.fromkeys(phrases) if p not in kept)
    if todo:
        for p, words in zip(todo, _words(todo)):
            at, out = 0, []
            for w in words[:-1]:
                at += len(w)
                out.append(at)
            kept[p] = tuple(out)
    return [kept[p] for p in phrases]
