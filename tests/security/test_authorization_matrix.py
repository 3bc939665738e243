"""The authorisation matrix (issue #8): every route of the URL map × every role, with the
answer each role must get, asserted; objects of another person or council: 403/404, never
data; refused requests change nothing; no answer is a 500."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from itertools import product
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from portal.absences.models import CallInAnswer, SubstituteCallIn
from portal.councils.models import Membership
from portal.extensions import db
from portal.notifications.models import Notice
from portal.policy import declared_rule, today
from portal.proposals.models import Proposal
from tests.conftest import portal_app, sign_in
from tests.security.matrix import (
    DENIED,
    OK,
    REDIRECT,
    SIGN_IN,
    Answer,
    Outcome,
    ask,
    clients,
    leaks,
    matches,
    url_for_rule,
)
from tests.security.scene import (
    CLOSED_NOW,
    CLOSED_PAST,
    FORMER_WORD,
    NOTICE_WORD,
    PROPOSAL_WORD,
    REQUEST_WORD,
    ROLES,
    Scene,
    build_scene,
    changed_tables,
    database_state,
    put_back,
)

# Rule 3.0: "members" are today's members. The former member sat in the past meeting, but a
# closed item stays closed to someone who has left the council (rule 1.9), and a substitute
# who declined or whose call-in was withdrawn does not attend (rule 1.8): neither reads.
READERS = ("member", "chair", "staff", "substitute")  # the coming meeting's material (3.0)
PAST_READERS = ("member", "chair", "staff")  # the past meeting's: its minutes are out
SIGNED_IN_ROLES = tuple(role for role in ROLES if role != "anonymous")

# --- every route, by the access rule it declares -------------------------------------------

# A new route, or a route whose rule changes, fails the first test until it is added here (and,
# when its answers differ from its rule's, to BY_ENDPOINT).
DECLARED: dict[str, set[str]] = {
    "public": {
        "auth.find_by_email",
        "auth.finish_sign_in",
        "auth.sign_in",
        "auth.sign_out",
        "auth.signed_out",
        "auth.start_sign_in",
        "notifications.calendar_feed",
        "public.accessibility_statement",
        "public.choose_language",
        "public.index",
    },
    "council_public": {
        "appointments.list_public_appointments",
        "public.list_members",
        "public.show_meeting_plan",
        "publication.agenda_pdf",
        "publication.atom_feed",
        "publication.download_attachment",
        "publication.list_publications",
        "publication.meeting_plan_ics",
        "publication.minutes_pdf",
        "publication.search_publications",
        "publication.show_agenda",
        "publication.show_minutes",
    },
    "signed_in": {
        "absences.answer_call_in",
        "absences.cancel_absence",
        "absences.register_absence",
        "absences.show_call_in",
        "agendas.download_attachment",
        "agendas.show_agenda",
        "agendas.show_agenda_version",
        "leave.cancel_leave",
        "meeting_requests.list_requests",
        "leave.register_leave",
        "meeting_requests.sign_request",
        "meeting_requests.withdraw_signature",
        "minutes.show_minutes",
        "minutes.show_minutes_version",
        "notifications.create_calendar_feed",
        "notifications.edit_settings",
        "notifications.mark_all_notices_read",
        "notifications.mark_notice_read",
        "notifications.open_notice",
        "notifications.revoke_calendar_feed",
        "notifications.show_inbox",
        "notifications.show_unread_count",
        "overview.show_overview",
        "proposals.download_own_attachment",
        "proposals.edit_proposal",
        "proposals.list_own_proposals",
        "proposals.move_proposal",
        "proposals.new_proposal",
        "proposals.show_proposal",
        "proposals.submit_proposal",
        "proposals.validate_proposal_field",
        "proposals.withdraw_proposal",
    },
    "council_reader": {
        "publication.member_agenda_pdf",
        "publication.member_minutes_pdf",
    },
    "council_staff": {
        "absences.cancel_absence_for_member",
        "absences.list_meetings",
        "absences.record_attendance",
        "absences.register_absence_for_member",
        "absences.show_attendance",
        "appointments.add_group_result",
        "appointments.confirm_composition",
        "appointments.create_body",
        "appointments.edit_body",
        "appointments.edit_group_result",
        "appointments.end_appointment",
        "appointments.import_results",
        "appointments.list_bodies",
        "appointments.list_elections",
        "appointments.name_person",
        "appointments.publish_round",
        "appointments.record_ballot",
        "appointments.record_chair_election",
        "appointments.record_chair_lot",
        "appointments.record_composition_lot",
        "appointments.record_lot",
        "appointments.record_votes",
        "appointments.register_alliance",
        "appointments.remove_group_result",
        "appointments.replace_holder",
        "appointments.reset_round",
        "appointments.set_constituting_meeting",
        "appointments.show_body",
        "appointments.show_constitution",
        "appointments.show_election",
        "appointments.show_round",
        "appointments.start_round",
        "appointments.withdraw_alliance",
        "appointments.withdraw_appointment",
        "councils.add_extra_member",
        "councils.add_membership",
        "councils.add_person",
        "councils.assign_substitute",
        "councils.change_mayor_group",
        "councils.edit_group",
        "councils.edit_membership",
        "councils.edit_municipality",
        "councils.edit_person",
        "councils.end_membership",
        "councils.end_substitute",
        "councils.list_groups",
        "councils.list_municipalities",
        "councils.list_people",
        "councils.show_council_admin",
        "councils.show_history",
        "leave.cancel_council_leave",
        "leave.decide_leave",
        "leave.list_council_leaves",
        "meeting_requests.close_request",
        "meeting_requests.list_council_requests",
        "meetings.cancel_meeting",
        "meetings.change_meeting",
        "meetings.plan_meeting",
        "meetings.show_plan",
        "minutes.publish_minutes",
        "minutes.save_item_minutes",
        "minutes.show_editor",
        "notifications.list_dead_emails",
        "notifications.retry_email",
        "participants.end_participation",
        "participants.list_participants",
        "participants.record_participant_attendance",
        "sign_in_admin.end_session",
        "sign_in_admin.remove",
        "sign_in_admin.show",
    },
    "council_proposals": {
        "proposals.begin_handling",
        "proposals.download_received_attachment",
        "proposals.list_meeting_proposals",
        "proposals.list_received_proposals",
        "proposals.place_proposal",
        "proposals.return_proposal",
        "proposals.show_received_proposal",
    },
    "council_agenda": {
        "agendas.add_item",
        "agendas.edit_item",
        "agendas.list_agendas",
        "agendas.preview_agenda",
        "agendas.publish_agenda",
        "agendas.remove_attachment",
        "agendas.remove_item",
        "agendas.reorder_items",
        "agendas.share_agenda",
        "agendas.show_builder",
    },
    "council_calls_meeting": {
        "meeting_requests.call_meeting",
    },
    "demo": {
        "demo.choose_person",
        "demo.sign_in_as",
    },
}


# --- the URL arguments, from the scene ------------------------------------------------------

# Where an endpoint's argument is not the scene value of the same name.
ARGUMENTS: dict[str, dict[str, str]] = {
    "agendas.download_attachment": {"attachment_id": "closed_attachment_id"},
    "agendas.show_agenda_version": {"version": "agenda_version"},
    "minutes.publish_minutes": {"meeting_id": "past_meeting_id"},
    "minutes.save_item_minutes": {"meeting_id": "past_meeting_id", "item_id": "past_item_id"},
    "minutes.show_editor": {"meeting_id": "past_meeting_id"},
    "minutes.show_minutes": {"meeting_id": "past_meeting_id"},
    "minutes.show_minutes_version": {
        "meeting_id": "past_meeting_id",
        "version": "minutes_version",
    },
    "proposals.download_own_attachment": {"attachment_id": "proposal_attachment_id"},
    "proposals.download_received_attachment": {"attachment_id": "proposal_attachment_id"},
    "proposals.list_meeting_proposals": {"meeting_id": "later_meeting_id"},
    "publication.member_minutes_pdf": {"meeting_id": "past_meeting_id"},
    "publication.minutes_pdf": {"meeting_id": "past_meeting_id"},
    "publication.show_minutes": {"meeting_id": "past_meeting_id"},
}


# Query strings a route needs to reach its view.
QUERIES: dict[str, str] = {"proposals.validate_proposal_field": "?felt=title"}


def url_of(app: Flask, scene: Scene, rule: Rule) -> str:
    return url_for_rule(app, rule, values_for(scene, rule.endpoint)) + QUERIES.get(
        rule.endpoint, ""
    )


def values_for(scene: Scene, endpoint: str) -> dict[str, Any]:
    values = dict(scene.ids)
    for name, key in ARGUMENTS.get(endpoint, {}).items():
        values[name] = scene.ids[key]
    return values


# --- the expected answers -------------------------------------------------------------------


def only(*allowed: str, ok: Outcome = OK, others: Outcome = DENIED) -> dict[str, Outcome]:
    """Signed in: `allowed` get `ok`, every other signed-in role `others`."""
    answers: dict[str, Outcome] = {"anonymous": SIGN_IN}
    for role in SIGNED_IN_ROLES:
        answers[role] = ok if role in allowed else others
    return answers


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


BY_RULE: dict[str, dict[str, Outcome]] = {
    "public": everyone(OK),
    "council_public": everyone(OK),
    "signed_in": only(*SIGNED_IN_ROLES),
    "council_reader": only(*SIGNED_IN_ROLES),
    "council_staff": only("staff", others=403),
    "council_proposals": only("staff", "chair", others=403),  # rule 3.2: the chair too
    "council_agenda": only("staff", "chair", others=403),  # rule 3.6: the chair too
    "council_calls_meeting": only("staff", "chair", others=403),  # rule 3.1: the chair too
    "demo": everyone(404),  # the demo is off outside PORTAL_DEMO
}

# Exceptions for objects of one person (the member's absence, call-in, proposal, leave,
# notice) or one meeting's readers (rule 3.0). For POST-only routes the outcome of an allowed
# role is what an empty form gets; refused roles must change nothing. The former member and
# the declined substitute are outsiders here: the pages every signed-in person has (inbox,
# overview, own proposals, settings) answer them, without anyone else's words (SECRETS); what
# stays theirs is asked by the tests of their own objects below.
BY_ENDPOINT: dict[str, dict[str, Outcome]] = {
    "absences.answer_call_in": only("substitute", ok=422),  # the substitute's own call-in
    "absences.cancel_absence": only("member", "chair", ok=REDIRECT),  # own absence
    "absences.register_absence": only("member", "chair"),  # members of the meeting's council
    "absences.show_call_in": only("substitute"),
    "agendas.download_attachment": only(*READERS),  # the closed item's file (3.0)
    "agendas.show_agenda": only(*READERS),
    "agendas.show_agenda_version": only(*READERS),
    "auth.find_by_email": everyone(422),  # no address: the list of providers again
    "auth.finish_sign_in": everyone(404),  # an unknown provider
    "auth.start_sign_in": everyone(404),
    "leave.cancel_leave": only("member", ok=REDIRECT),
    "meeting_requests.sign_request": only("member", "chair", ok=REDIRECT),  # members of its council
    "meeting_requests.withdraw_signature": only("member", "chair", ok=REDIRECT),  # own signature
    "minutes.show_minutes": only(*PAST_READERS),
    "minutes.show_minutes_version": only(*PAST_READERS),
    "notifications.mark_notice_read": only("member", ok=REDIRECT),
    "notifications.open_notice": only("member", ok=REDIRECT),
    "proposals.download_own_attachment": only("member"),
    "proposals.edit_proposal": only("member"),
    "proposals.move_proposal": only("member", ok=422),  # to which meeting?
    "proposals.show_proposal": only("member"),
    "proposals.submit_proposal": only("member", ok=REDIRECT),
    "proposals.withdraw_proposal": only("member"),
    "publication.member_agenda_pdf": only(*READERS),
    "publication.member_minutes_pdf": only(*PAST_READERS),
}


# Public documents that are the same for everyone and slow to make (PDFs): asked as a sample
# of the roles (one without a sign-in, one of another council, one who may read everything).
SAME_FOR_EVERYONE = {"publication.agenda_pdf", "publication.minutes_pdf"}
SAMPLE_ROLES = ("anonymous", "other_member", "substitute", "staff")


def expected(app: Flask, endpoint: str) -> dict[str, Outcome]:
    if endpoint in BY_ENDPOINT:
        return BY_ENDPOINT[endpoint]
    rule = declared_rule(app.view_functions[endpoint])
    assert rule is not None, endpoint
    return BY_RULE[rule.name]


# --- the harness ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(schema: str) -> Iterator[tuple[Flask, Scene, dict[str, FlaskClient]]]:
    """One scene per backend for the whole module. The tests only read (opening a notice marks
    it read), are refused, or touch what no other test looks at (notices marked read); those
    whose forms go through put the scene back (`put_back`), so they may run in any order."""
    with portal_app(schema) as app:
        scene = build_scene()
        yield app, scene, clients(app, scene)


def routes(app: Flask, *rule_names: str) -> list[Rule]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        declared = declared_rule(app.view_functions[rule.endpoint])
        if not rule_names or (declared is not None and declared.name in rule_names):
            found.append(rule)
    return sorted(found, key=lambda rule: rule.endpoint)


def reads(rule: Rule) -> bool:
    return "GET" in (rule.methods or ())


def describe(answer: Answer, wanted: Outcome) -> str:
    return f"{answer.method} {answer.url} as {answer.role}: {answer.status} (expected {wanted})"


def check_gets(world: Any, rules: list[Rule]) -> list[str]:
    """GET every readable route as every role; the wrong answers, leaks and 500s, listed."""
    app, scene, by_role = world
    wrong = []
    asked = 0
    for rule in rules:
        if not reads(rule):
            continue
        url = url_of(app, scene, rule)
        for role, wanted in expected(app, rule.endpoint).items():
            if rule.endpoint in SAME_FOR_EVERYONE and role not in SAMPLE_ROLES:
                continue
            answer = ask(by_role[role], role, "GET", url)
            asked += 1
            if answer.status >= 500 or not matches(answer, wanted):
                wrong.append(describe(answer, wanted))
            if found := leaks(answer):
                wrong.append(f"GET {url} as {role} leaks {found}")
    assert asked >= len(ROLES), "nothing was asked"
    return wrong


# --- the tests ------------------------------------------------------------------------------


def test_every_route_is_in_the_matrix(world):  # noqa: ANN001
    """A new route must be added here: its rule, its arguments from the scene, its answers."""
    app, scene, _ = world
    found: dict[str, set[str]] = {}
    for rule in routes(app):
        url_for_rule(app, rule, values_for(scene, rule.endpoint))  # every argument known
        declared = declared_rule(app.view_functions[rule.endpoint])
        found.setdefault(declared.name, set()).add(rule.endpoint)
        assert set(expected(app, rule.endpoint)) == set(ROLES), rule.endpoint
    assert found == DECLARED
    assert set(DECLARED) == set(BY_RULE)
    stale = (set(ARGUMENTS) | set(BY_ENDPOINT) | set(QUERIES)) - set(app.view_functions)
    assert stale == set()


def test_public_pages_answer_everyone(world):  # noqa: ANN001
    assert check_gets(world, routes(world[0], "public", "council_public", "demo")) == []


def test_secretariat_pages_only_for_their_own_council(world):  # noqa: ANN001
    assert check_gets(world, routes(world[0], "council_staff")) == []


def test_rule_3_2_and_3_6_proposal_and_agenda_pages_for_staff_and_chair(world):  # noqa: ANN001
    assert check_gets(world, routes(world[0], "council_proposals", "council_agenda")) == []


def test_rule_3_1_planning_a_requested_meeting_for_staff_and_chair(world):  # noqa: ANN001
    assert check_gets(world, routes(world[0], "council_calls_meeting")) == []


def is_material(rule: Rule) -> bool:
    """A meeting's agenda, minutes or their files: rule 3.0's test below asks these."""
    return rule.endpoint.startswith(("agendas.", "minutes.", "publication."))


def test_personal_pages_show_only_ones_own_objects(world):  # noqa: ANN001
    personal = [rule for rule in routes(world[0], "signed_in") if not is_material(rule)]
    assert check_gets(world, personal) == []


def test_rule_3_0_closed_material_only_for_its_readers(world):  # noqa: ANN001
    """The full agenda, minutes, PDFs and the closed item's file: members, staff, the chair
    and the substitute called in and attending (until the minutes); nobody else."""
    app, _, _ = world
    readers = [rule for rule in routes(app, "signed_in", "council_reader") if is_material(rule)]
    assert len(readers) >= 6
    assert check_gets(world, readers) == []


def test_rule_3_0_closed_items_file_is_not_public(world):  # noqa: ANN001
    app, scene, by_role = world
    url = (
        f"/kkr/{scene.council.slug}/moeder/{scene.ids['meeting_id']}"
        f"/bilag/{scene.ids['closed_attachment_id']}"
    )
    for role in ROLES:
        assert ask(by_role[role], role, "GET", url).status == 404, role


def test_a_calendar_address_that_is_not_issued_shows_nothing(world):  # noqa: ANN001
    """The private calendar is the one public route with a person's data: only its token."""
    _, scene, by_role = world
    token = scene.ids["token"]
    for made_up in ("x" * len(token), token[:-1], token.upper(), "%00"):
        assert by_role["anonymous"].get(f"/kalender/{made_up}.ics").status_code == 404, made_up
    assert by_role["anonymous"].get(f"/kalender/{token}.ics").status_code == 200


