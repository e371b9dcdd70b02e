"""The sample export workbook: allocation, the released sample, and the design in words.

The sampling service gathers what goes in (:class:`SampleExport`); this writes
it, through :func:`callcentre.reports.xlsx.write_workbook` (text neutralised,
written atomically). Sheets: 分配方案 (one row per stratum), 样本 (one row per
released unit, with contact person and district name) and 设计参数 (the design
described in sentences, with the notes every workbook carries).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from callcentre.i18n import t
from callcentre.reports.notes import note_lines, shanghai_time
from callcentre.reports.xlsx import StreamSheet, write_workbook

ALLOCATION_COLUMNS = ("stratum", "display", "population", "size", "fraction", "reserve",
                      "replicate_size", "replicates", "released_replicates", "released",
                      "weight")
SAMPLE_HEADERS = ("sample.col.case", "sample.col.uscc", "sample.col.name", "export.col.contact",
                  "export.col.district_code", "export.col.district_name", "sample.col.item",
                  "sample.col.department", "sample.col.stratum", "export.col.stratum_display",
                  "sample.col.rank", "sample.col.replicate", "sample.col.prn",
                  "sample.col.weight", "sample.col.phone", "sample.col.list_status")


@dataclass
class SampleExport:
    """Everything the export shows. ``strata``: dicts with the keys of
    :data:`ALLOCATION_COLUMNS`; ``units``: rows in the order of
    :data:`SAMPLE_HEADERS`; ``params``: the design options as stored."""

    name: str
    wave: str
    created_at: datetime
    software_version: str
    seed: int
    frame_units: int
    frame_digest: str
    target: int
    params: dict[str, Any]
    strata: Sequence[dict[str, object]]
    units: Sequence[Sequence[object]]
    full_phones: bool


def _number(value: object) -> str:
    """A parameter as people write it: 0.95 not 0.9500, 1 not 1.0."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value)


def _percent(value: float) -> str:
    return f"{100 * value:g}%"


def methods_lines(e: SampleExport) -> list[str]:
    """The design in sentences (the 设计参数 sheet)."""
    p = e.params
    by = list(p.get("by") or [])
    rr, er = _number(p.get("response_rate", 1.0)), _number(p.get("eligibility_rate", 1.0))
    lines = [
        t("export.methods.design", name=e.name, wave=e.wave,
          created=shanghai_time(e.created_at), version=e.software_version),
        t("export.methods.frame", units=e.frame_units, digest=e.frame_digest),
        t("export.methods.strata", by="、".join(t(f"export.by.{c}") for c in by),
          strata=len(e.strata)) if by else t("export.methods.no_strata"),
    ]
    common: dict[str, Any] = {"n": e.target, "rr": rr, "er": er, "p": _number(p.get("p", 0.5)),
              "margin": _number(p.get("margin")), "confidence": _number(p.get("confidence")),
              "deff": _number(p.get("deff", 1.0))}
    if p.get("margin") is not None and p.get("margin_level") == "stratum":
        lines.append(t("export.methods.size_margin_stratum", **common))
    elif p.get("n") is not None:
        lines.append(t("export.methods.size_n", n=e.target))
    elif p.get("completes") is not None:
        lines.append(t("export.methods.size_completes", n=e.target,
                       completes=p["completes"], rr=rr, er=er))
    elif p.get("margin") is not None:
        lines.append(t("export.methods.size_margin", **common))
    if not (p.get("margin") is not None and p.get("margin_level") == "stratum"):
        method = str(p.get("method", "proportional"))
        lines.append(t(f"export.methods.method.{method}", power=_number(p.get("power", 0.5))))
    limits = ""
    if p.get("minimum"):
        limits += t("export.methods.minimum", minimum=p["minimum"])
    if p.get("maximum") is not None:
        limits += t("export.methods.maximum", maximum=p["maximum"])
    if p.get("take_all_below"):
        limits += t("export.methods.take_all", n=p["take_all_below"])
    lines.append(t("export.methods.bounds", limits=limits))
    lines.append(t("export.methods.draw", seed=e.seed))
    lines.append(t(f"export.methods.coordination.{p.get('coordination', 'overlap')}"))
    if p.get("max_items"):
        lines.append(t("export.methods.max_items", n=p["max_items"]))
    reserve = sum(int(s["reserve"]) for s in e.strata)  # type: ignore[call-overload]
    released = sum(int(s["released"]) - int(s["size"]) for s in e.strata)  # type: ignore[call-overload]
    lines.append(t("export.methods.reserve", factor=_number(p.get("reserve_factor", 1.0)),
                   reserve=reserve, share=_percent(float(p.get("replicate_share", 0.25))),
                   released=released))
    lines.append(t("export.methods.weights"))
    lines.append(t("export.methods.sheets"))
    return lines


def write_sample_export(path: Path, export: SampleExport) -> Path:
    """Write the export to ``path`` (its folder must exist); returns ``path``."""
    labels: list[object] = [
        t("export.col.stratum_display" if c == "display" else f"sample.col.{c}")
        for c in ALLOCATION_COLUMNS]
    allocation: list[list[object]] = [labels]
    allocation += [[s[c] for c in ALLOCATION_COLUMNS] for s in export.strata]
    sample: list[list[object]] = [[t(k) for k in SAMPLE_HEADERS], *map(list, export.units)]
    methods: list[list[object]] = [[t("export.methods.title")]]
    methods += [[line] for line in methods_lines(export)]
    methods += [[line] for line in note_lines(masked=not export.full_phones)]
    write_workbook(Path(path), [
        StreamSheet(t("sample.sheet.allocation"), allocation, header_rows=1, freeze=True,
                    autofilter=True, formats={ALLOCATION_COLUMNS.index("fraction"): "percent",
                                              ALLOCATION_COLUMNS.index("weight"): "decimal"}),
        StreamSheet(t("sample.sheet.sample"), sample, header_rows=1, freeze=True,
                    autofilter=True,
                    formats={SAMPLE_HEADERS.index("sample.col.weight"): "decimal"}),
        StreamSheet(t("sample.sheet.design"), methods, header_rows=1, widths=[150.0]),
    ])
    return Path(path)
