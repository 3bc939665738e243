"""The English catalog is complete and compiled, and a visitor can switch language.

The catalog is kept with `make translations` (extract, update, compile); these tests fail when a
UI string was added or changed without that, or when the committed .mo lags behind the .po.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from portal.rules.calendar import COPENHAGEN
from tests.conftest import sign_in
from tests.factories import make_council, make_meeting, make_staff

ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = ROOT / "portal" / "translations" / "en" / "LC_MESSAGES"
PO_PATH = CATALOG_DIR / "messages.po"
MO_PATH = CATALOG_DIR / "messages.mo"

# %(name)s, %(max)d, %(ratio)05.2f: the name and the conversion must survive translation.
PLACEHOLDER = re.compile(r"%\((?P<name>[^)]*)\)[#0 +-]*\d*(?:\.\d+)?(?P<conversion>[a-zA-Z%])")


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as po_file:
        return read_po(po_file, locale="en")


def translations(catalog: Catalog) -> dict[object, object]:
    """msgid -> msgstr for every message but the header; plural ids and strings as tuples."""
    return {
        (tuple(message.id) if isinstance(message.id, list | tuple) else message.id): tuple(
            message.string
        )
        if isinstance(message.string, list | tuple)
        else message.string
        for message in catalog
        if message.id
    }


def as_tuple(value: object) -> tuple[str, ...]:
    return tuple(value) if isinstance(value, list | tuple) else (str(value),)


def placeholders(text: str) -> set[tuple[str, str]]:
    return {(m["name"], m["conversion"]) for m in PLACEHOLDER.finditer(text)}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A fresh extraction with the same options as `make translations`."""
    pot = tmp_path_factory.mktemp("babel") / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as pot_file:
        return read_po(pot_file)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return read_catalog(PO_PATH)


# --- the catalog ---------------------------------------------------------------------------


def test_extraction_finds_the_ui_strings(extracted: Catalog) -> None:
    ids = set(translations(extracted))
    assert len(ids) > 100
    assert {"Log ind", "Mit overblik", "Borgmester", "Skal udfyldes."} <= ids


def test_every_extracted_message_is_in_the_english_catalog(
    extracted: Catalog, catalog: Catalog
) -> None:
    missing = sorted(str(msgid) for msgid in translations(extracted) if msgid not in catalog)
    assert not missing, "run `make translations` and translate:\n" + "\n".join(missing)


def test_every_message_is_translated_and_none_is_fuzzy(catalog: Catalog) -> None:
    assert catalog.locale is not None and str(catalog.locale) == "en"
    untranslated = [
        str(message.id)
        for message in catalog
        if message.id and not all(part.strip() for part in as_tuple(message.string))
    ]
    fuzzy = [str(message.id) for message in catalog if message.id and message.fuzzy]
    assert not untranslated and not fuzzy, "\n".join(
        ["untranslated:", *untranslated, "fuzzy:", *fuzzy]
    )


def test_placeholders_survive_translation(catalog: Catalog) -> None:
    wrong = []
    for message in catalog:
        if not message.id:
            continue
        ids = as_tuple(message.id)
        expected = set().union(*(placeholders(msgid) for msgid in ids))
        for msgstr in as_tuple(message.string):
            if placeholders(msgstr) != expected:
                wrong.append(f"{ids[0]!r} -> {msgstr!r}")
                continue
            if expected:
                # Formatting with every name must work: no stray % in the translation.
                names = {name: 1 if kind in "di" else "x" for name, kind in expected}
                try:
                    msgstr % names
                except (KeyError, TypeError, ValueError) as error:
                    wrong.append(f"{ids[0]!r} -> {msgstr!r}: {error}")
    assert not wrong, "\n".join(wrong)
    assert not [problem for problem in catalog.check() if problem[1]]