def test_anonymous_htmx_requests_are_sent_to_sign_in(world):  # noqa: ANN001
    """Under htmx the refusal is a client redirect (204 + HX-Redirect), never a fragment."""
    app, scene, by_role = world
    wrong = []
    for rule in routes(app):
        if reads(rule) and expected(app, rule.endpoint)["anonymous"] == SIGN_IN:
            url = url_of(app, scene, rule)
            response = by_role["anonymous"].get(url, headers={"HX-Request": "true"})
            target = response.headers.get("HX-Redirect", "")
            if response.status_code != 204 or not target.startswith("/log-ind") or response.data:
                wrong.append(f"GET {url} (htmx): {response.status_code} {target!r}")
    assert wrong == []


def test_secret_words_reach_their_readers(world):  # noqa: ANN001
    """The leak check above is worth something: the words are there for those who may read."""
    _, scene, by_role = world
    ids = scene.ids
    seen = {
        ("member", f"/moeder/{ids['meeting_id']}/dagsorden"): CLOSED_NOW,
        ("substitute", f"/moeder/{ids['meeting_id']}/dagsorden"): CLOSED_NOW,
        ("chair", f"/moeder/{ids['past_meeting_id']}/referat"): CLOSED_PAST,
        ("staff", f"/kkr/sjaelland/admin/forslag/{ids['proposal_id']}"): PROPOSAL_WORD,
        ("member", f"/forslag/{ids['proposal_id']}"): PROPOSAL_WORD,
        ("member", "/beskeder"): NOTICE_WORD,
        ("chair", "/anmodninger"): REQUEST_WORD,
        ("staff", "/kkr/sjaelland/admin/anmodninger"): REQUEST_WORD,
        # Rule 1.9: the former member keeps their own proposal, its file and its receipt.
        ("former_member", f"/forslag/{ids['former_proposal_id']}"): FORMER_WORD,
        ("former_member", "/beskeder"): FORMER_WORD,
        ("chair", f"/kkr/sjaelland/admin/forslag/{ids['former_proposal_id']}"): FORMER_WORD,
        (
            "former_member",
            f"/forslag/{ids['former_proposal_id']}/bilag/{ids['former_attachment_id']}",
        ): "%PDF",
        # Rule 1.8: the declined substitute keeps their own call-in page.
        ("declined_substitute", f"/indkaldelser/{ids['declined_call_in_id']}"): called_for(
            ids["declined_call_in_id"]
        ),
    }
    for (role, url), word in seen.items():
        answer = ask(by_role[role], role, "GET", url)
        assert answer.status == 200, (role, url)
        assert word in answer.body, (role, url, word)


