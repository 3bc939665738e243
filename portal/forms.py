"""The base form: WTForms' own messages in Danish (WTForms ships no Danish catalogue)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.fields.choices import SelectChoice
from wtforms.fields.form import FormField
from wtforms.fields.list import FieldList
from wtforms.validators import InputRequired

# The empty first option of a select.
NO_CHOICE = SelectChoice("", _l("— vælg —"))

WTFORMS_REQUIRED = "This field is required."
# WTForms' built-in messages that the portal's forms can show, in Danish.
WTFORMS_DANISH = {
    WTFORMS_REQUIRED: _l("Skal udfyldes."),
    "Not a valid date value.": _l("Skriv en dato som åååå-mm-dd, fx 2027-01-31."),
    "Not a valid datetime value.": _l("Skriv dato og klokkeslæt, fx 2027-01-31 10:00."),
    "Not a valid choice.": _l("Vælg en af mulighederne."),
    "Invalid Choice: could not coerce.": _l("Vælg en af mulighederne."),
    "Invalid choice(s): one or more data inputs could not be coerced.": _l(
        "Vælg blandt mulighederne."
    ),
    "'%(value)s' is not a valid choice for this field.": _l("Vælg blandt mulighederne."),
    "'%(value)s' are not valid choices for this field.": _l("Vælg blandt mulighederne."),
    "Not a valid time value.": _l("Skriv et klokkeslæt som tt:mm, fx 10:00."),
    "Not a valid decimal value.": _l("Skriv et tal."),
    "Not a valid float value.": _l("Skriv et tal."),
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


# Control characters no one types: NUL (which PostgreSQL refuses in text) and the rest of C0
# and DEL, except tab, line feed and carriage return.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTER_MESSAGE = _l("Teksten indeholder et tegn, der ikke kan gemmes. Skriv den igen.")


def _leaf_fields(fields: Iterator[Field]) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _leaf_fields(iter(field.form))
        elif isinstance(field, FieldList):
            yield from _leaf_fields(iter(field.entries))
        else:
            yield field


class PortalForm(FlaskForm):
    class Meta:
        def get_translations(self, form: FlaskForm) -> DanishMessages:  # noqa: ARG002
            return DanishMessages()

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        """The fields' own validation, no control characters in any posted text, and no
        required text that is only spaces."""
        valid = super().validate(extra_validators)
        for field in _leaf_fields(iter(self)):
            values = [v for v in (field.raw_data or []) if isinstance(v, str)]
            if any(CONTROL_CHARACTERS.search(value) for value in values):
                field.errors = [*field.errors, CONTROL_CHARACTER_MESSAGE]
                valid = False
            elif blank_but_required(field):
                field.errors = [*field.errors, required_message(field)]
                valid = False
        return valid


def _input_required(field: Field) -> InputRequired | None:
    return next((v for v in field.validators if isinstance(v, InputRequired)), None)


def blank_but_required(field: Field) -> bool:
    """InputRequired looks at the text as posted, before the `strip` filter: "   " passes it
    and would be stored as ""."""
    return (
        not field.errors
        and _input_required(field) is not None
        and isinstance(field.data, str)
        and not field.data.strip()
    )


def required_message(field: Field) -> str:
    validator = _input_required(field)
    message = validator.message if validator is not None else None
    return str(message) if message else field.gettext(WTFORMS_REQUIRED)
