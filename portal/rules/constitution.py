"""The constituting meeting (rule 1.3) and the chair's replacement (rules 1.15–1.16).

Rule 1.3: the council takes office at its constituting meeting, held by 31 January after the
municipal election (portal.rules.calendar.constituting_meeting_latest), and called by the
longest-serving mayor; the oldest of them on a tie.

Our reading: "longest-serving" is the earliest date since which the person has been mayor
without a break (their `mayor_since`); "the oldest" is the earliest birth date. When the
decision needs a date that is missing, the convener is undetermined and the people whose date
is missing are named, so staff can fill it in. Equal since-dates and equal birth dates are a
tie that no rule settles: it is reported, never decided silently.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from portal.rules.attendance import is_long_term_leave
from portal.rules.calendar import constituting_meeting_latest


@dataclass(frozen=True)
class Mayor:
    """A mayor of one of the region's municipalities, as the secretariat registered them."""

    person_id: int
    mayor_since: date | None
    born_on: date | None


class ConvenerStatus(enum.StrEnum):
    FOUND = "found"  # one convener
    MISSING_DATA = "missing_data"  # a date the decision needs is not registered
    TIE = "tie"  # same since-date and same birth date: the rule does not decide
    NO_MAYORS = "no_mayors"


@dataclass(frozen=True)
class Convener:
    """Who calls the constituting meeting (rule 1.3), or why that is not known yet."""

    status: ConvenerStatus
    person_id: int | None = None
    # The longest-serving mayors (more than one when they took office the same day).
    longest_serving: tuple[int, ...] = ()
    # Decided by age among the longest-serving.
    by_age: bool = False
    # People whose since-date (or, among the longest-serving, birth date) is missing.
    missing_since: tuple[int, ...] = ()
    missing_birth: tuple[int, ...] = ()
    tied: tuple[int, ...] = field(default=())


def convener(mayors: Iterable[Mayor]) -> Convener:
    """Rule 1.3: the longest-serving mayor, the oldest on a tie."""
    mayors = list(mayors)
    if not mayors:
        return Convener(ConvenerStatus.NO_MAYORS)
    missing_since = tuple(m.person_id for m in mayors if m.mayor_since is None)
    if missing_since:
        # Anyone without a since-date might be the longest-serving: nothing can be said.
        return Convener(ConvenerStatus.MISSING_DATA, missing_since=missing_since)
    earliest = min(m.mayor_since for m in mayors if m.mayor_since is not None)
    longest = [m for m in mayors if m.mayor_since == earliest]
    longest_ids = tuple(m.person_id for m in longest)
    if len(longest) == 1:
        return Convener(ConvenerStatus.FOUND, longest[0].person_id, longest_ids)
    missing_birth = tuple(m.person_id for m in longest if m.born_on is None)
    if missing_birth:
        return Convener(
            ConvenerStatus.MISSING_DATA, longest_serving=longest_ids, missing_birth=missing_birth
        )
    oldest_day = min(m.born_on for m in longest if m.born_on is not None)
    oldest = [m for m in longest if m.born_on == oldest_day]
    if len(oldest) > 1:
        return Convener(
            ConvenerStatus.TIE,
            longest_serving=longest_ids,
            by_age=True,
            tied=tuple(m.person_id for m in oldest),
        )
    return Convener(ConvenerStatus.FOUND, oldest[0].person_id, longest_ids, by_age=True)


def constituting_meeting_in_time(election_day: date, meeting_day: date) -> bool:
    """Rule 1.3: the meeting is on or before 31 January after the election (and after it)."""
    return election_day < meeting_day <= constituting_meeting_latest(election_day)


class Vacancy(enum.StrEnum):
    """Why a chair or vice-chair is replaced (rules 1.15–1.16)."""

    LEFT = "left"  # left the council, or the group: the successor takes over for good
    AWAY = "away"  # away for 3 months or more: the successor stands in for that period


def stand_in_is_allowed(away_from: date, back_on: date) -> bool:
    """Rules 1.15–1.16 with 1.6–1.7: a stand-in only for an absence of 3 months or more.
    `back_on` is the absent holder's last day away."""
    return is_long_term_leave(away_from, back_on)
