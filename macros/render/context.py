"""From a validated school to what the pages need: template variables, macros' output, edits,
and the account of those edits (every entry of the school file and the page it lands on).

Plain Python with no mkdocs import, so the rendering could move to another tool one day (and
`policy check` renders each section itself to account for the edits). Every value taken from a
school file is escaped here, once, so it reaches the page as text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from jinja2 import Environment, StrictUndefined, TemplateError

from macros.errors import PolicyError, Problem
from macros.model.edits import Applied, Edits, Effect, apply_edits
from macros.model.model import Link, Model
from macros.paths import DOCS_DIR
from macros.render.account import EditAccount, edit_account
from macros.render.wording import ROLE_NAMES, school_words
from macros.school.dates import in_one_wording
from macros.school.schema import Holder, School, Vacancy

VAGUE_LINK_TEXT = {"here", "website", "guidance", "toolkit", "checklist", "link", "this", "click here"}
# The characters Python-Markdown lets a backslash escape (a backslash before any other
# character would stay visible on the page).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!<>&])")
_REFERENCE_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\[([a-z0-9-]+)\]")
_REFERENCE_DEFINITION = re.compile(r"^((?:[ \t]*(?:[-*+]|\d+[.)]|&gt;)?[ \t]*)*)\[(?=[^\]\n]*\]:)", re.M)
_HEADING_LINE = re.compile(r"^(#{1,6})(?=\s)", re.M)
# mkdocs' front matter (a page's meta), which mkdocs removes before the macros see the page.
_FRONT_MATTER = re.compile(r"\A-{3}[ \t]*\n(.*?\n)?(?:\.{3}|-{3})[ \t]*\n", re.S)
# The model's placeholders rendered as mkdocs-macros renders them (a plain Jinja environment,
# undefined names refused), so `policy check` sees each page as the site will show it.
_JINJA = Environment(undefined=StrictUndefined)


@lru_cache(maxsize=64)
def _template(source: str):
    return _JINJA.from_string(source)


def inline_text(value: str | None) -> str:
    """A school's plain value as Markdown that renders exactly as written."""
    if value is None:
        return ""
    escaped = html.escape(" ".join(str(value).split()), quote=False)
    return _MARKDOWN_SPECIAL.sub(lambda m: m[1] if m[1] in "&;" else "\\" + m[1], escaped)


def school_markdown(value: str) -> str:
    """A school's Markdown with raw HTML shown as text, attribute lists disabled and no
    reference definitions (a definition is page-wide and its address escapes the link check)."""
    text = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("{", "\\{").replace("}", "\\}")
    return _REFERENCE_DEFINITION.sub(r"\1\\[", text)


def _normalise_headings(markdown: str, top: int) -> str:
    """Shift a school's headings so its highest level is `top` (the page keeps one h1)."""
    levels = [len(m) for m in _HEADING_LINE.findall(markdown)]
    if not levels:
        return markdown
    shift = top - min(levels)
    return _HEADING_LINE.sub(lambda m: "#" * min(6, len(m[1]) + shift), markdown)


