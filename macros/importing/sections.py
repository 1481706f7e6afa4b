"""Sections a document rewrites so thoroughly that passage edits would only hide it.

When a document says less than REWRITTEN_BELOW of a section's model words, and most of the
section's passages would need an edit, the school file gives that section in the school's own
words (`sections:`) instead: the last resort the school file offers, taken only where the
document itself took it. The first section (title, roles) always stays passage by passage.
"""
from __future__ import annotations

from collections import Counter

from macros.importing.align import Alignment
from macros.importing.departures import Departures

REWRITTEN_BELOW = 0.6
MOST_EDITED = 0.5


def block_sections(al: Alignment) -> list[str | None]:
    """The model section each block of the document stands in (None before the policy starts)."""
    owner_of: dict[int, int] = {}
    for j, word in enumerate(al.doc_words):
        if al.owner[j] is not None:
            owner_of[word.block] = al.owner[j]
    found, current = [], None
    for b in range(len(al.blocks)):
        if b in owner_of:
            current = al.expected[owner_of[b]].section
        found.append(current)
    return found


def rewritten_sections(al: Alignment, departures: Departures, passage_section: dict[str, str]) -> list[str]:
    words, said, named = Counter(), Counter(), Counter()
    for p, passage in enumerate(al.expected):
        words[passage.section] += len(passage.words)
        said[passage.section] += al.model_matched[p]
        if passage.id and passage.words and not passage.school_list:
            named[passage.section] += 1
    edited = Counter(passage_section.get(d.passage, d.passage.split(".")[0]) for d in departures.edits)
    first = al.expected[0].section if al.expected else None
    placed = set(block_sections(al))
    return [section for section in words
            if section != first and section in placed and named[section] >= 3
            and said[section] < REWRITTEN_BELOW * words[section] and edited[section] >= MOST_EDITED * named[section]]


def _markdown(al: Alignment, blocks: list[int]) -> str:
    lines: list[str] = []
    for b in blocks:
        block = al.blocks[b]
        if block.kind == "item":
            if lines and not lines[-1].lstrip().startswith("- "):
                lines.append("")
            lines.append("    " * block.level + "- " + block.text)
            continue
        if lines:
            lines.append("")
        lines.append(("## " + block.plain) if block.kind == "heading" else block.text)
    return "\n".join(lines).strip() + "\n"


def own_sections(al: Alignment, departures: Departures, passage_section: dict[str, str]) -> dict[str, str]:
    """Move the rewritten sections out of the passage edits into their own text."""
    chosen = rewritten_sections(al, departures, passage_section)
    if not chosen:
        return {}
    where = block_sections(al)
    titles = {p.section: p for p in al.expected if p.kind == "heading" and p.level == 1}
    title_blocks = {al.doc_words[j].block for j, o in enumerate(al.owner)
                    if o is not None and al.expected[o] is titles.get(al.expected[o].section)}
    found = {}
    for section in chosen:
        blocks = [b for b, s in enumerate(where) if s == section and b not in title_blocks]
        if blocks:
            found[section] = _markdown(al, blocks)
    departures.edits = [d for d in departures.edits
                        if passage_section.get(d.passage, d.passage.split(".")[0]) not in found]
    departures.kept_headings = {name: text for name, text in departures.kept_headings.items()
                                if passage_section.get(name) not in found}
    departures.far_reworded = {name: why for name, why in departures.far_reworded.items()
                               if passage_section.get(name) not in found}
    return found
