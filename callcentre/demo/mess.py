"""Row-level mess: the ways departments write credit codes, phones, districts and names.

Every data row is built from one enterprise of the :class:`Population`; in each
category (code, phone, district, name) at most one kind of mess is drawn, at the
rates of a :data:`Rates` table. The truth about each row (is its code valid after
normalisation, does it hold a callable number, which mess kinds it carries) is
tallied as the row is made, so tests and benchmarks can compare an importer's
counts with what was written.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping, Sequence
from types import MappingProxyType

from sampling.identifiers.uscc import ALPHABET

from .population import DISTRICT_ALIASES, DISTRICTS, ZONES, Population

#: Mess kinds per category, in the order of the categorical draw.
CODE_KINDS = ("code_lower", "code_fullwidth", "code_padded", "code_typo", "code_float_lost",
              "code_old_regno", "code_missing")
PHONE_KINDS = ("phone_float", "phone_spaces", "phone_fullwidth", "phone_plus86",
               "phone_landline_022", "phone_local8", "phone_extension", "phone_two_numbers",
               "phone_missing")
DISTRICT_KINDS = ("district_alias", "district_zone", "district_kaifaqu", "district_missing")
NAME_KINDS = ("conflicting_name", "name_padded", "name_bracket_swap")
#: Drawn independently of the categories above.
ROW_KINDS = ("conflicting_phone", "exact_duplicate")
ALL_ROW_KINDS = CODE_KINDS + PHONE_KINDS + DISTRICT_KINDS + NAME_KINDS + ROW_KINDS

#: Ground-truth counters every list file reports (besides one ``n_<kind>`` per kind).
#: The five code statuses partition the data rows.
CODE_STATUSES = ("n_valid_code", "n_bad_code", "n_code_digits_lost", "n_old_regno", "n_no_code")

Rates = Mapping[str, float]

#: Rates for the demo: high enough that a few thousand rows show every kind.
#: ``code_float_lost`` applies only to all-digit codes (about one in ten),
#: ``district_zone`` only to enterprises in a 滨海新区 functional zone, and
#: ``name_bracket_swap`` only to names with brackets; elsewhere the row stays clean,
#: so their effective rates are lower than listed.
DEMO_RATES: Rates = MappingProxyType({
    "code_lower": 0.03, "code_fullwidth": 0.02, "code_padded": 0.04, "code_typo": 0.02,
    "code_float_lost": 0.08, "code_old_regno": 0.01, "code_missing": 0.02,
    "phone_float": 0.08, "phone_spaces": 0.04, "phone_fullwidth": 0.02, "phone_plus86": 0.03,
    "phone_landline_022": 0.06, "phone_local8": 0.03, "phone_extension": 0.02,
    "phone_two_numbers": 0.04, "phone_missing": 0.03,
    "district_alias": 0.06, "district_zone": 0.5, "district_kaifaqu": 0.005,
    "district_missing": 0.01,
    "conflicting_name": 0.03, "name_padded": 0.02, "name_bracket_swap": 0.3,
    "conflicting_phone": 0.04, "exact_duplicate": 0.01,
})
#: Rates for the benchmark: the same kinds, most rows clean.
BENCH_RATES: Rates = MappingProxyType({k: v / 2 for k, v in DEMO_RATES.items()})

_FW = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
_NOTES = ("法定代表人", "经办人", "联系人已离职", "电话为办公电话", "已迁出", "")


def full_width(text: str) -> str:
    """ASCII → full-width forms (what NFKC undoes)."""
    return text.translate(_FW)


def _draw(rng: random.Random, kinds: Sequence[str], rates: Rates) -> str | None:
    r = rng.random()
    for kind in kinds:
        r -= rates.get(kind, 0.0)
        if r < 0:
            return kind
    return None


def applicable(pop: Population, i: int, kind: str) -> bool:
    """Whether ``kind`` can be shown on enterprise ``i`` (otherwise its row stays clean)."""
    if kind == "code_float_lost":
        return pop.codes[i].isdigit()
    if kind == "code_lower":
        return not pop.codes[i].isdigit()
    if kind == "district_zone":
        return pop.zone[i] >= 0
    if kind == "name_bracket_swap":
        return "(" in pop.names[i] or "（" in pop.names[i]
    return True


# --- one cell each -------------------------------------------------------------------

def code_cell(rng: random.Random, code: str, kind: str | None, district6: str
              ) -> tuple[str | float | None, str]:
    """The credit-code cell and its status (one of :data:`CODE_STATUSES`)."""
    if kind is None:
        return code, "n_valid_code"
    if kind == "code_lower":
        return code.lower(), "n_valid_code"
    if kind == "code_fullwidth":
        return full_width(code), "n_valid_code"
    if kind == "code_padded":
        return rng.choice((f" {code} ", f"{code}  ", f"\u3000{code}", f"{code[:8]} {code[8:]}",
                           f" {code[:6]}-{code[6:]}")), "n_valid_code"
    if kind == "code_typo":
        pos = rng.randrange(18)
        new = rng.choice([c for c in ALPHABET if c != code[pos]])
        return code[:pos] + new + code[pos + 1:], "n_bad_code"
    if kind == "code_float_lost":
        # Excel keeps 15 significant digits of a number: the last three are gone.
        return float(int(code[:15]) * 1000), "n_code_digits_lost"
    if kind == "code_old_regno":
        return f"{district6}{rng.randrange(10**9):09d}", "n_old_regno"
    if kind == "code_missing":
        return rng.choice((None, None, None, "无", "/")), "n_no_code"
    raise ValueError(kind)


def phone_cell(rng: random.Random, mobile: str, local8: str, other_mobile: str,
               kind: str | None) -> tuple[str | float | None, bool]:
    """The phone cell and whether it holds at least one callable number."""
    m, ll = mobile, local8
    if kind is None:
        return m, True
    if kind == "phone_float":
        return float(m), True
    if kind == "phone_spaces":
        return rng.choice((f"{m[:3]} {m[3:7]} {m[7:]}", f" {m} ", f"{m[:3]}-{m[3:7]}-{m[7:]}")), True
    if kind == "phone_fullwidth":
        return full_width(m), True
    if kind == "phone_plus86":
        return rng.choice((f"+86 {m}", f"+86{m}", f"+86-{m}", f"(+86){m}")), True
    if kind == "phone_landline_022":
        return rng.choice((f"022-{ll}", f"(022){ll}", f"（022）{ll}", f"022 {ll[:4]} {ll[4:]}",
                           f"022{ll}")), True
    if kind == "phone_local8":
        return ll, True
    if kind == "phone_extension":
        ext = str(rng.randrange(10, 9999))
        return rng.choice((f"022-{ll}转{ext}", f"{ll}转{ext}", f"022-{ll}分机{ext}")), True
    if kind == "phone_two_numbers":
        second = rng.choice((f"022-{ll}", other_mobile, ll))
        return m + rng.choice(("/", "、", "；", " ", "，")) + second, True
    if kind == "phone_missing":
        return rng.choice((None, None, "无", "暂无", "-", m[:-2], m[:7] + "****")), False
    raise ValueError(kind)


def district_cell(rng: random.Random, pop: Population, i: int, kind: str | None) -> str | None:
    code6, name, _ = DISTRICTS[pop.district[i]]
    if kind is None:
        return name
    if kind == "district_alias":
        return rng.choice(DISTRICT_ALIASES[code6])
    if kind == "district_zone":
        return ZONES[pop.zone[i]]
    if kind == "district_kaifaqu":
        return "开发区"
    if kind == "district_missing":
        return None
    raise ValueError(kind)


def name_cell(rng: random.Random, name: str, kind: str | None) -> str:
    if kind is None:
        return name
    if kind == "name_padded":
        return rng.choice((f" {name}", f"{name} ", f"{name}\u3000"))
    if kind == "name_bracket_swap":
        swap = str.maketrans({"(": "（", ")": "）", "（": "(", "）": ")"})
        return name.translate(swap)
    if kind == "conflicting_name":
        return conflicting_name(name)
    raise ValueError(kind)


def conflicting_name(name: str) -> str:
    """A name that still differs from ``name`` after NFKC, trimming and bracket unification."""
    if "有限责任公司" in name:
        return name.replace("有限责任公司", "有限公司", 1)
    if name.startswith("天津市"):
        return name[3:]
    if name.startswith("天津"):
        return "天津市" + name[2:]
    if "有限公司" in name:
        return name.replace("有限公司", "有限责任公司", 1)
    return name + "有限公司"


# --- rows ------------------------------------------------------------------------------

def make_list_rows(pop: Population, members: Sequence[int], *, business: Sequence[str],
                   rates: Rates, rng: random.Random, force: Sequence[str] = (),
                   target: int | None = None) -> tuple[list[tuple], Counter[str]]:
    """Data rows of one 附件4 list for ``members`` (enterprise indices).

    Each row is ``(序号, 区域, 企业名称, 统一社会信用代码, 联系人, 联系电话, 业务描述, 备注)``.
    ``force`` lists kinds shown once each on the first rows (on suitable enterprises),
    so that a small file is guaranteed to contain them. With ``target`` the rows stop
    at exactly that many (duplicates included); otherwise one row per member plus
    duplicates. Returns the rows and the ground-truth tally (``n_<kind>`` per kind and
    the :data:`CODE_STATUSES`, ``n_no_phone``, ``n_org_check_warning``).
    """
    members = list(members)
    forced: dict[int, str] = {}
    for kind in force:  # move a suitable enterprise into each forced position
        pos = len(forced)
        for j in range(pos, len(members)):
            if applicable(pop, members[j], kind):
                members[pos], members[j] = members[j], members[pos]
                forced[pos] = kind
                break
    n_rows = len(members) * 2 if target is None else target
    rows: list[tuple] = []
    tally: Counter[str] = Counter()
    for pos, i in enumerate(members):
        if len(rows) >= n_rows:
            break
        fkind = forced.get(pos)
        if fkind is not None:
            kinds = {cat: (fkind if fkind in cat else None)
                     for cat in (CODE_KINDS, PHONE_KINDS, DISTRICT_KINDS, NAME_KINDS)}
            alt_contact = fkind == "conflicting_phone"
            duplicate = fkind == "exact_duplicate"
        else:
            kinds = {cat: _draw(rng, cat, rates)
                     for cat in (CODE_KINDS, PHONE_KINDS, DISTRICT_KINDS, NAME_KINDS)}
            alt_contact = rng.random() < rates.get("conflicting_phone", 0.0)
            duplicate = rng.random() < rates.get("exact_duplicate", 0.0)
        row_kinds = [k for k in kinds.values() if k is not None and applicable(pop, i, k)]
        ck = next((k for k in row_kinds if k in CODE_KINDS), None)
        pk = next((k for k in row_kinds if k in PHONE_KINDS), None)
        dk = next((k for k in row_kinds if k in DISTRICT_KINDS), None)
        nk = next((k for k in row_kinds if k in NAME_KINDS), None)
        district6 = DISTRICTS[pop.district[i]][0]
        code, status = code_cell(rng, pop.codes[i], ck, district6)
        contact, mobile, other = ((pop.contact2[i], pop.mobile2[i], pop.mobile[i]) if alt_contact
                                  else (pop.legal_rep[i], pop.mobile[i], pop.mobile2[i]))
        phone, callable_ = phone_cell(rng, mobile, pop.landline[i], other, pk)
        note = rng.choice(_NOTES) if rng.random() < 0.03 else None
        row = (pos + 1, district_cell(rng, pop, i, dk), name_cell(rng, pop.names[i], nk),
               code, contact, phone, rng.choice(business), note or None)
        row_tally = [status, *(f"n_{k}" for k in row_kinds)]
        if alt_contact:
            row_tally.append("n_conflicting_phone")
        if not callable_:
            row_tally.append("n_no_phone")
        if status == "n_valid_code" and pop.org_check_bad[i]:
            row_tally.append("n_org_check_warning")
        copies = 2 if duplicate and len(rows) + 2 <= n_rows else 1
        for _ in range(copies):
            rows.append(row)
            tally.update(row_tally)
        if copies == 2:
            tally["n_exact_duplicate"] += 1
    return rows, tally


def empty_tally() -> dict[str, int]:
    """All ground-truth keys at zero, so every file reports the same keys."""
    keys = [*CODE_STATUSES, "n_no_phone", "n_org_check_warning",
            *(f"n_{k}" for k in ALL_ROW_KINDS)]
    return dict.fromkeys(keys, 0)
