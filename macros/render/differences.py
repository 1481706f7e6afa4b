"""How a school's policy departs from the model: data first, then text for the terminal
(`policy diff SLUG`) and Markdown for the site's "How this policy differs from the model" page.

The passages left out, added to, reworded or filled and the sections in the school's own words
are drawn from the account of the school's edits (macros/render/account.py), so they are exactly
what the pages show; local choices, title-page wording and document links are read from the file.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from macros.model.model import Model
from macros.model.passages import spans_in
from macros.model.plain_text import plain_words
from macros.render.account import EditAccount
from macros.render.context import build_context, inline_text
from macros.render.model_changes import ModelChange, change_note, model_changes
from macros.render.word_diff import marked, shortened, side, word_diff
from macros.render.wording import (DEFAULT_GOVERNANCE, DEFAULT_SETTING, ROLE_NAMES, governance,
                                   school_words, setting_words)
from macros.school.schema import Choices, School, Vacancy

KINDS = {  # kind: heading on the page and in the terminal
    "choice": "Local choices",
    "omit": "Passages left out",
    "add_after": "Passages added",
    "replace": "Passages reworded",
    "fill": "Lists the school filled",
    "section": "Sections in the school's own words",
    "title_page": "Title page",
    "link": "Documents the school links to",
}
GOES_WITH_SHOWN = 12      # passages listed under an omitted heading before "and N more"
FIRST_WORDS = 60          # characters of each passage that goes with an omitted heading
TEXT_WIDTH = 64           # the terminal's text column; passage names are in a column after it


@dataclass
class Departure:
    kind: str                 # a key of KINDS
    name: str                 # the passage or section name, or the choice's or field's name
    section: str | None       # the model section (page) it belongs to
    model_text: str           # the model's words (plain), or the model's default
    school_text: str = ""     # what the school wrote or chose (plain)
    link: str | None = None   # where it appears on the site, relative to the differences page
    changed: ModelChange | None = None   # the model changed this passage since the school's review
    goes_with: list[str] = field(default_factory=list)   # an omitted heading: what goes with it


@dataclass
class Differences:
    school: School
    model: Model
    departures: list[Departure] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # section titles in the school's words

    def of_kind(self, kind: str) -> list[Departure]:
        return [d for d in self.departures if d.kind == kind]

    @property
    def changed(self) -> list[Departure]:
        return [d for d in self.departures if d.changed]


def words_of(school: School, model: Model) -> dict[str, str]:
    """The school's own words for the model's placeholders (plain, unescaped), by placeholder."""
    words: dict[str, str] = {}
    for key, value in school_words(school, model).items():
        if isinstance(value, dict):
            words.update({f"{key}.{k}": str(v) for k, v in value.items()})
        else:
            words[key] = str(value)
    for role in ROLE_NAMES:
        holders = getattr(school.roles, role)
        names = ("vacant" if isinstance(holders, Vacancy) else
                 " and ".join(h.name + (f", {h.title}" if h.title else "") for h in holders))
        words[f'holders("{role}")'] = words[f"holders('{role}')"] = names
    return words


def plain(markdown: str, limit: int | None = None, words: dict[str, str] | None = None) -> str:
    """Model Markdown as plain words: placeholders filled (or …), no links, attributes or markup."""
    text = plain_words(markdown, words)
    if limit and len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + " …"
    return text


def _page(section: str) -> str:
    return "../" if section == "index" else f"../{section}/"


def _first_shown_passage_using(model: Model, account: EditAccount, school: School, words: str) -> str | None:
    """The first passage on the school's pages whose text, as the pages show it, holds `words`."""
    for name, passage in model.passages.items():
        if words not in passage.text or not account.shown(name):
            continue
        text = school.passages.replace.get(name, passage.text)
        for span in spans_in(text):
            if not account.shown(span.id):
                text = text.replace(span.text, "")
        if words in text:
            return name
    return None


