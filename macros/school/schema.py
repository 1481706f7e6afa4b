"""What a school file may say: the pydantic model behind `schools/<slug>.yml` and schema.json.

Only the shape and the values of single fields are checked here; checks that need the
model text (does this passage exist?) live in `loader.py`.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Annotated, Literal, Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator,
                      Field, PrivateAttr, StringConstraints, Tag, WithJsonSchema, model_validator)

from macros.school.dates import DateFormatError, PolicyDate, parse_policy_date

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PASSAGE_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*$"
VERSION_RE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
ACADEMIC_YEAR_RE = r"^\d{4}[/-]\d{2,4}$"

_TEMPLATE_SYNTAX = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)|^[ ]{0,3}\[[^\]]+\]:\s*<?([^\s>]*)", re.M)
_SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:")


class FieldProblem(ValueError):
    """A problem found by a check across fields, reported at one of them (`field`)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def _plain(value: str) -> str:
    """Refuse what could be mistaken for template code; the site shows text as written."""
    if _TEMPLATE_SYNTAX.search(value):
        raise ValueError("remove the curly-brace template markers ({{ }}, {% %}, {# #}); "
                         "school files hold plain text only")
    if _CONTROL.search(value):
        raise ValueError("contains an invisible control character; retype the text")
    return value


def _visible(value: str) -> str:
    """A short text must show something, not only invisible characters (a zero-width space)."""
    _plain(value)
    if not any(unicodedata.category(c)[0] in "LNPS" for c in value):
        raise ValueError("this shows nothing (only spaces or invisible characters); write the text, "
                         "or remove the field")
    return value


def _name(value: str) -> str:
    """A name must have a letter a reader can see."""
    _plain(value)
    if not any(unicodedata.category(c)[0] == "L" for c in value):
        raise ValueError("a name must have at least one letter a reader can see (this has only "
                         "digits, punctuation, spaces or invisible characters); write the name")
    return value


_IMAGE = re.compile(r"!\[[^\]]*\]\s*[(\[]")


def _markdown(value: str) -> str:
    """School Markdown may link only to web pages, email addresses and phone numbers.

    Pictures are refused: one from another website would tell that website who reads the policy.
    """
    _plain(value)
    if _IMAGE.search(value):
        raise ValueError("pictures are not allowed in school text (a picture from another website "
                         "would tell it who reads the policy); describe it in words or link to it")
    for inline, definition in _LINK_TARGET.findall(value):
        target = inline or definition
        if not target.lower().startswith(_SAFE_SCHEMES):
            raise ValueError(f"the link '{target}' is not a web address; links must start "
                             "with https://, http://, mailto: or tel:")
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
                 AfterValidator(_visible)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
                 AfterValidator(_name)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20000),
                     AfterValidator(_markdown)]
# No backslash before a quote in a pattern: schema.json's patterns are read as unicode-mode
# regular expressions, where an escaped quote is an error that makes validators refuse the schema.
Email = Annotated[str, StringConstraints(strip_whitespace=True,
                                         pattern=r"""^[^@\s<>"'(){}]+@[^@\s<>"'(){}]+\.[A-Za-z]{2,}$""")]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"""^https?://[^\s<>"'{}]+$""")]
PassageName = Annotated[str, StringConstraints(pattern=PASSAGE_RE)]
SectionName = Annotated[str, StringConstraints(pattern=SLUG_RE)]
LinkKey = Annotated[str, StringConstraints(pattern=SLUG_RE)]


def _policy_date(value: object) -> PolicyDate:
    try:
        return parse_policy_date(value)
    except DateFormatError as error:
        raise ValueError(str(error)) from None


