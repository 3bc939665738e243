"""The in-portal side of notices: the inbox ("Beskeder") with its unread count in the header,
each person's e-mail choices and private calendar feed, and the secretariat's view of e-mails
that could not be delivered.

Every view: load (another person's notice, another council's e-mail: 404), authorise (policy,
via `allow`), act through one operation, then redirect 303 or, for htmx, answer the fragment
with the header's unread count out-of-band.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal import htmx
from portal.auth.views import safe_next
from portal.councils.models import Council
from portal.councils.queries import in_council
from portal.notifications import operations, queries
from portal.notifications.calendar import personal_calendar
from portal.notifications.forms import email_choices_form
from portal.notifications.models import Notice
from portal.policy import COUNCIL_STAFF, PUBLIC, SIGNED_IN, allow, council_roles
from portal.types import row_id, utcnow
from portal.views import form_page

bp = Blueprint("notifications", __name__)

# The session key holding a new calendar token until the settings page has shown it once.
NEW_FEED_TOKEN_KEY = "new_calendar_feed_token"  # noqa: S105 - a session key, not a secret
# The feed starts a month back: last month's meetings stay in the calendar for reference.
FEED_HISTORY = timedelta(days=30)


@bp.app_template_global()
def unread_notice_count() -> int:
    """The signed-in person's unread notices, counted once per request (one COUNT query)."""
    if not current_user.is_authenticated:
        return 0
    if "unread_notice_count" not in g:
        g.unread_notice_count = queries.unread_count(current_user.id)
    return g.unread_notice_count


def load_notice(notice_id: int) -> Notice:
    notice = queries.notice_of(current_user, notice_id)
    if notice is None:
        abort(404)  # another person's notice is not there for you: never a 403 that confirms it
    return notice


def inbox_url(page: int = 1) -> str:
    return url_for(".show_inbox", side=page) if page > 1 else url_for(".show_inbox")


def posted_page() -> int:
    return row_id(request.form.get("side")) or 1


def with_unread_count(fragment: str, status: str) -> Response:
    """An htmx answer: `fragment`, then the header's unread count and a status message for
    screen readers, both out-of-band."""
    body = (
        fragment
        + render_template("notifications/_unread_count.html", oob=True)
        + render_template("notifications/_status.html", message=status)
    )
    response = make_response(body)
    response.vary.add("HX-Request")
    return response


# --- the inbox ----------------------------------------------------------------------------


@bp.get("/beskeder")
@allow(SIGNED_IN)
def show_inbox():  # noqa: ANN201
    page = queries.inbox(current_user, row_id(request.args.get("side")) or 1)
    return htmx.render("notifications/inbox.html", block="notice_list", inbox=page)


@bp.get("/beskeder/antal")
@allow(SIGNED_IN)
def show_unread_count():  # noqa: ANN201
    """The header's count alone: what its `hx-trigger="every 60s"` poll swaps in."""
    return render_template("notifications/_unread_count.html")


@bp.get("/beskeder/<int:notice_id>")
@allow(SIGNED_IN)
def open_notice(notice_id: int):  # noqa: ANN201
    """Follow a notice to what it is about; reading it there marks it read."""
    notice = load_notice(notice_id)
    operations.mark_read(notice)
    # Only a path inside the portal: a notice's link is never a way off the site.
    return redirect(safe_next(notice.link) or url_for(".show_inbox"), 303)


@bp.post("/beskeder/<int:notice_id>/laest")
@allow(SIGNED_IN)
def mark_notice_read(notice_id: int):  # noqa: ANN201
    notice = load_notice(notice_id)
    operations.mark_read(notice)
    if htmx.is_htmx():
        row = render_block(
            "notifications/inbox.html",
            "notice_row",
            notice=notice,
            page_number=posted_page(),
            focus_notice_id=notice.id,  # the row's button is gone: focus its "Åbn" link
        )
        return with_unread_count(row, _("Beskeden er markeret som læst."))
    flash(_("Beskeden er markeret som læst."), "success")
    return redirect(inbox_url(posted_page()), 303)


