"""Reading requests for an extraordinary meeting (rule 3.1), for the pages that list them.
Eager loading keeps each page's query count independent of the number of rows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.councils.models import Council, Person
from portal.extensions import db
from portal.meeting_requests.models import MeetingRequest, MeetingRequestSignature
from portal.meeting_requests.operations import signatures_needed


@dataclass(frozen=True)
class RequestRow:
    request: MeetingRequest
    signed: int
    needed: int
    signed_by_me: bool

    @property
    def threshold_reached(self) -> bool:
        return self.request.threshold_reached_at is not None


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
        .options(joinedload(MeetingRequest.started_by), joinedload(MeetingRequest.council))
        .order_by(MeetingRequest.started_at.desc(), MeetingRequest.id.desc())
    )
    if with_signers:
        query = query.options(
            selectinload(MeetingRequest.signatures).joinedload(MeetingRequestSignature.person)
        )
    requests = list(db.session.scalars(query))
    ids = [r.id for r in requests]
    counts: dict[int, int] = {}
    mine: set[int] = set()
    if ids:
        counts = {
            request_id: number
            for request_id, number in db.session.execute(
                select(MeetingRequestSignature.request_id, func.count(MeetingRequestSignature.id))
                .where(MeetingRequestSignature.request_id.in_(ids))
                .group_by(MeetingRequestSignature.request_id)
            )
        }
        mine = set(
            db.session.scalars(
                select(MeetingRequestSignature.request_id).where(
                    MeetingRequestSignature.request_id.in_(ids),
                    MeetingRequestSignature.person_id == person.id,
                )
            )
        )
    needed = {council.id: signatures_needed(council, day) for council in councils}
    return [
        RequestRow(r, counts.get(r.id, 0), needed[r.council_id], r.id in mine) for r in requests
    ]
