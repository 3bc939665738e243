"""Reminders from `notifications tick`: due ones given once, however often and however many
ticks run (rules 3.2, 3.3)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.notifications.models import EmailStatus, Notice, NoticeKind, ReminderSent
from portal.reminders import tick
from portal.rules.calendar import COPENHAGEN, proposal_deadline
from tests.conftest import test_settings
from tests.factories import make_council, make_meeting, make_member, make_staff


def cph(*args: int) -> datetime:
    return datetime(*args, tzinfo=COPENHAGEN)


def notices(kind: NoticeKind) -> list[Notice]:
    return list(db.session.scalars(select(Notice).where(Notice.kind == kind)))


def test_rule_3_2_members_are_reminded_three_days_before_the_proposal_deadline(app):
    council = make_council()
    members = [make_member(council).person for _ in range(3)]
    make_staff(council)
    meeting = make_meeting(council, starts_at=cph(2027, 3, 29, 10))  # deadline 19 March
    db.session.commit()

    assert tick(cph(2027, 3, 16, 23, 0)) == 0  # more than 3 days before
    assert tick(cph(2027, 3, 17, 0, 0)) == 3  # now within 3 days
    assert tick(cph(2027, 3, 17, 0, 1)) == 0  # given already
    assert tick(cph(2027, 3, 18, 12, 0)) == 0

    given = notices(NoticeKind.PROPOSAL_DEADLINE)
    assert {n.recipient_id for n in given} == {m.id for m in members}
    notice = given[0]
    assert notice.meeting_id == meeting.id
    assert "fredag 19. marts" in notice.subject and "23.59" in notice.body
    assert notice.email_status is EmailStatus.PENDING


def test_rule_3_2_no_reminder_after_the_deadline_or_for_cancelled_meetings(app):
    council = make_council()
    make_member(council)
    make_meeting(council, starts_at=cph(2027, 3, 29, 10))
    cancelled = make_meeting(council, starts_at=cph(2027, 3, 30, 10))
    cancelled.cancelled_at = datetime(2027, 3, 1, tzinfo=UTC)
    db.session.commit()
    deadline = proposal_deadline(cph(2027, 3, 29, 10))
    assert tick(deadline + timedelta(microseconds=1)) == 0
    assert notices(NoticeKind.PROPOSAL_DEADLINE) == []


def test_rule_3_3_staff_are_reminded_the_working_day_before_the_agenda_must_go_out(app):
    council = make_council()
    staff = make_staff(council)
    make_member(council)
    published = make_meeting(council, starts_at=cph(2027, 4, 12, 10))
    published.agenda_published_at = datetime(2027, 4, 1, tzinfo=UTC)
    make_meeting(council, starts_at=cph(2027, 4, 13, 10))  # agenda deadline Tuesday 6 April
    db.session.commit()

    tick(cph(2027, 4, 2, 12))  # Friday: Monday 5 April is the working day before
    assert notices(NoticeKind.AGENDA_DEADLINE) == []
    tick(cph(2027, 4, 5, 9))
    given = notices(NoticeKind.AGENDA_DEADLINE)
    assert [n.recipient_id for n in given] == [staff.id]
    assert "senest tirsdag 6. april" in given[0].subject


def test_rule_3_3_a_deadline_on_a_day_off_is_reminded_before_the_practical_day(app):
    council = make_council()
    staff = make_staff(council)
    make_member(council)
    # The deadline is 2. påskedag, Monday 29 March 2027: send by Wednesday 24 March.
    make_meeting(council, starts_at=cph(2027, 4, 5, 10))
    db.session.commit()
    tick(cph(2027, 3, 22, 9))
    assert notices(NoticeKind.AGENDA_DEADLINE) == []
    tick(cph(2027, 3, 23, 9))
    [given] = notices(NoticeKind.AGENDA_DEADLINE)
    assert given.recipient_id == staff.id
    assert "senest onsdag 24. marts" in given.subject and "fridag" in given.body


def test_ticks_at_once_on_postgresql_give_each_reminder_once(database_url: str):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent ticks are a PostgreSQL matter (SQLite serialises writers)")
    app = create_app(test_settings(database_url))
    with app.app_context():
        council = make_council()
        for _ in range(10):
            make_member(council)
        make_meeting(council, starts_at=cph(2027, 3, 29, 10))
        db.session.commit()
        db.session.remove()

    now = cph(2027, 3, 17, 8)
    barrier = threading.Barrier(4)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        with app.app_context():
            barrier.wait()
            try:
                results.append(tick(now))
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Notice))
        reminders = db.session.scalar(select(func.count()).select_from(ReminderSent))
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()
    assert errors == []
    assert len(results) == 4 and sum(results) == 10
    assert count == 10 and reminders == 10


def test_tick_command_prints_how_many_were_given(app):
    result = app.test_cli_runner().invoke(args=["notifications", "tick"])
    assert result.exit_code == 0
    assert "reminders given: 0" in result.output
