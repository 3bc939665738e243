"""The public full-text search index: only what `snapshot.for_public` leaves is written."""

from __future__ import annotations

from sqlalchemy import delete

from portal.agendas.models import Publication, SearchEntry
from portal.agendas.snapshot import for_public
from portal.extensions import db


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
