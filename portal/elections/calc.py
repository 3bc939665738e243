"""Between the stored election and the pure calculators: the composition (rules 1.0–1.1,
portal.rules.composition) and the chair and vice-chair election (rule 1.4,
portal.rules.proportional). No arithmetic here: this module feeds the calculators what staff
recorded (results, alliances, lots drawn), and turns their answers into JSON-ready workings
that are shown, and stored when staff confirm. A confirmed result is shown from what was
stored, so it reads the same later.

Lots: the calculators take a recorded lot as a ranking of names (`drawn`). Each lot staff
record names one winner among the groups the calculator reported as tied; the winners, in the
order they were drawn, are that ranking. A tie between more groups than places may need more
than one draw: the next tie is reported until none is left.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _

from portal.elections import queries as election_queries
from portal.elections.chart import ShareChart, share_chart
from portal.elections.models import ChairElection, Election, ElectionGroupResult
from portal.rules import InvalidInput
from portal.rules.composition import GroupVotes, compose, decimal_text
from portal.rules.proportional import alliance_name, chair_and_vice_chair

SHARE_PLACES = 6  # shares and ratios as stored; shown as percent with one decimal
QUOTIENT_PLACES = 2


# --- showing numbers ----------------------------------------------------------------------


def percent(share: Decimal | str | None) -> str:
    """A share of 1 as a Danish percentage with one decimal: "28,7 %"."""
    if share is None:
        return "–"
    return format_decimal(Decimal(share) * 100, format="#,##0.0") + " %"


def whole_percent(share: Decimal) -> str:
    return format_decimal(share * 100, format="#,##0") + " %"


def number(value: Decimal | str | int | None, places: int = 0) -> str:
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(Decimal(value), format=pattern)


def quotient(value: str | None) -> str:
    """A d'Hondt quotient: whole numbers without decimals, others with two ("1.666,67")."""
    if value is None:
        return "–"
    return format_decimal(Decimal(value), format="#,##0.##")


def ratio_text(value: str | None) -> str:
    return "–" if value is None else format_decimal(Decimal(value), format="0.000")


# --- lots ---------------------------------------------------------------------------------


def drawn_of(lots: Sequence[dict[str, Any]] | None) -> list[str]:
    """The recorded lots as the calculators' ranking: the winners in the order drawn."""
    return [lot["winner"] for lot in lots or ()]


def new_lot(tied: Sequence[str], winner: str, drawn_by: str, recorded_by_id: int, now) -> dict:  # noqa: ANN001
    return {
        "tied": list(tied),
        "winner": winner,
        "drawn_by": drawn_by,
        "drawn_at": now.isoformat(timespec="seconds"),
        "recorded_by_id": recorded_by_id,
    }


def _problem(error: InvalidInput) -> str:
    if str(error).startswith("no group qualifies"):
        return _(
            "Ingen gruppe får pladser: ingen har mindst 2 % af stemmerne og et mandat, "
            "og ingen har borgmestre."
        )
    # The calculators' other checks are the form's and the file's own: a last resort.
    return _("Beregningen kan ikke udføres: %(problem)s.", problem=str(error))


# --- the composition (rules 1.0–1.1) ------------------------------------------------------


@dataclass(frozen=True)
class CompositionRow:
    name: str
    letter: str
    label: str
    votes: int
    mayors: int
    council_seats: int
    qualifies: bool
    lower_bound: int
    seats: int
    vote_share: Decimal
    seat_share: Decimal
    ratio: str | None  # vote share ÷ seat share; None without seats

    @property
    def elects(self) -> int:
        """Members the group elects itself: its seats beyond its mayors (rule 1.0: every
        mayor is a member)."""
        return self.seats - self.mayors


