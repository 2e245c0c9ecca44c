"""The wheel tags of a target environment."""

from __future__ import annotations

from packaging.tags import Tag

from analyzer_runner.tags import platform_tags, supported_tags
from thoth_analysis_request.environment import Environment, host_environment


def test_linux_platforms_accept_manylinux_down_to_the_oldest() -> None:
    tags = platform_tags("linux_x86_64", glibc=(2, 28))
    assert tags[:3] == ["manylinux_2_28_x86_64", "manylinux_2_27_x86_64", "manylinux_2_26_x86_64"]
    assert {"manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"} <= set(tags)
    assert tags[-2:] == ["manylinux1_x86_64", "linux_x86_64"]
    arm = platform_tags("linux_aarch64", glibc=(2, 17))
    assert arm == ["manylinux_2_17_aarch64", "manylinux2014_aarch64", "linux_aarch64"]


def test_a_manylinux_platform_sets_the_glibc_ceiling() -> None:
    tags = platform_tags("manylinux_2_17_x86_64")
    assert tags[0] == "manylinux_2_17_x86_64"
    assert "manylinux_2_28_x86_64" not in tags


def test_macos_windows_and_any() -> None:
    mac = platform_tags("macosx_11_0_arm64")
    assert "macosx_11_0_arm64" in mac and "macosx_11_0_universal2" in mac
    assert platform_tags("win_amd64") == ["win_amd64"]
    assert platform_tags("any") == []


def test_supported_tags_for_an_environment() -> None:
    tags = supported_tags(Environment(python_version="3.9", platform="win_amd64"))
    assert tags[0] == Tag("cp39", "cp39", "win_amd64")
    assert Tag("py3", "none", "any") in tags
    assert Tag("cp311", "cp311", "win_amd64") not in tags
    assert Tag("cp39", "abi3", "win_amd64") in tags


def test_missing_fields_are_the_runners_own() -> None:
    host = host_environment()
    filled = Environment(gpu_model="T4").with_host_defaults()
    assert (filled.python_version, filled.platform) == (host.python_version, host.platform)
    assert filled.gpu_model == "T4"
