"""Command-line calculators: `flask --app portal calc ...`, printing JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, NoReturn

import click
from flask.cli import AppGroup

from portal.rules import InvalidInput, name_of, whole_number
from portal.rules.calendar import COPENHAGEN, meeting_deadlines
from portal.rules.composition import GroupVotes, compose, decimal_text
from portal.rules.majority import Ballot, majority_vote
from portal.rules.proportional import dhondt

calc_cli = AppGroup("calc", help="Regn frister og fordelinger ud (JSON).")


def parse_meeting_time(value: str) -> datetime:
    """ISO 8601; a time without offset is Copenhagen wall-clock time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"not an ISO 8601 date and time: {value!r}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COPENHAGEN)
    return moment


@calc_cli.command("deadlines")
@click.option("--meeting", "meeting", required=True, help="Mødets start, fx 2027-03-29T10:00")
def deadlines_command(meeting: str) -> None:
    """Frister for et ordinært møde (regel 3.2, 3.3, 3.9)."""
    starts_at = parse_meeting_time(meeting)
    result = {
        name: moment.isoformat(timespec="seconds")
        for name, moment in meeting_deadlines(starts_at).items()
    }
    click.echo(json.dumps(result, ensure_ascii=False))


# --- Calculators reading JSON (rules 1.0, 1.1, 1.4, 3.8) -------------------------------------
#
# Bad input exits with status 2 and one line on stderr, the message of the InvalidInput the
# rules modules raise (or of the JSON shape check here), never a traceback.


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(2)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InvalidInput(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constant(name: str) -> NoReturn:
    raise InvalidInput(f"{name} is not a number")


def read_json(source: str) -> Any:
    """The JSON document in file `source` ('-': standard input)."""
    try:
        with click.open_file(source, encoding="utf-8") as stream:  # "-" is standard input
            text = stream.read()
    except OSError as error:
        raise InvalidInput(f"cannot read {source}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{source} is not UTF-8 text") from error
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"malformed JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from error
    except InvalidInput:
        raise
    except RecursionError as error:
        raise InvalidInput("malformed JSON: nested too deeply") from error
    except ValueError as error:  # e.g. an integer with more digits than Python will parse
        raise InvalidInput(f"malformed JSON: {error}") from error


def _object(value: Any, what: str, required: Iterable[str], optional: Iterable[str] = ()) -> dict:
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be an object")
    required = tuple(required)
    for key in required:
        if key not in value:
            raise InvalidInput(f"{what}: missing key {key!r}")
    for key in value:
        if key not in required and key not in optional:
            raise InvalidInput(f"{what}: unknown key {key!r}")
    return value


def _list(value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise InvalidInput(f"{what} must be a list")
    return value


def _names(value: Any, what: str) -> list[str]:
    return [name_of(item, f"{what}[{index}]") for index, item in enumerate(_list(value, what))]


def _group_entries(document: dict, fields: tuple[str, ...]) -> list[dict]:
    entries = []
    seen: set[str] = set()
    for index, entry in enumerate(_list(document["groups"], "groups")):
        entry = _object(entry, f"groups[{index}]", fields)
        name = name_of(entry["name"], f"groups[{index}].name")
        if name in seen:
            raise InvalidInput(f"duplicate group name {name!r}")
        seen.add(name)
        entries.append(entry)
    return entries


def _run(calculate: Callable[[Any], dict[str, Any]], source: str) -> None:
    try:
        result = calculate(read_json(source))
    except InvalidInput as error:
        _fail(str(error))
    click.echo(json.dumps(result, ensure_ascii=False))


def _composition(document: Any) -> dict[str, Any]:
    document = _object(document, "input", ("municipalities", "groups"), ("drawn",))
    groups = [
        GroupVotes(
            name=entry["name"],
            votes=whole_number(entry["votes"], f"votes of group {entry['name']!r}"),
            mayors=whole_number(entry["mayors"], f"mayors of group {entry['name']!r}"),
            council_seats=whole_number(
                entry["council_seats"], f"council_seats of group {entry['name']!r}"
            ),
        )
        for entry in _group_entries(document, ("name", "votes", "mayors", "council_seats"))
    ]
    drawn = _names(document.get("drawn", []), "drawn")
    result = compose(document["municipalities"], groups, drawn)
    return {
        "size": result.size,
        "reduced": result.reduced,
        "seats": result.seats,
        "ties": result.ties,
        "groups": [
            {
                "name": group.name,
                "vote_share": decimal_text(group.vote_share),
                "seat_share": decimal_text(group.seat_share),
                "ratio": decimal_text(group.ratio),
                "qualifies": group.qualifies,
            }
            for group in result.groups
        ],
    }


@calc_cli.command("composition")
@click.argument("source", metavar="FILE")
def composition_command(source: str) -> None:
    """KKR's størrelse og pladser pr. gruppe (regel 1.0, 1.1). FILE eller - for stdin.

    \b
    Ind: {"municipalities": 17,
          "groups": [{"name": "A", "votes": 152243, "mayors": 6, "council_seats": 120}, ...],
          "drawn": ["B", ...]}          (valgfri: lodtrækningens rækkefølge ved lighed)
    Ud:  {"size": 34, "reduced": true, "seats": {"A": 9, ...}, "ties": [],
          "groups": [{"name": "A", "vote_share": "0.2874", "seat_share": "0.2647",
                      "ratio": "1.0856", "qualifies": true}, ...]}

    ratio = stemmeandel ÷ pladsandel (null uden pladser); "ties": grupper, der skal trækkes
    lod imellem om de sidste pladser. Fejl i input: status 2 og én linje på stderr.
    """
    _run(_composition, source)


def _dhondt(document: Any) -> dict[str, Any]:
    document = _object(document, "input", ("seats", "groups"), ("alliances", "drawn"))
    votes = {
        entry["name"]: whole_number(entry["votes"], f"votes of group {entry['name']!r}")
        for entry in _group_entries(document, ("name", "votes"))
    }
    alliances = [
        _names(members, f"alliances[{index}]")
        for index, members in enumerate(_list(document.get("alliances", []), "alliances"))
    ]
    drawn = _names(document.get("drawn", []), "drawn")
    result = dhondt(votes, document["seats"], alliances, drawn)
    return {
        "seats": result.seats,
        "order": result.order,
        "ties": result.ties,
        "order_ties": result.order_ties,
    }


@calc_cli.command("dhondt")
@click.argument("source", metavar="FILE")
def dhondt_command(source: str) -> None:
    """Forholdstalsvalg efter d'Hondt med valgforbund (regel 1.4, 3.8). FILE eller - for stdin.

    \b
    Ind: {"seats": 3, "groups": [{"name": "A", "votes": 12}, ...],
          "alliances": [["V", "C"]],      (valgfri: valgforbund, stemmerne lægges sammen)
          "drawn": ["V+C", "A"]}          (valgfri: lodtrækningens rækkefølge ved lighed;
                                           et valgforbund hedder sine grupper med "+")
    Ud:  {"seats": {"A": 1, ...}, "order": ["A", "V", ...], "ties": [], "order_ties": []}

    "order": hvem der fik 1., 2., ... plads (1. = formand, 2. = næstformand efter regel 1.4);
    "ties": lod om de sidste pladser (de pladser er ikke talt med); "order_ties": alle får
    en plads, men lod afgør rækkefølgen. Fejl i input: status 2 og én linje på stderr.
    """
    _run(_dhondt, source)


def _ballot(value: Any, number: int) -> Ballot:
    what = f"rounds[{number - 1}]"
    if isinstance(value, dict) and isinstance(value.get("votes"), dict):
        value = _object(value, what, ("votes",), ("blank",))
        return Ballot(votes=value["votes"], blank=value.get("blank", 0))
    if not isinstance(value, dict):
        raise InvalidInput(f"{what} must be an object")
    return Ballot(votes=value)


def _majority(document: Any) -> dict[str, Any]:
    document = _object(
        document, "input", ("present", "rounds"), ("drawn_for_run_off", "drawn_winner")
    )
    ballots = [
        _ballot(value, number)
        for number, value in enumerate(_list(document["rounds"], "rounds"), start=1)
    ]
    drawn = _names(document.get("drawn_for_run_off", []), "drawn_for_run_off")
    state = majority_vote(document["present"], ballots, drawn, document.get("drawn_winner"))
    lot = state.lot
    return {
        "outcome": str(state.outcome),
        "elected": state.elected,
        "by_lot": state.by_lot,
        "next_round": state.next_round,
        "eligible": list(state.eligible) if state.eligible is not None else None,
        "run_off": list(state.run_off),
        "lot": None
        if lot is None
        else {"between": list(lot.between), "places": lot.places, "purpose": str(lot.purpose)},
        "rounds": [
            {
                "round": result.number,
                "votes": result.votes,
                "blank": result.blank,
                "cast": result.cast,
                "required": result.required,
                "elected": result.elected,
            }
            for result in state.rounds
        ],
    }


@calc_cli.command("majority")
@click.argument("source", metavar="FILE")
def majority_command(source: str) -> None:
    """Flertalsvalg af én repræsentant (regel 3.8, KSL § 24 stk. 1). FILE eller - for stdin.

    \b
    Ind: {"present": 30,
          "rounds": [{"A": 14, "B": 10, "C": 6},             (kandidat → stemmer)
                     {"votes": {"A": 15, "B": 13}, "blank": 2}, ...],   (med blanke)
          "drawn_for_run_off": ["B"],   (valgfri: lodtrækningens rækkefølge om omvalget)
          "drawn_winner": "A"}          (valgfri: vinderen af lodtrækningen i 3. runde)
    Ud:  {"outcome": "elected" | "next_round" | "lot",
          "elected": "A" | null, "by_lot": false,
          "next_round": 2 | 3 | null,
          "eligible": ["A", "B"] | null,  (hvem kan stemmes på i næste runde; null: alle)
          "run_off": ["A", "B"],          (omvalgets kandidater, når de kendes)
          "lot": {"between": ["B", "C"], "places": 1,
                  "purpose": "run_off" | "winner"} | null,
          "rounds": [{"round": 1, "votes": {...}, "blank": 0, "cast": 30,
                      "required": 16, "elected": null}, ...]}

    Runde 1-2: valgt med flere end halvdelen af de tilstedeværende; runde 3: omvalg mellem de
    to med flest stemmer i runde 2, flest stemmer vinder. Fejl i input: status 2 og én linje
    på stderr.
    """
    _run(_majority, source)
