"""Storing and serving attachments: type by content, random names, never under `static/`.

A file is accepted only when its bytes say it is a PDF, DOCX, XLSX or ODT (the name the
browser sent is not believed); it is stored under a random key and served with
`Content-Disposition: attachment` so no browser renders it in the portal's origin.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask import current_app, send_file
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from portal.attachments.models import Attachment
from portal.councils.models import Person
from portal.extensions import db
from portal.types import utcnow

MAX_FILE_SIZE = 20 * 1024 * 1024  # 20 MB per file

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", XLSX: ".xlsx", ODT: ".odt"}
ACCEPTED_TYPES_TEXT = "PDF, DOCX, XLSX, ODT"


class FileRefused(ValueError):
    """The file cannot be attached; the message is for the person who sent it."""


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int


def sniff_type(stream: IO[bytes]) -> str | None:
    """The file's type from its bytes, or None when it is none of the accepted ones."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return ODT if mimetype == ODT else None
            if "[Content_Types].xml" not in names:
                return None
            if any(name.startswith("word/") for name in names):
                return DOCX
            if any(name.startswith("xl/") for name in names):
                return XLSX
            return None
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        stream.seek(0)


def clean_filename(raw: str | None, content_type: str) -> str:
    """A display name safe in a header and a file system: no path, no control characters,
    and the extension that matches the content."""
    name = unicodedata.normalize("NFC", (raw or "").replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[\"<>:|?*;]", "_", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:150].strip(" .") or "bilag"
    return stem + EXTENSIONS[content_type]


def check_upload(upload: FileStorage) -> CheckedFile:
    """Refuse what may not be attached, with a message that says why."""
    stream = upload.stream
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise FileRefused(str(_l("Filen %(name)s er tom.", name=upload.filename or "")))
    if size > MAX_FILE_SIZE:
        raise FileRefused(
            str(_l("Filen %(name)s er større end 20 MB.", name=upload.filename or ""))
        )
    content_type = sniff_type(stream)
    if content_type is None:
        raise FileRefused(
            str(
                _l(
                    "Filen %(name)s kan ikke vedhæftes: kun %(types)s (indholdet afgør typen, "
                    "ikke filnavnet).",
                    name=upload.filename or "",
                    types=ACCEPTED_TYPES_TEXT,
                )
            )
        )
    return CheckedFile(clean_filename(upload.filename, content_type), content_type, size)


def upload_folder() -> Path:
    folder = Path(current_app.config["PORTAL_UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(
    upload: FileStorage,
    *,
    council_id: int,
    by: Person,
    proposal_id: int | None = None,
    agenda_item_id: int | None = None,
) -> Attachment:
    """Check and store one file, and add its row to the current transaction.

    The file is written before the row commits; a rolled-back request leaves an orphan file
    behind (harmless: it is never served without a row), never a row without a file.
    """
    checked = check_upload(upload)
    key = secrets.token_hex(32)
    digest = hashlib.sha256()
    with (upload_folder() / key).open("xb") as target:
        upload.stream.seek(0)
        for chunk in iter(lambda: upload.stream.read(1 << 16), b""):
            digest.update(chunk)
            target.write(chunk)
    attachment = Attachment(
        council_id=council_id,
        storage_key=key,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
        uploaded_at=utcnow(),
        uploaded_by=by,
        proposal_id=proposal_id,
        agenda_item_id=agenda_item_id,
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def send_attachment(attachment: Attachment) -> Response:
    """The file as a download; the caller has checked who may have it."""
    response = send_file(
        upload_folder() / attachment.storage_key,
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")
    return f"{max(1, size // 1024)} kB"
