"""The authority's model policy: its sections, named passages, links and metadata in `docs/`."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from macros.errors import PolicyError, Problem
from macros.paths import DOCS_DIR, MKDOCS_YML, PROJECT_DIR
from macros.model.passages import Passage, passages_in


# Pages the builder generates around the policy; they are not part of the model's text.
SITE_PAGES = {"print.md", "whos-who.md", "differences.md", "accessibility.md"}


@dataclass(frozen=True)
class Link:
    key: str
    title: str
    url: str | None


@dataclass
class Model:
    """Everything a school's file is checked against and rendered with."""

    meta: dict
    sections: list[str]  # file stems, in reading order
    passages: dict[str, Passage]
    passage_section: dict[str, str]
    section_titles: dict[str, str]
    links: dict[str, Link]
    behaviour_approaches: dict[str, dict] = field(default_factory=dict)

    @property
    def issue(self) -> int:
        return int(self.meta["issue"])

    @property
    def version_label(self) -> str:
        return f"{self.meta['reference']} issue {self.meta['issue']}, {self.meta['published']}"


class _IgnoreTagsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even where it uses mkdocs' own YAML tags."""


_IgnoreTagsLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_IgnoreTagsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _nav_files(nav: list) -> list[str]:
    files = []
    for entry in nav:
        value = next(iter(entry.values())) if isinstance(entry, dict) else entry
        if isinstance(value, list):
            files.extend(_nav_files(value))
        elif isinstance(value, str) and value.endswith(".md"):
            files.append(value)
    return files


def _read_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise PolicyError(Problem(str(path.relative_to(PROJECT_DIR)), f"cannot read: {error}")) from None


@lru_cache(maxsize=4)
def load_model(docs_dir: Path = DOCS_DIR, mkdocs_yml: Path = MKDOCS_YML) -> Model:
    config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=_IgnoreTagsLoader)
    sections = [f[:-3] for f in _nav_files(config.get("nav", [])) if f not in SITE_PAGES]
    meta = _read_yaml(docs_dir / "model.yml")
    registry = _read_yaml(docs_dir / "links.yml")
    links = {key: Link(key, entry["title"], entry.get("url")) for key, entry in registry.items()}

    passages: dict[str, Passage] = {}
    where: dict[str, str] = {}
    titles: dict[str, str] = {}
    problems = []
    for section in sections:
        source = (docs_dir / f"{section}.md").read_text(encoding="utf-8")
        for passage in passages_in(source):
            if passage.id in passages:
                problems.append(Problem(f"docs/{section}.md", f"passage name '{passage.id}' is "
                                        f"already used in docs/{where[passage.id]}.md", passage.id))
            passages[passage.id] = passage
            where[passage.id] = section
            if passage.kind == "heading" and passage.level == 1:
                titles[section] = passage.text
    if problems:
        raise PolicyError(problems)
    return Model(meta, sections, passages, where, titles, links,
                 meta.get("behaviour_approaches", {}))
