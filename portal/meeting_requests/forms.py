"""Forms for requests for an extraordinary meeting (rule 3.1). The rules (members only, the
threshold) live in portal/meeting_requests/operations.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.councils.forms import REQUIRED, optional_int, strip
from portal.forms import PortalForm


class StartRequestForm(PortalForm):
    council_id = SelectField(_l("Råd"), coerce=optional_int, validators=[InputRequired(REQUIRED)])
    subject = TextAreaField(
        _l("Hvad skal mødet handle om?"),
        validators=[InputRequired(REQUIRED), Length(max=500)],
        filters=[strip],
    )
