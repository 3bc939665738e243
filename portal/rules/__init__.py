"""The rules of procedure as pure functions: no Flask, no database.

Each module cites the rule it implements (see shared/RULES.md); a different reading of a rule
is a change in one place here.
"""


class InvalidInput(ValueError):
    """Input a calculator cannot work with; the message names the problem in one short line."""


def whole_number(value: object, what: str, minimum: int = 0) -> int:
    """`value` as an int of at least `minimum`; booleans and floats are refused, not coerced."""
    # bool is an int subclass: `true` in JSON must not pass as 1 vote.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{what} must be a whole number")
    if value < minimum:
        if minimum == 0:
            raise InvalidInput(f"{what} cannot be negative")
        raise InvalidInput(f"{what} must be at least {minimum}")
    return value


def name_of(value: object, what: str) -> str:
    """`value` as a name: a string that is not blank."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{what} must be a non-empty string")
    return value
