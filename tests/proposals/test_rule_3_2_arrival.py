"""Rule 3.2: the deadline is judged on the moment the request reached the portal, not on when
it was processed. A request that arrives in the last second and is handled after midnight
(queued behind 32 other members, waiting for the database, parsing its files) is in time."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask

from portal.proposals import arrival, operations
from portal.proposals.models import ProposalStatus
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_meeting, make_member
from tests.proposals.scene import Scene, draft
from tests.proposals.test_rule_3_2_member import form_for, proposal_data, the_proposal


def arriving_at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Requests arrive at `moment`; everything else in them runs on the real clock, which
    is already past the deadline."""
    monkeypatch.setattr(arrival, "utcnow", lambda: moment)


def test_rule_3_2_the_operation_judges_the_moment_it_is_given_not_the_clock(scene: Scene):
    soon = make_meeting(scene.council, days_ahead=5)  # its deadline passed five days ago
    deadline = operations.deadline_of(soon)
    assert utcnow() > deadline  # processed after the deadline ...
    received = deadline - timedelta(milliseconds=100)  # ... of a request received before it
    proposal = draft(scene.member, soon, now=received - timedelta(hours=1))
    assert operations.submit_proposal(proposal, by=scene.member, now=received) is True
    assert proposal.status is ProposalStatus.SUBMITTED
    assert proposal.submitted_at == received


def test_rule_3_2_a_request_that_arrived_in_time_is_in_time_however_late_it_is_handled(
    client, scene: Scene, monkeypatch: pytest.MonkeyPatch
):
    soon = make_meeting(scene.council, days_ahead=5)
    deadline = operations.deadline_of(soon)
    sign_in(client, scene.member)
    arriving_at(monkeypatch, deadline - timedelta(milliseconds=100))
    url = f"/forslag/nyt?moede={soon.id}"
    data = {**form_for(client, url), **proposal_data(scene, meeting_id=soon.id)}
    response = client.post(url, data=data)
    assert response.status_code == 303
    proposal = the_proposal()
    assert proposal.status is ProposalStatus.SUBMITTED
    assert proposal.submitted_at == deadline - timedelta(milliseconds=100)
    assert utcnow() > deadline  # handled on the real clock, long after the deadline


def test_rule_3_2_a_request_that_arrived_after_the_deadline_is_late(
    client, scene: Scene, monkeypatch: pytest.MonkeyPatch
):
    soon = make_meeting(scene.council, days_ahead=5)
    deadline = operations.deadline_of(soon)
    sign_in(client, scene.member)
    proposal = draft(scene.member, soon, now=deadline - timedelta(days=1))
    arriving_at(monkeypatch, deadline + timedelta(microseconds=1))
    response = client.post(f"/forslag/{proposal.id}/indsend")
    assert response.status_code == 422
    assert "udløb" in response.get_data(as_text=True)
    assert proposal.status is ProposalStatus.DRAFT


def test_rule_3_2_the_arrival_is_taken_before_any_other_hook_of_the_request(app: Flask):
    hooks = app.before_request_funcs[None]
    assert hooks[0] is arrival.note_arrival
    assert hooks.count(arrival.note_arrival) == 1


def test_rule_3_2_the_submit_button_judges_the_arrival_too(
    client, scene: Scene, monkeypatch: pytest.MonkeyPatch
):
    soon = make_meeting(scene.council, days_ahead=5)
    deadline = operations.deadline_of(soon)
    proposal = draft(scene.member, soon, now=deadline - timedelta(days=1))
    sign_in(client, scene.member)
    arriving_at(monkeypatch, deadline)  # the deadline's own last instant is in time
    response = client.post(f"/forslag/{proposal.id}/indsend")
    assert response.status_code == 303
    assert proposal.status is ProposalStatus.SUBMITTED
    assert proposal.submitted_at == deadline


def test_rule_3_2_thirty_three_members_in_the_last_second_are_all_in_time(
    client, scene: Scene, monkeypatch: pytest.MonkeyPatch
):
    """Issue #14: 33 members submitting in the deadline's last second, handled one after the
    other well after midnight, were partly saved as late. Each request's own arrival decides."""
    soon = make_meeting(scene.council, days_ahead=5)
    deadline = operations.deadline_of(soon)
    members = [make_member(scene.council).person for _ in range(33)]
    proposals = [draft(person, soon, now=deadline - timedelta(hours=2)) for person in members]
    for number, (person, proposal) in enumerate(zip(members, proposals, strict=True)):
        sign_in(client, person)
        arriving_at(monkeypatch, deadline - timedelta(milliseconds=990 - number * 30))
        assert client.post(f"/forslag/{proposal.id}/indsend").status_code == 303
    assert all(proposal.status is ProposalStatus.SUBMITTED for proposal in proposals)
    assert all(proposal.submitted_at <= deadline for proposal in proposals)
