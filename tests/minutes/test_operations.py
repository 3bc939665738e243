"""Writing and publishing the minutes as operations (rules 3.4, 3.7, 3.9)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from portal.absences.models import AbsenceReason
from portal.agendas.models import AgendaItem, ChairVote, PublicationKind
from portal.agendas.publishing import current_publication
from portal.agendas.snapshot import for_public
from portal.extensions import db
from portal.labels import label
from portal.minutes import operations as minutes
from portal.notifications.models import Notice, NoticeKind
from portal.refusal import Refused
from portal.types import utcnow
from tests.minutes.scene import Scene, build_scene

PRESENT = 3  # the chair, one member and the substitute who came


@pytest.fixture
def scene(app) -> Scene:
    return build_scene()


def save(scene: Scene, item: AgendaItem, **values: Any):  # noqa: ANN201
    stored = item.minutes
    arguments: dict[str, Any] = {
        "version": stored.version if stored else None,
        "decision": "Godkendt.",
        "votes_for": None,
        "votes_against": None,
        "votes_abstaining": None,
        "chair_vote": None,
        "present": PRESENT,
        "by": scene.staff,
        "now": utcnow(),
        **values,
    }
    return minutes.save_item_minutes(item, **arguments)


def decide_all(scene: Scene) -> None:
    save(scene, scene.open_item, votes_for=1, votes_against=1, chair_vote=ChairVote.FOR)
    save(scene, scene.closed_item, decision="Indstillingen blev fulgt.")


def test_rule_3_7_a_tie_is_decided_by_the_chairs_vote(scene):
    stored = save(
        scene,
        scene.open_item,
        votes_for=1,
        votes_against=1,
        votes_abstaining=1,
        chair_vote=ChairVote.AGAINST,
    )
    result = minutes.result_of(stored)
    assert result is not None and result.decided_by_chair and not result.adopted
    content = minutes.minutes_content(scene.meeting)
    assert content["items"][0]["minutes"]["result"] == "rejected"
    assert content["items"][0]["minutes"]["chair_vote"] == "against"


def test_rule_3_7_the_chairs_vote_is_kept_only_where_it_decides(scene):
    stored = save(scene, scene.open_item, votes_for=2, votes_against=0, chair_vote=ChairVote.FOR)
    assert stored.chair_vote is None
    assert minutes.minutes_content(scene.meeting)["items"][0]["minutes"]["result"] == "adopted"
    without_vote = save(scene, scene.closed_item)
    assert minutes.result_of(without_vote) is None
    assert (without_vote.votes_for, without_vote.votes_against) == (None, None)


@pytest.mark.parametrize("leader", [None, ChairVote.ABSTAIN, ChairVote.DID_NOT_VOTE])
def test_rule_3_7_a_tie_the_leader_did_not_break_is_recorded_and_not_adopted(scene, leader):
    stored = save(scene, scene.open_item, votes_for=1, votes_against=1, chair_vote=leader)
    assert (stored.votes_for, stored.votes_against, stored.chair_vote) == (1, 1, leader)
    recorded = minutes.minutes_content(scene.meeting)["items"][0]["minutes"]
    assert recorded["result"] == "not_adopted"


def test_rule_3_7_minutes_with_a_tie_the_chair_abstained_on_can_be_published(scene):
    save(scene, scene.open_item, votes_for=1, votes_against=1, chair_vote=ChairVote.ABSTAIN)
    save(scene, scene.closed_item, decision="Indstillingen blev fulgt.")
    pending = minutes.draft(scene.meeting)
    assert minutes.publication_problems(scene.meeting, pending, utcnow()) == []


def test_rule_3_7_no_more_votes_than_members_present(scene):
    with pytest.raises(Refused) as refused:
        save(scene, scene.open_item, votes_for=2, votes_against=1, votes_abstaining=1)
    assert refused.value.field == "votes_for" and "kun 3 medlemmer" in refused.value.message
    assert minutes.present_count(minutes.meeting_attendance(scene.meeting)) == PRESENT


def test_rule_3_4_a_stale_save_is_refused(scene):
    save(scene, scene.open_item, decision="Første udgave.")
    with pytest.raises(minutes.MinutesChanged) as refused:
        save(scene, scene.open_item, version=None, decision="Anden udgave.")
    assert "ændret af en anden" in refused.value.message
    db.session.expire_all()
    assert scene.open_item.minutes.decision == "Første udgave."


def test_rule_3_9_attendance_comes_from_the_absence_records(scene):
    attendance = minutes.attendance_content(minutes.meeting_attendance(scene.meeting))
    assert sorted(attendance["present"]) == sorted(
        [scene.chair.person.name, scene.present.person.name]
    )
    assert sorted(attendance["absent"], key=lambda seat: seat["name"]) == sorted(
        [
            {"name": scene.away.person.name, "substitute": scene.substitute.name},
            {"name": scene.absent.person.name, "substitute": None},
        ],
        key=lambda seat: seat["name"],
    )


def test_rule_3_9_absence_reasons_are_never_in_the_minutes(scene):
    decide_all(scene)
    publication = minutes.publish_minutes(scene.meeting, by=scene.staff, now=utcnow()).publication
    text = json.dumps(publication.content, ensure_ascii=False)
    for reason in AbsenceReason:
        assert reason.value not in text
        assert str(label(reason)) not in text
    assert "reason" not in text
    assert scene.substitute.name in text  # the substitute who came is listed
    public = json.dumps(for_public(publication.content), ensure_ascii=False)
    assert "Indstillingen blev fulgt" not in public and "Personsag" not in public


def test_rule_3_4_publishing_tells_members_and_the_substitutes_who_came(scene):
    decide_all(scene)
    result = minutes.publish_minutes(scene.meeting, by=scene.staff, now=utcnow())
    assert result.publication.version == 1 and result.told == 5
    assert scene.meeting.minutes_published_at is not None
    notices = db.session.scalars(
        select(Notice).where(Notice.kind == NoticeKind.MINUTES_PUBLISHED)
    ).all()
    links = {notice.recipient_id: notice.link for notice in notices}
    members = (scene.chair, scene.away, scene.absent, scene.present)
    assert all(links[seat.person.id] == f"/moeder/{scene.meeting.id}/referat" for seat in members)
    # Minutes out: the substitute reads them on the public page (rule 3.0, our reading).
    assert links[scene.substitute.id] == f"/kkr/sjaelland/moeder/{scene.meeting.id}/referat"
    assert len(links) == 5
    assert all("Personsag" not in notice.body for notice in notices)


def test_rule_3_4_a_correction_is_a_new_version_with_its_changes(scene):
    decide_all(scene)
    minutes.publish_minutes(scene.meeting, by=scene.staff, now=utcnow())
    with pytest.raises(Refused) as refused:
        minutes.publish_minutes(scene.meeting, by=scene.staff, now=utcnow())
    assert "Intet er ændret siden version 1" in refused.value.message
    save(scene, scene.open_item, decision="Rettet beslutning.", votes_for=3, votes_against=0)
    corrected = minutes.publish_minutes(scene.meeting, by=scene.staff, now=utcnow()).publication
    assert corrected.version == 2
    assert [(c["change"], c["number"]) for c in corrected.changes] == [("edited", 1)]
    assert current_publication(scene.meeting, PublicationKind.MINUTES) is corrected
    subjects = db.session.scalars(
        select(Notice.subject).where(
            Notice.recipient_id == scene.chair.person.id,
            Notice.kind == NoticeKind.MINUTES_PUBLISHED,
        )
    ).all()
    assert len(subjects) == 2 and subjects[1].startswith("Rettet referat")


def test_rule_3_4_minutes_go_out_complete_and_after_the_meeting_began(scene):
    save(scene, scene.open_item)
    with pytest.raises(Refused) as refused:
        minutes.publish_minutes(scene.meeting, by=scene.staff, now=utcnow())
    assert "Punkt 2 mangler en beslutning" in refused.value.message
    save(scene, scene.closed_item)
    early = scene.meeting.starts_at - timedelta(minutes=1)
    with pytest.raises(Refused) as refused:
        minutes.publish_minutes(scene.meeting, by=scene.staff, now=early)
    assert "når mødet er begyndt" in refused.value.message
    assert current_publication(scene.meeting, PublicationKind.MINUTES) is None
