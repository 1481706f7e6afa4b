"""Reading a school file's YAML: the data, where each value is written, and how it is written.

Whatever the YAML library makes of a file, the editor gets a problem with a line and a field,
never a traceback: control characters, tags, anchors, deep nesting and words that YAML 1.1
and 1.2 read differently are refused before the data is built, and a value the library
cannot construct is reported where it is written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from macros.errors import PolicyError, Problem

MAX_FILE_BYTES = 100_000
MAX_DEPTH = 12              # a school file's deepest value is five levels down
SHOWN_CHARACTERS = 60       # a bad value is quoted in a message up to this length
KEY = "<key>"               # positions[(KEY, *path)]: where the key of the field at `path` is written
# Bare words that YAML 1.1 (this loader) reads as true or false and YAML 1.2 (editors) as text.
AMBIGUOUS_WORDS = {"yes", "no", "on", "off", "y", "n"}
# What PyYAML's reader refuses: control characters (NUL among them) and non-characters.
_UNREADABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_READ_AS = {"tag:yaml.org,2002:int": "a number", "tag:yaml.org,2002:float": "a number",
            "tag:yaml.org,2002:bool": "true or false", "tag:yaml.org,2002:null": "nothing"}

Position = tuple[int, int]
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml's parser when installed


class _Loader(_Base):
    """PyYAML's safe loader, except that an unquoted date stays text: the school file's dates
    are read by macros/school/dates.py, which says what is wrong with `2025-13-01`."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass
class YamlFile:
    data: Any
    positions: dict[tuple, Position] = field(default_factory=dict)
    written: dict[tuple, str] = field(default_factory=dict)   # each scalar's text, as written
    read_as: dict[tuple, str] = field(default_factory=dict)   # unquoted scalars YAML read as non-text
    problems: list[Problem] = field(default_factory=list)     # problems that leave the data readable
    tags: dict[tuple[int, int], str] = field(default_factory=dict)   # explicit tags, by where they are


def field_name(path: tuple) -> str:
    """A field path as the editor reads it: roles.designated_teacher[1].name."""
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def position_of(path: tuple, positions: dict) -> Position | None:
    """Where the value at `path` is written, or the nearest field around it."""
    for end in range(len(path), -1, -1):
        if path[:end] in positions:
            return positions[path[:end]]
    return None


def shown(text: Any) -> str:
    """A value quoted as the editor wrote it, cut short when long."""
    text = " ".join(str(text).split())
    if len(text) > SHOWN_CHARACTERS:
        text = text[:SHOWN_CHARACTERS - 1].rstrip() + "…"
    return f"'{text}'"


def _mark(file: str, message: str, mark: Any = None, field: str = "") -> Problem:
    line = mark.line + 1 if mark is not None else None
    column = mark.column + 1 if mark is not None else None
    return Problem(file, message, field, line, column)


