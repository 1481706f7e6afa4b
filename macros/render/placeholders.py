"""A placeholder that cannot be filled, told as the model's author needs it: the page, the line,
the placeholder as written, and why (in the placeholder's words, not Jinja's).

Used wherever the model's Markdown is rendered: the page context (for the account of a school's
edits) and mkdocs-macros inside mkdocs (macros/mkdocs_glue/reporting.py).
"""
from __future__ import annotations

import re

from macros.errors import PolicyError, Problem

_PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_QUOTED_NAME = re.compile(r"'([A-Za-z_][A-Za-z0-9_]*)'")
_NO_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")
_UNDEFINED = re.compile(r"^'([^']+)' is undefined$")


def template_line(error: BaseException) -> int | None:
    """The line of the rendered Markdown where it failed (Jinja's own frames say it)."""
    line = getattr(error, "lineno", None)
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == "<template>":
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def placeholder_on(line_text: str, error: BaseException) -> str:
    """The placeholder on a line that the error is about (the one naming the missing name)."""
    found = _PLACEHOLDER.findall(line_text)
    names = _QUOTED_NAME.findall(str(error))
    for placeholder in found:
        if any(name in placeholder for name in names):
            return placeholder
    return found[0] if found else line_text.strip()


def macro_reason(error: BaseException, placeholder: str) -> str:
    """Jinja's reason in the placeholder's words: "'school' has no 'nmae'" rather than
    "'super_collections.SuperDict object' has no attribute 'nmae'"."""
    if isinstance(error, PolicyError):
        return "; ".join(problem.message for problem in error.problems)
    text = str(error)
    missing = _NO_ATTRIBUTE.search(text)
    if missing:
        owner = re.search(r"([A-Za-z_][\w.]*)\.%s\b" % re.escape(missing[1]), placeholder)
        return f"'{owner[1] if owner else 'it'}' has no '{missing[1]}'"
    undefined = _UNDEFINED.match(text)
    if undefined:
        return f"no value is called '{undefined[1]}'"
    return text


def placeholder_problem(file: str, markdown: str, error: BaseException, school_file: str) -> Problem:
    """The Problem for a placeholder in `markdown` (the page `file`) that failed with `error`."""
    line = template_line(error)
    lines = markdown.splitlines()
    text = lines[line - 1] if line and 0 < line <= len(lines) else ""
    placeholder = placeholder_on(text, error) if text else "a placeholder"
    return Problem(file, f"the placeholder {placeholder} cannot be filled: {macro_reason(error, placeholder)} "
                   f"(building {school_file})", line=line)
