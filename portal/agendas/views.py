"""Building, sharing and publishing agendas (rules 3.3, 3.6), and reading them as a member.

Builder pages live under `/kkr/<council>/admin/...` (COUNCIL_AGENDA: the secretariat and
the chair; another council's meeting or item is a 404). Readers' pages live under
`/moeder/<id>/...` (SIGNED_IN): whoever may not read the meeting's material (rule 3.0,
`policy.can_read_material`) gets a 404, never a 403 that would confirm the meeting exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
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
from flask_babel import ngettext
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal import htmx, policy
from portal.agendas import operations, queries
from portal.agendas.changes import change_lines, public_change_lines
from portal.agendas.forms import ConfirmForm, ItemForm, PublishForm
from portal.agendas.models import AgendaItem, Publication, PublicationKind
from portal.agendas.snapshot import build_content
from portal.attachments import storage
from portal.attachments.models import Attachment
from portal.councils.models import Council
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.policy import COUNCIL_AGENDA, SIGNED_IN, allow
from portal.proposals.arrival import received_at
from portal.refusal import Refused
from portal.types import utcnow
from portal.views import form_page, load, me

bp = Blueprint("agendas", __name__)

# The secretariat's list of agendas reaches this far back (late corrections, the minutes).
LISTED_SINCE = timedelta(days=365)

# For every template: whether the signed-in person may read a meeting's material (links on
# 'Mit overblik' and the call-in page), and the change lists of "Rettet dagsorden".
bp.add_app_template_global(policy.can_read_material, "can_read_material")
bp.add_app_template_filter(change_lines, "change_lines")
bp.add_app_template_filter(public_change_lines, "public_change_lines")
bp.add_app_template_filter(storage.size_text, "file_size")
# Rule 3.3: the deadlines staff see name the day off they fall on, and how to read them.
bp.add_app_template_filter(operations.day_off_of, "day_off_name")
bp.add_app_template_filter(operations.end_of_day_text, "end_of_day_text")


# --- the secretariat: loading ---------------------------------------------------------------


def load_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = queries.item_of_meeting(meeting, item_id)
    if item is None:
        abort(404)
    return item


def builder_url(meeting: Meeting, anchor: str | None = None) -> str:
    url = url_for("agendas.show_builder", council_slug=meeting.council.slug, meeting_id=meeting.id)
    return f"{url}#{anchor}" if anchor else url


def edit_url(item: AgendaItem) -> str:
    return url_for(
        "agendas.edit_item",
        council_slug=item.meeting.council.slug,
        meeting_id=item.meeting_id,
        item_id=item.id,
    )


def builder_context(council: Council, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    now = utcnow()
    # Compared with the version out there only once there is one (a draft has no changes).
    pending = operations.draft(meeting) if meeting.agenda_published_at else None
    return {
        "council": council,
        "meeting": meeting,
        "items": queries.builder_items(meeting),
        "pending": pending,
        "deadline": operations.deadline_state(meeting, now),
        "closed": operations.agenda_closed(meeting),
        **extra,
    }


# --- the secretariat: the list and the builder ----------------------------------------------


@bp.get("/kkr/<council_slug>/admin/dagsordener")
@allow(COUNCIL_AGENDA)
def list_agendas(council: Council):  # noqa: ANN201
    now = utcnow()
    meetings = queries.council_meetings(council, now - LISTED_SINCE)
    rows = [(m, operations.deadline_state(m, now)) for m in meetings]
    return htmx.render(
        "agendas/list.html",
        council=council,
        upcoming=[row for row in rows if row[0].starts_at >= now],
        earlier=[row for row in reversed(rows) if row[0].starts_at < now],
    )


@bp.get("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/dagsorden")
@allow(COUNCIL_AGENDA)
def show_builder(council: Council, meeting_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    return htmx.render("agendas/builder.html", block="items", **builder_context(council, meeting))


@dataclass
class Conflict:
    """Filled in when a save meets someone else's newer save: the item as it is stored."""

    current: AgendaItem | None = None