def called_for(call_in_id: int) -> str:
    """The name of the member a call-in stands in for: its page names them."""
    return db.session.get(SubstituteCallIn, call_in_id).membership.person.name


def posts(rule: Rule) -> bool:
    return "POST" in (rule.methods or ())


def refused_roles(app: Flask, rule: Rule) -> list[tuple[str, Outcome]]:
    return [
        (role, wanted)
        for role, wanted in expected(app, rule.endpoint).items()
        if wanted in (SIGN_IN, DENIED, 403, 404)
    ]


def test_refused_posts_change_nothing(world):  # noqa: ANN001
    """Every route that takes a POST, posted by every role it refuses: refused (sign-in,
    403 or 404), and no row of any table is added, removed or changed."""
    app, scene, by_role = world
    before = database_state()
    wrong = []
    asked = 0
    refused_someone = set()
    for rule in routes(app):
        if not posts(rule):
            continue
        url = url_of(app, scene, rule)
        for role, wanted in refused_roles(app, rule):
            answer = ask(by_role[role], role, "POST", url)
            asked += 1
            refused_someone.add(role)
            if not matches(answer, wanted):
                wrong.append(describe(answer, wanted))
    assert wrong == []
    assert asked > 150
    assert refused_someone == set(SIGNED_IN_ROLES) | {"anonymous"}
    assert changed_tables(before, database_state()) == []


