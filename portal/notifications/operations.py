"""Writing notices. They are rows in the caller's transaction: the caller's commit sends them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from portal.councils.models import Council, Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications.models import (
    URGENT_KINDS,
    EmailStatus,
    Notice,
    NoticeKind,
    NotificationPreference,
)
from portal.types import utcnow


def wants_email(person: Person, kind: NoticeKind) -> bool:
    """E-mail and inbox unless the person chose inbox only; urgent kinds always e-mail."""
    if kind in URGENT_KINDS:
        return True
    choice = db.session.scalar(
        select(NotificationPreference.email).where(
            NotificationPreference.person_id == person.id, NotificationPreference.kind == kind
        )
    )
    return choice is None or choice


def new_message_id() -> str:
    domain = urlsplit(current_app.config["PORTAL_BASE_URL"]).hostname or "kkr-portal.invalid"
    return f"<notice.{uuid.uuid4().hex}@{domain}>"


def notify(
    recipients: Iterable[Person],
    kind: NoticeKind,
    *,
    subject: str,
    body: str,
    link: str,
    council: Council | None = None,
    meeting: Meeting | None = None,
    confidential: bool = False,
) -> list[Notice]:
    """Give each recipient a notice in their inbox and, as they chose, by e-mail.

    The notices join the current transaction (flushed, not committed): they exist exactly
    when the change that caused them does.
    """
    notices = []
    now = utcnow()
    seen: set[int] = set()
    for person in recipients:
        if person.id in seen:
            continue
        seen.add(person.id)
        email = wants_email(person, kind)
        notice = Notice(
            council=council,
            recipient=person,
            kind=kind,
            subject=subject,
            body=body,
            link=link,
            meeting=meeting,
            confidential=confidential,
            created_at=now,
            message_id=new_message_id(),
            email_status=EmailStatus.PENDING if email else EmailStatus.INBOX_ONLY,
            next_attempt_at=now if email else None,
        )
        db.session.add(notice)
        notices.append(notice)
    db.session.flush()
    return notices


def mark_read(notice: Notice) -> None:
    if notice.read_at is None:
        notice.read_at = utcnow()


def retry_dead(notice: Notice) -> None:
    """Staff send a given-up e-mail again: from the start, with the same Message-ID."""
    if notice.email_status is EmailStatus.DEAD:
        notice.email_status = EmailStatus.PENDING
        notice.attempts = 0
        notice.next_attempt_at = utcnow()
        notice.last_error = None
