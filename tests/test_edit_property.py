"""A property of generated school files: every entry of the account of their edits appears in
the site the real builder makes (or, where it would take effect nowhere, the file is refused
with the entry's field).

`make test` builds a few examples; set POLICY_PROPERTY_EXAMPLES to build more.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, example, given, settings, strategies as st

from helpers import good_data, write_school
from macros.build.builder import build_school
from macros.errors import PolicyError
from macros.model.model import load_model
from macros.render.context import build_context
from macros.school.loader import load_school

MODEL = load_model()
NAMES = sorted(MODEL.passages)
SCHOOL_LISTS = sorted(n for n, p in MODEL.passages.items() if "school-list" in p.classes)
SECTIONS = [s for s in MODEL.sections if s != "index"]
EXAMPLES = int(os.environ.get("POLICY_PROPERTY_EXAMPLES", "3"))


@st.composite
def school_files(draw) -> dict:
    """The good school file with generated edits: each passage named by one group at most."""
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=8, unique=True))
    groups = draw(st.lists(st.sampled_from(["omit", "add_after", "replace"]), min_size=len(names),
                           max_size=len(names)))
    passages: dict = {"omit": [], "add_after": {}, "replace": {}, "fill": {}}
    for n, (name, group) in enumerate(zip(names, groups), 1):
        if group == "omit":
            passages["omit"].append(name)
        elif group == "add_after":
            passages["add_after"][name] = (f"Added words {n}." if draw(st.booleans())
                                           else [f"Added words {n}.", f"More added words {n}."])
        else:
            passages["replace"][name] = f"Reworded words {n}."
    for name in draw(st.lists(st.sampled_from(SCHOOL_LISTS), max_size=1)):
        passages["fill"][name] = ["First filled item.", "Second filled item."]
    data = good_data(**{k: v for k, v in passages.items() if v})
    data["links"] = {}
    data["choices"]["toolkit_training"] = draw(st.sampled_from(
        [{"status": "delivered"}, {"status": "planned", "when": "Spring Term 2025"}]))
    sections = draw(st.lists(st.sampled_from(SECTIONS), max_size=1))
    if sections:
        data["sections"] = {sections[0]: "Our own words for this section."}
    return data


def page(site: Path, section: str) -> Path:
    return site / ("" if section == "index" else section) / "index.html"


def words(element) -> str:
    return " ".join(element.get_text(" ").split())


def check_landing(site: Path, landing, school, account) -> None:
    entry, name = landing.entry, landing.entry.name
    path = page(site, landing.page)
    if entry.group == "sections":
        assert "Our own words for this section." in words(BeautifulSoup(path.read_text(encoding="utf-8"),
                                                                        "html.parser").select_one("article"))
        return
    passage = MODEL.passages[name]
    if entry.group == "omit" and passage.kind == "heading" and passage.level == 1:
        assert not path.exists(), f"{name}: its section's page is still built"
        return
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    if entry.group == "omit":
        assert soup.find(id=name) is None, f"{name} is left out but on {path}"
        gone = [p for p, cause in account.removed.items() if cause == ("omit", name)]
        assert not [p for p in gone if soup.find(id=p)], f"{name}: what goes with it is still shown"
        return
    element = soup.find(id=landing.anchor)
    assert element is not None, f"{entry.field}: no element #{landing.anchor} on {path}"
    if entry.group == "add_after":
        added = school.passages.add_after[name]
        text = added if isinstance(added, str) else added[entry.item - 1]
        assert words(element) == text
    elif entry.group == "replace":
        assert words(element).startswith(school.passages.replace[name])
    elif entry.group == "fill":
        items = [words(soup.find(id=f"{name}.item-{n}")) for n in (1, 2)]
        assert items == ["First filled item.", "Second filled item."]
    printed = BeautifulSoup((site / "print" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert printed.find(id=landing.anchor) is not None, f"{entry.field}: not on the print page"


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@example(data={**good_data(add_after={"intention.toolkit-delivered": "Added words 1.",
                                      "intention.deaton-review": ["Added words 2.", "More added words 2."],
                                      "index.designated-teacher": "Added words 3."},
                           omit=["appendix-1.research", "contacts"],
                           replace={"index.policy-objective": "Reworded words 4."},
                           fill={"exclusion.avoid-methods": ["First filled item.", "Second filled item."]}),
               "links": {}, "choices": {"toolkit_training": {"status": "delivered"}},
               "sections": {"attendance": "Our own words for this section."}})
@given(data=school_files())
def test_every_entry_of_the_account_is_on_the_built_site(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("property")
    path = write_school(root / "schools", data)
    try:
        school = load_school(path, MODEL)
        account = build_context(school, MODEL).account
    except PolicyError as error:
        # Refused: each problem is an entry that would take effect nowhere, at its field.
        assert all(p.message.startswith("this takes effect nowhere: ") and p.field.startswith(("passages.", "sections."))
                   and p.line for p in error.problems), error
        event("refused: an entry would take effect nowhere")
        return
    event(f"built, with {len(account.landed)} entries landed")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_SCHOOLS_DIR", str(root / "schools"))
        site = build_school("good", root / "out")
    assert account.landed
    for landing in account.landed:
        check_landing(site, landing, school, account)
    check_differences_page(site)


def check_differences_page(site: Path) -> None:
    """Every place the differences page links to is on the school's site."""
    soup = BeautifulSoup((site / "differences" / "index.html").read_text(encoding="utf-8"), "html.parser")
    for link in soup.select("article a[href^='../']"):
        path, _, anchor = link["href"][3:].partition("#")
        target = site / path / "index.html"
        assert target.is_file(), link["href"]
        if anchor:
            page_soup = BeautifulSoup(target.read_text(encoding="utf-8"), "html.parser")
            assert page_soup.find(id=anchor) is not None, link["href"]
