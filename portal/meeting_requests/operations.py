"""Members' requests for an extraordinary meeting (rule 3.1).

Who takes part: the council's members, and a substitute serving in a member's seat while the
member's leave applies (rules 1.6–1.7). A seat has one voice: while the substitute serves in
it, the member on leave does not sign for it, and one live signature per seat counts.

A request is open; when at least a third of the members have signed, the threshold is
reached and the chair and the staff are told, once (`threshold_reached_at`); the staff or
the chair plan the extraordinary meeting from it (meeting called); the staff may close it
with a reason. Signatures can be given and withdrawn while the request is open or has
reached the threshold. Our reading: a withdrawal that takes the signatures below the third
again makes the request open again, because the third is no longer behind it; reaching the
third a second time sets the status back without a second notice.

Each action writes its audit rows and its notices in the request's transaction (outbox).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal import audit
from portal.absences.operations import when
from portal.councils.models import (
    Council,
    CouncilOffice,
    Membership,
    Person,
    SubstituteAssignment,
    active_on,
)
from portal.councils.seating import council_size
from portal.extensions import db
from portal.leave.models import Leave, LeaveStatus
from portal.leave.operations import lock, staff_people
from portal.meeting_requests.models import (
    MeetingRequest,
    MeetingRequestSignature,
    MeetingRequestStatus,
)
from portal.meetings import operations as meeting_operations
from portal.meetings.models import MeetingKind
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.refusal import Refused
from portal.rules.attendance import extraordinary_meeting_signatures_needed
from portal.rules.calendar import local_date

MEMBER_REQUESTS_LINK = "/anmodninger"


def staff_requests_link(council: Council) -> str:
    return f"/kkr/{council.slug}/admin/anmodninger"


# --- who takes part (rules 3.1, 1.6–1.7) --------------------------------------------------


def _leave_applies(day: date):  # noqa: ANN202 - SQL condition on Leave
    return (Leave.status == LeaveStatus.APPLIES) & (Leave.starts_on <= day) & (Leave.ends_on >= day)


def served_seats(person: Person, day: date) -> list[Membership]:
    """The seats `person` serves in as the personal substitute on `day`: the member's leave
    applies (rule 1.6, or 1.7 once the council agreed)."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(SubstituteAssignment, SubstituteAssignment.membership_id == Membership.id)
            .join(Leave, Leave.membership_id == Membership.id)
            .where(
                SubstituteAssignment.substitute_id == person.id,
                active_on(SubstituteAssignment, day),
                active_on(Membership, day),
                _leave_applies(day),
            )
            .distinct()
        )
    )


def substitute_serving(membership: Membership, day: date) -> Person | None:
    """The substitute serving in the seat on `day`, if the member's leave applies and a
    substitute is named."""
    return db.session.scalar(
        select(Person)
        .join(SubstituteAssignment, SubstituteAssignment.substitute_id == Person.id)
        .join(Leave, Leave.membership_id == SubstituteAssignment.membership_id)
        .where(
            SubstituteAssignment.membership_id == membership.id,
            active_on(SubstituteAssignment, day),
            _leave_applies(day),
        )
        .limit(1)
    )


def own_seat(person: Person, council_id: int, day: date) -> Membership | None:
    return db.session.scalar(
        select(Membership)
        .where(
            Membership.person_id == person.id,
            Membership.council_id == council_id,
            active_on(Membership, day),
        )
        .limit(1)
    )


def councils_taking_part(person: Person, day: date) -> list[Council]:
    """The councils whose requests `person` sees: where they are a member (on leave too: they
    may withdraw their own signature) or serve in a member's seat."""
    own = db.session.scalars(
        select(Membership).where(Membership.person_id == person.id, active_on(Membership, day))
    )
    councils = {m.council_id: m.council for m in [*own, *served_seats(person, day)]}
    return sorted(councils.values(), key=lambda council: council.name)


