"""Reading (and writing) the spreadsheets that people keep: CSV and XLSX, as they come from real offices.

One reader serves every import of the project (action plans, survey rosters, frameworks, the catalogue). An
importer declares its columns with their aliases; ``read_table`` then:

- refuses what is too large or not a spreadsheet at all, with a clear translated message (never a 500);
- reads XLSX with openpyxl in read-only mode (cached formula values, merged cells filled with their value);
- reads CSV whatever its delimiter (``;``, ``,`` or tab) and encoding (UTF-8 with or without BOM, UTF-16 with
  BOM, or Windows-1252);
- looks for the header row within the first rows, since real files put a title and blank rows above it, and
  recognises headers whatever their case, accents, spaces, underscores, hyphens or plural;
- returns the data rows with their line numbers, so that every later error can say where it is.

``parse_date`` and ``Row.date`` read the dates people type: ISO, dd/mm/yyyy, Excel serial numbers or date cells.
``write_xlsx`` and ``write_csv`` write the same shape back, so that an export can be imported again.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from django.utils import timezone
from django.utils.translation import gettext as _

from qms.core.files import size_label

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_HEADER_ROWS = 20
DEFAULT_MAX_ROWS = 10_000
# An XLSX file is a zip: refuse one that would inflate past this (a zip bomb), whatever its own size.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 200
# Excel serial numbers accepted as dates: 1950-01-01 to 2099-12-31. Outside, a number is not taken for a date.
SERIAL_RANGE = (18264, 73050)

CSV_DELIMITERS = (";", ",", "\t")
# What a cell written by ``write_csv`` is prefixed with when it could be read as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_XLSX_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEETML_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class SpreadsheetError(Exception):
    """The file cannot be imported. ``str(error)`` is translated and says why, with the line when known."""

    def __init__(self, message: str, *, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line


class CellError(SpreadsheetError):
    """One cell cannot be read (a bad date, say). The message names the line and the column."""

    def __init__(self, message: str, *, line: int, column: str = "", value: Any = None):
        super().__init__(message, line=line)
        self.column = column
        self.value = value


# --- Headers -----------------------------------------------------------------------------------------------


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _singular(word: str) -> str:
    # French and English plurals both end mostly in -s or -x ("axes", "échéances", "bureaux", "deadlines").
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def normalise_header(text: Any) -> str:
    """A header reduced to what matters: no case, accents, punctuation, repeated spaces, or plural."""
    if text is None:
        return ""
    text = _strip_accents(str(text)).casefold()
    text = text.replace("’", "'").replace("œ", "oe").replace("æ", "ae")
    words = re.split(r"[^0-9a-z%]+", text)
    return " ".join(_singular(word) for word in words if word)


@dataclass(frozen=True)
class Column:
    """A column an importer understands: its key, its label (for messages) and the headers that mean it."""

    key: str
    label: Any
    aliases: tuple[str, ...] = ()
    required: bool = False

    def normalised_aliases(self) -> frozenset[str]:
        return frozenset(normalise_header(alias) for alias in (self.key, *self.aliases))


# --- Cells --------------------------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a useless ``.0``, dates in ISO form, blanks as ``""``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


_ISO_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?$")
_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?: .*)?$")
_SERIAL = re.compile(r"^\d{5}(?:[.,]\d+)?$")


def _from_serial(number: float) -> datetime.date:
    from openpyxl.utils.datetime import from_excel

    if not SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        raise ValueError
    return from_excel(number).date()


def parse_date(value: Any) -> datetime.date | None:
    """Read a date typed as ISO (2021-10-22), dd/mm/yyyy (22/10/2021, also with ``.`` or ``-``), an Excel
    serial number (44491) or a date cell. Blank gives None; anything else raises ``ValueError`` with a
    translated message."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return _from_serial(float(value))
        text = str(value).strip()
        if match := _ISO_DATE.match(text):
            year, month, day = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if match := _FRENCH_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
            if len(match.group(3)) == 2:
                year += 2000
            return datetime.date(year, month, day)
        if _SERIAL.match(text):
            return _from_serial(float(text.replace(",", ".")))
    except (ValueError, OverflowError):
        pass
    raise ValueError(
        _("“%(value)s” is not a valid date: write it as YYYY-MM-DD or DD/MM/YYYY.") % {"value": cell_text(value)}
    )


