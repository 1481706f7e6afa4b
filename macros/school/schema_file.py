"""schools/schema.json: the school file's JSON Schema, so editors offer completion and checks.

Every passage name of the model is listed (with the first words of its text), so an editor
completes the names in `omit`, `add_after`, `replace` and `fill` and marks a name that is not one.
"""
from __future__ import annotations

import json
from pathlib import Path

from macros.files import atomic_write_text
from macros.paths import SCHOOLS_DIR
from macros.model.model import Model, load_model
from macros.model.passages import Passage
from macros.model.plain_text import plain_words
from macros.school.schema import School

SCHEMA_PATH = SCHOOLS_DIR / "schema.json"
FIRST_WORDS = 12


def first_words(passage: Passage, count: int = FIRST_WORDS) -> str:
    """The first words of a passage's model text, placeholders shown as …, for editors."""
    cut = plain_words(passage.text).split(" ")
    return " ".join(cut[:count]) + (" …" if len(cut) > count else "")


def _passage_names(schema: dict, model: Model) -> None:
    """Replace the name pattern of the passage edits with the model's names."""
    names, described = [], []
    for name, passage in model.passages.items():
        names.append(name)
        described.append({"const": name, "description": first_words(passage)})
    schema["$defs"]["PassageName"] = {"type": "string", "oneOf": described,
                                      "description": "A passage of the model (`policy passages` lists them)."}
    edits = schema["$defs"]["Passages"]["properties"]
    edits["omit"]["items"] = {"$ref": "#/$defs/PassageName"}
    for group in ("add_after", "replace", "fill"):
        value = f"{group.title().replace('_', '')}Text"
        schema["$defs"][value] = next(iter(edits[group].pop("patternProperties").values()))
        edits[group]["properties"] = {name: {"$ref": f"#/$defs/{value}", "description": d["description"]}
                                      for name, d in zip(names, described)}
        edits[group]["additionalProperties"] = False
        edits[group]["propertyNames"] = {"$ref": "#/$defs/PassageName"}


def schema_text(model: Model | None = None) -> str:
    schema = School.model_json_schema()
    _passage_names(schema, model or load_model())
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "School policy file"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    return atomic_write_text(path, schema_text())
