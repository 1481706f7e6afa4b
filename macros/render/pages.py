"""The pages the builder adds around the policy: who's who, feedback, the print page's extras.

Plain Python with no mkdocs import: each function takes the PageContext (macros/context.py)
and returns Markdown (or, for the feedback block the theme template renders, plain data).
Every value from a school file goes through `inline_text`, so it reaches the page as text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from macros.render.context import PageContext, inline_text
from macros.render.wording import ROLE_FOR, ROLE_NAMES, role_label, role_title
from macros.school.dates import dates_in
from macros.school.schema import Holder, Vacancy


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
    title = role_title(role, context.school.governance, (roles.get(role) or {}).get("title"))
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


def _ways(context: PageContext) -> list[tuple[str, str]]:
    """(kind, Markdown) for each way to reach the school its file gives: email, phone, office."""
    info = context.school.school
    ways = []
    if info.email:
        ways.append(("email", f"[{inline_text(info.email)}](<mailto:{info.email}>)"))
    if info.phone:
        tel = _tel(info.phone)
        phone = inline_text(info.phone)
        ways.append(("phone", f"[{phone}](<tel:{tel}>)" if tel else phone))
    if info.office_hours:
        ways.append(("office", inline_text(info.office_hours)))
    return ways


def contact_routes(context: PageContext) -> list[str]:
    """The ways to reach the school its file gives, as list items (empty when it gives none)."""
    office = _office(context)
    words = {"email": "by email: {}", "phone": "by phone: {}", "office": f"at {office}, open {{}}"}
    return [words[kind].format(value) for kind, value in _ways(context)]


def contact_sentence(context: PageContext, purpose: str = "") -> str:
    """How to reach the school, in Markdown: its email, phone and office hours, or its office."""
    name = context.variables["school"]["name"]
    office = _office(context)
    words = {"email": "email {}", "phone": "phone {}", "office": f"visit {office} ({{}})"}
    ways = [words[kind].format(value) for kind, value in _ways(context)]
    if not ways:
        return f"Please contact {office} at {name}{purpose}."
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
    routes = contact_routes(context)
    if routes:
        lines += ["## How to contact them {: #whos-who-contact }", "",
                  f"Ask {name} for the person you need:", ""] + [f"- {r}" for r in routes] + [""]
    else:
        # Say plainly what is missing rather than promise a way that is not there.
        lines += ["## Contacting them {: #whos-who-contact }", "",
                  f"This website does not give the {context.variables['setting']}’s email address, "
                  f"phone number or office hours yet. Please ask at {_office(context)} at {name} "
                  "for the person you need.", ""]
    return "\n".join(lines)


def whos_who_block(context: PageContext) -> str:
    """The at-a-glance block for the home page (Markdown, inside its own section)."""
    items = []
    for role in ROLE_NAMES:
        value = getattr(context.school.roles, role)
        role_name = inline_text(role_label(role, context.school.governance))
        if isinstance(value, Vacancy):
            who = f"vacant at the moment; please contact {inline_text(value.contact)}"
        else:
            names = [_holder(h) for h in value]
            who = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        items.append(f"- {role_name} ({ROLE_FOR[role]}): {who}")
    # The link promises a way to contact them only when the school file gives one.
    link = ("What each person does, and how to contact them" if contact_routes(context)
            else "What each person does")
    return "\n".join([
        '<section class="policy-whos-who" aria-labelledby="whos-who-at-a-glance" markdown>',
        "",
        '<h2 id="whos-who-at-a-glance">Who’s who at a glance</h2>',
        "",
        *items,
        "",
        f"[{link}](whos-who.md)",
        "",
        "</section>",
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
                 f"please contact {office} at {name}"
                 + (f" (open {info.office_hours})." if info.office_hours else "."),
        subject=f"{context.model.meta['short_title']} ({name})",
    )


# --- the record printed at the top of the whole policy ---------------------------------

def print_summary(context: PageContext) -> list[tuple[str, str]]:
    """Label/value rows printed above the whole policy: who, which version, which dates.

    Plain text (the theme template escapes it). It is shown only when printing, outside the
    policy's own text, so every printed copy starts with the facts a governor checks. A date
    the title page already shows is not repeated here (each date once, in one wording).
    """
    school = context.school
    v = context.variables
    rows = [("School" if v["setting"] == "school" else "Setting", school.school.name),
            ("Policy", str(context.model.meta["short_title"]))]
    if school.version:
        rows.append(("Version", school.version))
    rows.append(("Based on the model policy", context.model.version_label))
    shown = _dates_on_title_page(context)
    dates = {"Ratified": school.dates.ratified, "Reviewed": school.dates.reviewed,
             "Next review": school.dates.next_review}
    rows += [(label, value) for label, value in context.default_rows()
             if (dates[label].start, dates[label].end) not in shown]
    for role in ROLE_NAMES:
        value = getattr(school.roles, role)
        label = role_label(role, school.governance)
        if isinstance(value, Vacancy):
            rows.append((label, f"vacant (contact {value.contact})"))
        else:
            rows.append((label, "; ".join(h.name + (f", {h.title}" if h.title else "") for h in value)))
    return rows


def _dates_on_title_page(context: PageContext) -> set[tuple]:
    """The spans of the dates the title page's rows show (all of them with the default rows)."""
    page = context.school.title_page
    if page.rows is None:
        d = context.school.dates
        return {(x.start, x.end) for x in (d.ratified, d.reviewed, d.next_review) if x}
    return {(x.start, x.end) for row in page.rows for x in dates_in(row.value)}


# --- the review notice ---------------------------------------------------------------

def review_ask(context: PageContext) -> str:
    """What the review notice asks a reader to do once the review date has passed."""
    return f"Please ask the {context.variables['setting']} for its current policy."


# --- the running footer on every printed page -------------------------------------------

def running_footer(context: PageContext) -> str:
    """Whose policy, which version, when ratified: printed at the foot of every page."""
    school = context.school
    version = f", version {school.version}" if school.version else ""
    return (f"{school.school.name}: {context.model.meta['short_title']}{version}, "
            f"ratified {school.dates.ratified}")


def css_string(text: str) -> str:
    """`text` as a CSS string literal that is safe inside <style> (anything unusual escaped)."""
    safe = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,.:;()/-")
    return '"' + "".join(c if c in safe else f"\\{ord(c):06x}" for c in text) + '"'
