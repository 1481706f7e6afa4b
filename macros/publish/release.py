"""A release: one school's version, built and written into git, ready to go on the pages branch.

Every way of publishing makes releases first (outside the lock, where the work is) and then
hands them to one transaction, which decides everything that depends on what the branch
holds at that moment (versions.json, aliases, history, retention, the landing page).
"""
from __future__ import annotations

from dataclasses import dataclass, field

RECORD_FILE = "policy.json"


@dataclass
class Release:
    slug: str
    version: str
    alias: str | None                  # moved to this version unless a newer one holds it
    site: dict[str, tuple[str, str]]   # path inside SLUG/VERSION/ -> (mode, blob id)
    record: dict                       # SLUG/VERSION/policy.json
    note: str = ""                     # filled in by the transaction (e.g. the alias stayed)
    moved_alias: bool = False          # filled in by the transaction


@dataclass
class Batch:
    """What one transaction puts on the branch: releases and the shared files they use."""

    releases: list[Release] = field(default_factory=list)
    shared: dict[str, tuple[str, str]] = field(default_factory=dict)  # shared-assets/… -> (mode, id)

    @property
    def slugs(self) -> list[str]:
        return [r.slug for r in self.releases]
