"""Forms for regional bodies and appointment rounds. Cross-record rules live in operations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from portal.appointments.models import AppointmentEndReason
from portal.councils.forms import REQUIRED, optional_int, strip
from portal.forms import NO_CHOICE, PortalForm


def flat_messages(errors: object) -> list[str]:
    """The messages inside a FieldList's or FormField's nested errors, in order."""
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in flat_messages(value)]
    if isinstance(errors, list | tuple):
        return [message for value in errors for message in flat_messages(value)]
    return [str(errors)]


class FlatErrors:
    """A form with lists of rows: the error summary lists each row's messages as plain text
    under the list's label (it links to the element with the list's id)."""

    @property
    def errors(self) -> dict[str | None, list[str]]:
        flat: dict[str | None, list[str]] = {}
        for name, errors in super().errors.items():  # type: ignore[misc]
            messages = flat_messages(errors)
            if messages:
                flat[name] = messages
        return flat


# Rows of candidates on a ballot form: enough for any KKR vote (unused rows are left empty).
CANDIDATE_ROWS = 6


class BodyForm(PortalForm):
    name = StringField(
        _l("Navn"), validators=[InputRequired(REQUIRED), Length(max=200)], filters=[strip]
    )
    seats = IntegerField(
        _l("Antal pladser"),
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=99, message=_l("1 til 99."))],
        description=_l(
            "Én plads besættes ved flertalsvalg, flere ved forholdstalsvalg (regel 3.8)."
        ),
    )
    term_starts_on = DateField(_l("Periode fra og med"), validators=[InputRequired(REQUIRED)])
    term_ends_on = DateField(_l("Periode til og med"), validators=[InputRequired(REQUIRED)])
    legal_basis = StringField(
        _l("Hjemmel"),
        validators=[Optional(), Length(max=500)],
        filters=[strip],
        description=_l("Fx sundhedslovens § 204 eller organets vedtægter."),
    )
    notes = TextAreaField(
        _l("Bemærkninger"), validators=[Optional(), Length(max=5000)], filters=[strip]
    )

    def validate_term_ends_on(self, field: DateField) -> None:
        if self.term_starts_on.data and field.data and field.data < self.term_starts_on.data:
            raise ValidationError(_l("Perioden kan ikke slutte, før den begynder."))


class StartRoundForm(PortalForm):
    seats = IntegerField(
        _l("Pladser der skal besættes"),
        validators=[InputRequired(REQUIRED), NumberRange(min=1, max=99, message=_l("1 til 99."))],
        description=_l(
            "Højst organets ledige pladser. Én plads: flertalsvalg (kommunestyrelseslovens "
            "§ 24, stk. 1). Flere pladser: forholdstalsvalg efter d'Hondt mellem rådets grupper "
            "(§ 24, stk. 3)."
        ),
    )
    agreement = BooleanField(
        _l("Aftalevalg: alle tilstedeværende medlemmer er enige om, hvem der udpeges"),
        description=_l(
            "Udpegningen registreres uden afstemning (regel 3.8) og offentliggøres som andre."
        ),
    )


class GroupVotesForm(PortalForm):
    """One group's line in a proportional round: members present and electoral alliance."""

    class Meta:
        csrf = False  # a part of the round's form, which carries the token

    group_id = HiddenField()
    votes = IntegerField(
        _l("Medlemmer til stede"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=0, max=999, message=_l("Et helt tal fra 0.")),
        ],
    )
    alliance = SelectField(_l("Valggruppe"), coerce=optional_int, validators=[Optional()])


class VotesForm(FlatErrors, PortalForm):
    """Proportional representation (rule 3.8, § 24 stk. 3): the groups' votes and the joint
    groups (valggrupper; the field keeps its name `alliance`)."""

    kind = "votes"  # which form the round's page shows

    groups = FieldList(FormField(GroupVotesForm), label=_l("Grupper"))


class CandidateForm(PortalForm):
    class Meta:
        csrf = False

    person_id = SelectField(_l("Kandidat"), coerce=optional_int, validators=[Optional()])
    votes = IntegerField(
        _l("Stemmer"),
        validators=[Optional(), NumberRange(min=0, max=999, message=_l("Et helt tal fra 0."))],
    )


