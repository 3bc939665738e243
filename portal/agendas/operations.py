"""Building, sharing and publishing a meeting's agenda (rules 3.0, 3.3, 3.6).

Staff edit live `AgendaItem` rows; readers see a snapshot once it is published (or the live
items while staff share the draft before publication). Each action validates, changes,
writes its audit row and its notices in the request's transaction: it flushes, never commits.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import FileStorage

from portal import audit
from portal.absences.models import CallInAnswer
from portal.absences.operations import when
from portal.agendas import queries
from portal.agendas.changes import public_change_lines
from portal.agendas.models import AgendaItem, Publication, PublicationKind
from portal.agendas.publishing import current_publication, publish
from portal.agendas.snapshot import Content, build_content, describe_changes
from portal.attachments import storage
from portal.attachments.models import Attachment
from portal.councils.models import Person
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.refusal import Refused
from portal.rules.calendar import (
    COPENHAGEN,
    agenda_deadline,
    day_off_name,
    is_in_time,
    local_date,
    practical_agenda_day,
    working_days_after,
)
from portal.templating import long_date

if TYPE_CHECKING:
    from portal.proposals.models import Proposal

# Staff are warned on the builder from this many working days before the practical send-out
# day (rule 3.3: warnings count working days).
WARNING_WORKING_DAYS = 3


# --- the send-out deadline (rule 3.3) -----------------------------------------------------


def send_out_deadline(meeting: Meeting) -> datetime | None:
    """Rule 3.3 sets the deadline for ordinary meetings only; an extraordinary or a
    constituting meeting is called at its own notice, so its agenda has none."""
    if meeting.kind is not MeetingKind.ORDINARY:
        return None
    return agenda_deadline(meeting.starts_at)


@dataclass(frozen=True)
class DeadlineState:
    """The send-out deadline as staff see it: the deadline itself, the practical day (the
    last working day on or before it, when the secretariat must send), and how many working
    days are left or have passed."""

    deadline: datetime | None
    practical_day: date | None
    overdue: bool  # past the deadline and not yet published: a reason will be needed
    near: bool  # WARNING_WORKING_DAYS or fewer before the practical day, not yet published
    working_days_left: int = 0  # after today up to the practical day (when near)
    working_days_over: int = 0  # after the deadline's day up to today (when overdue)

    @property
    def warn(self) -> bool:
        return self.overdue or self.near

    @property
    def deadline_day(self) -> date | None:
        return local_date(self.deadline) if self.deadline else None

    @property
    def moved(self) -> bool:
        """The deadline falls on a day off, so the practical day comes before it."""
        return self.practical_day is not None and self.practical_day != self.deadline_day

    @property
    def practical_day_passed(self) -> bool:
        """The practical day is over but the deadline is not (the days off between)."""
        return self.near and self.working_days_left < 0


def deadline_state(meeting: Meeting, now: datetime) -> DeadlineState:
    deadline = send_out_deadline(meeting)
    practical = practical_agenda_day(meeting.starts_at) if deadline else None
    if deadline is None or meeting.agenda_published_at is not None or meeting.cancelled_at:
        return DeadlineState(deadline, practical, False, False)
    assert practical is not None
    today = local_date(now)
    if not is_in_time(now, deadline):
        over = working_days_after(local_date(deadline), today)
        return DeadlineState(deadline, practical, True, False, working_days_over=over)
    if today > practical:
        return DeadlineState(deadline, practical, False, True, working_days_left=-1)
    left = working_days_after(today, practical)
    return DeadlineState(deadline, practical, False, left <= WARNING_WORKING_DAYS, left)


def is_late(meeting: Meeting, now: datetime) -> bool:
    deadline = send_out_deadline(meeting)
    return deadline is not None and not is_in_time(now, deadline)


# --- proposals still open when the agenda goes out (rule 3.2) -----------------------------


@dataclass(frozen=True)
class ProposalWarning:
    """What staff are told before sending the agenda out: timely proposals not yet placed
    nor returned, and, while it is open, the proposal window's end (members may still
    propose items that must go on this agenda)."""

    pending: list[Proposal]
    window_closes: datetime | None

    def __bool__(self) -> bool:
        return bool(self.pending) or self.window_closes is not None

    @property
    def ids(self) -> list[int]:
        return [proposal.id for proposal in self.pending]


def proposal_warning(meeting: Meeting, now: datetime) -> ProposalWarning:
    from portal.proposals import operations as proposals
    from portal.proposals.queries import pending_for_agenda

    if meeting.kind is not MeetingKind.ORDINARY:
        return ProposalWarning([], None)  # rule 3.2 concerns ordinary meetings only
    window = proposals.deadline_of(meeting) if proposals.takes_proposals(meeting, now) else None
    return ProposalWarning(pending_for_agenda(meeting), window)


def proposal_warning_text(warning: ProposalWarning) -> str:
    """The warning in one paragraph, naming every proposal and its proposer."""
    parts = []
    if warning.pending:
        names = "; ".join(
            _("»%(title)s« fra %(name)s", title=p.title, name=p.proposer.name)
            for p in warning.pending
        )
        parts.append(
            ngettext(
                "%(num)s rettidigt forslag er hverken sat på dagsordenen eller returneret: "
                "%(names)s.",
                "%(num)s rettidige forslag er hverken sat på dagsordenen eller returneret: "
                "%(names)s.",
                len(warning.pending),
                names=names,
            )
        )
    if warning.window_closes is not None:
        parts.append(
            _(
                "Fristen for forslag er ikke udløbet: medlemmerne kan stille forslag til mødet "
                "indtil %(deadline)s, og et rettidigt forslag skal på dagsordenen (regel 3.2).",
                deadline=end_of_day_text(warning.window_closes),
            )
        )
    parts.append(
        _(
            "Et forslag, der sættes på senere, kræver en rettet dagsorden. Bekræft, at "
            "dagsordenen skal udsendes alligevel."
        )
    )
    return " ".join(parts)


def day_off_of(day: date | datetime | None) -> str | None:
    """The name of the day off `day` is (a moment: its Copenhagen date), in the reader's
    language ("anden påskedag"); None for a working day or a plain weekend."""
    if day is None:
        return None
    if isinstance(day, datetime):
        day = local_date(day)
    language = str(get_locale() or "da")
    name = day_off_name(day, language)
    # Danish writes a holiday in lower case inside a sentence ("fristen er anden påskedag").
    return name.lower() if name and language == "da" else name


def end_of_day_text(moment: datetime) -> str:
    """ "fredag 26. marts 2027 kl. 23.59 (langfredag)": a deadline at the end of its day, and
    the day off it falls on, if it does."""
    text = _(
        "%(day)s kl. %(time)s",
        day=long_date(moment),
        time=moment.astimezone(COPENHAGEN).strftime("%H.%M"),
    )
    name = day_off_of(local_date(moment))
    return f"{text} ({name})" if name else text


class ProposalsPending(Refused):
    """Rule 3.2: sending out the agenda now needs staff to confirm the warning they saw; a
    proposal that arrived since the page was shown asks again."""

    def __init__(self, warning: ProposalWarning) -> None:
        super().__init__("confirm_pending", proposal_warning_text(warning))
        self.warning = warning


# --- items ----------------------------------------------------------------------------------


def check_uploads(uploads: list[FileStorage]) -> None:
    """Refuse the whole save when one file cannot be attached, before anything is stored:
    the form comes back with everything typed, and the message names the file."""
    for upload in uploads:
        try:
            storage.check_upload(upload)
        except storage.FileRefused as refused:
            raise Refused(
                "attachments",
                _("%(reason)s Intet er gemt endnu: vælg filerne igen.", reason=str(refused)),
            ) from refused


def attach(item: AgendaItem, uploads: list[FileStorage], by: Person) -> list[Attachment]:
    stored = []
    for upload in uploads:
        try:
            attachment = storage.store(
                upload, council_id=item.council_id, by=by, agenda_item_id=item.id
            )
        except storage.FileRefused as refused:  # checked already; kept for safety
            raise Refused("attachments", str(refused)) from refused
        audit.record("attachment.added", attachment, after=audit.snapshot(attachment))
        stored.append(attachment)
    return stored


def clean_text(text: str | None) -> str:
    """Text as typed, with one kind of line break and no trailing blank lines."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").rstrip()


