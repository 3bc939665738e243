"""A request's life (rule 3.1): its status, withdrawn signatures, substitutes serving in a
member's seat under leave (rules 1.6-1.7), the extraordinary meeting planned from it by the
staff or the chair, and closing it with a reason."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.councils.models import CouncilOffice
from portal.extensions import db
from portal.leave.models import LeaveKind
from portal.leave.operations import register_leave
from portal.meeting_requests.models import (
    MeetingRequest,
    MeetingRequestSignature,
    MeetingRequestStatus,
)
from portal.meeting_requests.operations import (
    call_meeting,
    close_request,
    sign_request,
    signature_count,
    start_request,
    withdraw_signature,
)
from portal.meetings.models import Meeting, MeetingKind
from portal.notifications.models import Notice
from portal.refusal import Refused
from portal.rules.calendar import COPENHAGEN, local_date
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_council, make_member, make_staff, make_substitute


def notices_for(person) -> list[Notice]:  # noqa: ANN001
    return list(db.session.scalars(select(Notice).where(Notice.recipient_id == person.id)))


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def in_days(days: int, clock: time = time(10)) -> datetime:
    day = local_date(utcnow()) + timedelta(days=days)
    return datetime.combine(day, clock, tzinfo=COPENHAGEN)


@pytest.fixture
def council(app):
    return make_council(slug="sjaelland", name="KKR Sjælland")


@pytest.fixture
def staff(council):
    return make_staff(council)


@pytest.fixture
def seats(council):
    """Seven seats, the first held by the chair: ceil(7/3) = 3 signatures needed."""
    return [make_member(council, office=CouncilOffice.CHAIR)] + [
        make_member(council) for _ in range(6)
    ]


@pytest.fixture
def people(seats):
    return [seat.person for seat in seats]


def on_leave(seat, staff):  # noqa: ANN001, ANN201
    """A relief under the municipal act (rule 1.6) from today: the substitute steps in."""
    substitute = make_substitute(seat).substitute
    today = local_date(utcnow())
    register_leave(
        seat,
        LeaveKind.RELIEF,
        today,
        today + timedelta(days=120),
        by=staff,
        by_staff=True,
        now=utcnow(),
    )
    return substitute


# --- status and withdrawal ------------------------------------------------------------------


def test_rule_3_1_a_request_is_open_until_a_third_have_signed(council, people, staff):
    chair, starter, second, third, *_ = people
    request = start_request(council, "Havneplanen", by=starter, now=utcnow())
    assert request.status is MeetingRequestStatus.OPEN
    sign_request(request, by=second, now=utcnow())
    assert request.status is MeetingRequestStatus.OPEN
    sign_request(request, by=third, now=utcnow())
    assert request.status is MeetingRequestStatus.THRESHOLD_REACHED
    assert len(notices_for(chair)) == 1 and len(notices_for(staff)) == 1


def test_rule_3_1_a_signer_withdraws_their_own_signature(council, people):
    _, starter, signer, *_ = people
    request = start_request(council, "Havneplanen", by=starter, now=utcnow())
    sign_request(request, by=signer, now=utcnow())
    assert signature_count(request) == 2
    withdrawn = withdraw_signature(request, by=signer, now=utcnow())
    assert withdrawn is not None and withdrawn.withdrawn_at is not None
    assert signature_count(request) == 1
    # A second click changes nothing; the row stays (no hard delete) and is audited.
    assert withdraw_signature(request, by=signer, now=utcnow()) is None
    assert count(MeetingRequestSignature) == 2
    actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions.count("meeting_request_signature_withdrawn") == 1
    # Signing again brings the same row back.
    assert sign_request(request, by=signer, now=utcnow()) is withdrawn
    assert withdrawn.withdrawn_at is None and signature_count(request) == 2


def test_rule_3_1_withdrawing_below_the_third_reopens_and_the_notice_is_not_repeated(
    council, people, staff
):
    chair, starter, second, third, fourth, *_ = people
    request = start_request(council, "Havneplanen", by=starter, now=utcnow())
    sign_request(request, by=second, now=utcnow())
    sign_request(request, by=third, now=utcnow())
    reached_at = request.threshold_reached_at
    assert request.status is MeetingRequestStatus.THRESHOLD_REACHED

    withdraw_signature(request, by=third, now=utcnow())
    assert request.status is MeetingRequestStatus.OPEN
    assert request.threshold_reached_at == reached_at  # the notice went out, once

    sign_request(request, by=fourth, now=utcnow())  # a third again
    assert request.status is MeetingRequestStatus.THRESHOLD_REACHED
    assert len(notices_for(chair)) == 1 and len(notices_for(staff)) == 1
    assert request.threshold_reached_at == reached_at


def test_rule_3_1_withdrawing_above_the_third_keeps_the_threshold(council, people):
    _, starter, second, third, fourth, *_ = people
    request = start_request(council, "Havneplanen", by=starter, now=utcnow())
    for person in (second, third, fourth):
        sign_request(request, by=person, now=utcnow())
    withdraw_signature(request, by=fourth, now=utcnow())
    assert request.status is MeetingRequestStatus.THRESHOLD_REACHED


def test_rule_3_1_only_the_own_signature_can_be_withdrawn(council, people):
    _, starter, other, *_ = people
    request = start_request(council, "Havneplanen", by=starter, now=utcnow())
    assert withdraw_signature(request, by=other, now=utcnow()) is None
    assert signature_count(request) == 1


# --- substitutes serving in a member's seat (rules 1.6-1.7) ---------------------------------


def test_rule_3_1_a_substitute_serving_under_leave_starts_and_signs_for_the_seat(
    council, seats, people, staff
):
    chair, starter, *_ = people
    substitute = on_leave(seats[2], staff)
    request = start_request(council, "Budget", by=starter, now=utcnow())
    signature = sign_request(request, by=substitute, now=utcnow())
    assert signature is not None and signature.membership_id == seats[2].id
    own = start_request(council, "Stedfortræderens sag", by=substitute, now=utcnow())
    assert own.signatures[0].membership_id == seats[2].id


def test_rule_3_1_the_member_on_leave_does_not_sign_while_the_substitute_serves(
    council, seats, people, staff
):
    _, starter, on_leave_member, *_ = people
    substitute = on_leave(seats[2], staff)
    request = start_request(council, "Budget", by=starter, now=utcnow())
    with pytest.raises(Refused, match="din stedfortræder"):
        sign_request(request, by=on_leave_member, now=utcnow())
    assert substitute.name in str(
        pytest.raises(Refused, sign_request, request, by=on_leave_member, now=utcnow()).value
    )


def test_rule_3_1_one_seat_counts_once(council, seats, people, staff):
    """The member signed before the leave; the substitute then serves in the same seat."""
    _, starter, member, *_ = people
    request = start_request(council, "Budget", by=starter, now=utcnow())
    sign_request(request, by=member, now=utcnow())
    substitute = on_leave(seats[2], staff)
    with pytest.raises(Refused, match="en plads tæller kun én gang"):
        sign_request(request, by=substitute, now=utcnow())
    assert signature_count(request) == 2
    # The member on leave may still take their own signature back; then the seat is free.
    withdraw_signature(request, by=member, now=utcnow())
    assert sign_request(request, by=substitute, now=utcnow()) is not None


def test_rule_3_1_a_substitute_without_a_leave_that_applies_is_not_a_member(council, seats, people):
    substitute = make_substitute(seats[3]).substitute
    request = start_request(council, "Budget", by=people[1], now=utcnow())
    with pytest.raises(Refused, match="Kun rådets medlemmer"):
        sign_request(request, by=substitute, now=utcnow())
    with pytest.raises(Refused, match="Kun rådets medlemmer"):
        start_request(council, "Noget", by=substitute, now=utcnow())


# --- the meeting and closing ------------------------------------------------------------------


def test_rule_3_1_planning_the_meeting_links_it_and_tells_the_signers(council, people, staff):
    _, starter, signer, *_ = people
    request = start_request(council, "Havneplanen", by=starter, now=utcnow())
    sign_request(request, by=signer, now=utcnow())
    result = call_meeting(
        request, starts_at=in_days(14), location="Sorø Rådhus", by=staff, now=utcnow()
    )
    meeting = result.meeting
    assert meeting.kind is MeetingKind.EXTRAORDINARY and meeting.location == "Sorø Rådhus"
    assert request.meeting_id == meeting.id
    assert request.status is MeetingRequestStatus.MEETING_CALLED
    assert any("indkaldt til ekstraordinært møde" in n.subject for n in notices_for(signer))
    assert any("indkaldt til ekstraordinært møde" in n.subject for n in notices_for(starter))
    # No signatures and no second meeting once it is called.
    with pytest.raises(Refused, match="indkaldt"):
        sign_request(request, by=people[3], now=utcnow())
    with pytest.raises(Refused, match="indkaldt"):
        withdraw_signature(request, by=signer, now=utcnow())
    with pytest.raises(Refused, match="allerede indkaldt"):
        call_meeting(request, starts_at=in_days(15), location="Ringsted", by=staff, now=utcnow())
    assert count(Meeting) == 1


def test_rule_3_1_a_cancelled_meeting_can_be_planned_anew(council, people, staff):
    from portal.meetings.operations import cancel_meeting

    request = start_request(council, "Havneplanen", by=people[1], now=utcnow())
    first = call_meeting(
        request, starts_at=in_days(14), location="Sorø", by=staff, now=utcnow()
    ).meeting
    cancel_meeting(first, reason="Lokalet er optaget.", by=staff, now=utcnow())
    second = call_meeting(
        request, starts_at=in_days(21), location="Sorø", by=staff, now=utcnow()
    ).meeting
    assert request.meeting_id == second.id != first.id


def test_rule_3_1_the_chair_may_plan_before_the_threshold(council, people):
    chair, starter, *_ = people
    request = start_request(council, "Havneplanen", by=starter, now=utcnow())
    assert request.status is MeetingRequestStatus.OPEN
    call_meeting(request, starts_at=in_days(10), location="Næstved", by=chair, now=utcnow())
    assert request.status is MeetingRequestStatus.MEETING_CALLED


def test_rule_3_1_a_meeting_in_the_past_is_refused_and_nothing_changes(council, people, staff):
    request = start_request(council, "Havneplanen", by=people[1], now=utcnow())
    with pytest.raises(Refused) as refused:
        call_meeting(request, starts_at=in_days(-1), location="Sorø", by=staff, now=utcnow())
    assert refused.value.field == "day"


def test_rule_3_1_staff_close_a_request_with_a_reason(council, people, staff):
    _, starter, signer, withdrawer, *_ = people
    request = start_request(council, "Havneplanen", by=starter, now=utcnow())
    sign_request(request, by=signer, now=utcnow())
    sign_request(request, by=withdrawer, now=utcnow())
    withdraw_signature(request, by=withdrawer, now=utcnow())
    with pytest.raises(Refused) as refused:
        close_request(request, reason="   ", by=staff, now=utcnow())
    assert refused.value.field == "reason"
    assert request.status is MeetingRequestStatus.OPEN

    close_request(request, reason="Sagen behandles på det ordinære møde.", by=staff, now=utcnow())
    assert request.status is MeetingRequestStatus.CLOSED
    assert request.close_reason == "Sagen behandles på det ordinære møde."
    assert request.closed_by_id == staff.id and request.closed_at is not None
    told = [n for n in notices_for(signer) if "lukket" in n.subject]
    assert len(told) == 1 and "det ordinære møde" in told[0].body
    assert not [n for n in notices_for(withdrawer) if "lukket" in n.subject]
    assert close_request(request, reason="Igen", by=staff, now=utcnow()) is None
    with pytest.raises(Refused, match="lukket"):
        sign_request(request, by=people[4], now=utcnow())
    with pytest.raises(Refused, match="lukket"):
        call_meeting(request, starts_at=in_days(10), location="Sorø", by=staff, now=utcnow())


# --- the pages ----------------------------------------------------------------------------------


def test_rule_3_1_member_withdraws_through_the_page(client, council, people):
    _, starter, signer, *_ = people
    request = start_request(council, "Kollektiv trafik", by=starter, now=utcnow())
    sign_request(request, by=signer, now=utcnow())
    sign_in(client, signer)
    page = client.get("/anmodninger").get_data(as_text=True)
    assert "Status: Åben" in page and "Træk min underskrift tilbage" in page
    response = client.post(f"/anmodninger/{request.id}/traek-tilbage")
    assert response.status_code == 303 and response.headers["Location"] == "/anmodninger"
    page = client.get("/anmodninger").get_data(as_text=True)
    assert "Din underskrift er trukket tilbage." in page
    assert "1 af 3 nødvendige" in page and "Skriv under" in page


def test_rule_3_1_the_chair_plans_the_meeting_from_the_member_page(client, council, people):
    chair, starter, *_ = people
    request = start_request(council, "Kollektiv trafik", by=starter, now=utcnow())
    sign_in(client, chair)
    page = client.get("/anmodninger").get_data(as_text=True)
    url = f"/kkr/sjaelland/anmodninger/{request.id}/indkald"
    assert url in page
    assert client.get(url).status_code == 200
    day = in_days(20)
    response = client.post(
        url, data={"day": day.date().isoformat(), "clock": "14:00", "location": "Roskilde"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/anmodninger"
    db.session.expire_all()
    request = db.session.get(MeetingRequest, request.id)
    assert request.status is MeetingRequestStatus.MEETING_CALLED
    assert request.meeting.starts_at.astimezone(COPENHAGEN).hour == 14
    page = client.get("/anmodninger").get_data(as_text=True)
    assert "Status: Møde indkaldt" in page and "Roskilde" in page
    assert f"/moeder/{request.meeting_id}/afbud" in page
    assert url not in page  # nothing more to plan


def test_rule_3_1_bad_meeting_input_is_refused_in_danish_and_kept(client, council, people):
    chair, starter, *_ = people
    request = start_request(council, "Kollektiv trafik", by=starter, now=utcnow())
    sign_in(client, chair)
    url = f"/kkr/sjaelland/anmodninger/{request.id}/indkald"
    past = in_days(-3)
    response = client.post(
        url,
        data={"day": past.date().isoformat(), "clock": "10:00", "location": "Køge Rådhus"},
        headers={"HX-Request": "true"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tidspunktet er passeret" in text and "Køge Rådhus" in text
    response = client.post(url, data={"day": "", "clock": "25:00", "location": "Køge"})
    assert response.status_code == 422
    assert "tt:mm" in response.get_data(as_text=True)
    assert count(Meeting) == 0


def test_rule_3_1_staff_plan_and_close_from_their_page(client, council, people, staff):
    _, starter, signer, *_ = people
    first = start_request(council, "Sygehusplanen", by=starter, now=utcnow())
    second = start_request(council, "Vejplanen", by=signer, now=utcnow())
    sign_in(client, staff)
    page = client.get("/kkr/sjaelland/admin/anmodninger").get_data(as_text=True)
    assert f"/kkr/sjaelland/anmodninger/{first.id}/indkald" in page
    assert f"/kkr/sjaelland/admin/anmodninger/{second.id}/luk" in page
    day = in_days(25)
    response = client.post(
        f"/kkr/sjaelland/anmodninger/{first.id}/indkald",
        data={"day": day.date().isoformat(), "clock": "09:30", "location": "Slagelse"},
    )
    assert response.headers["Location"] == "/kkr/sjaelland/admin/anmodninger"
    close_url = f"/kkr/sjaelland/admin/anmodninger/{second.id}/luk"
    assert client.get(close_url).status_code == 200
    response = client.post(close_url, data={"reason": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "Skriv, hvorfor" in response.get_data(as_text=True)
    response = client.post(close_url, data={"reason": "Trukket tilbage af forslagsstiller."})
    assert response.status_code == 303
    page = client.get("/kkr/sjaelland/admin/anmodninger").get_data(as_text=True)
    assert "Status: Møde indkaldt" in page and "Slagelse" in page
    assert "Status: Lukket" in page and "Trukket tilbage af forslagsstiller." in page


def test_rule_3_1_staff_see_withdrawn_signatures_and_the_substitutes_seat(
    client, council, seats, people, staff
):
    _, starter, withdrawer, *_ = people
    substitute = on_leave(seats[3], staff)
    request = start_request(council, "Budget", by=starter, now=utcnow())
    sign_request(request, by=withdrawer, now=utcnow())
    withdraw_signature(request, by=withdrawer, now=utcnow())
    sign_request(request, by=substitute, now=utcnow())
    sign_in(client, staff)
    text = client.get("/kkr/sjaelland/admin/anmodninger").get_data(as_text=True)
    assert "Trukket tilbage" in text and withdrawer.name in text
    assert f"stedfortræder for {seats[3].person.name}" in text


def test_rule_3_1_a_serving_substitute_sees_and_signs_on_the_page(
    client, council, seats, people, staff
):
    substitute = on_leave(seats[3], staff)
    request = start_request(council, "Budget", by=people[1], now=utcnow())
    sign_in(client, substitute)
    assert "Budget" in client.get("/anmodninger").get_data(as_text=True)
    assert client.post(f"/anmodninger/{request.id}/underskriv").status_code == 303
    assert signature_count(request) == 2


ROLES = ["anonymous", "member", "chair", "other_chair", "staff", "other_staff"]


@pytest.fixture
def world(council, seats, staff):
    other = make_council(slug="hovedstaden")
    request = start_request(council, "Sag", by=seats[1].person, now=utcnow())
    people = {
        "anonymous": None,
        "member": seats[2].person,
        "chair": seats[0].person,
        "other_chair": make_member(other, office=CouncilOffice.CHAIR).person,
        "staff": staff,
        "other_staff": make_staff(other),
    }
    return {"request": request, "people": people}


ROUTES = {
    "GET indkald": ("get", "/kkr/sjaelland/anmodninger/{request}/indkald", {
        "member": 403, "chair": 200, "other_chair": 403, "staff": 200, "other_staff": 403,
    }),
    "POST indkald": ("post", "/kkr/sjaelland/anmodninger/{request}/indkald", {
        "member": 403, "chair": 422, "other_chair": 403, "staff": 422, "other_staff": 403,
    }),
    "GET luk": ("get", "/kkr/sjaelland/admin/anmodninger/{request}/luk", {
        "member": 403, "chair": 403, "other_chair": 403, "staff": 200, "other_staff": 403,
    }),
    "POST luk": ("post", "/kkr/sjaelland/admin/anmodninger/{request}/luk", {
        "member": 403, "chair": 403, "other_chair": 403, "staff": 422, "other_staff": 403,
    }),
    "POST traek-tilbage": ("post", "/anmodninger/{request}/traek-tilbage", {
        "member": 303, "chair": 303, "other_chair": 404, "staff": 404, "other_staff": 404,
    }),
}  # fmt: skip


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_rule_3_1_who_may_plan_close_and_withdraw(client, world, route, role):
    method, url, expected = ROUTES[route]
    url = url.format(request=world["request"].id)
    person = world["people"][role]
    if person is not None:
        sign_in(client, person)
    response = getattr(client, method)(url)
    if role == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == expected[role]
    db.session.expire_all()
    request = db.session.get(MeetingRequest, world["request"].id)
    assert request.status is MeetingRequestStatus.OPEN and signature_count(request) == 1


def test_rule_3_1_another_councils_request_under_my_slug_is_not_there(client, world, staff):
    other = make_council(slug="syddanmark")
    theirs = start_request(other, "Deres sag", by=make_member(other).person, now=utcnow())
    sign_in(client, staff)
    for url in (
        f"/kkr/sjaelland/anmodninger/{theirs.id}/indkald",
        f"/kkr/sjaelland/admin/anmodninger/{theirs.id}/luk",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, data={"reason": "x"}).status_code == 404


def test_rule_3_1_withdrawing_needs_the_csrf_token(csrf_app, council, people):
    request = start_request(council, "Budget", by=people[1], now=utcnow())
    client = csrf_app.test_client()
    sign_in(client, people[1])
    assert client.post(f"/anmodninger/{request.id}/traek-tilbage").status_code == 400
    assert signature_count(request) == 1


def test_rule_3_1_two_planning_at_once_plan_one_meeting(app, council, people, staff):
    """The chair and the staff plan the requested meeting at the same moment, for different
    times: the request's row lock lets one through; the other is refused (nothing planned)."""
    import threading
    import time as clock

    from portal.councils.models import Person

    request = start_request(council, "Samtidig", by=people[1], now=utcnow())
    db.session.commit()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def plan(person_id: int, days: int) -> None:
        with app.app_context():
            barrier.wait()
            try:
                call_meeting(
                    db.session.get(MeetingRequest, request.id),
                    starts_at=in_days(days),
                    location="Sorø",
                    by=db.session.get(Person, person_id),
                    now=utcnow(),
                )
                clock.sleep(0.3)  # hold the transaction open while the other tries
                db.session.commit()
                outcomes.append("planned")
            except Refused:
                db.session.rollback()
                outcomes.append("refused")
            except BaseException as error:  # noqa: BLE001 - reported below
                db.session.rollback()
                outcomes.append(repr(error))

    threads = [
        threading.Thread(target=plan, args=(person_id, days))
        for person_id, days in ((people[0].id, 10), (staff.id, 11))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(outcomes) == ["planned", "refused"]
    db.session.expire_all()
    assert count(Meeting) == 1
    assert db.session.get(MeetingRequest, request.id).status is MeetingRequestStatus.MEETING_CALLED
