"""The demo council: KKR Sjælland's 17 municipalities, fictional people, a year of meetings."""

from __future__ import annotations

from collections import Counter
from datetime import date

from flask import Flask
from sqlalchemy import func, select

from portal.councils.models import (
    CouncilOffice,
    Membership,
    MembershipKind,
    Municipality,
    Person,
    StaffAssignment,
    SubstituteAssignment,
    SubstituteBasis,
)
from portal.demo.data import EMAIL_DOMAIN, build_demo_council
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.rules.calendar import is_working_day, local_date

TODAY = date(2026, 11, 26)


def test_demo_council_has_the_region_and_its_people(app: Flask):
    council = build_demo_council(db.session, TODAY)
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 17
    memberships = db.session.scalars(select(Membership)).all()
    kinds = Counter(m.kind for m in memberships)
    assert kinds == {MembershipKind.MAYOR: 17, MembershipKind.GROUP_ELECTED: 17}
    assert len(memberships) <= 2 * 17  # rule 1.1: at most twice the municipalities
    offices = Counter(m.office for m in memberships)
    assert offices[CouncilOffice.CHAIR] == 1 and offices[CouncilOffice.VICE_CHAIR] == 1
    assert db.session.scalar(select(func.count()).select_from(StaffAssignment)) == 2
    emails = db.session.scalars(select(Person.email)).all()
    assert len(set(emails)) == len(emails)
    assert all(email.endswith("@" + EMAIL_DOMAIN) for email in emails)
    assert council.slug == "sjaelland"


def test_rule_1_2_holds_in_the_demo_data(app: Flask):
    build_demo_council(db.session, TODAY)
    assignments = db.session.scalars(select(SubstituteAssignment)).all()
    member_ids = {m.person_id for m in db.session.scalars(select(Membership))}
    substitutes = [a.substitute_id for a in assignments]
    assert len(assignments) == 34  # every member has a personal substitute
    assert len(set(substitutes)) == len(substitutes)  # one member each
    assert not member_ids & set(substitutes)  # no member is a substitute
    bases = Counter(a.basis for a in assignments)
    # Kalundborg's 1st deputy mayor is a member, so the 2nd deputy stands in for the mayor.
    assert bases[SubstituteBasis.SECOND_DEPUTY_MAYOR] == 1
    assert bases[SubstituteBasis.FIRST_DEPUTY_MAYOR] == 16


def test_demo_meetings_cover_a_year_on_working_days(app: Flask):
    build_demo_council(db.session, TODAY)
    days = [local_date(m.starts_at) for m in db.session.scalars(select(Meeting))]
    upcoming = [d for d in days if d > TODAY]
    assert len(upcoming) == 5
    assert max(upcoming) - min(upcoming) < (date(2027, 12, 1) - date(2026, 12, 1))
    assert all(is_working_day(d) for d in days)