def _choices(school: School, model: Model, account: EditAccount) -> list[Departure]:
    default, chosen = Choices(), school.choices
    found = []
    approaches = model.behaviour_approaches

    def add(name: str, model_text: str, school_text: str, placeholder: str) -> None:
        passage = _first_shown_passage_using(model, account, school, placeholder)
        section = model.passage_section.get(passage or "")
        found.append(Departure("choice", name, section, model_text, school_text,
                               f"{_page(section)}#{passage}" if passage else None))

    if chosen.behaviour_approach != default.behaviour_approach:
        add("behaviour approach", approaches.get(default.behaviour_approach, {}).get("name", ""),
            approaches.get(chosen.behaviour_approach, {}).get("name", chosen.behaviour_approach),
            "behaviour.name")
    if chosen.behaviour_contact:
        contact = ", ".join(v for v in chosen.behaviour_contact.model_dump().values() if v)
        base = approaches.get(chosen.behaviour_approach, {})
        add("behaviour contact", ", ".join(str(base[k]) for k in ("email", "phone") if base.get(k)),
            contact, "behaviour.email")
    training = chosen.toolkit_training
    if training.status != default.toolkit_training.status:
        add("toolkit training", "delivered to all staff",
            f"{training.status}" + (f", to be delivered in {training.when}" if training.when else ""),
            "toolkit.")
    if chosen.alternative_provision_full_time and (chosen.alternative_provision_full_time
                                                   != model.meta.get("alternative_provision_full_time")):
        add("alternative provision hours", str(model.meta.get("alternative_provision_full_time", "")),
            chosen.alternative_provision_full_time, "alternative_provision.")
    if not chosen.titles_in_text:
        add("job titles in the text", "each holder's name and job title", "names only", 'holders("')
    if school.governance != DEFAULT_GOVERNANCE:
        found.append(Departure("choice", "governance", None, governance(DEFAULT_GOVERNANCE).body,
                               governance(school.governance).body))
    if school.school.setting != DEFAULT_SETTING:
        found.append(Departure("choice", "setting", None, setting_words(DEFAULT_SETTING)[0],
                               setting_words(school.school.setting)[0]))
    return found


def _title_page(school: School, model: Model) -> list[Departure]:
    """The title page's wording where the school's file departs from the model's: its default
    for a school, or the model document's own (which the model's worked example reproduces)."""
    page, meta = school.title_page, model.meta
    publication = meta.get("publication") or {}
    found = []
    default_title = f"{school.school.name}: {meta['short_title']}"
    if page.title and page.title not in (default_title, meta.get("title")):
        found.append(Departure("title_page", "title_page.title", "index", default_title, page.title, "../#title"))
    if page.subtitle and page.subtitle != publication.get("subtitle"):
        found.append(Departure("title_page", "title_page.subtitle", "index", "", page.subtitle, "../"))
    if page.note:
        found.append(Departure("title_page", "title_page.note", "index", "", page.note, "../"))
    if page.rows is not None and not (page.rows == [] and page.model_publication):
        d = school.dates
        default = [("Ratified", str(d.ratified) + (f" by {d.ratified_by}" if d.ratified_by else ""))]
        default += [("Reviewed", str(d.reviewed))] if d.reviewed else []
        default += [("Next review", str(d.next_review))]
        rows = "; ".join(f"{r.label}: {r.value}" for r in page.rows)
        found.append(Departure("title_page", "title_page.rows", "index",
                               "; ".join(f"{k}: {v}" for k, v in default), rows, "../"))
    return found


def _links(school: School, model: Model, account: EditAccount) -> list[Departure]:
    found = []
    for key, url in school.links.items():
        entry = model.links.get(key)
        if entry is None:
            continue
        passage = _first_shown_passage_using(model, account, school, f"][{key}]")
        if passage is None:
            continue        # no page shows this document, so the address changes nothing
        section = model.passage_section.get(passage)
        found.append(Departure("link", entry.title, section,
                               entry.url or "no web address: shown as plain text", url,
                               f"{_page(section)}#{passage}"))
    return found


