"""The mail server is down for a while, then the delivery worker is killed in the middle of a
batch; or the server goes down in the middle of one: no notice is lost. Every notice ends
sent; only the message in flight at the fault is sent twice (with the same Message-ID, so the
recipient's mail system can tell).

tests/notifications/test_delivery.py proves each fault alone; this runs them one after the
other on the same notices, with the worker as a real process (`flask --app portal
notifications send`) killed by SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.notifications.delivery import LEASE, DeliveryReport, deliver_batch
from portal.notifications.models import EmailStatus, Notice
from portal.types import utcnow
from tests.notifications.conftest import queue_notices
from tests.smtp import RecordingHandler, SmtpTestServer

ROOT = Path(__file__).resolve().parents[2]
HOLD_AT = 3  # the worker dies while the server holds this message (1-based)


class HoldsOne(RecordingHandler):
    """Accepts every message, but holds the answer to the HOLD_AT-th until released."""

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        with self.lock:
            if len(self.received) == HOLD_AT - 1 and not self.released.is_set():
                self.holding = True
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def mail_server() -> Iterator[SmtpTestServer]:
    server = SmtpTestServer()
    server.handler = HoldsOne()
    server.start()
    yield server
    server.release()
    server.stop()


def run_worker(app: Flask, server: SmtpTestServer) -> subprocess.Popen:
    """`flask --app portal notifications send` in a process of its own (one round)."""
    environment = {
        **os.environ,
        "PORTAL_ENV": "test",
        "PORTAL_SECRET_KEY": "test-secret",
        "PORTAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_SMTP_HOST": server.host,
        "PORTAL_SMTP_PORT": str(server.port),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "notifications", "send"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def send_once(app: Flask) -> str:
    """The same command, run in this process (quicker to start), as a worker's one round."""
    result = app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def all_notices() -> list[Notice]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notice).order_by(Notice.id)))


def test_smtp_down_then_a_worker_killed_mid_batch_loses_no_notice(
    app: Flask, mail_server: SmtpTestServer, tmp_path: Path
):
    app.config["PORTAL_SMTP"] = mail_server.settings
    app.instance_path = str(tmp_path)
    first = queue_notices(6)

    # The mail server is down: the worker tries, and every notice waits for a later attempt.
    with mail_server.down():
        assert send_once(app) == "e-mails sent: 0, to retry: 6, dead: 0"
        later = queue_notices(2)  # the portal goes on writing notices meanwhile
        assert send_once(app) == "e-mails sent: 0, to retry: 2, dead: 0"
    notices = all_notices()
    assert [n.id for n in notices] == [n.id for n in first + later]
    for notice in notices:
        assert (notice.email_status, notice.attempts) == (EmailStatus.PENDING, 1)
        assert notice.claimed_by is None and "ConnectionRefusedError" in notice.last_error
        assert notice.next_attempt_at > utcnow() + timedelta(minutes=1)
    assert mail_server.received == []

    # The server is back; the back-off of two minutes passes (set on the rows, not waited).
    db.session.execute(
        update(Notice).values(next_attempt_at=utcnow() - timedelta(seconds=1)),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()

    # The next worker is killed while the server holds its third message.
    worker = run_worker(app, mail_server)
    try:
        arrived = mail_server.handler.held.wait(timeout=30)
        assert arrived, worker.stderr.read() if worker.poll() is not None else "no message held"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stdout.close()
        worker.stderr.close()
        mail_server.release()
    assert worker.returncode == -signal.SIGKILL

    notices = all_notices()
    done, in_flight = notices[: HOLD_AT - 1], notices[HOLD_AT - 1 :]
    assert {n.email_status for n in done} == {EmailStatus.SENT}  # recorded one by one
    assert {n.email_status for n in in_flight} == {EmailStatus.SENDING}  # the dead worker's
    claimed_at = in_flight[0].claimed_at

    # Nobody takes the dead worker's rows while its lease runs; then another worker does.
    assert deliver_batch("rescuer", now=claimed_at + LEASE - timedelta(seconds=1)).claimed == 0
    report = deliver_batch("rescuer", now=claimed_at + LEASE + timedelta(seconds=1))
    assert (report.sent, report.retried, report.dead) == (len(in_flight), 0, 0)
    assert deliver_batch("rescuer", now=claimed_at + 2 * LEASE).claimed == 0  # nothing left

    # Every notice sent and recorded so; each e-mail arrived once, the one in flight twice.
    notices = all_notices()
    assert len(notices) == db.session.scalar(select(func.count()).select_from(Notice)) == 8
    assert {n.email_status for n in notices} == {EmailStatus.SENT}
    assert mail_server.message_id_counts() == {
        n.message_id: 2 if n.id == in_flight[0].id else 1 for n in notices
    }
    addressed = {str(m["Message-ID"]): str(m["To"]) for m in mail_server.messages}
    for notice in notices:
        assert notice.recipient.email in addressed[notice.message_id]


def test_the_mail_server_going_down_in_the_middle_of_a_batch_loses_no_notice(
    app: Flask, mail_server: SmtpTestServer, tmp_path: Path
):
    """The server stops while it has the third message and has not answered: that message
    and the rest of the batch wait for their next attempt; then all are sent."""
    app.config["PORTAL_SMTP"] = mail_server.settings
    app.instance_path = str(tmp_path)
    queued = queue_notices(6)
    now = utcnow()
    reports: list[DeliveryReport] = []

    def work() -> None:
        with app.app_context():
            try:
                reports.append(deliver_batch("w1", now=now))
            finally:
                db.session.remove()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert mail_server.handler.held.wait(timeout=30)
        mail_server.stop()  # down, with the third message unanswered
    finally:
        worker.join(timeout=60)
    [report] = reports
    assert (report.claimed, report.sent, report.retried, report.dead) == (6, 2, 4, 0)
    assert report.transport_down

    notices = all_notices()
    assert [n.id for n in notices] == [n.id for n in queued]
    assert {n.email_status for n in notices[:2]} == {EmailStatus.SENT}
    for notice in notices[2:]:
        assert (notice.email_status, notice.attempts) == (EmailStatus.PENDING, 1)
        assert notice.next_attempt_at == now + timedelta(minutes=2)
    # The third failed on the dropped connection, the rest because none could be made.
    assert "SMTPServerDisconnected" in notices[2].last_error
    assert {"ConnectionRefusedError" in n.last_error for n in notices[3:]} == {True}

    mail_server.start()
    assert deliver_batch("w1", now=now + timedelta(minutes=1)).claimed == 0  # backing off
    assert deliver_batch("w1", now=now + timedelta(minutes=2)).sent == 4

    notices = all_notices()
    assert {n.email_status for n in notices} == {EmailStatus.SENT}
    # The server had the third message when it went down: it comes again, same Message-ID.
    assert mail_server.message_id_counts() == {
        n.message_id: 2 if n.id == notices[2].id else 1 for n in notices
    }
