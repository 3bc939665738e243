"""SQL statements per page stay the same with 1 and 20 times the meetings, items, publications
and members, for the main pages that no area test counts yet: 'Mit overblik' of a member and
of the secretariat, and the secretariat's lists of meetings and agendas. (The public plan,
agenda and members, the member's agenda, the builder and the attendance board are counted in
tests/publication, tests/agendas, tests/absences and tests/test_public_and_overview.py;
bench/query_counts.py shows all of them at 1×, 10× and 100× the demo data.)"""

from __future__ import annotations

import re

from portal.councils.models import Council
from portal.extensions import db
from tests.conftest import sign_in
from tests.factories import make_council, make_meeting, make_member, make_staff, make_substitute
from tests.publication.scene import make_item, publish_agenda
from tests.support import QueryCounter


def add_meetings(council: Council, count: int, first_day: int) -> None:
    """`count` upcoming meetings, each with two items (one closed) and its agenda sent out,
    and as many new members with a substitute."""
    for number in range(count):
        meeting = make_meeting(council, days_ahead=first_day + number)
        make_item(meeting, f"Trafik {number}", presentation="Trafikplanen.")
        make_item(meeting, f"Lukket sag {number}", closed=True)
        publish_agenda(meeting)
        make_substitute(make_member(council))
    db.session.commit()


def test_main_pages_of_members_and_staff_run_constant_queries(client):
    council = make_council()
    member = make_member(council)
    make_substitute(member)
    staff = make_staff(council)
    add_meetings(council, 1, first_day=10)
    base = f"/kkr/{council.slug}/admin"
    pages = [
        (member.person, "/overblik"),
        (staff, "/overblik"),
        (staff, f"{base}/moeder"),
        (staff, f"{base}/dagsordener"),
    ]

    def counts() -> list[int]:
        found = []
        for person, url in pages:
            sign_in(client, person)
            with QueryCounter() as counter:
                assert client.get(url).status_code == 200, url
            found.append(counter.count)
        return found

    few = counts()
    add_meetings(council, 19, first_day=11)
    many = counts()
    assert many == few
    # ... while each page shows all 20 meetings (the last list signed in as staff).
    page = client.get(f"{base}/dagsordener").get_data(as_text=True)
    assert len(set(re.findall(r"/moeder/(\d+)/", page))) == 20
