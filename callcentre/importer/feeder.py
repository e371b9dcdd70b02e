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

The writer takes a later file only where that evens out the work left
(:func:`worth_taking`): while its own writes still to come are fewer than the
helpers' parses still to come, and not when the file it wants is nearly parsed or
already on its way. Taking files whenever the wanted one was not there yet (as
first written) made the writer take files a helper finished 0.2 s later; parsed
files then piled up, the helper blocked at ``AHEAD``, and at the end the writer was
still writing for 8 s while the helper had nothing left to do (timeline of the
1,000,000-row benchmark).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from callcentre.importer.parse import ParsedFile, ParsedRow, parse_list_file

AHEAD = 2  # parsed files a helper may hold ready before the writer takes them
#: the file wanted is "nearly parsed" when less than this share of a parse is left
NEARLY = 0.1


def worth_taking(wait: float | None, parse: float | None, writes_left: float | None,
                 parses_left: float | None) -> bool:
    """Whether the writer should parse the next file itself (``parse`` seconds)
    rather than wait ``wait`` seconds for the file it wants.

    ``writes_left``: the writer's seconds of writing still to come, the wanted file
    and all after it; ``parses_left``: the helpers' seconds of parsing still to come
    (per helper). Taking the file is worth it while the writer, with that parse
    added, would still be done no later than the helpers. ``None`` is not known yet
    (nothing parsed or written so far, or no helper on the wanted file): then it is
    worth it, as idle waiting is certain loss.
    """
    if wait is None or parse is None:
        return True
    if wait < NEARLY * parse:
        return False
    if writes_left is None or parses_left is None:
        return True
    return writes_left + parse <= parses_left


class _Pace:
    """Seconds per byte of file (of parsing, or of writing), from the files so far."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.bytes = 0

    def add(self, seconds: float, size: int) -> None:
        if size > 0:
            self.seconds += seconds
            self.bytes += size

    def of(self, size: int) -> float | None:
        return self.seconds / self.bytes * size if self.bytes else None


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def default_helpers() -> int:
    """Helper processes: one per core beyond the writer's own (at most 3)."""
    return max(0, min(3, (os.cpu_count() or 1) - 1))


def _helper(paths: Sequence[Path], counter: Any, room: Any, out: Any, started: Any) -> None:
    """Claim files through ``counter`` and send ``(index, ParsedFile | error text,
    seconds)``; ``started[index]`` is when the parse began (``time.monotonic``, one
    clock for all processes)."""
    while True:
        room.acquire()
        with counter.get_lock():
            index = counter.value
            if index >= len(paths):
                out.put(None)
                return
            counter.value = index + 1
        began = started[index] = time.monotonic()
        try:
            parsed: ParsedFile | str = parse_list_file(paths[index], transfer=True)
        except Exception:  # noqa: BLE001 - the writer parses it again and meets the error itself
            parsed = traceback.format_exc()
        out.put((index, parsed, time.monotonic() - began))


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
    started = ctx.Array("d", len(todo), lock=False)  # 0: not claimed by a helper
    sizes = [_size(p) for p in todo]
    pace, write_pace = _Pace(), _Pace()
    procs = [ctx.Process(target=_helper, args=(todo, counter, room, out, started), daemon=True)
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

    def take_one(want: int) -> bool:
        """Parse the next unclaimed file here, if that beats waiting for ``want``."""
        nxt = counter.value
        if nxt >= len(todo):
            return False
        wait = parses_left = None
        if started[want] > 0:   # a helper is on it (or has sent it)
            whole = pace.of(sizes[want])
            if whole is not None:
                wait = max(0.0, whole - (time.monotonic() - started[want]))
                unclaimed = pace.of(sum(sizes[nxt:]))
                parses_left = (wait + (unclaimed or 0.0)) / len(procs)
        if not worth_taking(wait, pace.of(sizes[nxt]), write_pace.of(sum(sizes[want:])),
                            parses_left):
            return False
        mine = claim()
        if mine is None:
            return False
        began = time.monotonic()
        ready[mine] = parse_list_file(todo[mine])
        pace.add(time.monotonic() - began, sizes[mine])
        return True

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
            index, parsed, seconds = item
            ready[index] = parsed
            from_helper.add(index)
            if not isinstance(parsed, str):
                pace.add(seconds, sizes[index])
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
                # rather than wait, unless the wanted one is nearly done (at most one
                # ahead, to keep memory bounded)
                if not ready and take_one(want):
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
            handed = time.monotonic()
            yield parsed, parsed.rows()
            write_pace.add(time.monotonic() - handed, sizes[want])
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        out.close()
