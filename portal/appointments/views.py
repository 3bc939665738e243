"""Regional bodies and appointments to them (rule 3.8), and the public appointments page.

Staff keep the bodies and hold an appointment round per body: one seat by majority vote with
each voting round's ballots recorded, several seats by d'Hondt over the KKR's groups (their
members present) with electoral alliances. On a tie staff record the lot drawn; the groups
then name their persons, and staff publish. Every view: load (another council's record: 404),
authorise (policy, via `allow`), act through one operation, redirect 303 (HX-Redirect for
htmx) or show the form again with 422.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal import htmx
from portal.appointments import operations, queries
from portal.appointments.forms import (
    BallotForm,
    BodyForm,
    EndAppointmentForm,
    LotForm,
    NameForm,
    StartRoundForm,
    VotesForm,
)
from portal.appointments.models import (
    Appointment,
    AppointmentEndReason,
    AppointmentMethod,
    AppointmentRound,
    RegionalBody,
    RoundStatus,
)
from portal.appointments.queries import RoundView, round_view
from portal.councils.models import Council, Group, Person
from portal.extensions import db
from portal.forms import NO_CHOICE
from portal.policy import COUNCIL_PUBLIC, COUNCIL_STAFF, allow, today
from portal.publication import caching
from portal.refusal import Refused
from portal.types import utcnow
from portal.views import form_page, load, load_optional, me, post_action

bp = Blueprint("appointments", __name__)

STAFF = "/kkr/<council_slug>/sekretariat/udpegninger"


def bodies_url(council: Council) -> str:
    return url_for("appointments.list_bodies", council_slug=council.slug)


def body_url(body: RegionalBody) -> str:
    return url_for("appointments.show_body", council_slug=body.council.slug, body_id=body.id)


def round_url(appointment_round: AppointmentRound) -> str:
    return url_for(
        "appointments.show_round",
        council_slug=appointment_round.council.slug,
        round_id=appointment_round.id,
    )


# --- regional bodies ----------------------------------------------------------------------


@bp.get(STAFF)
@allow(COUNCIL_STAFF)
def list_bodies(council: Council):  # noqa: ANN201
    return htmx.render(
        "appointments/bodies.html", council=council, rows=queries.body_rows(council, today())
    )


def _body_page(council: Council, body: RegionalBody | None):  # noqa: ANN202
    form = BodyForm(obj=body)

    def save() -> RegionalBody:
        return operations.save_body(
            council,
            name=form.name.data,
            seats=form.seats.data,
            term_starts_on=form.term_starts_on.data,
            term_ends_on=form.term_ends_on.data,
            legal_basis=form.legal_basis.data,
            notes=form.notes.data,
            body=body,
        )

    return form_page(
        "appointments/body_form.html",
        form,
        save,
        _("Organet er gemt.") if body else _("Organet er oprettet."),
        body_url(body) if body else bodies_url(council),
        council=council,
        body=body,
    )


@bp.route(STAFF + "/nyt", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def create_body(council: Council):  # noqa: ANN201
    return _body_page(council, None)


@bp.route(STAFF + "/<int:body_id>/ret", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def edit_body(council: Council, body_id: int):  # noqa: ANN201
    return _body_page(council, load(RegionalBody, council, body_id))


def submit(
    template: str,
    form: Any,
    act: Callable[[], Any],
    success: str,
    next_url: Callable[[Any], str],
    context: Callable[[], dict[str, Any]],
):  # noqa: ANN201
    """`form_page` for a POST-only action whose next page depends on what it made: a valid
    POST runs `act` and redirects 303 to `next_url(result)`; invalid input or a refused rule
    shows the page again with 422 (for htmx only its `form` block)."""
    if form.validate_on_submit():
        try:
            result = act()
        except Refused as refusal:
            field = getattr(form, refusal.field, None)
            if field is None:
                form.form_errors.append(refusal.message)
            else:
                field.errors.append(refusal.message)
        else:
            flash(success, "success")
            target = next_url(result)
            return htmx.client_redirect(target) if htmx.is_htmx() else redirect(target, 303)
    return htmx.render(template, block="form", status=422, form=form, **context())


@bp.get(STAFF + "/<int:body_id>")
@allow(COUNCIL_STAFF)
def show_body(council: Council, body_id: int):  # noqa: ANN201
    body = load(RegionalBody, council, body_id)
    # rule 3.8: a round's seats default to the body's vacancies
    form = StartRoundForm(seats=queries.vacancies(body, today()) or None)
    return htmx.render("appointments/body.html", form=form, **body_context(body))


def body_context(body: RegionalBody) -> dict[str, Any]:
    return {
        "council": body.council,
        "body": body,
        "rounds": queries.rounds_of(body),
        "appointments": queries.appointments_of_body(body),
        "unfinished": queries.unfinished_round(body),
        "vacancies": queries.vacancies(body, today()),
        "today": today(),
    }


@bp.post(STAFF + "/<int:body_id>/runder")
@allow(COUNCIL_STAFF)
def start_round(council: Council, body_id: int):  # noqa: ANN201
    body = load(RegionalBody, council, body_id)
    form = StartRoundForm()
    return submit(
        "appointments/body.html",
        form,
        lambda: operations.start_round(
            body,
            form.seats.data,
            agreement=bool(form.agreement.data),
            by=me(),
            now=utcnow(),
            day=today(),
        ),
        _("Udpegningen er startet."),
        round_url,
        lambda: body_context(body),
    )


# --- an appointment round -----------------------------------------------------------------

ROUND = STAFF + "/runder/<int:round_id>"


def person_choices(people: list[Person]) -> list[SelectChoice]:
    return [NO_CHOICE, *[SelectChoice(p.id, f"{p.name}, {p.municipality.name}") for p in people]]


def votes_form(appointment_round: AppointmentRound, formdata: Any = None) -> VotesForm:
    """The groups' lines as recorded (the members present, pre-filled from the memberships)
    and the joint group (valggruppe) each is in, numbered 1, 2, ... for the select."""
    rows = appointment_round.votes or []
    alliance_of = {
        group_id: number
        for number, joint in enumerate(appointment_round.joint_groups or [], start=1)
        for group_id in joint
    }
    data = {
        "groups": [
            {
                "group_id": row["group_id"],
                "votes": row["votes"],
                "alliance": alliance_of.get(row["group_id"]),
            }
            for row in rows
        ]
    }
    form = VotesForm(formdata=formdata, data=data) if formdata is not None else VotesForm(data=data)
    numbers = [SelectChoice("", _("Ingen"))] + [
        SelectChoice(n, _("Valggruppe %(number)d", number=n)) for n in range(1, len(rows) // 2 + 1)
    ]
    for entry, row in zip(form.groups, rows, strict=False):
        entry.alliance.choices = numbers
        entry.votes.label.text = _("Medlemmer til stede for %(group)s", group=row["letter"])
        entry.alliance.label.text = _("Valggruppe for %(group)s", group=row["letter"])
        entry.form.group_label = f"{row['letter']} · {row['name']}"  # type: ignore[attr-defined]
    return form


def ballot_form(appointment_round: AppointmentRound, view: RoundView) -> BallotForm:
    form = BallotForm(members_present=appointment_round.members_present)
    choices = person_choices(view.ballot_candidates)
    for index, entry in enumerate(form.candidates):
        entry.person_id.choices = choices
        entry.person_id.label.text = _("Kandidat %(number)d", number=index + 1)
        entry.votes.label.text = _("Stemmer til kandidat %(number)d", number=index + 1)
    if not form.is_submitted():
        # Round 2 and 3: the candidates who may stand, as the calculator said.
        for entry, person in zip(form.candidates, view.standing, strict=False):
            entry.person_id.data = person.id
    return form


def lot_form(view: RoundView) -> LotForm:
    form = LotForm()
    form.winner.choices = [NO_CHOICE, *[SelectChoice(key, text) for key, text in view.lot_choices]]
    return form


def name_form(appointment_round: AppointmentRound, view: RoundView) -> NameForm:
    body = appointment_round.body
    starts_on = max(body.term_starts_on, min(today(), body.term_ends_on))
    form = NameForm(starts_on=starts_on, ends_on=body.term_ends_on)
    form.person_id.choices = person_choices(view.nameable_people)
    form.group_id.choices = [
        SelectChoice("", _("Ingen")) if not view.groups_with_seats else NO_CHOICE,
        *[SelectChoice(value, text) for value, text in view.group_choices],
    ]
    if view.groups_with_seats:
        form.group_id.label.text = _("Gruppe eller valggruppe")
        form.group_id.description = _(
            "En valggruppe udpeger selv til de pladser, den har vundet; de fordeles ikke "
            "mellem dens grupper."
        )
    if not form.is_submitted() and view.default_group is not None:
        form.group_id.data = view.default_group
    return form


def active_form(appointment_round: AppointmentRound, view: RoundView) -> Any:
    """The form the round's status calls for, or None once it is published."""
    status = appointment_round.status
    if status is RoundStatus.OPEN:
        if appointment_round.method is AppointmentMethod.PROPORTIONAL:
            return votes_form(appointment_round)
        return ballot_form(appointment_round, view)
    if status is RoundStatus.LOT_NEEDED:
        return lot_form(view)
    if status is RoundStatus.DECIDED and view.open_seats:
        return name_form(appointment_round, view)
    return None


