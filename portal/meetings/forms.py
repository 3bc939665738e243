"""Forms for the meeting plan (rule 3.1). Staff type the date and time as a Copenhagen wall
clock; the form turns them into one moment (stored in UTC). Rules that depend on the database
or on the clock (not in the past, one meeting at a time) live in portal/meetings/operations.py.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.councils.forms import REQUIRED, strip
from portal.forms import PortalForm
from portal.labels import choices
from portal.meetings.models import Meeting, MeetingKind
from portal.rules.calendar import COPENHAGEN


class NonexistentTime(ValueError):
    """The wall clock skips this time (the change to summer time)."""


class AmbiguousTime(ValueError):
    """The wall clock shows this time twice (the change to winter time)."""


def copenhagen_moment(day: date, clock: time) -> datetime:
    """The moment (in UTC) a Copenhagen wall clock shows `clock` on `day`.

    In the night of the change to summer time the clock jumps from 02:00 to 03:00, so 02:30
    does not exist; in the night of the change to winter time 02:00–02:59 happens twice. Both
    are refused rather than guessed: a meeting is never put an hour off without anyone noticing.
    """
    first = datetime.combine(day, clock, tzinfo=COPENHAGEN)  # fold=0: the earlier reading
    second = first.replace(fold=1)
    if first.utcoffset() != second.utcoffset():
        wall = first.astimezone(UTC).astimezone(COPENHAGEN)
        if wall.replace(tzinfo=None) != first.replace(tzinfo=None):
            raise NonexistentTime(day, clock)
        raise AmbiguousTime(day, clock)
    return first.astimezone(UTC)


def require_wall_time(day: date, clock: time) -> datetime:
    """`copenhagen_moment`, with the skipped and the doubled hour refused in Danish."""
    try:
        return copenhagen_moment(day, clock)
    except NonexistentTime as error:
        raise ValidationError(
            _(
                "Klokken %(clock)s findes ikke den %(day)s: urene stilles frem fra 02:00 "
                "til 03:00 ved overgangen til sommertid. Vælg et andet klokkeslæt.",
                clock=clock.strftime("%H:%M"),
                day=format_date(day, "d. MMMM y"),
            )
        ) from error
    except AmbiguousTime as error:
        raise ValidationError(
            _(
                "Klokken %(clock)s findes to gange den %(day)s: urene stilles tilbage fra "
                "03:00 til 02:00 ved overgangen til vintertid. Vælg et andet klokkeslæt.",
                clock=clock.strftime("%H:%M"),
                day=format_date(day, "d. MMMM y"),
            )
        ) from error


class ClockField(TimeField):
    """A time of day as hh:mm, with the message in Danish (WTForms has none)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Skriv et klokkeslæt som tt:mm, fx 10:00.")) from error


class MeetingForm(PortalForm):
    kind = SelectField(
        _l("Mødetype"), choices=choices(MeetingKind), default=MeetingKind.ORDINARY.value
    )
    day = DateField(_l("Dato"), validators=[InputRequired(REQUIRED)])
    clock = ClockField(
        _l("Klokkeslæt"),
        validators=[InputRequired(REQUIRED)],
        description=_l("Dansk tid, fx 10:00."),
    )
    location = StringField(
        _l("Sted"),
        validators=[InputRequired(REQUIRED), Length(max=300)],
        filters=[strip],
        description=_l("Fx Sorø Rådhus, Storegade 15, 4180 Sorø."),
    )

    @classmethod
    def for_meeting(cls, meeting: Meeting) -> MeetingForm:
        """The form filled in with the meeting as it is, on the Copenhagen clock."""
        local = meeting.starts_at.astimezone(COPENHAGEN)
        return cls(
            kind=meeting.kind.value,
            day=local.date(),
            clock=local.time().replace(second=0, microsecond=0),
            location=meeting.location,
        )

    def validate_clock(self, field: TimeField) -> None:
        if self.day.data is None or field.data is None:
            return  # the missing part has its own message
        require_wall_time(self.day.data, field.data)

    def starts_at(self) -> datetime:
        """The moment typed, in UTC (only after the form validated)."""
        return copenhagen_moment(self.day.data, self.clock.data)

    def kind_value(self) -> MeetingKind:
        return MeetingKind(self.kind.data)


class CancelMeetingForm(PortalForm):
    reason = TextAreaField(
        _l("Begrundelse"),
        validators=[InputRequired(_l("Skriv, hvorfor mødet aflyses.")), Length(max=1000)],
        filters=[strip],
        description=_l("Begrundelsen sendes til rådets medlemmer og de indkaldte stedfortrædere."),
    )
