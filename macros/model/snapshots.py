"""Snapshots of the model's passages, one per model issue, so a school can be told when the
model's text of a passage it touched has changed since the issue it last reviewed.

`policy snapshot` writes docs/model-history/<issue>.json when the Virtual School publishes an
issue: each passage's name and fingerprint (a hash of its words), nothing else.
"""
from __future__ import annotations

import json
from pathlib import Path

from macros.errors import PolicyError, Problem
from macros.files import atomic_write_text
from macros.paths import DOCS_DIR
from macros.model.model import Model

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
    return atomic_write_text(path, json.dumps(snapshot_data(model), indent=1) + "\n")


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
