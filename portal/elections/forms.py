"""Forms for election results and the composition (rules 1.0–1.1), the constituting meeting,
electoral alliances and the chair election (rules 1.3–1.4), and replacing a chair or
vice-chair (rules 1.15–1.16). Cross-record rules live in election_operations."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.councils.forms import REQUIRED, optional_int, strip
from portal.forms import PortalForm
from portal.meetings.forms import copenhagen_moment, require_wall_time
from portal.rules.constitution import Vacancy

# Far above any region's votes (Denmark has under 5 million voters), and inside a database
# integer: a typo of many digits gets a message, not an overflow.
MAX_COUNT = 100_000_000
COUNT_RANGE = NumberRange(
    min=0, max=MAX_COUNT, message=_l("Skriv et helt tal fra 0 til 100.000.000.")
)


class ElectionForm(PortalForm):
    held_on = DateField(_l("Valgdag"), validators=[InputRequired(REQUIRED)])
    municipalities = IntegerField(
        _l("Antal kommuner i regionen"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=200, message=_l("Skriv et tal fra 1 til 200.")),
        ],
        description=_l("Rådet har højst dobbelt så mange medlemmer (regel 1.1)."),
    )


class GroupResultForm(PortalForm):
    """One group's result in the region."""

    letter = StringField(_l("Bogstav"), validators=[Length(max=10)], filters=[strip])
    name = StringField(
        _l("Parti eller listesamarbejde"),
        validators=[InputRequired(REQUIRED), Length(max=120)],
        filters=[strip],
    )
    votes = IntegerField(
        _l("Stemmer i regionen"),
        validators=[InputRequired(REQUIRED), COUNT_RANGE],
    )
    mayors = IntegerField(
        _l("Borgmestre"),
        default=0,
        validators=[InputRequired(REQUIRED), COUNT_RANGE],
    )
    council_seats = IntegerField(
        _l("Mandater i kommunalbestyrelserne"),
        default=0,
        validators=[InputRequired(REQUIRED), COUNT_RANGE],
    )
    group_id = SelectField(
        _l("Rådets gruppe"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l("Gruppen i rådet, hvis medlemmer kan vælges for den (regel 1.4, 1.15)."),
    )

    def validate_mayors(self, field: IntegerField) -> None:
        if field.data is not None and self.council_seats.data is not None:
            if field.data > self.council_seats.data:
                raise ValidationError(
                    _l("En borgmester har et mandat: højst lige så mange som mandaterne.")
                )


class ResultsImportForm(PortalForm):
    file = FileField(
        _l("CSV-fil med resultaterne"),
        validators=[FileRequired(_l("Vælg en fil."))],
        description=_l(
            "Én linje pr. gruppe med kolonnerne name,votes,mayors,council_seats (komma eller "
            "semikolon). Filen erstatter de indtastede grupper."
        ),
    )


class LotForm(PortalForm):
    """The lot drawn on a tie: who won it and who drew it (the portal never draws)."""

    winner = RadioField(_l("Lodtrækningen faldt på"), validators=[InputRequired(REQUIRED)])
    drawn_by = StringField(
        _l("Trukket af"),
        validators=[InputRequired(REQUIRED), Length(max=200)],
        filters=[strip],
        description=_l("Navnet på den, der trak lod, fx mødets dirigent."),
    )


class ConfirmForm(PortalForm):
    """A button that changes something: only the CSRF token is sent."""


class ConstitutingMeetingForm(PortalForm):
    starts_at = DateTimeLocalField(
        _l("Det konstituerende møde"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[InputRequired(REQUIRED)],
        description=_l("Dato og klokkeslæt. Senest 31. januar efter valget (regel 1.3)."),
    )

    def validate_starts_at(self, field: DateTimeLocalField) -> None:
        if field.data is not None:
            require_wall_time(field.data.date(), field.data.time())

    def moment(self) -> datetime:
        """The moment typed on the Copenhagen clock, in UTC (only after the form validated)."""
        return copenhagen_moment(self.starts_at.data.date(), self.starts_at.data.time())


class AllianceForm(PortalForm):
    groups = SelectMultipleField(
        _l("Grupper i valgforbundet"),
        coerce=int,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[InputRequired(_l("Vælg mindst to grupper."))],
    )
    # Rule 1.4: the deadline is judged on when the secretariat received the notice.
    received_at = DateTimeLocalField(
        _l("Modtaget af sekretariatet"),
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        validators=[Optional()],
        description=_l(
            "Dato og klokkeslæt, hvor anmeldelsen kom til sekretariatet, fx når e-mailen "
            "blev modtaget. Fristen regnes fra dette tidspunkt (regel 1.4). Tomt: nu."
        ),
    )

    def validate_groups(self, field: SelectMultipleField) -> None:
        if len(field.data or []) < 2:
            raise ValidationError(_l("Vælg mindst to grupper."))

    def validate_received_at(self, field: DateTimeLocalField) -> None:
        if field.data is not None:
            require_wall_time(field.data.date(), field.data.time())

    def received_moment(self) -> datetime | None:
        """The moment typed on the Copenhagen clock, in UTC; None when left empty (only after
        the form validated)."""
        if self.received_at.data is None:
            return None
        return copenhagen_moment(self.received_at.data.date(), self.received_at.data.time())


class ChairElectedForm(PortalForm):
    chair = SelectField(_l("Formand"), coerce=optional_int, validators=[InputRequired(REQUIRED)])
    vice_chair = SelectField(
        _l("Næstformand"), coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    starts_on = DateField(_l("Valgt den"), validators=[InputRequired(REQUIRED)])

    def validate_vice_chair(self, field: SelectField) -> None:
        if field.data and field.data == self.chair.data:
            raise ValidationError(_l("Formand og næstformand skal være to forskellige personer."))


class ReplaceHolderForm(PortalForm):
    """Rules 1.15–1.16: the group that elected the holder names the successor."""

    vacancy = RadioField(
        _l("Hvorfor"),
        choices=[
            SelectChoice(
                Vacancy.LEFT.value,
                _l("Er udtrådt af rådet eller gruppen: efterfølgeren overtager"),
            ),
            SelectChoice(
                Vacancy.AWAY.value,
                _l("Har forfald i 3 måneder eller mere: efterfølgeren træder til i perioden"),
            ),
        ],
        default=Vacancy.LEFT.value,
        validators=[InputRequired(REQUIRED)],
    )
    successor = SelectField(
        _l("Efterfølger, udpeget af gruppen"),
        coerce=optional_int,
        validators=[InputRequired(REQUIRED)],
    )
    starts_on = DateField(_l("Fra og med"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(
        _l("Til og med (ved forfald)"),
        validators=[Optional()],
        description=_l("Sidste dag med forfald. Kun ved forfald i 3 måneder eller mere."),
    )
    reason = StringField(
        _l("Begrundelse"),
        validators=[InputRequired(REQUIRED), Length(max=300)],
        filters=[strip],
        description=_l("Fx udtrådt af kommunalbestyrelsen, eller orlov."),
    )

    def validate_ends_on(self, field: DateField) -> None:
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Sidste dag kan ikke ligge før første dag."))

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        valid = super().validate(extra_validators)
        # Optional() ends the field's own checks when it is empty: this one is across fields.
        if self.vacancy.data == Vacancy.AWAY.value and self.ends_on.data is None:
            if not self.ends_on.errors:
                self.ends_on.errors = [_l("Skriv den sidste dag med forfald.")]
            return False
        return valid
