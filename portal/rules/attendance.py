"""Attendance, quorum, the meeting's leader and majorities (rules 3.1, 3.5, 3.7, 1.6–1.7, 3.9)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil


class Attendance(enum.StrEnum):
    """Where a seat stands for one meeting."""

    PRESENT = "present"  # no absence registered
    ABSENT = "absent"  # absent, substitute not called in (or none)
    SUBSTITUTE_ATTENDING = "substitute_attending"
    SUBSTITUTE_NOT_ANSWERED = "substitute_not_answered"
    SUBSTITUTE_DECLINED = "substitute_declined"


# Rule 3.7: an attending substitute counts as present in the member's place.
COUNTS_AS_PRESENT = frozenset({Attendance.PRESENT, Attendance.SUBSTITUTE_ATTENDING})


def quorum(member_count: int) -> int:
    """Rule 3.7: the council has a quorum when at least half its members are present."""
    if member_count < 0:
        raise ValueError("member_count cannot be negative")
    return ceil(member_count / 2)


@dataclass(frozen=True)
class QuorumForecast:
    members: int
    present: int  # counting attending substitutes
    uncertain: int  # substitutes who have not answered yet
    required: int

    @property
    def met(self) -> bool:
        return self.present >= self.required

    @property
    def reachable(self) -> bool:
        """Met if the substitutes who have not answered yet do come."""
        return self.present + self.uncertain >= self.required


def forecast(seats: Iterable[Attendance], members: int | None = None) -> QuorumForecast:
    """The projected attendance of a meeting from the registered absences and answers.
    `members`: the council's size (rule 3.7, portal.councils.seating.council_size); a vacant
    seat does not lower it. Without it, the seats given."""
    states = list(seats)
    count = len(states) if members is None else members
    return QuorumForecast(
        members=count,
        present=sum(1 for state in states if state in COUNTS_AS_PRESENT),
        uncertain=sum(1 for state in states if state is Attendance.SUBSTITUTE_NOT_ANSWERED),
        required=quorum(count),
    )


class Leader(enum.StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    CONVENER = "convener"  # the constituting meeting, until the chair is elected (1.3, 1.4)
    CHOSEN = "chosen"  # neither chair nor vice-chair came: the meeting chose who leads


def meeting_leader(
    chair: Attendance | None,
    vice_chair: Attendance | None,
    *,
    constituting: bool = False,
    chosen: bool = False,
) -> Leader | None:
    """Rule 3.5: the chair leads the meeting, and the vice-chair when the chair cannot come.
    `chair` and `vice_chair` are the attendance of whoever holds the office that day (a 1.16
    stand-in holds it for the period). A substitute attending in the holder's place sits in
    the seat but holds no office, so an absent holder is absent here. At the constituting
    meeting the convener leads until the chair is elected; when neither chair nor vice-chair
    comes, the one the meeting chose (`chosen`: staff recorded one). None: no one known."""
    if constituting:
        return Leader.CONVENER
    if chair is Attendance.PRESENT:
        return Leader.CHAIR
    if vice_chair is Attendance.PRESENT:
        return Leader.VICE_CHAIR
    if chosen:
        return Leader.CHOSEN
    return None


def covers_item(position: int, first: int | None, last: int | None) -> bool:
    """Rule 3.9: someone who came from item `first` and left after item `last` (None: from
    the start, to the end) was there for the item at `position`."""
    return (first is None or first <= position) and (last is None or position <= last)


def extraordinary_meeting_signatures_needed(member_count: int) -> int:
    """Rule 3.1: an extraordinary meeting when at least a third of the members ask."""
    if member_count < 0:
        raise ValueError("member_count cannot be negative")
    return ceil(member_count / 3)


def is_long_term_leave(starts_on: date, ends_on: date) -> bool:
    """Rules 1.6, 1.7, 1.16: expected to last at least 3 months. The period runs from its first
    day to its last, both included, so it qualifies when the last day is at least the day before
    the same date three months on (1 January–31 March qualifies)."""
    if ends_on < starts_on:
        raise ValueError("a leave cannot end before it starts")
    return ends_on >= three_months_on(starts_on) - timedelta(days=1)


def three_months_on(day: date) -> date:
    """The same date three calendar months later, clamped to the month's end (30 November →
    28 or 29 February)."""
    month = day.month - 1 + 3
    year = day.year + month // 12
    month = month % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("every month has a 28th")  # pragma: no cover
