"""Absence in the browser's terms: a member registers and cancels it, the substitute called in
answers, the secretariat follows attendance and quorum on the board (rules 1.8, 3.7, 3.9)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.absences import operations
from portal.absences.models import Absence, AbsenceReason, CallInAnswer, SubstituteCallIn
from portal.audit.models import AuditEntry
from portal.councils.models import CouncilOffice
from portal.extensions import db
from portal.notifications.models import EmailStatus, Notice, NoticeKind
from portal.types import utcnow
from tests.absences.scene import (
    HTMX,
    Scene,
    build_scene,
    count,
    standing_absences,
    the_call_in,
)
from tests.conftest import sign_in
from tests.factories import make_member, make_substitute
from tests.support import QueryCounter


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


@pytest.fixture
def begun(app) -> Scene:
    """The same people, and a meeting that started an hour ago."""
    return build_scene(meeting_begun=True)


def text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def notices_for(person, kind: NoticeKind | None = None) -> list[Notice]:  # noqa: ANN001
    query = select(Notice).where(Notice.recipient_id == person.id).order_by(Notice.id)
    if kind is not None:
        query = query.where(Notice.kind == kind)
    return list(db.session.scalars(query))


def register(client, scene: Scene, **data: str):  # noqa: ANN001, ANN003, ANN201
    """The member sends the absence form (the checkbox ticked, as it is at first)."""
    data.setdefault("call_substitute", "y")
    data.setdefault("reason", "")
    return client.post(scene.absence_url(), data=data)


# --- the member's form --------------------------------------------------------------------


def test_absence_form_names_the_substitute_and_asks_no_reason(client, scene):
    sign_in(client, scene.member)
    page = text(client.get(scene.absence_url()))
    assert "<h1" in page and "Meld afbud" in page
    assert "Sorø Rådhus" in page and "kl. 10:00" in page
    assert f"Indkald min personlige stedfortræder, {scene.substitute.name}" in page
    assert re.search(r'<input[^>]*checked[^>]*name="call_substitute"', page)  # yes by default
    for category in ("Ingen årsag angivet", "Andet møde", "Ferie", "Forfald i øvrigt"):
        assert category in page
    assert "Du behøver ikke at oplyse en årsag" in page
    assert "Oplys aldrig noget om helbred eller sygdom" in page
    assert "Årsagen offentliggøres aldrig" in page
    assert "<textarea" not in page  # a category, never free text (GDPR art. 9)


def test_absence_form_says_when_there_is_no_substitute(client, scene):
    lonely = make_member(scene.council)
    sign_in(client, lonely.person)
    page = text(client.get(scene.absence_url()))
    assert "Du har ingen personlig stedfortræder registreret" in page
    assert 'name="call_substitute"' not in page
    assert register(client, scene).status_code == 303
    assert count(Absence) == 1 and count(SubstituteCallIn) == 0


def test_rule_3_9_member_registers_absence_before_the_start(client, scene):
    sign_in(client, scene.member)
    response = register(client, scene, reason="holiday")
    assert response.status_code == 303
    assert response.headers["Location"] == "/overblik"
    [absence] = standing_absences()
    assert absence.membership_id == scene.seat.id and absence.meeting_id == scene.meeting.id
    assert absence.reason is AbsenceReason.HOLIDAY
    assert absence.registered_by_id == scene.member.id and not absence.registered_late
    overview = text(client.get("/overblik"))
    assert "Dit afbud til mødet" in overview and "er registreret" in overview
    assert f"{scene.substitute.name} er indkaldt som din stedfortræder" in overview
    assert "Du har meldt afbud." in overview and "Fortryd afbud" in overview
    # Back on the form's address: the absence and its undo, not a second form.
    page = text(client.get(scene.absence_url()))
    assert "Du har meldt afbud" in page and "Ferie" in page
    assert f"Din stedfortræder {scene.substitute.name} er indkaldt og har ikke svaret" in page


def test_member_registers_absence_with_htmx_and_the_next_page_loads_whole(client, scene):
    sign_in(client, scene.member)
    response = client.post(
        scene.absence_url(), data={"call_substitute": "y", "reason": ""}, headers=HTMX
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/overblik"
    assert len(standing_absences()) == 1


def test_rule_3_9_member_is_refused_after_the_start_in_danish(client, begun):
    sign_in(client, begun.member)
    page = text(client.get(begun.absence_url()))
    assert "Mødet er begyndt, så afbud kan ikke længere meldes her" in page
    assert 'name="reason"' not in page
    response = register(client, begun)
    assert response.status_code == 422
    assert "Mødet er begyndt, så afbud kan ikke længere meldes her" in text(response)
    fragment = client.post(
        begun.absence_url(), data={"call_substitute": "y", "reason": ""}, headers=HTMX
    )
    assert fragment.status_code == 422  # htmx 4 swaps it into the panel
    assert "<html" not in text(fragment) and 'id="absence-panel"' in text(fragment)
    assert "Kontakt sekretariatet" in text(fragment)
    assert count(Absence) == 0


def test_rule_3_9_staff_register_late_and_it_is_marked(client, begun):
    sign_in(client, begun.staff)
    response = client.post(begun.staff_url(), data={"call_substitute": "y"})
    assert response.status_code == 303
    assert response.headers["Location"] == begun.board_url()
    [absence] = standing_absences()
    assert absence.registered_late and absence.registered_by_id == begun.staff.id
    assert count(SubstituteCallIn) == 0  # too late to call anyone in
    board = text(client.get(begun.board_url()))
    assert "meldt for sent" in board
    assert "Det er markeret som meldt for sent." in board  # the flash
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "absence_registered")
    ).one()
    assert entry.actor_id == begun.staff.id  # the audit log says who did it


def test_rule_3_9_the_reason_is_never_shown_on_a_public_page(client, scene):
    sign_in(client, scene.member)
    register(client, scene, reason="other_meeting")
    sign_in(client, scene.staff)
    assert "Andet møde" in text(client.get(scene.board_url()))  # the secretariat sees it
    call = the_call_in()
    for person, pages in [
        (scene.substitute, [f"/indkaldelser/{call.id}", "/overblik", "/beskeder"]),
        (scene.neighbour.person, ["/overblik"]),
    ]:
        sign_in(client, person)
        for path in pages:
            assert "Andet møde" not in text(client.get(path)), path
    # The neighbour's own form lists the categories, and nothing of the member's absence.
    form = text(client.get(scene.absence_url()))
    assert "Årsag:" not in form and scene.member.name not in form
    client.post("/log-ud")
    for path in ["/kkr/sjaelland/", "/kkr/sjaelland/medlemmer"]:
        assert "Andet møde" not in text(client.get(path)), path
    for notice in db.session.scalars(select(Notice)):
        assert "Andet møde" not in notice.subject + notice.body


# --- the substitute is told at once (rule 1.8) --------------------------------------------


def test_rule_1_8_substitute_is_notified_at_once(client, scene):
    sign_in(client, scene.member)
    register(client, scene)
    call = the_call_in()
    assert call.substitute_id == scene.substitute.id and call.answer is CallInAnswer.PENDING
    [notice] = notices_for(scene.substitute, NoticeKind.SUBSTITUTE_CALLED_IN)
    assert notice.email_status is EmailStatus.PENDING  # urgent: e-mailed whatever they chose
    assert notice.link == f"/indkaldelser/{call.id}"
    assert scene.member.name in notice.body


def test_rule_1_8_member_may_leave_the_substitute_out(client, scene):
    sign_in(client, scene.member)
    response = client.post(scene.absence_url(), data={"reason": ""})  # the box unticked
    assert response.status_code == 303
    assert len(standing_absences()) == 1
    assert count(SubstituteCallIn) == 0
    assert notices_for(scene.substitute) == []


def test_rule_1_8_cancelled_absence_tells_the_substitute(client, scene):
    sign_in(client, scene.member)
    register(client, scene)
    response = client.post(scene.cancel_url())
    assert response.status_code == 303 and response.headers["Location"] == "/overblik"
    assert standing_absences() == []
    assert the_call_in().answer is CallInAnswer.WITHDRAWN
    subjects = [n.subject for n in notices_for(scene.substitute)]
    assert any("ikke længere indkaldt" in subject for subject in subjects)
    overview = text(client.get("/overblik"))
    assert "Dit afbud er trukket tilbage." in overview
    assert "Meld afbud" in overview and "Du har meldt afbud." not in overview


def test_cancelling_twice_is_harmless(client, scene):
    sign_in(client, scene.member)
    register(client, scene)
    assert client.post(scene.cancel_url(), headers=HTMX).headers["HX-Redirect"] == "/overblik"
    again = client.post(scene.cancel_url())
    assert again.status_code == 303
    assert "Du har intet afbud til mødet" in text(client.get("/overblik"))
    assert len(notices_for(scene.substitute)) == 2  # called in, then told: nothing more


def test_member_cannot_cancel_after_the_start(client, begun):
    absence = operations.register_absence(
        begun.meeting,
        begun.seat,
        by=begun.staff,
        by_staff=True,
        call_substitute=False,
        reason=None,
        now=utcnow(),
    )
    sign_in(client, begun.member)
    assert "Kontakt sekretariatet, hvis du alligevel deltager" in text(
        client.get(begun.absence_url())
    )
    response = client.post(begun.cancel_url())
    assert response.status_code == 422
    assert "Mødet er begyndt. Kontakt sekretariatet." in text(response)
    db.session.refresh(absence)
    assert absence.cancelled_at is None


def test_double_click_stores_one_absence(client, scene):
    sign_in(client, scene.member)
    assert register(client, scene).status_code == 303
    assert register(client, scene).status_code == 303
    assert count(Absence) == 1
    assert count(SubstituteCallIn) == 1
    assert len(notices_for(scene.substitute)) == 1


def test_absence_and_notice_are_one_transaction(client, scene, monkeypatch):
    def broken_notify(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the notice could not be written")

    monkeypatch.setattr(operations, "notify", broken_notify)
    sign_in(client, scene.member)
    response = register(client, scene)
    assert response.status_code == 500
    assert count(Absence) == 0
    assert count(SubstituteCallIn) == 0
    assert db.session.scalars(select(AuditEntry)).all() == []


# --- the substitute answers ---------------------------------------------------------------


@pytest.fixture
def called_in(client, scene) -> SubstituteCallIn:
    sign_in(client, scene.member)
    register(client, scene)
    sign_in(client, scene.substitute)
    return the_call_in()


def test_substitute_sees_the_meeting_and_whom_they_stand_in_for(client, scene, called_in):
    page = text(client.get(f"/indkaldelser/{called_in.id}"))
    assert f"{scene.member.name} har meldt afbud" in page
    assert "Sorø Rådhus" in page and "kl. 10:00" in page and "KKR Sjælland" in page
    assert "Du har ikke svaret endnu." in page
    assert "Jeg deltager" in page and "Jeg kan ikke" in page
    overview = text(client.get("/overblik"))
    assert f"Indkaldt som stedfortræder for {scene.member.name}." in overview
    assert "Du har ikke svaret." in overview
    assert f'href="/indkaldelser/{called_in.id}"' in overview


def test_rule_1_8_substitute_attends_and_the_member_is_told(client, scene, called_in):
    response = client.post(f"/indkaldelser/{called_in.id}/svar", data={"answer": "attending"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/indkaldelser/{called_in.id}"
    assert called_in.answer is CallInAnswer.ATTENDING
    assert any("deltager i dit sted" in n.subject for n in notices_for(scene.member))
    page = text(client.get(f"/indkaldelser/{called_in.id}"))
    assert "Du deltager i mødet i stedet for" in page  # the flash
    assert "Du har svaret, at du deltager." in page
    assert "Du kan ændre dit svar" in page


def test_rule_1_8_substitute_declines_and_member_and_staff_are_told(client, scene, called_in):
    response = client.post(
        f"/indkaldelser/{called_in.id}/svar", data={"answer": "declined"}, headers=HTMX
    )
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == f"/indkaldelser/{called_in.id}"
    assert called_in.answer is CallInAnswer.DECLINED
    assert notices_for(scene.member, NoticeKind.SUBSTITUTE_UNANSWERED)
    assert notices_for(scene.staff, NoticeKind.SUBSTITUTE_UNANSWERED)


def test_an_answer_must_be_one_of_the_two(client, called_in):
    response = client.post(f"/indkaldelser/{called_in.id}/svar", data={"answer": "maybe"})
    assert response.status_code == 422
    assert "Vælg en af mulighederne." in text(response)
    assert called_in.answer is CallInAnswer.PENDING


def test_a_withdrawn_call_in_cannot_be_answered(client, scene, called_in):
    sign_in(client, scene.member)
    client.post(scene.cancel_url())
    sign_in(client, scene.substitute)
    page = text(client.get(f"/indkaldelser/{called_in.id}"))
    assert "Indkaldelsen er trukket tilbage" in page and "Jeg deltager" not in page
    response = client.post(f"/indkaldelser/{called_in.id}/svar", data={"answer": "attending"})
    assert response.status_code == 422
    assert called_in.answer is CallInAnswer.WITHDRAWN


# --- the secretariat's board (rule 3.7) ---------------------------------------------------


def answer(call: SubstituteCallIn, attending: bool) -> None:
    operations.answer_call_in(call, attending=attending, now=utcnow())


def absent(scene: Scene, membership, *, call: bool = True) -> Absence:  # noqa: ANN001
    return operations.register_absence(
        scene.meeting,
        membership,
        by=membership.person,
        by_staff=False,
        call_substitute=call,
        reason=None,
        now=utcnow(),
    )


def test_rule_3_7_board_shows_quorum_and_an_attending_substitute_counts(client, scene):
    # Four members: quorum at 2. Three are away; only the attending substitute fills in.
    lonely = make_member(scene.council)
    third = make_member(scene.council)
    make_substitute(third)
    absent(scene, scene.seat)
    absent(scene, lonely)
    absent(scene, third)
    calls = {c.membership_id: c for c in db.session.scalars(select(SubstituteCallIn))}
    answer(calls[scene.seat.id], attending=True)
    sign_in(client, scene.staff)
    board = text(client.get(scene.board_url()))
    assert "2 af 4 til stede; beslutningsdygtigt ved 2" in board
    assert "Rådet er beslutningsdygtigt" in board and 'role="alert"' not in board
    assert "Afbud, stedfortræder deltager" in board
    assert "Afbud, stedfortræder har ikke svaret" in board
    assert "Afbud, ingen stedfortræder" in board
    assert "Deltager" in board
    assert scene.substitute.name in board

    answer(calls[scene.seat.id], attending=False)
    board = text(client.get(scene.board_url()))
    assert "1 af 4 til stede; beslutningsdygtigt ved 2" in board
    assert "Afbud, stedfortræder kan ikke" in board
    warning = re.search(r'<div class="quorum quorum-warning" role="alert">(.*?)</div>', board, re.S)
    assert warning is not None
    assert "ikke beslutningsdygtigt" in warning.group(1)
    # The third member's substitute has not answered: if they come, the quorum is met.
    assert "hvis den stedfortræder, der ikke har svaret endnu, kommer" in warning.group(1)


def test_rule_3_7_quorum_not_reachable_says_so(client, scene):
    absent(scene, scene.seat, call=False)
    absent(scene, scene.neighbour, call=False)
    sign_in(client, scene.staff)
    board = text(client.get(scene.board_url()))
    assert "0 af 2 til stede; beslutningsdygtigt ved 1" in board
    assert "Der mangler 1 deltager." in board
    assert "hvis" not in board.split('role="alert"')[1].split("</div>")[0]


def test_staff_register_and_cancel_for_a_member_without_javascript(client, scene):
    sign_in(client, scene.staff)
    response = client.post(scene.staff_url(), data={"call_substitute": "y"})
    assert response.status_code == 303 and response.headers["Location"] == scene.board_url()
    [absence] = standing_absences()
    assert absence.registered_by_id == scene.staff.id and not absence.registered_late
    assert notices_for(scene.substitute, NoticeKind.SUBSTITUTE_CALLED_IN)
    board = text(client.get(scene.board_url()))
    assert f"Afbud registreret for {scene.member.name}." in board
    assert "Fortryd afbud" in board

    response = client.post(scene.staff_url(cancel=True), data={"csrf_token": ""})
    assert response.status_code == 303
    assert standing_absences() == []
    assert the_call_in().answer is CallInAnswer.WITHDRAWN
    cancelled = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "absence_cancelled")
    ).one()
    assert cancelled.actor_id == scene.staff.id
    board = text(client.get(scene.board_url()))
    assert f"Afbuddet for {scene.member.name} er trukket tilbage." in board


def test_staff_may_register_without_calling_the_substitute(client, scene):
    sign_in(client, scene.staff)
    client.post(scene.staff_url(), data={"csrf_token": ""})  # the box unticked
    assert len(standing_absences()) == 1 and count(SubstituteCallIn) == 0


def test_the_board_re_renders_in_place_under_htmx(client, scene):
    sign_in(client, scene.staff)
    response = client.post(scene.staff_url(), data={"call_substitute": "y"}, headers=HTMX)
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<div id="attendance-board">')
    assert "<html" not in body
    assert "1 af 2 til stede" in body
    # The message goes to the page's status region; focus to the row's new button.
    assert 'id="board-status" hx-swap-oob="innerHTML"' in body
    assert f"Afbud registreret for {scene.member.name}." in body
    assert re.search(r"<button[^>]*autofocus>Fortryd afbud", body)
    assert "HX-Request" in response.headers["Vary"]
    page = client.get(scene.board_url(), headers=HTMX)
    assert text(page).lstrip().startswith('<div id="attendance-board">')


def test_the_board_refuses_a_cancelled_meeting_with_422(client, scene):
    scene.meeting.cancelled_at = utcnow()
    sign_in(client, scene.staff)
    response = client.post(scene.staff_url(), data={"call_substitute": "y"}, headers=HTMX)
    assert response.status_code == 422
    assert "Mødet er aflyst." in text(response)
    assert count(Absence) == 0


def test_board_query_count_is_constant(client, scene):
    sign_in(client, scene.staff)

    def query_count() -> int:
        with QueryCounter() as counter:
            assert client.get(scene.board_url()).status_code == 200
        return counter.count

    absent(scene, scene.seat)
    few = query_count()
    for number in range(20):
        membership = make_member(scene.council, office=CouncilOffice.MEMBER)
        make_substitute(membership)
        if number % 2:
            absent(scene, membership)
    assert query_count() == few


def test_staff_find_the_board_from_the_meetings_list(client, scene):
    sign_in(client, scene.staff)
    admin = text(client.get("/kkr/sjaelland/admin/"))
    assert 'href="/kkr/sjaelland/admin/moeder"' in admin
    meetings = text(client.get("/kkr/sjaelland/admin/moeder"))
    assert "Sorø Rådhus" in meetings
    assert f'href="{scene.board_url()}"' in meetings
    assert f"/{scene.other_meeting.id}/fremmoede" not in meetings


def test_the_forms_carry_their_csrf_token(csrf_app, scene):
    client = csrf_app.test_client()

    def token(page: str) -> str:
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert found is not None
        return found.group(1)

    sign_in(client, scene.member)
    form = text(client.get(scene.absence_url()))
    assert client.post(scene.absence_url(), data={"reason": ""}).status_code == 400
    response = client.post(scene.absence_url(), data={"reason": "", "csrf_token": token(form)})
    assert response.status_code == 303
    sign_in(client, scene.staff)
    board = text(client.get(scene.board_url()))
    assert client.post(scene.staff_url(cancel=True)).status_code == 400
    response = client.post(scene.staff_url(cancel=True), data={"csrf_token": token(board)})
    assert response.status_code == 303
    assert standing_absences() == []
