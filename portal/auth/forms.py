"""Staff's form for binding a provider account to a person in advance."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from portal.councils.forms import REQUIRED, strip
from portal.forms import PortalForm


class BindingForm(PortalForm):
    provider = SelectField(_l("Log ind"), validators=[InputRequired(REQUIRED)])
    tenant = SelectField(
        _l("Katalog (tenant)"),
        validators=[Optional()],
        description=_l("Kun for et fælles Entra ID-log ind for flere kommuner."),
    )
    subject = StringField(
        _l("Kontoens id (sub)"),
        validators=[InputRequired(REQUIRED), Length(max=255)],
        filters=[strip],
        description=_l(
            "Den værdi, kommunens log ind sender som »sub« for personen. "
            "Kommunens IT-afdeling kan oplyse den."
        ),
    )
