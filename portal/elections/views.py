"""Staff screens: an election's results and the composition they give the council (rules
1.0–1.1), the constituting meeting with its convener and alliances, the chair and vice-chair
election (rules 1.3–1.4) and replacing them (rules 1.15–1.16).

The routes live on the appointments blueprint (portal/appointments/views.py imports this
module). Every view: load (404 for another council's election), authorise (policy, via
`allow`: the council's staff), act through one operation, then 303 (HX-Redirect for htmx) or
the form again with its messages and 422 (for htmx only the form's block).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from portal import htmx
from portal.appointments.views import bp
from portal.councils.models import Council, Group, Membership
from portal.councils.queries import groups_of
from portal.elections import calc as election_calc
from portal.elections import operations as election_operations
from portal.elections import queries as election_queries
from portal.elections.csv import CsvRefused, parse_results
from portal.elections.forms import (
    AllianceForm,
    ChairElectedForm,
    ConfirmForm,
    ConstitutingMeetingForm,
    ElectionForm,
    GroupResultForm,
    LotForm,
    ReplaceHolderForm,
    ResultsImportForm,
)
from portal.elections.models import (
    ChairElectionStatus,
    Election,
    ElectionGroupResult,
    ElectionStatus,
    ElectoralAlliance,
    OfficeHolding,
)
from portal.extensions import db
from portal.forms import NO_CHOICE
from portal.policy import COUNCIL_STAFF, allow, today
from portal.refusal import Refused
from portal.rules.calendar import COPENHAGEN, alliance_deadline, constituting_meeting_latest
from portal.rules.constitution import ConvenerStatus, Mayor, Vacancy, convener
from portal.types import utcnow
from portal.views import form_page, load, load_optional, me

STAFF = "/kkr/<council_slug>/sekretariat/valg"
ELECTION = STAFF + "/<int:election_id>"
CONSTITUTION = ELECTION + "/konstituering"


def election_url(election: Election, anchor: str = "") -> str:
    url = url_for(
        "appointments.show_election", council_slug=election.council.slug, election_id=election.id
    )
    return f"{url}#{anchor}" if anchor else url


def constitution_url(election: Election, anchor: str = "") -> str:
    url = url_for(
        "appointments.show_constitution",
        council_slug=election.council.slug,
        election_id=election.id,
    )
    return f"{url}#{anchor}" if anchor else url


def go_to(url: str):  # noqa: ANN201
    """303 to `url`. For htmx a full load of it, without its #fragment: on the page that sent
    the request, a URL that differs only by its fragment would just scroll, not reload."""
    if htmx.is_htmx():
        return htmx.client_redirect(url.partition("#")[0])
    return redirect(url, 303)


def answer(
    form: FlaskForm,
    act: Callable[[], Any],
    success: str | Callable[[Any], str],
    next_url: str | Callable[[Any], str],
    template: str,
    block: str,
    context: Callable[[], dict[str, Any]],
):  # noqa: ANN201
    """One of several forms on a page posts. Valid and accepted: flash and 303 (HX-Redirect
    for htmx) to `next_url`, or to what it answers for the operation's result. Invalid or
    refused: the page again with the messages and status 422; for htmx only the form's
    `block`, which swaps itself in."""
    if form.validate_on_submit():
        try:
            result = act()
        except Refused as refusal:
            db.session.rollback()
            field = getattr(form, refusal.field, None) if refusal.field else None
            if field is None:
                form.form_errors.append(refusal.message)
            else:
                field.errors.append(refusal.message)
        else:
            flash(success(result) if callable(success) else success, "success")
            target = next_url(result) if callable(next_url) else next_url
            return go_to(target)
    return htmx.render(template, block=block, status=422, **context())


def post_action(act: Callable[[], Any], success: str, next_url: str):  # noqa: ANN201
    """A button that changes one thing: run `act`, flash its outcome (a refused rule as an
    error), and go back (303; HX-Redirect for htmx)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)  # the CSRF token is missing or stale
    try:
        act()
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        flash(success, "success")
    return go_to(next_url)


