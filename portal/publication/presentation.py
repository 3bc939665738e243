"""What the agenda and minutes templates (web pages and PDFs) are given.

The context is built from a snapshot's content only: for the public that is the result of
`snapshot.for_public`, so a closed item arrives as `{"number", "closed"}` and nothing else.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.agendas.models import Publication, PublicationKind
from portal.labels import label
from portal.meetings.models import Meeting
from portal.templating import local_datetime

# The rule 3.7 result of a vote, as the minutes area stores it in the snapshot.
RESULTS = {
    "adopted": _l("Vedtaget"),
    "rejected": _l("Forkastet"),
    "not_adopted": _l("Ikke vedtaget (stemmelighed)"),
}
CHAIR_VOTES = {
    "for": _l("Mødelederen stemte for, og mødelederens stemme gjorde udslaget."),
    "against": _l("Mødelederen stemte imod, og mødelederens stemme gjorde udslaget."),
    "abstain": _l("Mødelederen undlod at stemme, så forslaget er ikke vedtaget."),
    "did_not_vote": _l("Mødelederen stemte ikke, så forslaget er ikke vedtaget."),
}


def meeting_name(meeting: Meeting) -> str:
    """ "Ordinært møde 30. marts 2099 kl. 10:00"."""
    return f"{label(meeting.kind)} {local_datetime(meeting.starts_at)}"


def document_title(kind: PublicationKind, meeting: Meeting) -> str:
    if kind is PublicationKind.MINUTES:
        return _("Referat: %(meeting)s", meeting=meeting_name(meeting))
    return _("Dagsorden: %(meeting)s", meeting=meeting_name(meeting))


def result_label(result: Any) -> str:
    if not result:
        return ""
    return str(RESULTS.get(str(result), result))


def chair_vote_label(vote: Any) -> str:
    return str(CHAIR_VOTES.get(str(vote), "")) if vote else ""


def has_votes(minutes: dict[str, Any] | None) -> bool:
    if not minutes:
        return False
    return any(
        minutes.get(key) is not None for key in ("votes_for", "votes_against", "votes_abstaining")
    )


def is_tie(minutes: dict[str, Any]) -> bool:
    return (minutes.get("votes_for") or 0) == (minutes.get("votes_against") or 0)


def paragraphs(text: str | None) -> list[str]:
    """Plain text split at blank lines; single line breaks are kept by CSS (pre-line)."""
    if not text:
        return []
    blocks = text.replace("\r\n", "\n").split("\n\n")
    return [block.strip("\n") for block in blocks if block.strip()]


HELPERS = {
    "result_label": result_label,
    "chair_vote_label": chair_vote_label,
    "has_votes": has_votes,
    "is_tie": is_tie,
    "paragraphs": paragraphs,
}


def content_context(
    meeting: Meeting,
    kind: PublicationKind,
    content: dict[str, Any],
    publication: Publication | None,
) -> dict[str, Any]:
    """The template context of one agenda or minutes (`publication` None: a shared draft)."""
    return {
        "meeting": meeting,
        "kind": kind,
        "publication": publication,
        "items": content["items"],
        "attendance": content.get("attendance"),
        "title": document_title(kind, meeting),
        "meeting_name": meeting_name(meeting),
        "helpers": HELPERS,
    }


def document_context(document: Any, content: dict[str, Any]) -> dict[str, Any]:
    """For a public page: the current publication and the other kind's, if out."""
    context = content_context(
        document.meeting, document.publication.kind, content, document.publication
    )
    context["other"] = document.other
    return context
