"""Chinese character classes and line-break rules, as tables that cite their source.

Everything here is a pure function of characters: which class a character belongs to, whether it
may start or end a line at a given strictness level, where a paragraph may break (and where a
break would only be a last resort), and how adjacent punctuation marks are compressed.
Widths come from the caller's font metrics; this module only says *which* blank of a mark may go.

Sources (tags as in docs/typography.md):
  [clreq]  W3C Requirements for Chinese Text Layout, https://www.w3.org/TR/clreq/
  [GB]     GB/T 15834-2011《标点符号用法》§5 (positions of marks)
  [jlreq]  W3C Requirements for Japanese Text Layout
  [xeCJK]  CTeX-org/ctex-kit xeCJK.dtx option docs
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# Character classes. Small ints so per-character arrays stay cheap in the line breaker.
# ---------------------------------------------------------------------------------------------
HAN = 0  # ideographs, kana, hangul, full-width forms: one grid cell each, breakable on both sides
LATIN = 1  # letters and European digits: proportional, never broken inside a word/number
SPACE = 2  # U+0020 word space: droppable at a line break
OPEN = 3  # opening quotes/brackets: blank on the left half (GB position)
CLOSE = 4  # closing quotes/brackets: blank on the right half
PAUSE = 5  # ，、；： pause marks: ink lower-left, right half blank
STOP = 6  # 。．？！ stop marks: ink left, right half blank
MIDDLE = 7  # interpuncts: centred, a quarter blank on each side
LONG = 8  # —— …… : two-em units that must not be split
CONNECTOR = 9  # short connectors and solidus: -, –, ～, ／
POSTFIX = 10  # %, ‰, ℃ ...: belong to the preceding number
PREFIX = 11  # ￥, $, #, № ...: belong to the following number
HALFPUNCT = 12  # ASCII , . ; : ? ! that survived normalisation (half width, no blank to remove)
OTHER = 13  # anything else (symbols): treated like a Han cell for breaking

# Full-width punctuation classes whose blanks may be compressed ([clreq] #punctuation_width_adjustment).
CJK_PUNCT_CLASSES = frozenset({OPEN, CLOSE, PAUSE, STOP, MIDDLE})

# [clreq] #h-punctuation_adjustment_space / [GB] §5.1.1: where the blank half of a full-width mark
# sits in mainland (GB) glyph positions, as a halt-style (x_placement_em, x_advance_em) adjustment
# removing that blank. Used when the font has no `halt` entry for the mark.
HALT_FALLBACK_EM: dict[int, tuple[float, float]] = {
    OPEN: (-0.5, -0.5),  # ink hugs the right side: drop the left half
    CLOSE: (0.0, -0.5),  # ink hugs the left side: drop the right half
    PAUSE: (0.0, -0.5),  # ，、；： lower-left
    STOP: (0.0, -0.5),  # 。？！ left
    MIDDLE: (-0.25, -0.5),  # centred: a quarter off each side
}

# ---------------------------------------------------------------------------------------------
# Class membership tables.
# ---------------------------------------------------------------------------------------------
# [GB] §4 (mark names) and [clreq] #punctuation_marks, zh-Hans; ASCII forms are listed for text
# that escaped normalisation (docs/typography.md §1.2).
_CLASS_OF: dict[str, int] = {}
for _chars, _cls in (
    ("“‘（《〈「『【〔〖［｛〘〚﹁﹃", OPEN),
    ("”’）》〉」』】〕〗］｝〙〛﹂﹄", CLOSE),
    ("，、；：", PAUSE),
    ("。．？！", STOP),
    ("·・•", MIDDLE),
    ("—…⋯⸺⸻‥", LONG),
    ("-‐‑–～〜／/", CONNECTOR),
    ("%％‰‱℃℉°′″", POSTFIX),
    ("￥¥＄$￡£#＃§№", PREFIX),
    (",.;:?!", HALFPUNCT),
    ("([{", OPEN),  # ASCII brackets: half width, so no blank is removed (see halt gating)
    (")]}", CLOSE),
    (" ", SPACE),
):
    for _c in _chars:
        _CLASS_OF[_c] = _cls

# [GB] §5.1.7: 分隔号 ／ neither starts nor ends a line; the ASCII solidus follows it.
SOLIDUS = frozenset("／/")

# [clreq] #prohibition_rules_for_line_start_end, level "basic" (基本处理) — not at line start:
# pause/stop marks, closing quotes/brackets, connector marks, interpuncts; [GB] §5.1.1–5.1.9 agree
# (。，、；：？！ never start a line, closers never start one, 间隔号 not at line start).
# Postfix signs are added because they belong to their number (docs/typography.md §1.2).
NOT_AT_START_BASIC = frozenset(
    "、，。．；：？！"
    "”’）》〉」』】〕〗］｝〙〛﹂﹄"
    "·・"
    "／-‐‑–～〜"
    "—"  # a single 一字线 (connector); a doubled —— is the LONG unit below
    "%％‰‱℃℉°′″"
    ",.;:?!)]}"
    "々〻ー"  # iteration marks and the prolonged sound mark never begin a line ([jlreq] cl-11)
)
# Level "basic" — not at line end: opening quotes/brackets ([clreq] same section; [GB] §5.1.3/5.1.4),
# plus prefix signs which belong to the following number (docs/typography.md §1.2).
NOT_AT_END_BASIC = frozenset("“‘（《〈「『【〔〖［｛〘〚﹁﹃([{" "￥¥＄$￡£#＃§№")
# Level "gb" (GB法) adds: the solidus 分隔号 is not at line end either ([clreq]; [GB] §5.1.7).
NOT_AT_END_GB_EXTRA = frozenset(SOLIDUS)
# Level "strict" (严格处理) adds: —— and …… do not start a line ([clreq]; [xeCJK] NoBreakLongPunct).
NOT_AT_START_STRICT_EXTRA = frozenset("…⋯⸺⸻‥")

STRICTNESS_LEVELS = ("basic", "gb", "strict")

# [clreq] #hanging_punctuation_marks_at_line_end: only these may hang, and never a run of marks.
HANGABLE = frozenset("、，。")

# Digit-run separators: 29.8 and 1,000 stay together ([clreq] #prohibition_rules_for_unbreakable_marks).
NUMBER_SEPARATORS = frozenset(".,")

# GB §5.1.2: ？ and ！ used in runs: two take one em, three take two.
QUERY_EXCLAIM = frozenset("？！")


def is_han(ch: str) -> bool:
    """True for a CJK ideograph (Unified, extensions, compatibility, 〇 and 々)."""
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x3FFFF
        or 0xF900 <= o <= 0xFAFF
        or o in (0x3005, 0x3007)
    )


def _is_latin(ch: str) -> bool:
    # Letters and European digits of the Latin/Greek/Cyrillic scripts; full-width forms are cells.
    o = ord(ch)
    if o < 0x80:
        return ch.isalnum()
    return o < 0x2000 and ch.isalnum()


_CACHE: dict[str, int] = {}


def char_class(ch: str) -> int:
    """The class of one character (memoised; pure)."""
    cls = _CACHE.get(ch)
    if cls is None:
        cls = _CLASS_OF.get(ch)
        if cls is None:
            if _is_latin(ch):
                cls = LATIN
            elif is_han(ch) or 0x3040 <= ord(ch) <= 0x30FF or 0xAC00 <= ord(ch) <= 0xD7AF or 0xFF00 <= ord(ch) <= 0xFFEF:
                cls = HAN
            else:
                cls = OTHER
        _CACHE[ch] = cls
    return cls


def _check_level(strictness: str) -> None:
    if strictness not in STRICTNESS_LEVELS:
        raise ValueError(f"strictness must be one of {STRICTNESS_LEVELS}, not {strictness!r}")


def prohibited_at_start(ch: str, strictness: str = "strict") -> bool:
    """True if `ch` may not begin a line at this clreq level ("basic" | "gb" | "strict")."""
    _check_level(strictness)
    if ch in NOT_AT_START_BASIC:
        return True
    return strictness == "strict" and ch in NOT_AT_START_STRICT_EXTRA


def prohibited_at_end(ch: str, strictness: str = "strict") -> bool:
    """True if `ch` may not end a line at this clreq level ("basic" | "gb" | "strict")."""
    _check_level(strictness)
    if ch in NOT_AT_END_BASIC:
        return True
    return strictness != "basic" and ch in NOT_AT_END_GB_EXTRA


# Break kinds between two characters, from most to least acceptable.
BREAK_OK = 0  # an ordinary break opportunity
BREAK_PROHIBITED = 1  # 避头尾 would be violated: last resort only, reported
BREAK_NEVER = 2  # inside an unbreakable unit (word, number, ——, ……) or before a space


def break_kinds(text: str, classes: list[int], strictness: str = "strict") -> list[int]:
    """Break kind at every offset 0..len(text): kinds[i] is about a break between text[i-1] and text[i].

    kinds[0] and kinds[len] are BREAK_OK (paragraph edges). Unbreakable units follow [clreq]
    #prohibition_rules_for_unbreakable_marks and [jlreq] #unbreakable_character_sequences:
    ——/…… pairs, Latin words and digit runs (with . and , between digits), prefix+number,
    number+postfix. A space is breakable only after it (it is dropped at the break).
    """
    _check_level(strictness)
    n = len(text)
    kinds = [BREAK_OK] * (n + 1)
    not_start = NOT_AT_START_BASIC | NOT_AT_START_STRICT_EXTRA if strictness == "strict" else NOT_AT_START_BASIC
    not_end = NOT_AT_END_BASIC | NOT_AT_END_GB_EXTRA if strictness != "basic" else NOT_AT_END_BASIC
    for i in range(1, n):
        x = text[i - 1]
        y = text[i]
        cx = classes[i - 1]
        cy = classes[i]
        if cy == SPACE:
            kind = BREAK_NEVER
        elif cx == LATIN and cy == LATIN:
            kind = BREAK_NEVER
        elif cx == LONG and x == y:
            kind = BREAK_NEVER  # —— and …… are one two-em unit ([GB] §5.1.5)
        elif (
            (cx == LATIN and y in NUMBER_SEPARATORS and i + 1 < n and text[i + 1].isdigit() and x.isdigit())
            or (x in NUMBER_SEPARATORS and cy == LATIN and y.isdigit() and i >= 2 and text[i - 2].isdigit())
        ):
            kind = BREAK_NEVER
        elif (cx == PREFIX and cy == LATIN) or (cx == LATIN and cy == POSTFIX):
            kind = BREAK_NEVER
        elif x in not_end or y in not_start:
            kind = BREAK_PROHIBITED
        else:
            kind = BREAK_OK
        kinds[i] = kind
    return kinds


def pair_compression(text: str, classes: list[int], left_em: list[float], right_em: list[float]) -> tuple[list[float], list[float]]:
    """Blanks removed by adjacent-punctuation compression: (removed_left_em, removed_right_em) per char.

    `left_em`/`right_em` are each mark's removable blanks (0 for anything not full width).
    Rules, [clreq] #h-adjustment_of_adjacent_punctuation_marks: two adjacent full-width marks take
    1.5 em — the first loses its trailing blank when it is a closer, pause or stop mark (。” ）。 ，“);
    of two openers the second loses its leading blank (（“) so brackets hug their text.
    [GB] §5.1.2: ？？ ！！ ？！ take one em together (both halved); in longer runs, pairs from the left.
    """
    n = len(text)
    rem_left = [0.0] * n
    rem_right = [0.0] * n
    i = 0
    while i < n - 1:
        cx = classes[i]
        if text[i] in QUERY_EXCLAIM and text[i + 1] in QUERY_EXCLAIM:
            j = i
            while j < n and text[j] in QUERY_EXCLAIM:
                j += 1
            for k in range(i, i + (j - i) // 2 * 2):
                rem_right[k] = right_em[k]
            i = j - 1  # the run's last mark may still pair with a following closer
            continue
        cy = classes[i + 1]
        if cy in CJK_PUNCT_CLASSES and cx in CJK_PUNCT_CLASSES:
            if cx in (CLOSE, PAUSE, STOP) and right_em[i] > 0.0 and rem_right[i] == 0.0:
                rem_right[i] = right_em[i]
            elif cx == OPEN and cy == OPEN and left_em[i + 1] > 0.0:
                rem_left[i + 1] = left_em[i + 1]
        i += 1
    return rem_left, rem_right
