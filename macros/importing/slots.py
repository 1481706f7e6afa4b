"""What a school's document puts where the model has a placeholder.

Each model passage with placeholders is turned into a pattern: its own words stand fixed,
each `{{ placeholder }}` matches what the document says there, and each `{% if %}` branch
may or may not be there. Run over the document's words for that passage, it reads the
school's name, dates, pronoun and choices straight out of the model's own sentences.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from macros.importing.expected import words
from macros.model.plain_text import links_as_text, without_markup

_TOKEN = re.compile(r"\{\{\s*(?P<expr>.*?)\s*\}\}|\{%-?\s*(?P<tag>.*?)\s*-?%\}")


@dataclass
class Pattern:
    regex: re.Pattern
    groups: dict[str, str] = field(default_factory=dict)     # group name → placeholder
    branches: dict[str, str] = field(default_factory=dict)   # group name → condition (true when matched)


def _literal(text: str) -> str:
    tokens = words(without_markup(text))
    return r"\W*" + r"\W+".join(re.escape(t) for t in tokens) + r"\W*" if tokens else r"\W*"


def pattern_of(source: str) -> Pattern | None:
    """The pattern for one passage's model source, or None when it has no placeholder."""
    source = links_as_text(source)
    if not _TOKEN.search(source) or not words(without_markup(_TOKEN.sub(" ", source))):
        return None  # a bare placeholder (a heading that is only a name) would match anything
    pattern = Pattern(re.compile(""))
    parts: list[str] = []
    stack: list[tuple[str, list[str], str | None]] = []  # (condition, parts before, branch group)
    position, count = 0, 0
    for m in _TOKEN.finditer(source):
        parts.append(_literal(source[position:m.start()]))
        position = m.end()
        count += 1
        if m["expr"] is not None:
            name = f"g{count}"
            pattern.groups[name] = m["expr"].replace("'", '"')
            parts.append(rf"(?P<{name}>.+?)")
            continue
        tag = m["tag"]
        if tag.startswith("if "):
            name = f"b{count}"
            pattern.branches[name] = tag[3:].strip()
            stack.append((tag[3:].strip(), parts, name))
            parts = [rf"(?P<{name}>)"]
        elif tag == "else" and stack:
            condition, before, name = stack.pop()
            stack.append((condition, before + ["(?:" + "".join(parts) + "|"], None))
            parts = []
        elif tag == "endif" and stack:
            _, before, name = stack.pop()
            inner = "".join(parts)
            parts = before + ([f"(?:{inner})?"] if name else [inner + ")"])
    parts.append(_literal(source[position:]))
    text = "".join(parts)
    try:
        pattern.regex = re.compile(rf"^{text}$", re.I | re.S)
    except re.error:
        return None
    return pattern


@dataclass
class Readings:
    """Every value found for each placeholder, and which `{% if %}` conditions held."""

    values: dict[str, Counter] = field(default_factory=dict)
    conditions: dict[str, Counter] = field(default_factory=dict)

    def best(self, placeholder: str) -> str | None:
        found = self.values.get(placeholder)
        return found.most_common(1)[0][0] if found else None

    def held(self, condition: str) -> bool | None:
        found = self.conditions.get(condition)
        return found.most_common(1)[0][0] if found else None


def read_slots(pattern: Pattern, text: str, readings: Readings) -> bool:
    """Record what `text` (the document's words for the passage) says in each placeholder."""
    flat = " ".join(re.sub(r"[*_`]+", "", text).split()).replace("’", "'")
    m = pattern.regex.match(flat)
    if not m:
        return False
    for name, placeholder in pattern.groups.items():
        value = m[name]
        if value is not None:
            value = value.strip(" .,;:'\"()")
            if value:
                readings.values.setdefault(placeholder, Counter())[value] += 1
    for name, condition in pattern.branches.items():
        readings.conditions.setdefault(condition, Counter())[m[name] is not None] += 1
    return True
