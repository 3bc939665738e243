"""Ids in URLs and forms beyond a database integer: no row has them, and the database refuses to
compare with them (SQLite: OverflowError; PostgreSQL: integer out of range). Found by
tests/security/test_one_hostile_field.py: every route with an id answered 500 to one."""

from __future__ import annotations

import pytest
from flask import Flask

from portal.types import MAX_ID, row_id
from tests.conftest import sign_in
from tests.factories import make_council, make_staff


def id_routes(app: Flask) -> list[tuple[str, str]]:
    return sorted(
        (rule.endpoint, "GET" if "GET" in (rule.methods or ()) else "POST")
        for rule in app.url_map.iter_rules()
        if set(rule.arguments) - {"council_slug", "filename", "token", "version"}
    )


@pytest.mark.parametrize("number", [MAX_ID, MAX_ID + 1, 10**23])
def test_an_id_no_row_can_have_is_not_found(app: Flask, client, number: int):  # noqa: ANN001
    council = make_council(slug="sjaelland")
    staff = make_staff(council)
    sign_in(client, staff)
    adapter = app.url_map.bind("localhost")
    routes = id_routes(app)
    assert len(routes) > 40
    for endpoint, method in routes:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        values = {name: number for name in rule.arguments}
        values |= {"council_slug": council.slug, "version": 1, "token": "x", "filename": "x"}
        url = adapter.build(endpoint, {k: v for k, v in values.items() if k in rule.arguments})
        response = client.open(url, method=method)
        assert response.status_code == 404, (endpoint, number, response.status_code)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        ("99999999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("²", None),
        ("１２", None),  # fullwidth digits: isdigit() says yes
        ("", None),
        (None, None),
        ("12a", None),
    ],
)
def test_row_id_takes_only_what_a_row_can_have(text: str | None, expected: int | None):
    assert row_id(text) == expected
