"""Squeezing pages (macros/mkdocs_glue/output_hooks.py) and joining the print page's headings
(print_page.py): known input, exact output."""
from __future__ import annotations

import pytest

from macros.mkdocs_glue.output_hooks import empty_sitemap, pruned, squeeze_html, trim_page
from macros.mkdocs_glue.print_page import demote_html_headings, unique_id


@pytest.mark.parametrize("page, squeezed", [
    # Indentation and the line breaks next to block tags go; one break stays between words.
    ("<div>\n    <p>\n      Hello\n      world\n    </p>\n</div>\n", "<div><p>Hello\nworld</p></div>"),
    # Whitespace inside <pre>, <script> (and <textarea>, <style>) is kept as it is.
    ("<pre>\n  a\n   b\n</pre>\n<p>\n x\n</p>", "<pre>\n  a\n   b\n</pre><p>x</p>"),
    ("<script>\n  var a = 1;\n    var b;\n</script>", "<script>\n  var a = 1;\n    var b;\n</script>"),
    # Comments go, old Internet Explorer's conditional comments stay.
    ("<p>a<!-- note --> b</p><!--[if IE]>x<![endif]-->", "<p>a b</p><!--[if IE]>x<![endif]-->"),
    # In <head> no whitespace between tags is shown.
    ('<html>\n<head>\n  <meta charset="utf-8">\n  <title>\n T\n </title>\n</head>\n<body>\n<p>x</p>\n</body>\n</html>',
     '<html><head><meta charset="utf-8"><title>\nT\n</title></head><body><p>x</p></body></html>'),
    # Between inline elements a space can show: the line break stays.
    ("<p>a <em>b</em>\n<strong>c</strong></p>", "<p>a <em>b</em>\n<strong>c</strong></p>"),
    # material's one-line labels and navigation links are flex boxes: no whitespace shows in them.
    ('<span class="md-ellipsis">\n      Title\n    </span>', '<span class="md-ellipsis">Title</span>'),
    ('<a href="x" class="md-nav__link">\n  <span class="md-ellipsis">\n    T\n  </span>\n'
     '  <span class="md-nav__icon md-icon"></span>\n</a>',
     '<a href="x" class="md-nav__link"><span class="md-ellipsis">T</span><span class="md-nav__icon md-icon"></span></a>'),
])
def test_squeezing_keeps_what_a_reader_sees(page, squeezed):
    assert squeeze_html(page) == squeezed


def test_trimming_drops_the_generator_the_logos_second_label_and_inline_icons_the_stylesheet_draws():
    page = ('<head>\n<meta name="generator" content="mkdocs-1.6.1, mkdocs-material-9.8.1">\n<title>T</title>\n'
            '</head>\n<a href="." title="School: Policy" class="md-header__button md-logo" '
            'aria-label="School: Policy" data-md-component="logo"><svg viewBox="0 0 24 24"><path d="M1"/></svg></a>')
    swaps = {'<svg viewBox="0 0 24 24"><path d="M1"/></svg>': '<svg class="pi-x"></svg>'}
    assert trim_page(page, swaps) == ('<head><title>T</title></head><a href="." title="School: Policy" '
                                      'class="md-header__button md-logo" data-md-component="logo">'
                                      '<svg class="pi-x"></svg></a>')


def test_a_logo_label_that_differs_from_its_title_stays():
    page = '<a href="." title="A" class="md-header__button md-logo" aria-label="B">x</a>'
    assert trim_page(page, {}) == page


@pytest.mark.parametrize("path, left_out", [
    ("assets/javascripts/bundle.a5f9d56c.min.js.map", True), ("assets/javascripts/lunr/min/lunr.de.min.js", True),
    ("assets/javascripts/bundle.a5f9d56c.min.js", False), ("assets/javascripts/lunrx.js", False),
])
def test_theme_files_a_reader_never_needs_are_left_out(path, left_out):
    assert pruned(path) is left_out


def test_a_sitemap_is_empty_when_it_lists_no_page():
    assert empty_sitemap('<?xml version="1.0"?>\n<urlset xmlns="x">\n</urlset>')
    assert not empty_sitemap("<urlset><url><loc>https://s.example/</loc></url></urlset>")


def test_headings_go_one_level_down_and_h6_stays():
    assert demote_html_headings('<h1 id="a">A</h1><h5>E</h5><h6>F</h6><hr><header>') == \
        '<h2 id="a">A</h2><h6>E</h6><h6>F</h6><hr><header>'


@pytest.mark.parametrize("wanted, used, given", [
    ("deep", set(), "deep"), ("deep", {"deep"}, "deep_1"), ("deep", {"deep", "deep_1"}, "deep_2"),
    ("x_1", {"x_1", "x_2"}, "x_3"),
])
def test_a_repeated_heading_id_gets_the_toc_extensions_next_number(wanted, used, given):
    assert unique_id(wanted, used) == given