NUMBERS = {
    "number": election_calc.number,
    "percent": election_calc.percent,
    "ratio_text": election_calc.ratio_text,
    "quotient": election_calc.quotient,
}


def composition_lot_choices(outcome: election_calc.CompositionOutcome) -> list[SelectChoice]:
    labels = outcome.labels
    return [SelectChoice(name, labels.get(name, name)) for name in outcome.open_tie or ()]


def chair_lot_choices(outcome: election_calc.ChairOutcome) -> list[SelectChoice]:
    return [SelectChoice(name, outcome.label(name)) for name in outcome.open_tie or ()]


def group_choices(council: Council) -> list[SelectChoice]:
    return [
        SelectChoice("", _("Ingen")),
        *[SelectChoice(g.id, f"{g.letter} · {g.name}") for g in groups_of(council)],
    ]


def group_form(
    council: Council, result: ElectionGroupResult | None = None, *, posted: bool = False
) -> GroupResultForm:
    """The form for one group's result; `posted` when this request submits it."""
    extra: dict[str, Any] = {} if posted else {"formdata": None}
    form = GroupResultForm(obj=result, group_id=result.group_id if result else None, **extra)
    form.group_id.choices = group_choices(council)
    return form


def load_election(council: Council, election_id: int) -> Election:
    return load(Election, council, election_id)


def load_result(election: Election, result_id: int) -> ElectionGroupResult:
    result = db.session.get(ElectionGroupResult, result_id)
    if result is None or result.election_id != election.id:
        abort(404)
    return result


# --- elections ----------------------------------------------------------------------------


