"""Site search, offline over plain http: typing finds the right page for role holders' names,
topics and the school's name; apostrophes and typos do not break it; nonsense finds nothing.

material's search matches prefixes and lists partial matches with a "Missing: …" line, so a
result counts only when the top result's own text (without that line) holds the term.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from macros.school.schema import Vacancy

pytestmark = pytest.mark.browser

TOPICS = ["exclusion", "PEP", "attendance"]


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").lower().split())


def _holders(school) -> list[str]:
    names = []
    for role in ("designated_teacher", "designated_governor", "safeguarding_lead"):
        value = getattr(school.data.roles, role)
        if not isinstance(value, Vacancy):
            names += [h.name for h in value if h.name not in names]
    return names


def _top_holds(result: dict, term: str) -> bool:
    return bool(result["texts"]) and _norm(term) in _norm(result["texts"][0])


@pytest.fixture
def errors(page):
    seen: list[str] = []
    page.on("pageerror", lambda error: seen.append(str(error)))
    return seen


def test_search_finds_role_holders_topics_and_the_school_name(sites, page, search, errors):
    """Each holder's name, each topic and the school's name: the top result holds the term,
    and a holder's name also finds the who's who page or the title page among the top five."""
    problems, tried = [], 0
    for slug, school in sites.schools.items():
        page.goto(sites.url(slug, "intention/"))
        holders = _holders(school)
        for term in holders + TOPICS + [school.name]:
            result = search(page, term)
            tried += 1
            if not _top_holds(result, term):
                top = result["texts"][0][:160] if result["texts"] else "(no results)"
                problems.append(f"{slug}: '{term}' → {result['meta']}; top result: {top}")
            if term in holders:
                pages = {urlsplit(link).path.rstrip("/").split("/")[-1] for link in result["links"][:5]}
                if not pages & {"whos-who", slug}:
                    problems.append(f"{slug}: '{term}' does not find who's who: {result['links'][:5]}")
    print(f"\n{tried} searches over {len(sites.schools)} schools")
    assert not problems, "\n".join(problems)
    assert not errors, errors


def test_apostrophes_do_not_break_search(sites, page, search, errors):
    page.goto(sites.url("st-josephs"))
    result = search(page, "St Joseph's")
    assert _top_holds(result, "St Joseph's"), result
    for term in ["Who's who", "children's"]:
        result = search(page, term)
        assert _top_holds(result, term), (term, result)
    assert search(page, "‘duty")["count"] > 0
    assert not errors, errors


def test_a_typo_does_not_break_search_and_search_still_works_after(sites, page, search, errors):
    slug = next(iter(sites.schools))
    page.goto(sites.url(slug))
    typo = search(page, "exclsuion")
    assert typo["meta"], typo
    after = search(page, "exclusion")
    assert _top_holds(after, "exclusion"), after
    assert not errors, errors


def test_nonsense_finds_nothing(sites, page, search):
    for slug in sites.schools:
        page.goto(sites.url(slug))
        result = search(page, "zqxjvw")
        assert result["count"] == 0, result
        assert "no matching" in result["meta"].lower(), result
