"""Helpers shared by the tests: the good school file, and school files written under tmp_path."""
from __future__ import annotations

import copy
from pathlib import Path

import yaml

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
