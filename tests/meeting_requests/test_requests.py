"""Requests for an extraordinary meeting (rule 3.1): when a third of the members have signed,
the chair and the secretariat are told, once."""

from __future__ import annotations

import threading
import time
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.councils.models import CouncilOffice, Person
from portal.extensions import db
from portal.meeting_requests.models import MeetingRequest, MeetingRequestSignature
from portal.meeting_requests.operations import sign_request, start_request
from portal.notifications.models import Notice, NoticeKind
from portal.refusal import Refused
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from tests.conftest import sign_in
from tests.factories import make_council, make_member, make_staff, make_substitute

NOW = datetime(2026, 12, 1, 9, tzinfo=COPENHAGEN)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def notices_for(person) -> list[Notice]:  # noqa: ANN001
    return list(db.session.scalars(select(Notice).where(Notice.recipient_id == person.id)))


@pytest.fixture
def council(app):
    return make_council(slug="sjaelland", name="KKR Sjælland")


@pytest.fixture
def staff(council):
    return make_staff(council)


@pytest.fixture
def members(council):
    """KKR Sjælland's cap: 34 members, the first of them the chair."""
    chair = make_member(council, office=CouncilOffice.CHAIR)
    return [chair.person, *[make_member(council).person for _ in range(33)]]


def test_rule_3_1_a_third_of_34_members_is_12_signatures_and_notifies_chair_and_staff_once(
    council, members, staff
):
    chair, starter, *others = members
    request = start_request(council, "Sygehusplanen", by=starter, now=NOW)
    assert [s.person_id for s in request.signatures] == [starter.id]  # the starter signs at once
    for person in others[:10]:  # signatures 2 to 11
        sign_request(request, by=person, now=NOW)
    assert request.threshold_reached_at is None
    assert notices_for(chair) == [] and notices_for(staff) == []

    sign_request(request, by=others[10], now=NOW)  # the 12th
    assert request.threshold_reached_at == NOW
    [to_chair] = notices_for(chair)
    [to_staff] = notices_for(staff)
    assert to_chair.kind is NoticeKind.GENERAL and to_staff.kind is NoticeKind.GENERAL
    assert to_chair.link == "/anmodninger"
    assert to_staff.link == "/kkr/sjaelland/admin/anmodninger"
    assert "Sygehusplanen" in to_staff.body and "12 nødvendige" in to_staff.body

    sign_request(request, by=others[11], now=NOW)  # the 13th: no second notice
    assert len(notices_for(chair)) == 1 and len(notices_for(staff)) == 1
    assert request.threshold_reached_at == NOW
    assert count(MeetingRequestSignature) == 13
    actions = list(db.session.scalars(select(AuditEntry.action)))
    assert actions.count("meeting_request_signed") == 13
    assert actions.count("meeting_request_threshold_reached") == 1


def test_rule_3_1_ordinary_members_are_not_told(council, members, staff):
    _, starter, *others = members
    request = start_request(council, "Trafikplan", by=starter, now=NOW)
    for person in others[:11]:
        sign_request(request, by=person, now=NOW)
    told = {notice.recipient_id for notice in db.session.scalars(select(Notice))}
    assert told == {members[0].id, staff.id}


def test_rule_3_1_a_small_council_reaches_the_threshold_with_the_starter(council, staff):
    starter = make_member(council).person
    make_member(council)  # two members: ceil(2/3) = 1 signature
    request = start_request(council, "Hastesag", by=starter, now=NOW)
    assert request.threshold_reached_at == NOW
    assert len(notices_for(staff)) == 1


def test_rule_3_1_a_second_signature_by_the_same_member_stores_one(council, members):
    _, starter, signer, *_ = members
    request = start_request(council, "Budget", by=starter, now=NOW)
    assert sign_request(request, by=signer, now=NOW) is not None
    assert sign_request(request, by=signer, now=NOW) is None
    assert sign_request(request, by=starter, now=NOW) is None
    assert count(MeetingRequestSignature) == 2


