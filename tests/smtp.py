"""A real SMTP server on loopback for the e-mail tests (a pytest plugin: tests/conftest.py).

One aiosmtpd server runs for the whole session; the `smtp` fixture hands it to a test emptied
and healthy. A test can make it misbehave:

    smtp.refuse("451 4.3.0 Prøv igen senere")   # every DATA answered so, until smtp.accept()
    with smtp.down(): ...                        # nothing listens on the port meanwhile
    smtp.hold_next()                             # the next message is received, then the
                                                 # answer waits until smtp.release()

`smtp_settings` is the portal's PORTAL_SMTP for it.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from tests.support import free_port


@dataclass(frozen=True)
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    peer: tuple[str, int]  # the client's address: the same for messages on one connection

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


class RecordingHandler:
    """Keeps every message it accepts; refuses or holds them when told to."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[ReceivedMail] = []
        self.refusal: str | None = None
        self.holding = False
        self.held = threading.Event()  # a held message has arrived
        self.released = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        if self.refusal is not None:
            return self.refusal
        with self.lock:
            self.received.append(
                ReceivedMail(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.content,
                    tuple(session.peer),
                )
            )
            hold, self.holding = self.holding, False
        if hold:
            # Received and kept, but not yet acknowledged: the sender is stuck mid-send.
            self.held.set()
            while not self.released.is_set():
                await asyncio.sleep(0.01)
        return "250 2.0.0 OK"


class SmtpTestServer:
    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()  # aiosmtpd cannot start on port 0
        self.handler = RecordingHandler()
        self._controller: Controller | None = None

    @property
    def settings(self) -> dict[str, object]:
        """This server as the portal's PORTAL_SMTP."""
        return {
            "host": self.host,
            "port": self.port,
            "username": None,
            "password": None,
            "security": "none",
        }

    def start(self) -> None:
        if self._controller is None:
            # A stopped controller's event loop is closed: every start gets a new one.
            self._controller = Controller(self.handler, hostname=self.host, port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @contextmanager
    def down(self) -> Iterator[None]:
        self.stop()
        try:
            yield
        finally:
            self.start()

    def refuse(self, reply: str = "451 4.3.0 Midlertidig fejl, prøv igen senere") -> None:
        self.handler.refusal = reply

    def accept(self) -> None:
        self.handler.refusal = None

    def hold_next(self) -> None:
        self.handler.held.clear()
        self.handler.released.clear()
        self.handler.holding = True

    def release(self) -> None:
        self.handler.released.set()

    def reset(self) -> None:
        self.start()
        self.accept()
        self.release()
        self.handler.holding = False
        with self.handler.lock:
            self.handler.received.clear()

    @property
    def received(self) -> list[ReceivedMail]:
        with self.handler.lock:
            return list(self.handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [mail.message for mail in self.received]

    def wait_for(self, count: int, timeout: float = 20.0) -> None:
        """Until `count` messages have arrived (for senders in other threads or processes)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(self.received)} of {count} messages arrived")
            time.sleep(0.02)

    def message_id_counts(self) -> Counter[str]:
        return Counter(str(message["Message-ID"]) for message in self.messages)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpTestServer]:
    server = SmtpTestServer()
    server.start()
    yield server
    server.release()
    server.stop()


@pytest.fixture
def smtp(smtp_server: SmtpTestServer) -> Iterator[SmtpTestServer]:
    """The session's SMTP server, empty and accepting."""
    smtp_server.reset()
    yield smtp_server
    smtp_server.reset()


@pytest.fixture
def smtp_settings(smtp: SmtpTestServer) -> dict[str, object]:
    return smtp.settings
