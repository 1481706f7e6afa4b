"""`policy import FILE`: read a school's policy document and write its school file.

Two passes: the model is first aligned with the document as a placeholder school, which
finds where the document says the school's name, dates and choices; the school made of
those facts is aligned again, so what remains different is the school's own wording.
Bad input (not a policy, unreadable, too big, another language) writes nothing; a school
file is never replaced without `force`. A file that still lacks what the document never says
(a date, say) is written all the same, and the report says what to finish.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from macros.errors import PolicyError, Problem
from macros.files import atomic_write_text
from macros.model.model import Model, load_model
from macros.paths import schools_dir
from macros.school.loader import display_path, problems_in_text
from macros.school.schema import SLUG_RE, Choices, School
from macros.importing.align import Alignment, align
from macros.importing.departures import Departure, Departures, find_departures, first_words, text_of
from macros.importing.expected import expected_passages, words
from macros.importing.extract import (Facts, date_in, find_roles, likeness, read_title_page, rows_anywhere,
                                      title_case)
from macros.importing.reading import Block, read_document
from macros.importing.report import ImportReport
from macros.importing.sections import own_sections
from macros.importing.slots import Readings, pattern_of, read_slots
from macros.importing.writing import school_file_text

# Below these shares the document is not an adaptation of this model.
MIN_MODEL_SHARE = 0.15
MIN_ENGLISH_SHARE = 0.12
_ENGLISH = {"the", "and", "of", "to", "a", "in", "is", "for", "that", "with", "will", "be", "are",
            "on", "as", "by", "this", "all", "our", "we", "their", "they", "or", "have", "it"}


_EMAIL = re.compile(r"[^@\s<>\"'(){}*]+@[^@\s<>\"'(){}*]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"(?:\+44\s?|\b0)\d[\d\s-]{8,12}\d\b")


@dataclass
class ImportResult:
    path: Path
    text: str
    report: ImportReport


def slug_for(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:60].strip("-") or "school"


def import_document(source: Path, slug: str | None = None, force: bool = False,
                    folder: Path | None = None, model: Model | None = None) -> ImportResult:
    """Read `source`, write `<folder>/<slug>.yml` and return what was found (see ImportReport)."""
    model = model or load_model()
    blocks = read_document(source)
    _refuse_other_languages(blocks, str(source))
    facts, data, departures, final = school_from_document(blocks, model, str(source))
    slug = slug or slug_for(facts.short_name or facts.name or source.stem)
    folder = folder or schools_dir()
    target = folder / f"{slug}.yml"
    file = display_path(target)
    if not re.match(SLUG_RE, slug):
        raise PolicyError(Problem(file, f"'{slug}' cannot name a school file: use lowercase letters, digits "
                                  "and hyphens, like st-josephs (give it with --slug)"))
    if target.exists() and not force:
        raise PolicyError(Problem(file, "this school file already exists; nothing was written. Import with "
                                  "--force to replace it, or choose another name with --slug"))
    text = school_file_text(data, departures.edits, source.name, model)
    report = ImportReport(source=str(source), target=file, facts=facts, departures=departures,
                          model_share=final.model_share, document_share=final.document_share,
                          problems=problems_in_text(text, target, model))
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, text)
    return ImportResult(target, text, report)


def _refuse_other_languages(blocks: list[Block], name: str) -> None:
    found = [w for b in blocks for w in words(b.plain)]
    if len(found) < 40:
        raise PolicyError(Problem(name, f"holds only {len(found)} words: that is not a whole policy; "
                                  "give the school's full policy document"))
    english = sum(1 for w in found if w in _ENGLISH) / len(found)
    if english < MIN_ENGLISH_SHARE:
        raise PolicyError(Problem(name, "does not read as English; the model policy is in English, so "
                                  "import the school's English policy (a translation can be added later)"))


def school_from_document(blocks: list[Block], model: Model, name: str
                         ) -> tuple[Facts, dict, Departures, Alignment]:
    """The school file's data and passage edits for a document (pure: writes nothing)."""
    facts = Facts()
    find_roles(blocks, model, facts)
    first = align(expected_passages(_school(_data(facts, model), model), model), blocks)
    if first.model_share < MIN_MODEL_SHARE:
        raise PolicyError(Problem(name, f"does not look like an adaptation of the model policy "
                                  f"({model.version_label}): only {first.model_share:.0%} of the model's words "
                                  "are in it. Give the school's policy for children with a social worker"))
    leading = find_departures(first).before_first
    intro = [leading[i] for i in read_title_page([blocks[b] for b in leading], facts)]
    _read_placeholders(first, model, facts)
    _name_from_short_name(facts)
    facts.found.insert(0, f"school name: {facts.name or 'not found'}")
    data = _data(facts, model, provisional=False)
    final = align(expected_passages(_school(_data(facts, model), model), model), blocks)
    departures = find_departures(final)
    _place_introduction(final, departures, intro, blocks)
    sections = own_sections(final, departures, model.passage_section)
    if sections:
        data["sections"] = sections
        facts.found.append("sections in the document's own words (it rewrites them throughout): "
                           + ", ".join(sections))
    data["title_page"] = _title_page(facts, departures)
    return facts, data, departures, final


