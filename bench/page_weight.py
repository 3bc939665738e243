"""Bytes transferred for each main page, with its CSS and JavaScript, gzip-compressed.

Builds the demo council (1× the demo data) in a temporary SQLite database, fetches each main
page in-process (signed in where the page needs it), then every stylesheet, script and icon
the page links to from /static, and gzips each body at level 6 (a reverse proxy's usual
setting; the portal itself does not compress). Headers are not counted. Prints one table:
the first visit (HTML and every file) and a later one (HTML only: the static files are
cached by the browser).

    .venv/bin/python bench/page_weight.py
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from query_counts import Demo, get, sign_in

from portal import create_app
from portal.demo.data import build_demo_council
from portal.extensions import db
from portal.policy import today

ROOT = Path(__file__).resolve().parent.parent
ASSET = re.compile(r'<(?:link[^>]*\shref|script[^>]*\ssrc)="(/static/[^"]+)"')


def compressed(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6))


def pages(demo: Demo) -> list[tuple[str, int | None, str]]:
    member = demo.member.person_id
    return [
        *demo.pages(),
        ("member: new proposal", member, "/forslag/nyt"),
        ("accessibility statement", None, "/tilgaengelighed"),
    ]


def weigh(app: Flask, demo: Demo) -> list[tuple[str, int, int, list[tuple[str, int, int]]]]:
    rows = []
    for name, person_id, url in pages(demo):
        client = app.test_client()
        if person_id is not None:
            sign_in(app, client, person_id)
        response = get(app, client, url)
        assert response.status_code == 200, (url, response.status_code)
        html = response.get_data()
        assets = []
        for path in dict.fromkeys(ASSET.findall(html.decode())):  # in order, once each
            asset = get(app, client, path)
            assert asset.status_code == 200, (path, asset.status_code)
            body = asset.get_data()
            assets.append((path.removeprefix("/static/"), len(body), compressed(body)))
        rows.append((name, len(html), compressed(html), assets))
    return rows


def kib(size: int) -> str:
    return f"{size / 1024:.1f}"


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        app = create_app(
            {
                "ENV": "test",
                "SECRET_KEY": "bench",
                "DATABASE_URL": f"sqlite:///{directory}/bench.sqlite3",
            }
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
            build_demo_council(db.session, today())
            db.session.commit()
            rows = weigh(app, Demo())
            db.session.remove()
            db.engine.dispose()

    print("KiB transferred, gzip level 6 (uncompressed in brackets), demo data 1×")
    print()
    print("| page | HTML | CSS | JavaScript | icon | first visit | later visit | files |")
    print("|---|---|---|---|---|---|---|---|")
    for name, html_raw, html_gz, assets in rows:

        def total(suffixes: tuple[str, ...], index: int, assets=assets) -> int:
            return sum(a[index] for a in assets if a[0].endswith(suffixes))

        cells = []
        for suffixes in ((".css",), (".js",), (".svg", ".ico", ".png")):
            cells.append(f"{kib(total(suffixes, 2))} ({kib(total(suffixes, 1))})")
        first_gz = html_gz + sum(a[2] for a in assets)
        first_raw = html_raw + sum(a[1] for a in assets)
        print(
            f"| {name} | {kib(html_gz)} ({kib(html_raw)}) | "
            + " | ".join(cells)
            + f" | {kib(first_gz)} ({kib(first_raw)}) | {kib(html_gz)} | {1 + len(assets)} |"
        )
    print()
    every = {path: (raw, gz) for *_, assets in rows for path, raw, gz in assets}
    print(
        "Files: "
        + ", ".join(f"{path} {kib(gz)} ({kib(raw)})" for path, (raw, gz) in sorted(every.items()))
    )


if __name__ == "__main__":
    sys.exit(main())
