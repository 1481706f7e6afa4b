"""The model as a school's site would say it: every passage's words, with placeholders filled.

The importer compares a school's document with this, so a name, a date or a choice already
in the school file never shows up as a difference of wording.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import jinja2

from macros.render.context import build_context
from macros.render.differences import plain
from macros.model.model import Model
from macros.paths import DOCS_DIR
from macros.model.passages import blocks_in, spans_in
from macros.school.schema import School

WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")


def words(text: str) -> list[str]:
    """Lower-case word tokens, as the fidelity measure counts them."""
    return [w.replace("’", "'") for w in WORD.findall(text.lower())]


@dataclass
class ExpectedPassage:
    """One named block of the rendered model (or an unnamed stretch between them: id None)."""

    id: str | None
    kind: str
    section: str
    level: int = 0
    classes: tuple[str, ...] = ()
    words: list[str] = field(default_factory=list)
    spans: list[tuple[str, int, int, str]] = field(default_factory=list)  # (span id, first, end word, text)
    text: str = ""  # plain text

    @property
    def school_list(self) -> bool:
        return "school-list" in self.classes


def render_sections(school: School, model: Model) -> dict[str, str]:
    """Each model section's Markdown for `school`, before its edits (the title block left out)."""
    context = build_context(school, model)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.globals.update(context.variables)
    env.globals.update(holders=context.holders, holder_lines=context.holder_lines,
                       title_block=lambda: "")
    return {section: env.from_string((DOCS_DIR / f"{section}.md").read_text(encoding="utf-8")).render()
            for section in model.sections}


def expected_passages(school: School, model: Model) -> list[ExpectedPassage]:
    """The rendered model as a flat list of blocks in reading order."""
    found: list[ExpectedPassage] = []
    for section, markdown in render_sections(school, model).items():
        for passage, text in blocks_in(markdown):
            if passage is not None:
                found.append(_expected(passage, section))
                continue
            text = plain(re.sub(r"\{:[^}]*\}", "", text), limit=None)
            if words(text):
                found.append(ExpectedPassage(None, "paragraph", section, words=words(text), text=text))
    return found


def _expected(passage, section: str) -> ExpectedPassage:
    text = plain(passage.text, limit=None)
    found = ExpectedPassage(passage.id, passage.kind, section, passage.level, passage.classes,
                            words(text), text=text)
    start = 0
    for span in spans_in(passage.text):
        span_text = plain(span.text, limit=None)
        span_words = words(span_text)
        at = _find(found.words, span_words, start)
        if span_words and at >= 0:
            found.spans.append((span.id, at, at + len(span_words), span_text))
            start = at + len(span_words)
    return found


def _find(haystack: list[str], needle: list[str], start: int) -> int:
    for i in range(start, len(haystack) - len(needle) + 1):
        if haystack[i:i + len(needle)] == needle:
            return i
    return -1
