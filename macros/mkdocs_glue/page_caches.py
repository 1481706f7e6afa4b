"""The fast path's two page caches (patches of mkdocs' Page.render and material's search index;
installed by patches.py, each behind its fence in fences.py).

- A page's Markdown converted to HTML: most sections read the same for many schools, so a page
  whose Markdown, place, site files and Markdown settings match an earlier page's gets that
  page's HTML, table of contents, title and anchors without converting again. Only conversions
  that logged nothing are kept, so a link warning is never hidden, and only with Markdown
  extensions known to read nothing but the page.
- The search plugin's split of a page's HTML into sections, keyed by the HTML.

The cache is used only for a theme patches.mark_config allowed (`_policy_cache_ok`).
"""
from __future__ import annotations

import json
import logging

from macros import platform

# Markdown extensions whose output depends only on a page's Markdown and the config: no files
# read, no state kept between pages. A page converted with any other is never cached.
SAFE_EXTENSIONS = {"attr_list", "def_list", "md_in_html", "admonition", "toc", "tables",
                   "fenced_code", "footnotes", "sane_lists", "smarty", "abbr", "meta"}
_PAGE_CACHE_MAX = 512
_render_cache: dict[tuple, tuple] = {}
_search_cache: dict[str, list] = {}


class _LogWatch(logging.Handler):
    """Notices whether anything was logged (INFO or above) while a page was converted."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.quiet = True
        # The platform's own logger too: the properdocs command does not pass it on to the root.
        self.NAMES = tuple(dict.fromkeys(("", "mkdocs", platform.name(), "MARKDOWN")))

    def emit(self, record):
        self.quiet = False

    def __enter__(self):
        for name in self.NAMES:
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, *exc):
        for name in self.NAMES:
            logging.getLogger(name).removeHandler(self)


def _files_signature(files) -> str:
    """What a page's links resolve against: every file's source, destination and inclusion.
    Computed once a build (pages are converted after the last plugin changed the files)."""
    import hashlib

    signature = getattr(files, "_policy_signature", None)
    if signature is None:
        digest = hashlib.sha256()
        for file in files:
            digest.update(f"{file.src_uri}\0{file.dest_uri}\0{file.url}\0{file.inclusion}\n".encode())
        signature = files._policy_signature = digest.hexdigest()
    return signature


def _render_key(page, config, files) -> tuple | None:
    from mkdocs.structure import pages

    extensions = config["markdown_extensions"]
    if type(page) is not pages.Page or not all(isinstance(e, str) and e in SAFE_EXTENSIONS
                                               for e in extensions):
        return None             # an extension we have not checked, or a custom page class
    try:
        settings = json.dumps([extensions, config["mdx_configs"], config["use_directory_urls"],
                               repr(config["validation"])], sort_keys=True)
    except (TypeError, ValueError):
        return None
    return (page.markdown, page.file.src_uri, page.file.dest_uri, page.file.url, settings,
            _files_signature(files), pages.log.getEffectiveLevel())


def install_render_cache() -> None:
    import copy

    from mkdocs.structure import pages

    plain_render = pages.Page.render

    def render(self, config, files):
        if not getattr(config.theme, "_policy_cache_ok", False) or self.markdown is None:
            return plain_render(self, config, files)
        key = _render_key(self, config, files)
        if key is None:
            return plain_render(self, config, files)
        hit = _render_cache.get(key)
        if hit is None:
            with _LogWatch() as watch:
                plain_render(self, config, files)
            if watch.quiet:
                if len(_render_cache) >= _PAGE_CACHE_MAX:
                    _render_cache.clear()
                links = {f.src_uri: dict(v) for f, v in (self.links_to_anchors or {}).items()}
                _render_cache[key] = (self.content, copy.deepcopy(self.toc), self._title_from_render,
                                      frozenset(self.present_anchor_ids), links)
            return
        content, toc, title, anchors, links = hit
        self.content = content
        self.toc = copy.deepcopy(toc)
        self._title_from_render = title
        self.present_anchor_ids = set(anchors)
        if pages.log.getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = {files.get_file_from_path(uri): dict(v) for uri, v in links.items()}

    pages.Page.render = render


def install_search_cache() -> None:
    """material 9.8.1's SearchIndex.add_entry_from_context, with the parse kept by HTML."""
    from material.plugins.search import plugin as search

    def add_entry_from_context(self, page):
        options = page.meta.get("search") or {}
        if options.get("exclude"):
            return
        parsed = _search_cache.get(page.content)
        if parsed is None:
            parser = search.Parser()
            parser.feed(page.content)
            parser.close()
            parsed = [(s.el, s.depth, s.id, tuple(s.title), tuple(s.text))
                      for s in parser.data if not s.is_excluded()]
            if len(_search_cache) >= _PAGE_CACHE_MAX:
                _search_cache.clear()
            _search_cache[page.content] = parsed
        for el, depth, id, title, text in parsed:
            section = search.Section(el, depth)
            section.id, section.title, section.text = id, list(title), list(text)
            self.create_entry_for_section(section, page.toc, page.url, page)

    search.SearchIndex.add_entry_from_context = add_entry_from_context
