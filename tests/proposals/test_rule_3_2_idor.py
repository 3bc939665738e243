"""Who reaches which proposal page (rules 3.0, 3.2): every route with every role. A member's
proposal is theirs alone (404 for anyone else, never a 403 that confirms it exists); the
triage pages are for the council's staff and chair (403 for others); another council's
proposal is not there through this council's address, nor this one's through theirs."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.attachments.models import Attachment
from portal.extensions import db
from portal.proposals.models import Proposal, ProposalStatus
from tests.conftest import sign_in
from tests.proposals.scene import HTMX, Scene, draft, submitted, tiny_pdf, upload


@dataclass
class Case:
    proposal: Proposal  # submitted by the scene's member, with a file
    attachment: Attachment
    other: Proposal  # the member's draft, never shown to staff


@pytest.fixture
def case(scene: Scene) -> Case:
    proposal = submitted(scene.member, scene.meeting, files=[upload(tiny_pdf(), "a.pdf")])
    other = draft(scene.member, scene.meeting, token="kladde")
    db.session.commit()
    attachment = db.session.query(Attachment).one()
    return Case(proposal, attachment, other)


def member_routes(case: Case) -> list[tuple[str, str]]:
    p = case.proposal.id
    return [
        ("get", f"/forslag/{p}"),
        ("get", f"/forslag/{p}/ret"),
        ("post", f"/forslag/{p}/ret"),
        ("post", f"/forslag/{p}/indsend"),
        ("post", f"/forslag/{p}/flyt"),
        ("get", f"/forslag/{p}/traek-tilbage"),
        ("post", f"/forslag/{p}/traek-tilbage"),
        ("get", f"/forslag/{p}/bilag/{case.attachment.id}"),
    ]


def staff_routes(case: Case, slug: str = "sjaelland") -> list[tuple[str, str]]:
    p = case.proposal.id
    base = f"/kkr/{slug}/admin"
    return [
        ("get", f"{base}/forslag"),
        ("get", f"{base}/moeder/{case.proposal.meeting_id}/forslag"),
        ("get", f"{base}/forslag/{p}"),
        ("post", f"{base}/forslag/{p}/behandl"),
        ("post", f"{base}/forslag/{p}/placer"),
        ("post", f"{base}/forslag/{p}/returner"),
        ("get", f"{base}/forslag/{p}/bilag/{case.attachment.id}"),
    ]


def call(client, method: str, url: str, **kwargs):  # noqa: ANN001, ANN003, ANN201
    data = None
    if method == "post":
        data = {
            "version": "1",
            "reason": "Ikke regionalt.",
            "not_regional": "y",
            "meeting_id": "1",
            "title": "Overtaget",
            "body": "x",
            "justification": "x",
            "action": "submit",
        }
    return getattr(client, method)(url, data=data, **kwargs)


def untouched(case: Case) -> None:
    db.session.expire_all()
    assert case.proposal.status is ProposalStatus.SUBMITTED
    assert case.proposal.title != "Overtaget" and case.other.status is ProposalStatus.DRAFT


def test_rule_3_2_the_anonymous_are_sent_to_sign_in(client, scene: Scene, case: Case):
    for method, url in [*member_routes(case), *staff_routes(case), ("get", "/forslag")]:
        response = call(client, method, url)
        assert response.status_code == 302, url
        assert response.headers["Location"] == f"/log-ind?next={url}"
        under_htmx = call(client, method, url, headers=HTMX)
        assert under_htmx.status_code == 204 and under_htmx.headers["HX-Redirect"], url
    untouched(case)


@pytest.mark.parametrize("who", ["neighbour", "outsider"])
def test_rule_3_2_another_member_finds_nothing(client, scene: Scene, case: Case, who: str):
    person = scene.neighbour.person if who == "neighbour" else scene.outsider.person
    sign_in(client, person)
    for method, url in member_routes(case):
        assert call(client, method, url).status_code == 404, url
    for method, url in staff_routes(case):
        assert call(client, method, url).status_code == 403, url
    listing = client.get("/forslag").get_data(as_text=True)
    assert case.proposal.title not in listing
    untouched(case)


def test_rule_3_2_staff_of_another_council_see_nothing_of_this_one(
    client, scene: Scene, case: Case
):
    sign_in(client, scene.other_staff)
    for method, url in staff_routes(case):
        assert call(client, method, url).status_code == 403, url
    # Through their own council's address, this council's proposal does not exist.
    for method, url in staff_routes(case, "hovedstaden")[2:]:
        assert call(client, method, url).status_code == 404, url
    own_list = client.get(f"/kkr/hovedstaden/admin/moeder/{scene.meeting.id}/forslag")
    assert own_list.status_code == 404
    for method, url in member_routes(case):
        assert call(client, method, url).status_code == 404, url
    untouched(case)


def test_rule_3_2_staff_see_what_was_submitted_but_not_drafts_nor_the_members_pages(
    client, scene: Scene, case: Case
):
    sign_in(client, scene.staff)
    for method, url in staff_routes(case):
        if method == "get":
            assert call(client, method, url).status_code == 200, url
    draft_url = f"/kkr/sjaelland/admin/forslag/{case.other.id}"
    assert client.get(draft_url).status_code == 404
    assert client.post(f"{draft_url}/placer", data={"version": "1"}).status_code == 404
    for method, url in member_routes(case):
        assert call(client, method, url).status_code == 404, url
    # A file of one proposal through another's address: not there.
    foreign = submitted(scene.neighbour.person, scene.meeting, title="Andet")
    url = f"/kkr/sjaelland/admin/forslag/{foreign.id}/bilag/{case.attachment.id}"
    assert client.get(url).status_code == 404
    untouched(case)


def test_rule_3_2_the_proposer_reaches_their_own_pages(client, scene: Scene, case: Case):
    sign_in(client, scene.member)
    for method, url in member_routes(case):
        if method == "get":
            assert call(client, method, url).status_code == 200, url
    for method, url in staff_routes(case):
        assert call(client, method, url).status_code == 403, url
    missing = f"/forslag/{case.proposal.id}/bilag/{case.attachment.id + 1000}"
    assert client.get(missing).status_code == 404
    assert client.get(f"/forslag/{case.proposal.id + 1000}").status_code == 404
