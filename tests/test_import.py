"""`policy import`: a school's own document becomes its school file, every departure explicit.

The pure parts (reading, holders, title pages, placeholders, departures) are tested on small
texts; the departures on the Westfield seed document with one change made to it at a time.
"""
from __future__ import annotations

import functools
import zipfile
from pathlib import Path

import pytest
import yaml

from macros import cli
from macros.errors import PolicyError
from macros.importing.extract import Facts, date_in, read_title_page, split_holder
from macros.importing.importer import import_document, school_from_document
from macros.render.passage_names import passage_listing
from macros.importing.reading import Block, html_blocks, markdown_blocks, read_document
from macros.importing.slots import Readings, pattern_of, read_slots
from macros.importing.writing import scalar
from macros.model.model import load_model

SEEDS = Path(__file__).resolve().parent / "seeds"
WESTFIELD = (SEEDS / "westfield.txt").read_text(encoding="utf-8")


@functools.lru_cache(maxsize=8)
def imported(text: str):
    """(facts, school file data, departures, alignment) for a document's text; each text once."""
    return school_from_document(markdown_blocks(text), load_model(), "test")


def departures_of(text: str) -> dict[str, dict]:
    _, _, found, _ = imported(text)
    groups: dict[str, dict] = {}
    for departure in found.edits:
        groups.setdefault(departure.kind, {})[departure.passage] = departure.text
    return groups


# --- reading ---------------------------------------------------------------------------

def test_text_is_read_as_headings_paragraphs_and_items():
    blocks = markdown_blocks("# Intention\n\nOne line\nand its second.\n\n- an item\n    - a nested item\n")
    assert blocks == [Block("heading", "Intention", 1), Block("paragraph", "One line and its second."),
                      Block("item", "an item"), Block("item", "a nested item", 1)]


def test_stray_html_in_a_text_file_becomes_emphasis_or_goes():
    [block] = markdown_blocks("<b>In force</b> from 1<sup>st</sup> September<br>2022.")
    assert block.text == "**In force** from 1st September 2022."


def test_a_placeholder_link_keeps_its_words_and_a_real_link_stays():
    [block] = markdown_blocks("See [here](#) and [the DfE](https://www.gov.uk/x).")
    assert block.text == "See here and [the DfE](https://www.gov.uk/x)."


def test_title_page_lines_of_label_and_value_stay_apart():
    blocks = markdown_blocks("Reviewed: December 2024\nDate ratified: by FGB December 2023\n")
    assert [b.text for b in blocks] == ["Reviewed: December 2024", "Date ratified: by FGB December 2023"]


def test_web_page_is_read_with_its_headings_bold_and_nested_lists():
    blocks = html_blocks("<h2>Aims</h2><p>We <strong>will</strong> act.</p>"
                         "<ul><li>one<ul><li>two</li></ul></li></ul><script>x()</script>")
    assert blocks == [Block("heading", "Aims", 2), Block("paragraph", "We **will** act."),
                      Block("item", "one"), Block("item", "two", 1)]


def test_a_web_pages_menus_header_and_footer_are_not_read():
    blocks = html_blocks("<header><p>Our school</p></header><nav><ul><li>Home</li></ul></nav>"
                         "<article><p>The policy.</p></article><footer><p>Copyright</p></footer>")
    assert blocks == [Block("paragraph", "The policy.")]


def test_a_definition_lists_term_labels_the_value_after_it():
    blocks = html_blocks("<dl><dt>Ratified</dt><dd>December 2023</dd></dl>")
    assert [b.text for b in blocks] == ["Ratified:", "December 2023"]


def test_a_link_around_whole_blocks_keeps_only_their_text():
    assert html_blocks('<a href="../next/"><div>Next section</div></a>') == [Block("paragraph", "Next section")]


def test_word_document_is_read_with_its_headings_and_lists():
    blocks = read_document(SEEDS / "westfield.docx")
    assert Block("heading", "Policy Objective", 2) in blocks
    assert Block("item", "a shared set of values and beliefs") in blocks


