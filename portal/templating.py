"""Jinja filters and globals: times shown in Copenhagen, dates in Danish."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime, get_locale
from flask_login import current_user

from portal.rules.calendar import COPENHAGEN

# Date patterns per language: Danish writes "9. oktober 2026 kl. 10:00".
PATTERNS = {
    "da": {"datetime": "d. MMMM y 'kl.' HH:mm", "date": "EEEE d. MMMM y"},
    "en": {"datetime": "d MMMM y, HH:mm", "date": "EEEE d MMMM y"},
}


def _pattern(kind: str) -> str:
    return PATTERNS.get(str(get_locale()), PATTERNS["da"])[kind]


def local_datetime(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return format_datetime(moment.astimezone(COPENHAGEN), _pattern("datetime"), rebase=False)


def long_date(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(COPENHAGEN).date()
    return format_date(day, _pattern("date"))


def iso_datetime(moment: datetime) -> str:
    return moment.astimezone(COPENHAGEN).isoformat(timespec="minutes")


def current_person() -> object | None:
    return current_user if current_user.is_authenticated else None


def register(app: Flask) -> None:
    from portal import labels, policy

    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def person_context() -> dict[str, object]:
        return {"current_person": current_person()}

    app.add_template_global(get_locale)
    app.add_template_filter(labels.label)
    app.add_template_global(policy.staff_councils)
    app.add_template_global(policy.can_manage_council)
    app.add_template_filter(local_datetime)
    app.add_template_filter(long_date)
    app.add_template_filter(iso_datetime)