class BallotForm(FlatErrors, PortalForm):
    """One voting round of a majority vote (rule 3.8, § 24 stk. 1)."""

    kind = "ballot"  # which form the round's page shows

    members_present = IntegerField(
        _l("Medlemmer til stede"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=999, message=_l("Et helt tal fra 1.")),
        ],
        description=_l("I 1. og 2. afstemning kræves flertal af de tilstedeværende medlemmer."),
    )
    candidates = FieldList(
        FormField(CandidateForm), label=_l("Kandidater"), min_entries=CANDIDATE_ROWS
    )
    blank = IntegerField(
        _l("Blanke stemmer"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=999, message=_l("Et helt tal fra 0."))],
        description=_l("I omvalget (3. afstemning) afgør flertallet af de afgivne stemmer."),
    )

    def validate_candidates(self, field: FieldList) -> None:
        chosen = [row.person_id.data for row in field if row.person_id.data]
        if not chosen:
            raise ValidationError(_l("Vælg mindst én kandidat og skriv stemmetallet."))
        if len(set(chosen)) != len(chosen):
            raise ValidationError(_l("En kandidat står på flere linjer."))
        for row in field:
            if row.person_id.data and row.votes.data is None:
                row.votes.errors.append(str(_l("Skriv kandidatens stemmetal.")))
                raise ValidationError(_l("Skriv stemmetallet for hver valgt kandidat."))


class LotForm(PortalForm):
    """The lot drawn on a tie, as staff record it (rule 3.8: never drawn by the portal)."""

    kind = "lot"  # which form the round's page shows

    winner = SelectField(_l("Lodtrækningen faldt på"), validators=[InputRequired(REQUIRED)])
    drawn_by = StringField(
        _l("Trukket af"),
        validators=[InputRequired(REQUIRED), Length(max=200)],
        filters=[strip],
        description=_l("Hvem trak lod, fx formanden."),
    )


class NameForm(PortalForm):
    """A group names a person for one of its seats; only a councillor of the region."""

    kind = "name"  # which form the round's page shows

    # A group's id, or "v1", "v2", ... for the round's joint groups (rule 3.8).
    group_id = SelectField(_l("Gruppe"), validators=[Optional()])
    person_id = SelectField(
        _l("Person"),
        coerce=optional_int,
        validators=[InputRequired(REQUIRED)],
        description=_l("Kun kommunalbestyrelsesmedlemmer i regionens kommuner kan udpeges."),
    )
    starts_on = DateField(_l("Fra og med"), validators=[InputRequired(REQUIRED)])
    ends_on = DateField(_l("Til og med"), validators=[InputRequired(REQUIRED)])

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("Perioden kan ikke slutte, før den begynder."))


# Rule 3.8: why a published appointment ended early, as the form offers it (a list, no free
# text: nothing about anyone's health).
END_REASONS = [
    (AppointmentEndReason.LEFT_COUNCIL, _l("Udtrådt af kommunalbestyrelsen")),
    (AppointmentEndReason.RESIGNED, _l("Fritaget efter eget ønske")),
    (AppointmentEndReason.REPLACED, _l("Gruppen har udpeget en anden")),
    (AppointmentEndReason.BODY_CHANGED, _l("Organet er nedlagt eller ændret")),
    (AppointmentEndReason.OTHER, _l("Anden grund")),
]


class EndAppointmentForm(PortalForm):
    """Rule 3.8: a published appointment ends before its term."""

    ended_on = DateField(
        _l("Sidste dag i organet"),
        validators=[InputRequired(REQUIRED)],
        description=_l("Fra dagen efter er pladsen ledig og kan besættes ved en ny udpegning."),
    )
    reason = SelectField(
        _l("Årsag"),
        choices=[NO_CHOICE, *[SelectChoice(reason.value, text) for reason, text in END_REASONS]],
        validators=[InputRequired(REQUIRED)],
    )
