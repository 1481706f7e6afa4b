"""Reading a school file: YAML with positions, then the schema, then checks against the model.

Every problem in a file is collected and reported together, each with the file, the line
and column, the field in plain words, and what to write instead.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from macros.errors import PolicyError, Problem
from macros.paths import PROJECT_DIR, schools_dir as default_schools_dir
from macros.model.model import Model, load_model
from macros.school.schema import PASSAGE_RE, SLUG_RE, FieldProblem, School

MAX_FILE_BYTES = 100_000
UNION_TAGS = {"holders", "vacancy", "str", "list[str]"}

Position = tuple[int, int]
# libyaml's parser when it is installed (it keeps line numbers); the pure-Python one otherwise.
_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
KEY = "<key>"  # positions[(KEY, *path)]: where the key of the field at `path` is written


def display_path(path: Path) -> str:
    """The file as the editor knows it: schools/westfield.yml, relative where we can."""
    resolved = path.resolve()
    for base in (PROJECT_DIR, Path.cwd()):
        try:
            return str(resolved.relative_to(base))
        except ValueError:
            continue
    return str(path)


def school_path(slug: str, schools_dir: Path | None = None) -> Path:
    if not re.match(SLUG_RE, slug):
        raise PolicyError(Problem(f"schools/{slug}.yml", f"'{slug}' is not a valid school name for a "
                                  "file: use lowercase letters, digits and hyphens, like st-josephs"))
    schools_dir = schools_dir or default_schools_dir()
    path = schools_dir / f"{slug}.yml"
    if not path.is_file():
        known = sorted(p.stem for p in schools_dir.glob("*.yml"))
        hint = difflib.get_close_matches(slug, known, 1)
        suggestion = f"did you mean '{hint[0]}'? " if hint else ""
        raise PolicyError(Problem(display_path(path), f"no such school file; {suggestion}"
                                  f"the schools are: {', '.join(known) or 'none yet'}"))
    return path


def all_slugs(schools_dir: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (schools_dir or default_schools_dir()).glob("*.yml"))


# --- YAML with positions -------------------------------------------------------------

def _fail(file: str, message: str, mark: Any = None, field: str = "") -> PolicyError:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return PolicyError(Problem(file, message, field, line, column))


def _to_python(node: yaml.Node, path: tuple, positions: dict, loader: yaml.SafeLoader,
               file: str, problems: list[Problem]) -> Any:
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(file, "a key must be a plain word", _field(path),
                                        key_node.start_mark.line + 1, key_node.start_mark.column + 1))
                continue
            key = key_node.value
            if key in result:
                first = positions[path + (key,)][0]
                problems.append(Problem(file, f"'{key}' appears twice (first on line {first}); "
                                        "keep one and delete the other", _field(path + (key,)),
                                        key_node.start_mark.line + 1, key_node.start_mark.column + 1))
                continue
            positions[(KEY,) + path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _to_python(value_node, path + (key,), positions, loader, file, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), positions, loader, file, problems)
                for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.YAMLError:      # e.g. a bare `=`, which YAML reserves
        problems.append(Problem(file, f"cannot read '{node.value}' as a value; put text in quotes",
                                _field(path), node.start_mark.line + 1, node.start_mark.column + 1))
        return None


def read_yaml(path: Path) -> tuple[Any, dict[tuple, Position]]:
    """Parse a school file safely: no aliases, no tabs, no duplicate keys, bounded size."""
    data, positions, problems = _read_yaml(path)
    if problems:
        raise PolicyError(problems)
    return data, positions


def _read_yaml(path: Path) -> tuple[Any, dict[tuple, Position], list[Problem]]:
    """As read_yaml, but problems that leave the data readable (duplicate keys) are returned."""
    file = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _fail(file, f"cannot read the file ({error.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _fail(file, f"the file is {len(raw):,} bytes; a school file must be under "
                          f"{MAX_FILE_BYTES:,} bytes — move long text out or shorten it")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _fail(file, f"the file is not UTF-8 text (byte {error.start}); save it as UTF-8") from None
    for number, line in enumerate(text.split("\n"), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            raise PolicyError(Problem(file, "this line is indented with a tab; YAML needs spaces — "
                                      "replace the tab with spaces", line=number, column=indent.index("\t") + 1))
    try:
        for token in yaml.scan(text, Loader=_FastLoader):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                raise _fail(file, "anchors (&name) and aliases (*name) are not allowed in a school "
                                  "file; write the value out in full", token.start_mark)
        loader = _FastLoader(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = error.problem or "invalid YAML"
        raise _fail(file, f"this is not valid YAML ({what}); check the indentation and that "
                          "text containing ': ' or starting with a special character is in quotes",
                    mark) from None
    except yaml.YAMLError as error:
        raise _fail(file, f"this is not valid YAML: {error}") from None
    if root is None:
        raise _fail(file, "the file is empty; start from `policy new <slug>`")
    positions: dict[tuple, Position] = {}
    problems: list[Problem] = []
    data = _to_python(root, (), positions, yaml.SafeLoader(""), file, problems)
    return data, positions, problems


# --- Schema problems in plain words -------------------------------------------------

def _field(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _position(path: tuple, positions: dict) -> Position | None:
    for end in range(len(path), -1, -1):
        if path[:end] in positions:
            return positions[path[:end]]
    return None


def _allowed_keys(path: tuple) -> list[str]:
    """The keys the schema allows in the mapping at `path` (for "did you mean")."""
    return list(getattr(_allowed_model(path), "model_fields", {}))


def _model_of(annotation: Any) -> Any:
    from typing import get_args
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


def _describe(error: dict, path: tuple) -> str:
    kind, found = error["type"], error.get("input")
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
        hint = difflib.get_close_matches(str(found), re.findall(r"'([^']+)'", expected), 1)
        maybe = f"did you mean '{hint[0]}'? " if hint else ""
        return f"found {_kind_of(found)}; {maybe}write one of: {expected}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(path, found)
    if kind == "too_short":
        return "this is empty; write at least one entry"
    if kind == "string_too_short":
        return "this is empty; write the text or remove the field"
    if kind == "string_too_long":
        limit = error.get("ctx", {}).get("max_length")
        most = f"; at most {limit:,}" if limit else ""
        return f"this is too long ({len(str(found)):,} characters{most}); shorten it"
    if kind in ("string_type", "str_type"):
        if path and path[-1] in _PATTERN_FIELDS:
            return _pattern_message(path, found)
        return f"expected text, found {_kind_of(found)}; write plain text (in quotes if it starts with a symbol)"
    if kind in ("list_type",):
        if len(path) == 2 and path[0] == "roles":
            return (f"expected a list of people, found {_kind_of(found)}; start each person's line "
                    "with '- ' (like - name: Emma Leach), or write vacant: true with a contact:")
        return f"expected a list (lines starting with '- '), found {_kind_of(found)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected fields (name: value lines, indented below), found {_kind_of(found)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, found {_kind_of(found)}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"found {_kind_of(found)}; write a number of 1 or more"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, found {_kind_of(found)}"
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "expected a list of people (- name: …) or `vacant: true` with a `contact:`"
    message = error["msg"]
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


_PATTERN_FIELDS = {"version", "email", "website", "designated_teacher_year"}


def _kind_of(value: Any) -> str:
    if isinstance(value, dict):
        return "a group of fields"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return (f"{str(value).lower()} (YAML reads yes, no, on and off as true or false; "
                "put the word in quotes if you meant it)")
    return f"'{value}'"


def _pattern_message(path: tuple, found: Any) -> str:
    name = path[-1] if path else ""
    if name == "version":
        return f"'{found}' cannot be used as a version; use letters, digits, '.', '-' or '_', like 2024-25"
    if name == "email" or "email" in path:
        return f"'{found}' is not an email address; write it like office@school.herts.sch.uk"
    if name in ("website",) or "links" in path:
        return f"'{found}' is not a web address; write it in full, starting with https://"
    if name == "designated_teacher_year":
        return f"'{found}' is not an academic year; write it like 2024/25"
    if "passages" in path or "omit" in path:
        return (f"'{found}' is not a passage name; passage names look like intention.deaton-review "
                "— run `policy diff` or see the ids on the site")
    return f"'{found}' is not allowed here; use lowercase letters, digits and hyphens"


_PYDANTIC_TAG = re.compile(r"^(function-\w+|constrained-\w+|list|dict|union|nullable|tagged-union)\[")


def _error_path(item: dict) -> tuple:
    """The field path of a pydantic error, without pydantic's own union/validator tags."""
    path = tuple(p for p in item["loc"]
                 if p not in UNION_TAGS and not (isinstance(p, str) and _PYDANTIC_TAG.match(p)))
    error = item.get("ctx", {}).get("error")
    if isinstance(error, FieldProblem):
        path += (error.field,)
    return path


