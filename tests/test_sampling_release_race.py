"""Two ``callcentre sample release`` processes at once, on SQLite and PostgreSQL: no
traceback ("database is locked" on SQLite), no lost update of a stratum's released
count (PostgreSQL), each replicate released once."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

from callcentre.db.engine import open_engine
from callcentre.db.models.sample import SampleCaseItem, SampleStratum, SampleUnit
from tests.test_sampling_cli import build_frame, run

ROOT = Path(__file__).resolve().parent.parent

# waits for the gate file, so that both processes release at the same moment
# (their start-up takes far longer than a release)
_GATED = """
import sys, time
from pathlib import Path
from callcentre.cli import main
gate = Path(sys.argv[1])
while not gate.exists():
    time.sleep(0.002)
main(sys.argv[2:])
"""


def _release_together(url: str, gate: Path, n: int = 2) -> list[dict[str, object]]:
    procs = [subprocess.Popen([sys.executable, "-c", _GATED, str(gate), "--db", url,
                               "--lang", "zh", "sample", "release", "--json"],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(n)]
    time.sleep(2.0)     # both are waiting at the gate by now (or soon after)
    gate.touch()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert "Traceback" not in err, err
        assert p.returncode == 0, err
        outs.append(json.loads(out.strip().splitlines()[-1]))
    gate.unlink()
    return outs


def test_concurrent_releases_each_release_their_own_replicate(db_url: str,
                                                              tmp_path: Path) -> None:
    build_frame(db_url)
    run(db_url, "sample", "draw", "--by", "item,district", "--n", "48", "--seed", "7",
        "--reserve", "3", "--replicate", "0.5", "--json")
    engine = open_engine(db_url)
    with Session(engine) as s:
        replicates = {st.label: st.replicates for st in s.exec(select(SampleStratum))}
    assert min(replicates.values()) >= 6
    released: Counter[tuple[str, int]] = Counter()
    for _ in range(3):
        for out in _release_together(db_url, tmp_path / "go"):
            for r in out["released"]:  # type: ignore[attr-defined]
                released[(r["stratum"], r["replicate"])] += 1
    # each stratum's replicates 1..6 released once each, by one process or the other
    assert set(released.values()) == {1}
    assert sorted(released) == sorted((lab, k) for lab in replicates for k in range(1, 7))
    with Session(engine) as s:
        for st in s.exec(select(SampleStratum)):
            units = s.exec(select(func.count()).select_from(SampleUnit).where(
                SampleUnit.stratum_id == st.id, SampleUnit.released.is_(True))).one()
            assert st.released_replicates == 6
            assert st.released == units            # no update lost
            first = s.exec(select(func.max(SampleUnit.replicate)).where(
                SampleUnit.stratum_id == st.id, SampleUnit.released.is_(True))).one()
            assert first == 6
        released_units = s.exec(select(func.count()).select_from(SampleUnit)
                                .where(SampleUnit.released.is_(True))).one()
        items = s.exec(select(func.count()).select_from(SampleCaseItem)).one()
        assert items == released_units           # every released unit in one case, once
    engine.dispose()
