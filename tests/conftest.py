"""The test harness: the portal on SQLite always, and on PostgreSQL when
PORTAL_TEST_DATABASE_URL is set (each run gets its own fresh database)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.extensions import db
from tests.support import skip_unless

pytest_plugins = ["tests.oidc", "tests.smtp"]

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    skip_unless(bool(url), "PORTAL_TEST_DATABASE_URL is not set (PostgreSQL tests)")
    return str(url)


def _create_postgres_database(server_url: str) -> tuple[str, object]:
    """A fresh database beside the one in `server_url`; returns its URL and a dropper."""
    base = make_url(server_url)
    name = f"portal_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[str]:  # noqa: ANN001
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "portal.sqlite3")
        return
    server_url = request.getfixturevalue("postgres_server_url")
    url, drop = _create_postgres_database(server_url)
    try:
        yield url
    finally:
        drop()  # type: ignore[operator]


def test_settings(database_url: str, **extra: object) -> dict[str, object]:
    return {"ENV": "test", "SECRET_KEY": "test-secret", "DATABASE_URL": database_url, **extra}


test_settings.__test__ = False  # a helper, not a test


@pytest.fixture
def scratch_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database on the same backend, for tests that build their own schema."""
    if database_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path / "scratch.sqlite3")
        return
    url, drop = _create_postgres_database(database_url)
    try:
        yield url
    finally:
        drop()  # type: ignore[operator]


@pytest.fixture(scope="session")
def schema(database_url: str) -> str:
    """The schema built by the real migrations, once per backend."""
    from flask_migrate import upgrade

    app = create_app(test_settings(database_url))
    with app.app_context():
        upgrade(directory=str(Path(__file__).parent.parent / "migrations"))
        db.engine.dispose()
    return database_url


def wipe(app: Flask) -> None:
    with app.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


class CommittingClient(FlaskClient):
    """Runs each request as production does: in its own app context, so with its own `g` and
    database session. What the test built is committed first, and the test's objects are
    expired afterwards so that they show what the request stored."""

    def open(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


# Building the app costs ~90 ms (werkzeug compiles a URL builder per route): once per backend
# for the tests that need no settings of their own, which is most of them.
_PLAIN_APPS: dict[str, Flask] = {}


def _app_for(database_url: str, settings: dict[str, object]) -> Flask:
    if not settings and database_url in _PLAIN_APPS:
        return _PLAIN_APPS[database_url]
    app = create_app(test_settings(database_url, **settings))
    app.test_client_class = CommittingClient
    if not settings:
        _PLAIN_APPS[database_url] = app
    return app


@contextmanager
def portal_app(database_url: str, **settings: object) -> Iterator[Flask]:
    """The portal on a migrated database, CSRF off (see `csrf_app`); emptied afterwards, and
    its settings and per-app state (rate limiter, OpenID clients) as they were before."""
    app = _app_for(database_url, settings)
    config, extensions = dict(app.config), dict(app.extensions)
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        with app.app_context():
            yield app
            db.session.remove()
    finally:
        wipe(app)
        with app.app_context():
            db.engine.dispose()
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)


@pytest.fixture
def app(schema: str) -> Iterator[Flask]:
    with portal_app(schema) as app:
        yield app


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    """The same app with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def sign_in(client: FlaskClient, person) -> None:  # noqa: ANN001
    """Sign a person in as the portal does: a session row, its token in the cookie."""
    from portal.auth.sessions import TOKEN_KEY, open_session

    token = open_session(person, "test")
    db.session.commit()
    with client.session_transaction() as session:
        session[TOKEN_KEY] = token
        session["_user_id"] = str(person.id)
        session["_fresh"] = True
