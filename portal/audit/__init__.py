"""The audit log every operation writes to, in the same transaction as its change."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask import has_request_context
from flask_login import current_user
from sqlalchemy import inspect

from portal.audit.models import AuditEntry
from portal.extensions import db


def snapshot(obj: Any) -> dict[str, Any]:
    """The object's column values, as JSON-ready data, for before/after."""
    values: dict[str, Any] = {}
    for column in inspect(obj).mapper.column_attrs:
        value = getattr(obj, column.key)
        if isinstance(value, enum.Enum):
            value = value.value
        elif isinstance(value, date | datetime):
            value = value.isoformat()
        values[column.key] = value
    return values


def record(
    action: str,
    obj: Any,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    council_id: int | None = None,
    actor_id: int | None = None,
) -> AuditEntry:
    """Add an audit row for `action` on `obj`; the caller's transaction commits it."""
    db.session.flush()  # gives a new object its id
    # Outside a request (the command line, the reminder tick) there is no signed-in actor.
    if actor_id is None and has_request_context() and current_user.is_authenticated:
        actor_id = current_user.id
    entry = AuditEntry(
        actor_id=actor_id,
        council_id=council_id if council_id is not None else getattr(obj, "council_id", None),
        action=action,
        object_type=type(obj).__name__,
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
