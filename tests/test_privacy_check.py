"""Nothing from another host reaches a reader's browser: the check on every page's final HTML.

The unit layer reads known HTML (macros/mkdocs_glue/privacy.py). The build layer puts hostile
text where it can come from, the school file, the model text in docs/ and the templates in
overrides/, builds for real, and checks what the user is told and what the pages hold, with
BeautifulSoup (not with the checker under test).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from macros.build.builder import build_school
from macros.errors import PolicyError
from macros.mkdocs_glue.privacy import CODE, FOREIGN, Finding, classify, css_addresses, findings
from macros.model.model import load_model
from macros.paths import SCHOOLS_DIR
from macros.school.loader import load_school

EVIL = "evil.example"


# --- reading HTML as a browser does ------------------------------------------------------------

@pytest.mark.parametrize("html, expected", [
    ('<img src="https://evil.example/a.png">', [(FOREIGN, "img", "src", "https://evil.example/a.png")]),
    ("<IMG SRC=//evil.example/a.png>", [(FOREIGN, "img", "src", "//evil.example/a.png")]),
    ('<img alt=">" src="https://evil.example/a.png">', [(FOREIGN, "img", "src", "https://evil.example/a.png")]),
    ("<img\nsrc\n=\n'https://evil.example/a.png'>", [(FOREIGN, "img", "src", "https://evil.example/a.png")]),
    ('<img src="&#104;ttps://evil.example/a.png">', [(FOREIGN, "img", "src", "https://evil.example/a.png")]),
    ('<img src=" \t https://evil.example/a.png">', [(FOREIGN, "img", "src", " \t https://evil.example/a.png")]),
    ('<img src="ht\ttps://evil.example/a.png">', [(FOREIGN, "img", "src", "ht\ttps://evil.example/a.png")]),
    ('<img src="\\\\evil.example/a.png">', [(FOREIGN, "img", "src", "\\\\evil.example/a.png")]),
    ('<img src="/\\evil.example/a.png">', [(FOREIGN, "img", "src", "/\\evil.example/a.png")]),
    ('<img src="a.png" srcset="b.png 1x, https://evil.example/c.png 2x">',
     [(FOREIGN, "img", "srcset", "https://evil.example/c.png")]),
    ('<picture><source srcset="https://evil.example/a.webp"></picture>',
     [(FOREIGN, "source", "srcset", "https://evil.example/a.webp")]),
    ('<video poster="https://evil.example/p.jpg"><track src="https://evil.example/t.vtt"></video>',
     [(FOREIGN, "video", "poster", "https://evil.example/p.jpg"), (FOREIGN, "track", "src", "https://evil.example/t.vtt")]),
    ('<audio src="https://evil.example/a.mp3"></audio>', [(FOREIGN, "audio", "src", "https://evil.example/a.mp3")]),
    ('<iframe src="https://evil.example/"></iframe>', [(FOREIGN, "iframe", "src", "https://evil.example/")]),
    ('<object data="https://evil.example/a.pdf"></object>', [(FOREIGN, "object", "data", "https://evil.example/a.pdf")]),
    ('<embed src="https://evil.example/a.swf">', [(FOREIGN, "embed", "src", "https://evil.example/a.swf")]),
    ('<link rel="stylesheet" href="https://evil.example/a.css">', [(FOREIGN, "link", "href", "https://evil.example/a.css")]),
    ('<link rel="icon" href="https://evil.example/i.png">', [(FOREIGN, "link", "href", "https://evil.example/i.png")]),
    ('<link rel="preconnect" href="https://evil.example">', [(FOREIGN, "link", "href", "https://evil.example")]),
    ('<link rel="modulepreload" href="https://evil.example/m.js">', [(FOREIGN, "link", "href", "https://evil.example/m.js")]),
    ('<link rel="manifest" href="https://evil.example/m.json">', [(FOREIGN, "link", "href", "https://evil.example/m.json")]),
    ('<link rel="canonical" href="https://evil.example/page">', []),
    ('<link rel="alternate" hreflang="cy" href="https://evil.example/cy/">', []),
    ('<script src="https://evil.example/a.js"></script>', [(FOREIGN, "script", "src", "https://evil.example/a.js")]),
    ('<div style="background: u\\72 l(https://evil.example/a.png)">', [(FOREIGN, "div", "style", "https://evil.example/a.png")]),
    ("<p style='background-image:url( \"//evil.example/a.png\" )'>", [(FOREIGN, "p", "style", "//evil.example/a.png")]),
    ('<style>@import "https://evil.example/a.css";</style>', [(FOREIGN, "style", "", "https://evil.example/a.css")]),
    ("<style>p{background:url(https://evil.example/a.png)}</style>", [(FOREIGN, "style", "", "https://evil.example/a.png")]),
    ('<meta http-equiv="refresh" content="0; url=https://evil.example/">', [(FOREIGN, "meta", "content", "https://evil.example/")]),
    ('<form action="https://evil.example/f"><button formaction="https://evil.example/g">Go</button></form>',
     [(FOREIGN, "form", "action", "https://evil.example/f"), (FOREIGN, "button", "formaction", "https://evil.example/g")]),
    ('<input type="image" src="https://evil.example/b.png">', [(FOREIGN, "input", "src", "https://evil.example/b.png")]),
    ('<body background="https://evil.example/b.png">', [(FOREIGN, "body", "background", "https://evil.example/b.png")]),
    ('<svg><image href="https://evil.example/a.png"/></svg>', [(FOREIGN, "image", "href", "https://evil.example/a.png")]),
    ('<svg><use xlink:href="https://evil.example/s.svg#i"/></svg>', [(FOREIGN, "use", "xlink:href", "https://evil.example/s.svg#i")]),
    ('<svg><style>@import "https://evil.example/a.css";</style></svg>', [(FOREIGN, "style", "", "https://evil.example/a.css")]),
    ('<svg><script><img src="https://evil.example/a.png"></script></svg>', [(FOREIGN, "img", "src", "https://evil.example/a.png")]),
    ('<a href="https://ok.example/" ping="https://evil.example/p">x</a>', [(FOREIGN, "a", "ping", "https://evil.example/p")]),
    ('<base href="https://evil.example/">', [(FOREIGN, "base", "href", "https://evil.example/")]),
    ('<iframe srcdoc="&lt;img src=https://evil.example/a.png&gt;"></iframe>', [(FOREIGN, "img", "src", "https://evil.example/a.png")]),
    ('<img src="data:image/png;base64,AAAA">', [(CODE, "img", "src", "data:image/png;base64,AAAA")]),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', [(CODE, "a", "href", "JaVaScRiPt:alert(1)")]),
    ('<a href="  vbscript:x">x</a>', [(CODE, "a", "href", "  vbscript:x")]),
    ('<a href="data:text/html,x">x</a>', [(CODE, "a", "href", "data:text/html,x")]),
    ('<form action="javascript:x">', [(CODE, "form", "action", "javascript:x")]),
])
def test_a_fetch_from_another_host_or_a_link_that_runs_code_is_found(html, expected):
    assert findings(html) == [Finding(*e) for e in expected]


@pytest.mark.parametrize("html", [
    '<a href="https://www.gov.uk/guidance">Guidance</a>',
    '<a href="mailto:office@school.example">Email</a> <a href="tel:01234">Call</a>',
    '<img src="../assets/logo.png" srcset="a.png 1x, b.png 2x"><script src="../assets/x.js"></script>',
    '<link rel="stylesheet" href="/assets/site.css"><img src="">',
    '<!-- <img src="https://evil.example/a.png"> -->',
    "<script>var s = '<img src=https://evil.example/a.png>'</script>",
    "<p>&lt;img src=https://evil.example/a.png&gt;</p>",
    '<p title="<img src=https://evil.example/a.png>">text</p>',
    '<textarea>plain</textarea><p data-x="https://evil.example/">x</p>',
    '<style>p { font-family: "Roboto" }</style>',
])
def test_links_local_addresses_comments_and_text_are_allowed(html):
    assert findings(html) == []


def test_an_unclosed_comment_hides_nothing_the_browser_would_see():
    assert findings("<!-- open\n<img src=https://evil.example/a.png>") == []
    assert findings("<p>a<!-->b<img src=https://evil.example/a.png>") == [
        Finding(FOREIGN, "img", "src", "https://evil.example/a.png")]


def test_a_quoted_attribute_value_ends_a_tag_where_a_browser_ends_it():
    """The value `<i a='` holds a `'`: a reader that did not follow quotes would read the next
    tag as part of a fake one."""
    page = """<x title="<i a='">\n<img src="https://evil.example/a.png">\n'>"""
    assert findings(page) == [Finding(FOREIGN, "img", "src", "https://evil.example/a.png")]


