"""Every migration runs up and down on SQLite and PostgreSQL, and the models match them."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal import create_app
from portal.extensions import db, include_in_migrations
from tests.conftest import test_settings

MIGRATIONS = str(Path(__file__).parent.parent / "migrations")


def test_migrations_run_up_down_and_up_again(scratch_database_url: str):
    app = create_app(test_settings(scratch_database_url))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        tables = set(inspect(db.engine).get_table_names())
        assert {"council", "person", "membership", "substitute_assignment", "audit_entry"} <= tables
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as connection:
            options = {"include_object": include_in_migrations}
            context = MigrationContext.configure(connection, opts=options)
            differences = compare_metadata(context, db.metadata)
        assert differences == [], "models and migrations differ: write a migration"
        db.engine.dispose()
