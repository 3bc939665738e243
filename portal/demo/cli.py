"""`flask --app portal demo seed`: fill an empty database with the demo council."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.councils.models import Council, Person
from portal.demo.data import COUNCIL_SLUG, build_demo_council
from portal.extensions import db
from portal.notifications.models import NoticeKind
from portal.notifications.operations import notify
from portal.policy import today

demo_cli = AppGroup("demo", help="Demodata (kun med PORTAL_DEMO=1).")


@demo_cli.command("seed")
def seed_command() -> None:
    """Opret demorådet KKR Sjælland, hvis det ikke findes."""
    if not current_app.config["PORTAL_DEMO"]:
        raise click.ClickException("demo data only with PORTAL_DEMO=1")
    if db.session.scalar(select(Council).where(Council.slug == COUNCIL_SLUG)):
        click.echo("demo council already present")
        return
    council = build_demo_council(db.session, today())
    # Something in every inbox, and e-mails for the worker to write to instance/outbox/.
    notify(
        db.session.scalars(select(Person).where(Person.council_id == council.id)),
        NoticeKind.GENERAL,
        subject="Velkommen til KKR Portal",
        body=(
            "Her ser du rådets møder og frister, dine stedfortrædere og dine beskeder. "
            "Under Beskeder → Indstillinger vælger du, hvad du også vil have som e-mail."
        ),
        link="/overblik",
        council=council,
    )
    db.session.commit()
    click.echo(f"created {council.name}")