def test_rule_3_1_only_current_members_start_or_sign(council, members, staff):
    _, starter, *_ = members
    other_council_member = make_member(make_council()).person
    former = make_member(council, ends_on=date(2026, 6, 30)).person
    substitute = make_substitute(make_member(council)).substitute
    for outsider in (other_council_member, former, substitute, staff):
        with pytest.raises(Refused, match="Kun rådets medlemmer"):
            start_request(council, "Noget", by=outsider, now=NOW)
    request = start_request(council, "Budget", by=starter, now=NOW)
    for outsider in (other_council_member, former, substitute, staff):
        with pytest.raises(Refused, match="Kun rådets medlemmer"):
            sign_request(request, by=outsider, now=NOW)
    assert count(MeetingRequest) == 1 and count(MeetingRequestSignature) == 1


def test_rule_3_1_a_request_needs_a_subject(council, members):
    with pytest.raises(Refused) as refused:
        start_request(council, "   ", by=members[1], now=NOW)
    assert refused.value.field == "subject"
    assert count(MeetingRequest) == 0


# --- the pages --------------------------------------------------------------------------------


def test_rule_3_1_member_starts_a_request_and_others_sign_it(client, council, members, staff):
    _, starter, signer, *_ = members
    sign_in(client, starter)
    response = client.post(
        "/anmodninger", data={"council_id": str(council.id), "subject": "Kollektiv trafik"}
    )
    assert response.status_code == 303 and response.headers["Location"] == "/anmodninger"
    request = db.session.scalar(select(MeetingRequest))
    assert request.started_by_id == starter.id

    sign_in(client, signer)
    page = client.get("/anmodninger").get_data(as_text=True)
    assert "Kollektiv trafik" in page
    assert "1 af 12 nødvendige" in page
    assert starter.name in page
    assert "Skriv under" in page
    response = client.post(f"/anmodninger/{request.id}/underskriv")
    assert response.status_code == 303
    page = client.get("/anmodninger").get_data(as_text=True)
    assert "2 af 12 nødvendige" in page and "Du har skrevet under." in page
    # A second click stores nothing more.
    assert client.post(f"/anmodninger/{request.id}/underskriv").status_code == 303
    assert count(MeetingRequestSignature) == 2


def test_rule_3_1_the_12th_signature_through_the_page_tells_chair_and_staff(
    client, council, members, staff
):
    chair, starter, *others = members
    request = start_request(council, "Sygehusplanen", by=starter, now=utcnow())
    for person in others[:10]:
        sign_request(request, by=person, now=utcnow())
    sign_in(client, others[10])
    assert client.post(f"/anmodninger/{request.id}/underskriv").status_code == 303
    assert len(notices_for(chair)) == 1 and len(notices_for(staff)) == 1
    sign_in(client, others[11])
    assert client.post(f"/anmodninger/{request.id}/underskriv").status_code == 303
    assert len(notices_for(chair)) == 1 and len(notices_for(staff)) == 1


