"""The model's Markdown as plain words, where words are shown or compared rather than
rendered as a page: the differences from the model (render/differences.py), the passage
descriptions editors see (school/schema_file.py) and the importer's patterns
(importing/slots.py). One set of rules, so the three read a passage alike."""
from __future__ import annotations

import re

PLACEHOLDER = re.compile(r"\{\{\s*([^}]*?)\s*\}\}")
_TAG = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
_ATTRIBUTES = re.compile(r"\{:[^}]*\}")
_LINK_TEXT = r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]"
_REFERENCE_LINK = re.compile(_LINK_TEXT + r"\[[a-z0-9-]+\]")
_INLINE_LINK = re.compile(_LINK_TEXT + r"\((?:[^()]|\([^)]*\))*\)")    # an address may hold (…)
_MARKUP = re.compile(r"<[^>]+>|[*_`]+|^\s*(?:[-*+]|\d+\.)\s+|^#+\s+", re.M)


def links_as_text(markdown: str) -> str:
    """Attribute lists gone, and every link replaced by its text; other markup kept."""
    text = _ATTRIBUTES.sub("", markdown)
    text = _REFERENCE_LINK.sub(lambda m: m[1], text)
    return _INLINE_LINK.sub(lambda m: m[1], text)


def without_markup(markdown: str) -> str:
    """links_as_text, and no emphasis, code marks, HTML tags, list markers, heading marks or
    brackets left; placeholders and line breaks kept."""
    return _MARKUP.sub("", links_as_text(markdown)).replace("[", "").replace("]", "")


def plain_words(markdown: str, words: dict[str, str] | None = None) -> str:
    """The words a reader would read, on one line: each placeholder filled from `words`
    (by its expression), or shown as … ; template tags and comments left out."""
    text = PLACEHOLDER.sub(lambda m: (words or {}).get(m[1], "…"), markdown)
    return " ".join(without_markup(_TAG.sub("", text)).split())
