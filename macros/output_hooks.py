"""mkdocs hooks (mkdocs.yml `hooks:`): make every school site small, however it is built.

They run in `mkdocs build`, `mike deploy` and `policy build` alike, so a published version
is as small as a locally built one:

- pages lose the indentation the theme's templates leave (about a fifth of each page),
  except inside <pre>, <textarea>, <script> and <style>, where whitespace can matter;
- theme files a reader never needs are removed after the build: source maps, the
  search languages other than English (material's worker has English built in), and the
  sitemap when it lists nothing (mkdocs writes an empty one without `site_url`);
- the print page, which repeats every section, stays out of the search index (otherwise
  it doubles the index and every search hit appears twice); a page can still opt in
  with `search: {exclude: false}` in its front matter;
- the print page is assembled from the section pages' HTML, which mkdocs has already
  rendered before any template runs, instead of converting the whole policy's Markdown a
  second time. macros/site.py renders only the title section and leaves a placeholder
  with the list of section pages in the page's meta (`policy_print_sections`); here every
  section's HTML is demoted one heading level (h1..h5; as `passages.demote_headings` does
  to the Markdown) and put in its place, and the page's table of contents is rebuilt from
  the sections' own. tests/test_build.py checks the page is byte-identical to the
  Markdown path (`POLICY_PRINT_FROM_HTML=0`).

This file is loaded by path, not as part of the `macros` package: keep it self-contained.
"""
from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.toc import get_toc

# Theme files a reader never needs: source maps, and search languages other than English.
PRUNE_GLOBS = ("**/*.map",)
PRUNE_DIRS = ("assets/javascripts/lunr",)

_KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
_INDENT = re.compile(r"[ \t]*\n[ \t\n]*")


def squeeze_html(html: str) -> str:
    """Drop indentation, trailing spaces and blank lines outside whitespace-sensitive blocks.

    A line break stays wherever there was whitespace, so words and inline elements keep
    their spacing and the page renders the same.
    """
    parts = _KEEP.split(html)
    out = []
    # re.split with two groups yields: text, whole-block, tag-name, text, ...
    for index in range(0, len(parts), 3):
        out.append(_INDENT.sub("\n", parts[index]))
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out)


def prune_site(site_dir: str | Path) -> None:
    site = Path(site_dir)
    for pattern in PRUNE_GLOBS:
        for path in site.glob(pattern):
            path.unlink()
    for folder in PRUNE_DIRS:
        shutil.rmtree(site / folder, ignore_errors=True)
    sitemap = site / "sitemap.xml"
    if sitemap.is_file() and "<url>" not in sitemap.read_text(encoding="utf-8"):
        sitemap.unlink()
        (site / "sitemap.xml.gz").unlink(missing_ok=True)


PRINT_PAGE = "print.md"
# Written by macros/site.py's whole_policy() where the section pages go (see the docstring).
PRINT_PLACEHOLDER = "<!-- policy:print-sections -->"
PRINT_SECTIONS_META = "policy_print_sections"
_HEADING_TAG = re.compile(r"<(/?)h([1-5])(?=[\s>])")
log = logging.getLogger("mkdocs.hooks.policy")

# macros/site.py looks for this to know the print page will be assembled here.
ASSEMBLES_PRINT_PAGE = True


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


def _unique_id(id: str, used: set[str]) -> str:
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
            new = _unique_id(token["id"], used)
            content = re.sub(r'(<h[1-6][^>]*\sid=")%s(")' % re.escape(token["id"]),
                             lambda m: m[1] + new + m[2], content, count=1)
            token["id"] = new
        used.add(token["id"])
    return content


def _nest(tokens: list[dict]) -> list[dict]:
    from markdown.extensions.toc import nest_toc_tokens
    return nest_toc_tokens(tokens)


@event_priority(100)     # before any plugin reads the page (e.g. a search index opting it in)
def on_page_context(context, page, config, nav):
    sections = page.meta.get(PRINT_SECTIONS_META)
    if not sections or page.content is None or PRINT_PLACEHOLDER not in page.content:
        return context
    by_source = {p.file.src_uri: p for p in nav.pages}
    html, tokens = [], _flat_toc(page.toc, demote=False)
    used = set(page.present_anchor_ids or ()) | {token["id"] for token in tokens}
    for src_uri in sections:
        section = by_source.get(src_uri)
        if section is None or section.file.inclusion.is_excluded():
            continue            # a section the school leaves out
        if section.content is None:       # e.g. `mkdocs serve --dirty`: not rendered this time
            log.warning("print page: %s was not rendered in this build; it is missing", src_uri)
            continue
        content, section_tokens = demote_html_headings(section.content), _flat_toc(section.toc, demote=True)
        content = _unique_heading_ids(content, section_tokens, used)
        used |= section.present_anchor_ids or set()
        html.append(content)
        tokens.extend(section_tokens)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids = set(used)
    page.content = page.content.replace(PRINT_PLACEHOLDER, "\n".join(html), 1)
    page.toc = get_toc(_nest(tokens))
    return context


def on_page_markdown(markdown: str, page, config, files) -> str:
    if page.file.src_uri == PRINT_PAGE:
        page.meta.setdefault("search", {}).setdefault("exclude", True)
    return markdown


def on_post_page(output: str, page, config) -> str:
    return squeeze_html(output)


def on_post_template(output_content: str, template_name: str, config) -> str:
    if template_name.endswith(".html"):
        return squeeze_html(output_content)
    return output_content


def on_post_build(config) -> None:
    prune_site(config["site_dir"])
