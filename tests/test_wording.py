"""One source of role, governance and setting wording: every page says the same words."""
from __future__ import annotations

from macros.model.model import load_model
from macros.render import pages
from macros.render.context import build_context
from macros.render.differences import differences, words_of
from macros.render.wording import role_label, role_title
from macros.school.loader import load_school, school_path


def centre():
    model = load_model()
    return build_context(load_school(school_path("dacorum-esc"), model), model)


def test_a_management_committee_designates_a_member_everywhere():
    context = centre()
    title = "Designated Management Committee Member"
    assert context.variables["governance"]["member_title"] == title
    assert words_of(context.school, context.model)["governance.member_title"] == title
    assert f"- {title} (for children in care and children previously in care): " in pages.whos_who_block(context)
    assert title in dict(pages.print_summary(context))
    assert f"## {title} for Children Looked After and Previously Looked After" in pages.whos_who(context)


def test_the_differences_name_the_body_as_the_pages_do():
    context = centre()
    governance = next(d for d in differences(context.school, context.model, context.account).departures
                      if d.name == "governance")
    assert (governance.model_text, governance.school_text) == ("Governing Body", "Management Committee")
    assert context.variables["governance"]["body"] == "Management Committee"


def test_role_labels_and_titles():
    assert role_label("designated_governor", "governing-body") == "Designated School Governor"
    assert role_label("safeguarding_lead", "management-committee") == "Designated Safeguarding Lead"
    assert role_title("designated_governor", "management-committee",
                      "Designated Governor for Children Looked After") == (
        "Designated Management Committee Member for Children Looked After")
    assert role_title("designated_teacher", "governing-body") == (
        "Designated Teacher for Children Looked After and Previously Looked After")
