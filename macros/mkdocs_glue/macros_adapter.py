"""The mkdocs-macros adapter: a thin layer from the page context to mkdocs pages.

mkdocs-macros calls `define_env` once per build. The school comes from the SCHOOL
environment variable (`SCHOOL=westfield mkdocs build`), which `policy build` sets too.
"""
from __future__ import annotations

import os
import re

from markupsafe import Markup

from macros.render.context import PageContext, build_context
from macros.render.differences import differences, render_markdown
from macros.errors import PolicyError, Problem
from macros.school.loader import school_path, load_school
from macros.paths import DOCS_DIR
from macros.model.model import load_model
from macros.mkdocs_glue.output_hooks import PRINT_PAGE, PRINT_PLACEHOLDER, PRINT_SECTIONS_META
from macros.model.passages import demote_headings
from macros.render import pages
from macros.render.accessibility import accessibility_statement
from macros.importing.names import NAMES_STYLE, show_names

_ATTRIBUTE_LIST = re.compile(r"\s*\{:[^}]*\}\s*$")


def define_env(env) -> None:
    slug = os.environ.get("SCHOOL", "").strip()
    if not slug:
        raise PolicyError(Problem("mkdocs.yml", "no school chosen: run `SCHOOL=<slug> mkdocs build` "
                                  "or `policy build <slug>`"))
    model = load_model()
    school = load_school(school_path(slug), model)
    context = build_context(school, model)
    # The theme prints these unescaped in places (<title>, aria-label="…"): escape the school's
    # words once, as Markup so the theme's own `| e` does not escape them twice.
    env.conf["site_name"] = _markup(f"{school.school.name}: {model.meta['short_title']}")
    env.conf["site_description"] = _markup(f"{school.school.name}'s policy for the education of children "
                                           f"with a social worker, based on the {model.version_label} model policy.")
    # Every page's footer says which version of whose policy this is, and which model it follows.
    version = f"version {school.version}, " if school.version else ""
    env.conf["copyright"] = _markup(
        f"{school.school.name} policy, {version}ratified {school.dates.ratified}, next review "
        f"{school.dates.next_review}. Based on the model policy {model.version_label}.")
    # For overrides/partials/review-notice.html: the last day of the next review, as ISO.
    env.conf["extra"]["policy_next_review"] = school.dates.next_review.end.isoformat()
    env.conf["extra"]["policy_next_review_text"] = str(school.dates.next_review)
    env.conf["extra"]["policy_review_ask"] = pages.review_ask(context)
    env.variables.update(context.variables)
    env.variables["policy_context"] = context
    env.macro(context.holders, "holders")
    env.macro(context.holder_lines, "holder_lines")
    env.macro(lambda: _title_block(env, context), "title_block")
    env.macro(lambda: pages.whos_who(context), "whos_who")
    env.macro(lambda: accessibility_statement(context), "accessibility_statement")
    # The end-of-page "questions or comments" block, rendered by overrides/main.html.
    env.conf["extra"]["policy_feedback"] = pages.feedback(context)
    # The facts printed at the top of the whole policy, rendered by overrides/main.html.
    env.conf["extra"]["policy_print_summary"] = pages.print_summary(context)
    # The running footer of every printed page, for overrides/partials/print-footer.html.
    env.conf["extra"]["policy_running_footer"] = pages.css_string(pages.running_footer(context))
    env.macro(lambda: _whole_policy(env, context), "whole_policy")
    env.macro(lambda: render_markdown(differences(school, model, context.account)), "differences")


def _title_block(env, context: PageContext) -> str:
    """The title block; on the home page (not the print page) followed by who's who at a glance."""
    block = context.title_block()
    if env.page is not None and env.page.file.src_path == "index.md":
        block += "\n\n" + pages.whos_who_block(context)
    return block


def _markup(text: str) -> Markup:
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def _whole_policy(env, context: PageContext) -> str:
    """Every section in reading order on one page, for printing (one h1: the title)."""
    sections = context.model.sections
    # Fast path: macros/output_hooks.py fills the other sections in from their rendered pages.
    assembled = _print_assembled_by_hook(env) and sections[:1] == ["index"]
    if assembled:
        env.page.meta[PRINT_SECTIONS_META] = [f"{s}.md" for s in sections[1:]]
        sections = sections[:1]
    parts = []
    for section in sections:
        source = (DOCS_DIR / f"{section}.md").read_text(encoding="utf-8")
        markdown = context.finish_section(section, env.render(source, force_rendering=True))
        parts.append(markdown if section == "index" else demote_headings(markdown))
    return "\n\n".join(parts + [PRINT_PLACEHOLDER] * assembled)


def _print_assembled_by_hook(env) -> bool:
    """True when mkdocs.yml's hooks include output_hooks.py (and POLICY_PRINT_FROM_HTML≠0)."""
    if os.environ.get("POLICY_PRINT_FROM_HTML", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    return env.page is not None and any(
        getattr(plugin, "ASSEMBLES_PRINT_PAGE", False) for plugin in env.conf["plugins"].values())


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
    if show_names(os.environ):
        env.markdown += NAMES_STYLE
