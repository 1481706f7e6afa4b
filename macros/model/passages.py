"""The model's named passages, and a school's edits applied to them.

A passage is a heading, paragraph, list item or span of the model text, named with the
attr_list syntax (see AUTHORING.md). This module reads those names from Markdown and
applies a school's edits — leave out, add after, reword, fill — to rendered Markdown.
It knows nothing of mkdocs.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from macros.errors import PolicyError, Problem

NAME = r"[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+"
MARKER_LINE = re.compile(rf"^(?P<indent>[ ]*)\{{:\s*#(?P<id>{NAME})(?P<classes>(?:\s+\.[a-z0-9-]+)*)\s*\}}\s*$")
HEADING = re.compile(rf"^(?P<hashes>#{{1,6}})\s+(?P<text>.*?)\s*\{{:\s*#(?P<id>[a-z0-9.-]+)\s*\}}\s*$")
ANY_HEADING = re.compile(r"^(#{1,6})\s")
LIST_ITEM = re.compile(r"^(?P<indent>[ ]*)(?P<bullet>[-*+]|\d+\.)\s+")
SPAN_END = re.compile(rf"\]\{{:\s*#(?P<id>{NAME})\s*\}}")
SCHOOL_CLASS = "school-text"


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
class Edits:
    """A school's edits, with the added and reworded text already made safe Markdown."""

    omit: set[str] = field(default_factory=set)
    add_after: dict[str, list[str]] = field(default_factory=dict)
    replace: dict[str, str] = field(default_factory=dict)
    fill: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class _Block:
    lines: list[str]
    passage: Passage | None = None
    indent: str = ""


def _find_span_start(text: str, end: int) -> int:
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
    found = []
    for m in SPAN_END.finditer(text):
        start = _find_span_start(text, m.start())
        found.append(Passage(m["id"], "span", text[start + 1:m.start()]))
    return found


def _blocks(markdown: str) -> list[_Block]:
    """Group lines into named blocks (a heading, or the lines a marker line closes)."""
    blocks: list[_Block] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            blocks.append(_Block(pending.copy()))
            pending.clear()

    for line in markdown.split("\n"):
        heading = HEADING.match(line)
        marker = MARKER_LINE.match(line)
        if heading:
            flush()
            blocks.append(_Block([line], Passage(heading["id"], "heading", heading["text"],
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
                blocks.append(_Block(body[:start]))
            lines = body[start:]
            kind = "item" if lines and LIST_ITEM.match(lines[0]) else "paragraph"
            classes = tuple(c.strip().lstrip(".") for c in marker["classes"].split() if c.strip())
            text = "\n".join(lines)
            blocks.append(_Block(lines + [line], Passage(marker["id"], kind, text, classes=classes),
                                 marker["indent"]))
        else:
            pending.append(line)
    flush()
    return blocks


def passages_in(markdown: str) -> list[Passage]:
    """Every named passage of a Markdown text, spans included, in reading order."""
    found: list[Passage] = []
    for block in _blocks(markdown):
        if block.passage:
            found.append(block.passage)
            found.extend(spans_in(block.passage.text))
        else:
            found.extend(spans_in("\n".join(block.lines)))
    return found


def blocks_in(markdown: str) -> list[tuple[Passage | None, str]]:
    """The text in reading order, block by block, with the passage each block names (or None)."""
    return [(block.passage, "\n".join(block.lines)) for block in _blocks(markdown)]


def _marker(passage_id: str, indent: str, *classes: str) -> str:
    extra = "".join(f" .{c}" for c in classes)
    return f"{indent}{{: #{passage_id}{extra} }}"


def _as_block(text: str, passage_id: str, kind: str, indent: str) -> list[str]:
    """School text shaped as the same kind of block as the passage it sits beside."""
    if kind == "item":
        body = " ".join(text.split())
        return [f"{indent}- {body}", _marker(passage_id, indent, SCHOOL_CLASS)]
    if kind == "heading":
        return ["", text.strip(), _marker(passage_id, "", SCHOOL_CLASS)]
    return ["", *text.strip().split("\n"), _marker(passage_id, "", SCHOOL_CLASS)]


def _heading_level(block: _Block) -> int:
    """The level of the heading a block starts with (named or not); 7 for any other block."""
    match = ANY_HEADING.match(block.lines[0]) if block.lines else None
    return len(match[1]) if match else 7


def apply_edits(markdown: str, edits: Edits) -> str:
    """Apply a school's edits to rendered model Markdown and turn spans into HTML spans."""
    out: list[str] = []
    skip_below: int | None = None  # inside an omitted heading's section
    for block in _blocks(markdown):
        passage = block.passage
        if skip_below is not None:
            if _heading_level(block) > skip_below:
                continue
            skip_below = None
        if passage is None:
            out.extend(block.lines)
            continue
        if passage.id in edits.omit:
            if passage.kind == "heading":
                skip_below = passage.level
            continue
        if "school-list" in passage.classes:
            items = edits.fill.get(passage.id)
            if not items:
                continue
            out.extend(block.lines[:-1])
            out.append(_marker(passage.id, block.indent))
            nested = block.indent + "    "
            for n, item in enumerate(items, 1):
                out.extend(_as_block(item, f"{passage.id}.item-{n}", "item", nested))
        elif passage.id in edits.replace:
            new = edits.replace[passage.id]
            if passage.kind == "heading":
                hashes = "#" * passage.level
                out.append(f"{hashes} {' '.join(new.split())} {{: #{passage.id} }}")
            else:
                shaped = _as_block(new, passage.id, passage.kind, block.indent)
                out.extend(shaped[1:] if passage.kind == "paragraph" else shaped)
        else:
            out.extend(block.lines)
        for n, text in enumerate(edits.add_after.get(passage.id, []), 1):
            out.extend(_as_block(text, f"{passage.id}.added-{n}", passage.kind, block.indent))
    return _apply_spans("\n".join(out), edits)


def _apply_spans(markdown: str, edits: Edits) -> str:
    while True:
        m = SPAN_END.search(markdown)
        if not m:
            return markdown
        start = _find_span_start(markdown, m.start())
        span_id, inner = m["id"], markdown[start + 1:m.start()]
        if span_id in edits.omit:
            before, after = markdown[:start], markdown[m.end():]
            if before.endswith(" ") and (after[:1] in (" ", "", "\n") or after[:1] in ".,;:)"):
                before = before.rstrip(" ")
            markdown = before + after
            continue
        if span_id in edits.replace:
            inner = edits.replace[span_id]
        markdown = f'{markdown[:start]}<span id="{span_id}">{inner}</span>{markdown[m.end():]}'


def demote_headings(markdown: str, by: int = 1) -> str:
    """Shift every ATX heading down a level (for the single-page print view)."""
    return re.sub(r"^(#{1,5})(?=\s)", lambda m: m[1] + "#" * by, markdown, flags=re.M)
