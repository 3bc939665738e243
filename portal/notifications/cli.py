"""`flask --app portal notifications tick` (reminders) and `... send` (the e-mail worker)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.notifications import reminders
from portal.types import utcnow

notifications_cli = AppGroup("notifications", help="Påmindelser og udsendelse af e-mails.")


@notifications_cli.command("tick")
def tick_command() -> None:
    """Giv de påmindelser, der er forfaldne (sikker at køre hvert minut, også samtidig)."""
    given = reminders.tick(utcnow())
    click.echo(f"reminders given: {given}")
