"""`flask --app portal calc deadlines` prints the deadlines of a meeting as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from portal import create_app

ROOT = Path(__file__).parent.parent


def test_rule_3_2_calc_deadlines_through_the_real_command(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")},
        "PORTAL_ENV": "test",
        "PORTAL_SECRET_KEY": "x",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", "calc", "deadlines",
         "--meeting", "2027-03-29T10:00"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "proposal_deadline": "2027-03-19T23:59:59+01:00",
        "agenda_deadline": "2027-03-22T23:59:59+01:00",
        "absence_deadline": "2027-03-29T10:00:00+02:00",
    }


def test_rule_3_3_calc_deadlines_accepts_an_offset_and_refuses_nonsense(tmp_path):
    app = create_app(
        {"ENV": "test", "SECRET_KEY": "x", "DATABASE_URL": f"sqlite:///{tmp_path}/c.sqlite3"}
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["calc", "deadlines", "--meeting", "2027-10-31T08:00:00+00:00"])
    assert result.exit_code == 0
    assert json.loads(result.output)["agenda_deadline"] == "2027-10-24T23:59:59+02:00"
    bad = runner.invoke(args=["calc", "deadlines", "--meeting", "next tuesday"])
    assert bad.exit_code == 2
    assert "ISO 8601" in bad.output
