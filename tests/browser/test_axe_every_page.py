"""axe-core on every page of the portal, as every role that may see it (issue #8).

The pages come from the live app's URL map: every GET route, its arguments filled from the
demo council in the live server's database (read, never written: only GET requests, and no
route whose GET changes anything). Each URL is first fetched with the role's cookies without
following redirects; only a 200 answer that is a whole HTML document (text/html with an <html>
element) is a page, opened in the browser and checked with axe. A redirect (anonymous on a
signed-in page), a refusal (403/404: not this role's page) or anything else (a PDF, a feed, a
download, an htmx fragment) is not checked for that role.

Every GET route must be checked as some role, or be listed with a reason in NOT_PAGES (never a
page) or KNOWN_UNREACHABLE (the demo data has nothing to fill its arguments with): a new page
nobody checks fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from portal.agendas.models import AgendaItem
from portal.councils.models import (
    Council,
    CouncilOffice,
    Group,
    Membership,
    MembershipKind,
    Municipality,
    Person,
)
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.policy import declared_rule
from portal.rules.calendar import local_date
from tests.browser.axe import axe_violations, describe
from tests.browser.live import DemoPeople, LiveServer, sign_in_as

if TYPE_CHECKING:
    from flask import Flask
    from playwright.sync_api import Browser

# Routes that never answer with a page, whatever their arguments.
NOT_PAGES: dict[str, str] = {
    "static": "static files",
    "notifications.calendar_feed": "an iCalendar feed (.ics)",
    "publication.meeting_plan_ics": "an iCalendar feed (.ics)",
    "publication.atom_feed": "an Atom feed",
    "publication.agenda_pdf": "a PDF",
    "publication.minutes_pdf": "a PDF",
    "publication.member_agenda_pdf": "a PDF",
    "publication.member_minutes_pdf": "a PDF",
    "publication.download_attachment": "a file download",
    "agendas.download_attachment": "a file download",
    "proposals.download_own_attachment": "a file download",
    "proposals.download_received_attachment": "a file download",
    "notifications.show_unread_count": "an htmx fragment (the unread count in the menu)",
    "notifications.open_notice": "a redirect to what the notice is about; marks it read",
    "auth.start_sign_in": "a redirect to the OpenID Connect provider",
    "auth.finish_sign_in": "the OpenID Connect callback: redirects",
}

# Routes the demo council has nothing behind: no object to fill the arguments with.
KNOWN_UNREACHABLE: dict[str, str] = {
    "public.index": "the demo has one council: / redirects to its meeting plan",
    "proposals.show_proposal": "the demo has no proposals",
    "proposals.edit_proposal": "the demo has no proposals",
    "proposals.withdraw_proposal": "the demo has no proposals",
    "proposals.show_received_proposal": "the demo has no proposals",
    "absences.show_call_in": "the demo has no call-ins (no absences)",
    "appointments.show_body": "the demo has no appointment bodies",
    "appointments.edit_body": "the demo has no appointment bodies",
    "appointments.show_round": "the demo has no appointment rounds",
    "appointments.show_election": "the demo has no elections",
    "appointments.edit_group_result": "the demo has no elections",
    "appointments.show_constitution": "the demo has no elections",
    "appointments.replace_holder": "the demo has no elections",
}

# Who sees what: the access rule a view declares (portal/policy.py) → the roles that visit it.
ROLES_BY_RULE: dict[str, tuple[str, ...]] = {
    "public": ("anonymous", "member"),
    "council_public": ("anonymous", "member"),
    "demo": ("anonymous",),
    "signed_in": ("member", "substitute", "staff", "chair"),
    "council_staff": ("staff",),
    "council_agenda": ("staff", "chair"),
    "council_proposals": ("staff", "chair"),
}
# The demo sign-in page's section per role.
SECTIONS = {"member": "Medlemmer", "substitute": "Stedfortrædere", "staff": "Sekretariatet"}
SECTIONS["chair"] = "Medlemmer"
MINUTES_ENDPOINTS = {"minutes.show_editor", "minutes.show_minutes", "minutes.show_minutes_version"}
MINUTES_ENDPOINTS |= {"publication.show_minutes", "absences.show_attendance"}


@dataclass
class DemoIds:
    values: dict[str, Any]
    past_meeting: int  # the last meeting: published agenda and minutes
    next_meeting: int  # the next meeting: published agenda
    item_of_next: int
    extra: dict[str, int] = field(default_factory=dict)


def read_demo_ids(app: Flask) -> DemoIds:
    """Ids from the live demo database, read only."""
    with app.app_context():
        session = db.session
        council = session.scalars(select(Council).order_by(Council.id)).first()
        assert council is not None
        meetings = session.scalars(
            select(Meeting)
            .where(
                Meeting.council_id == council.id,
                Meeting.agenda_published_at.is_not(None),
                Meeting.cancelled_at.is_(None),
            )
            .order_by(Meeting.starts_at)
        ).all()
        past = next(m for m in meetings if m.minutes_published_at is not None)
        following = next(m for m in meetings if m.minutes_published_at is None)
        item = session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == following.id)
            .order_by(AgendaItem.position)
        ).first()
        assert item is not None
        membership = session.scalars(
            select(Membership)
            .where(Membership.council_id == council.id, Membership.kind == MembershipKind.MAYOR)
            .order_by(Membership.id)
        ).first()
        assert membership is not None
        ids = DemoIds(
            values={
                "council_slug": council.slug,
                "group_id": session.scalars(select(Group.id).order_by(Group.id)).first(),
                "municipality_id": session.scalars(
                    select(Municipality.id).order_by(Municipality.id)
                ).first(),
                "membership_id": membership.id,
                "person_id": membership.person_id,
                "version": 1,
            },
            past_meeting=past.id,
            next_meeting=following.id,
            item_of_next=item.id,
        )
        assert local_date(past.starts_at) < local_date(following.starts_at)
        session.remove()
    return ids


def chair_name(app: Flask) -> str:
    with app.app_context():
        chair = db.session.scalars(
            select(Person)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.office == CouncilOffice.CHAIR)
        ).first()
        assert chair is not None
        name = chair.name
        db.session.remove()
    return name


def urls_by_role(app: Flask, ids: DemoIds) -> tuple[dict[str, list[tuple[str, str]]], set[str]]:
    """(role → [(endpoint, url)]) for every GET route that can be filled, and the endpoints
    that could not be (neither a known non-page nor known unreachable: the test fails on them)."""
    adapter = app.url_map.bind("localhost")
    by_role: dict[str, list[tuple[str, str]]] = {}
    unfilled: set[str] = set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        endpoint = rule.endpoint
        if "GET" not in (rule.methods or ()) or endpoint in NOT_PAGES:
            continue
        if endpoint in KNOWN_UNREACHABLE:
            continue
        values = dict(ids.values)
        minutes = endpoint in MINUTES_ENDPOINTS
        values["meeting_id"] = ids.past_meeting if minutes else ids.next_meeting
        values["item_id"] = ids.item_of_next
        missing = [name for name in rule.arguments if values.get(name) is None]
        access = declared_rule(app.view_functions[endpoint])
        if missing or access is None or access.name not in ROLES_BY_RULE:
            unfilled.add(endpoint)
            continue
        url = adapter.build(endpoint, {name: values[name] for name in rule.arguments}, "GET")
        for role in ROLES_BY_RULE[access.name]:
            by_role.setdefault(role, []).append((endpoint, url))
    return by_role, unfilled


def test_axe_on_every_page_for_every_role(
    browser: Browser, live_server: LiveServer, demo_people: DemoPeople
) -> None:
    app = live_server.app
    by_role, unfilled = urls_by_role(app, read_demo_ids(app))
    people = {
        "member": demo_people.substituted_member,
        "substitute": demo_people.substitute,
        "staff": demo_people.staff,
        "chair": chair_name(app),
    }
    checked: set[str] = set()
    pages_by_role: dict[str, int] = {}
    found: list[str] = []
    for role, urls in by_role.items():
        context = browser.new_context(base_url=live_server.url, locale="da-DK")
        context.set_default_timeout(5_000)
        try:
            page = context.new_page()
            if role != "anonymous":
                sign_in_as(page, SECTIONS[role], people[role])
            for endpoint, url in urls:
                answer = context.request.get(url, max_redirects=0)
                content_type = answer.headers.get("content-type", "")
                if answer.status != 200 or not content_type.startswith("text/html"):
                    continue
                if "<html" not in answer.text().lower():
                    continue  # an htmx fragment
                response = page.goto(url)
                assert response is not None and response.status == 200, (role, url)
                checked.add(endpoint)
                pages_by_role[role] = pages_by_role.get(role, 0) + 1
                violations = axe_violations(page)
                if violations:
                    found.append(f"{role} {url}:\n{describe(violations)}")
        finally:
            context.close()

    assert not found, "axe found:\n" + "\n".join(found)
    # Signed in for real: every role saw pages of its own, not only redirects to sign-in.
    assert set(pages_by_role) == set(by_role), pages_by_role
    assert all(count >= 3 for count in pages_by_role.values()), pages_by_role
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    unchecked = routes - checked - NOT_PAGES.keys() - KNOWN_UNREACHABLE.keys()
    assert not unchecked, (
        f"GET routes checked by no role: {sorted(unchecked)} (arguments not filled from the "
        f"demo: {sorted(unfilled)}). Fill them, or list them in NOT_PAGES / KNOWN_UNREACHABLE."
    )
