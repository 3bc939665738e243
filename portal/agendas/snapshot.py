"""What a published agenda or minutes holds, and what each audience may see of it.

`Publication.content` is a plain JSON document:

    {"meeting": {"id", "kind", "starts_at" (ISO, UTC), "location"},
     "items": [{"id", "number", "title", "presentation", "recommendation", "closed",
                "proposer" (name or null), "attachments": [{"id", "filename", "size",
                "content_type"}],
                "minutes": null | {"decision", "votes_for", "votes_against",
                                   "votes_abstaining", "chair_vote", "result"}}],
     "attendance": null | {"present": [name, ...],
                           "absent": [{"name", "substitute" (name or null)}],
                           "late": [{"name", "item" (first item's number)}] (optional),
                           "early": [{"name", "item" (last item's number)}] (optional),
                           "participants": [name, ...] (rule 1.5, optional),
                           "leader": null | {"name", "office" (chair, vice_chair,
                                             convener or chosen)}}}

Members, called-in substitutes and staff read it whole. Everyone else reads it through
`for_public`, the one place where a closed item is reduced to its number (rule 3.0): public
pages, feeds, PDFs and the search index are all built from its result.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

Content = dict[str, Any]


def closed_placeholder(item: dict[str, Any]) -> dict[str, Any]:
    """All the public learns of a closed item: that it exists, and its number."""
    return {"number": item["number"], "closed": True}


def for_public(content: Content) -> Content:
    """The snapshot with every closed item reduced to its number; nothing else changes."""
    items = [closed_placeholder(item) if item["closed"] else item for item in content["items"]]
    return {**content, "items": items}


def public_attachment_ids(content: Content) -> set[int]:
    """Attachments the public may download: those of open items only."""
    return {
        attachment["id"]
        for item in content["items"]
        if not item["closed"]
        for attachment in item.get("attachments", [])
    }


def describe_changes(previous: Content | None, current: Content) -> list[dict[str, Any]]:
    """What changed between two versions, one entry per item, for "Rettet dagsorden".

    Entries are data (`{"change": added|removed|moved|edited|closed|opened, "number",
    "title", "closed"}`), not text, so that each audience gets them in its language and the
    public never sees the title of a closed item (see `changes_for_public`).
    """
    if previous is None:
        return []
    before = {item["id"]: item for item in previous["items"]}
    after = {item["id"]: item for item in current["items"]}
    changes: list[dict[str, Any]] = []

    def entry(change: str, item: dict[str, Any]) -> dict[str, Any]:
        return {
            "change": change,
            "number": item["number"],
            "title": item["title"],
            "closed": item["closed"],
        }

    for item in current["items"]:
        old = before.get(item["id"])
        if old is None:
            changes.append(entry("added", item))
            continue
        if old["closed"] != item["closed"]:
            changes.append(entry("closed" if item["closed"] else "opened", item))
        elif any(
            old.get(key) != item.get(key)
            for key in ("title", "presentation", "recommendation", "attachments", "minutes")
        ):
            changes.append(entry("edited", item))
        if old["number"] != item["number"]:
            changes.append({**entry("moved", item), "from_number": old["number"]})
    for item in previous["items"]:
        if item["id"] not in after:
            changes.append(entry("removed", item))
    return changes


def changes_for_public(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The change list without the titles of closed items (rule 3.0)."""
    return [
        {key: value for key, value in change.items() if key != "title"}
        if change["closed"] or change["change"] in {"closed", "opened"}
        else change
        for change in changes
    ]


# --- building a snapshot from the live rows -------------------------------------------------


def live_items(meeting: Any) -> list[Any]:
    """The meeting's items on the agenda, in order (removed ones left out)."""
    from sqlalchemy import select

    from portal.agendas.models import AgendaItem
    from portal.extensions import db

    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id, AgendaItem.removed_at.is_(None))
            .order_by(AgendaItem.position, AgendaItem.id)
        )
    )


def attachments_by_item(items: list[Any]) -> dict[int, list[Any]]:
    from sqlalchemy import select

    from portal.attachments.models import Attachment
    from portal.extensions import db

    found: dict[int, list[Any]] = {item.id: [] for item in items}
    if not items:
        return found
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.agenda_item_id.in_(found), Attachment.removed_at.is_(None))
        .order_by(Attachment.id)
    )
    for attachment in rows:
        found[attachment.agenda_item_id].append(attachment)
    return found


def item_minutes_content(item: Any) -> dict[str, Any] | None:
    """The minutes of one item as the snapshot holds them (None: nothing recorded)."""
    from portal.minutes.operations import result_of

    minutes = item.minutes
    if minutes is None:
        return None
    result = result_of(minutes)  # rule 3.7, computed here and never typed
    return {
        "decision": minutes.decision,
        "votes_for": minutes.votes_for,
        "votes_against": minutes.votes_against,
        "votes_abstaining": minutes.votes_abstaining,
        "chair_vote": minutes.chair_vote.value if minutes.chair_vote else None,
        # "adopted", "rejected" or "not_adopted" (a tie the leader's vote did not break);
        # None without a vote.
        "result": result.outcome.value if result is not None else None,
    }


def build_content(
    meeting: Any,
    *,
    with_minutes: bool = False,
    attendance: dict[str, Any] | None = None,
) -> Content:
    """The snapshot of the meeting's agenda as it stands (and its minutes, when asked)."""
    items = live_items(meeting)
    files = attachments_by_item(items)
    return {
        "meeting": {
            "id": meeting.id,
            "kind": meeting.kind.value,
            "starts_at": meeting.starts_at.astimezone(UTC).isoformat(),
            "location": meeting.location,
        },
        "items": [
            {
                "id": item.id,
                "number": number,
                "title": item.title,
                "presentation": item.presentation,
                "recommendation": item.recommendation,
                "closed": item.closed,
                "proposer": item.proposer.name if item.proposer else None,
                "attachments": [
                    {
                        "id": attachment.id,
                        "filename": attachment.filename,
                        "size": attachment.size,
                        "content_type": attachment.content_type,
                    }
                    for attachment in files[item.id]
                ],
                "minutes": item_minutes_content(item) if with_minutes else None,
            }
            for number, item in enumerate(items, start=1)
        ],
        "attendance": attendance,
    }
