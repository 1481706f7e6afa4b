"""The policy plugin: one school inside mkdocs, from its validated file to its checked pages.

Named `policy` in mkdocs.yml's plugins (an entry point in pyproject.toml), before `macros`.
Whatever runs mkdocs (`mkdocs build` or `serve`, mike, `policy build`), this plugin:

- loads and validates the school once (`SCHOOL=<slug>`, the plugin's `school:` option, or
  handed in by `policy build` with `hand_in`) and makes its page context, which the macros
  adapter (macros_adapter.py) gives the pages;
- leaves out the sections the school omits, from the files and the navigation;
- makes the print page (print_page.py);
- makes every page small (output_hooks.py) and then reads it as the browser will: nothing may
  be fetched from another host and no link may run code (privacy.py); a page that breaks either
  fails the build, naming the school file's field the text came from, or the model page or
  template;
- reports every problem, its own and mkdocs' and mkdocs-macros' warnings, as the project's
  Problems (reporting.py).
"""
from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import InclusionLevel
from mkdocs.structure.nav import Section
from mkdocs.structure.pages import Page
from mkdocs.utils.meta import get_data

from macros import platform
from macros.errors import PolicyError, Problem
from macros.mkdocs_glue import fences, output_hooks, privacy
from macros.mkdocs_glue.origins import Origin, in_files, in_school_file
from macros.mkdocs_glue.print_page import PRINT_PAGE, join_sections
from macros.mkdocs_glue.reporting import BuildLog, PolicyPluginError, link_warning
from macros.model.model import Model, load_model
from macros.paths import DOCS_DIR
from macros.render import pages
from macros.render.context import PageContext, build_context
from macros.render.placeholders import placeholder_problem
from macros.school.loader import all_slugs, display_path, load_school, school_path
from macros.school.schema import SLUG_RE, School

PLUGIN_NAME = "policy"
SCHOOL_VARIABLE = "SCHOOL"
_WHAT = {"img": "a picture", "picture": "a picture", "source": "a picture or media file", "image": "a picture",
         "audio": "a sound", "video": "a video", "track": "subtitles", "iframe": "an embedded page",
         "frame": "an embedded page", "embed": "an embedded object", "object": "an embedded object",
         "link": "a stylesheet, icon or preloaded file", "script": "a script", "style": "a stylesheet",
         "form": "a form", "meta": "a redirect", "base": "the base address"}


class PolicyConfig(base.Config):
    school = c.Optional(c.Type(str))    # the school's slug; else the SCHOOL environment variable


