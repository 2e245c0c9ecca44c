"""What a local runner process may see of its dispatcher's environment."""

from __future__ import annotations

from thoth_graphql.analyses.local import runner_environment


def test_a_runner_gets_object_store_credentials_and_its_uid_and_nothing_else() -> None:
    environ = {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "AWS_ACCESS_KEY_ID": "id",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "THOTH_SANDBOX": "bwrap",
        "THOTH_SANDBOX_UID": "1",
        "THOTH_GRAPH_PASSWORD": "graph-secret",
        "JANUSGRAPH_URL": "ws://user:pw@host:8182/gremlin",
        "GITHUB_TOKEN": "ghp_x",
    }
    assert runner_environment(environ, 64001) == {
        "PATH": "/usr/bin",
        "HOME": "/root",
        "AWS_ACCESS_KEY_ID": "id",
        "AWS_SECRET_ACCESS_KEY": "secret",
        "THOTH_SANDBOX": "bwrap",
        "THOTH_SANDBOX_UID": "64001",
        "THOTH_SANDBOX_GID": "64001",
    }
