"""Squeezing pages (macros/output_hooks.py) takes out only whitespace nobody sees or hears: the
text of every link and button, its name when it has no label, stays the same apart from how
much whitespace it holds. Tested on the theme's own output, every page of a school before and
after squeezing (tests/hooks/keep_unsqueezed.py keeps the page as the theme wrote it)."""
from __future__ import annotations

from bs4 import BeautifulSoup

from macros.build.builder import build_many
from macros.mkdocs_glue.output_hooks import squeeze_html

CONTROLS = ["a", "button", "label", "summary"]


def _control_texts(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [" ".join(element.get_text().split()) for element in soup.find_all(CONTROLS)]


def test_squeezing_keeps_the_words_and_spaces_of_every_link_and_button(tmp_path, config_with_hook):
    config = config_with_hook("keep_unsqueezed.py")
    result = build_many(["westfield"], tmp_path, jobs=1, config_file=config)[0]
    assert result.ok, result.message
    site = tmp_path / "westfield"
    raw_pages = sorted((site / ".unsqueezed").rglob("*.html"))
    assert len(raw_pages) >= 15
    compared = 0
    for raw in raw_pages:
        relative = raw.relative_to(site / ".unsqueezed")
        before = _control_texts(raw.read_text(encoding="utf-8"))
        after = _control_texts((site / relative).read_text(encoding="utf-8"))
        assert after == before, f"{relative}: " + "; ".join(
            f"{b!r} became {a!r}" for b, a in zip(before, after) if a != b)
        compared += len(before)
    assert compared > 300


def test_the_footer_links_read_next_or_previous_then_the_page_s_title(seed_sites):
    soup = BeautifulSoup((seed_sites / "westfield" / "whos-who" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    texts = [link.get_text() for link in soup.select("a.md-footer__link")]
    assert texts == ["Previous Title page", "Next Intention"]
    labels = [link["aria-label"] for link in soup.select("a.md-footer__link")]
    assert labels == ["Previous: Title page", "Next: Intention"]


def test_squeezing_keeps_a_space_between_an_inline_label_and_the_block_after_it():
    page = ('<a class="md-footer__link"><div class="md-footer__title">\n<span class="md-footer__direction">\n'
            'Next\n</span>\n<div class="md-ellipsis">\nSafeguarding\n</div>\n</div>\n</a>')
    assert BeautifulSoup(squeeze_html(page), "html.parser").a.get_text() == "Next Safeguarding"
