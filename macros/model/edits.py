"""A school's edits applied to rendered model Markdown, with a record of what each one did.

`apply_edits` returns the edited Markdown and, for every edit, whether it took effect (and the
id of the element that shows it) or what took its passage off the page first. The account of
a school's edits (macros/render/account.py) is drawn from these records, so nothing a school
writes can be listed as a change without being on a page. It knows nothing of mkdocs.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from macros.model.passages import (ANY_HEADING, SPAN_END, Block, Passage, blocks, find_span_start,
                                   spans_in)

SCHOOL_CLASS = "school-text"
SCHOOL_LIST = "school-list"


@dataclass
class Edits:
    """A school's edits, with the added and reworded text already made safe Markdown."""

    omit: set[str] = field(default_factory=set)
    add_after: dict[str, list[str]] = field(default_factory=dict)
    replace: dict[str, str] = field(default_factory=dict)
    fill: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Effect:
    """One edit that took effect: `item` counts added texts (1, 2, …; 0 for other edits);
    `anchor` is the id of the element that shows it (None for a passage left out)."""

    group: str
    passage: str
    item: int = 0
    anchor: str | None = None


@dataclass
class Applied:
    """Edited Markdown, and what happened to each edit and passage on the way."""

    markdown: str
    effects: list[Effect] = field(default_factory=list)
    found: set[str] = field(default_factory=set)       # passages the Markdown held before the edits
    # passage -> (what removed it: omit, replace or unfilled, and the passage that edit names)
    removed: dict[str, tuple[str, str]] = field(default_factory=dict)
    # (group, passage, item) -> why that edit could not be made
    refused: dict[tuple[str, str, int], str] = field(default_factory=dict)


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


def _heading_level(block: Block) -> int:
    """The level of the heading a block starts with (named or not); 7 for any other block."""
    match = ANY_HEADING.match(block.lines[0]) if block.lines else None
    return len(match[1]) if match else 7


def _passages_of(block: Block) -> list[Passage]:
    text = block.passage.text if block.passage else "\n".join(block.lines)
    return ([block.passage] if block.passage else []) + spans_in(text)


def _nested(block: Block, indent: int) -> bool:
    """Whether a block belongs to the list item indented by `indent` (its nested items and
    paragraphs, and blank lines between them)."""
    if block.passage is not None:
        return block.passage.kind != "heading" and len(block.indent) > indent
    return all(not line.strip() or len(line) - len(line.lstrip(" ")) > indent for line in block.lines)


def _before_blank_lines(out: list[str], lines: list[str]) -> None:
    """Put `lines` at the end of `out`, before its trailing blank lines."""
    at = len(out)
    while at and not out[at - 1].strip():
        at -= 1
    out[at:at] = lines


def apply_edits(markdown: str, edits: Edits) -> Applied:
    """Apply a school's edits to rendered model Markdown and turn spans into HTML spans.

    A heading left out takes its part of the page with it (up to the next heading of the same
    or a higher level); a list item takes its nested items. Text added after a list item comes
    after its nested items."""
    applied = Applied("")
    out: list[str] = []
    skip_below: tuple[int, str] | None = None  # inside an omitted heading's part: (level, heading)
    skip_item: tuple[int, str] | None = None   # inside an omitted list item: (indent, item)
    after_items: list[tuple[int, list[str]]] = []  # text to add once an item's nested blocks end

    def removed(passages: list[Passage], group: str, by: str) -> None:
        for passage in passages:
            applied.removed.setdefault(passage.id, (group, by))

    for block in blocks(markdown):
        passage = block.passage
        applied.found.update(p.id for p in _passages_of(block))
        if skip_below is not None:
            if _heading_level(block) > skip_below[0]:
                removed(_passages_of(block), "omit", skip_below[1])
                continue
            skip_below = None
        if skip_item is not None:
            if block.passage is None and not "".join(block.lines).strip():
                out.extend(block.lines)     # blank lines still end the list where they did
                continue
            if _nested(block, skip_item[0]):
                removed(_passages_of(block), "omit", skip_item[1])
                continue
            skip_item = None
        while after_items and not _nested(block, after_items[-1][0]):
            _before_blank_lines(out, after_items.pop()[1])
        if passage is None:
            out.extend(block.lines)
            continue
        inside = spans_in(passage.text)
        if SCHOOL_LIST in passage.classes and not edits.fill.get(passage.id):
            removed(inside, "unfilled", passage.id)   # not shown: there is nothing to leave out
            continue
        if passage.id in edits.omit:
            applied.effects.append(Effect("omit", passage.id))
            removed(inside, "omit", passage.id)
            if passage.kind == "heading":
                skip_below = (passage.level, passage.id)
            elif passage.kind == "item":
                skip_item = (len(block.indent), passage.id)
            continue
        if SCHOOL_LIST in passage.classes:
            _school_list(block, edits, out, applied)
        elif passage.id in edits.replace:
            removed(inside, "replace", passage.id)
            out.extend(_reworded(block, edits.replace[passage.id]))
            applied.effects.append(Effect("replace", passage.id, anchor=passage.id))
        else:
            out.extend(block.lines)
        added: list[str] = []
        for n, text in enumerate(edits.add_after.get(passage.id, []), 1):
            added.extend(_as_block(text, f"{passage.id}.added-{n}", passage.kind, block.indent))
            applied.effects.append(Effect("add_after", passage.id, n, f"{passage.id}.added-{n}"))
        if added and passage.kind == "item":
            after_items.append((len(block.indent), added))
        else:
            out.extend(added)
    while after_items:
        _before_blank_lines(out, after_items.pop()[1])
    applied.markdown = _apply_spans("\n".join(out), edits, applied)
    return applied


