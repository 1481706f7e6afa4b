"""mkdocs hooks (mkdocs.yml `hooks:`): make every school site small, however it is built.

They run in `mkdocs build`, `mike deploy` and `policy build` alike, so a published version
is as small as a locally built one:

- pages lose the indentation the theme's templates leave (about a fifth of each page),
  HTML comments and the line breaks CSS never shows (next to block tags), except inside
  <pre>, <textarea>, <script> and <style>, where whitespace can matter;
- material's inline SVG icons that docs/assets/policy.css draws (`.pi-NAME`) become empty
  <svg class="pi-NAME"> (≈3 KB a page), the generator <meta> goes, and so does the logo
  links' aria-label, which repeats their title (an icon-only link is named by its title);
  the drawer and search toggles lose autocomplete="off" (invalid HTML on a checkbox);
- the search index is written as UTF-8 rather than with \\u escapes;
- theme files a reader never needs are not copied into the site (and removed after the
  build, should another step have written them): source maps, the search languages other
  than English (material's worker has English built in), and the sitemap when it lists
  nothing (mkdocs writes an empty one without `site_url`);
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

import json
import logging
import re
import shutil
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.toc import get_toc

# Theme files a reader never needs: source maps, and search languages other than English.
PRUNE_SUFFIXES = (".map",)
PRUNE_DIRS = ("assets/javascripts/lunr",)

_KEEP = re.compile(r"(<(pre|textarea|script|style)\b.*?</\2\s*>)", re.IGNORECASE | re.DOTALL)
# Comments a reader never sees (e.g. authors' notes in the model's Markdown); not the
# conditional comments of old Internet Explorer.
_COMMENT = re.compile(r"<!--(?!\[if).*?-->", re.DOTALL)
# Elements that are blocks in the theme and in the policy's text: whitespace next to their
# tags is collapsed away by CSS (it starts or ends a line), so the line break can go. Not
# inline or inline-block elements (a, span, label, button, input, svg …), where a space
# between two of them is visible, nor display: none ones (script), whose neighbours' spaces
# would then touch.
_BLOCK = ("address|article|aside|blockquote|body|caption|dd|details|dialog|div|dl|dt|"
          "fieldset|figcaption|figure|footer|form|h[1-6]|head|header|hr|html|li|main|nav|ol|p|"
          "section|summary|table|tbody|td|tfoot|th|thead|tr|ul")
_AFTER_BLOCK_TAG = re.compile(r"(</?(?:%s)(?:\s[^<>]*)?>)\n" % _BLOCK)
_BEFORE_BLOCK_TAG = re.compile(r"\n(?=</?(?:%s)[\s>])" % _BLOCK)
# In <head> no whitespace between tags is ever shown.
_BETWEEN_TAGS = re.compile(r">\n<")
# material's one-line labels are blocks (flex items, or positioned): the line breaks around
# their text are not shown.
_LABEL = re.compile(r'(<(span|div) class="(?:md-ellipsis|md-footer__direction)">)\n([^<\n]*)\n(</\2>)')

# material's footer links read "Next" (or "Previous") and then the page's title, a block: the
# line break between the two is the only space in the link's text, its name from content
# ("Next Safeguarding", which must hold what is seen, WCAG 2.5.3), so it stays, as a space.
_FOOTER_DIRECTION = re.compile(r'(<span class="md-footer__direction">[^<\n]*</span>)\n(?=<div class="md-ellipsis">)')

# material's navigation links are flex containers, which show no whitespace between or around
# their children (the title and the expand icon).
_NAV_LINK = re.compile(r'(<a [^<>]*class="md-nav__link[ "][^<>]*>)\n(<span class="md-ellipsis">[^<]*</span>'
                       r'(?:\n<span class="md-nav__icon md-icon"></span>)?)\n(</a>)')


def _nav_link(match: re.Match) -> str:
    return match[1] + match[2].replace("\n", "") + match[3]


def _drop_indentation(text: str) -> str:
    """Every run of spaces, tabs and line breaks that holds a line break becomes one line
    break (string methods: a regex for this tries a match at every space of the page)."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    middle = (line.strip(" \t") for line in lines[1:-1])
    return "\n".join([lines[0].rstrip(" \t"), *filter(None, middle), lines[-1].lstrip(" \t")])


def _squeeze_text(text: str) -> str:
    text = _drop_indentation(_COMMENT.sub("", text))
    # Functions, not r"\1" templates: Python 3.11 expands a template in Python code per match.
    text = _LABEL.sub(lambda m: m[1] + m[3] + m[4], text)
    text = _FOOTER_DIRECTION.sub(lambda m: m[1] + " ", text)
    text = _NAV_LINK.sub(_nav_link, text)
    text = _AFTER_BLOCK_TAG.sub(lambda m: m[1], text)
    return _BEFORE_BLOCK_TAG.sub("", text)


