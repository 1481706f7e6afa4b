"""The model's Markdown as plain words (macros/model/plain_text.py): one set of rules for the
differences page, the editor's passage descriptions and the importer."""
from macros.model.plain_text import links_as_text, plain_words, without_markup


def test_a_link_reads_as_its_text_also_when_its_address_holds_brackets():
    text = "See [the guidance (2024)](https://example.org/guide_(2024)) now."
    assert plain_words(text) == "See the guidance (2024) now."


def test_a_reference_link_reads_as_its_text():
    assert plain_words("Ask the [virtual school head][vsh] first.") == "Ask the virtual school head first."


def test_attribute_lists_and_emphasis_are_left_out():
    assert plain_words("**Children** with a _social worker_ {: #who }") == "Children with a social worker"


def test_placeholders_are_filled_from_the_words_given_or_shown_as_an_ellipsis():
    text = "{{ school.name }} is led by {{ holders('head') }}."
    assert plain_words(text, {"school.name": "Westfield"}) == "Westfield is led by …."


def test_template_tags_and_comments_are_left_out():
    assert plain_words("{% if school.phase %}Primary{% endif %} {# note #}school") == "Primary school"


def test_list_markers_and_heading_marks_go_but_line_breaks_stay_without_markup():
    assert without_markup("## Who\n- one\n2. two") == "Who\none\ntwo"


def test_links_as_text_keeps_the_other_markup():
    assert links_as_text("**See** [the list](list.md){: .x }") == "**See** the list"
