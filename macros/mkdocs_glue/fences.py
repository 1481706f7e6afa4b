"""Fences around everything that relies on the internals of mkdocs, mkdocs-macros and material.

One table (`FENCES`): each patch in patches.py, each of output_hooks.py's squeezing steps that
reads material's markup, each upstream message reporting.py reads, each material partial
copied into overrides/, and material's script as docs/assets/policy.js relies on it; each with
the upstream code it replaces or depends on, the version it was written against, and a SHA-256
of that code as it was (a function's source, or a theme file's bytes; on ProperDocs,
ProperDocs' own code for every mkdocs module).

A fence holds when the installed package has the pinned version and the code has the recorded
hash. Where one does not hold, what it guards is switched off (a patch is not installed, the
squeezing step is skipped) or may fall behind (a copied partial, a message read, policy.js),
and a warning names it; tests/test_fences.py fails, so the new upstream code is read and the
entry renewed (`python -m macros.mkdocs_glue.fences` prints the hashes as installed).
"""
from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import importlib.util
import inspect
import logging
import sys
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from macros import platform

PINNED = {"mkdocs": "1.6.1", "mkdocs-material": "9.8.1", "mkdocs-macros-plugin": "1.5.0", "Jinja2": "3.1.6",
          "properdocs": "1.6.7"}

PATCH, SQUEEZE, OVERRIDE, REPORT, SCRIPT = "patch", "squeeze", "override", "report", "script"
log = logging.getLogger("macros.fences")


@dataclass(frozen=True)
class Fence:
    name: str           # what is fenced: a patch, a squeezing step, an override
    kind: str           # PATCH, SQUEEZE, OVERRIDE, REPORT or SCRIPT
    distribution: str   # the package the upstream code is in (a key of PINNED)
    target: str         # "module:Qualified.name" (a function) or "package:path/in/package" (a file)
    why: str            # what the fenced code relies on
    sha256: str         # of that code as it was when the fenced code was written
    on_properdocs: str = ""   # for mkdocs code: the sha256 of ProperDocs' own (macros/platform.py)

    @property
    def effective(self) -> tuple[str, str]:
        """(distribution, sha256) the running code is checked against: on ProperDocs, every
        `mkdocs` module is ProperDocs' own."""
        if self.distribution == "mkdocs" and platform.name() == "properdocs":
            return "properdocs", self.on_properdocs
        return self.distribution, self.sha256

    def upstream(self) -> bytes:
        module, _, rest = self.target.partition(":")
        spec = importlib.util.find_spec(module)
        if spec is None:
            raise LookupError(f"{module} is not installed")
        if "/" in rest:
            return (Path(next(iter(spec.submodule_search_locations))) / rest).read_bytes()
        return _function_source(module, rest).encode("utf-8")

    def digest(self) -> str:
        try:
            return hashlib.sha256(self.upstream()).hexdigest()
        except (LookupError, OSError):
            return "missing"


def _function_source(module: str, qualname: str) -> str:
    """A function's source, with its decorators: from the live function (inspect reads just its
    lines), or, once a patch has replaced it, from its module file."""
    loaded = found = importlib.import_module(module)   # on ProperDocs, `mkdocs.x` is properdocs.x
    for part in qualname.split("."):
        found = getattr(found, part)
    function = inspect.unwrap(found)
    if getattr(function, "__module__", None) == loaded.__name__:
        return inspect.getsource(function)
    return _source_in_file(Path(inspect.getfile(loaded)), qualname)


def _source_in_file(path: Path, qualname: str) -> str:
    text = path.read_text(encoding="utf-8")
    body, node = ast.parse(text).body, None
    for part in qualname.split("."):
        # The last definition of the name is the one in force (earlier ones may be @overload stubs).
        node = ([n for n in body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                 and n.name == part] or [None])[-1]
        if node is None:
            raise LookupError(f"{qualname} is not in {path.name}")
        body = node.body
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return "".join(text.splitlines(keepends=True)[first - 1:node.end_lineno])


