"""The egress policy: which indexes an analysis may name, which hosts a fetch may reach,
and which addresses those hosts may resolve to.

Configured by the environment of the API (checked when a request comes) and of every
runner (checked again on each fetch, each redirect and each resolved address, because the
runner is where the fetch happens and a request document may not have come from the API):

- `THOTH_EGRESS_INDEXES`: index URLs, separated by spaces (default
  `https://pypi.org/simple`). An index is allowed when it is one of them or lies below
  one (`http://host:8080` allows every index on that server).
- `THOTH_EGRESS_FILE_HOSTS`: further hosts (`host` or `host:port`) that files may be
  fetched from (default `files.pythonhosted.org`, where PyPI keeps them).
- `THOTH_EGRESS_NETWORKS`: non-public networks (CIDR) a fetch may connect to; by
  default none, so no name or link may lead to loopback, link-local, private or other
  non-global addresses (the API, the object store, cloud metadata services).

URLs with credentials (`user:password@`) are refused outright: credentials never enter
a request, the graph, a status or a log. Nothing here is imported from the graph side.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

INDEXES_VARIABLE = "THOTH_EGRESS_INDEXES"
FILE_HOSTS_VARIABLE = "THOTH_EGRESS_FILE_HOSTS"
NETWORKS_VARIABLE = "THOTH_EGRESS_NETWORKS"
VARIABLES = (INDEXES_VARIABLE, FILE_HOSTS_VARIABLE, NETWORKS_VARIABLE)
DEFAULT_INDEXES = ("https://pypi.org/simple",)
DEFAULT_FILE_HOSTS = ("files.pythonhosted.org",)
_DEFAULT_PORTS = {"http": 80, "https": 443}

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class EgressRefused(Exception):
    """A fetch (or a request that would need one) that the egress policy does not allow."""


class InvalidPolicy(ValueError):
    """A malformed egress setting in the environment."""


def without_credentials(url: str) -> str:
    """`url` with any `user:password@` removed, for messages about it."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as error:
        raise EgressRefused(f"{without_credentials(url)} is not a valid URL") from error
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise EgressRefused(f"{without_credentials(url)} is not an http(s) URL with a host")
    if parts.username is not None or parts.password is not None:
        raise EgressRefused(
            f"{without_credentials(url)}: URLs with credentials are not accepted; give the "
            "runners access to a private index through their own configuration"
        )
    return parts


def _origin(parts: SplitResult) -> tuple[str, int]:
    host = (parts.hostname or "").lower().rstrip(".")
    return host, parts.port or _DEFAULT_PORTS[parts.scheme]


def _host_entry(entry: str) -> tuple[str, int | None]:
    host, colon, port = entry.lower().rpartition(":")
    if colon and port.isdigit() and "]" not in port:
        return host.strip("[]").rstrip("."), int(port)
    return entry.lower().strip("[]").rstrip("."), None


@dataclass(frozen=True, slots=True)
class EgressPolicy:
    """Allowed indexes, further file hosts, and non-public networks a fetch may reach."""

    indexes: tuple[str, ...] = DEFAULT_INDEXES
    file_hosts: tuple[str, ...] = DEFAULT_FILE_HOSTS
    networks: tuple[Network, ...] = ()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> EgressPolicy:
        env = os.environ if environ is None else environ
        indexes = tuple(env.get(INDEXES_VARIABLE, "").split()) or DEFAULT_INDEXES
        file_hosts = tuple(env.get(FILE_HOSTS_VARIABLE, "").split()) or DEFAULT_FILE_HOSTS
        try:
            networks = tuple(
                ipaddress.ip_network(n, strict=False)
                for n in env.get(NETWORKS_VARIABLE, "").split()
            )
        except ValueError as error:
            raise InvalidPolicy(f"{NETWORKS_VARIABLE}: {error}") from error
        for index in indexes:
            try:
                _split(index)
            except EgressRefused as error:
                raise InvalidPolicy(f"{INDEXES_VARIABLE}: {error}") from error
        return cls(indexes, file_hosts, networks)

    def environment(self) -> dict[str, str]:
        """The variables that give a runner process this policy."""
        return {
            INDEXES_VARIABLE: " ".join(self.indexes),
            FILE_HOSTS_VARIABLE: " ".join(self.file_hosts),
            NETWORKS_VARIABLE: " ".join(str(n) for n in self.networks),
        }

    def check_index(self, url: str, holder: str) -> None:
        """Raise EgressRefused unless `url` is an allowed index; `holder` names whose list
        it is in the message ("this server's", "the runner's")."""
        parts = _split(url)
        origin, path = _origin(parts), parts.path.rstrip("/")
        for entry in self.indexes:
            allowed = urlsplit(entry)
            prefix = allowed.path.rstrip("/")
            if (
                allowed.scheme == parts.scheme
                and _origin(allowed) == origin
                and (path == prefix or path.startswith(f"{prefix}/"))
            ):
                return
        raise EgressRefused(f"{url} is not on {holder} list of allowed indexes")

    def check_url(self, url: str) -> None:
        """Raise EgressRefused unless `url` is on a host the indexes or file hosts name
        (and, for an address literal, unless the address is allowed)."""
        parts = _split(url)
        host, port = _origin(parts)
        if not self._host_allowed(host, port, parts.scheme):
            raise EgressRefused(
                f"{url} is not allowed: {host}:{port} is no allowed index or file host"
            )
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return  # a name: its addresses are checked when it is resolved
        self.check_address(host, host)

    def _host_allowed(self, host: str, port: int, scheme: str) -> bool:
        for entry in self.indexes:
            if _origin(urlsplit(entry)) == (host, port):
                return True
        for entry in self.file_hosts:
            allowed_host, allowed_port = _host_entry(entry)
            if allowed_host == host and (allowed_port or _DEFAULT_PORTS[scheme]) == port:
                return True
        return False

    def check_address(self, host: str, address: str) -> None:
        """Raise EgressRefused unless `host`, resolved to `address`, may be connected to."""
        ip = ipaddress.ip_address(address.split("%")[0])
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if any(ip in network for network in self.networks):
            return
        if ip.is_global and not ip.is_multicast:
            return
        kind = (
            "loopback"
            if ip.is_loopback
            else "link-local"
            if ip.is_link_local
            else "private"
            if ip.is_private
            else "non-public"
        )
        raise EgressRefused(
            f"{host} resolves to {ip}, a {kind} address: not allowed "
            f"(not a public address; {NETWORKS_VARIABLE} lists the networks allowed)"
        )


def egress_policy() -> EgressPolicy:
    """The policy this process' environment configures."""
    return EgressPolicy.from_environ()
