"""How the book reads a CSV file: one rule for every dataset.

The rule: a data file is UTF-8 text with a header row. Three habits of spreadsheet programs are
accepted and normalised away: a byte-order mark at the start (Excel's "CSV UTF-8"), Windows line
endings (CRLF), and semicolons between columns (Excel where the comma is the decimal mark). The
loader, the validator and the published copy of the data all read the normalised text: UTF-8
without a mark, commas between columns, one LF at the end of each line. Any other encoding
(Excel's plain "CSV" on Windows saves cp1252) is refused with the file, the line and the fix.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

SAVE_AS = "open it in your spreadsheet and save it as 'CSV UTF-8 (Comma delimited)'"


class CsvError(ValueError):
    """A data file the book cannot read; the message names the file, the line and the fix."""

    def __init__(self, file: str, line: int, message: str):
        super().__init__(f"{file}, line {line}: {message}")
        self.file, self.line, self.message = file, line, message


def _name(path: Path) -> str:
    from book import schema

    return schema.relative(path)


def decode(raw: bytes, path: Path) -> str:
    """The file's text: UTF-8, with a leading byte-order mark dropped; CsvError for any other encoding."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start : error.start + 1].hex()
        raise CsvError(
            _name(path), line, f"the file is not UTF-8 text (byte 0x{byte} cannot be read): {SAVE_AS}"
        ) from None


def normalise(text: str) -> str:
    """LF line endings and commas between columns."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    header = text.split("\n", 1)[0]
    if ";" in header and "," not in header:
        rows = list(csv.reader(io.StringIO(text), delimiter=";"))
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(rows)
        text = out.getvalue()
    if text and not text.endswith("\n"):
        text += "\n"
    return text


def read_text(path: Path) -> str:
    """A data file's normalised text (see the module's rule); CsvError when it cannot be read."""
    return normalise(decode(Path(path).read_bytes(), Path(path)))


def is_normalised(path: Path) -> bool:
    return Path(path).read_bytes() == read_text(path).encode("utf-8")
