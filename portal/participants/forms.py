"""Forms for 1.5 participants (rule 1.5)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Length

from portal.councils.forms import REQUIRED, optional_int, strip
from portal.forms import PortalForm


class ParticipationForm(PortalForm):
    person_id = SelectField(_l("Person"), coerce=optional_int, validators=[InputRequired(REQUIRED)])
    basis = StringField(
        _l("Post i KL"),
        description=_l(
            "Fx »Medlem af KL's bestyrelse« eller »Medlem af KL's Børne- og Undervisningsudvalg«."
        ),
        validators=[InputRequired(REQUIRED), Length(max=200)],
        filters=[strip],
    )
    starts_on = DateField(_l("Første dag"), validators=[InputRequired(REQUIRED)])


class EndParticipationForm(PortalForm):
    ends_on = DateField(_l("Sidste dag"), validators=[InputRequired(REQUIRED)])


class ParticipantAttendanceForm(PortalForm):
    came = HiddenField(validators=[AnyOf(["yes", "no"])])
