"""Text normalisation for Chinese running text: GB punctuation forms, quotes, whitespace.

`normalise(text, where)` is pure: it returns the new text and one info `Finding` per change
(code "normalised", where = `where` + " char N" with N the 0-based offset in the input), so
nothing is ever changed silently. Latin-only contexts ("5G", "29.8", "Hello, world") are left
alone: a half-width mark is converted only when Chinese text stands next to it.

The rules run as passes repeated until nothing changes, so the result is a fixed point:
normalising twice gives the same text as once. No rule adds or removes a Han character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from layout.base.model import Finding
from layout.base.han import is_han  # one definition of a Han character for the whole engine


@dataclass(frozen=True)
class Rule:
    """One normalisation rule: what it does (shown in findings and docs) and its source."""

    name: str
    what: str
    source: str


RULES = (
    Rule("invisible", "zero-width character removed",
         "[practice] U+200B–U+200D, U+2060, U+FEFF, U+00AD are invisible extraction debris; "
         "they split clusters and defeat 避头尾 (typography.md §0)"),
    Rule("full-width", "half-width mark in Chinese text set full width",
         "GB/T 15834-2011 §5.1.1 (。，、；： one character position), §5.1.2 (？！), "
         "§5.1.3 (brackets, each half one position); typography.md §0 (seed's ASCII , ; ( ))"),
    Rule("quotes", "straight quote in Chinese text set as a curly pair",
         "GB/T 15834-2011 §4.8.1 (引号 “ ”, inner ‘ ’), §5.1.3 (each half one position)"),
    Rule("ellipsis", "ellipsis set as …… (two U+2026)",
         "GB/T 15834-2011 §4.11.1 (省略号 is six dots ……), §5.1.5 (two character positions)"),
    Rule("dash", "-- set as the dash ——",
         "GB/T 15834-2011 §4.10.1 (破折号 ——), §5.1.4 (two character positions)"),
    Rule("whitespace", "whitespace tidied",
         "[practice] typography.md §0 (extraction artefacts; rejoin lines split inside a sentence); "
         "clreq #mixed_text_composition_in_horizontal_writing_mode (no space next to Chinese punctuation); "
         "kept as one full-width space after a dateline that opens a text (本报讯, 本报X月X日讯, 新华社X地X月X日电; "
         "page-layout.md §1 简讯) and between the phrases of a title or heading"),
)
_RULE = {r.name: r for r in RULES}

# Half-width → full-width forms, applied in Chinese context only (GB/T 15834-2011 §5.1.1–5.1.3).
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}

INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# U+00A0 and the thin spaces U+2009/U+202F are left alone: they are set on purpose (digit groups).
WHITESPACE = frozenset(" \t\r\n\x0b\x0c\x85\u2028\u2029\u3000")
LINE_BREAKS = frozenset("\r\n\x0b\x0c\x85\u2028\u2029")
IDEOGRAPHIC_SPACE = "\u3000"
ELLIPSIS = "……"
DASH = "——"
# Marks that carry their own blank in the em box (CJK Symbols and Punctuation, full-width forms):
# a space beside them is never wanted.
_CURLY = frozenset("“”‘’…—")



def _is_cjk_letter(ch: str) -> bool:
    cp = ord(ch)
    return is_han(ch) or 0x3040 <= cp <= 0x30FF or 0xAC00 <= cp <= 0xD7AF


def _is_full_punct(ch: str) -> bool:
    cp = ord(ch)
    return 0x3001 <= cp <= 0x303F or 0xFF01 <= cp <= 0xFF60 or 0xFFE0 <= cp <= 0xFFEE


def _is_cjk(ch: str) -> bool:
    """Chinese context: a CJK letter or a Chinese (full-width or curly) mark."""
    return _is_cjk_letter(ch) or _is_full_punct(ch) or ch in _CURLY


def _is_other_punct(ch: str) -> bool:
    # ASCII-ish marks that neither make nor break Chinese context ("100%," "）," ...).
    return not ch.isalnum() and not _is_cjk(ch) and ch not in WHITESPACE


def _neighbour(text: str, i: int, step: int) -> str:
    """Nearest non-whitespace character from i in direction step; "" at the text boundary."""
    j = i + step
    while 0 <= j < len(text) and text[j] in WHITESPACE:
        j += step
    return text[j] if 0 <= j < len(text) else ""


def _chinese_context(left: str, right: str) -> bool:
    # Between Chinese on both sides, or Chinese on one side and a boundary/other mark on the other.
    def soft(ch: str) -> bool:
        return ch == "" or _is_other_punct(ch)

    lc, rc = left != "" and _is_cjk(left), right != "" and _is_cjk(right)
    return (lc and (rc or soft(right))) or (rc and soft(left))


# An edit replaces text[start:end] with `new`; edits within one pass never overlap.
_Edit = tuple[int, int, str, str]  # start, end, new, rule name


def _pass_invisible(text: str, keep_ideographic_space: bool) -> list[_Edit]:
    edits: list[_Edit] = []
    i = 0
    while i < len(text):
        if text[i] in INVISIBLE:
            j = i
            while j < len(text) and text[j] in INVISIBLE:
                j += 1
            edits.append((i, j, "", "invisible"))
            i = j
        else:
            i += 1
    return edits


def _pair_brackets(text: str) -> tuple[list[tuple[int, int]], list[int]]:
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    lone: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")":
            if stack:
                pairs.append((stack.pop(), i))
            else:
                lone.append(i)
    return pairs, lone + stack


def _pair_is_chinese(text: str, a: int, b: int) -> bool:
    inner = text[a + 1 : b]
    left, right = _neighbour(text, a, -1), _neighbour(text, b, +1)
    return any(_is_cjk_letter(c) for c in inner) or (left != "" and _is_cjk(left)) or (right != "" and _is_cjk(right))


def _pass_full_width(text: str, keep_ideographic_space: bool) -> list[_Edit]:
    convert: set[int] = set()
    pairs, lone = _pair_brackets(text)
    for a, b in pairs:
        # Brackets go as a pair: （5G） in Chinese, (5G) in English; never one of each.
        if _pair_is_chinese(text, a, b):
            convert.update((a, b))
    singles = lone + [i for i, ch in enumerate(text) if ch in HALF_TO_FULL and ch not in "()"]
    for i in singles:
        if _chinese_context(_neighbour(text, i, -1), _neighbour(text, i, +1)):
            convert.add(i)
    return [(i, i + 1, HALF_TO_FULL[text[i]], "full-width") for i in sorted(convert)]


def _quote_candidates(text: str, mark: str) -> list[int]:
    out = []
    for i, ch in enumerate(text):
        if ch != mark:
            continue
        if mark == "'":
            left = text[i - 1] if i > 0 else ""
            right = text[i + 1] if i + 1 < len(text) else ""
            # An apostrophe inside a Latin word (don't, it's) is not a quote.
            if left.isascii() and left.isalnum() and right.isascii() and right.isalnum():
                continue
        out.append(i)
    return out


def _pass_quotes(text: str, keep_ideographic_space: bool) -> list[_Edit]:
    edits: list[_Edit] = []
    for mark, (opening, closing) in (('"', "“”"), ("'", "‘’")):
        spots = _quote_candidates(text, mark)
        # Pair in reading order; an odd last one stays as typed (we cannot know which half it is).
        for a, b in zip(spots[0::2], spots[1::2]):
            if _pair_is_chinese(text, a, b):
                edits += [(a, a + 1, opening, "quotes"), (b, b + 1, closing, "quotes")]
    return sorted(edits)


def _runs(text: str, chars: str | frozenset[str]) -> list[tuple[int, int]]:
    out = []
    i = 0
    while i < len(text):
        if text[i] in chars:
            j = i
            while j < len(text) and text[j] == text[i]:
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _pass_ellipsis_dash(text: str, keep_ideographic_space: bool) -> list[_Edit]:
    edits: list[_Edit] = []
    for a, b in _runs(text, ".。·・…-"):
        ch, n = text[a], b - a
        left, right = _neighbour(text, a, -1), _neighbour(text, b - 1, +1)
        near_chinese = (left != "" and _is_cjk(left)) or (right != "" and _is_cjk(right))
        if ch == "。" and n >= 3:
            edits.append((a, b, ELLIPSIS, "ellipsis"))
        elif ch in ".·・" and n >= 3 and near_chinese:
            edits.append((a, b, ELLIPSIS, "ellipsis"))
        elif ch == "…" and n == 1 and near_chinese:
            edits.append((a, b, ELLIPSIS, "ellipsis"))
        elif ch == "-" and n == 2 and near_chinese:
            edits.append((a, b, DASH, "dash"))
    return edits


# A dateline (电头) that opens a news text: 本报讯, 本报[地名]X月X日讯, 新华社[地名]X月X日电 and the like. The
# convention sets one full-width space after it (page-layout.md §1, 简讯: "本报讯 … followed by a space").
_DAY = "[0-9０-９一二三四五六七八九十〇零]{1,3}"
_DATELINE = re.compile(rf"\s*(?:本报讯|本报\S{{0,8}}?{_DAY}月{_DAY}日[讯电]|(?:新华社|中新社|中新网)\S{{0,8}}?{_DAY}月{_DAY}日电)")


def _after_dateline(text: str, i: int) -> bool:
    """Whether position i (a white space run) directly follows a dateline that opens the text."""
    return _DATELINE.fullmatch(text, 0, i) is not None


def _pass_whitespace(text: str, keep_ideographic_space: bool) -> list[_Edit]:
    edits: list[_Edit] = []
    i = 0
    while i < len(text):
        if text[i] not in WHITESPACE:
            i += 1
            continue
        j = i
        while j < len(text) and text[j] in WHITESPACE:
            j += 1
        run = text[i:j]
        left = text[i - 1] if i > 0 else ""
        right = text[j] if j < len(text) else ""
        if right and _after_dateline(text, i):
            new = IDEOGRAPHIC_SPACE  # 本报讯　…: the convention's one full-width space
        else:
            new = _whitespace_replacement(run, left, right, keep_ideographic_space)
        if new != run:
            edits.append((i, j, new, "whitespace"))
        i = j
    return edits


def _whitespace_replacement(run: str, left: str, right: str, keep_ideographic_space: bool) -> str:
    if left == "" or right == "":
        return ""  # indents and trailing blanks: the layout sets indents itself
    if _is_full_punct(left) or _is_full_punct(right):
        return ""
    if (left in _CURLY and _is_cjk_letter(right)) or (right in _CURLY and _is_cjk_letter(left)):
        return ""
    both_cjk = _is_cjk(left) and _is_cjk(right)
    if both_cjk and (not keep_ideographic_space or any(c in LINE_BREAKS for c in run)):
        # Running Chinese text has no word spaces: a blank between Chinese characters is a
        # wrapped line or extraction debris (a YAML-folded line arrives here as one space).
        return ""
    if IDEOGRAPHIC_SPACE in run and keep_ideographic_space:
        # Decision: a display line (headline, heading, name) may use U+3000 on purpose.
        return IDEOGRAPHIC_SPACE
    return " "


_PASSES = (_pass_invisible, _pass_full_width, _pass_quotes, _pass_ellipsis_dash, _pass_whitespace)
_MAX_ROUNDS = 8  # each round only moves marks towards their final form; real text settles in 2


def _show(s: str) -> str:
    names = {"\t": "\\t", "\r": "\\r", "\n": "\\n", "\u3000": "⟨U+3000⟩", " ": "␠"}
    return "".join(names.get(c, f"⟨U+{ord(c):04X}⟩" if c in INVISIBLE or c in WHITESPACE else c) for c in s)


def normalise(text: str, where: str, *, keep_ideographic_space: bool = False) -> tuple[str, tuple[Finding, ...]]:
    """Normalise `text`; return it and one info Finding per change, located `where` + char offset.

    `keep_ideographic_space` is for display lines (headlines, headings, names), where U+3000 or a
    space may be deliberate; in running text any blank between Chinese characters is removed.
    """
    if not isinstance(text, str):
        return text, ()
    origin = list(range(len(text) + 1))  # current index → offset in the input
    findings: list[tuple[int, Finding]] = []
    for _ in range(_MAX_ROUNDS):
        changed = False
        for step in _PASSES:
            edits = step(text, keep_ideographic_space)
            if not edits:
                continue
            changed = True
            for start, end, new, rule in edits:
                before = text[max(0, start - 3) : end + 3]
                after = text[max(0, start - 3) : start] + new + text[end : end + 3]
                findings.append((origin[start], Finding(
                        "info",
                        "normalised",
                        f"{_RULE[rule].what}: {_show(before)} → {_show(after)}",
                        f"{where} char {origin[start]}".strip(),
                )))
            text, origin = _apply(text, origin, edits)
        if not changed:
            break
    # Reading order of the input; a stable sort keeps the order of rounds at one offset.
    return text, tuple(f for _, f in sorted(findings, key=lambda pair: pair[0]))


def _apply(text: str, origin: list[int], edits: list[_Edit]) -> tuple[str, list[int]]:
    parts: list[str] = []
    new_origin: list[int] = []
    pos = 0
    for start, end, new, _ in sorted(edits):
        parts.append(text[pos:start])
        new_origin += origin[pos:start]
        parts.append(new)
        new_origin += [origin[start]] * len(new)
        pos = end
    parts.append(text[pos:])
    new_origin += origin[pos:]
    return "".join(parts), new_origin
