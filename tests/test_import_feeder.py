"""Parsed files reach the writer in order and complete, whoever parsed them: a
helper process, the writer itself while it would otherwise wait, or the writer
again when a helper fails or dies."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from callcentre.demo.generator import generate_demo
from callcentre.importer import feeder
from callcentre.importer.parse import ParsedFile, parse_list_file


@pytest.fixture(scope="module")
def list_paths(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("feeder") / "lists"
    files = generate_demo(out, seed=11, n_enterprises=300)
    return [f.path for f in files]


def _digest(stream: object) -> list[tuple[str, str | None, bool, list[object]]]:
    return [(p.path.name, p.error, p.unchanged, rows) for p, rows in stream]  # type: ignore[attr-defined]


def test_helpers_give_what_one_process_gives(list_paths: list[Path]) -> None:
    skip = {list_paths[1]}
    alone = _digest(feeder.parsed_in_order(list_paths, 0, skip=skip))
    helped = _digest(feeder.parsed_in_order(list_paths, 2, skip=skip))
    assert [d[0] for d in helped] == [p.name for p in list_paths]
    assert helped == alone
    assert helped[1][2] is True and helped[1][3] == []   # skipped: not read
    assert sum(len(d[3]) for d in helped) > 200


# parse functions for the helpers: module-level, as they go to the (spawned) helper
# processes by name; transfer=True only ever happens in a helper process, so every
# file a helper takes fails there. The writer parses slowly, so that the helpers,
# which take a moment to start, do take files.


def _parse_slowly_here(path: Path) -> ParsedFile:
    time.sleep(0.3)
    return parse_list_file(path)


def _raising_in_helpers(path: Path, *, transfer: bool = False) -> ParsedFile:
    if transfer:
        raise RuntimeError("helper failed")
    return _parse_slowly_here(path)


def _dying_in_helpers(path: Path, *, transfer: bool = False) -> ParsedFile:
    if transfer:
        os._exit(3)
    return _parse_slowly_here(path)


def _helpers_took_files(path: Path, *, transfer: bool = False) -> ParsedFile:
    """Parses, and leaves a mark that a helper parsed ``path``. The writer waits for
    a helper's first mark before it parses (a spawned helper may take seconds to
    start on a loaded machine; the writer would otherwise parse every file itself)."""
    if transfer:
        (path.parent / f"{path.name}.by-helper").touch()
        return parse_list_file(path, transfer=True)
    deadline = time.monotonic() + 120
    while not any(path.parent.glob("*.by-helper")) and time.monotonic() < deadline:
        time.sleep(0.05)
    return parse_list_file(path)


def _broken_third(path: Path, *, transfer: bool = False) -> ParsedFile:
    if path.name.endswith(BROKEN):
        raise RuntimeError("bug in the parser")
    return parse_list_file(path, transfer=transfer)


BROKEN = "#broken"


@pytest.mark.parametrize("parse", [_raising_in_helpers, _dying_in_helpers])
def test_a_failing_helper_leaves_its_files_to_the_writer(list_paths: list[Path], parse) -> None:  # type: ignore[no-untyped-def]
    expected = _digest(feeder.parsed_in_order(list_paths, 0, skip=set()))
    got = _digest(feeder.parsed_in_order(list_paths, 1, skip=set(), parse=parse))
    assert got == expected


def test_helpers_parse_files(list_paths: list[Path], tmp_path: Path) -> None:
    """(So the tests above do make helpers fail.)"""
    copies = []
    for p in list_paths:
        copies.append(tmp_path / p.name)
        copies[-1].write_bytes(p.read_bytes())
    _digest(feeder.parsed_in_order(copies, 1, skip=set(), parse=_helpers_took_files))
    assert list(tmp_path.glob("*.by-helper"))


def test_an_error_the_writer_meets_too_is_raised(list_paths: list[Path], tmp_path: Path) -> None:
    copies = []
    for i, p in enumerate(list_paths):
        copies.append(tmp_path / (p.name + (BROKEN if i == 2 else "")))
        copies[-1].write_bytes(p.read_bytes())
    with pytest.raises(RuntimeError, match="bug in the parser"):
        list(feeder.parsed_in_order(copies, 1, skip=set(), parse=_broken_third))


def test_default_helpers_leave_the_writer_a_core() -> None:
    n = feeder.default_helpers()
    assert 0 <= n <= 3
    assert n <= max(0, (os.cpu_count() or 1) - 1)


def test_the_writer_takes_a_file_only_where_it_evens_out_the_work() -> None:
    take = feeder.worth_taking
    # nothing measured yet (the start of an import): idle waiting is certain loss
    assert take(None, None, None, None)
    assert take(None, 3.0, 10.0, 20.0)
    # the wanted file is nearly parsed, or parsed and on its way: wait for it
    assert not take(0.2, 3.0, 10.0, 60.0)
    assert not take(0.0, 3.0, None, None)
    # far from ready: take one while the writer's work, with it, stays within the
    # helpers' (the middle of an import) ...
    assert take(1.5, 3.0, 24.0, 31.0)
    # ... but not at the end, where it would leave the helper idle and the writer
    # writing on
    assert not take(1.5, 3.0, 6.6, 7.0)
    assert take(1.5, 3.0, None, None)


def test_pace_is_seconds_per_byte_of_what_was_seen() -> None:
    pace = feeder._Pace()
    assert pace.of(100) is None
    pace.add(2.0, 1000)
    pace.add(1.0, 0)        # a file of unknown size tells nothing
    pace.add(4.0, 1000)
    assert pace.of(500) == 1.5
