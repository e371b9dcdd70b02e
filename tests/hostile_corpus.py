"""Hostile and broken input files (issue 15), made from scratch: the tests import them
and CI runs them; ``python -m tests.hostile_corpus DIR [--full]`` writes them all to
DIR (``--full``: the zip bomb at the issue's size, 4 GiB inflated, for measuring).

Workbooks are written as raw XML in a zip (no spreadsheet library) so that they can
hold what no library would write: a cell at XFD1048576, a part that lies about its
size, cells without references.
"""

from __future__ import annotations

import argparse
import struct
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

LIST_HEADER: list[object] = ["序号", "企业名称", "统一社会信用代码", "所属区", "联系电话"]
LIST_ROWS: list[list[object]] = [
    [1, "天津甲科技有限公司", "91120116592938202F", "和平区", "13812345678"],
    [2, "天津乙贸易有限公司", "91110000600037341L", "河东区", "022-23456789"],
    [3, "天津丙物流有限公司", "121200004013590816", "南开区", "13912345678"],
]
WORKORDER_HEADER: list[object] = ["序号", "工单号", "企业名称", "统一社会信用代码", "联系人", "联系电话",
                    "业务描述", "受理时间", "办结时间", "办理时长"]

_CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
       'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
       'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
       '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
       'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{sheets}</Types>')
_CT_SHEET = ('<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.'
             'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
         'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
         'Target="xl/workbook.xml"/></Relationships>')
_WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
       'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
       '2006/relationships"><sheets>{sheets}</sheets></workbook>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships">{rels}</Relationships>')
_WB_REL = ('<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/'
           '2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
               'openxmlformats.org/spreadsheetml/2006/main">')
_SHEET_TAIL = "</sheetData></worksheet>"


def column_letters(number: int) -> str:
    """1 → A, 27 → AA, 16,384 → XFD."""
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


def cell_xml(ref: str | None, value: object) -> str:
    r = f' r="{ref}"' if ref else ""
    if value is None or value == "":
        return f"<c{r}/>"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"<c{r}><v>{value}</v></c>"
    return f'<c{r} t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def sheet_xml(rows: Sequence[Sequence[object]], extra_cells: Iterable[tuple[str, object]] = (),
              dimension: str | None = None) -> str:
    """A worksheet: ``rows`` from A1 down, then ``extra_cells`` (reference, value), each in
    a row of its own, in row order."""
    out = [_SHEET_HEAD]
    if dimension:
        out.append(f'<dimension ref="{dimension}"/>')
    out.append("<sheetData>")
    for r, row in enumerate(rows, start=1):
        cells = "".join(cell_xml(f"{column_letters(c)}{r}", v)
                        for c, v in enumerate(row, start=1) if v is not None and v != "")
        out.append(f'<row r="{r}">{cells}</row>')
    for ref, value in extra_cells:
        row_number = int("".join(ch for ch in ref if ch.isdigit()))
        out.append(f'<row r="{row_number}">{cell_xml(ref, value)}</row>')
    out.append(_SHEET_TAIL)
    return "".join(out)


def write_workbook(path: Path, sheets: Sequence[tuple[str, str]]) -> Path:
    """An xlsx of ``(sheet name, worksheet XML)`` pairs."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        n = range(1, len(sheets) + 1)
        zf.writestr("[Content_Types].xml",
                    _CT.format(sheets="".join(_CT_SHEET.format(n=i) for i in n)))
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB.format(sheets="".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in zip(n, sheets, strict=True))))
        zf.writestr("xl/_rels/workbook.xml.rels",
                    _WB_RELS.format(rels="".join(_WB_REL.format(n=i) for i in n)))
        for i, (_, xml) in zip(n, sheets, strict=True):
            zf.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return path


def list_workbook(path: Path, extra_cells: Iterable[tuple[str, object]] = (),
                  rows: Sequence[Sequence[object]] | None = None) -> Path:
    data: list[Sequence[object]] = [["部门：市税务局"], LIST_HEADER, *(rows if rows is not None else LIST_ROWS)]
    return write_workbook(path, [("名单", sheet_xml(data, extra_cells))])


def far_cell(path: Path, ref: str = "XFD1048576") -> Path:
    """A small list plus one real cell far away (XFD1048576 asked calamine for 512 GiB)."""
    return list_workbook(path, [(ref, "x")])


def far_cell_xls(path: Path, row: int = 65_535, col: int = 255) -> Path:
    """A legacy .xls list with one cell at its last row and column (a 5 KB file that made
    the reader build 16.7 million cells, 1.2 GB). Needs xlwt (the dev extra)."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    table: list[Sequence[object]] = [LIST_HEADER, *LIST_ROWS]
    for r, values in enumerate(table):
        for c, value in enumerate(values):
            sheet.write(r, c, value)
    sheet.write(row, col, "x")
    book.save(str(path))
    return path


