"""Snapshots of the model's passages, one per model issue, so a school can be told when the
model's text of a passage it touched has changed since the issue it last reviewed.

`policy snapshot` writes docs/model-history/<issue>.json when the Virtual School publishes an
issue: each passage's name and fingerprint (a hash of its words), nothing else.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import PolicyError, Problem
from .model import DOCS_DIR, Model

HISTORY_DIR_NAME = "model-history"


def history_dir(docs_dir: Path = DOCS_DIR) -> Path:
    return docs_dir / HISTORY_DIR_NAME


def snapshot_data(model: Model) -> dict:
    return {
        "reference": model.meta.get("reference"),
        "issue": model.issue,
        "published": model.meta.get("published"),
        "passages": {name: passage.fingerprint for name, passage in sorted(model.passages.items())},
    }


def write_snapshot(model: Model, folder: Path | None = None, force: bool = False) -> Path:
    folder = folder or history_dir()
    path = folder / f"{model.issue}.json"
    if path.exists() and not force:
        raise PolicyError(Problem(f"docs/{HISTORY_DIR_NAME}/{path.name}", f"a snapshot of issue {model.issue} "
                                  "already exists; a published issue's snapshot should not change — raise "
                                  "the issue number in docs/model.yml for a new issue, or use --force"))
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(snapshot_data(model), indent=1) + "\n", encoding="utf-8")
    return path


def read_snapshot(issue: int, folder: Path | None = None) -> dict[str, str] | None:
    """Passage fingerprints of an issue, or None when no snapshot was kept for it."""
    path = (folder or history_dir()) / f"{issue}.json"
    if not path.is_file():
        return None
    try:
        return dict(json.loads(path.read_text(encoding="utf-8"))["passages"])
    except (ValueError, KeyError, TypeError) as error:
        raise PolicyError(Problem(f"docs/{HISTORY_DIR_NAME}/{path.name}", f"cannot read this snapshot "
                                  f"({error}); write it again with `policy snapshot --force`")) from None


@dataclass(frozen=True)
class ModelChange:
    passage: str
    group: str       # the part of passages: that touches it: omit, add_after, replace, fill
    reviewed: int    # the issue the school reviewed
    current: int     # the model's issue now
    what: str        # "changed" or "new"


def touched_passages(school) -> list[tuple[str, str]]:
    edits = school.passages
    found = [(name, "omit") for name in edits.omit]
    for group in ("add_after", "replace", "fill"):
        found += [(name, group) for name in getattr(edits, group)]
    return found


def model_changes(school, model: Model, folder: Path | None = None) -> list[ModelChange]:
    """Passages the school touched whose model text differs from the issue it last reviewed."""
    reviewed = school.model_reviewed
    if reviewed is None:
        return []
    before = read_snapshot(reviewed, folder)
    if before is None:
        return []
    changes = []
    for name, group in touched_passages(school):
        passage = model.passages.get(name)
        if passage is None:
            continue
        if name not in before:
            changes.append(ModelChange(name, group, reviewed, model.issue, "new"))
        elif before[name] != passage.fingerprint:
            changes.append(ModelChange(name, group, reviewed, model.issue, "changed"))
    return changes
