"""Danish names for the domain's enumerations, as the UI shows them."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from portal.absences.models import AbsenceReason, CallInAnswer
from portal.councils.models import (
    CouncilOffice,
    GroupKind,
    MembershipKind,
    MunicipalOffice,
    SubstituteBasis,
)
from portal.meetings.models import MeetingKind
from portal.notifications.models import NoticeKind
from portal.proposals.models import ProposalStatus
from portal.rules.attendance import Attendance

LABELS: dict[enum.Enum, object] = {
    MunicipalOffice.MAYOR: _l("Borgmester"),
    MunicipalOffice.FIRST_DEPUTY_MAYOR: _l("1. viceborgmester"),
    MunicipalOffice.SECOND_DEPUTY_MAYOR: _l("2. viceborgmester"),
    MunicipalOffice.COUNCILLOR: _l("Kommunalbestyrelsesmedlem"),
    MunicipalOffice.NONE: _l("Intet kommunalt hverv"),
    GroupKind.PARTY: _l("Parti"),
    GroupKind.LIST_ALLIANCE: _l("Listesamarbejde"),
    MembershipKind.MAYOR: _l("Borgmester"),
    MembershipKind.GROUP_ELECTED: _l("Valgt af gruppe"),
    CouncilOffice.MEMBER: _l("Medlem"),
    CouncilOffice.CHAIR: _l("Formand"),
    CouncilOffice.VICE_CHAIR: _l("Næstformand"),
    SubstituteBasis.FIRST_DEPUTY_MAYOR: _l("1. viceborgmester"),
    SubstituteBasis.SECOND_DEPUTY_MAYOR: _l("2. viceborgmester"),
    SubstituteBasis.CHOSEN_BY_MUNICIPAL_COUNCIL: _l("Valgt af kommunalbestyrelsen"),
    SubstituteBasis.ELECTED_BY_GROUP: _l("Valgt af gruppen"),
    MeetingKind.ORDINARY: _l("Ordinært møde"),
    MeetingKind.EXTRAORDINARY: _l("Ekstraordinært møde"),
    MeetingKind.CONSTITUTING: _l("Konstituerende møde"),
    NoticeKind.GENERAL: _l("Andre beskeder"),
    NoticeKind.PROPOSAL_DEADLINE: _l("Påmindelse om frist for forslag til dagsorden"),
    NoticeKind.AGENDA_DEADLINE: _l("Påmindelse om udsendelse af dagsorden"),
    NoticeKind.MEETING_CHANGED: _l("Ændringer af møder"),
    NoticeKind.SUBSTITUTE_CALLED_IN: _l("Indkaldelse af stedfortræder"),
    NoticeKind.SUBSTITUTE_UNANSWERED: _l("Stedfortræder har ikke svaret"),
    NoticeKind.AGENDA_PUBLISHED: _l("Dagsorden udsendt eller rettet"),
    NoticeKind.MINUTES_PUBLISHED: _l("Referat offentliggjort"),
    NoticeKind.PROPOSAL_RECEIPT: _l("Kvittering for forslag til dagsorden"),
    NoticeKind.PROPOSAL_RECEIVED: _l("Nye forslag til dagsorden (sekretariatet)"),
    NoticeKind.PROPOSAL_DECIDED: _l("Afgørelse om forslag til dagsorden"),
    NoticeKind.APPOINTMENT: _l("Udpegninger"),
    NoticeKind.APPOINTMENT_ENDING: _l("Udpegninger der udløber (sekretariatet)"),
    # A member's proposal for the agenda (rule 3.2), as its proposer and staff follow it.
    ProposalStatus.DRAFT: _l("Kladde, ikke indsendt"),
    ProposalStatus.SUBMITTED: _l("Indsendt"),
    ProposalStatus.IN_REVIEW: _l("Under behandling"),
    ProposalStatus.PLACED: _l("Sat på dagsordenen"),
    ProposalStatus.RETURNED: _l("Returneret"),
    ProposalStatus.WITHDRAWN: _l("Trukket tilbage"),
    AbsenceReason.OTHER_MEETING: _l("Andet møde"),
    AbsenceReason.HOLIDAY: _l("Ferie"),
    AbsenceReason.OTHER: _l("Forfald i øvrigt"),
    # Words, not colour alone, on the attendance board (WCAG 1.4.1).
    Attendance.PRESENT: _l("Deltager"),
    Attendance.ABSENT: _l("Afbud, ingen stedfortræder"),
    Attendance.SUBSTITUTE_ATTENDING: _l("Afbud, stedfortræder deltager"),
    Attendance.SUBSTITUTE_NOT_ANSWERED: _l("Afbud, stedfortræder har ikke svaret"),
    Attendance.SUBSTITUTE_DECLINED: _l("Afbud, stedfortræder kan ikke"),
    CallInAnswer.PENDING: _l("Ikke besvaret"),
    CallInAnswer.ATTENDING: _l("Du deltager"),
    CallInAnswer.DECLINED: _l("Du kan ikke deltage"),
    CallInAnswer.WITHDRAWN: _l("Trukket tilbage"),
}


def label(value: enum.Enum | None) -> str:
    if value is None:
        return ""
    return str(LABELS.get(value, value.value))


def choices(enum_class: type[enum.Enum]) -> list[SelectChoice]:
    """Select options whose labels stay lazy: translated when rendered, not at import."""
    return [SelectChoice(member.value, LABELS.get(member, member.value)) for member in enum_class]
