"""The demo's last meeting has published minutes (rules 3.4, 3.7)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.agendas.models import Publication, PublicationKind
from portal.demo.data import build_demo_council
from portal.extensions import db

TODAY = date(2026, 11, 26)


def test_rule_3_4_the_demo_has_minutes_with_a_tie_the_chair_decided(app):
    build_demo_council(db.session, TODAY)
    (minutes,) = db.session.scalars(
        select(Publication).where(Publication.kind == PublicationKind.MINUTES)
    ).all()
    assert minutes.meeting.minutes_published_at is not None
    items = minutes.content["items"]
    assert all(item["minutes"]["decision"] for item in items)
    tied = [item["minutes"] for item in items if item["minutes"]["votes_for"] is not None]
    assert [(m["votes_for"], m["votes_against"], m["chair_vote"], m["result"]) for m in tied] == [
        (16, 16, "for", "adopted")
    ]
    attendance = minutes.content["attendance"]
    assert (len(attendance["present"]), attendance["absent"]) == (34, [])
