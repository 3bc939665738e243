"""Flask extensions, created once and bound to the app in create_app().

OpenID clients are not here: each app keeps its own (portal/auth/providers.py)."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    # Named constraints, so Alembic can drop and alter them on SQLite and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()

# Objects the migrations create by hand and no model describes: the full-text search index
# (SQLite FTS5 tables, a PostgreSQL expression index). Autogenerate must leave them alone.
HAND_MADE_SCHEMA_PREFIXES = ("search_entry_fts", "ix_search_entry_document")


def include_in_migrations(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
    return not (reflected and name is not None and name.startswith(HAND_MADE_SCHEMA_PREFIXES))


csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()
