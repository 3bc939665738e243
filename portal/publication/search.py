"""The public full-text search: the index (only what `snapshot.for_public` leaves is written)
and the query side (SQLite FTS5 in the embedded default, PostgreSQL full-text search)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import Row, Select, column, delete, func, literal_column, select, table

from portal.agendas.models import Publication, PublicationKind, SearchEntry
from portal.agendas.snapshot import for_public
from portal.councils.models import Council
from portal.extensions import db
from portal.meetings.models import Meeting


def searchable_text(item: dict) -> str:
    minutes = item.get("minutes") or {}
    parts = [item.get("presentation", ""), item.get("recommendation", ""), minutes.get("decision")]
    return "\n\n".join(part for part in parts if part)


def index_publication(publication: Publication) -> None:
    """Replace the meeting's entries of this kind by the open items of `publication`.

    Call it in the transaction that publishes, after the Publication row is flushed.
    """
    db.session.execute(
        delete(SearchEntry).where(
            SearchEntry.meeting_id == publication.meeting_id,
            SearchEntry.kind == publication.kind,
        )
    )
    for item in for_public(publication.content)["items"]:
        if item["closed"]:
            continue  # rule 3.0: a closed item is never searchable by the public
        db.session.add(
            SearchEntry(
                council_id=publication.council_id,
                meeting_id=publication.meeting_id,
                publication_id=publication.id,
                kind=publication.kind,
                number=item["number"],
                title=item["title"],
                body=searchable_text(item),
            )
        )
    db.session.flush()


# --- the query side ---------------------------------------------------------------------------

MAX_QUERY_LENGTH = 200  # characters of the query read at all
MAX_TERMS = 8
MAX_TERM_LENGTH = 40
MAX_RESULTS = 50

# The database marks matches with these private-use characters; the page escapes everything
# and only then turns them into <mark> (never trusting HTML from snippet() or ts_headline).
START, STOP = "\ue000", "\ue001"
WORD = re.compile(r"[^\W_]+")


def search_terms(raw: str) -> list[str]:
    """The words of a query, and nothing else: quotes, operators, `NEAR(`, `*` and the like
    are dropped, so no query can be a syntax error (or a different query) in FTS5 or in
    PostgreSQL."""
    words = WORD.findall(raw[:MAX_QUERY_LENGTH])
    return [word[:MAX_TERM_LENGTH] for word in words[:MAX_TERMS]]


@dataclass(frozen=True)
class Hit:
    """One open item of a current agenda or minutes that matches."""

    meeting: Meeting
    kind: PublicationKind
    number: int
    title: str  # with START/STOP markers around matches
    excerpt: str  # likewise


def find(council: Council, terms: list[str], limit: int = MAX_RESULTS) -> list[Hit]:
    """The best matches among the council's current publications (one query)."""
    if not terms:
        return []
    if db.engine.dialect.name == "postgresql":
        rows = _find_postgresql(council, terms, limit)
    else:
        rows = _find_sqlite(council, terms, limit)
    return [
        Hit(meeting, kind, number, title, excerpt) for meeting, kind, number, title, excerpt in rows
    ]


def _current(statement: Select, council: Council) -> Select:
    # Only entries of the current version: a replaced publication is no longer public.
    return (
        statement.join(Publication, Publication.id == SearchEntry.publication_id)
        .join(Meeting, Meeting.id == SearchEntry.meeting_id)
        .where(SearchEntry.council_id == council.id, Publication.current.is_(True))
    )


def _find_sqlite(council: Council, terms: list[str], limit: int) -> Sequence[Row]:
    fts = table("search_entry_fts", column("rowid"))
    fts_name = literal_column("search_entry_fts")
    # Each word a quoted FTS5 string with a prefix star: `"kollektiv"* "trafik"*` (all of them).
    match = " ".join('"' + term.replace('"', '""') + '"*' for term in terms)
    statement = (
        select(
            Meeting,
            SearchEntry.kind,
            SearchEntry.number,
            func.highlight(fts_name, 0, START, STOP),
            func.snippet(fts_name, 1, START, STOP, "…", 24),
        )
        .select_from(fts)
        .join(SearchEntry, SearchEntry.id == fts.c.rowid)
    )
    statement = (
        _current(statement, council)
        .where(fts_name.op("MATCH")(match))
        .order_by(func.bm25(fts_name), Meeting.starts_at.desc(), SearchEntry.number)
        .limit(limit)
    )
    return db.session.execute(statement).all()


# The expression of the GIN index in the migration, written the same way so it is used.
DOCUMENT = literal_column("to_tsvector('danish', search_entry.title || ' ' || search_entry.body)")
HEADLINE_TITLE = f'StartSel="{START}", StopSel="{STOP}", HighlightAll=true'
HEADLINE_BODY = (
    f'StartSel="{START}", StopSel="{STOP}", MaxWords=30, MinWords=12, MaxFragments=2, '
    'FragmentDelimiter=" … "'
)


def _find_postgresql(council: Council, terms: list[str], limit: int) -> Sequence[Row]:
    query = func.websearch_to_tsquery(literal_column("'danish'"), " ".join(terms))
    statement = select(
        Meeting,
        SearchEntry.kind,
        SearchEntry.number,
        func.ts_headline(literal_column("'danish'"), SearchEntry.title, query, HEADLINE_TITLE),
        func.ts_headline(literal_column("'danish'"), SearchEntry.body, query, HEADLINE_BODY),
    ).select_from(SearchEntry)
    statement = (
        _current(statement, council)
        .where(DOCUMENT.op("@@")(query))
        .order_by(
            func.ts_rank(DOCUMENT, query).desc(), Meeting.starts_at.desc(), SearchEntry.number
        )
        .limit(limit)
    )
    return db.session.execute(statement).all()


def marked(text: str) -> Markup:
    """Escape `text`, then turn the database's START/STOP markers into <mark> elements.

    The result is well formed whatever the markers: one left open is closed at the end, a
    stray STOP is dropped, and no other markup can pass.
    """
    parts: list[str] = []
    inside = False
    for piece in re.split(f"([{START}{STOP}])", text or ""):
        if piece == START:
            if not inside:
                parts.append("<mark>")
                inside = True
        elif piece == STOP:
            if inside:
                parts.append("</mark>")
                inside = False
        elif piece:
            parts.append(str(escape(piece)))
    if inside:
        parts.append("</mark>")
    return Markup("".join(parts))  # noqa: S704  # nosec B704  # each piece above is escaped