@dataclass(frozen=True)
class CompositionOutcome:
    """The calculator's answer as the pages show it, live or as confirmed."""

    error: str | None = None
    rows: list[CompositionRow] = field(default_factory=list)
    municipalities: int = 0
    cap: int = 0
    size: int = 0
    unreduced_size: int = 0
    reduced: bool = False
    ties: list[list[str]] = field(default_factory=list)
    lots: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def open_tie(self) -> tuple[str, ...] | None:
        """The tie staff must draw a lot for next, if any."""
        return tuple(self.ties[0]) if self.ties else None

    @property
    def labels(self) -> dict[str, str]:
        return {row.name: row.label for row in self.rows}

    def stored(self) -> dict[str, Any]:
        return self.data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> CompositionOutcome:
        rows = [
            CompositionRow(
                name=g["name"],
                letter=g.get("letter", ""),
                label=g["label"],
                votes=g["votes"],
                mayors=g["mayors"],
                council_seats=g["council_seats"],
                qualifies=g["qualifies"],
                lower_bound=g["lower_bound"],
                seats=g["seats"],
                vote_share=Decimal(g["vote_share"]),
                seat_share=Decimal(g["seat_share"]),
                ratio=g["ratio"],
            )
            for g in data["groups"]
        ]
        return cls(
            rows=rows,
            municipalities=data["municipalities"],
            cap=data["cap"],
            size=data["size"],
            unreduced_size=data["unreduced_size"],
            reduced=data["reduced"],
            ties=data["ties"],
            lots=data.get("lots", []),
            data=data,
        )


def _danish_problem(municipalities: int, results: Sequence[ElectionGroupResult]) -> str | None:
    """The mistakes staff make when typing results, in Danish, before the calculator's own
    (English, one-line) checks."""
    if not results:
        return _("Indtast resultatet for mindst én gruppe, eller indlæs en CSV-fil.")
    mayors = sum(result.mayors for result in results)
    if mayors > municipalities:
        return _(
            "Grupperne har i alt %(mayors)d borgmestre, men regionen har kun %(count)d kommuner.",
            mayors=mayors,
            count=municipalities,
        )
    if not any(result.votes for result in results):
        return _("Ingen gruppe har stemmer.")
    return None


def composition(election: Election) -> CompositionOutcome:
    """The composition for the results as they stand, with the lots recorded so far."""
    results = list(election.results)
    problem = _danish_problem(election.municipalities, results)
    if problem:
        return CompositionOutcome(error=problem)
    lots = list(election.composition_lots or [])
    try:
        answer = compose(
            election.municipalities,
            [GroupVotes(r.name, r.votes, r.mayors, r.council_seats) for r in results],
            drawn_of(lots),
        )
    except InvalidInput as error:
        return CompositionOutcome(error=_problem(error))
    by_name = {result.name: result for result in results}
    data = {
        "municipalities": answer.municipalities,
        "cap": answer.cap,
        "lower_bounds": answer.lower_bounds,
        "unreduced_size": answer.unreduced_size,
        "size": answer.size,
        "reduced": answer.reduced,
        "seats": answer.seats,
        "ties": answer.ties,
        "lots": lots,
        "groups": [
            {
                "name": g.name,
                "letter": by_name[g.name].letter,
                "label": by_name[g.name].label,
                "votes": g.votes,
                "mayors": g.mayors,
                "council_seats": by_name[g.name].council_seats,
                "qualifies": g.qualifies,
                "lower_bound": g.lower_bound,
                "seats": g.seats,
                "vote_share": decimal_text(g.vote_share, SHARE_PLACES),
                "seat_share": decimal_text(g.seat_share, SHARE_PLACES),
                "ratio": decimal_text(g.ratio, SHARE_PLACES),
            }
            for g in answer.groups
        ],
    }
    return CompositionOutcome.from_data(data)


def confirmed_composition(election: Election) -> CompositionOutcome:
    """The composition as staff confirmed it, from what was stored with the election."""
    if not election.composition:
        return composition(election)
    return CompositionOutcome.from_data(election.composition)


def chart_label(row: CompositionRow) -> str:
    """Short enough for the chart's label column: the letter, or the name cut short (the
    table beside the chart has the full names)."""
    if row.letter:
        return row.letter
    return row.name if len(row.name) <= 18 else row.name[:17] + "…"


def chart(outcome: CompositionOutcome) -> ShareChart | None:
    if outcome.error or not outcome.rows or not outcome.size:
        return None
    return share_chart(
        [(chart_label(row), row.vote_share, row.seat_share) for row in outcome.rows],
        percent,
        _("stemmer"),
        _("pladser"),
        whole_percent,
    )


