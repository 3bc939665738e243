"""The base form every form of the portal builds on (portal/forms.py)."""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired

from portal.councils.forms import strip
from portal.forms import PortalForm


class NameForm(PortalForm):
    class Meta:
        csrf = False

    name = StringField("Navn", validators=[InputRequired("Skriv et navn.")], filters=[strip])
    note = StringField("Note", filters=[strip])
    count = IntegerField("Antal", validators=[InputRequired()])


def posted(app: Flask, **values: str) -> NameForm:
    with app.test_request_context(method="POST"):
        form = NameForm(formdata=MultiDict({"name": "Sorø", "count": "0", **values}))
        form.validate()
        return form


@pytest.mark.parametrize("blank", [" ", "   ", "\t", "\r\n", " \u00a0 "])
def test_required_text_of_only_spaces_is_refused_with_the_fields_own_message(
    app: Flask, blank: str
):
    form = posted(app, name=blank)
    assert form.name.errors == ["Skriv et navn."]


def test_required_text_with_words_and_optional_blank_text_pass(app: Flask):
    form = posted(app, name="  Sorø  ", note="   ")
    assert not form.errors
    assert (form.name.data, form.note.data, form.count.data) == ("Sorø", "", 0)


def test_control_characters_are_refused_once_and_not_also_as_blank(app: Flask):
    form = posted(app, name="\x00")
    assert form.name.errors == ["Teksten indeholder et tegn, der ikke kan gemmes. Skriv den igen."]
