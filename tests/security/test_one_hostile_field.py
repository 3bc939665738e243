"""Issue #8, bad input: one hostile field in an otherwise valid form, for every POST route.

The random fuzz (test_form_fuzz.py) rarely sends a valid form, so the validation of the other
fields usually stops it early. Here each route is first posted with every field valid (proved:
the answer is < 400 and the database changed), then with each field in turn replaced by a
hostile value: a huge string, NUL inside text, other control characters, right-to-left and
zero-width marks, whitespace only, wrong types, and for date and time fields the Copenhagen
daylight-saving edges in the field's own format. Never a 500; a refused post writes nothing
and answers in Danish; an accepted value of a field the portal stores as text is stored
unchanged (never silently cut).

The valid forms are in valid_posts_members.py and valid_posts_secretariat.py. Every post runs
inside a savepoint that is rolled back afterwards, so each one meets the state the valid post
met (a published agenda can be published again, an ended membership is back): every session
of the app, the test's and each request's, shares one connection and joins its transaction
with a savepoint of its own."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import bindparam, func, select
from werkzeug.test import TestResponse

from portal.councils.models import Person
from portal.extensions import db
from tests.conftest import CommittingClient, portal_app
from tests.proposals.scene import tiny_pdf
from tests.security import valid_posts_members, valid_posts_secretariat
from tests.security.test_form_fuzz import (
    FUZZ_PROVIDER,
    HUGE,
    POST_ROUTES,
    World,
    build_world,
    post_and_check,
    signed_in,
)
from tests.security.valid_posts_members import ValidPost

VALID_POSTS: dict[str, ValidPost] = {
    **valid_posts_members.VALID_POSTS,
    **valid_posts_secretariat.VALID_POSTS,
}
# Routes that cannot be posted validly at all, with the reason (a button without fields still
# belongs in VALID_POSTS: its data is {} and it is posted with an extra hostile field).
NOT_A_FORM: dict[str, str] = {}
# Routes whose valid post changes the browser's state or answers only: what shows it worked.
WRITES_NOTHING: dict[str, Callable[[TestResponse], bool]] = {
    "auth.sign_out": lambda response: (response.location or "").endswith("/logget-ud"),
    "public.choose_language": lambda response: "lang=en" in response.headers.get("Set-Cookie", ""),
    "proposals.validate_proposal_field": lambda response: (
        response.status_code == 200 and "error-message" not in response.get_data(as_text=True)
    ),
}
RULES = dict(POST_ROUTES)

# One field at a time (from test_form_fuzz.HOSTILE): too long, NUL inside text, other control
# characters, right-to-left and zero-width marks, whitespace only, a list for one value ...
EVERY_FIELD: list[Any] = [
    HUGE,
    "titel\x00med nul",
    "\x01\x02\x07\x1b[31m\x7f",
    "\u202eomvendt\u200b\ufeff",
    "   ",
    ["1", "2"],
]
# ... and where a number, a date or a time is expected, the wrong type, a negative number and
# one no database column holds.
TOO_LARGE = "99999999999999999999999"
NOT_TEXT = ["abc", "-1", TOO_LARGE]
# Spring: 02:30 does not exist; autumn: it exists twice (Copenhagen).
DST_DAYS = ["2027-03-28", "2027-10-31"]
DST_CLOCK = "02:30"
HOSTILE_FILE_NAMES = [
    "../../etc/passwd.pdf",
    "bilag\x00.pdf",
    "\u202efdp.exe",
    "Å" * 5000 + ".pdf",
    "   ",
]
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
CLOCK = re.compile(r"^\d{2}:\d{2}$")
MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}([T ])\d{2}:\d{2}$")


# --- one connection, a savepoint per post ----------------------------------------------------


@contextmanager
def one_connection(app: Flask) -> Iterator[sa.Connection]:
    """Every session of `app` on one connection inside one transaction, each joining it with
    a savepoint; everything is rolled back at the end."""
    engines = db.engines
    engine = engines[None]
    connection = engine.connect()
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        # pysqlite begins and ends transactions itself and would commit at the release of the
        # outermost savepoint: the transaction is ours alone here.
        connection.connection.driver_connection.isolation_level = None  # type: ignore[union-attr]
    transaction = connection.begin()
    if sqlite:
        connection.exec_driver_sql("BEGIN")
    db.session.remove()
    options = db.session.session_factory.kw
    previous_mode = options.get("join_transaction_mode")
    db.session.configure(join_transaction_mode="create_savepoint")
    engines[None] = connection  # type: ignore[assignment]
    try:
        yield connection
    finally:
        db.session.remove()
        engines[None] = engine
        if previous_mode is None:
            del options["join_transaction_mode"]
        else:
            options["join_transaction_mode"] = previous_mode
        transaction.rollback()
        connection.invalidate()  # never back to the pool with its changed settings
        connection.close()


@contextmanager
def rolled_back(connection: sa.Connection) -> Iterator[None]:
    """What happens inside is undone: the test's session holds no savepoint across it."""
    db.session.commit()
    savepoint = connection.begin_nested()
    try:
        yield
    finally:
        db.session.commit()
        savepoint.rollback()
        db.session.expire_all()


