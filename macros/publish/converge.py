"""Runs that converge: publish whatever the pages branch does not hold as the school files ask.

Each school file asks for one version (`version:`) built from one set of inputs, summed up
by its fingerprint (the file itself, the model text, the templates, the builder and the
packages that render it: macros/build/fingerprints.py). Every published version records its
fingerprint in its `policy.json`. A school needs publishing when the branch has no such
version or has it from other inputs. So a run that was cancelled, failed or skipped leaves
nothing to remember: the next run sees the same difference and publishes it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from macros.errors import PolicyError, Problem
from macros.publish.git import Reader
from macros.publish.release import RECORD_FILE
from macros.publish.site_build import fingerprints
from macros.school.loader import display_path, load_school, school_path


@dataclass
class Plan:
    versions: dict[str, str] = field(default_factory=dict)   # to publish: slug -> version
    current: list[str] = field(default_factory=list)         # already on the branch as asked
    problems: list[Problem] = field(default_factory=list)    # schools that cannot be published

    @property
    def slugs(self) -> list[str]:
        return sorted(self.versions)


def asked_versions(slugs: list[str], version: str | None = None) -> tuple[dict[str, str], list[Problem]]:
    """The version each school file asks for (`version`, when given, for the one school
    named); a school whose file cannot be read, or names no version, is a problem."""
    from macros.model.model import load_model

    model = load_model()
    asked, problems = {}, []
    for slug in slugs:
        path = school_path(slug)
        try:
            school = load_school(path, model)
        except PolicyError as error:
            problems.extend(error.problems)
            continue
        if version is None and not school.version:
            problems.append(Problem(display_path(path), "this school file has no version, so it "
                                    "cannot be published; add a line like `version: 2024-25`",
                                    "version"))
            continue
        asked[slug] = version or school.version
    return asked, problems


def plan(reader: Reader, slugs: list[str], alias: str | None, *, version: str | None = None,
         force: bool = False) -> Plan:
    """What to publish so that the branch `reader` reads holds every school as asked."""
    asked, problems = asked_versions(slugs, version)
    result = Plan(problems=problems)
    wanted = fingerprints(list(asked), alias)
    for slug, name in sorted(asked.items()):
        if not force and _published_fingerprint(reader, slug, name) == wanted[slug]:
            result.current.append(slug)
        else:
            result.versions[slug] = name
    return result


def _published_fingerprint(reader: Reader, slug: str, version: str) -> str | None:
    text = reader.text(f"{slug}/{version}/{RECORD_FILE}")
    try:
        return json.loads(text).get("fingerprint") if text else None
    except (ValueError, AttributeError):
        return None
