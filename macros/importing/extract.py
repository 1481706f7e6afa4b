"""The facts of a school's document: its name, setting, governance, role holders, dates, choices.

Role holders are read from the lines under the model's "Name of the …" headings (found by
how closely a line of the document matches them); dates from the title page's
"label: value" lines and from the model's own dated sentences; everything else from what the
document says where the model has a placeholder (slots.py).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from macros.school.dates import DateFormatError, parse_policy_date
from macros.model.model import Model
from macros.importing.expected import words
from macros.importing.reading import Block

ROLE_HEADINGS = {
    "designated_teacher": ["index.designated-teacher"],
    "designated_governor": ["index.designated-governor"],
    "safeguarding_lead": ["index.safeguarding-lead"],
}
HEADING_LIKENESS = 0.7
_SETTING_WORDS = re.compile(r"\b(school|centre|center|academy|college|nursery|unit|infants?|juniors?|jmi|pru)\b", re.I)
_TITLE_SPLIT = re.compile(r"\s+[-–—]\s+|\s*\(\s*(?P<paren>[^)]+)\)\s*$|,\s+")
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*"
DATE_IN_TEXT = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?\s+\d{{4}}|{_MONTH}\.?\s+\d{{4}}"
    rf"|(?:autumn|spring|summer)(?:\s+term)?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b", re.I)
_ROW = re.compile(r"^(?P<label>[^:]{1,60}?):\s*(?P<value>.*)$")
_ACRONYMS = {"jmi", "pru", "rc", "ce", "cofe", "sen", "send", "esc"}
_SMALL_WORDS = {"and", "of", "the", "for", "in", "at", "on", "a", "an", "to", "with"}


@dataclass
class Holder:
    name: str
    title: str | None = None


@dataclass
class Facts:
    """What the importer read, and from where (for the report)."""

    name: str | None = None
    short_name: str | None = None
    setting: str = "school"
    governance: str = "governing-body"
    roles: dict[str, list[Holder]] = field(default_factory=dict)
    pronoun: str | None = None
    dates: dict[str, str] = field(default_factory=dict)
    choices: dict = field(default_factory=dict)
    title_lines: list[str] = field(default_factory=list)
    title_rows: list[tuple[str, str]] = field(default_factory=list)
    found: list[str] = field(default_factory=list)
    unsure: list[str] = field(default_factory=list)


def likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, words(a), words(b), autojunk=False).ratio()


def split_holder(line: str) -> Holder:
    """`Emma Leach - Headteacher`, `Naomi Walker (Deputy Headteacher)`, `Hannah Badger, SENDCo`."""
    text = " ".join(re.sub(r"[*_`]+", "", line).split()).strip(" .;:")
    m = re.match(r"^(?P<name>.+?)\s*\((?P<title>[^)]+)\)$", text)
    if m:
        return Holder(m["name"].strip(), m["title"].strip())
    for separator in (" - ", " – ", " — ", ", "):
        if separator in text:
            name, title = text.split(separator, 1)
            return Holder(name.strip(), title.strip() or None)
    return Holder(text)


# Words that name each role where a document lists its people its own way ("Designated
# Teacher: Jane Smith", or a table of roles and names).
ROLE_WORDS = {
    "designated_teacher": re.compile(r"\bdesignated teachers?\b", re.I),
    "designated_governor": re.compile(r"\b(governors?|management committee member)\b", re.I),
    "safeguarding_lead": re.compile(r"\b(safeguarding leads?|dsl)\b", re.I),
}
_PERSON = re.compile(r"^(?:(?:mr|mrs|ms|miss|dr|mx)\.?\s+)?[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3}"
                     r"(?:\s*(?:[-–—,(]).*)?$")


def find_roles(blocks: list[Block], model: Model, facts: Facts) -> None:
    """The people under each "Name of the …" heading of the document (or, failing that, beside
    or under a short line that names the role)."""
    headings = {}
    for role, ids in ROLE_HEADINGS.items():
        texts = [model.passages[i].text for i in ids if i in model.passages]
        variants = []
        for text in texts:
            for member in ("Designated School Governor", "Designated Management Committee Member"):
                variants.append(re.sub(r"\{\{[^}]*\}\}", member, text))
        best = max(((max(likeness(b.plain, v) for v in variants), i) for i, b in enumerate(blocks)
                    if len(words(b.plain)) <= 30), default=(0, None))
        if best[0] >= HEADING_LIKENESS:
            headings[role] = best[1]
    starts = sorted(headings.values())
    model_headings = [p.text for p in model.passages.values() if p.kind == "heading" and "{" not in p.text]
    for role, at in headings.items():
        stop = min([s for s in starts if s > at] + [len(blocks)])
        holders = []
        for i in range(at + 1, min(stop, at + 6)):
            block = blocks[i]
            if (len(words(block.plain)) > 12 or block.plain.endswith((".", ":"))
                    or any(likeness(block.plain, h) >= 0.8 for h in model_headings)):
                break
            holders.append(split_holder(block.plain))
        if holders:
            facts.roles[role] = holders
        heading = blocks[at].plain.lower()
        if role == "designated_governor" and "committee" in heading:
            facts.governance = "management-committee"
    for role in ROLE_HEADINGS:
        if role not in facts.roles:
            _role_by_its_words(blocks, role, facts)
        if role in facts.roles:
            facts.found.append(f"{role.replace('_', ' ')}: " + "; ".join(
                h.name + (f" ({h.title})" if h.title else "") for h in facts.roles[role]))
        else:
            facts.unsure.append(f"no {role.replace('_', ' ')} is named in the document: the file says the "
                                f"role is vacant; write the name under roles.{role}")


def _role_by_its_words(blocks: list[Block], role: str, facts: Facts) -> None:
    """`Designated Teacher: Jane Smith`, or a short line naming the role and a name under it."""
    for i, block in enumerate(blocks):
        text = block.plain
        if len(words(text)) > 14 or not ROLE_WORDS[role].search(text):
            continue
        label, colon, value = text.partition(":")
        if colon and ROLE_WORDS[role].search(label) and _PERSON.match(value.strip()):
            facts.roles[role] = [split_holder(value)]
            return
        following = blocks[i + 1].plain if i + 1 < len(blocks) else ""
        if not colon or not value.strip():
            if _PERSON.match(following) and len(words(following)) <= 8 and not ROLE_WORDS[role].search(following):
                facts.roles[role] = [split_holder(following)]
                return


def title_case(text: str) -> str:
    """A name written in capitals, as it reads in a sentence."""
    if not text.isupper():
        return text
    out = []
    for i, word in enumerate(text.lower().split()):
        if word in _ACRONYMS:
            out.append(word.upper())
        elif i and word in _SMALL_WORDS:
            out.append(word)
        else:
            out.append(word.capitalize())
    return " ".join(out)


def read_title_page(blocks: list[Block], facts: Facts) -> list[int]:
    """Title lines and `label: value` rows before the policy starts; returns blocks left over.

    A table's cells arrive as blocks of their own (from Word) or split by tabs (from text);
    either way a label with no value (`Approved by Governing body Name: Role:`) takes the
    next cell as its value.
    """
    rest: list[int] = []
    waiting: str | None = None
    for b, block in enumerate(blocks):
        for cell in [c.strip() for c in _CELL_BREAK.split(block.text) if c.strip()]:
            plain = re.sub(r"[*_`]+", "", cell).strip()
            m = _ROW.match(plain)
            value = m["value"].strip() if m else ""
            if m and (_ROW_LABEL.search(m["label"]) or date_in(value)) and value and not value.endswith(":"):
                facts.title_rows.append((_label(m["label"]), value))
                waiting = None
            elif m and _ROW_LABEL.search(m["label"]) and not rest:
                waiting = _label(plain) or None
            elif waiting:
                facts.title_rows.append((waiting, plain))
                waiting = None
            elif len(words(plain)) <= 25 and not plain.endswith(".") and not rest:
                facts.title_lines.append(plain)
            elif b not in rest:
                rest.append(b)
    name_line = next((line for line in facts.title_lines
                      if _SETTING_WORDS.search(line) and ":" not in line and len(line.split()) >= 2), None)
    if name_line:
        facts.name = title_case(name_line)
    for label, value in facts.title_rows:
        _date_from_row(label, value, facts)
    facts.found += [f"dates.{key}: {value} (from the title page)" for key, value in facts.dates.items()]
    return rest


def rows_anywhere(blocks: list[Block], facts: Facts) -> None:
    """Dates the title page did not give, from `label: value` lines anywhere (a last page's
    "Date ratified: …", say)."""
    before = dict(facts.dates)
    for block in blocks:
        m = _ROW.match(block.plain)
        if m and len(words(block.plain)) <= 16 and date_in(m["value"]):
            _date_from_row(m["label"], m["value"].strip(), facts)
    facts.found += [f"dates.{key}: {value} (from a line of the document that gives it)" for key, value in facts.dates.items()
                    if key not in before]


# Where one title-page line ends and the next begins: a tab, a wide gap, or a new `Label:`
# straight after a date ("Approved: 4 March 2025 Next review: Spring 2026").
_CELL_BREAK = re.compile(r"\t+| {3,}|(?<=\d{4})\s+(?=[A-Z][^:.]{1,40}:)")
_ROW_LABEL = re.compile(r"\b(by|name|role|written|author|date|review|approv|ratif|adopt|version|signed)", re.I)


def _label(text: str) -> str:
    """A row's label without the form's empty `Name:` and `Role:` prompts."""
    return re.sub(r"(\s*\b(name|role)\s*:?)+\s*$", "", text, flags=re.I).strip(" :")


def date_in(text: str) -> str | None:
    """The first date written in `text` that the school file accepts, as written."""
    for m in DATE_IN_TEXT.finditer(text):
        value = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", m[0])
        try:
            parse_policy_date(value)
            return value
        except DateFormatError:
            continue
    return None


def _date_from_row(label: str, value: str, facts: Facts) -> None:
    lower = label.lower()
    date = date_in(value)
    if re.search(r"ratif|approv|adopt|agreed", lower):
        if date and "ratified" not in facts.dates:
            facts.dates["ratified"] = date
            by = " ".join(value.replace(date, " ").split()).strip(" ,;")
            by = re.sub(r"^by\s+", "", by, flags=re.I)
            if by and "ratified_by" not in facts.dates:
                facts.dates["ratified_by"] = by
        elif not date and re.search(r"\bby\b", lower) and "ratified_by" not in facts.dates:
            facts.dates["ratified_by"] = value
    elif date and re.search(r"next|due|review date|date of review|to be reviewed", lower):
        facts.dates.setdefault("next_review", date)
    elif date and "review" in lower:
        facts.dates.setdefault("reviewed", date)
