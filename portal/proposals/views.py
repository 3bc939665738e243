"""Members' proposals for the agenda and the secretariat's triage (rule 3.2).

A member proposes for an ordinary meeting from 'Mit overblik', saves a draft and submits it
before the deadline; they follow it, and edit or withdraw it until staff begin or the deadline
passes. Staff (and the chair) see what was received per meeting, begin handling, and place
each proposal on the agenda or return it with a written reason.

Every view: load (someone else's proposal, another council's: 404), authorise (policy, via
`allow`), act through one operation, then redirect 303 (HX-Redirect for htmx) or show the
form again with its messages (422).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal import htmx
from portal.attachments.storage import send_attachment, size_text
from portal.audit.models import AuditEntry
from portal.councils.models import Council
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.policy import COUNCIL_PROPOSALS, SIGNED_IN, allow, can_manage_council
from portal.proposals import arrival, operations, queries
from portal.proposals.arrival import received_at
from portal.proposals.forms import (
    BODY_MAX,
    JUSTIFICATION_MAX,
    SUBMIT,
    TITLE_MAX,
    ConfirmForm,
    DecisionForm,
    MoveForm,
    ProposalForm,
)
from portal.proposals.forms import ReturnForm as ReturnDecisionForm
from portal.proposals.models import Proposal, ProposalStatus
from portal.proposals.operations import LateProposal, ProposalText
from portal.refusal import Refused
from portal.templating import local_datetime, long_date
from portal.types import row_id
from portal.views import me

bp = Blueprint("proposals", __name__)
bp.add_app_template_filter(size_text, "attachment_size")
# Rule 3.2: a deadline is judged on the moment the request arrived, taken before anything else.
bp.record_once(lambda state: arrival.register(state.app))

# The secretariat's list reaches back this far (proposals of meetings just held).
RECEIVED_LISTED_SINCE = timedelta(days=60)

# The fields the proposal form validates one at a time (htmx, on change).
VALIDATED_FIELDS = ("meeting_id", "title", "body", "justification")
LIMITS = {"title": TITLE_MAX, "body": BODY_MAX, "justification": JUSTIFICATION_MAX}

HISTORY_LABELS = {
    "proposal_created": lambda: _("Oprettet som kladde"),
    "proposal_edited": lambda: _("Rettet"),
    "proposal_attachment_added": lambda: _("Bilag tilføjet"),
    "proposal_attachment_removed": lambda: _("Bilag fjernet"),
    "proposal_submitted": lambda: _("Indsendt"),
    "proposal_moved": lambda: _("Flyttet til et senere møde"),
    "proposal_withdrawn": lambda: _("Trukket tilbage"),
    "proposal_review_started": lambda: _("Sekretariatet begyndte behandlingen"),
    "proposal_placed": lambda: _("Sat på dagsordenen"),
    "proposal_returned": lambda: _("Returneret"),
}


def optional_url(endpoint: str, **values: Any) -> str | None:
    """A link into another area, if that area serves it (the agenda pages are another's)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def history_line(entry: AuditEntry) -> str:
    label = HISTORY_LABELS.get(entry.action)
    text = label() if label else entry.action
    if entry.action in {"proposal_attachment_added", "proposal_attachment_removed"}:
        data = entry.after or entry.before or {}
        text += ": " + str(data.get("filename", ""))
    return text


def common_context(proposal: Proposal, now: datetime) -> dict[str, Any]:
    """What both the member's and the secretariat's page of a proposal show."""
    return {
        "proposal": proposal,
        "meeting": proposal.meeting,
        "deadline": operations.deadline_of(proposal.meeting),
        "attachments": queries.attachments_of(proposal),
        "history": queries.history(proposal),
        "history_line": history_line,
        "now": now,
        # Rule 3.2: who returned it, chair or secretariat, by name.
        "returned_by": (
            operations.returned_by_text(proposal)
            if proposal.status is ProposalStatus.RETURNED
            else None
        ),
    }


# --- the member's proposal form ---------------------------------------------------------------


def meeting_label(meeting: Meeting, now: datetime, with_council: bool) -> str:
    text = local_datetime(meeting.starts_at)
    if with_council:
        text = f"{meeting.council.name}: {text}"
    if operations.takes_proposals(meeting, now):
        return text + " " + _("(frist for forslag %(deadline)s)", deadline=deadline_short(meeting))
    return text + " " + _("(fristen for forslag er udløbet)")


def deadline_short(meeting: Meeting) -> str:
    return long_date(operations.deadline_of(meeting))


def build_form(now: datetime, proposal: Proposal | None = None) -> tuple[ProposalForm, dict]:
    """The proposal form with the meetings the member may choose from; also the meetings by
    id, for the deadline shown beside the choice."""
    form = ProposalForm(obj=proposal)
    meetings = queries.meetings_to_propose_for(me(), now)
    with_council = len({m.council_id for m in meetings}) > 1
    form.meeting_id.choices = [(m.id, meeting_label(m, now, with_council)) for m in meetings]
    if proposal is not None:
        form.remove_attachments.choices = [
            (a.id, a.filename) for a in queries.attachments_of(proposal)
        ]
    return form, {m.id: m for m in meetings}


def form_context(
    form: ProposalForm, meetings: dict[int, Meeting], now: datetime, **extra: Any
) -> dict[str, Any]:
    chosen = meetings.get(form.meeting_id.data) if form.meeting_id.data else None
    return {
        "form": form,
        "meetings": meetings,
        "chosen": chosen,
        "chosen_deadline": operations.deadline_of(chosen) if chosen else None,
        "chosen_open": bool(chosen and operations.takes_proposals(chosen, now)),
        "limits": LIMITS,
        "hints": {
            "body": _("Beskriv, hvad du foreslår, at rådet drøfter eller beslutter."),
            "justification": _(
                "Skal udfyldes. Rådet behandler emner, der går på tværs af kommunerne eller "
                "angår hele regionen (regel 3.2)."
            ),
        },
        **extra,
    }


def default_meeting(meetings: dict[int, Meeting], now: datetime) -> int | None:
    """The meeting asked for (?moede=), else the first that still takes proposals."""
    asked = row_id(request.args.get("moede"))
    if asked in meetings:
        return asked
    return next((m.id for m in meetings.values() if operations.takes_proposals(m, now)), None)


def text_of(form: ProposalForm) -> ProposalText:
    return ProposalText.as_typed(form.title.data, form.body.data, form.justification.data)


def save_proposal_form(
    template: str,
    form: ProposalForm,
    save: Callable[[], Proposal],
    context: dict[str, Any],
):  # noqa: ANN201
    """A valid POST saves (the operation), and with the "submit" button also submits. A late
    submission keeps the saved draft and shows it with the offer of the next meeting (303);
    any other refusal shows the form again, as typed, with nothing stored (422)."""
    if form.validate_on_submit():
        submitting = request.form.get("action") == SUBMIT
        proposal: Proposal | None = None
        try:
            proposal = save()
            if submitting:
                operations.submit_proposal(proposal, by=me(), now=received_at())
        except LateProposal as late:
            # The draft is saved (this request commits); the refusal is shown with the offer.
            assert proposal is not None
            flash(late.message, "error")
            return to(url_for(".show_proposal", proposal_id=proposal.id))
        except Refused as refusal:
            field = getattr(form, refusal.field, None) if refusal.field else None
            if field is None:
                form.form_errors.append(refusal.message)
            else:
                field.errors.append(refusal.message)
        else:
            assert proposal is not None
            if submitting:  # also the second of a double click: submitted once, one receipt
                message = _(
                    "Dit forslag er indsendt. Du har fået en kvittering i Beskeder med teksten, "
                    "som du indsendte den."
                )
            elif proposal.status is ProposalStatus.SUBMITTED:
                message = _(
                    "Dine rettelser er gemt. Du har fået en ny kvittering i Beskeder med "
                    "forslaget, som det står nu."
                )
            else:
                message = _("Dit forslag er gemt som kladde. Det er ikke indsendt endnu.")
            flash(message, "success")
            return to(url_for(".show_proposal", proposal_id=proposal.id))
    if form.is_submitted():
        if form.uploads() or form.attachments.errors:
            form.attachments.errors.append(
                _("Vælg filerne igen: en browser sender dem ikke med en gang til.")
            )
        return htmx.render(template, block="form", status=422, **context)
    return htmx.render(template, **context)


def to(url: str):  # noqa: ANN201
    """Redirect after a POST: 303, or for htmx a full page load of `url`."""
    if htmx.is_htmx():
        return htmx.client_redirect(url)
    return redirect(url, 303)


@bp.get("/forslag")
@allow(SIGNED_IN)
def list_own_proposals():  # noqa: ANN201
    now = received_at()
    meetings = queries.meetings_to_propose_for(me(), now)
    return htmx.render(
        "proposals/mine.html",
        proposals=queries.own_proposals(me()),
        open_meetings=[m for m in meetings if operations.takes_proposals(m, now)],
        may_propose=bool(queries.member_council_ids(me(), now)),
        member_may_change=operations.member_may_change,
        now=now,
    )


@bp.route("/forslag/nyt", methods=["GET", "POST"])
@allow(SIGNED_IN)
def new_proposal():  # noqa: ANN201
    now = received_at()
    form, meetings = build_form(now)
    if not form.is_submitted():
        form.form_token.data = secrets.token_urlsafe(24)
        form.meeting_id.data = default_meeting(meetings, now)
    asked = row_id(request.args.get("moede"))
    refused_meeting = None
    if asked and asked not in meetings:
        # An extraordinary, constituting, cancelled or past meeting (or none of theirs).
        refused_meeting = db.session.get(Meeting, asked)
        if refused_meeting is not None and refused_meeting.council_id not in {
            m.council_id for m in meetings.values()
        }:
            refused_meeting = None

    def save() -> Proposal:
        meeting = meetings[form.meeting_id.data]
        return operations.create_proposal(
            meeting,
            by=me(),
            form_token=form.form_token.data or "",
            text=text_of(form),
            uploads=form.uploads(),
            now=received_at(),
        )

    context = form_context(
        form, meetings, now, proposal=None, refused_meeting=refused_meeting, editing=False
    )
    return save_proposal_form("proposals/form.html", form, save, context)


def load_own(proposal_id: int) -> Proposal:
    proposal = queries.own_proposal(me(), proposal_id)
    if proposal is None:
        abort(404)
    return proposal


@bp.route("/forslag/<int:proposal_id>/ret", methods=["GET", "POST"])
@allow(SIGNED_IN)
def edit_proposal(proposal_id: int):  # noqa: ANN201
    proposal = load_own(proposal_id)
    now = received_at()
    if not operations.member_may_change(proposal, now):
        flash(_("Forslaget kan ikke længere rettes."), "error")
        return to(url_for(".show_proposal", proposal_id=proposal.id))
    form, meetings = build_form(now, proposal)

    def save() -> Proposal:
        return operations.update_proposal(
            proposal,
            by=me(),
            meeting=meetings[form.meeting_id.data],
            text=text_of(form),
            uploads=form.uploads(),
            remove_attachment_ids=list(form.remove_attachments.data or []),
            now=received_at(),
        )

    context = form_context(form, meetings, now, proposal=proposal, editing=True)
    return save_proposal_form("proposals/form.html", form, save, context)


@bp.post("/forslag/valider")
@allow(SIGNED_IN)
def validate_proposal_field():  # noqa: ANN201
    """Inline validation (htmx, on change): the one field's block with its message."""
    name = request.args.get("felt", "")
    if name not in VALIDATED_FIELDS:
        abort(404)
    now = received_at()
    form, meetings = build_form(now)
    form.validate()
    field = form[name]
    errors = list(field.errors)
    if name in {"body", "justification"} and not (field.data or "").strip():
        errors.append(_("Skal udfyldes, før forslaget kan indsendes."))
    field.errors = errors
    context = form_context(form, meetings, now)
    response = make_response(render_template("proposals/_field.html", name=name, **context))
    response.vary.add("HX-Request")
    return response


# --- the member's proposal page -----------------------------------------------------------------


def member_context(proposal: Proposal, now: datetime, **extra: Any) -> dict[str, Any]:
    late = proposal.status is ProposalStatus.DRAFT and not operations.takes_proposals(
        proposal.meeting, now
    )
    offer = operations.next_open_meeting(proposal.council_id, now) if late else None
    context = {
        **common_context(proposal, now),
        "may_change": operations.member_may_change(proposal, now),
        "late": late,
        "offer": offer,
        "offer_deadline": operations.deadline_of(offer) if offer else None,
        "agenda_url": optional_url("agendas.show_agenda", meeting_id=proposal.meeting_id),
        "own_attachment_url": lambda attachment: url_for(
            ".download_own_attachment", proposal_id=proposal.id, attachment_id=attachment.id
        ),
        "form": ConfirmForm(),
    }
    context.update(extra)
    return context


@bp.get("/forslag/<int:proposal_id>")
@allow(SIGNED_IN)
def show_proposal(proposal_id: int):  # noqa: ANN201
    proposal = load_own(proposal_id)
    return htmx.render("proposals/proposal.html", **member_context(proposal, received_at()))


def member_action(
    proposal: Proposal, form: Any, act: Callable[[], str], template: str = "proposals/proposal.html"
):  # noqa: ANN201
    """A button on the member's page: 303 back with a message, or 422 with the refusal."""
    if form.validate_on_submit():
        try:
            message = act()
        except Refused as refusal:
            form.form_errors.append(refusal.message)
        else:
            flash(message, "success")
            return to(url_for(".show_proposal", proposal_id=proposal.id))
    context = member_context(proposal, received_at(), form=form)
    return htmx.render(template, block="form", status=422, **context)


@bp.post("/forslag/<int:proposal_id>/indsend")
@allow(SIGNED_IN)
def submit_proposal(proposal_id: int):  # noqa: ANN201
    proposal = load_own(proposal_id)

    def submit() -> str:
        if operations.submit_proposal(proposal, by=me(), now=received_at()):
            return _(
                "Dit forslag er indsendt. Du har fået en kvittering i Beskeder med teksten, "
                "som du indsendte den."
            )
        return _("Forslaget er allerede indsendt.")

    return member_action(proposal, ConfirmForm(), submit)


@bp.post("/forslag/<int:proposal_id>/flyt")
@allow(SIGNED_IN)
def move_proposal(proposal_id: int):  # noqa: ANN201
    """The one click a late proposal is offered: submit it to the next ordinary meeting."""
    proposal = load_own(proposal_id)
    form = MoveForm()

    def move() -> str:
        meeting = db.session.get(Meeting, form.meeting_id.data)
        if meeting is None or meeting.council_id != proposal.council_id:
            abort(404)
        operations.move_and_submit(proposal, meeting, by=me(), now=received_at())
        return _(
            "Dit forslag er indsendt til mødet %(when)s. Du har fået en kvittering i Beskeder.",
            when=local_datetime(meeting.starts_at),
        )

    return member_action(proposal, form, move)


@bp.route("/forslag/<int:proposal_id>/traek-tilbage", methods=["GET", "POST"])
@allow(SIGNED_IN)
def withdraw_proposal(proposal_id: int):  # noqa: ANN201
    """Ask first (GET), then withdraw (POST): it cannot be undone."""
    proposal = load_own(proposal_id)
    form = ConfirmForm()
    if request.method == "GET":
        return htmx.render("proposals/withdraw.html", **member_context(proposal, received_at()))

    def withdraw() -> str:
        if operations.withdraw_proposal(proposal, by=me(), now=received_at()):
            return _("Dit forslag er trukket tilbage.")
        return _("Forslaget var allerede trukket tilbage.")

    return member_action(proposal, form, withdraw, "proposals/withdraw.html")


@bp.get("/forslag/<int:proposal_id>/bilag/<int:attachment_id>")
@allow(SIGNED_IN)
def download_own_attachment(proposal_id: int, attachment_id: int):  # noqa: ANN201
    proposal = load_own(proposal_id)
    attachment = queries.attachment_of(proposal, attachment_id)
    if attachment is None:
        abort(404)
    return send_attachment(attachment)


# --- the secretariat and the chair --------------------------------------------------------------


def load_received(council: Council, proposal_id: int) -> Proposal:
    proposal = queries.received_proposal(council, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


@bp.get("/kkr/<council_slug>/admin/forslag")
@allow(COUNCIL_PROPOSALS)
def list_received_proposals(council: Council):  # noqa: ANN201
    now = received_at()
    return htmx.render(
        "proposals/triage.html",
        council=council,
        groups=queries.triage(council, since=now - RECEIVED_LISTED_SINCE),
        single_meeting=None,
        is_staff=can_manage_council(current_user, council),
    )


@bp.get("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/forslag")
@allow(COUNCIL_PROPOSALS)
def list_meeting_proposals(council: Council, meeting_id: int):  # noqa: ANN201
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.council_id != council.id:
        abort(404)
    return htmx.render(
        "proposals/triage.html",
        council=council,
        groups=queries.triage(council, meeting=meeting),
        single_meeting=meeting,
        is_staff=can_manage_council(current_user, council),
    )


def staff_context(council: Council, proposal: Proposal, **forms: Any) -> dict[str, Any]:
    version = proposal.version
    return {
        **common_context(proposal, received_at()),
        "council": council,
        "is_staff": can_manage_council(current_user, council),
        "awaiting": proposal.status in operations.AWAITING_DECISION,
        "attachment_url": lambda attachment: url_for(
            ".download_received_attachment",
            council_slug=council.slug,
            proposal_id=proposal.id,
            attachment_id=attachment.id,
        ),
        "builder_url": optional_url(
            "agendas.show_builder", council_slug=council.slug, meeting_id=proposal.meeting_id
        ),
        "begin_form": forms.get("begin_form") or DecisionForm(formdata=None, version=version),
        "place_form": forms.get("place_form") or DecisionForm(formdata=None, version=version),
        "return_form": forms.get("return_form")
        or ReturnDecisionForm(formdata=None, version=version),
        "changed": None,
    }


def staff_page(council: Council, proposal: Proposal) -> str:
    return url_for(".show_received_proposal", council_slug=council.slug, proposal_id=proposal.id)


@bp.get("/kkr/<council_slug>/admin/forslag/<int:proposal_id>")
@allow(COUNCIL_PROPOSALS)
def show_received_proposal(council: Council, proposal_id: int):  # noqa: ANN201
    proposal = load_received(council, proposal_id)
    return htmx.render("proposals/staff_proposal.html", **staff_context(council, proposal))


def staff_action(
    council: Council,
    proposal: Proposal,
    form: DecisionForm,
    form_name: str,
    act: Callable[[], str],
):  # noqa: ANN201
    """A decision on the staff page: 303 back with a message; a refusal (someone else acted
    first, a missing reason) re-renders the decision panel with it, 422."""
    if form.validate_on_submit():
        try:
            message = act()
        except Refused as refusal:
            field = getattr(form, refusal.field, None) if refusal.field else None
            if field is None:
                form.form_errors.append(refusal.message)
            else:
                field.errors.append(refusal.message)
            if isinstance(refusal, operations.ProposalChanged):
                # Show the proposal as it now stands, with fresh forms (the current version).
                db.session.expire_all()
                context = staff_context(council, proposal)
                context["changed"] = refusal.message
                return htmx.render(
                    "proposals/staff_proposal.html", block="form", status=422, **context
                )
        else:
            flash(message, "success")
            return to(staff_page(council, proposal))
    context = staff_context(council, proposal, **{form_name: form})
    return htmx.render("proposals/staff_proposal.html", block="form", status=422, **context)


@bp.post("/kkr/<council_slug>/admin/forslag/<int:proposal_id>/behandl")
@allow(COUNCIL_PROPOSALS)
def begin_handling(council: Council, proposal_id: int):  # noqa: ANN201
    proposal = load_received(council, proposal_id)
    form = DecisionForm()

    def begin() -> str:
        operations.begin_handling(proposal, version=form.version.data, by=me(), now=received_at())
        return _("Behandlingen er begyndt. Forslagsstilleren kan ikke længere rette forslaget.")

    return staff_action(council, proposal, form, "begin_form", begin)


@bp.post("/kkr/<council_slug>/admin/forslag/<int:proposal_id>/placer")
@allow(COUNCIL_PROPOSALS)
def place_proposal(council: Council, proposal_id: int):  # noqa: ANN201
    proposal = load_received(council, proposal_id)
    form = DecisionForm()

    def place() -> str:
        asked_for = proposal.meeting_id
        item = operations.place_on_agenda(
            proposal, version=form.version.data, by=me(), now=received_at()
        )
        if item.meeting_id != asked_for:
            # Its meeting was cancelled, or held with its minutes out (rule 3.4).
            return _(
                "Forslaget er sat på dagsordenen for mødet %(when)s som sidste punkt. "
                "%(name)s har fået besked.",
                when=local_datetime(item.meeting.starts_at),
                name=proposal.proposer.name,
            )
        return _(
            "Forslaget er sat på dagsordenen som sidste punkt. %(name)s har fået besked.",
            name=proposal.proposer.name,
        )

    return staff_action(council, proposal, form, "place_form", place)


@bp.post("/kkr/<council_slug>/admin/forslag/<int:proposal_id>/returner")
@allow(COUNCIL_PROPOSALS)
def return_proposal(council: Council, proposal_id: int):  # noqa: ANN201
    proposal = load_received(council, proposal_id)
    form = ReturnDecisionForm()

    def give_back() -> str:
        operations.return_proposal(
            proposal,
            version=form.version.data,
            reason=form.reason.data or "",
            not_regional=bool(form.not_regional.data),
            by=me(),
            now=received_at(),
        )
        return _(
            "Forslaget er returneret med begrundelsen. %(name)s har fået besked.",
            name=proposal.proposer.name,
        )

    return staff_action(council, proposal, form, "return_form", give_back)


@bp.get("/kkr/<council_slug>/admin/forslag/<int:proposal_id>/bilag/<int:attachment_id>")
@allow(COUNCIL_PROPOSALS)
def download_received_attachment(council: Council, proposal_id: int, attachment_id: int):  # noqa: ANN201
    proposal = load_received(council, proposal_id)
    attachment = queries.attachment_of(proposal, attachment_id)
    if attachment is None:
        abort(404)
    return send_attachment(attachment)
