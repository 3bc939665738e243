"""Writing notices. They are rows in the caller's transaction: the caller's commit sends them."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update

from portal import audit
from portal.councils.models import Council, Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications.models import (
    URGENT_KINDS,
    CalendarFeed,
    EmailStatus,
    Notice,
    NoticeKind,
    NotificationPreference,
)
from portal.notifications.queries import token_hash
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


def mark_all_read(person: Person) -> int:
    """Mark every unread notice of `person` read; returns how many there were."""
    result = db.session.execute(
        update(Notice)
        .where(Notice.recipient_id == person.id, Notice.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def retry_dead(notice: Notice) -> bool:
    """Staff send a given-up e-mail again: from the start, with the same Message-ID.
    False when the e-mail was not given up (nothing to do)."""
    if notice.email_status is not EmailStatus.DEAD:
        return False
    before = {"attempts": notice.attempts, "last_error": notice.last_error}
    notice.email_status = EmailStatus.PENDING
    notice.attempts = 0
    notice.next_attempt_at = utcnow()
    notice.last_error = None
    audit.record("email_retried", notice, before=before)
    return True


def save_email_choices(person: Person, choices: Mapping[NoticeKind, bool]) -> bool:
    """Store per kind whether `person` also gets it by e-mail; True when anything changed.

    Urgent kinds are not the person's to choose (they always e-mail): a choice for one is
    ignored.
    """
    stored = {
        preference.kind: preference
        for preference in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.person_id == person.id)
        )
    }
    before = {kind.value: preference.email for kind, preference in stored.items()}
    for kind, email in choices.items():
        if kind in URGENT_KINDS:
            continue
        preference = stored.get(kind)
        if preference is None:
            preference = NotificationPreference(person_id=person.id, kind=kind, email=email)
            db.session.add(preference)
            stored[kind] = preference
        else:
            preference.email = email
    after = {kind.value: preference.email for kind, preference in stored.items()}
    if after == before:
        return False
    audit.record("notification_preferences_changed", person, before=before, after=after)
    return True


def create_calendar_feed(person: Person) -> str:
    """A new private calendar address for `person`; returns its token, which is not stored
    (only its hash is) and so can be shown once. The person's earlier address stops working."""
    now = utcnow()
    for feed in db.session.scalars(
        select(CalendarFeed).where(
            CalendarFeed.person_id == person.id, CalendarFeed.revoked_at.is_(None)
        )
    ):
        feed.revoked_at = now
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(person_id=person.id, token_hash=token_hash(token), created_at=now)
    db.session.add(feed)
    audit.record("calendar_feed_created", feed, council_id=person.council_id)
    return token


def revoke_calendar_feed(feed: CalendarFeed) -> None:
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()
        audit.record("calendar_feed_revoked", feed, council_id=feed.person.council_id)
