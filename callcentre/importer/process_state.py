"""Process-wide state a bulk import changes for its duration only.

An import may run inside a long-lived process (the TUI), beside other threads and
even another import: what it changes for speed is put back when the last of them
ends, also when it fails.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_users = 0
_was_enabled = True


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while the block runs.

    An import builds millions of small objects and no cycles: collection passes
    only cost time. The first of nested or concurrent blocks turns it off and the
    last puts back the state the first found (so a caller that had it off keeps it
    off).
    """
    global _users, _was_enabled
    with _lock:
        if _users == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _was_enabled:
                gc.enable()
