"""School policy sites: the model policy plus one school file, built with mkdocs.

This package is also the mkdocs-macros module named in mkdocs.yml (`module_name: macros`).
"""
from macros.mkdocs_glue.macros_adapter import define_env, on_post_page_macros

__all__ = ["define_env", "on_post_page_macros"]
