"""Every way a school file can be wrong: a table of bad files and what the editor is told.

Each case takes the valid fixture tests/schools/good.yml, breaks it in one way, and asserts
that `policy check` and `policy build` fail, that the message names the file, the field
(and the line, where the YAML has one), says what to write, carries no traceback, and that
the site built earlier from the good file is left byte-for-byte unchanged.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pytest

from macros import cli

FIXTURES = Path(__file__).parent / "schools"
BASE = (FIXTURES / "good.yml").read_text(encoding="utf-8")


@dataclass
class Case:
    id: str
    edits: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    raw: bytes | None = None          # the whole file, when it is not an edit of the good one
    slug: str = "good"
    file: str = "good.yml"
    field: str | None = None          # the field path the message must name
    line: int | None = None           # the line the message must name
    says: list[str] = dataclasses.field(default_factory=list)   # words the message must contain
    exact: str | None = None          # one whole line the user sees, exactly

    def content(self) -> bytes:
        if self.raw is not None:
            return self.raw
        text = BASE
        for old, new in self.edits:
            assert old in text, f"{self.id}: {old!r} is not in good.yml"
            text = text.replace(old, new, 1)
        return text.encode("utf-8")


def line_of(text: str) -> int:
    """The line number in good.yml where `text` starts (so cases survive fixture edits)."""
    return BASE[: BASE.index(text)].count("\n") + 1


F = "schools/good.yml"  # how the file is named in messages: relative to where policy runs

BILLION_LAUGHS = b"""school: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""

