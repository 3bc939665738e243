"""A valid form for every POST route of the member and public side (absences, leave,
notifications, proposals, demo, auth, public, agendas, minutes, meetings), for
tests/security/test_one_hostile_field.py: each field in turn is made hostile there.

`prepare` adds what these routes need beside the fuzz world (an agenda being built, corrected
minutes, a late draft, a leave awaiting the council, a calendar feed, an e-mail given up)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from portal.absences.models import Absence
from portal.agendas import operations as agenda_operations
from portal.agendas.models import AgendaItem, ItemMinutes
from portal.attachments.models import Attachment
from portal.councils.models import CouncilOffice, Membership, MembershipKind, Person
from portal.extensions import db
from portal.leave import operations as leave_operations
from portal.leave.models import Leave, LeaveKind
from portal.meeting_requests.models import MeetingRequest
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications import operations as notice_operations
from portal.notifications.forms import CHOOSABLE_KINDS, INBOX_ONLY
from portal.notifications.models import EmailStatus, Notice
from portal.participants import operations as participant_operations
from portal.proposals import operations as proposal_operations
from portal.proposals.models import Proposal
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_person
from tests.proposals.scene import draft, tiny_pdf
from tests.security.test_form_fuzz import World


@dataclass(frozen=True)
class ValidPost:
    """How to post one route with every field valid. `data` is called right before each post
    (inside the app context, on the state the valid post saw), so it may read a version or a
    fresh form token. A button without fields returns {} (or only untouchable fields): it is
    then posted as it is and with an extra hostile field. The value of a `files` field in
    `data` is replaced by a small PDF for each post."""

    who: Callable[[World], Person | None]  # who posts (None: anonymous)
    data: Callable[[World], dict[str, Any]]  # a valid form, built inside the app context
    url_values: Callable[[World], dict[str, Any]] | None = None  # URL ids if not world.ids
    files: tuple[str, ...] = ()  # file upload fields: hostile file names, not hostile text
    # Fields not to mutate (tokens, versions), with a comment why; "version" also stands for a
    # prefixed field ("item-<id>-version").
    untouchable: tuple[str, ...] = ()
    query_string: dict[str, str] | None = None  # for a route that reads the URL's query too


def member(world: World) -> Person:
    return world.member


def staff(world: World) -> Person:
    return world.staff


def anonymous(world: World) -> None:
    return None


def person(key: str) -> Callable[[World], Person]:
    """The person whose id `prepare` stored under `key`."""
    return lambda world: db.session.get(Person, world.ids[key])  # type: ignore[return-value]


def ids(**keys: str) -> Callable[[World], dict[str, Any]]:
    """URL values from world.ids: ids(meeting_id="agenda_meeting_id")."""
    return lambda world: {name: world.ids[key] for name, key in keys.items()}


def form_token(path: str, who: Person) -> str:
    """The one-time token a form page hands out (a double-clicked save stores one row)."""
    client = current_app.test_client()
    sign_in(client, who)
    page = client.get(path).get_data(as_text=True)
    found = re.search(r'name="form_token" type="hidden" value="([^"]+)"', page)
    assert found, path
    return found.group(1)


def today() -> date:
    return utcnow().astimezone(COPENHAGEN).date()


def working_day(days_ahead: int) -> date:
    day = today() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def local_day(meeting_id: int) -> str:
    meeting = db.session.get(Meeting, meeting_id)
    return meeting.starts_at.astimezone(COPENHAGEN).date().isoformat()  # type: ignore[union-attr]


def version_of(model: type, key: str) -> Callable[[World], str]:
    return lambda world: str(db.session.get(model, world.ids[key]).version)  # type: ignore[union-attr]


def proposal_version(world: World) -> str:
    return version_of(Proposal, "proposal_id")(world)


def proposal_text(title: str) -> dict[str, str]:
    return {
        "title": title,
        "body": "Rådet drøfter en fælles plan for busruterne.",
        "justification": "Ruterne krydser kommunegrænserne i hele regionen.",
    }


def minutes_form(world: World) -> dict[str, str]:
    item_id = world.ids["minutes_item_id"]
    minutes = db.session.scalar(select(ItemMinutes).where(ItemMinutes.agenda_item_id == item_id))
    assert minutes is not None
    prefix = f"item-{item_id}-"
    return {
        prefix + "decision": "Rådet tiltrådte indstillingen med bemærkninger.",
        prefix + "votes_for": "9",
        prefix + "votes_against": "2",
        prefix + "votes_abstaining": "1",
        prefix + "chair_vote": "",
        prefix + "version": str(minutes.version),
    }


VALID_POSTS: dict[str, ValidPost] = {
    # --- public, sign-in and the demo ---
    "public.choose_language": ValidPost(anonymous, lambda w: {"lang": "en", "next": "/moeder"}),
    "auth.sign_out": ValidPost(member, lambda w: {}),
    "demo.sign_in_as": ValidPost(anonymous, lambda w: {"person_id": str(w.member.id)}),
    # --- absences (rule 3.9) and the substitute's answer (rule 1.8) ---
    "absences.register_absence": ValidPost(
        member,
        lambda w: {"call_substitute": "y", "reason": "holiday"},
        url_values=ids(meeting_id="agenda_meeting_id"),
    ),
    "absences.cancel_absence": ValidPost(
        member, lambda w: {}, url_values=ids(meeting_id="absence_meeting_id")
    ),
    "absences.answer_call_in": ValidPost(lambda w: w.substitute, lambda w: {"answer": "attending"}),
    "absences.register_absence_for_member": ValidPost(
        staff,
        lambda w: {"call_substitute": "y"},
        url_values=ids(meeting_id="agenda_meeting_id", membership_id="membership_id"),
    ),
    "absences.cancel_absence_for_member": ValidPost(
        staff,
        lambda w: {},
        url_values=ids(meeting_id="absence_meeting_id", membership_id="membership_id"),
    ),
    # Rule 1.5: participants from KL's board and committees, and who of them came.
    "participants.list_participants": ValidPost(
        staff,
        lambda w: {
            "person_id": str(w.ids["participant_person_id"]),
            "basis": "Medlem af KL's bestyrelse",
            "starts_on": today().isoformat(),
        },
    ),
    "participants.end_participation": ValidPost(staff, lambda w: {"ends_on": today().isoformat()}),
    "participants.record_participant_attendance": ValidPost(
        staff,
        lambda w: {"came": "yes"},
        url_values=ids(meeting_id="minutes_meeting_id", participation_id="participation_id"),
    ),
    # Rule 3.9 on the day: who actually attended (a meeting that has been held).
    "absences.record_attendance": ValidPost(
        staff,
        lambda w: {"attended_by": "member", "first_item": "", "last_item": ""},
        url_values=ids(meeting_id="minutes_meeting_id", membership_id="membership_id"),
    ),
    # --- long leave and requests for an extraordinary meeting ---
    "leave.register_leave": ValidPost(
        member,
        lambda w: {
            "membership_id": str(w.ids["membership_id"]),
            "kind": "relief",
            "starts_on": (today() + timedelta(days=10)).isoformat(),
            "ends_on": (today() + timedelta(days=130)).isoformat(),
        },
    ),
    "leave.cancel_leave": ValidPost(
        lambda w: db.session.get(Leave, w.ids["leave_id"]).membership.person,  # type: ignore[union-attr]
        lambda w: {},
    ),
    "leave.list_council_leaves": ValidPost(
        staff,
        lambda w: {
            "membership_id": str(w.ids["staff_leave_membership_id"]),
            "kind": "prevented",
            "starts_on": (today() + timedelta(days=20)).isoformat(),
            "ends_on": (today() + timedelta(days=140)).isoformat(),
        },
    ),
    "leave.decide_leave": ValidPost(
        staff, lambda w: {"decision": "approved"}, url_values=ids(leave_id="pending_leave_id")
    ),
    "leave.cancel_council_leave": ValidPost(staff, lambda w: {}),
    "meeting_requests.list_requests": ValidPost(
        member,
        lambda w: {
            "council_id": str(w.council.id),
            "subject": "Trafikplanen for hele regionen skal drøftes før sommer.",
        },
    ),
    "meeting_requests.sign_request": ValidPost(person("signer_id"), lambda w: {}),
    "meeting_requests.withdraw_signature": ValidPost(
        lambda w: db.session.get(MeetingRequest, w.ids["request_id"]).started_by,  # type: ignore[union-attr]
        lambda w: {},
    ),
    "meeting_requests.call_meeting": ValidPost(
        staff,
        lambda w: {
            "day": working_day(170).isoformat(),
            "clock": "14:00",
            "location": "Sorø Rådhus, Rådhusvej 8",
        },
    ),
    "meeting_requests.close_request": ValidPost(
        staff, lambda w: {"reason": "Sagen kommer på det ordinære møde i januar."}
    ),
    # --- notices, e-mail choices and the calendar feed ---
    "notifications.mark_notice_read": ValidPost(member, lambda w: {"side": "1"}),
    "notifications.mark_all_notices_read": ValidPost(member, lambda w: {"side": "1"}),
    "notifications.edit_settings": ValidPost(
        member, lambda w: {kind.value: INBOX_ONLY for kind in CHOOSABLE_KINDS}
    ),
    "notifications.create_calendar_feed": ValidPost(member, lambda w: {}),
    "notifications.revoke_calendar_feed": ValidPost(person("feed_owner_id"), lambda w: {}),
    "notifications.retry_email": ValidPost(
        staff, lambda w: {}, url_values=ids(notice_id="dead_notice_id")
    ),
    # --- proposals (rule 3.2) ---
    "proposals.new_proposal": ValidPost(
        member,
        lambda w: {
            "form_token": form_token("/forslag/nyt", w.member),
            "meeting_id": str(w.ids["open_meeting_id"]),
            **proposal_text("Fælles busruter på tværs"),
            "action": "submit",
            "attachments": "a file",
        },
        files=("attachments",),
        # One token per form shown: another token is another proposal, not hostile input.
        untouchable=("form_token",),
    ),
    "proposals.edit_proposal": ValidPost(
        member,
        lambda w: {
            "meeting_id": str(db.session.get(Proposal, w.ids["proposal_id"]).meeting_id),  # type: ignore[union-attr]
            **proposal_text("Fælles busruter, rettet"),
            "action": "save",
            "attachments": "a file",
        },
        files=("attachments",),
    ),
    "proposals.validate_proposal_field": ValidPost(
        member,
        lambda w: {
            "meeting_id": str(w.ids["open_meeting_id"]),
            **proposal_text("Fælles busruter på tværs"),
        },
        query_string={"felt": "title"},
    ),
    "proposals.submit_proposal": ValidPost(
        member, lambda w: {}, url_values=ids(proposal_id="draft_proposal_id")
    ),
    "proposals.move_proposal": ValidPost(
        member,
        lambda w: {"meeting_id": str(w.ids["open_meeting_id"])},
        url_values=ids(proposal_id="late_proposal_id"),
    ),
    "proposals.withdraw_proposal": ValidPost(member, lambda w: {}),
    "proposals.begin_handling": ValidPost(
        staff,
        lambda w: {"version": proposal_version(w)},
        untouchable=("version",),  # another version is someone else's change: refused as such
    ),
    "proposals.place_proposal": ValidPost(
        staff, lambda w: {"version": proposal_version(w)}, untouchable=("version",)
    ),
    "proposals.return_proposal": ValidPost(
        staff,
        lambda w: {
            "version": proposal_version(w),
            "reason": "Emnet angår kun én kommune og hører til byrådet.",
            "not_regional": "y",
        },
        untouchable=("version",),
    ),
    # --- the meeting plan (rule 3.1) ---
    "meetings.plan_meeting": ValidPost(
        staff,
        lambda w: {
            "kind": "ordinary",
            "day": working_day(150).isoformat(),
            "clock": "10:00",
            "location": "Holbæk Rådhus, Kanalstræde 2",
        },
    ),
    "meetings.change_meeting": ValidPost(
        staff,
        lambda w: {
            "kind": "ordinary",
            "day": local_day(w.ids["agenda_meeting_id"]),
            "clock": "13:30",
            "location": "Næstved Rådhus, Teatergade 8",
        },
        url_values=ids(meeting_id="agenda_meeting_id"),
    ),
    "meetings.cancel_meeting": ValidPost(
        staff,
        lambda w: {"reason": "Der er ingen punkter til mødet, og formanden aflyser det."},
        url_values=ids(meeting_id="agenda_meeting_id"),
    ),
    # --- building and publishing the agenda (rules 3.0, 3.3, 3.6) ---
    "agendas.add_item": ValidPost(
        staff,
        lambda w: {
            "title": "Klimatilpasning langs kysten",
            "presentation": "Kommunerne koordinerer digerne.",
            "recommendation": "Det indstilles, at rådet drøfter sagen.",
            "closed": "y",
            "attachments": "a file",
        },
        url_values=ids(meeting_id="agenda_meeting_id"),
        files=("attachments",),
    ),
    "agendas.edit_item": ValidPost(
        staff,
        lambda w: {
            "title": "Kollektiv trafik, rettet",
            "presentation": "Sagsfremstillingen er rettet.",
            "recommendation": "Det indstilles, at rådet godkender planen.",
            "closed": "y",
            "attachments": "a file",
            "version": version_of(AgendaItem, "agenda_item_id")(w),
        },
        url_values=ids(meeting_id="agenda_meeting_id", item_id="agenda_item_id"),
        files=("attachments",),
        untouchable=("version",),  # another version is someone else's save: a conflict page
    ),
    "agendas.remove_item": ValidPost(
        staff,
        lambda w: {},
        url_values=ids(meeting_id="agenda_meeting_id", item_id="agenda_item_id"),
    ),
    "agendas.remove_attachment": ValidPost(
        staff,
        lambda w: {},
        url_values=ids(
            meeting_id="agenda_meeting_id",
            item_id="agenda_item_id",
            attachment_id="agenda_attachment_id",
        ),
    ),
    "agendas.reorder_items": ValidPost(
        staff,
        lambda w: {
            "order": [str(w.ids["agenda_item_id"]), str(w.ids["agenda_second_item_id"])],
            "move": f"down:{w.ids['agenda_item_id']}",
        },
        url_values=ids(meeting_id="agenda_meeting_id"),
    ),
    "agendas.share_agenda": ValidPost(
        staff, lambda w: {"share": "1"}, url_values=ids(meeting_id="agenda_meeting_id")
    ),
    "agendas.publish_agenda": ValidPost(
        staff,
        lambda w: {
            "late_reason": "Bilagene kom sent fra kommunerne.",
            # Rule 3.2: staff confirm the proposals pending and the open proposal window.
            "confirm_pending": "y",
            "acknowledged": pending_proposal_ids(w),
        },
        url_values=ids(meeting_id="agenda_meeting_id"),
    ),
    # --- the minutes (rules 3.4, 3.7) ---
    "minutes.save_item_minutes": ValidPost(
        staff,
        minutes_form,
        url_values=ids(meeting_id="minutes_meeting_id", item_id="minutes_item_id"),
        # Another version is someone else's save: refused as a conflict, not as bad input.
        untouchable=("version",),
    ),
    "minutes.publish_minutes": ValidPost(
        staff, lambda w: {}, url_values=ids(meeting_id="minutes_meeting_id")
    ),
}


def pending_proposal_ids(world: World) -> str:
    """The timely proposals awaiting a decision for the agenda being built, as the publish
    page lists them for staff to confirm (rule 3.2)."""
    meeting = db.session.get(Meeting, world.ids["agenda_meeting_id"])
    warning = agenda_operations.proposal_warning(meeting, utcnow())
    return ",".join(str(proposal_id) for proposal_id in warning.ids)


def _seats(world: World) -> list[Membership]:
    return list(
        db.session.scalars(
            select(Membership)
            .where(
                Membership.council_id == world.council.id,
                Membership.office == CouncilOffice.MEMBER,
            )
            .order_by(Membership.id)
        )
    )


def prepare(world: World) -> None:
    """Creates the extra objects the member-side routes need (their ids into world.ids)."""
    now = utcnow()
    future = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.council_id == world.council.id,
            Meeting.starts_at > now,
            Meeting.kind == MeetingKind.ORDINARY,
            Meeting.cancelled_at.is_(None),
        )
        .order_by(Meeting.starts_at)
    ).all()
    world.ids["open_meeting_id"] = next(
        m.id for m in future if proposal_operations.takes_proposals(m, now)
    )

    # An agenda being built: a later meeting with two items, one with a file.
    agenda_meeting = next((m for m in future if m.agenda_published_at is None), None)
    assert agenda_meeting is not None, "a future ordinary meeting whose agenda is not out"
    items = [
        agenda_operations.add_item(
            agenda_meeting,
            title=title,
            presentation="Sagsfremstillingen.",
            recommendation="Det indstilles, at rådet drøfter sagen.",
            closed=False,
            uploads=uploads,
            by=world.staff,
            now=now,
        )
        for title, uploads in [
            ("Kollektiv trafik", [FileStorage(io.BytesIO(tiny_pdf()), filename="plan.pdf")]),
            ("Sundhedsaftalen", []),
        ]
    ]
    world.ids["agenda_meeting_id"] = agenda_meeting.id
    world.ids["agenda_item_id"], world.ids["agenda_second_item_id"] = (i.id for i in items)
    world.ids["agenda_attachment_id"] = db.session.scalar(
        select(Attachment.id).where(Attachment.agenda_item_id == items[0].id)
    )

    # Published minutes with a correction since: they can go out again.
    minutes = db.session.scalars(
        select(ItemMinutes)
        .join(AgendaItem)
        .join(Meeting)
        .where(Meeting.council_id == world.council.id, Meeting.minutes_published_at.is_not(None))
        .order_by(Meeting.starts_at.desc(), AgendaItem.position, AgendaItem.id)
    ).first()
    assert minutes is not None, "published minutes"
    minutes.decision += " Rettet efter mødet."
    world.ids["minutes_meeting_id"] = minutes.item.meeting_id
    world.ids["minutes_item_id"] = minutes.agenda_item_id

    # The member's own absence from the fuzz world, to cancel.
    seats = _seats(world)
    seat = next(s for s in seats if s.person_id == world.member.id)
    absence = db.session.scalar(
        select(Absence)
        .join(Meeting)
        .where(
            Absence.membership_id == seat.id,
            Absence.cancelled_at.is_(None),
            Meeting.starts_at > now,
        )
        .order_by(Meeting.starts_at)
    )
    assert absence is not None
    world.ids["absence_meeting_id"] = absence.meeting_id

    # A group-elected member's leave awaits the council; another member has none yet.
    others = [
        s for s in seats if s.person_id != world.member.id and s.kind is not MembershipKind.MAYOR
    ]
    pending = leave_operations.register_leave(
        others[0],
        LeaveKind.PREVENTED,
        today() + timedelta(days=30),
        today() + timedelta(days=150),
        by=world.staff,
        by_staff=True,
        now=now,
    )
    assert pending.decided_at is None, "a leave awaiting the council"
    world.ids["pending_leave_id"] = pending.id
    world.ids["staff_leave_membership_id"] = others[1].id

    # Rule 1.5: one participant to end and note, one councillor of the region to register.
    region = [s.municipality for s in seats]
    world.ids["participation_id"] = participant_operations.add_participation(
        world.council,
        make_person(municipality=region[0]),
        "Medlem af KL's bestyrelse",
        today() - timedelta(days=60),
        by=world.staff,
        now=now,
    ).id
    world.ids["participant_person_id"] = make_person(municipality=region[1]).id
    world.ids["signer_id"] = others[1].person_id

    # A draft to submit, and a late draft (its meeting is past) to move to an open meeting.
    open_meeting = db.session.get(Meeting, world.ids["open_meeting_id"])
    world.ids["draft_proposal_id"] = draft(world.member, open_meeting, title="Kladde").id
    past = db.session.get(Meeting, world.ids["minutes_meeting_id"])
    written = proposal_operations.deadline_of(past) - timedelta(days=5)
    late = draft(world.member, past, title="For sent", now=written)
    world.ids["late_proposal_id"] = late.id

    # A calendar feed to revoke, and an e-mail given up to send again.
    notice_operations.create_calendar_feed(world.member)
    world.ids["feed_owner_id"] = world.member.id
    notice = db.session.get(Notice, world.ids["notice_id"])
    notice.email_status = EmailStatus.DEAD  # type: ignore[union-attr]
    world.ids["dead_notice_id"] = notice.id  # type: ignore[union-attr]
    db.session.commit()
