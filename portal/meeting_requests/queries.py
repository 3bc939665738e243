"""Reading requests for an extraordinary meeting (rule 3.1), for the pages that list them.
Eager loading keeps each page's query count independent of the number of rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.councils.models import Council, Membership, Person
from portal.extensions import db
from portal.meeting_requests.models import (
    MeetingRequest,
    MeetingRequestSignature,
    MeetingRequestStatus,
)
from portal.meeting_requests.operations import (
    has_signed,
    may_call_meeting,
    signature_count,
    signatures_needed,
)


@dataclass(frozen=True)
class RequestRow:
    request: MeetingRequest
    signed: int  # signatures that count (not withdrawn)
    needed: int
    signed_by_me: bool  # a live signature of the person looking

    @property
    def threshold_reached(self) -> bool:
        return self.request.status is MeetingRequestStatus.THRESHOLD_REACHED

    @property
    def takes_signatures(self) -> bool:
        return self.request.takes_signatures

    @property
    def may_call_meeting(self) -> bool:
        return may_call_meeting(self.request)

    @property
    def live_signatures(self) -> list[MeetingRequestSignature]:
        """Only with `with_signers`: who signed, in the order they did."""
        return sorted(
            (s for s in self.request.signatures if s.withdrawn_at is None),
            key=lambda s: (s.signed_at, s.id),
        )

    @property
    def withdrawn_signatures(self) -> list[MeetingRequestSignature]:
        return sorted(
            (s for s in self.request.signatures if s.withdrawn_at is not None),
            key=lambda s: (s.withdrawn_at, s.id),
        )


def request_rows(
    councils: Iterable[Council], person: Person, day: date, *, with_signers: bool = False
) -> list[RequestRow]:
    """The requests of `councils`, newest first, with their signature counts (rule 3.1)."""
    councils = list(councils)
    if not councils:
        return []
    query = (
        select(MeetingRequest)
        .where(MeetingRequest.council_id.in_([c.id for c in councils]))
        .options(
            joinedload(MeetingRequest.started_by),
            joinedload(MeetingRequest.council),
            joinedload(MeetingRequest.meeting),
            joinedload(MeetingRequest.closed_by),
        )
        .order_by(MeetingRequest.started_at.desc(), MeetingRequest.id.desc())
    )
    if with_signers:
        query = query.options(
            selectinload(MeetingRequest.signatures).options(
                joinedload(MeetingRequestSignature.person),
                joinedload(MeetingRequestSignature.membership).joinedload(Membership.person),
            )
        )
    requests = list(db.session.scalars(query).unique())
    ids = [r.id for r in requests]
    counts: dict[int, int] = {}
    mine: set[int] = set()
    if ids:
        live = MeetingRequestSignature.withdrawn_at.is_(None)
        counts = {
            request_id: number
            for request_id, number in db.session.execute(
                select(MeetingRequestSignature.request_id, func.count(MeetingRequestSignature.id))
                .where(MeetingRequestSignature.request_id.in_(ids), live)
                .group_by(MeetingRequestSignature.request_id)
            )
        }
        mine = set(
            db.session.scalars(
                select(MeetingRequestSignature.request_id).where(
                    MeetingRequestSignature.request_id.in_(ids),
                    MeetingRequestSignature.person_id == person.id,
                    live,
                )
            )
        )
    needed = {council.id: signatures_needed(council, day) for council in councils}
    return [
        RequestRow(r, counts.get(r.id, 0), needed[r.council_id], r.id in mine) for r in requests
    ]


def request_row(meeting_request: MeetingRequest, person: Person, day: date) -> RequestRow:
    """One request with its counts, for its own pages."""
    return RequestRow(
        meeting_request,
        signature_count(meeting_request),
        signatures_needed(meeting_request.council, day),
        has_signed(meeting_request, person),
    )