_F = Fence
FENCES: tuple[Fence, ...] = (
    # --- patches.py: the batch fast path --------------------------------------------------
    _F("theme-environment", PATCH, "mkdocs", "mkdocs.theme:Theme.get_env",
       "a new Jinja environment per build from the theme's folders and locale, nothing else",
       "9c26120fb96f9204cb08fe133317f0badb6f9725833c414bd685c6fac9905c83",
       on_properdocs="9c26120fb96f9204cb08fe133317f0badb6f9725833c414bd685c6fac9905c83"),
    _F("theme-files", PATCH, "mkdocs", "mkdocs.structure.files:Files.add_files_from_theme",
       "_list_theme_files repeats its patterns and its docs-override rule",
       "0169dd2b1c22ca136924ca9136a97b690ba2711d8896258e5858a237c186a12e",
       on_properdocs="f18ac4718cf543006546de872c6c54d848fa4cdb800ea867dd87c9aa8f717967"),
    _F("git-info", PATCH, "mkdocs-macros-plugin", "mkdocs_macros.context:get_git_info",
       "the git facts depend on the repository only",
       "4ecf31b7368109c136d6baf086abd8f998274c5fc3166ed325f71ae33c90cd03"),
    _F("macros-compile", PATCH, "mkdocs-macros-plugin", "mkdocs_macros.plugin:MacrosPlugin.on_config",
       "on_config makes the build's Jinja environment as self._env",
       "7c0fae744b7a97f26b078889632d800f1234a76c2073dd4de241b5c1652f4e90"),
    _F("macros-compile", PATCH, "Jinja2", "jinja2.environment:Environment.compile",
       "compile(source, name, filename, raw, defer_init), its output a function of them and the options",
       "634cba867b25347fd9807a02dcb5a7e49bec3c150a9ebb5a76931d3369c027a6"),
    _F("macros-pre-build", PATCH, "mkdocs-macros-plugin", "mkdocs_macros.plugin:MacrosPlugin.on_pre_build",
       "the replacement logs the same trace lines without the debug payloads",
       "6b66cf76f16285cb7ab46d6ee9c2328669b0609992ff4f3c69180a63b216ebad"),
    _F("config-yaml", PATCH, "mkdocs", "mkdocs.utils.yaml:yaml_load",
       "a config file's data depends on its text only when it has no tags and no INHERIT",
       "d80d2693661356b8880f60d15506a6088b45ce9a6e4f538df29047ead1eb58d0",
       on_properdocs="b221d094ec66b2cc45298073580f388de700774d69dd067c25dbbf37f7dc3fa8"),
    _F("theme-list", PATCH, "mkdocs", "mkdocs.utils:get_themes",
       "the installed themes do not change while a batch runs",
       "eccc06496de6cf8a56293c072986117769efe78e0d29fd7a17f8430182eb8c50",
       on_properdocs="f06e8b1e6acdd6077eba07836f2402f19f9b0b1bd0236cdb1101c8dacab2060f"),
    _F("page-render", PATCH, "mkdocs", "mkdocs.structure.pages:Page.render",
       "render sets content, toc, _title_from_render, present_anchor_ids and links_to_anchors",
       "320529348f7a8af152073d0a3ab02960ccce91f9204716144e51b20931983cc6",
       on_properdocs="ee04724746238ac17c0004482b10be71d084369ec5be615642eedee83a9f6171"),
    _F("search-split", PATCH, "mkdocs-material",
       "material.plugins.search.plugin:SearchIndex.add_entry_from_context",
       "the replacement is this function with the parse of the page's HTML kept",
       "4ca78ac4321f7704149f84dac0abc5a26afbd7c43de197ce7f481dcab47edb7b"),
    # --- output_hooks.py: squeezing that reads material's markup ----------------------------
    _F("one-line-labels", SQUEEZE, "mkdocs-material", "material:templates/partials/nav-item.html",
       "_LABEL and _NAV_LINK: md-ellipsis spans and md-nav__link flex containers",
       "89895208f22d68ce405a4bcb6649b9150eba5bbb04663a6cb3f93f02daf1d2f7"),
    _F("one-line-labels", SQUEEZE, "mkdocs-material", "material:templates/partials/toc-item.html",
       "_LABEL: md-ellipsis spans",
       "418f31ce2e6d559934f610084a5c8493f9618b96268909601552ac48aa0c15c2"),
    _F("one-line-labels", SQUEEZE, "mkdocs-material", "material:templates/partials/footer.html",
       "_LABEL: md-footer__direction and md-ellipsis blocks",
       "50c2a75f013b7b03fb97f381860c77df8fd5d13d68f90d3281754b68f69ec894"),
    _F("one-line-labels", SQUEEZE, "mkdocs-material", "material:templates/partials/path-item.html",
       "_LABEL: md-ellipsis spans",
       "3252b317fa46c4e207e139dc8864c679a049aef2b7cfa65b23f4360c6b6f817e"),
    _F("logo-label", SQUEEZE, "mkdocs-material", "material:templates/partials/header.html",
       "_LOGO_LABEL: the logo link's title, class and aria-label in this order; md-ellipsis",
       "8cf3fb15bcf969ff596649616fd99366b3c31c08d57a86d05308efc16d8fa75f"),
    _F("logo-label", SQUEEZE, "mkdocs-material", "material:templates/partials/nav.html",
       "_LOGO_LABEL: the logo link's title, class and aria-label in this order",
       "af33f6e032f632eb055c365eb5f1a975bf8456152fa768e69a1aad6d470b843f"),
    _F("generator-tag", SQUEEZE, "mkdocs-material", "material:templates/base.html",
       "_GENERATOR: one <meta name=\"generator\"> in the head",
       "8536d352b0093623df9e0032894f321cbe264b15a9b48cdd962583772455dadb"),
    _F("toggle-autocomplete", SQUEEZE, "mkdocs-material", "material:templates/base.html",
       "_TOGGLE_AUTOCOMPLETE: the drawer and search toggles are <input class=\"md-toggle\" …> "
       "with autocomplete=\"off\"",
       "8536d352b0093623df9e0032894f321cbe264b15a9b48cdd962583772455dadb"),
    _F("icon-swaps", SQUEEZE, "mkdocs-material", "material:templates/partials/icons.html",
       "icons are inlined as the SVG files' text, which swap_icons looks for",
       "461a02930eb982ef17829cfe5ebb9f8dca6eb1eb0c9da2391c130b0fe8eb5fa7"),
    # --- reporting.py: what mkdocs and mkdocs-macros say, read to name the file and line ----
    _F("macro-failure", REPORT, "mkdocs-macros-plugin", "mkdocs_macros.plugin:MacrosPlugin.render",
       "a failed macro is logged through util.LOG while its exception is handled, then the build exits",
       "1b26bafbfaaa05b7cc6211e50decbf43c48af8e5c6b39e58297f0feb2abeafff"),
    _F("link-warnings", REPORT, "mkdocs", "mkdocs.structure.pages:_RelativePathTreeprocessor.path_to_url",
       "the words of the warnings about a page's links, which link_warning reads",
       "e70ebc9605514fabbcc58a1fb2c5bcf7059ef2a15911cf91cbe465587ccf73e7",
       on_properdocs="f691c9acb97661b046f40f164aff6b4b7170ec356c0956ad1aed6294fa2e7f13"),
    _F("link-warnings", REPORT, "mkdocs", "mkdocs.structure.pages:Page.validate_anchor_links",
       "the words of the warning about a link to a missing anchor, which link_warning reads",
       "874bc52fc630d5e85d851ae9c9f33f69a9c301d4e241fb282729ef417458073d",
       on_properdocs="874bc52fc630d5e85d851ae9c9f33f69a9c301d4e241fb282729ef417458073d"),
    # --- overrides/: copies of material's partials (and the page they extend) ----------------
    _F("overrides/partials/search.html", OVERRIDE, "mkdocs-material",
       "material:templates/partials/search.html",
       "a copy with an aria-label on the search dialog",
       "bfd556535abcddb99396ab2a7e3acc2ebcd3f36756007d3969396caa4126be30"),
    _F("overrides/partials/javascripts/content.html", OVERRIDE, "mkdocs-material",
       "material:templates/partials/javascripts/content.html",
       "a copy that writes the content-tabs script only where a page has tabs",
       "3722e156f0f6339de39fbbfc178b6e401d1a4fb890f189ac5b80c2504bda7dcf"),
    _F("overrides/partials/javascripts/palette.html", OVERRIDE, "mkdocs-material",
       "material:templates/partials/javascripts/palette.html",
       "a copy that loads the palette script as a shared file",
       "8790389765ea6036effddba548b15093bb05bdc75624eaeaf8b13f3c24be4ab5"),
    _F("overrides/partials/header.html", OVERRIDE, "mkdocs-material",
       "material:templates/partials/header.html",
       "a copy whose menu and search toggles are real buttons with aria-expanded",
       "8cf3fb15bcf969ff596649616fd99366b3c31c08d57a86d05308efc16d8fa75f"),
    _F("overrides/main.html", OVERRIDE, "mkdocs-material", "material:templates/main.html",
       "takes the place of material's main.html, which only extends base.html",
       "9948b55a7bc979c35825df99baba9e6971fca4eb298dea3cdde61e990a2de5e0"),
    _F("overrides/main.html", OVERRIDE, "mkdocs-material", "material:templates/base.html",
       "extends base.html and fills its hero and content blocks",
       "8536d352b0093623df9e0032894f321cbe264b15a9b48cdd962583772455dadb"),
    # --- docs/assets/policy.js: what it relies on in material's script ------------------------
    _F("docs/assets/policy.js", SCRIPT, "mkdocs-material",
       "material:templates/assets/javascripts/bundle.a5f9d56c.min.js",
       "toc.follow scrolls the sidebar with scrollTo on its scroll wrapper (keepFocusInSight), "
       "and the drawer and search are checkboxes the script presses",
       "b9a1ef14b5e91ad61fa8d7dd42e1f55e6af0ebd224bc8970dff0e7d7311b172f"),
)