def round_context(appointment_round: AppointmentRound, view: RoundView) -> dict[str, Any]:
    return {
        "council": appointment_round.council,
        "body": appointment_round.body,
        "round": appointment_round,
        "view": view,
        "quotient_text": queries.quotient_text,
    }


def load_round(council: Council, round_id: int) -> tuple[AppointmentRound, RoundView]:
    appointment_round = load(AppointmentRound, council, round_id)
    return appointment_round, round_view(appointment_round, today())


@bp.get(ROUND)
@allow(COUNCIL_STAFF)
def show_round(council: Council, round_id: int):  # noqa: ANN201
    appointment_round, view = load_round(council, round_id)
    return htmx.render(
        "appointments/round.html",
        form=active_form(appointment_round, view),
        **round_context(appointment_round, view),
    )


def round_action(
    appointment_round: AppointmentRound,
    view: RoundView,
    form: Any,
    act: Callable[[], Any],
    success: str,
):  # noqa: ANN201
    return submit(
        "appointments/round.html",
        form,
        act,
        success,
        lambda _result: round_url(appointment_round),
        lambda: round_context(appointment_round, view),
    )


@bp.post(ROUND + "/stemmer")
@allow(COUNCIL_STAFF)
def record_votes(council: Council, round_id: int):  # noqa: ANN201
    """Proportional representation: the groups' members present and the alliances."""
    appointment_round, view = load_round(council, round_id)
    form = votes_form(appointment_round, formdata=request.form)

    def act() -> AppointmentRound:
        lines = [
            (entry.group_id.data, entry.votes.data, entry.alliance.data) for entry in form.groups
        ]
        return operations.record_votes(appointment_round, lines, by=me(), now=utcnow())

    return round_action(appointment_round, view, form, act, _("Fordelingen er beregnet."))


