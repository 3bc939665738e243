"""The e-mail worker: `flask --app portal notifications send` delivers the outbox.

A batch goes in three steps, each its own transaction:

1. claim: due rows (PENDING whose time has come, or SENDING whose worker's lease ran out)
   become SENDING, claimed_by this worker; committed before anything is sent. On PostgreSQL
   the candidates are locked with FOR UPDATE SKIP LOCKED, so parallel workers take different
   rows without waiting; on SQLite (one writer at a time) the UPDATE re-checks that each row is
   still due, and RETURNING says which rows this worker won.
2. send each message,
3. record its outcome and commit, after EACH message: a worker that dies repeats at most the
   one message in flight (same Message-ID) once its lease has run out.

A failure puts the row back to PENDING with an exponential back-off, or DEAD after
PORTAL_EMAIL_MAX_ATTEMPTS tries, or at once when the mail server refuses the message for good
(a 5xx answer); staff can retry a dead one (`operations.retry_dead`).
A mail server that is down loses nothing: the batch is put back with a back-off.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications.mail import (
    Transport,
    TransportUnavailable,
    compose,
    is_permanent,
    transport_for,
)
from portal.notifications.models import EmailStatus, Notice
from portal.types import utcnow

log = logging.getLogger(__name__)

# A worker that has held a claim this long is taken to be dead, and its rows are claimed again.
LEASE = timedelta(minutes=10)
# A worker stops sending from a batch once half its lease is gone and hands the rest back, so
# no other worker can take over rows it might still send (a send itself times out in 30 s).
LEASE_SAFETY = LEASE / 2
FIRST_RETRY = timedelta(minutes=1)  # doubled per attempt: 2, 4, 8, ... minutes
LONGEST_RETRY = timedelta(hours=6)
MAX_ERROR_LENGTH = 2000
CLAIM_ROUNDS = 3  # SQLite: how often a claim that lost rows to another worker looks again


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0  # failed; back to PENDING for a later attempt
    dead: int = 0  # failed for the last time
    released: int = 0  # claimed but handed back unsent (the lease was running out)
    transport_down: bool = False  # the mail server could not be reached at all

    def __add__(self, other: DeliveryReport) -> DeliveryReport:
        return DeliveryReport(
            claimed=self.claimed + other.claimed,
            sent=self.sent + other.sent,
            retried=self.retried + other.retried,
            dead=self.dead + other.dead,
            released=self.released + other.released,
            transport_down=self.transport_down or other.transport_down,
        )

    def summary(self) -> str:
        return f"e-mails sent: {self.sent}, to retry: {self.retried}, dead: {self.dead}"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 2, 4, 8 ... minutes, at most 6 hours."""
    if attempts >= 20:  # 2**20 minutes is far past the cap; spare the big numbers
        return LONGEST_RETRY
    return min(FIRST_RETRY * 2**attempts, LONGEST_RETRY)


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def _due(now: datetime):  # noqa: ANN202 - a SQL expression
    return or_(
        and_(Notice.email_status == EmailStatus.PENDING, Notice.next_attempt_at <= now),
        and_(Notice.email_status == EmailStatus.SENDING, Notice.claimed_at < now - LEASE),
    )


def bury_crashing(now: datetime, max_attempts: int) -> int:
    """A message whose worker died mid-send this many times is dead, not retried forever:
    each takeover of a lapsed claim counts as an attempt (see claim_due)."""
    buried = db.session.execute(
        update(Notice)
        .where(Notice.email_status == EmailStatus.SENDING, Notice.claimed_at < now - LEASE)
        .where(Notice.attempts + 1 >= max_attempts)
        .values(
            email_status=EmailStatus.DEAD,
            attempts=Notice.attempts + 1,
            claimed_by=None,
            claimed_at=None,
            last_error="the worker stopped while sending, every time",
        ),
        execution_options={"synchronize_session": False},
    )
    return buried.rowcount or 0