def _name_from_short_name(facts: Facts) -> None:
    """The title page's line that holds the name the policy's sentences use is the full name."""
    short = facts.short_name
    if not short:
        return
    line = next((line for line in facts.title_lines
                 if short.lower() in line.lower() and len(line.split()) <= 10 and ":" not in line), None)
    if line:
        facts.name = title_case(line)
    elif not facts.name or len(facts.name.split()) > 10:
        facts.name = short


def _school(data: dict, model: Model) -> School:
    """The school to render the model for; facts the schema refuses leave their defaults."""
    try:
        return School.model_validate(data)
    except ValidationError:
        return School.model_validate(_data(Facts(), model))


def _data(facts: Facts, model: Model, provisional: bool = True) -> dict:
    """The school file's facts (what `policy new` would ask for), from what was read."""
    def holders(role: str):
        found = facts.roles.get(role)
        if not found:
            return {"vacant": True, "contact": f"the {'Centre' if facts.setting == 'centre' else 'school'} office"}
        out = []
        for i, holder in enumerate(found):
            entry = {"name": holder.name}
            if holder.title:
                entry["title"] = holder.title
            if role == "designated_teacher" and i == 0 and facts.pronoun and len(found) == 1:
                entry["pronoun"] = facts.pronoun
            out.append(entry)
        return out

    school = {"name": facts.name or facts.short_name or "The school"}
    if facts.short_name and facts.short_name != school["name"]:
        school["short_name"] = facts.short_name
    school["setting"] = facts.setting
    dates = {"ratified": "January 2000", "next_review": "January 2001"} if provisional else {}
    dates.update({k: facts.dates[k] for k in ("ratified", "next_review") if facts.dates.get(k)})
    for key in ("ratified_by", "reviewed", "designated_teacher_year", "behaviour_policy_reviewed"):
        if facts.dates.get(key):
            dates[key] = facts.dates[key]
    dates = {k: dates[k] for k in ("ratified", "ratified_by", "reviewed", "next_review",
                                   "designated_teacher_year", "behaviour_policy_reviewed") if k in dates}
    return {"school": school, "governance": facts.governance,
            "roles": {role: holders(role) for role in ("designated_teacher", "designated_governor", "safeguarding_lead")},
            "dates": dates, "choices": dict(facts.choices)}


def _read_placeholders(al: Alignment, model: Model, facts: Facts) -> None:
    """Fill the facts from what the document says where the model has placeholders."""
    readings = Readings()
    for p, passage in enumerate(al.expected):
        source = model.passages.get(passage.id) if passage.id else None
        pattern = pattern_of(source.text) if source else None
        owned = al.owned(p) if pattern else []
        if not pattern:
            continue
        if owned and read_slots(pattern, text_of(al, owned, "paragraph"), readings):
            continue
        touched = sorted({al.doc_words[j].block for j in owned})
        if touched and read_slots(pattern, " ".join(al.blocks[b].text for b in touched), readings):
            continue
        # A dated line the school rewrote enough to count as its own ("Date: 28 November 2023"),
        # looked for only where the passage would stand in the document.
        size = len(passage.words)
        for b in _blocks_where(al, p):
            block = al.blocks[b]
            if 0.5 * size <= len(words(block.plain)) <= 2 * size + 2 and read_slots(pattern, block.text, readings):
                break
    setting = [v.lower() for key in ("setting", "Setting") for v in readings.values.get(key, Counter()).elements()]
    said = Counter(w for b in al.blocks for w in words(b.plain) if w in ("school", "centre"))
    if setting and setting.count("centre") > len(setting) / 2:
        facts.setting = "centre"
        facts.found.append(f"setting: centre (the document says 'Centre' {setting.count('centre')} times where the model says 'school')")
    elif said["centre"] > said["school"]:
        facts.setting = "centre"
        facts.found.append(f"setting: centre (the document says 'Centre' {said['centre']} times and 'school' {said['school']})")
    for key in ("governance.body", "governance.member_title"):
        value = readings.best(key)
        if value and "committee" in value.lower():
            facts.governance = "management-committee"
    short = readings.best("school.short_name")
    if short:
        facts.short_name = short
        facts.found.append(f"short name: {short}")
    pronoun = (readings.best("designated_teacher_is") or "").lower().split(" ")[0]
    if pronoun in ("she", "he", "they"):
        facts.pronoun = pronoun
    year = readings.best("dates.designated_teacher_year")
    if year and re.fullmatch(r"\d{4}[/-]\d{2,4}", year):
        facts.dates["designated_teacher_year"] = year
    for key in ("ratified", "next_review", "behaviour_policy_reviewed"):
        value = readings.best(f"dates.{key}")
        date = date_in(value) if value else None
        if date and key not in facts.dates:
            facts.dates[key] = date
            facts.found.append(f"dates.{key}: {date}")
    _read_choices(readings, model, facts)
    if not {"ratified", "next_review"} <= facts.dates.keys():
        rows_anywhere(al.blocks, facts)
    for key in ("ratified", "next_review"):
        if key not in facts.dates:
            facts.unsure.append(f"no {key.replace('_', ' ')} date found: write it under dates.{key} "
                                "(the file will not pass `policy check` until you do)")


