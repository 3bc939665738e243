"""Command-line calculators: `flask --app portal calc ...`, printing JSON."""

from __future__ import annotations

import json
from datetime import datetime

import click
from flask.cli import AppGroup

from portal.rules.calendar import COPENHAGEN, meeting_deadlines

calc_cli = AppGroup("calc", help="Regn frister og fordelinger ud (JSON).")


def parse_meeting_time(value: str) -> datetime:
    """ISO 8601; a time without offset is Copenhagen wall-clock time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"not an ISO 8601 date and time: {value!r}") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=COPENHAGEN)
    return moment


@calc_cli.command("deadlines")
@click.option("--meeting", "meeting", required=True, help="Mødets start, fx 2027-03-29T10:00")
def deadlines_command(meeting: str) -> None:
    """Frister for et ordinært møde (regel 3.2, 3.3, 3.9)."""
    starts_at = parse_meeting_time(meeting)
    result = {
        name: moment.isoformat(timespec="seconds")
        for name, moment in meeting_deadlines(starts_at).items()
    }
    click.echo(json.dumps(result, ensure_ascii=False))
