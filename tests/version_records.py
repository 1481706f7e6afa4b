"""Three published versions of one school's policy, shared by the history tests."""
from __future__ import annotations

import datetime as dt

from macros.publish.version_history import VersionRecord

D = dt.date


def record(version: str, ratified: dt.date, review: dt.date, published: str = "") -> VersionRecord:
    return VersionRecord(version, ratified, f"{ratified:%B %Y}", review, f"{review:%B %Y}",
                         "CSF4093 issue 12, August 2023", published)


V1 = record("2023-24", D(2023, 11, 1), D(2024, 12, 31))
V2 = record("2024-25", D(2024, 11, 1), D(2025, 12, 31))
V3 = record("2025-26", D(2025, 10, 1), D(2026, 9, 30))
ALL = [V2, V3, V1]  # in no particular order
