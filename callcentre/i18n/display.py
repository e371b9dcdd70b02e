"""Data shown to people: stratum labels, items, districts, phone numbers.

Stored values stay machine-readable (``item=12|district=120101``, ``+862223450003``);
these functions turn them into what a Chinese reader expects (``第12项 · 和平区``,
``022-2345 0003 转 103``), in one place for the CLI, the TUI and the reports.
"""

from __future__ import annotations

from functools import lru_cache

from callcentre.i18n import t
from sampling.identifiers.region import TIANJIN, RegionFacts


def district_name(code: str | None, region: RegionFacts = TIANJIN) -> str:
    """The name of district ``code`` in ``region`` (the settings' region: callers
    pass ``settings.region``), the code itself when it names none."""
    if not code or code == "None":
        return t("sample.stratum.no_district")
    return region.district_name(code) or code


@lru_cache(maxsize=8)
def region_params(region: RegionFacts) -> dict[str, object]:
    """What reason texts say about the region: its name, area code, local number
    length, number of districts, examples of district and old names."""
    names = [d.name for d in region.districts]
    old = [o for d in region.districts for o in d.old_names]
    return {"region": region.name, "area_code": region.area_code,
            "local_digits": region.local_digits, "districts_n": len(names),
            "district_examples": "、".join(names[:2]),
            "old_examples": "、".join(old[:2]) or "—"}


def reason_text(code: str, region: RegionFacts = TIANJIN) -> str:
    """A reason code in words; texts about the region name ``region`` (the
    settings' region)."""
    return t(f"reason.{code}", **region_params(region))


def stratum_display(label: str, region: RegionFacts = TIANJIN) -> str:
    """``item=12|district=120101`` → ``第12项 · 和平区`` (district names of ``region``)."""
    from sampling.strata import parse_label

    if label == "all":
        return t("sample.stratum.all")
    parts = []
    for column, value in parse_label(label).items():
        if column == "item":
            parts.append(t("sample.stratum.item", n=value))
        elif column == "area":
            parts.append(t("sample.stratum.area", n=value))
        elif column == "district":
            parts.append(district_name(value, region))
        else:
            parts.append(value)
    return " · ".join(parts)


def phone_display(e164: str | None, ext: str | None = None) -> str:
    """A stored number as people dial it: ``+862223450003``/``103`` → ``022-2345 0003 转 103``,
    ``+8613812345678`` → ``138 1234 5678``."""
    if not e164:
        return ""
    digits = e164[3:] if e164.startswith("+86") else e164.lstrip("+")
    if e164.startswith("+86") and len(digits) == 11 and digits[0] == "1":
        text = f"{digits[:3]} {digits[3:7]} {digits[7:]}"
    elif e164.startswith("+86"):
        # area codes 10 and 2x are two digits, the rest three
        area_len = 2 if digits[0] in "12" else 3
        area, local = digits[:area_len], digits[area_len:]
        local = f"{local[:-4]} {local[-4:]}" if len(local) > 4 else local
        text = f"0{area}-{local}"
    else:
        text = e164
    return f"{text} {t('phone.ext')} {ext}" if ext else text
