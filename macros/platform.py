"""Which platform builds the sites: ProperDocs where it is installed, else mkdocs 1.6.1.

ProperDocs is the continuation of mkdocs 1.x by its former maintainers (README, "Platform").
It ships `properdocs.replacement`, which makes every later `import mkdocs…` load the matching
`properdocs…` module; material and mkdocs-macros still install mkdocs 1.6.1 as a dependency,
so without this step `policy build` would run mkdocs even where ProperDocs is installed.

`select()` runs when the package is first imported, before anything imports mkdocs. Inside a
`mkdocs` or `properdocs` command (which loads this package as its macros module) the platform
is already chosen, and is left as it is.
"""
from __future__ import annotations

import importlib.util
import logging
import sys


def select() -> None:
    if "mkdocs" in sys.modules or importlib.util.find_spec("properdocs") is None:
        return
    import properdocs.replacement  # noqa: F401  (redirects `mkdocs.*` imports to ProperDocs)
    # Plugins (material, mkdocs-macros) still log as `mkdocs.*`: as the properdocs command
    # does, hang that logger under ProperDocs' own, so strict mode counts their warnings.
    logging.getLogger("mkdocs").parent = logging.getLogger("properdocs")


def name() -> str:
    """`properdocs` or `mkdocs`: the platform in use, and the name of its command."""
    return sys.modules["mkdocs"].__name__ if "mkdocs" in sys.modules else (
        "properdocs" if importlib.util.find_spec("properdocs") else "mkdocs")

