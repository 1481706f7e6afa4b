"""Privacy (UK GDPR): a reader's browser contacts no host but the site's own — no Google
Fonts, no CDN, no analytics, no external images — on any page of any school."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.browser

LOADED = (("link", "href"), ("script", "src"), ("img", "src"), ("iframe", "src"),
          ("source", "src"), ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"))


def test_searching_and_printing_request_only_the_sites_own_host(sites, new_page, search):
    page = new_page()
    requests: list[str] = []
    page.context.on("request", lambda request: requests.append(request.url))
    slug = next(iter(sites.schools))
    page.goto(sites.url(slug))
    search(page, "exclusion")
    page.goto(sites.url(slug, "print/"))
    page.emulate_media(media="print")
    page.wait_for_timeout(100)
    assert requests
    assert {urlsplit(url).hostname for url in requests} == {"127.0.0.1"}, sorted(set(requests))


def test_no_page_or_stylesheet_refers_to_a_third_party_resource(sites):
    """Catches what a visit might not trigger: fonts, lazy images, @import in stylesheets."""
    found = []
    for path in sorted(sites.root.rglob("*.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag, attribute in LOADED:
            for element in soup.find_all(tag, attrs={attribute: True}):
                if tag == "link" and not set(element.get("rel", [])) & {"stylesheet", "preload", "icon", "modulepreload", "prefetch", "preconnect", "dns-prefetch"}:
                    continue
                if re.match(r"^(https?:)?//", element[attribute]):
                    found.append(f"{path.relative_to(sites.root)}: <{tag} {attribute}={element[attribute]}>")
    for path in sorted(sites.root.rglob("*.css")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", text):
            found.append(f"{path.relative_to(sites.root)}: {match[1]}")
    assert not found, "\n".join(sorted(set(found))[:40])