def test_rule_3_1_start_form_refuses_an_empty_subject_in_danish(client, council, members):
    sign_in(client, members[1])
    response = client.post(
        "/anmodninger",
        data={"council_id": str(council.id), "subject": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "Skal udfyldes." in response.get_data(as_text=True)
    assert count(MeetingRequest) == 0


def test_rule_3_1_staff_see_who_signed(client, council, members, staff):
    _, starter, signer, *_ = members
    request = start_request(council, "Budget", by=starter, now=utcnow())
    sign_request(request, by=signer, now=utcnow())
    sign_in(client, staff)
    page = client.get("/kkr/sjaelland/admin/anmodninger")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Budget" in text and "2 af 12 nødvendige" in text
    assert starter.name in text and signer.name in text


# --- who may do what ----------------------------------------------------------------------------


ROLES = ["anonymous", "member", "other_council_member", "substitute", "staff", "other_staff"]


@pytest.fixture
def world(council, staff):
    starter = make_member(council)
    member = make_member(council)
    other = make_council(slug="hovedstaden")
    request = start_request(council, "Hemmelig dagsorden", by=starter.person, now=utcnow())
    other_request = start_request(
        other, "Hovedstadens sag", by=make_member(other).person, now=utcnow()
    )
    people = {
        "anonymous": None,
        "member": member.person,
        "other_council_member": make_member(other).person,
        "substitute": make_substitute(member).substitute,
        "staff": staff,
        "other_staff": make_staff(other),
    }
    return {"request": request, "other_request": other_request, "people": people}


REQUEST_ROUTES = {
    "GET /anmodninger": (
        "get",
        "/anmodninger",
        {
            "member": 200,
            "other_council_member": 200,
            "substitute": 200,
            "staff": 200,
            "other_staff": 200,
        },
    ),
    "POST /anmodninger": (
        "post",
        "/anmodninger",
        {
            "member": 422,
            "other_council_member": 422,
            "substitute": 403,
            "staff": 403,
            "other_staff": 403,
        },
    ),
    "POST /anmodninger/<id>/underskriv": (
        "post",
        "/anmodninger/{request}/underskriv",
        {
            "member": 303,
            "other_council_member": 404,
            "substitute": 404,
            "staff": 404,
            "other_staff": 404,
        },
    ),
    "GET admin/anmodninger": (
        "get",
        "/kkr/sjaelland/admin/anmodninger",
        {
            "member": 403,
            "other_council_member": 403,
            "substitute": 403,
            "staff": 200,
            "other_staff": 403,
        },
    ),
}


@pytest.mark.parametrize("route", list(REQUEST_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_request_routes_answer_each_role(client, world, route, role):
    method, url, expected = REQUEST_ROUTES[route]
    url = url.format(request=world["request"].id)
    person = world["people"][role]
    if person is not None:
        sign_in(client, person)
    response = getattr(client, method)(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/log-ind?next=")
        return
    assert response.status_code == expected[role]


def test_members_see_only_their_own_councils_requests(client, world):
    sign_in(client, world["people"]["other_council_member"])
    text = client.get("/anmodninger").get_data(as_text=True)
    assert "Hovedstadens sag" in text
    assert "Hemmelig dagsorden" not in text
    sign_in(client, world["people"]["substitute"])
    text = client.get("/anmodninger").get_data(as_text=True)
    assert "Hemmelig dagsorden" not in text
    assert "Kun rådets medlemmer" in text


def test_staff_of_another_council_see_only_their_own_requests(client, world):
    sign_in(client, world["people"]["other_staff"])
    text = client.get("/kkr/hovedstaden/admin/anmodninger").get_data(as_text=True)
    assert "Hovedstadens sag" in text and "Hemmelig dagsorden" not in text


def test_a_member_cannot_start_a_request_in_another_council(client, world, council):
    sign_in(client, world["people"]["other_council_member"])
    response = client.post(
        "/anmodninger", data={"council_id": str(council.id), "subject": "Indblanding"}
    )
    assert response.status_code == 422
    assert count(MeetingRequest) == 2


def test_signing_needs_the_csrf_token(csrf_app, council, members):
    request = start_request(council, "Budget", by=members[1], now=utcnow())
    client = csrf_app.test_client()
    sign_in(client, members[2])
    assert client.post(f"/anmodninger/{request.id}/underskriv").status_code == 400
    assert count(MeetingRequestSignature) == 1


def test_rule_3_1_signers_at_the_same_moment_reach_the_threshold_once(app, council, staff):
    """Two members sign at once: the signature that makes the third is seen by exactly one
    of them (the request's row lock on PostgreSQL; SQLite lets one writer in at a time)."""
    starter, first, second, *_ = [make_member(council).person for _ in range(7)]  # needs 3
    request = start_request(council, "Samtidig", by=starter, now=utcnow())
    db.session.commit()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def sign(person_id: int) -> None:
        try:
            with app.app_context():
                barrier.wait()
                sign_request(
                    db.session.get(MeetingRequest, request.id),
                    by=db.session.get(Person, person_id),
                    now=utcnow(),
                )
                time.sleep(0.3)  # hold the transaction open while the other signs
                db.session.commit()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=sign, args=(p.id,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    db.session.expire_all()
    assert count(MeetingRequestSignature) == 3
    assert db.session.get(MeetingRequest, request.id).threshold_reached_at is not None
    assert len(notices_for(staff)) == 1
