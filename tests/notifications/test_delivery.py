"""The e-mail worker: every notice that wants an e-mail gets exactly one, however the mail
server or the workers misbehave; a crash repeats at most the message in flight, with the same
Message-ID. The tests of parallel and killed workers run on SQLite and on PostgreSQL (where
FOR UPDATE SKIP LOCKED is what keeps the workers apart)."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from portal import create_app
from portal.extensions import db
from portal.notifications import delivery
from portal.notifications.delivery import LEASE, claim_due, deliver_batch, retry_delay
from portal.notifications.mail import is_permanent
from portal.notifications.models import EmailStatus, Notice
from portal.notifications.operations import retry_dead
from portal.types import utcnow
from tests.conftest import test_settings
from tests.notifications.conftest import queue_notices

ROOT = Path(__file__).resolve().parents[2]


def reload(notices: list[Notice]) -> list[Notice]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notice).where(Notice.id.in_([n.id for n in notices])).order_by(Notice.id)
        )
    )


def statuses(notices: list[Notice]) -> set[EmailStatus]:
    return {notice.email_status for notice in reload(notices)}


def test_the_back_off_doubles_from_two_minutes_up_to_six_hours():
    assert [retry_delay(n) // timedelta(minutes=1) for n in range(1, 11)] == [
        2,
        4,
        8,
        16,
        32,
        64,
        128,
        256,
        360,
        360,
    ]
    assert retry_delay(1000) == timedelta(hours=6)


def test_due_notices_are_sent_once_and_marked_sent(smtp_app, smtp):
    notices = queue_notices(3)

    report = deliver_batch("w1")

    assert (report.claimed, report.sent, report.retried, report.dead) == (3, 3, 0, 0)
    assert smtp.message_id_counts() == {n.message_id: 1 for n in notices}
    for notice in reload(notices):
        assert notice.email_status is EmailStatus.SENT
        assert notice.sent_at is not None and notice.claimed_by == "w1"
        assert notice.attempts == 0 and notice.last_error is None
    assert deliver_batch("w1").claimed == 0  # nothing twice
    assert len(smtp.received) == 3


def test_a_batch_takes_at_most_its_limit_oldest_first(smtp_app, smtp):
    notices = queue_notices(5)
    assert deliver_batch("w1", limit=2).sent == 2
    assert [m["Message-ID"] for m in smtp.messages] == [n.message_id for n in notices[:2]]
    assert deliver_batch("w1", limit=10).sent == 3


def test_while_the_smtp_server_is_down_nothing_is_lost(smtp_app, smtp):
    notices = queue_notices(3)
    now = utcnow()

    with smtp.down():
        report = deliver_batch("w1", now=now)
        assert report.transport_down and report.retried == 3 and report.sent == 0
        for notice in reload(notices):
            assert notice.email_status is EmailStatus.PENDING
            assert notice.attempts == 1
            assert notice.next_attempt_at == now + timedelta(minutes=2)
            assert notice.claimed_by is None
            assert "ConnectionRefusedError" in notice.last_error
        # Backing off: not tried again before its time.
        assert deliver_batch("w1", now=now + timedelta(minutes=1)).claimed == 0

    report = deliver_batch("w1", now=now + timedelta(minutes=2))

    assert report.sent == 3
    assert statuses(notices) == {EmailStatus.SENT}
    assert smtp.message_id_counts() == {n.message_id: 1 for n in notices}


def test_a_refused_message_backs_off_then_dies_and_staff_can_send_it_again(smtp_app, smtp):
    smtp_app.config["PORTAL_EMAIL_MAX_ATTEMPTS"] = 3
    [notice] = queue_notices(1)
    smtp.refuse("451 4.3.0 Midlertidig fejl")
    now = utcnow()

    assert deliver_batch("w1", now=now).retried == 1
    [notice] = reload([notice])
    assert (notice.email_status, notice.attempts) == (EmailStatus.PENDING, 1)
    assert notice.next_attempt_at == now + timedelta(minutes=2)
    assert "451" in notice.last_error and "Midlertidig fejl" in notice.last_error

    now += timedelta(minutes=2)
    assert deliver_batch("w1", now=now).retried == 1
    [notice] = reload([notice])
    assert notice.next_attempt_at == now + timedelta(minutes=4)

    now += timedelta(minutes=4)
    assert deliver_batch("w1", now=now).dead == 1
    [notice] = reload([notice])
    assert (notice.email_status, notice.attempts) == (EmailStatus.DEAD, 3)
    assert notice.next_attempt_at is None and "451" in notice.last_error
    assert deliver_batch("w1", now=now + timedelta(days=30)).claimed == 0  # dead stays dead
    assert smtp.received == []

    smtp.accept()
    retry_dead(notice)
    db.session.commit()
    assert deliver_batch("w1").sent == 1

    [notice] = reload([notice])
    assert notice.email_status is EmailStatus.SENT and notice.attempts == 0
    assert [m["Message-ID"] for m in smtp.messages] == [notice.message_id]


class RefusesOne:
    """A transport that refuses one notice's message and sends the rest to a list."""

    def __init__(self, refused_id: int) -> None:
        self.refused_id = refused_id
        self.sent: list[EmailMessage] = []
        self.closed = False

    def send(self, notice_id: int, message: EmailMessage) -> None:
        if notice_id == self.refused_id:
            raise smtplib.SMTPRecipientsRefused({"x@example.org": (450, b"mailbox busy")})
        self.sent.append(message)

    def close(self) -> None:
        self.closed = True


