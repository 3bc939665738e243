"""Files attached to a proposal or an agenda item, stored outside `static/` (rule 3.0)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.councils.models import Council, Person
from portal.extensions import db
from portal.types import UTCDateTime, utcnow


class Attachment(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("council.id"), index=True)
    # Random name of the stored file under PORTAL_UPLOAD_FOLDER: never derived from user input.
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))  # sanitised for display and download
    content_type: Mapped[str] = mapped_column(String(120))  # from the content, not the name
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    # A proposal's files follow it onto the agenda: both links are then set.
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id"), index=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    council: Mapped[Council] = relationship()
    uploaded_by: Mapped[Person] = relationship()