Date = Annotated[PolicyDate, BeforeValidator(_policy_date),
                 WithJsonSchema({"type": ["string"], "description": "e.g. September 2024, "
                                 "Autumn 2024, 3 December 2023 or 2023-12-03"})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class SchoolInfo(Strict):
    name: Name = Field(description="The school's full name as it appears in running text, "
                                   "e.g. Westfield Primary School and Nursery.")
    short_name: Name | None = Field(None, description="A short name, e.g. Hartsfield School.")
    setting: Literal["school", "centre"] = Field(
        "school", description="What the policy calls the setting: school, or centre for a "
                              "short-stay centre.")
    email: Email | None = Field(None, description="Where readers can ask about the policy.")
    phone: Text | None = Field(None, description="The office's phone number, e.g. 01234 567890.")
    office_hours: Text | None = Field(
        None, description="When readers can visit or call the office, e.g. Monday to Friday, "
                          "8.30am to 4pm.")
    website: Url | None = None


class Holder(Strict):
    name: Name = Field(description="The person's name, e.g. Emma Leach.")
    title: Text | None = Field(None, description="Their job title, e.g. Headteacher.")
    pronoun: Literal["she", "he", "they"] | None = Field(
        None, description="How the policy refers to them: she, he or they.")


class Vacancy(Strict):
    vacant: Literal[True] = Field(description="Write `vacant: true` while nobody holds the role.")
    contact: Text = Field(description="Whom readers should contact meanwhile, e.g. "
                                      "the Headteacher, Jane Smith.")


def _role_kind(value: object) -> str:
    return "vacancy" if isinstance(value, dict) and "vacant" in value else "holders"


Role = Annotated[
    Union[Annotated[list[Holder], Field(min_length=1), Tag("holders")],
          Annotated[Vacancy, Tag("vacancy")]],
    Discriminator(_role_kind),
]


class Roles(Strict):
    designated_teacher: Role = Field(description="Designated Teacher for CLA and PLA: one or more people.")
    designated_governor: Role = Field(description="The governor (or management committee "
                                                  "member) designated for CLA and PLA.")
    safeguarding_lead: Role = Field(description="Designated Safeguarding Lead.")


class Dates(Strict):
    ratified: Date = Field(description="When the governing body approved this policy.")
    ratified_by: Text | None = Field(None, description="Who approved it, e.g. Full Governing Body.")
    reviewed: Date | None = Field(None, description="When it was last reviewed.")
    next_review: Date = Field(description="When it must next be reviewed.")
    designated_teacher_year: Annotated[str, StringConstraints(pattern=ACADEMIC_YEAR_RE)] | None = Field(
        None, description="The academic year the Designated Teacher holds the post, e.g. 2023/24.")
    behaviour_policy_reviewed: Date | None = Field(
        None, description="When the school's behaviour policy was last reviewed.")

    @model_validator(mode="after")
    def _review_after_ratification(self) -> "Dates":
        if self.next_review.end < self.ratified.start:
            raise FieldProblem("next_review", f"next_review ({self.next_review}) is before ratified "
                               f"({self.ratified}); the next review must come after approval")
        return self


class ToolkitTraining(Strict):
    status: Literal["delivered", "planned"] = Field(
        description="delivered, or planned (then say when).")
    when: Text | None = Field(None, description="When it will be delivered, e.g. Spring Term 2024.")

    @model_validator(mode="after")
    def _planned_needs_when(self) -> "ToolkitTraining":
        if self.status == "planned" and not self.when:
            raise FieldProblem("when", "planned training needs `when:`, e.g. when: Spring Term 2024")
        return self


class Contact(Strict):
    email: Email | None = None
    phone: Text | None = None


class Choices(Strict):
    behaviour_approach: LinkKey = Field(
        "hertfordshire-steps", description="The behaviour approach the school follows, "
                                           "one of the approaches in the model (docs/model.yml).")
    behaviour_contact: Contact | None = Field(None, description="Replaces the approach's own contact.")
    toolkit_training: ToolkitTraining = Field(
        ToolkitTraining(status="delivered"),
        description="Whether the Attachment-Aware and Trauma-Informed Toolkit training has been delivered.")
    alternative_provision_full_time: Text | None = Field(
        None, description="What full-time alternative provision means, e.g. 32.5 hours.")
    titles_in_text: bool = Field(
        True, description="Whether the policy's sentences that name a role holder (such as the heading "
                          "naming the Designated Teacher) add the job title; false shows only the name. "
                          "The lists of roles always show it.")


class Row(Strict):
    label: Text
    value: Text


class TitlePage(Strict):
    title: Text | None = Field(None, description="The document title on the first page.")
    subtitle: Text | None = Field(None, description="A line above the title, e.g. the department.")
    note: Text | None = Field(None, description="A line below the title, e.g. what changed.")
    rows: list[Row] | None = Field(None, description="The document-control block; "
                                                     "by default built from the dates.")
    model_publication: bool = Field(False, description="Show the model's own publication block "
                                                       "(for the model's worked example).")


AddedText = Annotated[
    Union[Annotated[LongText, Tag("str")], Annotated[list[LongText], Field(min_length=1), Tag("list[str]")]],
    Discriminator(lambda value: "list[str]" if isinstance(value, list) else "str"),
]


class Passages(Strict):
    omit: list[PassageName] = Field([], description="Passages of the model the school leaves out.")
    add_after: dict[PassageName, AddedText] = Field(
        {}, description="Text the school adds after a passage; after a list item, each entry is a new item.")
    replace: dict[PassageName, LongText] = Field({}, description="The school's own wording for a passage.")
    fill: dict[PassageName, Annotated[list[LongText], Field(min_length=1)]] = Field(
        {}, description="Items for a list only the school can fill.")


class School(Strict):
    version: Annotated[str, StringConstraints(pattern=VERSION_RE)] | None = Field(
        None, description="This policy's version, e.g. 2024-25.")
    model_reviewed: Annotated[int, Field(ge=1)] | None = Field(
        None, description="The issue of the model policy this file was last reviewed against, e.g. 12.")
    school: SchoolInfo
    governance: Literal["governing-body", "management-committee"] = Field(
        "governing-body", description="Who ratifies the policy.")
    roles: Roles
    dates: Dates
    choices: Choices = Choices()
    title_page: TitlePage = TitlePage()
    links: dict[LinkKey, Url] = Field({}, description="Web addresses for documents the model "
                                                      "refers to without one (keys from docs/links.yml).")
    passages: Passages = Passages()
    sections: dict[SectionName, LongText] = Field(
        {}, description="Last resort: a whole section in the school's own Markdown.")

    # Where the school was read from, and where each field is written in it (for messages
    # about edits that take effect nowhere, found after validation).
    _file: str = PrivateAttr("")
    _positions: dict = PrivateAttr(default_factory=dict)

    def with_source(self, file: str, positions: dict) -> "School":
        self._file, self._positions = file, positions
        return self

    @property
    def source_file(self) -> str:
        return self._file

    @property
    def source_positions(self) -> dict:
        return self._positions
