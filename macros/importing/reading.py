"""A school's document as a list of blocks (headings, paragraphs, list items) of inline Markdown.

Every format goes through one reader: a Word file becomes HTML (mammoth), an HTML file is
read as it is, and text or Markdown files are read as Markdown. Bold and italics survive as
`**`/`*`, links with a real address as `[text](address)`; links to nowhere (`#`) keep only
their text, as the site shows them.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from macros.errors import PolicyError, Problem

MAX_BYTES = 20 * 1024 * 1024
FORMATS = (".docx", ".txt", ".md", ".markdown", ".html", ".htm")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .docx and old .doc files
_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+•]|\d+[.)])\s+(?P<text>.*)$")
_ATX_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ROW_LINE = re.compile(r"^[^:.]{1,60}:\s*\S")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_REAL_LINK = re.compile(r"^(https?://|mailto:|tel:)", re.I)


@dataclass
class Block:
    """One heading, paragraph or list item of the school's document, in reading order."""

    kind: str   # "heading", "paragraph" or "item"
    text: str   # inline Markdown
    level: int = 0  # heading level, or list depth (0 for a top-level item)

    @property
    def plain(self) -> str:
        return " ".join(re.sub(r"[*_`]+", "", _LINK.sub(r"\1", self.text)).split())


def _tidy_links(text: str) -> str:
    """Links to a real address stay; a placeholder link (`#`, empty) keeps only its words."""
    return _LINK.sub(lambda m: m[0] if _REAL_LINK.match(m[2].strip()) else m[1], text)


