"""`policy new SLUG`: start a school's file from flags or, at a terminal, from questions.

The file is written only when it is valid (checked with load_school, as a build would) and
never over an existing school's file.
"""
from __future__ import annotations

import dataclasses
import re
import sys
from pathlib import Path
from typing import Callable

from macros.errors import PolicyError, Problem
from macros.files import atomic_create_text
from macros.school.loader import display_path, problems_in_text, refuse_reserved_name
from macros.model.model import Model, load_model
from macros.paths import schools_dir
from macros.school.schema import SLUG_RE

ROLE_FLAGS = {  # role: (flag, question)
    "designated_teacher": ("--designated-teacher", "Designated Teacher for CLA and PLA"),
    "designated_governor": ("--designated-governor", "Designated governor (or management committee member)"),
    "safeguarding_lead": ("--safeguarding-lead", "Designated Safeguarding Lead"),
}
REQUIRED = {  # attribute of the arguments: (flag, question)
    "name": ("--name", "The school's full name, as in running text (e.g. Westfield Primary School and Nursery)"),
    **{role: (flag, f"{question}: name, and job title after a comma (e.g. Emma Leach, Headteacher)")
       for role, (flag, question) in ROLE_FLAGS.items()},
    "ratified": ("--ratified", "When the governors approved the policy (e.g. December 2023)"),
    "next_review": ("--next-review", "When it must next be reviewed (e.g. Autumn 2024)"),
}
_PLAIN_SCALAR = re.compile(r"^[A-Za-z][A-Za-z0-9 .,'’()/&–-]*$")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


@dataclasses.dataclass
class NewSchool:
    slug: str
    name: str | None = None
    short_name: str | None = None
    setting: str = "school"
    governance: str = "governing-body"
    designated_teacher: list[str] = dataclasses.field(default_factory=list)
    pronoun: str | None = None
    designated_governor: list[str] = dataclasses.field(default_factory=list)
    safeguarding_lead: list[str] = dataclasses.field(default_factory=list)
    ratified: str | None = None
    ratified_by: str | None = None
    next_review: str | None = None
    version: str | None = None
    email: str | None = None
    behaviour_approach: str | None = None


def quote(value: str) -> str:
    """A YAML scalar that reads back as exactly `value`."""
    if _PLAIN_SCALAR.match(value) and value.lower() not in _YAML_WORDS and ": " not in value \
            and not value.endswith(":") and " #" not in value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _holder(text: str, pronoun: str | None = None) -> list[str]:
    name, _, title = (part.strip() for part in text.partition(","))
    lines = [f"    - name: {quote(name)}"]
    if title:
        lines.append(f"      title: {quote(title)}")
    if pronoun:
        lines.append(f"      pronoun: {pronoun}")
    return lines