def test_committed_mo_matches_the_po(catalog: Catalog) -> None:
    with MO_PATH.open("rb") as mo_file:
        committed = read_mo(mo_file)
    fresh_bytes = io.BytesIO()
    write_mo(fresh_bytes, catalog)
    fresh_bytes.seek(0)
    fresh = read_mo(fresh_bytes)
    stale = "portal/translations/en/LC_MESSAGES/messages.mo is stale: run `make translations`"
    assert translations(committed) == translations(fresh), stale
    assert translations(committed) == translations(catalog), stale


# --- choosing the language ----------------------------------------------------------------


def page(client, path: str = "/log-ind") -> str:  # noqa: ANN001
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_danish_is_the_default(client) -> None:  # noqa: ANN001
    html = page(client)
    assert '<html lang="da">' in html
    assert "<h1>Log ind</h1>" in html
    # The footer offers English, and brings the visitor back to this page.
    assert 'name="lang" value="en"' in html
    assert 'name="next" value="/log-ind"' in html


def test_switching_to_english_and_back(client) -> None:  # noqa: ANN001
    assert "<h1>Log ind</h1>" in page(client)

    response = client.post("/sprog", data={"lang": "en", "next": "/log-ind"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/log-ind"
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("lang=en;")
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert client.get_cookie("lang").value == "en"

    html = page(client)
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
    assert "Log ind" not in html
    assert 'name="lang" value="da"' in html  # the way back

    response = client.post("/sprog", data={"lang": "da", "next": "/log-ind"})
    assert response.status_code == 303
    assert "<h1>Log ind</h1>" in page(client)


def test_lazy_strings_follow_the_language(client) -> None:  # noqa: ANN001
    """Messages defined at import time (lazy_gettext) are translated per request."""
    assert "Siden findes ikke" in client.get("/findes-ikke").get_data(as_text=True)
    client.post("/sprog", data={"lang": "en", "next": "/"})
    response = client.get("/findes-ikke")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("language", ["xx", "", "EN", "en-GB", "de"])
def test_an_unknown_language_leaves_danish(client, language: str) -> None:  # noqa: ANN001
    response = client.post("/sprog", data={"lang": language, "next": "/log-ind"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/log-ind"
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("lang") is None
    assert '<html lang="da">' in page(client)


def test_a_forged_language_cookie_is_ignored(client) -> None:  # noqa: ANN001
    client.set_cookie("lang", "xx")
    html = page(client)
    assert '<html lang="da">' in html and "<h1>Log ind</h1>" in html


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "https:/evil.example/",
        "javascript:alert(1)",
        "",
        # urlsplit (inside Werkzeug's redirect) drops tabs and newlines: "/\t/x" becomes "//x".
        "/\t/evil.example/",
        "/\n/evil.example/",
    ],
)
def test_next_never_leaves_the_site(client, target: str) -> None:  # noqa: ANN001
    response = client.post("/sprog", data={"lang": "en", "next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location == "/"
    assert "evil" not in location
    assert client.get_cookie("lang").value == "en"  # the choice itself still counts


def test_choosing_a_language_needs_the_csrf_token(csrf_app) -> None:  # noqa: ANN001
    client = csrf_app.test_client()
    response = client.post("/sprog", data={"lang": "en", "next": "/log-ind"})
    assert response.status_code == 400
    assert client.get_cookie("lang") is None


def test_select_options_and_dates_follow_the_language(client) -> None:  # noqa: ANN001
    council = make_council()
    make_meeting(council, starts_at=datetime(2099, 3, 30, 10, tzinfo=COPENHAGEN))
    sign_in(client, make_staff(council))
    danish = client.get(f"/kkr/{council.slug}/admin/personer/ny").get_data(as_text=True)
    assert ">Borgmester<" in danish
    client.set_cookie("lang", "en")
    english = client.get(f"/kkr/{council.slug}/admin/personer/ny").get_data(as_text=True)
    assert ">Mayor<" in english and ">Borgmester<" not in english
    plan = client.get(f"/kkr/{council.slug}/").get_data(as_text=True)
    assert "30 March 2099, 10:00" in plan
