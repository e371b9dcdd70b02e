"""What to import: files with their department and item, from the command line
or from a manifest (csv or xlsx with columns file, department, item)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from callcentre.errors import UserError
from callcentre.i18n import t
from sampling.listfile.headers import normalise_header

_MANIFEST_COLUMNS = {
    "file": ("file", "path", "文件", "文件名", "文件路径"),
    "department": ("department", "dept", "部门", "报送部门", "单位"),
    # not a bare 序号: in a manifest that is the manifest's own row number, and read
    # as the item it would file every list under items 1, 2, 3 … without a word
    "item": ("item", "指标", "指标序号", "清单序号", "指标编号", "事项序号"),
}


@dataclass(frozen=True, slots=True)
class ImportJob:
    path: Path
    department: str | None = None
    item: int | None = None


def parse_item(value: object, *, where: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise UserError("import.item_not_number", value=value, where=where) from None
    if not number.is_integer() or number < 1:
        raise UserError("import.item_not_number", value=value, where=where)
    return int(number)


def read_manifest(path: Path) -> list[ImportJob]:
    """Read a manifest; relative file paths are taken relative to the manifest."""
    from sampling.listfile.limits import LimitExceeded
    from sampling.listfile.reader import ListFileError, _read_csv, _read_workbook

    try:
        if path.suffix.lower() in (".csv", ".txt"):
            sheets = _read_csv(path)
        else:
            sheets = _read_workbook(path)
    except LimitExceeded as exc:
        raise UserError("import.manifest_unreadable", file=str(path),
                        detail=exc.describe(t)) from None
    except (ListFileError, OSError, UnicodeDecodeError) as exc:
        raise UserError("import.manifest_unreadable", file=str(path), detail=str(exc)) from None
    name, grid, lines = sheets[0]
    if not grid:
        raise UserError("import.manifest_unreadable", file=str(path), detail="empty")
    header = [normalise_header(c).lower() for c in grid[0]]
    cols: dict[str, int] = {}
    for field, names in _MANIFEST_COLUMNS.items():
        # the first of the field's names that some column carries (most specific first)
        i = next((header.index(n) for n in names if n in header), None)
        if i is not None:
            cols[field] = i
    if "file" not in cols:
        raise UserError("import.manifest_no_file_column", file=str(path))
    jobs = []
    for index, row in enumerate(grid[1:], start=2):
        line = lines[index - 1] if lines else index

        def cell(field: str, row: Sequence[object] = row) -> object:
            i = cols.get(field)
            return row[i] if i is not None and i < len(row) else None

        file_cell = cell("file")
        if file_cell is None or not str(file_cell).strip():
            continue
        where = f"{path.name} {name} 第{line}行"
        target = Path(str(file_cell).strip())
        if not target.is_absolute():
            target = path.parent / target
        dept = cell("department")
        jobs.append(
            ImportJob(
                path=target,
                department=str(dept).strip() if dept not in (None, "") else None,
                item=parse_item(cell("item"), where=where),
            )
        )
    return jobs
