"""Forms for proposals (rule 3.2): the member's proposal, and the secretariat's decisions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from portal.attachments.storage import ACCEPTED_TYPES_TEXT
from portal.forms import PortalForm
from portal.types import MAX_ID

TITLE_MAX = 300  # the column's length (and an agenda item's title)
BODY_MAX = 20_000
JUSTIFICATION_MAX = 5_000

# The buttons of the proposal form: both save; the second also submits.
SAVE = "save"
SUBMIT = "submit"


class ProposalForm(PortalForm):
    """Title, the proposal, why it is regional or inter-municipal, and files. A draft needs a
    title only; submitting needs all three texts (checked by the operation)."""

    # One per form shown: a double-clicked first save creates one proposal.
    form_token = HiddenField()
    meeting_id = SelectField(
        _l("Møde"), coerce=int, validators=[InputRequired(_l("Vælg det møde, forslaget er til."))]
    )
    title = StringField(
        _l("Titel"),
        validators=[DataRequired(_l("Skriv en titel.")), Length(max=TITLE_MAX)],
    )
    body = TextAreaField(_l("Forslaget"), validators=[Length(max=BODY_MAX)])
    justification = TextAreaField(
        _l("Hvorfor er emnet af regional eller tværkommunal karakter?"),
        validators=[Length(max=JUSTIFICATION_MAX)],
    )
    attachments = MultipleFileField(
        _l("Bilag (frivilligt)"),
        description=_l(
            "%(types)s, højst 20 MB pr. fil. Du kan vælge flere filer.", types=ACCEPTED_TYPES_TEXT
        ),
    )
    remove_attachments = SelectMultipleField(
        _l("Fjern bilag"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=False,  # only the proposal's own files are ever removed (operation)
    )

    def uploads(self) -> list:  # noqa: ANN201
        """The files sent (an empty file input still sends one empty part)."""
        # A text value posted under the file field's name is no file (it was a 500).
        files = self.attachments.data or []
        return [upload for upload in files if isinstance(upload, FileStorage) and upload.filename]


class ConfirmForm(PortalForm):
    """A button that changes something: only the CSRF token is sent."""


class MoveForm(PortalForm):
    """The one-click offer to a late proposal: the later meeting to submit it to."""

    meeting_id = IntegerField(
        widget=HiddenInput(),
        validators=[
            InputRequired(),
            NumberRange(min=1, max=MAX_ID, message=_l("Mødet findes ikke.")),
        ],
    )


class DecisionForm(PortalForm):
    """A staff action on a proposal; `version` is the one the page showed (two staff at once)."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class ReturnForm(DecisionForm):
    """Return a proposal: allowed on one ground only (rule 3.2), confirmed explicitly."""

    reason = TextAreaField(
        _l("Begrundelse til forslagsstilleren"),
        validators=[DataRequired(_l("Skriv begrundelsen til forslagsstilleren."))],
    )
    not_regional = BooleanField(
        _l("Emnet er ikke af regional eller tværkommunal karakter (regel 3.2)"),
        validators=[
            DataRequired(
                _l(
                    "Et forslag kan kun returneres, fordi emnet ikke er af regional eller "
                    "tværkommunal karakter. Bekræft det, eller sæt forslaget på dagsordenen."
                )
            )
        ],
    )