@pytest.mark.parametrize("address, kind", [
    ("https://evil.example/", FOREIGN), ("//evil.example/", FOREIGN), ("\\\\evil.example/", FOREIGN),
    ("HTTP://evil.example/", FOREIGN), ("ftp://evil.example/", FOREIGN), ("\x01https://evil.example", FOREIGN),
    ("javascript:x", CODE), ("java\nscript:x", CODE), ("data:,x", CODE),
    ("page.html", None), ("../assets/a.png", None), ("/assets/a.png", None), ("#top", None),
    ("a/b:c", None), ("", None),
])
def test_an_address_is_local_foreign_or_code(address, kind):
    assert classify(address) == kind


def test_css_addresses_are_read_through_escapes_and_comments():
    css = "a{background:/* x */u\\72l('https://evil.example/1')} @import \"//evil.example/2\";"
    assert css_addresses(css) == ["https://evil.example/1", "//evil.example/2"]


# --- through real builds ----------------------------------------------------------------------

def _foreign_in_pages(site: Path) -> list[str]:
    """Every place a page mentions the hostile host other than as a link's address or as text."""
    found = []
    for path in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(True):
            for name, value in element.attrs.items():
                text = " ".join(value) if isinstance(value, list) else str(value)
                if EVIL in text and not (element.name in ("a", "area") and name == "href"):
                    found.append(f"{path.relative_to(site)}: <{element.name} {name}={text!r}>")
        for style in soup.find_all("style"):
            if EVIL in style.get_text():
                found.append(f"{path.relative_to(site)}: <style>")
    return found


