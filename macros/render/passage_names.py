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
