"""The portal served on loopback for the browser, and who is who in its demo council."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from portal import create_app
from portal.councils.models import (
    CouncilOffice,
    Membership,
    MembershipKind,
    Municipality,
    StaffAssignment,
    SubstituteAssignment,
)
from portal.extensions import db

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent.parent


class _LateBoundApp:
    """The WSGI callable the server starts with. The portal is set once the port is known, so
    its settings can depend on its own origin (OpenID redirect URIs do)."""

    app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None, "the portal is not set up yet"
        return self.app(environ, start_response)


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    app: Flask
    today: date  # the day the demo data was built for


def demo_settings(origin: str) -> dict[str, Any]:
    # ENV=test allows DEMO (only production refuses it); a fixed key writes no instance file.
    return {"ENV": "test", "DEMO": True, "SECRET_KEY": "browser-test-secret"}


@contextmanager
def serve_portal(
    database_path: Path,
    today: date,
    settings: Callable[[str], dict[str, Any]] = demo_settings,
) -> Iterator[LiveServer]:
    """Serve a new portal on 127.0.0.1 and a free port, in a daemon thread, until the end.

    `settings(origin)` gives create_app's settings for the server's origin. The schema comes
    from the real migrations; the demo council is built for `today` and committed before the
    first request.
    """
    from flask_migrate import upgrade

    from portal.demo.data import build_demo_council

    late = _LateBoundApp()
    server: BaseWSGIServer = make_server("127.0.0.1", 0, late, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        app = create_app({"DATABASE_URL": f"sqlite:///{database_path}", **settings(url)})
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            build_demo_council(db.session, today)
            db.session.commit()
            db.session.remove()
        late.app = app
    except BaseException:
        server.server_close()
        raise
    thread = threading.Thread(target=server.serve_forever, name="live-portal", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app, today=today)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


@dataclass(frozen=True)
class DemoPeople:
    """Whom the tests sign in as and expect to see, read from the live portal's database."""

    chair: str
    chair_substitute: str
    substitute: str  # a group-elected member's personal substitute ...
    substituted_member: str  # ... and the member they stand in for
    staff: str
    municipalities: list[str]
    member_count: int


def read_demo_people(app: Flask) -> DemoPeople:
    with app.app_context():
        session = db.session
        by_membership = {a.membership_id: a for a in session.scalars(select(SubstituteAssignment))}
        memberships = session.scalars(select(Membership).order_by(Membership.id)).all()
        chair = next(m for m in memberships if m.office is CouncilOffice.CHAIR)
        group_elected = next(m for m in memberships if m.kind is MembershipKind.GROUP_ELECTED)
        staff = session.scalars(select(StaffAssignment).order_by(StaffAssignment.id)).first()
        assert staff is not None
        people = DemoPeople(
            chair=chair.person.name,
            chair_substitute=by_membership[chair.id].substitute.name,
            substitute=by_membership[group_elected.id].substitute.name,
            substituted_member=group_elected.person.name,
            staff=staff.person.name,
            municipalities=sorted(session.scalars(select(Municipality.name))),
            member_count=len(memberships),
        )
        session.remove()
    return people


def sign_in_as(page: Page, section: str, name: str) -> None:
    """Sign in on the demo page: `name`'s button in the section headed `section`
    ("Sekretariatet", "Medlemmer" or "Stedfortrædere"); lands on 'Mit overblik'."""
    page.goto("/demo/log-ind")
    region = page.get_by_role("region", name=section, exact=True)
    region.get_by_role("button", name=name, exact=True).click()
    page.wait_for_url("**/overblik")