def read_document(path: Path) -> list[Block]:
    """Read a .docx, .txt, .md or .html policy; raise PolicyError saying what to do otherwise."""
    name = str(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        hint = (" Open it in Word and save it as a Word document (.docx)." if suffix in (".doc", ".odt", ".rtf", ".pdf", ".pages")
                else "")
        raise PolicyError(Problem(name, f"cannot read {suffix or 'a file without an extension'} files; "
                                  f"give a Word document (.docx), a text file (.txt), Markdown (.md) or a web page (.html).{hint}"))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PolicyError(Problem(name, f"is {size / 1024 / 1024:.1f} MB, more than a policy document's "
                                      f"{MAX_BYTES // 1024 // 1024} MB; save a copy without pictures, or as plain text (.txt), and import that"))
        data = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError(Problem(name, "no such file; check the name and folder")) from None
    except IsADirectoryError:
        raise PolicyError(Problem(name, "is a folder; give the policy document inside it")) from None
    except OSError as error:
        raise PolicyError(Problem(name, f"cannot be read: {error.strerror or error}")) from None
    if not data.strip():
        raise PolicyError(Problem(name, "is empty; give the school's policy document"))
    if suffix == ".docx":
        blocks = html_blocks(_docx_html(data, name))
    elif suffix in (".html", ".htm"):
        blocks = html_blocks(_decode(data, name))
    else:
        blocks = markdown_blocks(_decode(data, name))
    if not blocks:
        raise PolicyError(Problem(name, "holds no text to import (a scanned picture of a document "
                                  "has none: ask for the Word version)"))
    return blocks


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise PolicyError(Problem(name, "is not a text file (it holds binary data); give the .docx or a .txt copy"))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _docx_html(data: bytes, name: str) -> str:
    import io

    import mammoth

    if data.startswith(_OLE_MAGIC):
        raise PolicyError(Problem(name, "is protected with a password (or is an old-style .doc): open it "
                                  "in Word, remove the password (File > Info > Protect Document > Encrypt "
                                  "with Password, clear it), save as .docx and import that copy"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise zipfile.BadZipFile("no word/document.xml")
        return mammoth.convert_to_html(io.BytesIO(data)).value
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as error:
        raise PolicyError(Problem(name, f"is not a readable Word document ({error}); it may be damaged: "
                                  "open it in Word and save it again as .docx")) from None
    except Exception as error:  # mammoth raises bare errors on malformed XML
        raise PolicyError(Problem(name, f"is not a readable Word document ({type(error).__name__}); "
                                  "open it in Word and save it again as .docx")) from None


def _squeeze(text: str) -> str:
    """Runs of spaces become one; a tab (between a table's cells) stays."""
    return re.sub(r" *\t[ \t]*", "\t", re.sub(r"[^\S\t]+", " ", text)).strip()


_BOLD_TAG = re.compile(r"</?(?:b|strong)\s*>", re.I)
_ITALIC_TAG = re.compile(r"</?(?:i|em)\s*>", re.I)
_INLINE_TAG = re.compile(r"</?(?:sup|sub|span|u|font|small|mark)\b[^>]*>", re.I)
_ANY_TAG = re.compile(r"</?[a-z][^>]*>", re.I)


def markdown_blocks(text: str) -> list[Block]:
    """Blank-line separated paragraphs; `-`, `*`, `1.` start list items; `#` starts a heading.
    Stray HTML tags (text copied from a web page) become Markdown emphasis or a space."""
    text = _ANY_TAG.sub(" ", _INLINE_TAG.sub("", _ITALIC_TAG.sub("*", _BOLD_TAG.sub("**", text))))
    blocks: list[Block] = []
    lines: list[str] = []

    def flush() -> None:
        # Lines that are each `Label: value` (a title page's dates) stay apart.
        rows = len(lines) > 1 and all(_ROW_LINE.match(line.strip()) for line in lines)
        for text in (lines if rows else [" ".join(lines)] if lines else []):
            blocks.append(Block("paragraph", _tidy_links(_squeeze(text))))
        lines.clear()

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            flush()
            continue
        heading = _ATX_HEADING.match(raw)
        item = _LIST_ITEM.match(raw)
        if heading:
            flush()
            blocks.append(Block("heading", _tidy_links(heading[2]), len(heading[1])))
        elif item:
            flush()
            depth = len(item["indent"].expandtabs(4)) // 2 if item["indent"] else 0
            blocks.append(Block("item", _tidy_links(" ".join(item["text"].split())), min(depth, 1)))
        elif blocks and blocks[-1].kind == "item" and not lines and raw[:1] in " \t":
            blocks[-1].text += " " + _tidy_links(" ".join(raw.split()))  # an item's continued line
        else:
            lines.append(raw)
    flush()
    return [b for b in blocks if b.plain]


class _HtmlBlocks(HTMLParser):
    _BLOCK = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "div", "dt", "dd", "blockquote", "caption"}
    # A web page's own furniture (menus, header, footer, forms) is not the policy.
    _SKIP = {"script", "style", "head", "title", "template", "noscript", "nav", "header", "footer",
             "aside", "form", "button", "svg", "select"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.text: list[str] = []
        self.kind, self.level = "paragraph", 0
        self.depth = 0  # list nesting
        self.skipping = 0
        self.links: list[tuple[str, int, int]] = []  # (address, block number, where its text starts)
        self.serial = 0

    def flush(self, term: bool = False) -> None:
        text = _squeeze("".join(self.text))
        text = re.sub(r"\*\*\s*\*\*", "", text)
        if term and text and not text.endswith(":"):
            text += ":"  # a definition list's term labels the value after it
        if text:
            self.blocks.append(Block(self.kind, _tidy_links(text), self.level))
        self.text = []
        self.serial += 1
        self.kind, self.level = "paragraph", 0

    def handle_starttag(self, tag, attrs):
        if tag in self._SKIP:
            self.skipping += 1
        elif tag in ("ul", "ol"):
            self.flush()
            self.depth += 1
        elif tag in self._BLOCK:
            self.flush()
            if tag[0] == "h" and tag[1:].isdigit():
                self.kind, self.level = "heading", int(tag[1])
            elif tag == "li":
                self.kind, self.level = "item", min(max(self.depth - 1, 0), 1)
        elif tag in ("strong", "b"):
            self.text.append("**")
        elif tag in ("em", "i"):
            self.text.append("*")
        elif tag == "br":
            self.text.append("\t")  # a line break, as between a title page's lines
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", self.serial, len(self.text)))

    def handle_endtag(self, tag):
        if tag in self._SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("ul", "ol"):
            self.flush()
            self.depth = max(0, self.depth - 1)
        elif tag in self._BLOCK:
            self.flush(term=tag == "dt")
        elif tag in ("strong", "b"):
            self.text.append("**")
        elif tag in ("em", "i"):
            self.text.append("*")
        elif tag == "a" and self.links:
            href, serial, start = self.links.pop()
            if serial == self.serial:  # a link around whole blocks keeps only their text
                self.text.insert(start, "[")
                self.text.append(f"]({href})")

    def handle_data(self, data):
        if not self.skipping:
            self.text.append(data.replace("\xa0", " "))


def html_blocks(html: str) -> list[Block]:
    parser = _HtmlBlocks()
    parser.feed(html)
    parser.close()
    parser.flush()
    return [b for b in parser.blocks if b.plain]
