"""axe-core on every page of the portal, as every role that may see it (issue #8).

The pages come from the live app's URL map: every GET route, its arguments filled from the
demo council in the live server's database (read, never written: only GET requests, and no
route whose GET changes anything). Each URL is first fetched with the role's cookies without
following redirects; only a 200 answer that is a whole HTML document (text/html with an <html>
element) is a page, opened in the browser and checked with axe (a page that answers with
another status, such as a form's page that says what was wrong, is listed in OTHER_STATUS).
A redirect (anonymous on a signed-in page), a refusal (403/404: not this role's page) or
anything else (a PDF, a feed, a download, an htmx fragment) is not checked for that role.

Every GET route must be checked as some role, or be listed with a reason in NOT_PAGES (never a
page) or KNOWN_UNREACHABLE (the demo data has nothing to fill its arguments with): a new page
nobody checks fails the test. The demo has something of every kind (portal/demo/): proposals,
an absence with the substitute called in and attending, appointment rounds by majority and by
d'Hondt, an election with its constitution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.agendas.models import AgendaItem
from portal.appointments.models import (
    Appointment,
    AppointmentMethod,
    AppointmentRound,
    RoundStatus,
)
from portal.councils.models import (
    Council,
    CouncilOffice,
    Group,
    Membership,
    MembershipKind,
    Municipality,
    Person,
)
from portal.elections.models import (
    Election,
    ElectionGroupResult,
    ElectionStatus,
    OfficeHolding,
)
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.policy import declared_rule
from portal.proposals.models import Proposal, ProposalStatus
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

# Pages that answer with another status than 200, with what they need in the query string:
# the status, and the query. Home-realm discovery with an address no provider takes shows
# the sign-in page again, saying so.
OTHER_STATUS: dict[str, tuple[int, dict[str, str]]] = {
    "auth.find_by_email": (422, {"email": "nogen@ukendt.example"}),
}

# Routes the demo council has nothing behind: no object to fill the arguments with.
KNOWN_UNREACHABLE: dict[str, str] = {
    "public.index": "the demo has one council: / redirects to its meeting plan",
    "meeting_requests.call_meeting": "the demo has no request for an extraordinary meeting",
    "meeting_requests.close_request": "the demo has no request for an extraordinary meeting",
}

# Who sees what: the access rule a view declares (portal/policy.py) → the roles that visit it.
ROLES_BY_RULE: dict[str, tuple[str, ...]] = {
    "public": ("anonymous", "member"),
    "council_public": ("anonymous", "member"),
    "demo": ("anonymous",),
    "signed_in": ("member", "substitute", "called_in", "staff", "chair"),
    "council_staff": ("staff",),
    "council_agenda": ("staff", "chair"),
    "council_proposals": ("staff", "chair"),
    "council_calls_meeting": ("staff", "chair"),
}
# The roles: anonymous; "member", the demo member with proposals; "substitute", a personal
# substitute not called in; "called_in", the substitute called in and attending the next
# meeting; "staff"; "chair". The demo sign-in page's section for each:
SECTIONS = {"member": "Medlemmer", "substitute": "Stedfortrædere", "staff": "Sekretariatet"}
SECTIONS |= {"chair": "Medlemmer", "called_in": "Stedfortrædere"}
# Pages a role sees of its own: the member their proposals, the called-in substitute the call.
OWN_PAGES = {
    ("member", "proposals.show_proposal"),
    ("member", "proposals.edit_proposal"),
    ("member", "proposals.withdraw_proposal"),
    ("called_in", "absences.show_call_in"),
}
MINUTES_ENDPOINTS = {"minutes.show_editor", "minutes.show_minutes", "minutes.show_minutes_version"}
MINUTES_ENDPOINTS |= {"publication.show_minutes", "absences.show_attendance"}
# Who actually attended is recorded for a meeting that has been held (rule 3.9).
MINUTES_ENDPOINTS |= {"absences.record_attendance"}


@dataclass
class DemoIds:
    values: dict[str, Any]
    past_meeting: int  # the last meeting: published agenda and minutes
    next_meeting: int  # the next meeting: published agenda
    item_of_next: int
    # Arguments with more than one demo object worth a look (each gives its own URL).
    alternatives: dict[str, list[int]] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)  # role → whom it signs in as


def first(statement: Any) -> Any:
    value = db.session.scalars(statement).first()
    assert value is not None, f"the demo data has none: {statement}"
    return value


def read_demo_ids(app: Flask) -> DemoIds:
    """Ids from the live demo database, read only. The demo's own objects are the oldest of
    their kind: other browser tests add theirs to the shared server."""
    with app.app_context():
        session = db.session
        council = first(select(Council).order_by(Council.id))
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
        item = first(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == following.id)
            .order_by(AgendaItem.position)
        )
        membership = first(
            select(Membership)
            .where(Membership.council_id == council.id, Membership.kind == MembershipKind.MAYOR)
            .order_by(Membership.id)
        )
        # The member's proposals: one submitted (staff have it too), one a draft.
        submitted = first(
            select(Proposal)
            .where(Proposal.status == ProposalStatus.SUBMITTED)
            .order_by(Proposal.id)
        )
        draft = first(
            select(Proposal)
            .where(
                Proposal.status == ProposalStatus.DRAFT,
                Proposal.proposer_id == submitted.proposer_id,
            )
            .order_by(Proposal.id)
        )
        call_in = first(
            select(SubstituteCallIn)
            .where(SubstituteCallIn.answer == CallInAnswer.ATTENDING)
            .order_by(SubstituteCallIn.id)
        )
        election = first(
            select(Election)
            .where(Election.council_id == council.id, Election.status == ElectionStatus.CONFIRMED)
            .order_by(Election.id)
        )
        rounds = session.scalars(
            select(AppointmentRound)
            .where(
                AppointmentRound.council_id == council.id,
                AppointmentRound.status == RoundStatus.PUBLISHED,
            )
            .order_by(AppointmentRound.id)
            .limit(2)
        ).all()
        assert {r.method for r in rounds} == set(AppointmentMethod), rounds
        ids = DemoIds(
            values={
                "council_slug": council.slug,
                "group_id": first(select(Group.id).order_by(Group.id)),
                "municipality_id": first(select(Municipality.id).order_by(Municipality.id)),
                "membership_id": membership.id,
                "person_id": membership.person_id,
                "version": 1,
                "call_in_id": call_in.id,
                "body_id": rounds[0].body_id,
                # Rule 3.8: a published appointment of that body, which staff may end.
                "appointment_id": first(
                    select(Appointment.id)
                    .where(Appointment.body_id == rounds[0].body_id)
                    .order_by(Appointment.id)
                ),
                "election_id": election.id,
                "result_id": first(
                    select(ElectionGroupResult.id)
                    .where(ElectionGroupResult.election_id == election.id)
                    .order_by(ElectionGroupResult.position)
                ),
                "holding_id": first(
                    select(OfficeHolding.id)
                    .where(OfficeHolding.election_id == election.id)
                    .order_by(OfficeHolding.id)
                ),
            },
            past_meeting=past.id,
            next_meeting=following.id,
            item_of_next=item.id,
            alternatives={
                "proposal_id": [submitted.id, draft.id],
                "round_id": [r.id for r in rounds],
            },
            people={
                "member": submitted.proposer.name,
                "called_in": call_in.substitute.name,
                "chair": first(
                    select(Person.name)
                    .join(Membership, Membership.person_id == Person.id)
                    .where(Membership.office == CouncilOffice.CHAIR, Membership.ends_on.is_(None))
                ),
            },
        )
        assert local_date(past.starts_at) < local_date(following.starts_at)
        session.remove()
    return ids


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
        known = values.keys() | ids.alternatives.keys()
        missing = [name for name in rule.arguments if name not in known]
        access = declared_rule(app.view_functions[endpoint])
        if missing or access is None or access.name not in ROLES_BY_RULE:
            unfilled.add(endpoint)
            continue
        # One URL for each alternative of an argument the route takes (at most one such here).
        varied = [name for name in rule.arguments if name in ids.alternatives]
        choices = [{name: value} for name in varied for value in ids.alternatives[name]] or [{}]
        for choice in choices:
            arguments = {name: choice.get(name, values.get(name)) for name in rule.arguments}
            query = OTHER_STATUS[endpoint][1] if endpoint in OTHER_STATUS else {}
            url = adapter.build(endpoint, {**arguments, **query}, "GET")
            for role in ROLES_BY_RULE[access.name]:
                by_role.setdefault(role, []).append((endpoint, url))
    return by_role, unfilled


def test_axe_on_every_page_for_every_role(
    browser: Browser, live_server: LiveServer, demo_people: DemoPeople
) -> None:
    app = live_server.app
    ids = read_demo_ids(app)
    by_role, unfilled = urls_by_role(app, ids)
    people = {"substitute": demo_people.substitute, "staff": demo_people.staff, **ids.people}
    checked: set[tuple[str, str]] = set()  # (role, endpoint)
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
                status = OTHER_STATUS[endpoint][0] if endpoint in OTHER_STATUS else 200
                answer = context.request.get(url, max_redirects=0)
                content_type = answer.headers.get("content-type", "")
                if answer.status != status or not content_type.startswith("text/html"):
                    continue
                if "<html" not in answer.text().lower():
                    continue  # an htmx fragment
                response = page.goto(url)
                assert response is not None and response.status == status, (role, url)
                checked.add((role, endpoint))
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
    # The pages only their owner sees were seen by them.
    assert OWN_PAGES <= checked, sorted(OWN_PAGES - checked)
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    unchecked = routes - {e for _, e in checked} - NOT_PAGES.keys() - KNOWN_UNREACHABLE.keys()
    assert not unchecked, (
        f"GET routes checked by no role: {sorted(unchecked)} (arguments not filled from the "
        f"demo: {sorted(unfilled)}). Fill them, or list them in NOT_PAGES / KNOWN_UNREACHABLE."
    )
