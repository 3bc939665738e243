"""Fixtures for the e-mail tests: the portal with a known address, and notices to send."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from flask import Flask

from portal.councils.models import Council, Person
from portal.extensions import db
from portal.notifications.models import Notice, NoticeKind
from portal.notifications.operations import notify
from tests.factories import make_council, make_person
from tests.smtp import SmtpTestServer

BASE_URL = "https://kkr.example.dk"
MAIL_FROM = "kkr-portal@kkr.example.dk"


@pytest.fixture
def mail_app(app: Flask, tmp_path: Path) -> Flask:
    """The portal at a known address. Without SMTP it writes e-mails to instance/outbox/, so
    its instance folder is the test's own, not the developer's."""
    app.config.update(PORTAL_BASE_URL=BASE_URL, PORTAL_MAIL_FROM=MAIL_FROM)
    app.instance_path = str(tmp_path)
    return app


@pytest.fixture
def smtp_app(mail_app: Flask, smtp: SmtpTestServer) -> Flask:
    """The portal sending through the test SMTP server."""
    mail_app.config["PORTAL_SMTP"] = smtp.settings
    return mail_app


def queue_notices(
    count: int,
    *,
    council: Council | None = None,
    recipients: Sequence[Person] | None = None,
    kind: NoticeKind = NoticeKind.GENERAL,
    **fields: object,
) -> list[Notice]:
    """`count` notices waiting for e-mail (one per recipient and round), committed."""
    council = council or make_council()
    recipients = list(recipients or [make_person(council) for _ in range(min(count, 20))])
    notices: list[Notice] = []
    number = 0
    while len(notices) < count:
        number += 1
        batch = recipients[: count - len(notices)]
        notices += notify(
            batch,
            kind,
            council=council,
            **{
                "subject": f"Besked {number}",
                "body": f"Der er nyt i portalen ({number}).",
                "link": f"/beskeder/{number}",
                **fields,
            },  # type: ignore[arg-type]
        )
    db.session.commit()
    return notices
