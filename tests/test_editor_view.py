"""`policy serve --names`: the editor's view shows each passage's name beside its text."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup

from macros import platform
from macros.mkdocs_glue.editor_view import SHOW_NAMES_VARIABLE

PROJECT = Path(__file__).resolve().parent.parent


def _styles(html: str) -> list[str]:
    return [s.get_text() for s in BeautifulSoup(html, "html.parser").select("article style")]


def test_editor_view_labels_every_passage_with_its_name(tmp_path):
    env = dict(os.environ, SCHOOL="westfield", NO_MKDOCS_2_WARNING="1", **{SHOW_NAMES_VARIABLE: "1"})
    subprocess.run([str(Path(sys.executable).with_name(platform.name())), "build", "-q", "-d", str(tmp_path / "site")],
                   cwd=PROJECT, env=env, check=True)
    page = (tmp_path / "site" / "intention" / "index.html").read_text(encoding="utf-8")
    [style] = _styles(page)
    assert '.md-typeset [id*="."]::before' in style and "content: attr(id)" in style
    assert BeautifulSoup(page, "html.parser").find(id="intention.revised-guidance") is not None


def test_published_site_shows_no_passage_names(seed_sites):
    page = (seed_sites / "westfield" / "intention" / "index.html").read_text(encoding="utf-8")
    assert _styles(page) == []
