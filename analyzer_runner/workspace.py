"""A job's folders on the host, and reading the end of the logs written there."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Workspace:
    """A job's folders on the host: `in` (read-only inside), `out`, and for `none` mode
    `tmp` and `home`. The combined output of the program goes to `output.log`."""

    root: Path

    @property
    def inputs(self) -> Path:
        return self.root / "in"

    @property
    def outputs(self) -> Path:
        return self.root / "out"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def output_log(self) -> Path:
        return self.root / "output.log"

    @classmethod
    def create(cls, parent: Path | None = None, label: str = "job") -> Workspace:
        root = Path(tempfile.mkdtemp(prefix=f"thoth-{label}-", dir=parent))
        for folder in ("in", "out", "tmp", "home"):
            (root / folder).mkdir()
        return cls(root)

    def remove(self) -> None:
        """Delete the workspace, also what the program made unreadable (chmod 000)."""
        with contextlib.suppress(OSError):
            os.chmod(self.root, 0o700)
        for directory, subdirectories, _ in os.walk(self.root):
            for name in subdirectories:  # before os.walk tries to list them
                with contextlib.suppress(OSError):
                    os.chmod(os.path.join(directory, name), 0o700)
        shutil.rmtree(self.root, ignore_errors=True)


def read_tail(path: Path, max_chars: int = 4000) -> str:
    """The last `max_chars` characters (about) of a log file, decoded leniently."""
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - max_chars * 4))
            text = handle.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return ""
    return text[-max_chars:]
