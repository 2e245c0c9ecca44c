"""The GraphStore contract for runtime environments: registered by key, listed by key."""

from __future__ import annotations

from thoth_graphql.domain import RuntimeEnvironment
from thoth_graphql.store.port import GraphStore

FEDORA = RuntimeEnvironment(os_name="fedora", os_version="40", python_version="3.11")
UBI = RuntimeEnvironment(
    os_name="rhel",
    os_version="9",
    python_version="3.9",
    platform="linux_x86_64",
    cpu_family="6",
    cpu_model="85",
    cpu_flags=("avx2", "avx512f"),
    gpu_model="A100",
    cuda_version="12.2",
    cudnn_version="8.9",
)


async def test_registering_is_idempotent_by_key_and_keeps_input_order(store: GraphStore) -> None:
    g0 = await store.generation()
    assert await store.register_environments([FEDORA, UBI, FEDORA]) == [True, True, False]
    g1 = await store.generation()
    assert await store.register_environments([UBI]) == [False]
    assert await store.generation() == g1 != g0
    assert await store.count_environments() == 2


async def test_environments_round_trip_with_every_field(store: GraphStore) -> None:
    await store.register_environments([UBI, FEDORA])
    assert await store.environments([UBI.key, "nope", FEDORA.key]) == [UBI, None, FEDORA]
    assert await store.environments([]) == []


async def test_environments_are_listed_by_key_page_by_page(store: GraphStore) -> None:
    envs = [RuntimeEnvironment(python_version=f"3.{minor}") for minor in range(5)]
    await store.register_environments(envs)
    by_key = sorted(envs, key=lambda e: e.key)
    page1 = await store.list_environments(2)
    page2 = await store.list_environments(2, after=page1[-1].key)
    page3 = await store.list_environments(2, after=page2[-1].key)
    assert page1 + page2 + page3 == by_key
    assert await store.list_environments(0) == []
