"""Parsed files, in order, for the writer: parsed by helper processes and by the
writer itself while it would otherwise wait.

Reading and normalising a file costs about as much CPU as writing it. With one
helper per spare core the two kinds of work run side by side, and the writer
never waits idle for the next file: when that file is not ready it takes the next
unclaimed file and parses it itself. So the machine runs exactly as many busy
processes as it has cores. (Measured on two cores, a third busy process costs more
than it gives: time-slicing three processes over two cores cost ~11 s of CPU on the
1,000,000-row benchmark, through cache misses and switches.)

Files are claimed through one shared counter, in order; a helper is kept at most
``AHEAD`` files ahead of the writer so memory stays bounded. A helper that dies
leaves its files to the writer.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from callcentre.importer.parse import ParsedFile, ParsedRow, parse_list_file

AHEAD = 2  # parsed files a helper may hold ready before the writer takes them


def default_helpers() -> int:
    """Helper processes: one per core beyond the writer's own (at most 3)."""
    return max(0, min(3, (os.cpu_count() or 1) - 1))


def _helper(paths: Sequence[Path], counter: Any, room: Any, out: Any) -> None:
    """Claim files through ``counter`` and send ``(index, ParsedFile | error text)``."""
    while True:
        room.acquire()
        with counter.get_lock():
            index = counter.value
            if index >= len(paths):
                out.put(None)
                return
            counter.value = index + 1
        try:
            out.put((index, parse_list_file(paths[index], transfer=True)))
        except Exception:  # noqa: BLE001 - the writer parses it again and meets the error itself
            out.put((index, traceback.format_exc()))


def parsed_in_order(
    paths: Sequence[Path], helpers: int, *, skip: set[Path]
) -> Iterator[tuple[ParsedFile, list[ParsedRow]]]:
    """Each path's parsed file and rows, in the order given.

    Paths in ``skip`` are not read (they come back marked ``unchanged``).
    """
    todo = [p for p in paths if p not in skip]
    if helpers <= 0 or len(todo) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        for p in paths:
            if p in skip:
                yield ParsedFile(path=p, unchanged=True), []
            else:
                parsed = parse_list_file(p)
                yield parsed, parsed.rows()
        return

    ctx = multiprocessing.get_context("fork")
    counter = ctx.Value("i", 0)
    room = ctx.Semaphore(AHEAD * helpers)
    out = ctx.Queue()
    procs = [ctx.Process(target=_helper, args=(todo, counter, room, out), daemon=True)
             for _ in range(min(helpers, len(todo) - 1))]
    for proc in procs:
        proc.start()
    ready: dict[int, ParsedFile | str] = {}
    from_helper: set[int] = set()   # each holds a place in ``room`` until taken
    running = len(procs)

    def claim() -> int | None:
        with counter.get_lock():
            index = counter.value
            if index >= len(todo):
                return None
            counter.value = index + 1
            return index

    def receive(block: bool) -> bool:
        nonlocal running
        try:
            item = out.get(block, 1.0 if block else 0)
        except queue.Empty:
            if block and not any(p.is_alive() for p in procs):
                running = 0
            return False
        if item is None:
            running -= 1
        else:
            ready[item[0]] = item[1]
            from_helper.add(item[0])
        return True

    try:
        next_todo = 0
        for path in paths:
            if path in skip:
                yield ParsedFile(path=path, unchanged=True), []
                continue
            want = next_todo
            next_todo += 1
            while want not in ready:
                if receive(block=False):
                    continue
                # the file wanted is being parsed by a helper: parse a later one here
                # rather than wait (at most one ahead, to keep memory bounded)
                if not ready:
                    mine = claim()
                    if mine is not None:
                        ready[mine] = parse_list_file(todo[mine])
                        continue
                if running == 0:
                    # a helper died holding this file: parse it here
                    ready[want] = parse_list_file(todo[want])
                    break
                receive(block=True)
            got = ready.pop(want)
            if want in from_helper:
                from_helper.discard(want)
                room.release()
            # a helper's traceback: parse here, to succeed or fail with the error itself
            parsed = parse_list_file(todo[want]) if isinstance(got, str) else got
            yield parsed, parsed.rows()
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        out.close()
