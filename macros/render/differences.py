"""How a school's policy departs from the model: data first, then text for the terminal
(`policy diff SLUG`) and Markdown for the site's "How this policy differs from the model" page.

Every departure is explicit in the school file, so this reads the school file and the model
only: each passage left out, added after, reworded or filled, each section the school wrote
itself, and each local choice that differs from the model's default.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from macros.render.context import ROLE_NAMES, inline_text
from macros.render.model_changes import ModelChange, model_changes
from macros.model.model import Model
from macros.school.schema import Choices, School, Vacancy

SHORT = 140
KINDS = {  # kind: (heading on the page / in the terminal, what the school did)
    "choice": "Local choices",
    "omit": "Passages left out",
    "add_after": "Passages added",
    "replace": "Passages reworded",
    "fill": "Lists the school filled",
    "section": "Sections in the school's own words",
}
_PLACEHOLDER = re.compile(r"\{\{\s*([^}]*?)\s*\}\}")
_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
_REFERENCE = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\[[a-z0-9-]+\]")
_INLINE_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\([^)]*\)")
_ATTRS = re.compile(r"\{:[^}]*\}")
_MARKUP = re.compile(r"<[^>]+>|[*_`]+|^\s*(?:[-*+]|\d+\.)\s+|^#+\s+", re.M)


@dataclass
class Departure:
    kind: str                 # a key of KINDS
    name: str                 # the passage or section name, or the choice's field
    section: str | None       # the model section (page) it belongs to
    model_text: str           # the model's words (short), or the model's default
    school_text: str = ""     # what the school wrote or chose (plain)
    link: str | None = None   # where it appears on the site, relative to the differences page
    changed: ModelChange | None = None  # the model changed this passage since the school's review


@dataclass
class Differences:
    school: School
    model: Model
    departures: list[Departure] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # section titles in the school's words

    def of_kind(self, kind: str) -> list[Departure]:
        return [d for d in self.departures if d.kind == kind]

    @property
    def changed(self) -> list[Departure]:
        return [d for d in self.departures if d.changed]


def words_of(school: School, model: Model) -> dict[str, str]:
    """The school's own words for the model's placeholders (plain, unescaped)."""
    info, dates, choices = school.school, school.dates, school.choices
    centre = info.setting == "centre"
    committee = school.governance == "management-committee"
    approach = model.behaviour_approaches.get(choices.behaviour_approach, {})
    words = {
        "school.name": info.name, "school.short_name": info.short_name or info.name,
        "setting": "Centre" if centre else "school", "Setting": "Centre" if centre else "School",
        "governance.body": "Management Committee" if committee else "Governing Body",
        "governance.member_title": ("Designated Management Committee Member" if committee
                                    else "Designated School Governor"),
        "dates.ratified": str(dates.ratified), "dates.next_review": str(dates.next_review),
        "dates.designated_teacher_year": dates.designated_teacher_year or "",
        "dates.behaviour_policy_reviewed": str(dates.behaviour_policy_reviewed or ""),
        "model.kcsie_edition": str(model.meta.get("kcsie_edition", "")),
        "toolkit.when": choices.toolkit_training.when or "",
        "alternative_provision.full_time": (choices.alternative_provision_full_time
                                            or str(model.meta.get("alternative_provision_full_time", ""))),
    }
    words.update({f"behaviour.{k}": str(v) for k, v in approach.items()})
    for role in ROLE_NAMES:
        holders = getattr(school.roles, role)
        names = ("vacant" if isinstance(holders, Vacancy) else
                 " and ".join(h.name + (f", {h.title}" if h.title else "") for h in holders))
        words[f'holders("{role}")'] = words[f"holders('{role}')"] = names
    return words


def plain(markdown: str, limit: int | None = SHORT, words: dict[str, str] | None = None) -> str:
    """Model Markdown as short plain words: placeholders filled (or …), no links, attributes or markup."""
    text = _PLACEHOLDER.sub(lambda m: (words or {}).get(m[1], "…"), markdown)
    text = _TAG.sub("", text)
    text = _ATTRS.sub("", text)
    text = _REFERENCE.sub(lambda m: m[1], text)
    text = _INLINE_LINK.sub(lambda m: m[1], text)
    text = _MARKUP.sub("", text).replace("[", "").replace("]", "")
    text = " ".join(text.split())
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + " …"
    return text


def _page(section: str) -> str:
    return "../" if section == "index" else f"../{section}/"


def _link(model: Model, name: str, school: School) -> str | None:
    """Where a passage appears on the school's site; None where the school's site lacks it."""
    section = model.passage_section.get(name)
    if (not section or section in school.sections or section in school.passages.omit
            or name in school.passages.omit):
        return None
    return f"{_page(section)}#{name}"


def _first_passage_using(model: Model, placeholder: str) -> str | None:
    return next((name for name, p in model.passages.items() if placeholder in p.text), None)


def _choices(school: School, model: Model) -> list[Departure]:
    default, chosen = Choices(), school.choices
    found = []
    approaches = model.behaviour_approaches

    def add(name: str, model_text: str, school_text: str, placeholder: str) -> None:
        passage = _first_passage_using(model, placeholder)
        found.append(Departure("choice", name, model.passage_section.get(passage or ""),
                               model_text, school_text, _link(model, passage, school) if passage else None))

    if chosen.behaviour_approach != default.behaviour_approach:
        add("behaviour approach", approaches.get(default.behaviour_approach, {}).get("name", ""),
            approaches.get(chosen.behaviour_approach, {}).get("name", chosen.behaviour_approach),
            "behaviour.name")
    if chosen.behaviour_contact:
        contact = ", ".join(v for v in chosen.behaviour_contact.model_dump().values() if v)
        base = approaches.get(chosen.behaviour_approach, {})
        add("behaviour contact", ", ".join(str(base[k]) for k in ("email", "phone") if base.get(k)),
            contact, "behaviour.email")
    training = chosen.toolkit_training
    if training.status != default.toolkit_training.status:
        add("toolkit training", "delivered to all staff",
            f"{training.status}" + (f", to be delivered in {training.when}" if training.when else ""),
            "toolkit.")
    if chosen.alternative_provision_full_time and (chosen.alternative_provision_full_time
                                                   != model.meta.get("alternative_provision_full_time")):
        add("alternative provision hours", str(model.meta.get("alternative_provision_full_time", "")),
            chosen.alternative_provision_full_time, "alternative_provision.")
    if school.governance != "governing-body":
        found.append(Departure("choice", "governance", None, "Governing Body", "Management Committee"))
    if school.school.setting != "school":
        found.append(Departure("choice", "setting", None, "school", "Centre"))
    return found


def differences(school: School, model: Model, history: Path | None = None) -> Differences:
    """Every departure of `school` from `model`, in the order of the model."""
    changes = {c.passage: c for c in model_changes(school, model, history)}
    words = words_of(school, model)
    order = {name: i for i, name in enumerate(model.passages)}
    edits = school.passages
    result = Differences(school, model, _choices(school, model),
                         titles={k: plain(v, None, words) for k, v in model.section_titles.items()})

    def passage(kind: str, name: str, school_text: str = "", link: bool = True) -> Departure:
        p = model.passages[name]
        return Departure(kind, name, model.passage_section.get(name), plain(p.text, words=words),
                         school_text, _link(model, name, school) if link else None, changes.get(name))

    touched = []
    for name in edits.omit:
        touched.append(passage("omit", name, link=False))
    for name, added in edits.add_after.items():
        items = [added] if isinstance(added, str) else added
        d = passage("add_after", name, " / ".join(plain(t, None) for t in items))
        d.link = d.link.replace(f"#{name}", f"#{name}.added-1") if d.link else None
        touched.append(d)
    for name, text in edits.replace.items():
        touched.append(passage("replace", name, plain(text, None)))
    for name, items in edits.fill.items():
        touched.append(passage("fill", name, " / ".join(plain(t, None) for t in items)))
    touched.sort(key=lambda d: order.get(d.name, 0))
    result.departures += touched
    for section in model.sections:
        if section in school.sections:
            result.departures.append(Departure("section", section, section, result.titles.get(section, section),
                                               plain(school.sections[section]), _page(section)))
    return result


# --- renderers ---------------------------------------------------------------------

def _changed_note(change: ModelChange) -> str:
    if change.what == "new":
        return f"model changed since your last review (issue {change.reviewed}): this passage is new in issue {change.current}"
    return (f"model changed since your last review (issue {change.reviewed}): the model's wording "
            f"is different in issue {change.current}; read it again")


def render_text(diff: Differences, file: str = "") -> str:
    school, model = diff.school, diff.model
    count = len(diff.departures)
    head = (f"{school.school.name}{f' ({file})' if file else ''} differs from the model "
            f"({model.version_label}) in {count} place{'s' if count != 1 else ''}")
    if not count:
        return head.replace(f"differs from the model ({model.version_label}) in 0 places",
                            f"follows the model ({model.version_label}) exactly") + ".\n"
    lines = [head + ":"]
    for kind, title in KINDS.items():
        items = diff.of_kind(kind)
        if not items:
            continue
        lines += ["", f"{title} ({len(items)})"]
        for d in items:
            if kind == "choice":
                lines.append(f"  {d.name}: {d.school_text} (model: {d.model_text})")
                continue
            where = f"  [{diff.titles.get(d.section, d.section)}]" if d.section else ""
            lines.append(f"  {d.name}{where}")
            if kind != "section":
                lines.append(f"      model:  {d.model_text}")
            if d.school_text:
                lines.append(f"      school: {plain(d.school_text)}")
            if d.changed:
                lines.append(f"      ! {_changed_note(d.changed)}")
    if diff.changed:
        lines += ["", f"{len(diff.changed)} passage(s) changed in the model since your last review: "
                      "read them, then set model_reviewed: " f"{model.issue}"]
    return "\n".join(lines) + "\n"


def render_markdown(diff: Differences) -> str:
    """The differences page's body; every word from the school file is escaped as text."""
    school, model = diff.school, diff.model
    name = inline_text(school.school.name)
    if not diff.departures:
        return (f"{name} follows the model policy ({inline_text(model.version_label)}) exactly: "
                "nothing is left out, added or reworded, and every local choice is the model's own.\n")
    out = [f"{name} has adapted the model policy ({inline_text(model.version_label)}) in "
           f"{len(diff.departures)} places, listed below so that governors can ratify it knowingly. "
           "Everything else is the model's own wording.", ""]
    if diff.changed:
        out += [f"!!! warning \"Model changed since the last review\"",
                f"    The model's text of {len(diff.changed)} passage(s) this policy adapts has changed "
                f"since issue {school.model_reviewed}, which this policy was last reviewed against. "
                "They are marked below.", ""]
    for kind, title in KINDS.items():
        items = diff.of_kind(kind)
        if not items:
            continue
        out += [f"## {title}", ""]
        for d in items:
            out += _markdown_item(d, diff.titles)
        out.append("")
    return "\n".join(out)


def _markdown_item(d: Departure, titles: dict[str, str]) -> list[str]:
    section = titles.get(d.section or "", "")
    if d.kind == "choice":
        label = inline_text(d.name.capitalize())
        target = f" ([where it appears in {inline_text(section)}]({d.link}))" if d.link else ""
        return [f"- **{label}**: {inline_text(d.school_text)} (the model: {inline_text(d.model_text)}){target}"]
    if d.kind == "section":
        return [f"- [{inline_text(section)}]({d.link}) is written in the school's own words."]
    where = f" in {inline_text(section)}" if section else ""
    if d.link:
        first = f"- [{inline_text(d.name)}{where}]({d.link})"
    else:
        first = f"- {inline_text(d.name)}{where} (left out)"
    lines = [first, "", f"    The model: “{inline_text(d.model_text)}”", ""]
    if d.school_text:
        lines += [f"    The school: “{inline_text(plain(d.school_text, 400))}”", ""]
    if d.changed:
        lines += [f"    **{inline_text(_changed_note(d.changed).capitalize())}.**", ""]
    return lines
