"""Rule 3.2 on holidays: the proposal deadline stays at the end of its day also when that day
is a holiday (5 April 2027: langfredag), and the member is told so rather than left guessing."""

from __future__ import annotations

from datetime import date, datetime

from portal.proposals import operations
from portal.rules.calendar import COPENHAGEN
from tests.conftest import sign_in
from tests.factories import make_meeting
from tests.proposals.scene import Scene, at_ten, draft


def test_rule_3_2_a_deadline_on_langfredag_is_named_and_kept(client, scene: Scene):
    easter = make_meeting(scene.council, starts_at=at_ten(date(2027, 4, 5)))
    deadline = operations.deadline_of(easter)
    assert deadline == datetime(2027, 3, 26, 23, 59, 59, 999999, tzinfo=COPENHAGEN)
    proposal = draft(scene.member, easter, now=datetime(2027, 3, 20, tzinfo=COPENHAGEN))
    sign_in(client, scene.member)
    page = client.get(f"/forslag/{proposal.id}").get_data(as_text=True)
    assert "fredag 26. marts 2027 kl. 23.59" in page
    assert "(langfredag: fristen gælder også på en fridag, regel 3.2)" in page
    assert operations.submit_proposal(proposal, by=scene.member, now=deadline) is True


def test_rule_3_2_an_ordinary_deadline_has_no_holiday_note(client, scene: Scene):
    meeting = make_meeting(scene.council, starts_at=at_ten(date(2030, 3, 4)))  # Fri 22 Feb
    proposal = draft(scene.member, meeting)
    sign_in(client, scene.member)
    page = client.get(f"/forslag/{proposal.id}").get_data(as_text=True)
    assert "fristen gælder også på en fridag" not in page
