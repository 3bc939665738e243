"""Members' requests for an extraordinary meeting (rule 3.1).

Each action writes its audit rows and its notices in the request's transaction (outbox).
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal import audit
from portal.councils.models import Council, CouncilOffice, Membership, Person, active_on
from portal.extensions import db
from portal.leave.operations import lock, staff_people
from portal.meeting_requests.models import MeetingRequest, MeetingRequestSignature
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.refusal import Refused
from portal.rules.attendance import extraordinary_meeting_signatures_needed
from portal.rules.calendar import local_date

MEMBER_REQUESTS_LINK = "/anmodninger"


def staff_requests_link(council: Council) -> str:
    return f"/kkr/{council.slug}/admin/anmodninger"


def member_count(council: Council, day: date) -> int:
    return db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.council_id == council.id, active_on(Membership, day)
        )
    )


def is_current_member(person: Person, council: Council, day: date) -> bool:
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.person_id == person.id,
                Membership.council_id == council.id,
                active_on(Membership, day),
            )
        )
        is not None
    )


def signature_count(request: MeetingRequest) -> int:
    return db.session.scalar(
        select(func.count(MeetingRequestSignature.id)).where(
            MeetingRequestSignature.request_id == request.id
        )
    )


def signatures_needed(council: Council, day: date) -> int:
    """Rule 3.1: a third of the council's current members, rounded up."""
    return extraordinary_meeting_signatures_needed(member_count(council, day))


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


def _add_signature(request: MeetingRequest, person: Person, now: datetime):  # noqa: ANN202
    signature = MeetingRequestSignature(request=request, person_id=person.id, signed_at=now)
    db.session.add(signature)
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
    """Rule 3.1: the first time a third of the members have signed, the chair and the staff
    are told (once: `threshold_reached_at` is set by one conditional update)."""
    if request.threshold_reached_at is not None:
        return
    council = request.council
    signed = signature_count(request)
    needed = signatures_needed(council, local_date(now))
    if signed < needed:
        return
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
    """Rule 3.1: a member asks for an extraordinary meeting; their signature is the first."""
    subject = (subject or "").strip()
    if not subject:
        raise Refused("subject", _("Skriv, hvad mødet skal handle om."))
    if not is_current_member(by, council, local_date(now)):
        raise Refused("subject", _("Kun rådets medlemmer kan anmode om et ekstraordinært møde."))
    request = MeetingRequest(
        council_id=council.id, subject=subject, started_by_id=by.id, started_at=now
    )
    db.session.add(request)
    db.session.flush()
    audit.record("meeting_request_started", request, after=audit.snapshot(request))
    _add_signature(request, by, now)
    return request


def has_signed(request: MeetingRequest, person: Person) -> bool:
    return (
        db.session.scalar(
            select(MeetingRequestSignature.id).where(
                MeetingRequestSignature.request_id == request.id,
                MeetingRequestSignature.person_id == person.id,
            )
        )
        is not None
    )


def sign_request(
    request: MeetingRequest, *, by: Person, now: datetime
) -> MeetingRequestSignature | None:
    """Rule 3.1: a current member of the council signs, once; signing again changes nothing
    (returns None)."""
    if not is_current_member(by, request.council, local_date(now)):
        raise Refused("request", _("Kun rådets medlemmer kan skrive under."))
    # Signers of one request take turns (PostgreSQL row lock), so the count that reaches
    # the threshold is seen by exactly one of them and a double click finds the first row.
    lock(request)
    if has_signed(request, by):
        return None
    return _add_signature(request, by, now)