def candidate(person_id: int) -> Person:
    """A candidate as posted: any person the portal knows; the operation checks that they
    are a councillor of the region (rule 3.8)."""
    person = db.session.get(Person, person_id)
    if person is None:
        abort(404)
    return person


@bp.post(ROUND + "/afstemning")
@allow(COUNCIL_STAFF)
def record_ballot(council: Council, round_id: int):  # noqa: ANN201
    """Majority vote: one voting round's ballots."""
    appointment_round, view = load_round(council, round_id)
    form = ballot_form(appointment_round, view)

    def act() -> AppointmentRound:
        votes = {
            entry.person_id.data: entry.votes.data
            for entry in form.candidates
            if entry.person_id.data
        }
        return operations.record_ballot(
            appointment_round,
            form.members_present.data,
            {candidate(person_id): n for person_id, n in votes.items()},
            form.blank.data or 0,
            by=me(),
            now=utcnow(),
        )

    return round_action(appointment_round, view, form, act, _("Afstemningen er registreret."))


@bp.post(ROUND + "/lodtraekning")
@allow(COUNCIL_STAFF)
def record_lot(council: Council, round_id: int):  # noqa: ANN201
    appointment_round, view = load_round(council, round_id)
    form = lot_form(view)
    return round_action(
        appointment_round,
        view,
        form,
        lambda: operations.record_lot(
            appointment_round, form.winner.data, form.drawn_by.data, by=me(), now=utcnow()
        ),
        _("Lodtrækningen er registreret."),
    )


