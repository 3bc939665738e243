"""Forms for long leave. The rules (3 months, no back-dating, one leave at a time) live in
portal/leave/operations.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField
from wtforms.validators import InputRequired

from portal.councils.forms import REQUIRED, optional_int
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
