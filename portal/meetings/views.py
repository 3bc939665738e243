"""The meeting plan kept by the secretariat (rule 3.1): plan, change, cancel.

Staff only (COUNCIL_STAFF: a member gets 403, the anonymous sign-in). A meeting of another
council is not there (404). Every view: load, authorise (via `allow`), act through one
operation in portal/meetings/operations.py, then 303 (HX-Redirect for htmx) to the plan of the
meeting's year, or the form again with 422 and its messages.
"""

from __future__ import annotations

from flask import Blueprint, abort, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from portal import htmx
from portal.councils.models import Council
from portal.meetings import operations
from portal.meetings.forms import CancelMeetingForm, MeetingForm
from portal.meetings.models import Meeting
from portal.meetings.queries import year_plan
from portal.meetings.wording import when
from portal.policy import COUNCIL_STAFF, allow, today
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow
from portal.views import form_page, load, me

bp = Blueprint("meetings", __name__)

# Years the plan can be shown for: enough for any council's history and plans.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_of(meeting: Meeting) -> int:
    return meeting.starts_at.astimezone(COPENHAGEN).year


def plan_url(council: Council, year: int | None = None) -> str:
    return url_for("meetings.show_plan", council_slug=council.slug, aar=year)


def is_open(meeting: Meeting) -> bool:
    """Staff can still change or cancel it: not cancelled and not begun."""
    return meeting.cancelled_at is None and meeting.starts_at > utcnow()


def outcome(result: operations.PlanChange) -> list[str]:
    """What the change set in motion besides itself, in words for staff."""
    lines = []
    if result.notified:
        lines.append(
            ngettext(
                "%(num)d medlem eller stedfortræder har fået besked.",
                "%(num)d medlemmer og stedfortrædere har fået besked.",
                result.notified,
            )
        )
    if result.withdrawn:
        lines.append(
            ngettext(
                "%(num)d stedfortræder er ikke længere indkaldt (mødet ligger uden for orloven).",
                "%(num)d stedfortrædere er ikke længere indkaldt (mødet ligger uden for orloven).",
                len(result.withdrawn),
            )
        )
    if result.call_ins:
        lines.append(
            ngettext(
                "%(num)d stedfortræder er indkaldt, fordi et medlem har orlov (regel 1.6–1.7).",
                "%(num)d stedfortrædere er indkaldt, fordi medlemmer har orlov (regel 1.6–1.7).",
                len(result.call_ins),
            )
        )
    if result.agenda_items:
        lines.append(
            ngettext(
                "%(num)d punkt om et medlems orlov er foreslået på dagsordenen (regel 1.7).",
                "%(num)d punkter om medlemmers orlov er foreslået på dagsordenen (regel 1.7).",
                len(result.agenda_items),
            )
        )
    return lines


@bp.get("/kkr/<council_slug>/admin/moedeplan")
@allow(COUNCIL_STAFF)
def show_plan(council: Council):  # noqa: ANN201
    year = request.args.get("aar", type=int) or today().year
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    return htmx.render(
        "meetings/plan.html",
        council=council,
        year=year,
        this_year=today().year,
        planned=year_plan(council.id, year),
        is_open=is_open,
        first_year=FIRST_YEAR,
        last_year=LAST_YEAR,
    )


def target_year_url(council: Council, form: MeetingForm) -> str:
    """The plan of the year the meeting is (now) in: the date typed is a Copenhagen date."""
    return plan_url(council, form.day.data.year if form.day.data else None)


@bp.route("/kkr/<council_slug>/admin/moedeplan/nyt", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def plan_meeting(council: Council):  # noqa: ANN201
    form = MeetingForm()

    def planned(result: operations.PlanChange) -> str:
        message = _("Mødet %(when)s er sat i mødeplanen.", when=when(result.meeting))
        return " ".join([message, *outcome(result)])

    return form_page(
        "meetings/meeting_form.html",
        form,
        lambda: operations.plan_meeting(
            council,
            kind=form.kind_value(),
            starts_at=form.starts_at(),
            location=form.location.data,
            by=me(),
            now=utcnow(),
        ),
        planned,
        target_year_url(council, form),
        council=council,
        back_url=plan_url(council),
    )


@bp.route("/kkr/<council_slug>/admin/moedeplan/<int:meeting_id>/ret", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def change_meeting(council: Council, meeting_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    form = MeetingForm() if request.method == "POST" else MeetingForm.for_meeting(meeting)

    def changed(result: operations.PlanChange) -> str:
        if not result.changes:
            return _("Der var ingen ændringer at gemme. Ingen har fået besked.")
        return " ".join([_("Mødet er ændret."), *outcome(result)])

    return form_page(
        "meetings/meeting_form.html",
        form,
        lambda: operations.change_meeting(
            meeting,
            kind=form.kind_value(),
            starts_at=form.starts_at(),
            location=form.location.data,
            by=me(),
            now=utcnow(),
        ),
        changed,
        target_year_url(council, form),
        council=council,
        meeting=meeting,
        is_open=is_open(meeting),
        back_url=plan_url(council, year_of(meeting)),
    )


@bp.route("/kkr/<council_slug>/admin/moedeplan/<int:meeting_id>/aflys", methods=["GET", "POST"])
@allow(COUNCIL_STAFF)
def cancel_meeting(council: Council, meeting_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    form = CancelMeetingForm()

    def cancelled(result: operations.PlanChange) -> str:
        return " ".join(
            [_("Mødet %(when)s er aflyst.", when=when(result.meeting)), *outcome(result)]
        )

    return form_page(
        "meetings/cancel.html",
        form,
        lambda: operations.cancel_meeting(meeting, reason=form.reason.data, by=me(), now=utcnow()),
        cancelled,
        plan_url(council, year_of(meeting)),
        council=council,
        meeting=meeting,
        is_open=is_open(meeting),
        back_url=plan_url(council, year_of(meeting)),
    )
