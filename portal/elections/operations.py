"""Business actions on an election, the composition it gives the council (rules 1.0–1.1), the
constituting meeting (rule 1.3), the chair and vice-chair election (rule 1.4) and their
replacement (rules 1.15–1.16).

Each action validates, changes, writes its audit row in the request's transaction and
flushes; a broken rule raises `Refused` with a Danish message for one field. The arithmetic is
the calculators' (portal.rules.composition, portal.rules.proportional, through
election_calc): this module records what staff entered, what the calculators answered, and
the lots staff drew.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal import audit
from portal.councils.models import Council, CouncilOffice, Group, Membership, Person
from portal.elections import calc as election_calc
from portal.elections import queries as election_queries
from portal.elections.csv import GroupLine
from portal.elections.models import (
    ChairElection,
    ChairElectionStatus,
    Election,
    ElectionGroupResult,
    ElectionStatus,
    ElectoralAlliance,
    OfficeHolding,
)
from portal.extensions import db
from portal.refusal import Refused
from portal.rules.calendar import (
    COPENHAGEN,
    alliance_deadline,
    constituting_meeting_latest,
    is_in_time,
    local_date,
)
from portal.rules.constitution import Vacancy, constituting_meeting_in_time, stand_in_is_allowed

# --- the election and its results ---------------------------------------------------------


def create_election(
    council: Council, *, held_on: date, municipalities: int, by: Person, now: datetime
) -> Election:
    clash = db.session.scalar(
        select(Election.id).where(Election.council_id == council.id, Election.held_on == held_on)
    )
    if clash is not None:
        raise Refused("held_on", _("Rådet har allerede et valg med denne valgdag."))
    election = Election(
        council=council,
        held_on=held_on,
        municipalities=municipalities,
        status=ElectionStatus.DRAFT,
        created_at=now,
        created_by_id=by.id,
    )
    db.session.add(election)
    audit.record("election_created", election, after=audit.snapshot(election))
    return election


def refuse_unless_draft(election: Election, field: str = "") -> None:
    if election.status is not ElectionStatus.DRAFT:
        raise Refused(field, _("Sammensætningen er godkendt; resultaterne kan ikke ændres."))


def _check_group(election: Election, group: Group | None) -> None:
    if group is not None and group.council_id != election.council_id:
        raise Refused("group_id", _("Vælg en af rådets grupper."))


def _forget_lot(election: Election) -> None:
    """New numbers make an earlier lot meaningless: it was drawn for another tie."""
    election.composition_lots = None


def save_group_result(
    election: Election,
    *,
    letter: str,
    name: str,
    votes: int,
    mayors: int,
    council_seats: int,
    group: Group | None,
    result: ElectionGroupResult | None = None,
) -> ElectionGroupResult:
    refuse_unless_draft(election)
    _check_group(election, group)
    clash = db.session.scalar(
        select(ElectionGroupResult.id).where(
            ElectionGroupResult.election_id == election.id,
            func.lower(ElectionGroupResult.name) == name.lower(),
        )
    )
    if clash is not None and (result is None or clash != result.id):
        raise Refused("name", _("Gruppen står allerede i resultaterne."))
    values = {
        "letter": letter or "",
        "name": name,
        "votes": votes,
        "mayors": mayors,
        "council_seats": council_seats,
        "group": group,
    }
    _forget_lot(election)
    if result is None:
        position = len(election_queries.results_of(election))
        result = ElectionGroupResult(election=election, position=position, **values)
        db.session.add(result)
        audit.record(
            "election_result_added",
            result,
            after=audit.snapshot(result),
            council_id=election.council_id,
        )
        return result
    before = audit.snapshot(result)
    for key, value in values.items():
        setattr(result, key, value)
    audit.record(
        "election_result_changed",
        result,
        before=before,
        after=audit.snapshot(result),
        council_id=election.council_id,
    )
    return result


def remove_group_result(result: ElectionGroupResult) -> None:
    """A line typed by mistake, while the results are a draft (nothing refers to it yet)."""
    election = result.election
    refuse_unless_draft(election)
    audit.record(
        "election_result_removed",
        result,
        before=audit.snapshot(result),
        council_id=election.council_id,
    )
    _forget_lot(election)
    db.session.delete(result)
    db.session.flush()


def _matching_group(groups: list[Group], line: GroupLine) -> Group | None:
    """The council's group a CSV line is about: the same letter, or else the same name."""
    for group in groups:
        if line.letter and group.letter.lower() == line.letter.lower():
            return group
    for group in groups:
        if group.name.lower() == line.name.lower():
            return group
    return None


