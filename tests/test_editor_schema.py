"""The school file's schema as an editor uses it: the YAML language server that VS Code's YAML
extension runs (npm yaml-language-server, installed by `make test` into .cache/) completes
passage names and marks a misspelt one; and the schema itself is valid JSON Schema."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import queue
from pathlib import Path

import pytest

from macros.school.schema_file import SCHEMA_PATH

PROJECT = Path(__file__).resolve().parent.parent
SERVER = PROJECT / ".cache/yaml-language-server/node_modules/yaml-language-server/bin/yaml-language-server"
SCHOOL = """# yaml-language-server: $schema=schema.json
school: {name: Brook Lane Primary School}
roles:
  designated_teacher: [{name: Amira Khan}]
  designated_governor: [{name: Dev Patel}]
  safeguarding_lead: [{name: Lou Grant}]
dates: {ratified: September 2025, next_review: Autumn 2026}
passages:
  omit:
    - {omitted}
"""


def test_schema_passes_the_json_schema_metaschema_check():
    result = subprocess.run([str(Path(sys.executable).with_name("check-jsonschema")), "--check-metaschema",
                             str(SCHEMA_PATH)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok -- validation done"


def test_schema_lists_every_passage_name_with_its_first_words():
    from macros.model.model import load_model

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    names = {entry["const"]: entry["description"] for entry in schema["$defs"]["PassageName"]["oneOf"]}
    assert set(names) == set(load_model().passages)
    assert names["intention.deaton-review"].startswith("We also understand that this guidance is essential")
    assert set(schema["$defs"]["Passages"]["properties"]["replace"]["properties"]) == set(names)


class LanguageServer:
    """A yaml-language-server over stdio, spoken to in LSP's JSON-RPC."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen(["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": root.as_uri(),
                                    "capabilities": {"textDocument": {"completion": {}, "publishDiagnostics": {}},
                                                     "workspace": {"configuration": True}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration",
                    {"settings": {"yaml": {"validate": True, "completion": True, "hover": True}}})

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            headers = {}
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                key, _, value = line.decode().partition(":")
                headers[key.strip().lower()] = value.strip()
            self.messages.put(json.loads(stream.read(int(headers["content-length"]))))

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict) -> dict:
        self.next_id += 1
        self._send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)["result"]

    def wait(self, wanted, timeout: float = 30.0) -> dict:
        while True:
            message = self.messages.get(timeout=timeout)
            if "method" in message and "id" in message:  # the server asks us something
                items = message.get("params", {}).get("items", [])
                self._send({"jsonrpc": "2.0", "id": message["id"],
                            "result": [{"validate": True, "completion": True} if i.get("section") == "yaml"
                                       else None for i in items] if items else None})
                continue
            if wanted(message):
                return message

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                              "text": text}})
        return uri

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("editor")


@pytest.fixture(scope="module")
def server(folder):
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the schema completion test needs node to run yaml-language-server")
    if not SERVER.exists():
        pytest.skip("yaml-language-server is not installed: run `make test` (it installs it into .cache/)")
    (folder / "schools").mkdir()
    shutil.copy(SCHEMA_PATH, folder / "schools" / "schema.json")
    running = LanguageServer(folder)
    yield running
    running.close()


def test_editor_completes_passage_names_under_omit(server, folder):
    text = SCHOOL.replace("{omitted}", "intention.de")
    uri = server.open(folder / "schools" / "brook-lane.yml", text)
    line = text.split("\n").index("    - intention.de")
    result = server.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                        "position": {"line": line, "character": 16}})
    labels = [item["label"] for item in (result["items"] if isinstance(result, dict) else result)]
    assert "intention.deaton-review" in labels
    assert "exclusion.avoid-methods" in labels  # every name is offered; the editor filters as you type


def test_editor_marks_a_misspelt_passage_name(server, folder):
    uri = server.open(folder / "schools" / "misspelt.yml", SCHOOL.replace("{omitted}", "intention.deaton-reveiw"))
    message = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"]["uri"] == uri and m["params"]["diagnostics"])
    lines = {d["range"]["start"]["line"] for d in message["params"]["diagnostics"]}
    assert lines == {SCHOOL.split("\n").index("    - {omitted}")}
