"""PostgreSQL restarted while the portal runs: the next requests succeed (the pool pings a
connection before handing it out, portal/config.py), a request while the server is away fails
whole, and no committed change is lost.

The shared test server is never touched: this test starts a PostgreSQL of its own (initdb and
pg_ctl in a temporary folder, on a free port) and restarts that one.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from portal.absences.models import Absence
from portal.audit.models import AuditEntry
from portal.extensions import db
from portal.notifications.models import Notice, NoticeKind
from portal.proposals.models import Proposal, ProposalStatus
from tests.conftest import portal_app, sign_in
from tests.factories import make_council, make_meeting, make_member, make_staff, make_substitute
from tests.notifications.conftest import queue_notices
from tests.support import free_port, skip_unless

ROOT = Path(__file__).resolve().parents[2]


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


@dataclass
class PrivateServer:
    """A PostgreSQL cluster of this test alone."""

    bin: Path
    folder: Path
    port: int
    user: str | None  # run as this user (initdb refuses root), or as ourselves

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *arguments: str) -> None:
        command = [str(self.bin / program), *arguments]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, f"{program}: {done.stdout}{done.stderr}"

    def pg_ctl(self, action: str, *arguments: str) -> None:
        self.run(
            "pg_ctl",
            action,
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-t",
            "30",
            *arguments,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.pg_ctl("start", "-o", options)

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("stop", "-m", mode)

    def restart(self, mode: str) -> None:
        # pg_ctl restart reuses the options the server was started with.
        self.pg_ctl("restart", "-m", mode)


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    folder = postgres_bin()
    skip_unless(folder is not None, "PostgreSQL's initdb and pg_ctl are not installed")
    assert folder is not None
    user = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        skip_unless(shutil.which("runuser") is not None, "runuser is missing (running as root)")
        try:
            user = pwd.getpwnam("postgres").pw_name
        except KeyError:
            skip_unless(False, "running as root without a postgres user for initdb")
    # Not under pytest's temporary folder: that one is private to us, closed to `user`.
    base = Path(tempfile.mkdtemp(prefix="portal-faults-pg-"))
    if user:
        shutil.chown(base, user=user)
    server = PrivateServer(folder, base, free_port(), user)
    server.run(
        "initdb",
        "-D",
        str(base / "data"),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--no-sync",
        "--locale=C.UTF-8",
    )
    server.start()
    try:
        yield server
    finally:
        try:
            if (base / "data" / "postmaster.pid").exists():  # running (a failed test may not)
                server.stop("immediate")
        finally:
            shutil.rmtree(base, ignore_errors=True)


def test_the_portal_survives_a_postgresql_restart_and_keeps_every_committed_change(
    private_postgres: PrivateServer,
):
    server = private_postgres
    with portal_app(server.url) as app:
        upgrade(directory=str(ROOT / "migrations"))
        council = make_council()
        staff = make_staff(council)
        member = make_member(council)
        make_substitute(member)
        meetings = [make_meeting(council, days_ahead=days) for days in (20, 40, 60)]
        client = app.test_client()
        sign_in(client, member.person)
        # Plain ids: the test's session is let go at each restart, and its objects with it.
        meetings = [meeting.id for meeting in meetings]
        member_id, person_id, staff_id = member.id, member.person_id, staff.id

        def register_absence(meeting_id: int) -> int:
            return client.post(
                f"/moeder/{meeting_id}/afbud", data={"call_substitute": "y"}
            ).status_code

        # Before: the pool holds connections to the server that is about to go.
        assert register_absence(meetings[0]) == 303
        assert client.get("/overblik").status_code == 200
        db.session.remove()  # the test's own session, too, gives its connection back

        server.restart("fast")

        # The pooled connections are dead; the ping finds out and connects afresh.
        assert client.get("/overblik").status_code == 200
        assert register_absence(meetings[1]) == 303
        db.session.remove()

        # A harder stop: the server is killed and recovers from its log.
        server.restart("immediate")

        proposal = {
            "form_token": "after-the-crash",
            "meeting_id": str(meetings[2]),
            "title": "Fælles busruter",
            "body": "Ruterne krydser fire kommuner.",
            "justification": "Tværkommunalt.",
            "action": "submit",
        }
        assert client.post("/forslag/nyt", data=proposal).status_code == 303
        db.session.remove()

        # While the server is away, a request fails whole, and its retry afterwards succeeds.
        server.stop("fast")
        app.config["PROPAGATE_EXCEPTIONS"] = False
        failed = client.post(f"/moeder/{meetings[2]}/afbud", data={"call_substitute": "y"})
        # The portal's own error page, in Danish, though who is signed in cannot be looked up.
        assert failed.status_code == 500
        assert "Der skete en fejl" in failed.get_data(as_text=True)
        db.session.remove()
        server.start()
        assert register_absence(meetings[2]) == 303

        # Every change committed before, between and after the restarts is there, once.
        absences = db.session.scalars(select(Absence).order_by(Absence.meeting_id)).all()
        assert [a.meeting_id for a in absences] == meetings
        assert {a.membership_id for a in absences} == {member_id}
        stored = db.session.scalars(select(Proposal)).one()
        assert (stored.status, stored.proposer_id) == (ProposalStatus.SUBMITTED, person_id)
        called_in = db.session.scalars(
            select(Notice).where(Notice.kind == NoticeKind.SUBSTITUTE_CALLED_IN)
        ).all()
        assert len(called_in) == 3  # one call-in per absence, none twice
        receipts = db.session.scalars(
            select(Notice.recipient_id).where(
                Notice.kind.in_([NoticeKind.PROPOSAL_RECEIPT, NoticeKind.PROPOSAL_RECEIVED])
            )
        ).all()
        assert sorted(receipts) == sorted([person_id, staff_id])
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert actions.count("absence_registered") == 3
        assert actions.count("proposal_submitted") == 1
        db.session.remove()


def test_the_looping_mail_worker_outlives_a_postgresql_restart(
    private_postgres: PrivateServer, smtp
):
    """`notifications send --loop` keeps running while the database is away for a moment,
    and sends what is written after it came back."""
    server = private_postgres
    with portal_app(server.url):
        upgrade(directory=str(ROOT / "migrations"))
        environment = {
            **os.environ,
            "PORTAL_ENV": "test",
            "PORTAL_SECRET_KEY": "test-secret",
            "PORTAL_DATABASE_URL": server.url,
            "PORTAL_SMTP_HOST": smtp.host,
            "PORTAL_SMTP_PORT": str(smtp.port),
        }
        command = [sys.executable, "-m", "flask", "--app", "portal", "notifications", "send"]
        worker = subprocess.Popen(
            [*command, "--loop", "--interval", "0.1"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            message_ids = [n.message_id for n in queue_notices(2)]
            smtp.wait_for(2)
            db.session.remove()

            server.stop("fast")
            time.sleep(1)  # some rounds of the worker find no database
            server.start()

            message_ids += [n.message_id for n in queue_notices(2)]
            try:
                smtp.wait_for(4)
            except AssertionError:
                worker.kill()
                raise AssertionError(worker.communicate()[1][-3000:]) from None
            assert worker.poll() is None  # still running
            worker.send_signal(signal.SIGTERM)
            output, errors = worker.communicate(timeout=30)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.communicate()
        assert worker.returncode == 0, errors
        assert output.splitlines()[-1] == "e-mails sent: 4, to retry: 0, dead: 0"
        assert smtp.message_id_counts() == dict.fromkeys(message_ids, 1)
        assert "database unavailable, trying again" in errors  # it noticed, and stayed
        db.session.remove()
