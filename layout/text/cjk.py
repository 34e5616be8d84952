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

import re
from operator import or_

from layout.base.han import is_han  # noqa: F401  (the text stage's name for it: layout.text.is_han, cjk.is_han)

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
# A lone — is the 一字线 connector and never starts a line (basic level, [GB] §5.1.8 connectors);
# doubled it is the 破折号 unit, which only the strict level keeps off the line start.
DASH = "—"

STRICTNESS_LEVELS = ("basic", "gb", "strict")

# [clreq] #hanging_punctuation_marks_at_line_end: only these may hang, and never a run of marks.
HANGABLE = frozenset("、，。")

# Digit-run separators: 29.8 and 1,000 stay together ([clreq] #prohibition_rules_for_unbreakable_marks).
NUMBER_SEPARATORS = frozenset(".,")

# GB §5.1.2: ？ and ！ used in runs: two take one em, three take two.
QUERY_EXCLAIM = frozenset("？！")


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
    if ch in NOT_AT_START_BASIC or ch == DASH:
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

# One letter per class, so that whole-paragraph rules run as regular expressions over a class
# string (C speed) instead of a Python loop per character.
CLASS_LETTERS = "HLSOCPTMDGXFhZ"  # indexed by class number; D = LONG, G = connector, X/F = post/prefix


class _LetterTable(dict):
    """str.translate table: code point → class letter, filled on first use."""

    def __missing__(self, code: int) -> str:
        letter = CLASS_LETTERS[char_class(chr(code))]
        self[code] = letter
        return letter


_LETTERS = _LetterTable()


def class_string(text: str) -> str:
    """The class letter of every character of `text` (same length)."""
    return text.translate(_LETTERS)


# Each character's line-start/line-end prohibitions as one ASCII letter ("@" + bit flags), so
# break_kinds turns a paragraph's letters into prohibited offsets with bytes.translate (C speed)
# instead of a Python step per punctuation mark. Bits name the tables above.
_START_BASIC, _START_STRICT, _END_BASIC, _END_GB = 1, 2, 4, 8


def rule_letter(ch: str) -> str:
    """The prohibition letter of one character (see rule_string)."""
    bits = ((_START_BASIC if ch in NOT_AT_START_BASIC else 0) | (_START_STRICT if ch in NOT_AT_START_STRICT_EXTRA else 0)
            | (_END_BASIC if ch in NOT_AT_END_BASIC else 0) | (_END_GB if ch in NOT_AT_END_GB_EXTRA else 0))
    return chr(64 + bits)


class _RuleTable(dict):
    """str.translate table: code point → prohibition letter, filled on first use."""

    def __missing__(self, code: int) -> str:
        letter = self[code] = rule_letter(chr(code))
        return letter


_RULES = _RuleTable()


def rule_string(text: str) -> str:
    """The prohibition letter of every character of `text` (same length)."""
    return text.translate(_RULES)


def _flag_row(mask: int) -> bytes:
    """bytes.translate table: a prohibition letter → BREAK_PROHIBITED if it has any bit of `mask`,
    else BREAK_OK (so two rows OR together into break kinds)."""
    return bytes(BREAK_PROHIBITED if 64 <= i < 128 and (i - 64) & mask else BREAK_OK for i in range(256))


_NOT_START_ROW = {"basic": _flag_row(_START_BASIC), "gb": _flag_row(_START_BASIC),
                  "strict": _flag_row(_START_BASIC | _START_STRICT)}
_NOT_END_ROW = {"basic": _flag_row(_END_BASIC), "gb": _flag_row(_END_BASIC | _END_GB),
                "strict": _flag_row(_END_BASIC | _END_GB)}
