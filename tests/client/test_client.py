"""ThothClient against a real server on loopback: typed results, errors, waiting."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.demo_server import free_port
from tests.workflow_graph import WorkflowServer, digest
from thoth_graphql.client import (
    Advice,
    AnalysisTimeout,
    GraphQLError,
    RuntimeEnvironment,
    ServerUnavailable,
    ThothClient,
)

HERE = RuntimeEnvironment(python_version="3.11", platform="linux_x86_64")


@pytest.fixture
def client(served: WorkflowServer) -> Iterator[ThothClient]:
    with ThothClient.connect(served.url) as connected:
        yield connected


@pytest.fixture
def writer(served: WorkflowServer) -> Iterator[ThothClient]:
    with ThothClient.connect(served.url, token=served.token) as connected:
        yield connected


def test_advise_answers_the_best_stack_as_dataclasses(client: ThothClient) -> None:
    advice = client.advise(["dask[array]"], environment=HERE)
    assert advice.optimal
    assert advice.best is not None
    assert advice.best.versions() == {"dask": "2.10.1", "numpy": "1.19.4", "toolz": "0.11.1"}
    by_package = {j.package: j for j in advice.best.justifications}
    # 2.11.0 needs Python 3.12, so the chosen dask is the newest usable, not the newest.
    assert by_package["dask"].version == "2.10.1"
    assert by_package["numpy"].kind == "NEWEST"


def test_the_environment_decides(client: ThothClient) -> None:
    newer = RuntimeEnvironment(python_version="3.12", platform="linux_x86_64")
    advice = client.advise(["dask"], environment=newer)
    assert advice.best is not None
    assert advice.best.versions() == {"dask": "2.11.0"}


def test_lock_files_carry_hashes(client: ThothClient) -> None:
    stack = client.advise(["dask[array]"], environment=HERE).best
    assert stack is not None
    requirements = stack.lockfile("requirements.txt")
    assert "dask==2.10.1" in requirements
    assert f"--hash=sha256:{digest('dask', '2.10.1')}" in requirements
    pylock = stack.lockfile("pylock.toml")
    assert 'lock-version = "1.0"' in pylock
    assert digest("numpy", "1.19.4") in pylock
    with pytest.raises(ValueError, match="unknown lock file format"):
        stack.lockfile("Pipfile.lock")


def test_unsatisfiable_is_explained(client: ThothClient) -> None:
    advice = client.advise(["dask[array]", "legacy"], environment=HERE)
    assert advice.stacks == []
    assert advice.unsatisfiable is not None
    assert "numpy" in advice.unsatisfiable.packages
    assert any("legacy" in chain for chain in advice.unsatisfiable.conflicts)
    assert "legacy" in advice.explanation()


def test_unknown_packages_are_unresolved(client: ThothClient) -> None:
    advice = client.advise(["no-such-package"], environment=HERE)
    assert advice.stacks == []
    assert len(advice.unresolved) == 1
    assert "no-such-package" in advice.explanation()


def test_html_tables_for_jupyter_escape_what_they_show(client: ThothClient) -> None:
    advice = client.advise(["dask[array]"], environment=HERE)
    html = advice._repr_html_()
    assert html.startswith("<table>")
    assert "<td>toolz</td><td>0.11.1</td><td>NEWEST</td>" in html
    stack = advice.best
    assert stack is not None
    assert stack.table().splitlines()[0].split() == ["package", "version", "kind", "why"]
    tricky = Advice([], None, ["<script>x</script>"], True, [])
    assert "<script>" not in tricky._repr_html_()


def test_packages_page_through_the_api(
    client: ThothClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One item a page, so every page after the first is asked for with its cursor.
    monkeypatch.setattr("thoth_graphql.client.client.PAGE", 1)
    dask = client.package("Dask")
    assert dask is not None
    assert dask.name == "dask"
    assert [r.version for r in dask.releases] == ["2.11.0", "2.10.1", "2.9.0"]
    assert dask.releases[0].requires_python == ">=3.12"
    assert {d.name for d in dask.releases[1].dependencies} == {"numpy", "toolz"}
    assert "<caption>dask</caption>" in dask._repr_html_()
    assert client.packages() == ["dask", "legacy", "numpy", "toolz"]
    assert client.packages("n") == ["numpy"]
    assert client.package("no-such-package") is None


RECORD = """
mutation ($input: StackObservationInput!) {
  recordStackObservation(input: $input) { stackObservation { outcome } }
}
"""


def test_stack_observations_come_back_typed(writer: ThothClient) -> None:
    writer.execute(
        RECORD,
        {
            "input": {
                "packages": [{"name": "toolz", "version": "0.11.1"}],
                "runtimeEnvironment": {"pythonVersion": "3.11", "platform": "linux_x86_64"},
                "outcome": "RUNTIME_FAILURE",
                "message": "segfault in toolz",
                "metrics": [{"name": "performance", "value": 2.5}],
            }
        },
    )
    observed = writer.stack_observations(package="toolz", outcome="RUNTIME_FAILURE")
    assert [o.packages for o in observed] == [{"toolz": "0.11.1"}]
    assert observed[0].metrics == {"performance": 2.5}
    assert observed[0].message == "segfault in toolz"
    assert writer.stack_observations(package="numpy") == []


def test_solving_unknown_packages_queues_analyses_to_wait_on(writer: ThothClient) -> None:
    advice = writer.advise(["not-yet-known"], environment=HERE, solve_unknown=True)
    assert [(a.kind, a.status, a.subject) for a in advice.analyses] == [
        ("SOLVER", "QUEUED", "not-yet-known")
    ]
    found = writer.analysis(advice.analyses[0].analysis_id)
    assert found is not None
    assert found.status == "QUEUED"
    # This server runs no analyses, so the wait runs out.
    with pytest.raises(AnalysisTimeout) as waited:
        writer.wait_for_analyses(advice.analyses, timeout=0.3, interval=0.1)
    assert [a.subject for a in waited.value.pending] == ["not-yet-known"]


def test_solving_needs_a_token(client: ThothClient) -> None:
    with pytest.raises(GraphQLError) as refused:
        client.advise(["not-yet-known"], environment=HERE, solve_unknown=True)
    assert refused.value.code == "UNAUTHENTICATED"


def test_bad_input_is_a_graphql_error_with_its_code(client: ThothClient) -> None:
    with pytest.raises(GraphQLError) as refused:
        client.advise(["dask", "not a requirement !"], environment=HERE)
    assert refused.value.code == "BAD_USER_INPUT"
    with pytest.raises(ValueError, match="recommendation_type"):
        client.advise(["dask"], recommendation_type="FASTEST")


def test_a_server_that_is_not_there() -> None:
    with (
        ThothClient.connect(f"http://127.0.0.1:{free_port()}", timeout=2) as client,
        pytest.raises(ServerUnavailable),
    ):
        client.packages()
