"""The local-directory ObjectStore: the embedded default, one file per key.

Atomic writes: the bytes go to a hidden temporary file in the target's folder, are
flushed to disk, and then renamed over the target (rename is atomic within a file
system). Files whose name starts with `.` are never keys, so half-written temporaries
are invisible to readers and to listings.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

from thoth_objects.port import (
    InvalidKey,
    ObjectNotFound,
    ObjectStoreError,
    check_key,
    check_prefix,
)


class LocalObjectStore:
    """Objects as files under a root directory."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).resolve()

    def __repr__(self) -> str:
        return f"LocalObjectStore({str(self.root)!r})"

    async def open(self) -> None:
        try:
            await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)
        except OSError as error:
            raise ObjectStoreError(f"cannot use {self.root} as an object store: {error}") from error

    async def close(self) -> None:
        return None

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    async def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        try:
            await asyncio.to_thread(self._write, path, data)
        except InvalidKey:
            raise
        except OSError as error:
            raise ObjectStoreError(f"{path}: put: {error}") from error

    def _write(self, target: Path, data: bytes) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError) as error:
            raise InvalidKey(f"a parent of {target.name!r} is already an object") from error
        if target.is_dir():
            raise InvalidKey(f"{target.name!r} is already a folder of other keys")
        temporary = target.with_name(f".tmp-{target.name}-{secrets.token_hex(6)}")
        try:
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        # The rename itself must survive a crash too: "acknowledged" means on disk.
        directory = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(key) from None
        except OSError as error:
            raise ObjectStoreError(f"{path}: get: {error}") from error

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    async def delete(self, key: str) -> None:
        try:
            await asyncio.to_thread(self._path(key).unlink)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return

    async def list_keys(
        self, prefix: str = "", *, start_after: str | None = None
    ) -> AsyncIterator[str]:
        for key in await asyncio.to_thread(self._keys, check_prefix(prefix)):
            if start_after is None or key > start_after:
                yield key

    def _keys(self, prefix: str) -> list[str]:
        # Walk only the folder the prefix names; its last, partial segment filters names.
        folder, _, _ = prefix.rpartition("/")
        start = self.root.joinpath(*folder.split("/")) if folder else self.root
        keys: list[str] = []
        for directory, subdirectories, files in os.walk(start):
            subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
            relative = Path(directory).relative_to(self.root).as_posix()
            base = "" if relative == "." else f"{relative}/"
            keys.extend(
                f"{base}{name}"
                for name in files
                if not name.startswith(".") and f"{base}{name}".startswith(prefix)
            )
        keys.sort()
        return keys
