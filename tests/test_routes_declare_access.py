"""Every route declares who may use it (portal/policy.py)."""

from flask import Flask

from portal.policy import declared_rule


def test_every_endpoint_declares_its_access_rule(app: Flask):
    undeclared = [
        endpoint for endpoint, view in app.view_functions.items() if declared_rule(view) is None
    ]
    assert undeclared == []
    assert len(app.view_functions) > 5