def differences(school: School, model: Model, account: EditAccount | None = None,
                history: Path | None = None) -> Differences:
    """Every departure of `school` from `model`, in the order of the model."""
    if account is None:
        account = build_context(school, model).account
    changes = {c.passage: c for c in model_changes(school, model, history)}
    words = words_of(school, model)
    order = {name: i for i, name in enumerate(model.passages)}
    titles = {"index": "Title page", **{k: plain(v, None, words) for k, v in model.section_titles.items()}}
    result = Differences(school, model, _choices(school, model, account), titles=titles)
    edits = school.passages
    touched: dict[tuple[str, str], Departure] = {}
    for landing in account.landed:
        entry = landing.entry
        if entry.group == "sections" or (entry.group, entry.name) in touched:
            continue
        name = entry.name
        passage = model.passages[name]
        link = f"{_page(landing.page)}#{landing.anchor}" if landing.anchor else None
        d = Departure(entry.group, name, landing.page, plain(passage.text, words=words), link=link,
                      changed=changes.get(name))
        if entry.group == "add_after":
            added = edits.add_after[name]
            d.school_text = " / ".join(plain(t) for t in ([added] if isinstance(added, str) else added))
        elif entry.group == "replace":
            d.school_text = plain(edits.replace[name])
        elif entry.group == "fill":
            d.school_text = " / ".join(plain(t) for t in edits.fill[name])
        elif entry.group == "omit" and passage.kind == "heading":
            d.goes_with = [plain(model.passages[p].text, FIRST_WORDS, words) for p in model.passages
                           if account.removed.get(p) == ("omit", name) and model.passages[p].kind != "span"]
        touched[(entry.group, name)] = d
    result.departures += sorted(touched.values(), key=lambda d: order.get(d.name, 0))
    for landing in account.landed:
        if landing.entry.group == "sections":
            section = landing.entry.name
            model_words = " ".join(plain(model.passages[p].text, words=words) for p in model.passages
                                   if model.passage_section[p] == section and model.passages[p].kind != "span"
                                   and not (model.passages[p].kind == "heading" and model.passages[p].level == 1))
            result.departures.append(Departure("section", section, section, model_words,
                                               plain(school.sections[section]), _page(section)))
    result.departures += _title_page(school, model) + _links(school, model, account)
    return result


# --- renderers ---------------------------------------------------------------------

SECTION_WORDS_SHOWN = 40   # the first words of a section in the school's own words


def _section_summary(d: Departure) -> str:
    """A section in the school's own words: how much of the model it keeps, and how it starts."""
    pieces = word_diff(d.model_text, d.school_text)
    kept = sum(len(p.text.split()) for p in pieces if p.kind == "same")
    words = d.school_text.split()
    start = " ".join(words[:SECTION_WORDS_SHOWN]) + (" …" if len(words) > SECTION_WORDS_SHOWN else "")
    return (f"Written in the school's own words, keeping {kept} of the model's "
            f"{len(d.model_text.split())} words: {{+{start}+}}")


def _terminal_words(d: Departure) -> str:
    if d.kind == "section":
        return _section_summary(d)
    if d.kind == "omit":
        return f"[-{d.model_text}-]"
    if d.kind in ("add_after", "fill"):
        return f"{{+{d.school_text}+}}"
    return marked(shortened(word_diff(d.model_text, d.school_text)))


def _two_columns(text: str, name: str, indent: str = "    ") -> list[str]:
    """Text wrapped in the left column, the passage name beside its first line."""
    lines = textwrap.wrap(text, TEXT_WIDTH, initial_indent=indent, subsequent_indent=indent,
                          break_on_hyphens=False, break_long_words=False) or [indent]
    lines[0] = f"{lines[0]:<{TEXT_WIDTH + len(indent)}}  {name}".rstrip()
    return lines


def render_text(diff: Differences, file: str = "") -> str:
    school, model = diff.school, diff.model
    count = len(diff.departures)
    where = f" ({file})" if file else ""
    if not count:
        return f"{school.school.name}{where} follows the model ({model.version_label}) exactly.\n"
    lines = [f"{school.school.name}{where} differs from the model ({model.version_label}) in "
             f"{count} place{'s' if count != 1 else ''}.",
             "Words the school left out are shown [-like this-], words it added {+like this+}."]
    for kind, title in KINDS.items():
        items = diff.of_kind(kind)
        if not items:
            continue
        lines += ["", f"{title} ({len(items)})"]
        heading = None
        for d in items:
            if kind in ("choice", "link"):
                lines.append(f"  {d.name[0].upper()}{d.name[1:]}: {d.school_text} (model: {d.model_text})")
                continue
            if kind == "title_page":
                lines += _two_columns(marked(shortened(word_diff(d.model_text, d.school_text))), d.name, "  ")
                continue
            if d.section != heading:
                heading = d.section
                lines.append(f"  {diff.titles.get(d.section, d.section)}")
            lines += _two_columns(_terminal_words(d), d.name)
            if d.goes_with:
                lines.append("    and with it:")
                lines += [f"      - {words}" for words in d.goes_with[:GOES_WITH_SHOWN]]
                if len(d.goes_with) > GOES_WITH_SHOWN:
                    lines.append(f"      and {len(d.goes_with) - GOES_WITH_SHOWN} more")
            if d.changed:
                lines.append(f"    ! {change_note(d.changed)}")
    if diff.changed:
        lines += ["", f"{len(diff.changed)} passage(s) changed in the model since your last review: "
                      "read them, then set model_reviewed: " f"{model.issue}"]
    return "\n".join(lines) + "\n"


