"""Every change to a proposal needs the CSRF token (rules 3.2, security): in the form field
without JavaScript, in the X-CSRFToken header that htmx sends from <body hx-headers>."""

from __future__ import annotations

import re

from portal.agendas.models import AgendaItem
from portal.proposals.models import Proposal, ProposalStatus
from tests.conftest import sign_in
from tests.proposals.scene import HTMX, Scene, count, draft, submitted


def page_token(client, url: str) -> str:  # noqa: ANN001
    page = client.get(url).get_data(as_text=True)
    match = re.search(r'"X-CSRFToken": "([^"]+)"', page)
    assert match, page
    return match.group(1)


def test_rule_3_2_changes_without_the_csrf_token_are_refused(csrf_app, scene: Scene):
    client = csrf_app.test_client()
    proposal = draft(scene.member, scene.meeting, token="kladde")
    placed = submitted(scene.neighbour.person, scene.meeting, title="Andet")
    sign_in(client, scene.member)
    data = {"meeting_id": scene.meeting.id, "title": "T", "body": "B", "justification": "J"}
    assert client.post("/forslag/nyt", data={**data, "form_token": "x"}).status_code == 400
    for action in ("indsend", "traek-tilbage", "ret", "flyt"):
        assert client.post(f"/forslag/{proposal.id}/{action}", data=data).status_code == 400
    assert client.post("/forslag/valider?felt=title", data={"title": "T"}).status_code == 400
    assert count(Proposal) == 2 and proposal.status is ProposalStatus.DRAFT

    # With the token from the page's htmx header, the same submit goes through.
    token = page_token(client, f"/forslag/{proposal.id}")
    response = client.post(
        f"/forslag/{proposal.id}/indsend", headers={**HTMX, "X-CSRFToken": token}
    )
    assert response.status_code == 204 and proposal.status is ProposalStatus.SUBMITTED

    sign_in(client, scene.staff)
    base = f"/kkr/sjaelland/admin/forslag/{placed.id}"
    for action in ("behandl", "placer", "returner"):
        response = client.post(f"{base}/{action}", data={"version": placed.version})
        assert response.status_code == 400
    assert placed.status is ProposalStatus.SUBMITTED and count(AgendaItem) == 0
