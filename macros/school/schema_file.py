"""schools/schema.json: the school file's JSON Schema, so editors offer completion and checks."""
from __future__ import annotations

import json
from pathlib import Path

from macros.files import atomic_write_text
from macros.paths import SCHOOLS_DIR
from macros.school.schema import School

SCHEMA_PATH = SCHOOLS_DIR / "schema.json"


def schema_text() -> str:
    schema = School.model_json_schema()
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["title"] = "School policy file"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> Path:
    return atomic_write_text(path, schema_text())