class PolicyPlugin(BasePlugin[PolicyConfig]):
    supports_multiple_instances = False

    def __init__(self):
        super().__init__()
        self._handed: tuple[str, School] | None = None
        self.slug: str | None = None
        self.school_file: Path | None = None
        self.model: Model | None = None
        self.context: PageContext | None = None
        self.failure: PolicyPluginError | None = None
        self.log = BuildLog(self._convert_log, self._label, self._macro_failure)
        self._command = "build"
        self._pages: dict[str, str] = {}          # src_uri -> the Markdown mkdocs-macros renders
        self._findings: dict[tuple, list[str]] = {}
        self._docs_dir: Path | None = None
        self._custom_dir: Path | None = None
        self._config_file = "mkdocs.yml"
        self._current: str | None = None
        self._project: Path = Path.cwd()

    # --- the school ---------------------------------------------------------------------
    def hand_in(self, slug: str, school: School) -> None:
        """`policy build` has loaded and validated the school already: use it."""
        self._handed = (slug, school)

    def problems(self) -> list[Problem]:
        """What went wrong in the last build: the plugin's own error, or what mkdocs logged."""
        return list(self.failure.problems) if self.failure else list(self.log.problems)

    def _label(self) -> str | None:
        return self.slug

    def _choose(self, config) -> tuple[str, School]:
        model = self.model
        if self._handed:
            slug, school = self._handed
            self.school_file = school_path(slug)
            return slug, school
        slug = (self.config.school or os.environ.get(SCHOOL_VARIABLE, "")).strip()
        self.school_file = self._school_file(slug)
        return slug, load_school(self.school_file, model)

    def _school_file(self, slug: str) -> Path:
        known = all_slugs()
        command = f"{platform.name()} {self._command}"       # mkdocs, or properdocs
        usage = f"`{SCHOOL_VARIABLE}=<slug> {command}`"
        listed = ", ".join(known[:12]) + (f" and {len(known) - 12} more" if len(known) > 12 else "")
        if not slug:
            example = f", e.g. `{SCHOOL_VARIABLE}={known[0]} {command}`" if known else ""
            raise PolicyError(Problem(display_path(Path(self._config_file)), f"no school chosen: choose one with "
                                      f"{usage}{example} (schools: {listed or 'none yet'})"))
        if re.match(SLUG_RE, slug) and slug in known:
            return school_path(slug)
        nearest = difflib.get_close_matches(slug.lower(), known, 1, 0.5)
        hint = (f"did you mean `{SCHOOL_VARIABLE}={nearest[0]} {command}`?" if nearest
                else f"choose one with {usage}")
        raise PolicyError(Problem(f"{SCHOOL_VARIABLE}={slug}", f"there is no school file schools/{slug}.yml; "
                                  f"{hint} (schools: {listed or 'none yet'})"))

    # --- mkdocs events --------------------------------------------------------------------
    def on_startup(self, *, command, dirty) -> None:
        self._command = command if command in ("build", "serve") else "build"
        self.log.attach()

    def on_shutdown(self) -> None:
        self.log.detach()

    @event_priority(100)     # before mkdocs-macros, whose define_env reads the page context
    def on_config(self, config):
        self.log.attach()
        self.log.problems.clear()
        self.failure, self._pages, self._findings = None, {}, {}
        self._config_file = config.config_file_path or "mkdocs.yml"
        self._project = Path(self._config_file).resolve().parent
        self._docs_dir = Path(config.docs_dir).resolve()
        self._custom_dir = Path(config.theme.custom_dir).resolve() if config.theme.custom_dir else None
        try:
            self.model = load_model() if self._docs_dir == DOCS_DIR.resolve() else load_model(self._docs_dir)
            self.slug, school = self._choose(config)
            self.context = build_context(school, self.model)
        except PolicyError as error:
            raise PolicyPluginError.of(error) from None
        self._configure(config, self.context)
        fences.broken(fences.OVERRIDE)      # warns once if a copied partial fell behind the theme
        fences.broken(fences.REPORT)        # … or if the messages it reads may read differently
        fences.broken(fences.SCRIPT)        # … or if policy.js may no longer fit material's script
        return config

    @staticmethod
    def _configure(config, context: PageContext) -> None:
        school, model = context.school, context.model
        # The theme prints these unescaped in places (<title>, aria-label="…"): escape the school's
        # words once, as Markup so the theme's own `| e` does not escape them twice.
        config["site_name"] = _markup(f"{school.school.name}: {model.meta['short_title']}")
        config["site_description"] = _markup(f"{school.school.name}'s policy for the education of children "
                                             f"with a social worker, based on the {model.version_label} model policy.")
        # Every page's footer says which version of whose policy this is, and which model it follows.
        version = f"version {school.version}, " if school.version else ""
        config["copyright"] = _markup(
            f"{school.school.name} policy, {version}ratified {school.dates.ratified}, next review "
            f"{school.dates.next_review}. Based on the model policy {model.version_label}.")
        extra = config["extra"]
        # For overrides/partials/review-notice.html: the last day of the next review, as ISO.
        extra["policy_next_review"] = school.dates.next_review.end.isoformat()
        extra["policy_next_review_text"] = str(school.dates.next_review)
        extra["policy_review_ask"] = pages.review_ask(context)
        # Rendered by overrides/main.html: the end-of-page "questions or comments" block, and the
        # facts printed at the top of the whole policy.
        extra["policy_feedback"] = pages.feedback(context)
        extra["policy_print_summary"] = pages.print_summary(context)
        # The running footer of every printed page, for overrides/partials/print-footer.html.
        extra["policy_running_footer"] = pages.css_string(pages.running_footer(context))

    def on_files(self, files, config):
        """A section the school leaves out is not built; theme files a reader never needs are
        not copied (source maps, other languages' search)."""
        omitted = {section for section in self.model.sections if section in self.context.school.passages.omit}
        for file in list(files):
            if file.src_uri.endswith(".md") and file.src_uri[:-3] in omitted:
                file.inclusion = InclusionLevel.EXCLUDED
            elif output_hooks.pruned(file.dest_uri):
                files.remove(file)
        return files

    def on_nav(self, nav, config, files):
        nav.items = _prune(nav.items)
        nav.pages = [page for page in nav.pages if not page.file.inclusion.is_excluded()]
        for before, after in zip([None, *nav.pages], [*nav.pages, None]):
            if before is not None:
                before.next_page = after
            if after is not None:
                after.previous_page = before
        return nav

    @event_priority(100)     # before mkdocs-macros renders the page
    def on_page_markdown(self, markdown, page, config, files):
        if page.file.src_uri == PRINT_PAGE:
            # The print page stays out of the search index (it repeats every section; a page can
            # opt in with `search: {exclude: false}`). Its own Markdown is the title section's.
            page.meta.setdefault("search", {}).setdefault("exclude", True)
            first = files.get_file_from_path(f"{self.model.sections[0]}.md")
            markdown = get_data(first.content_string)[0] if first is not None else markdown
        self._pages[page.file.src_uri] = markdown
        self._current = page.file.src_uri
        return markdown

    def finish_page(self, page, markdown: str) -> str:
        """A page's Markdown with its placeholders filled → the school's page: its own section
        text, its edits, its links (called by the macros adapter)."""
        return self.context.finish_section(self._section_of(page), markdown)

    def _section_of(self, page) -> str | None:
        source = page.file.src_uri
        if source == PRINT_PAGE:
            return self.model.sections[0]
        section = source[:-3] if source.endswith(".md") else None
        return section if section in self.model.sections else None

    @event_priority(100)     # before any plugin reads the page (e.g. a search index opting it in)
    def on_page_context(self, context, page, config, nav):
        if page.file.src_uri == PRINT_PAGE and page.content is not None:
            by_source = {p.file.src_uri: p for p in nav.pages}
            join_sections(page, [by_source[f"{s}.md"] for s in self.model.sections[1:] if f"{s}.md" in by_source])
        return context

    @event_priority(-100)    # last: the page as it is written
    def on_post_page(self, output, page, config):
        output = _trim(output, config)
        self._check(output, page.file.src_uri, page)
        return output

    @event_priority(-100)
    def on_post_template(self, output_content, template_name, config):
        if template_name == "sitemap.xml" and output_hooks.empty_sitemap(output_content):
            return ""            # mkdocs writes no file for an empty template
        if template_name.endswith(".html"):
            output_content = _trim(output_content, config)
            self._check(output_content, template_name, None)
        return output_content

    def on_build_error(self, *, error) -> None:
        if isinstance(error, PolicyPluginError):
            self.failure = error

    @event_priority(-100)    # after the search plugin has written its index
    def on_post_build(self, config) -> None:
        if self._findings:
            raise PolicyPluginError([self._finding_problem(*key, places) for key, places in self._findings.items()])
        output_hooks.compact_search_index(config["site_dir"])

    # --- the privacy and link check -----------------------------------------------------------
    def _check(self, output: str, place: str, page) -> None:
        for finding in privacy.findings(output):
            origin = self._origin([finding.address, urlsplit(finding.address.strip()).hostname or ""], page)
            places = self._findings.setdefault((finding, origin), [])
            if place not in places:
                places.append(place)

    def _origin(self, needles: list[str], page) -> Origin:
        """Where the text came from: the school file's field that holds it, else the model page
        or another model page, else a template in overrides/; tried with the whole address first,
        then with its host alone; else the page's own placeholders, or the theme's templates."""
        docs = self._shown(self._docs_dir)
        for needle in filter(None, needles):
            found = (in_school_file(self.school_file, [needle])
                     or (page is not None and (in_files(self._docs_dir, [needle], page.file.src_uri, docs)
                                               or in_files(self._docs_dir, [needle], "*.md", docs)))
                     or in_files(self._custom_dir, [needle], "*.html", self._shown(self._custom_dir)))
            if found:
                return found
        if page is not None and page.file.src_uri != PRINT_PAGE:
            return Origin(f"{docs}{page.file.src_uri}")      # made by a placeholder of that page
        return Origin("the theme's templates")

    def _shown(self, folder: Path) -> str:
        folder = Path(folder).resolve()
        return (folder.relative_to(self._project).as_posix() + "/") if folder.is_relative_to(self._project) else f"{folder}/"

    def _finding_problem(self, finding: privacy.Finding, origin: Origin, places: list[str]) -> Problem:
        where = _places(places)
        if finding.kind == privacy.CODE:
            message = (f"a link on {where} would lead to '{finding.address[:40]}', which runs code "
                       f"({finding.where}); remove that link")
        else:
            what = _WHAT.get(finding.element, "an element")
            message = (f"{what} on {where} would make every reader's browser fetch {finding.address[:80]} "
                       f"({finding.where}) from another website, which tells that website who reads the "
                       "policy; " + ("link to it in words instead, like [a picture of …](https://…), "
                                     "or remove it" if origin.school else "keep the file in the site, or remove it"))
        if not origin.school:
            message += f" (building {display_path(self.school_file)})"
        return Problem(origin.file, message, origin.field, origin.line)

    # --- what mkdocs and mkdocs-macros log ------------------------------------------------------
    def _convert_log(self, text: str) -> Problem:
        school_file = display_path(self.school_file) if self.school_file else "mkdocs.yml"
        link = link_warning(text)
        if link:
            page, address, why = link
            origin = in_school_file(self.school_file, [address]) if self.school_file else None
            if origin:
                return Problem(origin.file, f"the link '{address}' on the page {page} {why}", origin.field, origin.line)
            return Problem(f"{self._shown(self._docs_dir)}{page}", f"the link '{address}' {why} "
                           f"(building {school_file})")
        return Problem(school_file, f"mkdocs: {text.strip()}")

    def _macro_failure(self, error: BaseException) -> Problem | None:
        source = self._current
        markdown = self._pages.get(source)
        if markdown is None:
            return None
        page = self.model.sections[0] + ".md" if source == PRINT_PAGE else source
        return placeholder_problem(f"{self._shown(self._docs_dir)}{page}", markdown, error,
                                   display_path(self.school_file))


def _prune(items: list) -> list:
    kept = []
    for item in items:
        if isinstance(item, Page) and item.file.inclusion.is_excluded():
            continue
        if isinstance(item, Section):
            item.children = _prune(item.children)
            if not item.children:
                continue
        kept.append(item)
    return kept


def _places(places: list[str]) -> str:
    names = ["the print page" if p == PRINT_PAGE else f"the page {p}" if p.endswith(".md") else p for p in places]
    if len(names) > 3:
        return f"{len(names)} pages ({', '.join(places[:2])}, …)"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _markup(text: str) -> Markup:
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;"))


def _trim(html: str, config) -> str:
    return output_hooks.trim_page(html, output_hooks.icon_swaps(config))


def policy_plugin(config) -> PolicyPlugin:
    """The config's policy plugin; a config without one cannot build a school's site."""
    for plugin in config["plugins"].values():
        if isinstance(plugin, PolicyPlugin):
            return plugin
    raise PolicyPluginError(Problem(display_path(Path(config.config_file_path or "mkdocs.yml")),
                                    f"the plugins list needs `- {PLUGIN_NAME}` before `- macros`: that "
                                    "plugin loads the school the pages are made for"))
