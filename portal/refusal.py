"""The one way an operation says no: a rule is broken, with a Danish message for one field."""

from __future__ import annotations


class Refused(Exception):
    """The change breaks a rule; `field` names the form field the message belongs to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
