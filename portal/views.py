"""View helpers every area uses: the signed-in person, load a council's record, the form flow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import htmx
from portal.councils import queries
from portal.councils.models import Council, Person
from portal.extensions import db
from portal.refusal import Refused


def me() -> Person:
    """The signed-in person itself (not the proxy), for operations that store it."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def load(model: type, council: Council, object_id: int | None) -> Any:
    found = queries.in_council(model, council, object_id) if object_id else None
    if found is None:
        abort(404)
    return found


def load_optional(model: type, council: Council, object_id: int | None) -> Any:
    return load(model, council, object_id) if object_id else None


def form_page(
    template: str,
    form: FlaskForm,
    act: Callable[[], Any],
    success: str | Callable[[Any], str],
    next_url: str,
    **context: Any,
):  # noqa: ANN201
    """GET shows the form. A valid POST runs `act` (an operation) and redirects 303 with a
    flash message. Invalid input or a refused rule shows the form again, as typed, with its
    messages and status 422 (htmx 4 swaps it in; only the form block for htmx)."""
    if form.validate_on_submit():
        try:
            result = act()
        except Refused as refusal:
            field = getattr(form, refusal.field, None)
            if field is None:
                # A rule about the whole request (the meeting has begun): a form-level error.
                form.form_errors.append(refusal.message)
            else:
                field.errors.append(refusal.message)
        else:
            flash(success(result) if callable(success) else success, "success")
            if htmx.is_htmx():
                # A 303 would be followed by htmx and the whole page swapped into the form.
                return htmx.client_redirect(next_url)
            return redirect(next_url, 303)
    if form.is_submitted():
        return htmx.render(template, block="form", status=422, form=form, **context)
    return htmx.render(template, form=form, **context)


def post_action(act: Callable[[], Any], success: str, next_url: str):  # noqa: ANN201
    """A button that changes state: run `act`, flash its outcome (a refused rule as an
    error), and go to `next_url` (303; HX-Redirect for htmx)."""
    try:
        act()
    except Refused as refusal:
        db.session.rollback()
        flash(refusal.message, "error")
    else:
        flash(success, "success")
    if htmx.is_htmx():
        return htmx.client_redirect(next_url)
    return redirect(next_url, 303)
