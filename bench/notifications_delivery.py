"""How fast the e-mail worker empties the outbox, against plain smtplib.

Queues N notices (default 5,000) in a fresh database, delivers them with `deliver_batch` and
SmtpTransport to an aiosmtpd server on loopback, then sends the same N composed messages with
plain smtplib over one connection. Prints notices per second for both and the ratio.

    .venv/bin/python bench/notifications_delivery.py                      # SQLite
    .venv/bin/python bench/notifications_delivery.py --postgresql \\
        postgresql+psycopg://postgres@127.0.0.1:5432/test                  # a fresh database
                                                                           # beside this one
"""

from __future__ import annotations

import argparse
import smtplib
import socket
import sys
import tempfile
import time
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.councils.models import Council, Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications.delivery import deliver_batch
from portal.notifications.mail import compose
from portal.notifications.models import Notice, NoticeKind
from portal.notifications.operations import notify
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow

ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 100  # notices go out in rounds of one per person


class CountingHandler:
    """Keeps only the Message-IDs (bounded memory), to check that each arrived once."""

    def __init__(self) -> None:
        self.message_ids: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        content: bytes = envelope.content
        start = content.find(b"Message-ID: ")
        self.message_ids.append(content[start + 12 : content.find(b"\r\n", start)])
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fresh_postgres_database(server_url: str) -> tuple[str, str]:
    name = f"portal_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False), name


def drop_postgres_database(server_url: str, name: str) -> None:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def queue(count: int) -> None:
    council = Council(slug="bench", name="KKR Sjælland", region="Region Sjælland")
    people = [
        Person(council=council, name=f"Medlem {n}", email=f"medlem{n}@bench.example")
        for n in range(PEOPLE)
    ]
    meeting = Meeting(
        council=council, starts_at=utcnow().astimezone(COPENHAGEN), location="Rådhuset"
    )
    db.session.add_all([council, meeting, *people])
    db.session.flush()
    for round_number in range(-(-count // PEOPLE)):
        recipients = people[: count - round_number * PEOPLE]
        notify(
            recipients,
            NoticeKind.GENERAL,
            subject=f"Nyt i portalen ({round_number})",
            body="Dagsordenen til næste møde er udsendt.\nSe punkt 3 og 4.",
            link=f"/moeder/{meeting.id}",
            council=council,
            meeting=meeting if round_number % 5 == 0 else None,  # one in five has an .ics
        )
    db.session.commit()


def run(database_url: str, count: int, batch: int) -> None:
    handler = CountingHandler()
    port = free_port()
    server = Controller(handler, hostname="127.0.0.1", port=port)
    server.start()
    app = create_app(
        {
            "ENV": "test",
            "SECRET_KEY": "bench",
            "DATABASE_URL": database_url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
        }
    )
    try:
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            queue(count)

            started = time.perf_counter()
            while deliver_batch("bench", limit=batch).claimed:
                pass
            worker_seconds = time.perf_counter() - started
            assert len(handler.message_ids) == count == len(set(handler.message_ids))

            notices = db.session.scalars(select(Notice).order_by(Notice.id)).all()
            started = time.perf_counter()
            messages = [compose(notice) for notice in notices]
            compose_seconds = time.perf_counter() - started

            started = time.perf_counter()
            with smtplib.SMTP("127.0.0.1", port) as connection:
                for message in messages:
                    connection.send_message(message)
            smtplib_seconds = time.perf_counter() - started
            assert len(handler.message_ids) == 2 * count
            db.session.remove()
            db.engine.dispose()
    finally:
        server.stop()

    worker_rate = count / worker_seconds
    smtplib_rate = count / smtplib_seconds
    backend = make_url(database_url).get_backend_name()
    print(f"{backend}: {count} notices, batches of {batch}")
    print(f"  deliver_batch + SmtpTransport: {worker_rate:7.0f} notices/s ({worker_seconds:.1f} s)")
    print(
        f"  plain smtplib, one connection: {smtplib_rate:7.0f} notices/s ({smtplib_seconds:.1f} s)"
    )
    print(f"  ratio worker/smtplib: {worker_rate / smtplib_rate:.2f}")
    print(f"  (compose alone: {count / compose_seconds:.0f} messages/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument(
        "--postgresql", metavar="SERVER_URL", help="use a fresh database on this server"
    )
    arguments = parser.parse_args()
    if arguments.postgresql:
        url, name = fresh_postgres_database(arguments.postgresql)
        try:
            run(url, arguments.count, arguments.batch)
        finally:
            drop_postgres_database(arguments.postgresql, name)
        return
    with tempfile.TemporaryDirectory() as directory:
        run(f"sqlite:///{directory}/bench.sqlite3", arguments.count, arguments.batch)


if __name__ == "__main__":
    sys.exit(main())
