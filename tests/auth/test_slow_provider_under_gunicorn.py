"""A provider that hangs holds one request for at most PORTAL_OIDC_TIMEOUT, under gunicorn as
in production, and every other page is answered meanwhile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from portal import create_app
from portal.extensions import db
from tests.rogue_provider import RogueProvider
from tests.support import free_port

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 2


@pytest.fixture
def gunicorn_portal(tmp_path: Path, rogue: RogueProvider) -> Iterator[str]:
    from flask_migrate import upgrade

    database = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    app = create_app({"ENV": "test", "SECRET_KEY": "t", "DATABASE_URL": database})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_ENV": "test",
        "PORTAL_SECRET_KEY": "t",
        "PORTAL_DATABASE_URL": database,
        "PORTAL_OIDC_PROVIDERS": json.dumps([rogue.portal_settings()]),
        "PORTAL_OIDC_TIMEOUT": str(TIMEOUT),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as errors:  # a file, not a pipe nobody reads: it never fills up
        process = subprocess.Popen(
            [str(gunicorn), "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        # Two workers each import the portal: on a busy machine that takes a while.
        deadline = time.monotonic() + 30
        while not _answers(url + "/log-ind"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gunicorn did not start: {log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).status_code == 200
    except requests.RequestException:
        return False


def test_a_hanging_provider_holds_one_request_and_no_other_page(
    gunicorn_portal: str, rogue: RogueProvider
):
    rogue.fault, rogue.hang_seconds = "hang", 30
    finished: dict[str, float] = {}
    answers: dict[str, requests.Response] = {}

    def fetch(name: str, path: str) -> None:
        answers[name] = requests.get(gunicorn_portal + path, allow_redirects=False, timeout=30)
        finished[name] = time.monotonic()

    began = time.monotonic()
    sign_in = threading.Thread(target=fetch, args=("sign_in", "/log-ind/rogue"))
    sign_in.start()
    time.sleep(0.3)  # the sign-in is now waiting on the provider
    fetch("public", "/tilgaengelighed")
    sign_in.join()

    assert answers["public"].status_code == 200
    # The other page was answered while the sign-in still waited on the provider ...
    assert finished["public"] < finished["sign_in"]
    # ... which gave up within the time limit, with the Danish page naming the provider.
    assert finished["sign_in"] - began < TIMEOUT + 1
    assert answers["sign_in"].status_code == 502
    assert "Rogue Kommune svarer ikke" in answers["sign_in"].text