class MultipartClient(CommittingClient):
    """Posts forms as multipart/form-data, as a form with a file input does: Werkzeug takes
    0.2 s to parse a urlencoded 100 000-character "Å" value and a millisecond for the same as
    multipart, and the random fuzz (test_form_fuzz.py) posts urlencoded already."""

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        if kwargs.get("method") == "POST" and isinstance(kwargs.get("data"), dict):
            kwargs.setdefault("content_type", "multipart/form-data")
        return super().open(*args, **kwargs)


@dataclasses.dataclass
class Setting:
    world: World
    connection: sa.Connection


@pytest.fixture(scope="module")
def setting(schema: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setting]:
    """The fuzz world and what both valid_posts modules prepare, committed; then the one
    connection. The demo sign-in is on (it has a form too), and a provider for the demo
    council's addresses (accounts are bound to it); files go to a folder of its own."""
    uploads = tmp_path_factory.mktemp("uploads")
    with portal_app(schema, DEMO=True, OIDC_PROVIDERS=[FUZZ_PROVIDER]) as app:
        app.config["PORTAL_UPLOAD_FOLDER"] = str(uploads)
        app.test_client_class = MultipartClient
        world = build_world(app)
        valid_posts_members.prepare(world)
        valid_posts_secretariat.prepare(world)
        db.session.commit()
        ids = {"council": world.council.id, "staff": world.staff.id, "member": world.member.id}
        ids |= {"substitute": world.substitute.id}
        with one_connection(app) as connection:
            # The world's objects again, in the session that now lives on the one connection.
            world.council = db.session.get(type(world.council), ids["council"])
            world.staff = db.session.get(Person, ids["staff"])
            world.member = db.session.get(Person, ids["member"])
            world.substitute = db.session.get(Person, ids["substitute"])
            yield Setting(world, connection)


# --- what the database holds -----------------------------------------------------------------


def table_contents() -> dict[str, int]:
    """A hash of every table's rows: what changed, not only how many."""
    contents = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        contents[table.name] = hash(tuple(tuple(map(repr, row)) for row in rows))
    db.session.commit()
    return contents


TEXT_COLUMNS = [
    column
    for table in db.metadata.sorted_tables
    for column in table.columns
    if isinstance(column.type, sa.String) and not isinstance(column.type, sa.Enum)
]


def stored_count(value: str) -> int:
    """How many text cells of the database hold exactly `value`, or `value` trimmed as some
    fields are (one statement)."""
    if "\x00" in value and db.session.get_bind().dialect.name == "postgresql":
        return 0  # PostgreSQL cannot hold NUL in text, nor compare with it
    values = bindparam("values", sorted({value, value.strip()}), expanding=True)
    counts = [
        select(func.count()).select_from(column.table).where(column.in_(values)).scalar_subquery()
        for column in TEXT_COLUMNS
    ]
    total = db.session.scalar(select(sum(counts[1:], counts[0])))  # type: ignore[arg-type]
    db.session.commit()
    return int(total or 0)


# --- posting -----------------------------------------------------------------------------------


def rule_of(endpoint: str, spec: ValidPost) -> str:
    rule = RULES[endpoint]
    return rule + "?" + urlencode(spec.query_string) if spec.query_string else rule


