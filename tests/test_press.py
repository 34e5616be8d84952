"""layout.output.press: the back half as one function."""

from __future__ import annotations

from layout.output import finish, press
from layout.errors import InputError


def test_warm_up_is_only_a_head_start(monkeypatch):
    # A default profile that cannot be read must not fail a job that names its own (--icc).
    def unreadable(path):
        raise InputError("cannot read output ICC profile", path)

    monkeypatch.setattr(finish, "prime", unreadable)
    press.warm_up("/nonexistent.icc")
