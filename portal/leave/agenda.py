"""The agenda item for the council's decision on a group-elected member's leave (rule 1.7).

A group-elected member's leave awaits the council's decision at its first coming meeting
(`leave.decision_meeting`), so the portal proposes the item itself: on that meeting when the
leave is registered, or on the first coming meeting staff plan when none is planned yet. The
item follows the first coming meeting while members have not received its agenda (a meeting
cancelled, an earlier one planned), and is taken off again when the leave is withdrawn before
the council has met. Staff edit, move or remove it in the agenda builder like any other item.

The item is closed ("lukket punkt", rule 3.0): it concerns one member's personal
circumstances. The rules of procedure do not say so for leave; closing it is our reading, and
it is this one flag (`CLOSED`) to change.

Its texts are stored in Danish whatever language the person who registered the leave uses:
an agenda is a Danish document.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal import audit
from portal.agendas.models import AgendaItem
from portal.councils.models import Council
from portal.councils.queries import substitute_of_membership
from portal.extensions import db
from portal.leave import operations as leave_rules
from portal.leave.models import Leave, LeaveStatus
from portal.meetings.models import Meeting

# rule 3.0, our reading: a member's leave is a personal matter, so the item is closed.
CLOSED = True


def item_title(leave: Leave) -> str:
    title = (
        f"Orlov for {leave.membership.person.name} ({leave_rules.period_text(leave)}): "
        "rådets beslutning (regel 1.7)"
    )
    return title[:300]


def item_presentation(leave: Leave) -> str:
    membership = leave.membership
    assignment = substitute_of_membership(membership, leave.starts_on)
    substitute = (
        f"Den personlige stedfortræder er {assignment.substitute.name}."
        if assignment is not None
        else "Der er ikke registreret en personlig stedfortræder for pladsen."
    )
    return (
        f"{membership.person.name}, {membership.municipality.name}, er valgt til rådet af sin "
        f"gruppe og er forhindret i at varetage hvervet {leave_rules.period_text(leave)}, dvs. "
        "i en forventet periode på mindst 3 måneder (regel 1.7). Formanden indkalder "
        "stedfortræderen til rådets første møde, og rådet beslutter på dette møde, om "
        f"betingelserne for stedfortræderens indtræden er til stede. {substitute}\n\n"
        "Punktet er lukket, fordi det angår et medlems personlige forhold."
    )


ITEM_RECOMMENDATION = (
    "Det indstilles, at rådet beslutter, om den personlige stedfortræder træder ind i "
    "orlovsperioden, og at sekretariatet registrerer beslutningen i portalen."
)


def propose(leave: Leave, meeting: Meeting, now: datetime) -> AgendaItem:
    """The item, after the meeting's last item (rule 3.6: staff reorder as the chair decides)."""
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(
        council_id=leave.council_id,
        meeting_id=meeting.id,
        position=(last or 0) + 1,
        title=item_title(leave),
        presentation=item_presentation(leave),
        recommendation=ITEM_RECOMMENDATION,
        closed=CLOSED,
        leave_id=leave.id,
        created_at=now,
        updated_at=now,
    )
    db.session.add(item)
    db.session.flush()
    audit.record("agenda_item_proposed", item, after=audit.snapshot(item))
    return item


def remove(item: AgendaItem, now: datetime) -> None:
    before = audit.snapshot(item)
    item.removed_at = now
    item.updated_at = now
    db.session.flush()
    audit.record("agenda_item_removed", item, before=before, after=audit.snapshot(item))


def standing_items(leave_ids: list[int]) -> list[AgendaItem]:
    """The leaves' items still on an agenda, oldest first."""
    if not leave_ids:
        return []
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.leave_id.in_(leave_ids), AgendaItem.removed_at.is_(None))
            .options(joinedload(AgendaItem.meeting))
            .order_by(AgendaItem.id)
        )
    )


def keeps_its_place(item: AgendaItem, target: Meeting | None, now: datetime) -> bool:
    """An item stays where it is when that is the first coming meeting, when the council has
    met on it, when members have its agenda, or when staff have edited it."""
    meeting = item.meeting
    return (
        target is None
        or meeting.id == target.id
        or meeting.starts_at <= now
        or meeting.agenda_published_at is not None
        or item.version > 1
    )


def _sync(leaves: list[Leave], target: Meeting | None, now: datetime) -> list[AgendaItem]:
    by_leave: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in standing_items([leave.id for leave in leaves]):
        by_leave[item.leave_id].append(item)  # type: ignore[index]
    proposed = []
    for leave in leaves:
        kept = 0
        for item in by_leave[leave.id]:
            if item.meeting.cancelled_at is None and keeps_its_place(item, target, now):
                kept += 1
            else:
                remove(item, now)  # a cancelled meeting decides nothing; a later one waits
        if not kept and target is not None:
            proposed.append(propose(leave, target, now))
    return proposed


def propose_decision_item(leave: Leave, now: datetime) -> AgendaItem | None:
    """Rule 1.7: a leave now awaiting the council gets its item on the first coming meeting,
    if one is planned (else `sync_decision_items` adds it when staff plan one)."""
    if leave.status is not LeaveStatus.AWAITING_DECISION:
        return None
    proposed = _sync([leave], leave_rules.decision_meeting(leave.council, now), now)
    return proposed[0] if proposed else None


def sync_decision_items(council: Council, now: datetime) -> list[AgendaItem]:
    """After the meeting plan changed (a meeting planned, moved or cancelled): every leave
    awaiting the council has its item on the first coming meeting. Returns those proposed."""
    leaves = list(
        db.session.scalars(
            select(Leave)
            .where(Leave.council_id == council.id, Leave.status == LeaveStatus.AWAITING_DECISION)
            .order_by(Leave.id)
        )
    )
    if not leaves:
        return []
    return _sync(leaves, leave_rules.decision_meeting(council, now), now)


def withdraw_decision_items(leave: Leave, now: datetime) -> list[AgendaItem]:
    """The leave is withdrawn: its item comes off every agenda of a meeting not yet begun (a
    meeting that has been held keeps its agenda as it was)."""
    removed = [item for item in standing_items([leave.id]) if item.meeting.starts_at > now]
    for item in removed:
        remove(item, now)
    return removed
