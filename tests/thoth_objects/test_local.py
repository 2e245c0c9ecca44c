"""What only the local-directory adapter has to say: files, temporaries, folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from thoth_objects import InvalidKey, LocalObjectStore


async def test_objects_are_files_under_the_root(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    await store.open()
    await store.put("results/solver/a.json", b"{}")
    assert (tmp_path / "objects" / "results" / "solver" / "a.json").read_bytes() == b"{}"


async def test_leftover_temporaries_of_a_crashed_write_are_invisible(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    await store.put("results/solver/a.json", b"{}")
    (tmp_path / "results" / "solver" / ".tmp-b.json-123").write_bytes(b"{half")
    (tmp_path / ".tmp-dir").mkdir()
    (tmp_path / ".tmp-dir" / "c.json").write_bytes(b"{}")
    assert [k async for k in store.list_keys()] == ["results/solver/a.json"]
    assert not await store.exists("results/solver/b.json")


async def test_no_temporary_is_left_after_writes(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    for i in range(3):
        await store.put("status/a.json", str(i).encode())
    assert sorted(p.name for p in (tmp_path / "status").iterdir()) == ["a.json"]


async def test_a_key_cannot_also_be_a_folder(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path)
    await store.put("a/b.json", b"{}")
    with pytest.raises(InvalidKey):
        await store.put("a", b"{}")
    with pytest.raises(InvalidKey):
        await store.put("a/b.json/c.json", b"{}")
    assert await store.get("a/b.json") == b"{}"


async def test_listing_an_empty_or_missing_store(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "never-created")
    assert [k async for k in store.list_keys("results/")] == []