# --- facts -----------------------------------------------------------------------------

@pytest.mark.parametrize("line, name, title", [
    ("Emma Leach - Headteacher", "Emma Leach", "Headteacher"),
    ("Naomi Walker (Deputy Headteacher)", "Naomi Walker", "Deputy Headteacher"),
    ("Hannah Badger, SENDCo", "Hannah Badger", "SENDCo"),
    ("**Ash Patil**", "Ash Patil", None),
])
def test_a_holder_line_gives_name_and_job_title(line, name, title):
    holder = split_holder(line)
    assert (holder.name, holder.title) == (name, title)


def test_a_label_without_value_takes_the_next_cell():
    facts = Facts()
    read_title_page([Block("paragraph", "Approval Date: October 2023\tReview Date: September 2024"),
                     Block("paragraph", "Approved by Governing body Name: Role:"),
                     Block("paragraph", "Sian Chrimes Chair of Governors")], facts)
    assert facts.title_rows == [("Approval Date", "October 2023"), ("Review Date", "September 2024"),
                                ("Approved by Governing body", "Sian Chrimes Chair of Governors")]
    assert facts.dates == {"ratified": "October 2023", "next_review": "September 2024",
                           "ratified_by": "Sian Chrimes Chair of Governors"}


def test_the_first_date_written_in_a_line_is_found():
    assert date_in("Date ratified: by FGB 3rd December 2023, reviewed May 2024") == "3 December 2023"
    assert date_in("Date 03.12.23") is None


def test_a_placeholder_reads_what_the_document_says_there():
    pattern = pattern_of("**Review date {{ dates.next_review }}**\n{: #exclusion.review-date }")
    readings = Readings()
    assert read_slots(pattern, "Review date: 28 November 2024", readings)
    assert readings.best("dates.next_review") == "28 November 2024"


def test_an_if_branch_in_the_document_tells_the_choice():
    pattern = pattern_of("all children.{% if not toolkit.delivered %} This will be delivered in the "
                         "{{ toolkit.when }}.{% endif %}")
    readings = Readings()
    assert read_slots(pattern, "all children. This will be delivered in the Spring Term 2024.", readings)
    assert readings.held("not toolkit.delivered") is True
    assert readings.best("toolkit.when") == "Spring Term 2024"


# --- departures ------------------------------------------------------------------------

def test_the_document_as_the_model_says_it_gives_no_rewording_of_role_lines():
    found = departures_of(WESTFIELD)
    assert "index.designated-teacher" not in found.get("replace", {})
    assert "planning.designated-teacher" not in found.get("replace", {})


def test_a_left_out_sentence_the_model_names_is_omitted_alone():
    found = departures_of(WESTFIELD)
    assert "intention.deaton-review" in found["omit"]
    assert "intention.most-vulnerable" not in found.get("replace", {})


def test_a_left_out_paragraph_is_omitted():
    paragraph = "Our aim is to establish a culture within the school that improves the well-being"
    text = "\n\n".join(p for p in WESTFIELD.split("\n\n") if not p.startswith(paragraph))
    assert "intention.well-being-culture" in departures_of(text)["omit"]


def test_the_schools_own_paragraph_is_added_after_the_passage_before_it():
    own = "At our school every child with a social worker meets their key adult each Monday morning."
    text = WESTFIELD.replace("Our aim is to establish a culture", own + "\n\nOur aim is to establish a culture", 1)
    added = departures_of(text)["add_after"]
    assert added["intention.relationship-based-ethos"] == own


def test_a_changed_word_replaces_the_passage_with_the_schools_wording():
    text = WESTFIELD.replace("Our aim is to establish a culture", "Our aim is to build a culture", 1)
    replaced = departures_of(text)["replace"]
    assert replaced["intention.well-being-culture"].startswith("Our aim is to build a culture")


