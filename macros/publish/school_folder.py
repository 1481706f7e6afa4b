"""One school's folder on the pages branch, as a release changes it.

`SLUG/` holds a folder per version (`SLUG/VERSION/`: its pages and `policy.json`), the alias
folders of redirects (`SLUG/latest/`), mike's `versions.json`, and the policy history page
(`SLUG/index.html`). `place_release()` works out, from the folder as the branch has it now,
what to remove and what to write so that it holds the release as well: the version folder is
replaced whole; the alias moves to it unless a version ratified later holds it; versions
beyond the retention rule's are retired (see retention.py); the history page is drawn again
from every version's record.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from macros.errors import PolicyError, Problem
from macros.publish.git import BlobWriter, Reader
from macros.publish.mike_format import VERSIONS_FILE, add_version, aliases_of, dump_versions, load_versions, redirect_page
from macros.publish.release import RECORD_FILE, Release
from macros.publish.retention import PRINT_PAGE, Retention, is_kept, retired_page, slim_print_page
from macros.publish.changes import changes_page
from macros.publish.version_history import VersionRecord, newest_first, render_history


@dataclass
class SchoolState:
    """What the landing page needs of a school."""

    name: str
    records: list[VersionRecord]


@dataclass
class FolderChange:
    remove: list[str]
    add: dict[str, tuple[str, str]]   # blobs already in the repository (paths on the branch)
    state: SchoolState


def read_school(reader: Reader, slug: str) -> tuple[object, dict[str, dict]]:
    """mike's versions of `slug` on the branch, and each version's record (raw JSON)."""
    versions = load_versions(reader.text(f"{slug}/{VERSIONS_FILE}"))
    raw = {}
    for info in versions:
        version = str(info.version)
        text = reader.text(f"{slug}/{version}/{RECORD_FILE}")
        if text is not None:
            try:
                raw[version] = json.loads(text)
            except ValueError:
                continue            # a damaged record: the version stays, off the history page
    return versions, raw


def school_state(slug: str, raw: dict[str, dict], aliases: dict[str, str]) -> SchoolState:
    by_version = {v: tuple(a for a, target in aliases.items() if target == v) for v in raw}
    records = []
    for version, data in raw.items():
        try:
            records.append(VersionRecord.from_json(data, by_version.get(version, ())))
        except (KeyError, TypeError, ValueError):
            continue
    names = {r.version: raw[r.version].get("school") for r in records}
    name = next((names[r.version] for r in newest_first(records) if names[r.version]), slug)
    return SchoolState(str(name), records)


def place_release(reader: Reader, blobs: BlobWriter, release: Release, retention: Retention,
                  today: dt.date) -> FolderChange:
    slug, version = release.slug, release.version
    versions, raw = read_school(reader, slug)
    new = VersionRecord.from_json(release.record)
    newer = [v for v, data in raw.items() if v != version and _ratified(data) > new.ratified]
    alias = release.alias
    if alias and any(str(info.version) == alias for info in versions):
        raise PolicyError(Problem("policy publish", f"the alias '{alias}' is the name of a version "
                                  f"of {slug} already on the branch; choose another alias", "--alias"))
    if alias and newer:
        holder = aliases_of(versions).get(alias)
        release.note = f"'{alias}' stays on {holder or sorted(newer)[-1]}, which was ratified after {version}"
        alias = None
    release.moved_alias = bool(alias)
    before = aliases_of(versions)
    add_version(versions, version, alias)
    after = aliases_of(versions)
    raw[version] = release.record

    remove, add = [f"{slug}/{version}"], {}
    for path, entry in release.site.items():
        add[f"{slug}/{version}/{path}"] = entry
    pages = sorted(p for p in release.site if p.endswith(".html"))
    for name, target in after.items():
        if target == version or before.get(name) != target:
            remove.append(f"{slug}/{name}")
            target_pages = pages if target == version else _pages_of(reader, slug, target)
            for page in target_pages:
                blobs.text(f"{slug}/{name}/{page}", redirect_page(page, target))

    order = [r.version for r in newest_first(school_state(slug, raw, after).records)]
    _changes_page(reader, blobs, release, raw, order)
    rewritten = {version}
    for old in retention.retired(order):
        if old == version:
            _retire(reader, blobs, slug, old, dict(release.site), raw, remove, add)
        elif not raw[old].get("retired"):
            files = {path[len(slug) + len(old) + 2:]: (mode, sha) for path, (mode, kind, sha)
                     in reader.entries(f"{slug}/{old}", recursive=True).items() if kind == "blob"}
            _retire(reader, blobs, slug, old, files, raw, remove, add)
            rewritten.add(old)
    for v in rewritten:
        blobs.text(f"{slug}/{v}/{RECORD_FILE}", json.dumps(raw[v], indent=2) + "\n")
    state = school_state(slug, raw, after)
    blobs.text(f"{slug}/index.html", render_history(state.name, state.records, today))
    blobs.text(f"{slug}/{VERSIONS_FILE}", dump_versions(versions))
    return FolderChange(remove, add, state)


def _changes_page(reader: Reader, blobs: BlobWriter, release: Release, raw: dict[str, dict],
                  order: list[str]) -> None:
    """SLUG/VERSION/changes/: what changed since the version before it (by ratification),
    compared print page with print page; the record names that version for the history page."""
    slug, version = release.slug, release.version
    position = order.index(version)
    if position + 1 >= len(order) or PRINT_PAGE not in release.site:
        return
    previous = order[position + 1]
    before = reader.text(f"{slug}/{previous}/{PRINT_PAGE}")
    after = reader.blob(release.site[PRINT_PAGE][1])
    if before is None or after is None:
        return
    name = release.record.get("school") or slug
    page = changes_page(before, after.decode("utf-8"), name, previous, version)
    blobs.text(f"{slug}/{version}/changes/index.html", page)
    raw[version] = dict(raw[version], changes_since=previous)


def _ratified(data: dict) -> dt.date:
    try:
        return dt.date.fromisoformat(data["ratified"])
    except (KeyError, TypeError, ValueError):
        return dt.date.min


def _pages_of(reader: Reader, slug: str, version: str) -> list[str]:
    prefix = f"{slug}/{version}/"
    return sorted(path[len(prefix):] for path, (_, kind, _) in
                  reader.entries(f"{slug}/{version}", recursive=True).items()
                  if kind == "blob" and path.endswith(".html"))


def _retire(reader: Reader, blobs: BlobWriter, slug: str, version: str,
            files: dict[str, tuple[str, str]], raw: dict[str, dict], remove: list[str], add: dict) -> None:
    """Keep the print page and records of `version`; every other page forwards to the print page."""
    for path in [p for p in add if p.startswith(f"{slug}/{version}/")]:
        del add[path]
    blobs.discard(f"{slug}/{version}/")
    for path, entry in files.items():
        printed = reader.blob(entry[1]) if path == PRINT_PAGE else None
        if printed is not None:
            blobs.text(f"{slug}/{version}/{path}", slim_print_page(printed.decode("utf-8")))
        elif is_kept(path) and path != RECORD_FILE:
            add[f"{slug}/{version}/{path}"] = entry
        else:
            page = retired_page(path, version)
            if page is not None:
                blobs.text(f"{slug}/{version}/{path}", page)
    raw[version] = {**{k: v for k, v in raw[version].items() if k != "changes_since"}, "retired": True}
    if f"{slug}/{version}" not in remove:
        remove.append(f"{slug}/{version}")
