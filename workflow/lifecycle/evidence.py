"""Evidence files: kept by the SHA-256 of their content under the storage directory, checked
against a size limit and a list of allowed types (by their content, not only their name), and
recorded beside the progress update that brought them, their hash in the audit trail."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from sqlalchemy import select

from workflow.errors import BadInput
from workflow.store.access import evidence_file
from workflow.store.tables import recommendation
from workflow.store.uow import UnitOfWork

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Media type by the extensions it may carry: a file's content must agree with its name.
ALLOWED: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "text/plain": (".txt",),
    "text/csv": (".csv",),
}
_TEXT = {".txt": "text/plain", ".csv": "text/csv"}
ALLOWED_NAMES = "PDF, DOCX, XLSX, PNG, JPEG, TXT or CSV"


class EvidenceRefused(BadInput):
    """A file that is not kept: too large, empty, or not of an allowed type."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file kept as evidence: its content's hash, its name as given, type and size."""

    sha256: str
    filename: str
    media_type: str
    size: int


def path_of(root: Path, sha256: str) -> Path:
    return root / sha256[:2] / sha256


def _kind(head: bytes, filename: str) -> str:
    """The media type of a file from its first bytes and name; BadInput if not allowed."""
    import filetype  # loaded when first needed

    suffix = PurePath(filename).suffix.lower()
    guessed = filetype.guess(head)
    if guessed is not None:
        if guessed.mime in ALLOWED and suffix in ALLOWED[guessed.mime]:
            return str(guessed.mime)
        if guessed.mime == "application/zip" and suffix in (".docx", ".xlsx"):
            return DOCX if suffix == ".docx" else XLSX
    elif suffix in _TEXT:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not just a character cut at the end of the head
                raise EvidenceRefused(f"{filename}: a text file must be UTF-8") from None
        if b"\x00" not in head:
            return _TEXT[suffix]
    raise EvidenceRefused(f"{filename}: only {ALLOWED_NAMES} files are accepted")


def clean_name(filename: str) -> str:
    """The file's own name, without any directory, control character or path trick."""
    name = PurePath(filename.replace("\\", "/")).name
    name = "".join(c for c in name if c.isprintable() and c not in '"<>|:*?')
    return name.strip()[:255] or "evidence"


def store_file(root: Path, chunks: Iterable[bytes], filename: str, limit: int) -> StoredFile:
    """Keep a file (given in chunks) under `root` by its hash: whole or not at all; BadInput
    if it is larger than `limit` bytes or not of an allowed type."""
    name = clean_name(filename)
    root.mkdir(parents=True, exist_ok=True)
    digest, size, head = hashlib.sha256(), 0, b""
    fd, temporary = tempfile.mkstemp(dir=root, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise EvidenceRefused(
                        f"{name}: the file must be smaller than {limit // (1024 * 1024)} MB"
                    )
                if len(head) < 8192:
                    head += chunk[: 8192 - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise EvidenceRefused(f"{name}: the file is empty")
        kind = _kind(head, name)
        sha = digest.hexdigest()
        final = path_of(root, sha)
        final.parent.mkdir(exist_ok=True)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(sha, name, kind, size)


@dataclass(frozen=True, slots=True)
class EvidenceView:
    id: int
    sha256: str
    filename: str
    media_type: str
    size: int
    uploaded_by: str


def evidence_files(uow: UnitOfWork, code: str) -> list[EvidenceView]:
    """The files kept as evidence for recommendation `code`, oldest first."""
    e, r = evidence_file.c, recommendation.c
    with uow.read() as tx:
        rows = tx.conn.execute(
            select(e.id, e.sha256, e.filename, e.media_type, e.size, e.uploaded_by)
            .join(recommendation, r.id == e.rec_id)
            .where(r.code == code)
            .order_by(e.id)
        )
        return [EvidenceView(*row) for row in rows]
