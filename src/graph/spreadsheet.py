"""Reading planners' spreadsheets (CSV and XLSX) safely, keeping cell positions.

Every cell keeps its spreadsheet row (header = row 1) and column letter so an
import error can say ``施策.xlsx:7:F (基本方針)``. Hostile files are bad input,
not a hung server:

* XLSX is a zip of XML. openpyxl parses it with defusedxml when that is
  installed (it is a dependency), which refuses entity expansion; we also
  check the zip's declared uncompressed size before opening it (zip bombs),
  and refuse any part that declares a DOCTYPE.
* CSV is decoded as UTF-8 (with or without BOM) or, failing that, as CP932,
  the encoding Excel writes on Japanese Windows.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .errors import ParseError

#: Refuse XLSX files whose parts would inflate beyond this (bytes).
MAX_UNCOMPRESSED = 50_000_000
MAX_ROWS = 20_000


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based column index.

    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    s = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        s = chr(65 + rem) + s
    return s


@dataclass(frozen=True)
class Table:
    """A header row and data rows of strings, with the file name for messages."""

    source: str
    header: list[str]
    rows: list[list[str]]  # rows[i] is spreadsheet row i + 2


def read_table(data: bytes, filename: str) -> Table:
    """Read the first sheet of an XLSX file, or a CSV file, by its extension.

    >>> t = read_table("区分,施策番号\\n施策,1\\n".encode(), "a.csv")
    >>> t.header, t.rows
    (['区分', '施策番号'], [['施策', '1']])
    """
    suffix = Path(filename).suffix.lower()
    readers = {".csv": _read_csv, ".xlsx": _read_xlsx, ".xlsm": _read_xlsx}
    if suffix not in readers:
        raise ParseError("CSV（.csv）か Excel（.xlsx）のファイルを指定してください / "
                         "expected a .csv or .xlsx file", source=filename)
    values = readers[suffix](data, filename)
    values = [[_cell(v) for v in row] for row in values]
    while values and not any(values[-1]):
        values.pop()
    if not values:
        raise ParseError("空のファイルです / the file is empty", source=filename)
    if len(values) > MAX_ROWS:
        raise ParseError(f"行が多すぎます（上限 {MAX_ROWS} 行）/ too many rows (max {MAX_ROWS})", source=filename)
    header = values[0]
    width = len(header)
    rows = [(r + [""] * width)[:max(width, len(r))] for r in values[1:]]
    return Table(filename, header, rows)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _read_csv(data: bytes, filename: str) -> list[list]:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ParseError("文字コードを判別できません（UTF-8 か Shift_JIS で保存してください）/ "
                         "cannot decode: save as UTF-8 or Shift_JIS", source=filename)
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise ParseError(f"CSV として読めません / not valid CSV: {exc}", source=filename) from None


def _read_xlsx(data: bytes, filename: str) -> list[list]:
    import openpyxl  # noqa: PLC0415 (only imports a heavy module when an XLSX arrives)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
            if total > MAX_UNCOMPRESSED:
                raise ParseError("展開後のサイズが大きすぎます / the workbook inflates beyond the limit",
                                 source=filename)
            for info in zf.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    with zf.open(info) as fh:
                        head = fh.read(4096)
                    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
                        raise ParseError("DOCTYPE を含む XML は受け付けません / XML with a DOCTYPE is refused",
                                         source=f"{filename}!{info.filename}")
    except zipfile.BadZipFile:
        raise ParseError("Excel（.xlsx）ファイルとして読めません / not a valid .xlsx file", source=filename) from None
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            return [list(row) for row in ws.iter_rows(values_only=True)]
        finally:
            wb.close()
    except ParseError:
        raise
    except Exception as exc:  # openpyxl/defusedxml raise many types for a broken workbook
        raise ParseError(f"Excel ファイルを読めません / cannot read the workbook ({type(exc).__name__})",
                         source=filename) from None
