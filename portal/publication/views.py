"""The public site of published agendas and minutes: pages, PDFs, search, feeds (rule 3.0).

Every public view reads the current `Publication` of a meeting and nothing else (never the live
agenda items), and only through `snapshot.for_public`: a closed item reaches the public as
"Lukket punkt <nr>". A meeting without a current publication of the kind asked for does not
exist for the public (404). Members read the full material as PDF at a signed-in URL guarded
by `policy.can_read_material`.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, request
from flask_login import current_user

from portal import htmx
from portal.agendas.changes import public_change_lines
from portal.agendas.models import Publication, PublicationKind
from portal.agendas.snapshot import build_content, for_public, public_attachment_ids
from portal.attachments.models import Attachment
from portal.attachments.storage import send_attachment
from portal.councils.models import Council
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.policy import COUNCIL_PUBLIC, AccessRule, allow, can_read_material
from portal.publication import caching, feeds, pdf, queries, search
from portal.publication.presentation import document_context

bp = Blueprint("publication", __name__)

# Signed in, with the council taken from the URL; each view then asks policy about the meeting.
COUNCIL_READER = AccessRule(
    "council_reader", needs_sign_in=True, council_check=lambda person, council: True
)


@bp.context_processor
def public_page() -> dict[str, bool]:
    # Anonymous visitors get pages without a CSRF token, hence without a session cookie.
    return {"public_page": not current_user.is_authenticated}


def _document(
    council: Council, meeting_id: int, kind: PublicationKind
) -> queries.PublishedDocument:
    found = queries.published_document(council, meeting_id, kind)
    if found is None:
        abort(404)  # rule 3.0: unpublished material is not there for the public
    return found


def _public_page(council: Council, document: queries.PublishedDocument, template: str):  # noqa: ANN202
    def render() -> Any:
        content = for_public(document.publication.content)
        # A member, staff or called-in substitute signed in gets a link to the full material.
        full_material = not caching.is_anonymous() and can_read_material(
            current_user, document.meeting
        )
        return htmx.render(
            template,
            council=council,
            changes=public_change_lines(document.publication.changes),
            full_material=full_material,
            **document_context(document, content),
        )

    return caching.cacheable(
        render, parts=[council.name, *document.validator()], last_modified=document.last_modified
    )


@bp.get("/kkr/<council_slug>/moeder/<int:meeting_id>/dagsorden")
@allow(COUNCIL_PUBLIC)
def show_agenda(council: Council, meeting_id: int):  # noqa: ANN201
    document = _document(council, meeting_id, PublicationKind.AGENDA)
    return _public_page(council, document, "publication/agenda.html")


@bp.get("/kkr/<council_slug>/moeder/<int:meeting_id>/referat")
@allow(COUNCIL_PUBLIC)
def show_minutes(council: Council, meeting_id: int):  # noqa: ANN201
    document = _document(council, meeting_id, PublicationKind.MINUTES)
    return _public_page(council, document, "publication/minutes.html")


def _public_pdf(council: Council, document: queries.PublishedDocument):  # noqa: ANN202
    publication = document.publication

    def render() -> Any:
        body = pdf.render_content(
            council,
            document.meeting,
            publication.kind,
            for_public(publication.content),
            publication,
            public=True,
        )
        return pdf.pdf_response(body, pdf.file_name(document.meeting, publication.kind))

    return caching.cacheable(
        render,
        parts=["pdf", council.name, *document.validator()],
        last_modified=document.last_modified,
    )


@bp.get("/kkr/<council_slug>/moeder/<int:meeting_id>/dagsorden.pdf")
@allow(COUNCIL_PUBLIC)
def agenda_pdf(council: Council, meeting_id: int):  # noqa: ANN201
    return _public_pdf(council, _document(council, meeting_id, PublicationKind.AGENDA))


@bp.get("/kkr/<council_slug>/moeder/<int:meeting_id>/referat.pdf")
@allow(COUNCIL_PUBLIC)
def minutes_pdf(council: Council, meeting_id: int):  # noqa: ANN201
    return _public_pdf(council, _document(council, meeting_id, PublicationKind.MINUTES))


@bp.get("/kkr/<council_slug>/moeder/<int:meeting_id>/bilag/<int:attachment_id>")
@allow(COUNCIL_PUBLIC)
def download_attachment(council: Council, meeting_id: int, attachment_id: int):  # noqa: ANN201
    """A file of an open item of the current agenda or minutes; any other file is absent."""
    allowed: set[int] = set()
    for content in queries.current_contents(council, meeting_id):
        allowed |= public_attachment_ids(content)
    if attachment_id not in allowed:
        abort(404)  # rule 3.0: closed items' files, drafts and other meetings' files
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.council_id != council.id:
        abort(404)
    return send_attachment(attachment)


@bp.get("/kkr/<council_slug>/dagsordener")
@allow(COUNCIL_PUBLIC)
def list_publications(council: Council):  # noqa: ANN201
    rows = queries.published_meetings(council)
    last_modified = caching.latest(
        *(row.meeting.changed_at for row in rows),
        *(version.published_at for row in rows for version in row.published.values()),
    )
    return caching.cacheable(
        lambda: htmx.render("publication/list.html", council=council, rows=rows),
        parts=[council.name, *(row.validator() for row in rows)],
        last_modified=last_modified,
    )


@bp.get("/kkr/<council_slug>/soeg")
@allow(COUNCIL_PUBLIC)
def search_publications(council: Council):  # noqa: ANN201
    """Active search: a plain GET form; under htmx only the results block is sent."""
    raw = request.args.get("q", "")[: search.MAX_QUERY_LENGTH]
    terms = search.search_terms(raw)
    hits = search.find(council, terms) if terms else []
    response = htmx.render(
        "publication/search.html",
        block="results",
        council=council,
        query=raw.strip(),
        terms=terms,
        hits=hits,
        limit=search.MAX_RESULTS,
        marked=search.marked,
    )
    return caching.cacheable_by_body(response)


@bp.get("/kkr/<council_slug>/dagsordener.atom")
@allow(COUNCIL_PUBLIC)
def atom_feed(council: Council):  # noqa: ANN201
    publications = queries.feed_publications(council)
    parts = [
        "atom",
        council.name,
        *((p.id, p.version, p.meeting.starts_at, p.meeting.cancelled_at) for p in publications),
    ]
    last_modified = caching.latest(*(p.published_at for p in publications))
    return caching.cacheable(
        lambda: feeds.atom_response(council, publications),
        parts=parts,
        last_modified=last_modified,
    )


@bp.get("/kkr/<council_slug>/moedeplan.ics")
@allow(COUNCIL_PUBLIC)
def meeting_plan_ics(council: Council):  # noqa: ANN201
    planned = queries.public_plan(council, feeds.calendar_start())
    last_modified = caching.latest(
        *(row.meeting.changed_at for row in planned),
        *(version.published_at for row in planned for version in row.published.values()),
    )
    return caching.cacheable(
        lambda: feeds.ics_response(council, planned, last_modified),
        parts=["ics", council.name, *(row.validator() for row in planned)],
        last_modified=last_modified,
    )


# --- members: the full material, closed items included (rule 3.0) -------------------------


def _readable_meeting(council: Council, meeting_id: int) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or meeting.council_id != council.id:
        abort(404)
    if not can_read_material(current_user, meeting):
        abort(403)
    return meeting


def _member_pdf(
    council: Council,
    meeting: Meeting,
    kind: PublicationKind,
    content: dict[str, Any],
    publication: Publication | None,
):  # noqa: ANN202
    body = pdf.render_content(council, meeting, kind, content, publication, public=False)
    response = pdf.pdf_response(body, pdf.file_name(meeting, kind, full=True))
    # Closed items are in it: never kept by any cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/kkr/<council_slug>/moeder/<int:meeting_id>/materiale/dagsorden.pdf")
@allow(COUNCIL_READER)
def member_agenda_pdf(council: Council, meeting_id: int):  # noqa: ANN201
    """The agenda as members read it: the current version, or the draft staff shared."""
    meeting = _readable_meeting(council, meeting_id)
    found = queries.published_document(council, meeting.id, PublicationKind.AGENDA)
    if found is not None:
        publication = found.publication
        return _member_pdf(
            council, meeting, PublicationKind.AGENDA, publication.content, publication
        )
    if meeting.agenda_shared_at is None:
        abort(404)
    return _member_pdf(council, meeting, PublicationKind.AGENDA, build_content(meeting), None)


@bp.get("/kkr/<council_slug>/moeder/<int:meeting_id>/materiale/referat.pdf")
@allow(COUNCIL_READER)
def member_minutes_pdf(council: Council, meeting_id: int):  # noqa: ANN201
    meeting = _readable_meeting(council, meeting_id)
    found = queries.published_document(council, meeting.id, PublicationKind.MINUTES)
    if found is None:
        abort(404)
    publication = found.publication
    return _member_pdf(council, meeting, PublicationKind.MINUTES, publication.content, publication)
