"""Shared helpers for the text tests: the seed article's body paragraphs."""

from pathlib import Path

import pytest

# The repository's copy of the seed article (the same text the benchmark composes).
SEED = Path(__file__).resolve().parent.parent / "data" / "seed-000_88f5a99a4fbbcac4.txt"
_ASCII_TO_GB = str.maketrans({",": "，", ";": "；", "(": "（", ")": "）"})


@pytest.fixture(scope="session")
def seed_paragraphs():
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines()]
    return [ln.translate(_ASCII_TO_GB) for ln in lines if len(ln) > 40]