def zip_bomb(path: Path, inflated: int = 160 * 1024 * 1024, *, lie: bool = False) -> Path:
    """A list whose sheet inflates to about ``inflated`` bytes of cells (one cell written
    again and again, compressing about 1000 to 1). ``lie``: the zip's headers declare
    the sheet 1,000 bytes long (only inflating it shows its size)."""
    head = sheet_xml([["部门：市税务局"], LIST_HEADER]).removesuffix(_SHEET_TAIL)
    block = ('<row r="3"><c r="B3" t="inlineStr"><is><t>天津甲科技有限公司</t></is></c></row>'
             * 4096).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT.format(sheets=_CT_SHEET.format(n=1)))
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml",
                    _WB.format(sheets='<sheet name="名单" sheetId="1" r:id="rId1"/>'))
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(rels=_WB_REL.format(n=1)))
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=inflated >= 0xFFFFFFFF - (1 << 20)) as sheet:
            sheet.write(head.encode())
            written = len(head)
            while written < inflated:
                sheet.write(block)
                written += len(block)
            sheet.write(_SHEET_TAIL.encode())
    if lie:
        _declare_size(path, "xl/worksheets/sheet1.xml", 1000)
    return path


def _declare_size(path: Path, name: str, size: int) -> None:
    """Overwrite a (non-zip64) part's uncompressed size in both of the zip's headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(name)
    if info.file_size >= 0xFFFFFFFF:
        raise ValueError("a lying zip64 size is not supported here")
    struct.pack_into("<I", data, info.header_offset + 22, size)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46:pos + 46 + name_len] == name.encode():
            struct.pack_into("<I", data, pos + 24, size)
            break
        pos = data.find(b"PK\x01\x02", pos + 46)
    path.write_bytes(bytes(data))


_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods_repeats(path: Path, rows: int = 1_000_000, columns: int = 20) -> Path:
    """An .ods list whose one repeated row of repeated cells with a value stands for
    ``rows`` x ``columns`` cells, then the empty repeats LibreOffice writes at the end."""
    def cell(text: object, repeat: int = 1) -> str:
        times = f' table:number-columns-repeated="{repeat}"' if repeat > 1 else ""
        return (f'<table:table-cell office:value-type="string"{times}>'
                f"<text:p>{escape(str(text))}</text:p></table:table-cell>")
    header = "".join(cell(h) for h in LIST_HEADER)
    body = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>"
                   for r in LIST_ROWS)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
        'office:version="1.2"><office:body><office:spreadsheet><table:table table:name="名单">'
        f"<table:table-row>{header}</table:table-row>{body}"
        f'<table:table-row table:number-rows-repeated="{rows}">{cell("x", columns)}'
        "</table:table-row>"
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="1024"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                    compress_type=zipfile.ZIP_STORED)
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return path


def csv_list(path: Path, names: Sequence[str], encoding: str = "utf-8") -> Path:
    """A csv list with one row per name."""
    lines = [",".join(map(str, LIST_HEADER))]
    for i, name in enumerate(names, start=1):
        lines.append(f'{i},"{name}",,和平区,138{i:08d}')
    path.write_text("\r\n".join(lines) + "\r\n", encoding=encoding, errors="surrogatepass")
    return path


BIDI_NAMES = ["\u2066天津甲科技有限公司\u2069", "天津乙\u202e贸易有限公司",
              "天津\u200b丙\u200d物流\u2067有限\u2068公司\u2069", "\ufeff天津丁有限公司\u200f"]


def html_colspan_bomb(path: Path, rows: int = 10, cells: int = 300) -> Path:
    """A web page saved as .xls whose cells each span 1,000 columns."""
    body = "".join("<tr>" + "<td colspan=1000>x</td>" * cells + "</tr>" for _ in range(rows))
    header = "<tr>" + "".join(f"<td>{h}</td>" for h in LIST_HEADER) + "</tr>"
    path.write_text(f"<html><body><table>{header}{body}</table></body></html>",
                    encoding="utf-8")
    return path


def wide_csv(path: Path, columns: int = 300) -> Path:
    lines = [",".join(map(str, LIST_HEADER)), ",".join(["1", "天津甲科技有限公司", "", "和平区",
                                               "13812345678", *(["x"] * columns)])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def workorder_workbook(path: Path, extra_cells: Iterable[tuple[str, object]] = ()) -> Path:
    rows: list[Sequence[object]] = [["部门：市税务局"], WORKORDER_HEADER,
            [1, "GD001", "天津甲科技有限公司", "91120116592938202F", "张一", "13812345678",
             "开办", "2021-03-01", "2021-03-03", 2]]
    return write_workbook(path, [("工单", sheet_xml(rows, extra_cells))])


def xlsform(path: Path, survey: Sequence[Sequence[object]],
            extra_cells: Iterable[tuple[str, object]] = ()) -> Path:
    """An XLSForm workbook with the given survey sheet (and a small choices sheet)."""
    choices = [["list_name", "name", "label"], ["yn", "1", "是"], ["yn", "0", "否"]]
    return write_workbook(path, [("survey", sheet_xml(survey, extra_cells)),
                                 ("choices", sheet_xml(choices))])


SURVEY_HEADER = ["type", "name", "label", "relevant", "constraint", "calculation"]


def form_nested_not(path: Path, depth: int = 400) -> Path:
    return xlsform(path, [SURVEY_HEADER, ["integer", "a", "A", "", "", ""],
                          ["integer", "b", "B", "not(" * depth + "${a} > 1" + ")" * depth,
                           "", ""]])


def form_huge_range(path: Path) -> Path:
    return xlsform(path, [SURVEY_HEADER, ["integer", "a", "A", "", "", ""],
                          ["integer", "b", "B", "count(1 to 100000000000) > ${a}", "", ""]])


def form_regex(path: Path, pattern: str = "(a+)+$") -> Path:
    return xlsform(path, [SURVEY_HEADER,
                          ["text", "a", "A", "", f"regex(., '{pattern}')", ""]])


def form_cycle(path: Path) -> Path:
    return xlsform(path, [SURVEY_HEADER,
                          ["integer", "a", "A", "${b} > 1", "", ""],
                          ["integer", "b", "B", "${c} > 1", "", ""],
                          ["calculate", "c", "", "", "", "${a} + 1"]])


def form_far_cell(path: Path) -> Path:
    return xlsform(path, [SURVEY_HEADER, ["integer", "a", "A", "", "", ""]],
                   [("XFD1048576", "x")])


def write_corpus(out: Path, *, full: bool = False) -> list[Path]:
    """Every hostile file of issue 15 into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    made = [
        far_cell(out / "list_XFD1048576.xlsx"),
        far_cell(out / "list_CV1048576.xlsx", "CV1048576"),
        far_cell_xls(out / "list_IV65536.xls"),
        ods_repeats(out / "list_repeats.ods"),
        zip_bomb(out / "list_zip_bomb.xlsx", (4 << 30) if full else 160 << 20),
        zip_bomb(out / "list_zip_bomb_lying.xlsx", 160 << 20, lie=True),
        csv_list(out / "list_uFFFF_names.csv", ["天津甲科技\uffff有限公司", "天津乙\ufffe公司"]),
        csv_list(out / "list_bidi_names.csv", BIDI_NAMES),
        csv_list(out / "list_100k_name.csv", ["天" * 100_000]),
        csv_list(out / "list_5k_name.csv", ["天津" + "甲" * 5000 + "有限公司"]),
        html_colspan_bomb(out / "list_colspan_bomb.xls"),
        wide_csv(out / "list_300_columns.csv"),
        workorder_workbook(out / "workorders_XFD1048576.xlsx", [("XFD1048576", "x")]),
        form_nested_not(out / "form_nested_not.xlsx"),
        form_huge_range(out / "form_count_range.xlsx"),
        form_regex(out / "form_catastrophic_regex.xlsx"),
        form_regex(out / "form_backreference_regex.xlsx", r"(a)\1"),
        form_cycle(out / "form_cycle.xlsx"),
        form_far_cell(out / "form_XFD1048576.xlsx"),
    ]
    return made


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--full", action="store_true", help="the zip bomb at 4 GiB inflated")
    args = ap.parse_args(argv)
    for path in write_corpus(args.out, full=args.full):
        print(f"{path.stat().st_size:>12,}  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