def _reworded(block: Block, new: str) -> list[str]:
    passage = block.passage
    if passage.kind == "heading":
        return [f"{'#' * passage.level} {' '.join(new.split())} {{: #{passage.id} }}"]
    shaped = _as_block(new, passage.id, passage.kind, block.indent)
    return shaped[1:] if passage.kind == "paragraph" else shaped


def _school_list(block: Block, edits: Edits, out: list[str], applied: Applied) -> None:
    """A list only the school fills, with the school's items (and its lead-in reworded)."""
    passage = block.passage
    items = edits.fill[passage.id]
    if passage.id in edits.replace:
        lead_in = _reworded(block, edits.replace[passage.id])
        out.extend(line for line in lead_in if not line.lstrip().startswith("{:"))
        applied.effects.append(Effect("replace", passage.id, anchor=passage.id))
    else:
        out.extend(block.lines[:-1])
    out.append(_marker(passage.id, block.indent))
    nested = block.indent + "    "
    for n, item in enumerate(items, 1):
        out.extend(_as_block(item, f"{passage.id}.item-{n}", "item", nested))
    applied.effects.append(Effect("fill", passage.id, anchor=passage.id))


_ONE_PARAGRAPH = ("words added after a sentence join that sentence's paragraph, so they must be "
                  "one paragraph: remove the blank lines and list bullets")
_ONE_PARAGRAPH_REWORDED = ("a reworded sentence stays inside its paragraph, so it must be one "
                           "paragraph: remove the blank lines and list bullets")


def _inline(text: str) -> str | None:
    """School text as words inside a paragraph; None when it is more than one paragraph."""
    lines = [line.strip() for line in text.strip().split("\n")]
    if "" in lines or any(ANY_HEADING.match(line) or line[:2] in ("- ", "* ", "+ ") for line in lines):
        return None
    return " ".join(" ".join(lines).split())


def _apply_spans(markdown: str, edits: Edits, applied: Applied) -> str:
    """Spans become HTML spans; left out, reworded or followed by the school's words.
    Spans are taken outermost first, so a span inside one that is left out goes with it."""
    out: list[str] = []
    at = 0
    for start, end, marker_end, span_id in _outer_spans(markdown):
        out.append(markdown[at:start])
        inner = markdown[start + 1:end]
        at = marker_end
        if span_id in edits.omit:
            applied.effects.append(Effect("omit", span_id))
            for nested in spans_in(inner):
                applied.removed.setdefault(nested.id, ("omit", span_id))
            joined = "".join(out)
            if joined.endswith(" ") and markdown[at:at + 1] in ("", " ", "\n", ".", ",", ";", ":", ")"):
                out = [joined.rstrip(" ")]
            continue
        if span_id in edits.replace:
            new = _inline(edits.replace[span_id])
            if new is None:
                applied.refused[("replace", span_id, 0)] = _ONE_PARAGRAPH_REWORDED
            else:
                for nested in spans_in(inner):
                    applied.removed.setdefault(nested.id, ("replace", span_id))
                inner = new
                applied.effects.append(Effect("replace", span_id, anchor=span_id))
        if span_id not in edits.replace or ("replace", span_id, 0) in applied.refused:
            inner = _apply_spans(inner, edits, applied)
        out.append(f'<span id="{span_id}">{inner}</span>')
        for n, text in enumerate(edits.add_after.get(span_id, []), 1):
            words = _inline(text)
            if words is None:
                applied.refused[("add_after", span_id, n)] = _ONE_PARAGRAPH
                continue
            out.append(f' <span id="{span_id}.added-{n}" class="{SCHOOL_CLASS}">{words}</span>')
            applied.effects.append(Effect("add_after", span_id, n, f"{span_id}.added-{n}"))
    out.append(markdown[at:])
    return "".join(out)


def _outer_spans(markdown: str) -> list[tuple[int, int, int, str]]:
    """(start of `[`, index of `]`, end of the marker, id) of each span not inside another."""
    found = []
    for m in SPAN_END.finditer(markdown):
        found.append((find_span_start(markdown, m.start()), m.start(), m.end(), m["id"]))
    outer = [s for s in found if not any(o[0] < s[0] and s[2] <= o[2] for o in found if o is not s)]
    return sorted(outer)
