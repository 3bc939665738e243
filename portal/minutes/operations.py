"""Writing and publishing the minutes of a meeting (rules 3.4, 3.7, 3.9).

Staff record, per live agenda item, the decision and (where a vote was taken) the votes; the
rule 3.7 result is computed from them by `portal.rules.voting`, never typed. Attendance is
never typed either: it comes from the absence records (rule 3.9), without any reason for an
absence (GDPR: a reason is for the secretariat only and never published).

Our readings where the issue is silent:
- staff may prepare the minutes at any time (a draft decision before the meeting is handy);
  they are published only once the meeting has begun and its agenda has gone out;
- every item needs a decision before the minutes go out (rule 3.4: decisions are recorded);
- a vote that happened is always recorded (rule 3.7): on a tie the leader's vote for or
  against decides; when the leader abstained, did not vote or nothing is said about it, the
  proposal is not adopted;
- the leader's vote is kept only on a tie, where it matters; otherwise it is not recorded.

Operations flush, never commit; each writes its audit row and its notices in the request's
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from portal import audit
from portal.absences.models import CallInAnswer
from portal.absences.operations import when
from portal.absences.queries import MeetingAttendance, meeting_attendance
from portal.agendas.changes import public_change_lines
from portal.agendas.models import AgendaItem, ChairVote, ItemMinutes, Publication, PublicationKind
from portal.agendas.publishing import current_publication, publish
from portal.agendas.snapshot import Content, build_content, describe_changes
from portal.councils.models import Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.participants.queries import meeting_participants
from portal.refusal import Refused
from portal.rules.attendance import Attendance
from portal.rules.voting import TOO_MANY, InvalidVotes, VoteResult, vote_result

DECISION_MAX = 20_000


# --- reading --------------------------------------------------------------------------------


def has_vote(minutes: ItemMinutes | None) -> bool:
    return minutes is not None and any(
        count is not None
        for count in (minutes.votes_for, minutes.votes_against, minutes.votes_abstaining)
    )


def result_of(minutes: ItemMinutes | None) -> VoteResult | None:
    """Rule 3.7's result of the item's vote; None when no vote was taken."""
    if minutes is None or not has_vote(minutes):
        return None
    return vote_result(
        minutes.votes_for or 0,
        minutes.votes_against or 0,
        minutes.votes_abstaining or 0,
        minutes.chair_vote.value if minutes.chair_vote else None,
    )


@dataclass(frozen=True)
class MinutesRow:
    """One live item on the minutes editor, with its number and what is recorded."""

    item: AgendaItem
    number: int

    @property
    def minutes(self) -> ItemMinutes | None:
        return self.item.minutes

    @property
    def result(self) -> VoteResult | None:
        return result_of(self.item.minutes)


def editor_rows(meeting: Meeting) -> list[MinutesRow]:
    """The meeting's live items in agenda order, each with its minutes (one query)."""
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id, AgendaItem.removed_at.is_(None))
        .options(joinedload(AgendaItem.minutes))
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return [MinutesRow(item, number) for number, item in enumerate(items, start=1)]


def row_of(meeting: Meeting, item_id: int) -> MinutesRow | None:
    """A live item of this meeting; another meeting's or a removed one counts as absent."""
    return next((row for row in editor_rows(meeting) if row.item.id == item_id), None)


def attendance_content(attendance: MeetingAttendance) -> dict[str, Any]:
    """Rule 3.9: who was present and who was absent, with the substitute who came in their
    place, who came late or left early (from or to which item), and who led the meeting (rule
    3.5). Names only: never the reason for an absence, nor who registered it."""
    present: list[str] = []
    absent: list[dict[str, Any]] = []
    late: list[dict[str, Any]] = []
    early: list[dict[str, Any]] = []
    for seat in attendance.seats:
        name = seat.membership.person.name
        attendee = seat.attendee
        if attendee is not None:
            if seat.first_item is not None:
                late.append({"name": attendee.name, "item": seat.first_item})
            if seat.last_item is not None:
                early.append({"name": attendee.name, "item": seat.last_item})
        if seat.state is Attendance.PRESENT:
            present.append(name)
            continue
        absent.append({"name": name, "substitute": attendee.name if attendee else None})
    content: dict[str, Any] = {"present": present, "absent": absent}
    # Rule 1.5: the participants who came, listed apart (no vote, outside the quorum).
    came = [
        row.person.name for row, attended in meeting_participants(attendance.meeting) if attended
    ]
    if came:
        content["participants"] = came
    if late or early:
        content |= {"late": late, "early": early}
    if attendance.has_chair_or_vice_chair:
        # Rule 3.5: who led the meeting, by name and office; None when no one is known.
        leader = attendance.leader
        content["leader"] = {"name": leader.name, "office": leader.office.value} if leader else None
    return content


