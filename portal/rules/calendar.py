"""Deadlines and working days, computed in Europe/Copenhagen (rules 1.3, 1.4, 3.2, 3.3, 3.9)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

# The last instant of a calendar day; a deadline "at the end of the day" is this.
END_OF_DAY = time(23, 59, 59, 999999)

# Days off in Danish public administration that are not public holidays (shared/RULES.md).
EXTRA_DAYS_OFF = ((6, 5), (12, 24), (12, 31))  # Grundlovsdag, juleaften, nytårsaften

PROPOSAL_DAYS_BEFORE = 10  # rule 3.2
AGENDA_DAYS_BEFORE = 7  # rule 3.3: same weekday, the week before
ALLIANCE_WORKING_DAYS_BEFORE = 3  # rule 1.4


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Denmark(years=year).keys())


def is_working_day(day: date) -> bool:
    """A hverdag: Monday to Friday, not a public holiday, nor 5 June, 24 or 31 December."""
    if day.weekday() >= 5:
        return False
    if (day.month, day.day) in EXTRA_DAYS_OFF:
        return False
    return day not in _public_holidays(day.year)


def working_days_before(day: date, count: int) -> date:
    """The working day `count` working days before `day` (`day` itself not counted)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current = day
    remaining = count
    while remaining:
        current -= timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def last_working_day_on_or_before(day: date) -> date:
    """`day` itself when it is a working day, else the last working day before it."""
    current = day
    while not is_working_day(current):
        current -= timedelta(days=1)
    return current


def working_days_after(start: date, end: date) -> int:
    """How many working days there are after `start` up to and including `end` (0 when
    `end` is not after `start`): "3 hverdage for sent" counts the days the office was open."""
    count = 0
    current = start + timedelta(days=1)
    while current <= end:
        if is_working_day(current):
            count += 1
        current += timedelta(days=1)
    return count


# Names of the days off that are not public holidays, by language (shared/RULES.md).
EXTRA_DAY_OFF_NAMES = {
    "da": {(6, 5): "Grundlovsdag", (12, 24): "Juleaften", (12, 31): "Nytårsaften"},
    "en": {(6, 5): "Constitution Day", (12, 24): "Christmas Eve", (12, 31): "New Year's Eve"},
}


@lru_cache(maxsize=64)
def _holiday_names(year: int, language: str) -> dict[date, str]:
    names = holidays.Denmark(years=year, language="da" if language == "da" else "en_US")
    return dict(names.items())


def day_off_name(day: date, language: str = "da") -> str | None:
    """The name of the holiday or day off `day` is ("Langfredag"), or None: a weekend or a
    working day has no name."""
    language = "da" if language == "da" else "en"
    extra = EXTRA_DAY_OFF_NAMES[language].get((day.month, day.day))
    return extra or _holiday_names(day.year, language).get(day)


def local_date(moment: datetime) -> date:
    """The calendar date of an aware moment, in Copenhagen."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a time zone")
    return moment.astimezone(COPENHAGEN).date()


def end_of_day(day: date) -> datetime:
    """23:59:59.999999 Copenhagen time on `day` (DST is whatever applies that day)."""
    return datetime.combine(day, END_OF_DAY, tzinfo=COPENHAGEN)


def proposal_deadline(meeting_starts_at: datetime) -> datetime:
    """Rule 3.2: proposals by the end of the day ten calendar days before an ordinary meeting."""
    return end_of_day(local_date(meeting_starts_at) - timedelta(days=PROPOSAL_DAYS_BEFORE))


def agenda_deadline(meeting_starts_at: datetime) -> datetime:
    """Rule 3.3: the agenda goes out at the latest the same weekday the week before."""
    return end_of_day(local_date(meeting_starts_at) - timedelta(days=AGENDA_DAYS_BEFORE))


def practical_agenda_day(meeting_starts_at: datetime) -> date:
    """Rule 3.3 in practice: the last working day on or before the send-out deadline, the day
    the secretariat must send the agenda when the deadline falls on a day off."""
    return last_working_day_on_or_before(local_date(agenda_deadline(meeting_starts_at)))


def absence_deadline(meeting_starts_at: datetime) -> datetime:
    """Rule 3.9: absence is told before the meeting, i.e. until it starts."""
    return meeting_starts_at.astimezone(COPENHAGEN)


def alliance_deadline(constituting_meeting_starts_at: datetime) -> datetime:
    """Rule 1.4: electoral alliances are notified at least 3 working days before."""
    meeting_day = local_date(constituting_meeting_starts_at)
    return end_of_day(working_days_before(meeting_day, ALLIANCE_WORKING_DAYS_BEFORE))


def constituting_meeting_latest(election_day: date) -> date:
    """Rule 1.3: the constituting meeting is held by 31 January after the municipal election."""
    return date(election_day.year + 1, 1, 31)


def is_in_time(moment: datetime, deadline: datetime) -> bool:
    """True while `moment` is not past `deadline` (the deadline instant itself is in time)."""
    return moment <= deadline


def meeting_deadlines(meeting_starts_at: datetime) -> dict[str, datetime]:
    """The deadlines every ordinary meeting has, by name."""
    return {
        "proposal_deadline": proposal_deadline(meeting_starts_at),
        "agenda_deadline": agenda_deadline(meeting_starts_at),
        "absence_deadline": absence_deadline(meeting_starts_at),
    }
