"""`flask --app portal calc composition|dhondt|majority FILE` read JSON and print JSON
(rules 1.0, 1.1, 1.4, 3.8); bad input exits 2 with one line on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal import create_app

ROOT = Path(__file__).parent.parent

SJAELLAND = {
    "municipalities": 17,
    "groups": [
        {"name": "A", "votes": 152243, "mayors": 6, "council_seats": 120},
        {"name": "V", "votes": 128210, "mayors": 11, "council_seats": 105},
        {"name": "O", "votes": 60540, "mayors": 0, "council_seats": 50},
        {"name": "C", "votes": 40120, "mayors": 0, "council_seats": 32},
        {"name": "F", "votes": 29870, "mayors": 0, "council_seats": 20},
        {"name": "Ø", "votes": 27690, "mayors": 0, "council_seats": 18},
        {"name": "B", "votes": 18430, "mayors": 0, "council_seats": 10},
        {"name": "L", "votes": 13260, "mayors": 0, "council_seats": 12},
        {"name": "I", "votes": 9580, "mayors": 0, "council_seats": 4},
        {"name": "Å", "votes": 8120, "mayors": 0, "council_seats": 2},
        {"name": "K", "votes": 4310, "mayors": 0, "council_seats": 1},
        {"name": "D", "votes": 9400, "mayors": 0, "council_seats": 3},
        {"name": "E", "votes": 9000, "mayors": 0, "council_seats": 3},
        {"name": "G", "votes": 9500, "mayors": 0, "council_seats": 5},
        {"name": "H", "votes": 9500, "mayors": 0, "council_seats": 2},
    ],
}
SJAELLAND_SEATS = {"A": 9, "V": 11, "O": 4, "C": 3, "F": 2, "Ø": 2, "B": 2, "L": 1}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    database = tmp_path_factory.mktemp("calc") / "c.sqlite3"
    return create_app({"ENV": "test", "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{database}"})


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def write(tmp_path: Path, document: object) -> str:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_rule_1_1_calc_composition_through_the_real_command(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_ENV": "test",
        "PORTAL_SECRET_KEY": "x",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", "calc", "composition",
         write(tmp_path, SJAELLAND)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
        encoding="utf-8",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert (answer["size"], answer["reduced"], answer["ties"]) == (34, True, [])
    assert answer["seats"] == SJAELLAND_SEATS
    assert answer["groups"][0] == {
        "name": "A",
        "vote_share": "0.2874",
        "seat_share": "0.2647",
        "ratio": "1.0856",
        "qualifies": True,
    }
    assert answer["groups"][8] == {
        "name": "I",
        "vote_share": "0.0181",
        "seat_share": "0.0000",
        "ratio": None,
        "qualifies": False,
    }


def test_rule_1_1_calc_composition_reads_standard_input(runner):
    result = runner.invoke(args=["calc", "composition", "-"], input=json.dumps(SJAELLAND))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["seats"] == SJAELLAND_SEATS


def test_rule_1_1_calc_composition_reports_a_tie_and_takes_the_lot(runner, tmp_path):
    document = {
        "municipalities": 3,
        "groups": [
            {"name": "B", "votes": 1000, "mayors": 3, "council_seats": 5},
            {"name": "A", "votes": 3000, "mayors": 0, "council_seats": 9},
            {"name": "C", "votes": 3000, "mayors": 0, "council_seats": 9},
        ],
    }
    tied = json.loads(runner.invoke(args=["calc", "composition", write(tmp_path, document)]).stdout)
    assert tied["ties"] == [["A", "C"]]
    assert tied["seats"] == {"B": 3, "A": 1, "C": 1}
    document["drawn"] = ["A"]
    drawn = json.loads(
        runner.invoke(args=["calc", "composition", write(tmp_path, document)]).stdout
    )
    assert (drawn["ties"], drawn["seats"]) == ([], {"B": 3, "A": 2, "C": 1})


def test_rule_1_4_calc_dhondt_pools_an_alliance(runner, tmp_path):
    document = {
        "seats": 3,
        "groups": [
            {"name": "A", "votes": 12000},
            {"name": "V", "votes": 7000},
            {"name": "C", "votes": 5800},
            {"name": "B", "votes": 4000},
        ],
        "alliances": [["V", "C"]],
    }
    result = runner.invoke(args=["calc", "dhondt", write(tmp_path, document)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "seats": {"A": 1, "V": 1, "C": 1, "B": 0},
        "order": ["V", "A", "C"],
        "ties": [],
        "order_ties": [],
    }


def test_rule_3_8_calc_dhondt_reports_ties_and_takes_the_lot(runner, tmp_path):
    document = {"seats": 1, "groups": [{"name": "A", "votes": 600}, {"name": "B", "votes": 600}]}
    tied = json.loads(runner.invoke(args=["calc", "dhondt", write(tmp_path, document)]).stdout)
    assert tied == {"seats": {"A": 0, "B": 0}, "order": [], "ties": [["A", "B"]], "order_ties": []}
    document["drawn"] = ["B"]
    drawn = json.loads(runner.invoke(args=["calc", "dhondt", write(tmp_path, document)]).stdout)
    assert (drawn["seats"], drawn["order"], drawn["ties"]) == ({"A": 0, "B": 1}, ["B"], [])


def test_rule_3_8_calc_majority_reports_the_lot_for_the_run_off(runner, tmp_path):
    document = {
        "present": 30,
        "rounds": [{"A": 14, "B": 10, "C": 6}, {"votes": {"A": 14, "B": 8, "C": 7}, "blank": 1}],
    }
    result = runner.invoke(args=["calc", "majority", write(tmp_path, document)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "outcome": "next_round",
        "elected": None,
        "by_lot": False,
        "next_round": 3,
        "eligible": ["A", "B"],
        "run_off": ["A", "B"],
        "lot": None,
        "rounds": [
            {"round": 1, "votes": {"A": 14, "B": 10, "C": 6}, "blank": 0, "cast": 30,
             "required": 16, "elected": None},
            {"round": 2, "votes": {"A": 14, "B": 8, "C": 7}, "blank": 1, "cast": 30,
             "required": 16, "elected": None},
        ],
    }  # fmt: skip


def test_rule_3_8_calc_majority_a_tie_then_the_drawn_winner(runner, tmp_path):
    document = {"present": 30, "rounds": [{"A": 14, "B": 8, "C": 8}, {"A": 14, "B": 8, "C": 8}]}
    state = json.loads(runner.invoke(args=["calc", "majority", write(tmp_path, document)]).stdout)
    assert state["outcome"] == "lot"
    assert state["lot"] == {"between": ["B", "C"], "places": 1, "purpose": "run_off"}
    document["drawn_for_run_off"] = ["C"]
    document["rounds"].append({"A": 15, "C": 15})
    state = json.loads(runner.invoke(args=["calc", "majority", write(tmp_path, document)]).stdout)
    assert state["lot"] == {"between": ["A", "C"], "places": 1, "purpose": "winner"}
    document["drawn_winner"] = "C"
    state = json.loads(runner.invoke(args=["calc", "majority", write(tmp_path, document)]).stdout)
    assert (state["outcome"], state["elected"], state["by_lot"]) == ("elected", "C", True)


GROUP = {"name": "A", "votes": 10, "mayors": 1, "council_seats": 3}


def composition(**changes: object) -> dict:
    return {"municipalities": 17, "groups": [{**GROUP, **changes}]}


@pytest.mark.parametrize(
    ("command", "document", "message"),
    [
        ("composition", composition(votes=-1), "votes of group 'A' cannot be negative"),
        ("composition", composition(votes=True), "votes of group 'A' must be a whole number"),
        ("composition", composition(mayors=1.0), "mayors of group 'A' must be a whole number"),
        (
            "composition",
            composition(mayors=18, council_seats=30),
            "mayors (18) exceed municipalities (17)",
        ),
        (
            "composition",
            composition(mayors=4),
            "mayors of group 'A' (4) exceed its council_seats (3)",
        ),
        ("composition", {"municipalities": 17, "groups": [GROUP, GROUP]}, "duplicate group name"),
        ("composition", {"groups": [GROUP]}, "input: missing key 'municipalities'"),
        ("composition", composition(seats=3), "groups[0]: unknown key 'seats'"),
        ("composition", {"municipalities": "17", "groups": []}, "municipalities must be a whole"),
        ("composition", {"municipalities": 17, "groups": {}}, "groups must be a list"),
        ("composition", [1, 2], "input must be an object"),
        ("dhondt", {"seats": 0, "groups": [{"name": "A", "votes": 1}]}, "seats must be at least 1"),
        ("dhondt", {"seats": 2, "groups": [{"name": "A", "votes": -3}]}, "cannot be negative"),
        (
            "dhondt",
            {"seats": 2, "groups": [{"name": "A", "votes": 3}], "alliances": [["A", "X"]]},
            "alliance names unknown group 'X'",
        ),
        (
            "dhondt",
            {
                "seats": 2,
                "groups": [{"name": n, "votes": 3} for n in "ABC"],
                "alliances": [["A", "B"], ["B", "C"]],
            },
            "group 'B' is in two alliances",
        ),
        ("dhondt", {"seats": 2, "groups": [{"name": 7, "votes": 3}]}, "groups[0].name must be"),
        (
            "dhondt",
            {"seats": False, "groups": [{"name": "A", "votes": 3}]},
            "seats must be a whole",
        ),
        ("majority", {"present": 10, "rounds": [{"A": 11}]}, "11 votes cast but only 10 present"),
        ("majority", {"present": 10, "rounds": [["A"]]}, "rounds[0] must be an object"),
        ("majority", {"present": 10, "rounds": [{"A": "5"}]}, "must be a whole number"),
    ],
)
def test_rule_3_8_calc_refuses_bad_input_in_one_line_with_status_2(
    runner, tmp_path, command, document, message
):
    result = runner.invoke(args=["calc", command, write(tmp_path, document)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"seats": 3, "groups": [', "malformed JSON: Expecting value (line 1, column 25)"),
        ('{"seats": 3, "seats": 4, "groups": []}', "duplicate key 'seats'"),
        ('{"seats": NaN, "groups": []}', "NaN is not a number"),
        ("", "malformed JSON: Expecting value (line 1, column 1)"),
    ],
)
def test_rule_1_4_calc_refuses_malformed_json_in_one_line(runner, text, message):
    result = runner.invoke(args=["calc", "dhondt", "-"], input=text)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {message}\n"


def test_rule_1_0_calc_refuses_a_missing_file_in_one_line(runner, tmp_path):
    result = runner.invoke(args=["calc", "composition", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "cannot read" in result.stderr and "nope.json" in result.stderr