# Hostile Markdown in a school's own text, each with its own address.
SCHOOL_VARIANTS = [
    "A picture ![x\\]](https://evil.example/{n}.png) here.",
    "![x](https://evil.example/{n}.png)",
    "![x\\]\\](https://evil.example/{n}.png)",
    "![x\\[y](https://evil.example/{n}.png)",
    "![`]`](https://evil.example/{n}.png)",
    "![x\\]](https://evil.example/{n}.png \"a title\")",
    "[![x\\]](https://evil.example/{n}.png)](https://ok.example/)",
    "![x\\]](HTTPS://EVIL.EXAMPLE/{n}.png)",
    "![x\\]](//evil.example/{n}.png)",
    "![x](<https://evil.example/{n}.png>)",
    "![x\\]][r{n}]\n\n[r{n}]: https://evil.example/{n}.png",
    "![x&#93;](https://evil.example/{n}.png)",
    "!\\[x](https://evil.example/{n}.png)",
    "<img src=https://evil.example/{n}.png>",
    "<https://evil.example/{n}.png>",
    "- ![x\\]](https://evil.example/{n}.png)",
    "> ![x\\]](https://evil.example/{n}.png)",
    "*![x\\]](https://evil.example/{n}.png)*",
    "![x\\\\\\]](https://evil.example/{n}.png)",
    "[link](https://evil.example/{n}.html)",
]


def _base_school() -> dict:
    return yaml.safe_load((SCHOOLS_DIR / "st-josephs.yml").read_text(encoding="utf-8"))


def _free_passages(count: int) -> list[str]:
    """Paragraph passages the base school does not edit, for one hostile text each."""
    edited = set(_base_school().get("passages", {}).get("add_after", {}))
    names = [p.id for p in load_model().passages.values() if p.kind == "paragraph" and p.id not in edited]
    assert len(names) >= count
    return names[:count]


