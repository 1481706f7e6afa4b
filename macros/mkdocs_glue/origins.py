"""Where a piece of a built page came from: a field of the school file, the model text in
docs/, or a template, so a problem found in the output names what to edit.

A school's values are searched for the text as they are written in the file (a backslash
escape or a character reference in it may make the written text differ a little from the
page's, so those are undone before comparing). Only read when a problem has been found.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from macros.errors import PolicyError
from macros.school.loader import display_path
from macros.school.yaml_reader import field_name, read_yaml_file


@dataclass(frozen=True)
class Origin:
    file: str             # as the editor knows it: schools/westfield.yml, docs/intention.md …
    field: str = ""       # in a school file: sections.intention, passages.add_after.impact.families[1]
    line: int | None = None
    school: bool = False  # the text is the school's (not the model's or a template's)


def _strings(data, path: tuple = ()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, path + (index,))
    elif isinstance(data, str):
        yield path, data


def _comparable(text: str) -> str:
    return html.unescape(text).replace("\\", "")


def in_school_file(school_file: Path, needles: list[str]) -> Origin | None:
    """The first field of the school file (in file order) that holds one of `needles`, tried in
    the order given (e.g. an address, then its host)."""
    try:
        read = read_yaml_file(school_file, display_path(school_file))
    except PolicyError:
        return None
    positions = read.positions
    strings = [(path, _comparable(value)) for path, value in _strings(read.data)]
    for needle in filter(None, map(_comparable, needles)):
        for path, value in strings:
            if needle in value:
                line = positions.get(path, (None,))[0]
                return Origin(display_path(school_file), field_name(path), line, school=True)
    return None


def in_files(folder: Path | None, needles: list[str], pattern: str, shown_as: str) -> Origin | None:
    """The first file under `folder` matching `pattern` that holds one of `needles`; named as
    `shown_as` + its path inside the folder."""
    if folder is None or not Path(folder).is_dir():
        return None
    for needle in filter(None, needles):
        for path in sorted(Path(folder).rglob(pattern)):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if needle in text or needle in html.unescape(text):
                return Origin(f"{shown_as}{path.relative_to(folder).as_posix()}")
    return None
