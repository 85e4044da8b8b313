"""Atomic file writes: a reader sees the old file or the whole new one, never half of one.

Every file PlanGraph writes (exports, VoID descriptions, imported data) goes
through :func:`atomic_write`: the bytes go to a temporary file in the *same
folder* (so :func:`os.replace` is a rename on one file system), are flushed
and fsynced, and only then replace the target. An exception or Ctrl-C
midway removes the temporary file and leaves the old target untouched.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "out.ttl"
>>> write_bytes(p, b"<a> <b> <c> .\\n")
>>> p.read_bytes()
b'<a> <b> <c> .\\n'
"""

from __future__ import annotations

import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Iterator

from .errors import StoreError


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def atomic_write(path: str | Path) -> Iterator[BinaryIO]:
    """Open a binary temp file next to ``path``; on success it replaces ``path``.

    The new file keeps the permissions of the file it replaces (or gets the
    usual ``0666 & ~umask``; :func:`tempfile.mkstemp` alone would give 0600).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise StoreError(f"{path}: cannot write: folder {folder} does not exist")
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = _default_mode()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path) as fh:
        fh.write(data)
