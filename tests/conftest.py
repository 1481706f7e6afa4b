"""Shared fixtures: the four seed schools built once, with real mkdocs, for the whole run."""
from __future__ import annotations

from pathlib import Path

import pytest

from macros.build import build_many
from macros.landing import write_landing

SEED_SCHOOLS = ["st-josephs", "westfield", "hartsfield", "dacorum-esc"]


@pytest.fixture(scope="session")
def seed_sites(tmp_path_factory) -> Path:
    """A site folder holding every seed school, built as `make site` builds it."""
    out = tmp_path_factory.mktemp("site")
    results = build_many(SEED_SCHOOLS, out, jobs=2)
    failed = [f"{r.slug}: {r.message}" for r in results if not r.ok]
    assert not failed, "seed schools failed to build:\n" + "\n".join(failed)
    write_landing(out)
    return out
