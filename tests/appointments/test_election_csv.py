"""Election results from a CSV file: all or nothing, with line-numbered errors in Danish."""

from __future__ import annotations

from io import BytesIO

import pytest
from sqlalchemy import select

from portal.elections.csv import CsvRefused, parse_results
from portal.elections.models import ElectionGroupResult
from portal.extensions import db
from tests.appointments.election_scene import HTMX, TIED, build_scene, make_election
from tests.conftest import sign_in

GOOD = (
    b"name,votes,mayors,council_seats,letter\n"
    b"Socialdemokratiet,152243,6,120,A\n"
    b"Venstre,98000,5,90,V\n"
)


def upload(client, url: str, content: bytes, **kwargs):  # noqa: ANN001, ANN003, ANN201
    return client.post(
        url,
        data={"file": (BytesIO(content), "resultater.csv")},
        content_type="multipart/form-data",
        **kwargs,
    )


def test_rule_1_0_a_csv_file_replaces_the_results_and_links_the_groups(app, client):
    scene = build_scene()
    scene.groups["A"].name = "Socialdemokratiet"
    election = make_election(scene.council, TIED)
    sign_in(client, scene.staff)
    response = upload(client, scene.election_url(election, "/import"), GOOD)
    assert response.status_code == 303
    results = db.session.scalars(
        select(ElectionGroupResult).order_by(ElectionGroupResult.position)
    ).all()
    assert [(r.name, r.letter, r.votes, r.mayors, r.council_seats) for r in results] == [
        ("Socialdemokratiet", "A", 152243, 6, 120),
        ("Venstre", "V", 98000, 5, 90),
    ]
    assert results[0].group_id == scene.groups["A"].id  # the same letter
    assert results[1].group_id is None


def test_rule_1_0_bad_lines_are_named_by_number_and_nothing_is_stored(app, client):
    scene = build_scene()
    election = make_election(scene.council, TIED)
    sign_in(client, scene.staff)
    bad = b"name,votes,mayors,council_seats\nA,100,1,5\nB,-3,0,2\n,10,0,1\nA,12,0,1\nD,7,x,1\nE,7\n"
    bad += b"F,9,3,2\n"
    response = upload(client, scene.election_url(election, "/import"), bad, headers=HTMX)
    assert response.status_code == 422
    assert response.text.lstrip().startswith('<form method="post" class="stacked" id="import-form"')
    for message in (
        "Linje 3: stemmer skal være et helt tal fra 0 til 100.000.000, ikke »-3«.",
        "Linje 4: navnet mangler.",
        "Linje 5: A står allerede på linje 2.",
        "Linje 6: borgmestre skal være et helt tal fra 0 til 100.000.000, ikke »x«.",
        "Linje 7: der skal være 4 felter, ikke 2.",
        "Linje 8: en borgmester har et mandat, så borgmestrene kan højst være lige så mange som"
        " mandaterne.",
        "Intet er gemt.",
    ):
        assert message in response.text
    assert [r.name for r in election.results] == ["A", "B", "C"]  # untouched


def test_rule_1_0_the_file_must_be_chosen_and_have_the_columns(app, client):
    scene = build_scene()
    election = make_election(scene.council, TIED)
    sign_in(client, scene.staff)
    url = scene.election_url(election, "/import")
    assert "Vælg en fil." in client.post(url, data={}).text
    response = upload(client, url, b"party;votes\nA;1\n")
    assert response.status_code == 422
    assert "Linje 1: kolonneoverskrifterne skal være name,votes,mayors,council_seats" in (
        response.text
    )


def test_danish_spreadsheets_semicolons_windows_1252_and_thousands_separators():
    text = "Navn;Stemmer;Borgmestre;Mandater\nDansk Folkeparti;12.345;0;7\nØ-listen;900;0;1\n\n"
    lines = parse_results(text.encode("cp1252"))
    assert [(g.name, g.votes) for g in lines] == [("Dansk Folkeparti", 12345), ("Ø-listen", 900)]
    assert parse_results(("\ufeff" + text).encode("utf-8"))[1].name == "Ø-listen"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen er tom."),
        (b"name,votes,mayors,council_seats\n", "Filen har ingen grupper under overskriftslinjen."),
        (b"x" * 300_000, "Filen er for stor (højst 256 KB)."),
    ],
)
def test_an_unusable_file_says_why(content: bytes, message: str):
    with pytest.raises(CsvRefused) as refused:
        parse_results(content)
    assert refused.value.problems == [message]
