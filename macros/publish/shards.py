"""Splitting the schools to publish into shards: one job of the publish workflow's matrix each.

    shard_matrix(["a", "b", "c", "d", "e"], per_shard=2, max_shards=8)
    == {"include": [{"shard": 0, "schools": "a b"}, {"shard": 1, "schools": "c d"},
                    {"shard": 2, "schools": "e"}]}

The number of shards is ceil(schools / per_shard), at most `max_shards`; the schools are
sorted and cut into consecutive runs whose sizes differ by at most one, so the same schools
always give the same shards, and each school is in exactly one. No schools, no shards: the
workflow skips the matrix then (GitHub Actions refuses an empty one).
"""
from __future__ import annotations

import math
import re

from macros.errors import PolicyError, Problem
from macros.school.schema import SLUG_RE


def shard_matrix(slugs: list[str], per_shard: int, max_shards: int) -> dict:
    """The `strategy.matrix` for the publish workflow's shard job (see the module docstring)."""
    for value, option in ((per_shard, "--per-shard"), (max_shards, "--max")):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise PolicyError(Problem("publish shards", f"{option} must be a whole number of at "
                                      f"least 1, not {value!r}", option))
    bad = sorted({s for s in slugs if not re.match(SLUG_RE, s)})
    if bad:
        raise PolicyError(Problem("publish shards", "not school names: " + ", ".join(map(repr, bad))
                                  + "; a school is named by its file in schools/ without .yml, "
                                  "in lowercase letters, digits and hyphens, like st-josephs"))
    schools = sorted(set(slugs))
    count = min(max_shards, math.ceil(len(schools) / per_shard))
    include, start = [], 0
    for shard in range(count):
        size = len(schools) // count + (1 if shard < len(schools) % count else 0)
        include.append({"shard": shard, "schools": " ".join(schools[start:start + size])})
        start += size
    return {"include": include}
