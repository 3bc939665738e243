"""Writing and publishing the minutes (rules 3.4, 3.7, 3.9), and reading them as a member.

Staff pages live under `/kkr/<council>/admin/moeder/<id>/referat` (COUNCIL_STAFF; another
council's meeting or item is a 404). Each item has its own form: without JavaScript it posts
and the page comes back (303), with htmx only that item's form is swapped. Members read the
published minutes at `/moeder/<id>/referat`; whoever may not read the meeting's material
(`policy.can_read_material`) gets a 404. A substitute who attended loses that access once the
minutes are out (rule 3.0, our reading): their notice points to the public minutes instead.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal import htmx, policy
from portal.absences.queries import meeting_attendance
from portal.agendas.forms import ConfirmForm
from portal.agendas.models import ItemMinutes, PublicationKind
from portal.agendas.views import load_readable_meeting, reader_versions
from portal.councils.models import Council
from portal.meetings.models import Meeting
from portal.minutes import operations as operations
from portal.minutes.forms import ItemMinutesForm
from portal.policy import COUNCIL_STAFF, SIGNED_IN, allow
from portal.refusal import Refused
from portal.types import utcnow
from portal.views import load, me

bp = Blueprint("minutes", __name__)

EDITOR = "minutes/editor.html"


def editor_url(meeting: Meeting, anchor: str | None = None) -> str:
    url = url_for("minutes.show_editor", council_slug=meeting.council.slug, meeting_id=meeting.id)
    return f"{url}#{anchor}" if anchor else url


def publish_context(meeting: Meeting, attendance: Any = None) -> dict[str, Any]:
    pending = operations.draft(meeting, attendance)
    return {
        "pending": pending,
        "problems": operations.publication_problems(meeting, pending, utcnow()),
    }


def editor_context(
    council: Council,
    meeting: Meeting,
    forms: dict[int, ItemMinutesForm] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    attendance = meeting_attendance(meeting)
    rows = operations.editor_rows(meeting)
    stored = {
        row.item.id: ItemMinutesForm.for_item(row.item.id, row.minutes, formdata=False)
        for row in rows
    }
    return {
        "council": council,
        "meeting": meeting,
        "rows": rows,
        "forms": stored | (forms or {}),
        "attendance": operations.attendance_content(attendance),
        "present": operations.present_count(attendance),
        "members": attendance.forecast.members,
        **publish_context(meeting, attendance),
        **extra,
    }


# --- the secretariat ---------------------------------------------------------------------------


@bp.get("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/referat")
@allow(COUNCIL_STAFF)
def show_editor(council: Council, meeting_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    return htmx.render(EDITOR, **editor_context(council, meeting))


@bp.post("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/referat/punkter/<int:item_id>")
@allow(COUNCIL_STAFF)
def save_item_minutes(council: Council, meeting_id: int, item_id: int):  # noqa: ANN201
    """Save one item's decision and vote. Invalid input, a refused rule or someone else's
    newer save: 422 with the item's form as typed and its messages (only that form for htmx,
    the whole page otherwise)."""
    meeting = load(Meeting, council, meeting_id)
    row = operations.row_of(meeting, item_id)
    if row is None:
        abort(404)
    form = ItemMinutesForm.for_item(item_id, row.minutes, formdata=True)
    conflict: ItemMinutes | None = None
    if form.validate_on_submit():
        try:
            operations.save_item_minutes(
                row.item,
                version=form.version_value(),
                decision=form.decision.data or "",
                votes_for=form.votes_for.data,
                votes_against=form.votes_against.data,
                votes_abstaining=form.votes_abstaining.data,
                chair_vote=form.chair_vote_value(),
                # Rule 3.9: those there for this item, late arrivals and early leavers counted.
                present=meeting_attendance(meeting).present_at(row.number),
                by=me(),
                now=utcnow(),
            )
        except operations.MinutesChanged as refusal:
            # Show what is stored now beside what they typed; saving again is then a choice
            # made knowing the other change, so the form carries the stored version.
            row = operations.row_of(meeting, item_id)
            if row is None:
                abort(404)
            conflict = row.minutes
            form.version.data = str(conflict.version) if conflict else ""
            form.form_errors.append(refusal.message)
        except Refused as refusal:
            field = getattr(form, refusal.field, None) if refusal.field else None
            if field is None:
                form.form_errors.append(refusal.message)
            else:
                field.errors.append(refusal.message)
        else:
            return saved(council, meeting, item_id)
    return item_answer(council, meeting, row, form, status=422, conflict=conflict)


def saved(council: Council, meeting: Meeting, item_id: int):  # noqa: ANN201
    row = operations.row_of(meeting, item_id)
    assert row is not None
    message = _("Referatet af punkt %(number)s er gemt.", number=row.number)
    if not htmx.is_htmx():
        flash(message, "success")
        return redirect(editor_url(meeting, f"punkt-{item_id}"), 303)
    form = ItemMinutesForm.for_item(item_id, row.minutes, formdata=False)
    # The item's form, the message read out from the page's live region and the publishing
    # section (what is ready to go out has changed), the last two out-of-band.
    return item_answer(council, meeting, row, form, message=message)


def item_answer(
    council: Council,
    meeting: Meeting,
    row: operations.MinutesRow,
    form: ItemMinutesForm,
    *,
    status: int = 200,
    conflict: ItemMinutes | None = None,
    message: str | None = None,
):  # noqa: ANN201
    # Only the item saved shows what someone else stored beside what was typed.
    conflicted = {"conflict": conflict, "conflict_item": row.item.id if conflict else None}
    if not htmx.is_htmx():
        context = editor_context(council, meeting, {row.item.id: form}, **conflicted)
        return htmx.render(EDITOR, status=status, **context)
    context = {
        "council": council,
        "meeting": meeting,
        "row": row,
        "forms": {row.item.id: form},
        **conflicted,
    }
    body = render_block(EDITOR, "item", **context)
    if message:
        body += render_template("minutes/_status.html", message=message)
        body += render_block(
            EDITOR,
            "publish",
            council=council,
            meeting=meeting,
            oob=True,
            **publish_context(meeting),
        )
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


@bp.post("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/referat/offentliggoer")
@allow(COUNCIL_STAFF)
def publish_minutes(council: Council, meeting_id: int):  # noqa: ANN201
    """Rule 3.4: publish the minutes (or a corrected version) and tell the readers."""
    meeting = load(Meeting, council, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = operations.publish_minutes(meeting, by=me(), now=utcnow())
    except Refused as refusal:
        context = editor_context(council, meeting, publish_error=refusal.message)
        return htmx.render(EDITOR, status=422, **context)
    publication = result.publication
    if publication.version > 1:
        message = _(
            "Det rettede referat (version %(version)s) er offentliggjort.",
            version=publication.version,
        )
    else:
        message = _("Referatet er offentliggjort.")
    message += " " + ngettext(
        "%(num)s medlem eller stedfortræder har fået besked.",
        "%(num)s medlemmer og stedfortrædere har fået besked.",
        result.told,
    )
    flash(message, "success")
    if htmx.is_htmx():
        return htmx.client_redirect(editor_url(meeting))
    return redirect(editor_url(meeting), 303)


# --- readers: members and staff ------------------------------------------------------------


def reader_context(meeting: Meeting, version: int | None = None) -> dict[str, Any]:
    versions, current, shown = reader_versions(meeting, PublicationKind.MINUTES, version)
    return {
        "meeting": meeting,
        "publication": shown,
        "current": current,
        "versions": versions,
        "content": shown.content if shown else None,
        "is_staff": policy.is_staff(current_user, meeting.council),
    }


@bp.get("/moeder/<int:meeting_id>/referat")
@allow(SIGNED_IN)
def show_minutes(meeting_id: int):  # noqa: ANN201
    meeting = load_readable_meeting(meeting_id)
    return htmx.render("minutes/minutes.html", **reader_context(meeting))


@bp.get("/moeder/<int:meeting_id>/referat/version/<int:version>")
@allow(SIGNED_IN)
def show_minutes_version(meeting_id: int, version: int):  # noqa: ANN201
    meeting = load_readable_meeting(meeting_id)
    return htmx.render("minutes/minutes.html", **reader_context(meeting, version))
