"""Property-based tests: random and mutated school files never crash the loader with anything
but PolicyError, and built output from random safe text never contains unescaped input."""
from __future__ import annotations

import copy
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, reject, settings, strategies as st

from macros.build.builder import build_school
from macros.errors import PolicyError
from macros.school.loader import load_school
from macros.model.model import load_model

GOOD_TEXT = (Path(__file__).parent / "schools" / "good.yml").read_text(encoding="utf-8")
GOOD = yaml.safe_load(GOOD_TEXT)
SCRATCH = Path(tempfile.mkdtemp(prefix="policy-fuzz-"))
MODEL = load_model()

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


def load_text(raw: bytes):
    path = SCRATCH / "fuzz.yml"
    path.write_bytes(raw)
    try:
        load_school(path, MODEL)
    except PolicyError as error:
        assert error.problems and all(p.message for p in error.problems)
        assert all("Traceback" not in str(p) for p in error.problems)


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


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(mutated())
def test_mutated_school_files_fail_only_with_policy_errors(data):
    load_text(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8")))
def test_random_bytes_fail_only_with_policy_errors(raw):
    load_text(raw)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_mutated_yaml_text_fails_only_with_policy_errors(data):
    """Character-level damage to the real file: deleted, doubled or inserted characters."""
    text = GOOD_TEXT
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text) - 1))
        insert = data.draw(st.sampled_from(["", ":", "- ", "\t", "  ", "\n", "&a ", "*a", "{", "[", "'", '"', "#"]))
        cut = data.draw(st.integers(0, 3))
        text = text[:i] + insert + text[i + cut:]
    load_text(text.encode("utf-8"))


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
