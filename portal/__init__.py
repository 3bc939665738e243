"""KKR Portal: the member side of a Danish municipal contact council."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, request

from portal import config as portal_config
from portal.extensions import babel, csrf, db, include_in_migrations, login_manager, migrate
from portal.types import RowIdConverter

ROOT = Path(__file__).resolve().parent.parent


def create_app(settings: dict[str, Any] | None = None) -> Flask:
    """Build the portal. `settings` override PORTAL_* environment values (keys without prefix)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = RowIdConverter  # before any route is added
    merged = portal_config.settings_from_environment()
    merged.update(settings or {})
    app.config.from_mapping(portal_config.flask_config(merged, app.instance_path))
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        compare_type=True,
        include_object=include_in_migrations,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale)

    _import_models()
    _register_blueprints(app)

    from portal import errors, security, templating

    errors.register(app)
    security.register(app)
    templating.register(app)
    _register_transaction_boundary(app)
    _register_cli(app)

    from portal.policy import PUBLIC, allow

    # Flask's own static route gets a declared rule like every other endpoint.
    app.view_functions["static"] = allow(PUBLIC)(app.view_functions["static"])
    return app


def select_locale() -> str:
    if not has_request_context():
        return "da"  # the command line and the reminder tick write Danish
    chosen = request.cookies.get("lang")
    return chosen if chosen in portal_config.SUPPORTED_LOCALES else "da"


def _import_models() -> None:
    # Every model must be known to the metadata before Alembic or create_all looks at it.
    from portal.absences import models as _absences  # noqa: F401
    from portal.agendas import models as _agendas  # noqa: F401
    from portal.appointments import models as _appointments  # noqa: F401
    from portal.attachments import models as _attachments  # noqa: F401
    from portal.audit import models as _audit  # noqa: F401
    from portal.auth import models as _auth  # noqa: F401
    from portal.councils import models as _councils  # noqa: F401
    from portal.elections import models as _elections  # noqa: F401
    from portal.leave import models as _leave  # noqa: F401
    from portal.meeting_requests import models as _meeting_requests  # noqa: F401
    from portal.meetings import models as _meetings  # noqa: F401
    from portal.notifications import models as _notifications  # noqa: F401
    from portal.participants import models as _participants  # noqa: F401
    from portal.proposals import models as _proposals  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from portal.absences.views import bp as absences_bp
    from portal.agendas.views import bp as agendas_bp
    from portal.appointments.views import bp as appointments_bp
    from portal.auth.staff_views import bp as sign_in_admin_bp
    from portal.auth.views import bp as auth_bp
    from portal.councils.views import bp as councils_bp
    from portal.demo.views import bp as demo_bp
    from portal.leave.views import bp as leave_bp
    from portal.meeting_requests.views import bp as meeting_requests_bp
    from portal.meetings.views import bp as meetings_bp
    from portal.minutes.views import bp as minutes_bp
    from portal.notifications.views import bp as notifications_bp
    from portal.overview.views import bp as overview_bp
    from portal.participants.views import bp as participants_bp
    from portal.proposals.views import bp as proposals_bp
    from portal.public.views import bp as public_bp
    from portal.publication.views import bp as publication_bp

    for blueprint in (public_bp, auth_bp, overview_bp, councils_bp, notifications_bp, demo_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(sign_in_admin_bp)
    app.register_blueprint(leave_bp)
    app.register_blueprint(meeting_requests_bp)
    app.register_blueprint(absences_bp)
    app.register_blueprint(participants_bp)
    for blueprint in (
        meetings_bp,
        agendas_bp,
        minutes_bp,
        publication_bp,
        proposals_bp,
        appointments_bp,
    ):
        app.register_blueprint(blueprint)

    @login_manager.user_loader
    def load_person(person_id: str):  # noqa: ANN202
        from portal.auth.sessions import person_for_request

        # The cookie's session row decides, so sessions can be ended everywhere.
        return person_for_request(person_id)

    @login_manager.unauthorized_handler
    def unauthorized():  # noqa: ANN202
        from portal.policy import sign_in_required

        return sign_in_required()


def _register_transaction_boundary(app: Flask) -> None:
    """One transaction per request: commit on success, roll back on any error."""

    @app.after_request
    def finish_transaction(response):  # noqa: ANN001, ANN202
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response


def _register_cli(app: Flask) -> None:
    from portal.cli import calc_cli
    from portal.demo.cli import demo_cli
    from portal.notifications.cli import notifications_cli

    app.cli.add_command(calc_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(notifications_cli)