def squeeze_html(html: str) -> str:
    """Drop indentation, trailing spaces, blank lines and comments outside whitespace-sensitive
    blocks, and the line breaks where CSS would not show them (next to a block's tags).

    Wherever a space could be visible (between words and inline elements) one line break
    stays, so words and inline elements keep their spacing and the page renders the same.
    """
    parts = _KEEP.split(html)
    out = []
    in_head = "</head>" in html
    # re.split with two groups yields: text, whole-block, tag-name, text, ...
    for index in range(0, len(parts), 3):
        text = _squeeze_text(parts[index])
        if in_head:
            head, end, body = text.partition("</head>")
            text = _BETWEEN_TAGS.sub("><", head) + end + body
            in_head = not end
        out.append(text)
        if index + 1 < len(parts):
            out.append(parts[index + 1])
    return "".join(out).lstrip("\n")


# Theme icons drawn by docs/assets/policy.css (`.pi-NAME`, NAME a material/ icon): each
# page then carries an empty <svg class="pi-NAME"> instead of the icon's path (~3 KB a page).
# Only icons the stylesheet draws are swapped, and only where the page has material's own
# copy of the icon, so an icon the stylesheet does not know stays inline.
POLICY_CSS = "assets/policy.css"
_ICON_RULE = re.compile(r"^\.pi-([a-z0-9-]+)\s*\{", re.MULTILINE)
_icon_cache: dict[tuple, dict[str, str]] = {}


def icon_swaps(config) -> dict[str, str]:
    """Inline svg → its stand-in, for the icons policy.css draws (read once per stylesheet)."""
    if POLICY_CSS not in [str(css) for css in config.get("extra_css") or ()]:
        return {}
    css = Path(config["docs_dir"]) / POLICY_CSS
    try:
        key = (str(css), css.stat().st_mtime_ns)
    except OSError:
        return {}
    if key not in _icon_cache:
        import material
        icons = Path(material.__file__).parent / "templates" / ".icons" / "material"
        swaps = {}
        for name in _ICON_RULE.findall(css.read_text(encoding="utf-8")):
            svg = icons / f"{name}.svg"
            if svg.is_file():
                swaps[svg.read_text(encoding="utf-8").strip()] = f'<svg class="pi-{name}"></svg>'
        _icon_cache.clear()
        _icon_cache[key] = swaps
    return _icon_cache[key]


def swap_icons(html: str, swaps: dict[str, str]) -> str:
    for svg, stand_in in swaps.items():
        if svg in html:
            html = html.replace(svg, stand_in)
    return html


# The generator's name and version: nothing a reader (or a browser) uses.
_GENERATOR = re.compile(r'<meta name="generator" content="[^"]*">\n?')
# material's logo links carry the site's name twice, as title and as aria-label. A link
# whose only content is an icon takes its accessible name from its title, so the copy goes.
_LOGO_LABEL = re.compile(r'(<a [^<>]*\btitle="([^"<>]*)" class="md-(?:header|nav)__button md-logo") aria-label="\2"')


# material's drawer and search toggles (base.html) are checkboxes with autocomplete="off",
# which HTML does not allow on a checkbox (the Nu Html Checker's one error on every page).
# It kept a browser from restoring them on Back; docs/assets/policy.js closes them at load.
_TOGGLE_AUTOCOMPLETE = re.compile(r'(<input class="md-toggle" [^<>]*?) autocomplete="off"')


def trim_page(html: str, swaps: dict[str, str]) -> str:
    """Theme output a reader does not need: inline icons policy.css draws, the generator tag,
    the logo's second label and the toggles' autocomplete; then squeeze_html."""
    html = _LOGO_LABEL.sub(lambda m: m[1], _GENERATOR.sub("", swap_icons(html, swaps), count=1))
    html = _TOGGLE_AUTOCOMPLETE.sub(lambda m: m[1], html, count=2)
    return squeeze_html(html)


def compact_search_index(site_dir: str | Path) -> None:
    """The search index with its text as UTF-8 rather than \\u escapes (same JSON value)."""
    path = Path(site_dir) / "search" / "search_index.json"
    if not path.is_file():
        return
    raw = path.read_text(encoding="utf-8")
    compact = json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))
    if len(compact.encode("utf-8")) < len(raw.encode("utf-8")):
        path.write_text(compact, encoding="utf-8")


def _pruned(path: str) -> bool:
    return path.endswith(PRUNE_SUFFIXES) or any(path.startswith(folder + "/") for folder in PRUNE_DIRS)


def on_files(files, config):
    """The theme's files prune_site would delete are never copied in the first place."""
    for file in [f for f in files if _pruned(f.dest_uri)]:
        files.remove(file)
    return files


def prune_site(site_dir: str | Path) -> None:
    site = Path(site_dir)
    for suffix in PRUNE_SUFFIXES:
        for path in site.rglob("*" + suffix):
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
    return trim_page(output, icon_swaps(config))


def on_post_template(output_content: str, template_name: str, config) -> str:
    if template_name.endswith(".html"):
        return trim_page(output_content, icon_swaps(config))
    return output_content


@event_priority(-100)    # after the search plugin has written its index
def on_post_build(config) -> None:
    prune_site(config["site_dir"])
    compact_search_index(config["site_dir"])
