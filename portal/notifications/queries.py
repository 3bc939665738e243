"""Reading notices: a person's inbox and unread count, their choices and calendar feed, and the
e-mails a council's secretariat has to look after."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.councils.models import Council, Person
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.notifications.models import (
    CalendarFeed,
    EmailStatus,
    Notice,
    NoticeKind,
    NotificationPreference,
)

PAGE_SIZE = 50


def unread_count(person_id: int) -> int:
    return db.session.scalar(
        select(func.count(Notice.id)).where(
            Notice.recipient_id == person_id, Notice.read_at.is_(None)
        )
    )


@dataclass(frozen=True)
class InboxPage:
    notices: list[Notice]
    number: int  # from 1
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def any_unread(self) -> bool:
        return any(notice.read_at is None for notice in self.notices)


def inbox(person: Person, number: int = 1) -> InboxPage:
    """One page of the person's notices, newest first."""
    number = max(number, 1)
    rows = list(
        db.session.scalars(
            select(Notice)
            .where(Notice.recipient_id == person.id)
            .options(joinedload(Notice.council))
            .order_by(Notice.created_at.desc(), Notice.id.desc())
            .offset((number - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)  # one more tells whether there is a next page
        )
    )
    return InboxPage(rows[:PAGE_SIZE], number, len(rows) > PAGE_SIZE)


def notice_of(person: Person, notice_id: int) -> Notice | None:
    """The person's own notice; another person's counts as absent."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.recipient_id != person.id:
        return None
    return notice


def email_choices(person: Person) -> dict[NoticeKind, bool]:
    """Per kind, whether the person gets it by e-mail too (kinds without a row: yes)."""
    rows = db.session.execute(
        select(NotificationPreference.kind, NotificationPreference.email).where(
            NotificationPreference.person_id == person.id
        )
    )
    chosen = {kind: email for kind, email in rows}
    return {kind: chosen.get(kind, True) for kind in NoticeKind}


# --- the private calendar feed ------------------------------------------------------------


def token_hash(token: str) -> str:
    """What is stored of a feed's token: its SHA-256, so a database leak reveals no feed."""
    return hashlib.sha256(token.encode()).hexdigest()


def active_calendar_feed(person: Person) -> CalendarFeed | None:
    return db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.person_id == person.id, CalendarFeed.revoked_at.is_(None))
        .order_by(CalendarFeed.id.desc())
        .limit(1)
    )


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed the token opens, unless it was revoked."""
    return db.session.scalar(
        select(CalendarFeed)
        .where(CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None))
        .options(joinedload(CalendarFeed.person))
    )


def feed_meetings(council_ids: Iterable[int], since: datetime) -> list[Meeting]:
    """The councils' meetings from `since` on, cancelled ones included (shown as cancelled)."""
    ids = list(council_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.council_id.in_(ids), Meeting.starts_at >= since)
            .options(joinedload(Meeting.council))
            .order_by(Meeting.starts_at)
        )
    )


# --- the secretariat's view of delivery ----------------------------------------------------


def dead_emails(council: Council) -> list[Notice]:
    """The council's notices whose e-mail was given up on, most recent first."""
    return list(
        db.session.scalars(
            select(Notice)
            .where(Notice.council_id == council.id, Notice.email_status == EmailStatus.DEAD)
            .options(joinedload(Notice.recipient))
            .order_by(Notice.created_at.desc(), Notice.id.desc())
        )
    )


def waiting_email_count(council: Council) -> int:
    """E-mails of the council's notices not sent yet (waiting, or being sent right now)."""
    return db.session.scalar(
        select(func.count(Notice.id)).where(
            Notice.council_id == council.id,
            Notice.email_status.in_([EmailStatus.PENDING, EmailStatus.SENDING]),
        )
    )
