"""The shared spreadsheet reader: every delimiter, encoding and date form, real-life layouts, and junk."""

import datetime
import io
import os
import zipfile

import openpyxl
import pytest
from django.utils import translation

from qms.core.spreadsheets import (
    CellError,
    Column,
    SpreadsheetError,
    normalise_header,
    parse_date,
    read_table,
    write_csv,
    write_xlsx,
)

COLUMNS = [
    Column("axis", "Axe", ("axe", "axis"), required=True),
    Column("title", "Objectif spécifique", ("objectif spécifique", "specific objective", "action"), required=True),
    Column("deadline", "Échéance", ("échéance", "deadline", "due date")),
    Column("owner", "Responsable", ("responsable", "owner")),
]

ROWS = [
    ["Axe", "Objectif spécifique", "Échéance", "Responsable"],
    ["Gouvernance", "Élaborer la cartographie des processus", "22/10/2021", "Service qualité"],
    ["Qualité", "Généraliser l'évaluation des enseignements", "2022-06-30", "VP Formation"],
]


def _csv(rows, delimiter=";", encoding="utf-8", bom=False) -> bytes:
    text = "\r\n".join(delimiter.join(cells) for cells in rows) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def _xlsx(rows, *, merges=(), title_rows=0, sheet_title="Plan", extra_sheet_first=False) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if extra_sheet_first:
        sheet.title = "Couverture"
        sheet.append(["Plan d'action — page de garde"])
        sheet = workbook.create_sheet(sheet_title)
    else:
        sheet.title = sheet_title
    for _ in range(title_rows):
        sheet.append([])
    for row in rows:
        sheet.append(row)
    for ref in merges:
        sheet.merge_cells(ref)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Headers ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Objectifs stratégiques", "objectif strategique"),
        ("OBJECTIF_STRATEGIQUE", "objectif strategique"),
        ("  objectif-stratégique ", "objectif strategique"),
        ("Échéances", "echeance"),
        ("Due dates", "due date"),
        ("Axes", "axe"),
    ],
)
def test_headers_are_normalised_whatever_their_case_accents_separators_or_plural(written, expected):
    assert normalise_header(written) == expected


@pytest.mark.parametrize("header", ["AXES", "axe", "Axis", "axe_", "Axe  "])
def test_a_header_is_recognised_in_any_form(header):
    table = read_table(_csv([[header, "Action"], ["Gouvernance", "Faire"]]), columns=COLUMNS)
    assert table.rows[0].values["axis"] == "Gouvernance"


# --- CSV: delimiters and encodings --------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_it_reads_each_delimiter(delimiter):
    table = read_table(_csv(ROWS, delimiter=delimiter), columns=COLUMNS)
    assert table.delimiter == delimiter
    assert [row.values["axis"] for row in table.rows] == ["Gouvernance", "Qualité"]
    assert table.rows[1].values["title"] == "Généraliser l'évaluation des enseignements"


def test_a_comma_inside_quotes_is_not_a_delimiter():
    data = _csv([["Axe", "Action"], ['"Gouvernance, pilotage"', '"Faire ceci, puis cela"']], delimiter=",")
    table = read_table(data, columns=COLUMNS)
    assert table.rows[0].values == {"axis": "Gouvernance, pilotage", "title": "Faire ceci, puis cela"}


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [("utf-8", False, "utf-8"), ("utf-8", True, "utf-8-sig"), ("cp1252", False, "cp1252")],
)
def test_it_reads_each_encoding(encoding, bom, expected):
    table = read_table(_csv(ROWS, encoding=encoding, bom=bom), columns=COLUMNS)
    assert table.encoding == expected
    assert table.rows[0].values["title"] == "Élaborer la cartographie des processus"
    assert table.headers["deadline"] == "Échéance"


