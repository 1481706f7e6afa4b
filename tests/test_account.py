"""Every edit a school writes lands on a page, or is refused: applying the edits, and the
account that matches each entry of the school file with the page where it took effect."""
from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from helpers import good_data, line_of, write_school
from macros import cli
from macros.build.builder import build_school
from macros.errors import PolicyError
from macros.model.edits import Edits, Effect, apply_edits
from macros.model.model import load_model
from macros.render.context import build_context
from macros.school.loader import load_school

PARAGRAPH = """# Intention {: #intention }

First sentence. [A sentence that may go.]{: #intention.span } Last sentence.
{: #intention.para }

- Methods we use:
{: #intention.methods .school-list }
- A model item.
{: #intention.item }

## Research {: #intention.research }

Research text.
{: #intention.research-text }

## Next {: #intention.next }
"""


# --- applying edits (pure) -------------------------------------------------------------

def test_text_added_after_a_span_follows_it_in_the_same_paragraph():
    applied = apply_edits(PARAGRAPH, Edits(add_after={"intention.span": ["Our own sentence."]}))
    assert ('First sentence. <span id="intention.span">A sentence that may go.</span> '
            '<span id="intention.span.added-1" class="school-text">Our own sentence.</span> Last sentence.\n'
            '{: #intention.para }') in applied.markdown
    assert Effect("add_after", "intention.span", 1, "intention.span.added-1") in applied.effects


def test_a_span_left_out_takes_its_space_with_it():
    applied = apply_edits(PARAGRAPH, Edits(omit={"intention.span"}))
    assert "First sentence. Last sentence.\n{: #intention.para }" in applied.markdown
    assert applied.effects == [Effect("omit", "intention.span")]


def test_a_span_inside_a_paragraph_left_out_is_removed_with_it():
    applied = apply_edits(PARAGRAPH, Edits(omit={"intention.para"}, replace={"intention.span": "New."}))
    assert applied.effects == [Effect("omit", "intention.para")]
    assert applied.removed["intention.span"] == ("omit", "intention.para")


def test_a_heading_left_out_takes_its_part_with_it():
    applied = apply_edits(PARAGRAPH, Edits(omit={"intention.research"},
                                           add_after={"intention.research-text": ["More."]}))
    assert "Research text." not in applied.markdown and "## Next" in applied.markdown
    assert applied.effects == [Effect("omit", "intention.research")]
    assert applied.removed["intention.research-text"] == ("omit", "intention.research")


def test_a_list_only_the_school_fills_is_not_shown_without_items():
    applied = apply_edits(PARAGRAPH, Edits(omit={"intention.methods"}, replace={"intention.methods": "x"}))
    assert "Methods we use" not in applied.markdown
    assert applied.effects == []


def test_a_filled_list_may_have_its_lead_in_reworded():
    applied = apply_edits(PARAGRAPH, Edits(replace={"intention.methods": "The ways we avoid it:"},
                                           fill={"intention.methods": ["a timetable", "a new class"]}))
    assert ("- The ways we avoid it:\n{: #intention.methods }\n    - a timetable\n"
            "    {: #intention.methods.item-1 .school-text }\n    - a new class\n"
            "    {: #intention.methods.item-2 .school-text }") in applied.markdown
    assert {e.group for e in applied.effects} == {"replace", "fill"}


NESTED = """- Parent item:
{: #x.parent }
    - child one
    {: #x.child-1 }
    - child two
    {: #x.child-2 }
- Next item
{: #x.next }
"""


def test_a_list_item_left_out_takes_its_nested_items_with_it():
    applied = apply_edits(NESTED, Edits(omit={"x.parent"}))
    assert applied.markdown == "- Next item\n{: #x.next }\n"
    assert applied.removed == {"x.child-1": ("omit", "x.parent"), "x.child-2": ("omit", "x.parent")}


def test_the_last_list_item_left_out_keeps_the_list_apart_from_the_next_paragraph():
    applied = apply_edits(NESTED + "\nA paragraph.\n{: #x.para }\n", Edits(omit={"x.next"}))
    assert applied.markdown.endswith("    {: #x.child-2 }\n\nA paragraph.\n{: #x.para }\n")


