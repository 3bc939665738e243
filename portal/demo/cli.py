"""`flask --app portal demo seed`: fill an empty database with the demo council."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from portal.councils.models import Council
from portal.demo.data import COUNCIL_SLUG, build_demo_council
from portal.extensions import db
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
    db.session.commit()
    click.echo(f"created {council.name}")
