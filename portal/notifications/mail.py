"""The e-mail of a notice, and the transports that send it.

`compose(notice)` builds the message (Danish, plain text and HTML, the meeting as .ics);
a transport sends it: `SmtpTransport` when PORTAL_SMTP_HOST is set, otherwise
`DirectoryTransport`, which writes .eml files to instance/outbox/ (the embedded default).
The transports know nothing of Flask or the database; `delivery.py` decides what to send.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
from datetime import datetime
from email import policy
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime as rfc2822_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from babel.dates import format_datetime
from flask import current_app

from portal.notifications.calendar import meeting_invitation
from portal.notifications.models import Notice
from portal.rules.calendar import COPENHAGEN
from portal.types import utcnow

DEFAULT_SENDER_NAME = "KKR Portal"  # notices that belong to no council
PREFERENCES_PATH = "/beskeder/indstillinger"
INVITATION_FILENAME = "moede.ics"
# The subject of a confidential notice may name the closed item, so the e-mail gets this one.
CONFIDENTIAL_SUBJECT = "Nyt fortroligt materiale i KKR Portal"
SMTP_TIMEOUT = 30.0  # seconds; well inside the delivery lease, so a hung server cannot outlast it


class _ReusingHeaderRegistry(HeaderRegistry):
    """The standard registry builds a new class for every header of every message (a third
    of the time spent composing); this one builds each header's class once."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]


# email.policy.default (LF line ends; smtplib sends CRLF), with the faster header registry.
MAIL_POLICY = policy.default.clone(header_factory=_ReusingHeaderRegistry())


def compose(notice: Notice) -> EmailMessage:
    """The e-mail for one notice. Needs an app context (settings and templates)."""
    config = current_app.config
    base_url = config["PORTAL_BASE_URL"]
    sender_name = notice.council.name if notice.council else DEFAULT_SENDER_NAME
    link = absolute_url(base_url, notice.link)
    subject = CONFIDENTIAL_SUBJECT if notice.confidential else notice.subject
    meeting = notice.meeting
    context = {
        "recipient_name": notice.recipient.name,
        "sender_name": sender_name,
        "subject": subject,
        # Never handed to the templates when confidential, so no template change can leak it.
        "body": None if notice.confidential else notice.body,
        "confidential": notice.confidential,
        "link": link,
        "preferences_link": absolute_url(base_url, PREFERENCES_PATH),
        "meeting_when": danish_datetime(meeting.starts_at) if meeting else None,
        "meeting_location": meeting.location if meeting else None,
    }

    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = Address(sender_name, addr_spec=config["PORTAL_MAIL_FROM"])
    message["To"] = Address(notice.recipient.name, addr_spec=notice.recipient.email)
    message["Subject"] = single_line(subject)
    # The notice's own time and Message-ID: a repeat after a crash is the same e-mail.
    message["Date"] = rfc2822_datetime(notice.created_at.astimezone(COPENHAGEN))
    message["Message-ID"] = notice.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please

    # Quoted-printable keeps the message 7-bit, whatever the server says about 8BITMIME.
    message.set_content(render("notifications/email.txt", context), cte="quoted-printable")
    message.add_alternative(
        render("notifications/email.html", context), subtype="html", cte="quoted-printable"
    )
    if meeting is not None:
        invitation = meeting_invitation(meeting, mail_domain(base_url), link)
        message.add_attachment(
            invitation,
            maintype="text",
            subtype="calendar",
            filename=INVITATION_FILENAME,
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    # Last: set_content and add_alternative move Content-* headers into the first part.
    message["Content-Language"] = "da"
    return message


def render(template_name: str, context: dict[str, Any]) -> str:
    # Straight from the environment: the request context processors (current user, locale)
    # mean nothing to a worker; .html templates are autoescaped, .txt ones are not.
    return current_app.jinja_env.get_template(template_name).render(context)


def absolute_url(base_url: str, path: str) -> str:
    # Links are paths inside the portal; the base URL may itself carry a path prefix.
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def mail_domain(base_url: str) -> str:
    return urlsplit(base_url).hostname or "kkr-portal.invalid"


def danish_datetime(moment: datetime) -> str:
    return format_datetime(moment, "EEEE d. MMMM y 'kl.' HH:mm", tzinfo=COPENHAGEN, locale="da")


def single_line(text: str) -> str:
    # A header cannot hold a line break; the subject is shown on one line anyway.
    return " ".join(text.split())


# --- transports -------------------------------------------------------------------------------


class TransportUnavailable(Exception):
    """The transport cannot send anything now (server down, login refused): the rest of the
    batch is not tried, and every message waits for its next attempt."""


def is_permanent(error: BaseException) -> bool:
    """An SMTP 5xx answer: the server will refuse this message again (RFC 5321, 4.2.1), so
    trying it again for hours only delays telling staff. 4xx answers are worth retrying."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    return False


class Transport(Protocol):
    def send(self, notice_id: int, message: EmailMessage) -> None:
        """Hand over one message; raises if it was not accepted."""

    def close(self) -> None: ...


class SmtpTransport:
    """One SMTP connection, opened on the first message and reused for the rest of a batch."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        security: str = "none",
        username: str | None = None,
        password: str | None = None,
        timeout: float = SMTP_TIMEOUT,
    ) -> None:
        if security not in {"none", "starttls", "ssl"}:
            raise ValueError(f"security must be none, starttls or ssl, not {security!r}")
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        try:
            if self.security == "ssl":
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                if self.security == "starttls":
                    connection.starttls(context=ssl.create_default_context())
                if self.username:
                    connection.login(self.username, self.password or "")
            except BaseException:
                connection.close()
                raise
        except (OSError, smtplib.SMTPException) as error:
            raise TransportUnavailable(
                f"SMTP {self.host}:{self.port}: {type(error).__name__}: {error}"
            ) from error
        return connection

    def send(self, notice_id: int, message: EmailMessage) -> None:
        if self._connection is None:
            self._connection = self._connect()
        try:
            self._connection.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            # The connection is gone; the next message connects afresh (or finds the server
            # down, which stops the batch).
            self._discard()
            raise
        # Other SMTP errors (a refused recipient, 451 for this message) leave the connection
        # usable: smtplib has already reset the transaction.

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()  # everything was sent already; a rude goodbye loses nothing


class DirectoryTransport:
    """Writes each message as <directory>/<timestamp>-<notice id>.eml."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def send(self, notice_id: int, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        target = self.directory / f"{stamp}-{notice_id}.eml"
        # Written aside and renamed, so a reader (or a crash) never sees half an e-mail.
        handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".part")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(message.as_bytes())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def close(self) -> None:
        pass


def transport_for(app: Any) -> SmtpTransport | DirectoryTransport:
    """SMTP when the portal has a mail server (PORTAL_SMTP), else instance/outbox/."""
    smtp = app.config["PORTAL_SMTP"]
    if not smtp:
        return DirectoryTransport(Path(app.instance_path) / "outbox")
    return SmtpTransport(
        smtp["host"],
        smtp["port"],
        security=smtp.get("security", "none"),
        username=smtp.get("username"),
        password=smtp.get("password"),
    )