@bp.post(ROUND + "/udpeg")
@allow(COUNCIL_STAFF)
def name_person(council: Council, round_id: int):  # noqa: ANN201
    appointment_round, view = load_round(council, round_id)
    form = name_form(appointment_round, view)

    def act() -> Appointment:
        person = db.session.get(Person, form.person_id.data)
        if person is None:
            raise Refused("person_id", _("Vælg en af mulighederne."))
        chosen = form.group_id.data or ""
        # "v<n>": the round's joint group n (rule 3.8); otherwise a group's id, or none
        joint = int(chosen[1:]) if chosen[:1] == "v" and chosen[1:].isdigit() else None
        group = None
        if joint is None and chosen:
            if not chosen.isdigit():
                raise Refused("group_id", _("Vælg en af mulighederne."))
            group = load_optional(Group, council, int(chosen))
        return operations.name_person(
            appointment_round,
            person,
            group,
            form.starts_on.data,
            form.ends_on.data,
            joint_group=joint,
            by=me(),
            now=utcnow(),
        )

    return round_action(appointment_round, view, form, act, _("Personen er udpeget."))


@bp.post(ROUND + "/udpegede/<int:appointment_id>/fjern")
@allow(COUNCIL_STAFF)
def withdraw_appointment(council: Council, round_id: int, appointment_id: int):  # noqa: ANN201
    appointment_round = load(AppointmentRound, council, round_id)
    appointment = load(Appointment, council, appointment_id)
    if appointment.round_id != appointment_round.id:
        abort(404)
    return post_action(
        lambda: operations.withdraw_appointment(appointment, by=me(), now=utcnow()),
        _("Udpegningen er fjernet."),
        round_url(appointment_round),
    )


@bp.post(ROUND + "/offentliggoer")
@allow(COUNCIL_STAFF)
def publish_round(council: Council, round_id: int):  # noqa: ANN201
    appointment_round = load(AppointmentRound, council, round_id)
    return post_action(
        lambda: operations.publish_round(appointment_round, by=me(), now=utcnow()),
        _("Udpegningerne er offentliggjort, og de udpegede har fået besked."),
        round_url(appointment_round),
    )


@bp.post(ROUND + "/nulstil")
@allow(COUNCIL_STAFF)
def reset_round(council: Council, round_id: int):  # noqa: ANN201
    appointment_round = load(AppointmentRound, council, round_id)
    return post_action(
        lambda: operations.reset_round(appointment_round, by=me(), now=utcnow(), day=today()),
        _("Udpegningen er startet forfra. De registrerede tal er gemt i historikken."),
        round_url(appointment_round),
    )


@bp.route(STAFF + "/<int:body_id>/udpegede/<int:appointment_id>/afslut", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def end_appointment(council: Council, body_id: int, appointment_id: int):  # noqa: ANN201
    """Rule 3.8: a published appointment ends before its term (date, reason)."""
    body = load(RegionalBody, council, body_id)
    appointment = load(Appointment, council, appointment_id)
    if appointment.body_id != body.id:
        abort(404)
    form = EndAppointmentForm(ended_on=min(today(), appointment.ends_on))
    return form_page(
        "appointments/end_appointment.html",
        form,
        lambda: operations.end_appointment(
            appointment,
            form.ended_on.data,
            AppointmentEndReason(form.reason.data),
            by=me(),
            now=utcnow(),
        ),
        _("Udpegningen er afsluttet. Pladsen er ledig fra dagen efter."),
        body_url(body),
        council=council,
        body=body,
        appointment=appointment,
    )


# --- the public appointments page ---------------------------------------------------------


@bp.get("/kkr/<council_slug>/udpegninger")
@allow(COUNCIL_PUBLIC)
def list_public_appointments(council: Council):  # noqa: ANN201
    # A public page like the plan and the agendas: no CSRF token for the anonymous (so no
    # session cookie), and cacheable by a reverse proxy (portal/publication/caching.py).
    page = render_template(
        "appointments/public.html",
        council=council,
        appointments=queries.published_appointments(council, today()),
        former=queries.former_appointments(council, today()),
        public_page=not current_user.is_authenticated,
    )
    return caching.cacheable_by_body(make_response(page))


# The election, composition and constitution screens share this blueprint (rules 1.0–1.4).
from portal.elections import views as _election_views  # noqa: E402,F401