def present_count(attendance: MeetingAttendance) -> int:
    """Members present, attending substitutes included (rule 3.7): the most votes there are."""
    return attendance.forecast.present


def minutes_content(meeting: Meeting, attendance: MeetingAttendance | None = None) -> Content:
    """What publishing the minutes now would freeze."""
    attendance = attendance or meeting_attendance(meeting)
    return build_content(meeting, with_minutes=True, attendance=attendance_content(attendance))


@dataclass(frozen=True)
class MinutesDraft:
    """The minutes as they stand, compared with the version published (if any)."""

    content: Content
    current: Publication | None
    changes: list[dict[str, Any]]

    @property
    def unchanged(self) -> bool:
        return self.current is not None and same_minutes(self.current.content, self.content)

    @property
    def next_version(self) -> int:
        return self.current.version + 1 if self.current else 1


def same_minutes(published: Content, live: Content) -> bool:
    return published.get("items") == live.get("items") and published.get("attendance") == live.get(
        "attendance"
    )


def draft(meeting: Meeting, attendance: MeetingAttendance | None = None) -> MinutesDraft:
    content = minutes_content(meeting, attendance)
    current = current_publication(meeting, PublicationKind.MINUTES)
    changes = describe_changes(current.content if current else None, content)
    return MinutesDraft(content, current, changes)


# --- saving one item's minutes --------------------------------------------------------------


class MinutesChanged(Refused):
    """Someone saved this item's minutes after the editor opened them: nothing is overwritten."""

    def __init__(self) -> None:
        super().__init__(
            "",
            _(
                "Referatet af punktet er ændret af en anden, siden du åbnede det. Dine ændringer "
                "er ikke gemt. Det gemte står nedenfor; din tekst står stadig i felterne. Gem "
                "igen, hvis dine ændringer skal erstatte den andens."
            ),
        )


def clean_text(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def check_votes(
    votes: tuple[int | None, int | None, int | None],
    chair_vote: ChairVote | None,
    present: int,
) -> VoteResult | None:
    """Rule 3.7 applied to the counts as typed; refuses what cannot be right."""
    if all(count is None for count in votes):
        return None
    votes_for, votes_against, votes_abstaining = (count or 0 for count in votes)
    try:
        result = vote_result(
            votes_for,
            votes_against,
            votes_abstaining,
            chair_vote.value if chair_vote else None,
            present=present,
        )
    except InvalidVotes as invalid:
        if invalid.problem == TOO_MANY:
            raise Refused(
                "votes_for",
                ngettext(
                    "Der er afgivet %(votes)s stemmer i alt, men kun %(num)s medlem var til "
                    "stede ved punktet (efter afbud, stedfortrædere og det registrerede "
                    "fremmøde). Ret tallene, eller ret fremmødet på fremmødesiden.",
                    "Der er afgivet %(votes)s stemmer i alt, men kun %(num)s medlemmer var til "
                    "stede ved punktet (efter afbud, stedfortrædere og det registrerede "
                    "fremmøde). Ret tallene, eller ret fremmødet på fremmødesiden.",
                    present,
                    votes=votes_for + votes_against + votes_abstaining,
                ),
            ) from invalid
        raise Refused("votes_for", _("Antal stemmer kan ikke være negativt.")) from invalid
    return result


def save_item_minutes(
    item: AgendaItem,
    *,
    version: int | None,
    decision: str,
    votes_for: int | None,
    votes_against: int | None,
    votes_abstaining: int | None,
    chair_vote: ChairVote | None,
    present: int,
    by: Person,
    now: datetime,
) -> ItemMinutes:
    """Record the decision on one item and its vote. `version` is the one the editor started
    from (None: no minutes yet); when someone else saved since, the save is refused."""
    meeting = item.meeting
    if meeting.cancelled_at is not None:
        raise Refused("", _("Mødet er aflyst, så der skrives ikke referat."))
    minutes = item.minutes
    if (minutes.version if minutes else None) != version:
        raise MinutesChanged()
    votes = (votes_for, votes_against, votes_abstaining)
    result = check_votes(votes, chair_vote, present)
    if result is not None:
        votes = tuple(count or 0 for count in votes)  # type: ignore[assignment]
    before = audit.snapshot(minutes) if minutes else None
    if minutes is None:
        minutes = ItemMinutes(item=item)
        db.session.add(minutes)
    minutes.decision = clean_text(decision)
    minutes.votes_for, minutes.votes_against, minutes.votes_abstaining = votes
    # The chair's vote decides a tie and only a tie (rule 3.7); elsewhere it is not kept.
    minutes.chair_vote = chair_vote if result is not None and result.tie else None
    minutes.updated_at = now
    minutes.updated_by_id = by.id
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):
        # Another save got in between the check above and this write: its row stands.
        db.session.rollback()
        raise MinutesChanged() from None
    audit.record(
        "minutes.saved",
        minutes,
        before=before,
        after=audit.snapshot(minutes),
        council_id=item.council_id,
        actor_id=by.id,
    )
    return minutes


