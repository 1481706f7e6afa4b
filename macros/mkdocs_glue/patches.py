"""In-process caches that make the second and later builds in one process cheap.

A plain `mkdocs build` spends most of its time on work that is the same for every school:
compiling the theme's Jinja templates (mkdocs makes a new Jinja environment per build),
listing material's ~14,500 theme files to find the few static assets, and running about
twelve `git` subprocesses for mkdocs-macros' `git` variable (which no page uses). Within
one worker process these caches keep that work from the first build and reuse it:

- one Jinja environment per theme (same folders, same locale): compiled templates are
  reused; nothing in our plugin set (material's search, mkdocs-macros, our hooks files)
  changes it per build;
- one listing of the theme's static files per theme (the per-build step that skips theme
  files a docs file overrides still runs, so the result is the same);
- the `git` information once per process;
- the theme's compiled templates also on disk (Jinja's own bytecode cache, in
  the project's `.cache/templates/` or POLICY_CACHE_DIR; empty turns it off), so a new process that
  rebuilds one school does not compile them again;
- mkdocs-macros' compiled page templates: every school's pages start from the same model
  Markdown, so the Jinja code compiled from a page's source is kept (keyed by the source
  and everything in the macros environment that affects compiling: delimiters, options,
  extensions; compiled without constant folding, which could call a build's own filters)
  and bound to each build's own environment, which is what Jinja's bytecode cache does;
- the parsed mkdocs.yml (a deep copy each time; only for a file without YAML tags such as
  `!ENV` and without `INHERIT`, whose result could change between builds);
- mkdocs-macros' `on_pre_build` serialises every variable to JSON for a debug message
  even when debug logging is off (~30 ms a build); it is skipped unless debug is on;
- the list of installed themes (an entry-point scan mkdocs repeats twice a build);
- a page's Markdown converted to HTML: most sections read the same for many schools (the
  school's name or role holders appear in some, not all), so a page whose Markdown, place,
  site files and Markdown settings match an earlier page's gets that page's HTML, table of
  contents, title and anchors without converting again. Only conversions that logged
  nothing are kept, so a link warning is never hidden (page_caches.py);
- the search plugin's split of a page's HTML into sections, keyed by the HTML: the same
  page again (the same section for another school) is not parsed again.

Each school still gets a fresh `load_config` and its own plugin instances, so
mkdocs-macros runs `define_env` (which reads SCHOOL) for every school.

These are patches of upstream internals, so each is fenced (fences.py: the code it replaces or
relies on, its pinned version and a hash of that code): a patch whose fence does not hold is not
installed, and a warning names it. They are used only for a config whose plugins are known to
leave the Jinja environment alone (and the Markdown cache only with Markdown extensions known
to read nothing but the page); otherwise builds take the plain path. The search split is the
one exception: material's parser reads nothing but the page's HTML, so it holds for any
config. `POLICY_FAST_BUILD=0` turns them off. tests/test_build.py checks the output is
byte-identical to `mkdocs build`.
"""
from __future__ import annotations

import fnmatch
import functools
import os
import threading
import types
from pathlib import Path

from macros.mkdocs_glue import fences
from macros.mkdocs_glue.fences import PINNED
from macros.mkdocs_glue.page_caches import install_render_cache, install_search_cache
from macros.mkdocs_glue.plugin import PLUGIN_NAME
from macros.mkdocs_glue.shared_assets import SHARED_PLUGIN
from macros.paths import CACHE_DIR

# Plugins whose hooks neither change the theme's Jinja environment nor add theme files.
SAFE_PLUGINS = {"search", "material/search", "macros", PLUGIN_NAME, SHARED_PLUGIN}

_lock = threading.Lock()
_installed = False
_env_cache: dict[tuple, object] = {}
_theme_files_cache: dict[tuple, list[tuple[str, str]]] = {}
_git_info: dict | None = None
_code_cache: dict[tuple, object] = {}
_yaml_cache: dict[tuple, dict] = {}
_CODE_CACHE_MAX = 1024


@functools.cache
def installed_versions() -> dict[str, str | None]:
    """The installed versions of the packages the patches are pinned to (on this platform)."""
    return {name: fences.installed_version(name) for name in fences.pinned()}


def switched_on() -> bool:
    return os.environ.get("POLICY_FAST_BUILD", "1").strip().lower() not in ("0", "false", "no", "off")


