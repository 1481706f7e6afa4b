"""The editor's view of a site (`policy serve --names`): each passage's name beside its text."""
from __future__ import annotations

SHOW_NAMES_VARIABLE = "POLICY_SHOW_NAMES"
# For `policy serve --names`: each passage's name above (or, for a sentence, before) its text,
# in a face that reads as a label, selectable with one click to paste into the school file.
NAMES_STYLE = """
<style>
.md-typeset [id*="."]::before, .md-typeset h1[id]::before {
  content: attr(id); display: block; width: fit-content; margin: 0.2em 0;
  padding: 0 0.3em; font: 600 0.7rem/1.5 monospace; color: #1a1a1a; background: #fff3b0;
  border: 1px solid #8a6d00; user-select: all; }
.md-typeset span[id*="."]::before { display: inline; margin: 0 0.3em 0 0; }
</style>
"""


def show_names(environ) -> bool:
    """Whether this build is an editor's view, with each passage's name beside its text."""
    return environ.get(SHOW_NAMES_VARIABLE, "").strip() not in ("", "0")
