"""Checks of a school file against the model: the passages, sections, documents, behaviour
approaches and model issues it names must be ones the model has.

They work on the raw data, so they are reported together with any problems of shape (values
of the wrong shape are skipped here).
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from macros.errors import Problem
from macros.model.model import Model
from macros.model import snapshots
from macros.school.schema import PASSAGE_RE, SLUG_RE
from macros.school.yaml_reader import KEY, YamlFile, field_name, position_of

PASSAGES_COMMAND = "policy passages"


def model_problems(source: YamlFile, model: Model, file: str, history: Path | None = None) -> list[Problem]:
    """Names the file uses that the model does not have."""
    data, positions = source.data, source.positions
    problems = []

    def at(path: tuple, key: bool = True) -> tuple[int | None, int | None]:
        return (key and positions.get((KEY,) + path)) or position_of(path, positions) or (None, None)

    def unknown(name: str, path: tuple) -> None:
        problems.append(Problem(file, no_such_passage(name, model), field_name(path), *at(path)))

    def mapping(value: Any) -> dict:
        return value if isinstance(value, dict) else {}

    edits = mapping(data.get("passages"))
    omit = edits.get("omit")
    for i, name in enumerate(omit if isinstance(omit, list) else []):
        if isinstance(name, str) and re.match(PASSAGE_RE, name) and name not in model.passages:
            unknown(name, ("passages", "omit", i))
    for group in ("add_after", "replace", "fill"):
        for name in mapping(edits.get(group)):
            if isinstance(name, str) and re.match(PASSAGE_RE, name) and name not in model.passages:
                unknown(name, ("passages", group, name))
    for path, text in _school_markdown(data):
        for key in _REFERENCE_KEY.findall(text):
            if key not in model.links:
                hint = difflib.get_close_matches(key, list(model.links), 1)
                maybe = f"did you mean '{hint[0]}'? " if hint else ""
                problems.append(Problem(file, f"the reference [{key}] names no document the model knows; "
                                        f"{maybe}use a key from docs/links.yml, or write a web link like "
                                        "[text](https://…)", field_name(path), *at(path, key=False)))
    lists = [p for p, v in model.passages.items() if "school-list" in v.classes]
    for name in mapping(edits.get("fill")):
        passage = model.passages.get(name)
        if passage and "school-list" not in passage.classes:
            path = ("passages", "fill", name)
            problems.append(Problem(file, f"'{name}' is not a list the school fills; lists you can fill: "
                                    f"{', '.join(lists)}", field_name(path), *at(path)))
    for name in mapping(data.get("sections")):
        if isinstance(name, str) and re.match(SLUG_RE, name) and name not in model.sections:
            hint = difflib.get_close_matches(name, model.sections, 1)
            maybe = f"did you mean '{hint[0]}'? " if hint else ""
            path = ("sections", name)
            problems.append(Problem(file, f"there is no section '{name}'; {maybe}sections are: "
                                    f"{', '.join(model.sections)}", field_name(path), *at(path)))
    approach = mapping(data.get("choices")).get("behaviour_approach")
    if isinstance(approach, str) and re.match(SLUG_RE, approach) and approach not in model.behaviour_approaches:
        known = list(model.behaviour_approaches)
        hint = difflib.get_close_matches(approach, known, 1)
        maybe = f"did you mean '{hint[0]}'? " if hint else ""
        path = ("choices", "behaviour_approach")
        problems.append(Problem(file, f"unknown behaviour approach '{approach}'; {maybe}write one of: "
                                f"{', '.join(known)}", field_name(path), *at(path, key=False)))
    for key in mapping(data.get("links")):
        if isinstance(key, str) and re.match(SLUG_RE, key) and key not in model.links:
            hint = difflib.get_close_matches(key, list(model.links), 1)
            maybe = f"did you mean '{hint[0]}'? " if hint else ""
            path = ("links", key)
            problems.append(Problem(file, f"the model refers to no document '{key}'; {maybe}"
                                    "keys are listed in docs/links.yml", field_name(path), *at(path)))
    reviewed = _model_reviewed_problem(source, model, file, history)
    if reviewed:
        problems.append(reviewed)
    return problems


_REFERENCE_KEY = re.compile(r"\]\[([^\[\]]+)\]")


def _school_markdown(data: dict) -> list[tuple[tuple, str]]:
    """Every piece of the school's own Markdown, with its path."""
    found = []
    edits = data.get("passages") if isinstance(data.get("passages"), dict) else {}
    for group in ("add_after", "replace", "fill"):
        entries = edits.get(group) if isinstance(edits.get(group), dict) else {}
        for name, value in entries.items():
            values = value if isinstance(value, list) else [value]
            found += [((("passages", group, name, i) if isinstance(value, list) else ("passages", group, name)), v)
                      for i, v in enumerate(values) if isinstance(v, str)]
    sections = data.get("sections") if isinstance(data.get("sections"), dict) else {}
    found += [(("sections", name), v) for name, v in sections.items() if isinstance(v, str)]
    return found




def no_such_passage(name: str, model: Model) -> str:
    """"There is no passage …", with the name the editor most likely meant and how to list them."""
    hint = difflib.get_close_matches(name, list(model.passages), 1, 0.6)
    section = name.split(".", 1)[0]
    if hint:
        meant = f"did you mean '{hint[0]}'? "
        section = model.passage_section.get(hint[0], section)
    else:
        meant = ""
    listing = (f"`{PASSAGES_COMMAND} {section}`" if section in model.sections
               else f"`{PASSAGES_COMMAND}`")
    return (f"there is no passage '{name}' in the model; {meant}list the names with {listing}, "
            f"or find one by its words with `{PASSAGES_COMMAND} --find WORDS`")


def model_issues(model: Model, history: Path | None = None) -> list[int]:
    """The issues the model has had: the current one and each kept snapshot's."""
    folder = history or snapshots.history_dir()
    kept = {int(p.stem) for p in folder.glob("*.json") if p.stem.isdigit()} if folder.is_dir() else set()
    return sorted(kept | {model.issue})


def _model_reviewed_problem(source: YamlFile, model: Model, file: str, history: Path | None) -> Problem | None:
    path = ("model_reviewed",)
    value = source.data.get("model_reviewed") if isinstance(source.data, dict) else None
    if value is None or path not in source.written:
        return None
    issues = model_issues(model, history)
    listed = (f"the only issue on record is {model.issue}, the current one" if issues == [model.issue] else
              f"the issues on record are {', '.join(str(i) for i in issues)}, and the current one is {model.issue}")
    like = f"model_reviewed: {model.issue}"
    line, column = source.positions.get(path, (None, None))
    if isinstance(value, bool):
        return Problem(file, f"expected the number of a model issue, found '{source.written[path]}'; {listed}: "
                             f"write the issue you last reviewed against, like {like}",
                       "model_reviewed", line, column)
    if isinstance(value, int) and value >= 1 and value not in issues:
        return Problem(file, f"the model has had no issue {value}; {listed}: write the issue you last "
                             f"reviewed against, like {like}",
                       "model_reviewed", line, column)
    return None
