"""Election results from a CSV file: one line per group, `name,votes,mayors,council_seats`
(a `letter` column may be added). All or nothing: any bad line is reported with its line
number and nothing is stored.

Spreadsheets in Denmark save CSV with semicolons and often in Windows-1252: both are read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from portal.elections.forms import MAX_COUNT
from portal.forms import CONTROL_CHARACTERS

REQUIRED_COLUMNS = ("name", "votes", "mayors", "council_seats")
OPTIONAL_COLUMNS = ("letter",)
# Danish headings are accepted too, for a sheet typed by hand.
ALIASES = {
    "navn": "name",
    "parti": "name",
    "stemmer": "votes",
    "borgmestre": "mayors",
    "mandater": "council_seats",
    "kommunalbestyrelsesmandater": "council_seats",
    "bogstav": "letter",
}
MAX_BYTES = 256 * 1024
MAX_GROUPS = 200
NAME_LENGTH = 120
LETTER_LENGTH = 10
DIGITS = re.compile(r"[0-9]+")
MAX_DIGITS = len(str(MAX_COUNT))


@dataclass(frozen=True)
class GroupLine:
    name: str
    letter: str
    votes: int
    mayors: int
    council_seats: int


class CsvRefused(Exception):
    """The file cannot be used; `problems` are Danish messages, most with a line number."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _count(value: str, line: int, column_label: str, problems: list[str]) -> int | None:
    text = value.strip().replace(".", "").replace(" ", "")  # 152.243 as written in Danish
    # ASCII digits only (str.isdigit() also takes "²"), and no more than a form accepts;
    # the length is checked first, as int() refuses strings of over 4,300 digits.
    if not DIGITS.fullmatch(text) or len(text) > MAX_DIGITS or int(text) > MAX_COUNT:
        problems.append(
            _(
                "Linje %(line)d: %(column)s skal være et helt tal fra 0 til 100.000.000, "
                "ikke »%(value)s«.",
                line=line,
                column=column_label,
                value=value.strip()[:40],
            )
        )
        return None
    return int(text)


def parse_results(data: bytes) -> list[GroupLine]:
    """The groups in the file, in its order, or CsvRefused with every problem found."""
    if len(data) > MAX_BYTES:
        raise CsvRefused([_("Filen er for stor (højst 256 KB).")])
    text = _decode(data)
    if not text.strip():
        raise CsvRefused([_("Filen er tom.")])
    first_line = text.splitlines()[0]
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(first_line)))
    header = [ALIASES.get(cell.strip().lower(), cell.strip().lower()) for cell in rows[0]]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise CsvRefused(
            [
                _(
                    "Linje 1: kolonneoverskrifterne skal være name,votes,mayors,council_seats; "
                    "mangler %(missing)s.",
                    missing=", ".join(missing),
                )
            ]
        )
    index = {
        column: header.index(column)
        for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS
        if column in header
    }
    labels = {
        "votes": _("stemmer"),
        "mayors": _("borgmestre"),
        "council_seats": _("mandater i kommunalbestyrelserne"),
    }
    problems: list[str] = []
    groups: list[GroupLine] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # an empty line (spreadsheets end with one)
        if len(row) < len(header):
            problems.append(
                _(
                    "Linje %(line)d: der skal være %(expected)d felter, ikke %(found)d.",
                    line=number,
                    expected=len(header),
                    found=len(row),
                )
            )
            continue
        name = row[index["name"]].strip()
        letter = row[index["letter"]].strip() if "letter" in index else ""
        if not name:
            problems.append(_("Linje %(line)d: navnet mangler.", line=number))
        elif len(name) > NAME_LENGTH:
            problems.append(_("Linje %(line)d: navnet er længere end 120 tegn.", line=number))
        elif name.lower() in seen:
            problems.append(
                _(
                    "Linje %(line)d: %(name)s står allerede på linje %(first)d.",
                    line=number,
                    name=name,
                    first=seen[name.lower()],
                )
            )
        else:
            seen[name.lower()] = number
        if len(letter) > LETTER_LENGTH:
            problems.append(_("Linje %(line)d: bogstavet er længere end 10 tegn.", line=number))
        if CONTROL_CHARACTERS.search(name + letter):
            problems.append(
                _("Linje %(line)d: teksten indeholder et tegn, der ikke kan gemmes.", line=number)
            )
            continue
        counts = {
            column: _count(row[index[column]], number, labels[column], problems)
            for column in ("votes", "mayors", "council_seats")
        }
        if None in counts.values() or not name:
            continue
        if counts["mayors"] > counts["council_seats"]:  # type: ignore[operator]
            problems.append(
                _(
                    "Linje %(line)d: en borgmester har et mandat, så borgmestrene kan højst være "
                    "lige så mange som mandaterne.",
                    line=number,
                )
            )
            continue
        groups.append(GroupLine(name, letter, **counts))  # type: ignore[arg-type]
    if not problems and not groups:
        problems.append(_("Filen har ingen grupper under overskriftslinjen."))
    if len(groups) > MAX_GROUPS:
        problems.append(_("Filen har flere end 200 grupper."))
    if problems:
        raise CsvRefused(problems)
    return groups