@pytest.fixture(scope="module")
def hostile_outcomes(tmp_path_factory):
    """Every school variant, each after its own passage, built for real: the fields the loader
    refused, the build's problems, and the site built from the variants left (which must hold
    nothing from another host)."""
    root = tmp_path_factory.mktemp("hostile")
    schools = root / "schools"
    schools.mkdir()
    passages = _free_passages(len(SCHOOL_VARIANTS))
    fields = {f"passages.add_after.{name}": variant.format(n=n)
              for n, (name, variant) in enumerate(zip(passages, SCHOOL_VARIANTS))}

    def write(chosen: dict) -> Path:
        data = _base_school()
        data.setdefault("passages", {}).setdefault("add_after", {}).update(
            {field.split(".", 2)[2]: text for field, text in chosen.items()})
        path = schools / "hostile.yml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICY_SCHOOLS_DIR", str(schools))
        patch.chdir(root)
        try:
            load_school(write(fields))
            refused = {}
        except PolicyError as error:
            refused = {p.field: p for p in error.problems}
        left = {f: t for f, t in fields.items() if f not in refused}
        write(left)
        try:
            build_school("hostile", root / "out")
            caught = {}
        except PolicyError as error:
            caught = {p.field: p for p in error.problems}
        inert = {f: t for f, t in left.items() if f not in caught}
        write(inert)
        site = build_school("hostile", root / "inert")
    return fields, refused, caught, inert, site


def test_every_hostile_school_text_is_refused_caught_or_inert(hostile_outcomes):
    fields, refused, caught, inert, site = hostile_outcomes
    print(f"\n{len(fields)} variants: {len(refused)} refused by the loader, {len(caught)} caught in the "
          f"built pages, {len(inert)} rendered as text or a link")
    assert set(refused) | set(caught) | set(inert) == set(fields)
    assert _foreign_in_pages(site) == []
    assert not set(caught) - set(fields), "a problem names a field that holds no hostile text"


def test_the_issues_picture_is_refused_naming_the_field(hostile_outcomes):
    """`![x\\]](https://evil.example/a.png)` rendered a live <img> on the page and the print page."""
    fields, refused, caught, _, _ = hostile_outcomes
    field = next(f for f, text in fields.items() if text.startswith("A picture ![x\\]]"))
    problem = refused.get(field) or caught.get(field)
    assert problem is not None and problem.file == "schools/hostile.yml" and problem.line
    if field in caught:
        section = field.split(".")[2]
        assert problem.message == (
            f"a picture on the page {section}.md and the print page would make every reader's browser "
            "fetch https://evil.example/0.png (<img src>) from another website, which tells that "
            "website who reads the policy; link to it in words instead, like [a picture of …](https://…), "
            "or remove it")


def test_every_caught_text_is_named_by_its_field_and_line(hostile_outcomes):
    fields, _, caught, _, _ = hostile_outcomes
    for field, problem in caught.items():
        number = re.search(r"evil\.example/(\d+)", fields[field], re.I)[1]
        assert f"evil.example/{number}.png" in problem.message.lower()
        assert problem.file == "schools/hostile.yml" and problem.line is not None


@settings(max_examples=int(os.environ.get("POLICY_PROPERTY_EXAMPLES", "8")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["![", "[", "]", "\\]", "\\[", "(", ")", "<", ">", "`", "!", " ", "x",
                                 "\n", "*", "&#93;", '"t"', "https://evil.example/p.png",
                                 "//evil.example/q.png", "\\", ":"]), min_size=1, max_size=14))
