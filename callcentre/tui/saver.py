"""Answers saved as entered, in a thread of their own, never dropped.

The interview screen hands every answer to :class:`AnswerSaver` and goes on at once:
the screen never waits on the database. One thread writes the answers in the order
they were given (the newest row per question counts, so order matters). When the
database cannot be reached (SQLite busy past its timeout, PostgreSQL restarting, a
dropped connection) the answer stays at the head of the queue and is tried again
with growing pauses until it is written; the screen is told, through ``on_change``,
how many answers wait and why. An answer the database refuses for good (the case
is no longer the caller's) is kept in :attr:`AnswerSaver.failed` and shown, never
silently thrown away.

No Textual here: the thread calls ``on_change`` and the app moves that onto its own
thread (``App.call_from_thread``).
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from callcentre.errors import UserError

#: pauses between tries while the database is away (seconds; the last one repeats)
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 3.0)


@dataclass(frozen=True)
class PendingAnswer:
    case_id: int
    question: str
    value: Any
    entered_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass(frozen=True)
class SaverState:
    """What the screen shows: answers waiting, saved so far, the last problem."""

    pending: int
    saved: int
    offline: bool
    error: str = ""
    failed: int = 0


class AnswerSaver:
    """A queue of answers and the one thread that writes them.

    Parameters
    ----------
    save : callable
        Writes one answer (its own session and transaction); raises on failure.
    on_change : callable
        Called from the saver's thread with a :class:`SaverState` after every change.
    transient : callable
        Whether an exception means "try again later" (database away) rather than a
        refusal.
    """

    def __init__(self, save: Callable[[PendingAnswer], None],
                 on_change: Callable[[SaverState], None],
                 transient: Callable[[BaseException], bool]) -> None:
        self._save = save
        self._on_change = on_change
        self._transient = transient
        self._queue: deque[PendingAnswer] = deque()
        self._cond = threading.Condition()
        self._wake = threading.Event()
        self._stop = False
        self.saved = 0
        self.failed: list[tuple[PendingAnswer, str]] = []
        self.offline = False
        self.error = ""
        self._busy = False
        self._busy_since = 0.0
        self._thread = threading.Thread(target=self._run, name="answer-saver", daemon=True)
        self._thread.start()

    # --- the screen's side ------------------------------------------------------------

    def submit(self, answer: PendingAnswer) -> None:
        with self._cond:
            self._queue.append(answer)
            self._cond.notify_all()
        self._wake.set()
        self._report()

    def pending(self) -> list[PendingAnswer]:
        with self._cond:
            return list(self._queue)

    def retry_now(self) -> None:
        """Skip the current pause and try the database again."""
        self._wake.set()

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every answer is written (or refused); False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue and not self._busy, timeout)

    def close(self, timeout: float = 5.0) -> None:
        """Stop the thread once the queue is empty (or after ``timeout``)."""
        self.flush(timeout)
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._wake.set()
        self._thread.join(timeout)

    def stalled(self, after: float) -> bool:
        """Whether one write has been waiting on the database for ``after`` seconds or
        more (SQLite waits out a lock for a minute before it says "busy")."""
        with self._cond:
            return self._busy and time.monotonic() - self._busy_since >= after

    def state(self) -> SaverState:
        with self._cond:
            return SaverState(pending=len(self._queue), saved=self.saved, offline=self.offline,
                              error=self.error, failed=len(self.failed))

    # --- the thread -------------------------------------------------------------------

    def _report(self) -> None:
        with contextlib.suppress(RuntimeError):  # the app has gone: nothing to show on
            self._on_change(self.state())

    def _run(self) -> None:
        tries = 0
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queue or self._stop)
                if not self._queue:
                    return
                head = self._queue[0]
                self._busy = True
                self._busy_since = time.monotonic()
            try:
                self._save(head)
            except UserError as exc:      # refused for good: keep it, show it
                with self._cond:
                    self._queue.popleft()
                    self.failed.append((head, str(exc)))
                    self.error = str(exc)
                    self._busy = False
                    self._cond.notify_all()
                tries = 0
                self._report()
                continue
            except Exception as exc:  # noqa: BLE001 (every other failure: retry or keep)
                transient = self._transient(exc)
                with self._cond:
                    if not transient:
                        self._queue.popleft()
                        self.failed.append((head, _first_line(exc)))
                    self.offline = transient
                    self.error = _first_line(exc)
                    self._busy = False
                    self._cond.notify_all()
                self._report()
                if transient:
                    self._wake.clear()
                    self._wake.wait(RETRY_DELAYS[min(tries, len(RETRY_DELAYS) - 1)])
                    tries += 1
                continue
            with self._cond:
                self._queue.popleft()
                self.saved += 1
                self.offline = False
                self.error = ""
                self._busy = False
                self._cond.notify_all()
            tries = 0
            self._report()


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