def import_results(election: Election, lines: list[GroupLine], groups: list[Group]) -> int:
    """The file replaces the groups typed so far (all of them, or nothing: the caller parsed
    every line first). Groups are linked to the council's by letter or name."""
    refuse_unless_draft(election, "file")
    before = [audit.snapshot(result) for result in election_queries.results_of(election)]
    for result in election_queries.results_of(election):
        db.session.delete(result)
    db.session.flush()
    for position, line in enumerate(lines):
        db.session.add(
            ElectionGroupResult(
                election=election,
                position=position,
                letter=line.letter,
                name=line.name,
                votes=line.votes,
                mayors=line.mayors,
                council_seats=line.council_seats,
                group=_matching_group(groups, line),
            )
        )
    _forget_lot(election)
    db.session.flush()
    db.session.expire(election, ["results"])
    audit.record(
        "election_results_imported",
        election,
        before={"results": before},
        after={"results": [audit.snapshot(r) for r in election_queries.results_of(election)]},
    )
    return len(lines)


# --- the composition (rules 1.0–1.1) ------------------------------------------------------


def record_composition_lot(
    election: Election, *, winner: str, drawn_by: str, by: Person, now: datetime
) -> None:
    """A tie the calculator reported: staff record who won the lot and who drew it."""
    refuse_unless_draft(election)
    tie = election_calc.composition(election).open_tie
    if tie is None:
        raise Refused("", _("Der er ingen lodtrækning at registrere. Se siden igen."))
    if winner not in tie:
        raise Refused("winner", _("Vælg en af de grupper, der står lige."))
    before = audit.snapshot(election)
    lot = election_calc.new_lot(tie, winner, drawn_by, by.id, now)
    election.composition_lots = [*(election.composition_lots or []), lot]
    audit.record(
        "composition_lot_recorded", election, before=before, after=audit.snapshot(election)
    )


def confirm_composition(election: Election, *, by: Person, now: datetime) -> dict:
    """Staff confirm the composition; it is stored with the election, with its workings."""
    refuse_unless_draft(election)
    outcome = election_calc.composition(election)
    if outcome.error:
        raise Refused("", outcome.error)
    if outcome.open_tie is not None:
        raise Refused("", _("Resultatet afhænger af lodtrækning. Registrér lodtrækningen først."))
    before = audit.snapshot(election)
    election.composition = outcome.stored()
    election.status = ElectionStatus.CONFIRMED
    election.confirmed_at = now
    election.confirmed_by_id = by.id
    audit.record("composition_confirmed", election, before=before, after=audit.snapshot(election))
    return election.composition


# --- the constituting meeting (rule 1.3) --------------------------------------------------


def refuse_unless_confirmed(election: Election) -> None:
    if election.status is not ElectionStatus.CONFIRMED:
        raise Refused("", _("Godkend først rådets sammensætning efter valget."))


def set_constituting_meeting(election: Election, starts_at: datetime) -> None:
    refuse_unless_confirmed(election)
    if election_queries.chair_election_of(election) is not None:
        raise Refused("starts_at", _("Formand og næstformand er allerede valgt på mødet."))
    if not constituting_meeting_in_time(election.held_on, local_date(starts_at)):
        raise Refused(
            "starts_at",
            _(
                "Det konstituerende møde skal holdes efter valget og senest %(latest)s "
                "(regel 1.3).",
                latest=constituting_meeting_latest(election.held_on).strftime("%d.%m.%Y"),
            ),
        )
    before = audit.snapshot(election)
    election.constituting_meeting_at = starts_at
    audit.record(
        "constituting_meeting_set", election, before=before, after=audit.snapshot(election)
    )


# --- electoral alliances (rule 1.4) -------------------------------------------------------