def test_it_reads_utf16_as_excel_saves_unicode_text():
    data = "\r\n".join("\t".join(cells) for cells in ROWS).encode("utf-16")
    table = read_table(data, columns=COLUMNS)
    assert table.encoding == "utf-16"
    assert table.rows[0].values["title"] == "Élaborer la cartographie des processus"


def test_rows_carry_their_line_numbers_and_blank_lines_are_skipped():
    data = _csv([["Plan d'action 2024"], [""], ["Axe", "Action"], ["A", "x"], [""], ["B", "y"]])
    table = read_table(data, columns=COLUMNS)
    assert table.header_line == 3
    assert [(row.line, row.values["axis"]) for row in table.rows] == [(4, "A"), (6, "B")]


def test_a_multiline_cell_keeps_the_line_numbers_of_the_file():
    data = b'Axe;Action\r\nA;"ligne 1\r\nligne 2"\r\nB;z\r\n'
    table = read_table(data, columns=COLUMNS)
    assert [row.line for row in table.rows] == [2, 4]
    assert table.rows[0].values["title"] == "ligne 1\r\nligne 2"


# --- Header detection ---------------------------------------------------------------------------------------


def test_the_header_may_sit_below_a_title_and_blank_rows():
    rows = [["Université de démonstration"], ["Suivi du plan AEQES", "", ""], [], *ROWS]
    table = read_table(_csv(rows), columns=COLUMNS)
    assert table.header_line == 4
    assert len(table.rows) == 2


def test_unknown_headers_are_reported_as_ignored():
    table = read_table(_csv([["Axe", "Action", "Commentaire libre"], ["A", "x", "y"]]), columns=COLUMNS)
    assert table.ignored_headers == ["Commentaire libre"]
    assert not table.has("deadline")
    assert table.keys == ["axis", "title"]


def test_missing_required_columns_are_named():
    with translation.override("en"), pytest.raises(SpreadsheetError) as error:
        read_table(_csv([["Axe", "Échéance"], ["A", "2021-01-01"]]), columns=COLUMNS)
    assert "Objectif spécifique" in str(error.value)
    assert "Axe" not in str(error.value).split(":")[-1]


def test_a_header_beyond_the_rows_searched_is_not_found():
    rows = [[f"titre {n}"] for n in range(5)] + ROWS
    with pytest.raises(SpreadsheetError):
        read_table(_csv(rows), columns=COLUMNS, header_rows=3)
    assert read_table(_csv(rows), columns=COLUMNS, header_rows=10).header_line == 6


# --- XLSX ---------------------------------------------------------------------------------------------------


def test_it_reads_an_xlsx_workbook_with_date_cells():
    rows = [ROWS[0], ["Gouvernance", "Cartographie", datetime.datetime(2021, 10, 22), "Service qualité"]]
    table = read_table(_xlsx(rows, title_rows=2), columns=COLUMNS)
    assert table.format == "xlsx"
    assert table.header_line == 3
    assert table.rows[0].line == 4
    assert table.rows[0].date("deadline") == datetime.date(2021, 10, 22)


def test_a_number_formatted_as_a_percentage_reads_as_the_sheet_shows_it():
    columns = [*COLUMNS, Column("progress", "Avancement (%)", ("avancement", "progress"))]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*ROWS[0], "Avancement"])
    sheet.append(["Gouvernance", "Cartographie", None, None, 0.85])
    sheet.append(["Qualité", "Évaluations", None, None, 40])
    sheet["E2"].number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), columns=columns)
    # 85 % is stored as 0.85 in the file; a plain number stays as typed.
    assert [row.get("progress") for row in table.rows] == [85, 40]


def test_merged_cells_are_filled_with_their_value():
    rows = [
        ["Axe", "Objectif spécifique"],
        ["Gouvernance", "Cartographie"],
        [None, "Fiches processus"],
        [None, "Revue de direction"],
        ["Qualité", "Évaluations"],
    ]
    table = read_table(_xlsx(rows, merges=["A2:A4"]), columns=COLUMNS)
    assert [row.values["axis"] for row in table.rows] == ["Gouvernance", "Gouvernance", "Gouvernance", "Qualité"]