def test_one_refused_message_does_not_hold_up_the_others(mail_app):
    notices = queue_notices(3)
    transport = RefusesOne(notices[1].id)

    report = deliver_batch("w1", transport=transport)

    assert (report.sent, report.retried) == (2, 1)
    assert [m["Message-ID"] for m in transport.sent] == [
        notices[0].message_id,
        notices[2].message_id,
    ]
    assert not transport.closed  # the caller's transport is the caller's to close
    first, refused, last = reload(notices)
    assert first.email_status is last.email_status is EmailStatus.SENT
    assert refused.email_status is EmailStatus.PENDING and "mailbox busy" in refused.last_error


def test_a_message_the_server_refuses_for_good_is_dead_at_once(smtp_app, smtp):
    """A 5xx answer will come again: staff see it among the dead e-mails now, not in hours."""
    smtp_app.config["PORTAL_EMAIL_MAX_ATTEMPTS"] = 8
    [notice] = queue_notices(1)
    smtp.refuse("554 5.7.1 Afvist")
    assert deliver_batch("w1").dead == 1
    [notice] = reload([notice])
    assert (notice.email_status, notice.attempts) == (EmailStatus.DEAD, 1)
    assert notice.next_attempt_at is None and "554" in notice.last_error


@pytest.mark.parametrize(
    ("error", "permanent"),
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}), True),
        (
            smtplib.SMTPRecipientsRefused(
                {"a@example.org": (550, b"no such user"), "b@example.org": (452, b"full")}
            ),
            False,
        ),
        (smtplib.SMTPDataError(552, b"too big"), True),
        (smtplib.SMTPDataError(451, b"try later"), False),
        (smtplib.SMTPSenderRefused(553, b"bad sender", "portal@example.org"), True),
        (smtplib.SMTPServerDisconnected("gone"), False),
        (OSError("reset"), False),
    ],
)
def test_only_5xx_answers_are_permanent(error: BaseException, permanent: bool):
    assert is_permanent(error) is permanent


def test_a_claim_is_not_taken_over_until_its_lease_runs_out(smtp_app, smtp):
    notices = queue_notices(3)
    now = utcnow()
    # A worker claims the notices and dies before sending any.
    assert claim_due("crashed", 10, now) == [n.id for n in notices]
    assert statuses(notices) == {EmailStatus.SENDING}

    assert deliver_batch("rescuer", now=now + LEASE - timedelta(seconds=1)).claimed == 0
    report = deliver_batch("rescuer", now=now + LEASE + timedelta(seconds=1))

    assert report.sent == 3
    assert smtp.message_id_counts() == {n.message_id: 1 for n in notices}
    assert {n.claimed_by for n in reload(notices)} == {"rescuer"}


