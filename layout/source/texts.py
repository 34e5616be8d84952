"""What a page prints, read off the model: every text field in reading order, the characters each
font role must draw, the 报眉 strings, and where in the file a character stands.

The font stage prepares subsets from `chars_by_role`; the pipeline passes `places` to it to point each
fallback-glyph warning, and the error about an undrawable character, at its place in the page file
(`locate` gives the first place of any of some characters, whatever role draws them).
"""

from __future__ import annotations

import datetime

from layout.base.model import Page, Story
from layout.base.model import locate as locate_field

WEEKDAYS = "一二三四五六日"


def folio_strings(paper: str, date_iso: str, page: int, page_name: str, editor: str) -> tuple[str, str]:
    """The 报眉's left (paper, date, weekday, editor) and right (page, 版名) texts."""
    d = datetime.date.fromisoformat(date_iso)
    left = f"{paper}　{d.year}年{d.month}月{d.day}日　星期{WEEKDAYS[d.weekday()]}"
    if editor:
        left += f"　责编：{editor}"
    return left, f"第{page}版　{page_name}"


def folio_text(page: Page) -> str:
    """Every character the 报眉 may draw: its texts, plus the digits and 责编： so that a new date or
    editor does not re-cut the folio face's subset."""
    e = page.edition
    text = "".join(folio_strings(e.paper, e.date, e.page, e.page_name, e.editor)) + "责编：0123456789"
    return text.replace("　", "")  # spaces are positions, never drawn


def story_text_fields(story: Story) -> list[tuple[str, str]]:
    """Every text printed from a story, as (field path in the page file, text), in reading order.

    Order: headline, byline, sidebar, lead, the lead-group photo captions, sections, the
    end-group photo captions.
    """
    at = story.field
    out: list[tuple[str, str]] = []
    hl = story.headline
    if hl.kicker is not None:
        out.append((at("headline.kicker"), hl.kicker.text))
    out += [(at(f"headline.title[{i}]"), t.text) for i, t in enumerate(hl.title)]
    if hl.subtitle is not None:
        out.append((at("headline.subtitle"), hl.subtitle.text))
    for i, credit in enumerate(story.byline):
        out += [(at(f"byline[{i}].role"), credit.role), (at(f"byline[{i}].name"), credit.name.text)]
    if story.sidebar is not None:
        out.append((at("sidebar.title"), story.sidebar.title.text))
        out += [(at(f"sidebar.items[{i}]"), t.text) for i, t in enumerate(story.sidebar.items)]
    out += [(at(f"lead[{i}]"), t.text) for i, t in enumerate(story.lead)]

    def photos(group: str) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        for i, photo in enumerate(story.photos):
            if photo.group == group:
                rows.append((at(f"photos[{i}].caption"), photo.caption.text))
                if photo.credit is not None:
                    rows.append((at(f"photos[{i}].credit"), photo.credit.text))
        return rows

    out += photos("lead")
    for i, section in enumerate(story.sections):
        out += [(at(f"sections[{i}].heading[{j}]"), t.text) for j, t in enumerate(section.heading)]
        out += [(at(f"sections[{i}].paragraphs[{j}]"), t.text) for j, t in enumerate(section.paragraphs)]
    out += photos("end")
    return out


def item_text_fields(item) -> list[tuple[str, str]]:
    """Every text an item prints: a story's (story_text_fields), a 简讯 block's heading and items, a
    导读 box's heading and pointers (title, then its page as printed, 第N版)."""
    if item.kind == "story":
        return story_text_fields(item)
    if item.kind == "filler":
        head = [(item.field("heading"), item.heading.text)] if item.heading else []
        return head + [(item.field(f"text[{i}]"), t.text) for i, t in enumerate(item.text)]
    out = [(item.field("heading"), item.heading.text)]
    if item.kind == "briefs":
        return out + [(item.field(f"briefs[{i}]"), t.text) for i, t in enumerate(item.items)]
    for i, (title, page) in enumerate(item.pointers):
        out += [(item.field(f"pointers[{i}].title"), title.text), (item.field(f"pointers[{i}].page"), f"第{page}版")]
    return out


def item_chars(item) -> int:
    """How many characters an item prints (its texts as `item_text_fields` gives them)."""
    return sum(len(text) for _, text in item_text_fields(item))


def page_text_fields(page: Page) -> list[tuple[str, str]]:
    """Every text printed from the page's items, item by item, then the fillers the page may set (the
    报眉 is formatted, not written)."""
    return [f for item in page.stories + page.fillers for f in item_text_fields(item)]


def byline_text(story: Story) -> str:
    """The credits as the byline prints them: 文/张星 图/本报记者 焦海洋 …"""
    return "".join(f"{c.role}/{c.name.text}" for c in story.byline)


