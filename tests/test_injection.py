"""A school file is data: hostile text in every free-text field renders as inert text.

One site is built from a school file whose every free-text field holds hostile values; the
built HTML is parsed (not grepped) and checked for script, event handlers and javascript: links.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from macros import cli
from macros.build.builder import build_school
from macros.errors import PolicyError
from macros.school.loader import load_school

# Plain-text fields hold these exactly as written; each carries a tag so we can find it.
HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '{: onclick="alert(1)" }',
    '" onmouseover="alert(1)" x="',
    "<a href='javascript:alert(1)'>link</a>",
    "<svg/onload=alert(1)>",
    "*emph* `code` &amp; &lt;b&gt; \\[",
]
# Markdown fields (added, reworded, filled text and sections) may not hold javascript: links
# (refused, see test_errors) but may hold everything else.
HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '{: onclick="alert(1)" }',
    "<a href='javascript:alert(1)'>link</a>",
    "<iframe src=javascript:alert(1)></iframe>",
    '<div markdown="1" onclick="alert(1)">x</div>',
    "<javascript:alert(1)>",
    # Reference definitions are page-wide, may hide in a list item, and take any address.
    "Click [ev2][] here.\n\n- item\n\n    [ev2]: javascript:alert(2)",
    "> [ev4]: javascript:alert(4)\n\n[ev4][]",
]


def plain_value(n: int) -> str:
    return f"P{n} {HOSTILE[n % len(HOSTILE)]}"


def markdown_value(n: int) -> str:
    return f"M{n} {HOSTILE_MARKDOWN[n % len(HOSTILE_MARKDOWN)]}"


def hostile_school() -> tuple[dict, list[str]]:
    """A valid school file with hostile text in every free-text field, and those plain values."""
    counter = iter(range(1000))
    plain: list[str] = []

    def p() -> str:
        value = plain_value(next(counter))
        plain.append(value)
        return value

    def hidden() -> str:  # a field the site does not show here (ratified_by: the rows are the school's own)
        return plain_value(next(counter))

    def m() -> str:
        return markdown_value(next(counter))

    school = {
        "version": "2024-25",
        "model_reviewed": 12,
        "school": {"name": p(), "short_name": p(), "phone": p(), "email": "office@example.org"},
        "roles": {
            "designated_teacher": [{"name": p(), "title": p()}, {"name": p()}],
            "designated_governor": {"vacant": True, "contact": p()},
            "safeguarding_lead": [{"name": p(), "title": p()}],
        },
        "dates": {"ratified": "September 2024", "ratified_by": hidden(), "next_review": "Autumn 2030"},
        "choices": {
            "behaviour_approach": "therapeutic-thinking",
            "behaviour_contact": {"phone": p(), "email": "tt@example.org"},
            "toolkit_training": {"status": "planned", "when": p()},
            "alternative_provision_full_time": p(),
        },
        "title_page": {"title": p(), "subtitle": p(), "rows": [{"label": p(), "value": p()}]},
        "passages": {
            "add_after": {"impact.families": m(), "exclusion.alternative-options": [m(), m()],
                          "impact.safe-environment": [m()]},
            "replace": {"exclusion.minimum-days-out": m(), "intention.deaton-review": m(),
                        "planning.dt-reporting": m()},
            "fill": {"exclusion.avoid-methods": [m(), m(), m()]},
        },
        "sections": {"safeguarding": "## Our own\n\n" + m() + "\n\n" + m()},
    }
    return school, plain


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("inject")
    (root / "schools").mkdir()
    data, plain = hostile_school()
    (root / "schools" / "hostile.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_SCHOOLS_DIR", str(root / "schools"))
        out = build_school("hostile", root / "out")
    pages = {path: BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
             for path in out.rglob("*.html")}
    return out, pages, plain


def assert_inert(soup: BeautifulSoup, where: str) -> None:
    for script in soup.find_all("script"):
        assert "alert" not in script.get_text(), f"{where}: a script from the school file"
    for element in soup.find_all(True):
        for attribute, value in element.attrs.items():
            assert not attribute.lower().startswith("on"), f"{where}: <{element.name} {attribute}=…>"
            values = value if isinstance(value, list) else [value]
            for v in values:
                squashed = re.sub(r"\s", "", str(v)).lower()
                assert not squashed.startswith(("javascript:", "vbscript:", "data:text")), \
                    f"{where}: <{element.name} {attribute}={v!r}>"
    for tag in ("svg", "iframe", "object", "embed"):
        for element in soup.find_all(tag):
            assert "alert" not in str(element), f"{where}: <{tag}> from the school file"
    assert soup.find("img", src="x") is None, f"{where}: an <img> from the school file"


def test_the_hostile_file_is_valid(site):
    out, pages, _ = site
    assert (out / "print" / "index.html") in pages


def test_no_page_carries_script_handlers_or_javascript_links(site):
    _, pages, _ = site
    assert len(pages) > 10
    for path, soup in pages.items():
        assert_inert(soup, str(path))


def normal(text: str) -> str:
    return " ".join(text.split())


def test_plain_values_appear_literally(site):
    out, pages, plain = site
    text = normal(pages[out / "print" / "index.html"].select_one("article").get_text(" "))
    title = normal(pages[out / "index.html"].get_text(" "))
    all_text = text + " " + title + " " + normal(pages[out / "behaviour-approach" / "index.html"].get_text(" "))
    missing = [value for value in plain if normal(value) not in all_text]
    assert missing == [], missing


def test_markdown_values_render_as_text(site):
    out, pages, _ = site
    text = normal(pages[out / "print" / "index.html"].select_one("article").get_text(" "))
    for literal in ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '{: onclick="alert(1)" }',
                    "<a href='javascript:alert(1)'>link</a>"):
        assert literal in text, literal


def test_the_site_name_and_title_are_escaped(site):
    out, pages, plain = site
    soup = pages[out / "index.html"]
    assert soup.title is not None and "<script>" in soup.title.get_text()
    assert_inert(soup, "index.html")


@pytest.mark.parametrize("field, value", [
    ("school.name", "{{ config }}"), ("school.short_name", "{% include 'mkdocs.yml' %}"),
    ("roles.designated_teacher", [{"name": "{# comment #}"}]), ("dates.ratified_by", "{{ 7*7 }}"),
    ("title_page.title", "{{ config.site_dir }}"), ("passages.replace", {"impact.families": "{{ school }}"}),
    ("sections", {"safeguarding": "{% raw %}x{% endraw %}"}),
])
def test_template_syntax_is_refused_with_a_clear_message(tmp_path, capsys, monkeypatch, field, value):
    data, _ = hostile_school()
    node = data
    *parents, last = field.split(".")
    for part in parents:
        node = node[part]
    node[last] = value
    (tmp_path / "tpl.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    with pytest.raises(PolicyError) as error:
        load_school(tmp_path / "tpl.yml")
    assert any("remove the curly-brace template markers ({{ }}, {% %}, {# #}); school files hold plain "
               "text only" == p.message for p in error.value.problems)
    assert cli.main(["check", "tpl"]) == 1
    assert "school files hold plain text only" in capsys.readouterr().err


def test_a_page_that_would_link_to_code_fails_the_build_whatever_the_markdown_trick():
    """The last line of defence: the rendered page itself is checked, real tags only."""
    from types import SimpleNamespace

    from mkdocs.structure.files import File

    from macros.mkdocs_glue.section_hooks import on_page_content

    page = SimpleNamespace(file=File("intention.md", "docs", "site", use_directory_urls=True))
    text_only = "<p>&lt;a href='javascript:alert(1)'&gt;link&lt;/a&gt;</p>"
    assert on_page_content(text_only, page, None, None) == text_only
    with pytest.raises(PolicyError, match="the page intention.md would link to 'JaVaScRiPt:alert"):
        on_page_content('<a href="JaVaScRiPt&#58;alert(1)">x</a>', page, None, None)
