"""A member's proposal for the agenda and the secretariat's triage of it (rule 3.2).

Rule 3.2: any member may propose, in writing, an item of regional or inter-municipal character
no later than ten days before an ordinary meeting (`portal.rules.calendar.proposal_deadline`),
and the chair then puts it on the agenda. Our reading: a timely proposal ends on the agenda
unless staff return it, in writing, because its subject is not regional or inter-municipal.

Every action validates, changes, writes its audit row and its notices in the request's
transaction; it flushes, never commits. Every action that depends on the time takes `now`,
so the deadline is decided by the moment of the request (and tests can set it exactly).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from portal import audit
from portal.agendas.models import AgendaItem
from portal.attachments import storage
from portal.attachments.models import Attachment
from portal.councils.models import Council, Membership, Person, active_on
from portal.councils.queries import staff_of
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.proposals.models import Proposal, ProposalHandler, ProposalStatus
from portal.refusal import Refused
from portal.rules.calendar import COPENHAGEN, is_in_time, local_date, proposal_deadline

# What the member may still change (until staff begin, or the deadline passes: see
# `member_may_change`), and what staff may decide on.
MEMBER_EDITABLE = frozenset({ProposalStatus.DRAFT, ProposalStatus.SUBMITTED})
AWAITING_DECISION = frozenset({ProposalStatus.SUBMITTED, ProposalStatus.IN_REVIEW})
# A notice's subject has room for 300 characters; a title may use all of them.
SUBJECT_TITLE_LENGTH = 120


@dataclass(frozen=True)
class ProposalText:
    """What the member typed, kept exactly (only the browser's CRLF line breaks become LF)."""

    title: str
    body: str
    justification: str

    @classmethod
    def as_typed(cls, title: str | None, body: str | None, justification: str | None):  # noqa: ANN206
        return cls(as_typed(title), as_typed(body), as_typed(justification))


def as_typed(text: str | None) -> str:
    # A browser sends every line break of a textarea as CRLF (HTML's form encoding); the
    # member typed one line break. Nothing else is touched: no trimming, no cleaning.
    return (text or "").replace("\r\n", "\n")


# --- times and meetings ---------------------------------------------------------------------


def when(moment: datetime) -> str:
    return format_datetime(moment.astimezone(COPENHAGEN), "EEEE d. MMMM y 'kl.' HH:mm", locale="da")


def deadline_text(meeting: Meeting) -> str:
    # The deadline is the last instant of a day: "kl. 23.59" reads as the end of that day.
    deadline = proposal_deadline(meeting.starts_at)
    return format_datetime(deadline, "EEEE d. MMMM y 'kl.' HH.mm", locale="da")


def deadline_of(meeting: Meeting) -> datetime:
    """Rule 3.2: the end of the day ten days before the meeting, in Copenhagen."""
    return proposal_deadline(meeting.starts_at)


def takes_proposals(meeting: Meeting, now: datetime) -> bool:
    """An ordinary meeting, not cancelled, whose deadline has not passed (rule 3.2)."""
    return (
        meeting.kind is MeetingKind.ORDINARY
        and meeting.cancelled_at is None
        and is_in_time(now, deadline_of(meeting))
    )


def next_open_meeting(council_id: int, now: datetime) -> Meeting | None:
    """The next ordinary meeting of the council whose proposal deadline has not passed: what a
    late proposal is offered instead."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.council_id == council_id,
            Meeting.kind == MeetingKind.ORDINARY,
            Meeting.cancelled_at.is_(None),
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at)
        .limit(12)
    )
    return next((meeting for meeting in meetings if takes_proposals(meeting, now)), None)


def is_member_on(person: Person, council_id: int, now: datetime) -> bool:
    seat = db.session.scalar(
        select(Membership.id).where(
            Membership.person_id == person.id,
            Membership.council_id == council_id,
            active_on(Membership, local_date(now)),
        )
    )
    return seat is not None


def check_meeting(meeting: Meeting, person: Person, now: datetime) -> None:
    """Rule 3.2 concerns ordinary meetings only, and only a member proposes."""
    if meeting.kind is not MeetingKind.ORDINARY:
        raise Refused(
            "meeting_id",
            _(
                "Forslag til dagsordenen kan kun stilles til ordinære møder, ikke til "
                "ekstraordinære eller konstituerende møder (regel 3.2)."
            ),
        )
    if meeting.cancelled_at is not None:
        raise Refused("meeting_id", _("Mødet er aflyst. Vælg et andet møde."))
    if meeting.starts_at <= now:
        raise Refused("meeting_id", _("Mødet er begyndt eller holdt. Vælg et senere møde."))
    if not is_member_on(person, meeting.council_id, now):
        raise Refused("meeting_id", _("Kun rådets medlemmer kan stille forslag til dagsordenen."))


class LateProposal(Refused):
    """Rule 3.2: the deadline has passed. Carries the next meeting that still takes proposals,
    which the member is offered in one click."""

    def __init__(self, meeting: Meeting, offer: Meeting | None) -> None:
        message = _(
            "Fristen for forslag til mødet %(when)s udløb %(deadline)s. Forslag skal være "
            "indsendt senest 10 dage før et ordinært møde (regel 3.2). Dit forslag er ikke "
            "indsendt, men alt, hvad du har skrevet, er gemt som kladde.",
            when=when(meeting.starts_at),
            deadline=deadline_text(meeting),
        )
        if offer is not None:
            message += " " + _(
                "Du kan indsende det til næste ordinære møde %(when)s (frist %(deadline)s).",
                when=when(offer.starts_at),
                deadline=deadline_text(offer),
            )
        else:
            message += " " + _(
                "Der er endnu ikke planlagt et senere ordinært møde, som kan modtage forslag. "
                "Kontakt sekretariatet."
            )
        super().__init__("meeting_id", message)
        self.meeting = meeting
        self.offer = offer


class ProposalChanged(Refused):
    """Someone else acted on the proposal since this page was shown: nothing is overwritten."""

    def __init__(self) -> None:
        super().__init__(
            "",
            _(
                "Forslaget er ændret af en anden, siden du åbnede siden. Din handling er ikke "
                "udført. Se forslagets status nu, og vælg igen."
            ),
        )


def flush_or_changed() -> None:
    """Write the change; the version column makes an UPDATE that raced another match no row."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ProposalChanged() from None


# --- the member -----------------------------------------------------------------------------


def member_may_change(proposal: Proposal, now: datetime) -> bool:
    """Edit or withdraw: a draft always; a submitted proposal until staff begin handling it or
    the deadline passes, whichever comes first (rule 3.2, our reading)."""
    if proposal.status is ProposalStatus.DRAFT:
        return True
    return proposal.status is ProposalStatus.SUBMITTED and is_in_time(
        now, deadline_of(proposal.meeting)
    )


def check_member_may_change(proposal: Proposal, now: datetime) -> None:
    if member_may_change(proposal, now):
        return
    if proposal.status is ProposalStatus.SUBMITTED:
        message = _(
            "Fristen for forslag til mødet er udløbet, så forslaget kan ikke længere rettes "
            "eller trækkes tilbage. Kontakt sekretariatet."
        )
    elif proposal.status is ProposalStatus.IN_REVIEW:
        message = _(
            "Sekretariatet er begyndt at behandle forslaget, så det kan ikke længere rettes "
            "eller trækkes tilbage. Kontakt sekretariatet."
        )
    else:
        message = _("Forslaget er afgjort eller trukket tilbage og kan ikke ændres.")
    raise Refused("", message)


def check_uploads(uploads: list[FileStorage]) -> None:
    """Every file is checked before any is stored: one refused file stores none."""
    for upload in uploads:
        try:
            storage.check_upload(upload)
        except storage.FileRefused as refused:
            raise Refused("attachments", str(refused)) from refused


def attach(proposal: Proposal, uploads: list[FileStorage], by: Person) -> list[Attachment]:
    stored = []
    for upload in uploads:
        try:
            attachment = storage.store(
                upload, council_id=proposal.council_id, by=by, proposal_id=proposal.id
            )
        except storage.FileRefused as refused:  # checked already; kept for safety
            raise Refused("attachments", str(refused)) from refused
        audit.record(
            "proposal_attachment_added",
            proposal,
            after={"attachment_id": attachment.id, "filename": attachment.filename},
            actor_id=by.id,
        )
        stored.append(attachment)
    return stored


def active_attachments(proposal: Proposal) -> list[Attachment]:
    return list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.proposal_id == proposal.id, Attachment.removed_at.is_(None))
            .order_by(Attachment.id)
        )
    )


