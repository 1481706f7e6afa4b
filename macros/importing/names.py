"""Passage names for editors: each name with the first words of its model text.

`policy passages [SECTION] [--find WORDS]` prints these, and the school schema lists the same
names so an editor completes them (macros/schema_file.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from macros.render.differences import plain
from macros.school.schema_file import first_words
from macros.errors import PolicyError, Problem
from macros.model.model import Model

SHOW_NAMES_VARIABLE = "POLICY_SHOW_NAMES"
# For `policy serve --names`: each passage's name above (or, for a sentence, before) its text,
# in a face that reads as a label, selectable with one click to paste into the school file.
NAMES_STYLE = """
<style>
.md-typeset [id*="."]::before, .md-typeset h1[id]::before {
  content: attr(id); display: block; width: fit-content; margin: 0.2em 0;
  padding: 0 0.3em; font: 600 0.7rem/1.5 monospace; color: #1a1a1a; background: #fff3b0;
  border: 1px solid #8a6d00; user-select: all; }
.md-typeset span[id*="."]::before { display: inline; margin: 0 0.3em 0 0; }
</style>
"""


def show_names(environ) -> bool:
    """Whether this build is an editor's view, with each passage's name beside its text."""
    return environ.get(SHOW_NAMES_VARIABLE, "").strip() not in ("", "0")


@dataclass(frozen=True)
class NamedPassage:
    name: str
    section: str
    kind: str
    first_words: str
    school_list: bool = False


def named_passages(model: Model) -> list[NamedPassage]:
    """Every passage name of the model in reading order."""
    found = []
    for name, passage in model.passages.items():
        found.append(NamedPassage(name, model.passage_section[name], passage.kind, first_words(passage),
                                  "school-list" in passage.classes))
    return found


def passage_listing(model: Model, section: str | None = None, find: str | None = None) -> list[str]:
    """Lines for `policy passages`: name, then the first words of its text."""
    passages = named_passages(model)
    if section:
        if section not in model.sections:
            raise PolicyError(Problem("policy passages", f"there is no section '{section}'; sections are: "
                                      + ", ".join(model.sections)))
        passages = [p for p in passages if p.section == section]
    if find:
        wanted = find.lower().split()
        passages = [p for p in passages if all(w in f"{p.name} {plain(model.passages[p.name].text, limit=None)}".lower()
                                               for w in wanted)]
        if not passages:
            raise PolicyError(Problem("policy passages", f"no passage says '{find}'; try fewer or other words"))
    width = max((len(p.name) for p in passages), default=0)
    lines = []
    for p in passages:
        note = " (a list only the school fills: use fill)" if p.school_list else ""
        lines.append(f"{p.name:<{width}}  {'#' if p.kind == 'heading' else '-' if p.kind == 'item' else ' '} "
                     f"{p.first_words}{note}")
    return lines