def read_yaml_file(path: Path, file: str) -> YamlFile:
    """Parse a school file; raise PolicyError for what leaves no data to check, and return the
    problems that do (duplicate keys, unreadable values) with the data."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise PolicyError(Problem(file, f"cannot read the file ({error.strerror})")) from None
    if len(raw) > MAX_FILE_BYTES:
        raise PolicyError(Problem(file, f"the file is {len(raw):,} bytes; a school file must be under "
                                        f"{MAX_FILE_BYTES:,} bytes — move long text out or shorten it"))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PolicyError(Problem(file, f"the file is not UTF-8 text (byte {error.start}); "
                                        "save it as UTF-8")) from None
    problems = _character_problems(text, file)
    if problems:
        raise PolicyError(problems)
    result = YamlFile(None)
    root = _parse(text, file, result.tags)
    if root is None:
        raise PolicyError(Problem(file, "the file is empty; start from `policy new <slug>`"))
    try:
        result.data = _to_python(root, (), result, yaml.SafeLoader(""), file)
    except RecursionError:
        raise PolicyError(Problem(file, "the file is nested too deeply to read; a school file's "
                                        "fields are at most a few levels deep")) from None
    return result


def _character_problems(text: str, file: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.split("\n"), 1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(Problem(file, "this line is indented with a tab; YAML needs spaces — "
                                          "replace the tab with spaces", line=number,
                                    column=indent.index("\t") + 1))
        for m in _UNREADABLE.finditer(line):
            problems.append(Problem(file, f"this line holds an invisible character (U+{ord(m[0]):04X}) "
                                          "that a school file cannot hold; delete it, or retype the line",
                                    line=number, column=m.start() + 1))
    return problems


def _parse(text: str, file: str, tags: dict) -> yaml.Node | None:
    """The file's node tree, after refusing what a school file never needs (explicit tags are
    collected in `tags`, to be refused at their fields)."""
    depth = 0
    try:
        for token in yaml.scan(text, Loader=_Base):
            if isinstance(token, (yaml.AliasToken, yaml.AnchorToken)):
                raise PolicyError(_mark(file, "anchors (&name) and aliases (*name) are not allowed in a "
                                              "school file; write the value out in full", token.start_mark))
            if isinstance(token, yaml.TagToken):
                handle, suffix = token.value
                tags[(token.start_mark.line, token.start_mark.column)] = (handle or "") + suffix
            elif isinstance(token, (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken,
                                    yaml.FlowMappingStartToken, yaml.FlowSequenceStartToken)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise PolicyError(_mark(file, f"this is nested more than {MAX_DEPTH} levels deep; a "
                                                  "school file's fields are at most a few levels deep — "
                                                  "check the brackets and the indentation", token.start_mark))
            elif isinstance(token, (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)):
                depth -= 1
        loader = _Loader(text)
        try:
            return loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        what = error.problem or "invalid YAML"
        raise PolicyError(_mark(file, f"this is not valid YAML ({what}); check the indentation and that "
                                      "text containing ': ' or starting with a special character is in "
                                      "quotes", error.problem_mark or error.context_mark)) from None
    except yaml.YAMLError as error:
        raise PolicyError(Problem(file, f"this is not valid YAML: {' '.join(str(error).split())}")) from None


def _to_python(node: yaml.Node, path: tuple, result: YamlFile, constructor: yaml.SafeLoader,
               file: str) -> Any:
    start = node.start_mark
    result.positions[path] = (start.line + 1, start.column + 1)
    here = field_name(path)
    tag = result.tags.get((start.line, start.column))
    if tag is not None:
        value = (f"without it: {shown(node.value)} (in quotes if it is text that looks like a number, "
                 "a date or true/false)") if isinstance(node, yaml.ScalarNode) else "without it"
        result.problems.append(_mark(file, f"the tag {tag} is not allowed in a school file; write the value "
                                           f"{value}", start, here))
        return None
    if isinstance(node, yaml.MappingNode):
        mapping: dict = {}
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            if not isinstance(key_node, yaml.ScalarNode):
                result.problems.append(_mark(file, "a key must be a plain word", key_mark, here))
                continue
            key = key_node.value
            if key in mapping:
                first = result.positions[path + (key,)][0]
                result.problems.append(_mark(file, f"'{key}' appears twice (first on line {first}); "
                                                   "keep one and delete the other", key_mark,
                                             field_name(path + (key,))))
                continue
            result.positions[(KEY,) + path + (key,)] = (key_mark.line + 1, key_mark.column + 1)
            mapping[key] = _to_python(value_node, path + (key,), result, constructor, file)
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), result, constructor, file) for i, item in enumerate(node.value)]
    result.written[path] = node.value
    plain = not node.style      # libyaml gives '' and PyYAML None for an unquoted scalar
    if plain and node.tag in _READ_AS:
        result.read_as[path] = _READ_AS[node.tag]
    if plain and node.value.lower() in AMBIGUOUS_WORDS:
        result.problems.append(_mark(file, f"a bare {node.value} means true or false to some YAML readers "
                                           "and the word itself to others; write true or false, or put "
                                           f"the word in quotes (\"{node.value}\")", start, here))
        return None
    try:
        return constructor.construct_object(node, deep=True)
    except Exception:  # noqa: BLE001 — whatever the YAML library raises is the editor's problem here
        result.problems.append(_mark(file, f"cannot read {shown(node.value)} as a value; put text in quotes",
                                     start, here))
        return None