@bp.post("/beskeder/laest")
@allow(SIGNED_IN)
def mark_all_notices_read():  # noqa: ANN201
    operations.mark_all_read(current_user)
    page = posted_page()
    if htmx.is_htmx():
        notice_list = render_block(
            "notifications/inbox.html",
            "notice_list",
            inbox=queries.inbox(current_user, page),
            focus_first=True,
        )
        return with_unread_count(notice_list, _("Alle beskeder er markeret som læst."))
    flash(_("Alle beskeder er markeret som læst."), "success")
    return redirect(inbox_url(page), 303)


# --- e-mail choices and the calendar feed -------------------------------------------------


@bp.route("/beskeder/indstillinger", methods=["GET", "POST"])
@allow(SIGNED_IN)
def edit_settings():  # noqa: ANN201
    form = email_choices_form(queries.email_choices(current_user))
    new_token = session.pop(NEW_FEED_TOKEN_KEY, None) if request.method == "GET" else None
    return form_page(
        "notifications/settings.html",
        form,
        lambda: operations.save_email_choices(current_user, form.choices()),
        _("Dine valg er gemt."),
        url_for(".edit_settings"),
        feed=queries.active_calendar_feed(current_user),
        new_feed_url=feed_url(new_token) if new_token else None,
    )


def feed_url(token: str) -> str:
    """The address a calendar subscribes to: absolute, on the portal's public base URL."""
    path = url_for("notifications.calendar_feed", token=token)
    return current_app.config["PORTAL_BASE_URL"] + path


@bp.post("/beskeder/kalender")
@allow(SIGNED_IN)
def create_calendar_feed():  # noqa: ANN201
    token = operations.create_calendar_feed(current_user)
    # Shown once, on the page this redirects to; the database keeps only the token's hash.
    session[NEW_FEED_TOKEN_KEY] = token
    return redirect(url_for(".edit_settings", _anchor="kalender"), 303)


@bp.post("/beskeder/kalender/tilbagekald")
@allow(SIGNED_IN)
def revoke_calendar_feed():  # noqa: ANN201
    feed = queries.active_calendar_feed(current_user)
    if feed is not None:
        operations.revoke_calendar_feed(feed)
        flash(_("Kalenderadressen er tilbagekaldt og virker ikke længere."), "success")
    session.pop(NEW_FEED_TOKEN_KEY, None)
    return redirect(url_for(".edit_settings", _anchor="kalender"), 303)


@bp.get("/kalender/<token>.ics")
# PUBLIC on purpose: a calendar application cannot sign in. The secret token in the URL is the
# credential; an unknown or revoked one is 404, and the answer is never cached or referred on.
@allow(PUBLIC)
def calendar_feed(token: str):  # noqa: ANN201
    feed = queries.calendar_feed_by_token(token)
    if feed is None:
        abort(404)
    person = feed.person
    roles = council_roles(person)
    config = current_app.config
    body = personal_calendar(
        _("KKR: møder og frister"),
        queries.feed_meetings(roles.council_ids, utcnow() - FEED_HISTORY),
        domain=urlsplit(config["PORTAL_BASE_URL"]).hostname or "kkr-portal.invalid",
        meeting_url=config["PORTAL_BASE_URL"] + url_for("overview.show_overview"),
        proposal_deadlines=roles.member | roles.substitute,  # rule 3.2
        agenda_deadlines=roles.staff,  # rule 3.3
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="kkr-kalender.ics"'
    response.cache_control.private = True
    response.cache_control.no_store = True
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- the secretariat: e-mails that could not be delivered ---------------------------------


@bp.get("/kkr/<council_slug>/admin/udsendelser")
@allow(COUNCIL_STAFF)
def list_dead_emails(council: Council):  # noqa: ANN201
    return htmx.render(
        "notifications/deliveries.html",
        council=council,
        dead=queries.dead_emails(council),
        waiting=queries.waiting_email_count(council),
    )


@bp.post("/kkr/<council_slug>/admin/udsendelser/<int:notice_id>/send-igen")
@allow(COUNCIL_STAFF)
def retry_email(council: Council, notice_id: int):  # noqa: ANN201
    notice = in_council(Notice, council, notice_id)
    if notice is None:
        abort(404)
    if operations.retry_dead(notice):
        flash(_("E-mailen til %(name)s sendes igen.", name=notice.recipient.name), "success")
    else:
        flash(_("E-mailen var ikke opgivet og sendes som planlagt."), "success")
    return redirect(url_for(".list_dead_emails", council_slug=council.slug), 303)
