"""Forms for long leave and for requests for an extraordinary meeting. The rules (3 months,
no back-dating, one leave at a time, members only) live in portal/leave/operations.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.councils.forms import REQUIRED, optional_int, strip
from portal.forms import PortalForm


class LeaveForm(PortalForm):
    membership_id = SelectField(
        _l("Medlem"), coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    starts_on = DateField(_l("Første dag"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(
        _l("Sidste dag"),
        validators=[InputRequired(REQUIRED)],
        description=_l("Orlov er for 3 måneder eller mere. Kortere fravær meldes som afbud."),
    )


class StartRequestForm(PortalForm):
    council_id = SelectField(_l("Råd"), coerce=optional_int, validators=[InputRequired(REQUIRED)])
    subject = TextAreaField(
        _l("Hvad skal mødet handle om?"),
        validators=[InputRequired(REQUIRED), Length(max=500)],
        filters=[strip],
    )