def test_the_table_may_be_on_a_later_sheet_than_the_cover():
    table = read_table(_xlsx(ROWS, extra_sheet_first=True), columns=COLUMNS)
    assert table.sheet == "Plan"
    assert len(table.rows) == 2


def test_cached_formula_values_are_read_and_formulas_written_as_text_stay_text():
    content = write_xlsx(["Axe", "Action"], [["=SUM(1,2)", "=1+1"]])
    table = read_table(content, columns=COLUMNS)
    assert table.rows[0].values == {"axis": "=SUM(1,2)", "title": "=1+1"}


# --- Dates --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2021-10-22",
        "2021-10-22 00:00:00",
        "2021-10-22T08:30:00",
        "22/10/2021",
        "22.10.2021",
        "22-10-2021",
        "22/10/21",
        "44491",
        44491,
        44491.0,
        datetime.datetime(2021, 10, 22, 0, 0),
        datetime.date(2021, 10, 22),
    ],
)
def test_each_date_form_is_read(value):
    assert parse_date(value) == datetime.date(2021, 10, 22)


@pytest.mark.parametrize("value", ["31/02/2021", "2021-13-01", "demain", "22 octobre", "12", 12, "2021"])
def test_a_bad_date_raises_a_translated_error(value):
    with translation.override("en"), pytest.raises(ValueError, match="not a valid date"):
        parse_date(value)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_blank_date_is_none(value):
    assert parse_date(value) is None


def test_a_bad_date_in_a_row_names_its_line_and_column():
    table = read_table(_csv([*ROWS, ["Support", "SI", "31/02/2023", ""]]), columns=COLUMNS)
    with translation.override("en"), pytest.raises(CellError) as error:
        table.rows[-1].date("deadline")
    assert error.value.line == 4
    assert str(error.value).startswith("Line 4, column “Échéance”")


# --- Junk and limits ----------------------------------------------------------------------------------------


def test_an_empty_file_is_refused():
    with translation.override("en"), pytest.raises(SpreadsheetError, match="empty"):
        read_table(b"", columns=COLUMNS)
    with pytest.raises(SpreadsheetError):
        read_table(b"   \r\n\r\n", columns=COLUMNS)


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read():
    junk = os.urandom(10 * 1024 * 1024)
    with translation.override("en"), pytest.raises(SpreadsheetError, match="too large"):
        read_table(io.BytesIO(junk), columns=COLUMNS)


def test_ten_megabytes_of_random_bytes_are_not_a_spreadsheet():
    junk = os.urandom(10 * 1024 * 1024)
    with translation.override("en"), pytest.raises(SpreadsheetError, match="not a spreadsheet"):
        read_table(junk, columns=COLUMNS, max_bytes=20 * 1024 * 1024)


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n\x00\x01",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04 not really a zip",
    ],
)
def test_other_binary_files_are_not_spreadsheets(content):
    with translation.override("en"), pytest.raises(SpreadsheetError, match="not a spreadsheet"):
        read_table(content, columns=COLUMNS)


def test_a_zip_that_is_not_a_workbook_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SpreadsheetError):
        read_table(buffer.getvalue(), columns=COLUMNS)


def test_an_old_xls_file_gets_a_clear_message():
    with translation.override("en"), pytest.raises(SpreadsheetError, match=r"\.xls"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, columns=COLUMNS)


def test_an_opendocument_spreadsheet_gets_a_clear_message():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with translation.override("en"), pytest.raises(SpreadsheetError, match=r"\.ods"):
        read_table(buffer.getvalue(), columns=COLUMNS)


def test_a_text_file_with_no_header_row_says_which_columns_are_missing():
    with translation.override("en"), pytest.raises(SpreadsheetError, match="No header row"):
        read_table(b"Bonjour,\nceci est une lettre.\n", columns=COLUMNS)


