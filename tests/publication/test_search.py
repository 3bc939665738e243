"""Full-text search over published agendas and minutes: FTS5 on SQLite, tsvector on PostgreSQL;
highlighted and escaped; only current publications; hostile queries harmless (rule 3.0)."""

from __future__ import annotations

from portal.publication.search import START, STOP, marked, search_terms
from tests.factories import make_council, make_meeting, make_staff
from tests.publication.scene import HTMX, Published, make_item, publish_agenda


def search(client, council, query: str, **kwargs) -> str:  # noqa: ANN001, ANN003
    response = client.get(f"/kkr/{council.slug}/soeg", query_string={"q": query}, **kwargs)
    assert response.status_code == 200, query
    return response.get_data(as_text=True)


def test_rule_3_3_search_finds_open_items_with_matches_highlighted(client):
    council = make_council()
    scene = Published(council, make_staff(council), make_meeting(council))
    html = search(client, council, "trafikplanen")
    assert "2 resultater" in html  # the agenda's item and the minutes' item
    assert "<mark>trafikplanen</mark>" in html
    assert f'href="{scene.url("dagsorden")}#punkt-1"' in html
    assert f'href="{scene.url("referat")}#punkt-1"' in html
    # Two words must both occur; the title is highlighted too.
    html = search(client, council, "kollektiv regionen")
    assert "<mark>Kollektiv</mark> trafik i <mark>regionen</mark>" in html
    assert "Ingen dagsordener" in search(client, council, "kollektiv ukendtord")
    # Another council's search does not see this council's items.
    other = make_council()
    assert "Ingen dagsordener" in search(client, other, "trafikplanen")


def test_rule_3_3_search_sees_only_the_current_version(client):
    council = make_council()
    scene = Published(council, make_staff(council), make_meeting(council), minutes=False)
    assert "1 resultat" in search(client, council, "trafikplanen")
    scene.open_item.title = "Omdøbt punkt om færger"
    scene.open_item.recommendation = "Noget helt andet."
    publish_agenda(scene.meeting)
    assert "Ingen dagsordener" in search(client, council, "trafikplanen")
    assert "<mark>færger</mark>" in search(client, council, "færger")


def test_rule_3_3_search_escapes_item_text_and_only_marks_matches(client):
    council = make_council()
    meeting = make_meeting(council)
    make_item(meeting, "<script>alert(1)</script> Havnebad", presentation="<b>fed</b> havnebad")
    publish_agenda(meeting)
    html = search(client, council, "havnebad")
    assert "<script>alert(1)</script>" not in html and "<b>fed</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Havnebad</mark>" in html
    # FTS5 keeps the text as written (escaped here); PostgreSQL's parser drops tag-like words.
    assert "<mark>havnebad</mark>" in html


HOSTILE_QUERIES = [
    '"',
    '"unclosed phrase',
    "NEAR(trafik regionen",
    "trafik*",
    "*",
    "title:trafik",
    "trafik AND OR NOT",
    "-trafik | !regionen & (",
    "'; DROP TABLE search_entry; --",
    "^trafik",
    "\x00\ue000\ue001",
    "trafik " * 500,
    "ø" * 5000,
]


def test_rule_3_0_hostile_queries_never_fail(client):
    council = make_council()
    Published(council, make_staff(council), make_meeting(council), minutes=False)
    for query in HOSTILE_QUERIES:
        html = search(client, council, query)
        assert 'id="search-results"' in html
        fragment = search(client, council, query, headers=HTMX)
        assert fragment.lstrip().startswith('<div id="search-results"')
    assert "<mark>trafik</mark>" in search(client, council, "trafik*")


def test_rule_3_3_active_search_serves_the_results_block_to_htmx(client):
    council = make_council()
    Published(council, make_staff(council), make_meeting(council), minutes=False)
    page = search(client, council, "trafik")
    assert 'hx-trigger="input changed delay:300ms, search"' in page
    assert 'hx-target="#search-results"' in page and "<html" in page
    response = client.get(f"/kkr/{council.slug}/soeg?q=trafik", headers=HTMX)
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "<mark>trafik</mark>" in fragment
    assert "HX-Request" in response.headers["Vary"]
    # htmx 4 restoring history (or targeting <body>) asks for the whole page.
    for whole in ({"HX-Request-Type": "full"}, {"HX-History-Restore-Request": "true"}):
        restored = client.get(f"/kkr/{council.slug}/soeg?q=trafik", headers={**HTMX, **whole})
        assert "<html" in restored.get_data(as_text=True)
    assert "Søg i alle offentliggjorte" in search(client, council, "")


def test_rule_3_0_query_words_are_sanitised():
    assert search_terms('NEAR("a" b*) OR c:d') == ["NEAR", "a", "b", "OR", "c", "d"]
    assert search_terms("snake_case ærø 2027") == ["snake", "case", "ærø", "2027"]
    assert len(search_terms("ord " * 100)) == 8
    assert search_terms("x" * 100) == ["x" * 40]


def test_rule_3_0_highlight_markers_become_marks_only_after_escaping():
    text = f"<i>a</i> {START}b&{STOP} {STOP}c {START}d"
    assert str(marked(text)) == "&lt;i&gt;a&lt;/i&gt; <mark>b&amp;</mark> c <mark>d</mark>"
