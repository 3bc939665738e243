"""The words for a request's status (rule 3.1), in Danish."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.meeting_requests.models import MeetingRequestStatus

STATUS_LABELS = {
    MeetingRequestStatus.OPEN: _l("Åben"),
    MeetingRequestStatus.THRESHOLD_REACHED: _l("Nok underskrifter"),
    MeetingRequestStatus.MEETING_CALLED: _l("Møde indkaldt"),
    MeetingRequestStatus.CLOSED: _l("Lukket"),
}


def status_label(status: MeetingRequestStatus) -> str:
    return str(STATUS_LABELS[status])