# --- Tables -------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row: its line in the file (as the spreadsheet program numbers it) and its values by key."""

    line: int
    values: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict, repr=False)

    def __contains__(self, key: str) -> bool:
        return key in self.values

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key)
        return default if value is None else value

    def text(self, key: str) -> str:
        return cell_text(self.values.get(key))

    def date(self, key: str) -> datetime.date | None:
        """The cell ``key`` as a date, or a ``CellError`` naming this line and the column."""
        try:
            return parse_date(self.values.get(key))
        except ValueError as error:
            raise cell_error(self, key, str(error)) from None


def cell_error(row: Row, key: str, message: str) -> CellError:
    """An error about one cell of ``row``, its message prefixed with the line and the column."""
    column = row.labels.get(key, key)
    return CellError(
        _("Line %(line)s, column “%(column)s”: %(message)s") % {"line": row.line, "column": column, "message": message},
        line=row.line,
        column=column,
        value=row.values.get(key),
    )


@dataclass
class Table:
    """What ``read_table`` found: the declared columns present, the header's line, and the data rows."""

    columns: list[Column]
    header_line: int
    rows: list[Row]
    format: str
    headers: dict[str, str] = field(default_factory=dict)  # key -> the header as written in the file
    ignored_headers: list[str] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""

    def has(self, key: str) -> bool:
        return key in self.headers

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]


def _read_limited(source: Any, max_bytes: int) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | Path):
        with open(source, "rb") as handle:
            data = handle.read(max_bytes + 1)
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > max_bytes:
        raise SpreadsheetError(_("The file is too large: the limit is %(limit)s.") % {"limit": size_label(max_bytes)})
    return data


def _not_a_spreadsheet() -> SpreadsheetError:
    return SpreadsheetError(
        _("This file is not a spreadsheet that can be read. Send an Excel workbook (.xlsx) or a CSV file.")
    )


def read_table(
    source: bytes | str | Path | IO[bytes],
    *,
    columns: Sequence[Column],
    max_bytes: int = DEFAULT_MAX_BYTES,
    header_rows: int = DEFAULT_HEADER_ROWS,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> Table:
    """Read an XLSX or CSV file (bytes, a path, or an open or uploaded file) into a ``Table`` of the declared
    ``columns``. The format is told from the content, never from the name. Raises ``SpreadsheetError``."""
    data = _read_limited(source, max_bytes)
    if not data.strip():
        raise SpreadsheetError(_("The file is empty."))
    if data.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            _("This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) or as CSV, then send it again.")
        )
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data, columns, header_rows=header_rows, max_rows=max_rows)
    return _read_csv(data, columns, header_rows=header_rows, max_rows=max_rows)


@dataclass
class _Header:
    line_index: int
    positions: dict[str, int]  # key -> column index
    headers: dict[str, str]
    ignored: list[str]
    score: int


def _match_header(cells: Sequence[Any], columns: Sequence[Column], index: int) -> _Header:
    aliases = [(column, column.normalised_aliases()) for column in columns]
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for position, cell in enumerate(cells[:MAX_COLUMNS]):
        text = cell_text(cell)
        normal = normalise_header(text)
        if not normal:
            continue
        for column, names in aliases:
            if normal in names and column.key not in positions:
                positions[column.key] = position
                headers[column.key] = text
                break
        else:
            ignored.append(text)
    return _Header(index, positions, headers, ignored, len(positions))


