"""Forms staff use to keep the council's people. Cross-record rules live in operations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from portal.councils.models import (
    CouncilOffice,
    EndCause,
    GroupKind,
    MembershipKind,
    MunicipalOffice,
)
from portal.councils.operations import Successor
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


# Why a seat or a substitute's role ended: a list, never free text (no health details).
END_CAUSES = {
    EndCause.LEFT_MUNICIPAL_COUNCIL: _l(
        "Er ikke længere medlem af kommunalbestyrelsen (regel 1.9)"
    ),
    EndCause.LEFT_GROUP: _l(
        "Har forladt det parti eller listesamarbejde, der valgte dem (regel 1.9)"
    ),
    EndCause.RESIGNED: _l("Er udtrådt efter eget ønske"),
    EndCause.NO_LONGER_MAYOR: _l("Er ikke længere borgmester"),
    EndCause.BECAME_MEMBER: _l("Indtrådt som medlem (regel 1.13)"),
    EndCause.SEAT_ENDED: _l("Medlemmets plads er ophørt"),
    EndCause.OTHER: _l("Anden årsag"),
}
MEMBER_CAUSES = [
    EndCause.LEFT_MUNICIPAL_COUNCIL,
    EndCause.LEFT_GROUP,
    EndCause.RESIGNED,
    EndCause.OTHER,
]
MAYOR_CAUSES = [EndCause.NO_LONGER_MAYOR, EndCause.LEFT_MUNICIPAL_COUNCIL, EndCause.OTHER]
SUBSTITUTE_CAUSES = [
    EndCause.LEFT_MUNICIPAL_COUNCIL,
    EndCause.LEFT_GROUP,
    EndCause.RESIGNED,
    EndCause.OTHER,
]
SUCCESSORS = [
    SelectChoice(
        Successor.SUBSTITUTE.value, _l("Den personlige stedfortræder indtræder som medlem")
    ),
    SelectChoice(
        Successor.NEW_MEMBER.value,
        _l("Gruppen har valgt et nyt medlem; stedfortræderen fortsætter som dennes stedfortræder"),
    ),
    SelectChoice(
        Successor.NONE.value, _l("Ingen stedfortræder, og gruppen har endnu ikke valgt nogen")
    ),
]


def cause_choices(causes: list[EndCause]) -> list[SelectChoice]:
    return [SelectChoice(cause.value, END_CAUSES[cause]) for cause in causes]


class EndMembershipForm(EndPeriodForm):
    """Rules 1.9 and 1.13: a member leaves; for a group-elected member, who takes the seat."""

    cause = SelectField(_l("Årsag"), choices=cause_choices(MEMBER_CAUSES))
    successor = RadioField(
        _l("Hvem overtager pladsen (regel 1.13)"),
        choices=SUCCESSORS,
        default=Successor.SUBSTITUTE.value,
    )
    new_member_id = SelectField(
        _l("Gruppens nye medlem"), coerce=optional_int, validators=[Optional()]
    )


class EndSubstituteForm(EndPeriodForm):
    """Rule 1.14: a substitute's role ends; the group names a new one."""

    cause = SelectField(_l("Årsag"), choices=cause_choices(SUBSTITUTE_CAUSES))


class GroupChangeForm(PortalForm):
    """Rule 1.10: a mayor leaves their party and stays a member."""

    group_id = SelectField(
        _l("Ny gruppe"),
        coerce=optional_int,
        validators=[Optional()],
        description=_l("Vælg »Ingen«, hvis borgmesteren ikke har meldt sig ind i et andet parti."),
    )
    changed_on = DateField(_l("Første dag i den nye gruppe"), validators=[InputRequired(REQUIRED)])


class ExtraMemberForm(PortalForm):
    """Rules 1.11-1.12: the member a party's councillors name on top of the composition."""

    group_id = SelectField(_l("Parti"), coerce=optional_int, validators=[InputRequired(REQUIRED)])
    person_id = SelectField(
        _l("Det udpegede medlem"), coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    starts_on = DateField(_l("Fra og med"), validators=[InputRequired(REQUIRED)])


class SubstituteForm(PortalForm):
    substitute_id = SelectField(
        _l("Stedfortræder"), coerce=optional_int, validators=[InputRequired(REQUIRED)]
    )
    starts_on = DateField(_l("Fra og med"), validators=[InputRequired(REQUIRED)])