def test_text_added_after_a_list_item_comes_after_its_nested_items():
    applied = apply_edits(NESTED, Edits(add_after={"x.parent": ["Added."], "x.child-2": ["Third child."]}))
    assert applied.markdown == (
        "- Parent item:\n{: #x.parent }\n    - child one\n    {: #x.child-1 }\n    - child two\n"
        "    {: #x.child-2 }\n    - Third child.\n    {: #x.child-2.added-1 .school-text }\n"
        "- Added.\n{: #x.parent.added-1 .school-text }\n- Next item\n{: #x.next }\n")


def test_several_paragraphs_after_a_span_are_refused():
    applied = apply_edits(PARAGRAPH, Edits(add_after={"intention.span": ["One.\n\nTwo."]}))
    assert applied.effects == []
    assert applied.refused[("add_after", "intention.span", 1)] == (
        "words added after a sentence join that sentence's paragraph, so they must be one paragraph: "
        "remove the blank lines and list bullets")


# --- the account of a school file ---------------------------------------------------------

def refusal(tmp_path, data) -> str:
    """The one problem building the page context of `data` reports, as `policy check` prints it."""
    path = write_school(tmp_path, data)
    model = load_model()
    with pytest.raises(PolicyError) as error:
        build_context(load_school(path, model), model)
    assert len(error.value.problems) == 1, error.value
    problem = error.value.problems[0]
    return f"{problem.line}:{problem.column}: {problem.field}: {problem.message}"


def test_a_passage_both_left_out_and_reworded_is_refused(tmp_path):
    data = good_data(omit=["intention.deaton-review"], replace={"intention.deaton-review": "Our words."})
    assert refusal(tmp_path, data) == (
        f"{line_of(tmp_path / 'good.yml', '  replace:') + 1}:5: passages.replace.intention.deaton-review: this "
        "takes effect nowhere: passages.omit leaves 'intention.deaton-review' out, so it cannot also be "
        "reworded; to reword it, take it out of passages.omit")


def test_text_added_after_a_passage_left_out_is_refused(tmp_path):
    data = good_data(omit=["impact.families"], add_after={"impact.families": "More."})
    assert refusal(tmp_path, data).endswith(
        "passages.add_after.impact.families: this takes effect nowhere: passages.omit leaves 'impact.families' "
        "out, so nothing can follow it; to put your own words in its place, use passages.replace.impact.families "
        "instead, or take it out of passages.omit")


def test_text_added_inside_a_part_left_out_is_refused(tmp_path):
    data = good_data(omit=["appendix-1.research"], add_after={"appendix-1.research-participate": "More."})
    assert refusal(tmp_path, data).endswith(
        "passages.add_after.appendix-1.research-participate: this takes effect nowhere: "
        "'appendix-1.research-participate' is inside the part under the heading 'appendix-1.research', which "
        "passages.omit leaves out; delete this entry, or take 'appendix-1.research' out of passages.omit")


def test_rewording_a_list_only_the_school_fills_needs_its_items(tmp_path):
    data = good_data(replace={"exclusion.avoid-methods": "We use these:"})
    assert refusal(tmp_path, data).endswith(
        "passages.replace.exclusion.avoid-methods: this takes effect nowhere: 'exclusion.avoid-methods' is a "
        "list only the school fills, and it appears only with items: add them under "
        "passages.fill.exclusion.avoid-methods")


def test_leaving_out_a_list_nobody_filled_is_refused(tmp_path):
    assert refusal(tmp_path, good_data(omit=["exclusion.avoid-methods"])).endswith(
        "passages.omit[1]: this takes effect nowhere: 'exclusion.avoid-methods' is a list that appears only "
        "when the school fills it, so there is nothing to leave out; delete this line")


def test_an_edit_inside_a_section_in_the_schools_own_words_is_refused(tmp_path):
    data = good_data(add_after={"intention.revised-guidance": "More."})
    data["sections"] = {"intention": "Our own words."}
    assert refusal(tmp_path, data).endswith(
        "passages.add_after.intention.revised-guidance: this takes effect nowhere: the section 'intention' is "
        "in the school's own words (sections.intention), so the model's passage 'intention.revised-guidance' "
        "is not on that page; make this change in sections.intention instead, or delete this entry")