def test_rule_3_0_a_former_member_no_longer_reads_the_meeting_they_sat_in(world):  # noqa: ANN001
    """The former member sat in the past meeting. Its full agenda, minutes, their PDFs and
    the closed item's file are for today's members (rule 3.0, our reading; rule 1.9): refused
    to them, while the chair reads the closed item there (so the check can fail)."""
    app, scene, by_role = world
    past = {
        **scene.ids,
        "meeting_id": scene.ids["past_meeting_id"],
        "attachment_id": scene.ids["past_closed_attachment_id"],
        "version": scene.ids["minutes_version"],
    }
    endpoints = (
        "agendas.show_agenda",
        "agendas.download_attachment",
        "minutes.show_minutes",
        "minutes.show_minutes_version",
        "publication.member_agenda_pdf",
        "publication.member_minutes_pdf",
    )
    rules = {rule.endpoint: rule for rule in routes(app) if rule.endpoint in endpoints}
    assert set(rules) == set(endpoints)
    wrong = []
    for rule in rules.values():
        url = url_for_rule(app, rule, past)
        answer = ask(by_role["former_member"], "former_member", "GET", url)
        if not matches(answer, DENIED) or leaks(answer):
            wrong.append(describe(answer, DENIED))
    assert wrong == []
    agenda = url_for_rule(app, rules["agendas.show_agenda"], past)
    control = ask(by_role["chair"], "chair", "GET", agenda)
    assert control.status == 200
    assert CLOSED_PAST in control.body