# --- the chair and vice-chair (rule 1.4) --------------------------------------------------


@dataclass(frozen=True)
class ChairOutcome:
    """Rule 1.4's calculation step by step, live or as stored when the persons were elected."""

    error: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def chair(self) -> str | None:
        return self.data.get("chair")

    @property
    def vice_chair(self) -> str | None:
        return self.data.get("vice_chair")

    @property
    def ties(self) -> list[list[str]]:
        return self.data.get("ties", [])

    @property
    def open_tie(self) -> tuple[str, ...] | None:
        return tuple(self.ties[0]) if self.ties else None

    @property
    def steps(self) -> list[dict[str, Any]]:
        return self.data.get("steps", [])

    @property
    def tables(self) -> list[dict[str, Any]]:
        return self.data.get("tables", [])

    @property
    def alliances(self) -> list[list[str]]:
        return self.data.get("alliances", [])

    @property
    def lots(self) -> list[dict[str, Any]]:
        return self.data.get("lots", [])

    @property
    def labels(self) -> dict[str, str]:
        return self.data.get("labels", {})

    def label(self, name: str) -> str:
        """A group's label, or an alliance's ("A + V")."""
        if name in self.labels:
            return self.labels[name]
        for members in self.alliances:
            if alliance_name(members) == name:
                return _(
                    "valgforbund %(groups)s", groups=" + ".join(self.labels[m] for m in members)
                )
        return name

    @property
    def undecided_seats(self) -> set[int]:
        """Seat numbers whose holder a lot must still decide."""
        return {step["number"] for step in self.steps if step["undecided"]}

    def names(self, names: Sequence[str]) -> str:
        return ", ".join(self.label(name) for name in names)

    def office(self, number: int) -> str:
        """Rule 1.4: the first seat is the chair, the second the vice-chair."""
        return _("formand") if number == 1 else _("næstformand")

    def winners(self) -> tuple[str, str]:
        assert self.chair is not None and self.vice_chair is not None
        return self.chair, self.vice_chair

    def stored(self) -> dict[str, Any]:
        return self.data


def _fraction_text(value: Fraction | None) -> str | None:
    return decimal_text(value, QUOTIENT_PLACES)


def chair(election: Election, lots: Sequence[dict[str, Any]] | None) -> ChairOutcome:
    """The d'Hondt count for chair and vice-chair over the groups and the alliances now
    registered, with the lots recorded so far."""
    results = list(election.results)
    if not results or not any(result.votes for result in results):
        return ChairOutcome(error=_("Valgets resultater mangler."))
    alliances = [
        [g.name for g in alliance.groups] for alliance in election_queries.alliances_of(election)
    ]
    lots = list(lots or [])
    try:
        answer = chair_and_vice_chair(
            {result.name: result.votes for result in results}, alliances, drawn_of(lots)
        )
    except InvalidInput as error:
        return ChairOutcome(error=_problem(error))
    allocation = answer.allocation
    data = {
        "votes": {result.name: result.votes for result in results},
        "labels": {result.name: result.label for result in results},
        "alliances": alliances,
        "lots": lots,
        "chair": answer.chair,
        "vice_chair": answer.vice_chair,
        "ties": answer.ties,
        "steps": [
            {
                "number": step.number,
                "contender": step.contender,
                "quotient": _fraction_text(step.quotient),
                "group": step.group,
                "inner_quotient": _fraction_text(step.inner_quotient),
                "by_lot": step.by_lot,
                "undecided": list(step.undecided),
            }
            for step in allocation.steps
        ],
        "tables": [
            {
                "alliance": table.alliance,
                "seats": table.seats,
                "rows": [
                    {
                        "name": row.name,
                        "votes": row.votes,
                        "quotients": [_fraction_text(q) for q in row.quotients],
                        "seats_won": list(row.seats_won),
                    }
                    for row in table.rows
                ],
            }
            for table in allocation.tables
        ],
    }
    return ChairOutcome(data=data)


def stored_chair(chair_election: ChairElection) -> ChairOutcome:
    return ChairOutcome(data=chair_election.calculation)
