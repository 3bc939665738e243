"""The brake on sign-in (portal/ratelimit.py): so many attempts a minute per client address and
endpoint, then 429 with a Danish page and Retry-After.

The limiter counts per process; these tests use one app, so one process's count. The provider is
the in-process rogue one (tests/rogue_provider.py), honest here, so each start is a real 302.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.auth.views import PENDING_SIGN_INS
from portal.config import ConfigError
from portal.ratelimit import SlidingWindowLimiter
from tests.conftest import portal_app
from tests.oidc import visit_provider
from tests.rogue_provider import RogueProvider

LIMIT = 3
START = "/log-ind/rogue"
CALLBACK = "/log-ind/rogue/retur?code=made-up&state=made-up"


@pytest.fixture
def limited_app(schema: str, rogue: RogueProvider) -> Iterator[Flask]:
    with portal_app(
        schema, OIDC_PROVIDERS=[rogue.portal_settings("rogue")], SIGN_IN_RATE_LIMIT=LIMIT
    ) as app:
        yield app


def from_address(app: Flask, address: str, forwarded_for: str | None = None) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if forwarded_for is not None:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client


def assert_too_many(response) -> None:  # noqa: ANN001
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    page = response.get_data(as_text=True)
    assert "For mange forsøg" in page
    assert "Vent et øjeblik, og prøv igen." in page
    assert '<html lang="da"' in page


def test_sign_in_start_is_limited_per_client_address(limited_app: Flask):
    client = from_address(limited_app, "192.0.2.10")

    answers = [client.get(START).status_code for _ in range(LIMIT)]
    refused = client.get(START)

    assert answers == [302] * LIMIT
    assert_too_many(refused)
    # Another address is not held up by the first one.
    assert from_address(limited_app, "192.0.2.11").get(START).status_code == 302


def test_callback_is_limited_and_counted_apart_from_the_start(limited_app: Flask):
    client = from_address(limited_app, "192.0.2.20")
    for _ in range(LIMIT):
        assert client.get(START).status_code == 302

    answers = [client.get(CALLBACK).status_code for _ in range(LIMIT)]
    refused = client.get(CALLBACK)

    assert answers == [400] * LIMIT  # a forged callback, refused on its merits
    assert_too_many(refused)


def test_unknown_provider_names_count_too(limited_app: Flask):
    # Probing provider names is no way around the brake.
    client = from_address(limited_app, "192.0.2.30")
    answers = [client.get(f"/log-ind/probe-{n}").status_code for n in range(LIMIT)]

    assert answers == [404] * LIMIT
    assert_too_many(client.get(START))


def test_forwarded_for_is_ignored_without_trusted_proxies(limited_app: Flask):
    # Anyone can send X-Forwarded-For: a new value per request must not buy new attempts.
    for n in range(LIMIT):
        client = from_address(limited_app, "192.0.2.40", forwarded_for=f"198.51.100.{n}")
        assert client.get(START).status_code == 302

    assert_too_many(from_address(limited_app, "192.0.2.40", "198.51.100.99").get(START))


def test_behind_a_trusted_proxy_the_forwarded_client_address_counts(
    schema: str, rogue: RogueProvider
):
    with portal_app(
        schema,
        OIDC_PROVIDERS=[rogue.portal_settings("rogue")],
        SIGN_IN_RATE_LIMIT=LIMIT,
        TRUSTED_PROXIES=1,
    ) as app:
        proxy = "10.0.0.1"
        # The proxy appends the address it saw; what the client wrote before it is not trusted.
        for n in range(LIMIT):
            client = from_address(app, proxy, forwarded_for=f"203.0.113.{n}, 198.51.100.7")
            assert client.get(START).status_code == 302
        limited = from_address(app, proxy, forwarded_for="198.51.100.7").get(START)
        other_client = from_address(app, proxy, forwarded_for="198.51.100.8").get(START)

    assert_too_many(limited)
    assert other_client.status_code == 302


def test_limit_zero_turns_the_brake_off(schema: str, rogue: RogueProvider):
    with portal_app(
        schema, OIDC_PROVIDERS=[rogue.portal_settings("rogue")], SIGN_IN_RATE_LIMIT=0
    ) as app:
        client = app.test_client()
        answers = {client.get(START).status_code for _ in range(25)}

    assert answers == {302}


def test_default_is_twenty_a_minute_and_nonsense_stops_the_start(app: Flask, database_url: str):
    assert app.config["PORTAL_SIGN_IN_RATE_LIMIT"] == 20
    assert app.config["PORTAL_TRUSTED_PROXIES"] == 0
    for key, value in [("SIGN_IN_RATE_LIMIT", "-1"), ("TRUSTED_PROXIES", "two")]:
        with (
            pytest.raises(ConfigError, match=f"PORTAL_{key}"),
            portal_app(database_url, **{key: value}),
        ):
            pass


def test_the_window_slides_and_retry_after_is_enough():
    now = [1000.0]
    limiter = SlidingWindowLimiter(2, window=60, clock=lambda: now[0])

    assert limiter.attempt("a") is None
    now[0] += 10
    assert limiter.attempt("a") is None
    now[0] += 5
    retry_after = limiter.attempt("a")
    assert retry_after == 45  # the first attempt leaves the window at 1060
    assert limiter.attempt("b") is None  # keys are counted apart

    now[0] += retry_after
    assert limiter.attempt("a") is None  # waiting the time given is enough
    assert limiter.attempt("a") is not None  # the second attempt is still in the window
    now[0] += 10
    assert limiter.attempt("a") is None


def test_many_sign_in_starts_keep_the_session_cookie_small(
    schema: str, rogue: RogueProvider, recwarn: pytest.WarningsRecorder
):
    # Found with the brake off: each unfinished start left its state in the cookie until it
    # outgrew the 4 KB browsers keep. Now only the newest few are kept, and the last one works.
    rogue.account = {"sub": "many-1", "email": "many@rogue.example", "email_verified": True}
    with portal_app(
        schema, OIDC_PROVIDERS=[rogue.portal_settings("rogue")], SIGN_IN_RATE_LIMIT=0
    ) as app:
        client = app.test_client()
        for _ in range(25):
            start = client.get(START)
        with client.session_transaction() as session:
            pending = [key for key in session if key.startswith("_state_")]
        cookie = client.get_cookie("kkr_session")
        assert cookie is not None
        visit = visit_provider(start.headers["Location"], login="")
        finish = client.get(visit.callback_path)

    assert len(pending) == PENDING_SIGN_INS
    assert len(cookie.value) < 2000
    assert not [w for w in recwarn if "too large" in str(w.message)]
    # The sign-in itself is refused only because nobody is registered with that address.
    assert finish.status_code == 403
    assert "Du er ikke registreret i portalen" in finish.get_data(as_text=True)
