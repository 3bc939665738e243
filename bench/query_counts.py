"""SQL statements per page at 1×, 10× and 100× the demo data.

Builds the demo council (KKR Sjælland, as `flask demo` does) in a fresh database, counts the
statements each main page runs, then multiplies the data and counts again. At N× there are
N times the meetings (each extra one with four items, one closed, and its agenda sent out), N
times the items on the next meeting's agenda (sent out again), and N times the members (each
with a personal substitute). Prints one table; a page whose count grows is marked.

    .venv/bin/python bench/query_counts.py                       # SQLite (temporary file)
    .venv/bin/python bench/query_counts.py --postgresql \\
        postgresql+psycopg://postgres@127.0.0.1:5432/test         # fresh database beside it
Options: --scales 1,10,100
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from notifications_delivery import drop_postgres_database, fresh_postgres_database
from sqlalchemy import event, func, select
from werkzeug.test import TestResponse

from portal import create_app
from portal.agendas.models import AgendaItem, PublicationKind
from portal.agendas.publishing import publish
from portal.agendas.snapshot import build_content
from portal.councils.models import (
    Council,
    CouncilOffice,
    Group,
    Membership,
    MembershipKind,
    Municipality,
    Person,
    StaffAssignment,
    SubstituteAssignment,
    SubstituteBasis,
)
from portal.demo.data import build_demo_council
from portal.extensions import db
from portal.meetings.models import Meeting, MeetingKind
from portal.policy import today
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow

ROOT = Path(__file__).resolve().parent.parent
MEETINGS_IN_DEMO = 6  # the demo plans one past and five upcoming ordinary meetings


class Demo:
    """The demo council's people and its next meeting with an agenda sent out."""

    def __init__(self) -> None:
        self.council = db.session.scalars(select(Council)).one()
        self.meeting = db.session.scalars(
            select(Meeting)
            .where(Meeting.agenda_published_at.is_not(None), Meeting.starts_at > utcnow())
            .order_by(Meeting.starts_at)
        ).first()
        assert self.meeting is not None
        self.staff = db.session.scalars(
            select(StaffAssignment).order_by(StaffAssignment.id)
        ).first()
        self.member = db.session.scalars(
            select(Membership)
            .where(Membership.office == CouncilOffice.MEMBER)
            .order_by(Membership.id)
        ).first()
        self.member_count = len(db.session.scalars(select(Membership)).all())
        self.base_items = len(
            db.session.scalars(
                select(AgendaItem).where(AgendaItem.meeting_id == self.meeting.id)
            ).all()
        )

    def pages(self) -> list[tuple[str, int | None, str]]:
        """(page, who is signed in (person id, None: nobody), URL)."""
        slug, meeting_id = self.council.slug, self.meeting.id
        staff, member = self.staff.person_id, self.member.person_id
        return [
            ("public plan", None, f"/kkr/{slug}/"),
            ("public agenda", None, f"/kkr/{slug}/moeder/{meeting_id}/dagsorden"),
            ("public members", None, f"/kkr/{slug}/medlemmer"),
            ("member overview", member, "/overblik"),
            ("member agenda", member, f"/moeder/{meeting_id}/dagsorden"),
            ("staff attendance board", staff, f"/kkr/{slug}/admin/moeder/{meeting_id}/fremmoede"),
            ("staff agenda builder", staff, f"/kkr/{slug}/admin/moeder/{meeting_id}/dagsorden"),
        ]


def grow_to(demo: Demo, scale: int, done: int) -> None:
    """From `done`× to `scale`× the demo data (see the module's docstring)."""
    council = demo.council
    municipalities = db.session.scalars(select(Municipality).order_by(Municipality.id)).all()
    groups = db.session.scalars(select(Group).order_by(Group.id)).all()
    starts_on = demo.member.starts_on
    staff = demo.staff.person
    for copy in range(done, scale):
        # The members: a copy of the demo's number of group-elected members with substitutes.
        for number in range(demo.member_count):
            municipality = municipalities[number % len(municipalities)]
            person = Person(
                council=council,
                name=f"Medlem {copy}-{number}",
                email=f"medlem-{copy}-{number}@bench.example",
                municipality=municipality,
            )
            substitute = Person(
                council=council,
                name=f"Stedfortræder {copy}-{number}",
                email=f"stedfortraeder-{copy}-{number}@bench.example",
                municipality=municipality,
            )
            membership = Membership(
                council=council,
                person=person,
                municipality=municipality,
                group=groups[number % len(groups)],
                kind=MembershipKind.GROUP_ELECTED,
                starts_on=starts_on,
            )
            db.session.add_all([person, substitute, membership])
            db.session.add(
                SubstituteAssignment(
                    council=council,
                    membership=membership,
                    substitute=substitute,
                    basis=SubstituteBasis.ELECTED_BY_GROUP,
                    starts_on=starts_on,
                )
            )
        # The meetings: as many again, upcoming (so on every page that lists meetings), one
        # every other day after the demo's next meeting.
        for number in range(MEETINGS_IN_DEMO):
            day = today() + timedelta(days=30 + (copy * MEETINGS_IN_DEMO + number) * 2)
            meeting = Meeting(
                council=council,
                kind=MeetingKind.ORDINARY,
                starts_at=datetime(day.year, day.month, day.day, 9 + number, tzinfo=COPENHAGEN),
                location="Ringsted Rådhus",
            )
            db.session.add(meeting)
            db.session.flush()
            add_items(meeting, 4)
            db.session.refresh(meeting)
            publish(meeting, PublicationKind.AGENDA, build_content(meeting), by=staff, now=utcnow())
        # The next meeting's agenda: as many items again, sent out again.
        add_items(demo.meeting, demo.base_items)
    if scale > done:
        db.session.refresh(demo.meeting)
        content = build_content(demo.meeting)
        publish(demo.meeting, PublicationKind.AGENDA, content, by=staff, now=utcnow())
    db.session.commit()


