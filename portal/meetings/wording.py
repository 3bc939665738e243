"""How a meeting's time is written in notices and messages (Danish, Copenhagen time)."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime

from portal.meetings.models import Meeting
from portal.rules.calendar import COPENHAGEN

WHEN_PATTERN = "EEEE d. MMMM y 'kl.' HH:mm"


def when_at(starts_at: datetime) -> str:
    """ "mandag 28. december 2026 kl. 10:00"."""
    return format_datetime(starts_at.astimezone(COPENHAGEN), WHEN_PATTERN, locale="da")


def when(meeting: Meeting) -> str:
    return when_at(meeting.starts_at)
