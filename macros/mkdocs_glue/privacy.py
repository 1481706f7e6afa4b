"""What a page makes a reader's browser fetch, found in its final HTML.

A school's site must make no request to another host (UK GDPR: a picture or a font from
another website tells that website who reads the policy), and no link on it may run code.
Rather than guess which inputs could lead there, the page as the browser receives it is read
the way a browser reads it: every start tag and attribute (quoted values may hold `>`),
comments skipped, character references decoded, the contents of <script> skipped and those of
<style> read as CSS. Reading is deliberately wary: where it could differ from a browser it sees
more tags, never fewer (only <script> outside SVG and <style>'s tags are skipped).

Found and refused:
- an address the browser fetches by itself that is not relative to the site: img/src/srcset,
  picture/source, audio/video/track/poster, iframe/frame/embed, object/data/codebase, script src,
  input/formaction, form action, link (every rel but the few that never fetch), base href,
  the `ping` of a link, `background`, html manifest, SVG's image/use/feImage href and any other
  href outside <a>/<area>, meta refresh, and url()/@import in style attributes and <style>;
- in any address, links included, a scheme that runs code or carries a document (javascript:,
  vbscript:, data:).
Ordinary links (<a href>, <area href>) to other websites are allowed.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass

FOREIGN, CODE = "foreign", "code"

_WS = "\t\n\f\r "
# The start-tag grammar of HTML's tokenizer: a name, then attributes separated by spaces or
# slashes, each a name and maybe `=` and a value, quoted (which may hold `>`) or not.
# Possessive quantifiers: a tag is read one way only, however it ends.
_S = r"[\t\n\f\r ]"
_NAME = r"[^\t\n\f\r />][^\t\n\f\r /=>]*+"
_VALUE = r"(?:%s*+=%s*+(?:\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >]*+))?+" % (_S, _S)
_ATTRIBUTES = r"(?:[\t\n\f\r /]++|%s%s)*+" % (_NAME, _VALUE)
_TOKEN = re.compile(
    r"<!--(?:>|->|.*?--!?>|.*\Z)"                 # a comment (ended as HTML ends one)
    r"|</([a-zA-Z][^\t\n\f\r />]*+)[^>]*+>?"       # an end tag
    r"|<[!?/][^>]*+>?"                             # a doctype or a bogus comment
    r"|<([a-zA-Z][^\t\n\f\r />]*+)(%s)>" % _ATTRIBUTES, re.S)
_ATTRIBUTE = re.compile(r"(%s)(?:%s*+=%s*+(\"[^\"]*+\"|'[^']*+'|[^\t\n\f\r >]*+))?+" % (_NAME, _S, _S))
# What may be skipped unread, in one step: text, comments, doctypes, end tags (but SVG's and
# MathML's), and start tags of ordinary elements none of whose attribute names holds one of the
# words below. A skipped tag ends where _TOKEN (and a browser) ends it.
_ADDRESS_WORDS = r"src|href|style|action|poster|background|ping|manifest|codebase|archive|data|code|icon"
_SPECIAL_ELEMENTS = r"script|style|svg|math|object|embed|applet|meta|menuitem|link|base|iframe|frame"
_PLAIN_ATTRIBUTES = r"(?:[\t\n\f\r /]++|(?![^\t\n\f\r /=>]*?(?:%s))%s%s)*+" % (_ADDRESS_WORDS, _NAME, _VALUE)


def _skip(special_elements: str) -> re.Pattern:
    return re.compile(
        r"(?:[^<]++"
        r"|<!--(?:>|->|.*?--!?>)"
        r"|</(?!(?:svg|math)[\t\n\f\r />])[a-zA-Z][^>]*+>"
        r"|<\?[^>]*+>|<!(?!--)[^>]*+>"
        r"|</(?![a-zA-Z])[^>]*+>"
        r"|<(?![a-zA-Z!?/])"
        r"|<(?!(?:%s)[\t\n\f\r />])[a-zA-Z][^\t\n\f\r />]*+%s>)*+" % (special_elements, _PLAIN_ATTRIBUTES),
        re.S | re.I)


_SKIP = _skip(_SPECIAL_ELEMENTS)
# Inside SVG or MathML no start tag is skipped: <script> and <style> hold markup there.
_SKIP_IN_FOREIGN = _skip(r"[a-zA-Z][^\t\n\f\r />]*+")
_SCRIPT_END = re.compile(r"</script[\t\n\f\r />]", re.I)
_STYLE_END = re.compile(r"</style[\t\n\f\r />]", re.I)

# Attributes whose value is one address the browser fetches, on any element.
_FETCHED = {"src", "lowsrc", "dynsrc", "poster", "background", "formaction", "action", "manifest",
            "codebase", "icon", "data", "code"}
# Attributes holding several addresses.
_SPACE_SEPARATED = {"ping", "archive"}
_SRCSET = {"srcset", "imagesrcset"}
_HREF = {"href", "xlink:href"}
_LINKING_ELEMENTS = {"a", "area"}
# <link rel=…> values that never make the browser fetch the address.
_NON_FETCHING_RELS = {"alternate", "author", "bookmark", "canonical", "external", "help", "license",
                      "me", "next", "nofollow", "noopener", "noreferrer", "opener", "prev", "tag"}
_FOREIGN_CONTENT = {"svg", "math"}

_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CODE_SCHEMES = {"javascript", "vbscript", "data"}
_CONTROL_OR_SPACE = "".join(map(chr, range(0x21)))

_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})[\t\n\f\r ]?|\\(.)", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.S)
_CSS_URL = re.compile(r"(?:url|src)\(\s*(?:\"([^\"]*)\"|'([^']*)'|([^)\s]*))", re.I)
_CSS_STRING = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_DESCRIPTOR = re.compile(r"[0-9.]+[wxh]")
_REFRESH = re.compile(r"^[\s\d.]*[;,]?\s*(?:url\s*=\s*)?(.*)$", re.I | re.S)


@dataclass(frozen=True)
class Finding:
    """One address on a page that is not allowed: fetched from another host, or running code."""

    kind: str           # FOREIGN or CODE
    element: str        # e.g. "img", or "style" for a <style> element's CSS
    attribute: str      # e.g. "src"; "" for a <style> element's CSS
    address: str        # as the browser reads it (character references decoded)

    @property
    def where(self) -> str:
        return f"<{self.element} {self.attribute}>" if self.attribute else f"<{self.element}>"


def classify(address: str) -> str | None:
    """CODE for a scheme that runs code, FOREIGN for any other absolute address, None when the
    address is relative to the site (as browsers read it: spaces and controls around it, tabs and
    line breaks inside it ignored, backslashes as slashes)."""
    cleaned = address.strip(_CONTROL_OR_SPACE)
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    scheme = _SCHEME.match(cleaned)
    if scheme:
        return CODE if scheme[1].lower() in _CODE_SCHEMES else FOREIGN
    return FOREIGN if cleaned.startswith("//") else None


def _srcset(value: str) -> list[str]:
    """Every word of a srcset that is not a descriptor (`2x`, `640w`): each candidate's address,
    and, should an address hold a comma, both its parts (the first keeps its scheme)."""
    return [word for word in re.split(r"[\s,]+", value) if word and not _DESCRIPTOR.fullmatch(word)]


def css_addresses(css: str) -> list[str]:
    """Addresses in CSS: url(…), src(…), and every other quoted string (@import "…",
    image-set("…")), read through CSS escapes and comments."""
    text = _CSS_COMMENT.sub("", _CSS_ESCAPE.sub(_unescape_css, css))
    found = [next(g for g in m.groups() if g is not None) for m in _CSS_URL.finditer(text)]
    found += [m[1] if m[1] is not None else m[2] for m in _CSS_STRING.finditer(_CSS_URL.sub(" ", text))]
    return [address for address in found if address]


def _unescape_css(match: re.Match) -> str:
    if match[1]:
        code = int(match[1], 16)
        return chr(code) if 0 < code < 0x110000 else "\ufffd"
    return match[2]


def _attributes(text: str) -> list[tuple[str, str]]:
    found = []
    for name, value in _ATTRIBUTE.findall(text):
        if value[:1] in ("'", '"'):
            value = value[1:-1]
        found.append((name.lower(), html.unescape(value)))
    return found


def _addresses(element: str, attributes: list[tuple[str, str]]) -> list[tuple[str, str, bool]]:
    """(attribute, address, fetched by the browser itself) for every address in a start tag."""
    names = {name: value for name, value in reversed(attributes)}
    found = []
    for name, value in attributes:
        if name in _HREF:
            if element in _LINKING_ELEMENTS:
                found.append((name, value, False))
            elif element == "link":
                rels = set(names.get("rel", "").lower().split())
                found.append((name, value, not rels or not rels <= _NON_FETCHING_RELS))
            else:
                found.append((name, value, True))
        elif name in _FETCHED:
            found.append((name, value, True))
        elif name in _SRCSET:
            found += [(name, address, True) for address in _srcset(value)]
        elif name in _SPACE_SEPARATED:
            found += [(name, address, True) for address in re.split(r"[\s,]+", value) if address]
        elif name == "style":
            found += [(name, address, True) for address in css_addresses(value)]
        elif name == "content" and element == "meta" and names.get("http-equiv", "").lower() == "refresh":
            target = _REFRESH.match(value)[1].strip().strip("'\"")
            if target:
                found.append((name, target, True))
    return found


def findings(page: str) -> list[Finding]:
    """Every address in `page` that fetches from another host or runs code, in page order."""
    found: list[Finding] = []
    foreign_depth = 0
    position, end = 0, len(page)
    while True:
        # Skipped in one step: text, comments and tags that cannot hold an address.
        position = (_SKIP_IN_FOREIGN if foreign_depth else _SKIP).match(page, position).end()
        if position >= end:
            return found
        match = _TOKEN.match(page, position)
        if match is None:              # a "<" that starts no tag
            position += 1
            continue
        position = match.end()
        closing, element, attributes_text = match.group(1, 2, 3)
        if closing is not None:
            if foreign_depth and closing.lower() in _FOREIGN_CONTENT:
                foreign_depth -= 1
            continue
        if element is None:
            continue
        element = element.lower()
        if element in _FOREIGN_CONTENT and not attributes_text.rstrip().endswith("/"):
            foreign_depth += 1
        attributes = _attributes(attributes_text) if attributes_text else []
        for attribute, address, fetched in _addresses(element, attributes):
            kind = classify(address)
            if kind == CODE or (kind == FOREIGN and fetched):
                found.append(Finding(kind, element, attribute, address))
        for name, value in attributes:
            if name == "srcdoc":           # a document of its own, inside the page
                found += findings(value)
        if element == "style":             # its text is CSS, in SVG too (where it may hold tags)
            style_end = _STYLE_END.search(page, position)
            css = page[position:style_end.start() if style_end else end]
            found += [Finding(kind, "style", "", address) for address in css_addresses(css)
                      if (kind := classify(address))]
        elif element == "script" and not foreign_depth:   # in SVG and MathML a script holds markup
            script_end = _SCRIPT_END.search(page, position)
            position = script_end.start() if script_end else end
