"""The portal under load: gunicorn on loopback with PostgreSQL, driven by wrk.

Creates a fresh database on the PostgreSQL server given (dropped at the end), migrates it and
builds the demo council (KKR Sjælland) in it, starts the portal with gunicorn on a free
loopback port (PORTAL_ENV=development, PORTAL_DEMO=1: the demo sign-in gives the session
cookies), and replays with wrk (Debian package `wrk`), each page alone for --seconds at 10, 50
and 200 concurrent connections:

- a member's 'Mit overblik' and the next meeting's agenda as members read it (signed in),
- the secretariat's attendance board of that meeting (signed in as staff),
- the public agenda of that meeting (anonymous),
- and, in the same run under the same gunicorn settings, a bare Flask endpoint that returns
  a short text: the ceiling of this server on this machine. Each page's throughput is also
  given as a fraction of it.

    .venv/bin/python bench/load.py                  # PostgreSQL on 127.0.0.1:5432
    .venv/bin/python bench/load.py --postgresql postgresql+psycopg://postgres@HOST:PORT/test \\
        --seconds 10 --levels 10,50,200 --workers 5

wrk runs on the same machine as gunicorn and PostgreSQL and takes a share of the cores.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from flask import Flask
from flask_migrate import upgrade
from notifications_delivery import drop_postgres_database, free_port, fresh_postgres_database
from sqlalchemy import select

from portal import create_app
from portal.councils.models import CouncilOffice, Membership, StaffAssignment
from portal.demo.data import build_demo_council
from portal.extensions import db
from portal.meetings.models import Meeting
from portal.policy import today
from portal.types import utcnow

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# The ceiling: the same server settings, a Flask app that does nothing. gunicorn imports it
# as `load:bare` (with --chdir bench).
bare = Flask("bare")


@bare.get("/")
def bare_endpoint() -> str:
    return "ok"


# wrk prints its own summary; this adds one machine-readable line (latencies in µs).
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    cookie: str | None  # the session cookie, None: anonymous


@dataclass(frozen=True)
class Result:
    p50_ms: float
    p95_ms: float
    p99_ms: float
    per_second: float
    requests: int
    socket_errors: int
    status_errors: int  # answers other than 2xx/3xx


def prepare(database_url: str) -> dict[str, int]:
    """Migrate, build the demo council; the ids the pages need."""
    app = create_app({"ENV": "test", "SECRET_KEY": "bench", "DATABASE_URL": database_url})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        build_demo_council(db.session, today())
        db.session.commit()
        meeting = db.session.scalars(
            select(Meeting)
            .where(Meeting.agenda_published_at.is_not(None), Meeting.starts_at > utcnow())
            .order_by(Meeting.starts_at)
        ).first()
        member = db.session.scalars(
            select(Membership)
            .where(Membership.office == CouncilOffice.MEMBER)
            .order_by(Membership.id)
        ).first()
        staff = db.session.scalars(select(StaffAssignment).order_by(StaffAssignment.id)).first()
        assert meeting is not None and member is not None and staff is not None
        ids = {"meeting": meeting.id, "member": member.person_id, "staff": staff.person_id}
        db.session.remove()
        db.engine.dispose()
    return ids


def start_gunicorn(app: str, port: int, workers: int, environment: dict[str, str]):  # noqa: ANN201
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "--chdir",
        str(BENCH),
        app,
    ]
    server = subprocess.Popen(command, env=environment, cwd=BENCH)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(url + "/", timeout=5, allow_redirects=False)
            return server
        except requests.RequestException:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn {app} exited with {server.returncode}") from None
            time.sleep(0.2)
    stop(server)
    raise SystemExit(f"gunicorn {app} did not answer on {url} within a minute")


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def signed_in_cookie(url: str, person_id: int) -> str:
    """Sign in through the demo page, as a visitor would; the session cookie's value."""
    session = requests.Session()
    form = session.get(url + "/demo/log-ind", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token, "no CSRF token on the demo sign-in page"
    answer = session.post(
        url + "/demo/log-ind",
        data={"csrf_token": token.group(1), "person_id": str(person_id)},
        headers={"Referer": url + "/demo/log-ind"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.status_code
    return session.cookies["kkr_session"]


def check(url: str, target: Target) -> None:
    headers = {"Cookie": f"kkr_session={target.cookie}"} if target.cookie else {}
    answer = requests.get(url + target.path, headers=headers, allow_redirects=False, timeout=10)
    assert answer.status_code == 200, (target.path, answer.status_code)


def run_wrk(url: str, path: str, cookie: str | None, connections: int, seconds: int) -> Result:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_REPORT)
    command = ["wrk", "--threads", "2", "--connections", str(connections)]
    command += ["--duration", f"{seconds}s", "--timeout", "10s", "--script", script.name]
    if cookie:
        command += ["--header", f"Cookie: kkr_session={cookie}"]
    try:
        output = subprocess.run(
            [*command, url + path], capture_output=True, text=True, check=True
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    p50, p95, p99, count, duration, socket_errors, status_errors = map(int, line.split()[1:])
    return Result(
        p50 / 1000,
        p95 / 1000,
        p99 / 1000,
        count / (duration / 1_000_000),
        count,
        socket_errors,
        status_errors,
    )


def run(server_url: str, seconds: int, levels: list[int], workers: int) -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    database_url, name = fresh_postgres_database(server_url)
    portal_server = bare_server = None
    try:
        ids = prepare(database_url)
        environment = {
            **os.environ,
            "PORTAL_ENV": "development",
            "PORTAL_DEMO": "1",
            "PORTAL_SECRET_KEY": "bench-load",
            "PORTAL_DATABASE_URL": database_url,
            "PYTHONPATH": f"{ROOT}{os.pathsep}{BENCH}",
        }
        portal_port, bare_port = free_port(), free_port()
        portal_server = start_gunicorn("wsgi:app", portal_port, workers, environment)
        bare_server = start_gunicorn("load:bare", bare_port, workers, environment)
        portal = f"http://127.0.0.1:{portal_port}"
        bare_url = f"http://127.0.0.1:{bare_port}"
        member = signed_in_cookie(portal, ids["member"])
        staff = signed_in_cookie(portal, ids["staff"])
        meeting = ids["meeting"]
        targets = [
            Target("member: Mit overblik", "/overblik", member),
            Target("member: agenda", f"/moeder/{meeting}/dagsorden", member),
            Target(
                "staff: attendance board",
                f"/kkr/sjaelland/admin/moeder/{meeting}/fremmoede",
                staff,
            ),
            Target("public: agenda", f"/kkr/sjaelland/moeder/{meeting}/dagsorden", None),
        ]
        for target in targets:
            check(portal, target)
            run_wrk(portal, target.path, target.cookie, 2, 1)  # warm up every worker

        print(
            f"gunicorn {workers} sync workers on 127.0.0.1, PostgreSQL, wrk 2 threads, "
            f"{seconds} s per page and level; {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f} before"
        )
        print()
        print("| page | clients | p50 ms | p95 ms | p99 ms | req/s | of ceiling | errors |")
        print("|---|---|---|---|---|---|---|---|")
        for connections in levels:
            ceiling = run_wrk(bare_url, "/", None, connections, seconds)
            rows = [("bare Flask endpoint (ceiling)", ceiling)]
            for target in targets:
                rows.append(
                    (target.name, run_wrk(portal, target.path, target.cookie, connections, seconds))
                )
            for label, result in rows:
                errors = result.socket_errors + result.status_errors
                detail = (
                    f"{errors} ({result.socket_errors} socket, {result.status_errors} status)"
                    if errors
                    else "0"
                )
                print(
                    f"| {label} | {connections} | {result.p50_ms:.1f} | {result.p95_ms:.1f} | "
                    f"{result.p99_ms:.1f} | {result.per_second:.0f} | "
                    f"{result.per_second / ceiling.per_second:.3f} | {detail} |",
                    flush=True,
                )
        print()
        print(f"load average {os.getloadavg()[0]:.1f} after (1 min)")
    finally:
        for server in (portal_server, bare_server):
            if server is not None:
                stop(server)
        drop_postgres_database(server_url, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", metavar="SERVER_URL", default=DEFAULT_SERVER)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--levels", default="10,50,200")
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    arguments = parser.parse_args()
    levels = [int(part) for part in arguments.levels.split(",")]
    run(arguments.postgresql, arguments.seconds, levels, arguments.workers)


if __name__ == "__main__":
    sys.exit(main())
