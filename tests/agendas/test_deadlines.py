"""Rules 3.2 and 3.3 when the agenda goes out: staff are warned, and name the proposals, while
timely proposals await a decision or members may still propose; the practical send-out day
(the last working day on or before the deadline) is shown; warnings count working days."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from portal.agendas import operations
from portal.agendas.models import Publication
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.proposals import operations as proposals
from portal.proposals.models import ProposalStatus
from portal.refusal import Refused
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.agendas.scene import CONFIRM, HTMX, Scene, build_scene, make_item, text
from tests.conftest import sign_in
from tests.factories import make_meeting
from tests.proposals.scene import submitted


def cph(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


def published(meeting: Meeting) -> list[Publication]:
    return list(db.session.scalars(select(Publication).where(Publication.meeting_id == meeting.id)))


def test_rule_3_2_publishing_with_timely_proposals_pending_warns_and_names_them(
    client, scene: Scene
):
    make_item(scene.meeting)
    proposal = submitted(scene.member, scene.meeting, title="Fælles busplan")
    sign_in(client, scene.staff)
    form = text(client.get(scene.staff_url("/udsend")))
    assert "Fælles busplan" in form and scene.member.name in form
    assert "Fristen for forslag er ikke udløbet" in form  # 30 days ahead: still open
    assert f'name="acknowledged" type="hidden" value="{proposal.id}"' in form

    refused = client.post(scene.staff_url("/udsend"), headers=HTMX)
    assert refused.status_code == 422
    body = text(refused)
    assert "1 rettidigt forslag er hverken sat på dagsordenen eller returneret" in body
    assert f"»Fælles busplan« fra {scene.member.name}" in body
    assert "Bekræft, at dagsordenen skal udsendes alligevel." in body
    assert published(scene.meeting) == []

    response = client.post(
        scene.staff_url("/udsend"), data={**CONFIRM, "acknowledged": str(proposal.id)}
    )
    assert response.status_code == 303
    assert len(published(scene.meeting)) == 1
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "agenda.published_with_proposals_open")
    ).one()
    assert entry.after["pending_proposal_ids"] == [proposal.id]
    assert entry.after["proposal_window_closes"] is not None


def test_rule_3_2_a_proposal_that_came_in_after_the_page_was_shown_asks_again(client, scene: Scene):
    make_item(scene.meeting)
    first = submitted(scene.member, scene.meeting, title="Første forslag")
    sign_in(client, scene.staff)
    client.get(scene.staff_url("/udsend"))
    second = submitted(scene.neighbour.person, scene.meeting, title="Andet forslag")
    reason = "Bilag fra Movia kom sent."
    refused = client.post(
        scene.staff_url("/udsend"),
        data={**CONFIRM, "acknowledged": str(first.id), "late_reason": reason},
    )
    assert refused.status_code == 422
    page = text(refused)
    assert "»Andet forslag«" in page and "»Første forslag«" in page
    assert f'value="{first.id},{second.id}"' in page  # the new list to confirm
    assert published(scene.meeting) == []


def test_rule_3_2_the_operation_refuses_without_a_confirmation_and_names_the_window(
    scene: Scene,
):
    make_item(scene.meeting)
    with pytest.raises(operations.ProposalsPending) as refused:
        operations.publish_agenda(scene.meeting, by=scene.staff, now=utcnow())
    assert refused.value.field == "confirm_pending"
    assert "kan stille forslag til mødet indtil" in refused.value.message
    assert refused.value.warning.ids == []
    operations.publish_agenda(scene.meeting, by=scene.staff, now=utcnow(), acknowledged=[])
    assert len(published(scene.meeting)) == 1


def test_rule_3_2_no_warning_once_the_window_closed_and_every_proposal_is_decided(
    client, app: Flask
):
    scene = build_scene(days_ahead=12)
    make_item(scene.meeting)
    written = utcnow() - timedelta(days=3)
    placed = proposals.create_proposal(
        scene.meeting,
        by=scene.member,
        form_token="placed",
        text=proposals.ProposalText("Sat på", "Forslaget.", "Regionalt."),
        uploads=[],
        now=written,
    )
    proposals.submit_proposal(placed, by=scene.member, now=written)
    proposals.place_on_agenda(
        placed, version=placed.version, by=scene.staff, now=written + timedelta(hours=1)
    )
    db.session.commit()
    assert not operations.proposal_warning(scene.meeting, utcnow() + timedelta(days=3))
    # 12 days ahead, the window is still open today: closed three days from now.
    assert operations.proposal_warning(scene.meeting, utcnow()).window_closes is not None
    assert placed.status is ProposalStatus.PLACED


def test_rule_3_2_a_late_draft_or_another_meetings_proposal_is_not_pending(scene: Scene):
    submitted(scene.outsider.person, scene.other_meeting)  # another council's meeting
    later = make_meeting(scene.council, days_ahead=60)
    submitted(scene.member, later)
    assert operations.proposal_warning(scene.meeting, utcnow()).pending == []


def test_rule_3_3_the_easter_meeting_shows_the_practical_send_out_day(client, scene: Scene):
    # Meeting Monday 5 April 2027: the deadline is 2. påskedag, the practical day Wednesday
    # 24 March; the proposal deadline is langfredag.
    easter = make_meeting(scene.council, starts_at=cph(date(2027, 4, 5), 10))
    sign_in(client, scene.staff)
    builder = text(client.get(scene.staff_url(meeting=easter)))
    assert "Frist for udsendelse (regel 3.3): mandag 29. marts 2027." in builder
    assert (
        "Fristen falder på en fridag (anden påskedag): send senest den sidste hverdag før, "
        "onsdag 24. marts 2027." in builder
    )
    listing = text(client.get(f"/kkr/{scene.council.slug}/admin/dagsordener"))
    assert "Fridag: send senest onsdag 24. marts 2027." in listing
    make_item(easter)
    form = text(client.get(scene.staff_url("/udsend", meeting=easter)))
    assert "send senest den sidste hverdag før, onsdag 24. marts 2027" in form
    assert "fredag 26. marts 2027 kl. 23.59 (langfredag)" in form


@pytest.mark.parametrize(
    ("now", "overdue", "near", "left", "over"),
    [
        pytest.param(cph(date(2027, 3, 18)), False, False, 4, 0, id="four-working-days-left"),
        pytest.param(cph(date(2027, 3, 19)), False, True, 3, 0, id="three-left-warns"),
        pytest.param(cph(date(2027, 3, 24)), False, True, 0, 0, id="the-practical-day"),
        pytest.param(cph(date(2027, 3, 26)), False, True, -1, 0, id="langfredag-after-it"),
        pytest.param(cph(date(2027, 3, 29), 23), False, True, -1, 0, id="the-deadline-day"),
        pytest.param(cph(date(2027, 3, 30)), True, False, 0, 1, id="one-working-day-over"),
        pytest.param(cph(date(2027, 4, 3)), True, False, 0, 4, id="saturday-four-over"),
    ],
)
def test_rule_3_3_warnings_count_working_days(
    scene: Scene, now: datetime, overdue: bool, near: bool, left: int, over: int
):
    easter = make_meeting(scene.council, starts_at=cph(date(2027, 4, 5), 10))
    state = operations.deadline_state(easter, now)
    assert state.practical_day == date(2027, 3, 24) and state.moved
    assert (state.overdue, state.near) == (overdue, near)
    assert (state.working_days_left, state.working_days_over) == (left, over)
    assert state.practical_day_passed is (left < 0)


def test_rule_3_3_overdue_by_working_days_is_shown_to_staff(client, app: Flask):
    scene = build_scene(days_ahead=3)  # the deadline was four calendar days ago
    sign_in(client, scene.staff)
    state = operations.deadline_state(scene.meeting, utcnow())
    assert state.overdue and state.working_days_over >= 1
    page = text(client.get(scene.staff_url()))
    assert "Fristen for udsendelse er overskredet med" in page and "hverdag" in page


def test_rule_3_3_late_publication_still_needs_its_reason_with_the_warning_confirmed(
    scene: Scene,
):
    soon = make_meeting(scene.council, days_ahead=3)
    make_item(soon)
    with pytest.raises(Refused) as refused:
        operations.publish_agenda(soon, by=scene.staff, now=utcnow(), acknowledged=[])
    assert refused.value.field == "late_reason"
    operations.publish_agenda(
        soon, by=scene.staff, now=utcnow(), acknowledged=[], late_reason="Syg medarbejder."
    )
    assert published(soon)[0].late_reason == "Syg medarbejder."
