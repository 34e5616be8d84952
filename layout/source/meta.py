"""What the page says about itself as a document: title, creators, subject and keywords, read off the
model by the desk's rules (the archive's XMP and the manifest carry them; `layout.base.docmeta` holds the
record)."""

from __future__ import annotations

from dataclasses import dataclass

from layout.base.model import Page, Story


@dataclass(frozen=True)
class Description:
    """The page's descriptive metadata (no file facts: those come from the build)."""

    title: str
    creators: tuple[tuple[str, str], ...]  # (role, name), in byline order, each once
    subject: str
    keywords: tuple[str, ...]


def story_title(story: Story) -> str:
    """The 主题's phrases joined by an ideographic space, after the 引题 and a full-width colon:
    郾城区：砥砺前行铸辉煌　乘风破浪再起航."""
    h = story.headline
    title = "　".join(t.text for t in h.title)
    return f"{h.kicker.text}：{title}" if h.kicker else title


def describe(page: Page) -> Description:
    """The page's title is its 头条's (the first story); the creators are every story's credits;
    the keywords are the 版名, each 引题 and each section's subhead."""
    news = page.news or page.stories[:1]
    lead = news[0]
    title = story_title(lead) if lead.kind == "story" else lead.heading.text
    h = lead.headline if lead.kind == "story" else None
    creators: list[tuple[str, str]] = []
    keywords: list[str] = [page.edition.page_name]
    for s in page.news:
        for c in s.byline:
            if (c.role, c.name.text) not in creators:
                creators.append((c.role, c.name.text))
        if len(page.news) > 1:
            keywords.append(story_title(s))
        elif s.headline.kicker:
            keywords.append(s.headline.kicker.text)
        keywords += ["".join(t.text for t in sec.heading) for sec in s.sections]
    return Description(title, tuple(creators), h.kicker.text if h and h.kicker else title, tuple(keywords))