@bp.route(STAFF, methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def list_elections(council: Council):  # noqa: ANN201
    form = ElectionForm(municipalities=len(council.municipalities) or None)

    def create() -> Election:
        return election_operations.create_election(
            council,
            held_on=form.held_on.data,
            municipalities=form.municipalities.data,
            by=me(),
            now=utcnow(),
        )

    def context() -> dict[str, Any]:
        return {
            "form": form,
            "council": council,
            "elections": election_queries.elections_of(council),
        }

    if not form.is_submitted():
        return htmx.render("appointments/elections.html", **context())
    return answer(
        form,
        create,
        _("Valget er oprettet. Indtast eller indlæs resultaterne."),
        election_url,  # staff go on to the new election's own page
        "appointments/elections.html",
        "form",
        context,
    )


def election_context(
    council: Council,
    election: Election,
    *,
    group_form_: GroupResultForm | None = None,
    import_form: ResultsImportForm | None = None,
    lot_form: LotForm | None = None,
    confirm_form: ConfirmForm | None = None,
    import_problems: list[str] | None = None,
) -> dict[str, Any]:
    outcome = (
        election_calc.confirmed_composition(election)
        if election.status is ElectionStatus.CONFIRMED
        else election_calc.composition(election)
    )
    lot_form = lot_form or LotForm(formdata=None)
    lot_form.winner.choices = composition_lot_choices(outcome)
    return {
        "council": council,
        "election": election,
        "draft": election.status is ElectionStatus.DRAFT,
        "results": election_queries.results_of(election),
        "outcome": outcome,
        "chart": election_calc.chart(outcome),
        "group_form": group_form_ or group_form(council),
        "import_form": import_form or ResultsImportForm(formdata=None),
        "import_problems": import_problems or [],
        "lot_form": lot_form,
        "confirm_form": confirm_form or ConfirmForm(formdata=None),
        **NUMBERS,
    }


@bp.get(ELECTION)
@allow(COUNCIL_STAFF)
def show_election(council: Council, election_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    return htmx.render("appointments/election.html", **election_context(council, election))


@bp.post(ELECTION + "/grupper")
@allow(COUNCIL_STAFF)
def add_group_result(council: Council, election_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    form = group_form(council, posted=True)
    return answer(
        form,
        lambda: election_operations.save_group_result(
            election,
            letter=form.letter.data,
            name=form.name.data,
            votes=form.votes.data,
            mayors=form.mayors.data,
            council_seats=form.council_seats.data,
            group=load_optional(Group, council, form.group_id.data),
        ),
        lambda result: _("%(name)s er tilføjet.", name=result.name),
        election_url(election, "results"),
        "appointments/election.html",
        "group_form",
        lambda: election_context(council, election, group_form_=form),
    )


@bp.route(ELECTION + "/grupper/<int:result_id>", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_group_result(council: Council, election_id: int, result_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    result = load_result(election, result_id)
    form = group_form(council, result, posted=True)
    return form_page(
        "appointments/election_group_form.html",
        form,
        lambda: election_operations.save_group_result(
            election,
            letter=form.letter.data,
            name=form.name.data,
            votes=form.votes.data,
            mayors=form.mayors.data,
            council_seats=form.council_seats.data,
            group=load_optional(Group, council, form.group_id.data),
            result=result,
        ),
        _("Resultatet er gemt."),
        election_url(election, "results"),
        council=council,
        election=election,
        result=result,
    )


@bp.post(ELECTION + "/grupper/<int:result_id>/fjern")
@allow(COUNCIL_STAFF)
def remove_group_result(council: Council, election_id: int, result_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    result = load_result(election, result_id)
    name = result.name
    return post_action(
        lambda: election_operations.remove_group_result(result),
        _("%(name)s er fjernet fra resultaterne.", name=name),
        election_url(election, "results"),
    )


@bp.post(ELECTION + "/import")
@allow(COUNCIL_STAFF)
def import_results(council: Council, election_id: int):  # noqa: ANN201
    """Results from a CSV file, all or nothing; every bad line is reported by number."""
    election = load_election(council, election_id)
    form = ResultsImportForm()
    problems: list[str] = []

    def act() -> int:
        try:
            lines = parse_results(form.file.data.read())
        except CsvRefused as refused:
            problems.extend(refused.problems)
            raise Refused("file", _("Filen er ikke indlæst. Ret linjerne nedenfor.")) from None
        return election_operations.import_results(election, lines, groups_of(council))

    return answer(
        form,
        act,
        lambda count: _("%(count)d grupper er indlæst fra filen.", count=count),
        election_url(election, "composition"),
        "appointments/election.html",
        "import_form",
        lambda: election_context(council, election, import_form=form, import_problems=problems),
    )


@bp.post(ELECTION + "/lodtraekning")
@allow(COUNCIL_STAFF)
def record_composition_lot(council: Council, election_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    form = LotForm()
    form.winner.choices = composition_lot_choices(election_calc.composition(election))
    return answer(
        form,
        lambda: election_operations.record_composition_lot(
            election,
            winner=form.winner.data,
            drawn_by=form.drawn_by.data,
            by=me(),
            now=utcnow(),
        ),
        _("Lodtrækningen er registreret."),
        election_url(election, "composition"),
        "appointments/election.html",
        "lot_form",
        lambda: election_context(council, election, lot_form=form),
    )


@bp.post(ELECTION + "/godkend")
@allow(COUNCIL_STAFF)
def confirm_composition(council: Council, election_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    form = ConfirmForm()
    return answer(
        form,
        lambda: election_operations.confirm_composition(election, by=me(), now=utcnow()),
        _("Sammensætningen er godkendt og gemt med valget."),
        election_url(election, "composition"),
        "appointments/election.html",
        "confirm_form",
        lambda: election_context(council, election, confirm_form=form),
    )


# --- the constituting meeting (rules 1.3, 1.4, 1.15–1.16) ---------------------------------


def convener_view(council: Council) -> dict[str, Any]:
    people = election_queries.mayors_of(council)
    found = convener(Mayor(p.id, p.mayor_since, p.born_on) for p in people)
    by_id = {person.id: person for person in people}
    return {
        "result": found,
        "person": by_id.get(found.person_id) if found.person_id else None,
        "mayors": people,
        "missing_since": [by_id[i] for i in found.missing_since],
        "missing_birth": [by_id[i] for i in found.missing_birth],
        "tied": [by_id[i] for i in found.tied],
        "longest_serving": [by_id[i] for i in found.longest_serving],
        "statuses": ConvenerStatus,
    }


def member_choices(members: list[Membership]) -> list[SelectChoice]:
    return [
        NO_CHOICE,
        *[
            SelectChoice(m.id, f"{m.person.name} ({m.group.letter})" if m.group else m.person.name)
            for m in members
        ],
    ]


def constitution_context(council: Council, election: Election, **forms: Any) -> dict[str, Any]:
    now = utcnow()
    results = election_queries.results_of(election)
    meeting_at = election.constituting_meeting_at
    deadline = alliance_deadline(meeting_at) if meeting_at else None
    chair_election = election_queries.chair_election_of(election)
    decided = chair_election is not None and chair_election.status is ChairElectionStatus.DECIDED
    outcome = (
        election_calc.stored_chair(chair_election)
        if decided
        else election_calc.chair(election, chair_election.lots if chair_election else None)
    )
    day = meeting_at.astimezone(COPENHAGEN).date() if meeting_at else today()
    members = election_queries.members_on(council, day)
    meeting_form = forms.get("meeting_form") or ConstitutingMeetingForm(
        formdata=None,
        starts_at=meeting_at.astimezone(COPENHAGEN).replace(tzinfo=None) if meeting_at else None,
    )
    alliance_form = forms.get("alliance_form") or AllianceForm(
        formdata=None,
        # rule 1.4: when the secretariat received the notice; by default now
        received_at=now.astimezone(COPENHAGEN).replace(tzinfo=None, second=0, microsecond=0),
    )
    allied = election_queries.allied_result_ids(election)
    alliance_form.groups.choices = [
        SelectChoice(r.id, r.label) for r in results if r.id not in allied
    ]
    lot_form = forms.get("lot_form") or LotForm(formdata=None)
    lot_form.winner.choices = chair_lot_choices(outcome)
    elected_form = forms.get("elected_form") or ChairElectedForm(formdata=None, starts_on=day)
    elected_form.chair.choices = member_choices(members)
    elected_form.vice_chair.choices = member_choices(members)
    return {
        "council": council,
        "election": election,
        "confirmed": election.status is ElectionStatus.CONFIRMED,
        "latest": constituting_meeting_latest(election.held_on),
        "convener": convener_view(council),
        "meeting_at": meeting_at,
        "deadline": deadline,
        "alliances_open": deadline is not None and now <= deadline,
        "alliances": election_queries.alliances_of(election),
        "results": results,
        "outcome": outcome,
        "chair_election": chair_election,
        "decided": decided,
        "holdings": election_queries.holdings_of(election),
        "meeting_form": meeting_form,
        "alliance_form": alliance_form,
        "lot_form": lot_form,
        "elected_form": elected_form,
        **NUMBERS,
    }


@bp.get(CONSTITUTION)
@allow(COUNCIL_STAFF)
def show_constitution(council: Council, election_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    return htmx.render("appointments/constitution.html", **constitution_context(council, election))


@bp.post(CONSTITUTION + "/moede")
@allow(COUNCIL_STAFF)
def set_constituting_meeting(council: Council, election_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    form = ConstitutingMeetingForm()
    return answer(
        form,
        lambda: election_operations.set_constituting_meeting(election, form.moment()),
        _("Tidspunktet for det konstituerende møde er gemt."),
        constitution_url(election, "meeting"),
        "appointments/constitution.html",
        "meeting_form",
        lambda: constitution_context(council, election, meeting_form=form),
    )


@bp.post(CONSTITUTION + "/valgforbund")
@allow(COUNCIL_STAFF)
def register_alliance(council: Council, election_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    results = election_queries.results_of(election)
    form = AllianceForm()
    form.groups.choices = [SelectChoice(r.id, r.label) for r in results]
    by_id = {r.id: r for r in results}
    return answer(
        form,
        lambda: election_operations.register_alliance(
            election,
            [by_id[i] for i in form.groups.data],
            received_at=form.received_moment(),
            by=me(),
            now=utcnow(),
        ),
        _("Valgforbundet er anmeldt."),
        constitution_url(election, "alliances"),
        "appointments/constitution.html",
        "alliance_form",
        lambda: constitution_context(council, election, alliance_form=form),
    )


@bp.post(CONSTITUTION + "/valgforbund/<int:alliance_id>/tilbagetraek")
@allow(COUNCIL_STAFF)
def withdraw_alliance(council: Council, election_id: int, alliance_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    alliance = db.session.get(ElectoralAlliance, alliance_id)
    if alliance is None or alliance.election_id != election.id:
        abort(404)
    return post_action(
        lambda: election_operations.withdraw_alliance(alliance, now=utcnow()),
        _("Valgforbundet er trukket tilbage."),
        constitution_url(election, "alliances"),
    )


@bp.post(CONSTITUTION + "/lodtraekning")
@allow(COUNCIL_STAFF)
def record_chair_lot(council: Council, election_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    form = LotForm()
    chair_election = election_queries.chair_election_of(election)
    lots = chair_election.lots if chair_election else None
    form.winner.choices = chair_lot_choices(election_calc.chair(election, lots))
    return answer(
        form,
        lambda: election_operations.record_chair_lot(
            election,
            winner=form.winner.data,
            drawn_by=form.drawn_by.data,
            by=me(),
            now=utcnow(),
        ),
        _("Lodtrækningen er registreret."),
        constitution_url(election, "chair"),
        "appointments/constitution.html",
        "chair_lot_form",
        lambda: constitution_context(council, election, lot_form=form),
    )


@bp.post(CONSTITUTION + "/valgte")
@allow(COUNCIL_STAFF)
def record_chair_election(council: Council, election_id: int):  # noqa: ANN201
    election = load_election(council, election_id)
    form = ChairElectedForm()
    members = election_queries.members_on(council, form.starts_on.data or today())
    form.chair.choices = member_choices(members)
    form.vice_chair.choices = member_choices(members)
    return answer(
        form,
        lambda: election_operations.record_chair_election(
            election,
            chair=load(Membership, council, form.chair.data),
            vice_chair=load(Membership, council, form.vice_chair.data),
            starts_on=form.starts_on.data,
            by=me(),
            now=utcnow(),
        ),
        _("Formand og næstformand er registreret."),
        constitution_url(election, "chair"),
        "appointments/constitution.html",
        "elected_form",
        lambda: constitution_context(council, election, elected_form=form),
    )


@bp.route(CONSTITUTION + "/hverv/<int:holding_id>/erstat", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def replace_holder(council: Council, election_id: int, holding_id: int):  # noqa: ANN201
    """Rules 1.15–1.16: the group that elected the chair or vice-chair names the successor."""
    election = load_election(council, election_id)
    holding = db.session.get(OfficeHolding, holding_id)
    if holding is None or holding.election_id != election.id:
        abort(404)
    form = ReplaceHolderForm(starts_on=today())
    members = election_queries.members_on(council, form.starts_on.data or today())
    form.successor.choices = member_choices(members)
    return form_page(
        "appointments/constitution_replace.html",
        form,
        lambda: election_operations.replace_holder(
            holding,
            successor=load(Membership, council, form.successor.data),
            vacancy=Vacancy(form.vacancy.data),
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            reason=form.reason.data,
            by=me(),
            now=utcnow(),
        ),
        lambda successor: _("%(name)s er registreret som efterfølger.", name=successor.person.name),
        constitution_url(election, "holders"),
        council=council,
        election=election,
        holding=holding,
    )
