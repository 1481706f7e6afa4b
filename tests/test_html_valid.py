"""Every page is valid HTML: the Nu Html Checker (npm `vnu-jar`, installed by `make test` and run
on the machine's Java) finds no error in any page of the seed schools, their landing page, or
the landing and history pages a publish writes."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from macros.paths import PROJECT_DIR

VNU_JAR = PROJECT_DIR / ".cache" / "node" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BROKEN = '<!doctype html><html lang="en-GB"><head><title>t</title></head><body><p><div></span></body></html>'


def _nu_errors(files: list[Path]) -> dict[str, list[str]]:
    java = shutil.which("java")
    if not java:
        pytest.fail("java not found: the Nu Html Checker needs a Java runtime (Debian: default-jre-headless)")
    if not VNU_JAR.is_file():
        pytest.fail(f"the Nu Html Checker is not installed at {VNU_JAR.relative_to(PROJECT_DIR)}: "
                    "run `make test` (it installs the pinned vnu-jar with npm)")
    run = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json",
                          *map(str, files)], capture_output=True, text=True, timeout=300)
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        where = unquote(urlsplit(message.get("url", "")).path)
        errors.setdefault(where, []).append(f"line {message.get('lastLine', '?')}: {message['message']}")
    return errors


def test_the_nu_html_checker_finds_no_error_in_any_page(seed_sites, published_pages, tmp_path):
    pages = sorted(p for p in seed_sites.rglob("*.html") if "shared-assets" not in p.parts)
    pages += sorted(published_pages.rglob("*.html"))
    assert len(pages) >= 4 * 15 + 3
    broken = tmp_path / "broken.html"          # proves the checker ran and reports what it finds
    broken.write_text(BROKEN, encoding="utf-8")
    errors = _nu_errors([*pages, broken])
    assert errors.pop(str(broken), None), "the checker found nothing wrong in a broken page"
    print(f"\nNu Html Checker: {len(pages)} pages, {sum(map(len, errors.values()))} errors")
    assert not errors, "\n".join(f"{page}:\n  " + "\n  ".join(found) for page, found in errors.items())
