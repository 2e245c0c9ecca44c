"""RuntimeEnvironment as clients see it and describe it, and the listing of environments."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from thoth_graphql import domain
from thoth_graphql.api.context import Context, Info
from thoth_graphql.api.errors import UserInputError
from thoth_graphql.api.nodes import context_of, loaded_nodes
from thoth_graphql.api.pagination import (
    DEFAULT_PAGE_SIZE,
    decode_cursor,
    fetched_page,
    page_size,
)

_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_TAG = re.compile(r"^[A-Za-z0-9_.+-]{1,100}$")
_TEXT_LIMIT = 200


@strawberry.type(description="The software and hardware a stack runs on.")
class RuntimeEnvironment(relay.Node):
    key: strawberry.Private[str]
    os_name: str | None = strawberry.field(description='The OS, e.g. "fedora".')
    os_version: str | None = strawberry.field(description='The OS version, e.g. "40".')
    python_version: str | None = strawberry.field(description='e.g. "3.11".')
    platform: str | None = strawberry.field(description='The platform tag, e.g. "linux_x86_64".')
    cpu_family: str | None = strawberry.field(description="The CPU family number.")
    cpu_model: str | None = strawberry.field(description="The CPU model number.")
    cpu_flags: list[str] = strawberry.field(description="CPU feature flags, e.g. avx2.")
    gpu_model: str | None = strawberry.field(description="The GPU model.")
    cuda_version: str | None = strawberry.field(description="The CUDA version.")
    cudnn_version: str | None = strawberry.field(description="The cuDNN version.")

    @classmethod
    def from_domain(cls, environment: domain.RuntimeEnvironment) -> Self:
        return cls(
            key=environment.key,
            os_name=environment.os_name,
            os_version=environment.os_version,
            python_version=environment.python_version,
            platform=environment.platform,
            cpu_family=environment.cpu_family,
            cpu_model=environment.cpu_model,
            cpu_flags=list(environment.cpu_flags),
            gpu_model=environment.gpu_model,
            cuda_version=environment.cuda_version,
            cudnn_version=environment.cudnn_version,
        )

    @classmethod
    def resolve_id(cls, root: Self, *, info: strawberry.Info) -> str:
        return root.key

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: strawberry.Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        keys = list(node_ids)
        found = await context_of(info).loaders.environments.load_many(keys)
        return loaded_nodes(found, cls.from_domain, keys, required)


@strawberry.input(description="A runtime environment; every field is optional.")
class RuntimeEnvironmentInput:
    os_name: str | None = None
    os_version: str | None = None
    python_version: str | None = strawberry.field(default=None, description='"3.11" or "3.11.4".')
    platform: str | None = strawberry.field(default=None, description="A platform tag.")
    cpu_family: str | None = None
    cpu_model: str | None = None
    cpu_flags: list[str] | None = None
    gpu_model: str | None = None
    cuda_version: str | None = None
    cudnn_version: str | None = None

    def to_domain(self, path: str) -> domain.RuntimeEnvironment:
        """The environment described, or BAD_USER_INPUT naming the faulty field of `path`."""
        for name in ("python_version", "cuda_version", "cudnn_version"):
            value = getattr(self, name)
            if value is not None and not _VERSION.match(value):
                raise UserInputError(
                    f"{value!r} is not a version like 3.11.", field=f"{path}.{_camel(name)}"
                )
        if self.platform is not None and not _TAG.match(self.platform):
            raise UserInputError(
                f"{self.platform!r} is not a platform tag.", field=f"{path}.platform"
            )
        for name in ("os_name", "os_version", "cpu_family", "cpu_model", "gpu_model"):
            value = getattr(self, name)
            if value is not None and (not value or len(value) > _TEXT_LIMIT):
                raise UserInputError(
                    f"must hold 1 to {_TEXT_LIMIT} characters.", field=f"{path}.{_camel(name)}"
                )
        flags = tuple(sorted(set(self.cpu_flags or ())))
        for flag in flags:
            if not _TAG.match(flag):
                raise UserInputError(f"{flag!r} is not a CPU flag.", field=f"{path}.cpuFlags")
        return domain.RuntimeEnvironment(
            os_name=self.os_name,
            os_version=self.os_version,
            python_version=self.python_version,
            platform=self.platform,
            cpu_family=self.cpu_family,
            cpu_model=self.cpu_model,
            cpu_flags=flags,
            gpu_model=self.gpu_model,
            cuda_version=self.cuda_version,
            cudnn_version=self.cudnn_version,
        )


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


async def _count_environments(root: RuntimeEnvironmentConnection, info: Info) -> int:
    return await info.context.reads.count_environments()


@strawberry.type(description="A page of runtime environments, in the order of their ids.")
class RuntimeEnvironmentConnection(relay.Connection[RuntimeEnvironment]):
    total_count: int = strawberry.field(
        resolver=_count_environments, description="The number of runtime environments."
    )


async def list_environments(
    context: Context, first: int | None = DEFAULT_PAGE_SIZE, after: str | None = None
) -> RuntimeEnvironmentConnection:
    """One page of the registered runtime environments."""
    size = page_size(first)
    after_key = None if after is None else decode_cursor(after, "RuntimeEnvironment", 1)[0]
    found = await context.reads.environment_page(size + 1, after_key)
    edges, paging = fetched_page(
        found, size, after, "RuntimeEnvironment", lambda e: (e.key,), RuntimeEnvironment.from_domain
    )
    return RuntimeEnvironmentConnection(edges=edges, page_info=paging)
