"""The mkdocs-macros adapter: the page context's variables and macros, for the pages' placeholders.

mkdocs-macros calls `define_env` once per build, after the policy plugin (plugin.py) has
loaded the school and made its page context; this module only registers that context's
variables and macros, and, once a page's placeholders are filled (`on_post_page_macros`),
hands its Markdown to the plugin for the school's edits.
"""
from __future__ import annotations

import os
import re

from macros.errors import PolicyError
from macros.mkdocs_glue.editor_view import NAMES_STYLE, show_names
from macros.mkdocs_glue.plugin import policy_plugin
from macros.mkdocs_glue.print_page import PRINT_PAGE
from macros.mkdocs_glue.reporting import PolicyPluginError
from macros.render import pages
from macros.render.accessibility import accessibility_statement
from macros.render.context import PageContext
from macros.render.differences import differences, render_markdown

_ATTRIBUTE_LIST = re.compile(r"\s*\{:[^}]*\}\s*$")


def define_env(env) -> None:
    context = policy_plugin(env.conf).context
    env.variables.update(context.variables)
    env.macro(context.holders, "holders")
    env.macro(context.holder_lines, "holder_lines")
    env.macro(lambda: _title_block(env, context), "title_block")
    env.macro(lambda: pages.whos_who(context), "whos_who")
    env.macro(lambda: accessibility_statement(context), "accessibility_statement")
    env.macro(lambda: render_markdown(differences(context.school, context.model, context.account)),
              "differences")


def _title_block(env, context: PageContext) -> str:
    """The title block; on the home page (not the print page) followed by who's who at a glance."""
    block = context.title_block()
    if env.page is not None and env.page.file.src_path == "index.md":
        block += "\n\n" + pages.whos_who_block(context)
    return block


def on_post_page_macros(env) -> None:
    # A title made of placeholders is rendered by mkdocs-macros with its attribute list.
    env.page.title = _ATTRIBUTE_LIST.sub("", env.page.title or "") or env.page.title
    try:
        env.markdown = policy_plugin(env.conf).finish_page(env.page, env.markdown)
    except PolicyError as error:
        raise PolicyPluginError.of(error) from None
    # `policy serve --names`: each passage's name beside its text (not on the print page).
    if show_names(os.environ) and env.page.file.src_uri != PRINT_PAGE:
        env.markdown += NAMES_STYLE
