"""Rule 3.2 for the secretariat and the chair: the proposals received per meeting, begin
handling, then place each on the agenda or return it with a written reason (only because the
subject is not regional or inter-municipal). The proposer is told either way; every step is in
the history; two staff acting at once never overwrite each other."""

from __future__ import annotations

from sqlalchemy import select, update

from portal.agendas.models import AgendaItem
from portal.attachments.models import Attachment
from portal.extensions import db
from portal.notifications.models import NoticeKind
from portal.proposals import operations
from portal.proposals.models import Proposal, ProposalStatus
from portal.types import utcnow
from tests.conftest import sign_in
from tests.proposals.scene import (
    HTMX,
    Scene,
    count,
    draft,
    notices,
    submitted,
    tiny_pdf,
    upload,
)
from tests.support import QueryCounter


def staff_url(proposal: Proposal, action: str = "") -> str:
    url = f"/kkr/sjaelland/admin/forslag/{proposal.id}"
    return f"{url}/{action}" if action else url


def test_rule_3_2_the_triage_list_shows_what_was_received_per_meeting(client, scene: Scene):
    proposal = submitted(
        scene.member, scene.meeting, files=[upload(tiny_pdf(), "Kort over ruter.pdf")]
    )
    draft(scene.neighbour.person, scene.meeting, title="En kladde", token="kladde")
    db.session.commit()
    sign_in(client, scene.staff)
    page = client.get("/kkr/sjaelland/admin/forslag").get_data(as_text=True)
    assert proposal.title in page and "En kladde" not in page  # a draft is the member's own
    assert scene.member.name in page and scene.seat.municipality.name in page
    assert (
        f'datetime="{proposal.submitted_at.astimezone(operations.COPENHAGEN).isoformat(timespec="minutes")}"'
        in page
    )
    (attachment,) = db.session.scalars(select(Attachment)).all()
    download = f"/kkr/sjaelland/admin/forslag/{proposal.id}/bilag/{attachment.id}"
    assert download in page
    response = client.get(download)
    assert response.status_code == 200 and response.data == tiny_pdf()
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    per_meeting = client.get(f"/kkr/sjaelland/admin/moeder/{scene.meeting.id}/forslag")
    assert proposal.title in per_meeting.get_data(as_text=True)
    empty = client.get(f"/kkr/sjaelland/admin/moeder/{scene.later.id}/forslag")
    assert proposal.title not in empty.get_data(as_text=True)
    assert "0 forslag modtaget" in empty.get_data(as_text=True)


def test_rule_3_2_staff_place_a_proposal_on_the_agenda_with_its_proposer_and_files(
    client, scene: Scene
):
    proposal = submitted(scene.member, scene.meeting, files=[upload(tiny_pdf(), "Bilag.pdf")])
    db.session.add(
        AgendaItem(
            council_id=scene.council.id, meeting=scene.meeting, position=3, title="Godkendelse"
        )
    )
    db.session.commit()
    sign_in(client, scene.staff)
    page = client.get(staff_url(proposal)).get_data(as_text=True)
    assert "Sæt forslaget på dagsordenen" in page and "Returnér forslaget" in page
    begin = client.post(staff_url(proposal, "behandl"), data={"version": proposal.version})
    assert begin.status_code == 303
    assert proposal.status is ProposalStatus.IN_REVIEW
    assert not operations.member_may_change(proposal, utcnow())

    placed = client.post(staff_url(proposal, "placer"), data={"version": proposal.version})
    assert placed.status_code == 303
    item = db.session.scalars(select(AgendaItem).where(AgendaItem.position == 4)).one()
    assert item.meeting_id == scene.meeting.id and item.council_id == scene.council.id
    assert item.title == proposal.title and item.proposer_id == scene.member.id
    assert item.presentation.startswith(proposal.body)
    assert proposal.justification in item.presentation
    assert proposal.status is ProposalStatus.PLACED and proposal.agenda_item_id == item.id
    assert proposal.handled_by_id == scene.staff.id and proposal.handled_at is not None
    (attachment,) = db.session.scalars(select(Attachment)).all()
    assert attachment.agenda_item_id == item.id and attachment.proposal_id == proposal.id
    # Clicked again (a double click, or a second member of staff): still one item.
    again = client.post(staff_url(proposal, "placer"), data={"version": proposal.version - 1})
    assert again.status_code == 303 and count(AgendaItem) == 2

    (decided,) = notices(NoticeKind.PROPOSAL_DECIDED)
    assert decided.recipient_id == scene.member.id and "sat på dagsordenen" in decided.body
    # The proposer follows the status and the history.
    sign_in(client, scene.member)
    mine = client.get(f"/forslag/{proposal.id}").get_data(as_text=True)
    assert "Sat på dagsordenen" in mine
    for step in ("Indsendt", "Sekretariatet begyndte behandlingen", scene.staff.name):
        assert step in mine
    assert "Ret forslaget" not in mine and "Træk forslaget tilbage" not in mine


