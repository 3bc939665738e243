"""Rule 3.2: a proposal is in time until the end of the day ten days before an ordinary
meeting, Copenhagen time. The operation takes `now`, so the boundary is tested to the tenth of
a second, around both daylight-saving changes, on SQLite and PostgreSQL (the `app` fixture
runs on each)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.extensions import db
from portal.meetings.models import MeetingKind
from portal.notifications.models import NoticeKind
from portal.proposals import operations
from portal.proposals.models import ProposalStatus
from portal.rules.calendar import COPENHAGEN
from tests.factories import make_meeting
from tests.proposals.scene import Scene, at_ten, draft, notices

# (meeting day, the last moment in time in UTC, the first moment too late in UTC)
BOUNDARIES = [
    pytest.param(
        date(2027, 4, 5),
        datetime(2027, 3, 26, 22, 59, 59, 900000, tzinfo=UTC),
        datetime(2027, 3, 26, 23, 0, tzinfo=UTC),
        id="meeting-in-summer-time-deadline-in-winter-time",
    ),
    pytest.param(
        date(2027, 4, 7),
        datetime(2027, 3, 28, 21, 59, 59, 900000, tzinfo=UTC),
        datetime(2027, 3, 28, 22, 0, tzinfo=UTC),
        id="deadline-day-is-the-23-hour-spring-forward-day",
    ),
    pytest.param(
        date(2027, 4, 8),
        datetime(2027, 3, 29, 21, 59, 59, 900000, tzinfo=UTC),
        datetime(2027, 3, 29, 22, 0, tzinfo=UTC),
        id="deadline-day-right-after-spring-forward",
    ),
    pytest.param(
        date(2027, 11, 9),
        datetime(2027, 10, 30, 21, 59, 59, 900000, tzinfo=UTC),
        datetime(2027, 10, 30, 22, 0, tzinfo=UTC),
        id="deadline-day-right-before-the-october-change",
    ),
    pytest.param(
        date(2027, 11, 10),
        datetime(2027, 10, 31, 22, 59, 59, 900000, tzinfo=UTC),
        datetime(2027, 10, 31, 23, 0, tzinfo=UTC),
        id="deadline-day-is-the-25-hour-october-change-day",
    ),
]


@pytest.mark.parametrize(("meeting_day", "last_in_time", "first_too_late"), BOUNDARIES)
def test_rule_3_2_accepted_at_235959_9_and_refused_at_000000_0_across_dst(
    scene: Scene, meeting_day: date, last_in_time: datetime, first_too_late: datetime
):
    deadline_day = meeting_day - timedelta(days=10)
    # The instants as a member in Copenhagen reads them on the clock.
    assert last_in_time.astimezone(COPENHAGEN).replace(tzinfo=None) == datetime.combine(
        deadline_day, datetime.min.time()
    ).replace(hour=23, minute=59, second=59, microsecond=900000)
    assert first_too_late.astimezone(COPENHAGEN).replace(tzinfo=None) == datetime.combine(
        deadline_day + timedelta(days=1), datetime.min.time()
    )
    meeting = make_meeting(scene.council, starts_at=at_ten(meeting_day))
    offer = make_meeting(scene.council, starts_at=at_ten(meeting_day + timedelta(days=60)))
    written = last_in_time - timedelta(days=3)
    in_time = draft(scene.member, meeting, now=written, token="in-time")
    too_late = draft(scene.member, meeting, now=written, token="too-late")

    assert operations.submit_proposal(in_time, by=scene.member, now=last_in_time) is True
    with pytest.raises(operations.LateProposal) as refused:
        operations.submit_proposal(too_late, by=scene.member, now=first_too_late)
    db.session.commit()
    db.session.expire_all()

    assert in_time.status is ProposalStatus.SUBMITTED
    assert in_time.submitted_at == last_in_time  # stored to the microsecond, in UTC
    assert too_late.status is ProposalStatus.DRAFT and too_late.submitted_at is None
    # The refusal offers the next ordinary meeting whose deadline has not passed.
    assert refused.value.offer is not None and refused.value.offer.id == offer.id
    assert "regel 3.2" in refused.value.message and "gemt som kladde" in refused.value.message
    assert len(notices(NoticeKind.PROPOSAL_RECEIPT, scene.member)) == 1


def test_rule_3_2_the_last_microsecond_of_the_day_is_in_time(scene: Scene):
    meeting = make_meeting(scene.council, starts_at=at_ten(date(2027, 6, 15)))
    deadline = operations.deadline_of(meeting)
    assert deadline == datetime(2027, 6, 5, 23, 59, 59, 999999, tzinfo=COPENHAGEN)
    proposal = draft(scene.member, meeting, now=deadline - timedelta(days=1))
    assert operations.submit_proposal(proposal, by=scene.member, now=deadline) is True
    late = draft(scene.member, meeting, now=deadline - timedelta(days=1), token="late")
    with pytest.raises(operations.LateProposal):
        operations.submit_proposal(late, by=scene.member, now=deadline + timedelta(microseconds=1))


def test_rule_3_2_a_late_proposal_without_a_later_meeting_says_so(scene: Scene):
    meeting = make_meeting(scene.council, starts_at=at_ten(date(2030, 3, 1)))
    proposal = draft(scene.member, meeting, now=datetime(2030, 2, 1, tzinfo=UTC))
    with pytest.raises(operations.LateProposal) as refused:
        operations.submit_proposal(proposal, by=scene.member, now=datetime(2030, 2, 25, tzinfo=UTC))
    assert refused.value.offer is None
    assert "Kontakt sekretariatet" in refused.value.message


def test_rule_3_2_the_offer_skips_cancelled_extraordinary_and_closed_meetings(scene: Scene):
    now = datetime(2031, 1, 10, 12, tzinfo=UTC)
    make_meeting(scene.council, starts_at=at_ten(date(2031, 1, 15)))  # deadline passed
    make_meeting(
        scene.council,
        starts_at=at_ten(date(2031, 2, 1)),
        kind=MeetingKind.EXTRAORDINARY,
    )
    cancelled = make_meeting(scene.council, starts_at=at_ten(date(2031, 2, 3)))
    cancelled.cancelled_at = now
    expected = make_meeting(scene.council, starts_at=at_ten(date(2031, 2, 20)))
    make_meeting(scene.other_council, starts_at=at_ten(date(2031, 2, 5)))
    assert operations.next_open_meeting(scene.council.id, now).id == expected.id
