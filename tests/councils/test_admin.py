"""Staff keep the council's people; rule 1.2 and 1.9 enforced with Danish messages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEntry
from portal.councils.models import (
    Membership,
    MembershipKind,
    Municipality,
    MunicipalOffice,
    Person,
    SubstituteAssignment,
    SubstituteBasis,
)
from portal.extensions import db
from portal.notifications.models import Notice
from tests.conftest import sign_in
from tests.factories import (
    make_council,
    make_group,
    make_member,
    make_municipality,
    make_person,
    make_staff,
    make_substitute,
)


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def council():
    return make_council(slug="sjaelland", name="KKR Sjælland")


@pytest.fixture
def staff_client(client, council):
    sign_in(client, make_staff(council))
    return client


def admin_url(council, path: str = "") -> str:
    return f"/kkr/{council.slug}/admin/{path}"


def test_staff_see_members_with_their_substitutes(staff_client, council):
    membership = make_member(council)
    substitute = make_substitute(membership)
    page = staff_client.get(admin_url(council))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert membership.person.name in text
    assert substitute.substitute.name in text


def test_admin_pages_refuse_members_and_send_the_anonymous_to_sign_in(client, council):
    response = client.get(admin_url(council))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/log-ind?next=")
    htmx = client.get(admin_url(council, "personer"), headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert htmx.headers["HX-Redirect"].startswith("/log-ind")
    sign_in(client, make_member(council).person)
    assert client.get(admin_url(council)).status_code == 403


def test_staff_of_another_council_see_nothing_of_this_one(client, council):
    other = make_council()
    sign_in(client, make_staff(other))
    person = make_person(council)
    assert client.get(admin_url(council)).status_code == 403
    # Through their own council's URL, this council's person does not exist.
    assert client.get(admin_url(other, f"personer/{person.id}")).status_code == 404
    assert person.name not in client.get(admin_url(other, "personer")).get_data(as_text=True)


def test_add_municipality_and_refuse_a_duplicate(staff_client, council):
    response = staff_client.post(admin_url(council, "kommuner"), data={"name": "Faxe"})
    assert response.status_code == 303
    again = staff_client.post(admin_url(council, "kommuner"), data={"name": " faxe "})
    assert again.status_code == 422
    assert "Navnet er allerede brugt" in again.get_data(as_text=True)
    assert count(Municipality) == 1


def test_add_person_keeps_what_was_typed_when_refused(staff_client, council):
    make_person(council, name="Første", email="same@kkr-test.example")
    response = staff_client.post(
        admin_url(council, "personer/ny"),
        data={
            "name": "Anden Person",
            "email": "SAME@kkr-test.example",
            "municipality_id": "",
            "municipal_office": "none",
        },
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "E-mailadressen bruges allerede af Første" in text
    assert 'value="Anden Person"' in text
    assert count(Person) == 2  # the staff person and "Første"


def test_person_form_messages_are_danish(staff_client, council):
    response = staff_client.post(
        admin_url(council, "personer/ny"),
        data={"name": "", "email": "ikke-en-adresse", "municipal_office": "mayor"},
    )
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Skal udfyldes." in text
    assert "Skriv en gyldig e-mailadresse" in text
    assert "Vælg kommunen for et kommunalt hverv." in text


def test_person_search_answers_htmx_with_the_results_only(staff_client, council):
    make_person(council, name="Karen Blixen")
    make_person(council, name="Niels Bohr")
    response = staff_client.get(
        admin_url(council, "personer?q=blix"), headers={"HX-Request": "true"}
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Karen Blixen" in text and "Niels Bohr" not in text
    assert "<html" not in text
    assert "HX-Request" in response.headers["Vary"]


def mayor_with_deputies(council):
    municipality = make_municipality(council, "Køge")
    mayor = make_member(council, kind=MembershipKind.MAYOR, municipality=municipality)
    first = make_person(
        council,
        "Første Viceborgmester",
        municipality=municipality,
        office=MunicipalOffice.FIRST_DEPUTY_MAYOR,
    )
    second = make_person(
        council,
        "Anden Viceborgmester",
        municipality=municipality,
        office=MunicipalOffice.SECOND_DEPUTY_MAYOR,
    )
    return mayor, first, second


def assign(client, council, membership, person, starts_on="2026-01-01"):
    return client.post(
        admin_url(council, f"medlemmer/{membership.id}/stedfortraeder"),
        data={"substitute_id": str(person.id), "starts_on": starts_on},
    )


def test_rule_1_2_mayor_substitute_must_be_first_deputy(staff_client, council):
    mayor, first, second = mayor_with_deputies(council)
    refused = assign(staff_client, council, mayor, second)
    assert refused.status_code == 422
    assert "1. viceborgmester (Første Viceborgmester)" in refused.get_data(as_text=True)
    assert count(SubstituteAssignment) == 0
    assert count(Notice) == 0  # a refused change notifies nobody
    accepted = assign(staff_client, council, mayor, first)
    assert accepted.status_code == 303
    assignment = db.session.scalar(select(SubstituteAssignment))
    assert assignment.basis is SubstituteBasis.FIRST_DEPUTY_MAYOR
    # Both are told, in the same transaction as the assignment.
    notices = {n.recipient_id: n for n in db.session.scalars(select(Notice))}
    assert set(notices) == {first.id, mayor.person_id}
    assert mayor.person.name in notices[first.id].subject


def test_rule_1_2_second_deputy_when_first_deputy_is_member(staff_client, council):
    mayor, first, second = mayor_with_deputies(council)
    make_member(council, first, municipality=mayor.municipality)
    refused = assign(staff_client, council, mayor, first)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "et medlem kan ikke være stedfortræder" in text
    assert "2. viceborgmester (Anden Viceborgmester)" in text
    assert assign(staff_client, council, mayor, second).status_code == 303
    assert db.session.scalar(select(SubstituteAssignment)).basis is (
        SubstituteBasis.SECOND_DEPUTY_MAYOR
    )


def test_rule_1_2_council_chooses_when_there_is_no_free_deputy(staff_client, council):
    municipality = make_municipality(council, "Stevns")
    mayor = make_member(council, kind=MembershipKind.MAYOR, municipality=municipality)
    outsider = make_person(council, "Fra Anden Kommune", municipality=make_municipality(council))
    chosen = make_person(council, "Valgt Af Kommunalbestyrelsen", municipality=municipality)
    refused = assign(staff_client, council, mayor, outsider)
    assert refused.status_code == 422
    assert "hører ikke til Stevns" in refused.get_data(as_text=True)
    assert assign(staff_client, council, mayor, chosen).status_code == 303
    assert db.session.scalar(select(SubstituteAssignment)).basis is (
        SubstituteBasis.CHOSEN_BY_MUNICIPAL_COUNCIL
    )


def test_rule_1_2_a_substitute_serves_one_member_only(staff_client, council):
    first_member, second_member = make_member(council), make_member(council)
    shared = make_substitute(first_member).substitute
    response = assign(staff_client, council, second_member, shared)
    assert response.status_code == 422
    assert f"allerede stedfortræder for {first_member.person.name}" in response.get_data(
        as_text=True
    )
    assert count(SubstituteAssignment) == 1


def test_rule_1_2_a_member_cannot_be_a_substitute(staff_client, council):
    member, other_member = make_member(council), make_member(council)
    response = assign(staff_client, council, member, other_member.person)
    assert response.status_code == 422
    assert "et medlem kan ikke være stedfortræder" in response.get_data(as_text=True)


def test_rule_1_2_a_substitute_cannot_become_a_member_while_substitute(staff_client, council):
    substitute = make_substitute(make_member(council)).substitute
    response = staff_client.post(
        admin_url(council, "medlemmer/ny"),
        data={
            "person_id": str(substitute.id),
            "municipality_id": str(substitute.municipality_id),
            "group_id": "",
            "kind": "group_elected",
            "office": "member",
            "starts_on": "2026-02-01",
        },
    )
    assert response.status_code == 422
    assert "Afslut stedfortræderrollen først" in response.get_data(as_text=True)
    assert count(Membership) == 1


def test_rule_1_2_one_personal_substitute_per_member(staff_client, council):
    member = make_member(council)
    make_substitute(member)
    response = assign(staff_client, council, member, make_person(municipality=member.municipality))
    assert response.status_code == 422
    assert "har allerede en personlig stedfortræder" in response.get_data(as_text=True)


def test_only_the_mayor_holds_the_mayors_seat_and_one_chair(staff_client, council):
    municipality = make_municipality(council)
    councillor = make_person(council, municipality=municipality)
    data = {
        "person_id": str(councillor.id),
        "municipality_id": str(municipality.id),
        "group_id": "",
        "kind": "mayor",
        "office": "member",
        "starts_on": "2026-01-01",
    }
    response = staff_client.post(admin_url(council, "medlemmer/ny"), data=data)
    assert response.status_code == 422
    assert "Kun borgmesteren" in response.get_data(as_text=True)
    chair = make_member(council, office="chair")
    data.update(kind="group_elected", office="chair", group_id=str(make_group(council).id))
    response = staff_client.post(admin_url(council, "medlemmer/ny"), data=data)
    assert response.status_code == 422
    assert f"allerede en formand: {chair.person.name}" in response.get_data(as_text=True)
    data.update(office="member")
    assert staff_client.post(admin_url(council, "medlemmer/ny"), data=data).status_code == 303


def test_rule_1_9_ending_a_membership_keeps_its_history(staff_client, council):
    member = make_member(council, group=make_group(council))
    response = staff_client.post(
        admin_url(council, f"medlemmer/{member.id}/afslut"),
        data={"ends_on": "2026-06-30", "cause": "left_municipal_council", "successor": "none"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert count(Membership) == 1  # nothing hard-deleted
    assert member.ends_on == date(2026, 6, 30)
    history = staff_client.get(admin_url(council, "historik")).get_data(as_text=True)
    assert member.person.name in history
    assert "Er ikke længere medlem af kommunalbestyrelsen (regel 1.9)" in history
    public = staff_client.get(f"/kkr/{council.slug}/medlemmer").get_data(as_text=True)
    assert member.person.name not in public
    assert "membership_ended" in set(db.session.scalars(select(AuditEntry.action)))


def test_rule_1_9_end_date_before_start_is_refused(staff_client, council):
    member = make_member(council, starts_on=date(2026, 1, 1), group=make_group(council))
    response = staff_client.post(
        admin_url(council, f"medlemmer/{member.id}/afslut"),
        data={"ends_on": "2025-12-31", "cause": "resigned", "successor": "none"},
    )
    assert response.status_code == 422
    assert "før medlemskabets start" in response.get_data(as_text=True)
    db.session.expire_all()
    assert member.ends_on is None


def test_every_change_is_audited_with_before_and_after(staff_client, council):
    municipality = make_municipality(council, "Sorø")
    staff_client.post(
        admin_url(council, f"kommuner/{municipality.id}"), data={"name": "Sorø Kommune"}
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "municipality_changed"))
    assert entry.before["name"] == "Sorø" and entry.after["name"] == "Sorø Kommune"
    assert entry.actor_id is not None and entry.council_id == council.id


def test_state_changes_need_the_csrf_token_htmx_too(csrf_app, council):
    client = csrf_app.test_client()
    sign_in(client, make_staff(council))
    refused = client.post(admin_url(council, "kommuner"), data={"name": "Lejre"})
    assert refused.status_code == 400
    assert "Formularen er udløbet" in refused.get_data(as_text=True)
    page = client.get(admin_url(council, "kommuner")).get_data(as_text=True)
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    accepted = client.post(
        admin_url(council, "kommuner"),
        data={"name": "Lejre"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    # Under htmx, success loads the next page whole instead of swapping it into the form.
    assert accepted.status_code == 204
    assert accepted.headers["HX-Redirect"] == admin_url(council, "kommuner")
    assert count(Municipality) == 1


def test_change_office_and_end_the_substitute_from_the_membership_page(staff_client, council):
    member = make_member(council)
    assignment = make_substitute(member, starts_on=date(2026, 1, 1))
    page = staff_client.get(admin_url(council, f"medlemmer/{member.id}"))
    assert page.status_code == 200 and assignment.substitute.name in page.get_data(as_text=True)
    changed = staff_client.post(
        admin_url(council, f"medlemmer/{member.id}"), data={"office": "vice_chair", "group_id": ""}
    )
    assert changed.status_code == 303
    assert member.office.value == "vice_chair"
    too_early = staff_client.post(
        admin_url(council, f"stedfortraedere/{assignment.id}/afslut"),
        data={"end-ends_on": "2025-12-31", "end-cause": "resigned"},
    )
    assert too_early.status_code == 422
    assert "før rollens start" in too_early.get_data(as_text=True)
    ended = staff_client.post(
        admin_url(council, f"stedfortraedere/{assignment.id}/afslut"),
        data={"end-ends_on": "2026-03-31", "end-cause": "resigned"},
    )
    assert ended.status_code == 303
    assert assignment.ends_on == date(2026, 3, 31)
    assert "Ingen personlig stedfortræder" in staff_client.get(
        admin_url(council, f"medlemmer/{member.id}")
    ).get_data(as_text=True)


def test_every_admin_page_of_the_demo_council_renders(staff_client, council):
    from portal.councils.models import Group

    member = make_member(council, group=None)
    make_substitute(member)
    group = Group(council=council, letter="A", name="Socialdemokratiet")
    db.session.add(group)
    db.session.flush()
    person = make_person(council)
    pages = [
        "", "historik", "kommuner", f"kommuner/{member.municipality_id}", "grupper",
        f"grupper/{group.id}", "personer", "personer/ny", f"personer/{person.id}",
        "medlemmer/ny", f"medlemmer/{member.id}", f"medlemmer/{member.id}/afslut",
        f"medlemmer/{member.id}/stedfortraeder",
    ]  # fmt: skip
    for page in pages:
        response = staff_client.get(admin_url(council, page))
        assert response.status_code == 200, page
        assert "<h1" in response.get_data(as_text=True)


def test_invalid_htmx_post_answers_with_the_form_alone(staff_client, council):
    response = staff_client.post(
        admin_url(council, "grupper"),
        data={"letter": "", "name": ""},
        headers={"HX-Request": "true"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert text.lstrip().startswith("<form") and "<html" not in text
    assert 'aria-invalid="true"' in text and "Skal udfyldes." in text
