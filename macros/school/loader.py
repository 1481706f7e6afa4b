"""Reading a school file: YAML with positions (yaml_reader), then the schema (worded by
messages), then checks against the model (model_checks).

Every problem in a file is collected and reported together, each with the file, the line
and column, the field in plain words, and what to write instead.
"""
from __future__ import annotations

import difflib
import os
import re
import tempfile
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from macros.errors import PolicyError, Problem
from macros.model.model import Model, load_model
from macros.paths import PROJECT_DIR, schools_dir as default_schools_dir
from macros.school.messages import schema_problems
from macros.school.model_checks import model_problems
from macros.school.schema import SLUG_RE, School
from macros.school.yaml_reader import read_yaml_file

# School files sit beside the folder that holds the files every school's pages share
# (macros/mkdocs_glue/shared_assets.py), in a built site folder and on the pages branch.
SHARED_FOLDER = "shared-assets"


def display_path(path: Path) -> str:
    """The file as the editor knows it: schools/westfield.yml, relative where we can."""
    resolved = Path(os.path.abspath(path))    # not resolve(): a link loop would raise
    for base in (PROJECT_DIR, Path.cwd()):
        try:
            return str(resolved.relative_to(base))
        except ValueError:
            continue
    return str(path)


def refuse_reserved_name(slug: str, file: str) -> None:
    """A school's folder sits beside the shared folder, so no school may take its name."""
    if slug == SHARED_FOLDER:
        raise PolicyError(Problem(file, f"a school cannot be called '{SHARED_FOLDER}': that folder holds "
                                        "the files every school's pages share; rename the school file"))


def school_path(slug: str, schools_dir: Path | None = None) -> Path:
    if not re.match(SLUG_RE, slug):
        raise PolicyError(Problem(f"schools/{slug}.yml", f"'{slug}' is not a valid school name for a "
                                  "file: use lowercase letters, digits and hyphens, like st-josephs"))
    refuse_reserved_name(slug, f"schools/{slug}.yml")
    schools_dir = schools_dir or default_schools_dir()
    path = schools_dir / f"{slug}.yml"
    if path.is_symlink() and not path.is_file():
        raise PolicyError(Problem(display_path(path), "cannot read this file: it is a symbolic link that "
                                  "leads nowhere or round in a loop; replace it with the school file itself"))
    if not path.is_file():
        known = sorted(p.stem for p in schools_dir.glob("*.yml"))
        hint = difflib.get_close_matches(slug, known, 1)
        suggestion = f"did you mean '{hint[0]}'? " if hint else ""
        raise PolicyError(Problem(display_path(path), f"no such school file; {suggestion}"
                                  f"the schools are: {', '.join(known) or 'none yet'}"))
    return path


def all_slugs(schools_dir: Path | None = None) -> list[str]:
    return sorted(p.stem for p in (schools_dir or default_schools_dir()).glob("*.yml"))


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
    refuse_reserved_name(path.stem, file)
    source = read_yaml_file(path, file)
    if not isinstance(source.data, dict):
        raise PolicyError(Problem(file, "a school file must be a list of fields (name: value), "
                                        "starting with `school:`"))
    problems = list(source.problems)
    school = None
    try:
        school = School.model_validate(source.data)
    except ValidationError as error:
        reported = {p.field for p in source.problems}
        problems += [p for p in schema_problems(error, file, source) if p.field not in reported]
    problems += model_problems(source, model, file)
    if problems:
        raise PolicyError(_in_file_order(problems))
    return school.with_source(file, source.positions)


def problems_in_text(text: str, target: Path, model: Model) -> list[Problem]:
    """What `policy check` would say of `text` once written to `target`, before it is written
    (for `policy new` and `policy import`, which never leave a file they have not checked)."""
    with tempfile.TemporaryDirectory() as scratch:
        draft = Path(scratch) / Path(target).name
        draft.write_text(text, encoding="utf-8")
        try:
            load_school(draft, model)
        except PolicyError as error:
            return [replace(problem, file=display_path(Path(target))) for problem in error.problems]
    return []
