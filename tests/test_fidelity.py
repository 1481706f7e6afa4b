"""Each seed school's site says what the school's own document says, word for word.

The print page's article text is compared with the school's seed document (lower-cased
word tokens, markup stripped, difflib with autojunk off). Ordinary adaptations must be
data: Westfield and Hartsfield replace no sections and contribute little free text.
"""
from __future__ import annotations

import re

import pytest
import yaml

from macros.paths import SCHOOLS_DIR
from fidelity import print_words, ratio, seed_words, words

TARGETS = {"st-josephs": 0.99, "westfield": 0.99, "hartsfield": 0.99, "dacorum-esc": 0.97}
ORDINARY = ["westfield", "hartsfield"]
MAX_FREE_TEXT_SHARE = 0.05


def school_data(slug: str) -> dict:
    return yaml.safe_load((SCHOOLS_DIR / f"{slug}.yml").read_text(encoding="utf-8"))


def free_text_words(data: dict) -> int:
    """Words the school file contributes as free text: its own wording, not names or dates."""
    texts: list[str] = []
    page = data.get("title_page", {})
    texts += [page.get(k) or "" for k in ("title", "subtitle", "note")]
    for row in page.get("rows") or []:
        texts += [row["label"], row["value"]]
    passages = data.get("passages", {})
    for group in ("add_after", "replace", "fill"):
        for value in passages.get(group, {}).values():
            texts += value if isinstance(value, list) else [value]
    texts += list(data.get("sections", {}).values())
    return sum(len(words(re.sub(r"\]\[[a-z0-9-]+\]", "]", t))) for t in texts)


def fidelity_table(site) -> list[tuple[str, float, float]]:
    rows = []
    for slug in TARGETS:
        page = print_words(site, slug)
        rows.append((slug, ratio(page, seed_words(slug)), free_text_words(school_data(slug)) / len(page)))
    return rows


def test_fidelity_table_meets_every_target(seed_sites, capsys):
    rows = fidelity_table(seed_sites)
    with capsys.disabled():
        print("\n school          ratio   target  free text")
        for slug, value, share in rows:
            print(f" {slug:<15} {value:.4f}  {TARGETS[slug]:.2f}    {share:6.1%}")
    for slug, value, _ in rows:
        assert value >= TARGETS[slug], f"{slug}: {value:.4f} < {TARGETS[slug]}"


@pytest.mark.parametrize("slug", ORDINARY)
def test_ordinary_school_replaces_no_section(slug):
    assert not school_data(slug).get("sections")


@pytest.mark.parametrize("slug", ORDINARY)
def test_ordinary_school_free_text_is_at_most_five_percent_of_its_policy(seed_sites, slug):
    share = free_text_words(school_data(slug)) / len(print_words(seed_sites, slug))
    assert share <= MAX_FREE_TEXT_SHARE