def world_for(world: World, spec: ValidPost) -> World:
    """The world with the URL values of this post (its own meeting, item, leave ...)."""
    if spec.url_values is None:
        return world
    return dataclasses.replace(world, ids={**world.ids, **spec.url_values(world)})


def fresh_files(data: dict[str, Any], spec: ValidPost) -> dict[str, Any]:
    """A file is read by the post: every post gets its own."""
    return {
        name: (io.BytesIO(tiny_pdf()), "bilag.pdf") if name in spec.files else value
        for name, value in data.items()
    }


def poster(setting: Setting, spec: ValidPost) -> FlaskClient:
    """A client signed in as the one who posts: signing in opens a session row, so it is done
    before the database is looked at."""
    return signed_in(setting.world, spec.who(setting.world))


def post(
    setting: Setting,
    endpoint: str,
    spec: ValidPost,
    data: dict[str, Any],
    client: FlaskClient | None = None,
) -> TestResponse:
    world = world_for(setting.world, spec)
    return post_and_check(world, rule_of(endpoint, spec), spec.who(setting.world), data, client)


def is_untouchable(name: str, spec: ValidPost) -> bool:
    return any(name == kept or name.endswith("-" + kept) for kept in spec.untouchable)


def text_fields(data: dict[str, Any], spec: ValidPost) -> list[str]:
    return [
        name
        for name, value in data.items()
        if not is_untouchable(name, spec)
        and name not in spec.files
        and isinstance(value, str)
        and value.strip()
        and not is_number_or_moment(value)
    ]


def is_number_or_moment(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"[\d.:T -]+", value) is not None


def hostile_values(valid: Any) -> list[Any]:
    """The values for one field, by the kind of its valid value."""
    return EVERY_FIELD + NOT_TEXT if is_number_or_moment(valid) else EVERY_FIELD


def dst_edges(data: dict[str, Any], spec: ValidPost) -> Iterator[dict[str, str]]:
    """The form's date and time fields on the daylight-saving edges, each in its own format:
    a date and time field at 02:30 on the edge day; separate date and time fields together,
    the day on the edge and the time 02:30."""
    fields = [n for n in data if not is_untouchable(n, spec) and isinstance(data[n], str)]
    moments = [n for n in fields if MOMENT.match(data[n])]
    days = [n for n in fields if DATE.match(data[n])]
    clocks = [n for n in fields if CLOCK.match(data[n])]
    for day in DST_DAYS:
        for name in moments:
            separator = MOMENT.match(data[name]).group(1)  # type: ignore[union-attr]
            yield {name: f"{day}{separator}{DST_CLOCK}"}
        if days or clocks:
            yield {**dict.fromkeys(days, day), **dict.fromkeys(clocks, DST_CLOCK)}


def check_valid_post(setting: Setting, endpoint: str, spec: ValidPost) -> list[str]:
    """Posts the valid form: < 400, and the database changed. Returns the text fields whose
    value the portal stores (found in a text column after the post, not before)."""
    data = fresh_files(spec.data(setting.world), spec)
    candidates = text_fields(data, spec)
    before_counts = {name: stored_count(data[name]) for name in candidates}
    client = poster(setting, spec)
    before = table_contents()
    response = post(setting, endpoint, spec, data, client)
    assert response.status_code < 400, (endpoint, response.status_code)
    if endpoint in WRITES_NOTHING:
        assert WRITES_NOTHING[endpoint](response), (endpoint, response.status_code)
    else:  # a refusal may come back as a 303 with a flashed message: then nothing changed
        changed = [name for name, value in table_contents().items() if before[name] != value]
        assert changed, (endpoint, "the valid post changed nothing", response.status_code)
    return [name for name in candidates if stored_count(data[name]) > before_counts[name]]


def check_hostile_post(
    setting: Setting,
    endpoint: str,
    spec: ValidPost,
    data: dict[str, Any],
    stored: str | None = None,
) -> None:
    """Posts `data` (post_and_check: never a 500, a refusal writes nothing and is Danish). If
    it is accepted, the value of the stored text field `stored` is in the database unchanged."""
    value = data.get(stored) if stored else None
    checked = isinstance(value, str) and bool(value.strip())  # whitespace only: may be ""
    before = stored_count(value) if checked else 0  # type: ignore[arg-type]
    response = post(setting, endpoint, spec, data)
    if checked and response.status_code < 400:
        shown = repr(value)[:80]
        after = stored_count(value)  # type: ignore[arg-type]
        assert after > before, (endpoint, stored, shown, "accepted but not stored unchanged")


