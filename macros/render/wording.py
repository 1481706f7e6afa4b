"""The one place that words a school's roles, its governance and its setting.

The pages, the placeholders' values, the print summary, the differences page and `policy diff`
all take these words from here, so a Management Committee or a Centre reads the same everywhere.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from macros.model.model import Model
from macros.school.schema import School, Vacancy

ROLE_NAMES = ("designated_teacher", "designated_governor", "safeguarding_lead")
DEFAULT_GOVERNANCE = "governing-body"
DEFAULT_SETTING = "school"


@dataclass(frozen=True)
class Governance:
    body: str           # who ratifies the policy
    member_title: str   # the title of its member designated for children in care


GOVERNANCE = {
    "governing-body": Governance("Governing Body", "Designated School Governor"),
    "management-committee": Governance("Management Committee", "Designated Management Committee Member"),
}
# How the model's text names the setting, in running text and at the start of a sentence.
SETTING = {"school": ("school", "School"), "centre": ("Centre", "Centre")}

# Each role's short label ({member_title} is the governance body's designated member).
_ROLE_LABELS = {
    "designated_teacher": "Designated Teacher",
    "designated_governor": "{member_title}",
    "safeguarding_lead": "Designated Safeguarding Lead",
}
# Each role's full title, where the model (docs/model.yml) does not give one.
_ROLE_TITLES = {
    "designated_teacher": "Designated Teacher for Children Looked After and Previously Looked After",
    "designated_governor": "{member_title} for Children Looked After and Previously Looked After",
    "safeguarding_lead": "Designated Safeguarding Lead",
}
# Whom each role is for, in a parent's words.
ROLE_FOR = {
    "designated_teacher": "for children in care and children previously in care",
    "designated_governor": "for children in care and children previously in care",
    "safeguarding_lead": "for children with a social worker",
}


def governance(kind: str) -> Governance:
    return GOVERNANCE[kind]


def setting_words(kind: str) -> tuple[str, str]:
    """(`setting`, `Setting`): the setting in running text and at the start of a sentence."""
    return SETTING[kind]


def role_label(role: str, governance_kind: str) -> str:
    """The role's short name: Designated Teacher, Designated School Governor, …"""
    return _ROLE_LABELS[role].format(member_title=GOVERNANCE[governance_kind].member_title)


def role_title(role: str, governance_kind: str, model_title: str | None = None) -> str:
    """The role's full title: the model's own where it gives one (a centre run by a Management
    Committee designates one of its members where the model names a governor)."""
    member = GOVERNANCE[governance_kind].member_title
    if not model_title:
        return _ROLE_TITLES[role].format(member_title=member)
    if role == "designated_governor":
        return re.sub(r"^Designated (School )?Governor", member, model_title)
    return model_title


def pronoun_phrase(school: School) -> str:
    """How the model's text continues after naming the Designated Teacher: She is, He is, They are."""
    holders = school.roles.designated_teacher
    if isinstance(holders, Vacancy) or len(holders) != 1:
        return "They are"
    return {"she": "She is", "he": "He is"}.get(holders[0].pronoun or "they", "They are")


def school_words(school: School, model: Model) -> dict:
    """The school's own words for the model's placeholders, as written (not yet escaped):
    `{{ governance.body }}` is words["governance"]["body"]."""
    meta, choices, dates = model.meta, school.choices, school.dates
    approach = {"email": "", "phone": "", **model.behaviour_approaches.get(choices.behaviour_approach, {})}
    if choices.behaviour_contact:
        approach.update({k: v for k, v in choices.behaviour_contact.model_dump().items() if v})
    setting, setting_capital = setting_words(school.school.setting)
    body = governance(school.governance)
    return {
        "school": {
            "name": school.school.name,
            "short_name": school.school.short_name or school.school.name,
            "email": school.school.email or "",
            "phone": school.school.phone or "",
        },
        "setting": setting,
        "Setting": setting_capital,
        "governance": {"body": body.body, "member_title": body.member_title},
        "dates": {
            "ratified": str(dates.ratified),
            "ratified_by": dates.ratified_by or "",
            "reviewed": str(dates.reviewed or ""),
            "next_review": str(dates.next_review),
            "designated_teacher_year": dates.designated_teacher_year or "",
            "behaviour_policy_reviewed": str(dates.behaviour_policy_reviewed or ""),
        },
        "model": {
            "kcsie_edition": str(meta["kcsie_edition"]),
            "reference": str(meta["reference"]),
            "issue": model.issue,
            "published": str(meta["published"]),
            "version_label": model.version_label,
        },
        "behaviour": {k: str(v) for k, v in approach.items()},
        "toolkit": {
            "delivered": choices.toolkit_training.status == "delivered",
            "when": choices.toolkit_training.when or "",
        },
        "alternative_provision": {
            "full_time": choices.alternative_provision_full_time or str(meta["alternative_provision_full_time"]),
        },
        "designated_teacher_is": pronoun_phrase(school),
    }
