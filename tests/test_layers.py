"""The package's layers (README, "How it is built"): data flows one way, YAML → school →
page context → mkdocs → site → pages branch, and no module imports from a layer above its
own, nor takes part in an import cycle. Imports inside functions count too."""
from __future__ import annotations

import ast
from pathlib import Path

from macros.paths import PROJECT_DIR

PACKAGE = PROJECT_DIR / "macros"
# Lowest first. A module may import from its own layer and the ones below it. `macros/__init__.py`
# is the mkdocs-macros module named in mkdocs.yml: it hands mkdocs-macros the glue's hooks.
LAYERS = [
    {"errors", "files", "paths", "platform", "stops"},
    {"model"},
    {"school"},
    {"render"},
    {"mkdocs_glue", "importing"},
    {"build"},
    {"publish"},
    {"cli", "__init__"},
]
LAYER_OF = {part: level for level, parts in enumerate(LAYERS) for part in parts}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> str:
    """The layer a module belongs to: its subpackage, or its own name at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _package_of(path: Path) -> str:
    """The package a file's relative imports start from: its own, or itself for __init__.py."""
    name = _module_name(path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _imports(source: str, package: str, modules: set[str]) -> set[str]:
    """The package's modules that `source` (a module of `package`) imports; `from macros.render
    import context` imports macros.render.context, and so does `from ..render import context`
    in macros/build/."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            base = node.module
            if node.level:
                above = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(above + ([node.module] if node.module else []))
            if base and base.split(".")[0] == "macros":
                submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
                found |= submodules or {base}
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "macros")
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {target for target in _imports(path.read_text(encoding="utf-8"), _package_of(path), set(modules))
                   if target in modules and target != name}
            for name, path in modules.items()}


def test_relative_imports_count_as_the_modules_they_name():
    modules = {"macros.build.builder", "macros.build.landing", "macros.publish.git", "macros.errors"}
    source = "from ..publish import git\nfrom . import builder\nfrom .. import errors\n"
    assert _imports(source, "macros.build", modules) == {"macros.publish.git", "macros.build.builder",
                                                        "macros.errors"}


def test_every_part_of_the_package_has_a_layer():
    assert {_part(name) for name in _graph()} == set(LAYER_OF)


def test_no_module_imports_from_a_layer_above_its_own():
    upward = [f"{name} imports {target}" for name, targets in _graph().items() for target in targets
              if LAYER_OF[_part(target)] > LAYER_OF[_part(name)]]
    assert upward == []


def test_no_module_takes_part_in_an_import_cycle():
    graph, cycles, done = _graph(), [], set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycles.append(" → ".join(path[path.index(name):] + [name]))
            return
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, path + [name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])
    assert cycles == []