def by_form_token(person: Person, form_token: str) -> Proposal | None:
    return db.session.scalar(
        select(Proposal).where(Proposal.proposer_id == person.id, Proposal.form_token == form_token)
    )


def create_proposal(
    meeting: Meeting,
    *,
    by: Person,
    form_token: str,
    text: ProposalText,
    uploads: list[FileStorage],
    now: datetime,
) -> Proposal:
    """A new draft. The form's token makes a double-clicked "save" one proposal: the second
    request gets the first one back, unchanged (also when both raced past the lookup: the
    unique constraint stops the second insert)."""
    if not form_token:
        raise Refused("", _("Formularen mangler sit id. Genindlæs siden, og prøv igen."))
    existing = by_form_token(by, form_token)
    if existing is not None:
        return existing
    check_meeting(meeting, by, now)
    check_uploads(uploads)
    proposal = Proposal(
        council_id=meeting.council_id,
        meeting=meeting,
        proposer_id=by.id,
        form_token=form_token,
        title=text.title,
        body=text.body,
        justification=text.justification,
        status=ProposalStatus.DRAFT,
        created_at=now,
        updated_at=now,
    )
    db.session.add(proposal)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        existing = by_form_token(by, form_token)
        if existing is None:
            raise
        return existing
    audit.record("proposal_created", proposal, after=audit.snapshot(proposal), actor_id=by.id)
    attach(proposal, uploads, by)
    return proposal


