"""Fetching build requirements as wheels for the sandbox (greedy, newest acceptable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer_runner.build_requirements import BuildRequirementUnavailable, Wheelhouse, provision
from analyzer_runner.index import IndexClient
from bench.package_index import PackageIndex
from bench.packages import publish_tinybackend


async def fetch(index: PackageIndex, folder: Path, *requirements: str) -> Wheelhouse:
    wheelhouse = Wheelhouse(folder)
    async with IndexClient(index.url) as client:
        await provision(requirements, client, wheelhouse)
    return wheelhouse


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


async def test_requirements_and_their_dependencies_are_fetched(
    index: PackageIndex, tmp_path: Path
) -> None:
    publish_tinybackend(index)
    wheelhouse = await fetch(index, tmp_path, "tinybackend", "absent; python_version < '3'")
    assert {str(v) for v in wheelhouse.chosen.values()} == {"1.0"}
    assert names(tmp_path) == [
        "tinybackend-1.0-py3-none-any.whl",
        "tinyhelper-1.0-py3-none-any.whl",
    ]
    assert wheelhouse.satisfies("tinyhelper>=1")
    assert not wheelhouse.satisfies("tinyhelper>=2")
    assert wheelhouse.satisfies("absent; python_version < '3'")
    assert wheelhouse.missing(["tinybackend", "wheel", "not a requirement!"]) == [
        "wheel",
        "not a requirement!",
    ]


async def test_the_newest_installable_wheel_is_chosen(index: PackageIndex, tmp_path: Path) -> None:
    index.add_wheel("backend", "1.0")
    index.add_wheel("backend", "2.0", tag="cp27-cp27m-win32")
    index.add_wheel("backend", "3.0", yanked=True)
    index.add_wheel("backend", "4.0", requires_python="<3")
    index.add_wheel("backend", "5.0b1")
    wheelhouse = await fetch(index, tmp_path, "backend")
    assert names(tmp_path) == ["backend-1.0-py3-none-any.whl"]
    assert {n: str(v) for n, v in wheelhouse.chosen.items()} == {"backend": "1.0"}


@pytest.mark.parametrize(
    ("requirements", "message"),
    [
        (("missing",), "build requirement missing: not on the index"),
        (
            ("tinyhelper", "tinyhelper>=2"),
            "build requirements conflict: tinyhelper>=2 but tinyhelper 1.0 was already chosen",
        ),
        (("tinyhelper>5",), "build requirement tinyhelper>5: no wheel on the index installs"),
        (("not valid!",), "invalid build requirement 'not valid!'"),
    ],
)
async def test_what_cannot_be_provided_is_said(
    index: PackageIndex, tmp_path: Path, requirements: tuple[str, ...], message: str
) -> None:
    publish_tinybackend(index)
    with pytest.raises(BuildRequirementUnavailable) as caught:
        await fetch(index, tmp_path, *requirements)
    assert str(caught.value).startswith(message)