def member_forms(scene: Scene) -> dict[str, dict[str, Any]]:
    """A complete, valid form for each thing only a member of the council does: the answer
    must come from who is asking, not from a missing field."""
    ids = scene.ids
    day = today()
    former_seat = db.session.scalars(
        select(Membership).where(Membership.person_id == scene.people["former_member"].id)
    ).one()
    return {
        f"/moeder/{ids['meeting_id']}/afbud": {"call_substitute": "y", "reason": ""},
        "/orlov": {
            "membership_id": former_seat.id,
            "starts_on": (day + timedelta(days=120)).isoformat(),
            "ends_on": (day + timedelta(days=240)).isoformat(),
        },
        "/anmodninger": {"council_id": scene.council.id, "subject": "Et ekstra møde om havne"},
        f"/anmodninger/{ids['request_id']}/underskriv": {},
        f"/anmodninger/{ids['request_id']}/traek-tilbage": {},
        "/forslag/nyt": {
            "form_token": "security-outsider",
            "meeting_id": ids["later_meeting_id"],
            "title": "Et forslag udefra",
            "body": "Rådet drøfter havnene.",
            "justification": "Havnene ligger i flere kommuner.",
            "action": "submit",
        },
        f"/forslag/{ids['former_proposal_id']}/flyt": {"meeting_id": ids["later_meeting_id"]},
    }


