"""Replacing a file without ever leaving half of it: the one way salesdocs writes a file it may overwrite.

The bytes go to a temporary file in the same folder, are flushed to disk, and the temporary file is
renamed over the target (``os.replace``, atomic on one file system).  A reader sees the old file or
the new one, never a mix; a crash leaves at most a hidden ``.NAME.*.tmp`` beside it.  The new file
keeps the permissions of the file it replaces (a policy file someone made group-writable stays so);
a new file gets what ``open()`` would give it, 0o666 minus the umask (``mkstemp`` alone makes 0o600,
which colleagues on a shared folder could not open).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from functools import cache
from pathlib import Path

__all__ = ["write_atomically"]


@cache
def _new_file_mode() -> int:
    """0o666 minus the process umask, read without changing it (Linux), else by setting it back at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomically(path: Path, data: bytes) -> None:
    """Make ``path`` hold exactly ``data`` (its folder is created); raises :class:`OSError`, leaving ``path`` as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = _new_file_mode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
