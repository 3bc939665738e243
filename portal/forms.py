"""The base form: WTForms' own messages in Danish (WTForms ships no Danish catalogue)."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

# The empty first option of a select.
NO_CHOICE = SelectChoice("", _l("— vælg —"))

# WTForms' built-in messages that the portal's forms can show, in Danish.
WTFORMS_DANISH = {
    "This field is required.": _l("Skal udfyldes."),
    "Not a valid date value.": _l("Skriv en dato som åååå-mm-dd, fx 2027-01-31."),
    "Not a valid datetime value.": _l("Skriv dato og klokkeslæt, fx 2027-01-31 10:00."),
    "Not a valid choice.": _l("Vælg en af mulighederne."),
    "Invalid Choice: could not coerce.": _l("Vælg en af mulighederne."),
    "Invalid email address.": _l("Skriv en gyldig e-mailadresse."),
    "Not a valid integer value.": _l("Skriv et helt tal."),
    "Field cannot be longer than %(max)d character.": _l("Højst %(max)d tegn."),
    "Field cannot be longer than %(max)d characters.": _l("Højst %(max)d tegn."),
    "Field must be at least %(min)d character long.": _l("Mindst %(min)d tegn."),
    "Field must be at least %(min)d characters long.": _l("Mindst %(min)d tegn."),
    "Field must be between %(min)d and %(max)d characters long.": _l(
        "Mellem %(min)d og %(max)d tegn."
    ),
}


class DanishMessages:
    def gettext(self, message: str) -> str:
        if str(get_locale()) == "en":
            return message
        return str(WTFORMS_DANISH.get(message, message))

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.gettext(singular if count == 1 else plural)


class PortalForm(FlaskForm):
    class Meta:
        def get_translations(self, form: FlaskForm) -> DanishMessages:  # noqa: ARG002
            return DanishMessages()