def agenda_closed(meeting: Meeting) -> bool:
    """Rule 3.4: once the minutes are published the agenda is closed; nothing is added."""
    return meeting.minutes_published_at is not None


AGENDA_CLOSED = _l(
    "Referatet for mødet er offentliggjort, så dagsordenen er lukket: der kan ikke tilføjes "
    "punkter til den (regel 3.4). Sæt punktet på et kommende møde i stedet."
)


def check_open_for_items(meeting: Meeting) -> None:
    if agenda_closed(meeting):
        raise Refused("", str(AGENDA_CLOSED))


def add_item(
    meeting: Meeting,
    *,
    title: str,
    presentation: str,
    recommendation: str,
    closed: bool,
    uploads: list[FileStorage],
    by: Person,
    now: datetime,
) -> AgendaItem:
    """A new item at the end of the agenda (staff move it where the chair wants it, 3.6)."""
    check_open_for_items(meeting)
    check_uploads(uploads)
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    item = AgendaItem(
        council_id=meeting.council_id,
        meeting=meeting,
        position=(last or 0) + 1,
        title=title.strip(),
        presentation=clean_text(presentation),
        recommendation=clean_text(recommendation),
        closed=closed,
        created_at=now,
        updated_at=now,
    )
    db.session.add(item)
    db.session.flush()
    audit.record("agenda_item.added", item, after=audit.snapshot(item), actor_id=by.id)
    attach(item, uploads, by)
    return item


