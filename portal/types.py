"""Column types shared by the models, and the bounds of a row id."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator
from werkzeug.routing import IntegerConverter, Map


class UTCDateTime(TypeDecorator[datetime]):
    """Stores an aware datetime as UTC and gives it back aware, on SQLite and PostgreSQL alike.

    SQLite keeps no time zone, so a naive value would be ambiguous; refusing naive input
    keeps local wall-clock times out of the database.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times with a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


# Row ids are PostgreSQL `integer`s: no row has a larger id, and the database refuses to compare
# with a larger number (an error, not "not found"). Ids from a URL or a form stop here.
MAX_ID = 2**31 - 1


class RowIdConverter(IntegerConverter):
    """`<int:…>` in the portal's URLs names a row: a number beyond MAX_ID matches no route (404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def row_id(text: str | None) -> int | None:
    """A row id (or a page number) from a URL's query or a form, or None when it cannot be
    one: a positive whole number no larger than a database integer."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
