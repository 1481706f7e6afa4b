"""Links in the built HTML: every internal link and #anchor resolves; vague link text carries
a descriptive accessible name; nothing is a `#` placeholder. Parsed from the files, so every
link on every page of every school is checked, not only the ones a browser happens to load."""
from __future__ import annotations

import json
import posixpath
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from macros.render.context import VAGUE_LINK_TEXT
from macros.model.model import load_model

pytestmark = pytest.mark.browser

URL_ATTRIBUTES = (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src"),
                  ("source", "src"), ("iframe", "src"), ("area", "href"))


def _html_files(sites) -> list[Path]:
    files = [sites.root / "index.html"]
    for slug in sites.schools:
        # The per-school 404.html is left out: mkdocs writes it with root-absolute URLs
        # (no site_url), and GitHub Pages never serves it (only a 404.html at the root).
        files += [p for p in sorted((sites.root / slug).rglob("*.html"))
                  if p.name != "404.html" and "assets" not in p.relative_to(sites.root).parts]
    return files


@lru_cache(maxsize=None)
def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@lru_cache(maxsize=None)
def _ids(path: Path) -> frozenset[str]:
    soup = _soup(path)
    return frozenset([t["id"] for t in soup.find_all(id=True)] + [t["name"] for t in soup.find_all("a", attrs={"name": True})])


def _target(root: Path, page: Path, url: str) -> tuple[Path | None, str]:
    """The file a relative or root-relative URL points at, and its fragment."""
    parts = urlsplit(url)
    page_dir = "/" + page.parent.relative_to(root).as_posix()
    path = unquote(parts.path)
    if not path:
        return page, unquote(parts.fragment)
    joined = posixpath.normpath(posixpath.join(page_dir, path)) if not path.startswith("/") else path
    if joined.startswith("/.."):
        return None, ""
    candidate = root / joined.lstrip("/")
    if path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate, unquote(parts.fragment)


def test_every_internal_link_and_anchor_resolves(sites):
    files = _html_files(sites)
    broken, checked = [], 0
    for page in files:
        for tag, attribute in URL_ATTRIBUTES:
            for element in _soup(page).find_all(tag, attrs={attribute: True}):
                url = element[attribute].strip()
                scheme = urlsplit(url).scheme
                if scheme in ("mailto", "tel", "data"):
                    continue
                if scheme in ("http", "https"):
                    continue      # external: the privacy test makes sure none is loaded
                where = f"{page.relative_to(sites.root)}: <{tag} {attribute}=\"{url}\">"
                target, fragment = _target(sites.root, page, url)
                checked += 1
                if target is None or not target.is_file():
                    broken.append(f"{where} → no such file")
                elif fragment and target.suffix == ".html" and fragment not in _ids(target):
                    broken.append(f"{where} → no id '{fragment}' in {target.relative_to(sites.root)}")
    print(f"\nchecked {checked} internal links and anchors on {len(files)} pages")
    assert checked > 1000
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:60])


def test_search_index_locations_resolve(sites):
    """Search results link to page#passage: every location in the index must exist."""
    broken = []
    for slug in sites.schools:
        root = sites.root / slug
        index = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))
        for doc in index["docs"]:
            target, fragment = _target(root, root / "index.html", doc["location"] or "./")
            if not target or not target.is_file():
                broken.append(f"{slug}: {doc['location']} → no such page")
            elif fragment and fragment not in _ids(target):
                broken.append(f"{slug}: {doc['location']} → no such anchor")
    assert not broken, "\n".join(broken[:40])


def test_no_placeholder_or_empty_links(sites):
    bad = []
    for page in _html_files(sites):
        for a in _soup(page).find_all("a", href=True):
            if a["href"].strip() in ("", "#") or a["href"].startswith("javascript:"):
                bad.append(f"{page.relative_to(sites.root)}: {str(a)[:120]}")
    assert not bad, "\n".join(bad[:40])


def test_vague_link_text_has_a_descriptive_accessible_name(sites):
    """"see guidance here": the words stay, the link's accessible name says where it goes."""
    titles_by_url: dict[str, set[str]] = {}
    for link in load_model().links.values():
        if link.url:
            titles_by_url.setdefault(link.url, set()).add(link.title)
    checked, problems = 0, []
    for page in _html_files(sites):
        for a in _soup(page).select("article a[href]"):
            text = " ".join(a.get_text(" ").split())
            if text.lower().strip(".()") not in VAGUE_LINK_TEXT:
                continue
            checked += 1
            label = a.get("aria-label", "")
            titles = titles_by_url.get(a["href"], set())
            if not label or not any(label == f"{text}: {title}" for title in titles):
                problems.append(f"{page.relative_to(sites.root)}: {str(a)[:160]} (titles: {titles})")
    print(f"\n{checked} links with vague text, each with a descriptive aria-label")
    assert checked > 0, "expected the model's 'here' links to be found"
    assert not problems, "\n".join(problems[:40])


def test_links_that_open_elsewhere_are_real_web_addresses(sites):
    """External links are full https:// (or http://) addresses, never relative guesses."""
    bad = []
    for page in _html_files(sites):
        for a in _soup(page).select("article a[href]"):
            href = a["href"]
            if "://" in href and not href.startswith(("https://", "http://")):
                bad.append(f"{page.relative_to(sites.root)}: {href}")
    assert not bad, "\n".join(bad)
