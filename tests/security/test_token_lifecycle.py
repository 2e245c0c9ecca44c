"""Tokens have a lifecycle: they expire, are listed and revoked from the CLI and the API,
carry printable bounded names, and only the host mints ADMIN tokens.

A real `thoth-graphql serve` on loopback; tokens made and managed with the real CLI.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.demo_server import free_port, python_server

ENVIRONMENT = 'mutation { registerRuntimeEnvironment(input: {pythonVersion: "3.12"}) { created } }'
LIST = "{ tokens { id name scope createdAt expiresAt expired } }"


def thoth(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *args], capture_output=True, text=True, timeout=120
    )


class Host:
    """The server and its data dir, as an operator on the host has them."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)
        self.data_dir = data_dir

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return thoth("token", *args, "--data-dir", str(self.data_dir))

    def mint(self, name: str, *options: str) -> str:
        made = self.cli("create", "--name", name, *options)
        assert made.returncode == 0, made.stderr
        return made.stdout.strip()

    def call(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        answer = self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    def codes(self, query: str, token: str | None = None, **variables: Any) -> list[str]:
        return [
            e["extensions"]["code"] for e in self.call(query, token, **variables).get("errors", [])
        ]


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Host]:
    tmp = tmp_path_factory.mktemp("tokens")
    data_dir = tmp / "data"
    port = free_port()
    arguments = ["-m", "thoth_graphql", "serve", "--host", "127.0.0.1", "--port", str(port)]
    arguments += ["--data-dir", str(data_dir), "--workers", "0"]
    with python_server(arguments, port, tmp / "serve.log") as url:
        running = Host(url, data_dir)
        try:
            yield running
        finally:
            running.http.close()


def _token_id(host: Host, name: str) -> str:
    listed = host.cli("list")
    assert listed.returncode == 0, listed.stderr
    [line] = [line for line in listed.stdout.splitlines() if f" {name} " in f" {line} "]
    return line.split()[0]


def test_the_cli_lists_tokens_without_secrets_and_revokes_them(host: Host) -> None:
    keep = host.mint("cli-keep")
    gone = host.mint("cli-gone")
    assert host.codes(ENVIRONMENT, gone) == []

    listed = host.cli("list")
    assert listed.returncode == 0, listed.stderr
    assert "cli-keep" in listed.stdout and "cli-gone" in listed.stdout
    assert keep not in listed.stdout and gone not in listed.stdout

    revoked = host.cli("revoke", _token_id(host, "cli-gone"))
    assert revoked.returncode == 0, revoked.stderr
    assert host.codes(ENVIRONMENT, gone) == ["UNAUTHENTICATED"]
    assert host.codes(ENVIRONMENT, keep) == []
    assert "cli-gone" not in host.cli("list").stdout
    assert host.cli("revoke", "0123456789abcdef").returncode == 1


def test_tokens_expire_at_authentication(host: Host) -> None:
    brief = host.mint("brief", "--expires-in", "2s")
    assert host.codes(ENVIRONMENT, brief) == []
    time.sleep(2.5)
    answer = host.call(ENVIRONMENT, brief)
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["UNAUTHENTICATED"]
    assert "expired" in answer["errors"][0]["message"]

    host.mint("monthly", "--expires-in", "30d")
    [line] = [ln for ln in host.cli("list").stdout.splitlines() if " monthly " in f" {ln} "]
    assert "never" not in line
    assert host.cli("create", "--name", "x", "--expires-in", "soon").returncode == 2


@pytest.mark.parametrize("name", ["evil\u202egnp.exe", "bell\x07", "esc\x1b[31m", "tab\tname",
                                  "zero\u200bwidth", "", " padded", "n" * 101])  # fmt: skip
def test_token_names_are_printable_and_bounded(host: Host, name: str) -> None:
    made = host.cli("create", "--name", name)
    assert made.returncode == 2, made.stdout
    assert "--name" in made.stderr
    admin = host.mint("namer", "--scope", "admin")
    answer = host.call(
        "mutation ($n: String!) { createToken(name: $n, scope: WRITE) { token } }", admin, n=name
    )
    assert [e["extensions"]["code"] for e in answer["errors"]] == ["BAD_USER_INPUT"]
    assert answer["errors"][0]["extensions"]["field"] == "name"


def test_a_nul_in_a_name_is_refused(host: Host) -> None:
    admin = host.mint("nul-admin", "--scope", "admin")
    assert host.codes(
        "mutation ($n: String!) { createToken(name: $n, scope: WRITE) { token } }", admin, n="a\0b"
    ) == ["BAD_USER_INPUT"]


def test_admin_tokens_are_minted_only_on_the_host(host: Host) -> None:
    admin = host.mint("root", "--scope", "admin")
    writer = host.mint("writer")
    mint_admin = 'mutation { createToken(name: "second-root", scope: ADMIN) { token } }'
    assert host.codes(mint_admin, admin) == ["FORBIDDEN"]
    mint_write = 'mutation { createToken(name: "ci", scope: WRITE) { token expiresAt } }'
    assert host.codes(mint_write, writer) == ["FORBIDDEN"]
    made = host.call(mint_write, admin)
    assert "errors" not in made, made
    assert made["data"]["createToken"]["expiresAt"] is not None  # API tokens always expire
    too_long = 'mutation { createToken(name: "ci", scope: WRITE, expiresInDays: 1000) { token } }'
    assert host.codes(too_long, admin) == ["BAD_USER_INPUT"]
    assert host.codes(ENVIRONMENT, made["data"]["createToken"]["token"]) == []


def test_only_admins_list_and_revoke_tokens_over_the_api(host: Host) -> None:
    admin = host.mint("api-admin", "--scope", "admin")
    writer = host.mint("api-writer")
    listed = host.call(LIST, admin)
    assert "errors" not in listed, listed
    names = {t["name"]: t for t in listed["data"]["tokens"]}
    assert names["api-writer"]["scope"] == "WRITE"
    assert writer not in str(listed)
    # The admin's answer is not served from the read cache to anyone else.
    assert host.codes(LIST) == ["UNAUTHENTICATED"]
    assert host.codes(LIST, writer) == ["FORBIDDEN"]

    revoke = "mutation ($id: String!) { revokeToken(id: $id) { id revoked } }"
    writer_id = names["api-writer"]["id"]
    assert host.codes(revoke, writer, id=writer_id) == ["FORBIDDEN"]
    done = host.call(revoke, admin, id=writer_id)
    assert done["data"]["revokeToken"] == {"id": writer_id, "revoked": True}
    assert host.codes(ENVIRONMENT, writer) == ["UNAUTHENTICATED"]
    assert host.call(revoke, admin, id=writer_id)["data"]["revokeToken"]["revoked"] is False