def _refuse_after_alliance_deadline(election: Election, now: datetime, field: str) -> None:
    if election.constituting_meeting_at is None:
        raise Refused(field, _("Fastsæt først tidspunktet for det konstituerende møde."))
    deadline = alliance_deadline(election.constituting_meeting_at)
    if not is_in_time(now, deadline):
        raise Refused(
            field,
            _(
                "Fristen for at anmelde valgforbund var %(deadline)s, 3 hverdage før det "
                "konstituerende møde (regel 1.4). Valgforbundet kan ikke længere anmeldes "
                "eller trækkes tilbage.",
                deadline=deadline.strftime("%d.%m.%Y kl. %H:%M"),
            ),
        )


def register_alliance(
    election: Election,
    results: list[ElectionGroupResult],
    *,
    by: Person,
    now: datetime,
    received_at: datetime | None = None,
) -> ElectoralAlliance:
    """Rule 1.4: an electoral alliance, notified to the secretariat at `received_at` (default:
    now). The deadline is judged on that moment, not on when staff type the notice in; a
    moment in the future is refused, and so is a notice once the chair election is under way."""
    received_at = now if received_at is None else received_at
    refuse_unless_confirmed(election)
    if received_at > now:
        raise Refused(
            "received_at",
            _(
                "Tidspunktet for modtagelsen kan ikke ligge i fremtiden. Skriv, hvornår "
                "sekretariatet modtog anmeldelsen."
            ),
        )
    if election.constituting_meeting_at is None:
        raise Refused("groups", _("Fastsæt først tidspunktet for det konstituerende møde."))
    deadline = alliance_deadline(election.constituting_meeting_at)
    if not is_in_time(received_at, deadline):
        raise Refused(
            "received_at",
            _(
                "Fristen for at anmelde valgforbund var %(deadline)s, 3 hverdage før det "
                "konstituerende møde (regel 1.4). Sekretariatet modtog anmeldelsen %(received)s, "
                "efter fristen, så valgforbundet kan ikke anmeldes.",
                deadline=local_text(deadline),
                received=local_text(received_at),
            ),
        )
    if election_queries.chair_election_of(election) is not None:
        raise Refused(
            "groups",
            _(
                "Valget af formand og næstformand er allerede i gang eller registreret. Et "
                "valgforbund kan ikke længere anmeldes."
            ),
        )
    if len(results) < 2:
        raise Refused("groups", _("Vælg mindst to grupper."))
    allied = election_queries.allied_result_ids(election)
    taken = [result.label for result in results if result.id in allied]
    if taken:
        raise Refused(
            "groups",
            _(
                "En gruppe kan kun være med i ét valgforbund: %(groups)s er allerede med i et.",
                groups=", ".join(taken),
            ),
        )
    alliance = ElectoralAlliance(
        council_id=election.council_id,
        election=election,
        received_at=received_at,
        registered_at=now,
        registered_by_id=by.id,
        groups=list(results),
    )
    db.session.add(alliance)
    audit.record(
        "electoral_alliance_registered",
        alliance,
        after={**audit.snapshot(alliance), "groups": [r.name for r in results]},
    )
    return alliance


def local_text(moment: datetime) -> str:
    """A moment as Copenhagen's clock shows it, to the second (a deadline is 23:59:59)."""
    return moment.astimezone(COPENHAGEN).strftime("%d.%m.%Y kl. %H:%M:%S")


def withdraw_alliance(alliance: ElectoralAlliance, *, now: datetime) -> None:
    _refuse_after_alliance_deadline(alliance.election, now, "")
    if alliance.withdrawn_at is not None:
        return
    before = audit.snapshot(alliance)
    alliance.withdrawn_at = now
    audit.record(
        "electoral_alliance_withdrawn", alliance, before=before, after=audit.snapshot(alliance)
    )


# --- the chair and vice-chair election (rule 1.4) -----------------------------------------


def _refuse_before_the_meeting_votes(election: Election, now: datetime) -> None:
    """Alliances may be notified until the deadline: only after it is the calculation final."""
    refuse_unless_confirmed(election)
    if election.constituting_meeting_at is None:
        raise Refused("", _("Fastsæt først tidspunktet for det konstituerende møde."))
    if is_in_time(now, alliance_deadline(election.constituting_meeting_at)):
        raise Refused(
            "",
            _("Valgforbund kan stadig anmeldes. Valget kan registreres, når fristen er udløbet."),
        )


