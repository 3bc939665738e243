"""Agendas and minutes as tagged PDF (WeasyPrint, PDF/UA-1), readable by screen readers.

The document is our own HTML template (`publication/pdf.html`) with `static/css/print.css`:
the title and language come from <title> and <html lang>, running heads name the council and
the meeting, and the pages are numbered with CSS counters. Nothing is fetched while rendering:
the stylesheet is read from disk and every URL fetch is refused.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from flask import Response, current_app, render_template

from portal.agendas.models import Publication, PublicationKind
from portal.councils.models import Council
from portal.meetings.models import Meeting
from portal.publication.presentation import content_context
from portal.rules.calendar import local_date

PDF_VARIANT = "pdf/ua-1"  # tagged PDF with the document title and language (PDF/UA)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the PDF fetches nothing: {url}")


@cache
def _stylesheet_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def render_pdf(html: str) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    class NoFetching(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            return _refuse_fetch(url)

    fetcher = NoFetching()
    css_path = str(Path(current_app.static_folder or "static") / "css" / "print.css")
    stylesheet = CSS(string=_stylesheet_text(css_path), url_fetcher=fetcher)
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT)


def render_content(
    council: Council,
    meeting: Meeting,
    kind: PublicationKind,
    content: dict[str, Any],
    publication: Publication | None,
    *,
    public: bool,
) -> bytes:
    """The PDF of one agenda or minutes. For the public, `content` is `for_public`'s result."""
    html = render_template(
        "publication/pdf.html",
        council=council,
        public=public,
        **content_context(meeting, kind, content, publication),
    )
    return render_pdf(html)


def file_name(meeting: Meeting, kind: PublicationKind, *, full: bool = False) -> str:
    stem = "referat" if kind is PublicationKind.MINUTES else "dagsorden"
    suffix = "-fuldt-materiale" if full else ""
    return f"{stem}-{local_date(meeting.starts_at).isoformat()}{suffix}.pdf"


def pdf_response(body: bytes, name: str) -> Response:
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    return response
