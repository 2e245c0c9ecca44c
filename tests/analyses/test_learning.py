"""Done when: one `learn` request and its `learning` subscription, against a real
`thoth-graphql serve` with its dispatcher, sandboxed runners and a loopback index, drive
learning until the advise answer is complete (or say what stopped it)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from bench.package_index import PackageIndex
from bench.thoth_processes import Objects, Server, make_token
from tests.graphql_ws import follow_subscription

SOLVE = """
mutation Solve($name: String!, $index: String!, $spec: String) {
  requestSolverAnalysis(input: {packageName: $name, indexUrl: $index, versionSpec: $spec}) {
    analysis { analysisId }
  }
}
"""
STATUS = "query Status($id: ID!) { analysis(id: $id) { status error parameters } }"
LEARN = """
mutation Learn($requirements: [String!]!, $bounds: LearningBoundsInput) {
  learn(input: {requirements: $requirements}, bounds: $bounds) {
    learningId round finished stopReason
  }
}
"""
RESULT = """
  complete optimal
  gaps { package requirement requiredBy reason }
  stacks { packages { name version } }
"""
FOLLOW = f"""
subscription Follow($id: ID!) {{
  learning(id: $id) {{
    round analysesQueued analysesSucceeded analysesFailed analysisIds gapsLeft
    finished stopReason message
    result {{ {RESULT} }}
  }}
}}
"""
ADVISE = f"""
query Advise($requirements: [String!]!) {{
  advise(input: {{requirements: $requirements}}) {{ {RESULT} }}
}}
"""
PROOF = f"""
query Advise($requirements: [String!]!) {{
  advise(input: {{requirements: $requirements}}) {{
    {RESULT} unsatisfiable {{ packages conflicts }}
  }}
}}
"""
VERSIONS = """
query Versions($name: String!) {
  package(name: $name) { versions(first: 20) { edges { node { version } } } }
}
"""


@pytest.fixture
def server(
    tmp_path: Path, local_objects: Objects, index: PackageIndex
) -> Iterator[tuple[Server, str]]:
    data_dir = tmp_path / "data"
    token = make_token(data_dir)
    running = Server(data_dir, local_objects, workers=2, log=tmp_path / "serve.log")
    try:
        yield running, token
    finally:
        running.stop()
    assert "Traceback" not in running.output(), running.output()


def four_levels(index: PackageIndex, *, with_c: bool = True) -> None:
    """app -> a -> b -> c, with newer releases that the ranges rule out."""
    index.add_wheel("app", "1.0", requires=["a>=1"])
    index.add_wheel("app", "2.0", requires=["a>=2"])
    index.add_wheel("a", "1.0")
    index.add_wheel("a", "2.0", requires=["b<3"])
    index.add_wheel("b", "1.0")
    index.add_wheel("b", "2.0", requires=["c<2"])
    index.add_wheel("b", "3.0", requires=["c>=2"])
    if with_c:
        for version in ("1.0", "1.1", "2.0"):
            index.add_wheel("c", version)


def data(answer: dict[str, object]) -> dict[str, Any]:
    assert "errors" not in answer, answer
    found: dict[str, Any] = answer["data"]  # type: ignore[assignment]
    return found


def solve(server: Server, token: str, index: PackageIndex, name: str) -> None:
    """Solve every release of a package and wait until it is in the graph."""
    queued = data(server.graphql(SOLVE, token, name=name, index=index.url, spec=None))
    id = queued["requestSolverAnalysis"]["analysis"]["analysisId"]
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status = data(server.graphql(STATUS, token, id=id))["analysis"]
        if status["status"] in ("SUCCEEDED", "FAILED"):
            assert status["status"] == "SUCCEEDED", status
            return
        time.sleep(0.2)
    raise AssertionError(f"solving {name} did not finish")


def learn(server: Server, token: str, requirements: list[str], **bounds: object) -> str:
    started = data(server.graphql(LEARN, token, requirements=requirements, bounds=bounds))
    learning = started["learn"]
    assert learning["finished"] is False
    return str(learning["learningId"])


async def follow(server: Server, learning_id: str, token: str) -> list[dict[str, Any]]:
    """Every `learning` message until the subscription completes."""
    variables = {"id": learning_id}
    return await follow_subscription(
        server.url, FOLLOW, variables, "learning", secret=token, within=180
    )


def versions(server: Server, name: str) -> list[str]:
    found = data(server.graphql(VERSIONS, name=name))["package"]
    return [] if found is None else [e["node"]["version"] for e in found["versions"]["edges"]]


def stack(result: dict[str, Any]) -> list[tuple[str, str]]:
    [only] = result["stacks"]
    return [(p["name"], p["version"]) for p in only["packages"]]


async def test_learning_completes_a_four_level_closure_from_its_root(
    server: tuple[Server, str], index: PackageIndex
) -> None:
    running, token = server
    four_levels(index)
    solve(running, token, index, "app")
    before = data(running.graphql(ADVISE, requirements=["app"]))["advise"]
    assert before["complete"] is False and before["optimal"] is False

    messages = await follow(running, learn(running, token, ["app"], indexUrl=index.url), token)

    last = messages[-1]
    assert last["finished"] is True, messages
    assert last["stopReason"] == "COMPLETE", last
    assert last["round"] == 3  # a, then b, then c: each learned from the one before
    assert last["analysesSucceeded"] == last["analysesQueued"] == 3
    assert last["gapsLeft"] == []
    assert [m["finished"] for m in messages[:-1]] == [False] * (len(messages) - 1)
    assert [m["round"] for m in messages] == sorted(m["round"] for m in messages)
    learned = last["result"]
    assert learned["complete"] is True and learned["optimal"] is True
    assert learned["gaps"] == []
    expected = [("a", "2.0"), ("app", "2.0"), ("b", "2.0"), ("c", "1.1")]
    assert stack(learned) == expected

    # A graph that knows every release of every package gives the same answer.
    for name in ("a", "b", "c"):
        solve(running, token, index, name)
    assert versions(running, "c") == ["2.0", "1.1", "1.0"]
    everything = data(running.graphql(ADVISE, requirements=["app"]))["advise"]
    assert everything["complete"] is True and everything["optimal"] is True
    assert stack(everything) == expected


async def test_a_package_missing_from_the_index_is_learned_as_absent(
    server: tuple[Server, str], index: PackageIndex
) -> None:
    """The index answers 404 for c: the solver's document says so, ingest records it, and
    c is then known to have no release (docs/decisions/0016), not a gap: b 2.0, which
    needs it, cannot be installed, and the answer is final."""
    running, token = server
    four_levels(index, with_c=False)
    solve(running, token, index, "app")

    messages = await follow(running, learn(running, token, ["app"], indexUrl=index.url), token)

    last = messages[-1]
    assert last["stopReason"] == "COMPLETE", last
    assert last["round"] == 3 and last["analysesSucceeded"] == 3
    assert last["gapsLeft"] == []
    result = last["result"]
    assert result["complete"] is True and result["optimal"] is True
    assert result["gaps"] == []
    # The stack that does not need c, proven.
    assert stack(result) == [("a", "2.0"), ("app", "2.0"), ("b", "1.0")]
    # Requiring c itself is proven to have no stack, and says why.
    proof = data(running.graphql(PROOF, requirements=["app", "c"]))["advise"]
    assert proof["optimal"] is True and proof["complete"] is True and proof["gaps"] == []
    assert proof["unsatisfiable"]["packages"] == ["c"]
    [chain] = proof["unsatisfiable"]["conflicts"]
    assert chain.startswith("c: c is not on the index (seen ")


async def test_the_ranges_that_reach_a_package_are_solved_not_its_newest_releases(
    server: tuple[Server, str], index: PackageIndex
) -> None:
    running, token = server
    index.add_wheel("app", "1.0", requires=["lib<2"])
    for version in ("1.0", "1.5", "2.0", "3.0"):
        index.add_wheel("lib", version)
    solve(running, token, index, "app")

    messages = await follow(
        running,
        learn(running, token, ["app"], indexUrl=index.url, versionsPerRange=1),
        token,
    )

    last = messages[-1]
    assert last["stopReason"] == "COMPLETE", last
    assert stack(last["result"]) == [("app", "1.0"), ("lib", "1.5")]
    assert last["result"]["optimal"] is True
    assert versions(running, "lib") == ["1.5"]  # the newest of `<2`, not 3.0
    [analysis_id] = last["analysisIds"]
    parameters = data(running.graphql(STATUS, token, id=analysis_id))["analysis"]["parameters"]
    assert (parameters["version_spec"], parameters["max_versions"]) == ("<2", 1)


async def test_the_analyses_bound_stops_a_learning_and_says_so(
    server: tuple[Server, str], index: PackageIndex
) -> None:
    running, token = server
    four_levels(index)
    solve(running, token, index, "app")

    messages = await follow(
        running, learn(running, token, ["app"], indexUrl=index.url, maxAnalyses=1), token
    )

    last = messages[-1]
    assert last["stopReason"] == "MAX_ANALYSES", last
    assert "bound of 1 analyses" in last["message"]
    assert last["analysesQueued"] == 1
    assert last["gapsLeft"] == ["b"]
    assert last["result"]["complete"] is False
    assert versions(running, "b") == []


async def test_only_its_requester_may_follow_a_learning(
    server: tuple[Server, str], index: PackageIndex, tmp_path: Path
) -> None:
    running, token = server
    four_levels(index)
    learning_id = learn(running, token, ["app"], indexUrl=index.url, maxAnalyses=1)
    other = make_token(tmp_path / "data")
    url = running.url.replace("http://", "ws://")
    async with connect(
        url,
        subprotocols=[Subprotocol("graphql-transport-ws")],
        additional_headers={"Authorization": f"Bearer {other}"},
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        payload = {"query": FOLLOW, "variables": {"id": learning_id}}
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": payload}))
        message = json.loads(await asyncio.wait_for(ws.recv(), 30))
    assert message["type"] == "next", message
    assert message["payload"]["data"] is None
    assert [e["extensions"]["code"] for e in message["payload"]["errors"]] == ["NOT_FOUND"]
    # Its own requester still sees it end.
    assert (await follow(running, learning_id, token))[-1]["finished"] is True


async def test_a_range_that_no_known_release_meets_is_solved_too(
    server: tuple[Server, str], index: PackageIndex
) -> None:
    running, token = server
    # Round 1 solves `lib<2` (newest: 1.4) for app; a 2.0, learned with it, needs
    # `lib<1.2`, which no known release meets: only solving that range finds lib 1.0.
    index.add_wheel("app", "1.0", requires=["a", "lib<2"])
    index.add_wheel("a", "2.0", requires=["lib<1.2"])
    for version in ("1.0", "1.4", "3.0"):
        index.add_wheel("lib", version)
    solve(running, token, index, "app")

    messages = await follow(
        running,
        learn(running, token, ["app"], indexUrl=index.url, versionsPerRange=1),
        token,
    )

    last = messages[-1]
    assert last["stopReason"] == "COMPLETE", last
    assert stack(last["result"]) == [("a", "2.0"), ("app", "1.0"), ("lib", "1.0")]
    assert last["result"]["optimal"] is True
    assert versions(running, "lib") == ["1.4", "1.0"]
