"""Marker variables of a runtime environment, and the specifier questions dependents ask."""

from __future__ import annotations

from thoth_graphql.domain import RuntimeEnvironment, marker_environment
from thoth_graphql.domain.specifiers import admits, admits_any


def test_marker_variables_follow_the_environment() -> None:
    windows = marker_environment(RuntimeEnvironment(python_version="3.8", platform="win_amd64"))
    assert (windows["python_version"], windows["python_full_version"]) == ("3.8", "3.8.0")
    assert (windows["sys_platform"], windows["os_name"], windows["platform_machine"]) == (
        "win32",
        "nt",
        "AMD64",
    )
    mac = marker_environment(
        RuntimeEnvironment(python_version="3.12.1", platform="macosx_11_0_arm64")
    )
    assert (mac["python_full_version"], mac["sys_platform"], mac["platform_machine"]) == (
        "3.12.1",
        "darwin",
        "arm64",
    )


def test_an_open_environment_is_the_servers_own() -> None:
    import platform

    assert marker_environment(RuntimeEnvironment())["python_full_version"] == (
        platform.python_version()
    )


def test_admits_is_literal_containment() -> None:
    assert admits("<2", "1.0rc1")
    assert admits("", "9")
    assert not admits(">=2", "1.9")
    assert not admits("=>2", "3")  # unreadable specifiers admit nothing
    assert admits_any(">=1.18,<1.21", ["1.9.3", "1.20.0"])
    assert not admits_any(">=1.21", ["1.9.3", "1.20.0"])


def test_a_32_bit_windows_tag_is_windows() -> None:
    values = marker_environment(RuntimeEnvironment(platform="win32"))
    assert (values["sys_platform"], values["platform_system"]) == ("win32", "Windows")
