"""Accessibility checks with axe-core, against WCAG 2.0 and 2.1 levels A and AA.

How axe gets into the page. The portal's CSP (script-src 'self') blocks what
`page.add_script_tag(path=...)` does, an inline <script>. Instead the source is handed to
`page.evaluate`, which runs it through the DevTools protocol: page CSP does not apply to that,
so the pages are checked exactly as served and no test needs `bypass_csp=True`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page

AXE_PATH = (
    Path(__file__).resolve().parent.parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
)
# WCAG 2.1 AA is what the portal promises; best-practice catches the rest axe knows about
# (landmarks, one h1, headings in order).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@cache
def _axe_source() -> str:
    # `void 0` at the end: the completion value is never a function Playwright would call.
    return AXE_PATH.read_text(encoding="utf-8") + "\n;void 0;"


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return results["violations"]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation (id, impact, help), then one per offending node."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            # A target is a CSS selector, or a list of them for content inside frames.
            target = " >> ".join(
                " ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with every axe violation on the page as it stands now: id, impact, help, nodes."""
    violations = axe_violations(page)
    assert not violations, f"axe found on {page.url}:\n{describe(violations)}"