@dataclass
class PageContext:
    """What the pages of one school's site are rendered with."""

    school: School
    model: Model
    variables: dict[str, Any]
    edits: Edits
    links: dict[str, Link]
    unresolved_links: set[str] = field(default_factory=set)
    account: EditAccount | None = None

    # --- macros ---------------------------------------------------------------------
    def holders(self, role: str, titles: bool | None = None) -> str:
        """The holders of a role in running text: `Emma Leach, Headteacher`, or with
        `titles=False` (or the school's `choices.titles_in_text: false`) only `Emma Leach`."""
        value = self._role(role)
        if isinstance(value, Vacancy):
            return f"not held at present (please contact {inline_text(value.contact)})"
        titles = self.school.choices.titles_in_text if titles is None else titles
        names = [_holder_text(h) if titles else inline_text(h.name) for h in value]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def holder_lines(self, role: str) -> str:
        """One paragraph per holder, as on a title page."""
        value = self._role(role)
        if isinstance(value, Vacancy):
            return (f"No one holds this role at present. Please contact "
                    f"{inline_text(value.contact)}.")
        return "\n\n".join(f"**{_holder_text(h)}**" for h in value)

    def title_block(self) -> str:
        """The first page: title, and the document-control block."""
        page = self.school.title_page
        meta = self.model.meta
        title = inline_text(page.title) if page.title else (
            f"{inline_text(self.school.school.name)}: {inline_text(meta['short_title'])}")
        lines = []
        if page.subtitle:
            lines += [inline_text(page.subtitle), "{: .policy-subtitle }", ""]
        lines += [f"# {title} {{: #title }}", ""]
        if page.note:
            lines += [inline_text(page.note), "{: .policy-note }", ""]
        if page.model_publication:
            publication = meta["publication"]
            lines += _definition_list(publication["rows"])
            lines += [f"**{inline_text(publication['notice'])}**", "{: .policy-notice }", ""]
        # A date in the school's own rows reads as the site words it everywhere else.
        rows = ([(r.label, in_one_wording(r.value)) for r in page.rows] if page.rows is not None
                else self.default_rows())
        lines += _definition_list(rows)
        return "\n".join(lines)

    def default_rows(self) -> list[tuple[str, str]]:
        """The dates block: ratified (and by whom), reviewed, next review; as written."""
        d = self.school.dates
        ratified = str(d.ratified) + (f" by {d.ratified_by}" if d.ratified_by else "")
        rows = [("Ratified", ratified)]
        if d.reviewed:
            rows.append(("Reviewed", str(d.reviewed)))
        rows.append(("Next review", str(d.next_review)))
        return rows

    def _role(self, role: str) -> list[Holder] | Vacancy:
        if role not in ROLE_NAMES:
            raise PolicyError(Problem("docs", f"unknown role '{role}' in a placeholder; roles are "
                                      f"{', '.join(ROLE_NAMES)}"))
        return getattr(self.school.roles, role)

    # --- pages ----------------------------------------------------------------------
    def finish_section(self, section: str | None, markdown: str) -> str:
        """Rendered model Markdown → the school's page: its own section, edits, real links.

        A model section's page must show exactly what the account of the school's edits says
        it shows: the differences page and `policy diff` are drawn from that account."""
        applied = self.apply_section(section, markdown)
        if self.account is not None and section in self.account.effects:
            expected = self.account.effects[section]
            if set(applied.effects) != expected:
                missing = sorted(f"{e.group} {e.passage}" for e in expected - set(applied.effects))
                extra = sorted(f"{e.group} {e.passage}" for e in set(applied.effects) - expected)
                raise PolicyError(Problem(f"docs/{section}.md", "this page does not show the school's "
                                          f"edits as `policy check` accounted for them (missing: "
                                          f"{', '.join(missing) or 'none'}; extra: {', '.join(extra) or 'none'}); "
                                          "the page's Markdown was rendered differently — please report this"))
        return self.resolve_links(applied.markdown)

    def apply_section(self, section: str | None, markdown: str) -> Applied:
        """The school's edits applied to one section's rendered Markdown (or to another page's)."""
        own = section is not None and section in self.school.sections
        if own:
            title = (self.title_block() if section == "index" else
                     next((line for line in markdown.split("\n") if line.startswith("# ")), ""))
            text = _normalise_headings(school_markdown(self.school.sections[section]), 2)
            markdown = f"{title}\n\n{text}\n" if title else text
        applied = apply_edits(markdown, self.edits)
        if own and not any(e.group == "omit" and self.model.passage_section.get(e.passage) == section
                           and self.model.passages[e.passage].kind == "heading"
                           and self.model.passages[e.passage].level == 1 for e in applied.effects):
            applied.effects.append(Effect("sections", section))
        return applied

    def section_source(self, section: str) -> str:
        """A model section's Markdown as written in docs/, without its front matter."""
        text = (DOCS_DIR / f"{section}.md").read_text(encoding="utf-8")
        return _FRONT_MATTER.sub("", text, count=1)

    def render_section(self, section: str) -> str:
        """A model section with this school's words in its placeholders, as mkdocs-macros
        renders it (without mkdocs), for the account of the school's edits."""
        try:
            return _template(self.section_source(section)).render(
                **self.variables, holders=self.holders, holder_lines=self.holder_lines,
                title_block=self.title_block)
        except TemplateError as error:
            raise PolicyError(Problem(f"docs/{section}.md", f"a placeholder cannot be filled: {error}; "
                                      "use only the placeholders AUTHORING.md lists")) from None

    def resolve_links(self, markdown: str) -> str:
        def link(m: re.Match) -> str:
            text, key = m[1], m[2]
            entry = self.links.get(key)
            if entry is None:
                raise PolicyError(Problem("docs", f"the link [{text}][{key}] names no entry '{key}' "
                                          "in docs/links.yml; add it there"))
            if not entry.url:
                self.unresolved_links.add(key)
                return text
            label = ""
            if text.strip().lower().strip(".()") in VAGUE_LINK_TEXT:
                name = html.escape(f"{text}: {entry.title}", quote=True)
                label = f'{{: aria-label="{name}" }}'
            return f"[{text}](<{entry.url}>){label}"
        return _REFERENCE_LINK.sub(link, markdown)


def _holder_text(holder: Holder) -> str:
    name = inline_text(holder.name)
    return f"{name}, {inline_text(holder.title)}" if holder.title else name


def _definition_list(rows: list) -> list[str]:
    lines: list[str] = []
    for label, value in rows:
        lines += [inline_text(label), f":   {inline_text(value)}", ""]
    return lines


def _escaped(words: Any) -> Any:
    """The school's words as Markdown that renders exactly as written (numbers and yes/no kept)."""
    if isinstance(words, dict):
        return {key: _escaped(value) for key, value in words.items()}
    return inline_text(words) if isinstance(words, str) else words


def build_context(school: School, model: Model) -> PageContext:
    """The page context of a school, with the account of its edits; raise PolicyError naming
    each edit that would take effect nowhere (file, line, field and what to write instead)."""
    variables = _escaped(school_words(school, model))
    passages = school.passages
    edits = Edits(
        omit=set(passages.omit),
        add_after={k: [school_markdown(t) for t in ([v] if isinstance(v, str) else v)]
                   for k, v in passages.add_after.items()},
        replace={k: school_markdown(v) for k, v in passages.replace.items()},
        fill={k: [school_markdown(t) for t in v] for k, v in passages.fill.items()},
    )
    links = {key: Link(key, link.title, school.links.get(key, link.url)) for key, link in model.links.items()}
    context = PageContext(school, model, variables, edits, links)
    account = edit_account(school, model, context.render_section, context.apply_section,
                           context.section_source)
    if account.missed:
        problems = account.problems(school.source_file or "school file", school.source_positions)
        raise PolicyError(sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.column or 0)))
    context.account = account
    return context
