"""Pydantic's validation errors in the school editor's words: the field, where it is written,
what was found (as the editor wrote it) and what to write instead."""
from __future__ import annotations

import difflib
import re
from typing import Any, get_args

from pydantic import ValidationError

from macros.errors import Problem
from macros.school.schema import ACADEMIC_YEAR_RE, VERSION_RE, FieldProblem, School
from macros.school.yaml_reader import KEY, YamlFile, field_name, position_of, shown

UNION_TAGS = {"holders", "vacancy", "str", "list[str]"}


def _allowed_keys(path: tuple) -> list[str]:
    """The keys the schema allows in the mapping at `path` (for "did you mean")."""
    return list(getattr(_allowed_model(path), "model_fields", {}))


def _model_of(annotation: Any) -> Any:
    if hasattr(annotation, "model_fields"):
        return annotation
    for arg in get_args(annotation):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _field_description(path: tuple) -> str:
    """The schema's description of the field at `path` (for "add it, …" hints)."""
    parent = _allowed_model(path[:-1])
    info = getattr(parent, "model_fields", {}).get(path[-1]) if path else None
    return (info.description or "") if info else ""


def _allowed_model(path: tuple) -> Any:
    model: Any = School
    for part in path:
        if isinstance(part, int) or model is None:
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return None
        model = _model_of(fields[part].annotation)
    return model


def _describe(error: dict, path: tuple, source: YamlFile) -> str:
    kind, value = error["type"], error.get("input")
    found = _found(value, path, source)
    written = source.written.get(path, "")
    if kind == "extra_forbidden":
        key = path[-1]
        allowed = _allowed_keys(path[:-1])
        hint = difflib.get_close_matches(str(key), allowed, 1, 0.6)
        if hint:
            return f"unknown field '{key}'; did you mean '{hint[0]}'?"
        return f"unknown field '{key}'; allowed here: {', '.join(allowed)}"
    if kind == "missing":
        about = _field_description(path)
        return "this is required but missing; add it" + (f" ({about[0].lower()}{about[1:].rstrip('.')})" if about else "")
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        hint = difflib.get_close_matches(str(value), re.findall(r"'([^']+)'", expected), 1)
        maybe = f"did you mean '{hint[0]}'? " if hint else ""
        return f"found {found}; {maybe}write one of: {expected}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(path, found)
    if kind == "too_short":
        return "this is empty; write at least one entry"
    if kind == "string_too_short":
        return "this is empty; write the text or remove the field"
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        most = f"; at most {limit:,}" if limit else ""
        return f"this is too long ({len(str(value)):,} characters{most}); shorten it"
    if kind in ("string_type", "str_type"):
        pattern = _PATTERNS.get(path[-1]) if path else None
        if path in source.read_as and pattern and not re.match(pattern, written):
            return _pattern_message(path, found)
        if path in source.read_as and path and isinstance(path[-1], str):
            return (f"YAML reads {written} as {source.read_as[path]}, not as text; put it in quotes: "
                    f"{path[-1]}: \"{written}\"")
        if path in source.read_as:
            return f"YAML reads {written} as {source.read_as[path]}, not as text; put it in quotes: \"{written}\""
        if path and path[-1] in _PATTERN_FIELDS:
            return _pattern_message(path, found)
        return f"expected text, found {found}; write plain text (in quotes if it starts with a symbol)"
    if kind in ("list_type",):
        if len(path) == 2 and path[0] == "roles":
            return (f"expected a list of people, found {found}; start each person's line "
                    "with '- ' (like - name: Emma Leach), or write vacant: true with a contact:")
        return f"expected a list (lines starting with '- '), found {found}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected fields (name: value lines, indented below), found {found}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, found {found}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"found {found}; write a number of 1 or more"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {found}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "expected a list of people (- name: …) or `vacant: true` with a `contact:`"
    message = error["msg"]
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _found(value: Any, path: tuple, source: YamlFile) -> str:
    """What the editor wrote at `path`, in words: their own text where it is a single value."""
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if value is None or source.written.get(path) == "":
        return "nothing"
    return shown(source.written.get(path, value))


_PATTERN_FIELDS = {"version", "email", "website", "designated_teacher_year"}
_PATTERNS = {"version": VERSION_RE, "designated_teacher_year": ACADEMIC_YEAR_RE}


def _pattern_message(path: tuple, found: Any) -> str:
    name = path[-1] if path else ""
    if name == "version":
        return f"{found} cannot be used as a version; use letters, digits, '.', '-' or '_', like 2024-25"
    if name == "email" or "email" in path:
        return f"{found} is not an email address; write it like office@school.herts.sch.uk"
    if name in ("website",) or "links" in path:
        return f"{found} is not a web address; write it in full, starting with https://"
    if name == "designated_teacher_year":
        return f"{found} is not an academic year; write it like 2024/25"
    if "passages" in path or "omit" in path:
        words = " ".join(re.findall(r"[A-Za-z0-9]+", found))
        find = f" --find '{words}'" if words else " --find WORDS"
        return (f"{found} is not a passage name; passage names look like intention.deaton-review: "
                f"find the one you mean with `policy passages{find}`, or list a section's names "
                "with `policy passages SECTION`")
    return f"{found} is not allowed here; use lowercase letters, digits and hyphens"


_PYDANTIC_TAG = re.compile(r"^(function-\w+|constrained-\w+|list|dict|union|nullable|tagged-union)\[")


def _error_path(item: dict) -> tuple:
    """The field path of a pydantic error, without pydantic's own union/validator tags."""
    path = tuple(p for p in item["loc"]
                 if p not in UNION_TAGS and not (isinstance(p, str) and _PYDANTIC_TAG.match(p)))
    error = item.get("ctx", {}).get("error")
    if isinstance(error, FieldProblem):
        path += (error.field,)
    return path


def schema_problems(error: ValidationError, file: str, source: YamlFile) -> list[Problem]:
    """Each of pydantic's errors as a problem at the field, in the editor's words."""
    positions = source.positions
    problems = []
    seen = set()
    for item in error.errors():
        path = _error_path(item)
        if item["type"] == "missing":
            pos = position_of(path[:-1], positions) if len(path) > 1 else None
        elif item["type"] == "extra_forbidden":
            pos = positions.get((KEY,) + path) or position_of(path, positions)
        else:
            pos = position_of(path, positions)
        line, column = pos if pos else (None, None)
        problem = Problem(file, _describe(item, path, source), field_name(path), line, column)
        if problem not in seen:
            seen.add(problem)
            problems.append(problem)
    return problems


