"""Display lines (layout.text.titles): a headline or subhead on one line or broken where a reader
expects, never past its measure, never inside a word, never next to a bound particle; and the
word boundaries it breaks at (layout.text.words)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layout.text import titles, words
from layout.text.fake import FakeMetrics

SQUARE = FakeMetrics()  # every Han glyph one em: widths are exact


def test_one_line_when_it_fits_with_the_phrases_an_em_apart():
    got = titles.fit(("砥砺前行铸辉煌", "乘风破浪再起航"), SQUARE, [20.0], 15 * 20.0, 1)
    assert got is not None and len(got.lines) == 1
    assert got.lines[0].chars == "砥砺前行铸辉煌乘风破浪再起航"
    assert abs(got.lines[0].width_pt - 15 * 20.0) < 1e-6  # 14 glyphs and the 1-em space


def test_two_lines_break_between_the_phrases_first():
    got = titles.fit(("全市秋粮收获", "基本结束"), SQUARE, [20.0], 7 * 20.0, 2)
    assert [ln.chars for ln in got.lines] == ["全市秋粮收获", "基本结束"]
    assert got.worst == titles.PHRASE


def test_a_clause_break_comes_before_a_word_break():
    got = titles.fit(("城市更新，让生活更美好",), SQUARE, [20.0], 7 * 20.0, 2)
    assert [ln.chars for ln in got.lines] == ["城市更新，", "让生活更美好"]
    assert got.worst == titles.CLAUSE


def test_never_after_de_nor_before_it():
    """深化改革开放的新路径: jieba gives 深化改革 / 开放 / 的 / 新 / 路径; of the word ends, the two next to 的
    are not offered, so the break falls between 深化改革 and 开放的新路径."""
    allowed = titles.breaks(("深化改革开放的新路径",))
    text = "深化改革开放的新路径"
    assert all(text[b - 1] != "的" and text[b] != "的" for b in allowed)
    got = titles.fit(("深化改革开放的新路径",), SQUARE, [20.0], 6 * 20.0, 2)
    assert [ln.chars for ln in got.lines] == ["深化改革", "开放的新路径"]


def test_never_inside_a_word():
    """A break only where jieba ends a word: 城镇化 is one word, so no line ends in 城镇."""
    text = "新型城镇化建设迈出新步伐"
    ends = set(words.ends((text,))[0])
    allowed = titles.breaks((text,))
    assert set(allowed) <= ends
    assert 3 not in allowed and 4 not in allowed  # inside 城镇化 (characters 2–4)


def test_steps_down_before_it_breaks_inside_a_phrase():
    """One phrase, too wide at 24 pt for the measure, fits one line at 20: the largest size that sets
    it on one line wins over a word break at 24 (fit is asked for one line over the sizes first)."""
    width = 11 * 21.0  # its eleven glyphs at 21 pt
    one = titles.fit(("重点项目建设跑出加速度",), SQUARE, [24.0, 22.0, 20.0], width, 1)
    assert one is not None and one.size_pt == 20.0 and len(one.lines) == 1


def test_nothing_fits_gives_none_not_an_overflow():
    assert titles.fit(("重点项目建设跑出加速度",), SQUARE, [24.0], 3 * 24.0, 2) is None


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(text=st.text(alphabet="的城市建设新步伐一二三四五六七八九十重点项目，、改革发展乡村振兴", min_size=2, max_size=24),
       em=st.integers(3, 14), lines=st.integers(1, 3))
def test_no_setting_runs_past_its_measure_or_loses_a_character(text, em, lines):
    got = titles.fit((text,), SQUARE, [20.0, 18.0, 16.0], em * 20.0, lines)
    if got is None:
        return
    assert len(got.lines) == lines
    assert "".join(ln.chars for ln in got.lines) == text.strip()
    assert all(ln.width_pt <= em * 20.0 + 1e-6 for ln in got.lines)
    for a, b in zip(got.lines, got.lines[1:]):
        assert a.chars[-1] not in titles.NO_END and b.chars[0] not in titles.NO_START


# --- fit: the size and the lines, checked in whole ems on the square face -------------------
def test_one_line_takes_the_largest_size_that_fits():
    d = titles.fit(("改革开放",), SQUARE, [30.0, 20.0, 10.0], 85.0, 1)
    assert (d.size_pt, d.worst, [ln.chars for ln in d.lines]) == (20.0, -1, ["改革开放"])
    assert d.lines[0].width_pt == 80.0 and d.lines[0].xs_pt == (0.0, 20.0, 40.0, 60.0)
    assert titles.fit(("改革开放",), SQUARE, [30.0, 20.0], 80.0, 1).size_pt == 20.0  # exactly the width fits
    assert titles.fit(("改革开放",), SQUARE, [30.0, 20.0], 79.9, 1) is None


@pytest.mark.parametrize("gap_em, width, fits", [(1.0, 110.0, True), (1.0, 109.9, False), (0.5, 105.0, True)])
def test_phrases_on_one_line_stand_the_gap_apart(gap_em, width, fits):
    d = titles.fit(("新型城镇化", "迈出新步伐"), SQUARE, [10.0], width, 1, gap_em=gap_em)
    assert (d is not None) == fits
    if fits:
        assert d.lines[0].chars == "新型城镇化迈出新步伐" and d.lines[0].width_pt == (10 + gap_em) * 10
        assert d.lines[0].xs_pt[5] == (5 + gap_em) * 10  # the second phrase starts after the gap


def test_two_lines_break_between_the_phrases_at_the_default_level():
    d = titles.fit(("新型城镇化建设", "迈出新步伐"), SQUARE, [30.0, 20.0], 140.0, 2)
    assert d.size_pt == 20.0 and d.worst == titles.PHRASE
    assert [(ln.chars, ln.start, ln.end, ln.width_pt) for ln in d.lines] == [
        ("新型城镇化建设", 0, 7, 140.0), ("迈出新步伐", 7, 12, 100.0)]
    assert d == titles.fit(("新型城镇化建设", "迈出新步伐"), SQUARE, [30.0, 20.0], 140.0, 2, strictness="gb")
    assert titles.fit(("新型城镇化建设", "迈出新步伐"), SQUARE, [20.0], 139.0, 2) is None or \
        titles.fit(("新型城镇化建设", "迈出新步伐"), SQUARE, [20.0], 139.0, 2).worst != titles.PHRASE


def test_display_takes_the_fewest_lines():
    one = titles.display(("改革开放",), SQUARE, 20.0, 80.0)
    assert len(one.lines) == 1 and one.worst == -1
    two = titles.display(("新型城镇化建设", "迈出新步伐"), SQUARE, 20.0, 140.0)
    assert [ln.chars for ln in two.lines] == ["新型城镇化建设", "迈出新步伐"]
    assert titles.display(("新型城镇化建设", "迈出新步伐"), SQUARE, 20.0, 140.0, max_lines=1) is None


def test_the_segmenter_process_cuts_as_this_process_does():
    """words.start forks the dictionary's process once; ends() asks it, and gives what cutting here
    gives; after stop() it cuts here. (The kept answers are set aside and put back.)"""
    kept = dict(words._state["kept"])
    phrase = ("新型城镇化建设迈出新步伐",)
    try:
        words.stop()
        words._state["kept"].clear()
        assert words.start() is True and words.start() is False
        worker = words._state["worker"]
        assert worker is not None
        forked = words.ends(phrase)
        assert words._state["worker"] is worker  # the forked process answered (it is dropped when it fails)
        words.stop()
        assert words._state["worker"] is None and words._state["warming"] is None
        words._state["kept"].clear()
        here = words.ends(phrase)
        assert forked == here
        cut = words._cut(phrase)[0]
        assert "".join(cut) == phrase[0] and len(cut) > 1
        ends, at = [], 0
        for w in cut[:-1]:
            at += len(w)
            ends.append(at)
        assert here == [tuple(ends)]
    finally:
        words.stop()
        words._state["kept"].clear()
        words._state["kept"].update(kept)


def test_display_tries_two_lines_unless_told_more():
    phrases = ("新型城镇化", "建设迈出新步伐", "全年完成投资")  # 5 + 7 + 6 em
    assert titles.display(phrases, SQUARE, 10.0, 70.0) is None  # two lines cannot hold 18 em in 7-em lines
    three = titles.display(phrases, SQUARE, 10.0, 70.0, max_lines=3)
    assert [ln.chars for ln in three.lines] == list(phrases) and three.worst == titles.PHRASE


def test_a_segmenter_process_that_died_is_replaced_by_cutting_here():
    import os
    import signal

    kept = dict(words._state["kept"])
    phrase = ("老旧小区改造惠及三万余户",)
    try:
        words.stop()
        words._state["kept"].clear()
        assert words.start()
        worker = words._state["worker"]
        os.kill(worker.pid, signal.SIGKILL)
        os.waitpid(worker.pid, 0)
        got = words.ends(phrase)
        assert words._state["worker"] is None and words._state["warming"] is None
        cut = words._cut(phrase)[0]
        assert got == [tuple(sum(len(w) for w in cut[:k + 1]) for k in range(len(cut) - 1))]
    finally:
        words.stop()
        words._state["kept"].clear()
        words._state["kept"].update(kept)


def test_a_line_of_one_phrase_piece_drops_the_spaces_at_both_its_edges():
    # The parts of ("中国", " 人民 ", "万岁") in [a, b), spaces at the line's edges dropped: also when
    # the line holds a single piece (then it is both the first and the last).
    phrases = ("中国", " 人民 ", "万岁")
    assert titles._pieces(phrases, 2, 6) == ("人民",)
    assert titles._pieces(phrases, 2, 8) == ("人民 ", "万岁")
    assert titles._pieces(phrases, 0, 6) == ("中国", " 人民")
    assert titles._pieces(phrases, 2, 2) == ()


def test_display_lines_are_whole_lines():
    # Each line of a display text is set on its own at its natural width, never justified: a last line.
    got = titles.fit(("全市秋粮收获", "基本结束"), SQUARE, [20.0], 7 * 20.0, 2)
    assert [ln.last for ln in got.lines] == [True, True]


def test_a_phrase_opening_with_a_space_breaks_there_with_no_space_on_the_line():
    # ("中国", " 人民") on two lines of 2 em at 20 pt: the phrase break, the second line 人民 flush left
    # and 2 em wide (its leading space is dropped as at any line edge).
    got = titles.fit(("中国", " 人民"), SQUARE, [20.0], 2 * 20.0, 2)
    assert got.worst == titles.PHRASE
    assert [(ln.chars, ln.xs_pt, ln.width_pt) for ln in got.lines] == [("中国", (0.0, 20.0), 40.0),
                                                                      ("人民", (0.0, 20.0), 40.0)]


def test_the_segmenter_warm_up_loads_the_dictionary_here_too():
    # What the forked process runs first (words._load): it cuts with the dictionary and says so.
    assert words._load() is True


def test_a_display_line_half_a_point_too_wide_is_not_taken():
    # 全市秋粮收获 is 6 em = 120 pt at 20 pt: in 119.5 pt the phrase break does not fit.
    got = titles.fit(("全市秋粮收获", "基本结束"), SQUARE, [20.0], 119.5, 2)
    assert got is None or all(ln.width_pt <= 119.5 + 1e-6 for ln in got.lines)
    assert got is None or [ln.chars for ln in got.lines] != ["全市秋粮收获", "基本结束"]
