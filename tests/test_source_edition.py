"""The edition file and its 转版 plan (layout.source.edition), in process: each jump, each refusal with
its file:line and wording, the loops of pages that wait for each other."""

from __future__ import annotations

import os


from layout.source.edition import InEdition, Jump, in_edition, load_issue, plan
from layout.source.load import load_page


def page_file(d, name: str, stories: list[str], number: int = 1) -> str:
    """A page of several stories; each entry of `stories` is the YAML of one item's extra keys."""
    lines = ["edition:", "  paper: 测试日报", "  date: 2024-03-01", f"  page: {number}", "  page_name: 要闻",
             "stories:"]
    for k, extra in enumerate(stories):
        lines += [f"  - id: s{k + 1}" if "id:" not in extra else "  - kind: story",
                  "    headline: {title: 标题" + str(k) + "}",
                  "    sections: [{paragraphs: 正文第一段。}]"]
        lines += ["    " + e for e in extra.splitlines() if e]
    path = os.path.join(d, name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def issue_file(d, pages: list[tuple[int, str]], **extra) -> str:
    lines = ["paper: 测试日报", "date: 2024-03-01", "edition: 7"] + [f"{k}: {v}" for k, v in extra.items()]
    lines += ["pages:"] + [f"  - {{page: {n}, name: 要闻{n}, file: {f}}}" for n, f in pages]
    path = os.path.join(d, "edition.yaml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    return path


def test_load_issue_reads_every_field_and_resolves_files_beside_it(tmp_path):
    path = issue_file(tmp_path, [(1, "a.yaml"), (2, "sub/b.yaml")], paper_id="CN 11-0001", sample="true")
    issue = load_issue(path)
    assert (issue.paper, str(issue.date), issue.number, issue.paper_id, issue.sample, issue.source_file) == \
        ("测试日报", "2024-03-01", 7, "CN 11-0001", True, path)
    assert issue.page(2) is issue.pages[1] and issue.page(3) is None
    assert [(p.number, p.name, p.file) for p in issue.pages] == [
        (1, "要闻1", os.path.join(str(tmp_path), "a.yaml")), (2, "要闻2", os.path.join(str(tmp_path), "sub", "b.yaml"))]
    assert [str(p.source) for p in issue.pages] == [f"{path}:7:5 pages[0]", f"{path}:8:5 pages[1]"]


def test_a_jump_and_its_slot_make_one_planned_jump(tmp_path):
    page_file(tmp_path, "a.yaml", ["continue_to: 2", ""], 1)
    page_file(tmp_path, "b.yaml", ["", "continued_from: 1/s1"], 2)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml")])))
    assert p.errors == {}
    assert p.jumps == (Jump(1, "s1", 2, "s2"),)
    assert p.jumps[0].key == "1/s1"
    assert p.waits_for(2) == (1,) and p.waits_for(1) == ()
    assert p.into(2) == p.jumps and p.into(1) == ()


def test_a_jump_without_a_slot_is_placed(tmp_path):
    page_file(tmp_path, "a.yaml", ["", "continue_to: 3"], 1)
    page_file(tmp_path, "b.yaml", [""], 3)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (3, "b.yaml")])))
    assert p.errors == {} and p.jumps == (Jump(1, "s2", 3, None),)


def test_jumps_are_ordered_by_page_number_not_text(tmp_path):
    page_file(tmp_path, "a.yaml", ["continue_to: 2"], 10)
    page_file(tmp_path, "b.yaml", ["continue_to: 10"], 2)
    page_file(tmp_path, "c.yaml", [""], 9)
    # 2 → 10 and 10 → 2 wait for each other: both pages are refused, yet both jumps are listed in order
    p = plan(load_issue(issue_file(tmp_path, [(10, "a.yaml"), (2, "b.yaml"), (9, "c.yaml")])))
    assert [j.key for j in p.jumps] == ["2/s1", "10/s1"]
    for n in (2, 10):
        assert str(p.errors[n]) == (
            f"{tmp_path}/{'b' if n == 2 else 'a'}.yaml: pages 2 and 10 continue each other's stories "
            "(2 → 10 → 2): neither can be composed first (hint: let one of the stories end on its page)")
    assert 9 not in p.errors


def test_a_loop_of_three_pages_names_each_in_order(tmp_path):
    page_file(tmp_path, "a.yaml", ["continue_to: 2"], 1)
    page_file(tmp_path, "b.yaml", ["continue_to: 3"], 2)
    page_file(tmp_path, "c.yaml", ["continue_to: 1"], 3)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml"), (3, "c.yaml")])))
    assert sorted(p.errors) == [1, 2, 3]
    assert all("pages 1 and 2 and 3 continue each other's stories (1 → 2 → 3 → 1)" in str(e)
               for e in p.errors.values())


def test_a_chain_without_a_loop_is_no_error(tmp_path):
    page_file(tmp_path, "a.yaml", ["continue_to: 2"], 1)
    page_file(tmp_path, "b.yaml", ["continue_to: 3"], 2)
    page_file(tmp_path, "c.yaml", [""], 3)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml"), (3, "c.yaml")])))
    assert p.errors == {} and [j.key for j in p.jumps] == ["1/s1", "2/s1"]
    assert p.waits_for(3) == (2,)