def test_a_section_in_the_schools_words_that_is_also_left_out_is_refused(tmp_path):
    data = good_data(omit=["intention"])
    data["sections"] = {"intention": "Our own words."}
    assert refusal(tmp_path, data).endswith(
        "sections.intention: this takes effect nowhere: passages.omit leaves the whole section 'intention' "
        "out, so these words would not be shown; take 'intention' out of passages.omit, or delete this "
        "section's text")


def test_an_edit_of_a_passage_the_schools_choices_leave_out_is_refused(tmp_path):
    data = good_data(add_after={"intention.toolkit-delivered": "More."})   # training is planned
    assert refusal(tmp_path, data).endswith(
        "passages.add_after.intention.toolkit-delivered: this takes effect nowhere: the model has "
        "'intention.toolkit-delivered' only when choices.toolkit_training.status is delivered, and this file "
        "chooses otherwise; delete this entry, or change the choice")


def test_a_span_inside_a_reworded_paragraph_is_refused(tmp_path):
    data = good_data(replace={"intention.most-vulnerable": "Our words."},
                     add_after={"intention.deaton-review": "More."})
    assert refusal(tmp_path, data).endswith(
        "passages.add_after.intention.deaton-review: this takes effect nowhere: 'intention.deaton-review' is "
        "inside 'intention.most-vulnerable', which passages.replace rewords; put this change into your "
        "wording of 'intention.most-vulnerable' instead")


def test_an_edit_of_an_item_inside_an_item_left_out_is_refused(tmp_path):
    data = good_data(omit=["appendix-1.mh-training"], replace={"appendix-1.mh-training-child-voice": "Ours."})
    assert refusal(tmp_path, data).endswith(
        "passages.replace.appendix-1.mh-training-child-voice: this takes effect nowhere: "
        "'appendix-1.mh-training-child-voice' is inside 'appendix-1.mh-training', which passages.omit leaves "
        "out; delete this entry, or take 'appendix-1.mh-training' out of passages.omit")


def test_several_paragraphs_after_a_sentence_are_refused_with_where_they_could_go(tmp_path):
    data = good_data(add_after={"intention.deaton-review": "One.\n\nTwo."})
    assert refusal(tmp_path, data).endswith(
        "passages.add_after.intention.deaton-review: this takes effect nowhere: words added after a sentence "
        "join that sentence's paragraph, so they must be one paragraph: remove the blank lines and list "
        "bullets, or add them after the whole paragraph 'intention.most-vulnerable' instead")


def test_a_passage_left_out_twice_is_refused_once(tmp_path):
    data = good_data(omit=["intention.deaton-review", "intention.deaton-review"])
    assert refusal(tmp_path, data).endswith(
        "passages.omit[2]: this takes effect nowhere: 'intention.deaton-review' is already listed in "
        "passages.omit (entry 1); delete this line")


def test_every_entry_of_the_good_file_lands_where_the_site_shows_it(tmp_path):
    model = load_model()
    account = build_context(load_school(write_school(tmp_path, good_data()), model), model).account
    assert [(l.entry.field, l.page, l.anchor) for l in account.landed] == [
        ("passages.omit[1]", "intention", None),
        ("passages.add_after.impact.families", "impact", "impact.families.added-1"),
        ("passages.replace.exclusion.minimum-days-out", "exclusion", "exclusion.minimum-days-out"),
        ("passages.fill.exclusion.avoid-methods", "exclusion", "exclusion.avoid-methods"),
    ]
    assert account.missed == []


def test_policy_check_names_the_file_line_and_field(tmp_path, monkeypatch, capsys):
    path = write_school(tmp_path / "schools", good_data(omit=["impact.families"],
                                                        add_after={"impact.families": "More."}))
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path / "schools"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["check", "good"]) == 1
    line = line_of(path, "    impact.families: More.")
    assert capsys.readouterr().err.splitlines() == [
        f"error: schools/good.yml:{line}:5: passages.add_after.impact.families: this takes effect nowhere: "
        "passages.omit leaves 'impact.families' out, so nothing can follow it; to put your own words in its "
        "place, use passages.replace.impact.families instead, or take it out of passages.omit"]


