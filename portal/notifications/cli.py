"""`flask --app portal notifications tick` (reminders) and `... send` (the e-mail worker)."""

from __future__ import annotations

import signal
import threading

import click
from flask.cli import AppGroup

from portal import reminders
from portal.notifications import delivery
from portal.types import utcnow

notifications_cli = AppGroup("notifications", help="Påmindelser og udsendelse af e-mails.")


@notifications_cli.command("tick")
def tick_command() -> None:
    """Giv de påmindelser, der er forfaldne (sikker at køre hvert minut, også samtidig)."""
    given = reminders.tick(utcnow())
    click.echo(f"reminders given: {given}")


@notifications_cli.command("send")
@click.option("--loop", is_flag=True, help="Bliv ved med at sende, indtil processen stoppes.")
@click.option(
    "--batch",
    default=50,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="E-mails pr. parti.",
)
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Sekunder mellem runderne med --loop.",
)
def send_command(loop: bool, batch: int, interval: float) -> None:
    """Send ventende e-mails (én gang, eller hele tiden med --loop)."""
    stop = threading.Event()
    # With --loop, SIGTERM (systemd, docker stop) and Ctrl-C end the loop after the current
    # batch: no row is left claimed until its lease runs out.
    stop_signals = (signal.SIGTERM, signal.SIGINT) if loop else ()
    previous = {number: signal.signal(number, lambda *_: stop.set()) for number in stop_signals}

    def echo_batch(report: delivery.DeliveryReport) -> None:
        if loop:
            click.echo(report.summary())

    try:
        total = delivery.run_worker(
            loop=loop, interval=interval, limit=batch, stop=stop, on_batch=echo_batch
        )
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    click.echo(total.summary())
