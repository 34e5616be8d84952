"""The normaliser's findings and bracket pairs (layout.source.normalize), in process, against texts
written here."""

from __future__ import annotations

from layout.source.normalize import normalise


def test_a_finding_shows_three_characters_either_side_of_the_change():
    text, findings = normalise("甲乙丙丁,戊己庚辛", "f.yaml:3:9 lead[0]")
    assert text == "甲乙丙丁，戊己庚辛"
    (f,) = findings
    assert (f.severity, f.code, f.where) == ("info", "normalised", "f.yaml:3:9 lead[0] char 4")
    assert f.message.endswith(": 乙丙丁,戊己庚 → 乙丙丁，戊己庚")


def test_brackets_around_chinese_text_are_full_width_between_latin_words():
    # neither neighbour is Chinese: the pair is Chinese by what it holds
    text, _ = normalise("see (中文) now", "w")
    assert "（中文）" in text and "(" not in text and ")" not in text
    assert normalise("see (abc) now", "w")[0] == "see (abc) now"


def test_kana_and_hangul_in_brackets_make_the_pair_chinese():
    # 0x3040–0x30FF (kana) and 0xAC00–0xD7AF (Hangul syllables) are letters of CJK text, as Han is
    assert "（カナ）" in normalise("see (カナ) now", "w")[0]
    assert "（한국）" in normalise("see (한국) now", "w")[0]
