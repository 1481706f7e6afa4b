"""The whole new tree of the pages branch for a batch of releases: what `move_pages` commits.

Made from the branch's tip at the moment of the commit (inside the lock), so a school another
publish added meanwhile is kept and listed: each release's school folder (school_folder.py),
the shared files the branch lacks (a shared file's name holds a hash of its content, so one
already there is never replaced), the landing page listing every school on the branch, and
`.nojekyll` (GitHub Pages then serves the files as they are).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from macros.mkdocs_glue.shared_assets import SHARED_ASSETS
from macros.publish.git import BlobWriter, Reader, write_tree
from macros.publish.release import Batch
from macros.publish.retention import Retention
from macros.publish.school_folder import SchoolState, place_release, read_school, school_state
from macros.publish.mike_format import aliases_of
from macros.publish.version_history import SchoolEntry, in_force_on, newest_first, render_pages_landing
from macros.school.schema import SLUG_RE


def school_slugs(reader: Reader) -> list[str]:
    """The folders at the top of the branch named like a school."""
    return [name for name, (_, kind, _) in reader.entries().items()
            if kind == "tree" and re.match(SLUG_RE, name) and name != SHARED_ASSETS]


def read_state(reader: Reader, slug: str) -> SchoolState:
    versions, raw = read_school(reader, slug)
    return school_state(slug, raw, aliases_of(versions))


def landing_page(reader: Reader, states: dict[str, SchoolState], model_label: str, today: dt.date) -> str:
    entries = []
    for slug in sorted(set(school_slugs(reader)) | set(states)):
        state = states.get(slug) or read_state(reader, slug)
        if state.records:
            current = in_force_on(state.records, dt.date.max) or newest_first(state.records)[0]
            entries.append(SchoolEntry(slug, state.name, current))
    return render_pages_landing(entries, model_label, today)


def compose(repo: Path, base: str | None, batch: Batch, retention: Retention, today: dt.date,
            model_label: str, scratch: Path) -> tuple[str, str]:
    """(tree, commit message) of the branch at `base` with `batch` on it."""
    remove: list[str] = []
    add: dict[str, tuple[str, str]] = {}
    states: dict[str, SchoolState] = {}
    with Reader(repo, base) as reader:
        blobs = BlobWriter(repo, scratch)
        for release in batch.releases:
            change = place_release(reader, blobs, release, retention, today)
            remove += change.remove
            add.update(change.add)
            states[release.slug] = change.state
        present = reader.entries(SHARED_ASSETS, recursive=True)
        add.update((path, entry) for path, entry in batch.shared.items() if path not in present)
        blobs.text("index.html", landing_page(reader, states, model_label, today))
        blobs.text(".nojekyll", "")
        add.update(blobs.write())
    return write_tree(repo, base, remove, add, scratch), _message(batch)


def _message(batch: Batch) -> str:
    if not batch.releases:
        return "Refresh the list of schools\n"
    lines = [f"{r.slug} {r.version}" for r in batch.releases]
    if len(lines) == 1:
        return f"Publish {lines[0]}\n"
    return f"Publish {len(lines)} schools\n\n" + "\n".join(lines) + "\n"
