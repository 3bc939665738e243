"""Rule 3.2: a returned proposal names who returned it. The chair's decision is worded as the
chair's, by name; the secretariat's as made on the chair's behalf, by name; the role is the
one the person had that day, kept with the decision."""

from __future__ import annotations

from portal.notifications.models import NoticeKind
from portal.proposals import operations
from portal.proposals.models import ProposalHandler, ProposalStatus
from portal.types import utcnow
from tests.conftest import sign_in
from tests.proposals.scene import Scene, notices, submitted

REASON = "Emnet angår kun én kommune."


def give_back(client, scene: Scene, proposal) -> None:  # noqa: ANN001
    url = f"/kkr/{scene.council.slug}/admin/forslag/{proposal.id}/returner"
    data = {"version": proposal.version, "reason": REASON, "not_regional": "y"}
    assert client.post(url, data=data).status_code == 303
    assert proposal.status is ProposalStatus.RETURNED


def test_rule_3_2_the_chair_returns_a_proposal_in_the_chairs_own_name(client, scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    chair = scene.chair.person
    sign_in(client, chair)
    give_back(client, scene, proposal)
    assert proposal.handled_as is ProposalHandler.CHAIR and proposal.handled_by_id == chair.id
    (notice,) = notices(NoticeKind.PROPOSAL_DECIDED)
    assert f"returneret af formanden, {chair.name}, fordi emnet efter formandens vurdering" in (
        notice.body
    )
    assert "sekretariatets vurdering" not in notice.body and REASON in notice.body
    staff_page = client.get(f"/kkr/{scene.council.slug}/admin/forslag/{proposal.id}")
    assert f"formanden, {chair.name}" in staff_page.get_data(as_text=True)
    sign_in(client, scene.member)
    page = client.get(f"/forslag/{proposal.id}").get_data(as_text=True)
    assert f"Det er returneret af formanden, {chair.name}," in page
    assert "sekretariatets vurdering" not in page


def test_rule_3_2_the_secretariat_returns_on_the_chairs_behalf_by_name(client, scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    sign_in(client, scene.staff)
    give_back(client, scene, proposal)
    assert proposal.handled_as is ProposalHandler.SECRETARIAT
    (notice,) = notices(NoticeKind.PROPOSAL_DECIDED)
    assert (
        f"returneret af sekretariatet ({scene.staff.name}) på formandens vegne, fordi emnet "
        "efter sekretariatets vurdering" in notice.body
    )
    sign_in(client, scene.member)
    page = client.get(f"/forslag/{proposal.id}").get_data(as_text=True)
    assert f"sekretariatet ({scene.staff.name}) på formandens vegne" in page


def test_rule_3_2_a_decision_from_before_the_role_was_kept_names_the_person(scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    operations.return_proposal(
        proposal,
        version=proposal.version,
        reason=REASON,
        not_regional=True,
        by=scene.staff,
        now=utcnow(),
    )
    proposal.handled_as = None  # as rows decided before the migration are
    text = operations.returned_by_text(proposal)
    assert f"returneret af {scene.staff.name}, fordi emnet ikke er" in text
    assert "vurdering" not in text


def test_rule_3_2_placing_keeps_the_role_too(scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    operations.place_on_agenda(
        proposal, version=proposal.version, by=scene.chair.person, now=utcnow()
    )
    assert proposal.handled_as is ProposalHandler.CHAIR