def update_proposal(
    proposal: Proposal,
    *,
    by: Person,
    meeting: Meeting,
    text: ProposalText,
    uploads: list[FileStorage],
    remove_attachment_ids: list[int],
    now: datetime,
) -> Proposal:
    """The member corrects their draft, or their submitted proposal before the deadline; a
    submitted one gets a new receipt with the text as it now stands."""
    check_member_may_change(proposal, now)
    if meeting.id != proposal.meeting_id:
        if meeting.council_id != proposal.council_id:
            raise Refused(
                "meeting_id",
                _("Et forslag kan ikke flyttes til et andet råd. Stil et nyt forslag dér."),
            )
        check_meeting(meeting, by, now)
        if proposal.status is ProposalStatus.SUBMITTED and not takes_proposals(meeting, now):
            raise Refused(
                "meeting_id",
                _("Fristen for forslag til det valgte møde er udløbet. Vælg et senere møde."),
            )
    check_uploads(uploads)
    before = audit.snapshot(proposal)
    with db.session.no_autoflush:
        proposal.meeting = meeting
        proposal.title, proposal.body = text.title, text.body
        proposal.justification = text.justification
        proposal.updated_at = now
    flush_or_changed()
    audit.record(
        "proposal_edited", proposal, before=before, after=audit.snapshot(proposal), actor_id=by.id
    )
    for attachment in active_attachments(proposal):
        if attachment.id in remove_attachment_ids:
            attachment.removed_at = now
            audit.record(
                "proposal_attachment_removed",
                proposal,
                before={"attachment_id": attachment.id, "filename": attachment.filename},
                actor_id=by.id,
            )
    attach(proposal, uploads, by)
    if proposal.status is ProposalStatus.SUBMITTED:
        send_receipts(proposal, corrected=True)
    return proposal


