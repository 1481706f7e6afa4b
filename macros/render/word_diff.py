"""Word-level differences between the model's words and a school's, for people to read.

Runs of unchanged words are shortened to a few words either side of each change, never the
change itself, so two versions are never shown cut off before the place where they differ.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass

CONTEXT_WORDS = 6      # unchanged words kept either side of a change
LONGEST_SAME = 2 * CONTEXT_WORDS + 4   # a longer unchanged run is shortened
ELLIPSIS = "…"


@dataclass(frozen=True)
class Piece:
    kind: str   # "same", "removed" or "added"
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """The words of `old` and `new` as unchanged, removed and added pieces, in reading order."""
    a, b = old.split(), new.split()
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", " ".join(a[i1:i2])))
        if j2 > j1:
            pieces.append(Piece("added", " ".join(b[j1:j2])))
    return pieces


def shortened(pieces: list[Piece]) -> list[Piece]:
    """Long unchanged runs cut to the words next to each change (`…` marks what is left out)."""
    out: list[Piece] = []
    for n, piece in enumerate(pieces):
        words = piece.text.split()
        if piece.kind != "same" or len(words) <= LONGEST_SAME:
            out.append(piece)
            continue
        first, last = n == 0, n == len(pieces) - 1
        if first and last:
            out.append(piece)
        elif first:
            out.append(Piece("same", f"{ELLIPSIS} " + " ".join(words[-CONTEXT_WORDS:])))
        elif last:
            out.append(Piece("same", " ".join(words[:CONTEXT_WORDS]) + f" {ELLIPSIS}"))
        else:
            out.append(Piece("same", " ".join(words[:CONTEXT_WORDS]) + f" {ELLIPSIS} "
                             + " ".join(words[-CONTEXT_WORDS:])))
    return out


def marked(pieces: list[Piece], removed: tuple[str, str] = ("[-", "-]"),
           added: tuple[str, str] = ("{+", "+}")) -> str:
    """The pieces as one line: removed and added words between their markers."""
    parts = []
    for piece in pieces:
        if piece.kind == "removed":
            parts.append(f"{removed[0]}{piece.text}{removed[1]}")
        elif piece.kind == "added":
            parts.append(f"{added[0]}{piece.text}{added[1]}")
        else:
            parts.append(piece.text)
    return " ".join(parts)


def side(pieces: list[Piece], keep: str) -> list[Piece]:
    """One side of the difference: the model's words (keep="removed") or the school's ("added")."""
    return [p for p in pieces if p.kind in ("same", keep)]
