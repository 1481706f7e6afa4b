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
- the `git` information once per process.

Each school still gets a fresh `load_config` and its own plugin instances, so
mkdocs-macros runs `define_env` (which reads SCHOOL) for every school.

These are patches of mkdocs internals, so they are installed only for the versions pinned
in pyproject.toml and used only for a config whose plugins are known to leave the Jinja
environment alone; otherwise builds take the plain path. `POLICY_FAST_BUILD=0` turns them
off. tests/test_build.py checks the output is byte-identical to `mkdocs build`.
"""
from __future__ import annotations

import fnmatch
import os
import threading
import types
from importlib.metadata import PackageNotFoundError, version

PINNED = {"mkdocs": "1.6.1", "mkdocs-material": "9.8.1", "mkdocs-macros-plugin": "1.5.0"}
# Plugins whose hooks neither change the theme's Jinja environment nor add theme files.
SAFE_PLUGINS = {"search", "material/search", "macros"}

_lock = threading.Lock()
_installed = False
_env_cache: dict[tuple, object] = {}
_theme_files_cache: dict[tuple, list[tuple[str, str]]] = {}
_git_info: dict | None = None
stats = {"env_hits": 0, "env_misses": 0, "files_hits": 0, "files_misses": 0}


def installed_versions() -> dict[str, str | None]:
    found = {}
    for name in PINNED:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = None
    return found


def supported() -> bool:
    """True when the caches may be used: pinned versions installed and not switched off."""
    if os.environ.get("POLICY_FAST_BUILD", "1").strip().lower() in ("0", "false", "no", "off"):
        return False
    return installed_versions() == PINNED


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
                stats["env_misses"] += 1
                env = _env_cache[key] = plain_get_env(self)
            else:
                stats["env_hits"] += 1
            return env

        def cached_add_files_from_theme(self, env, config):
            theme = config.theme
            if not getattr(theme, "_policy_cache_ok", False):
                return plain_add_files(self, env, config)
            key = (tuple(theme.dirs), tuple(theme.static_templates))
            listing = _theme_files_cache.get(key)
            if listing is None:
                stats["files_misses"] += 1
                listing = _theme_files_cache[key] = _list_theme_files(env, config)
            else:
                stats["files_hits"] += 1
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
        _installed = True
        return True


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