def test_continue_to_its_own_page_is_refused_at_its_line(tmp_path):
    a = page_file(tmp_path, "a.yaml", ["continue_to: 1"], 1)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml")])))
    assert str(p.errors[1]) == (f"{a}:10:18 stories[0].continue_to: page 1's story 's1' continues on its own page "
                                "(hint: name another page of the edition)")
    assert p.jumps == ()


def test_continue_to_a_page_not_in_the_edition_lists_the_pages(tmp_path):
    a = page_file(tmp_path, "a.yaml", ["continue_to: 5"], 1)
    page_file(tmp_path, "b.yaml", [""], 2)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml")])))
    assert str(p.errors[1]) == (f"{a}:10:18 stories[0].continue_to: page 1's story 's1' continues on page 5, which is not in the edition "
                                "(pages 1, 2) (hint: name a page of the edition, or add the page to the edition file)")
    assert 2 not in p.errors


def test_slot_naming_a_page_not_in_the_edition(tmp_path):
    page_file(tmp_path, "a.yaml", [""], 1)
    b = page_file(tmp_path, "b.yaml", ["continued_from: 4/s1"], 2)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml")])))
    assert str(p.errors[2]) == (f"{b}:10:21 stories[0].continued_from: continued_from: 4/s1: page 4 is not in the edition (this is page 2) "
                                "(hint: name a page of the edition)")


def test_slot_naming_a_page_that_cannot_be_read(tmp_path):
    bad = tmp_path / "a.yaml"
    bad.write_text("edition: [\n", encoding="utf-8")
    b = page_file(tmp_path, "b.yaml", ["continued_from: 1/s1"], 2)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml")])))
    assert sorted(p.errors) == [1, 2]
    assert str(p.errors[2]) == (f"{b}:10:21 stories[0].continued_from: continued_from: 1/s1: page 1 cannot be read, so page 2 cannot take "
                                "its story (hint: fix page 1's file first)")


def test_slot_naming_a_story_the_page_does_not_have_lists_its_stories(tmp_path):
    page_file(tmp_path, "a.yaml", ["", ""], 1)
    b = page_file(tmp_path, "b.yaml", ["continued_from: 1/zz"], 2)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml")])))
    assert str(p.errors[2]) == (f"{b}:10:21 stories[0].continued_from: continued_from: 1/zz: page 1 has no story 'zz' (this is page 2) "
                                "(hint: page 1's stories: s1, s2)")


def test_slot_whose_story_does_not_continue_there(tmp_path):
    page_file(tmp_path, "a.yaml", ["", "continue_to: 3"], 1)
    b = page_file(tmp_path, "b.yaml", ["continued_from: 1/s1", "continued_from: 1/s2"], 2)
    page_file(tmp_path, "c.yaml", [""], 3)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml"), (3, "c.yaml")])))
    # only the first error of a page is kept
    assert str(p.errors[2]) == (f"{b}:10:21 stories[0].continued_from: continued_from: 1/s1, but page 1's story 's1' has no continue_to "
                                "(this is page 2) (hint: give page 1's story continue_to: 2, or remove this slot)")
    page_file(tmp_path, "b.yaml", ["continued_from: 1/s2"], 2)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml"), (3, "c.yaml")])))
    assert str(p.errors[2]).startswith(f"{b}:10:21 stories[0].continued_from: continued_from: 1/s2, but page 1's story 's2' continues on "
                                       "page 3 (this is page 2)")
    assert p.jumps == (Jump(1, "s2", 3, None),)


def test_two_slots_for_one_story(tmp_path):
    page_file(tmp_path, "a.yaml", ["continue_to: 2"], 1)
    b = page_file(tmp_path, "b.yaml", ["continued_from: 1/s1", "continued_from: 1/s1"], 2)
    p = plan(load_issue(issue_file(tmp_path, [(1, "a.yaml"), (2, "b.yaml")])))
    assert str(p.errors[2]) == (f"{b}:14:21 stories[1].continued_from: continued_from: 1/s1: page 2 already takes the rest of that story "
                                "(hint: a story continues in one place: remove one of the slots)")
    assert p.jumps == (Jump(1, "s1", 2, "s1"),)


def test_in_edition_replaces_the_page_values_and_says_which(tmp_path):
    path = page_file(tmp_path, "a.yaml", [""], 3)
    page, _ = load_page(path)
    import datetime
    e = InEdition(paper="别的日报", date="2024-03-01", page=4, page_name="要闻", sample=False)
    new, findings = in_edition(page, e)
    assert (new.edition.paper, new.edition.page, new.edition.page_name, new.edition.sample) == ("别的日报", 4, "要闻", False)
    assert [(f.severity, f.code, f.message, f.where) for f in findings] == [
        ("info", "edition-values", "the edition's 报眉 values replace the page file's: paper 测试日报 → 别的日报, "
         "page 3 → 4", path)]
    same, none = in_edition(new, dataclasses_replace(e, sample=True))
    assert none == [] and same.edition.sample is True


def dataclasses_replace(obj, **kw):
    import dataclasses
    return dataclasses.replace(obj, **kw)