class ItemChanged(Refused):
    """Someone saved the item after this editor opened it: nothing is overwritten."""

    def __init__(self) -> None:
        super().__init__(
            "",
            _(
                "Punktet er ændret af en anden, siden du åbnede det. Dine ændringer er ikke "
                "gemt. Se punktet, som det er gemt nu, nedenfor; din tekst står stadig i "
                "felterne. Gem igen, hvis dine ændringer skal erstatte den andens."
            ),
        )


def edit_item(
    item: AgendaItem,
    *,
    version: int | None,
    title: str,
    presentation: str,
    recommendation: str,
    closed: bool,
    uploads: list[FileStorage],
    by: Person,
    now: datetime,
) -> AgendaItem:
    """Save an item. `version` is the one the editor started from: when someone else saved
    since, the save is refused (also when they did so between this check and the write:
    the version column makes that UPDATE match no row)."""
    if version != item.version:
        raise ItemChanged()
    check_uploads(uploads)
    before = audit.snapshot(item)
    item.title = title.strip()
    item.presentation = clean_text(presentation)
    item.recommendation = clean_text(recommendation)
    item.closed = closed
    item.updated_at = now
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ItemChanged() from None
    audit.record(
        "agenda_item.edited", item, before=before, after=audit.snapshot(item), actor_id=by.id
    )
    attach(item, uploads, by)
    return item


PLACED_PROPOSAL_STAYS = _l(
    "Punktet er et medlems forslag, og et rettidigt forslag skal på dagsordenen (regel 3.2). "
    "Det kan flyttes og redigeres, men ikke tages af dagsordenen."
)


def remove_item(item: AgendaItem, *, by: Person, now: datetime) -> None:
    """Take the item off the agenda; nothing is deleted (a published version keeps it)."""
    if item.removed_at is not None:
        return
    if item.proposer_id is not None:
        # Rule 3.2 (our reading): a member's timely proposal, once placed, stays on the agenda.
        raise Refused("", str(PLACED_PROPOSAL_STAYS))
    before = audit.snapshot(item)
    item.removed_at = now
    item.updated_at = now
    db.session.flush()
    audit.record(
        "agenda_item.removed", item, before=before, after=audit.snapshot(item), actor_id=by.id
    )


def remove_attachment(attachment: Attachment, *, by: Person, now: datetime) -> None:
    if attachment.removed_at is not None:
        return
    before = audit.snapshot(attachment)
    attachment.removed_at = now
    db.session.flush()
    audit.record(
        "attachment.removed",
        attachment,
        before=before,
        after=audit.snapshot(attachment),
        actor_id=by.id,
    )


# --- order (rule 3.6) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reordered:
    message: str
    moved: AgendaItem | None  # the item a "Flyt op/ned" button moved (its button keeps focus)
    direction: str | None


def parse_order(values: list[str]) -> list[int]:
    if not all(value.strip().isdigit() for value in values):
        raise Refused("order", _("Rækkefølgen kunne ikke læses. Genindlæs siden og prøv igen."))
    return [int(value) for value in values]