def chars_by_role(page: Page) -> dict[str, str]:
    """The text each font role draws on the page (the font stage cuts its subsets from these)."""
    roles = dict.fromkeys(("body", "headline", "kicker", "subtitle", "byline", "subhead", "caption",
                           "sidebar_title", "sidebar"), "")
    for item in page.stories + page.fillers:
        if item.kind != "story":
            for path, text in item_text_fields(item):
                roles[_field_role(path)] += text
    for s in page.news:
        h = s.headline
        roles["body"] += "".join(t.text for t in s.lead) + "".join(p.text for sec in s.sections for p in sec.paragraphs)
        roles["headline"] += "".join(t.text for t in h.title)
        roles["kicker"] += h.kicker.text if h.kicker else ""
        roles["subtitle"] += h.subtitle.text if h.subtitle else ""
        roles["byline"] += byline_text(s)
        roles["subhead"] += "".join(t.text for sec in s.sections for t in sec.heading)
        roles["caption"] += "".join(p.caption.text + (p.credit.text if p.credit else "") for p in s.photos)
        if s.sidebar:
            roles["sidebar_title"] += s.sidebar.title.text
            roles["sidebar"] += "".join(t.text for t in s.sidebar.items)
    if any(s.continue_to or s.continued_from for s in page.news):  # the 转版 lines, in the body face
        roles["body"] += "（下转上接第版）0123456789"
    roles["folio"] = folio_text(page)
    return roles


def _where(page: Page, item, path: str) -> str:
    """`file:line:col field` of a field of an item (in its own file: a story file, or the page file)."""
    return locate_field(getattr(item, "sources", {}), path, getattr(item, "source_file", "") or page.source_file)


def locate(page: Page, chars: set[str] | list[str]) -> str:
    """`file:line:col field char N` of the first place in the page's files that holds one of `chars`."""
    wanted = set(chars)
    for item in page.stories:
        for path, text in item_text_fields(item):
            for i, ch in enumerate(text):
                if ch in wanted:
                    return f"{_where(page, item, path)} char {i}"
    return page.source_file


def _field_role(path: str) -> str:
    """The font role that draws a field of `item_text_fields` (its path without the story prefix)."""
    if path.startswith("fillers["):  # a filler's heading in its bar, its text in the sidebar face
        return "sidebar_title" if path.endswith(".heading") else "sidebar"
    tail = path.split(".", 1)[1] if path.startswith("stories[") else path
    head = tail.split("[", 1)[0]
    if head == "heading":  # a 简讯 or 导读 heading, in its bar
        return "sidebar_title"
    if head == "briefs":
        return "body"
    if head == "pointers":
        return "sidebar"
    if head.startswith("headline."):
        return {"headline.kicker": "kicker", "headline.title": "headline", "headline.subtitle": "subtitle"}[head]
    if head == "byline":
        return "byline"
    if head.startswith("sidebar."):
        return "sidebar_title" if head == "sidebar.title" else "sidebar"
    if head == "lead":
        return "body"
    if head == "photos":
        return "caption"
    if head == "sections":
        return "subhead" if ".heading[" in tail else "body"
    raise ValueError(f"no font role for field {path!r}")


def role_fields(page: Page) -> list[tuple[str, str, str]]:
    """(font role, field path, text) of every text the page prints, in reading order, story by story;
    the 报眉's edition fields (role folio) last."""
    out = [(_field_role(path), path, text) for path, text in page_text_fields(page)]
    e = page.edition
    out += [("folio", f"edition.{name}", value)
            for name, value in (("paper", e.paper), ("page_name", e.page_name), ("editor", e.editor)) if value]
    return out


def places(page: Page, role: str, chars: set[str] | frozenset[str]) -> list[tuple[str, str]]:
    """(char, `file:line:col field char N`) for every occurrence of one of `chars` in the texts font role
    `role` draws, in reading order. N counts characters (code points) of the field's text; the file is
    the one the field was read from (a story file, or the page file)."""
    out = []
    for item in page.stories:
        for path, text in item_text_fields(item):
            if _field_role(path) == role and any(ch in chars for ch in text):
                where = _where(page, item, path)
                out += [(ch, f"{where} char {i}") for i, ch in enumerate(text) if ch in chars]
    if role == "folio":
        e = page.edition
        for name, value in (("paper", e.paper), ("page_name", e.page_name), ("editor", e.editor)):
            where = locate_field(page.sources, f"edition.{name}", page.source_file)
            out += [(ch, f"{where} char {i}") for i, ch in enumerate(value) if ch in chars]
    return out