def supported() -> bool:
    """True when every patch may be installed: switched on, and every fence holds."""
    return switched_on() and not fences.broken(fences.PATCH)


def _may(patch: str) -> bool:
    return fences.holds(fences.PATCH, patch)


def config_is_safe(config) -> bool:
    """Only plugins we checked (search, macros) and `hooks:` files that leave the env alone."""
    for name, plugin in config.plugins.items():
        if name in SAFE_PLUGINS:
            continue
        if isinstance(plugin, types.ModuleType) and not hasattr(plugin, "on_env"):
            continue            # a hooks file without on_env cannot change the shared env
        return False
    return True


def install() -> bool:
    """Install, once per process, each patch whose fence holds (a warning names any other);
    return whether the caches are switched on."""
    global _installed
    if not switched_on():
        return False
    with _lock:
        if _installed:
            return True
        import mkdocs_macros.context as macros_context
        from mkdocs.structure.files import File, Files
        from mkdocs.theme import Theme

        plain_get_env = Theme.get_env
        plain_add_files = Files.add_files_from_theme
        plain_git_info = macros_context.get_git_info

        def cached_get_env(self):
            if not getattr(self, "_policy_cache_ok", False):
                return plain_get_env(self)
            key = (tuple(self.dirs), str(self.locale))
            env = _env_cache.get(key)
            if env is None:
                env = _env_cache[key] = plain_get_env(self)
                _add_bytecode_cache(env, key)
            return env

        def cached_add_files_from_theme(self, env, config):
            theme = config.theme
            if not getattr(theme, "_policy_cache_ok", False):
                return plain_add_files(self, env, config)
            key = (tuple(theme.dirs), tuple(theme.static_templates))
            listing = _theme_files_cache.get(key)
            if listing is None:
                listing = _theme_files_cache[key] = _list_theme_files(env, config)
            for path, folder in listing:
                # Theme files do not override docs_dir files (as in mkdocs).
                if self.get_file_from_path(path) is None:
                    self.append(File(path, folder, config.site_dir, config.use_directory_urls))

        def cached_git_info():
            global _git_info
            if _git_info is None:
                _git_info = plain_git_info()
            return dict(_git_info) if isinstance(_git_info, dict) else _git_info

        if _may("theme-environment"):
            Theme.get_env = cached_get_env
        if _may("theme-files"):
            Files.add_files_from_theme = cached_add_files_from_theme
        if _may("git-info"):
            macros_context.get_git_info = cached_git_info
        _install_macros_patches()
        for patch, install_it in (("config-yaml", _install_yaml_cache), ("theme-list", _install_theme_list_cache),
                                  ("page-render", install_render_cache), ("search-split", install_search_cache)):
            if _may(patch):
                install_it()
        _installed = True
        return True