def seat_for(person: Person, council: Council, day: date, refusal: str) -> Membership:
    """The seat `person` signs for in `council` on `day`, or Refused (field "request")."""
    seat = own_seat(person, council.id, day)
    if seat is not None:
        substitute = substitute_serving(seat, day)
        if substitute is None or substitute.id == person.id:
            return seat
        raise Refused(
            "request",
            _(
                "Din orlov gælder nu, og din stedfortræder, %(name)s, træder i dit sted "
                "(regel 1.6–1.7). I orlovsperioden er det stedfortræderen, der kan skrive under.",
                name=substitute.name,
            ),
        )
    served = [m for m in served_seats(person, day) if m.council_id == council.id]
    if served:
        return served[0]
    raise Refused("request", refusal)


def is_current_member(person: Person, council: Council, day: date) -> bool:
    return own_seat(person, council.id, day) is not None


# --- counting -----------------------------------------------------------------------------


def signature_count(request: MeetingRequest) -> int:
    """Signatures that count: not withdrawn."""
    return db.session.scalar(
        select(func.count(MeetingRequestSignature.id)).where(
            MeetingRequestSignature.request_id == request.id,
            MeetingRequestSignature.withdrawn_at.is_(None),
        )
    )


def signatures_needed(council: Council, day: date) -> int:
    """Rule 3.1: a third of the council's members, rounded up; the members are counted as for
    the quorum (rule 3.7): the seats of the confirmed composition, vacancies included."""
    return extraordinary_meeting_signatures_needed(council_size(council, day))


def chairs(council: Council, day: date) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(
                Membership.council_id == council.id,
                Membership.office == CouncilOffice.CHAIR,
                active_on(Membership, day),
            )
        )
    )


def signature_of(request: MeetingRequest, person: Person) -> MeetingRequestSignature | None:
    """The person's signature row, withdrawn or not."""
    return db.session.scalar(
        select(MeetingRequestSignature).where(
            MeetingRequestSignature.request_id == request.id,
            MeetingRequestSignature.person_id == person.id,
        )
    )


def has_signed(request: MeetingRequest, person: Person) -> bool:
    signature = signature_of(request, person)
    return signature is not None and signature.withdrawn_at is None


def live_signers(request: MeetingRequest) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .join(MeetingRequestSignature, MeetingRequestSignature.person_id == Person.id)
            .where(
                MeetingRequestSignature.request_id == request.id,
                MeetingRequestSignature.withdrawn_at.is_(None),
            )
            .order_by(MeetingRequestSignature.signed_at, Person.id)
        )
    )


def refuse_unless_taking_signatures(request: MeetingRequest) -> None:
    if request.status is MeetingRequestStatus.MEETING_CALLED:
        raise Refused(
            "request",
            _("Der er indkaldt til mødet, så anmodningen tager ikke imod flere underskrifter."),
        )
    if request.status is MeetingRequestStatus.CLOSED:
        raise Refused(
            "request",
            _("Anmodningen er lukket og tager ikke imod underskrifter."),
        )


def set_status(request: MeetingRequest, status: MeetingRequestStatus, **values: object) -> None:
    before = audit.snapshot(request)
    request.status = status
    for key, value in values.items():
        setattr(request, key, value)
    db.session.flush()
    audit.record(
        "meeting_request_status_changed", request, before=before, after=audit.snapshot(request)
    )


def take_turn(request: MeetingRequest) -> None:
    """Changes of one request take turns, and each reads it afresh after waiting. A write
    first: PostgreSQL locks the row, SQLite takes its one writer's lock (a read alone would
    not wait there); then `lock` reads the row again (FOR UPDATE on PostgreSQL)."""
    db.session.flush()
    db.session.execute(
        update(MeetingRequest)
        .where(MeetingRequest.id == request.id)
        .values(status=MeetingRequest.status)
        .execution_options(synchronize_session=False)
    )
    lock(request)


# --- start, sign, withdraw ----------------------------------------------------------------


def _add_signature(  # noqa: ANN202
    request: MeetingRequest, person: Person, seat: Membership, now: datetime
):
    signature = signature_of(request, person)
    if signature is None:
        signature = MeetingRequestSignature(
            request=request, person_id=person.id, membership_id=seat.id, signed_at=now
        )
        db.session.add(signature)
    else:  # signing again after a withdrawal brings the row back
        signature.withdrawn_at, signature.signed_at = None, now
        signature.membership_id = seat.id
    db.session.flush()
    audit.record(
        "meeting_request_signed",
        signature,
        after=audit.snapshot(signature),
        council_id=request.council_id,
        actor_id=person.id,
    )
    _check_threshold(request, now)
    return signature