def record_chair_lot(
    election: Election, *, winner: str, drawn_by: str, by: Person, now: datetime
) -> ChairElection:
    """Rule 1.4 with 3.8: equal quotients are settled by a lot that staff record."""
    _refuse_before_the_meeting_votes(election, now)
    existing = election_queries.chair_election_of(election)
    if existing is not None and existing.status is ChairElectionStatus.DECIDED:
        raise Refused("", _("Formand og næstformand er allerede valgt."))
    lots = list(existing.lots or []) if existing else []
    tie = election_calc.chair(election, lots).open_tie
    if tie is None:
        raise Refused("", _("Der er ingen lodtrækning at registrere. Se siden igen."))
    if winner not in tie:
        raise Refused("winner", _("Vælg en af de grupper, der står lige."))
    lots.append(election_calc.new_lot(tie, winner, drawn_by, by.id, now))
    chair_election = existing or ChairElection(
        council_id=election.council_id,
        election=election,
        status=ChairElectionStatus.LOT_RECORDED,
        created_at=now,
    )
    before = audit.snapshot(chair_election) if existing else None
    chair_election.calculation = election_calc.chair(election, lots).stored()
    chair_election.lots = lots
    db.session.add(chair_election)
    audit.record(
        "chair_lot_recorded", chair_election, before=before, after=audit.snapshot(chair_election)
    )
    return chair_election


def _holder_of_group(
    membership: Membership, result: ElectionGroupResult, field: str, office: CouncilOffice
) -> None:
    """Rules 1.4, 1.15–1.16: the group that won the office fills it with one of its members
    (checked when staff linked the result to the council's group)."""
    if result.group_id is not None and membership.group_id != result.group_id:
        raise Refused(
            field,
            _(
                "%(name)s er ikke medlem for %(group)s, som fik %(office)s.",
                name=membership.person.name,
                group=result.label,
                office=_("formandsposten")
                if office is CouncilOffice.CHAIR
                else _("næstformandsposten"),
            ),
        )


def _take_office(membership: Membership, office: CouncilOffice) -> None:
    """The member list shows the office, and the chair's own permissions follow it."""
    if membership.office is office:
        return
    before = audit.snapshot(membership)
    membership.office = office
    audit.record("membership_changed", membership, before=before, after=audit.snapshot(membership))


def record_chair_election(
    election: Election,
    *,
    chair: Membership,
    vice_chair: Membership,
    starts_on: date,
    by: Person,
    now: datetime,
) -> ChairElection:
    """Staff record the persons elected chair and vice-chair at the constituting meeting."""
    _refuse_before_the_meeting_votes(election, now)
    existing = election_queries.chair_election_of(election)
    if existing is not None and existing.status is ChairElectionStatus.DECIDED:
        raise Refused("", _("Formand og næstformand er allerede valgt."))
    outcome = election_calc.chair(election, existing.lots if existing else None)
    if outcome.error:
        raise Refused("", outcome.error)
    if outcome.open_tie is not None:
        raise Refused("", _("Resultatet afhænger af lodtrækning. Registrér lodtrækningen først."))
    if chair.id == vice_chair.id:
        raise Refused("vice_chair", _("Formand og næstformand skal være to forskellige personer."))
    chair_result, vice_result = election_queries.results_by_name(election, outcome.winners())
    for membership, result, field, office in (
        (chair, chair_result, "chair", CouncilOffice.CHAIR),
        (vice_chair, vice_result, "vice_chair", CouncilOffice.VICE_CHAIR),
    ):
        if not membership.is_active_on(starts_on):
            raise Refused(
                field,
                _("%(name)s er ikke medlem af rådet den dag.", name=membership.person.name),
            )
        _holder_of_group(membership, result, field, office)
    # Whoever held the offices before this council took office hands them over.
    for holder in election_queries.office_memberships(
        election.council_id, starts_on, exclude=(chair, vice_chair)
    ):
        _take_office(holder, CouncilOffice.MEMBER)
    chair_election = existing or ChairElection(
        council_id=election.council_id, election=election, created_at=now
    )
    before = audit.snapshot(chair_election) if existing else None
    chair_election.calculation = outcome.stored()
    chair_election.status = ChairElectionStatus.DECIDED
    chair_election.chair_result = chair_result
    chair_election.vice_chair_result = vice_result
    chair_election.decided_at = now
    chair_election.decided_by_id = by.id
    db.session.add(chair_election)
    for membership, result, office in (
        (chair, chair_result, CouncilOffice.CHAIR),
        (vice_chair, vice_result, CouncilOffice.VICE_CHAIR),
    ):
        holding = OfficeHolding(
            council_id=election.council_id,
            election=election,
            office=office,
            person=membership.person,
            membership=membership,
            result=result,
            starts_on=starts_on,
            recorded_at=now,
            recorded_by_id=by.id,
        )
        db.session.add(holding)
        _take_office(membership, office)
        audit.record("office_holder_elected", holding, after=audit.snapshot(holding))
    audit.record(
        "chair_election_decided",
        chair_election,
        before=before,
        after=audit.snapshot(chair_election),
    )
    return chair_election