# --- the tests -------------------------------------------------------------------------------


def test_every_post_route_has_a_valid_form():
    """A new form cannot be forgotten: every POST route of the URL map is here."""
    routes = {endpoint for endpoint, _ in POST_ROUTES}
    missing = sorted(routes - set(VALID_POSTS) - set(NOT_A_FORM))
    assert not missing, f"POST routes without a valid form in valid_posts_*.py: {missing}"
    unknown = sorted((set(VALID_POSTS) | set(NOT_A_FORM)) - routes)
    assert not unknown, f"valid forms for routes that do not exist: {unknown}"
    both = sorted(set(valid_posts_members.VALID_POSTS) & set(valid_posts_secretariat.VALID_POSTS))
    assert not both, f"routes with two valid forms: {both}"


def test_a_post_inside_rolled_back_leaves_no_trace(setting: Setting):
    """The isolation the tests below rely on: the valid post wrote, and it is gone."""
    spec = VALID_POSTS["meetings.plan_meeting"]
    before = table_contents()
    with rolled_back(setting.connection):
        check_valid_post(setting, "meetings.plan_meeting", spec)
        assert table_contents() != before
    assert table_contents() == before


def post_with(
    setting: Setting,
    endpoint: str,
    changes: dict[str, Any],
    stored_field: str | None = None,
) -> None:
    """The valid form with `changes`, posted and checked, then rolled back."""
    spec = VALID_POSTS[endpoint]
    with rolled_back(setting.connection):
        data = {**fresh_files(spec.data(setting.world), spec), **changes}
        check_hostile_post(setting, endpoint, spec, data, stored_field)


@pytest.mark.parametrize("endpoint", sorted(VALID_POSTS))
def test_one_hostile_field_in_a_valid_form(setting: Setting, endpoint: str):
    """The valid post works; then each field hostile in turn, its date and time fields on the
    daylight-saving edges, its files with hostile names; a button with an extra field."""
    spec = VALID_POSTS[endpoint]
    with rolled_back(setting.connection):
        valid = spec.data(setting.world)
    with rolled_back(setting.connection):
        stored = check_valid_post(setting, endpoint, spec)
    changeable = [n for n in valid if not is_untouchable(n, spec) and n not in spec.files]
    for field in changeable:
        for value in hostile_values(valid[field]):
            post_with(setting, endpoint, {field: value}, field if field in stored else None)
    for edge in dst_edges(valid, spec):
        post_with(setting, endpoint, edge)
    for field in spec.files:
        for name in HOSTILE_FILE_NAMES:
            post_with(setting, endpoint, {field: (io.BytesIO(tiny_pdf()), name)})
    if not changeable:  # a button: the same post with an extra hostile field
        for value in EVERY_FIELD[:4]:
            post_with(setting, endpoint, {"extra": value})


# Required text the portal strips: only spaces must be refused, not stored as "" (found here).
REQUIRED_TEXT = [
    ("councils.list_municipalities", "name"),
    ("councils.list_groups", "letter"),
    ("councils.add_person", "name"),
    ("appointments.create_body", "name"),
    ("appointments.record_lot", "drawn_by"),
    ("appointments.add_group_result", "name"),
    ("appointments.record_composition_lot", "drawn_by"),
    ("appointments.record_chair_lot", "drawn_by"),
    ("appointments.replace_holder", "reason"),
    ("meetings.plan_meeting", "location"),
    ("meetings.cancel_meeting", "reason"),
]


@pytest.mark.parametrize(
    ("endpoint", "field"), REQUIRED_TEXT, ids=[f"{e}-{f}" for e, f in REQUIRED_TEXT]
)
def test_only_spaces_in_a_required_text_field_are_refused(
    setting: Setting, endpoint: str, field: str
):
    spec = VALID_POSTS[endpoint]
    with rolled_back(setting.connection):
        data = {**fresh_files(spec.data(setting.world), spec), field: "   "}
        client = poster(setting, spec)
        before = table_contents()
        response = post(setting, endpoint, spec, data, client)
        assert response.status_code == 422, response.status_code
        assert table_contents() == before
