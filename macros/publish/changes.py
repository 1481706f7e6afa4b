"""What changed between two versions of a school's policy, word by word, section by section.

The one call the publishing transaction makes, when it publishes a version after the first:

    changes_page(previous_html, current_html, school_name, previous_version, current_version) -> str

`previous_html` and `current_html` are the two versions' print pages as built
(`SLUG/VERSION/print/index.html`: the whole policy on one page). The result is a complete
HTML page (lang en-GB, styled like the history page) for `SLUG/CURRENT/changes/index.html`.
Its links are relative to that place: `../` is the current version, `../../PREVIOUS/` the
previous one and `../../` the school's history page.

`changes_text(...)` gives the same differences as plain text (`policy diff SLUG --since V`),
and `compare_print_pages(...)` the differences themselves. All three are pure: no git, no
mkdocs, no files. `changes_since(...)` below them is what the command runs: it reads a
published version from the pages branch and builds the school's current print page.

How the print page is read: its <article> holds the policy; the site's own words around it
(the review notice, the end-of-page contact block, heading anchors) are left out. A section
starts at the page's h1 (the title page) and at every h2 whose id is a section name (no dot:
`intention`, `appendix-1`); sections of the two versions are matched by that id. Each
paragraph, list item, heading or table cell is one block; blocks are aligned, and a block
that changed is compared word by word (macros/render/word_diff.py, as the differences page is).
"""
from __future__ import annotations

import difflib
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag
from jinja2 import Environment, FileSystemLoader, select_autoescape

from macros.build.builder import build_school
from macros.errors import PolicyError, Problem
from macros.paths import PROJECT_DIR, TEMPLATES_DIR
from macros.render.word_diff import Piece, marked, shortened, word_diff
from macros.school.loader import load_school, school_path
from macros.school.schema import VERSION_RE

PRINT_PAGE = "print/index.html"
_BLOCK_TAGS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "caption",
               "pre", "figcaption"}
_CONTAINER_TAGS = {"ul", "ol", "dl", "div", "section", "table", "thead", "tbody", "tfoot", "tr",
                   "blockquote", "details", "summary", "figure", "article"}
# The site's own words on the print page, not the policy's.
_NOT_POLICY = (".headerlink, .md-content__button, .policy-feedback, .policy-review-notice, "
               ".policy-page-meta, script, style, template")
TITLE_SECTION = "title"


@dataclass(frozen=True)
class SectionChanges:
    """One section: its id and title, what happened to it, the blocks that changed."""

    key: str
    title: str
    status: str                           # "changed", "added", "removed" or "unchanged"
    blocks: tuple[tuple[Piece, ...], ...]  # each changed block, as pieces
    unchanged_blocks: int                 # blocks of this section not repeated


@dataclass(frozen=True)
class _Section:
    key: str
    title: str
    blocks: tuple[str, ...]


# --- reading a print page ----------------------------------------------------------------

def _blocks(node: Tag, out: list[tuple[Tag, str]]) -> None:
    """Each block's own words in reading order (a list item's nested list is its own blocks)."""
    parts: list[str] = []

    def flush() -> None:
        text = " ".join("".join(parts).split())
        if text:
            out.append((node, text))
        parts.clear()

    for child in node.children:
        if isinstance(child, Tag) and child.name in _BLOCK_TAGS | _CONTAINER_TAGS:
            flush()
            _blocks(child, out)
        elif isinstance(child, Tag):   # inline markup (<strong>, <a>, <span>): words as written
            parts.append(child.get_text(""))
        elif type(child) is NavigableString:   # not a comment, doctype or other markup
            parts.append(str(child))
    flush()


def _is_section_heading(node: Tag) -> bool:
    ident = node.get("id") or ""
    return node.name == "h1" or (node.name == "h2" and bool(ident) and "." not in ident)


def read_sections(print_html: str) -> list[_Section]:
    """The policy on a print page as sections of blocks (see the module docstring)."""
    soup = BeautifulSoup(print_html, "html.parser")
    article = soup.select_one("article") or soup.body or soup
    for node in article.select(_NOT_POLICY):
        node.decompose()
    for line_break in article.find_all("br"):
        line_break.replace_with(" ")
    found: list[tuple[Tag, str]] = []
    _blocks(article, found)
    sections: list[tuple[str, str, list[str]]] = []
    for node, text in found:
        if _is_section_heading(node):
            key = TITLE_SECTION if node.name == "h1" else node["id"]
            sections.append((key, "Title page" if node.name == "h1" else text, [text]))
        elif sections:
            sections[-1][2].append(text)
        else:
            sections.append((TITLE_SECTION, "Title page", [text]))
    merged: dict[str, _Section] = {}
    for key, title, blocks in sections:
        if key in merged:  # a second h1 (or a repeated id) continues its section
            old = merged[key]
            merged[key] = _Section(key, old.title, old.blocks + tuple(blocks))
        else:
            merged[key] = _Section(key, title, tuple(blocks))
    return list(merged.values())


# --- comparing ---------------------------------------------------------------------------

