"""The print page: the whole policy on one page, in reading order.

Its own Markdown is the title section's (docs/index.md, rendered for this page, so without
who's who at a glance); every other section is joined in from the HTML mkdocs has already
made of its own page, one heading level down (h1..h5 become h2..h6, as
`passages.demote_headings` does to Markdown), instead of converting the policy's Markdown a
second time. Heading ids another section already used are renamed the way the toc extension
names repeats (`x`, `x_1`, `x_2`), and the page's table of contents is rebuilt from the
sections' own. A section the school leaves out is not in the site, so not here either.
"""
from __future__ import annotations

import logging
import re

from markdown.extensions.toc import nest_toc_tokens
from mkdocs.structure.toc import get_toc

PRINT_PAGE = "print.md"
_HEADING_TAG = re.compile(r"<(/?)h([1-5])(?=[\s>])")
log = logging.getLogger("mkdocs.plugins.policy")


def demote_html_headings(html: str) -> str:
    """h1..h5 become h2..h6 (h6 stays), like passages.demote_headings on the Markdown."""
    return _HEADING_TAG.sub(lambda m: f"<{m[1]}h{int(m[2]) + 1}", html)


def _flat_toc(items, demote: bool) -> list[dict]:
    flat = []
    for item in items:
        level = min(6, item.level + 1) if demote and item.level < 6 else item.level
        flat.append({"level": level, "id": item.id, "name": item.title})
        flat.extend(_flat_toc(item.children, demote))
    return flat


def unique_id(id: str, used: set[str]) -> str:
    """markdown's toc extension's rule: `x` → `x_1` → `x_2` …"""
    while id in used:
        match = re.match(r"^(.*)_([0-9]+)$", id)
        id = f"{match[1]}_{int(match[2]) + 1}" if match else f"{id}_1"
    return id


def _unique_heading_ids(content: str, tokens: list[dict], used: set[str]) -> str:
    """A heading id another section already used (two schools' headings with the same
    words get the same generated id) is renamed, in the HTML and in the table of contents."""
    for token in tokens:
        if token["id"] in used:
            new = unique_id(token["id"], used)
            content = re.sub(r'(<h[1-6][^>]*\sid=")%s(")' % re.escape(token["id"]),
                             lambda m: m[1] + new + m[2], content, count=1)
            token["id"] = new
        used.add(token["id"])
    return content


def join_sections(page, sections: list) -> None:
    """Put the HTML of `sections` (pages already rendered, in reading order) after the print
    page's own content, and rebuild its table of contents and anchors."""
    html, tokens = [], _flat_toc(page.toc, demote=False)
    used = set(page.present_anchor_ids or ()) | {token["id"] for token in tokens}
    for section in sections:
        if section.content is None:       # e.g. `mkdocs serve --dirty`: not rendered this time
            log.warning("print page: %s was not rendered in this build; it is missing", section.file.src_uri)
            continue
        content, section_tokens = demote_html_headings(section.content), _flat_toc(section.toc, demote=True)
        content = _unique_heading_ids(content, section_tokens, used)
        used |= section.present_anchor_ids or set()
        html.append(content)
        tokens.extend(section_tokens)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids = set(used)
    page.content = f"{page.content}\n" + "\n".join(html)
    page.toc = get_toc(nest_toc_tokens(tokens))
