"""Forms for requests for an extraordinary meeting (rule 3.1). The rules (members only, the
threshold) live in portal/meeting_requests/operations.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.councils.forms import REQUIRED, optional_int, strip
from portal.forms import PortalForm
from portal.meetings.forms import MeetingForm


class StartRequestForm(PortalForm):
    council_id = SelectField(_l("Råd"), coerce=optional_int, validators=[InputRequired(REQUIRED)])
    subject = TextAreaField(
        _l("Hvad skal mødet handle om?"),
        validators=[InputRequired(REQUIRED), Length(max=500)],
        filters=[strip],
    )


class CallMeetingForm(MeetingForm):
    """The extraordinary meeting planned from a request: date, time and place (the kind is
    always extraordinary)."""

    kind = None


class CloseRequestForm(PortalForm):
    reason = TextAreaField(
        _l("Begrundelse"),
        validators=[InputRequired(_l("Skriv, hvorfor anmodningen lukkes.")), Length(max=1000)],
        filters=[strip],
        description=_l("Begrundelsen sendes til dem, der har skrevet under."),
    )
