"""Which words of the school's document say which passage of the model.

The model's words (rendered for the school) and the document's words are aligned as two
sequences, as the fidelity measure compares them. Each document word then belongs to the
passage it matched; a block most of whose words matched nothing is the school's own text.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from macros.importing.expected import WORD, ExpectedPassage
from macros.importing.reading import Block

# A block with less than this share of its words found in the model is the school's own.
OWN_TEXT_BELOW = 0.5
_LINK_TARGET = re.compile(r"\]\(([^)]*)\)")


@dataclass(frozen=True)
class DocWord:
    block: int
    start: int
    end: int
    word: str


def document_words(blocks: list[Block]) -> list[DocWord]:
    """Every word of the document with where it stands (link addresses are not words)."""
    found = []
    for b, block in enumerate(blocks):
        masked = _LINK_TARGET.sub(lambda m: "]" + " " * (len(m[0]) - 1), block.text.lower())
        found += [DocWord(b, m.start(), m.end(), m[0].replace("’", "'")) for m in WORD.finditer(masked)]
    return found


@dataclass
class Alignment:
    expected: list[ExpectedPassage]
    blocks: list[Block]
    doc_words: list[DocWord]
    owner: list[int | None]             # per document word: the expected passage it says, or None
    matched: list[bool]                 # per document word: found word for word in the model
    model_matched: list[int] = field(default_factory=list)  # per expected passage: words found

    def owned(self, passage: int) -> list[int]:
        return [j for j, o in enumerate(self.owner) if o == passage]

    @property
    def model_share(self) -> float:
        """The share of the model's words that the document says."""
        total = sum(len(p.words) for p in self.expected)
        return sum(self.model_matched) / total if total else 0.0

    @property
    def document_share(self) -> float:
        """The share of the document's words found in the model."""
        return sum(self.matched) / len(self.matched) if self.matched else 0.0


def align(expected: list[ExpectedPassage], blocks: list[Block]) -> Alignment:
    model_words, model_owner = [], []
    for p, passage in enumerate(expected):
        model_words += passage.words
        model_owner += [p] * len(passage.words)
    doc = document_words(blocks)
    doc_words = [w.word for w in doc]
    owner: list[int | None] = [None] * len(doc)
    matched = [False] * len(doc)
    model_matched = [0] * len(expected)
    matcher = difflib.SequenceMatcher(None, model_words, doc_words, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for k in range(j2 - j1):
                owner[j1 + k] = model_owner[i1 + k]
                matched[j1 + k] = True
    _settle_blocks(doc, owner, matched, expected)
    _trim_leading(doc, owner, matched, expected)
    for j, hit in enumerate(matched):
        if hit:
            model_matched[owner[j]] += 1
    return Alignment(expected, blocks, doc, owner, matched, model_matched)


def _trim_leading(doc: list[DocWord], owner: list[int | None], matched: list[bool],
                  expected: list[ExpectedPassage]) -> None:
    """Title-page lines before the policy starts (`CHILDREN WITH A SOCIAL WORKER`) are not the
    model's words: the policy starts at the first block that says most of a passage."""
    blocks: dict[int, list[int]] = {}
    for j, word in enumerate(doc):
        blocks.setdefault(word.block, []).append(j)
    said = [(indexes, [j for j in indexes if matched[j]]) for indexes in blocks.values()]
    said = [(indexes, hits) for indexes, hits in said if hits]
    for n, (indexes, hits) in enumerate(said):
        here = owner[hits[0]]
        following = owner[said[n + 1][1][0]] if n + 1 < len(said) else here
        if len(hits) >= 8 or (len(hits) >= 0.6 * len(expected[here].words) and 0 <= following - here <= 3):
            return
        for j in indexes:
            owner[j], matched[j] = None, False


def _settle_blocks(doc: list[DocWord], owner: list[int | None], matched: list[bool],
                   expected: list[ExpectedPassage]) -> None:
    """A block is either the school's own (no owner) or said by passages, word by word.

    Words of a model block that the school changed take the owner of the nearest word that
    matched in the same block, so a reworded passage keeps its changed words.
    """
    by_block: dict[int, list[int]] = {}
    for j, word in enumerate(doc):
        by_block.setdefault(word.block, []).append(j)
    for indexes in by_block.values():
        hits = [j for j in indexes if matched[j]]
        # A short run of matched words inside the school's own text is a coincidence.
        if len(hits) < OWN_TEXT_BELOW * len(indexes) or (len(hits) < 3 and len(indexes) > 6):
            for j in indexes:
                owner[j] = None
                matched[j] = False
            continue
        # A few words of a block matched to another passage (a heading's words at the start
        # of a paragraph, say) belong to the passage that says most of the block.
        counts: dict[int, int] = {}
        for j in hits:
            counts[owner[j]] = counts.get(owner[j], 0) + 1
        main = max(counts, key=counts.get)
        for other, count in counts.items():
            if other != main and count < 3 and (count < 0.5 * len(expected[other].words)
                                                or expected[other].kind == "heading"):
                for j in hits:
                    if owner[j] == other:
                        owner[j], matched[j] = main, False
        previous = None
        for j in indexes:
            if matched[j]:
                previous = owner[j]
            elif previous is not None:
                owner[j] = previous
        following = None
        for j in reversed(indexes):
            if matched[j]:
                following = owner[j]
            elif owner[j] is None:
                owner[j] = following