def claim_due(worker: str, limit: int, now: datetime) -> list[int]:
    """Make up to `limit` due notices this worker's, and commit; returns their ids."""
    bury_crashing(now, current_app.config["PORTAL_EMAIL_MAX_ATTEMPTS"])
    claimed: list[int] = []
    for _ in range(CLAIM_ROUNDS):
        candidates = db.session.scalars(
            select(Notice.id)
            .where(_due(now))
            .order_by(Notice.id)
            .limit(limit - len(claimed))
            # PostgreSQL: rows another worker is claiming are skipped, not waited for.
            # SQLite renders no FOR UPDATE; the re-check in the UPDATE decides instead.
            .with_for_update(skip_locked=True)
        ).all()
        if not candidates:
            break
        won = db.session.scalars(
            update(Notice)
            # Still due: on SQLite another worker may have claimed a row since we read it.
            .where(Notice.id.in_(candidates), _due(now))
            .values(
                email_status=EmailStatus.SENDING,
                claimed_by=worker,
                claimed_at=now,
                # Taking over a lapsed claim: the last try ended in a crash, an attempt.
                attempts=case(
                    (Notice.email_status == EmailStatus.SENDING, Notice.attempts + 1),
                    else_=Notice.attempts,
                ),
            )
            .returning(Notice.id),
            execution_options={"synchronize_session": False},
        ).all()
        claimed += won
        if len(won) == len(candidates) or len(claimed) >= limit:
            break
        # Lost some to another worker (SQLite): look again rather than come back short,
        # which the caller would take for an empty queue. Our UPDATE now holds SQLite's write
        # lock, so the next round wins whatever it finds.
    db.session.commit()
    return sorted(claimed)


def _load(ids: Sequence[int]) -> list[Notice]:
    return list(
        db.session.scalars(
            select(Notice)
            .where(Notice.id.in_(ids))
            .order_by(Notice.id)
            .options(
                joinedload(Notice.recipient),
                joinedload(Notice.council),
                joinedload(Notice.meeting).joinedload(Meeting.council),
            )
        ).unique()
    )


def _still_ours(notice_id: int, worker: str):  # noqa: ANN202 - a SQL expression
    # Every outcome is written only while the claim is ours: a worker that lost its lease
    # must not overwrite what the worker that took over recorded.
    return and_(
        Notice.id == notice_id,
        Notice.email_status == EmailStatus.SENDING,
        Notice.claimed_by == worker,
    )


