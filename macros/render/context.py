"""From a validated school to what the pages need: template variables, macros' output and edits.

Plain Python with no mkdocs import, so the rendering could move to another tool one day.
Every value taken from a school file is escaped here, once, so it reaches the page as text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from macros.errors import PolicyError, Problem
from macros.model.model import Link, Model
from macros.model.passages import Edits, apply_edits
from macros.school.schema import Holder, School, Vacancy

ROLE_NAMES = ("designated_teacher", "designated_governor", "safeguarding_lead")
VAGUE_LINK_TEXT = {"here", "website", "guidance", "toolkit", "checklist", "link", "this", "click here"}
# The characters Python-Markdown lets a backslash escape (a backslash before any other
# character would stay visible on the page).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#!<>&])")
_REFERENCE_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\[([a-z0-9-]+)\]")
_REFERENCE_DEFINITION = re.compile(r"^((?:[ \t]*(?:[-*+]|\d+[.)]|&gt;)?[ \t]*)*)\[(?=[^\]\n]*\]:)", re.M)
_HEADING_LINE = re.compile(r"^(#{1,6})(?=\s)", re.M)


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
        rows = ([(r.label, r.value) for r in page.rows] if page.rows is not None
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
        """Rendered model Markdown → the school's page: its own section, edits, real links."""
        if section and section in self.school.sections:
            title = (self.title_block() if section == "index" else
                     next((line for line in markdown.split("\n") if line.startswith("# ")), ""))
            own = _normalise_headings(school_markdown(self.school.sections[section]), 2)
            markdown = f"{title}\n\n{own}\n" if title else own
        return self.resolve_links(apply_edits(markdown, self.edits))

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


def _pronoun_phrase(school: School) -> str:
    holders = school.roles.designated_teacher
    if isinstance(holders, Vacancy) or len(holders) != 1:
        return "They are"
    return {"she": "She is", "he": "He is"}.get(holders[0].pronoun or "they", "They are")


def build_context(school: School, model: Model) -> PageContext:
    meta = model.meta
    choices = school.choices
    approach = {"email": "", "phone": "", **model.behaviour_approaches[choices.behaviour_approach]}
    if choices.behaviour_contact:
        approach.update({k: v for k, v in choices.behaviour_contact.model_dump().items() if v})
    centre = school.school.setting == "centre"
    dates = school.dates
    variables = {
        "school": {
            "name": inline_text(school.school.name),
            "short_name": inline_text(school.school.short_name or school.school.name),
            "email": inline_text(school.school.email),
            "phone": inline_text(school.school.phone),
        },
        "setting": "Centre" if centre else "school",
        "Setting": "Centre" if centre else "School",
        "governance": {
            "body": "Management Committee" if school.governance == "management-committee" else "Governing Body",
            "member_title": ("Designated Management Committee Member"
                             if school.governance == "management-committee" else "Designated School Governor"),
        },
        "dates": {
            "ratified": inline_text(str(dates.ratified)),
            "ratified_by": inline_text(dates.ratified_by),
            "reviewed": inline_text(str(dates.reviewed or "")),
            "next_review": inline_text(str(dates.next_review)),
            "designated_teacher_year": inline_text(dates.designated_teacher_year),
            "behaviour_policy_reviewed": inline_text(str(dates.behaviour_policy_reviewed or "")),
        },
        "model": {
            "kcsie_edition": inline_text(meta["kcsie_edition"]),
            "reference": inline_text(meta["reference"]),
            "issue": model.issue,
            "published": inline_text(meta["published"]),
            "version_label": inline_text(model.version_label),
        },
        "behaviour": {k: inline_text(v) for k, v in approach.items()},
        "toolkit": {
            "delivered": choices.toolkit_training.status == "delivered",
            "when": inline_text(choices.toolkit_training.when),
        },
        "alternative_provision": {
            "full_time": inline_text(choices.alternative_provision_full_time
                                     or meta["alternative_provision_full_time"]),
        },
        "designated_teacher_is": _pronoun_phrase(school),
    }
    passages = school.passages
    edits = Edits(
        omit=set(passages.omit),
        add_after={k: [school_markdown(t) for t in ([v] if isinstance(v, str) else v)]
                   for k, v in passages.add_after.items()},
        replace={k: school_markdown(v) for k, v in passages.replace.items()},
        fill={k: [school_markdown(t) for t in v] for k, v in passages.fill.items()},
    )
    links = {key: Link(key, link.title, school.links.get(key, link.url)) for key, link in model.links.items()}
    return PageContext(school, model, variables, edits, links)