def installed_version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def pinned() -> dict[str, str]:
    """The pinned packages the running code comes from (ProperDocs in place of mkdocs there)."""
    names = {"mkdocs-material", "mkdocs-macros-plugin", "Jinja2",
             "properdocs" if platform.name() == "properdocs" else "mkdocs"}
    return {name: PINNED[name] for name in sorted(names)}


def problem(fence: Fence) -> str | None:
    """Why a fence does not hold, or None when it does."""
    distribution, recorded = fence.effective
    pin, installed = PINNED[distribution], installed_version(distribution)
    if installed != pin:
        return f"{distribution} {installed or 'is not installed'} instead of {pin}"
    digest = fence.digest()
    if digest != recorded:
        return (f"{fence.target} is not the code it was written for "
                f"(sha256 {digest[:12]}, recorded {recorded[:12] or 'none'})")
    return None


@functools.cache
def broken(kind: str) -> dict[str, str]:
    """The fenced things of `kind` that may not be used here, each with why; each is warned
    about once per process."""
    found: dict[str, str] = {}
    for fence in FENCES:
        if fence.kind == kind and fence.name not in found:
            why = problem(fence)
            if why:
                found[fence.name] = why
    for name, why in found.items():
        what = {PATCH: "patch", SQUEEZE: "squeezing step", OVERRIDE: "copied partial",
                REPORT: "reading of upstream messages", SCRIPT: "script"}[kind]
        consequence = {PATCH: "is not installed: builds take the plain, slower path",
                       SQUEEZE: "is skipped: pages are a little larger",
                       REPORT: "may no longer name a problem's file and line (mkdocs' words are shown)",
                       OVERRIDE: "may have fallen behind the theme's own: compare and copy it again",
                       SCRIPT: "may no longer fit the theme's script: read it against the new one"}[kind]
        _warn(f"the {what} '{name}' {consequence} ({why})")
    return found


def holds(kind: str, name: str) -> bool:
    return name not in broken(kind)


def _warn(message: str) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("warning: %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.warning(message)


def table() -> str:
    """The fences as a Markdown table, with the hashes as installed (for renewing entries)."""
    rows = ["| fenced | kind | upstream code | pinned | sha256 (recorded) | as installed |",
            "| --- | --- | --- | --- | --- | --- |"]
    for fence in FENCES:
        digest = fence.digest()
        rows.append(f"| {fence.name} | {fence.kind} | `{fence.target}` | {fence.distribution} "
                    f"{PINNED[fence.distribution]} | {fence.sha256[:16]} | "
                    f"{'same' if digest == fence.sha256 else digest[:16]} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table())
