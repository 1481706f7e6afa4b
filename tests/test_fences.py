"""The fences around upstream internals (macros/mkdocs_glue/fences.py): each patch, each squeezing
step that reads material's markup and each copied partial is tied to the code it was written
for. When mkdocs, mkdocs-macros or material change that code, a test here fails, and at build
time a warning names what is switched off."""
from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import material
import pytest

from macros.mkdocs_glue import fences
from macros.paths import PACKAGE_DIR, PROJECT_DIR

THEME = Path(material.__file__).parent / "templates"


@pytest.mark.parametrize("fence", fences.FENCES, ids=[f"{f.name}:{f.target}" for f in fences.FENCES])
def test_each_fence_holds_for_the_installed_packages(fence):
    """Fails when upstream changed: read the new code, adapt what is fenced, record the new hash
    (`python -m macros.mkdocs_glue.fences` prints them)."""
    assert fences.problem(fence) is None


def test_every_patch_the_fast_path_installs_is_in_the_table():
    source = (PACKAGE_DIR / "mkdocs_glue" / "patches.py").read_text(encoding="utf-8")
    installed = set(re.findall(r"_may\(\"([a-z-]+)\"\)", source)) | set(re.findall(r"\(\"([a-z-]+)\", _?install_", source))
    assert installed == {f.name for f in fences.FENCES if f.kind == fences.PATCH}


def test_every_squeezing_step_that_reads_materials_markup_is_in_the_table():
    source = (PACKAGE_DIR / "mkdocs_glue" / "output_hooks.py").read_text(encoding="utf-8")
    assert set(re.findall(r"_fence_holds\(\"([a-z-]+)\"\)", source)) == {
        f.name for f in fences.FENCES if f.kind == fences.SQUEEZE}


def test_every_copy_of_a_material_partial_in_overrides_is_fenced():
    copies = {f"overrides/{p.relative_to(PROJECT_DIR / 'overrides').as_posix()}"
              for p in (PROJECT_DIR / "overrides").rglob("*.html")
              if (THEME / p.relative_to(PROJECT_DIR / "overrides")).is_file()}
    fenced = {(f.name, f.target) for f in fences.FENCES if f.kind == fences.OVERRIDE}
    assert copies and {(name, "material:templates/" + name.removeprefix("overrides/")) for name in copies} <= fenced


def test_a_function_whose_source_changed_breaks_its_fence():
    fence = dataclasses.replace(next(f for f in fences.FENCES if f.name == "page-render"), sha256="0" * 64)
    digest = fence.digest()
    assert fences.problem(fence) == (f"mkdocs.structure.pages:Page.render is not the code it was written for "
                                     f"(sha256 {digest[:12]}, recorded 000000000000)")


def test_another_version_breaks_the_fence_even_with_the_same_code(monkeypatch):
    monkeypatch.setitem(fences.PINNED, "mkdocs-material", "9.9.0")
    fence = next(f for f in fences.FENCES if f.name == "search-split")
    assert fences.problem(fence) == "mkdocs-material 9.8.1 instead of 9.9.0"


def test_the_source_is_read_from_the_module_file_not_from_a_patched_function():
    from macros.mkdocs_glue import patches
    patches.install()
    fence = next(f for f in fences.FENCES if f.name == "theme-environment")
    assert fences.problem(fence) is None
    assert fence.upstream().decode().startswith("    def get_env(self)")


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True)


BREAK = ("import dataclasses; from macros.mkdocs_glue import fences; "
         "fences.FENCES = tuple(dataclasses.replace(f, sha256='0' * 64) if f.name == {name!r} else f "
         "for f in fences.FENCES); ")


def test_a_broken_fence_leaves_its_patch_out_with_a_warning_and_keeps_the_others():
    run = _run(BREAK.format(name="page-render") +
               "from macros.mkdocs_glue import patches; patches.install(); "
               "from mkdocs.structure.pages import Page; from mkdocs.theme import Theme; "
               "print(Page.render.__module__, Theme.get_env.__module__)")
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["mkdocs.structure.pages", "macros.mkdocs_glue.patches"]
    digest = next(f for f in fences.FENCES if f.name == "page-render").digest()
    assert run.stderr.splitlines() == [
        "warning: the patch 'page-render' is not installed: builds take the plain, slower path "
        f"(mkdocs.structure.pages:Page.render is not the code it was written for (sha256 {digest[:12]}, "
        "recorded 000000000000))"]


def test_a_broken_fence_skips_its_squeezing_step_with_a_warning():
    run = _run(BREAK.format(name="one-line-labels") +
               "from macros.mkdocs_glue.output_hooks import squeeze_html; "
               "print(repr(squeeze_html('<span class=\"md-ellipsis\">\\n  Title\\n</span>')))")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == repr('<span class="md-ellipsis">\nTitle\n</span>')
    assert run.stderr.startswith("warning: the squeezing step 'one-line-labels' is skipped: pages are a "
                                 "little larger (material:templates/partials/nav-item.html is not the code")
