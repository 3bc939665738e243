"""Who may do what: the one place the portal decides permissions.

Every view is wrapped by `allow(...)` with one of the access rules below. The wrapper loads
what the rule needs (a council from the URL), checks it, and only then runs the view; a test
walks the URL map and fails on any endpoint without a declared rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal import htmx
from portal.councils.models import (
    Council,
    CouncilOffice,
    Membership,
    StaffAssignment,
    SubstituteAssignment,
    active_on,
)
from portal.extensions import db
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow


def today() -> date:
    """Today's date in Copenhagen: memberships and assignments change at local midnight."""
    return utcnow().astimezone(COPENHAGEN).date()


# --- questions about a person -------------------------------------------------------------


def staff_council_ids(person: Any) -> frozenset[int]:
    """The councils whose secretariat `person` works in today (cached for the request)."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    cache = g.setdefault("_staff_council_ids", {})
    if person.id not in cache:
        rows = db.session.scalars(
            select(StaffAssignment.council_id).where(
                StaffAssignment.person_id == person.id, active_on(StaffAssignment, today())
            )
        )
        cache[person.id] = frozenset(rows)
    return cache[person.id]


def member_council_ids(person: Any, day: date | None = None) -> frozenset[int]:
    """The councils `person` sits in on `day` (default today), cached for the request: the
    menu, the page and its access checks all ask."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    day = day or today()
    cache = g.setdefault("_member_council_ids", {})
    if (person.id, day) not in cache:
        rows = db.session.scalars(
            select(Membership.council_id).where(
                Membership.person_id == person.id, active_on(Membership, day)
            )
        )
        cache[person.id, day] = frozenset(rows)
    return cache[person.id, day]


def participant_council_ids(person: Any) -> frozenset[int]:
    """The councils whose meetings `person` may attend under rule 1.5 today (cached)."""
    if not getattr(person, "is_authenticated", False):
        return frozenset()
    cache = g.setdefault("_participant_council_ids", {})
    if person.id not in cache:
        from portal.participants.queries import participant_council_ids as lookup

        cache[person.id] = lookup(person.id, today())
    return cache[person.id]


@dataclass(frozen=True)
class CouncilRoles:
    """The councils a person takes part in today, by role (council ids)."""

    member: frozenset[int]
    substitute: frozenset[int]  # personal substitute of a current member
    staff: frozenset[int]
    participant: frozenset[int] = frozenset()  # rule 1.5: attends without a vote

    @property
    def council_ids(self) -> frozenset[int]:
        return self.member | self.substitute | self.staff | self.participant


def council_roles(person: Any) -> CouncilRoles:
    """Where `person` is a member, a substitute or staff today: whose meetings concern them."""
    substitute = db.session.scalars(
        select(SubstituteAssignment.council_id).where(
            SubstituteAssignment.substitute_id == person.id,
            active_on(SubstituteAssignment, today()),
        )
    )
    return CouncilRoles(
        member_council_ids(person),
        frozenset(substitute),
        staff_council_ids(person),
        participant_council_ids(person),
    )


def staff_councils(person: Any = None) -> list[Council]:
    """The councils the person (default: whoever is signed in) works for, for the menu."""
    ids = staff_council_ids(current_user if person is None else person)
    if not ids:
        return []
    query = select(Council).where(Council.id.in_(ids)).order_by(Council.name)
    return list(db.session.scalars(query))


def is_staff(person: Any, council: Council) -> bool:
    return council.id in staff_council_ids(person)


def can_manage_council(person: Any, council: Council) -> bool:
    """Keep municipalities, groups, people, memberships and substitutes (the secretariat)."""
    return is_staff(person, council)


def is_staff_anywhere(person: Any) -> bool:
    return bool(staff_council_ids(person))


def is_member(person: Any, council_id: int) -> bool:
    """A member of the council today (they read every agenda of it, closed items included)."""
    return council_id in member_council_ids(person)


