"""The egress policy's rules, without a network: indexes, hosts, addresses, credentials."""

from __future__ import annotations

import pytest

from analyzer_runner.egress import EgressPolicy, EgressRefused, InvalidPolicy, without_credentials

DEFAULT = EgressPolicy.from_environ({})


def test_the_default_allows_pypi_and_its_file_host_only() -> None:
    DEFAULT.check_index("https://pypi.org/simple/", "the runner's")
    DEFAULT.check_url("https://pypi.org/simple/dask/")
    DEFAULT.check_url("https://files.pythonhosted.org/packages/aa/dask-1.0.whl")
    for url in (
        "http://pypi.org/simple",
        "https://pypi.org:8443/simple",
        "https://evil.example/simple",
    ):
        with pytest.raises(EgressRefused, match="not on the runner's list of allowed indexes"):
            DEFAULT.check_index(url, "the runner's")
    with pytest.raises(EgressRefused, match="no allowed index or file host"):
        DEFAULT.check_url("https://evil.example/dask-1.0.whl")


def test_an_entry_allows_the_indexes_below_it_not_beside_it() -> None:
    policy = EgressPolicy.from_environ({"THOTH_EGRESS_INDEXES": "https://mirror.example/pypi"})
    policy.check_index("https://mirror.example/pypi/simple", "x's")
    with pytest.raises(EgressRefused):
        policy.check_index("https://mirror.example/pypi-evil/simple", "x's")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("10.1.2.3", "private"),
        ("fd00::1", "private"),
        ("0.0.0.0", "private"),
        ("224.0.0.1", "non-public"),
    ],
)
def test_non_public_addresses_are_refused_unless_their_network_is_allowed(
    address: str, kind: str
) -> None:
    with pytest.raises(EgressRefused, match=f"a {kind} address"):
        DEFAULT.check_address("pypi.org", address)
    networks = "127.0.0.0/8 10.0.0.0/8 ::/0 0.0.0.0/32 169.254.0.0/16 224.0.0.0/4"
    allowed = EgressPolicy.from_environ({"THOTH_EGRESS_NETWORKS": networks})
    allowed.check_address("pypi.org", address)
    DEFAULT.check_address("pypi.org", "151.101.0.223")


def test_an_address_literal_is_checked_without_resolving() -> None:
    policy = EgressPolicy.from_environ({"THOTH_EGRESS_INDEXES": "http://127.0.0.1:8080/simple"})
    with pytest.raises(EgressRefused, match="loopback"):
        policy.check_url("http://127.0.0.1:8080/simple/dask/")


def test_credentials_are_refused_without_being_repeated() -> None:
    with pytest.raises(EgressRefused, match="credentials are not accepted") as refused:
        DEFAULT.check_index("https://alice:s3cret@pypi.org/simple", "the runner's")
    assert "s3cret" not in str(refused.value)
    assert without_credentials("https://alice:s3cret@pypi.org/simple") == "https://pypi.org/simple"


def test_a_malformed_setting_is_an_error_not_a_wider_policy() -> None:
    with pytest.raises(InvalidPolicy):
        EgressPolicy.from_environ({"THOTH_EGRESS_NETWORKS": "everything"})
    with pytest.raises(InvalidPolicy):
        EgressPolicy.from_environ({"THOTH_EGRESS_INDEXES": "ftp://pypi.org/simple"})