def reorder_items(meeting: Meeting, order: list[str], move: str | None, *, by: Person) -> Reordered:
    """Rule 3.6: the chair decides the order; staff set it. `order` is the order the page
    showed (or the one dragged into place) and must name exactly the meeting's live items,
    so a page that is out of date (someone added or removed an item) cannot scramble it.
    `move` ("up:<id>" or "down:<id>") moves one item one place from that order."""
    items = queries.live_items(meeting)
    by_id = {item.id: item for item in items}
    posted = parse_order(order)
    if len(posted) != len(set(posted)) or set(posted) != set(by_id):
        raise Refused(
            "order",
            _(
                "Dagsordenen er ændret, siden siden blev vist. Her er den, som den er nu: "
                "ret rækkefølgen igen."
            ),
        )
    moved: AgendaItem | None = None
    direction: str | None = None
    if move:
        direction, _sep, raw_id = move.partition(":")
        if direction not in {"up", "down"} or not raw_id.isdigit() or int(raw_id) not in by_id:
            raise Refused("order", _("Punktet findes ikke på dagsordenen."))
        moved = by_id[int(raw_id)]
        index = posted.index(moved.id)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(posted):
            posted[index], posted[target] = posted[target], posted[index]
    before = [item.id for item in items]
    for position, item_id in enumerate(posted, start=1):
        if by_id[item_id].position != position:
            by_id[item_id].position = position
    db.session.flush()
    if before != posted:
        audit.record(
            "agenda.reordered",
            meeting,
            before={"order": before},
            after={"order": posted},
            actor_id=by.id,
        )
    if moved is not None:
        number = posted.index(moved.id) + 1
        message = _(
            "»%(title)s« er nu punkt %(number)s af %(count)s.",
            title=moved.title,
            number=number,
            count=len(posted),
        )
    elif before != posted:
        message = _("Den nye rækkefølge er gemt.")
    else:
        message = _("Rækkefølgen er uændret.")
    return Reordered(message, moved, direction)


# --- sharing the draft and publishing (rules 3.0, 3.3) --------------------------------------


def share_draft(meeting: Meeting, *, share: bool, by: Person, now: datetime) -> None:
    """Let the members (and called-in substitutes) read the live draft before publication;
    the public never sees a draft (rule 3.0)."""
    if share and meeting.cancelled_at is not None:
        raise Refused("", _("Mødet er aflyst."))
    if share and meeting.agenda_published_at is not None:
        raise Refused("", _("Dagsordenen er udsendt: medlemmerne ser den udsendte version."))
    if bool(meeting.agenda_shared_at) == share:
        return
    meeting.agenda_shared_at = now if share else None
    audit.record(
        "agenda.shared" if share else "agenda.unshared",
        meeting,
        after={"at": now.isoformat()},
        actor_id=by.id,
    )


def same_content(published: Content, live: Content) -> bool:
    """True when publishing `live` would repeat the published version word for word."""
    if published.get("items") != live.get("items"):
        return False
    old, new = published.get("meeting", {}), live.get("meeting", {})
    return (
        old.get("location") == new.get("location")
        and old.get("kind") == new.get("kind")
        and datetime.fromisoformat(old["starts_at"]) == datetime.fromisoformat(new["starts_at"])
    )


@dataclass(frozen=True)
class Draft:
    """What publishing now would send, compared with the current version."""

    content: Content
    current: Publication | None
    changes: list[dict[str, Any]]

    @property
    def unchanged(self) -> bool:
        return self.current is not None and same_content(self.current.content, self.content)

    @property
    def next_version(self) -> int:
        return self.current.version + 1 if self.current else 1


def draft(meeting: Meeting) -> Draft:
    content = build_content(meeting)
    current = current_publication(meeting, PublicationKind.AGENDA)
    changes = describe_changes(current.content if current else None, content)
    return Draft(content, current, changes)


@dataclass(frozen=True)
class Published:
    publication: Publication
    told: int  # members and substitutes notified