def is_attending_substitute(person: Any, meeting: Any) -> bool:
    """Called in for this meeting and attending: they read its material until its minutes
    are published, and no other meeting's (rule 1.8, our reading of 3.0)."""
    from portal.absences.models import CallInAnswer, SubstituteCallIn

    if not getattr(person, "is_authenticated", False) or meeting.minutes_published_at:
        return False
    call = db.session.scalar(
        select(SubstituteCallIn.id).where(
            SubstituteCallIn.meeting_id == meeting.id,
            SubstituteCallIn.substitute_id == person.id,
            SubstituteCallIn.answer == CallInAnswer.ATTENDING,
        )
    )
    return call is not None


def is_chair(person: Any, council: Council) -> bool:
    """The council's chair today: rule 3.2 has the chair put members' proposals on the agenda."""
    if not getattr(person, "is_authenticated", False):
        return False
    chair = db.session.scalar(
        select(Membership.id).where(
            Membership.person_id == person.id,
            Membership.council_id == council.id,
            Membership.office == CouncilOffice.CHAIR,
            active_on(Membership, today()),
        )
    )
    return chair is not None


def can_triage_proposals(person: Any, council: Council) -> bool:
    """Receive members' proposals and place or return them (rule 3.2): staff and the chair."""
    return is_staff(person, council) or is_chair(person, council)


def can_build_agenda(person: Any, council: Council) -> bool:
    """Build, order and publish agendas: the secretariat, and the chair, who decides the
    order of the items (rule 3.6) and puts members' proposals on the agenda (rule 3.2)."""
    return is_staff(person, council) or is_chair(person, council)


def is_participant(person: Any, council_id: int) -> bool:
    """Rule 1.5: a member of KL's board or a committee from the region, who may attend and
    reads the material like a member (closed items included), but has no vote."""
    return council_id in participant_council_ids(person)


def can_read_material(person: Any, meeting: Any) -> bool:
    """The meeting's full material: unpublished drafts staff shared and closed items (3.0)."""
    return (
        is_staff(person, meeting.council)
        or is_member(person, meeting.council_id)
        or is_participant(person, meeting.council_id)
        or is_attending_substitute(person, meeting)
    )


# --- access rules for views ---------------------------------------------------------------


@dataclass(frozen=True)
class AccessRule:
    """Who may reach a view; `check` aborts or returns a response when they may not."""

    name: str
    needs_sign_in: bool = False
    council_check: Callable[[Any, Council], bool] | None = None
    demo_only: bool = False

    def check(self, view_args: dict[str, Any]) -> Any:
        if self.demo_only and not current_app.config["PORTAL_DEMO"]:
            abort(404)
        if self.council_check is not None:
            slug = view_args.pop("council_slug")
            council = db.session.scalar(select(Council).where(Council.slug == slug))
            if council is None:
                abort(404)
            g.council = council
            view_args["council"] = council
        if self.needs_sign_in and not current_user.is_authenticated:
            return sign_in_required()
        if self.council_check is not None and not self.council_check(current_user, g.council):
            abort(403)
        return None


PUBLIC = AccessRule("public")
SIGNED_IN = AccessRule("signed_in", needs_sign_in=True)
COUNCIL_PUBLIC = AccessRule("council_public", council_check=lambda person, council: True)
COUNCIL_STAFF = AccessRule("council_staff", needs_sign_in=True, council_check=can_manage_council)
COUNCIL_PROPOSALS = AccessRule(
    "council_proposals", needs_sign_in=True, council_check=can_triage_proposals
)
COUNCIL_AGENDA = AccessRule("council_agenda", needs_sign_in=True, council_check=can_build_agenda)
DEMO = AccessRule("demo", demo_only=True)


def sign_in_required() -> Any:
    """Send the anonymous to sign-in, then back; under htmx without swapping a page in."""
    target = url_for("auth.sign_in", next=request.full_path.rstrip("?"))
    if htmx.is_htmx():
        return htmx.client_redirect(target)
    return redirect(target)


def allow(rule: AccessRule) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare and enforce who may use a view."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(**view_args: Any) -> Any:
            refusal = rule.check(view_args)
            if refusal is not None:
                return refusal
            return view(**view_args)

        guarded.access_rule = rule  # type: ignore[attr-defined]
        return guarded

    return decorate


def declared_rule(view: Callable[..., Any]) -> AccessRule | None:
    return getattr(view, "access_rule", None)