def test_a_message_that_kills_its_worker_every_time_ends_dead(smtp_app, smtp):
    [notice] = queue_notices(1)
    now = utcnow()
    max_attempts = smtp_app.config["PORTAL_EMAIL_MAX_ATTEMPTS"]
    # Each worker claims it and dies; each takeover counts as an attempt.
    for crash in range(max_attempts):
        now += LEASE + timedelta(seconds=1)
        assert claim_due(f"crashed-{crash}", 10, now) == [notice.id]
    now += LEASE + timedelta(seconds=1)
    assert claim_due("next", 10, now) == []
    [dead] = reload([notice])
    assert dead.email_status is EmailStatus.DEAD and dead.attempts == max_attempts
    assert "stopped while sending" in dead.last_error
    assert smtp.message_id_counts() == {}


def test_a_worker_whose_lease_is_running_out_hands_the_rest_back(smtp_app, smtp, monkeypatch):
    notices = queue_notices(3)
    monkeypatch.setattr(delivery, "LEASE_SAFETY", timedelta(0))  # as if the batch were slow

    report = deliver_batch("slow")

    assert (report.claimed, report.released, report.sent) == (3, 3, 0)
    assert statuses(notices) == {EmailStatus.PENDING}
    assert {n.attempts for n in reload(notices)} == {0}  # not held against the notice
    assert smtp.received == []


def test_a_late_worker_does_not_overwrite_the_outcome_of_the_one_that_took_over(smtp_app, smtp):
    [notice] = queue_notices(1)
    now = utcnow()
    claim_due("slow", 10, now)
    assert deliver_batch("rescuer", now=now + LEASE + timedelta(seconds=1)).sent == 1

    delivery._record_failure(notice.id, 0, RuntimeError("too late"), "slow", now)

    [notice] = reload([notice])
    assert notice.email_status is EmailStatus.SENT and notice.last_error is None


