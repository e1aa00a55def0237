"""Reading a file to import, whatever is in it: questions, or one sentence naming the file.

`read_import_file` is what `trainer import` and the bank editor's import both call. A file
that is not what its name says (random bytes called `.xlsx`, a zip of garbage, text that is
not UTF-8), or that would cost far more to read than a question bank can (an XML entity
bomb, a zip that unpacks to gigabytes), raises `ImportFileError`, never a traceback, and is
refused before it is unpacked where the zip's own directory already tells.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from trainer.content.formats.common import ImportFileError, ImportResult

MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""A file to import larger than this is refused unread. Import holds every question in
memory and checks the bank as a whole: 400,000 GIFT questions (57 MB) take some 7 minutes
and 3 GB on a two-core machine. A bigger file is not one question bank."""
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
"""What the parts of an .xlsx may unpack to together. 32,000 questions in both languages
unpack to about 20 MB; a zip bomb unpacks a few kilobytes to gigabytes."""
MAX_XLSX_PARTS = 1_000
"""Files inside one .xlsx: a workbook of one sheet has about ten."""


def read_import_file(path: Path, kind: str, category: str) -> ImportResult:
    """`path` read as `kind` (gift, aiken, moodlexml, xlsx or csv)."""
    from trainer.content.formats import aiken, gift, moodlexml, spreadsheet

    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            megabytes = {"size": f"{size / 2**20:.0f}", "limit": MAX_IMPORT_BYTES // 2**20}
            raise ImportFileError("too_large", path=path, **megabytes)
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError("unreadable", path=path, detail=error.strerror or error) from None
    if kind == "moodlexml":  # XML says its own encoding
        return moodlexml.read_moodle_xml(data, path, category)
    if kind == "xlsx":
        _check_workbook_zip(path, data)
        return spreadsheet.read_xlsx(data, path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError("not_utf8", path=path, line=line) from None
    if kind == "csv":
        return spreadsheet.read_csv(text, path)
    if kind == "aiken":
        return aiken.read_aiken(text, category)
    return gift.read_gift(text)


def _check_workbook_zip(path: Path, data: bytes) -> None:
    """Refuse what is not a zip, or a zip that would unpack to too much, from its directory.

    Python's zip reader stops at the size a part's directory entry gives, so the sizes
    checked here bound what reading the parts can unpack."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ImportFileError("not_xlsx", path=path) from None
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED_BYTES:
        limit = MAX_XLSX_UNPACKED_BYTES // 2**20
        raise ImportFileError("xlsx_too_big", path=path, limit=limit)