def _schema_problems(error: ValidationError, file: str, positions: dict) -> list[Problem]:
    problems = []
    seen = set()
    for item in error.errors():
        path = _error_path(item)
        if item["type"] == "missing":
            pos = _position(path[:-1], positions) if len(path) > 1 else None
        elif item["type"] == "extra_forbidden":
            pos = positions.get((KEY,) + path) or _position(path, positions)
        else:
            pos = _position(path, positions)
        line, column = pos if pos else (None, None)
        problem = Problem(file, _describe(item, path), _field(path), line, column)
        if problem not in seen:
            seen.add(problem)
            problems.append(problem)
    return problems


# --- Checks against the model -------------------------------------------------------

def _model_problems(data: dict, model: Model, file: str, positions: dict) -> list[Problem]:
    """Names the file uses that the model does not have. Works on the raw data, so these are
    reported together with any problems of shape (wrong values are skipped here)."""
    problems = []

    def at(path: tuple, key: bool = True) -> tuple[int | None, int | None]:
        return (key and positions.get((KEY,) + path)) or _position(path, positions) or (None, None)

    def unknown(name: str, path: tuple) -> None:
        hint = difflib.get_close_matches(name, list(model.passages), 1, 0.7)
        maybe = f"did you mean '{hint[0]}'? " if hint else ""
        problems.append(Problem(file, f"there is no passage '{name}' in the model; {maybe}"
                                "check the name against the site's passage ids", _field(path), *at(path)))

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
                                        "[text](https://…)", _field(path), *at(path, key=False)))
    lists = [p for p, v in model.passages.items() if "school-list" in v.classes]
    for name in mapping(edits.get("fill")):
        passage = model.passages.get(name)
        if passage and "school-list" not in passage.classes:
            path = ("passages", "fill", name)
            problems.append(Problem(file, f"'{name}' is not a list the school fills; lists you can fill: "
                                    f"{', '.join(lists)}", _field(path), *at(path)))
    for name in mapping(data.get("sections")):
        if isinstance(name, str) and re.match(SLUG_RE, name) and name not in model.sections:
            hint = difflib.get_close_matches(name, model.sections, 1)
            maybe = f"did you mean '{hint[0]}'? " if hint else ""
            path = ("sections", name)
            problems.append(Problem(file, f"there is no section '{name}'; {maybe}sections are: "
                                    f"{', '.join(model.sections)}", _field(path), *at(path)))
    approach = mapping(data.get("choices")).get("behaviour_approach")
    if isinstance(approach, str) and re.match(SLUG_RE, approach) and approach not in model.behaviour_approaches:
        known = list(model.behaviour_approaches)
        hint = difflib.get_close_matches(approach, known, 1)
        maybe = f"did you mean '{hint[0]}'? " if hint else ""
        path = ("choices", "behaviour_approach")
        problems.append(Problem(file, f"unknown behaviour approach '{approach}'; {maybe}write one of: "
                                f"{', '.join(known)}", _field(path), *at(path, key=False)))
    for key in mapping(data.get("links")):
        if isinstance(key, str) and re.match(SLUG_RE, key) and key not in model.links:
            hint = difflib.get_close_matches(key, list(model.links), 1)
            maybe = f"did you mean '{hint[0]}'? " if hint else ""
            path = ("links", key)
            problems.append(Problem(file, f"the model refers to no document '{key}'; {maybe}"
                                    "keys are listed in docs/links.yml", _field(path), *at(path)))
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


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line is None, p.line or 0, p.column or 0))