def render_markdown(diff: Differences) -> str:
    """The differences page's body; every word from the school file is escaped as text."""
    school, model = diff.school, diff.model
    name = inline_text(school.school.name)
    if not diff.departures:
        return (f"{name} follows the model policy ({inline_text(model.version_label)}) exactly: "
                "nothing is left out, added or reworded, and every local choice is the model's own.\n")
    out = [f"{name} has adapted the model policy ({inline_text(model.version_label)}) in "
           f"{len(diff.departures)} places, listed below so that governors can ratify it knowingly. "
           "Everything else is the model's own wording. Where a passage is reworded, the words the "
           "school took out are struck through and the words it put in are underlined.", ""]
    if diff.changed:
        out += ["!!! warning \"Model changed since the last review\"",
                f"    The model's text of {len(diff.changed)} passage(s) this policy adapts has changed "
                f"since issue {school.model_reviewed}, which this policy was last reviewed against. "
                "They are marked below.", ""]
    for kind, title in KINDS.items():
        items = diff.of_kind(kind)
        if not items:
            continue
        out += [f"## {title}", ""]
        for d in items:
            out += _markdown_item(d, diff.titles)
        out.append("")
    return "\n".join(out)


def _html_side(pieces, keep: str, tag: str) -> str:
    return " ".join(f"<{tag}>{inline_text(p.text)}</{tag}>" if p.kind == keep else inline_text(p.text)
                    for p in side(shortened(pieces), keep))


def _markdown_item(d: Departure, titles: dict[str, str]) -> list[str]:
    section = titles.get(d.section or "", "")
    if d.kind in ("choice", "link"):
        label = inline_text(d.name[0].upper() + d.name[1:])
        target = f" ([where it appears in {inline_text(section)}]({d.link}))" if d.link and section else ""
        return [f"- **{label}**: {inline_text(d.school_text)} (the model: {inline_text(d.model_text)}){target}"]
    if d.kind == "section":
        return [f"- [{inline_text(section)}]({d.link}) is written in the school's own words."]
    if d.kind == "title_page":
        label = inline_text(d.name.removeprefix("title_page.").replace("_", " ").capitalize())
        model = f" (the model: {inline_text(d.model_text)})" if d.model_text else ""
        return [f"- **{label}**: {inline_text(d.school_text) or 'left out'}{model}"]
    # The section leads, in words; the passage's name follows, set apart as code.
    place = inline_text(section or d.section or "")
    first = (f"- In [{place}]({d.link}) `{d.name}`" if d.link
             else f"- In {place}, left out: `{d.name}`")
    lines = [first, ""]
    if d.kind == "replace":
        pieces = word_diff(d.model_text, d.school_text)
        lines += [f"    The model: “{_html_side(pieces, 'removed', 'del')}”", "",
                  f"    The school: “{_html_side(pieces, 'added', 'ins')}”", ""]
    else:
        lines += [f"    The model: “{inline_text(plain(d.model_text, 400))}”", ""]
        if d.school_text:
            lines += [f"    The school: “{inline_text(plain(d.school_text, 400))}”", ""]
    if d.goes_with:
        lines += ["    Left out with it:", ""]
        lines += [f"    - {inline_text(words)}" for words in d.goes_with[:GOES_WITH_SHOWN]]
        if len(d.goes_with) > GOES_WITH_SHOWN:
            lines.append(f"    - and {len(d.goes_with) - GOES_WITH_SHOWN} more")
        lines.append("")
    if d.changed:
        lines += [f"    **{inline_text(change_note(d.changed).capitalize())}.**", ""]
    return lines
