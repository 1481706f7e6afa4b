"""The account of a school's edits: each entry of its file, and the page where it took effect.

Every `omit`, `add_after`, `replace`, `fill` and `sections` entry is matched with what applying
the edits to the model's sections actually did (macros/model/edits.py). An entry that took
effect nowhere is a problem for the school's editor, worded with why and what to write instead;
the differences page and `policy diff` list only entries that landed, with where they landed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from macros.errors import Problem
from macros.model.edits import SCHOOL_LIST, Applied, Effect
from macros.model.model import Model
from macros.school.schema import School
from macros.school.yaml_reader import KEY, field_name, position_of

# What the model's conditions ({% if … %}) mean in a school file's words.
_CONDITIONS = {
    "toolkit.delivered": "choices.toolkit_training.status is delivered",
    "not toolkit.delivered": "choices.toolkit_training.status is planned",
    "dates.designated_teacher_year": "dates.designated_teacher_year is given",
    "dates.behaviour_policy_reviewed": "dates.behaviour_policy_reviewed is given",
}
_JINJA_TAG = re.compile(r"\{%-?\s*(if|elif|else|endif)\b\s*(.*?)\s*-?%\}")


@dataclass(frozen=True)
class Entry:
    """One entry of a school file's edits. `item` is its place in `omit` (1, 2, …) or, for
    `add_after`, which of the texts it is (1, 2, …); `listed` says the texts are a list."""

    group: str          # omit, add_after, replace, fill or sections
    name: str           # the passage (or, for sections, the section) it names
    item: int = 0
    listed: bool = False

    @property
    def path(self) -> tuple:
        if self.group == "sections":
            return ("sections", self.name)
        if self.group == "omit":
            return ("passages", "omit", self.item - 1)
        if self.group == "add_after" and self.listed:
            return ("passages", "add_after", self.name, self.item - 1)
        return ("passages", self.group, self.name)

    @property
    def field(self) -> str:
        return field_name(self.path)

    @property
    def key(self) -> tuple[str, str, int]:
        return (self.group, self.name, self.item if self.group == "add_after" else 0)


@dataclass(frozen=True)
class Landing:
    """Where an entry took effect: the section's page, and the id of the element showing it
    (None for a passage left out, and for a section in the school's own words)."""

    entry: Entry
    page: str
    anchor: str | None


@dataclass
class EditAccount:
    landed: list[Landing] = field(default_factory=list)
    missed: list[tuple[Entry, str]] = field(default_factory=list)   # (entry, why, in plain words)
    effects: dict[str, set[Effect]] = field(default_factory=dict)   # section -> what its page shows
    found: set[str] = field(default_factory=set)    # passages the school's pages held before its edits
    removed: dict[str, tuple[str, str]] = field(default_factory=dict)  # passage -> (edit, passage it names)

    def shown(self, passage: str) -> bool:
        """Whether the passage is on the school's pages (it may be reworded)."""
        return passage in self.found and passage not in self.removed and not any(
            l.entry.key == ("omit", passage, 0) for l in self.landed)

    def landing(self, group: str, name: str, item: int = 0) -> Landing | None:
        return next((l for l in self.landed if l.entry.key == (group, name, item)), None)

    def problems(self, file: str, positions: dict) -> list[Problem]:
        found = []
        for entry, why in self.missed:
            line, column = (positions.get((KEY,) + entry.path) or position_of(entry.path, positions)
                            or (None, None))
            found.append(Problem(file, f"this takes effect nowhere: {why}", entry.field, line, column))
        return found


def entries_of(school: School) -> list[Entry]:
    """Every edit entry of a school file, in the order of the file's groups."""
    edits = school.passages
    entries = [Entry("omit", name, i) for i, name in enumerate(edits.omit, 1)]
    for name, value in edits.add_after.items():
        texts = [value] if isinstance(value, str) else value
        entries += [Entry("add_after", name, i, isinstance(value, list)) for i in range(1, len(texts) + 1)]
    entries += [Entry("replace", name) for name in edits.replace]
    entries += [Entry("fill", name) for name in edits.fill]
    entries += [Entry("sections", name) for name in school.sections]
    return entries


def edit_account(school: School, model: Model, render: Callable[[str], str],
                 apply: Callable[[str, str], Applied], source: Callable[[str], str]) -> EditAccount:
    """Apply the school's edits to every section (`render` gives a section's Markdown with the
    school's words filled in, `apply` edits it as the site does) and match the file's entries."""
    account = EditAccount()
    where: dict[tuple, str] = {}
    effects: dict[tuple, Effect] = {}
    found, removed = account.found, account.removed
    refused: dict[tuple, str] = {}
    for section in model.sections:
        applied = apply(section, render(section))
        account.effects[section] = set(applied.effects)
        for effect in applied.effects:
            key = (effect.group, effect.passage, effect.item)
            effects.setdefault(key, effect)
            where.setdefault(key, section)
        found |= applied.found
        for name, cause in applied.removed.items():
            removed.setdefault(name, cause)
        refused.update(applied.refused)
    first_omit: dict[str, int] = {}
    for entry in entries_of(school):
        if entry.group == "omit" and entry.name in first_omit:
            account.missed.append((entry, f"'{entry.name}' is already listed in passages.omit "
                                          f"(entry {first_omit[entry.name]}); delete this line"))
            continue
        if entry.group == "omit":
            first_omit[entry.name] = entry.item
        effect = effects.get(entry.key)
        if effect is not None:
            account.landed.append(Landing(entry, where[entry.key], effect.anchor))
        else:
            account.missed.append((entry, _why(entry, school, model, found, removed, refused, source)))
    return account


def _why(entry: Entry, school: School, model: Model, found: set[str], removed: dict,
         refused: dict, source: Callable[[str], str]) -> str:
    """Why an entry took effect nowhere, and what to write instead."""
    name, group = entry.name, entry.group
    if entry.key in refused:
        parent = next((p.id for p in model.passages.values() if p.kind != "span" and f"#{name} " in p.text), None)
        if parent is None:
            return refused[entry.key]
        instead = "add them after" if group == "add_after" else "reword"
        return f"{refused[entry.key]}, or {instead} the whole paragraph '{parent}' instead"
    if group == "sections":
        return (f"passages.omit leaves the whole section '{name}' out, so these words would not be "
                f"shown; take '{name}' out of passages.omit, or delete this section's text")
    passage = model.passages.get(name)
    section = model.passage_section.get(name, "")
    if section in school.sections:
        return (f"the section '{section}' is in the school's own words (sections.{section}), so the "
                f"model's passage '{name}' is not on that page; make this change in sections.{section} "
                "instead, or delete this entry")
    if name in removed:
        cause, by = removed[name]
        if cause == "omit":
            cause_passage = model.passages.get(by)
            heading = cause_passage is not None and cause_passage.kind == "heading"
            what = (f"the whole section '{by}', which passages.omit leaves out"
                    if heading and cause_passage.level == 1 else
                    f"the part under the heading '{by}', which passages.omit leaves out" if heading
                    else f"'{by}', which passages.omit leaves out")
            return f"'{name}' is inside {what}; delete this entry, or take '{by}' out of passages.omit"
        if cause == "replace":
            return (f"'{name}' is inside '{by}', which passages.replace rewords; put this change into "
                    f"your wording of '{by}' instead")
        return (f"'{name}' is inside the list '{by}', which appears only when the school fills it; "
                f"add its items under passages.fill.{by}")
    if group != "omit" and name in school.passages.omit:
        fix = {"replace": "it cannot also be reworded; to reword it, take it out of passages.omit",
               "add_after": ("nothing can follow it; to put your own words in its place, use "
                             f"passages.replace.{name} instead, or take it out of passages.omit"),
               "fill": "its list cannot be shown; take it out of passages.omit to show your items"}[group]
        return f"passages.omit leaves '{name}' out, so {fix}"
    if passage is not None and SCHOOL_LIST in passage.classes and name not in school.passages.fill:
        if group == "omit":
            return (f"'{name}' is a list that appears only when the school fills it, so there is "
                    "nothing to leave out; delete this line")
        return (f"'{name}' is a list only the school fills, and it appears only with items: add "
                f"them under passages.fill.{name}")
    if name not in found:
        condition = _condition(source(section), name) if section else None
        when = f" only when {condition}" if condition else " only for some choices"
        return (f"the model has '{name}'{when}, and this file chooses otherwise; delete this entry, "
                "or change the choice")
    return "delete this entry"


def _condition(text: str, name: str) -> str | None:
    """The model's `{% if … %}` around the passage `name` in a section's source, in plain words."""
    at = text.find(f"#{name} ")
    if at < 0:
        return None
    open_ifs: list[str] = []
    for m in _JINJA_TAG.finditer(text[:at]):
        tag, test = m[1], m[2]
        if tag == "if":
            open_ifs.append(test)
        elif tag == "elif" and open_ifs:
            open_ifs[-1] = test
        elif tag == "else" and open_ifs:
            test = open_ifs[-1]
            open_ifs[-1] = test[4:] if test.startswith("not ") else f"not {test}"
        elif tag == "endif" and open_ifs:
            open_ifs.pop()
    if not open_ifs:
        return None
    test = " ".join(open_ifs[-1].split())
    return _CONDITIONS.get(test, f"`{test}`")
