"""The pages the builder adds around the policy: who's who, the accessibility statement, feedback.

Plain Python with no mkdocs import: each function takes the PageContext (macros/context.py)
and returns Markdown (or, for the feedback block the theme template renders, plain data).
Every value from a school file goes through `inline_text`, so it reaches the page as text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from macros.render.context import ROLE_NAMES, PageContext, inline_text
from macros.school.schema import Holder, Vacancy

# What the role headings say when model.yml does not give a title.
_ROLE_FALLBACK_TITLES = {
    "designated_teacher": "Designated Teacher for Children Looked After and Previously Looked After",
    "designated_governor": "{member_title} for Children Looked After and Previously Looked After",
    "safeguarding_lead": "Designated Safeguarding Lead",
}
# Short names for the at-a-glance block on the home page.
_ROLE_SHORT = {
    "designated_teacher": "Designated Teacher",
    "designated_governor": "{member_title}",
    "safeguarding_lead": "Designated Safeguarding Lead",
}
# Who the role is for, in a parent's words.
_ROLE_FOR = {
    "designated_teacher": "for children in care and children previously in care",
    "designated_governor": "for children in care and children previously in care",
    "safeguarding_lead": "for children with a social worker",
}


@dataclass(frozen=True)
class Feedback:
    """What the end-of-page block needs: the theme template adds the page's own title."""

    heading: str
    intro: str          # plain text, before the contact
    email: str | None   # raw, validated address (the template escapes and URL-encodes)
    phone: str | None
    tel: str | None     # the phone number as a tel: target (digits and +)
    fallback: str       # plain text when there is no email or phone
    subject: str        # the mailto subject before the page title


# --- helpers ------------------------------------------------------------------------

def _words(context: PageContext) -> dict[str, str]:
    v = context.variables
    return {
        "school": v["school"]["name"],
        "setting": v["setting"],
        "Setting": v["Setting"],
        "body": v["governance"]["body"],
        "member_title": v["governance"]["member_title"],
    }


def _fill(text: str, words: dict[str, str]) -> str:
    """Replace {setting}, {body}, {member_title}, {school} in model.yml's role wording."""
    return re.sub(r"\{(\w+)\}", lambda m: words.get(m[1], m[0]), text)


def _office(context: PageContext) -> str:
    return f"the {context.variables['setting']} office"


def _role_title(context: PageContext, role: str) -> str:
    roles = context.model.meta.get("roles") or {}
    title = (roles.get(role) or {}).get("title") or _ROLE_FALLBACK_TITLES[role]
    if role == "designated_governor":
        # The model's wording names a governor; a centre run by a Management Committee
        # designates one of its members instead.
        title = re.sub(r"^Designated (School )?Governor", "{member_title}", title)
    return _fill(title, _words(context))


def _role_does(context: PageContext, role: str) -> str:
    roles = context.model.meta.get("roles") or {}
    return _fill((roles.get(role) or {}).get("does", ""), _words(context))


def _holder(holder: Holder) -> str:
    name = f"**{inline_text(holder.name)}**"
    return f"{name}, {inline_text(holder.title)}" if holder.title else name


def _tel(phone: str | None) -> str | None:
    if not phone:
        return None
    digits = re.sub(r"[^\d+]", "", phone)
    return digits or None


def contact_sentence(context: PageContext, purpose: str = "") -> str:
    """How to reach the school, in Markdown: its email and phone, or its office."""
    info = context.school.school
    name = context.variables["school"]["name"]
    ways = []
    if info.email:
        ways.append(f"email [{inline_text(info.email)}](<mailto:{info.email}>)")
    if info.phone:
        tel = _tel(info.phone)
        phone = inline_text(info.phone)
        ways.append(f"phone [{phone}](<tel:{tel}>)" if tel else f"phone {phone}")
    if not ways:
        return f"Please contact {_office(context)} at {name}{purpose}."
    return f"Please {' or '.join(ways)} ({name}){purpose}."


# --- who's who ----------------------------------------------------------------------

def whos_who(context: PageContext) -> str:
    """The who's who page: each named role, its holder(s), what it does, or whom to ask."""
    name = context.variables["school"]["name"]
    lines = [
        "# Who's who {: #whos-who }",
        "",
        f"These are the people at {name} with a named responsibility for children with a "
        "social worker: children in care (looked after), children previously in care, and "
        "children on a Child in Need or Child Protection Plan.",
        "",
    ]
    for role in ROLE_NAMES:
        value = getattr(context.school.roles, role)
        lines += [f"## {_role_title(context, role)} {{: #whos-who-{role.replace('_', '-')} }}", ""]
        if isinstance(value, Vacancy):
            lines += [f"**This role is vacant at the moment.** Until it is filled, please contact "
                      f"{inline_text(value.contact)}.", ""]
        else:
            label = "Held by" if len(value) == 1 else "Shared by"
            people = [_holder(h) for h in value]
            if len(people) == 1:
                lines += [f"{label}: {people[0]}", ""]
            else:
                lines += [f"{label}:", ""] + [f"- {p}" for p in people] + [""]
        does = _role_does(context, role)
        if does:
            lines += [f"What this role does: {does}", ""]
    lines += ["## How to contact them {: #whos-who-contact }", "",
              contact_sentence(context, ", and ask for the person you need"), ""]
    return "\n".join(lines)


