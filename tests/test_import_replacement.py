"""Replacing files, checked by simulation: whatever versions of the lists were
imported before, the frame ends as a fresh import of the lists as they are now.

Random lists share enterprises (some by credit code, some by name only) with
random phones, names and districts; one list at a time is re-sent with rows
changed, dropped and added. After each replacement the enterprises (by code, or by
name for those without one), their phones in order, names, districts, conflicts and
memberships must equal those of a fresh database that imported the current files
in the same order; so must each row's status and conflict flags, and each file's
counts.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from sqlalchemy import select

from callcentre.db.engine import open_engine
from callcentre.db.models import (
    Department,
    Enterprise,
    Item,
    ItemMembership,
    ListRow,
    SourceFile,
)
from callcentre.demo.population import org_check_char
from callcentre.importer.jobs import ImportJob
from callcentre.importer.pipeline import import_files
from sampling.identifiers.uscc import uscc_check_char
from tests.test_import_pipeline import write_list

DISTRICTS = ["和平区", "河西区", "南开区", "滨海新区"]


def _code(i: int) -> str:
    body = f"{70000000 + i:08d}"
    first17 = "91120101" + body + org_check_char(body)
    return first17 + uscc_check_char(first17)


def _row(rng: random.Random, i: int, seq: int) -> list[object]:
    named_only = i % 5 == 0          # every fifth enterprise has no code
    return [seq, rng.choice(DISTRICTS), f"天津模拟{i}号{rng.choice(['', '有限'])}公司",
            "" if named_only else _code(i), f"联系人{i}",
            f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}", "开办", None]


def _list(rng: random.Random, ids: list[int]) -> list[list[object]]:
    return [_row(rng, i, n + 1) for n, i in enumerate(ids)]


def _frame(engine) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What must not depend on the import history: enterprises by code (or name),
    and the memberships, without ids."""
    with engine.connect() as conn:
        ents = {e.id: e for e in conn.execute(select(Enterprise))}
        supported = set(conn.execute(select(ListRow.enterprise_id)).scalars())

        def key(e) -> str:  # type: ignore[no-untyped-def]
            return e.uscc or f"name:{e.name_key}"

        enterprises = {
            key(e): (e.name, e.district_code, e.phone_e164, json.loads(e.phones),
                     json.loads(e.conflicts))
            for e in ents.values() if e.id in supported}
        members = sorted(
            (key(ents[m.enterprise_id]), m.number, m.name) for m in conn.execute(
                select(ItemMembership.enterprise_id, Item.number, Department.name)
                .join(Item, Item.id == ItemMembership.item_id)
                .join(Department, Department.id == ItemMembership.department_id)
                .where(ItemMembership.id.in_(select(ListRow.membership_id)))))
        # each row's status and conflict flags (finding by name depends on the order
        # of the imports, the rest must not); and each file's counts
        rows = {(r.name, r.sheet, r.row): (r.status, sorted(
                    x for x in r.reasons.split(",") if x.startswith("conflict_")))
                for r in conn.execute(
                    select(SourceFile.name, ListRow.sheet, ListRow.row, ListRow.status,
                           ListRow.reasons)
                    .join(SourceFile, SourceFile.id == ListRow.source_file_id))}
        counts = {f.name: (f.rows_total, f.rows_accepted, f.rows_warning, f.rows_rejected,
                           f.rows_duplicate) for f in conn.execute(select(SourceFile))}
    return {"enterprises": enterprises, "memberships": members, "rows": rows, "counts": counts}


@pytest.mark.parametrize("seed", range(6))
def test_replacements_leave_the_frame_a_fresh_import_would_make(tmp_path: Path,
                                                                seed: int) -> None:
    rng = random.Random(seed)
    depts = [("市税务局", 1), ("市人社局", 1), ("市水务局", 2)]
    pool = list(range(1, 40))
    paths = [tmp_path / f"list{k}.xlsx" for k in range(len(depts))]
    for path in paths:
        write_list(path, _list(rng, rng.sample(pool, 12)))
    jobs = [ImportJob(p, d, item) for p, (d, item) in zip(paths, depts)]
    engine = open_engine(f"sqlite:///{tmp_path / 'live.db'}")
    import_files(engine, jobs, workers=0)
    for step in range(4):
        k = rng.randrange(len(paths))
        ids = rng.sample(pool, 12)          # rows changed, dropped and added at once
        write_list(paths[k], _list(rng, ids))
        assert import_files(engine, [jobs[k]], workers=0).files[0].outcome == "replaced"
        fresh = open_engine(f"sqlite:///{tmp_path / f'fresh{step}.db'}")
        import_files(fresh, jobs, workers=0)
        assert _frame(engine) == _frame(fresh), f"seed {seed}, step {step}, file {k}"
