"""From an alignment to the school file's passage edits: omit, replace, add_after, fill.

Each edit is the smallest that says what the document says: a left-out sentence that the
model names is omitted on its own, a heading whose whole part is gone is omitted once, and
wording is replaced only where the words differ (names, dates and choices are already filled
in the model text the document was aligned with).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from macros.importing.align import Alignment
from macros.importing.expected import ExpectedPassage


# A replacement keeping less than this share of the model's words is reported as unsure.
UNSURE_REWORDING_BELOW = 0.6


@dataclass
class Departure:
    kind: str        # "omit", "replace", "add_after", "fill"
    passage: str
    text: str | list[str] = ""   # the school's words (Markdown)
    quote: str = ""              # the first words of the school's text, for the file's comment


@dataclass
class Departures:
    edits: list[Departure] = field(default_factory=list)
    before_first: list[int] = field(default_factory=list)  # blocks before any model passage
    unsure: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # the document's text found no place
    kept_headings: dict[str, str] = field(default_factory=dict)  # name → text: missing, but kept
    far_reworded: dict[str, str] = field(default_factory=dict)   # name → why the rewording is unsure

    def of(self, kind: str) -> list[Departure]:
        return [d for d in self.edits if d.kind == kind]


def first_words(text: str, count: int = 8) -> str:
    """The first words of a piece of Markdown, as plain text, for a comment or the report."""
    plain = " ".join(re.sub(r"[*_`#\[\]]+", "", re.sub(r"\]\([^)]*\)", "]", text)).split())
    cut = plain.split(" ")
    return " ".join(cut[:count]) + (" …" if len(cut) > count else "")


def find_departures(al: Alignment) -> Departures:
    found = Departures()
    omitted = _omissions(al, found)
    for p, passage in enumerate(al.expected):
        if passage.id is None:
            _unnamed(al, p, found)
            continue
        if p in omitted or passage.school_list:
            continue
        owned = al.owned(p)
        if not owned:
            continue
        said = [al.doc_words[j].word for j in owned]
        if said == passage.words:
            continue
        spans = _omitted_spans(passage, said)
        if spans is not None:
            found.edits += [Departure("omit", s, quote=f"(left out) {first_words(_span_text(passage, s))}") for s in spans]
            continue
        reworded = _reworded_span(al, passage, owned)
        if reworded is not None:
            found.edits.append(reworded)
            continue
        text = text_of(al, owned, passage.kind)
        found.edits.append(Departure("replace", passage.id, text, first_words(text)))
        share = sum(1 for j in owned if al.matched[j]) / max(1, len(passage.words))
        if share < UNSURE_REWORDING_BELOW:
            found.far_reworded[passage.id] = (f"{passage.id} is reworded so far (it keeps {share:.0%} of the model's words) "
                                f"that \"{first_words(text)}\" may be the school's own text: check it belongs there")
    _additions(al, found)
    order = {p.id: i for i, p in enumerate(al.expected)}
    found.edits.sort(key=lambda d: order.get(d.passage, order.get(d.passage.rsplit(".", 1)[0], 0)))
    return found


def _unnamed(al: Alignment, p: int, found: Departures) -> None:
    """Text the model gives no name (a role's list of holders) cannot be edited: say so when the
    document words it otherwise, rather than lose the difference."""
    owned = al.owned(p)
    said = [al.doc_words[j].word for j in owned]
    if owned and said != al.expected[p].words:
        found.unsure.append(f"the document says \"{first_words(text_of(al, owned, 'paragraph'), 16)}\" where the "
                            f"site will say \"{first_words(al.expected[p].text, 16)}\" (set by the roles or dates)")


def _reworded_span(al: Alignment, passage: ExpectedPassage, owned: list[int]) -> Departure | None:
    """A rewording that lies inside one span the model names replaces only that span."""
    said = [al.doc_words[j].word for j in owned]
    opcodes = difflib.SequenceMatcher(None, passage.words, said, autojunk=False).get_opcodes()
    changed = [(i1, i2) for tag, i1, i2, _, _ in opcodes if tag != "equal"]
    for span_id, start, end, _ in passage.spans:
        if not all(start <= i1 and i2 <= end and (i1 < end or i1 == i2 == end) for i1, i2 in changed):
            continue
        first = last = None
        for tag, i1, i2, j1, j2 in opcodes:
            if tag != "equal":
                continue
            if i1 < start:                      # the document's words after the last unchanged one before
                first = j1 + (min(i2, start) - i1)
            if i2 > end and last is None:       # up to the first unchanged one after the span
                last = j1 + (max(i1, end) - i1)
        first = 0 if first is None else first
        last = len(owned) if last is None else last
        if last <= first:
            return None
        text = text_of(al, owned[first:last], "paragraph").strip()
        return Departure("replace", span_id, text, first_words(text))
    return None


def _span_text(passage: ExpectedPassage, span_id: str) -> str:
    for sid, _, _, text in passage.spans:
        if sid == span_id:
            return text
    return ""


def _omitted_spans(passage: ExpectedPassage, said: list[str]) -> list[str] | None:
    """The spans whose leaving out explains every difference, or None."""
    if not passage.spans:
        return None
    gone: set[int] = set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, passage.words, said, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag != "delete":
            return None
        gone.update(range(i1, i2))
    chosen = [sid for sid, start, end, _ in passage.spans if set(range(start, end)) <= gone and end > start]
    covered = set().union(*(set(range(s, e)) for sid, s, e, _ in passage.spans if sid in chosen)) if chosen else set()
    return chosen if chosen and covered == gone else None


def _omissions(al: Alignment, found: Departures) -> set[int]:
    """Passages the document leaves out; a heading whose whole part is gone stands for it."""
    missing = {p for p, passage in enumerate(al.expected)
               if passage.id and not passage.school_list and passage.words and al.model_matched[p] == 0
               and not al.owned(p)}
    covered: set[int] = set()
    for p, passage in enumerate(al.expected):
        if p not in missing or p in covered:
            continue
        if passage.kind == "heading":
            part = _part_of(al.expected, p)
            if all(q in missing or not al.expected[q].words or al.expected[q].school_list
                   or al.expected[q].id is None and not al.owned(q) for q in part):
                covered.update(part)
            else:
                found.kept_headings[passage.id] = passage.text
                missing.discard(p)
                continue
        found.edits.append(Departure("omit", passage.id, quote=f"(left out) {first_words(passage.text)}"))
        covered.add(p)
    return missing | covered


def _part_of(expected: list[ExpectedPassage], heading: int) -> list[int]:
    """The passages under a heading, up to the next heading of the same or a higher level."""
    level, section = expected[heading].level, expected[heading].section
    part = []
    for q in range(heading + 1, len(expected)):
        other = expected[q]
        if other.section != section or (other.kind == "heading" and other.level <= level):
            break
        part.append(q)
    return part


def text_of(al: Alignment, owned: list[int], kind: str) -> str:
    """The document's own text for these words: whole blocks where they fill a block."""
    pieces = []
    by_block: dict[int, list[int]] = {}
    for j in owned:
        by_block.setdefault(al.doc_words[j].block, []).append(j)
    for b, js in by_block.items():
        block = al.blocks[b]
        total = sum(1 for w in al.doc_words if w.block == b)
        if len(js) == total:
            pieces.append(block.text)
            continue
        start, end = al.doc_words[js[0]].start, al.doc_words[js[-1]].end
        while start > 0 and not block.text[start - 1].isspace():
            start -= 1
        while end < len(block.text) and not block.text[end].isspace():
            end += 1
        pieces.append(block.text[start:end])
    text = " ".join(pieces)
    return " ".join(re.sub(r"[*_`#]+", "", text).split()) if kind == "heading" else text


def _additions(al: Alignment, found: Departures) -> None:
    """The school's own blocks, each after the last passage the document said before it."""
    anchor: int | None = None
    pending: dict[int, list[int]] = {}
    block_owner: dict[int, int | None] = {}
    for j, word in enumerate(al.doc_words):
        block_owner.setdefault(word.block, None)
        if al.owner[j] is not None:
            block_owner[word.block] = al.owner[j]
    for b in range(len(al.blocks)):
        owner = block_owner.get(b)
        if owner is not None:
            anchor = owner if al.expected[owner].id else _named_before(al, owner, anchor)
            continue
        if anchor is None:
            found.before_first.append(b)
        else:
            pending.setdefault(anchor, []).append(b)
    for p, blocks in pending.items():
        passage = al.expected[p]
        items = [b for b in blocks if al.blocks[b].kind == "item"]
        if passage.school_list and len(items) == len(blocks):
            entries = [al.blocks[b].text for b in blocks]
            found.edits.append(Departure("fill", passage.id, entries, first_words(entries[0])))
            continue
        entries = _entries(al, blocks, passage.kind)
        found.edits.append(Departure("add_after", passage.id, entries if len(entries) > 1 else entries[0],
                                     first_words(entries[0])))


def _named_before(al: Alignment, p: int, anchor: int | None) -> int | None:
    for q in range(p, -1, -1):
        if al.expected[q].id and (al.owned(q) or q == anchor):
            return q
    return anchor


def _entries(al: Alignment, blocks: list[int], kind: str) -> list[str]:
    """Added blocks as entries: after a list item each is an item; elsewhere a run of list
    items stays one list and a heading of the school's becomes a bold line."""
    entries: list[str] = []
    for b in blocks:
        block = al.blocks[b]
        if kind == "item":
            entries.append(block.text)
        elif block.kind == "item":
            line = "    " * block.level + "- " + block.text
            if entries and entries[-1].lstrip().startswith("- "):
                entries[-1] += "\n" + line
            else:
                entries.append(line)
        elif block.kind == "heading":
            entries.append(f"**{block.plain}**")
        else:
            entries.append(block.text)
    return entries