def cache_dir() -> Path | None:
    """Where compiled theme templates are kept between processes (POLICY_CACHE_DIR; empty: off)."""
    configured = os.environ.get("POLICY_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    return CACHE_DIR / "templates"


def _add_bytecode_cache(env, key: tuple) -> None:
    """Jinja's own bytecode cache on the theme's environment, so a new process (a rebuild of
    one school) does not compile material's ~40 templates again (~0.5 s). Jinja checks each
    entry against the template's source and the Python version; the folder is per theme
    folders, locale, extensions and Jinja version."""
    import hashlib

    import jinja2
    from jinja2 import FileSystemBytecodeCache

    root = cache_dir()
    if root is None:
        return
    identity = repr((key, sorted(env.extensions), jinja2.__version__, _compile_signature(env)[1:13]))
    folder = root / ("jinja-" + hashlib.sha256(identity.encode()).hexdigest()[:16])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".writable"
        probe.write_bytes(b"")
    except OSError:
        return                  # no writable cache: compile as usual
    env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def _compile_signature(env) -> tuple:
    """Everything in a Jinja environment that changes what `compile` produces."""
    return (type(env), env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string,
            env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks,
            env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
            env.finalize, env.autoescape, env.code_generator_class, tuple(sorted(env.extensions)))


def _cached_compile(env, plain_compile):
    def compile(source, name=None, filename=None, raw=False, defer_init=False):
        if raw or not isinstance(source, str):
            return plain_compile(source, name, filename, raw, defer_init)
        key = (_compile_signature(env), source, name, filename, defer_init)
        code = _code_cache.get(key)
        if code is None:
            # Without Jinja's optimizer, which may call this build's filters at compile time
            # (constant folding); the code then depends on nothing but the source and the
            # signature, and renders the same.
            optimized, env.optimized = env.optimized, False
            try:
                code = plain_compile(source, name, filename, raw, defer_init)
            finally:
                env.optimized = optimized
            if len(_code_cache) >= _CODE_CACHE_MAX:
                _code_cache.clear()
            _code_cache[key] = code
        return code
    return compile


def _install_macros_patches() -> None:
    import logging

    from mkdocs_macros import plugin as macros_plugin
    from mkdocs_macros import util as macros_util

    plain_on_config = macros_plugin.MacrosPlugin.on_config
    plain_on_pre_build = macros_plugin.MacrosPlugin.on_pre_build

    def on_config(self, config):
        result = plain_on_config(self, config)
        env = getattr(self, "_env", None)
        if env is not None and getattr(config.theme, "_policy_cache_ok", False):
            env.compile = _cached_compile(env, env.compile)    # this build's env only
        return result

    def on_pre_build(self, *, config):
        if macros_util.LOG.isEnabledFor(logging.DEBUG):
            return plain_on_pre_build(self, config=config)
        # The same trace lines; the debug payloads (JSON of every variable) would be dropped.
        macros_util.trace("Config variables:", list(self.variables.keys()))
        if self.macros:
            macros_util.trace("Config macros:", list(self.macros.keys()))
        if self.filters:
            macros_util.trace("Config filters:", list(self.filters.keys()))

    if _may("macros-compile"):
        macros_plugin.MacrosPlugin.on_config = on_config
    if _may("macros-pre-build"):
        macros_plugin.MacrosPlugin.on_pre_build = on_pre_build


def _install_yaml_cache() -> None:
    import copy

    import mkdocs.config.defaults

    plain_yaml_load = mkdocs.config.defaults.yaml_load

    def yaml_load(source, loader=None):
        # MkDocsConfig.load_file's loader differs per config only by the `!relative` tag.
        name = getattr(source, "name", None)
        if not isinstance(name, str) or not hasattr(source, "seek"):
            return plain_yaml_load(source, loader)
        start = source.tell()
        data = source.read()
        source.seek(start)
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        if "!" in text or "INHERIT" in text:
            return plain_yaml_load(source, loader)
        key = (name, text)
        if key not in _yaml_cache:
            if len(_yaml_cache) > 16:
                _yaml_cache.clear()
            _yaml_cache[key] = plain_yaml_load(source, loader)
        return copy.deepcopy(_yaml_cache[key])

    mkdocs.config.defaults.yaml_load = yaml_load


def _install_theme_list_cache() -> None:
    """mkdocs clears its cached theme list on every theme load (a theme may have been
    installed since); nothing is installed while a batch build runs, so scan once."""
    from mkdocs import utils

    plain_get_themes = utils.get_themes
    scanned: list[dict] = []

    def get_themes():
        if not scanned:
            scanned.append(plain_get_themes())
        return dict(scanned[0])

    get_themes.cache_clear = lambda: None
    utils.get_themes = get_themes


def _list_theme_files(env, config) -> list[tuple[str, str]]:
    """What mkdocs 1.6.1's Files.add_files_from_theme finds, before the docs-override check."""
    from mkdocs import utils

    patterns = [".*", "*/.*", "*.py", "*.pyc", "*.html", "*readme*", "mkdocs_theme.yml", "locales/*"]
    patterns.extend(f"*{x}" for x in utils.markdown_extensions)
    patterns.extend(config.theme.static_templates)

    def keep(name: str) -> bool:
        lowered = name.lower()
        return not any(fnmatch.fnmatch(lowered, pattern) for pattern in patterns)

    listing = []
    for path in env.list_templates(filter_func=keep):
        for folder in config.theme.dirs:
            if os.path.isfile(os.path.join(folder, path)):
                listing.append((path, folder))
                break
    return listing


def mark_config(config) -> bool:
    """Allow the caches for this config's theme when its plugins are known to be safe."""
    ok = _installed and config_is_safe(config)
    config.theme._policy_cache_ok = ok
    return ok
