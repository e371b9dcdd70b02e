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

Helpers are safe to start from a long-lived process (a TUI running imports): they
are *spawned* (a fresh interpreter), never forked, as the importing process has
threads (the WAL checkpointer, a TUI's workers) and a forked child may inherit a
lock another thread held, and would inherit the writer's open database. A helper
ignores SIGINT (Ctrl-C reaches the whole process group; the parent alone answers
it, and tells its helpers to stop), and never outlives its parent: on Linux the
kernel kills it when the parent dies (``PR_SET_PDEATHSIG``), elsewhere it checks
its parent between files and while it waits.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import queue
import signal
import sys
import time
import traceback
from collections.abc import Callable, Generator, Sequence
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Any

from callcentre.importer.parse import ParsedFile, ParsedRow, parse_list_file

ParseFn = Callable[..., ParsedFile]

AHEAD = 2  # parsed files a helper may hold ready before the writer takes them
#: the file wanted is "nearly parsed" when less than this share of a parse is left
NEARLY = 0.1
#: seconds between a waiting helper's checks that it should go on
POLL = 0.5
#: seconds the parent waits for its helpers to stop when told, before killing them
STOP_GRACE = 0.2
_PR_SET_PDEATHSIG = 1   # <linux/prctl.h>


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


def _die_with_parent(parent_pid: int) -> None:
    """In a helper: ignore SIGINT, and be killed when the parent dies (Linux)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):   # blocked by the parent while it started us
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent_pid:   # died before that took effect
        os._exit(0)


def _helper(paths: Sequence[Path], counter: Any, room: Any, out: Any, started: Any,
            stop: Any, parent_pid: int, parse: ParseFn) -> None:
    """Claim files through ``counter`` and send ``(index, ParsedFile | error text,
    seconds)``; ``started[index]`` is when the parse began (``time.monotonic``, one
    clock for all processes). Returns when ``stop`` is set; exits when the parent
    (``parent_pid``) is gone."""
    _die_with_parent(parent_pid)
    gc.disable()   # this process only: it builds millions of small objects, no cycles
    while True:
        while not room.acquire(timeout=POLL):
            if os.getppid() != parent_pid:
                os._exit(0)
            if stop.is_set():
                break
        if stop.is_set():
            out.cancel_join_thread()   # the parent no longer reads: do not wait to flush
            return
        with counter.get_lock():
            index = counter.value
            if index >= len(paths):
                out.put(None)
                return
            counter.value = index + 1
        began = started[index] = time.monotonic()
        try:
            parsed: ParsedFile | str = parse(paths[index], transfer=True)
        except Exception:  # noqa: BLE001 - the writer parses it again and meets the error itself
            parsed = traceback.format_exc()
        if os.getppid() != parent_pid:
            os._exit(0)
        out.put((index, parsed, time.monotonic() - began))


def _start(procs: Sequence[SpawnProcess]) -> None:
    """Start helpers with SIGINT blocked in this thread, so that a Ctrl-C while a
    helper's interpreter starts up (before it ignores SIGINT) is not delivered to
    it; here it stays pending, or goes to another thread, until unblocked."""
    if not hasattr(signal, "pthread_sigmask"):
        for proc in procs:
            proc.start()
        return
    was = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        for proc in procs:
            proc.start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, was)


def _stop(procs: Sequence[SpawnProcess], stop: Any) -> None:
    """Tell the helpers to stop; kill those still busy after :data:`STOP_GRACE`."""
    stop.set()
    deadline = time.monotonic() + STOP_GRACE
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
    for proc in procs:
        if proc.is_alive():
            proc.kill()
        proc.join()


def parsed_in_order(
    paths: Sequence[Path], helpers: int, *, skip: set[Path], parse: ParseFn = parse_list_file
) -> Generator[tuple[ParsedFile, list[ParsedRow]], None, None]:
    """Each path's parsed file and rows, in the order given.

    Paths in ``skip`` are not read (they come back marked ``unchanged``). ``parse``
    reads a file, here and in the helpers (a module-level function, or a
    ``functools.partial`` of one: it goes to them pickled, once per helper, so that
    the region the importer was given travels with it and helpers read no settings).
    """
    todo = [p for p in paths if p not in skip]
    if helpers <= 0 or len(todo) < 2:
        for p in paths:
            if p in skip:
                yield ParsedFile(path=p, unchanged=True), []
            else:
                parsed = parse(p)
                yield parsed, parsed.rows()
        return

    ctx = multiprocessing.get_context("spawn")
    counter = ctx.Value("i", 0)
    room = ctx.Semaphore(AHEAD * helpers)
    out = ctx.Queue()
    stop = ctx.Event()
    started = ctx.Array("d", len(todo), lock=False)  # 0: not claimed by a helper
    sizes = [_size(p) for p in todo]
    pace, write_pace = _Pace(), _Pace()
    procs = [ctx.Process(target=_helper, daemon=True,
                         args=(todo, counter, room, out, started, stop, os.getpid(),
                               parse))
             for _ in range(min(helpers, len(todo) - 1))]
    _start(procs)
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
        ready[mine] = parse(todo[mine])
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
                    ready[want] = parse(todo[want])
                    break
                receive(block=True)
            got = ready.pop(want)
            if want in from_helper:
                from_helper.discard(want)
                room.release()
            # a helper's traceback: parse here, to succeed or fail with the error itself
            parsed = parse(todo[want]) if isinstance(got, str) else got
            handed = time.monotonic()
            yield parsed, parsed.rows()
            write_pace.add(time.monotonic() - handed, sizes[want])
    finally:
        _stop(procs, stop)
        out.close()
