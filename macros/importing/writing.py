"""The imported school file as YAML text, with a comment over every departure from the model."""
from __future__ import annotations

import yaml

from macros.model.model import Model
from macros.importing.departures import Departure

_GROUPS = ("omit", "replace", "add_after", "fill")
_GROUP_NOTES = {
    "omit": "Passages of the model the document leaves out.",
    "replace": "Passages the document words differently (its wording is kept).",
    "add_after": "The school's own text, after the passage it follows in the document.",
    "fill": "Lists only the school can fill.",
}


def scalar(value) -> str:
    """One YAML scalar on one line that reads back as exactly `value`."""
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return yaml.safe_dump(value).split("\n", 1)[0]
    text = yaml.safe_dump(str(value), allow_unicode=True, width=10**9, default_style=None)
    text = text.removesuffix("\n").removesuffix("\n...")
    if text.lower().strip("'\"") in ("yes", "no", "on", "off", "y", "n") and not text.startswith(("'", '"')):
        text = f'"{text}"'
    return text


def _text(value: str, indent: str) -> list[str]:
    """A piece of Markdown as an inline scalar, or as a literal block when it has lines."""
    if "\n" not in value or value[:1].isspace():
        return [scalar(value)]
    body = [f"{indent}  {line}" if line.strip() else "" for line in value.rstrip().split("\n")]
    return ["|", *body]


def _field(key: str, value, indent: str) -> list[str]:
    head, *rest = _text(value, indent) if isinstance(value, str) else [scalar(value)]
    return [f"{indent}{key}: {head}", *rest]


def _comment(line: str, indent: str) -> str:
    return f"{indent}# " + " ".join(line.split())


def school_file_text(data: dict, departures: list[Departure], source_name: str, model: Model) -> str:
    """The commented file: facts first (as `policy new` writes them), then the departures."""
    lines = [
        "# yaml-language-server: $schema=schema.json",
        f"# {data['school']['name']}: policy for children with a social worker.",
        f"# Imported from {source_name} by `policy import`; read the import's report, then check",
        "# this file with `policy check` and compare with the model with `policy diff`.",
    ]
    if data.get("version"):
        lines += ["", f"version: {scalar(data['version'])}"]
    lines += ["", "# The model issue this file was written against.", f"model_reviewed: {model.issue}", ""]
    lines += ["school:"]
    for key, value in data["school"].items():
        lines += _field(key, value, "  ")
    lines += ["", f"governance: {data['governance']}", "", "roles:"]
    for role, value in data["roles"].items():
        lines.append(f"  {role}:")
        if isinstance(value, dict):
            lines += [f"    {k}: {scalar(v)}" for k, v in value.items()]
            continue
        for holder in value:
            first = True
            for key, item in holder.items():
                lines.append(f"    {'- ' if first else '  '}{key}: {scalar(item)}")
                first = False
    lines += ["", "dates:"]
    lines += [f"  {key}: {scalar(value)}" for key, value in data["dates"].items()]
    if data.get("choices"):
        lines += ["", "choices:"]
        for key, value in data["choices"].items():
            if isinstance(value, dict):
                lines.append(f"  {key}:")
                lines += [f"    {k}: {scalar(v)}" for k, v in value.items()]
            else:
                lines.append(f"  {key}: {scalar(value)}")
    page = data.get("title_page")
    if page:
        lines += ["", "# The first page, as the document has it.", "title_page:"]
        for key, value in page.items():
            if key == "rows":
                if not value:
                    lines.append("  rows: []")
                    continue
                lines.append("  rows:")
                for label, text in value:
                    lines += [f"    - label: {scalar(label)}", f"      value: {scalar(text)}"]
            else:
                lines += _field(key, value, "  ")
    lines += _passages(departures)
    if data.get("sections"):
        lines += ["", "# Sections the document writes in its own words (the model's section is not used).",
                  "sections:"]
        for name, value in data["sections"].items():
            lines += [f"  {name}: |"] + [f"    {line}" if line.strip() else "" for line in value.rstrip().split("\n")]
    return "\n".join(lines) + "\n"


def _passages(departures: list[Departure]) -> list[str]:
    groups = {g: [d for d in departures if d.kind == g] for g in _GROUPS}
    if not any(groups.values()):
        return []
    lines = ["", "# Where the document departs from the model, by passage name (`policy passages` lists them).",
             "passages:"]
    for group, found in groups.items():
        if not found:
            continue
        lines += [f"  # {_GROUP_NOTES[group]}", f"  {group}:"]
        for departure in found:
            quote = departure.quote.replace('"', "'")
            if group == "omit":
                lines += [_comment(quote, "    "), f"    - {departure.passage}"]
                continue
            lines.append(_comment(f'"{quote}"', "    "))
            if isinstance(departure.text, list):
                lines.append(f"    {departure.passage}:")
                for entry in departure.text:
                    head, *rest = _text(entry, "      ")
                    lines += [f"      - {head}", *rest]
            else:
                lines += _field(departure.passage, departure.text, "    ")
    return lines
