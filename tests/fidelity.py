"""Word-level fidelity of a built print page against a school's seed document."""
from __future__ import annotations

import difflib
import re
from pathlib import Path

from bs4 import BeautifulSoup

from helpers import SEED_SCHOOLS

SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
SEEDS = {slug: f"{slug}.txt" for slug in SEED_SCHOOLS}
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)*")


def words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _WORD.findall(text.lower())]


def seed_words(slug: str) -> list[str]:
    text = (SEEDS_DIR / SEEDS[slug]).read_text(encoding="utf-8")
    text = re.sub(r"<(https?://[^>]+)>", r"\1", text)       # autolinks show their address
    text = re.sub(r"<[^>]+>", " ", text)                    # stray HTML tags
    text = re.sub(r"\]\([^)]*\)", "]", text)                # link targets
    return words(text.replace("\\", ""))


def article_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    article = soup.select_one("article") or soup
    for hidden in article.select(".headerlink, .md-content__button, .policy-feedback, .policy-page-meta"):
        hidden.decompose()
    return article.get_text(" ")


def print_words(site: Path, slug: str) -> list[str]:
    return words(article_text((site / slug / "print" / "index.html").read_text(encoding="utf-8")))


def ratio(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