def test_rule_1_9_and_3_2_outsiders_cannot_act_as_members_with_valid_forms(world):  # noqa: ANN001
    """The former member and the declined substitute post complete forms for what only a
    member does: an absence from the coming meeting (3.9), a leave (1.6), a request for an
    extraordinary meeting and a signature (3.1), a proposal (3.2), and the former member's
    old proposal moved to a coming meeting. Each is refused and nothing changes."""
    app, scene, by_role = world
    forms = member_forms(scene)
    before = database_state()
    wrong = []
    for role in ("former_member", "declined_substitute"):
        for url, data in forms.items():
            response = by_role[role].post(url, data=data)
            if response.status_code not in (403, 404, 422):
                wrong.append(f"POST {url} as {role}: {response.status_code}")
    assert wrong == []
    assert changed_tables(before, database_state()) == []
    # The forms are valid: a member's proposal and the chair's absence go through (controls).
    with put_back():
        absence = f"/moeder/{scene.ids['meeting_id']}/afbud"
        assert by_role["chair"].post(absence, data=forms[absence]).status_code == 303
        assert by_role["member"].post("/forslag/nyt", data=forms["/forslag/nyt"]).status_code == 303
        assert db.session.scalars(
            select(Proposal).where(Proposal.form_token == forms["/forslag/nyt"]["form_token"])
        ).one()


