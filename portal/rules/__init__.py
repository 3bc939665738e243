"""The rules of procedure as pure functions: no Flask, no database.

Each module cites the rule it implements (see shared/RULES.md); a different reading of a rule
is a change in one place here.
"""