CASES = [
    Case("yaml-syntax", [("  short_name: Oakfield", "  short_name: Oakfield: The Best")],
         line=line_of("  short_name: Oakfield"),
         says=["this is not valid YAML", "in quotes"]),
    Case("tab-indent", [("  setting: school", "\tsetting: school")], line=line_of("  setting: school"),
         exact=f"error: {F}:{line_of('  setting: school')}:1: this line is indented with a tab; "
               "YAML needs spaces — replace the tab with spaces"),
    Case("duplicate-key", [("  short_name: Oakfield\n", "  short_name: Oakfield\n  name: Other School\n")],
         field="school.name", line=line_of("  short_name: Oakfield") + 1,
         exact=f"error: {F}:{line_of('  short_name: Oakfield') + 1}:3: school.name: 'name' appears twice "
               f"(first on line {line_of('  name: Oakfield')}); keep one and delete the other"),
    Case("unknown-top-level-key", [("governance: governing-body", "governence: governing-body")],
         field="governence", line=line_of("governance:"),
         exact=f"error: {F}:{line_of('governance:')}:1: governence: unknown field 'governence'; "
               "did you mean 'governance'?"),
    Case("unknown-nested-key", [("  ratified_by:", "  ratifed_by:")],
         field="dates.ratifed_by", line=line_of("  ratified_by:"), says=["did you mean 'ratified_by'?"]),
    Case("misspelt-role", [("  designated_governor:", "  designated_govenor:")],
         field="roles.designated_govenor", line=line_of("  designated_governor:"),
         says=["unknown field 'designated_govenor'; did you mean 'designated_governor'?",
               "roles.designated_governor: this is required but missing"]),
    Case("missing-school-name", [("  name: Oakfield Primary School\n", "")],
         field="school.name", line=line_of("  name: Oakfield"),
         exact=f"error: {F}:{line_of('  name: Oakfield')}:3: school.name: this is required but missing; add it (the school's full name as it appears "
               "in running text, e.g. Westfield Primary School and Nursery)"),
    Case("missing-designated-teacher",
         [("  designated_teacher:\n    - name: Priya Shah\n      title: Deputy Headteacher\n      pronoun: she\n", "")],
         field="roles.designated_teacher", says=["this is required but missing; add it"]),
    Case("missing-designated-governor", [("  designated_governor:\n    - name: Tom Ellis\n", "")],
         field="roles.designated_governor", says=["this is required but missing; add it"]),
    Case("missing-safeguarding-lead",
         [("  safeguarding_lead:\n    - name: Priya Shah\n      title: Deputy Headteacher\n", "")],
         field="roles.safeguarding_lead", says=["this is required but missing; add it"]),
    Case("missing-roles-block", raw=None, edits=[("roles:\n", "staff:\n")], field="roles",
         says=["unknown field 'staff'", "roles: this is required but missing"]),
    Case("wrong-type-number", [("model_reviewed: 12", "model_reviewed: twelve")],
         field="model_reviewed", line=line_of("model_reviewed"),
         exact=f"error: {F}:{line_of('model_reviewed')}:17: model_reviewed: expected a whole number, "
               "found 'twelve'"),
    Case("wrong-type-text-is-list", [("  short_name: Oakfield", "  short_name: [Oak, field]")],
         field="school.short_name", line=line_of("  short_name"), says=["expected text, found a list"]),
    Case("wrong-type-bool", [("    status: planned", "    status: true")],
         field="choices.toolkit_training.status", line=line_of("    status: planned"),
         exact=f"error: {F}:{line_of('    status: planned')}:13: choices.toolkit_training.status: found 'true'; "
               "write one of: 'delivered' or 'planned'"),
    Case("impossible-date", [("  ratified: 3 December 2023", "  ratified: 31 February 2024")],
         field="dates.ratified", line=line_of("  ratified:"),
         exact=f"error: {F}:{line_of('  ratified:')}:13: dates.ratified: '31 February 2024' is not a real "
               "date: February 2024 has 29 days; check the day and the month"),
    Case("unquoted-impossible-month", [("  next_review: Autumn 2029", "  next_review: 2025-13-01")],
         exact=f"error: {F}:{line_of('  next_review:')}:16: dates.next_review: '2025-13-01' is not a real date: "
               "there is no month 13; write the month as 01 to 12, or in words, like 1 September 2024"),
    Case("unquoted-impossible-day", [("  ratified: 3 December 2023", "  ratified: 2024-02-30")],
         exact=f"error: {F}:{line_of('  ratified:')}:13: dates.ratified: '2024-02-30' is not a real date: "
               "February 2024 has 29 days; check the day and the month"),
    Case("year-zero", [("  reviewed: September 2024", "  reviewed: January 0000")],
         exact=f"error: {F}:{line_of('  reviewed:')}:13: dates.reviewed: 'January 0000' has the year 0000, "
               "which cannot be right for this policy; write the year in full, like January 2025"),
    Case("empty-date", [("  next_review: Autumn 2029", "  next_review:")],
         exact=f"error: {F}:{line_of('  next_review:')}:15: dates.next_review: this is empty; write a date "
               "like 2024-09-01 or 1 September 2024, a month like September 2024, or a term like Autumn 2024, "
               "Spring Term 2025 or Summer 2025"),
    Case("long-bad-value-cut-short", [("  setting: school", "  setting: " + "academy " * 30)],
         exact=f"error: {F}:{line_of('  setting:')}:12: school.setting: found 'academy academy academy academy "
               "academy academy academy aca…'; write one of: 'school' or 'centre'"),
    Case("tag-int", [("model_reviewed: 12", "model_reviewed: !!int abc")],
         exact=f"error: {F}:{line_of('model_reviewed')}:17: model_reviewed: the tag !!int is not allowed in a "
               "school file; write the value without it: 'abc' (in quotes if it is text that looks like a "
               "number, a date or true/false)"),
    Case("tag-bool", [("  setting: school", "  setting: !!bool maybe")], field="school.setting",
         line=line_of("  setting:"), says=["the tag !!bool is not allowed in a school file"]),
    Case("tag-timestamp", [("  reviewed: September 2024", "  reviewed: !!timestamp foo")], field="dates.reviewed",
         line=line_of("  reviewed:"), says=["the tag !!timestamp is not allowed in a school file"]),
    Case("tag-on-a-group", [("school:\n", "school: !!map\n")], field="school", line=line_of("school:"),
         exact=f"error: {F}:{line_of('school:')}:9: school: the tag !!map is not allowed in a school file; "
               "write the value without it"),
    Case("nested-500-deep", [("  short_name: Oakfield", "  short_name: " + "[" * 500 + "]" * 500)],
         exact=f"error: {F}:{line_of('  short_name:')}:25: this is nested more than 12 levels deep; a school "
               "file's fields are at most a few levels deep — check the brackets and the indentation"),
    Case("nul-byte", [("  short_name: Oakfield", "  short_name: Oak\x00field")],
         exact=f"error: {F}:{line_of('  short_name:')}:18: this line holds an invisible character (U+0000) "
               "that a school file cannot hold; delete it, or retype the line"),
    Case("version-read-as-a-number", [("version: 2024-25", "version: 2024")],
         exact=f"error: {F}:3:10: version: YAML reads 2024 as a number, not as text; put it in quotes: "
               "version: \"2024\""),
    Case("model-reviewed-true", [("model_reviewed: 12", "model_reviewed: true")],
         exact=f"error: {F}:{line_of('model_reviewed')}:17: model_reviewed: expected the number of a model "
               "issue, found 'true'; the only issue on record is 12, the current one: write the issue you last "
               "reviewed against, like model_reviewed: 12"),
    Case("model-reviewed-unknown-issue", [("model_reviewed: 12", "model_reviewed: 42")],
         exact=f"error: {F}:{line_of('model_reviewed')}:17: model_reviewed: the model has had no issue 42; the "
               "only issue on record is 12, the current one: write the issue you last reviewed against, like "
               "model_reviewed: 12"),
    Case("zero-width-name", [("    - name: Tom Ellis", "    - name: \"\u200b\"")],
         exact=f"error: {F}:{line_of('    - name: Tom Ellis')}:13: roles.designated_governor[1].name: a name must "
               "have at least one letter a reader can see (this has only digits, punctuation, spaces or "
               "invisible characters); write the name"),
    Case("bare-no", [("  short_name: Oakfield", "  short_name: no")],
         exact=f"error: {F}:{line_of('  short_name:')}:15: school.short_name: a bare no means true or false to "
               "some YAML readers and the word itself to others; write true or false, or put the word in "
               "quotes (\"no\")"),
    Case("bare-On", [("    status: planned", "    status: On")], field="choices.toolkit_training.status",
         says=["a bare On means true or false to some YAML readers"]),
    Case("bare-y-in-a-list", [("    - intention.deaton-review", "    - y")], field="passages.omit[1]",
         says=["a bare y means true or false to some YAML readers"]),
    Case("shared-folder-name", slug="shared-assets", file="shared-assets.yml",
         exact="error: schools/shared-assets.yml: a school cannot be called 'shared-assets': that folder holds "
               "the files every school's pages share; rename the school file"),
    Case("edit-that-lands-nowhere", [("    - intention.deaton-review", "    - impact.families")],
         field="passages.add_after.impact.families", line=line_of("    impact.families:"),
         exact=f"error: {F}:{line_of('    impact.families:')}:5: passages.add_after.impact.families: this takes "
               "effect nowhere: passages.omit leaves 'impact.families' out, so nothing can follow it; to put your "
               "own words in its place, use passages.replace.impact.families instead, or take it out of "
               "passages.omit"),
    Case("ambiguous-date", [("  ratified: 3 December 2023", "  ratified: 03/12/23")],
         field="dates.ratified", line=line_of("  ratified:"),
         exact=f"error: {F}:{line_of('  ratified:')}:13: dates.ratified: '03/12/23' could be read two "
               "ways (day/month or month/day); write it with the month in words, like 3 December 2023, "
               "or as 2023-12-03"),
    Case("unreadable-date", [("  reviewed: September 2024", "  reviewed: next year")],
         field="dates.reviewed", line=line_of("  reviewed:"),
         says=["cannot read 'next year' as a date", "Autumn 2024", "September 2024"]),
    Case("review-before-ratification", [("  next_review: Autumn 2029", "  next_review: September 2022")],
         field="dates.next_review", line=line_of("  next_review:"),
         says=["next_review (September 2022) is before ratified (3 December 2023)"]),
    Case("empty-role-holders", [("  designated_governor:\n    - name: Tom Ellis\n", "  designated_governor: []\n")],
         field="roles.designated_governor", line=line_of("  designated_governor:"),
         exact=f"error: {F}:{line_of('  designated_governor:')}:24: roles.designated_governor: this is "
               "empty; write at least one entry"),
    Case("empty-holder-name", [("    - name: Tom Ellis", "    - name: ''")],
         field="roles.designated_governor[1].name", line=line_of("    - name: Tom Ellis"),
         says=["this is empty; write the text or remove the field"]),
    Case("vacancy-without-contact", [("  designated_governor:\n    - name: Tom Ellis\n",
                                      "  designated_governor:\n    vacant: true\n")],
         field="roles.designated_governor.contact", says=["this is required but missing"]),
    Case("add-after-missing-passage", [("    impact.families:", "    impact.familys:")],
         field="passages.add_after.impact.familys", line=line_of("    impact.families:"),
         exact=f"error: {F}:{line_of('    impact.families:')}:5: passages.add_after.impact.familys: there is no "
               "passage 'impact.familys' in the model; did you mean 'impact.families'? list the names with "
               "`policy passages impact`, or find one by its words with `policy passages --find WORDS`"),
    Case("replace-missing-passage", [("    exclusion.minimum-days-out:", "    exclusion.minimum-days:")],
         field="passages.replace.exclusion.minimum-days", line=line_of("    exclusion.minimum-days-out:"),
         says=["there is no passage 'exclusion.minimum-days' in the model; "
               "did you mean 'exclusion.minimum-days-out'?"]),
    Case("omit-missing-passage", [("    - intention.deaton-review", "    - intention.deaton")],
         field="passages.omit[1]", line=line_of("    - intention.deaton-review"),
         exact=f"error: {F}:{line_of('    - intention.deaton-review')}:7: passages.omit[1]: there is no passage "
               "'intention.deaton' in the model; did you mean 'intention.deaton-review'? list the names with "
               "`policy passages intention`, or find one by its words with `policy passages --find WORDS`"),
    Case("missing-passage-nothing-like-it", [("    - intention.deaton-review", "    - nowhere.at-all")],
         exact=f"error: {F}:{line_of('    - intention.deaton-review')}:7: passages.omit[1]: there is no passage "
               "'nowhere.at-all' in the model; list the names with `policy passages`, or find one by its words "
               "with `policy passages --find WORDS`"),
    Case("passage-name-malformed", [("    - intention.deaton-review", "    - Deaton Review")],
         field="passages.omit[1]", line=line_of("    - intention.deaton-review"),
         says=["'Deaton Review' is not a passage name"]),
    Case("fill-not-a-school-list", [("    exclusion.avoid-methods:", "    exclusion.alternative-options:")],
         field="passages.fill.exclusion.alternative-options", line=line_of("    exclusion.avoid-methods:"),
         says=["'exclusion.alternative-options' is not a list the school fills; lists you can fill: "
               "exclusion.avoid-methods"]),
    Case("unknown-section", [("links:", "sections:\n  exclusions: Our own words.\n\nlinks:")],
         field="sections.exclusions", line=line_of("links:") + 1,
         says=["there is no section 'exclusions'; did you mean 'exclusion'?"]),
    Case("unsafe-slug", slug="../good", says=["'../good' is not a valid school name for a file",
                                             "lowercase letters, digits and hyphens"]),
    Case("uppercase-file-name", slug="Good", file="Good.yml",
         says=["'Good' is not a valid school name for a file"]),
    Case("no-such-school", slug="goood", says=["no such school file; did you mean 'good'?"]),
    Case("bad-version", [("version: 2024-25", "version: 2024/25 final")], field="version", line=1 + 2,
         exact=f"error: {F}:3:10: version: '2024/25 final' cannot be used as a version; use letters, "
               "digits, '.', '-' or '_', like 2024-25"),
    Case("bad-email", [("  email: office@oakfield.herts.sch.uk", "  email: office at oakfield")],
         field="school.email", line=line_of("  email:"),
         exact=f"error: {F}:{line_of('  email:')}:10: school.email: 'office at oakfield' is not an email "
               "address; write it like office@school.herts.sch.uk"),
    Case("bad-link-address", [("  deaton-review: https://ifs.org.uk/inequality", "  deaton-review: ifs.org.uk")],
         field="links.deaton-review", line=line_of("  deaton-review:"),
         says=["'ifs.org.uk' is not a web address; write it in full, starting with https://"]),
    Case("javascript-link", [('"We also run a weekly family coffee morning."',
                              '"See [our page](javascript:alert(1))."')],
         field="passages.add_after.impact.families", line=line_of("    impact.families:"),
         says=["the link 'javascript:alert(1' is not a web address; links must start with https://"]),
    Case("bare-equals-sign", [("  short_name: Oakfield", "  short_name: =")],
         field="school.short_name", line=line_of("  short_name: Oakfield"),
         says=["cannot read '=' as a value; put text in quotes"]),
    Case("picture-from-another-website", [('"We also run a weekly family coffee morning."',
                                           '"![Our logo](https://tracker.example/logo.png)"')],
         field="passages.add_after.impact.families", line=line_of("    impact.families:"),
         says=["pictures are not allowed in school text (a picture from another website would tell it "
               "who reads the policy); describe it in words or link to it"]),
    Case("javascript-reference-definition", [('"We also run a weekly family coffee morning."',
                                              '"See [our page][ours].\\n\\n[ours]: javascript:alert(1)"')],
         field="passages.add_after.impact.families", line=line_of("    impact.families:"),
         says=["the link 'javascript:alert(1)' is not a web address"]),
    Case("unknown-reference-in-added-text", [('"We also run a weekly family coffee morning."',
                                              '"See the [toolkit][vs-tolkit]."')],
         field="passages.add_after.impact.families", line=line_of("    impact.families:"),
         exact=f"error: {F}:{line_of('    impact.families:')}:22: passages.add_after.impact.families: the "
               "reference [vs-tolkit] names no document the model knows; did you mean 'vs-toolkit'? use a key "
               "from docs/links.yml, or write a web link like [text](https://…)"),
    Case("template-syntax", [("  name: Oakfield Primary School", "  name: Oakfield {{ config }}")],
         field="school.name", line=line_of("  name: Oakfield"),
         exact=f"error: {F}:{line_of('  name: Oakfield')}:9: school.name: remove the curly-brace template "
               "markers ({{ }}, {% %}, {# #}); school files hold plain text only"),
    Case("template-block-syntax", [("    - a change of class", "    - \"{% include 'x' %}\"")],
         field="passages.fill.exclusion.avoid-methods[2]", says=["remove the curly-brace template markers"]),
    Case("control-character", [("  short_name: Oakfield", "  short_name: \"Oak\\u0007field\"")],
         field="school.short_name", says=["contains an invisible control character"]),
    Case("billion-laughs", raw=BILLION_LAUGHS, line=1,
         exact=f"error: {F}:1:9: anchors (&name) and aliases (*name) are not allowed in a school file; "
               "write the value out in full"),
    Case("oversized-file", raw=BASE.encode() + b"# " + b"x" * 120_000 + b"\n",
         says=["a school file must be under 100,000 bytes"]),
    Case("not-utf8", raw=BASE.replace("Oakfield Primary", "Oakfi\u00e9ld Primary").encode("latin-1"),
         says=["the file is not UTF-8 text", "save it as UTF-8"]),
    Case("empty-file", raw=b"",
         exact=f"error: {F}: the file is empty; start from `policy new <slug>`"),
    Case("comments-only-file", raw=b"# yaml-language-server: $schema=schema.json\n# nothing yet\n",
         says=["the file is empty"]),
    Case("top-level-list", raw=b"- school: Oakfield\n",
         says=["a school file must be a list of fields (name: value), starting with `school:`"]),
    Case("list-where-mapping-expected",
         [("  name: Oakfield Primary School\n  short_name: Oakfield\n  setting: school\n  email:",
           "  - name: Oakfield Primary School\n  - short_name: Oakfield\n  - setting: school\n  - email:")],
         field="school", line=line_of("  name: Oakfield"),
         exact=f"error: {F}:{line_of('  name: Oakfield')}:3: school: expected fields (name: value lines, "
               "indented below), found a list"),
    Case("holder-without-dash", [("    - name: Tom Ellis", "    name: Tom Ellis")],
         field="roles.designated_governor", line=line_of("    - name: Tom Ellis"),
         says=["expected a list of people, found a group of fields; start each person's line with '- '"]),
    Case("roles-as-list", [("roles:\n  designated_teacher:", "roles:\n  - designated_teacher:")],
         line=line_of("  designated_governor:"), says=["this is not valid YAML"]),
    Case("mapping-is-text", [("links:\n  deaton-review: https://ifs.org.uk/inequality", "links: https://ifs.org.uk")],
         field="links", line=line_of("links:"),
         says=["expected fields (name: value lines, indented below), found 'https://ifs.org.uk'"]),
    Case("model-reviewed-zero", [("model_reviewed: 12", "model_reviewed: 0")], field="model_reviewed",
         says=["found '0'; write a number of 1 or more"]),
    Case("unknown-behaviour-approach", [("  behaviour_approach: hertfordshire-steps",
                                         "  behaviour_approach: herts-steps")],
         field="choices.behaviour_approach", line=line_of("  behaviour_approach:"),
         exact=f"error: {F}:{line_of('  behaviour_approach:')}:23: choices.behaviour_approach: unknown "
               "behaviour approach 'herts-steps'; did you mean 'hertfordshire-steps'? write one of: "
               "hertfordshire-steps, therapeutic-thinking"),
    Case("planned-training-without-when", [("    when: Spring Term 2025\n", "")],
         field="choices.toolkit_training.when", line=line_of("  toolkit_training:") + 1,
         says=["planned training needs `when:`, e.g. when: Spring Term 2024"]),
    Case("unknown-links-key", [("  deaton-review: https", "  deaton-reviews: https")],
         field="links.deaton-reviews", line=line_of("  deaton-review:"),
         says=["the model refers to no document 'deaton-reviews'; did you mean 'deaton-review'?"]),
    Case("bad-pronoun", [("      pronoun: she", "      pronoun: her")],
         field="roles.designated_teacher[1].pronoun", line=line_of("      pronoun: she"),
         says=["found 'her'; did you mean 'he'? write one of: 'she', 'he' or 'they'"]),
    Case("bad-governance", [("governance: governing-body", "governance: board")],
         field="governance", line=line_of("governance:"),
         says=["found 'board'; write one of: 'governing-body' or 'management-committee'"]),
    Case("bad-setting", [("  setting: school", "  setting: academy")], field="school.setting",
         says=["write one of: 'school' or 'centre'"]),
    Case("bad-academic-year", [("  designated_teacher_year: 2024/25", "  designated_teacher_year: 2024")],
         field="dates.designated_teacher_year", says=["not an academic year; write it like 2024/25"]),
    Case("text-too-long", [("  short_name: Oakfield", "  short_name: " + "O" * 301)],
         field="school.short_name", says=["this is too long (301 characters; at most 300); shorten it"]),
    Case("non-text-key", [("governance: governing-body", "governance: governing-body\n? [a, b]\n: x")],
         says=["a key must be a plain word"]),
]


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A schools folder holding the good file, and the good site built from it once."""
    root = tmp_path_factory.mktemp("errors")
    schools, out = root / "schools", root / "out"
    schools.mkdir()
    (schools / "good.yml").write_text(BASE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("POLICY_SCHOOLS_DIR", str(schools))
        mp.chdir(root)  # so messages name the file as the editor sees it: schools/good.yml
        assert cli.main(["build", "good", "--out", str(out), "--jobs", "1"]) == 0
    return schools, out, tree_hash(out / "good")


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_school_file(case: Case, built, capsys, monkeypatch):
    schools, out, good_hash = built
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(schools))
    monkeypatch.chdir(schools.parent)
    target = schools / case.file
    target.write_bytes(case.content() if case.raw is not None or case.edits else BASE.encode())
    try:
        capsys.readouterr()
        check_rc = cli.main(["check", case.slug])
        check_err = capsys.readouterr().err
        build_rc = cli.main(["build", case.slug, "--out", str(out), "--jobs", "1"])
        build_err = capsys.readouterr().err
    finally:
        target.unlink()
        (schools / "good.yml").write_text(BASE, encoding="utf-8")

    assert check_rc != 0 and build_rc != 0
    for err in (check_err, build_err):
        assert "Traceback" not in err and 'File "' not in err
        assert err.startswith("error: ")
        if case.slug == "good":
            assert F in err
    # `policy check` lists every problem; `policy build` shows (at least) the first of them
    assert check_err.splitlines()[0].removeprefix("error: ") in build_err
    for err in (check_err,):
        if case.field:
            assert f" {case.field}: " in err, err
        if case.line:
            assert f"{F}:{case.line}:" in err, err
        for words in case.says:
            assert words in err, err
    if case.exact:  # what `policy check` prints, line for line; `policy build` lists the same problems
        assert case.exact in check_err.splitlines(), check_err
        assert case.exact.removeprefix("error: ") in build_err, build_err
    assert tree_hash(out / "good") == good_hash, "the good site must be left untouched"
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.is_dir()], \
        "no half-built folder is left"


def test_every_problem_in_a_file_is_reported_together(tmp_path, capsys, monkeypatch):
    text = (BASE.replace("model_reviewed: 12", "model_reviewed: twelve")
                .replace("  ratified: 3 December 2023", "  ratified: 31 February 2024")
                .replace("  setting: school", "  setting: academy"))
    (tmp_path / "good.yml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    assert cli.main(["check", "good"]) == 1
    err = capsys.readouterr().err
    assert "model_reviewed:" in err and "dates.ratified:" in err and "school.setting:" in err


def test_debug_flag_shows_the_traceback(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    from macros.errors import PolicyError
    assert cli.main(["build", "Bad!", "--out", str(tmp_path / "out")]) == 1
    assert "Traceback" not in capsys.readouterr().err
    with pytest.raises(PolicyError):
        cli.main(["--debug", "build", "Bad!", "--out", str(tmp_path / "out")])


def test_a_bad_school_into_a_new_folder_fails_cleanly(tmp_path, monkeypatch, capsys):
    (tmp_path / "good.yml").write_text("", encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    assert cli.main(["build", "good", "--out", str(tmp_path / "new-out")]) == 1
    assert "the file is empty" in capsys.readouterr().err
    assert not (tmp_path / "new-out" / "good").exists()


def test_one_bad_school_does_not_stop_the_others(built, capsys, monkeypatch, tmp_path):
    schools, _, _ = built
    folder = tmp_path / "schools"
    folder.mkdir()
    (folder / "good.yml").write_text(BASE, encoding="utf-8")
    (folder / "broken.yml").write_text(BASE.replace("model_reviewed: 12", "model_reviewed: x"), encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(folder))
    assert cli.main(["build", "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
    captured = capsys.readouterr()
    assert "built 1 of 2 school sites" in captured.out and "failed: broken" in captured.out
    assert (tmp_path / "out" / "good" / "index.html").is_file()
    assert not (tmp_path / "out" / "broken").exists()


def test_an_unquoted_impossible_date_does_not_stop_a_batch_build(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "schools"
    folder.mkdir()
    (folder / "good.yml").write_text(BASE, encoding="utf-8")
    (folder / "broken.yml").write_text(BASE.replace("  next_review: Autumn 2029", "  next_review: 2025-13-01"),
                                       encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(folder))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["build", "--out", str(tmp_path / "out"), "--jobs", "1"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("built 1 of 2 school sites") and "failed: broken" in captured.out
    assert (f"error: broken: schools/broken.yml:{line_of('  next_review:')}:16: dates.next_review: '2025-13-01' "
            "is not a real date: there is no month 13; write the month as 01 to 12, or in words, like 1 September "
            "2024") in captured.err
    landing = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "Oakfield Primary School" in landing


def test_policy_diff_reports_an_unquoted_impossible_date(tmp_path, capsys, monkeypatch):
    (tmp_path / "good.yml").write_text(BASE.replace("  ratified: 3 December 2023", "  ratified: 2024-02-30"),
                                       encoding="utf-8")
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    assert cli.main(["diff", "good"]) == 1
    err = capsys.readouterr().err
    assert "dates.ratified: '2024-02-30' is not a real date: February 2024 has 29 days" in err
    assert "Traceback" not in err


def test_policy_new_refuses_a_school_named_like_the_shared_folder(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("POLICY_SCHOOLS_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["new", "shared-assets", "--name", "Shared School", "--designated-teacher", "A B",
                     "--designated-governor", "C D", "--safeguarding-lead", "E F", "--ratified", "May 2024",
                     "--next-review", "May 2025"]) == 1
    assert capsys.readouterr().err == (
        "error: shared-assets.yml: a school cannot be called 'shared-assets': that folder holds the files "
        "every school's pages share; rename the school file\n")
    assert list(tmp_path.iterdir()) == []


def test_the_reserved_school_name_is_the_shared_folders_name():
    from macros.mkdocs_glue.shared_assets import SHARED_ASSETS
    from macros.school.loader import SHARED_FOLDER
    assert SHARED_FOLDER == SHARED_ASSETS