def test_rule_1_8_a_substitute_who_declined_or_was_withdrawn_sees_only_their_call_in(world):  # noqa: ANN001
    """Their own call-in page answers (with their answer, or that it was withdrawn), without a
    way to the meeting's agenda; a withdrawn call-in cannot be answered; the attending
    substitute's page shows the way (so the check can fail)."""
    _, scene, by_role = world
    ids = scene.ids
    agenda = f"/moeder/{ids['meeting_id']}/dagsorden"
    declined = ask(
        by_role["declined_substitute"],
        "declined_substitute",
        "GET",
        f"/indkaldelser/{ids['declined_call_in_id']}",
    )
    withdrawn_url = f"/indkaldelser/{ids['withdrawn_call_in_id']}"
    withdrawn = ask(by_role["declined_substitute"], "declined_substitute", "GET", withdrawn_url)
    own_url = f"/indkaldelser/{ids['call_in_id']}"
    attending = ask(by_role["substitute"], "substitute", "GET", own_url)
    assert (declined.status, withdrawn.status, attending.status) == (200, 200, 200)
    assert agenda not in declined.body
    assert agenda not in withdrawn.body
    assert f"{withdrawn_url}/svar" not in withdrawn.body  # nothing to answer
    assert f"{ids['declined_call_in_id']}/svar" in declined.body  # they may change their mind
    assert agenda in attending.body
    assert leaks(declined) == leaks(withdrawn) == []

    before = database_state()
    answer = by_role["declined_substitute"].post(
        f"{withdrawn_url}/svar", data={"answer": "attending"}
    )
    assert answer.status_code == 422
    assert changed_tables(before, database_state()) == []
    call = db.session.get(SubstituteCallIn, ids["withdrawn_call_in_id"])
    assert call.answer is CallInAnswer.WITHDRAWN


def allowed_roles(app: Flask, endpoint: str) -> list[str]:
    return [
        role
        for role, wanted in expected(app, endpoint).items()
        if wanted not in (SIGN_IN, DENIED, 403, 404)
    ]


def test_another_councils_ids_under_ones_own_council_are_not_found(world):  # noqa: ANN001
    """Every route asked with the ids of the other council's meetings, items, files, people,
    elections and bodies (under one's own council's address), by each role the route lets in
    (staff, the chair, a member, the public): 404, never data, nothing changed."""
    app, scene, by_role = world
    before = database_state()
    wrong = []
    asked = 0
    for rule in routes(app):
        foreign = set(rule.arguments) & set(scene.other_ids)
        if not foreign:
            continue
        values = values_for(scene, rule.endpoint)
        values.update({name: scene.other_ids[name] for name in foreign})
        url = url_for_rule(app, rule, values)
        for role in allowed_roles(app, rule.endpoint):
            for method in ("GET", "POST"):
                if method in (rule.methods or ()):
                    answer = ask(by_role[role], role, method, url)
                    asked += 1
                    if answer.status != 404:
                        wrong.append(f"{describe(answer, 404)} (other council's {sorted(foreign)})")
    assert wrong == []
    assert asked > 100
    assert changed_tables(before, database_state()) == []


def test_marking_all_read_marks_only_ones_own_notices(world):  # noqa: ANN001
    app, scene, by_role = world
    notice = db.session.get(Notice, scene.ids["notice_id"])
    notice.read_at = None  # the member opened it in an earlier test
    db.session.commit()
    for role in SIGNED_IN_ROLES:
        if role != "member":
            assert ask(by_role[role], role, "POST", "/beskeder/laest").status == 303, role
    assert db.session.get(Notice, scene.ids["notice_id"]).read_at is None


