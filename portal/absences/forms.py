"""Forms for absence (rule 3.9) and the substitute's answer (rule 1.8)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.absences.models import AbsenceReason, AttendedBy
from portal.absences.operations import AS_REGISTERED
from portal.councils.forms import optional_int
from portal.forms import PortalForm
from portal.labels import choices

ATTENDING = "attending"
DECLINED = "declined"


class AbsenceForm(PortalForm):
    """A member's own absence: call the substitute or not, and an optional reason category.

    The reason is a category only, never free text: health details are GDPR art. 9 data.
    """

    call_substitute = BooleanField(_l("Indkald min personlige stedfortræder"), default=True)
    reason = SelectField(
        _l("Årsag (frivilligt)"),
        choices=[SelectChoice("", _l("Ingen årsag angivet")), *choices(AbsenceReason)],
        default="",
    )

    def reason_value(self) -> AbsenceReason | None:
        return AbsenceReason(self.reason.data) if self.reason.data else None


class StaffAbsenceForm(PortalForm):
    """Staff register a member's absence from the attendance board (one row's form)."""

    call_substitute = BooleanField(_l("Indkald stedfortræderen"), default=True)


class ConfirmForm(PortalForm):
    """A button that changes something: only the CSRF token is sent."""


class CallInAnswerForm(PortalForm):
    """The substitute's answer, sent by one of two buttons named `answer`."""

    answer = RadioField(
        _l("Dit svar"),
        choices=[
            SelectChoice(ATTENDING, _l("Jeg deltager")),
            SelectChoice(DECLINED, _l("Jeg kan ikke")),
        ],
        validators=[InputRequired(_l("Vælg, om du deltager."))],
    )

    def attending(self) -> bool:
        return self.answer.data == ATTENDING


class AttendanceRecordForm(PortalForm):
    """Staff record on the day who actually sat in one seat (rule 3.9) and whether the meeting
    chose that person to lead it (rule 3.5)."""

    attended_by = RadioField(
        _l("Hvem deltog for pladsen"),
        choices=[
            SelectChoice(AS_REGISTERED, _l("Som registreret på forhånd (afbud og svar)")),
            SelectChoice(AttendedBy.MEMBER.value, _l("Medlemmet selv")),
            SelectChoice(AttendedBy.SUBSTITUTE.value, _l("Den personlige stedfortræder")),
            SelectChoice(AttendedBy.NOBODY.value, _l("Ingen")),
        ],
        default=AS_REGISTERED,
        validators=[InputRequired(_l("Vælg, hvem der deltog."))],
    )
    first_item = SelectField(_l("Kom til under punkt"), coerce=optional_int, default=None)
    last_item = SelectField(_l("Gik efter punkt"), coerce=optional_int, default=None)
    led_meeting = BooleanField(
        _l(
            "Mødet valgte denne person som mødeleder "
            "(hverken formanden eller næstformanden var der)"
        )
    )

    def attended_by_value(self) -> AttendedBy | None:
        value = self.attended_by.data
        return None if value == AS_REGISTERED else AttendedBy(value)
