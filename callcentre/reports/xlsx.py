"""A small, fast, streaming xlsx writer for big tables, safe for any text.

openpyxl's write-only mode spends ~15 µs a cell in its XML serialiser (with or
without lxml): a check workbook of 1,000,000 rows × 16 cells takes minutes. This
writes plain SpreadsheetML, as Excel and WPS do, at about 1 µs a cell: strings,
numbers and booleans, merged ranges, a bold shaded header row, column widths, a
frozen header and an autofilter. Sheets and their rows may be generators: each
sheet is streamed into the zip as it is produced, and a sheet is only asked for
once the previous one is finished, so later sheets can summarise what earlier
ones wrote. Text goes into the shared-string table, except in the columns a sheet
names as ``inline`` (text that is different in every row: keeping it all in one
table would hold it all in memory). Files open in Excel, WPS, openpyxl and
python-calamine.

Every text cell goes through :func:`callcentre.reports.cells.cell_text`
(formulas quoted, characters XML cannot hold replaced, Excel's length limit)
unless ``neutralise=False`` (test fixtures that must hold hostile text as is).
Text is never written as a formula cell.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from callcentre.reports.cells import cell_text, xml_safe

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# styles: 0 normal; 1 header (bold on a light blue fill); 2 text with Excel's quote
# prefix (shown as typed, never read as a number or formula); 3 a header cell so;
# 4 a number as a percentage (0.0%); 5 a number with two decimals
_XF = ('<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="0" xfId="0"{extra}/>')
_XFS = "".join((
    _XF.format(fmt=0, font=0, fill=0, extra=""),
    _XF.format(fmt=0, font=1, fill=2, extra=' applyFont="1" applyFill="1"'),
    _XF.format(fmt=0, font=0, fill=0, extra=' quotePrefix="1"'),
    _XF.format(fmt=0, font=1, fill=2, extra=' applyFont="1" applyFill="1" quotePrefix="1"'),
    _XF.format(fmt=164, font=0, fill=0, extra=' applyNumberFormat="1"'),
    _XF.format(fmt=2, font=0, fill=0, extra=' applyNumberFormat="1"'),
))
#: number formats a column may ask for (:attr:`StreamSheet.formats`): style ids
NUMBER_FORMATS = {"percent": ' s="4"', "decimal": ' s="5"'}
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_NS}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="0.0%"/></numFmts><fonts count="2"><font><sz val="11"/><name val="宋体"/>'
    '</font><font><b/><sz val="11"/><name val="宋体"/></font></fonts><fills count="3"><fill>'
    '<patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    '</patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/>'
    '<diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" '
    f'fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6">{_XFS}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>')
_CHUNK = 2000  # rows per write to the zip stream
MAX_ROWS = 1_048_576  # Excel's limit per sheet
_WIDTH_ROWS = 500      # rows looked at to fit a column's width
_MIN_WIDTH, _MAX_WIDTH = 6.0, 60.0
_NOT_IN_SHEET_NAMES = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass
class StreamSheet:
    """A sheet: its rows (any iterable; ``None`` or ``""`` = empty cell), merged
    ranges like ``"A1:H1"``, how many leading rows are header rows (styled, and
    frozen with ``freeze``), column ``widths`` in characters (``None``: fitted to
    the first rows when ``rows`` is a list, else Excel's default), an
    ``autofilter`` on the last header row, the 0-based ``inline`` columns whose
    text is written in the cell instead of the shared-string table, and number
    ``formats`` by column (``"percent"``, ``"decimal"``: see :data:`NUMBER_FORMATS`)."""

    name: str
    rows: Iterable[Sequence[object]]
    merges: Sequence[str] = field(default_factory=list)
    header_rows: int = 0
    widths: Sequence[float] | None = None
    freeze: bool = False
    autofilter: bool = False
    inline: frozenset[int] = frozenset()
    formats: dict[int, str] = field(default_factory=dict)


def display_width(value: object) -> float:
    """How many character widths a value takes in a cell (CJK characters count 2;
    the longest line of a multi-line text)."""
    if value is None:
        return 0.0
    text = value if isinstance(value, str) else str(value)
    widest = 0
    for line in text.split("\n"):
        n = 0
        for ch in line:
            n += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        widest = max(widest, n)
    return float(widest)


def fit_widths(rows: Sequence[Sequence[object]], *, low: float = _MIN_WIDTH,
               high: float = _MAX_WIDTH) -> list[float]:
    """Column widths that fit the first rows' values, between ``low`` and ``high``."""
    widths: list[float] = []
    for row in rows[:_WIDTH_ROWS]:
        for c, v in enumerate(row):
            w = display_width(v) + 2
            if c >= len(widths):
                widths.append(low)
            widths[c] = max(widths[c], min(w, high))
    return widths


def sheet_name(name: str) -> str:
    """A legal sheet name: XML-safe, none of ``[]:*?/\\``, at most 31 characters."""
    return (xml_safe(name).translate(_NOT_IN_SHEET_NAMES).strip("'") or "_")[:31]


_SPECIAL = re.compile('[&<>"]')


def _esc(s: str) -> str:
    if _SPECIAL.search(s) is None:
        return s
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _raw_text(v: str) -> tuple[str, bool]:
    return xml_safe(v), False


def _t(text: str) -> str:
    if not text:
        return "<t></t>"
    if text[0].isspace() or text[-1].isspace() or "\n" in text:
        return f'<t xml:space="preserve">{_esc(text)}</t>'
    return f"<t>{_esc(text)}</t>"


def _sheet_head(sheet: StreamSheet) -> str:
    head = f'{_HEAD}<worksheet xmlns="{_NS}">'
    if isinstance(sheet.rows, (list, tuple)) and sheet.rows:
        # known before the rows are written: readers (openpyxl read-only) pad rows to it
        width = max(len(row) for row in sheet.rows)
        if width:
            head += f'<dimension ref="A1:{get_column_letter(width)}{len(sheet.rows)}"/>'
    if sheet.freeze and sheet.header_rows:
        h = sheet.header_rows
        head += ('<sheetViews><sheetView workbookViewId="0"><pane ySplit="'
                 f'{h}" topLeftCell="A{h + 1}" activePane="bottomLeft" state="frozen"/>'
                 '<selection pane="bottomLeft"/></sheetView></sheetViews>')
    widths = sheet.widths
    if widths is None and isinstance(sheet.rows, (list, tuple)):
        widths = fit_widths(sheet.rows)
    if widths:
        head += "<cols>" + "".join(
            f'<col min="{i}" max="{i}" width="{w:.1f}" customWidth="1"/>'
            for i, w in enumerate(widths, 1)) + "</cols>"
    return head + "<sheetData>"


def save_xlsx_stream(path: Path, sheets: Iterable[StreamSheet], compresslevel: int = 1, *,
                     neutralise: bool = True) -> int:
    """Write ``sheets`` to ``path`` (as it is: see :func:`write_workbook` for the
    atomic write); returns the number of rows written in all."""
    text_of = cell_text if neutralise else _raw_text
    sst: dict[str, int] = {}
    quoted: set[int] = set()  # shared strings that need the quote-prefix style
    refs = 0
    names: list[str] = []
    filters: list[str | None] = []
    total_rows = 0
    cols: list[str] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        for n, sheet in enumerate(sheets, 1):
            names.append(sheet_name(sheet.name))
            header_rows = sheet.header_rows
            inline = sheet.inline
            formats = {c: NUMBER_FORMATS[f] for c, f in sheet.formats.items()}
            width = 0
            with zf.open(f"xl/worksheets/sheet{n}.xml", "w") as fh:
                fh.write(_sheet_head(sheet).encode())
                parts: list[str] = []
                r = 0
                for r, row in enumerate(sheet.rows, 1):
                    if len(row) > len(cols):
                        cols.extend(get_column_letter(i + 1) for i in range(len(cols), len(row)))
                    head = r <= header_rows
                    if head:
                        width = max(width, len(row))
                    style = ' s="1"' if head else ""
                    cells = []
                    for c, v in enumerate(row):
                        if v is None or v == "":
                            continue
                        if isinstance(v, str):
                            refs += 1
                            if c in inline:
                                text, quote = text_of(v)
                                if not text:
                                    continue
                                s = (' s="3"' if head else ' s="2"') if quote else style
                                cells.append(f'<c r="{cols[c]}{r}"{s} t="inlineStr"><is>'
                                             f"{_t(text)}</is></c>")
                                continue
                            idx = sst.get(v)
                            if idx is None:
                                idx = sst[v] = len(sst)
                                if text_of(v)[1]:
                                    quoted.add(idx)
                            s = ((' s="3"' if head else ' s="2"') if quoted and idx in quoted
                                 else style)
                            cells.append(f'<c r="{cols[c]}{r}"{s} t="s"><v>{idx}</v></c>')
                        elif isinstance(v, bool):
                            cells.append(f'<c r="{cols[c]}{r}"{style} t="b"><v>{int(v)}</v></c>')
                        elif isinstance(v, (int, float)):
                            if isinstance(v, float) and not math.isfinite(v):
                                cells.append(f'<c r="{cols[c]}{r}"{style} t="inlineStr"><is>'
                                             f"<t>{v!r}</t></is></c>")
                            else:
                                s = formats.get(c, style) if formats and not head else style
                                cells.append(f'<c r="{cols[c]}{r}"{s}><v>{v!r}</v></c>')
                        else:
                            raise TypeError(f"xlsx stream writer cannot store {type(v).__name__}")
                    if cells:
                        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
                    if len(parts) >= _CHUNK:
                        fh.write("".join(parts).encode())
                        parts.clear()
                fh.write("".join(parts).encode())
                total_rows += r
                tail = "</sheetData>"
                ref = None
                if sheet.autofilter and header_rows and width:
                    ref = f"A{header_rows}:{cols[width - 1]}{max(r, header_rows)}"
                    tail += f'<autoFilter ref="{ref}"/>'
                filters.append(ref)
                if sheet.merges:
                    tail += (f'<mergeCells count="{len(sheet.merges)}">'
                             + "".join(f'<mergeCell ref="{m}"/>' for m in sheet.merges)
                             + "</mergeCells>")
                fh.write(f"{tail}</worksheet>".encode())
        with zf.open("xl/sharedStrings.xml", "w") as fh:
            fh.write(f'{_HEAD}<sst xmlns="{_NS}" count="{refs}" uniqueCount="{len(sst)}">'.encode())
            items = []
            for s in sst:
                items.append(f"<si>{_t(text_of(s)[0])}</si>")
                if len(items) >= _CHUNK:
                    fh.write("".join(items).encode())
                    items.clear()
            fh.write(("".join(items) + "</sst>").encode())
        _write_package(zf, names, filters)
    return total_rows


def _write_package(zf: zipfile.ZipFile, names: list[str], filters: list[str | None]) -> None:
    n = len(names)
    zf.writestr("xl/styles.xml", _STYLES)
    defined = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{_esc(names[i]).replace(chr(39), chr(39) * 2)}'!{_absolute(ref)}</definedName>"
        for i, ref in enumerate(filters) if ref)
    zf.writestr("xl/workbook.xml", f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>'
                + "".join(f'<sheet name="{_esc(name)}" sheetId="{i}" r:id="rId{i}"/>'
                          for i, name in enumerate(names, 1)) + "</sheets>"
                + (f"<definedNames>{defined}</definedNames>" if defined else "")
                + "</workbook>")
    rels = [f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" '
            f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1)]
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{_REL}/sharedStrings" '
                'Target="sharedStrings.xml"/>')
    rels.append(f'<Relationship Id="rId{n + 2}" Type="{_REL}/styles" Target="styles.xml"/>')
    zf.writestr("xl/_rels/workbook.xml.rels",
                f'{_HEAD}<Relationships xmlns="{_PKG}">{"".join(rels)}</Relationships>')
    zf.writestr("_rels/.rels", f'{_HEAD}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
                f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    overrides = [f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                 f'ContentType="{_CT}.worksheet+xml"/>' for i in range(1, n + 1)]
    zf.writestr("[Content_Types].xml", (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        + "".join(overrides)
        + f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/></Types>'))


def _absolute(ref: str) -> str:
    """``"A1:P100"`` -> ``"$A$1:$P$100"``."""
    out = []
    for cell in ref.split(":"):
        i = next(i for i, ch in enumerate(cell) if ch.isdigit())
        out.append(f"${cell[:i]}${cell[i:]}")
    return ":".join(out)


def write_workbook(path: Path, sheets: Iterable[StreamSheet], *,
                   create_folder: bool = False) -> int:
    """Write ``sheets`` to ``path`` whole or not at all (see
    :func:`callcentre.reports.atomic.atomic_output`); returns the rows written."""
    from callcentre.reports.atomic import atomic_output

    with atomic_output(Path(path), create_folder=create_folder) as tmp:
        return save_xlsx_stream(tmp, sheets)
