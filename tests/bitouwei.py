"""避头尾 (line-start and line-end prohibition), written out by hand from the two sources, for the tests.

The tests check the line breaker's tables (layout.text.cjk) and the lines it sets against these
lists; nothing here comes from the code under test. Full-width (zh-Hans) forms only: the text the
composer sees has been normalised to them (layout.source.normalize).

[clreq] W3C, Requirements for Chinese Text Layout 中文排版需求, §6.1.1 Prohibition rules for line start
and end 行首行尾禁则 (https://www.w3.org/TR/clreq/#prohibition_rules_for_line_start_end):
  * 基本处理 (basic): pause and stop marks (顿号、逗号、句号、冒号、分号、叹号、问号), closing quotation
    marks, closing brackets, closing book-title marks, connector marks, interpuncts and solidi do
    not appear at the line start; opening quotation marks, opening brackets and opening book-title
    marks do not appear at the line end.
  * GB法 (gb): basic, and the solidus (分隔号) does not appear at the line end either.
  * 严格处理 (strict): GB, and dashes (破折号) and ellipses (省略号) do not appear at the line start.
  §6.1.2 Prohibition rules for unbreakable marks: the two-em dash —— and the ellipsis …… are not
  split between two lines.

[GB] GB/T 15834-2011《标点符号用法》§5.1 (横排):
  5.1.1 句号、逗号、顿号、分号、冒号 … 不出现在一行之首。
  5.1.2 问号、叹号 … 不出现在一行之首。
  5.1.3 引号、括号、书名号 … 前一半不出现在一行之末，后一半不出现在一行之首。
  5.1.4 破折号 … 不能中间断开分处上行之末和下行之首。
  5.1.5 省略号 … 不能中间断开分处上行之末和下行之首。
  5.1.6 连接号 … 不出现在一行之首。
  5.1.7 间隔号 … 不出现在一行之首。
  5.1.9 分隔号 … 不出现在一行之首或一行之末。
"""

from __future__ import annotations

LEVELS = ("basic", "gb", "strict")

PAUSE_AND_STOP = "、，。：；！？"  # [clreq] basic; [GB] 5.1.1, 5.1.2
CLOSING = "”’」』）］｝】〕〗》〉"  # [clreq] basic; [GB] 5.1.3 后一半
OPENING = "“‘「『（［｛【〔〖《〈"  # [clreq] basic; [GB] 5.1.3 前一半
CONNECTORS = "—–～-"  # 一字线 (U+2014, U+2013), 浪纹线, 短横线: [clreq] basic; [GB] 5.1.6
INTERPUNCT = "·"  # 间隔号: [clreq] basic; [GB] 5.1.7
SOLIDUS = "／"  # 分隔号: [clreq] basic (start), gb (end); [GB] 5.1.9 (both)

# Characters that may not start a line, by level. A lone — is the 一字线 connector (never at the
# start); doubled, —— is the 破折号, which only the strict level keeps off the start (see starts_badly).
NOT_AT_START = {
    "basic": frozenset(PAUSE_AND_STOP + CLOSING + CONNECTORS + INTERPUNCT + SOLIDUS),
    "gb": frozenset(PAUSE_AND_STOP + CLOSING + CONNECTORS + INTERPUNCT + SOLIDUS),
    "strict": frozenset(PAUSE_AND_STOP + CLOSING + CONNECTORS + INTERPUNCT + SOLIDUS + "…"),
}
NOT_AT_END = {
    "basic": frozenset(OPENING),
    "gb": frozenset(OPENING + SOLIDUS),
    "strict": frozenset(OPENING + SOLIDUS),
}
UNBREAKABLE = ("——", "……")  # [clreq] §6.1.2; [GB] 5.1.4, 5.1.5

# Marks no level restricts at either edge (controls for the tables): Han characters, and digits.
FREE = "郾城区的一是在中国0123"


def starts_badly(line: str, level: str) -> bool:
    """True if a line beginning with `line` breaks the sources' line-start rules at `level`."""
    if not line:
        return False
    if line.startswith(UNBREAKABLE):  # 破折号 / 省略号 as a unit: only strict keeps them off the start
        return level == "strict"
    return line[0] in NOT_AT_START[level]


def ends_badly(line: str, level: str) -> bool:
    """True if a line ending with `line` breaks the sources' line-end rules at `level`."""
    return bool(line) and line[-1] in NOT_AT_END[level]


def splits_a_unit(before: str, after: str) -> bool:
    """True if a break between `before` and `after` splits a —— or …… ([clreq] §6.1.2)."""
    return bool(before and after) and before[-1] + after[0] in UNBREAKABLE


# The project's own additions to the sources' lists (layout/text/cjk.py and docs/typography.md §1.2),
# written out here so that the tables are checked entry by entry in both directions: a character
# dropped from a table, or one slipped into it, fails tests/text/test_kinsoku_tables.py.
ADDED_NOT_AT_START = {
    "ascii": "!),.:;?]}",  # ASCII forms of marks that escaped normalisation
    "brackets": "〙〛﹂﹄",  # closing brackets and vertical-form quotes the sources' list leaves out
    "stop": "．",  # full-width full stop (a STOP mark)
    "interpunct": "・",  # katakana middle dot, used as 间隔号
    "connectors": "‐‑〜",  # hyphen, non-breaking hyphen, wave dash: connectors like ～ and -
    "postfix": "%％‰‱℃℉°′″",  # belong to the number before them
    "iteration": "々〻ー",  # iteration marks and the prolonged sound mark ([jlreq] cl-11)
}
ADDED_NOT_AT_START_STRICT = "⋯⸺⸻‥"  # other ellipsis and dash forms: strict keeps them off the start, as …
ADDED_NOT_AT_END = {
    "ascii": "([{",  # ASCII opening brackets
    "brackets": "〘〚﹁﹃",  # opening brackets and vertical-form quotes the sources' list leaves out
    "prefix": "￥¥＄$￡£#＃§№",  # belong to the number after them
}
# GB法 and strict: the ASCII solidus follows ／ at the line end (cjk.SOLIDUS; at the line start the
# tables leave it free, as they do its other ASCII forms' uses in paths and dates).
ADDED_NOT_AT_END_GB = "/"


def expected_not_at_start(level: str) -> frozenset[str]:
    """The sources' line-start list at `level` plus the project's explicit additions."""
    extra = "".join(ADDED_NOT_AT_START.values()) + (ADDED_NOT_AT_START_STRICT if level == "strict" else "")
    return NOT_AT_START[level] | frozenset(extra)


def expected_not_at_end(level: str) -> frozenset[str]:
    """The sources' line-end list at `level` plus the project's explicit additions."""
    extra = "".join(ADDED_NOT_AT_END.values()) + (ADDED_NOT_AT_END_GB if level != "basic" else "")
    return NOT_AT_END[level] | frozenset(extra)
