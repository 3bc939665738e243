"""The accessibility check itself: a page with known faults must fail, naming them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser.axe import assert_accessible

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_assert_accessible_names_each_violation_and_its_element(page: Page):
    page.goto("/log-ind")
    page.locator("main").evaluate(
        "(main, html) => main.insertAdjacentHTML('beforeend', html)",
        '<img src="/static/img/favicon.svg" id="no-alt"><input id="no-label">',
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    report = str(failure.value)
    assert "image-alt (critical)" in report and "#no-alt" in report
    assert "label (critical)" in report and "#no-label" in report
