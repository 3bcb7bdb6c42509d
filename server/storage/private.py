"""The data dir is readable by the service's own account only, whatever the umask it was started with."""

from __future__ import annotations

import os
from pathlib import Path


def keep_private(data_dir: Path) -> None:
    """Folders 0700 and files 0600 (databases, their WAL and SHM files, keys): those there now, and,
    through the process umask, those SQLite and the key writers create later."""
    os.umask(0o077)
    data_dir.mkdir(parents=True, exist_ok=True)
    for folder, _, files in os.walk(data_dir):
        os.chmod(folder, 0o700)
        for name in files:
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                os.chmod(path, 0o600)


def write_private(path: Path, content: bytes) -> None:
    """Whole or not at all, 0600: a temporary file, fsynced, renamed over the target, then the folder
    fsynced, so a kill at any moment leaves either the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)