def _find_header(raw_rows: Sequence[Sequence[Any]], columns: Sequence[Column], header_rows: int) -> _Header:
    required = [column for column in columns if column.required]
    best: _Header | None = None
    for index, cells in enumerate(raw_rows[:header_rows]):
        header = _match_header(cells, columns, index)
        if header.score and all(column.key in header.positions for column in required):
            return header
        if best is None or header.score > best.score:
            best = header
    found = best.positions if best else {}
    missing = [str(column.label) for column in required if column.key not in found]
    raise SpreadsheetError(
        _("No header row was found in the first %(count)s rows of the file. These columns are missing: %(missing)s.")
        % {"count": header_rows, "missing": ", ".join(f"“{name}”" for name in missing) or "—"}
    )


def _build_table(
    raw_rows: list[tuple[int, Sequence[Any]]],
    columns: Sequence[Column],
    *,
    header_rows: int,
    max_rows: int,
    fmt: str,
    **extra: Any,
) -> Table:
    header = _find_header([cells for _line, cells in raw_rows], columns, header_rows)
    by_key = {column.key: column for column in columns}
    present = [by_key[key] for key in sorted(header.positions, key=header.positions.get)]
    labels = {column.key: header.headers[column.key] for column in present}
    rows: list[Row] = []
    for line, cells in raw_rows[header.line_index + 1 :]:
        values: dict[str, Any] = {}
        for key, position in header.positions.items():
            value = cells[position] if position < len(cells) else None
            if isinstance(value, str):
                value = value.strip() or None
            values[key] = value
        if all(value is None for value in values.values()):
            continue
        rows.append(Row(line=line, values=values, labels=labels))
        if len(rows) > max_rows:
            raise _too_many_rows(max_rows, line)
    return Table(
        columns=present,
        header_line=raw_rows[header.line_index][0],
        rows=rows,
        format=fmt,
        headers=header.headers,
        ignored_headers=header.ignored,
        **extra,
    )


# --- CSV ----------------------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Text files have no control characters but tabs and line ends: anything else is binary.
        if re.search(r"[\x00-\x08\x0b\x0e-\x1f\x7f]", text):
            raise _not_a_spreadsheet()
        return text, encoding
    raise _not_a_spreadsheet()


