"""Property-based tests: random and mutated school files never crash the loader (or the
account of their edits) with anything but PolicyError, and built output from random safe text
never contains unescaped input.

`make test` runs a fixed number of examples; set POLICY_FUZZ_EXAMPLES to run more, e.g.
POLICY_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py
"""
from __future__ import annotations

import copy
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, given, reject, settings, strategies as st

from helpers import GOOD, GOOD_TEXT
from macros.build.builder import build_school
from macros.errors import PolicyError
from macros.model.model import load_model
from macros.render.context import build_context
from macros.school.loader import load_school

MODEL = load_model()
EXAMPLES = int(os.environ.get("POLICY_FUZZ_EXAMPLES", "150"))
FAST = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                    st.text(max_size=40), st.sampled_from(["{{ x }}", "31 February 2024", "03/12/23",
                                                         "intention.deaton-review", "vacant", "Autumn 2025",
                                                         "<script>", "[x](javascript:1)", "x" * 400]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=12), inner, max_size=3)),
                      max_leaves=8)


def paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from paths(value, prefix + (i,))


ALL_PATHS = [p for p in paths(GOOD) if p]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def load_text(folder: Path, raw: bytes):
    """Read a school file as `policy check` does; anything but PolicyError fails the test."""
    path = folder / "fuzz.yml"
    path.write_bytes(raw)
    try:
        build_context(load_school(path, MODEL), MODEL)
        event("accepted")
    except PolicyError as error:
        event("refused: " + re.sub(r"'[^']*'|\d+", "…", error.problems[0].message)[:50])
        assert error.problems and all(p.message for p in error.problems)
        assert all("Traceback" not in str(p) and "found None" not in p.message for p in error.problems), error


@st.composite
def mutated(draw):
    data = copy.deepcopy(GOOD)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(ALL_PATHS))
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            action = draw(st.sampled_from(["replace", "delete", "rename", "wrap"]))
            key = path[-1]
            if action == "replace":
                parent[key] = draw(values)
            elif action == "delete":
                del parent[key]
            elif action == "rename" and isinstance(parent, dict):
                parent[draw(st.text(max_size=12))] = parent.pop(key)
            elif action == "wrap":
                parent[key] = [parent[key]]
        except (KeyError, IndexError, TypeError):
            pass
    return data


@FAST
@given(mutated())
def test_mutated_school_files_fail_only_with_policy_errors(scratch, data):
    load_text(scratch, yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


@FAST
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_random_bytes_fail_only_with_policy_errors(scratch, raw):
    load_text(scratch, raw)


@FAST
@given(st.data())
def test_mutated_yaml_text_fails_only_with_policy_errors(scratch, data):
    """Character-level damage to the real file: deleted, doubled or inserted characters."""
    text = GOOD_TEXT
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text) - 1))
        insert = data.draw(st.sampled_from(["", ":", "- ", "\t", "  ", "\n", "&a ", "*a", "{", "[", "'", '"', "#"]))
        cut = data.draw(st.integers(0, 3))
        text = text[:i] + insert + text[i + cut:]
    load_text(scratch, text.encode("utf-8"))


# YAML's own tokens: tags, anchors and aliases, merge keys, directives, block scalars, flow
# brackets, dates that do not exist, numbers YAML reads in its own way, and the bare words
# YAML 1.1 and 1.2 disagree on.
YAML_TOKENS = [
    "!!int ", "!!bool ", "!!timestamp ", "!!float ", "!!str ", "!!binary ", "!!set ", "!!omap ", "!!map ",
    "!!seq ", "!!null ", "!!python/object:os.system ", "!local ", "!<tag:yaml.org,2002:int> ",
    "&a ", "*a", "&a [x] ", "<<: *a\n", "<<: {a: 1}\n", "%YAML 1.1\n---\n", "--- ", "\n...\n", "? ",
    "|\n  ", ">-\n  ", "|+\n", "[", "]", "{", "}", "[" * 40, "{a: " * 30, "- " * 30, "- [" * 20,
    "2025-13-01", "2024-02-30", "2024-09-01 10:00:00", "January 0000", "0000-00-00", "9999-99-99",
    "0x1F", "0o17", "1_000", "1:30:00", "1e400", ".inf", "-.NaN", "~", "null", "Null", "",
    "yes", "No", "ON", "off", "y", "N", "true", "FALSE", "\x00", "\x07", "\ufeff", "\u200b", "\u202e",
    "\\x00", "'\\u0000'", '"\\u0000"', '"\\x00"', '"\\N"', '"\\ud800"',
]


@st.composite
def yaml_mutated(draw) -> str:
    lines = GOOD_TEXT.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(0, len(lines) - 1))
        line = lines[n]
        token = draw(st.sampled_from(YAML_TOKENS))
        where = draw(st.sampled_from(["value", "start", "end", "replace", "anywhere"]))
        if where == "value" and ": " in line:
            key, _, value = line.partition(": ")
            line = f"{key}: {token}{value}"
        elif where == "start":
            line = token + line
        elif where == "end":
            line = line + token
        elif where == "replace" and ": " in line:
            line = line.partition(": ")[0] + ": " + token
        else:
            i = draw(st.integers(0, len(line)))
            line = line[:i] + token + line[i:]
        lines[n] = line
    return "\n".join(lines)


@FAST
@given(yaml_mutated())
def test_yaml_tokens_in_the_real_file_fail_only_with_policy_errors(scratch, text):
    load_text(scratch, text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("depth", [20, 500, 5000])
def test_deep_nesting_is_refused_with_a_message(scratch, depth):
    with pytest.raises(PolicyError) as error:
        load_text_strict(scratch, GOOD_TEXT.replace("  short_name: Oakfield",
                                                    "  short_name: " + "[" * depth + "]" * depth).encode())
    assert "is nested more than 12 levels deep" in str(error.value)


def load_text_strict(folder: Path, raw: bytes):
    path = folder / "fuzz.yml"
    path.write_bytes(raw)
    build_context(load_school(path, MODEL), MODEL)


safe_text = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=40) \
    .map(lambda t: " ".join(t.split())).filter(lambda t: t and "{{" not in t and "}}" not in t and "{%" not in t
                                                and "%}" not in t and "{#" not in t and "#}" not in t)


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(name=safe_text, holder=safe_text)
def test_built_output_never_contains_unescaped_input(tmp_path_factory, name, holder):
    root = tmp_path_factory.mktemp("prop")
    (root / "schools").mkdir()
    data = copy.deepcopy(GOOD)
    data["school"]["name"] = f"<b>{name}</b>"
    data["roles"]["designated_governor"] = [{"name": f"<i onclick=x>{holder}"}]
    (root / "schools" / "prop.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_SCHOOLS_DIR", str(root / "schools"))
        try:
            load_school(root / "schools" / "prop.yml", MODEL)
        except PolicyError:
            reject()  # refused (e.g. a control character): hypothesis draws another example
        site = build_school("prop", root / "out")
    soup = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article")
    assert article.find("b", string=name) is None and article.find("i") is None
    assert not [e for e in soup.find_all(True) if any(a.startswith("on") for a in e.attrs)]
    text = " ".join(article.get_text(" ").split())
    assert " ".join(f"<b>{name}</b>".split()) in text
    assert " ".join(f"<i onclick=x>{holder}".split()) in text
    shutil.rmtree(root, ignore_errors=True)
