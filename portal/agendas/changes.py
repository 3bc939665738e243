"""What changed between two published versions ("Rettet dagsorden"), as Danish lines.

`Publication.changes` holds data (see `snapshot.describe_changes`), not text: this turns each
entry into one sentence in the reader's language. An entry without a title (the public's
copy, `snapshot.changes_for_public`, drops the titles of closed items: rule 3.0) is written
without one, so the same renderer serves members, e-mails and the public site:

    change_lines(publication.changes)                               # members, staff
    change_lines(snapshot.changes_for_public(publication.changes))  # the public
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _


def change_line(entry: dict[str, Any]) -> str:
    """One change as a sentence, e.g. "Punkt 4 »Kollektiv trafik« er tilføjet."."""
    number = entry["number"]
    titled = "title" in entry
    title = entry.get("title", "")
    change = entry.get("change")
    if change == "added":
        if titled:
            return _("Punkt %(number)s »%(title)s« er tilføjet.", number=number, title=title)
        return _("Lukket punkt %(number)s er tilføjet.", number=number)
    if change == "removed":
        if titled:
            return _(
                "Punkt %(number)s »%(title)s« er taget af dagsordenen.", number=number, title=title
            )
        return _("Lukket punkt %(number)s er taget af dagsordenen.", number=number)
    if change == "moved":
        before = entry.get("from_number", "?")
        if titled:
            return _(
                "Punktet »%(title)s« er flyttet fra nr. %(before)s til nr. %(number)s.",
                title=title,
                before=before,
                number=number,
            )
        return _(
            "Et lukket punkt er flyttet fra nr. %(before)s til nr. %(number)s.",
            before=before,
            number=number,
        )
    if change == "closed":
        if titled:
            return _(
                "Punkt %(number)s »%(title)s« er nu et lukket punkt.", number=number, title=title
            )
        return _("Punkt %(number)s er nu et lukket punkt.", number=number)
    if change == "opened":
        if titled:
            return _(
                "Punkt %(number)s »%(title)s« er ikke længere et lukket punkt.",
                number=number,
                title=title,
            )
        return _("Punkt %(number)s er ikke længere et lukket punkt.", number=number)
    # "edited", and anything a later version of describe_changes may add.
    if titled:
        return _("Punkt %(number)s »%(title)s« er ændret.", number=number, title=title)
    return _("Lukket punkt %(number)s er ændret.", number=number)


def change_lines(changes: Iterable[dict[str, Any]] | None) -> list[str]:
    """Every change of a version, in the order `describe_changes` listed them."""
    return [change_line(entry) for entry in changes or []]


def public_change_lines(changes: Iterable[dict[str, Any]] | None) -> list[str]:
    """The lines anyone may read: closed items by their number only (rule 3.0)."""
    from portal.agendas.snapshot import changes_for_public

    return change_lines(changes_for_public(list(changes or [])))