def _record_sent(notice_id: int, worker: str, now: datetime) -> None:
    db.session.execute(
        update(Notice)
        .where(_still_ours(notice_id, worker))
        .values(email_status=EmailStatus.SENT, sent_at=now, last_error=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def _record_failure(
    notice_id: int, attempts_before: int, error: BaseException, worker: str, now: datetime
) -> EmailStatus:
    attempts = attempts_before + 1
    dead = is_permanent(error) or attempts >= current_app.config["PORTAL_EMAIL_MAX_ATTEMPTS"]
    status = EmailStatus.DEAD if dead else EmailStatus.PENDING
    db.session.execute(
        update(Notice)
        .where(_still_ours(notice_id, worker))
        .values(
            email_status=status,
            attempts=attempts,
            next_attempt_at=None if dead else now + retry_delay(attempts),
            claimed_by=None,
            claimed_at=None,
            last_error=f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH],
        ),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    log.warning("e-mail for notice %s failed (attempt %s): %s", notice_id, attempts, error)
    return status


def _release(notice_ids: Sequence[int], worker: str) -> int:
    """Hand claimed rows back unsent and untried: due again at once, for any worker."""
    released = 0
    for notice_id in notice_ids:
        result = db.session.execute(
            update(Notice)
            .where(_still_ours(notice_id, worker))
            .values(email_status=EmailStatus.PENDING, claimed_by=None, claimed_at=None),
            execution_options={"synchronize_session": False},
        )
        released += result.rowcount
    db.session.commit()
    return released


def deliver_batch(
    worker: str,
    limit: int = 50,
    now: datetime | None = None,
    transport: Transport | None = None,
) -> DeliveryReport:
    """Claim up to `limit` due notices and send their e-mails. Needs an app context.

    `now` is the batch's clock (due times, back-off, sent_at); `transport` defaults to the
    portal's own (SMTP, or instance/outbox/), and is closed at the end only if made here.
    """
    now = now or utcnow()
    claimed = claim_due(worker, limit, now)
    report = DeliveryReport(claimed=len(claimed))
    if not claimed:
        return report
    claimed_at = time.monotonic()

    # Everything is composed before the first commit, while the loaded rows are fresh
    # (each commit expires them); a notice that cannot be composed fails on its own.
    messages: dict[int, EmailMessage | Exception] = {}
    attempts: dict[int, int] = {}
    for notice in _load(claimed):
        attempts[notice.id] = notice.attempts
        try:
            messages[notice.id] = compose(notice)
        except Exception as error:  # noqa: BLE001 - recorded on the notice, retried later
            messages[notice.id] = error

    def fail(notice_id: int, error: BaseException) -> None:
        status = _record_failure(notice_id, attempts.get(notice_id, 0), error, worker, now)
        if status is EmailStatus.DEAD:
            report.dead += 1
        else:
            report.retried += 1

    own_transport = transport is None
    transport = transport or transport_for(current_app)
    try:
        for position, notice_id in enumerate(claimed):
            if time.monotonic() - claimed_at > LEASE_SAFETY.total_seconds():
                report.released += _release(claimed[position:], worker)
                break
            message = messages.get(notice_id)
            if message is None:
                continue  # claimed, then gone (deleted meanwhile): nothing to send
            if isinstance(message, Exception):
                fail(notice_id, message)
                continue
            try:
                transport.send(notice_id, message)
            except TransportUnavailable as error:
                # Nothing will get through now: the rest of the batch waits with this one.
                report.transport_down = True
                for waiting in claimed[position:]:
                    fail(waiting, error)
                break
            except Exception as error:  # noqa: BLE001 - any failure of one message is retried
                fail(notice_id, error)
                continue
            _record_sent(notice_id, worker, now)
            report.sent += 1
    finally:
        if own_transport:
            transport.close()
    return report


def _let_go_of_the_session() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:
        pass  # the connection is gone; the pool replaces it
    db.session.remove()


def run_worker(
    *,
    loop: bool = False,
    interval: float = 5.0,
    limit: int = 50,
    worker: str | None = None,
    stop: threading.Event | None = None,
    on_batch: Callable[[DeliveryReport], None] | None = None,
) -> DeliveryReport:
    """Deliver what is due, batch by batch; with `loop`, keep doing so every `interval` seconds
    until `stop` is set. Needs an app context. Returns the totals."""
    worker = worker or default_worker_name()
    stop = stop or threading.Event()
    total = DeliveryReport()
    while not stop.is_set():
        try:
            # Drain what is due now; a short batch means the queue is empty for the moment.
            while not stop.is_set():
                report = deliver_batch(worker, limit)
                total += report
                if report.claimed and on_batch is not None:
                    on_batch(report)
                if report.claimed < limit or report.transport_down:
                    break  # empty, or the server is down: wait rather than hammer it
        except OperationalError as error:
            if not loop:
                raise
            # The database is away (restarting, say). Nothing is lost: claims and outcomes are
            # committed as they happen, and a claim left behind lapses with its lease. The
            # looping worker stays, and tries again next round.
            log.warning("database unavailable, trying again in %s s: %s", interval, error)
            _let_go_of_the_session()
        # Idle holds no connection: every batch ends with a commit, which returns it.
        if not loop:
            break
        stop.wait(interval)
    return total
