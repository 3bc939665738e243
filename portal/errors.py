"""Error pages: a whole page, or the message alone for an htmx request. Never a stack trace."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal import htmx
from portal.extensions import db, login_manager

MESSAGES = {
    400: (_l("Forespørgslen kunne ikke behandles"), _l("Prøv igen fra forrige side.")),
    403: (_l("Ingen adgang"), _l("Du har ikke adgang til denne side.")),
    404: (_l("Siden findes ikke"), _l("Siden er flyttet, slettet eller har aldrig fandtes.")),
    405: (_l("Handlingen er ikke tilladt"), _l("Siden kan ikke bruges på denne måde.")),
    413: (_l("Filen er for stor"), _l("Den sendte fil er større end portalen tager imod.")),
    429: (_l("For mange forsøg"), _l("Vent et øjeblik, og prøv igen.")),
    500: (_l("Der skete en fejl"), _l("Fejlen er registreret. Prøv igen om lidt.")),
}


def render_error(status: int, title: str | None = None, message: str | None = None):  # noqa: ANN201
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    return htmx.render(
        "errors/error.html",
        block="content",
        status=status,
        title=title or default_title,
        message=message or default_message,
    )


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError):  # noqa: ANN202
        return render_error(
            400,
            _l("Formularen er udløbet"),
            _l("Siden var åben for længe, eller du er logget ud. Genindlæs siden og prøv igen."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # noqa: ANN202
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # noqa: ANN202
        app.logger.exception("unhandled error", exc_info=error)
        try:
            return render_error(InternalServerError.code)
        except SQLAlchemyError:
            # The database is away (likely the cause of the error, too), so who is signed in
            # cannot be looked up: the page is shown as to a visitor, not left to the server.
            try:
                db.session.rollback()
            except SQLAlchemyError:
                pass
            g._login_user = login_manager.anonymous_user()
            return render_error(InternalServerError.code)
