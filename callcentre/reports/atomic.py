"""Write an output file whole or not at all.

A report is written to a temporary file in the folder it is to go to, flushed to
disk and then renamed over the target (``os.replace``, atomic on one file
system): a full disk, a file-size limit, a crash or Ctrl-C leaves the earlier
file (if any) as it was and no half-written file or temporary file behind. An
``OSError`` becomes an :class:`OutputError` naming the path, in Chinese.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from callcentre.errors import UserError
from callcentre.i18n import has, t


def _umask() -> int:
    """The process umask: from /proc where there is one (reading it by setting it
    would change it for a moment under other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# what a new file's permissions would be without the temporary file (mkstemp
# makes 0600): 0666 less the process umask, read once
_NEW_FILE_MODE = 0o666 & ~_umask()


class OutputError(UserError):
    """An output file could not be written. ``file`` is its path and ``detail``
    the reason in the user's language (also in the message)."""

    def __init__(self, key: str, /, *, file: str, detail: str = "", **params: object) -> None:
        self.file = file
        self.detail = detail
        super().__init__(key, file=file, detail=detail, **params)


def os_reason(exc: OSError) -> str:
    """An ``OSError``'s reason in the user's language (the system's text when the
    catalogue has none for its error number)."""
    name = errno.errorcode.get(exc.errno or 0, "")
    if name and has(f"report.errno.{name}"):
        return t(f"report.errno.{name}")
    return exc.strerror or str(exc)


def check_folder(path: Path, *, create: bool = False) -> None:
    """Refuse (or with ``create``, make) a missing folder for ``path`` with a message."""
    folder = path.parent
    if folder.is_dir():
        return
    if create and not folder.exists():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return
        except OSError as exc:
            raise OutputError("report.write_failed", file=str(path),
                              detail=os_reason(exc)) from None
    if folder.exists():
        raise OutputError("report.folder_not_a_folder", file=str(path), folder=str(folder),
                          detail=t("report.errno.ENOTDIR"))
    raise OutputError("report.folder_missing", file=str(path), folder=str(folder),
                      detail=t("report.errno.ENOENT"))


@contextmanager
def atomic_output(path: Path, *, create_folder: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without an
    error, the file written there becomes ``path``. ``create_folder``: make a
    missing folder instead of refusing it."""
    path = Path(path)
    check_folder(path, create=create_folder)
    if path.is_dir():
        raise OutputError("report.write_failed", file=str(path),
                          detail=t("report.errno.EISDIR"))
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError("report.write_failed", file=str(path), detail=os_reason(exc)) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:  # to disk before the rename, or a crash could
            os.fsync(fh.fileno())       # leave the new name on an empty file
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            mode = _NEW_FILE_MODE
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError("report.write_failed", file=str(path), detail=os_reason(exc)) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
