"""Errors the desk sees. Each says where, what, and a hint, on one line.

`InputError` is for bad input (usage: exit 2; content: exit 1). Bugs are ordinary exceptions
and are not caught here.
"""

from __future__ import annotations

USAGE = 2
CONTENT = 1


class InputError(Exception):
    """A problem with what the desk gave us. `str()` is the one line printed on stderr."""

    def __init__(self, what: str, where: str = "", hint: str = "", exit_code: int = CONTENT):
        self.what = what
        self.where = where
        self.hint = hint
        self.exit_code = exit_code
        super().__init__(self.line())

    def __reduce__(self):  # pickled whole (the press process sends errors back): where and hint kept
        return _restore, (type(self), self.__dict__.copy())

    def line(self) -> str:
        text = f"{self.where}: {self.what}" if self.where else self.what
        if self.hint:
            text += f" (hint: {self.hint})"
        return " ".join(_printable(text).split())  # always one line


def _printable(text: str) -> str:
    """`text` with every control character (but white space) and lone surrogate written as an escape: a
    value quoted in a message may hold one, and the line must print (and read) as it is."""
    if text.isprintable():
        return text
    return "".join(f"\\u{ord(ch):04x}" if _unprintable(ch) and ch not in "\t\n\r" else ch for ch in text)


def _unprintable(ch: str) -> bool:
    cp = ord(ch)
    return cp < 0x20 or 0x7F <= cp <= 0x9F or 0xD800 <= cp <= 0xDFFF


class UsageError(InputError):
    def __init__(self, what: str, where: str = "", hint: str = ""):
        super().__init__(what, where, hint, exit_code=USAGE)


def _restore(cls: type, state: dict) -> InputError:
    err = cls.__new__(cls)
    err.__dict__.update(state)
    Exception.__init__(err, err.line())
    return err
