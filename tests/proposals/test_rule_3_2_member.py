"""Rule 3.2 for the member: propose from 'Mit overblik', save a draft, submit before the
deadline, get a receipt with the text as submitted, follow the status, and edit or withdraw
until staff begin or the deadline passes. Through the HTTP client, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from sqlalchemy import select

from portal.attachments.models import Attachment
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.meetings.models import MeetingKind
from portal.notifications.delivery import deliver_batch
from portal.notifications.models import EmailStatus, NoticeKind
from portal.proposals import operations
from portal.proposals.models import Proposal, ProposalStatus
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_meeting
from tests.proposals.scene import (
    HTMX,
    Scene,
    count,
    draft,
    notices,
    submitted,
    tiny_docx,
    tiny_pdf,
)

TITLE = '<script>alert("x")</script> Fælles & bedre busser'
BODY = "  Indrykket første linje.\r\n\r\nAnden afsnit med æøå, “citater” og 🚌.\r\n"
JUSTIFICATION = "Ruterne krydser <b>fire</b> kommuner."


def form_for(client, url: str) -> dict[str, str]:  # noqa: ANN001
    """The hidden values of the proposal form as served (the CSRF-free test app needs the
    form token only)."""
    page = client.get(url).get_data(as_text=True)
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', page)
    assert token, page
    return {"form_token": token.group(1)}


def proposal_data(scene: Scene, **fields: object) -> dict[str, object]:
    return {
        "meeting_id": str(scene.meeting.id),
        "title": TITLE,
        "body": BODY,
        "justification": JUSTIFICATION,
        "action": "submit",
        **fields,
    }


def the_proposal() -> Proposal:
    return db.session.scalars(select(Proposal)).one()


def test_rule_3_2_a_member_proposes_with_a_file_from_the_overview_and_gets_a_receipt(
    client, scene: Scene, uploads
):
    sign_in(client, scene.member)
    overview = client.get("/overblik").get_data(as_text=True)
    assert f"/forslag/nyt?moede={scene.meeting.id}" in overview
    assert f"/forslag/nyt?moede={scene.extraordinary.id}" not in overview  # rule 3.2: ordinary
    url = f"/forslag/nyt?moede={scene.meeting.id}"
    page = client.get(url).get_data(as_text=True)
    # The deadline in words; countdown.js reads the same instant in milliseconds.
    deadline = operations.deadline_of(scene.meeting)
    assert f'data-countdown="{int(deadline.timestamp() * 1000)}"' in page
    assert "/static/js/countdown.js" in page and "/static/js/proposal-form.js" in page
    assert f'<option selected value="{scene.meeting.id}">' in page

    data = {
        **form_for(client, url),
        **proposal_data(scene),
        "attachments": (io.BytesIO(tiny_pdf()), "Notat om busser.pdf"),
    }
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    proposal = the_proposal()
    assert response.headers["Location"] == f"/forslag/{proposal.id}"
    assert proposal.status is ProposalStatus.SUBMITTED and proposal.submitted_at is not None
    assert proposal.proposer_id == scene.member.id and proposal.meeting_id == scene.meeting.id
    (attachment,) = db.session.scalars(select(Attachment)).all()
    assert attachment.proposal_id == proposal.id and attachment.filename == "Notat om busser.pdf"
    assert (uploads / attachment.storage_key).read_bytes() == tiny_pdf()

    (receipt,) = notices(NoticeKind.PROPOSAL_RECEIPT)
    assert receipt.recipient_id == scene.member.id
    assert receipt.email_status is EmailStatus.PENDING  # inbox and e-mail
    assert receipt.link == f"/forslag/{proposal.id}"
    for typed in (TITLE, BODY.replace("\r\n", "\n"), JUSTIFICATION, "Notat om busser.pdf"):
        assert typed in receipt.body
    (received,) = notices(NoticeKind.PROPOSAL_RECEIVED)
    assert received.recipient_id == scene.staff.id
    assert received.link == f"/kkr/sjaelland/admin/forslag/{proposal.id}"

    shown = client.get(f"/forslag/{proposal.id}").get_data(as_text=True)
    assert "Dit forslag er indsendt" in shown  # the flash
    assert "Indsendt" in shown and "Notat om busser.pdf" in shown
    assert f"/forslag/{proposal.id}/bilag/{attachment.id}" in shown
    # The history, from the audit log.
    assert "Oprettet som kladde" in shown and "Bilag tilføjet: Notat om busser.pdf" in shown


def test_rule_3_2_the_receipt_e_mail_carries_the_text_as_submitted(app, client, scene: Scene, smtp):
    app.config["PORTAL_SMTP"] = smtp.settings
    sign_in(client, scene.member)
    url = "/forslag/nyt"
    data = {**form_for(client, url), **proposal_data(scene)}
    assert client.post(url, data=data).status_code == 303
    report = deliver_batch("test-worker")
    assert report.sent == 2  # the member's receipt and the secretariat's notice
    mails = {str(m["To"]): m for m in smtp.messages}
    receipt = next(m for to, m in mails.items() if scene.member.email in to)
    text = receipt.get_body(("plain",)).get_content()
    assert "Ruterne krydser <b>fire</b> kommuner." in text
    assert "Anden afsnit med æøå, “citater” og 🚌." in text


def test_rule_3_2_text_is_stored_exactly_as_typed_and_shown_escaped(client, scene: Scene):
    sign_in(client, scene.member)
    url = "/forslag/nyt"
    data = {**form_for(client, url), **proposal_data(scene, action="save")}
    assert client.post(url, data=data).status_code == 303
    proposal = the_proposal()
    assert proposal.status is ProposalStatus.DRAFT
    assert proposal.title == TITLE
    assert proposal.body == "  Indrykket første linje.\n\nAnden afsnit med æøå, “citater” og 🚌.\n"
    assert proposal.justification == JUSTIFICATION
    page = client.get(f"/forslag/{proposal.id}").get_data(as_text=True)
    assert "<script>alert" not in page and "<b>fire</b>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Fælles &amp; bedre busser" in page
    assert "Ruterne krydser &lt;b&gt;fire&lt;/b&gt; kommuner." in page
    assert not notices(NoticeKind.PROPOSAL_RECEIPT)  # a draft is not submitted


def test_rule_3_2_a_double_clicked_submit_creates_one_proposal_and_one_receipt(
    client, scene: Scene
):
    sign_in(client, scene.member)
    url = "/forslag/nyt"
    data = {**form_for(client, url), **proposal_data(scene)}
    first = client.post(url, data=data)
    second = client.post(url, data=data, headers=HTMX)
    assert first.status_code == 303
    assert second.status_code == 204 and second.headers["HX-Redirect"] == first.headers["Location"]
    assert count(Proposal) == 1
    assert len(notices(NoticeKind.PROPOSAL_RECEIPT)) == 1
    # The submit button on the proposal page, double-clicked: submitted once.
    proposal = draft(scene.member, scene.meeting, token="another")
    for _click in range(2):
        assert client.post(f"/forslag/{proposal.id}/indsend").status_code == 303
    assert proposal.status is ProposalStatus.SUBMITTED
    assert len(notices(NoticeKind.PROPOSAL_RECEIPT)) == 2
    steps = db.session.scalars(
        select(AuditEntry.action).where(
            AuditEntry.object_id == proposal.id, AuditEntry.action == "proposal_submitted"
        )
    ).all()
    assert steps == ["proposal_submitted"]


def test_rule_3_2_submitting_needs_the_regional_justification(client, scene: Scene):
    sign_in(client, scene.member)
    url = "/forslag/nyt"
    data = {**form_for(client, url), **proposal_data(scene, justification="   ")}
    response = client.post(url, data=data, headers=HTMX)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "regional eller tværkommunal karakter, før du indsender" in page
    assert 'id="proposal-form"' in page and "<html" not in page  # the form block only
    assert count(Proposal) == 0  # nothing stored
    # As a draft it may wait for its justification.
    assert client.post(url, data={**data, "action": "save"}).status_code == 303
    assert the_proposal().status is ProposalStatus.DRAFT
    response = client.post(f"/forslag/{the_proposal().id}/indsend")
    assert response.status_code == 422
    assert the_proposal().status is ProposalStatus.DRAFT


def test_rule_3_2_extraordinary_and_constituting_meetings_take_no_proposals(client, scene: Scene):
    sign_in(client, scene.member)
    page = client.get(f"/forslag/nyt?moede={scene.extraordinary.id}").get_data(as_text=True)
    assert "kun stilles til ordinære møder" in page
    assert f'value="{scene.extraordinary.id}"' not in page
    url = "/forslag/nyt"
    data = {**form_for(client, url), **proposal_data(scene, meeting_id=scene.extraordinary.id)}
    response = client.post(url, data=data)
    assert response.status_code == 422 and count(Proposal) == 0
    # The operation refuses it too, whoever calls it.
    for kind in (MeetingKind.EXTRAORDINARY, MeetingKind.CONSTITUTING):
        meeting = make_meeting(scene.council, kind=kind, days_ahead=60)
        try:
            draft(scene.member, meeting)
        except operations.Refused as refused:
            assert "kun stilles til ordinære møder" in refused.message
        else:
            raise AssertionError(f"a proposal for a {kind} meeting")
    assert count(Proposal) == 0


def test_rule_3_2_a_late_submission_keeps_the_draft_and_offers_the_next_meeting_in_one_click(
    client, scene: Scene
):
    soon = make_meeting(scene.council, days_ahead=5)  # its deadline passed five days ago
    sign_in(client, scene.member)
    url = f"/forslag/nyt?moede={soon.id}"
    page = client.get(url).get_data(as_text=True)
    assert "fristen for forslag er udløbet" in page
    data = {**form_for(client, url), **proposal_data(scene, meeting_id=soon.id)}
    response = client.post(url, data=data)
    assert response.status_code == 303  # the draft is saved: everything typed is kept
    proposal = the_proposal()
    assert proposal.status is ProposalStatus.DRAFT and proposal.meeting_id == soon.id
    assert proposal.body == BODY.replace("\r\n", "\n")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Fristen for forslag til mødet" in page and "udløb" in page  # the flash
    assert "regel 3.2" in page
    assert f'name="meeting_id" value="{scene.meeting.id}"' in page
    assert "Indsend til mødet" in page
    assert not notices(NoticeKind.PROPOSAL_RECEIPT)

    moved = client.post(f"/forslag/{proposal.id}/flyt", data={"meeting_id": scene.meeting.id})
    assert moved.status_code == 303
    assert proposal.meeting_id == scene.meeting.id
    assert proposal.status is ProposalStatus.SUBMITTED
    assert proposal.title == TITLE and proposal.justification == JUSTIFICATION
    assert len(notices(NoticeKind.PROPOSAL_RECEIPT)) == 1
    # Moving to a meeting whose deadline has passed is refused.
    other = draft(scene.member, soon, token="other")
    refused = client.post(f"/forslag/{other.id}/flyt", data={"meeting_id": soon.id})
    assert refused.status_code == 422 and other.status is ProposalStatus.DRAFT
    # ... and so is a meeting of another council.
    foreign = client.post(f"/forslag/{other.id}/flyt", data={"meeting_id": scene.other_meeting.id})
    assert foreign.status_code == 404


def test_rule_3_2_the_member_edits_and_withdraws_until_staff_begin(client, scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    sign_in(client, scene.member)
    edit = f"/forslag/{proposal.id}/ret"
    page = client.get(edit).get_data(as_text=True)
    assert "Gem rettelserne" in page
    data = proposal_data(scene, title="Rettet titel", action="save")
    assert client.post(edit, data=data).status_code == 303
    assert proposal.title == "Rettet titel" and proposal.status is ProposalStatus.SUBMITTED
    receipts = notices(NoticeKind.PROPOSAL_RECEIPT)
    assert len(receipts) == 2 and receipts[-1].subject.startswith("Kvittering for rettet")

    operations.begin_handling(proposal, version=proposal.version, by=scene.staff, now=utcnow())
    db.session.commit()
    assert client.get(edit).status_code == 303  # back to the proposal, with a message
    refused = client.post(edit, data={**data, "title": "Ny titel"})
    assert refused.status_code == 303 and proposal.title == "Rettet titel"
    withdraw = client.post(f"/forslag/{proposal.id}/traek-tilbage")
    assert withdraw.status_code == 422
    assert "Sekretariatet er begyndt at behandle forslaget" in withdraw.get_data(as_text=True)
    assert proposal.status is ProposalStatus.IN_REVIEW


def test_rule_3_2_the_member_withdraws_before_the_deadline_and_staff_are_told(client, scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    sign_in(client, scene.member)
    url = f"/forslag/{proposal.id}/traek-tilbage"
    assert "kan ikke indsendes igen" in client.get(url).get_data(as_text=True)
    assert client.post(url).status_code == 303
    assert client.post(url).status_code == 303  # twice: still withdrawn once
    assert proposal.status is ProposalStatus.WITHDRAWN
    staff_notices = notices(NoticeKind.PROPOSAL_RECEIVED, scene.staff)
    assert [n.subject.startswith("Forslag trukket tilbage") for n in staff_notices] == [
        False,
        True,
    ]


def test_rule_3_2_after_the_deadline_the_member_can_no_longer_change_it(scene: Scene):
    proposal = submitted(scene.member, scene.meeting)
    after = operations.deadline_of(scene.meeting) + timedelta(microseconds=1)
    assert operations.member_may_change(proposal, after - timedelta(microseconds=1))
    assert not operations.member_may_change(proposal, after)
    for act in (
        lambda: operations.withdraw_proposal(proposal, by=scene.member, now=after),
        lambda: operations.update_proposal(
            proposal,
            by=scene.member,
            meeting=scene.meeting,
            text=operations.ProposalText("Ny", "Ny", "Ny"),
            uploads=[],
            remove_attachment_ids=[],
            now=after,
        ),
    ):
        try:
            act()
        except operations.Refused as refused:
            assert "Fristen for forslag til mødet er udløbet" in refused.message
        else:
            raise AssertionError("changed after the deadline")
    db.session.expire_all()
    assert proposal.status is ProposalStatus.SUBMITTED and proposal.title != "Ny"


def test_rule_3_2_inline_validation_answers_with_the_field_block(client, scene: Scene):
    sign_in(client, scene.member)
    response = client.post(
        "/forslag/valider?felt=justification", data={"justification": "  "}, headers=HTMX
    )
    assert response.status_code == 200
    block = response.get_data(as_text=True)
    assert block.lstrip().startswith('<div class="field invalid" id="justification-field">')
    assert "Skal udfyldes, før forslaget kan indsendes." in block
    assert (
        'aria-invalid="true"' in block and 'hx-post="/forslag/valider?felt=justification"' in block
    )
    long_title = client.post("/forslag/valider?felt=title", data={"title": "x" * 301})
    assert "Højst 300 tegn." in long_title.get_data(as_text=True)
    fine = client.post("/forslag/valider?felt=title", data={"title": "Busser"})
    assert 'class="field" id="title-field"' in fine.get_data(as_text=True)
    later = client.post("/forslag/valider?felt=meeting_id", data={"meeting_id": scene.later.id})
    deadline = operations.deadline_of(scene.later)
    assert f'data-countdown="{int(deadline.timestamp() * 1000)}"' in later.get_data(as_text=True)
    assert client.post("/forslag/valider?felt=form_token").status_code == 404


def test_rule_3_2_files_are_checked_by_content_named_safely_and_served_as_downloads(
    client, scene: Scene
):
    sign_in(client, scene.member)
    url = "/forslag/nyt"
    fake = {
        **form_for(client, url),
        **proposal_data(scene, action="save"),
        "attachments": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "notat.pdf"),
    }
    response = client.post(url, data=fake, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "indholdet afgør typen" in response.get_data(as_text=True)
    assert count(Proposal) == 0 and count(Attachment) == 0
    good = {
        **fake,
        "attachments": [
            (io.BytesIO(tiny_docx()), "../../etc/plan<1>:x.docx"),
            (io.BytesIO(tiny_pdf()), "budget.exe"),
        ],
    }
    assert client.post(url, data=good, content_type="multipart/form-data").status_code == 303
    proposal = the_proposal()
    docx, pdf = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert docx.filename == "plan_1__x.docx" and pdf.filename == "budget.pdf"
    download = client.get(f"/forslag/{proposal.id}/bilag/{pdf.id}")
    assert download.status_code == 200 and download.data == tiny_pdf()
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "budget.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    # Removing a file while editing: it is no longer served.
    data = proposal_data(scene, action="save", remove_attachments=str(pdf.id))
    assert client.post(f"/forslag/{proposal.id}/ret", data=data).status_code == 303
    assert pdf.removed_at is not None and docx.removed_at is None
    assert client.get(f"/forslag/{proposal.id}/bilag/{pdf.id}").status_code == 404


def test_rule_3_2_a_member_lists_their_own_proposals_only(client, scene: Scene):
    mine = submitted(scene.member, scene.meeting, title="Mit forslag")
    submitted(scene.neighbour.person, scene.meeting, title="Naboens forslag")
    sign_in(client, scene.member)
    page = client.get("/forslag").get_data(as_text=True)
    assert "Mit forslag" in page and "Naboens forslag" not in page
    assert f"/forslag/{mine.id}" in page
    assert f"/forslag/nyt?moede={scene.meeting.id}" in page
