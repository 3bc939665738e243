"""Every row of the rules of procedure (shared/RULES.md) has a test whose name carries its
number, so `grep -r "rule_3_2" tests/` finds what proves it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
RULES_FILE = TESTS.parent.parent / "shared" / "RULES.md"

# The rows of RULES.md, as numbers; "1.11–1.12" is one row, proved by a test of either number.
RULES = [
    *(f"3.{n}" for n in range(10)),
    *(f"1.{n}" for n in range(11)),
    "1.11–1.12",
    *(f"1.{n}" for n in range(13, 17)),
]


def rule_test_names() -> set[str]:
    pattern = re.compile(r"def (test_rule_\w+)")
    return {name for path in TESTS.rglob("test_*.py") for name in pattern.findall(path.read_text())}


def proves(rule: str, name: str) -> bool:
    numbers = rule.split("–")
    return any(re.search(rf"_{n.replace('.', '_')}(?:_|$)", name) for n in numbers)


def test_every_rule_has_a_test_named_by_its_number():
    names = rule_test_names()
    missing = [rule for rule in RULES if not any(proves(rule, name) for name in names)]
    assert missing == [], f"rules without a test named test_rule_<number>_…: {missing}"


def test_the_list_is_the_rows_of_rules_md():
    """Where the shared RULES.md is beside the repository, its rows are the ones above."""
    if not RULES_FILE.exists():
        pytest.skip("shared/RULES.md is not beside this clone; the list above stands")
    rows = re.findall(r"^\| (\d\.\d+(?:–\d\.\d+)?) \|", RULES_FILE.read_text(), re.MULTILINE)
    assert rows and sorted(rows) == sorted(RULES)