def item_success(verb: str) -> Any:
    def message(item: AgendaItem) -> str:
        number = next(
            (row.number for row in queries.builder_items(item.meeting) if row.item.id == item.id),
            None,
        )
        if verb == "added":
            return _(
                "»%(title)s« er tilføjet som punkt %(number)s.", title=item.title, number=number
            )
        return _("Punkt %(number)s »%(title)s« er gemt.", number=number, title=item.title)

    return message


@bp.route(
    "/kkr/<council_slug>/admin/moeder/<int:meeting_id>/dagsorden/punkter/nyt",
    methods=["GET", "POST"],
)
@allow(COUNCIL_AGENDA)
def add_item(council: Council, meeting_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    if request.method == "GET" and operations.agenda_closed(meeting):
        # Rule 3.4: the builder offers no "Tilføj punkt" then; an old link is told why.
        flash(str(operations.AGENDA_CLOSED), "error")
        return redirect(builder_url(meeting), 303)
    form = ItemForm()

    def add() -> AgendaItem:
        return operations.add_item(
            meeting,
            title=form.title.data or "",
            presentation=form.presentation.data or "",
            recommendation=form.recommendation.data or "",
            closed=bool(form.closed.data),
            uploads=form.uploads(),
            by=me(),
            now=utcnow(),
        )

    return form_page(
        "agendas/item_form.html",
        form,
        add,
        item_success("added"),
        builder_url(meeting),
        council=council,
        meeting=meeting,
        item=None,
        conflict=Conflict(),
    )


@bp.route(
    "/kkr/<council_slug>/admin/moeder/<int:meeting_id>/dagsorden/punkter/<int:item_id>",
    methods=["GET", "POST"],
)
@allow(COUNCIL_AGENDA)
def edit_item(council: Council, meeting_id: int, item_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    item = load_item(meeting, item_id)
    form = ItemForm(obj=item) if request.method == "GET" else ItemForm()
    conflict = Conflict()

    def save() -> AgendaItem:
        try:
            return operations.edit_item(
                item,
                version=form.version_value(),
                title=form.title.data or "",
                presentation=form.presentation.data or "",
                recommendation=form.recommendation.data or "",
                closed=bool(form.closed.data),
                uploads=form.uploads(),
                by=me(),
                now=utcnow(),
            )
        except operations.ItemChanged:
            # Show what is stored now beside what they typed; saving again is then a choice
            # made knowing the other change, so the form carries the new version.
            db.session.refresh(item)
            conflict.current = item
            form.version.data = str(item.version)
            raise

    return form_page(
        "agendas/item_form.html",
        form,
        save,
        item_success("edited"),
        builder_url(meeting),
        council=council,
        meeting=meeting,
        item=item,
        attachments=queries.item_attachments(item),
        conflict=conflict,
    )


@bp.post("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/dagsorden/punkter/<int:item_id>/fjern")
@allow(COUNCIL_AGENDA)
def remove_item(council: Council, meeting_id: int, item_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    item = load_item(meeting, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        operations.remove_item(item, by=me(), now=utcnow())
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(edit_url(item), 303)
    flash(_("»%(title)s« er taget af dagsordenen.", title=item.title), "success")
    if htmx.is_htmx():
        return htmx.client_redirect(builder_url(meeting))
    return redirect(builder_url(meeting), 303)


@bp.post(
    "/kkr/<council_slug>/admin/moeder/<int:meeting_id>/dagsorden/punkter/<int:item_id>"
    "/bilag/<int:attachment_id>/fjern"
)
@allow(COUNCIL_AGENDA)
def remove_attachment(council: Council, meeting_id: int, item_id: int, attachment_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    item = load_item(meeting, item_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.agenda_item_id != item.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.remove_attachment(attachment, by=me(), now=utcnow())
    message = _("Bilaget %(name)s er fjernet.", name=attachment.filename)
    if not htmx.is_htmx():
        flash(message, "success")
        return redirect(edit_url(item), 303)
    body = render_block(
        "agendas/item_form.html",
        "attachments",
        council=council,
        meeting=meeting,
        item=item,
        attachments=queries.item_attachments(item),
        message=message,
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


@bp.post("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/dagsorden/raekkefoelge")
@allow(COUNCIL_AGENDA)
def reorder_items(council: Council, meeting_id: int):  # noqa: ANN201
    """Rule 3.6. Without JavaScript a "Flyt op/ned" button posts the whole form and the page
    comes back (303); with htmx the list re-renders in place, the message is read out from
    the status region and the moved item's button keeps the focus. Drag and drop
    (static/js/agenda-sort.js) posts the same form with the dragged order."""
    meeting = load(Meeting, council, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = operations.reorder_items(
            meeting, request.form.getlist("order"), request.form.get("move"), by=me()
        )
    except Refused as refusal:
        db.session.expire_all()
        context = builder_context(council, meeting, error=refusal.message)
        return htmx.render("agendas/builder.html", block="items", status=422, **context)
    if not htmx.is_htmx():
        flash(result.message, "success")
        anchor = f"item-{result.moved.id}" if result.moved else "agenda-items"
        return redirect(builder_url(meeting, anchor), 303)
    focus = (result.moved.id, result.direction) if result.moved else None
    context = builder_context(council, meeting, focus=focus)
    body = render_block("agendas/builder.html", "items", **context) + render_template(
        "agendas/_status.html", message=result.message
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


@bp.get("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/dagsorden/forhaandsvisning")
@allow(COUNCIL_AGENDA)
def preview_agenda(council: Council, meeting_id: int):  # noqa: ANN201
    """The agenda as members will see it when it goes out: built, never saved."""
    meeting = load(Meeting, council, meeting_id)
    return htmx.render(
        "agendas/preview.html", council=council, meeting=meeting, content=build_content(meeting)
    )


@bp.post("/kkr/<council_slug>/admin/moeder/<int:meeting_id>/dagsorden/del")
@allow(COUNCIL_AGENDA)
def share_agenda(council: Council, meeting_id: int):  # noqa: ANN201
    meeting = load(Meeting, council, meeting_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    share = request.form.get("share") == "1"
    try:
        operations.share_draft(meeting, share=share, by=me(), now=utcnow())
    except Refused as refusal:
        flash(refusal.message, "error")
        return redirect(builder_url(meeting), 303)
    if share:
        flash(_("Udkastet er delt: medlemmerne kan læse det i portalen."), "success")
    else:
        flash(_("Udkastet er ikke længere delt med medlemmerne."), "success")
    if htmx.is_htmx():
        return htmx.client_redirect(builder_url(meeting))
    return redirect(builder_url(meeting), 303)


@bp.route(
    "/kkr/<council_slug>/admin/moeder/<int:meeting_id>/dagsorden/udsend", methods=["GET", "POST"]
)
@allow(COUNCIL_AGENDA)
def publish_agenda(council: Council, meeting_id: int):  # noqa: ANN201
    """Rule 3.3: send the agenda out (or a corrected version), with a reason when late."""
    meeting = load(Meeting, council, meeting_id)
    form = PublishForm()
    now = received_at()
    pending = operations.draft(meeting)
    warning = operations.proposal_warning(meeting, now)
    if not form.is_submitted():
        form.acknowledged.data = ",".join(str(i) for i in warning.ids)

    def published(result: operations.Published) -> str:
        publication = result.publication
        if publication.version > 1:
            message = _(
                "Den rettede dagsorden (version %(version)s) er udsendt.",
                version=publication.version,
            )
        else:
            message = _("Dagsordenen er udsendt.")
        return (
            message
            + " "
            + ngettext(
                "%(num)s medlem eller stedfortræder har fået besked.",
                "%(num)s medlemmer og stedfortrædere har fået besked.",
                result.told,
            )
        )

    def publish() -> operations.Published:
        try:
            return operations.publish_agenda(
                meeting,
                by=me(),
                now=now,
                late_reason=form.late_reason.data,
                acknowledged=form.acknowledged_ids(),
            )
        except operations.ProposalsPending as refusal:
            # Ask again about what is pending now; the box is ticked afresh.
            form.acknowledged.data = ",".join(str(i) for i in refusal.warning.ids)
            form.confirm_pending.data = False
            raise

    return form_page(
        "agendas/publish.html",
        form,
        publish,
        published,
        builder_url(meeting),
        council=council,
        meeting=meeting,
        pending=pending,
        late=operations.is_late(meeting, now),
        deadline=operations.deadline_state(meeting, now),
        warning=warning,
        members=len(queries.member_recipients(meeting, policy.today())),
        substitutes=len(queries.standing_call_ins(meeting)),
    )


# --- readers: members, called-in substitutes, staff -----------------------------------------


def load_readable_meeting(meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not policy.can_read_material(current_user, meeting):
        abort(404)
    return meeting


def member_pdf_url(meeting: Meeting) -> str:
    """The full agenda as PDF, closed items included (the publication area builds it)."""
    return url_for(
        "publication.member_agenda_pdf", council_slug=meeting.council.slug, meeting_id=meeting.id
    )


def reader_versions(
    meeting: Meeting, kind: PublicationKind, version: int | None
) -> tuple[list[Publication], Publication | None, Publication | None]:
    """Every published version (newest first), the current one, and the one to show: the
    current one, or `version` when asked (404 when there is no such version)."""
    versions = queries.publications(meeting, kind)
    current = next((p for p in versions if p.current), None)
    if version is None:
        return versions, current, current
    shown = next((p for p in versions if p.version == version), None)
    if shown is None:
        abort(404)
    return versions, current, shown


def reader_context(meeting: Meeting, version: int | None = None) -> dict[str, Any]:
    versions, current, shown = reader_versions(meeting, PublicationKind.AGENDA, version)
    content = shown.content if shown else None
    is_draft = shown is None and meeting.agenda_shared_at is not None
    if is_draft:
        content = build_content(meeting)  # the shared draft: the live items (rule 3.0)
    return {
        "meeting": meeting,
        "pdf_url": member_pdf_url(meeting) if content is not None and version is None else None,
        "publication": shown,
        "current": current,
        "versions": versions,
        "content": content,
        "is_draft": is_draft,
        "is_staff": policy.is_staff(current_user, meeting.council),
    }


@bp.get("/moeder/<int:meeting_id>/dagsorden")
@allow(SIGNED_IN)
def show_agenda(meeting_id: int):  # noqa: ANN201
    meeting = load_readable_meeting(meeting_id)
    return htmx.render("agendas/agenda.html", **reader_context(meeting))


@bp.get("/moeder/<int:meeting_id>/dagsorden/version/<int:version>")
@allow(SIGNED_IN)
def show_agenda_version(meeting_id: int, version: int):  # noqa: ANN201
    meeting = load_readable_meeting(meeting_id)
    return htmx.render("agendas/agenda.html", **reader_context(meeting, version))


def may_download(person: Any, meeting: Meeting, item: AgendaItem, attachment: Attachment) -> bool:
    """Staff: any file of their council's meeting. Others: the files of what they can read,
    a published version (any of them) or the shared draft before publication."""
    if attachment.id in queries.published_attachment_ids(meeting):
        return True
    live = attachment.removed_at is None and item.removed_at is None
    if policy.can_build_agenda(person, meeting.council):
        return live
    shared_draft = meeting.agenda_shared_at is not None and meeting.agenda_published_at is None
    return shared_draft and live


@bp.get("/moeder/<int:meeting_id>/bilag/<int:attachment_id>")
@allow(SIGNED_IN)
def download_attachment(meeting_id: int, attachment_id: int):  # noqa: ANN201
    meeting = load_readable_meeting(meeting_id)
    attachment = db.session.get(Attachment, attachment_id)
    item = (
        db.session.get(AgendaItem, attachment.agenda_item_id)
        if attachment is not None and attachment.agenda_item_id is not None
        else None
    )
    if (
        attachment is None
        or item is None
        or item.meeting_id != meeting.id
        or attachment.council_id != meeting.council_id
        or not may_download(current_user, meeting, item, attachment)
    ):
        abort(404)
    return storage.send_attachment(attachment)
