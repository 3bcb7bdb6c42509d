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