def _check_threshold(request: MeetingRequest, now: datetime) -> None:
    """Rule 3.1: when a third of the members have signed, the threshold is reached; the first
    time, the chair and the staff are told (once: `threshold_reached_at` is set by one
    conditional update)."""
    if request.status is not MeetingRequestStatus.OPEN:
        return
    council = request.council
    signed = signature_count(request)
    needed = signatures_needed(council, local_date(now))
    if signed < needed:
        return
    set_status(request, MeetingRequestStatus.THRESHOLD_REACHED)
    if request.threshold_reached_at is not None:
        return  # reached before, fell below, reached again: no second notice
    claimed = db.session.execute(
        update(MeetingRequest)
        .where(MeetingRequest.id == request.id, MeetingRequest.threshold_reached_at.is_(None))
        .values(threshold_reached_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return
    set_committed_value(request, "threshold_reached_at", now)
    audit.record(
        "meeting_request_threshold_reached",
        request,
        after={"signatures": signed, "needed": needed, "at": now.isoformat()},
    )
    body = _(
        "%(signed)d medlemmer har skrevet under på en anmodning om et ekstraordinært møde om: "
        "%(subject)s. Det er mindst en tredjedel af rådets medlemmer (%(needed)d nødvendige), "
        "så der skal indkaldes til et ekstraordinært møde (regel 3.1).",
        signed=signed,
        subject=request.subject,
        needed=needed,
    )
    subject = _("Anmodning om ekstraordinært møde har nok underskrifter")
    notify(
        chairs(council, local_date(now)),
        NoticeKind.GENERAL,
        subject=subject,
        body=body,
        link=MEMBER_REQUESTS_LINK,
        council=council,
    )
    notify(
        staff_people(council, now),
        NoticeKind.GENERAL,
        subject=subject,
        body=body,
        link=staff_requests_link(council),
        council=council,
    )


def start_request(council: Council, subject: str, *, by: Person, now: datetime) -> MeetingRequest:
    """Rule 3.1: a member (or a substitute serving in a member's seat) asks for an
    extraordinary meeting; their signature is the first."""
    subject = (subject or "").strip()
    if not subject:
        raise Refused("subject", _("Skriv, hvad mødet skal handle om."))
    try:
        seat = seat_for(
            by,
            council,
            local_date(now),
            _("Kun rådets medlemmer kan anmode om et ekstraordinært møde."),
        )
    except Refused as refusal:
        raise Refused("subject", refusal.message) from None
    request = MeetingRequest(
        council_id=council.id,
        subject=subject,
        started_by_id=by.id,
        started_at=now,
        status=MeetingRequestStatus.OPEN,
    )
    db.session.add(request)
    db.session.flush()
    audit.record("meeting_request_started", request, after=audit.snapshot(request))
    _add_signature(request, by, seat, now)
    return request


def sign_request(
    request: MeetingRequest, *, by: Person, now: datetime
) -> MeetingRequestSignature | None:
    """Rule 3.1: a member of the council (or the substitute serving in a member's seat) signs,
    once; signing again changes nothing (returns None). One live signature per seat."""
    seat = seat_for(
        by, request.council, local_date(now), _("Kun rådets medlemmer kan skrive under.")
    )
    # Signers of one request take turns (PostgreSQL row lock), so the count that reaches
    # the threshold is seen by exactly one of them and a double click finds the first row.
    take_turn(request)
    if has_signed(request, by):
        return None
    refuse_unless_taking_signatures(request)
    other = db.session.scalar(
        select(MeetingRequestSignature).where(
            MeetingRequestSignature.request_id == request.id,
            MeetingRequestSignature.membership_id == seat.id,
            MeetingRequestSignature.withdrawn_at.is_(None),
        )
    )
    if other is not None:
        raise Refused(
            "request",
            _(
                "%(name)s har allerede skrevet under for den samme plads i rådet; en plads "
                "tæller kun én gang.",
                name=other.person.name,
            ),
        )
    return _add_signature(request, by, seat, now)


def withdraw_signature(
    request: MeetingRequest, *, by: Person, now: datetime
) -> MeetingRequestSignature | None:
    """Rule 3.1: a signer takes their own signature back while the request takes signatures;
    withdrawing again changes nothing (returns None). Below the third again, the request is
    open again (the notice already sent is not repeated when the third is reached again)."""
    take_turn(request)
    signature = signature_of(request, by)
    if signature is None or signature.withdrawn_at is not None:
        return None
    refuse_unless_taking_signatures(request)
    before = audit.snapshot(signature)
    signature.withdrawn_at = now
    db.session.flush()
    audit.record(
        "meeting_request_signature_withdrawn",
        signature,
        before=before,
        after=audit.snapshot(signature),
        council_id=request.council_id,
        actor_id=by.id,
    )
    if request.status is MeetingRequestStatus.THRESHOLD_REACHED and signature_count(
        request
    ) < signatures_needed(request.council, local_date(now)):
        set_status(request, MeetingRequestStatus.OPEN)
    return signature


# --- the chair and the staff ----------------------------------------------------------------


def may_call_meeting(request: MeetingRequest) -> bool:
    """A meeting can be planned from the request unless it is closed or its meeting stands
    (a cancelled meeting can be planned anew)."""
    if request.status is MeetingRequestStatus.CLOSED:
        return False
    return request.meeting is None or request.meeting.cancelled_at is not None


def tell_signers(request: MeetingRequest, subject: str, body: str) -> None:
    notify(
        [request.started_by, *live_signers(request)],
        NoticeKind.GENERAL,
        subject=subject,
        body=body,
        link=MEMBER_REQUESTS_LINK,
        council=request.council,
    )


def call_meeting(
    request: MeetingRequest,
    *,
    starts_at: datetime,
    location: str,
    by: Person,
    now: datetime,
) -> meeting_operations.PlanChange:
    """Rule 3.1: the staff or the chair plan the extraordinary meeting the request asks for;
    the request links to it and the signers are told. The chair may call a meeting on their
    own, so the threshold need not be reached."""
    take_turn(request)
    if request.status is MeetingRequestStatus.CLOSED:
        raise Refused("request", _("Anmodningen er lukket; der kan ikke indkaldes fra den."))
    if not may_call_meeting(request):
        raise Refused(
            "request",
            _(
                "Der er allerede indkaldt til et møde for anmodningen: %(when)s.",
                when=when(request.meeting),
            ),
        )
    result = meeting_operations.plan_meeting(
        request.council,
        kind=MeetingKind.EXTRAORDINARY,
        starts_at=starts_at,
        location=location,
        by=by,
        now=now,
    )
    set_status(request, MeetingRequestStatus.MEETING_CALLED, meeting=result.meeting)
    tell_signers(
        request,
        _("Der er indkaldt til ekstraordinært møde %(when)s", when=when(result.meeting)),
        _(
            "Efter anmodningen om et ekstraordinært møde om: %(subject)s er der indkaldt til "
            "ekstraordinært møde %(when)s, %(place)s (regel 3.1).",
            subject=request.subject,
            when=when(result.meeting),
            place=result.meeting.location,
        ),
    )
    return result


def close_request(
    request: MeetingRequest, *, reason: str, by: Person, now: datetime
) -> MeetingRequest | None:
    """The staff close a request with a reason; the signers are told. Closing again (a second
    click) does nothing (returns None)."""
    take_turn(request)
    if request.status is MeetingRequestStatus.CLOSED:
        return None
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason", _("Skriv, hvorfor anmodningen lukkes."))
    set_status(
        request,
        MeetingRequestStatus.CLOSED,
        closed_at=now,
        closed_by_id=by.id,
        close_reason=reason,
    )
    tell_signers(
        request,
        _("Anmodningen om et ekstraordinært møde er lukket"),
        _(
            "Sekretariatet har lukket anmodningen om et ekstraordinært møde om: %(subject)s.\n"
            "Begrundelse: %(reason)s",
            subject=request.subject,
            reason=reason,
        ),
    )
    return request