def test_policy_build_refuses_it_too(tmp_path, monkeypatch, capsys):
    write_school(tmp_path / "schools", good_data(omit=["impact.families"], add_after={"impact.families": "More."}))
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path / "schools"))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "good", "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
    assert ("passages.add_after.impact.families: this takes effect nowhere: passages.omit leaves "
            "'impact.families' out") in capsys.readouterr().err
    assert not (tmp_path / "out" / "good").exists()


# --- on the built site ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def span_site(tmp_path_factory):
    """A school that adds its own sentence after two spans, built with real mkdocs."""
    root = tmp_path_factory.mktemp("spans")
    data = good_data(add_after={"intention.toolkit-delivered": "We repeat it every September.",
                                "intention.deaton-review": ["Our pupils took part.", "So did our staff."]})
    data["choices"]["toolkit_training"] = {"status": "delivered"}
    data["links"] = {}
    write_school(root / "schools", data)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_SCHOOLS_DIR", str(root / "schools"))
        return build_school("good", root / "out")


def paragraph_of(site, page: str, span_id: str):
    soup = BeautifulSoup((site / page / "index.html").read_text(encoding="utf-8"), "html.parser")
    return soup.find(id=span_id).find_parent("p")


def test_text_added_after_a_sentence_is_right_after_it_on_the_page(span_site):
    paragraph = paragraph_of(span_site, "intention", "intention.toolkit-delivered")
    added = paragraph.find(id="intention.toolkit-delivered.added-1")
    assert added.get_text() == "We repeat it every September."
    assert added.find_previous_sibling("span")["id"] == "intention.toolkit-delivered"
    assert added["class"] == ["school-text"]


def test_several_texts_after_a_sentence_follow_it_in_order(span_site):
    paragraph = paragraph_of(span_site, "intention", "intention.deaton-review")
    spans = [s["id"] for s in paragraph.find_all("span", id=True)]
    assert spans == ["intention.deaton-review", "intention.deaton-review.added-1", "intention.deaton-review.added-2"]
    assert " ".join(paragraph.get_text().split()).endswith(
        "the Nuffield Foundation, 2022. Our pupils took part. So did our staff.")


def test_the_print_page_shows_them_too(span_site):
    soup = BeautifulSoup((span_site / "print" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find(id="intention.deaton-review.added-2").get_text() == "So did our staff."


def test_a_page_that_does_not_show_what_the_account_says_fails_the_build(tmp_path):
    model = load_model()
    context = build_context(load_school(write_school(tmp_path, good_data()), model), model)
    rendered = context.render_section("impact").replace("{: #impact.families }", "")
    with pytest.raises(PolicyError) as error:
        context.finish_section("impact", rendered)
    assert str(error.value) == (
        "docs/impact.md: this page does not show the school's edits as `policy check` accounted for them "
        "(missing: add_after impact.families; extra: none); the page's Markdown was rendered differently — "
        "please report this")


def test_an_edit_inside_a_section_left_out_is_refused(tmp_path):
    data = good_data(omit=["appendix-2"], replace={"appendix-2.full-time": "Ours."})
    assert refusal(tmp_path, data).endswith(
        "passages.replace.appendix-2.full-time: this takes effect nowhere: 'appendix-2.full-time' is inside "
        "the whole section 'appendix-2', which passages.omit leaves out; delete this entry, or take "
        "'appendix-2' out of passages.omit")


def test_policy_serve_refuses_it_before_starting(tmp_path, monkeypatch, capsys):
    write_school(tmp_path / "schools", good_data(omit=["impact.families"], add_after={"impact.families": "More."}))
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path / "schools"))
    assert cli.main(["serve", "good", "--addr", "127.0.0.1:1"]) == 1
    assert "passages.add_after.impact.families: this takes effect nowhere" in capsys.readouterr().err