def _blocks_where(al: Alignment, p: int) -> range:
    """The document's blocks between those that say the passages before and after passage `p`."""
    before, after = -1, len(al.blocks)
    for j, owner in enumerate(al.owner):
        if owner is None:
            continue
        block = al.doc_words[j].block
        if owner < p:
            before = max(before, block)
        elif owner > p:
            after = min(after, block)
    return range(before + 1, after) if before < after else range(0)


def _read_choices(readings: Readings, model: Model, facts: Facts) -> None:
    name = readings.best("behaviour.name")
    approaches = model.behaviour_approaches
    key = next(iter(approaches), None)
    if name:
        key = max(approaches, key=lambda k: likeness(approaches[k]["name"], name))
        if likeness(approaches[key]["name"], name) < 0.5:
            facts.unsure.append(f"behaviour approach '{name}' is none of the model's ({', '.join(approaches)}); "
                                f"chose {key}")
        facts.found.append(f"behaviour approach: {key} (the document says '{name}')")
    if key and key != Choices().behaviour_approach or name:
        facts.choices["behaviour_approach"] = key
    contact = {}
    said = " ".join(readings.values.get("behaviour.email", Counter()) | readings.values.get("behaviour.phone", Counter()))
    for field_name, form in (("email", _EMAIL), ("phone", _PHONE)):
        value = next((m[0] for m in [form.search(said)] if m), None)
        if value and key and value != str(approaches[key].get(field_name, "")):
            contact[field_name] = value
    if contact:
        facts.choices["behaviour_contact"] = contact
    delivered = readings.held("toolkit.delivered")
    planned = readings.held("not toolkit.delivered")
    when = readings.best("toolkit.when")
    if when and planned is not False:
        facts.choices["toolkit_training"] = {"status": "planned", "when": when.removeprefix("the ").strip()}
        facts.found.append(f"toolkit training: planned, {when}")
    elif delivered:
        facts.choices["toolkit_training"] = {"status": "delivered"}
    _read_title_choice(readings, facts)
    hours = readings.best("alternative_provision.full_time")
    if hours and hours != model.meta.get("alternative_provision_full_time"):
        facts.choices["alternative_provision_full_time"] = hours
        facts.found.append(f"full-time alternative provision: {hours}")


def _read_title_choice(readings: Readings, facts: Facts) -> None:
    """A sentence that names the Designated Teacher without the title the list of roles gives."""
    holders = facts.roles.get("designated_teacher") or []
    said = readings.best('holders("designated_teacher")')
    if not said or not any(h.title for h in holders):
        return
    names = " and ".join(h.name for h in holders)
    if likeness(said, names) >= 0.9 and not any(h.title and h.title.lower() in said.lower() for h in holders):
        facts.choices["titles_in_text"] = False
        facts.found.append(f"the policy's sentences name the Designated Teacher without a job title ('{said}')")


def _place_introduction(al: Alignment, departures: Departures, intro: list[int], blocks: list[Block]) -> None:
    """Text between the title page and the model's first passage replaces that passage when the
    document leaves it out; otherwise the report lists it as not placed."""
    if not intro:
        return
    first = next((p for p in al.expected if p.id), None)
    text = "\n\n".join(blocks[b].text for b in intro)
    for i, departure in enumerate(departures.edits):
        if first and departure.kind == "omit" and departure.passage == first.id:
            departures.edits[i] = Departure("replace", first.id, text, first_words(text))
            return
    departures.unplaced = [blocks[b].text for b in intro]


TITLE_FIELD_MAX = 300


def _title_page(facts: Facts, departures: Departures) -> dict:
    lines = [line for line in facts.title_lines if len(line) <= TITLE_FIELD_MAX]
    departures.unplaced += [line for line in facts.title_lines if len(line) > TITLE_FIELD_MAX]
    page: dict = {}
    at = next((i for i, line in enumerate(lines) if facts.name and likeness(line, facts.name) > 0.9), 0)
    if lines:
        before, title, after = lines[:at], lines[at], lines[at + 1:]
        if before:
            page["subtitle"] = "; ".join(before)
            if len(page["subtitle"]) > TITLE_FIELD_MAX:
                page["subtitle"] = before[-1]
                departures.unplaced += before[:-1]
        if len(after) >= 2:
            joined = ": ".join([title.rstrip(":")] + [a.rstrip(":") for a in after[:-1]])
            if len(joined) <= TITLE_FIELD_MAX:
                title, after = joined, after[-1:]
            else:
                departures.unplaced += after[:-1]
                after = after[-1:]
        page["title"] = title
        if after:
            page["note"] = after[0]
    page["rows"] = facts.title_rows
    return page
