"""转版: what a story cut on one page leaves for the page it continues on, as a story file.

The page build writes `<stem>.jump-<id>.yaml` beside its outputs. The desk names it in the other
page's file (`stories: [{file: …jump-<id>.yaml, continued_from: N}]` — the file says so itself):
the story goes on there under its own title, opening with （上接第N版）, the paragraph cut here
first and unindented.
"""

from __future__ import annotations

import re

import yaml

from layout.base.model import Page, Story


def continuation(page: Page, story: Story, pieces: tuple[tuple[str, str, int], ...]) -> str:
    """The continuation of `story` as story-file YAML: its title, and every paragraph and subhead from
    the cut on (`pieces`: field path, text, offset of the first character left)."""
    sections: list[dict] = []
    for path, text, offset in pieces:
        m = re.search(r"sections\[(\d+)\]\.heading$", path)
        if m:
            sections.append({"heading": list(h.text for h in story.sections[int(m.group(1))].heading),
                             "paragraphs": []})
            continue
        if not sections:
            sections.append({"heading": [], "paragraphs": []})
        sections[-1]["paragraphs"].append(text[offset:])
    doc = {"headline": {"title": [t.text for t in story.headline.title]}, "sections": sections}
    head = (f"# 转版: the rest of story {story.id!r} of page {page.edition.page} ({page.edition.date}), cut there\n"
            f"# with （下转第N版）. Name this file in page N's stories, with continued_from: {page.edition.page}.\n")
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