def check_complete(proposal: Proposal) -> None:
    """A draft may lack its text; a submitted proposal may not (rule 3.2: in writing, with
    why it is regional or inter-municipal)."""
    if not proposal.title.strip():
        raise Refused("title", _("Skriv en titel, før du indsender forslaget."))
    if not proposal.body.strip():
        raise Refused("body", _("Skriv forslaget, før du indsender det."))
    if not proposal.justification.strip():
        raise Refused(
            "justification",
            _(
                "Skriv, hvorfor emnet er af regional eller tværkommunal karakter, før du "
                "indsender forslaget (regel 3.2)."
            ),
        )


def submit_proposal(proposal: Proposal, *, by: Person, now: datetime) -> bool:
    """Rule 3.2: submitted in time, by a member, to an ordinary meeting. The deadline is
    decided by `now`, the moment the request arrived. A second submit (a double click) changes
    nothing and sends no second receipt: False."""
    if proposal.status is ProposalStatus.WITHDRAWN:
        raise Refused("", _("Forslaget er trukket tilbage og kan ikke indsendes."))
    if proposal.status is not ProposalStatus.DRAFT:
        return False
    meeting = proposal.meeting
    check_meeting(meeting, by, now)
    if not is_in_time(now, deadline_of(meeting)):
        raise LateProposal(meeting, next_open_meeting(meeting.council_id, now))
    check_complete(proposal)
    before = audit.snapshot(proposal)
    proposal.status = ProposalStatus.SUBMITTED
    proposal.submitted_at = now
    proposal.updated_at = now
    try:
        flush_or_changed()
    except ProposalChanged:
        # Raced by the other request of a double click, which submitted it first (the version
        # check stopped this one): the same answer as when this one arrives after it.
        current = db.session.get(Proposal, proposal.id)
        if current is not None and current.status is ProposalStatus.SUBMITTED:
            return False
        raise
    audit.record(
        "proposal_submitted",
        proposal,
        before=before,
        after=audit.snapshot(proposal),
        actor_id=by.id,
    )
    send_receipts(proposal, corrected=False)
    return True


def move_and_submit(proposal: Proposal, meeting: Meeting, *, by: Person, now: datetime) -> bool:
    """The one-click answer to a late proposal: move the draft, as typed, to a later ordinary
    meeting that still takes proposals, and submit it there."""
    if proposal.status is not ProposalStatus.DRAFT:
        # A double click: the first click moved and submitted it.
        if proposal.meeting_id == meeting.id and proposal.status is not ProposalStatus.WITHDRAWN:
            return False
        check_member_may_change(proposal, now)
    if meeting.council_id != proposal.council_id:
        raise Refused("meeting_id", _("Mødet hører til et andet råd."))
    check_meeting(meeting, by, now)
    if not takes_proposals(meeting, now):
        raise LateProposal(meeting, next_open_meeting(meeting.council_id, now))
    if meeting.id != proposal.meeting_id:
        before = audit.snapshot(proposal)
        with db.session.no_autoflush:
            proposal.meeting = meeting
            proposal.updated_at = now
        flush_or_changed()
        audit.record(
            "proposal_moved",
            proposal,
            before=before,
            after=audit.snapshot(proposal),
            actor_id=by.id,
        )
    return submit_proposal(proposal, by=by, now=now)


