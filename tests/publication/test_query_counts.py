"""Public pages, the search and the feeds run the same number of SQL statements with 1 and 20
times the meetings, items and publications (rule 3.0 pages read snapshots, not live rows)."""

from __future__ import annotations

from portal.extensions import db
from portal.meetings.models import Meeting
from tests.factories import make_council, make_meeting
from tests.publication.scene import make_item, publish_agenda, publish_minutes, record_minutes
from tests.support import QueryCounter


def add_items(meeting: Meeting, count: int) -> None:
    for number in range(count):
        open_item = make_item(
            meeting, f"Trafik og veje {number}", presentation="Trafik i regionen."
        )
        record_minutes(open_item, "Trafikplanen blev godkendt.", votes=(9, 3, 0))
        closed = make_item(meeting, f"Lukket sag {number}", closed=True)
        record_minutes(closed, "Besluttet.")


def publish_both(meeting: Meeting) -> None:
    publish_agenda(meeting)
    publish_minutes(meeting, attendance={"present": ["A"], "absent": []})


def test_rule_3_0_public_pages_run_constant_queries(client):
    council = make_council()
    target = make_meeting(council, days_ahead=5)
    add_items(target, 1)
    publish_both(target)
    base = f"/kkr/{council.slug}"
    urls = [
        f"{base}/",
        f"{base}/dagsordener",
        f"{base}/moeder/{target.id}/dagsorden",
        f"{base}/moeder/{target.id}/referat",
        f"{base}/soeg?q=trafik",
        f"{base}/dagsordener.atom",
        f"{base}/moedeplan.ics",
    ]

    def counts() -> dict[str, int]:
        db.session.commit()
        found = {}
        for url in urls:
            with QueryCounter() as counter:
                assert client.get(url).status_code == 200, url
            found[url] = counter.count
        return found

    few = counts()
    assert max(few.values()) <= 4
    add_items(target, 19)
    publish_both(target)  # version 2 with 20 times the items
    for day in range(19):
        meeting = make_meeting(council, days_ahead=6 + day)
        add_items(meeting, 2)
        publish_both(meeting)
    many = counts()
    assert many == few
    assert "Lukket punkt 40" in client.get(urls[2]).get_data(as_text=True)  # 20 times the items
