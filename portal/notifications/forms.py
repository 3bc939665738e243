"""A person's choice per kind of notice: e-mail and inbox, or inbox only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import RadioField, SelectChoice

from portal.forms import PortalForm
from portal.labels import LABELS
from portal.notifications.models import URGENT_KINDS, NoticeKind

EMAIL = "email"
INBOX_ONLY = "inbox"
DELIVERY_CHOICES = [
    SelectChoice(EMAIL, _l("E-mail og indbakke")),
    SelectChoice(INBOX_ONLY, _l("Kun indbakke")),
]

# Urgent kinds always e-mail (models.URGENT_KINDS): the form has no field for them.
CHOOSABLE_KINDS = [kind for kind in NoticeKind if kind not in URGENT_KINDS]
ALWAYS_EMAILED_KINDS = [kind for kind in NoticeKind if kind in URGENT_KINDS]


class EmailChoicesForm(PortalForm):
    """One radio group per kind the person may choose for, named by the kind's value."""

    def choices(self) -> dict[NoticeKind, bool]:
        return {kind: self[kind.value].data == EMAIL for kind in CHOOSABLE_KINDS}

    def kind_fields(self) -> list[tuple[NoticeKind, RadioField]]:
        return [(kind, self[kind.value]) for kind in CHOOSABLE_KINDS]

    def always_emailed(self) -> list[NoticeKind]:
        return ALWAYS_EMAILED_KINDS


for _kind in CHOOSABLE_KINDS:
    setattr(EmailChoicesForm, _kind.value, RadioField(LABELS[_kind], choices=DELIVERY_CHOICES))


def email_choices_form(current: dict[NoticeKind, bool]) -> EmailChoicesForm:
    """The form showing the person's current choices (a POST's own values take precedence)."""
    return EmailChoicesForm(
        data={kind.value: EMAIL if current[kind] else INBOX_ONLY for kind in CHOOSABLE_KINDS}
    )
