"""Make the Word fixtures (<slug>.docx) from the seed text files, as a school's Word file has them:
real headings, bold, bullet lists and a table for the title page's tab-separated lines.

Run from the repository root: `.venv/bin/python tests/seeds/make_docx.py` (needs pandoc).
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SLUGS = ["westfield", "hartsfield", "dacorum-esc"]
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+")


def _is_heading(paragraph: list[str]) -> bool:
    line = paragraph[0].strip()
    return (len(paragraph) == 1 and not _ITEM.match(line) and len(line.split()) <= 14
            and not line.endswith((".", ",", ";")) and not re.match(r"^[^:]{1,40}:\s*\S", line)
            and not line.startswith(("(", "#")) and "\t" not in line)


def markdown_of(text: str) -> str:
    """The seed's text as Markdown: one-line paragraphs that read as headings become headings."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if any("\t" in line for line in lines):
            cells = [[c.strip() for c in line.split("\t")] for line in lines]
            width = max(len(row) for row in cells)
            rows = [row + [""] * (width - len(row)) for row in cells]
            out.append("\n".join(["| " + " | ".join([" "] * width) + " |",
                                  "|" + "---|" * width] + ["| " + " | ".join(r) + " |" for r in rows]))
        elif _is_heading(lines):
            out.append("## " + lines[0].strip().strip("*").strip())
        elif all(re.match(r"^[^:]{1,40}:\s*\S", line) for line in lines) and len(lines) > 1:
            out.extend(lines)
        else:
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def main() -> int:
    for slug in SLUGS:
        text = (HERE / f"{slug}.txt").read_text(encoding="utf-8")
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / f"{slug}.md"
            source.write_text(markdown_of(text), encoding="utf-8")
            subprocess.run(["pandoc", "-f", "markdown-smart", "-t", "docx", "-o", str(HERE / f"{slug}.docx"),
                            str(source)], check=True)
        print(f"wrote tests/seeds/{slug}.docx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
