"""Letting a bench reach the real PyPI through the egress policy on this kind of machine."""

from __future__ import annotations

import ipaddress
import socket

from analyzer_runner.egress import NETWORKS_VARIABLE


def egress_environment() -> dict[str, str]:
    """The egress policy allows public addresses only; where PyPI's names resolve to a
    non-public one (a proxy of a sandboxed network), that address alone is allowed."""
    addresses = set()
    for host in ("pypi.org", "files.pythonhosted.org"):
        for *_, address in socket.getaddrinfo(host, 443, proto=socket.IPPROTO_TCP):
            ip = ipaddress.ip_address(address[0])
            if not ip.is_global:
                addresses.add(f"{ip}/{ip.max_prefixlen}")
    if not addresses:
        return {}
    print(f"PyPI resolves to non-public {' '.join(sorted(addresses))}: allowed for this run")
    return {NETWORKS_VARIABLE: " ".join(sorted(addresses))}
