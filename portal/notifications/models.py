"""Notices: one row is both the inbox item and the e-mail's outbox entry (transactional outbox).

A notice is written in the same transaction as the change that causes it; the delivery worker
sends its e-mail later, so a rolled-back change sends nothing and a committed one is never left
without its notice.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Person, enum_column
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.types import UTCDateTime, utcnow


class NoticeKind(enum.StrEnum):
    """What a notice is about; each person chooses per kind whether it is also e-mailed."""

    GENERAL = "general"
    PROPOSAL_DEADLINE = "proposal_deadline"  # reminder to members, 3 days before (rule 3.2)
    AGENDA_DEADLINE = "agenda_deadline"  # reminder to staff, the day before (rule 3.3)
    MEETING_CHANGED = "meeting_changed"
    SUBSTITUTE_CALLED_IN = "substitute_called_in"  # urgent: always e-mailed (rule 3.9)
    SUBSTITUTE_UNANSWERED = "substitute_unanswered"
    AGENDA_PUBLISHED = "agenda_published"  # rule 3.3, and each corrected version
    MINUTES_PUBLISHED = "minutes_published"  # rule 3.4
    PROPOSAL_RECEIPT = "proposal_receipt"  # to the member who proposed (rule 3.2)
    PROPOSAL_RECEIVED = "proposal_received"  # to staff: a proposal to triage
    PROPOSAL_DECIDED = "proposal_decided"  # placed on the agenda or returned, with the reason
    APPOINTMENT = "appointment"  # named to a regional body (rule 3.8)
    APPOINTMENT_ENDING = "appointment_ending"  # staff: a term ends soon, re-appoint


# Kinds a rule makes urgent: e-mailed whatever the person chose.
URGENT_KINDS = frozenset({NoticeKind.SUBSTITUTE_CALLED_IN, NoticeKind.SUBSTITUTE_UNANSWERED})


class EmailStatus(enum.StrEnum):
    INBOX_ONLY = "inbox_only"  # the person chose not to get this kind by e-mail
    PENDING = "pending"  # waiting for the delivery worker (again, after a failure)
    SENDING = "sending"  # claimed by a worker; reclaimed if the worker died
    SENT = "sent"
    DEAD = "dead"  # gave up after too many failures; staff can retry


class Notice(db.Model):
    __table_args__ = (
        Index("ix_notice_delivery", "email_status", "next_attempt_at"),
        Index("ix_notice_inbox", "recipient_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int | None] = mapped_column(ForeignKey("council.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "notice_kind"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # A path inside the portal (the e-mail makes it absolute) to what the notice is about.
    link: Mapped[str] = mapped_column(String(500))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))
    # Confidential (closed items, rule 3.0): the e-mail says only that there is news.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # The e-mail: a stable Message-ID, so a repeat after a crash is recognisably the same mail.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    email_status: Mapped[EmailStatus] = mapped_column(enum_column(EmailStatus, "email_status"))
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)

    council: Mapped[Council | None] = relationship()
    recipient: Mapped[Person] = relationship()
    meeting: Mapped[Meeting | None] = relationship()


class NotificationPreference(db.Model):
    """A person's choice for one kind: e-mail and inbox (the default), or inbox only."""

    __table_args__ = (UniqueConstraint("person_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "notice_kind"))
    email: Mapped[bool] = mapped_column(Boolean, default=True)


class CalendarFeed(db.Model):
    """A private calendar URL. Only the token's hash is stored; revoking ends it for good."""

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    person: Mapped[Person] = relationship()


class ReminderSent(db.Model):
    """One row per reminder given, so `notifications tick` can run every minute, and twice at
    once, without reminding anyone twice (the unique constraint decides the race)."""

    __table_args__ = (UniqueConstraint("kind", "subject_key", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(enum_column(NoticeKind, "notice_kind"))
    subject_key: Mapped[str] = mapped_column(String(100))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