def test_no_built_page_fetches_from_another_host_for_generated_school_text(tmp_path_factory, pieces):
    root = tmp_path_factory.mktemp("property")
    (root / "schools").mkdir()
    data = _base_school()
    data["sections"] = {"equality": "# Equality\n\n" + "".join(pieces)}
    (root / "schools" / "generated.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("POLICY_SCHOOLS_DIR", str(root / "schools"))
        patch.chdir(root)
        try:
            site = build_school("generated", root / "out")
        except PolicyError as error:
            assert all(p.file == "schools/generated.yml" for p in error.problems), error
            assert all(p.field.startswith("sections") for p in error.problems), error
            return
    assert _foreign_in_pages(site) == []


# Raw HTML the model's author could write in docs/: every kind of fetch, each to its own address.
MODEL_VARIANTS = [
    '<img src="https://cdn.example/d1.png" alt="">',
    '<img src="a.png" srcset="a.png 1x, https://cdn.example/d2.png 2x" alt="">',
    '<picture><source srcset="https://cdn.example/d3.webp"><img src="a.png" alt=""></picture>',
    '<video poster="https://cdn.example/d4.jpg"><track src="https://cdn.example/d5.vtt"></video>',
    '<audio src="//cdn.example/d6.mp3"></audio>',
    '<iframe src="https://cdn.example/d7" title="x"></iframe>',
    '<object data="https://cdn.example/d8.pdf"></object>',
    '<embed src="https://cdn.example/d9.swf">',
    '<div style="background-image: url(\'https://cdn.example/d10.png\')">x</div>',
    '<style>@import url("https://cdn.example/d11.css");</style>',
    '<form action="https://cdn.example/d12"><button formaction="https://cdn.example/d13">Go</button></form>',
    '<svg><image href="https://cdn.example/d14.png"/></svg>',
    '<svg><use xlink:href="https://cdn.example/d15.svg#i"/></svg>',
    '<script src="https://cdn.example/d16.js"></script>',
    '<a href="https://ok.example/" ping="https://cdn.example/d17">ping</a>',
    '<table background="https://cdn.example/d18.png"><tr><td>x</td></tr></table>',
    '<img src="&#104;ttps://cdn.example/d19.png" alt="">',
    '![logo](https://cdn.example/d20.png)',
    '<input type="image" src="https://cdn.example/d21.png" alt="go">',
    '<a href="javascript:alert(22)">code</a>',
]


def test_the_model_text_in_docs_is_guarded_by_the_same_check(project, tmp_path, monkeypatch):
    project.append("docs/intention.md", "\n\n" + "\n\n".join(MODEL_VARIANTS) + "\n")
    monkeypatch.chdir(project.root)
    with pytest.raises(PolicyError) as error:
        build_school("westfield", tmp_path / "out", project.root / "mkdocs.yml")
    problems = error.value.problems
    for n in list(range(1, 22)):
        named = [p for p in problems if re.search(rf"/d{n}\b", p.message)]
        assert len(named) == 1, f"d{n}: {[str(p) for p in problems]}"
        assert named[0].file == "docs/intention.md"
        assert "on the page intention.md and the print page" in named[0].message
        assert named[0].message.endswith("(building schools/westfield.yml)")
    code = [p for p in problems if "alert(22)" in p.message]
    assert [p.message for p in code] == [
        "a link on the page intention.md and the print page would lead to 'javascript:alert(22)', which "
        "runs code (<a href>); remove that link (building schools/westfield.yml)"]
    assert len(problems) == 22
    assert not (tmp_path / "out" / "westfield").exists()


def test_the_templates_are_guarded_by_the_same_check(project, tmp_path, monkeypatch):
    notice = project.root / "overrides" / "partials" / "review-notice.html"
    notice.write_text(notice.read_text(encoding="utf-8") +
                      '<link rel="stylesheet" href="https://fonts.example/css?family=Roboto">\n', encoding="utf-8")
    monkeypatch.chdir(project.root)
    with pytest.raises(PolicyError) as error:
        build_school("westfield", tmp_path / "out", project.root / "mkdocs.yml", share_assets=False)
    [problem] = error.value.problems
    assert problem.file == "overrides/partials/review-notice.html"
    assert re.fullmatch(r"a stylesheet, icon or preloaded file on \d+ pages \([^()]*, …\) would "
                        r"make every reader's browser fetch https://fonts\.example/css\?family=Roboto "
                        r"\(<link href>\) from another website, which tells that website who reads the "
                        r"policy; keep the file in the site, or remove it \(building schools/westfield\.yml\)",
                        problem.message), problem.message
