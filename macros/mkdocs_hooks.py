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
  with `search: {exclude: false}` in its front matter.

This file is loaded by path, not as part of the `macros` package: keep it self-contained.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

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