def passed_gate(answer: Answer, wanted: Outcome) -> bool:
    """The view ran: what it answers an empty form (a redirect, the form again, a bad
    request), not a refusal, a sign-in or a 500."""
    if wanted != OK:
        return matches(answer, wanted)
    return answer.status in (200, 204, 400, 422) or matches(answer, REDIRECT)


def mismatches(scene: Scene, rule: Rule, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Arguments replaced by an object of the same council that belongs to another parent (a
    file or item of another meeting, a result of another election ...) or is not there for
    the secretariat (the member's draft proposal)."""
    ids = scene.ids
    names = set(rule.arguments)
    swaps: list[dict[str, Any]] = []
    past = values.get("meeting_id") == ids["past_meeting_id"]
    if "attachment_id" in names:
        if "proposal_id" in names:
            swaps.append({"attachment_id": ids["closed_attachment_id"]})
        else:
            key = "attachment_id" if past else "past_closed_attachment_id"
            swaps.append({"attachment_id": ids[key]})
    if "item_id" in names and "meeting_id" in names:
        swaps.append({"item_id": ids["item_id" if past else "past_item_id"]})
    if "election_id" in names and names - {"council_slug", "election_id"}:
        swaps.append({"election_id": ids["second_election_id"]})
    if "round_id" in names and "appointment_id" in names:
        swaps.append({"round_id": ids["second_round_id"]})
    # A binding or a session of another person of the council (the chair's), under this one.
    if "identity_id" in names:
        swaps.append({"identity_id": ids["chair_identity_id"]})
    if "session_id" in names:
        swaps.append({"session_id": ids["chair_session_id"]})
    if "proposal_id" in names and "council_slug" in names:  # drafts are not received
        swaps.append(
            {
                "proposal_id": ids["draft_proposal_id"],
                "attachment_id": ids["draft_attachment_id"],
            }
        )
    return swaps


def test_objects_of_another_meeting_or_election_are_not_found(world):  # noqa: ANN001
    """A file, item, result, office or appointment asked for under a parent it does not
    belong to (of the same council), a sign-in binding or session under another person, or
    the member's draft proposal asked by the secretariat and the chair, by a role that may see
    the parent: 404, nothing changed."""
    app, scene, by_role = world
    before = database_state()
    wrong = []
    asked = 0
    for rule in routes(app):
        values = values_for(scene, rule.endpoint)
        allowed = allowed_roles(app, rule.endpoint)
        for swap in mismatches(scene, rule, values):
            url = url_for_rule(app, rule, {**values, **swap})
            for role, method in product(allowed, ("GET", "POST")):
                if method in (rule.methods or ()):
                    answer = ask(by_role[role], role, method, url)
                    asked += 1
                    if answer.status != 404:
                        wrong.append(f"{describe(answer, 404)} ({sorted(swap)} mismatched)")
    assert wrong == []
    assert asked > 15
    assert changed_tables(before, database_state()) == []


def test_allowed_posts_pass_the_gate(world):  # noqa: ANN001
    """An empty form from each role a POST-only route lets in reaches the view (a 303, 422 or
    400 of the form, never 403 or a 500). The forms change the scene (an absence cancelled,
    an item removed, the calendar address revoked): it is put back afterwards."""
    app, scene, _ = world
    with put_back():
        wrong = posted_as_the_first_allowed_role(app, scene)
    assert wrong == []


def posted_as_the_first_allowed_role(app: Flask, scene: Scene) -> list[str]:
    wrong = []
    for rule in routes(app):
        if reads(rule):
            continue
        url = url_of(app, scene, rule)
        allowed = [
            (role, wanted)
            for role, wanted in expected(app, rule.endpoint).items()
            if wanted not in (SIGN_IN, DENIED, 403, 404)
        ]
        for role, wanted in allowed[:1]:  # the first only: the form may have changed things
            client = app.test_client()
            if role != "anonymous":
                sign_in(client, scene.people[role])
            answer = ask(client, role, "POST", url)
            if not passed_gate(answer, wanted):
                wrong.append(describe(answer, wanted))
    return wrong
