"""The mkdocs-macros adapter: a thin layer from the page context to mkdocs pages.

mkdocs-macros calls `define_env` once per build. The school comes from the SCHOOL
environment variable (`SCHOOL=westfield mkdocs build`), which `policy build` sets too.
"""
from __future__ import annotations

import os
import re

from .context import PageContext, build_context
from .errors import PolicyError, Problem
from .loader import school_path, load_school
from .model import DOCS_DIR, load_model
from .passages import demote_headings

PRINT_PAGE = "print.md"
_ATTRIBUTE_LIST = re.compile(r"\s*\{:[^}]*\}\s*$")


def define_env(env) -> None:
    slug = os.environ.get("SCHOOL", "").strip()
    if not slug:
        raise PolicyError(Problem("mkdocs.yml", "no school chosen: run `SCHOOL=<slug> mkdocs build` "
                                  "or `policy build <slug>`"))
    model = load_model()
    school = load_school(school_path(slug), model)
    context = build_context(school, model)
    env.conf["site_name"] = f"{school.school.name}: {model.meta['short_title']}"
    env.conf["site_description"] = (f"{school.school.name}'s policy for the education of children "
                                    f"with a social worker, based on the {model.version_label} model policy.")
    # For overrides/partials/review-notice.html: the last day of the next review, as ISO.
    env.conf["extra"]["policy_next_review"] = school.dates.next_review.end.isoformat()
    env.conf["extra"]["policy_next_review_text"] = str(school.dates.next_review)
    env.variables.update(context.variables)
    env.variables["policy_context"] = context
    env.macro(context.holders, "holders")
    env.macro(context.holder_lines, "holder_lines")
    env.macro(context.title_block, "title_block")
    env.macro(lambda: _whole_policy(env, context), "whole_policy")


def _whole_policy(env, context: PageContext) -> str:
    """Every section in reading order on one page, for printing (one h1: the title)."""
    parts = []
    for section in context.model.sections:
        source = (DOCS_DIR / f"{section}.md").read_text(encoding="utf-8")
        markdown = context.finish_section(section, env.render(source, force_rendering=True))
        parts.append(markdown if section == "index" else demote_headings(markdown))
    return "\n\n".join(parts)


def on_post_page_macros(env) -> None:
    context: PageContext = env.variables["policy_context"]
    # A title made of placeholders is rendered by mkdocs-macros with its attribute list.
    env.page.title = _ATTRIBUTE_LIST.sub("", env.page.title or "") or env.page.title
    source = env.page.file.src_path
    if source == PRINT_PAGE:
        return
    section = source[:-3] if source.endswith(".md") else None
    known = section in context.model.sections
    env.markdown = context.finish_section(section if known else None, env.markdown)