def withdraw_proposal(proposal: Proposal, *, by: Person, now: datetime) -> bool:
    """The member takes the proposal back; staff hear of it if it had reached them.
    Withdrawing again changes nothing: False."""
    if proposal.status is ProposalStatus.WITHDRAWN:
        return False
    check_member_may_change(proposal, now)
    was_submitted = proposal.status is ProposalStatus.SUBMITTED
    before = audit.snapshot(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.updated_at = now
    flush_or_changed()
    audit.record(
        "proposal_withdrawn",
        proposal,
        before=before,
        after=audit.snapshot(proposal),
        actor_id=by.id,
    )
    if was_submitted:
        meeting = proposal.meeting
        notify(
            staff_recipients(proposal, now),
            NoticeKind.PROPOSAL_RECEIVED,
            subject=_("Forslag trukket tilbage: %(title)s", title=short(proposal.title)),
            body=_(
                "%(name)s har trukket sit forslag »%(title)s« til mødet %(when)s tilbage.",
                name=proposal.proposer.name,
                title=proposal.title,
                when=when(meeting.starts_at),
            ),
            link=staff_link(proposal),
            council=meeting.council,
            meeting=meeting,
        )
    return True


# --- notices --------------------------------------------------------------------------------


def short(title: str) -> str:
    title = " ".join(title.split())
    if len(title) <= SUBJECT_TITLE_LENGTH:
        return title
    return title[: SUBJECT_TITLE_LENGTH - 1].rstrip() + "…"


def member_link(proposal: Proposal) -> str:
    return f"/forslag/{proposal.id}"


def staff_link(proposal: Proposal) -> str:
    return f"/kkr/{proposal.council.slug}/admin/forslag/{proposal.id}"


def staff_recipients(proposal: Proposal, now: datetime) -> list[Person]:
    return [assignment.person for assignment in staff_of(proposal.council, local_date(now))]


def as_submitted(proposal: Proposal) -> str:
    """The proposal as the member submitted it, for the receipt."""
    names = [attachment.filename for attachment in active_attachments(proposal)]
    return "\n\n".join(
        [
            _("Titel: %(title)s", title=proposal.title),
            _("Forslaget:") + "\n" + proposal.body,
            _("Den regionale eller tværkommunale karakter:") + "\n" + proposal.justification,
            _("Bilag: %(names)s", names=", ".join(names)) if names else _("Ingen bilag."),
        ]
    )


def send_receipts(proposal: Proposal, *, corrected: bool) -> None:
    """The member's receipt, with the text as submitted, and the secretariat's notice."""
    meeting = proposal.meeting
    now_text = when(proposal.updated_at)
    if corrected:
        subject = _("Kvittering for rettet forslag: %(title)s", title=short(proposal.title))
        opening = _(
            "Vi har modtaget din rettelse af forslaget til dagsordenen for %(council)ss møde "
            "%(when)s. Modtaget %(received)s.",
            council=meeting.council.name,
            when=when(meeting.starts_at),
            received=now_text,
        )
    else:
        subject = _("Kvittering for forslag: %(title)s", title=short(proposal.title))
        opening = _(
            "Vi har modtaget dit forslag til dagsordenen for %(council)ss møde %(when)s. "
            "Modtaget %(received)s.",
            council=meeting.council.name,
            when=when(meeting.starts_at),
            received=now_text,
        )
    closing = _(
        "Du kan rette eller trække forslaget tilbage, indtil sekretariatet begynder at behandle "
        "det, dog senest %(deadline)s.",
        deadline=deadline_text(meeting),
    )
    notify(
        [proposal.proposer],
        NoticeKind.PROPOSAL_RECEIPT,
        subject=subject,
        body="\n\n".join([opening, as_submitted(proposal), closing]),
        link=member_link(proposal),
        council=meeting.council,
        meeting=meeting,
    )
    municipality = proposal.proposer.municipality
    notify(
        staff_recipients(proposal, proposal.updated_at),
        NoticeKind.PROPOSAL_RECEIVED,
        subject=(
            _("Forslag rettet: %(title)s", title=short(proposal.title))
            if corrected
            else _("Nyt forslag til dagsordenen: %(title)s", title=short(proposal.title))
        ),
        body=_(
            "%(name)s (%(municipality)s) har indsendt et forslag til mødet %(when)s: »%(title)s«.",
            name=proposal.proposer.name,
            municipality=municipality.name if municipality else "—",
            when=when(meeting.starts_at),
            title=proposal.title,
        ),
        link=staff_link(proposal),
        council=meeting.council,
        meeting=meeting,
    )


def notify_decision(proposal: Proposal, subject: str, body: str) -> None:
    notify(
        [proposal.proposer],
        NoticeKind.PROPOSAL_DECIDED,
        subject=subject,
        body=body,
        link=member_link(proposal),
        council=proposal.meeting.council,
        meeting=proposal.meeting,
    )


# --- staff and the chair ----------------------------------------------------------------------


def check_version(proposal: Proposal, version: int | None) -> None:
    """`version` is the one the page showed: if anyone acted since, this action is refused."""
    if version != proposal.version:
        raise ProposalChanged()


def check_awaiting_decision(proposal: Proposal) -> None:
    if proposal.status not in AWAITING_DECISION:
        raise Refused("", _("Forslaget er ikke længere til behandling."))


def begin_handling(proposal: Proposal, *, version: int | None, by: Person, now: datetime) -> bool:
    """Staff begin handling: from now on the member can no longer edit or withdraw it.
    Already begun: nothing changes (False)."""
    if proposal.status is ProposalStatus.IN_REVIEW:
        return False
    check_version(proposal, version)
    if proposal.status is not ProposalStatus.SUBMITTED:
        check_awaiting_decision(proposal)
        raise Refused("", _("Forslaget er ikke indsendt."))
    before = audit.snapshot(proposal)
    proposal.status = ProposalStatus.IN_REVIEW
    proposal.updated_at = now
    flush_or_changed()
    audit.record(
        "proposal_review_started",
        proposal,
        before=before,
        after=audit.snapshot(proposal),
        actor_id=by.id,
    )
    return True


def presentation_of(proposal: Proposal) -> str:
    """The item's presentation: the proposal and why it is regional, as the member wrote."""
    return "\n\n".join(
        [
            proposal.body,
            _("Den regionale eller tværkommunale karakter:") + "\n" + proposal.justification,
        ]
    )


def meeting_for_placing(proposal: Proposal, now: datetime) -> Meeting:
    """The meeting whose agenda a timely proposal goes on: its own, or, when that meeting was
    cancelled after the proposal came in or its agenda is closed because its minutes are
    published (rule 3.4), the next ordinary meeting that has not begun (our reading of rule
    3.2: a timely proposal must end up on an agenda)."""
    from portal.agendas.operations import agenda_closed

    meeting = proposal.meeting
    closed = agenda_closed(meeting)
    if meeting.cancelled_at is None and not closed:
        return meeting
    replacement = db.session.scalar(
        select(Meeting)
        .where(
            Meeting.council_id == proposal.council_id,
            Meeting.kind == MeetingKind.ORDINARY,
            Meeting.cancelled_at.is_(None),
            Meeting.minutes_published_at.is_(None),
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if replacement is None:
        if closed:
            raise Refused(
                "",
                _(
                    "Referatet for mødet er offentliggjort, så mødets dagsorden er lukket "
                    "(regel 3.4), og der er intet kommende ordinært møde at sætte forslaget "
                    "på. Planlæg det næste møde først."
                ),
            )
        raise Refused(
            "",
            _(
                "Mødet er aflyst, og der er intet kommende ordinært møde at sætte forslaget på. "
                "Planlæg det næste møde først."
            ),
        )
    return replacement


def place_on_agenda(
    proposal: Proposal, *, version: int | None, by: Person, now: datetime
) -> AgendaItem:
    """Rule 3.2: the chair puts the proposal on the agenda of its meeting (or of the next one,
    if its meeting was cancelled), as the last item for now (the order is the chair's, rule
    3.6); the proposer and the files come along."""
    if proposal.status is ProposalStatus.PLACED and proposal.agenda_item is not None:
        return proposal.agenda_item  # a double click: placed once
    check_version(proposal, version)
    check_awaiting_decision(proposal)
    meeting = meeting_for_placing(proposal, now)
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(
        council_id=meeting.council_id,
        meeting=meeting,
        position=(last or 0) + 1,
        title=proposal.title,
        presentation=presentation_of(proposal),
        recommendation="",
        closed=False,
        proposer_id=proposal.proposer_id,
        created_at=now,
        updated_at=now,
    )
    before = audit.snapshot(proposal)
    with db.session.no_autoflush:  # one write, in flush_or_changed, where a race is caught
        db.session.add(item)
        proposal.meeting = meeting
        proposal.status = ProposalStatus.PLACED
        proposal.agenda_item = item
        proposal.handled_at, proposal.handled_by_id = now, by.id
        proposal.handled_as = handler_role(by, proposal.council)
        proposal.updated_at = now
    flush_or_changed()
    for attachment in active_attachments(proposal):
        attachment.agenda_item_id = item.id
    audit.record("agenda_item.added", item, after=audit.snapshot(item), actor_id=by.id)
    audit.record(
        "proposal_placed",
        proposal,
        before=before,
        after=audit.snapshot(proposal),
        actor_id=by.id,
    )
    notify_decision(
        proposal,
        _("Dit forslag er sat på dagsordenen: %(title)s", title=short(proposal.title)),
        _(
            "Dit forslag »%(title)s« er sat på dagsordenen for %(council)ss møde %(when)s "
            "(regel 3.2). Du kan se det på dagsordenen, når den er udsendt.",
            title=proposal.title,
            council=meeting.council.name,
            when=when(meeting.starts_at),
        ),
    )
    return item


def return_proposal(
    proposal: Proposal,
    *,
    version: int | None,
    reason: str,
    not_regional: bool,
    by: Person,
    now: datetime,
) -> bool:
    """Return the proposal with a written reason. Rule 3.2 (our reading) allows this on one
    ground only: the subject is not of regional or inter-municipal character, which staff
    confirm explicitly. Already returned: nothing changes (False)."""
    if proposal.status is ProposalStatus.RETURNED:
        return False
    check_version(proposal, version)
    check_awaiting_decision(proposal)
    reason = as_typed(reason)
    if not reason.strip():
        raise Refused("reason", _("Skriv begrundelsen til forslagsstilleren."))
    if not not_regional:
        raise Refused(
            "not_regional",
            _(
                "Et forslag kan kun returneres, fordi emnet ikke er af regional eller "
                "tværkommunal karakter. Bekræft det, eller sæt forslaget på dagsordenen."
            ),
        )
    before = audit.snapshot(proposal)
    proposal.status = ProposalStatus.RETURNED
    proposal.return_reason = reason
    proposal.handled_at, proposal.handled_by_id = now, by.id
    proposal.handled_as = handler_role(by, proposal.council)
    proposal.updated_at = now
    flush_or_changed()
    audit.record(
        "proposal_returned",
        proposal,
        before=before,
        after=audit.snapshot(proposal),
        actor_id=by.id,
    )
    meeting = proposal.meeting
    notify_decision(
        proposal,
        _("Dit forslag er returneret: %(title)s", title=short(proposal.title)),
        _(
            "Dit forslag »%(title)s« til %(council)ss møde %(when)s er returneret.",
            title=proposal.title,
            council=meeting.council.name,
            when=when(meeting.starts_at),
        )
        + " "
        + returned_by_text(proposal)
        + "\n\n"
        + _("Begrundelse:")
        + "\n\n"
        + reason,
    )
    return True


def handler_role(person: Person, council: Council) -> ProposalHandler:
    """The role in which `person` decides on a proposal today: the secretariat (acting on the
    chair's behalf) or the chair (rule 3.2)."""
    from portal import policy

    if not policy.is_staff(person, council) and policy.is_chair(person, council):
        return ProposalHandler.CHAIR
    return ProposalHandler.SECRETARIAT


def returned_by_text(proposal: Proposal) -> str:
    """Rule 3.2: who returned the proposal, by role and name, and whose judgement it was."""
    name = proposal.handled_by.name if proposal.handled_by else "—"
    if proposal.handled_as is ProposalHandler.CHAIR:
        return _(
            "Det er returneret af formanden, %(name)s, fordi emnet efter formandens vurdering "
            "ikke er af regional eller tværkommunal karakter (regel 3.2).",
            name=name,
        )
    if proposal.handled_as is ProposalHandler.SECRETARIAT:
        return _(
            "Det er returneret af sekretariatet (%(name)s) på formandens vegne, fordi emnet "
            "efter sekretariatets vurdering ikke er af regional eller tværkommunal karakter "
            "(regel 3.2).",
            name=name,
        )
    return _(
        "Det er returneret af %(name)s, fordi emnet ikke er af regional eller tværkommunal "
        "karakter (regel 3.2).",
        name=name,
    )
