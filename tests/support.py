"""Shared helpers for the test suite: required tools, free ports, counting queries."""

from __future__ import annotations

import os
import shutil
import socket

import pytest
from sqlalchemy import event

from portal.extensions import db

# CI sets PORTAL_REQUIRE_ALL=1: a test that would skip for a missing tool fails instead.
REQUIRE_ALL = os.environ.get("PORTAL_REQUIRE_ALL") == "1"


def skip_unless(condition: bool, reason: str) -> None:
    if condition:
        return
    if REQUIRE_ALL:
        pytest.fail(f"PORTAL_REQUIRE_ALL=1 but {reason}")
    pytest.skip(reason)


def require_program(name: str, path: str | None = None) -> str:
    found = path if path and os.path.exists(path) else shutil.which(name)
    skip_unless(found is not None, f"{name} is not installed")
    assert found is not None
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class QueryCounter:
    """Counts the SQL statements the portal's engine runs inside the `with` block."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *args: object) -> None:
        self.count += 1

    def __enter__(self) -> QueryCounter:
        event.listen(db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *args: object) -> None:
        event.remove(db.engine, "before_cursor_execute", self)
