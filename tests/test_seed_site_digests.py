"""The seed schools' sites are byte-identical to the recorded fingerprints of their trees.

tests/data/seed-site-digests.json holds the SHA-256 of every file of the four seed schools'
sites (and of the shared assets they use) as `policy build` writes them, and of one more
school's (tests/data/print-variant.yml, whose print page joins unusual sections). A refactor of the
glue, the builder or the fast path must not change one byte of them.

Regenerate with `POLICY_RECORD_SITE_DIGESTS=1 .venv/bin/python -m pytest
tests/test_seed_site_digests.py` only when a change is *meant* to change what readers get
(the model text in docs/, the templates in overrides/, a seed school file, the stylesheet, a
fix to the squeezed HTML, a new pinned version of mkdocs or material), and say so in the commit;
never to make a refactor pass.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from helpers import PRINT_VARIANT
from macros.build.fingerprints import FINGERPRINT_FILE

RECORD = Path(__file__).parent / "data" / "seed-site-digests.json"
RECORD_VARIABLE = "POLICY_RECORD_SITE_DIGESTS"
# Not part of what a reader gets: the inputs' fingerprint hashes the builder's own source.
NOT_RECORDED = {FINGERPRINT_FILE}


def site_digests(out: Path) -> dict[str, str]:
    """Every file under the seed schools' folders and shared-assets/, by path, with its SHA-256."""
    found = {}
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        relative = path.relative_to(out).as_posix()
        if "/" not in relative or path.name in NOT_RECORDED or path.name.startswith(".policy-build"):
            continue            # the landing page and the lock file are not a school's site
        found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_seed_sites_are_byte_identical_to_the_recorded_digests(seed_sites, variant_site):
    built = site_digests(seed_sites)
    built.update({name: digest for name, digest in site_digests(variant_site).items()
                  if name.startswith(f"{PRINT_VARIANT}/")})
    if os.environ.get(RECORD_VARIABLE):
        RECORD.write_text(json.dumps(built, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    assert sorted(built) == sorted(recorded), {
        "missing": sorted(set(recorded) - set(built)), "new": sorted(set(built) - set(recorded))}
    changed = sorted(name for name in recorded if built[name] != recorded[name])
    assert not changed, f"files that differ from the recorded build: {changed}"
