"""Forms staff use to keep the council's people. Cross-record rules live in operations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from portal.councils.models import CouncilOffice, GroupKind, MembershipKind, MunicipalOffice
from portal.forms import PortalForm
from portal.labels import choices

REQUIRED = _l("Skal udfyldes.")


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def optional_int(value: str | int | None) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


class MunicipalityForm(PortalForm):
    name = StringField(
        _l("Navn"), validators=[InputRequired(REQUIRED), Length(max=120)], filters=[strip]
    )


class GroupForm(PortalForm):
    letter = StringField(
        _l("Bogstav"),
        validators=[InputRequired(REQUIRED), Length(max=10)],
        filters=[strip],
        description=_l("Partibogstav eller listesamarbejdets bogstaver, fx A eller BIØ."),
    )
    name = StringField(
        _l("Navn"), validators=[InputRequired(REQUIRED), Length(max=120)], filters=[strip]
    )
    kind = SelectField(_l("Type"), choices=choices(GroupKind), default=GroupKind.PARTY.value)


class PersonForm(PortalForm):
    name = StringField(
        _l("Navn"), validators=[InputRequired(REQUIRED), Length(max=200)], filters=[strip]
    )
    email = EmailField(
        _l("E-mail"),
        validators=[
            InputRequired(REQUIRED),
            Email(_l("Skriv en gyldig e-mailadresse, fx navn@kommune.dk.")),
            Length(max=254),
        ],
        filters=[strip, lambda value: value.lower() if value else value],
        description=_l(
            "Den adresse personens kommune oplyser ved log ind. Første log ind knyttes hertil."
        ),
    )
    municipality_id = SelectField(
        _l("Kommune"), coerce=optional_int, validators=[Optional()], validate_choice=True
    )
    municipal_office = SelectField(
        _l("Kommunalt hverv"),
        choices=choices(MunicipalOffice),
        default=MunicipalOffice.COUNCILLOR.value,
    )

    # Rule 1.3: the longest-serving mayor, the oldest on a tie, calls the constituting meeting.
    mayor_since = DateField(
        _l("Borgmester siden"),
        validators=[Optional()],
        description=_l("Første dag som borgmester uden afbrydelse (regel 1.3)."),
    )
    born_on = DateField(
        _l("Fødselsdato"),
        validators=[Optional()],
        description=_l("Bruges kun, hvis to borgmestre har været det lige længe (regel 1.3)."),
    )

    def validate_municipal_office(self, field: SelectField) -> None:
        if field.data != MunicipalOffice.NONE.value and not self.municipality_id.data:
            raise ValidationError(_l("Vælg kommunen for et kommunalt hverv."))

    def validate_mayor_since(self, field: DateField) -> None:
        if field.data and self.born_on.data and field.data <= self.born_on.data:
            raise ValidationError(_l("Datoen skal ligge efter fødselsdatoen."))


class MembershipForm(PortalForm):
    person_id = SelectField(_l("Person"), coerce=optional_int, validators=[InputRequired(REQUIRED)])
    municipality_id = SelectField(
        _l("Kommune"), coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    group_id = SelectField(_l("Parti eller gruppe"), coerce=optional_int, validators=[Optional()])
    kind = SelectField(_l("Plads"), choices=choices(MembershipKind))
    office = SelectField(
        _l("Hverv i rådet"), choices=choices(CouncilOffice), default=CouncilOffice.MEMBER.value
    )
    starts_on = DateField(_l("Fra og med"), validators=[InputRequired(REQUIRED)])


class OfficeForm(PortalForm):
    office = SelectField(_l("Hverv i rådet"), choices=choices(CouncilOffice))
    group_id = SelectField(_l("Parti eller gruppe"), coerce=optional_int, validators=[Optional()])


class EndPeriodForm(PortalForm):
    ends_on = DateField(_l("Sidste dag"), validators=[InputRequired(REQUIRED)])


class EndMembershipForm(EndPeriodForm):
    reason = StringField(
        _l("Begrundelse"),
        validators=[InputRequired(REQUIRED), Length(max=300)],
        filters=[strip],
        description=_l("Fx udtrådt af kommunalbestyrelsen eller skiftet gruppe (regel 1.9)."),
    )


class SubstituteForm(PortalForm):
    substitute_id = SelectField(
        _l("Stedfortræder"), coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    starts_on = DateField(_l("Fra og med"), validators=[InputRequired(REQUIRED)])