def test_too_many_rows_are_refused():
    rows = [ROWS[0]] + [["A", f"action {n}", "", ""] for n in range(30)]
    with translation.override("en"), pytest.raises(SpreadsheetError, match="too many rows"):
        read_table(_csv(rows), columns=COLUMNS, max_rows=20)
    with pytest.raises(SpreadsheetError):
        read_table(_xlsx(rows), columns=COLUMNS, max_rows=20)
    assert len(read_table(_csv(rows), columns=COLUMNS, max_rows=30).rows) == 30


# --- Writing ------------------------------------------------------------------------------------------------


def test_csv_written_opens_in_french_excel_and_reads_back_unchanged():
    rows = [["Gouvernance", '=HYPERLINK("http://x")', datetime.date(2021, 10, 22), "-2 étapes"]]
    content = write_csv(["Axe", "Action", "Échéance", "Responsable"], rows)
    assert content.startswith(b"\xef\xbb\xbf")
    assert b"'=HYPERLINK" in content  # a formula is never live in the file
    table = read_table(content, columns=COLUMNS)
    assert table.rows[0].values == {
        "axis": "Gouvernance",
        "title": '=HYPERLINK("http://x")',
        "deadline": "2021-10-22",
        "owner": "-2 étapes",
    }


def test_xlsx_written_reads_back_with_its_dates():
    content = write_xlsx(
        ["Axe", "Action", "Échéance"], [["A", "x", datetime.date(2021, 10, 22)]], sheet_title="Plan: 2024/25"
    )
    table = read_table(content, columns=COLUMNS)
    assert table.sheet == "Plan  2024 25"
    assert table.rows[0].date("deadline") == datetime.date(2021, 10, 22)


def test_xlsx_written_shows_a_moment_at_the_local_time(settings):
    # Excel has no time zones: 08:30 UTC in winter is read 09:30 in Paris, and must be written so.
    settings.TIME_ZONE = "Europe/Paris"
    moment = datetime.datetime(2026, 1, 15, 8, 30, tzinfo=datetime.UTC)
    content = write_xlsx(["Axe", "Action", "Envoyé le"], [["A", "x", moment]])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet["C2"].value == datetime.datetime(2026, 1, 15, 9, 30)


def test_csv_streams_in_chunks_and_reads_back_as_written():
    from qms.core.spreadsheets import iter_csv

    rows = [[f"Action {n}", '=HYPERLINK("x")', datetime.date(2026, 1, 2)] for n in range(250)]
    chunks = list(iter_csv(["Objectif spécifique", "Axe", "Échéance"], rows, chunk_rows=100))
    assert len(chunks) == 4  # the header, then 100 + 100 + 50 rows
    data = b"".join(chunks)
    assert data == write_csv(["Objectif spécifique", "Axe", "Échéance"], rows, delimiter=";")
    assert data.startswith("\ufeff".encode())
    table = read_table(data, columns=COLUMNS)
    assert table.rows[249].get("title") == "Action 249"
    # The formula was written guarded, and read back as the text it was.
    assert table.rows[0].get("axis") == '=HYPERLINK("x")'


def test_the_xlsx_has_a_bold_frozen_filterable_header_and_its_widths():
    content = write_xlsx(
        ["Axe", "Objectif spécifique"],
        [["Gouvernance", "x" * 60], ["Qualité", "Court"]],
        sheet_title="Plan: 2026/2027",
        column_widths=[12, 50],
    )
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Plan  2026 2027"  # characters Excel refuses in a sheet title are replaced
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:B3"
    assert sheet["A1"].font.bold and not sheet["A2"].font.bold
    assert sheet.column_dimensions["B"].width == 50
    assert sheet["B2"].alignment.wrap_text and not sheet["B3"].alignment.wrap_text
