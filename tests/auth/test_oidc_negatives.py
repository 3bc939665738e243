"""OpenID Connect negatives, one row per attack of issue #8's list: each is refused with a
Danish page and a 4xx (never a 500), nobody is signed in, and nothing is stored: the person,
identity and audit rows are exactly as before.

The person attacked already has an identity bound for the account the attack presents, so a
sign-in that wrongly went through would show as a changed `last_sign_in_at` or a new audit row,
not only as a new identity (test_oidc_refusals.py covers the first sign-in). Attacks on the
flow (state, code) go through the real providers (tests/oidc.py); ID tokens wrong in one way
come from the rogue provider (tests/rogue_provider.py), whose honest run is
test_oidc_refusals.py::test_the_honest_rogue_provider_signs_people_in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from portal.audit.models import AuditEntry
from portal.auth.models import Identity
from portal.councils.models import Person
from portal.extensions import db
from tests.auth.test_oidc_refusals import CLOCKS_DIFFER, NOT_ACCEPTED, with_query
from tests.factories import make_person
from tests.oidc import (
    RunningProvider,
    assert_not_signed_in,
    login_for,
    refusals,
    sign_in_via,
    start_sign_in,
    visit_provider,
)
from tests.rogue_provider import FAULTS, RogueProvider

# The attacks issue #8 names; every one must have a row below.
ISSUE_LIST = {
    "forged state",
    "replayed code",
    "wrong nonce",
    "token for another audience",
    "expired token",
    "alg none",
    "unknown issuer",
}


@dataclass
class Target:
    """What an attack works with: the app, its test client and the account attacked.

    `provider(name)` gives the running provider ("nordby", "sydby" or "rogue"); an attack that
    must change the rows before it strikes calls `snapshot()` again afterwards.
    """

    app: Flask
    client: FlaskClient
    provider: Callable[[str], Any]
    snapshot: Callable[[], None]
    email: str = "target@kkr-test.example"
    subject: str = "target-1"


@dataclass(frozen=True)
class Attack:
    threat: str  # the item of ISSUE_LIST it covers (or one beyond the list)
    name: str
    provider: str  # "real" (nordby/sydby) or "rogue"
    run: Callable[[Target], TestResponse]

    def __str__(self) -> str:
        return self.name


# --- attacks on the flow, through the real providers --------------------------------------


def forged_state(target: Target) -> TestResponse:
    nordby: RunningProvider = target.provider("nordby")
    start = start_sign_in(target.client, nordby)
    visit = visit_provider(start.headers["Location"], login_for(target.subject, target.email))
    # A genuine code, but a state this session was never given.
    return target.client.get(with_query(visit.callback_path, state="forged-state"))


def replayed_code(target: Target) -> TestResponse:
    nordby: RunningProvider = target.provider("nordby")
    # The code was used once, by an earlier sign-in in another browser (rows taken after it).
    first = sign_in_via(target.app.test_client(), nordby, login_for(target.subject, target.email))
    assert first.finish.status_code == 303
    code = first.visit.callback_path.split("code=", 1)[1].split("&", 1)[0]
    target.snapshot()
    # A fresh sign-in gives this session a valid state; the spent code comes with it. (The
    # provider refuses it twice over: spent, and bound to the first sign-in's PKCE verifier.)
    fresh = start_sign_in(target.client, nordby)
    state = fresh.headers["Location"].split("state=", 1)[1].split("&", 1)[0]
    return target.client.get(f"/log-ind/nordby/retur?code={code}&state={state}")


def code_for_another_provider(target: Target) -> TestResponse:
    nordby: RunningProvider = target.provider("nordby")
    target.provider("sydby")  # configured beside nordby
    start = start_sign_in(target.client, nordby)
    visit = visit_provider(start.headers["Location"], login_for(target.subject, target.email))
    # Nordby's code and state delivered to Sydby's callback (a mix-up of issuers).
    return target.client.get(visit.callback_path.replace("/log-ind/nordby/", "/log-ind/sydby/"))


# --- ID tokens wrong in one way, from the rogue provider ----------------------------------


def rogue_fault(fault: str) -> Callable[[Target], TestResponse]:
    assert fault in FAULTS

    def run(target: Target) -> TestResponse:
        rogue: RogueProvider = target.provider("rogue")
        rogue.fault = fault
        start = target.client.get("/log-ind/rogue")
        if fault == "discovery_issuer":
            return start  # refused before the person is sent anywhere
        assert start.status_code == 302
        visit = visit_provider(start.headers["Location"], login="")
        return target.client.get(visit.callback_path)

    run.__name__ = fault
    return run


ATTACKS = [
    Attack("forged state", "forged_state", "real", forged_state),
    Attack("replayed code", "replayed_code_with_a_fresh_state", "real", replayed_code),
    Attack("wrong nonce", "wrong_nonce", "rogue", rogue_fault("wrong_nonce")),
    Attack(
        "token for another audience", "aud_other_client", "rogue", rogue_fault("wrong_audience")
    ),
    Attack(
        "token for another audience",
        "aud_other_client_azp_us",
        "rogue",
        rogue_fault("wrong_audience_with_azp"),
    ),
    Attack("expired token", "expired", "rogue", rogue_fault("expired")),
    Attack("alg none", "alg_none", "rogue", rogue_fault("alg_none")),
    Attack("unknown issuer", "iss_unknown", "rogue", rogue_fault("wrong_issuer")),
    Attack(
        "unknown issuer", "discovery_names_another_issuer", "rogue", rogue_fault("discovery_issuer")
    ),
    Attack(
        "unknown issuer", "code_at_another_providers_callback", "real", code_for_another_provider
    ),
    # Beyond the list: a signature by a key the provider's JWKS does not hold.
    Attack("forged signature", "signed_with_a_foreign_key", "rogue", rogue_fault("foreign_key")),
]


def test_every_attack_of_the_issue_has_a_row():
    assert ISSUE_LIST <= {attack.threat for attack in ATTACKS}
    assert len({attack.name for attack in ATTACKS}) == len(ATTACKS)


# --- the table ------------------------------------------------------------------------------


def stored_rows() -> dict[str, list[tuple]]:
    """Every person, identity and audit row as committed, column by column; the audited
    refusals aside (each attack must leave exactly one, checked apart)."""
    db.session.expire_all()
    tables = [Person.__table__, Identity.__table__, AuditEntry.__table__]
    refused = AuditEntry.__table__.c.action == "sign_in_refused"
    return {
        table.name: [
            tuple(row)
            for row in db.session.execute(
                select(table)
                .where(~refused if table is AuditEntry.__table__ else True)
                .order_by(table.c.id)
            )
        ]
        for table in tables
    }


@pytest.mark.parametrize("attack", ATTACKS, ids=str)
def test_attack_is_refused_and_nothing_is_stored(
    request: pytest.FixtureRequest, schema: str, attack: Attack
):
    rogue = attack.provider == "rogue"
    app: Flask = request.getfixturevalue("rogue_app" if rogue else "oidc_app")
    before: dict[str, dict[str, list[tuple]]] = {}

    def snapshot() -> None:
        before["rows"] = stored_rows()

    target = Target(app, app.test_client(), provider=request.getfixturevalue, snapshot=snapshot)
    if rogue:
        target.subject = "ruth-1"
        target.provider("rogue").account = {
            "sub": target.subject,
            "email": target.email,
            "email_verified": True,
        }
    issuer = target.provider("rogue" if rogue else "nordby").issuer
    person = make_person(name="Tora Target", email=target.email)
    db.session.add(Identity(person=person, issuer=issuer, subject=target.subject))
    make_person(name="Bent Bystander", email="bystander@kkr-test.example")
    db.session.commit()
    snapshot()

    response = attack.run(target)

    page = response.get_data(as_text=True)
    if attack.name == "discovery_names_another_issuer":
        # The provider's document is not to be used: as if it did not answer (502).
        assert response.status_code == 502, page
        assert "Rogue Kommune svarer ikke" in page
    else:
        assert 400 <= response.status_code < 500, page
        # A token expired by more than the accepted clock difference: clocks that differ.
        assert (CLOCKS_DIFFER if attack.name == "expired" else NOT_ACCEPTED) in page
    assert 'lang="da"' in page
    assert stored_rows() == before["rows"]
    assert len(refusals()) == 1
    assert_not_signed_in(target.client)


def test_control_an_honest_sign_in_with_the_same_set_up_changes_the_rows(
    rogue_app: Flask, rogue: RogueProvider
):
    # So the "nothing stored" above is a real check: without a fault, the rows do change.
    person = make_person(name="Tora Target", email="target@kkr-test.example")
    db.session.add(Identity(person=person, issuer=rogue.issuer, subject="ruth-1"))
    db.session.commit()
    rogue.account = {"sub": "ruth-1", "email": person.email, "email_verified": True}
    before = stored_rows()
    client = rogue_app.test_client()

    response = rogue_fault_free_sign_in(client)

    assert response.status_code == 303
    after = stored_rows()
    assert after["person"] == before["person"]
    assert after["identity"] != before["identity"]  # last_sign_in_at moved
    assert len(after["audit_entry"]) == len(before["audit_entry"]) + 1


def rogue_fault_free_sign_in(client: FlaskClient) -> TestResponse:
    start = client.get("/log-ind/rogue")
    visit = visit_provider(start.headers["Location"], login="")
    return client.get(visit.callback_path)