def publish_agenda(
    meeting: Meeting,
    *,
    by: Person,
    now: datetime,
    late_reason: str | None = None,
    acknowledged: Collection[int] | None = None,
) -> Published:
    """Send the agenda out as its next version and tell the members and the substitutes
    called in. Rule 3.3: after the send-out deadline only with a reason, which is recorded.
    A second publication is a "Rettet dagsorden" with the list of what changed.

    Rule 3.2: while timely proposals await a decision or members may still propose, staff
    are warned (`proposal_warning`) and confirm: `acknowledged` holds the ids of the pending
    proposals they were shown (None: not confirmed). A proposal they were not shown asks
    again; a confirmed publication is on record with what was pending."""
    if meeting.cancelled_at is not None:
        raise Refused("", _("Mødet er aflyst, så dagsordenen kan ikke udsendes."))
    if agenda_closed(meeting):
        raise Refused("", _("Referatet er offentliggjort, så dagsordenen kan ikke rettes."))
    # Lock the meeting first: of two clicks on "Udsend", the second waits here and then
    # finds the first one's version (PostgreSQL; SQLite runs one writer at a time).
    db.session.execute(
        select(Meeting.id).where(Meeting.id == meeting.id).with_for_update()
    ).scalar_one()
    pending = draft(meeting)
    if not pending.content["items"]:
        raise Refused("", _("Dagsordenen har ingen punkter endnu."))
    if pending.unchanged:
        assert pending.current is not None
        raise Refused(
            "",
            _(
                "Intet er ændret siden version %(version)s, som allerede er udsendt.",
                version=pending.current.version,
            ),
        )
    reason = (late_reason or "").strip() or None
    if is_late(meeting, now):
        if reason is None:
            deadline = send_out_deadline(meeting)
            assert deadline is not None
            raise Refused(
                "late_reason",
                _(
                    "Fristen for udsendelse var %(deadline)s (regel 3.3). Skriv, hvorfor "
                    "dagsordenen udsendes efter fristen: begrundelsen gemmes.",
                    deadline=long_date(deadline),
                ),
            )
    else:
        reason = None  # in time: there is nothing to explain
    warning = proposal_warning(meeting, now)
    if warning and (acknowledged is None or not set(warning.ids) <= set(acknowledged)):
        raise ProposalsPending(warning)
    publication = publish(
        meeting, PublicationKind.AGENDA, pending.content, by=by, now=now, late_reason=reason
    )
    if warning:
        audit.record(
            "agenda.published_with_proposals_open",
            publication,
            after={
                "pending_proposal_ids": warning.ids,
                "proposal_window_closes": (
                    warning.window_closes.isoformat() if warning.window_closes else None
                ),
            },
            actor_id=by.id,
        )
    return Published(publication, notify_readers(meeting, publication))


def notify_readers(meeting: Meeting, publication: Publication) -> int:
    """Members and the substitutes called in are told; returns how many."""
    from portal.policy import today

    count = len(publication.content["items"])
    corrected = publication.version > 1
    if corrected:
        subject = _("Rettet dagsorden til mødet %(when)s", when=when(meeting))
        # The e-mail leaves the portal: closed items are named by number only (rule 3.0).
        lines = public_change_lines(publication.changes)
        body = _(
            "Dagsordenen til %(council)ss møde %(when)s, %(place)s, er rettet (version "
            "%(version)s).",
            council=meeting.council.name,
            when=when(meeting),
            place=meeting.location,
            version=publication.version,
        )
        if lines:
            body += "\n" + _("Det er ændret:") + "\n" + "\n".join(f"– {line}" for line in lines)
    else:
        subject = _("Dagsorden til mødet %(when)s", when=when(meeting))
        body = ngettext(
            "Dagsordenen til %(council)ss møde %(when)s, %(place)s, er udsendt med %(num)s punkt.",
            "Dagsordenen til %(council)ss møde %(when)s, %(place)s, er udsendt med "
            "%(num)s punkter.",
            count,
            council=meeting.council.name,
            when=when(meeting),
            place=meeting.location,
        )
    agenda_link = f"/moeder/{meeting.id}/dagsorden"
    members = queries.member_recipients(meeting, today())
    notify(
        members,
        NoticeKind.AGENDA_PUBLISHED,
        subject=subject,
        body=body + "\n" + _("Læs hele dagsordenen i portalen."),
        link=agenda_link,
        council=meeting.council,
        meeting=meeting,
    )
    member_ids = {person.id for person in members}
    told = len(members)
    for call in queries.standing_call_ins(meeting):
        if call.substitute_id in member_ids:
            continue
        if call.answer is CallInAnswer.ATTENDING:
            link, tail = agenda_link, _("Læs hele dagsordenen i portalen.")
        else:
            # Until they answer that they attend, the material is not theirs to read (3.0).
            link = f"/indkaldelser/{call.id}"
            tail = _("Svar på indkaldelsen; når du deltager, kan du læse dagsordenen i portalen.")
        notify(
            [call.substitute],
            NoticeKind.AGENDA_PUBLISHED,
            subject=subject,
            body=body + "\n" + tail,
            link=link,
            council=meeting.council,
            meeting=meeting,
        )
        told += 1
    return told
