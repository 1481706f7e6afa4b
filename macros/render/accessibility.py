"""The accessibility statement, in the sections of the GOV.UK model statement.

The school's parts (its name, how to reach it, which version this is) come from its file;
the rest says what this website does and what its tests check, and no more: its tests are
automated, so the statement does not claim full compliance.
"""
from __future__ import annotations

from macros.render.context import PageContext, inline_text
from macros.render.pages import contact_routes, contact_sentence

# When the statement's wording (and the list of what the tests check) was written and last
# checked against the tests. Change these when you change either.
STATEMENT_PREPARED = "1 December 2026"
STATEMENT_REVIEWED = "1 December 2026"
# Failures of WCAG 2.2 AA known today (issue 15). Remove an entry when its fix lands; the
# statement then says so, and with none left it says that we know of none.
# Failures of WCAG 2.2 AA known to remain; the tests (tests/browser/) guard the ones fixed,
# among them focus hidden in the closed menu and the footer links' label in name.
KNOWN_FAILURES: tuple[str, ...] = ()
REGULATIONS = ("the Public Sector Bodies (Websites and Mobile Applications) (No. 2) "
               "Accessibility Regulations 2018")


def _ask(context: PageContext, asking: str) -> list[str]:
    """`asking`, then the school's ways to be reached as a list (or its office)."""
    routes = contact_routes(context)
    if not routes:
        sentence = contact_sentence(context)          # "Please contact the school office at …"
        return [f"{asking} {sentence[0].lower()}{sentence[1:]}", ""]
    return [f"{asking} contact {context.variables['school']['name']}:", ""] + [f"- {r}" for r in routes] + [""]


def accessibility_statement(context: PageContext) -> str:
    """An accessibility statement in the shape UK public-sector websites publish."""
    v = context.variables
    name = v["school"]["name"]
    policy = inline_text(context.model.meta["short_title"])
    school = context.school
    version = f"version {inline_text(school.version)}, " if school.version else ""
    return "\n".join([
        "# Accessibility statement {: #accessibility }",
        "",
        f"This accessibility statement applies to this website: {name}’s {policy}, based on the "
        f"{v['model']['version_label']} model policy. It is published by {name}.",
        "",
        "We want as many people as possible to be able to use this website. For example, that "
        "means you should be able to:",
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
        "[AbilityNet](<https://mcmw.abilitynet.org.uk/>) has advice on making your device easier "
        "to use if you have a disability.",
        "",
        "## How accessible this website is {: #accessibility-status }",
        "",
        "We know some parts of this website are not fully accessible:",
        "",
        "- the policy follows the wording of the model policy, which uses some long sentences, "
        "technical terms and abbreviations",
        "- a PDF saved from the print page is made by your browser and may not be fully "
        "accessible; the web pages are the accessible version",
        "- search needs JavaScript; without it every page can still be read, and the whole "
        "policy is on the “Whole policy (print)” page",
        "- some documents the policy refers to are on other websites, such as GOV.UK, and we do "
        "not control how accessible they are",
        "- where a document the policy mentions has no web address we can link to, its name is "
        "shown as plain text",
        "",
        "## Asking for the policy in another format {: #accessibility-format }",
        "",
        *_ask(context, "If you need the policy in a different format, such as large print, "
                       "easy read, audio recording or braille,"),
        "We will consider your request and reply as soon as we can.",
        "",
        "## Reporting accessibility problems with this website {: #accessibility-contact }",
        "",
        *_ask(context, "We are always looking to improve the accessibility of this website. If you "
                       "find a problem not listed on this page, or think we are not meeting "
                       "accessibility requirements,"),
        "## Enforcement procedure {: #accessibility-enforcement }",
        "",
        f"The Equality and Human Rights Commission (EHRC) is responsible for enforcing {REGULATIONS} "
        "(the “accessibility regulations”). If you are not happy with how we respond to your "
        "complaint, contact the [Equality Advisory and Support Service (EASS)]"
        "(<https://www.equalityadvisoryservice.com/>).",
        "",
        "## Technical information about this website’s accessibility {: #accessibility-technical }",
        "",
        f"{name} is committed to making this website accessible, in accordance with {REGULATIONS}.",
        "",
        "### Compliance status {: #accessibility-compliance }",
        "",
        "This website is partially compliant with the Web Content Accessibility Guidelines (WCAG) "
        "version 2.2 AA standard"
        + (", due to the failures listed below. " if KNOWN_FAILURES else ". ")
        + "Automated tests cannot check every part of the standard, and the website has not been "
        "audited by hand against all of it.",
        "",
        "### Content that is not accessible {: #accessibility-not-accessible }",
        "",
        *([f"- Failure of the standard, which we plan to fix: {failure}" for failure in KNOWN_FAILURES]
          or ["- Failures of the standard: we do not know of any."]),
        "- If you find a failure not listed here, please tell us (see “Reporting accessibility "
        "problems with this website” above).",
        "- Not yet checked by hand: what automated tests cannot judge, such as whether headings "
        "and link text describe their content and whether the policy’s wording is easy to follow.",
        "- Not within the scope of the accessibility regulations: documents on other websites "
        "that the policy links to.",
        "",
        "## How we tested this website {: #accessibility-testing }",
        "",
        "The software that builds this website is tested every time it changes, with example "
        "schools’ policies. The tests open every page in the Chromium web browser and check it "
        "with the axe-core accessibility checker against WCAG 2.0, 2.1 and 2.2 levels A and AA, "
        "on a phone-sized and a desktop-sized screen; the home and print pages also in the dark "
        "colour scheme and with forced colours (as Windows High Contrast uses), at widths from "
        "320 to 1280 pixels. The same tests check that:",
        "",
        "- each page has one main heading and its headings are in order",
        "- the page language is set to British English",
        "- every link has a name that says where it goes, and the visible words of every control "
        "are part of its name",
        "- moving through each page with the Tab key, on a phone-sized and a desktop-sized "
        "screen, every place that takes focus can be seen and is not hidden under the header",
        "- the menu says whether it is open, and Esc closes it; search results are announced",
        "- every page is valid HTML (the Nu Html Checker finds no error)",
        "- a “skip to content” link is provided",
        "- search and the other controls can be reached with the keyboard",
        "- pages do not scroll sideways on a screen 320 pixels wide",
        "- every link within the website works",
        "- the policy printed from Chromium includes the school’s name, the dates and the named "
        "people, and every printed page has a page number and says whose policy it is",
        "",
        "These checks are automated, and automated checks cannot find every problem, so please "
        "tell us about anything that is hard to use.",
        "",
        "## Preparation of this accessibility statement {: #accessibility-preparation }",
        "",
        f"This statement was prepared on {STATEMENT_PREPARED}. It was last reviewed on "
        f"{STATEMENT_REVIEWED}. It is published with every version of {name}’s policy; this one "
        f"is {version}ratified {v['dates']['ratified']}.",
        "",
    ])
