"""What counts as a Han character (a CJK ideograph): one definition for every stage.

The text stage sets them on the grid and the fonts stage lets a fallback face of scope `han` draw
them; both stages stand at the same rank and may not import each other, so the set lives here.
"""

from __future__ import annotations


def is_han(ch: str) -> bool:
    """True for a CJK ideograph: the Unified Ideographs block, Extension A, planes 2 and 3
    (Extensions B–I and the compatibility supplement), the compatibility ideographs, 〇 and 々."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x3FFFF
        or 0xF900 <= o <= 0xFAFF
        or o in (0x3005, 0x3007)
    )
