"""Forms for long leave. The rules (3 months, no back-dating, one leave at a time) live in
portal/leave/operations.py."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.councils.forms import REQUIRED, optional_int
from portal.forms import PortalForm
from portal.leave.models import LeaveKind


class LeaveForm(PortalForm):
    membership_id = SelectField(
        _l("Medlem"), coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    kind = RadioField(
        _l("Hvorfor"),
        choices=[
            SelectChoice(
                LeaveKind.RELIEF.value,
                _l(
                    "Fritaget for kommunale hverv efter kommunestyrelsesloven (regel 1.6): "
                    "stedfortræderen træder ind med det samme."
                ),
            ),
            SelectChoice(
                LeaveKind.PREVENTED.value,
                _l(
                    "Forhindret af helbred, andet offentligt hverv, forretninger eller lignende "
                    "(regel 1.7, kun medlemmer valgt af et parti eller listesamarbejde): rådet "
                    "beslutter på sit første møde."
                ),
            ),
        ],
        validators=[InputRequired(REQUIRED)],
    )
    starts_on = DateField(_l("Første dag"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(
        _l("Sidste dag"),
        validators=[InputRequired(REQUIRED)],
        description=_l(
            "Orlov er for 3 måneder eller mere, første og sidste dag medregnet. Kortere fravær "
            "meldes som afbud."
        ),
    )
