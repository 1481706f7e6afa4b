"""What mike reads on the pages branch, written as mike writes it.

A school's folder `SLUG/` is what mike calls a deploy prefix: `SLUG/versions.json` lists the
versions and their aliases (mike's own `Versions` class writes it, so `mike list
--deploy-prefix SLUG` and `mike serve` read it, and material's version selector fetches it),
and each alias is a folder of redirect pages, one for every page of the version it names,
rendered from the same template mike would use (`--alias-type redirect --template …`).
"""
from __future__ import annotations

import posixpath

from jinja2 import Template
from mike.versions import Versions

from macros.paths import TEMPLATES_DIR

VERSIONS_FILE = "versions.json"
REDIRECT_TEMPLATE = TEMPLATES_DIR / "redirect.html"
_template: Template | None = None


def load_versions(text: str | None) -> Versions:
    return Versions.loads(text) if text else Versions()


def dump_versions(versions: Versions) -> str:
    return versions.dumps() + "\n"


def add_version(versions: Versions, version: str, alias: str | None) -> None:
    """Add or update `version`, moving `alias` to it (taken from any other version)."""
    versions.add(version, version, [alias] if alias else [], update_aliases=True)


def aliases_of(versions: Versions) -> dict[str, str]:
    """alias -> the version it names."""
    return {alias: str(info.version) for info in versions for alias in info.aliases}


def redirect_page(page: str, target: str) -> str:
    """The redirect at `page` (a path inside the alias folder) to the same page of `target`
    (the version folder beside it), as mike renders it with use_directory_urls."""
    global _template
    if _template is None:
        _template = Template(REDIRECT_TEMPLATE.read_text(encoding="utf-8"), autoescape=True,
                             keep_trailing_newline=True)
    href = posixpath.relpath(posixpath.join("..", target, page), posixpath.dirname(page) or ".")
    if posixpath.basename(href) == "index.html":
        href = posixpath.dirname(href) + "/"
    return _template.render(href=href)