# --- replacing a chair or vice-chair (rules 1.15–1.16) ------------------------------------


def replace_holder(
    holding: OfficeHolding,
    *,
    successor: Membership,
    vacancy: Vacancy,
    starts_on: date,
    ends_on: date | None,
    reason: str,
    by: Person,
    now: datetime,
) -> OfficeHolding:
    """The group that elected the holder names the successor. LEFT: the holding ends the day
    before and the successor holds the office from `starts_on`. AWAY (3 months or more): the
    successor stands in from `starts_on` to `ends_on`; the holder keeps the office."""
    if holding.ends_on is not None or holding.stands_in_for_id is not None:
        raise Refused("", _("Kun den nuværende formand eller næstformand kan erstattes."))
    if starts_on <= holding.starts_on:
        raise Refused("starts_on", _("Datoen skal ligge efter, at hvervet begyndte."))
    if successor.person_id == holding.person_id:
        raise Refused("successor", _("Efterfølgeren skal være en anden end den, der erstattes."))
    if not successor.is_active_on(starts_on):
        raise Refused(
            "successor",
            _("%(name)s er ikke medlem af rådet den dag.", name=successor.person.name),
        )
    _holder_of_group(successor, holding.result, "successor", holding.office)
    other_office = election_queries.current_holding(
        holding.council_id,
        CouncilOffice.VICE_CHAIR if holding.office is CouncilOffice.CHAIR else CouncilOffice.CHAIR,
        starts_on,
    )
    if other_office is not None and other_office.person_id == successor.person_id:
        raise Refused(
            "successor",
            _("%(name)s har allerede det andet hverv.", name=successor.person.name),
        )
    standing_in = election_queries.stand_in_for(holding, starts_on)
    if standing_in is not None:
        raise Refused(
            "starts_on",
            _("%(name)s træder allerede til i perioden.", name=standing_in.person.name),
        )
    if vacancy is Vacancy.AWAY:
        if ends_on is None or not stand_in_is_allowed(starts_on, ends_on):
            raise Refused(
                "ends_on",
                _(
                    "En efterfølger træder kun til ved forfald i 3 måneder eller mere "
                    "(regel 1.15–1.16 med 1.6–1.7)."
                ),
            )
    else:
        ends_on = None
        before = audit.snapshot(holding)
        holding.ends_on = date.fromordinal(starts_on.toordinal() - 1)
        holding.end_reason = reason
        audit.record("office_holder_left", holding, before=before, after=audit.snapshot(holding))
        if holding.membership is not None:
            _take_office(holding.membership, CouncilOffice.MEMBER)
        _take_office(successor, holding.office)
    successor_holding = OfficeHolding(
        council_id=holding.council_id,
        election_id=holding.election_id,
        office=holding.office,
        person=successor.person,
        membership=successor,
        result=holding.result,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        replaces_id=holding.id if vacancy is Vacancy.LEFT else None,
        stands_in_for_id=holding.id if vacancy is Vacancy.AWAY else None,
        recorded_at=now,
        recorded_by_id=by.id,
    )
    db.session.add(successor_holding)
    audit.record(
        "office_holder_replaced", successor_holding, after=audit.snapshot(successor_holding)
    )
    return successor_holding