def test_rule_3_2_returning_needs_a_reason_and_the_regional_ground(client, scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    sign_in(client, scene.staff)
    url = staff_url(proposal, "returner")
    version = proposal.version
    without_ground = client.post(
        url, data={"version": version, "reason": "Et lokalt emne."}, headers=HTMX
    )
    assert without_ground.status_code == 422
    block = without_ground.get_data(as_text=True)
    assert 'id="triage-panel"' in block and "<html" not in block
    assert "kun returneres, fordi emnet ikke er af regional" in block
    without_reason = client.post(url, data={"version": version, "not_regional": "y"})
    assert without_reason.status_code == 422
    assert "Skriv begrundelsen" in without_reason.get_data(as_text=True)
    assert proposal.status is ProposalStatus.SUBMITTED and not notices(NoticeKind.PROPOSAL_DECIDED)

    reason = "Emnet angår kun én kommunes <skoler>.\r\nTag det op i kommunalbestyrelsen."
    data = {"version": version, "reason": reason, "not_regional": "y"}
    assert client.post(url, data=data).status_code == 303
    assert proposal.status is ProposalStatus.RETURNED
    assert proposal.return_reason == reason.replace("\r\n", "\n")
    (decided,) = notices(NoticeKind.PROPOSAL_DECIDED)
    assert decided.recipient_id == scene.member.id
    assert proposal.return_reason in decided.body and "regional" in decided.body
    assert count(AgendaItem) == 0
    sign_in(client, scene.member)
    page = client.get(f"/forslag/{proposal.id}").get_data(as_text=True)
    assert "Returneret" in page and "kun én kommunes &lt;skoler&gt;." in page


def test_rule_3_2_the_operation_refuses_a_return_on_any_other_ground(scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    for reason, ground, field in (("   ", True, "reason"), ("For sent", False, "not_regional")):
        try:
            operations.return_proposal(
                proposal,
                version=proposal.version,
                reason=reason,
                not_regional=ground,
                by=scene.staff,
                now=utcnow(),
            )
        except operations.Refused as refused:
            assert refused.field == field
        else:
            raise AssertionError("returned without reason and ground")
    assert proposal.status is ProposalStatus.SUBMITTED


def test_rule_3_2_the_second_of_two_staff_acting_at_once_is_told_and_overwrites_nothing(
    app, scene: Scene
):
    proposal = submitted(scene.member, scene.meeting)
    shown = proposal.version  # both have the page open
    first, second = app.test_client(), app.test_client()
    sign_in(first, scene.staff)
    other = scene.chair.person  # the chair triages too
    sign_in(second, other)
    assert first.post(staff_url(proposal, "placer"), data={"version": shown}).status_code == 303
    response = second.post(
        staff_url(proposal, "returner"),
        data={"version": shown, "reason": "Ikke regionalt.", "not_regional": "y"},
        headers=HTMX,
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "ændret af en anden" in page
    assert "Sat på dagsordenen" in page  # the panel shows the proposal as it now stands
    assert proposal.status is ProposalStatus.PLACED and proposal.return_reason is None
    assert [n.kind for n in notices(NoticeKind.PROPOSAL_DECIDED)] == [NoticeKind.PROPOSAL_DECIDED]

    # The same while one begins handling and the other places from the older page.
    later = submitted(scene.neighbour.person, scene.meeting, title="Andet forslag")
    shown = later.version
    assert first.post(staff_url(later, "behandl"), data={"version": shown}).status_code == 303
    refused = second.post(staff_url(later, "placer"), data={"version": shown})
    assert refused.status_code == 422 and "ændret af en anden" in refused.get_data(as_text=True)
    assert later.status is ProposalStatus.IN_REVIEW and later.agenda_item_id is None


def test_rule_3_2_a_race_past_the_version_check_is_caught_by_the_version_column(scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    version = proposal.version
    # Another request (its own connection and transaction) changes the row between this
    # one's read and its write.
    with db.engine.begin() as other_request:
        other_request.execute(
            update(Proposal)
            .where(Proposal.id == proposal.id)
            .values(version=version + 1, status=ProposalStatus.IN_REVIEW)
        )
    try:
        operations.place_on_agenda(proposal, version=version, by=scene.staff, now=utcnow())
    except operations.ProposalChanged as refused:
        assert "ændret af en anden" in refused.message
    else:
        raise AssertionError("overwrote a concurrent change")
    db.session.expire_all()
    assert proposal.status is ProposalStatus.IN_REVIEW and proposal.agenda_item_id is None
    assert count(AgendaItem) == 0


def test_rule_3_2_the_chair_triages_and_other_members_may_not(client, scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    sign_in(client, scene.chair.person)
    overview = client.get("/overblik").get_data(as_text=True)
    assert "/kkr/sjaelland/admin/forslag" in overview
    page = client.get("/kkr/sjaelland/admin/forslag")
    assert page.status_code == 200 and proposal.title in page.get_data(as_text=True)
    assert client.get(staff_url(proposal)).status_code == 200
    sign_in(client, scene.neighbour.person)
    assert "/kkr/sjaelland/admin/forslag" not in client.get("/overblik").get_data(as_text=True)
    assert client.get("/kkr/sjaelland/admin/forslag").status_code == 403


def test_rule_3_2_the_triage_list_costs_the_same_queries_for_one_or_many_proposals(
    client, scene: Scene
):
    submitted(scene.member, scene.meeting, files=[upload(tiny_pdf(), "a.pdf")])
    sign_in(client, scene.staff)
    url = "/kkr/sjaelland/admin/forslag"
    client.get(url)  # warm: the first request loads what every request loads once
    with QueryCounter() as one:
        assert client.get(url).status_code == 200
    for person in (scene.neighbour.person, scene.chair.person):
        submitted(person, scene.later, files=[upload(tiny_pdf(), "b.pdf")])
    with QueryCounter() as three:
        page = client.get(url).get_data(as_text=True)
    assert page.count("/bilag/") == 3
    assert three.count == one.count


def test_rule_3_2_a_timely_proposal_for_a_cancelled_meeting_goes_on_the_next_agenda(
    scene: Scene,
):
    proposal = submitted(scene.member, scene.meeting)
    scene.meeting.cancelled_at = utcnow()
    db.session.flush()
    item = operations.place_on_agenda(
        proposal, version=proposal.version, by=scene.staff, now=utcnow()
    )
    # Rule 3.2: a timely proposal ends up on an agenda; the next ordinary meeting's here.
    assert item.meeting_id == scene.later.id and proposal.meeting_id == scene.later.id
    (decided,) = notices(NoticeKind.PROPOSAL_DECIDED)
    assert "sat på dagsordenen" in decided.body


def test_rule_3_2_no_coming_meeting_to_place_a_cancelled_meetings_proposal_on(scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    for meeting in (scene.meeting, scene.later):
        meeting.cancelled_at = utcnow()
    db.session.flush()
    try:
        operations.place_on_agenda(proposal, version=proposal.version, by=scene.staff, now=utcnow())
    except operations.Refused as refused:
        assert "Planlæg det næste møde først" in refused.message
    else:
        raise AssertionError("placed on a cancelled meeting")
    assert count(AgendaItem) == 0 and proposal.status is ProposalStatus.SUBMITTED