# A build reads its school three times (the builder, the macros module, the section hooks):
# the validated school is kept while its file is unchanged. Only good schools are kept.
_validated: dict[tuple, tuple[Model, School]] = {}
_VALIDATED_KEPT = 32


def load_school(path: Path, model: Model | None = None) -> School:
    """Read, validate and check one school file; raise PolicyError listing every problem."""
    model = model or load_model()
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, id(model))
    except OSError:
        key = None
    if key in _validated and _validated[key][0] is model:
        return _validated[key][1]
    school = _validate_school(path, model)
    if key is not None:
        if len(_validated) >= _VALIDATED_KEPT:
            _validated.clear()
        _validated[key] = (model, school)
    return school


def _validate_school(path: Path, model: Model) -> School:
    file = display_path(path)
    if not re.match(SLUG_RE, path.stem) or path.suffix != ".yml":
        raise PolicyError(Problem(file, "a school file's name must be lowercase letters, digits and "
                                  "hyphens ending in .yml, like schools/st-josephs.yml"))
    data, positions, problems = _read_yaml(path)
    if not isinstance(data, dict):
        raise _fail(file, "a school file must be a list of fields (name: value), starting with `school:`")
    school = None
    try:
        school = School.model_validate(data)
    except ValidationError as error:
        problems += _schema_problems(error, file, positions)
    problems += _model_problems(data, model, file, positions)
    if problems:
        raise PolicyError(_in_file_order(problems))
    return school
