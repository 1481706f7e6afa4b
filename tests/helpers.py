"""Helpers shared by the tests: the good school file, school files written under tmp_path, and a
copy of the project a test may edit (fixtures are in conftest.py)."""
from __future__ import annotations

import copy
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from macros.paths import PROJECT_DIR

# The schools in the project's schools/ folder, the seeds every build test builds.
SEED_SCHOOLS = ("st-josephs", "westfield", "hartsfield", "dacorum-esc")
FIXTURES = Path(__file__).parent / "schools"
GOOD_TEXT = (FIXTURES / "good.yml").read_text(encoding="utf-8")
GOOD = yaml.safe_load(GOOD_TEXT)


def good_data(**passages) -> dict:
    """The good school file's data, with its `passages:` replaced by `passages` when given."""
    data = copy.deepcopy(GOOD)
    if passages:
        data["passages"] = passages
    return data


def write_school(folder: Path, data: dict, slug: str = "good") -> Path:
    """Write `data` as schools/<slug>.yml in `folder`; returns the file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{slug}.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """The line of `path` where `text` first appears."""
    content = path.read_text(encoding="utf-8")
    return content[: content.index(text)].count("\n") + 1


BIN = Path(sys.executable).parent
DATA = Path(__file__).parent / "data"
# A school whose print page joins unusual sections: Westfield's file leaving a section out,
# writing three sections of its own and repeating a heading (tests/data/print-variant.yml).
PRINT_VARIANT = "print-variant"
# What a copy of the project needs to build: the code, the model text, the templates, the schools.
PROJECT_PARTS = ("macros", "docs", "overrides", "schools", "mkdocs.yml")


@dataclass
class Project:
    """A copy of the project that a test may edit (add a broken link to docs/, say), and the
    commands a user runs in it: `policy …` and `mkdocs …`, with the copy's own code."""

    root: Path

    @classmethod
    def copy_to(cls, folder: Path) -> "Project":
        for part in PROJECT_PARTS:
            source = PROJECT_DIR / part
            if source.is_dir():
                shutil.copytree(source, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(source, folder / part)
        return cls(folder)

    def append(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    def run(self, *command: str, **env: str) -> subprocess.CompletedProcess:
        environment = dict(os.environ, PYTHONPATH=str(self.root), NO_MKDOCS_2_WARNING="1", **env)
        return subprocess.run(list(command), cwd=self.root, env=environment, capture_output=True, text=True)

    def policy(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "macros.cli", *args, **env)

    def mkdocs(self, *args: str, **env: str) -> subprocess.CompletedProcess:
        return self.run(str(BIN / "mkdocs"), *args, **env)


def log_lines(stderr: str) -> list[str]:
    """mkdocs' log lines as `LEVEL: message`, and its closing line, without colours or padding."""
    lines = []
    for line in stderr.splitlines():
        level, dash, message = line.partition(" -  ")
        lines.append(f"{level.strip()}: {message}" if dash and level.strip().isupper() else line)
    return [line for line in lines if line.strip()]
