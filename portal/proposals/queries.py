"""Reading proposals: a member's own, the secretariat's triage list, files and history.

A member reads their own proposals only; another member's is not there for them (404) until
it is an item on a published agenda, which the agenda pages show. Staff read what was
submitted to their council, never a draft.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import policy
from portal.attachments.models import Attachment
from portal.audit.models import AuditEntry
from portal.councils.models import Council, CouncilOffice, Membership, Person, active_on
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.proposals.models import Proposal, ProposalStatus
from portal.proposals.operations import AWAITING_DECISION, takes_proposals
from portal.rules.calendar import local_date, proposal_deadline


def own_proposals(person: Person) -> list[Proposal]:
    """The person's proposals, the newest first."""
    return list(
        db.session.scalars(
            select(Proposal)
            .where(Proposal.proposer_id == person.id)
            .options(joinedload(Proposal.meeting).joinedload(Meeting.council))
            .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        )
    )


def own_proposal(person: Person, proposal_id: int) -> Proposal | None:
    """The person's own proposal; anyone else's counts as absent."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.proposer_id != person.id:
        return None
    return proposal


def received_proposal(council: Council, proposal_id: int) -> Proposal | None:
    """A proposal submitted to `council`; a draft is the member's alone and not there."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or proposal.council_id != council.id or proposal.submitted_at is None:
        return None
    return proposal


def attachments_of(proposal: Proposal) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.proposal_id == proposal.id, Attachment.removed_at.is_(None))
            .order_by(Attachment.id)
        )
    )


def attachment_of(proposal: Proposal, attachment_id: int) -> Attachment | None:
    attachment = db.session.get(Attachment, attachment_id)
    if (
        attachment is None
        or attachment.proposal_id != proposal.id
        or attachment.removed_at is not None
    ):
        return None
    return attachment


def history(proposal: Proposal) -> list[AuditEntry]:
    """Every step, from the audit log, in order."""
    return list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.object_type == "Proposal", AuditEntry.object_id == proposal.id)
            .options(joinedload(AuditEntry.actor))
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


# --- the member's choice of meeting -----------------------------------------------------------


def member_council_ids(person: Person, now: datetime) -> frozenset[int]:
    return policy.member_council_ids(person, local_date(now))


def meetings_to_propose_for(person: Person, now: datetime) -> list[Meeting]:
    """Ordinary meetings, not cancelled and not begun, of the councils the person sits in."""
    council_ids = member_council_ids(person, now)
    if not council_ids:
        return []
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.council_id.in_(council_ids),
                Meeting.kind == MeetingKind.ORDINARY,
                Meeting.cancelled_at.is_(None),
                Meeting.starts_at > now,
            )
            .options(joinedload(Meeting.council))
            .order_by(Meeting.starts_at)
        )
    )


def open_meeting_ids(person: Person, meetings: Iterable[Meeting], now: datetime) -> set[int]:
    """Of `meetings`, those the person may propose for now: a seat, and the deadline open."""
    council_ids = member_council_ids(person, now)
    return {
        meeting.id
        for meeting in meetings
        if meeting.council_id in council_ids and takes_proposals(meeting, now)
    }


# --- the secretariat's triage -----------------------------------------------------------------


@dataclass(frozen=True)
class TriageRow:
    proposal: Proposal
    attachments: list[Attachment]


@dataclass(frozen=True)
class MeetingProposals:
    meeting: Meeting
    rows: list[TriageRow]

    @property
    def awaiting(self) -> int:
        waiting = {ProposalStatus.SUBMITTED, ProposalStatus.IN_REVIEW}
        return sum(1 for row in self.rows if row.proposal.status in waiting)


def triage(
    council: Council, meeting: Meeting | None = None, since: datetime | None = None
) -> list[MeetingProposals]:
    """Proposals received (submitted at some point) for `meeting`, or for the meetings from
    `since` on, grouped per meeting, the earliest meeting first; in each, in the order
    received. Two queries, however many proposals."""
    query = (
        select(Proposal)
        .join(Meeting, Meeting.id == Proposal.meeting_id)
        .where(Proposal.council_id == council.id, Proposal.submitted_at.is_not(None))
        .options(
            joinedload(Proposal.proposer).joinedload(Person.municipality),
            joinedload(Proposal.meeting),
        )
        .order_by(Meeting.starts_at, Proposal.submitted_at, Proposal.id)
    )
    if meeting is not None:
        query = query.where(Proposal.meeting_id == meeting.id)
    if since is not None:
        query = query.where(Meeting.starts_at >= since)
    proposals = list(db.session.scalars(query))
    files: dict[int, list[Attachment]] = defaultdict(list)
    if proposals:
        rows = db.session.scalars(
            select(Attachment)
            .where(
                Attachment.proposal_id.in_([p.id for p in proposals]),
                Attachment.removed_at.is_(None),
            )
            .order_by(Attachment.id)
        )
        for attachment in rows:
            files[attachment.proposal_id].append(attachment)  # type: ignore[index]
    grouped: dict[int, MeetingProposals] = {}
    for proposal in proposals:
        group = grouped.setdefault(proposal.meeting_id, MeetingProposals(proposal.meeting, []))
        group.rows.append(TriageRow(proposal, files[proposal.id]))
    if meeting is not None and meeting.id not in grouped:
        grouped[meeting.id] = MeetingProposals(meeting, [])
    return list(grouped.values())


# --- 'Mit overblik' ---------------------------------------------------------------------------


def chaired_councils(person: Person, now: datetime) -> list[Council]:
    """The councils the person chairs today: the chair receives proposals too (rule 3.2)."""
    return list(
        db.session.scalars(
            select(Council)
            .join(Membership, Membership.council_id == Council.id)
            .where(
                Membership.person_id == person.id,
                Membership.office == CouncilOffice.CHAIR,
                active_on(Membership, local_date(now)),
            )
            .order_by(Council.name)
        )
    )


def overview_context(person: Person, meetings: Iterable[Meeting], now: datetime) -> dict:
    """What 'Mit overblik' shows of proposals: where the person may propose now, and the
    triage list for a chair."""
    return {
        "proposal_meeting_ids": open_meeting_ids(person, meetings, now),
        "chaired_councils": chaired_councils(person, now),
    }


def pending_for_agenda(meeting: Meeting) -> list[Proposal]:
    """Rule 3.2: timely proposals for the meeting that are neither placed nor returned yet
    (submitted, or being handled), the oldest first, their proposers loaded."""
    deadline = proposal_deadline(meeting.starts_at)
    return [
        proposal
        for proposal in db.session.scalars(
            select(Proposal)
            .where(
                Proposal.meeting_id == meeting.id,
                Proposal.status.in_(AWAITING_DECISION),
                Proposal.submitted_at.is_not(None),
            )
            .options(joinedload(Proposal.proposer))
            .order_by(Proposal.submitted_at, Proposal.id)
        )
        if proposal.submitted_at is not None and proposal.submitted_at <= deadline
    ]
