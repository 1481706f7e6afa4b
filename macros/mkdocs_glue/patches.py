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
  nothing are kept, so a link warning is never hidden;
- the search plugin's split of a page's HTML into sections, keyed by the HTML: the same
  page again (the same section for another school) is not parsed again.

Each school still gets a fresh `load_config` and its own plugin instances, so
mkdocs-macros runs `define_env` (which reads SCHOOL) for every school.

These are patches of mkdocs internals, so they are installed only for the versions pinned
in pyproject.toml and used only for a config whose plugins are known to leave the Jinja
environment alone (and the Markdown cache only with Markdown extensions known to read
nothing but the page); otherwise builds take the plain path. The search split is the one
exception: material's parser reads nothing but the page's HTML, so it holds for any config.
`POLICY_FAST_BUILD=0` turns them off. tests/test_build.py checks the output is
byte-identical to `mkdocs build`.
"""
from __future__ import annotations

import fnmatch
import functools
import json
import logging
import os
import threading
import types
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from macros import platform
from macros.mkdocs_glue.shared_assets import SHARED_PLUGIN
from macros.paths import CACHE_DIR

PINNED = {"mkdocs": "1.6.1", "mkdocs-material": "9.8.1", "mkdocs-macros-plugin": "1.5.0"}
# On ProperDocs (macros/platform.py) the patched modules are its own: that release too.
PINNED_ON_PROPERDOCS = {**PINNED, "properdocs": "1.6.7"}
# Plugins whose hooks neither change the theme's Jinja environment nor add theme files.
SAFE_PLUGINS = {"search", "material/search", "macros", SHARED_PLUGIN}
# Markdown extensions whose output depends only on a page's Markdown and the config: no files
# read, no state kept between pages. A page converted with any other is never cached.
SAFE_EXTENSIONS = {"attr_list", "def_list", "md_in_html", "admonition", "toc", "tables",
                   "fenced_code", "footnotes", "sane_lists", "smarty", "abbr", "meta"}

_lock = threading.Lock()
_installed = False
_env_cache: dict[tuple, object] = {}
_theme_files_cache: dict[tuple, list[tuple[str, str]]] = {}
_git_info: dict | None = None
_code_cache: dict[tuple, object] = {}
_yaml_cache: dict[tuple, dict] = {}
_render_cache: dict[tuple, tuple] = {}
_search_cache: dict[str, list] = {}
_CODE_CACHE_MAX = 1024
_PAGE_CACHE_MAX = 512


@functools.cache
def installed_versions() -> dict[str, str | None]:
    """The installed versions of the pinned packages (they cannot change while we run)."""
    found = {}
    for name in PINNED_ON_PROPERDOCS if platform.name() == "properdocs" else PINNED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def supported() -> bool:
    """True when the caches may be used: pinned versions installed and not switched off."""
    if os.environ.get("POLICY_FAST_BUILD", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    return installed_versions() == (PINNED_ON_PROPERDOCS if platform.name() == "properdocs" else PINNED)


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
    """Patch mkdocs and mkdocs-macros once per process; return whether the caches are on."""
    global _installed
    if not supported():
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

        Theme.get_env = cached_get_env
        Files.add_files_from_theme = cached_add_files_from_theme
        macros_context.get_git_info = cached_git_info
        _install_macros_patches()
        _install_yaml_cache()
        _install_theme_list_cache()
        _install_render_cache()
        _install_search_cache()
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

    macros_plugin.MacrosPlugin.on_config = on_config
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


class _LogWatch(logging.Handler):
    """Notices whether anything was logged (INFO or above) while a page was converted."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.quiet = True
        # The platform's own logger too: the properdocs command does not pass it on to the root.
        self.NAMES = tuple(dict.fromkeys(("", "mkdocs", platform.name(), "MARKDOWN")))

    def emit(self, record):
        self.quiet = False

    def __enter__(self):
        for name in self.NAMES:
            logging.getLogger(name).addHandler(self)
        return self

    def __exit__(self, *exc):
        for name in self.NAMES:
            logging.getLogger(name).removeHandler(self)


def _files_signature(files) -> str:
    """What a page's links resolve against: every file's source, destination and inclusion.
    Computed once a build (pages are converted after the last plugin changed the files)."""
    import hashlib

    signature = getattr(files, "_policy_signature", None)
    if signature is None:
        digest = hashlib.sha256()
        for file in files:
            digest.update(f"{file.src_uri}\0{file.dest_uri}\0{file.url}\0{file.inclusion}\n".encode())
        signature = files._policy_signature = digest.hexdigest()
    return signature


def _render_key(page, config, files) -> tuple | None:
    from mkdocs.structure import pages

    extensions = config["markdown_extensions"]
    if type(page) is not pages.Page or not all(isinstance(e, str) and e in SAFE_EXTENSIONS
                                               for e in extensions):
        return None             # an extension we have not checked, or a custom page class
    try:
        settings = json.dumps([extensions, config["mdx_configs"], config["use_directory_urls"],
                               repr(config["validation"])], sort_keys=True)
    except (TypeError, ValueError):
        return None
    return (page.markdown, page.file.src_uri, page.file.dest_uri, page.file.url, settings,
            _files_signature(files), pages.log.getEffectiveLevel())


def _install_render_cache() -> None:
    import copy

    from mkdocs.structure import pages

    plain_render = pages.Page.render

    def render(self, config, files):
        if not getattr(config.theme, "_policy_cache_ok", False) or self.markdown is None:
            return plain_render(self, config, files)
        key = _render_key(self, config, files)
        if key is None:
            return plain_render(self, config, files)
        hit = _render_cache.get(key)
        if hit is None:
            with _LogWatch() as watch:
                plain_render(self, config, files)
            if watch.quiet:
                if len(_render_cache) >= _PAGE_CACHE_MAX:
                    _render_cache.clear()
                links = {f.src_uri: dict(v) for f, v in (self.links_to_anchors or {}).items()}
                _render_cache[key] = (self.content, copy.deepcopy(self.toc), self._title_from_render,
                                      frozenset(self.present_anchor_ids), links)
            return
        content, toc, title, anchors, links = hit
        self.content = content
        self.toc = copy.deepcopy(toc)
        self._title_from_render = title
        self.present_anchor_ids = set(anchors)
        if pages.log.getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = {files.get_file_from_path(uri): dict(v) for uri, v in links.items()}

    pages.Page.render = render


def _install_search_cache() -> None:
    """material 9.8.1's SearchIndex.add_entry_from_context, with the parse kept by HTML."""
    from material.plugins.search import plugin as search

    def add_entry_from_context(self, page):
        options = page.meta.get("search") or {}
        if options.get("exclude"):
            return
        parsed = _search_cache.get(page.content)
        if parsed is None:
            parser = search.Parser()
            parser.feed(page.content)
            parser.close()
            parsed = [(s.el, s.depth, s.id, tuple(s.title), tuple(s.text))
                      for s in parser.data if not s.is_excluded()]
            if len(_search_cache) >= _PAGE_CACHE_MAX:
                _search_cache.clear()
            _search_cache[page.content] = parsed
        for el, depth, id, title, text in parsed:
            section = search.Section(el, depth)
            section.id, section.title, section.text = id, list(title), list(text)
            self.create_entry_for_section(section, page.toc, page.url, page)

    search.SearchIndex.add_entry_from_context = add_entry_from_context


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