def test_a_name_date_or_choice_is_never_said_by_a_replace():
    _, data, found, _ = imported(WESTFIELD)
    replaced = " ".join(str(d.text) for d in found.edits if d.kind == "replace")
    assert data["choices"]["toolkit_training"] == {"status": "planned", "when": "Spring Term 2024"}
    assert "Spring Term 2024" not in replaced and "Emma Leach" not in replaced


# --- the command -----------------------------------------------------------------------

def test_import_writes_a_valid_file_with_a_comment_over_each_departure(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    assert cli.main(["import", str(SEEDS / "westfield.txt"), "--slug", "westfield"]) == 0
    out = capsys.readouterr().out
    assert "found:\n  school name: Westfield Primary School and Nursery\n" in out
    assert "not placed: nothing (every paragraph of the document is in the file)" in out
    text = (tmp_path / "westfield.yml").read_text(encoding="utf-8")
    assert '    # "(See also the Virtual School \'Kinder by Design\' …"\n    impact.families:' in text
    assert "    # (left out) We also understand that this guidance is essential …\n    - intention.deaton-review\n" in text
    assert cli.main(["check", "westfield"]) == 0
    assert list(tmp_path.iterdir()) == [tmp_path / "westfield.yml"]


def test_import_never_overwrites_without_force(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    (tmp_path / "westfield.yml").write_text("# ours\n", encoding="utf-8")
    assert cli.main(["import", str(SEEDS / "westfield.txt"), "--slug", "westfield"]) == 1
    assert ("this school file already exists; nothing was written. Import with --force to replace it, "
            "or choose another name with --slug") in capsys.readouterr().err
    assert (tmp_path / "westfield.yml").read_text(encoding="utf-8") == "# ours\n"
    assert cli.main(["import", str(SEEDS / "westfield.txt"), "--slug", "westfield", "--force"]) == 0
    assert (tmp_path / "westfield.yml").read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_import_names_the_file_after_the_school(tmp_path):
    result = import_document(SEEDS / "hartsfield.txt", folder=tmp_path)
    assert result.path == tmp_path / "hartsfield-school.yml"


def _refused(tmp_path, name: str, content: bytes) -> str:
    source = tmp_path / name
    source.write_bytes(content)
    with pytest.raises(PolicyError) as error:
        import_document(source, slug="school", folder=tmp_path / "schools")
    assert not (tmp_path / "schools").exists()
    return str(error.value.problems[0])


def test_an_empty_file_is_refused(tmp_path):
    assert _refused(tmp_path, "policy.txt", b"\n \n").endswith("policy.txt: is empty; give the school's policy document")


def test_a_document_that_is_not_this_policy_is_refused(tmp_path):
    text = " ".join(["The quick brown fox jumps over the lazy dog and runs into the wood."] * 20)
    assert "does not look like an adaptation of the model policy (CSF4093 issue 12, August 2023): only" \
        in _refused(tmp_path, "fox.txt", text.encode())


def test_a_policy_in_another_language_is_refused(tmp_path):
    text = " ".join(["Nous veillons à ce que chaque enfant pris en charge reçoive le soutien dont il a besoin."] * 10)
    assert _refused(tmp_path, "politique.txt", text.encode()).endswith(
        "does not read as English; the model policy is in English, so import the school's English policy "
        "(a translation can be added later)")


def test_a_damaged_word_document_is_refused(tmp_path):
    assert "is not a readable Word document" in _refused(tmp_path, "policy.docx", b"PK\x03\x04 broken" * 50)


def test_a_word_document_without_its_text_part_is_refused(tmp_path):
    source = tmp_path / "made.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    assert "is not a readable Word document (no word/document.xml)" in _refused(tmp_path, "policy.docx", source.read_bytes())


def test_a_password_protected_word_document_is_refused(tmp_path):
    # Word saves an encrypted .docx as an OLE compound file, not a zip.
    message = _refused(tmp_path, "policy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    assert "is protected with a password (or is an old-style .doc)" in message


def test_a_fifty_megabyte_file_is_refused_before_reading(tmp_path):
    source = tmp_path / "huge.docx"
    with open(source, "wb") as out:
        out.truncate(50 * 1024 * 1024)
    with pytest.raises(PolicyError) as error:
        import_document(source, slug="school", folder=tmp_path / "schools")
    assert "is 50.0 MB, more than a policy document's 20 MB" in str(error.value.problems[0])


def test_a_pdf_is_refused_with_what_to_give_instead(tmp_path):
    assert "cannot read .pdf files; give a Word document (.docx)" in _refused(tmp_path, "policy.pdf", b"%PDF-1.7")


def test_a_refusal_is_one_error_line_at_the_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path / "schools"))
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert cli.main(["import", str(tmp_path / "empty.txt")]) == 1
    assert capsys.readouterr().err == f"error: {tmp_path / 'empty.txt'}: is empty; give the school's policy document\n"


def test_a_yaml_word_is_quoted_so_it_stays_text():
    assert scalar("no") == "'no'" and scalar("Emma Leach") == "Emma Leach"
    assert yaml.safe_load(f"x: {scalar('a: b # c')}")["x"] == "a: b # c"


# --- passage names ---------------------------------------------------------------------

def test_passages_lists_names_with_the_first_words_of_their_text():
    lines = passage_listing(load_model(), find="Deaton")
    assert any(line.startswith("intention.deaton-review") and "We also understand that this guidance" in line
               for line in lines)


def test_passages_of_a_section_are_only_that_sections():
    lines = passage_listing(load_model(), "contacts")
    assert lines and all(line.startswith("contacts") for line in lines)


def test_passages_marks_a_list_only_the_school_fills(capsys):
    assert cli.main(["passages", "exclusion", "--find", "avoid suspending"]) == 0
    assert "exclusion.avoid-methods" in capsys.readouterr().out
    assert "(a list only the school fills: use fill)" in "\n".join(passage_listing(load_model(), "exclusion"))


def test_passages_of_an_unknown_section_says_which_exist(capsys):
    assert cli.main(["passages", "exclusions"]) == 1
    assert capsys.readouterr().err.startswith("error: policy passages: there is no section 'exclusions'; "
                                              "sections are: index, intention")


# --- the model's wording for a school's choices ----------------------------------------

def _rendered(choices: dict) -> dict[str, str]:
    from macros.importing.expected import render_sections
    from macros.school.schema import School

    school = School.model_validate({
        "school": {"name": "Brook Lane Primary School"},
        "roles": {"designated_teacher": [{"name": "Amira Khan", "title": "Deputy Headteacher"}],
                  "designated_governor": [{"name": "Dev Patel"}], "safeguarding_lead": [{"name": "Lou Grant"}]},
        "dates": {"ratified": "September 2025", "next_review": "Autumn 2026"}, "choices": choices})
    return render_sections(school, load_model())


def test_a_therapeutic_thinking_school_is_never_told_about_steps():
    page = _rendered({"behaviour_approach": "therapeutic-thinking"})["behaviour-approach"]
    assert "The Therapeutic Thinking approach forms part of the authority's behaviour strategy" in page
    assert "The Therapeutic Thinking approach is based on the following principles" in page
    assert "Steps" not in page and "steps@" not in page


def test_a_steps_school_keeps_the_steps_wording_and_contact():
    page = _rendered({"behaviour_approach": "hertfordshire-steps"})["behaviour-approach"]
    assert "The Steps approach forms part" in page and "steps@hertfordshire.gov.uk" in page


def test_a_name_only_school_names_the_designated_teacher_without_title():
    heading = next(line for line in _rendered({"titles_in_text": False})["planning"].split("\n")
                   if "is a Statutory Post" in line)
    assert "this academic year is Amira Khan. {: #planning.designated-teacher }" in heading


def test_the_title_is_named_in_sentences_by_default():
    assert "this academic year is Amira Khan, Deputy Headteacher." in _rendered({})["planning"]


def test_import_chooses_the_name_only_form_when_the_document_names_without_title():
    text = WESTFIELD.replace("this academic year is Emma Leach, Headteacher", "this academic year is Emma Leach")
    _, data, found, _ = school_from_document(markdown_blocks(text), load_model(), "test")
    assert data["choices"]["titles_in_text"] is False
    assert "planning.designated-teacher" not in {d.passage for d in found.edits}


def test_import_keeps_titles_in_sentences_when_the_document_gives_them():
    _, data, _, _ = imported(WESTFIELD)
    assert "titles_in_text" not in data["choices"]


def test_a_role_written_as_label_and_name_is_read():
    from macros.importing.extract import find_roles

    facts = Facts()
    find_roles([Block("paragraph", "Designated Teacher: Jane Smith, Deputy Head"),
                Block("paragraph", "Designated Safeguarding Lead"), Block("paragraph", "Omar Reid")],
               load_model(), facts)
    assert [(h.name, h.title) for h in facts.roles["designated_teacher"]] == [("Jane Smith", "Deputy Head")]
    assert [(h.name, h.title) for h in facts.roles["safeguarding_lead"]] == [("Omar Reid", None)]
    assert facts.unsure == ["no designated governor is named in the document: the file says the role is "
                            "vacant; write the name under roles.designated_governor"]


def test_dates_on_a_last_page_are_read_when_the_title_page_has_none():
    from macros.importing.extract import rows_anywhere

    facts = Facts()
    rows_anywhere([Block("paragraph", "We will review this policy every year."),
                   Block("paragraph", "Date ratified by governors: 4 March 2024"),
                   Block("paragraph", "Next review date: March 2025")], facts)
    assert facts.dates == {"ratified": "4 March 2024", "next_review": "March 2025"}


def test_a_passage_kept_only_in_part_is_reworded_and_reported_as_unsure():
    whole = ("Our aim is to establish a culture within the school that improves the well-being of both staff and "
             "pupils through an informed understanding of the inter-relationship between learning, well-being and "
             "safeguarding.")
    text = WESTFIELD.replace(whole, "Our aim is to establish a culture within the school that improves the well-being.")
    _, _, found, _ = school_from_document(markdown_blocks(text), load_model(), "test")
    assert any(d.kind == "replace" and d.passage == "intention.well-being-culture" for d in found.edits)
    assert found.far_reworded["intention.well-being-culture"].startswith(
        "intention.well-being-culture is reworded so far (it keeps 44% of the model's words)")


def test_a_rewording_inside_a_named_sentence_replaces_only_that_sentence():
    text = WESTFIELD.replace("We understand the need for annual whole school staff training",
                             "We understand the need for termly whole school staff training", 1)
    replaced = departures_of(text)["replace"]
    assert "intention.vital-role" not in replaced
    assert replaced["intention.annual-staff-training"].startswith(
        "We understand the need for termly whole school staff training on trauma-informed")


def test_a_centre_is_read_from_how_often_the_document_says_centre():
    text = WESTFIELD.replace("our school", "our Centre").replace("this school", "this Centre").replace(
        "the school", "the Centre").replace("school", "Centre")
    facts, data, _, _ = imported(text)
    assert data["school"]["setting"] == "centre"


def test_title_page_lines_run_together_are_read_as_rows():
    facts = Facts()
    read_title_page(html_blocks("<p>Approved by the Full Governing Body: 4 March 2025 Next review: Spring 2026</p>"
                                "<p>Reviewed: May 2025<br>Version: 2025-26</p>"), facts)
    assert facts.title_rows == [("Approved by the Full Governing Body", "4 March 2025"),
                                ("Next review", "Spring 2026"), ("Reviewed", "May 2025"), ("Version", "2025-26")]
