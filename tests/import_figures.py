"""Importing the seed schools' own documents, measured: fidelity of the built print page with
the seed, and agreement of the passage edits with the hand-written school files.

Run `.venv/bin/python tests/import_figures.py` to print the table for the text and Word seeds.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fidelity import SEEDS_DIR, print_words, ratio, seed_words  # noqa: E402
from macros.build.builder import build_many  # noqa: E402
from macros.importing.importer import import_document  # noqa: E402
from macros.paths import SCHOOLS_DIR, SCHOOLS_DIR_VARIABLE  # noqa: E402

IMPORTED = ["westfield", "hartsfield", "dacorum-esc"]
TARGETS = {"westfield": 0.99, "hartsfield": 0.99, "dacorum-esc": 0.97}
GROUPS = ("omit", "replace", "add_after", "sections")


def seed_document(slug: str, kind: str) -> Path:
    return SEEDS_DIR / f"{slug}.{kind}"


def import_seeds(kind: str, folder: Path) -> dict:
    """Import each seed's document into `folder` (as schools/ would hold it)."""
    return {slug: import_document(seed_document(slug, kind), slug=slug, force=True, folder=folder)
            for slug in IMPORTED}


def edits_of(path: Path) -> dict[str, set[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    passages = dict(data.get("passages") or {}, sections=data.get("sections") or {})
    return {group: set(passages.get(group) or []) for group in GROUPS}


def agreement(imported: Path, hand_written: Path) -> dict[str, tuple[int, int, int]]:
    """Per group: (names in both files, only in the imported file, only in the hand-written one)."""
    ours, theirs = edits_of(imported), edits_of(hand_written)
    return {g: (len(ours[g] & theirs[g]), len(ours[g] - theirs[g]), len(theirs[g] - ours[g])) for g in GROUPS}



def build_from(folder: Path, slugs: list[str], site: Path, **options) -> list[str]:
    """Build `slugs` from the school files in `folder` into `site`; the failures, as lines."""
    previous = os.environ.get(SCHOOLS_DIR_VARIABLE)
    os.environ[SCHOOLS_DIR_VARIABLE] = str(folder)
    try:
        results = build_many(slugs, site, jobs=2, **options)
    finally:
        if previous is None:
            os.environ.pop(SCHOOLS_DIR_VARIABLE, None)
        else:
            os.environ[SCHOOLS_DIR_VARIABLE] = previous
    return [f"{r.slug}: {r.message}" for r in results if not r.ok]

def measure(kind: str, work: Path) -> list[tuple[str, float, dict]]:
    folder, site = work / f"schools-{kind}", work / f"site-{kind}"
    folder.mkdir(parents=True, exist_ok=True)
    import_seeds(kind, folder)
    failed = build_from(folder, IMPORTED, site, force=True)
    assert not failed, "\n".join(failed)
    return [(slug, ratio(print_words(site, slug), seed_words(slug)),
             agreement(folder / f"{slug}.yml", SCHOOLS_DIR / f"{slug}.yml")) for slug in IMPORTED]


def table(rows: list[tuple[str, float, dict]], kind: str) -> list[str]:
    lines = [f" {kind:<5} school        fidelity target   " + "   ".join(f"{g} both/+ours/-theirs" for g in GROUPS)]
    for slug, value, groups in rows:
        lines.append(f" {'':<5} {slug:<13} {value:.4f}   {TARGETS[slug]:.2f}     "
                     + "   ".join(f"{'%d/%d/%d' % groups[g]:>{len(g) + 20}}" for g in GROUPS))
    return lines


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    kinds = sys.argv[1:] or ["txt", "docx"]
    with tempfile.TemporaryDirectory() as scratch:
        for kind in kinds:
            print("\n".join(table(measure(kind, Path(scratch)), kind)))
