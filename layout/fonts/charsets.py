"""Character sets that decide what goes into a prepared (subset) font file.

A *text* role (body, caption, byline, sidebar) gets a fixed base set so that one cached file
serves most editions: GB2312 level 1 hanzi, the GB2312 symbol rows, ASCII, and the CJK
punctuation the typography rules rely on. A *display* role (headline, kicker, ...) gets only
the characters the document uses, because its cost is per glyph and headlines are short.
"""

from __future__ import annotations

import functools
import unicodedata

from layout.base.han import is_han

TEXT = "text"
DISPLAY = "display"
POLICIES = (TEXT, DISPLAY)

# Bump when the base set changes: it is part of every text-role cache key through the charset.
BASE_ID = "gb2312l1+rows1-3+ascii+cjkpunct-v1"

# Punctuation the composer and normaliser may emit that GB2312's own mapping does not give
# (Python's codec maps A1A4 to U+00B7 and A1AA to U+2014; other tables use U+30FB / U+2015).
_EXTRA_PUNCT = (
    "\u3000"  # ideographic space
    "\u00b7\u30fb\u2014\u2015\u2013\u2026\u22ef\u2e3a\u2e3b"
    "\u201c\u201d\u2018\u2019\u3001\u3002\uff0c\uff1b\uff1a\uff01\uff1f\uff08\uff09"
    "\u300a\u300b\u3008\u3009\u300c\u300d\u300e\u300f\u3010\u3011\u3014\u3015\u3016\u3017\uff5e"
    "\uff05\u2030\u2103\u00b0\u2032\u2033\uffe5\u00a5\u00d7\u00f7"
)


def _gb2312_rows(first: int, last: int) -> str:
    out = []
    for hi in range(0xA0 + first, 0xA0 + last + 1):
        row = bytes(b for lo in range(0xA1, 0xFF) for b in (hi, lo))
        try:
            out.append(row.decode("gb2312"))  # a full row in one call: this runs on every build
            continue
        except UnicodeDecodeError:
            pass
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue  # unassigned cells (e.g. the end of row 55)
    return "".join(out)


@functools.lru_cache(maxsize=1)
def gb2312_level1() -> frozenset[str]:
    """The 3,755 level-1 hanzi (GB2312 rows 16–55)."""
    return frozenset(_gb2312_rows(16, 55))


@functools.lru_cache(maxsize=1)
def text_base() -> frozenset[str]:
    """The base set of a text role (about 4,100 characters)."""
    ascii_printable = "".join(chr(c) for c in range(0x20, 0x7F))
    return frozenset(_gb2312_rows(1, 3) + ascii_printable + _EXTRA_PUNCT) | gb2312_level1()


def drawable(chars: str) -> set[str]:
    """The characters of `chars` that need a glyph: control characters (newlines) do not."""
    return {ch for ch in chars if unicodedata.category(ch) != "Cc"}


def charset_for(policy: str, doc_chars: str) -> frozenset[str]:
    """The characters a prepared file must hold for one role under `policy`."""
    if policy not in POLICIES:
        raise ValueError(f"unknown charset policy {policy!r}")
    need = drawable(doc_chars)
    if policy == TEXT:
        return frozenset(need) | text_base()
    return frozenset(need)


# ---------------------------------------------------------------- fallback scopes
#
# A fallback face in the catalog may be limited to a *scope*: the characters it is allowed to
# draw, whatever else its cmap holds. The rare-Han faces of the default catalog (HanaMin,
# BabelStone Han) also map emoji, dingbats, mahjong tiles and thousands of private-use code
# points; with `scope: han` none of those is ever drawn from them, so an emoji stays an error
# ("no font of role … can draw") unless a face the desk names for it (scope all) has it.

ALL = "all"  # every character the face has (the default; a desk's own safety net)
HAN = "han"  # CJK ideographs only (`is_han`)
SCOPES = (ALL, HAN)


def in_scope(ch: str, scope: str) -> bool:
    """True if a fallback face of `scope` may draw `ch`."""
    if scope == HAN:
        return is_han(ch)
    if scope == ALL:
        return True
    raise ValueError(f"unknown fallback scope {scope!r}")
