"""Which passages a school touched have changed in the model since the issue it reviewed.

The school is told only where it left out, added to, reworded or filled a passage: elsewhere
a model change simply reaches its site.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from macros.model.model import Model
from macros.model.snapshots import read_snapshot


@dataclass(frozen=True)
class ModelChange:
    passage: str
    group: str       # the part of passages: that touches it: omit, add_after, replace, fill
    reviewed: int    # the issue the school reviewed
    current: int     # the model's issue now
    what: str        # "changed" or "new"


def change_note(change: ModelChange) -> str:
    """What changed, in words: the issue the school reviewed and the model's issue now."""
    if change.what == "new":
        return (f"this passage is new since issue {change.reviewed}, the one you last reviewed; read it in "
                f"issue {change.current}")
    return (f"the model reworded this passage after issue {change.reviewed}, the one you last reviewed; "
            f"read it again in issue {change.current}")


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
