"""Reading a file to import, whatever is in it: questions, or one sentence naming the file.

`read_import_file` is what `trainer import` and the bank editor's import both call. The
format is the one asked for, else the one the name says (`FORMAT_BY_SUFFIX`), else, for a
`.txt` or any other text, the one the content shows (`sniff_text`): Moodle names its GIFT
exports `.txt`, and Aiken files are `.txt` too. Text is read in whatever encoding Windows or
Moodle saved it (`decode_text`: UTF-8, UTF-16, GB18030/GBK). A file that is not what its
name says (random bytes called `.xlsx`, a zip of garbage, text in no encoding it can tell),
or that would cost far more to read than a question bank can (an XML entity bomb, a zip
that unpacks to gigabytes), raises `ImportFileError`, never a traceback, and is refused
before it is unpacked where the zip's own directory already tells.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from trainer.content.formats.common import ImportFileError, ImportResult, decode_text

MAX_IMPORT_BYTES = 64 * 1024 * 1024
"""A file to import larger than this is refused unread. Import holds every question in
memory and checks the bank as a whole: 400,000 GIFT questions (57 MB) take some 7 minutes
and 3 GB on a two-core machine. A bigger file is not one question bank."""
MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
"""What the parts of an .xlsx may unpack to together. 32,000 questions in both languages
unpack to about 20 MB; a zip bomb unpacks a few kilobytes to gigabytes."""
MAX_XLSX_PARTS = 1_000
"""Files inside one .xlsx: a workbook of one sheet has about ten."""


FORMAT_BY_SUFFIX = {
    ".gift": "gift",
    ".aiken": "aiken",
    ".xml": "moodlexml",
    ".xlsx": "xlsx",
    ".csv": "csv",
}
"""The formats a file's name tells; any other file is text whose content tells."""
_ZIP_MAGIC = b"PK\x03\x04"
_GIFT_ANSWERS = re.compile(r"(?<!\\)\{[^{}]*(?<!\\)\}|^\s*\$CATEGORY:|^\s*::.+?::", re.MULTILINE)
_AIKEN_ANSWER = re.compile(r"^\s*ANSWER\s*[:：]\s*[A-Za-z]", re.MULTILINE)


def sniff_text(text: str) -> str | None:
    """`gift` or `aiken`, from what the text holds: answer blocks in braces, `$CATEGORY:`
    or `::titles::` are GIFT, `ANSWER: X` lines are Aiken; None when it shows neither."""
    gift = len(_GIFT_ANSWERS.findall(text))
    aiken = len(_AIKEN_ANSWER.findall(text))
    if aiken > gift:
        return "aiken"
    return "gift" if gift else None


def read_import_file(path: Path, kind: str | None, category: str) -> ImportResult:
    """`path` read as `kind` (gift, aiken, moodlexml, xlsx or csv); without one, as its name
    or, for text, its content says."""
    from trainer.content.formats import aiken, gift, moodlexml, spreadsheet

    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            megabytes = {"size": f"{size / 2**20:.0f}", "limit": MAX_IMPORT_BYTES // 2**20}
            raise ImportFileError("too_large", path=path, **megabytes)
        data = path.read_bytes()
    except OSError as error:
        raise ImportFileError("unreadable", path=path, detail=error.strerror or error) from None
    kind = kind or FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if kind is None and data.startswith(_ZIP_MAGIC):
        kind = "xlsx"
    if kind is None and _looks_like_xml(data):
        kind = "moodlexml"
    if kind == "moodlexml":  # XML says its own encoding
        return moodlexml.read_moodle_xml(data, path, category)
    if kind == "xlsx":
        _check_workbook_zip(path, data)
        return spreadsheet.read_xlsx(data, path)
    text = decode_text(data, path)
    kind = kind or sniff_text(text)
    if kind is None:
        raise ImportFileError("unknown_format", path=path)
    if kind == "csv":
        return spreadsheet.read_csv(text, path)
    if kind == "aiken":
        return aiken.read_aiken(text, category)
    return gift.read_gift(text)


def _looks_like_xml(data: bytes) -> bool:
    """A Moodle XML export, whatever its name: `<?xml` or `<quiz` first (after a BOM)."""
    head = data[:200].lstrip(b"\xef\xbb\xbf").lstrip()
    return head.startswith((b"<?xml", b"<quiz"))


def _check_workbook_zip(path: Path, data: bytes) -> None:
    """Refuse what is not a zip, or a zip that would unpack to too much, from its directory.

    Python's zip reader stops at the size a part's directory entry gives, so the sizes
    checked here bound what reading the parts can unpack."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError):
        # NotImplementedError: a directory entry asking for a newer zip version than Python
        # reads (one damaged byte is enough)
        raise ImportFileError("not_xlsx", path=path) from None
    unpacked = sum(part.file_size for part in parts)
    if len(parts) > MAX_XLSX_PARTS or unpacked > MAX_XLSX_UNPACKED_BYTES:
        limit = MAX_XLSX_UNPACKED_BYTES // 2**20
        raise ImportFileError("xlsx_too_big", path=path, limit=limit)
