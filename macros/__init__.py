"""School policy sites: the model policy plus one school file, built with mkdocs.

This package is also the mkdocs-macros module named in mkdocs.yml (`module_name: macros`).
"""
from macros import platform

platform.select()   # ProperDocs in place of mkdocs where it is installed, before mkdocs loads

from macros.mkdocs_glue.macros_adapter import define_env, on_post_page_macros  # noqa: E402

__all__ = ["define_env", "on_post_page_macros"]
