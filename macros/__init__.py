"""School policy sites: the model policy plus one school file, built with mkdocs.

This package is also the mkdocs-macros module named in mkdocs.yml (`module_name: macros`).
Its two functions are imported when mkdocs-macros asks for them, so that `policy` starts
without loading mkdocs (and a Ctrl-C while it starts is its to handle).
"""
from macros import platform

platform.select()   # ProperDocs in place of mkdocs where it is installed, before mkdocs loads

__all__ = ["define_env", "on_post_page_macros"]


def __getattr__(name: str):
    if name in __all__:
        from macros.mkdocs_glue import macros_adapter
        return getattr(macros_adapter, name)
    raise AttributeError(f"module 'macros' has no attribute {name!r}")