# --- publishing (rules 3.4, 3.9) -------------------------------------------------------------


@dataclass(frozen=True)
class PublishedMinutes:
    publication: Publication
    told: int  # members and attending substitutes notified


def publication_problems(meeting: Meeting, pending: MinutesDraft, now: datetime) -> list[str]:
    """Why the minutes cannot go out now (empty: they can)."""
    if meeting.cancelled_at is not None:
        return [_("Mødet er aflyst, så der offentliggøres ikke referat.")]
    problems = []
    if now < meeting.starts_at:
        problems.append(_("Referatet kan offentliggøres, når mødet er begyndt."))
    if meeting.agenda_published_at is None:
        problems.append(_("Dagsordenen er ikke udsendt endnu."))
    items = pending.content["items"]
    if not items:
        problems.append(_("Dagsordenen har ingen punkter."))
    missing = [str(item["number"]) for item in items if not (item["minutes"] or {}).get("decision")]
    if missing:
        problems.append(
            ngettext(
                "Punkt %(numbers)s mangler en beslutning (regel 3.4).",
                "Punkterne %(numbers)s mangler en beslutning (regel 3.4).",
                len(missing),
                numbers=", ".join(missing),
            )
        )
    if pending.unchanged and pending.current is not None:
        problems.append(
            _(
                "Intet er ændret siden version %(version)s, som allerede er offentliggjort.",
                version=pending.current.version,
            )
        )
    return problems


def publish_minutes(meeting: Meeting, *, by: Person, now: datetime) -> PublishedMinutes:
    """Rule 3.4: the minutes are published; members and the substitutes who attended are
    told. Publishing again after a correction makes the next version with its change list."""
    # Lock the meeting first: of two clicks on "Offentliggør", the second finds the first's
    # version (PostgreSQL; SQLite runs one writer at a time). publish() locks it again.
    db.session.execute(
        select(Meeting.id).where(Meeting.id == meeting.id).with_for_update()
    ).scalar_one()
    attendance = meeting_attendance(meeting)
    pending = draft(meeting, attendance)
    problems = publication_problems(meeting, pending, now)
    if problems:
        raise Refused("", " ".join(problems))
    publication = publish(meeting, PublicationKind.MINUTES, pending.content, by=by, now=now)
    return PublishedMinutes(publication, notify_readers(meeting, publication, attendance))


def notify_readers(
    meeting: Meeting, publication: Publication, attendance: MeetingAttendance
) -> int:
    """Members read the minutes in the portal; the substitutes who attended lose access to
    the meeting's material once the minutes are out (rule 3.0), so they get the public page.
    The e-mail leaves the portal: closed items are named by number only."""
    from portal.agendas.queries import member_recipients
    from portal.policy import today

    corrected = publication.version > 1
    if corrected:
        subject = _("Rettet referat fra mødet %(when)s", when=when(meeting))
        body = _(
            "Referatet af %(council)ss møde %(when)s, %(place)s, er rettet (version %(version)s).",
            council=meeting.council.name,
            when=when(meeting),
            place=meeting.location,
            version=publication.version,
        )
        lines = public_change_lines(publication.changes)
        if lines:
            body += "\n" + _("Det er ændret:") + "\n" + "\n".join(f"– {line}" for line in lines)
    else:
        subject = _("Referat fra mødet %(when)s", when=when(meeting))
        body = _(
            "Referatet af %(council)ss møde %(when)s, %(place)s, er offentliggjort.",
            council=meeting.council.name,
            when=when(meeting),
            place=meeting.location,
        )
    members = member_recipients(meeting, today())
    notify(
        members,
        NoticeKind.MINUTES_PUBLISHED,
        subject=subject,
        body=body + "\n" + _("Læs referatet i portalen."),
        link=f"/moeder/{meeting.id}/referat",
        council=meeting.council,
        meeting=meeting,
    )
    member_ids = {person.id for person in members}
    substitutes = [
        seat.call_in.substitute
        for seat in attendance.seats
        if seat.call_in is not None
        and seat.call_in.answer is CallInAnswer.ATTENDING
        and seat.call_in.substitute_id not in member_ids
    ]
    notify(
        substitutes,
        NoticeKind.MINUTES_PUBLISHED,
        subject=subject,
        body=body + "\n" + _("Læs referatet på rådets offentlige side."),
        link=f"/kkr/{meeting.council.slug}/moeder/{meeting.id}/referat",
        council=meeting.council,
        meeting=meeting,
    )
    return len(members) + len({person.id for person in substitutes})
