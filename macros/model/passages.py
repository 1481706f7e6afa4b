"""The model's named passages, and a school's edits applied to them.

A passage is a heading, paragraph, list item or span of the model text, named with the
attr_list syntax (see AUTHORING.md). This module reads those names from Markdown
(macros/model/edits.py applies a school's edits to them). It knows nothing of mkdocs.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from macros.errors import PolicyError, Problem

NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+"
MARKER_LINE = re.compile(rf"^(?P<indent>[ ]*)\{{:\s*#(?P<id>{NAME})(?P<classes>(?:\s+\.[a-z0-9-]+)*)\s*\}}\s*$")
HEADING = re.compile(rf"^(?P<hashes>#{{1,6}})\s+(?P<text>.*?)\s*\{{:\s*#(?P<id>[a-z0-9.-]+)\s*\}}\s*$")
ANY_HEADING = re.compile(r"^(#{1,6})\s")
LIST_ITEM = re.compile(r"^(?P<indent>[ ]*)(?P<bullet>[-*+]|\d+\.)\s+")
SPAN_END = re.compile(rf"\]\{{:\s*#(?P<id>{NAME})\s*\}}")


@dataclass
class Passage:
    """A named piece of the model: its kind, and its source text (for change detection)."""

    id: str
    kind: str  # "heading", "item", "paragraph" or "span"
    text: str
    level: int = 0
    classes: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(" ".join(self.text.split()).encode()).hexdigest()[:16]


@dataclass
class Block:
    """Lines of Markdown, and the passage they hold when they are a named one."""

    lines: list[str]
    passage: Passage | None = None
    indent: str = ""


def find_span_start(text: str, end: int) -> int:
    """Index of the `[` that opens the span whose `]` is at `end` (brackets may nest)."""
    depth = 0
    for i in range(end - 1, -1, -1):
        if text[i] == "]":
            depth += 1
        elif text[i] == "[":
            if depth == 0:
                return i
            depth -= 1
    raise PolicyError(Problem("docs", f"a span's closing `]{{: #…}}` has no opening `[`: "
                              f"…{text[max(0, end - 60):end + 20]}…"))


def spans_in(text: str) -> list[Passage]:
    """The spans of a text, outermost first where they nest."""
    found = []
    for m in SPAN_END.finditer(text):
        start = find_span_start(text, m.start())
        found.append(Passage(m["id"], "span", text[start + 1:m.start()]))
    return found


def blocks(markdown: str) -> list[Block]:
    """Group lines into named blocks (a heading, or the lines a marker line closes)."""
    blocks: list[Block] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            blocks.append(Block(pending.copy()))
            pending.clear()

    for line in markdown.split("\n"):
        heading = HEADING.match(line)
        marker = MARKER_LINE.match(line)
        if heading:
            flush()
            blocks.append(Block([line], Passage(heading["id"], "heading", heading["text"],
                                                 level=len(heading["hashes"]))))
        elif marker:
            body = pending.copy()
            pending.clear()
            # The passage starts at the last list bullet or after the last blank line.
            start = 0
            for i, text in enumerate(body):
                if not text.strip() or ANY_HEADING.match(text):
                    start = i + 1
                elif LIST_ITEM.match(text) and len(LIST_ITEM.match(text)["indent"]) <= len(marker["indent"]):
                    start = i
            if body[:start]:
                blocks.append(Block(body[:start]))
            lines = body[start:]
            kind = "item" if lines and LIST_ITEM.match(lines[0]) else "paragraph"
            classes = tuple(c.strip().lstrip(".") for c in marker["classes"].split() if c.strip())
            text = "\n".join(lines)
            blocks.append(Block(lines + [line], Passage(marker["id"], kind, text, classes=classes),
                                 marker["indent"]))
        else:
            pending.append(line)
    flush()
    return blocks


def passages_in(markdown: str) -> list[Passage]:
    """Every named passage of a Markdown text, spans included, in reading order."""
    found: list[Passage] = []
    for block in blocks(markdown):
        if block.passage:
            found.append(block.passage)
            found.extend(spans_in(block.passage.text))
        else:
            found.extend(spans_in("\n".join(block.lines)))
    return found


def blocks_in(markdown: str) -> list[tuple[Passage | None, str]]:
    """The text in reading order, block by block, with the passage each block names (or None)."""
    return [(block.passage, "\n".join(block.lines)) for block in blocks(markdown)]


def demote_headings(markdown: str, by: int = 1) -> str:
    """Shift every ATX heading down a level (for the single-page print view)."""
    return re.sub(r"^(#{1,5})(?=\s)", lambda m: m[1] + "#" * by, markdown, flags=re.M)
