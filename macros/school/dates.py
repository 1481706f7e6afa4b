"""Dates as schools write them: `2024-09-01`, `3 December 2023`, `September 2024`, `Autumn 2025`.

A policy date is often a month or a term rather than a day, so each date keeps the words
the school wrote (tidied) and the span of days it covers, which is what comparisons use.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

ACCEPTED_FORMS = (
    "a date like 2024-09-01 or 1 September 2024, a month like September 2024, "
    "or a term like Autumn 2024, Spring Term 2025 or Summer 2025"
)

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9

# School terms in England: Autumn (Sep–Dec), Spring (Jan–Easter), Summer (Easter–Jul).
_TERMS = {"autumn": (9, 12), "spring": (1, 4), "summer": (4, 7)}
# The years a policy can be dated in (a typing slip like 0000 or 20244 is caught).
FIRST_YEAR, LAST_YEAR = 1990, 2199
SHOWN_CHARACTERS = 60


class DateFormatError(ValueError):
    """A date we cannot read, or can read two ways."""


@dataclass(frozen=True, order=True)
class PolicyDate:
    start: dt.date
    end: dt.date
    text: str

    def __str__(self) -> str:
        return self.text


def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_policy_date(value: object) -> PolicyDate:
    """Read one date in any accepted form; raise DateFormatError saying what is accepted."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PolicyDate(value, value, f"{value.day} {calendar.month_name[value.month]} {value.year}")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DateFormatError(f"this is empty; write {ACCEPTED_FORMS}")
    if not isinstance(value, str):
        raise DateFormatError(f"expected a date, found {_shown(value)}; write {ACCEPTED_FORMS}")
    text = " ".join(value.split())
    lower = text.lower().rstrip(".")
    year = re.search(r"\b(\d{4,})\b", lower)
    if year and not FIRST_YEAR <= int(year[1]) <= LAST_YEAR and not re.search(r"\d[./-]\d", lower[:year.start()]):
        raise DateFormatError(f"{_shown(text)} has the year {year[1]}, which cannot be right for this "
                              f"policy; write the year in full, like {_example(lower, year)}")

    if re.fullmatch(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}", lower):
        raise DateFormatError(
            f"'{text}' could be read two ways (day/month or month/day); "
            f"write it with the month in words, like 3 December 2023, or as 2023-12-03"
        )
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", lower)
    if m:
        return parse_policy_date(_make_date(text, int(m[1]), int(m[2]), int(m[3])))
    m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+),? (\d{4})", lower)
    if m and m[2] in _MONTHS:
        return parse_policy_date(_make_date(text, int(m[3]), _MONTHS[m[2]], int(m[1])))
    m = re.fullmatch(r"([a-z]+),? (\d{4})", lower)
    if m and m[1] in _MONTHS:
        year, month = int(m[2]), _MONTHS[m[1]]
        return PolicyDate(dt.date(year, month, 1), _last_day(year, month),
                          f"{calendar.month_name[month]} {year}")
    m = re.fullmatch(r"(autumn|spring|summer)(?: term)?,? (\d{4})", lower)
    if m:
        first, last = _TERMS[m[1]]
        year = int(m[2])
        return PolicyDate(dt.date(year, first, 1), _last_day(year, last), text[0].upper() + text[1:])
    raise DateFormatError(f"cannot read {_shown(text)} as a date; write {ACCEPTED_FORMS}")


def _shown(value: object) -> str:
    text = str(value).lower() if isinstance(value, bool) else " ".join(str(value).split())
    if len(text) > SHOWN_CHARACTERS:
        text = text[:SHOWN_CHARACTERS - 1].rstrip() + "…"
    return f"'{text}'"


def _example(lower: str, year: re.Match) -> str:
    """The date as written with this year's number in place of the wrong one."""
    if not re.search(r"[a-z]", lower):
        return "2025-09-01"
    return " ".join(w if w.isdigit() else w.capitalize() for w in (lower[:year.start()] + "2025" + lower[year.end():]).split())


def _make_date(text: str, year: int, month: int, day: int) -> dt.date:
    if not 1 <= month <= 12:
        raise DateFormatError(f"{_shown(text)} is not a real date: there is no month {month}; "
                              "write the month as 01 to 12, or in words, like 1 September 2024")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise DateFormatError(f"{_shown(text)} is not a real date: {calendar.month_name[month]} {year} "
                              f"has {last} days; check the day and the month")
    return dt.date(year, month, day)


# A date inside other words: a day, month or term with its year, or an ISO date.
_DATE_PHRASE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)? [A-Za-z]+,? \d{4}"
    r"|(?:autumn|spring|summer)(?: term)?,? \d{4}|[A-Za-z]+,? \d{4})\b", re.IGNORECASE)


def dates_in(text: str) -> list[PolicyDate]:
    """Every date written inside `text` ("by FGB December 2023" holds December 2023)."""
    found = []
    for match in _DATE_PHRASE.finditer(text):
        try:
            found.append(parse_policy_date(match[0]))
        except DateFormatError:
            continue
    return found


def in_one_wording(text: str) -> str:
    """`text` with every date in it worded as the site words dates ("Sept 2025" → "September 2025").

    The site shows each date in one wording: the one `str(PolicyDate)` gives.
    """
    def reword(match: re.Match) -> str:
        try:
            return str(parse_policy_date(match[0]))
        except DateFormatError:
            return match[0]
    return _DATE_PHRASE.sub(reword, text)