# [GB] §5.1.5: —— and …… (also ⋯⋯) are one two-em unit; match the second half of each pair.
_LONE_DASH_RE = re.compile("(?<!—)—(?!—)")
_ANY_DASH_RE = re.compile("—")
_LONG_PAIR_RE = re.compile("([—…⋯⸺⸻])(?=\\1)")  # first halves; the break after each is inside the unit
# [clreq] #prohibition_rules_for_unbreakable_marks: 29.8, 1,000 — separators between digits.
_NUMBER_SEP_RE = re.compile(r"[0-9][.,](?=[0-9])")  # the separator is at match start + 1
_LATIN_RUN_RE = re.compile("L{2,}")
_SPACE_RUN_RE = re.compile(" +")  # words and digit runs: 5G, 2020
_PREFIX_NUM_RE = re.compile("FL")  # ￥100
_NUM_POSTFIX_RE = re.compile("LX")  # 100%
# (Patterns lead with a literal or a set rather than a look-behind so the regex engine can scan.)


def break_kinds(text: str, strictness: str = "strict", classes: str | None = None,
                rules: str | None = None) -> bytearray:
    """Break kind at every offset 0..len(text): kinds[i] is about a break between text[i-1] and text[i].

    kinds[0] and kinds[len] are BREAK_OK (paragraph edges). Line-start/end prohibitions follow
    the clreq level (tables above). Unbreakable units follow [clreq]
    #prohibition_rules_for_unbreakable_marks and [jlreq] #unbreakable_character_sequences:
    ——/…… pairs, Latin words and digit runs (with . and , between digits), prefix+number,
    number+postfix; 120亿 and 16万 may break before the Han character. A space is breakable only
    after it (it is dropped at the break). `classes` and `rules` are `class_string(text)` and
    `rule_string(text)` if already computed.
    """
    _check_level(strictness)
    n = len(text)
    letters = (rule_string(text) if rules is None else rules).encode("ascii")
    # A break at i is prohibited when text[i] may not start a line or text[i-1] may not end one.
    kinds = bytearray(map(or_, letters.translate(_NOT_START_ROW[strictness]) + b"\0",
                          b"\0" + letters.translate(_NOT_END_ROW[strictness])))
    rx_dash = _ANY_DASH_RE if strictness == "strict" else _LONE_DASH_RE
    for m in rx_dash.finditer(text):
        if m.start() > 0:
            kinds[m.start()] = BREAK_PROHIBITED
    cs = class_string(text) if classes is None else classes
    for m in _LATIN_RUN_RE.finditer(cs):
        s, e = m.span()
        kinds[s + 1 : e] = bytes((BREAK_NEVER,)) * (e - s - 1)
    for rx, src in ((_PREFIX_NUM_RE, cs), (_NUM_POSTFIX_RE, cs), (_LONG_PAIR_RE, text)):
        for m in rx.finditer(src):
            kinds[m.start() + 1] = BREAK_NEVER
    for m in _NUMBER_SEP_RE.finditer(text):
        kinds[m.start() + 1] = kinds[m.start() + 2] = BREAK_NEVER
    not_end = NOT_AT_END_BASIC if strictness == "basic" else NOT_AT_END_BASIC | NOT_AT_END_GB_EXTRA
    for m in _SPACE_RUN_RE.finditer(text):
        s, e = m.span()
        kinds[max(1, s) : e] = bytes((BREAK_NEVER,)) * (e - max(1, s))
        if s == 0:  # leading spaces: a break right after them would leave an empty line
            kinds[1 : e + 1] = bytes((BREAK_NEVER,)) * e
        # A break after spaces leaves the mark before them at the line end.
        elif e < n and kinds[e] == BREAK_OK and text[s - 1] in not_end:
            kinds[e] = BREAK_PROHIBITED
    kinds[0] = kinds[n] = BREAK_OK
    return kinds


_PUNCT_RUN_RE = re.compile("[OCPTM]{2,}")