def test_two_workers_in_parallel_send_every_notice_exactly_once(app, smtp):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # SQLite takes its writers in turn (and slowly, under contention): fewer do there.
    count = 200 if url.startswith("postgresql") else 80
    notices = queue_notices(count)
    start = threading.Barrier(2)
    reports: dict[str, list[delivery.DeliveryReport]] = {}
    errors: list[BaseException] = []

    # Each worker its own app, engine and session, as two processes would have. The apps are
    # built here, not in the threads: CPython 3.11.7 can fail compiling (ast) in two threads
    # at once ("AST constructor recursion depth mismatch"), and werkzeug compiles its routes.
    worker_apps = {
        name: create_app(test_settings(url, SMTP_HOST=smtp.host, SMTP_PORT=str(smtp.port)))
        for name in ("w1", "w2")
    }

    def work(name: str) -> None:
        with worker_apps[name].app_context():
            try:
                start.wait()
                while (report := deliver_batch(name, limit=10)).claimed:
                    reports.setdefault(name, []).append(report)
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()
                db.engine.dispose()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("w1", "w2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    counts = smtp.message_id_counts()
    assert len(counts) == count and set(counts.values()) == {1}
    assert set(counts) == {n.message_id for n in notices}
    assert statuses(notices) == {EmailStatus.SENT}
    sent_by = Counter(n.claimed_by for n in reload(notices))
    assert sent_by["w1"] + sent_by["w2"] == count
    assert sent_by["w1"] and sent_by["w2"]  # both really worked
    assert sum(r.sent for rs in reports.values() for r in rs) == count


def start_send_command(app, smtp, *arguments: str, **popen: object) -> subprocess.Popen:  # noqa: ANN001
    """`flask --app portal notifications send` in a process of its own, on the test's database
    and SMTP server."""
    environment = {
        **os.environ,
        "PORTAL_ENV": "test",
        "PORTAL_SECRET_KEY": "test-secret",
        "PORTAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_SMTP_HOST": smtp.host,
        "PORTAL_SMTP_PORT": str(smtp.port),
    }
    command = [sys.executable, "-m", "flask", "--app", "portal", "notifications", "send"]
    return subprocess.Popen(
        [*command, *arguments], cwd=ROOT, env=environment, stderr=subprocess.PIPE, **popen
    )


def test_a_worker_killed_mid_send_repeats_only_that_message_later(smtp_app, smtp):
    """`notifications send` in its own process is killed after the server took the first
    message but before it could record it; after the lease another worker sends the whole
    batch once more: the first message twice (same Message-ID), the others once."""
    notices = queue_notices(4)
    smtp.hold_next()
    worker = start_send_command(smtp_app, smtp, stdout=subprocess.DEVNULL)
    try:
        arrived = smtp.handler.held.wait(timeout=30)
        assert arrived, worker.stderr.read().decode() if worker.poll() is not None else ""
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        worker.stderr.close()
        smtp.release()

    assert statuses(notices) == {EmailStatus.SENDING}
    assert {n.claimed_by for n in reload(notices)} == {f"{socket.gethostname()}:{worker.pid}"}
    claimed_at = reload(notices)[0].claimed_at
    assert deliver_batch("rescuer", now=claimed_at + LEASE - timedelta(seconds=1)).claimed == 0

    report = deliver_batch("rescuer", now=claimed_at + LEASE + timedelta(seconds=1))

    assert report.sent == 4
    assert smtp.message_id_counts() == {
        notices[0].message_id: 2,
        **{n.message_id: 1 for n in notices[1:]},
    }
    assert statuses(notices) == {EmailStatus.SENT}


def test_the_looping_worker_sends_as_notices_come_and_stops_cleanly_on_sigterm(smtp_app, smtp):
    worker = start_send_command(
        smtp_app, smtp, "--loop", "--interval", "0.1", stdout=subprocess.PIPE
    )
    try:
        first = queue_notices(2)
        smtp.wait_for(2)
        later = queue_notices(1)  # picked up by a later round
        smtp.wait_for(3)
        worker.send_signal(signal.SIGTERM)
        output, errors = worker.communicate(timeout=20)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.communicate()

    assert worker.returncode == 0, errors.decode()
    assert output.decode().splitlines()[-1] == "e-mails sent: 3, to retry: 0, dead: 0"
    assert smtp.message_id_counts() == {n.message_id: 1 for n in first + later}
    assert statuses(first + later) == {EmailStatus.SENT}


def test_send_command_sends_what_is_due_and_prints_a_summary(smtp_app, smtp):
    notices = queue_notices(3)
    result = smtp_app.test_cli_runner().invoke(args=["notifications", "send", "--batch", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "e-mails sent: 3, to retry: 0, dead: 0"
    assert smtp.message_id_counts() == {n.message_id: 1 for n in notices}


def test_send_command_without_smtp_fills_the_outbox_folder(mail_app, tmp_path):
    queue_notices(2)
    result = mail_app.test_cli_runner().invoke(args=["notifications", "send"])
    assert result.output.strip() == "e-mails sent: 2, to retry: 0, dead: 0"
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 2


@pytest.mark.parametrize("arguments", [["--batch", "0"], ["--interval", "0"]])
def test_send_command_refuses_nonsense(app, arguments):
    result = app.test_cli_runner().invoke(args=["notifications", "send", *arguments])
    assert result.exit_code == 2


def test_on_postgresql_rows_another_worker_holds_are_skipped_not_waited_for(smtp_app, smtp):
    url = smtp_app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's; SQLite lets one writer in at a time")
    notices = queue_notices(5)
    locked = [n.id for n in notices[:3]]
    other_worker = create_engine(url)
    try:
        with other_worker.connect() as connection:
            # Another worker is in the middle of claiming the first three.
            connection.execute(select(Notice.id).where(Notice.id.in_(locked)).with_for_update())
            # Were the locked rows waited for, this would fail after 3 s instead of hanging.
            db.session.execute(text("SET lock_timeout = '3s'"))
            report = deliver_batch("w1")
            connection.rollback()
    finally:
        other_worker.dispose()

    assert report.sent == 2
    assert [m["Message-ID"] for m in smtp.messages] == [n.message_id for n in notices[3:]]
    assert deliver_batch("w1").sent == 3  # free again
