"""The secretariat's agenda builder: items, attachments, edits, removal and the order (3.6)."""

from __future__ import annotations

import io
import re

from flask import Flask
from sqlalchemy import select, update

from portal.agendas import operations
from portal.agendas.models import AgendaItem
from portal.attachments.models import Attachment
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.types import utcnow
from tests.agendas.scene import CONFIRM, HTMX, PDF, Scene, count, docx_bytes, make_item, text
from tests.conftest import sign_in


def positions(scene: Scene) -> list[str]:
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == scene.meeting.id, AgendaItem.removed_at.is_(None))
        .order_by(AgendaItem.position)
    )
    return [item.title for item in items]


def order_of(titles: list[str]) -> list[str]:
    by_title = {
        item.title: str(item.id)
        for item in db.session.scalars(select(AgendaItem).where(AgendaItem.title.in_(titles)))
    }
    return [by_title[title] for title in titles]


def test_staff_add_items_with_several_files_and_see_them_in_order(client, scene: Scene, uploads):
    sign_in(client, scene.staff)
    response = client.post(
        scene.staff_url("/punkter/nyt"),
        data={
            "title": "Kollektiv trafik",
            "presentation": "Linje 1\r\nLinje 2",
            "recommendation": "Det indstilles, at KKR drøfter sagen.",
            "attachments": [(io.BytesIO(PDF), "notat.pdf"), (io.BytesIO(docx_bytes()), "b.docx")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert response.headers["Location"] == scene.staff_url()
    client.post(
        scene.staff_url("/punkter/nyt"),
        data={"title": "Personsag", "closed": "y"},
        content_type="multipart/form-data",
    )
    assert positions(scene) == ["Kollektiv trafik", "Personsag"]
    first = db.session.scalars(select(AgendaItem).order_by(AgendaItem.id)).first()
    assert first.presentation == "Linje 1\nLinje 2"
    files = db.session.scalars(select(Attachment).where(Attachment.agenda_item_id == first.id))
    assert sorted(f.filename for f in files) == ["b.docx", "notat.pdf"]
    assert len(list(uploads.iterdir())) == 2
    page = text(client.get(scene.staff_url()))
    assert page.index("Kollektiv trafik") < page.index("Personsag")
    assert "Lukket punkt" in page and "2 bilag" in page


def test_a_refused_file_loses_nothing_typed_and_stores_nothing(client, scene: Scene, uploads):
    sign_in(client, scene.staff)
    response = client.post(
        scene.staff_url("/punkter/nyt"),
        data={
            "title": "Budget <2027>",
            "presentation": "En lang sagsfremstilling",
            "closed": "y",
            "attachments": [(io.BytesIO(PDF), "ok.pdf"), (io.BytesIO(b"MZ\x90\x00"), "virus.pdf")],
        },
        content_type="multipart/form-data",
        headers=HTMX,
    )
    assert response.status_code == 422
    page = text(response)
    assert "Filen virus.pdf kan ikke vedhæftes" in page
    assert 'value="Budget &lt;2027&gt;"' in page  # as typed, and escaped
    assert "En lang sagsfremstilling" in page
    assert re.search(r'<input[^>]*checked[^>]*name="closed"|name="closed"[^>]*checked', page)
    assert count(AgendaItem) == 0 and count(Attachment) == 0
    assert not uploads.exists() or not list(uploads.iterdir())


def test_an_edit_over_someone_elses_save_is_refused_and_overwrites_nothing(client, scene: Scene):
    item = make_item(scene.meeting, "Første overskrift")
    sign_in(client, scene.staff)
    form = text(client.get(scene.item_url(item)))
    assert 'name="version" type="hidden" value="1"' in form
    # A colleague saves first.
    client.post(scene.item_url(item), data={"title": "Kollegaens overskrift", "version": "1"})
    assert item.version == 2
    response = client.post(
        scene.item_url(item), data={"title": "Min overskrift", "version": "1"}, headers=HTMX
    )
    assert response.status_code == 422
    page = text(response)
    assert "Punktet er ændret af en anden" in page
    assert "Kollegaens overskrift" in page  # what is stored now, shown beside ...
    assert 'value="Min overskrift"' in page  # ... what they typed, kept
    assert 'name="version" type="hidden" value="2"' in page
    assert item.title == "Kollegaens overskrift"
    # Saving again, now knowing the other change, is a choice: it goes through.
    again = client.post(scene.item_url(item), data={"title": "Min overskrift", "version": "2"})
    assert again.status_code == 303
    assert item.title == "Min overskrift" and item.version == 3


def test_a_save_racing_another_is_refused_by_the_version_column(app: Flask, scene: Scene):
    item = make_item(scene.meeting, "Før")
    db.session.commit()
    assert item.version == 1  # loaded: this request holds version 1
    # Another request saves (and commits) between this one's check and its write.
    with db.engine.begin() as other:
        other.execute(
            update(AgendaItem)
            .where(AgendaItem.id == item.id)
            .values(title="Den andens", version=AgendaItem.version + 1)
        )
    try:
        operations.edit_item(
            item,
            version=1,
            title="Min",
            presentation="",
            recommendation="",
            closed=False,
            uploads=[],
            by=scene.staff,
            now=utcnow(),
        )
    except operations.ItemChanged as refusal:
        assert "ændret af en anden" in refusal.message
    else:
        raise AssertionError("the stale save went through")
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "Den andens"


def test_removing_an_item_and_an_attachment_deletes_nothing(client, scene: Scene):
    item = make_item(scene.meeting, "Tages af")
    keep = make_item(scene.meeting, "Bliver")
    sign_in(client, scene.staff)
    client.post(
        scene.item_url(keep),
        data={"title": "Bliver", "version": "1", "attachments": [(io.BytesIO(PDF), "a.pdf")]},
        content_type="multipart/form-data",
    )
    attachment = db.session.scalars(select(Attachment)).one()
    answer = client.post(scene.item_url(keep, f"/bilag/{attachment.id}/fjern"), headers=HTMX)
    assert answer.status_code == 200
    assert "Bilaget a.pdf er fjernet." in text(answer)
    assert attachment.removed_at is not None
    response = client.post(scene.item_url(item, "/fjern"))
    assert response.status_code == 303
    assert item.removed_at is not None and count(AgendaItem) == 2
    assert positions(scene) == ["Bliver"]
    assert client.get(scene.item_url(item)).status_code == 404  # off the agenda
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"agenda_item.removed", "attachment.removed"} <= actions


def test_rule_3_2_an_item_from_a_members_proposal_stays_on_the_agenda(client, scene: Scene):
    item = make_item(scene.meeting, "Forslag om cykelstier", proposer=scene.member)
    sign_in(client, scene.staff)
    assert "Tag punktet af dagsordenen</button>" not in text(client.get(scene.item_url(item)))
    response = client.post(scene.item_url(item, "/fjern"))
    assert response.headers["Location"] == scene.item_url(item)
    assert item.removed_at is None
    assert "et rettidigt forslag skal på dagsordenen (regel 3.2)" in text(
        client.get(scene.item_url(item))
    )


def test_rule_3_6_move_buttons_work_without_javascript(client, scene: Scene):
    for title in ("A", "B", "C"):
        make_item(scene.meeting, title)
    sign_in(client, scene.staff)
    c = db.session.scalars(select(AgendaItem).where(AgendaItem.title == "C")).one()
    response = client.post(
        scene.staff_url("/raekkefoelge"),
        data={"order": order_of(["A", "B", "C"]), "move": f"up:{c.id}"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == scene.staff_url(f"#item-{c.id}")
    assert positions(scene) == ["A", "C", "B"]
    page = text(client.get(scene.staff_url()))
    assert "»C« er nu punkt 2 af 3." in page  # the flash message


def test_rule_3_6_move_with_htmx_rerenders_the_list_and_keeps_focus(client, scene: Scene):
    for title in ("A", "B"):
        make_item(scene.meeting, title)
    sign_in(client, scene.staff)
    a = db.session.scalars(select(AgendaItem).where(AgendaItem.title == "A")).one()
    response = client.post(
        scene.staff_url("/raekkefoelge"),
        data={"order": order_of(["A", "B"]), "move": f"down:{a.id}"},
        headers=HTMX,
    )
    assert response.status_code == 200
    page = text(response)
    assert page.lstrip().startswith('<div id="agenda-builder">')
    assert 'id="agenda-status" hx-swap-oob="innerHTML"' in page
    assert "»A« er nu punkt 2 af 2." in page
    # A is last now: its "Flyt ned" is disabled, so the focus goes to its "Flyt op".
    assert re.search(rf'value="up:{a.id}" class="secondary" autofocus', page)
    assert positions(scene) == ["B", "A"]


def test_rule_3_6_a_dragged_order_must_name_exactly_the_meetings_items(client, scene: Scene):
    for title in ("A", "B", "C"):
        make_item(scene.meeting, title)
    elsewhere = make_item(scene.other_meeting, "Et andet råds punkt")
    sign_in(client, scene.staff)
    url = scene.staff_url("/raekkefoelge")
    a, b, c = order_of(["A", "B", "C"])
    for bad, move in [
        ([a, b], None),
        ([a, b, c, str(elsewhere.id)], None),
        ([a, a, b, c], None),
        ([a, b, "x"], None),
        ([a, b, c], f"sideways:{a}"),
        ([a, b, c], f"up:{elsewhere.id}"),
    ]:
        data = {"order": bad, **({"move": move} if move else {})}
        response = client.post(url, data=data, headers=HTMX)
        assert response.status_code == 422, (bad, move)
        assert positions(scene) == ["A", "B", "C"]
    assert "Dagsordenen er ændret, siden siden blev vist" in text(
        client.post(url, data={"order": [a, b]}, headers=HTMX)
    )
    response = client.post(url, data={"order": [c, a, b]}, headers=HTMX)
    assert response.status_code == 200
    assert "Den nye rækkefølge er gemt." in text(response)
    assert positions(scene) == ["C", "A", "B"]
    assert elsewhere.position == 1


def test_rule_3_6_order_stays_editable_after_publication(client, scene: Scene):
    make_item(scene.meeting, "A")
    make_item(scene.meeting, "B")
    sign_in(client, scene.staff)
    assert client.post(scene.staff_url("/udsend"), data=CONFIRM).status_code == 303
    a, b = order_of(["A", "B"])
    assert client.post(scene.staff_url("/raekkefoelge"), data={"order": [b, a]}).status_code == 303
    page = text(client.get(scene.staff_url()))
    assert "Der er ændringer, som medlemmerne ikke ser endnu." in page
    assert "Punktet »B« er flyttet fra nr. 2 til nr. 1." in page


def test_builder_query_count_does_not_grow_with_items(client, scene: Scene):
    from tests.support import QueryCounter

    sign_in(client, scene.staff)

    def query_count() -> int:
        with QueryCounter() as counter:
            assert client.get(scene.staff_url()).status_code == 200
        return counter.count

    make_item(scene.meeting, "A", proposer=scene.member)
    few = query_count()
    for number in range(20):
        make_item(scene.meeting, f"Punkt {number}", proposer=scene.neighbour.person)
    assert query_count() == few


def test_state_changes_need_the_csrf_token(csrf_app: Flask, scene: Scene):
    client = csrf_app.test_client()
    item = make_item(scene.meeting, "A")
    sign_in(client, scene.staff)
    for url, data in [
        (scene.staff_url("/punkter/nyt"), {"title": "X"}),
        (scene.item_url(item), {"title": "X", "version": "1"}),
        (scene.item_url(item, "/fjern"), {}),
        (scene.staff_url("/raekkefoelge"), {"order": [str(item.id)]}),
        (scene.staff_url("/del"), {"share": "1"}),
        (scene.staff_url("/udsend"), {}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code in {400, 422}, url
    assert item.title == "A" and item.removed_at is None
    assert count(AgendaItem) == 1
    assert scene.meeting.agenda_shared_at is None and scene.meeting.agenda_published_at is None


def test_staff_pages_are_for_this_councils_staff_only(client, scene: Scene):
    item = make_item(scene.meeting, "A")
    mine = [
        ("get", scene.staff_url()),
        ("get", scene.staff_url("/punkter/nyt")),
        ("get", scene.item_url(item)),
        ("post", scene.item_url(item, "/fjern")),
        ("post", scene.staff_url("/raekkefoelge")),
        ("get", scene.staff_url("/forhaandsvisning")),
        ("post", scene.staff_url("/del")),
        ("get", scene.staff_url("/udsend")),
    ]
    # The other council's staff, through their own council's URLs: not there (404).
    sign_in(client, scene.other_staff)
    for method, url in mine:
        theirs = url.replace("/kkr/sjaelland/", "/kkr/hovedstaden/")
        assert getattr(client, method)(theirs).status_code == 404, theirs
        assert getattr(client, method)(url).status_code == 403, url
    # A member is not the secretariat.
    sign_in(client, scene.member)
    for method, url in mine:
        assert getattr(client, method)(url).status_code == 403, url
    # An item of another meeting through this meeting's URL: not there.
    other = make_meeting_item(scene)
    sign_in(client, scene.staff)
    assert client.get(scene.item_url(other)).status_code == 404
    assert item.removed_at is None


def make_meeting_item(scene: Scene) -> AgendaItem:
    from tests.factories import make_meeting

    return make_item(make_meeting(scene.council, days_ahead=60), "Et andet møde")


def test_rule_3_6_the_chair_orders_the_agenda_but_an_ordinary_member_cannot(client, scene: Scene):
    from portal.councils.models import CouncilOffice
    from tests.factories import make_member

    for title in ("A", "B"):
        make_item(scene.meeting, title)
    chair = make_member(scene.council, office=CouncilOffice.CHAIR).person
    a = db.session.scalars(select(AgendaItem).where(AgendaItem.title == "A")).one()
    move = {"order": order_of(["A", "B"]), "move": f"down:{a.id}"}

    sign_in(client, scene.neighbour.person)
    assert client.post(scene.staff_url("/raekkefoelge"), data=move).status_code == 403
    assert positions(scene) == ["A", "B"]

    sign_in(client, chair)
    builder = client.get(scene.staff_url())
    assert builder.status_code == 200
    # The secretariat's menu is not the chair's: its pages would refuse them.
    assert 'aria-label="Administration"' not in text(builder)
    assert client.post(scene.staff_url("/raekkefoelge"), data=move).status_code == 303
    assert positions(scene) == ["B", "A"]