def school_file_text(new: NewSchool, model: Model) -> str:
    """The commented school file for `new` (assumes the required answers are there)."""
    lines = [
        "# yaml-language-server: $schema=schema.json",
        f"# {new.name}: policy for children with a social worker.",
        "# This file holds only what is particular to the school; the words come from the",
        f"# authority's model policy ({model.version_label}). Check it with `policy check {new.slug}`,",
        f"# see how it departs from the model with `policy diff {new.slug}`.",
    ]
    if new.version:
        lines += ["", "# This policy's version, shown on the site.", f"version: {quote(new.version)}"]
    lines += [
        "", "# The model issue this file was last reviewed against; raise it after each new issue.",
        f"model_reviewed: {model.issue}",
        "", "school:",
        f"  name: {quote(new.name)}",
    ]
    if new.short_name:
        lines.append(f"  short_name: {quote(new.short_name)}")
    lines.append(f"  setting: {new.setting}            # school, or centre for a short-stay centre")
    if new.email:
        lines.append(f"  email: {quote(new.email)}")
    lines += [
        "", "# Who ratifies the policy: governing-body or management-committee.",
        f"governance: {new.governance}",
        "", "# The people in each statutory role: one or more, each with an optional title.",
        "# If a role is vacant, write:  vacant: true  and  contact: <whom to ask meanwhile>",
        "roles:",
        "  designated_teacher:",
    ]
    for i, holder in enumerate(new.designated_teacher):
        lines += _holder(holder, new.pronoun if i == 0 and len(new.designated_teacher) == 1 else None)
    lines.append("  designated_governor:")
    for holder in new.designated_governor:
        lines += _holder(holder)
    lines.append("  safeguarding_lead:")
    for holder in new.safeguarding_lead:
        lines += _holder(holder)
    lines += [
        "", "# Dates as you would write them: 3 December 2023, September 2024, Autumn 2024, 2024-09-01.",
        "dates:",
        f"  ratified: {quote(new.ratified)}",
    ]
    if new.ratified_by:
        lines.append(f"  ratified_by: {quote(new.ratified_by)}")
    lines += [f"  next_review: {quote(new.next_review)}"]
    approaches = ", ".join(model.behaviour_approaches)
    lines += [
        "", "# Local choices the model offers (the model's defaults are shown).",
        "choices:",
        f"  behaviour_approach: {new.behaviour_approach or 'hertfordshire-steps'}   # one of: {approaches}",
        "  toolkit_training:",
        "    status: delivered           # or: planned, with  when: Spring Term 2025",
        "",
        "# Departures from the model's wording, by passage name (the ids on the site), e.g.",
        "# passages:",
        "#   omit: [intention.deaton-review]",
        "#   add_after:",
        "#     impact.families: Our own sentence after that passage.",
        "#   replace:",
        "#     planning.dt-reporting: Our own wording of that passage.",
        "#   fill:",
        "#     exclusion.avoid-methods: [a reduced timetable, a change of class]",
    ]
    return "\n".join(lines) + "\n"


def _missing(new: NewSchool) -> list[str]:
    return [attr for attr in REQUIRED if not getattr(new, attr)]


def ask_missing(new: NewSchool, ask: Callable[[str], str]) -> None:
    for attr in _missing(new):
        question = REQUIRED[attr][1]
        answer = ""
        while not answer.strip():
            answer = ask(f"{question}: ")
        if attr in ROLE_FLAGS:
            more = [answer.strip()]
            while (extra := ask("  another person in this role (Enter for none): ").strip()):
                more.append(extra)
            setattr(new, attr, more)
        else:
            setattr(new, attr, answer.strip())


def create_school(new: NewSchool, folder: Path | None = None, interactive: bool | None = None,
                  ask: Callable[[str], str] = input) -> Path:
    """Write schools/<slug>.yml for `new`; raise PolicyError if it exists, lacks answers or is invalid."""
    folder = folder or schools_dir()
    target = folder / f"{new.slug}.yml"
    file = display_path(target)
    if not re.match(SLUG_RE, new.slug):
        raise PolicyError(Problem(file, f"'{new.slug}' cannot name a school file: use lowercase letters, "
                                  "digits and hyphens, like st-josephs"))
    refuse_reserved_name(new.slug, file)
    if target.exists():
        raise PolicyError(Problem(file, "this school already exists; edit its file, or choose another name"))
    interactive = sys.stdin.isatty() if interactive is None else interactive
    if _missing(new):
        if not interactive:
            flags = ", ".join(REQUIRED[attr][0] for attr in _missing(new))
            raise PolicyError(Problem(file, f"missing {flags}; give them as flags, or run `policy new "
                                      f"{new.slug}` at a terminal to be asked"))
        ask_missing(new, ask)
    model = load_model()
    text = school_file_text(new, model)
    problems = problems_in_text(text, target, model)
    if problems:
        raise PolicyError([dataclasses.replace(p, file=file) for p in problems])
    folder.mkdir(parents=True, exist_ok=True)
    try:
        atomic_create_text(target, text)
    except FileExistsError:
        raise PolicyError(Problem(file, "this school already exists; edit its file, or choose another name")) from None
    return target