def add_items(meeting: Meeting, count: int) -> None:
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    for number in range(count):
        db.session.add(
            AgendaItem(
                council_id=meeting.council_id,
                meeting_id=meeting.id,
                position=(last or 0) + number + 1,
                title=f"Regional trafikplan, del {(last or 0) + number + 1}",
                presentation="Sekretariatet fremlægger kommunernes fælles høringssvar.",
                recommendation="Det indstilles, at KKR drøfter høringssvaret.",
                closed=number % 4 == 3,
            )
        )
    db.session.flush()


def get(app: Flask, client: FlaskClient, url: str) -> TestResponse:
    # Each request in an app context of its own, as served: its own `g` (Flask-Login keeps
    # the signed-in person there) and its own database session.
    with app.app_context():
        return client.get(url)


def sign_in(app: Flask, client: FlaskClient, person_id: int) -> None:
    """A session row for the person and its token in the client's cookie, as sign-in makes."""
    from portal.auth.sessions import TOKEN_KEY, open_session
    from portal.councils.models import Person

    with app.app_context():
        token = open_session(db.session.get(Person, person_id), "bench")
        db.session.commit()
    with client.session_transaction() as session:
        session[TOKEN_KEY] = token
        session["_user_id"] = str(person_id)
        session["_fresh"] = True


def measure(app: Flask, demo: Demo) -> dict[str, tuple[int, float, int]]:
    """Per page: statements, median milliseconds of five requests, bytes of HTML."""
    found = {}
    for name, person_id, url in demo.pages():
        client = app.test_client()  # a fresh cookie jar for each page
        if person_id is not None:
            sign_in(app, client, person_id)
        statements = []

        def count(*args: Any) -> None:
            statements.append(1)  # noqa: B023 (the listener is removed before the next page)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = get(app, client, url)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code, response.headers)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            assert get(app, client, url).status_code == 200
            timings.append((time.perf_counter() - started) * 1000)
        found[name] = (len(statements), statistics.median(timings), len(response.get_data()))
    return found


def run(database_url: str, scales: list[int]) -> None:
    app = create_app({"ENV": "test", "SECRET_KEY": "bench", "DATABASE_URL": database_url})
    results: dict[int, dict[str, tuple[int, float, int]]] = {}
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        build_demo_council(db.session, today())
        db.session.commit()
        demo = Demo()
        done = 1
        for scale in scales:
            started = time.perf_counter()
            grow_to(demo, scale, done)
            built = time.perf_counter() - started
            done = scale
            meetings = db.session.scalar(select(func.count()).select_from(Meeting))
            members = db.session.scalar(select(func.count()).select_from(Membership))
            items = db.session.scalar(
                select(func.count()).where(AgendaItem.meeting_id == demo.meeting.id)
            )
            print(
                f"{scale}×: {meetings} meetings, {members} members, {items} items on the agenda"
                f" measured (data built in {built:.0f} s)",
                file=sys.stderr,
            )
            db.session.expire_all()
            results[scale] = measure(app, demo)
        db.session.remove()
        db.engine.dispose()

    backend = database_url.split(":", 1)[0].split("+", 1)[0]
    print(f"SQL statements per page ({backend}); in brackets: median ms per request, HTML KiB")
    header = "| page | " + " | ".join(f"{scale}×" for scale in scales) + " | constant |"
    print(header)
    print("|---" * (len(scales) + 2) + "|")
    for name, _, _ in demo.pages():
        counts = [results[scale][name][0] for scale in scales]
        cells = [
            f"{results[scale][name][0]} ({results[scale][name][1]:.0f} ms, "
            f"{results[scale][name][2] / 1024:.0f} KiB)"
            for scale in scales
        ]
        constant = "yes" if len(set(counts)) == 1 else "NO"
        print(f"| {name} | " + " | ".join(cells) + f" | {constant} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument(
        "--postgresql", metavar="SERVER_URL", help="use a fresh database on this server"
    )
    arguments = parser.parse_args()
    scales = sorted(int(part) for part in arguments.scales.split(","))
    if arguments.postgresql:
        url, name = fresh_postgres_database(arguments.postgresql)
        try:
            run(url, scales)
        finally:
            drop_postgres_database(arguments.postgresql, name)
        return
    with tempfile.TemporaryDirectory() as directory:
        run(f"sqlite:///{directory}/bench.sqlite3", scales)


if __name__ == "__main__":
    sys.exit(main())