def _compare_blocks(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[list[tuple[Piece, ...]], int]:
    changed: list[tuple[Piece, ...]] = []
    unchanged = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            unchanged += i2 - i1
            continue
        pairs = min(i2 - i1, j2 - j1)
        changed += [tuple(shortened(word_diff(old[i1 + k], new[j1 + k]))) for k in range(pairs)]
        changed += [(Piece("removed", text),) for text in old[i1 + pairs:i2]]
        changed += [(Piece("added", text),) for text in new[j1 + pairs:j2]]
    return changed, unchanged


def compare_print_pages(previous_html: str, current_html: str) -> list[SectionChanges]:
    """Every section of the current version in order (then any the new one dropped), compared."""
    before = {s.key: s for s in read_sections(previous_html)}
    after = read_sections(current_html)
    result = []
    for section in after:
        old = before.get(section.key)
        if old is None:
            result.append(SectionChanges(section.key, section.title, "added",
                                         tuple((Piece("added", b),) for b in section.blocks), 0))
            continue
        changed, unchanged = _compare_blocks(old.blocks, section.blocks)
        result.append(SectionChanges(section.key, section.title, "changed" if changed else "unchanged",
                                     tuple(changed), unchanged))
    kept = {s.key for s in after}
    for key, old in before.items():
        if key not in kept:
            result.append(SectionChanges(key, old.title, "removed",
                                         tuple((Piece("removed", b),) for b in old.blocks), 0))
    return result


# --- the page and the text ----------------------------------------------------------------

def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def changes_page(previous_html: str, current_html: str, school_name: str,
                 previous_version: str, current_version: str) -> str:
    """The "What changed since PREVIOUS" page of version CURRENT (see the module docstring)."""
    sections = compare_print_pages(previous_html, current_html)
    return _environment().get_template("changes.html").render(
        school_name=school_name, previous=previous_version, current=current_version,
        changed=[s for s in sections if s.status != "unchanged"],
        unchanged=[s for s in sections if s.status == "unchanged"])


def changes_text(previous_html: str, current_html: str, previous_version: str,
                 current_version: str | None) -> str:
    """The same differences as text, in git's word-diff notation: [-removed-] {+added+}.

    `current_version` None means a school file with no version: "the school file now".
    """
    sections = compare_print_pages(previous_html, current_html)
    changed = [s for s in sections if s.status != "unchanged"]
    now = f"version {current_version}" if current_version else "the school file now"
    lines = [f"What changed in {now} since version {previous_version}: "
             f"{len(changed)} of {len(sections)} sections"]
    for section in changed:
        what = {"added": "new section", "removed": "section removed"}.get(
            section.status, f"{len(section.blocks)} changed, {section.unchanged_blocks} unchanged")
        lines += ["", f"## {section.title} ({what})"]
        lines += ["  " + marked(list(block)) for block in section.blocks]
    unchanged = [s.title for s in sections if s.status == "unchanged"]
    if unchanged:
        lines += ["", "Unchanged: " + "; ".join(unchanged)]
    return "\n".join(lines) + "\n"


# --- `policy diff SLUG --since VERSION` ------------------------------------------------------

def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True)
    except FileNotFoundError:
        raise PolicyError(Problem("policy diff", "git is not installed; install git to read the "
                                  "published versions", "--since")) from None


def _published(repo: Path, branch: str, slug: str) -> list[dict]:
    """The school's versions.json on the pages branch (mike's list of versions and aliases)."""
    shown = _git(repo, "show", f"{branch}:{slug}/versions.json")
    try:
        listed = json.loads(shown.stdout) if shown.returncode == 0 else []
        return [v for v in listed if isinstance(v, dict) and "version" in v]
    except (ValueError, TypeError):
        return []


def read_published_print_page(repo: Path, branch: str, slug: str, version: str) -> tuple[str, str]:
    """(version, print page) of a published version, or of the version an alias such as
    `latest` names, read from the pages branch with `git show`."""
    def problem(message: str, field: str) -> PolicyError:
        return PolicyError(Problem("policy diff", message, field))

    if branch.startswith("-") or _git(repo, "rev-parse", "--verify", "--quiet",
                                      f"{branch}^{{commit}}").returncode != 0:
        raise problem(f"there is no branch '{branch}' to read published versions from; fetch the "
                      "pages branch (git fetch origin gh-pages:gh-pages) or name it with --branch",
                      "--branch")
    versions = _published(repo, branch, slug)
    version = next((str(v["version"]) for v in versions if version in (v.get("aliases") or [])), version)
    shown = _git(repo, "show", f"{branch}:{slug}/{version}/{PRINT_PAGE}")
    if shown.returncode == 0:
        return version, shown.stdout.decode("utf-8")
    if not versions:
        raise problem(f"the branch '{branch}' has no published policy for '{slug}'", "--since")
    names = ", ".join(str(v["version"]) for v in versions)
    raise problem(f"the branch '{branch}' has no version '{version}' of {slug}; published "
                  f"versions: {names}", "--since")


def changes_since(slug: str, version: str, branch: str = "gh-pages", repo: Path | None = None) -> str:
    """`policy diff SLUG --since VERSION`: that published version against the school file now."""
    school = load_school(school_path(slug))
    if not re.match(VERSION_RE, version):
        raise PolicyError(Problem("policy diff", f"'{version}' is not a version name; versions are "
                                  "named like 2024-25", "--since"))
    version, previous = read_published_print_page(Path(repo or PROJECT_DIR), branch, slug, version)
    with tempfile.TemporaryDirectory(prefix="policy-diff-") as out:
        site = build_school(slug, Path(out))
        current = (site / PRINT_PAGE).read_text(encoding="utf-8")
    return changes_text(previous, current, version, school.version)
