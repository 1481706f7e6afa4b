"""What the policy plugin (plugin.py) does to every school site's output, however it is built
(`mkdocs build`, `mike deploy`, `policy build`), so a published version is as small as a locally
built one. Plain functions of text; the plugin calls them.

- pages lose the indentation the theme's templates leave (about a fifth of each page),
  HTML comments and the line breaks CSS never shows (next to block tags), except inside
  <pre>, <textarea>, <script> and <style>, where whitespace can matter;
- material's inline SVG icons that docs/assets/policy.css draws (`.pi-NAME`) become empty
  <svg class="pi-NAME"> (≈3 KB a page), the generator <meta> goes, and so does the logo
  links' aria-label, which repeats their title (an icon-only link is named by its title);
  the drawer and search toggles lose autocomplete="off" (invalid HTML on a checkbox);
- the search index is written as UTF-8 rather than with \\u escapes;
- theme files a reader never needs are never copied into the site: source maps, the search
  languages other than English (material's worker has English built in), and the sitemap
  when it lists nothing (mkdocs renders an empty one without `site_url`).

Several of these read material's markup (class names, icon files): they are fenced with the
patches (fences.py) and used only with the pinned material.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from macros.mkdocs_glue import fences

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


def _squeeze_text(text: str, labels: bool) -> str:
    text = _drop_indentation(_COMMENT.sub("", text))
    # Functions, not r"\1" templates: Python 3.11 expands a template in Python code per match.
    if labels:      # material's markup (fences.py: one-line-labels)
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
    labels = _fence_holds("one-line-labels")
    parts = _KEEP.split(html)
    out = []
    in_head = "</head>" in html
    # re.split with two groups yields: text, whole-block, tag-name, text, ...
    for index in range(0, len(parts), 3):
        text = _squeeze_text(parts[index], labels)
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
    if not _fence_holds("icon-swaps") or POLICY_CSS not in [str(css) for css in config.get("extra_css") or ()]:
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
    html = swap_icons(html, swaps)
    if _fence_holds("generator-tag"):
        html = _GENERATOR.sub("", html, count=1)
    if _fence_holds("logo-label"):
        html = _LOGO_LABEL.sub(lambda m: m[1], html)
    if _fence_holds("toggle-autocomplete"):
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


def pruned(path: str) -> bool:
    """A theme file a reader never needs (by its place in the site)."""
    return path.endswith(PRUNE_SUFFIXES) or any(path.startswith(folder + "/") for folder in PRUNE_DIRS)


def empty_sitemap(text: str) -> bool:
    """mkdocs renders a sitemap listing nothing when the site has no `site_url`."""
    return "<url>" not in text


def _fence_holds(step: str) -> bool:
    """Whether a squeezing step that reads material's markup may run (fences.py)."""
    return fences.holds(fences.SQUEEZE, step)
