"""Shared helpers for the text tests: the seed article's body paragraphs."""

from pathlib import Path

import pytest

SEED = Path("/work/shared/seed/000_88f5a99a4fbbcac4.txt")
_ASCII_TO_GB = str.maketrans({",": "，", ";": "；", "(": "（", ")": "）"})


@pytest.fixture(scope="session")
def seed_paragraphs():
    if not SEED.exists():
        pytest.skip("seed article not available")
    lines = [ln.strip() for ln in SEED.read_text(encoding="utf-8").splitlines()]
    return [ln.translate(_ASCII_TO_GB) for ln in lines if len(ln) > 40]