def pair_compression(text: str, left_em: list[float], right_em: list[float],
                     classes: str | None = None) -> tuple[list[float], list[float], list[int]]:
    """Blanks removed by adjacent-punctuation compression: (removed_left_em, removed_right_em, touched).

    `left_em`/`right_em` are each mark's removable blanks (0 for anything not full width);
    `touched` lists the offsets that lost something. Rules, [clreq]
    #h-adjustment_of_adjacent_punctuation_marks: two adjacent full-width marks take 1.5 em — the
    first loses its trailing blank when it is a closer, pause or stop mark (。” ）。 ，“); of two
    openers the second loses its leading blank (（“) so brackets hug their text.
    [GB] §5.1.2: ？？ ！！ ？！ take one em together (both halved); in longer runs, pairs from the left
    (three marks take two em).
    """
    n = len(text)
    rem_l = [0.0] * n
    rem_r = [0.0] * n
    touched: list[int] = []
    cs = class_string(text) if classes is None else classes
    for m in _PUNCT_RUN_RE.finditer(cs):
        s, e = m.span()
        i = s
        while i < e - 1:
            if text[i] in QUERY_EXCLAIM and text[i + 1] in QUERY_EXCLAIM:
                j = i
                while j < e and text[j] in QUERY_EXCLAIM:
                    j += 1
                for k in range(i, i + (j - i) // 2 * 2):
                    if right_em[k] > 0.0:
                        rem_r[k] = right_em[k]
                        touched.append(k)
                i = j - 1  # the run's last mark may still pair with a following closer
                continue
            cx, cy = cs[i], cs[i + 1]
            if cx in "CPT" and right_em[i] > 0.0 and rem_r[i] == 0.0:
                rem_r[i] = right_em[i]
                touched.append(i)
            elif cx == "O" and cy == "O" and left_em[i + 1] > 0.0:
                rem_l[i + 1] = left_em[i + 1]
                touched.append(i + 1)
            i += 1
    return rem_l, rem_r, sorted(set(touched))


# ---------------------------------------------------------------------------------------------
# 孤字: a paragraph's last line holding a single character.
# ---------------------------------------------------------------------------------------------
# docs/typography.md §3.3 ([clreq] #adjustments_of_orphans_and_widows): "last line holding one Han
# char (or one char + punctuation) is not allowed"; [xeCJK] CheckSingle keeps the last characters
# of a paragraph together for the same reason. What a reader sees as the line's text is what
# counts: punctuation ([GB] §4 lists 连接号 and 分隔号 among the marks; ASCII marks too) and spaces
# do not, so 中。” is one character. A Latin letter or digit is as lonely as a Han character
# (A。 is a 孤字 like 中。), and signs that belong to a number or other symbols are text (5% is two).
COUNTS_AS_TEXT: dict[int, bool] = {
    HAN: True,
    LATIN: True,
    OTHER: True,
    POSTFIX: True,
    PREFIX: True,
    SPACE: False,
    OPEN: False,
    CLOSE: False,
    PAUSE: False,
    STOP: False,
    MIDDLE: False,
    LONG: False,
    CONNECTOR: False,
    HALFPUNCT: False,
}


# Only the classes char_class computes (rather than looks up in _CLASS_OF) are open-ended, and all
# of them count as text: so the characters that do not count are exactly those listed in _CLASS_OF
# under a class that does not, and one regular expression over them says whether a line is a 孤字,
# failing at the second character of text (the breaker asks about every start near a paragraph's end).
assert COUNTS_AS_TEXT[HAN] and COUNTS_AS_TEXT[LATIN] and COUNTS_AS_TEXT[OTHER]
_NOT_TEXT = re.escape("".join(sorted(c for c, k in _CLASS_OF.items() if not COUNTS_AS_TEXT[k])))
_LONELY_RE = re.compile(f"[{_NOT_TEXT}]*[^{_NOT_TEXT}][{_NOT_TEXT}]*")


def is_lonely_line(chars: str) -> bool:
    """True if `chars`, a paragraph's last line, is a 孤字: exactly one character that counts as
    text (a Han character, a Latin letter or digit, a symbol), with any punctuation and spaces.

    The caller says which line is the last of a paragraph of more than one line; a line of
    punctuation alone is not a 孤字 (a mark at a line start is the 避头 rule's business).
    """
    return _LONELY_RE.fullmatch(chars) is not None
