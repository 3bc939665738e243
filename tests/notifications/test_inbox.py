"""Beskeder: each person's inbox with its unread count in the header, marking read (with and
without JavaScript), following a notice, the e-mail choices per kind, and the secretariat's
e-mails that could not be delivered."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.notifications.models import (
    URGENT_KINDS,
    EmailStatus,
    Notice,
    NoticeKind,
    NotificationPreference,
)
from portal.notifications.operations import notify
from tests.conftest import sign_in
from tests.factories import make_council, make_member, make_person, make_staff

HTMX = {"HX-Request": "true"}


def give(person, subject="Ny besked", *, kind=NoticeKind.GENERAL, council=None, **values):  # noqa: ANN001, ANN003, ANN201
    values.setdefault("body", "Der er nyt.")
    values.setdefault("link", "/overblik")
    (notice,) = notify([person], kind, subject=subject, council=council, **values)
    return notice


def text(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def count_queries(statement_fragment: str):  # noqa: ANN201
    """A context manager counting the SQL statements that contain `statement_fragment`."""

    class Counter:
        count = 0

        def __call__(self, conn, cursor, statement, *args) -> None:  # noqa: ANN001, ANN002
            if statement_fragment in statement.lower():
                Counter.count += 1

        def __enter__(self):  # noqa: ANN204
            event.listen(db.engine, "before_cursor_execute", self)
            return Counter

        def __exit__(self, *args: object) -> None:
            event.remove(db.engine, "before_cursor_execute", self)

    return Counter()


@pytest.fixture
def member(client):  # noqa: ANN001, ANN201
    person = make_member(make_council()).person
    sign_in(client, person)
    return person


# --- who may see what ---------------------------------------------------------------------


SIGNED_IN_PAGES = [
    ("get", "/beskeder"),
    ("get", "/beskeder/antal"),
    ("get", "/beskeder/1"),
    ("post", "/beskeder/1/laest"),
    ("post", "/beskeder/laest"),
    ("get", "/beskeder/indstillinger"),
    ("post", "/beskeder/indstillinger"),
    ("post", "/beskeder/kalender"),
    ("post", "/beskeder/kalender/tilbagekald"),
]


@pytest.mark.parametrize(("method", "path"), SIGNED_IN_PAGES)
def test_the_anonymous_are_sent_to_sign_in(client, method: str, path: str):  # noqa: ANN001
    response = getattr(client, method)(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/log-ind?next=")
    under_htmx = getattr(client, method)(path, headers=HTMX)
    assert under_htmx.status_code == 204  # never a sign-in page swapped into a fragment
    assert under_htmx.headers["HX-Redirect"].startswith("/log-ind?next=")


@pytest.mark.parametrize(
    ("method", "suffix"), [("get", ""), ("post", "/laest"), ("post", "/laest?htmx")]
)
def test_another_persons_notice_is_not_there(client, member, method: str, suffix: str):  # noqa: ANN001
    other = make_person(name="Anden Modtager")
    notice = give(other, "Hemmeligt emne", body="Hemmeligt indhold")
    headers = HTMX if suffix.endswith("?htmx") else {}
    path = f"/beskeder/{notice.id}{suffix.removesuffix('?htmx')}"
    response = getattr(client, method)(path, headers=headers)
    assert response.status_code == 404
    assert "Hemmelig" not in text(response)
    assert notice.read_at is None
    assert "Hemmelig" not in text(client.get("/beskeder"))
    assert client.get("/beskeder/999999").status_code == 404


# --- the inbox ----------------------------------------------------------------------------


def test_inbox_lists_the_persons_notices_newest_first_with_unread_marked(client, member):
    council = make_council(name="KKR Nordjylland")
    older = give(member, "Ældre besked", council=council)
    older.created_at = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    older.read_at = datetime(2027, 3, 1, 12, tzinfo=UTC)
    newer = give(member, "Nyere besked", body="Første linje\n<script>alert(1)</script>")
    newer.created_at = datetime(2027, 3, 2, 9, 30, tzinfo=UTC)
    give(make_person(), "Andens besked")

    page = text(client.get("/beskeder"))
    assert page.index("Nyere besked") < page.index("Ældre besked")
    assert "Andens besked" not in page
    unread_row = page[page.index(f'id="notice-{newer.id}"') : page.index(f'id="notice-{older.id}"')]
    assert "Ulæst" in unread_row  # in words, not by colour alone
    assert "Markér som læst" in unread_row
    read_row = page[page.index(f'id="notice-{older.id}"') :]
    assert "Ulæst" not in read_row.split("</li>")[0]
    assert "Markér som læst" not in read_row.split("</li>")[0]
    assert "1. marts 2027 kl. 10:30" in page  # Copenhagen time
    assert "KKR Nordjylland" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert f'href="/beskeder/{newer.id}"' in page


def test_confidential_notices_show_their_body_in_the_inbox(client, member):
    give(member, "Lukket punkt", body="Indholdet af det lukkede punkt", confidential=True)
    assert "Indholdet af det lukkede punkt" in text(client.get("/beskeder"))


def test_inbox_pages_by_fifty(client, member):
    for number in range(51):
        notice = give(member, f"Besked nummer {number}")
        notice.created_at = datetime(2027, 1, 1, tzinfo=UTC) + timedelta(minutes=number)
    first = text(client.get("/beskeder"))
    assert first.count('class="inbox-item') == 50
    assert "Besked nummer 50<" in first and "Besked nummer 0<" not in first
    assert 'href="/beskeder?side=2"' in first and "Ældre beskeder" in first
    second = text(client.get("/beskeder?side=2"))
    assert second.count('class="inbox-item') == 1 and "Besked nummer 0<" in second
    assert "Nyere beskeder" in second
    assert client.get("/beskeder?side=0").status_code == 200
    assert client.get("/beskeder?side=x").status_code == 200


def test_an_empty_inbox_says_so(client, member):
    page = text(client.get("/beskeder"))
    assert "Du har ingen beskeder." in page and "Markér alle som læst" not in page


# --- the unread count in the header -------------------------------------------------------


def unread_badge(html: str) -> str:
    match = re.search(r'<span id="unread-count"[^>]*>(.*?)</span>\s*</a>', html, re.S)
    assert match, "no unread count in the header"
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_header_shows_the_unread_count_on_every_page(client, member):
    assert unread_badge(text(client.get("/overblik"))) == ""
    give(member, "En")
    give(member, "To")
    give(make_person(), "Ikke min")
    html = text(client.get("/overblik"))
    assert '<a href="/beskeder">Beskeder' in html
    assert unread_badge(html) == "(2) ulæste"  # "ulæste" is visually hidden
    assert '<span class="visually-hidden"> ulæste</span>' in html
    give(member, "Tre").read_at = datetime.now(UTC)
    assert unread_badge(text(client.get("/beskeder"))) == "(2) ulæste"


def test_the_header_count_is_one_count_query_per_request(client, member):
    give(member, "En")
    with count_queries("count(notice.id)") as counter:
        assert client.get("/beskeder").status_code == 200
    assert counter.count == 1


def test_the_poll_answers_the_count_element_alone(client, member):
    give(member, "En")
    client.get("/overblik")  # the test's session settles (sign_in() skips Flask-Login's _id)
    response = client.get("/beskeder/antal", headers=HTMX)
    assert response.status_code == 200
    html = text(response).strip()
    assert html.startswith('<span id="unread-count"') and "<html" not in html
    assert 'hx-get="/beskeder/antal"' in html
    assert 'hx-trigger="every 60s"' in html and 'hx-swap="outerHTML"' in html
    assert "hx-swap-oob" not in html
    assert "(1)" in html and " ulæst<" in html
    assert "no-store" in response.headers["Cache-Control"]
    # Polling is a plain GET: it needs no CSRF token and does not touch the session cookie.
    assert "Set-Cookie" not in response.headers


def test_the_poll_needs_no_csrf_token(csrf_app):  # noqa: ANN001
    client = csrf_app.test_client()
    sign_in(client, make_member(make_council()).person)
    assert client.get("/beskeder/antal", headers=HTMX).status_code == 200


def test_no_count_for_the_anonymous(client):
    make_council()
    html = text(client.get("/log-ind"))
    assert 'id="unread-count"' not in html and "/beskeder" not in html


# --- marking read -------------------------------------------------------------------------


def test_mark_read_without_javascript(client, member):
    notice = give(member)
    response = client.post(f"/beskeder/{notice.id}/laest")
    assert response.status_code == 303
    assert response.headers["Location"] == "/beskeder"
    assert notice.read_at is not None
    page = text(client.get("/beskeder"))
    assert "Beskeden er markeret som læst." in page
    assert unread_badge(page) == ""


def test_mark_read_keeps_the_page(client, member):
    notice = give(member)
    response = client.post(f"/beskeder/{notice.id}/laest", data={"side": "3"})
    assert response.headers["Location"] == "/beskeder?side=3"


def test_mark_read_with_htmx_answers_the_row_and_the_count_out_of_band(client, member):
    notice = give(member, "Første")
    give(member, "Anden")
    response = client.post(f"/beskeder/{notice.id}/laest", headers=HTMX)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = text(response).strip()
    assert html.startswith(f'<li id="notice-{notice.id}" class="inbox-item">')
    assert "<html" not in html and "Ulæst" not in html and "Markér som læst" not in html
    assert "autofocus" in html  # focus goes to the row's "Åbn" link, the button is gone
    # After the row: the header's count, out-of-band, now one.
    oob = html[html.index('<span id="unread-count"') :]
    assert 'hx-swap-oob="true"' in oob and 'hx-trigger="every 60s"' in oob
    assert "(1)" in oob and " ulæst<" in oob
    assert '<div id="inbox-status" hx-swap-oob="innerHTML">' in html
    assert "Beskeden er markeret som læst." in html
    assert notice.read_at is not None


def test_marking_read_twice_keeps_the_first_time(client, member):
    notice = give(member)
    client.post(f"/beskeder/{notice.id}/laest")
    first = notice.read_at
    client.post(f"/beskeder/{notice.id}/laest")
    assert notice.read_at == first


def test_mark_all_read_without_javascript(client, member):
    mine = [give(member, f"Besked {n}") for n in range(3)]
    others = give(make_person(), "Ikke min")
    response = client.post("/beskeder/laest")
    assert response.status_code == 303 and response.headers["Location"] == "/beskeder"
    assert all(notice.read_at is not None for notice in mine)
    assert others.read_at is None
    assert "Alle beskeder er markeret som læst." in text(client.get("/beskeder"))


def test_mark_all_read_with_htmx_answers_the_list_and_the_count(client, member):
    give(member, "En")
    give(member, "To")
    response = client.post("/beskeder/laest", headers=HTMX)
    assert response.status_code == 200
    html = text(response).strip()
    assert html.startswith('<div id="notice-list">') and "<html" not in html
    assert "Ulæst" not in html and "Markér alle som læst" not in html
    oob = html[html.index('<span id="unread-count"') :]
    assert 'hx-swap-oob="true"' in oob and "ulæst" not in oob
    assert "Alle beskeder er markeret som læst." in html
    assert db.session.scalar(select(func.count()).where(Notice.read_at.is_(None))) == 0


def test_marking_read_needs_the_csrf_token_htmx_too(csrf_app):  # noqa: ANN001
    client = csrf_app.test_client()
    person = make_member(make_council()).person
    sign_in(client, person)
    notice = give(person)
    assert client.post(f"/beskeder/{notice.id}/laest").status_code == 400
    assert notice.read_at is None
    page = text(client.get("/beskeder"))
    token = page.split('"X-CSRFToken": "')[1].split('"')[0]
    accepted = client.post(f"/beskeder/{notice.id}/laest", headers={**HTMX, "X-CSRFToken": token})
    assert accepted.status_code == 200
    assert notice.read_at is not None


# --- following a notice -------------------------------------------------------------------


def test_opening_a_notice_marks_it_read_and_goes_to_what_it_is_about(client, member):
    notice = give(member, link="/kkr/sjaelland/?fra=besked")
    response = client.get(f"/beskeder/{notice.id}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/kkr/sjaelland/?fra=besked"
    assert notice.read_at is not None


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "/\t/evil.example/",
        "javascript:alert(1)",
        "",
    ],
)
def test_opening_a_notice_never_leaves_the_site(client, member, link: str):  # noqa: ANN001
    notice = give(member, link=link)
    response = client.get(f"/beskeder/{notice.id}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/beskeder"
    assert notice.read_at is not None


# --- e-mail choices -----------------------------------------------------------------------


def preferences(person) -> dict[NoticeKind, bool]:  # noqa: ANN001
    rows = db.session.scalars(
        select(NotificationPreference).where(NotificationPreference.person_id == person.id)
    )
    return {row.kind: row.email for row in rows}


def all_email(**changes: str) -> dict[str, str]:
    data = {kind.value: "email" for kind in NoticeKind if kind not in URGENT_KINDS}
    data.update(changes)
    return data


def test_settings_offer_a_choice_per_kind_with_urgent_kinds_always_emailed(client, member):
    page = text(client.get("/beskeder/indstillinger"))
    for label in (
        "Påmindelse om frist for forslag til dagsorden",
        "Ændringer af møder",
        "Andre beskeder",
    ):
        assert f"<legend>{label}</legend>" in page
    assert page.count("E-mail og indbakke") == len(NoticeKind)
    assert 'name="proposal_deadline" type="radio" value="email"' in page
    assert 'checked id="proposal_deadline-0"' in page  # e-mail is the default
    urgent = page[page.index("Indkaldelse af stedfortræder") - 200 :]
    assert '<fieldset class="choice-group" disabled' in urgent
    assert "Sendes altid også som e-mail" in urgent
    assert 'name="substitute_called_in"' not in page


def test_choices_are_saved_audited_and_respected_by_notify(client, member):
    response = client.post(
        "/beskeder/indstillinger",
        data=all_email(proposal_deadline="inbox", meeting_changed="inbox"),
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/beskeder/indstillinger"
    assert "Dine valg er gemt." in text(client.get("/beskeder/indstillinger"))
    stored = preferences(member)
    assert stored[NoticeKind.PROPOSAL_DEADLINE] is False
    assert stored[NoticeKind.MEETING_CHANGED] is False
    assert stored[NoticeKind.GENERAL] is True
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "notification_preferences_changed")
    )
    assert entry.actor_id == member.id and entry.after["proposal_deadline"] is False

    page = text(client.get("/beskeder/indstillinger"))
    assert 'checked id="proposal_deadline-1"' in page  # the form shows what was chosen

    inbox_only = give(member, kind=NoticeKind.PROPOSAL_DEADLINE)
    assert inbox_only.email_status is EmailStatus.INBOX_ONLY
    assert inbox_only.next_attempt_at is None
    assert give(member, kind=NoticeKind.GENERAL).email_status is EmailStatus.PENDING
    # Someone who chose nothing gets e-mail.
    other = make_person()
    assert give(other, kind=NoticeKind.PROPOSAL_DEADLINE).email_status is EmailStatus.PENDING

    # And back to e-mail.
    client.post("/beskeder/indstillinger", data=all_email())
    assert give(member, kind=NoticeKind.PROPOSAL_DEADLINE).email_status is EmailStatus.PENDING


@pytest.mark.parametrize("kind", sorted(URGENT_KINDS))
def test_urgent_kinds_always_email_whatever_is_posted(client, member, kind: NoticeKind):  # noqa: ANN001
    response = client.post("/beskeder/indstillinger", data=all_email(**{kind.value: "inbox"}))
    assert response.status_code == 303
    assert kind not in preferences(member)
    # Even a stored choice (from before a kind became urgent) does not stop the e-mail.
    db.session.add(NotificationPreference(person_id=member.id, kind=kind, email=False))
    assert give(member, kind=kind).email_status is EmailStatus.PENDING


def test_an_unknown_choice_is_refused_with_422(client, member):
    response = client.post("/beskeder/indstillinger", data=all_email(general="fax"))
    assert response.status_code == 422
    assert "Vælg en af mulighederne." in text(response)
    assert preferences(member) == {}


# --- the secretariat: e-mails that could not be delivered ---------------------------------


def dead_email(person, council, subject="Opgivet besked"):  # noqa: ANN001, ANN201
    notice = give(person, subject, council=council)
    notice.email_status = EmailStatus.DEAD
    notice.attempts = 8
    notice.last_error = "550 5.1.1 <x@example.org>: Recipient address rejected"
    return notice


@pytest.fixture
def council():  # noqa: ANN201
    return make_council(slug="sjaelland", name="KKR Sjælland")


def admin(council, path: str = "") -> str:  # noqa: ANN001
    return f"/kkr/{council.slug}/admin/udsendelser{path}"


def test_staff_see_their_councils_dead_emails_and_what_waits(client, council):
    staff = make_staff(council)
    member = make_member(council).person
    dead = dead_email(member, council)
    give(member, "Venter", council=council)
    give(member, "Andet råd", council=make_council())
    dead_email(make_person(), make_council(), "Et andet råds opgivne")
    sign_in(client, staff)
    page = text(client.get(admin(council)))
    assert "Opgivet besked" in page and member.name in page and member.email in page
    assert "Recipient address rejected" in page and ">8<" in page
    assert "Et andet råds opgivne" not in page
    assert "1 e-mail venter på at blive sendt." in page
    assert f'action="/kkr/sjaelland/admin/udsendelser/{dead.id}/send-igen"' in page
    assert 'aria-current="page">Udsendelser<' in page


def test_staff_send_a_dead_email_again(client, council):
    staff = make_staff(council)
    notice = dead_email(make_member(council).person, council)
    sign_in(client, staff)
    response = client.post(admin(council, f"/{notice.id}/send-igen"))
    assert response.status_code == 303 and response.headers["Location"] == admin(council)
    assert notice.email_status is EmailStatus.PENDING
    assert notice.attempts == 0 and notice.last_error is None
    assert notice.next_attempt_at is not None
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "email_retried"))
    assert entry.actor_id == staff.id and entry.council_id == council.id
    assert entry.object_id == notice.id and entry.before["attempts"] == 8
    assert "sendes igen" in text(client.get(admin(council)))
    # A second press changes nothing.
    client.post(admin(council, f"/{notice.id}/send-igen"))
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "email_retried")) == 1


def test_deliveries_are_for_the_councils_staff_only(client, council):
    notice = dead_email(make_member(council).person, council)
    response = client.get(admin(council))
    assert response.status_code == 302 and response.headers["Location"].startswith("/log-ind")
    assert client.post(admin(council, f"/{notice.id}/send-igen"), headers=HTMX).status_code == 204

    sign_in(client, make_member(council).person)
    assert client.get(admin(council)).status_code == 403
    assert client.post(admin(council, f"/{notice.id}/send-igen")).status_code == 403

    other = make_council()
    sign_in(client, make_staff(other))
    assert client.get(admin(council)).status_code == 403
    # Through their own council's URL, this council's notice does not exist.
    assert client.post(admin(other, f"/{notice.id}/send-igen")).status_code == 404
    assert notice.email_status is EmailStatus.DEAD
    assert "Opgivet besked" not in text(client.get(admin(other)))


def test_the_admin_menu_links_to_deliveries(client, council):
    sign_in(client, make_staff(council))
    page = text(client.get(f"/kkr/{council.slug}/admin/"))
    assert 'href="/kkr/sjaelland/admin/udsendelser">Udsendelser<' in page