def _unescape_formula(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in _FORMULA_STARTS:
        return value[1:]
    return value


def _is_blank(cells: Sequence[Any]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _too_many_rows(limit: int, line: int | None = None) -> SpreadsheetError:
    return SpreadsheetError(_("The file has too many rows: the limit is %(limit)s.") % {"limit": limit}, line=line)


def _csv_rows(text: str, delimiter: str, limit: int) -> tuple[list[tuple[int, list[str]]], bool]:
    """The non-blank records of ``text`` with their first line, at most ``limit`` of them, and whether
    there were more."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    line = 1
    try:
        for record in reader:
            if not _is_blank(record):
                if len(rows) >= limit:
                    return rows, True
                rows.append((line, [_unescape_formula(cell) for cell in record[:MAX_COLUMNS]]))
            line = reader.line_num + 1
    except csv.Error as error:
        raise SpreadsheetError(
            _("Line %(line)s cannot be read: %(error)s") % {"line": line, "error": error}, line=line
        ) from None
    return rows, False


def _read_csv(data: bytes, columns: Sequence[Column], *, header_rows: int, max_rows: int) -> Table:
    text, encoding = _decode(data)
    # Try each delimiter on the first rows: the right one is the one that reveals the header.
    best_delimiter, best_score = None, -1
    for delimiter in CSV_DELIMITERS:
        try:
            head, _more = _csv_rows(text, delimiter, header_rows)
        except SpreadsheetError:
            continue
        score = max((_match_header(cells, columns, 0).score for _line, cells in head), default=0)
        if score > best_score:
            best_delimiter, best_score = delimiter, score
    if best_delimiter is None:
        raise _not_a_spreadsheet()
    if best_score == 0:
        try:
            best_delimiter = csv.Sniffer().sniff(text[:4096], delimiters="".join(CSV_DELIMITERS)).delimiter
        except csv.Error:
            best_delimiter = ";"
    raw_rows, more = _csv_rows(text, best_delimiter, max_rows + header_rows + 1)
    if more:
        raise _too_many_rows(max_rows)
    return _build_table(
        raw_rows,
        columns,
        header_rows=header_rows,
        max_rows=max_rows,
        fmt="csv",
        encoding=encoding,
        delimiter=best_delimiter,
    )


# --- XLSX ---------------------------------------------------------------------------------------------------


def _merged_ranges(worksheet: Any) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a read-only worksheet as (min_row, min_col, max_row, max_col), 1-based.

    openpyxl does not give merged cells in read-only mode, so they are read from the sheet's XML here."""
    from openpyxl.utils.cell import range_boundaries

    ranges = []
    with worksheet._get_source() as source:
        for _event, element in ElementTree.iterparse(source, events=("end",)):
            if element.tag == f"{_SPREADSHEETML_NS}mergeCell":
                ref = element.get("ref", "")
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(ref)
                except (TypeError, ValueError):
                    continue
                ranges.append((min_row, min_col, max_row, max_col))
            elif element.tag == f"{_SPREADSHEETML_NS}row":
                element.clear()
    return ranges


def _cell_value(cell: Any) -> Any:
    """A cell's value as the sheet shows it: a number formatted as a percentage (stored as 0.85) reads as 85."""
    value = cell.value
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and "%" in (getattr(cell, "number_format", "") or "")
    ):
        return round(value * 100, 10)
    return value


def _sheet_rows(worksheet: Any, limit: int, max_rows: int) -> list[tuple[int, list[Any]]]:
    """The non-blank rows of ``worksheet`` with their row numbers, merged cells filled with their value."""
    worksheet.reset_dimensions()  # some writers record a wrong size; read what is really there
    rows: dict[int, list[Any]] = {}
    last_line = 0
    for line, row in enumerate(worksheet.iter_rows(), start=1):
        cells = tuple(_cell_value(cell) for cell in row)
        last_line = line
        if _is_blank(cells):
            continue
        if len(rows) >= limit:
            raise _too_many_rows(max_rows)
        rows[line] = list(cells[:MAX_COLUMNS])
    for min_row, min_col, max_row, max_col in _merged_ranges(worksheet):
        top_left = rows.get(min_row, [])
        value = top_left[min_col - 1] if min_col - 1 < len(top_left) else None
        if value is None:
            continue
        for line in range(min_row, min(max_row, last_line) + 1):
            cells = rows.setdefault(line, [])
            last = min(max_col, MAX_COLUMNS)
            if len(cells) < last:
                cells.extend([None] * (last - len(cells)))
            for col_index in range(min_col - 1, last):
                cells[col_index] = value
    return sorted(rows.items())


def _read_xlsx(data: bytes, columns: Sequence[Column], *, header_rows: int, max_rows: int) -> Table:
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_a_spreadsheet() from None
    if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
        raise SpreadsheetError(
            _(
                "This is an OpenDocument file (.ods). "
                "Save it as an Excel workbook (.xlsx) or as CSV, then send it again."
            )
        )
    if "xl/workbook.xml" not in names:
        raise _not_a_spreadsheet()
    if inflated > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError(
            _("The file is too large once decompressed: the limit is %(limit)s.")
            % {"limit": size_label(MAX_UNCOMPRESSED_BYTES)}
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds of errors on a damaged file
        raise _not_a_spreadsheet() from None
    try:
        first_error: SpreadsheetError | None = None
        # A workbook may open on a cover sheet: the table is in the first sheet where its header is found.
        for worksheet in workbook.worksheets:
            if not hasattr(worksheet, "iter_rows"):
                continue  # a chart sheet
            try:
                raw_rows = _sheet_rows(worksheet, max_rows + header_rows + 1, max_rows)
                return _build_table(
                    raw_rows, columns, header_rows=header_rows, max_rows=max_rows, fmt="xlsx", sheet=worksheet.title
                )
            except SpreadsheetError as error:
                first_error = first_error or error
            except Exception:  # noqa: BLE001 - a damaged sheet
                raise _not_a_spreadsheet() from None
        raise first_error or SpreadsheetError(_("The workbook has no sheet."))
    finally:
        workbook.close()


# --- Writing ------------------------------------------------------------------------------------------------


def write_xlsx_to(
    target: Any,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "",
    column_widths: Sequence[int] | None = None,
    cell: Any = None,
) -> None:
    """Write an XLSX workbook of one sheet to ``target`` (a path or a binary file): a bold, frozen, filterable
    header row, then ``rows``, written row by row (openpyxl's write-only mode) so that memory stays bounded
    whatever the number of rows. ``cell``, when given, turns each value into what is written. Dates are date
    cells in local time; text is always stored as text, never as a formula."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook(write_only=True)
    # Sheet titles are at most 31 characters, without []:*?/\
    sheet = workbook.create_sheet(title=(re.sub(r"[\[\]:*?/\\]", " ", sheet_title).strip() or "Sheet")[:31])
    for col, width in enumerate(column_widths or [], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    bold, top, wrapped = Font(bold=True), Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)

    def written(value: Any) -> Any:
        if cell is not None:
            value = cell(value)
        if value is None:
            return None
        item = WriteOnlyCell(sheet)
        if isinstance(value, datetime.datetime):
            # Excel has no time zones: write the wall-clock time people read, not UTC.
            item.value = (timezone.localtime(value) if timezone.is_aware(value) else value).replace(tzinfo=None)
            item.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, datetime.date):
            item.value = value
            item.number_format = "DD/MM/YYYY"
        elif isinstance(value, str):
            item.value = value
            item.data_type = "s"  # "=…" stays text
        else:
            item.value = value
        item.alignment = wrapped if isinstance(value, str) and len(value) > 40 else top
        return item

    header_cells = []
    for header in headers:
        item = WriteOnlyCell(sheet, value=str(header))
        item.data_type = "s"
        item.font, item.alignment = bold, wrapped
        header_cells.append(item)
    sheet.append(header_cells)
    last_line = 1
    for values in rows:
        sheet.append([written(value) for value in values])
        last_line += 1
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last_line}"
    workbook.save(target)


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    sheet_title: str = "",
    column_widths: Sequence[int] | None = None,
) -> bytes:
    """A whole XLSX workbook as bytes (see ``write_xlsx_to``)."""
    buffer = io.BytesIO()
    write_xlsx_to(buffer, headers, rows, sheet_title=sheet_title, column_widths=column_widths)
    return buffer.getvalue()


def guard_formula(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet program would run it as a formula (CSV injection);
    read_table takes the apostrophe off again, so a round trip keeps the text as it was."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_cell(value: Any) -> str:
    """A value as CSV text: ISO dates, numbers without a useless ``.0``, text guarded against formulas."""
    if isinstance(value, datetime.datetime | datetime.date):
        return cell_text(value)
    return guard_formula(cell_text(value) if not isinstance(value, str) else value)


def iter_csv(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    delimiter: str = ";",
    cell: Any = csv_cell,
    chunk_rows: int = 100,
) -> Iterator[bytes]:
    """A CSV file as French spreadsheet programs open it (UTF-8 with a BOM, ``;`` between cells), yielded every
    ``chunk_rows`` rows, so that a long register streams in bounded memory. ``cell`` turns a value into text."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text.encode("utf-8")

    writer.writerow([guard_formula(str(header)) for header in headers])
    yield "\ufeff".encode() + flush()
    for count, values in enumerate(rows, start=1):
        writer.writerow([cell(value) for value in values])
        if count % chunk_rows == 0:
            yield flush()
    tail = flush()
    if tail:
        yield tail


def write_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ";") -> bytes:
    """A whole CSV file (see ``iter_csv``)."""
    return b"".join(iter_csv(headers, rows, delimiter=delimiter))
