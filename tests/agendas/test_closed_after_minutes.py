"""Rule 3.4: once the minutes are published the agenda is closed. Staff cannot add an item
(nor place a proposal) on it, the builder does not offer it, and nothing gets stuck waiting
for a "Rettet dagsorden" that can never go out."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.agendas import operations
from portal.agendas.models import AgendaItem
from portal.proposals import operations as proposals
from portal.proposals.models import ProposalStatus
from portal.refusal import Refused
from portal.types import utcnow
from tests.agendas.scene import HTMX, Scene, count, make_item, text
from tests.conftest import sign_in
from tests.factories import make_meeting
from tests.proposals.scene import submitted


def held_with_minutes(scene: Scene) -> None:
    """The scene's meeting, its agenda out and its minutes published."""
    make_item(scene.meeting, "Kollektiv trafik")
    scene.meeting.agenda_published_at = utcnow() - timedelta(days=10)
    scene.meeting.minutes_published_at = utcnow()


def test_rule_3_4_no_item_is_added_once_the_minutes_are_published(client, scene: Scene):
    held_with_minutes(scene)
    sign_in(client, scene.staff)
    builder = text(client.get(scene.staff_url()))
    assert "Referatet er offentliggjort, så dagsordenen er lukket" in builder
    assert "Tilføj punkt" not in builder and "Udsend rettet dagsorden" not in builder
    # An old link to the form is sent back with the reason.
    form = client.get(scene.staff_url("/punkter/nyt"))
    assert form.status_code == 303
    assert "der kan ikke tilføjes punkter" in text(client.get(scene.staff_url()))
    # A post is refused in Danish, with everything typed kept.
    typed = {"title": "Eventuelt efter mødet", "presentation": "Skrevet efter referatet."}
    refused = client.post(scene.staff_url("/punkter/nyt"), data=typed, headers=HTMX)
    assert refused.status_code == 422
    body = text(refused)
    assert "dagsordenen er lukket: der kan ikke tilføjes punkter til den (regel 3.4)" in body
    assert "Eventuelt efter mødet" in body and "Skrevet efter referatet." in body
    assert count(AgendaItem) == 1


def test_rule_3_4_the_operation_refuses_an_item_on_a_closed_agenda(scene: Scene):
    held_with_minutes(scene)
    with pytest.raises(Refused) as refused:
        operations.add_item(
            scene.meeting,
            title="For sent",
            presentation="",
            recommendation="",
            closed=False,
            uploads=[],
            by=scene.staff,
            now=utcnow(),
        )
    assert "regel 3.4" in refused.value.message


def test_rule_3_4_a_timely_proposal_goes_on_the_next_agenda_not_the_closed_one(
    client, scene: Scene
):
    proposal = submitted(scene.member, scene.meeting)
    held_with_minutes(scene)
    following = make_meeting(scene.council, days_ahead=60)
    sign_in(client, scene.staff)
    page = text(client.get(f"/kkr/{scene.council.slug}/admin/forslag/{proposal.id}"))
    assert "dets dagsorden er lukket (regel 3.4)" in page and "det næste ordinære møde" in page
    url = f"/kkr/{scene.council.slug}/admin/forslag/{proposal.id}/placer"
    response = client.post(url, data={"version": proposal.version})
    assert response.status_code == 303
    told = text(client.get(response.headers["Location"]))
    assert "Forslaget er sat på dagsordenen for mødet" in told
    assert proposal.status is ProposalStatus.PLACED
    assert proposal.agenda_item.meeting_id == following.id
    assert proposal.meeting_id == following.id
    assert count(AgendaItem, AgendaItem.meeting_id == scene.meeting.id) == 1


def test_rule_3_4_without_a_coming_meeting_placing_is_refused_in_danish(scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    held_with_minutes(scene)
    with pytest.raises(Refused) as refused:
        proposals.place_on_agenda(proposal, version=proposal.version, by=scene.staff, now=utcnow())
    assert "dagsorden er lukket (regel 3.4)" in refused.value.message
    assert proposal.status is ProposalStatus.SUBMITTED
