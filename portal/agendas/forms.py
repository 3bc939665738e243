"""Forms of the agenda builder (rules 3.0, 3.3, 3.6)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from wtforms import BooleanField, HiddenField, MultipleFileField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import PortalForm
from portal.types import row_id

TITLE_MAX = 300  # AgendaItem.title


class ItemForm(PortalForm):
    """An agenda item as staff write it; several files may be attached at once."""

    title = StringField(
        _l("Overskrift"),
        validators=[DataRequired(_l("Skriv punktets overskrift.")), Length(max=TITLE_MAX)],
    )
    presentation = TextAreaField(_l("Sagsfremstilling"), validators=[Optional()])
    recommendation = TextAreaField(_l("Indstilling"), validators=[Optional()])
    # rule 3.0: a closed item is read by members, called-in substitutes and staff only.
    closed = BooleanField(_l("Lukket punkt"))
    attachments = MultipleFileField(_l("Bilag"))
    # The version the editor started from: a save over someone else's change is refused.
    version = HiddenField()

    def uploads(self) -> list[FileStorage]:
        """The files chosen (a browser sends one empty part when none is)."""
        return [f for f in self.attachments.data or [] if isinstance(f, FileStorage) and f.filename]

    def version_value(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() else None


class ConfirmForm(PortalForm):
    """A button that changes something: only the CSRF token is sent."""


class PublishForm(PortalForm):
    """Send the agenda out; after the rule 3.3 deadline only with a reason on record."""

    late_reason = TextAreaField(
        _l("Begrundelse for udsendelse efter fristen"),
        validators=[Optional(), Length(max=2000)],
    )
    # Rule 3.2: proposals pending or the proposal window open: staff confirm they saw it.
    confirm_pending = BooleanField(
        _l("Jeg har set forslagene og fristen ovenfor og vil udsende dagsordenen alligevel")
    )
    # The ids of the pending proposals the page showed: one that came in since asks again.
    acknowledged = HiddenField()

    def acknowledged_ids(self) -> list[int] | None:
        """The proposals confirmed, or None when the box is not ticked."""
        if not self.confirm_pending.data:
            return None
        values = (self.acknowledged.data or "").split(",")
        return [found for found in (row_id(value.strip()) for value in values) if found]