def whos_who_block(context: PageContext) -> str:
    """The at-a-glance block for the home page (Markdown, inside its own section)."""
    words = _words(context)
    items = []
    for role in ROLE_NAMES:
        value = getattr(context.school.roles, role)
        role_name = _fill(_ROLE_SHORT[role], words)
        if isinstance(value, Vacancy):
            who = f"vacant at the moment; please contact {inline_text(value.contact)}"
        else:
            names = [_holder(h) for h in value]
            who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        items.append(f"- {role_name} ({_ROLE_FOR[role]}): {who}")
    return "\n".join([
        '<section class="policy-whos-who" aria-labelledby="whos-who-at-a-glance" markdown>',
        "",
        '<h2 id="whos-who-at-a-glance">Who’s who at a glance</h2>',
        "",
        *items,
        "",
        "[What each person does, and how to contact them](whos-who.md)",
        "",
        "</section>",
        "",
    ])


# --- accessibility statement --------------------------------------------------------

def accessibility_statement(context: PageContext) -> str:
    """An accessibility statement in the shape UK public-sector websites publish."""
    v = context.variables
    name = v["school"]["name"]
    policy = inline_text(context.model.meta["short_title"])
    return "\n".join([
        "# Accessibility statement {: #accessibility }",
        "",
        f"This statement applies to this website: {name}’s {policy}, based on the "
        f"{v['model']['version_label']} model policy. We want as many people as possible to be "
        "able to read it. For example, you should be able to:",
        "",
        "- read every page on a phone, and zoom in up to 400% without the text spilling off the screen",
        "- switch between a light and a dark colour scheme",
        "- move around the whole website using just a keyboard",
        "- listen to the website using a screen reader",
        "- search the whole policy, without your search leaving this website",
        "- print the whole policy from the “Whole policy (print)” page",
        "",
        "This website does not use cookies, analytics, web fonts or anything loaded from "
        "another website: your browser only ever contacts this website.",
        "",
        "## How accessible this website is {: #accessibility-status }",
        "",
        "This website aims to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 "
        "at level AA, and we are not aware of any part of it that fails to meet that standard. "
        "The limitations we know of are listed below.",
        "",
        "## How we tested this website {: #accessibility-testing }",
        "",
        "Every time the website is built, an automated test opens every page in the Chromium "
        "web browser and checks it with the axe-core accessibility checker against WCAG 2.0, "
        "2.1 and 2.2 levels A and AA, in both the light and the dark colour schemes, on a "
        "desktop-sized screen and on a phone-sized screen. The same tests check that:",
        "",
        "- each page has one main heading and its headings are in order",
        "- the page language is set to British English",
        "- every link has a name that says where it goes",
        "- a “skip to content” link is provided, and keyboard focus is always visible",
        "- search and the other controls can be reached with the keyboard",
        "- pages do not scroll sideways on a screen 320 pixels wide",
        "- every link within the website works",
        "- the printed policy includes the school’s name, the dates and the named people",
        "",
        "Automated tests cannot find every problem, so please tell us about anything that is "
        "hard to use.",
        "",
        "## Known limitations {: #accessibility-limitations }",
        "",
        "- The policy follows the wording of the model policy, which uses some long sentences, "
        "technical terms and abbreviations.",
        "- Some documents the policy refers to are on other websites, such as GOV.UK. We do not "
        "control how accessible they are.",
        "- Where a document the policy mentions has no web address we can link to, its name is "
        "shown as plain text.",
        "- Search needs JavaScript. Without it, every page can still be read, and the whole "
        "policy is on the “Whole policy (print)” page.",
        "- A PDF saved from the print page is made by your browser and may not be fully "
        "accessible; the web pages are the accessible version.",
        "",
        "## Tell us about a problem, or ask for another format {: #accessibility-contact }",
        "",
        f"If you find a problem with this website, or you need the policy in a different format "
        f"such as large print, easy read, audio or braille, please tell us. "
        f"{contact_sentence(context)} We will reply as soon as we can.",
        "",
        "## Enforcement procedure {: #accessibility-enforcement }",
        "",
        "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the "
        "accessibility regulations. If you are not happy with how we respond to your complaint, "
        "contact the [Equality Advisory and Support Service (EASS)](<https://www.equalityadvisoryservice.com/>).",
        "",
    ])


# --- feedback at the end of every page ------------------------------------------------

def feedback(context: PageContext) -> Feedback:
    """The end-of-page invitation to ask about or comment on the policy."""
    info = context.school.school
    name = info.name
    office = _office(context)
    return Feedback(
        heading="Questions or comments about this policy",
        intro=f"If you have a question about this policy or would like to comment on it, "
              f"please contact {name}:",
        email=info.email,
        phone=info.phone,
        tel=_tel(info.phone),
        fallback=f"If you have a question about this policy or would like to comment on it, "
                 f"please contact {office} at {name}.",
        subject=f"{context.model.meta['short_title']} ({name})",
    )


# --- the record printed at the top of the whole policy ---------------------------------

def print_summary(context: PageContext) -> list[tuple[str, str]]:
    """Label/value rows printed above the whole policy: who, which version, which dates.

    Plain text (the theme template escapes it). It is shown only when printing, outside the
    policy's own text, so every printed copy starts with the facts a governor checks.
    """
    school = context.school
    v = context.variables
    rows = [("School" if v["setting"] == "school" else "Setting", school.school.name),
            ("Policy", str(context.model.meta["short_title"]))]
    if school.version:
        rows.append(("Version", school.version))
    rows.append(("Based on the model policy", context.model.version_label))
    rows += context.default_rows()
    short = {"designated_teacher": "Designated Teacher",
             "designated_governor": v["governance"]["member_title"],
             "safeguarding_lead": "Designated Safeguarding Lead"}
    for role in ROLE_NAMES:
        value = getattr(school.roles, role)
        if isinstance(value, Vacancy):
            rows.append((short[role], f"vacant (contact {value.contact})"))
        else:
            rows.append((short[role], "; ".join(h.name + (f", {h.title}" if h.title else "") for h in value)))
    return rows
