"""Issue 11, item 10: advise(solveUnknown) with more unknown packages than a token's burst
is a clear GraphQL error that names the limit, never an internal error, and queues none."""

from __future__ import annotations

from typing import Any

from bench.thoth_processes import Server
from thoth_graphql.analyses.rate_limit import DEFAULT_BURST

ADVISE = """
query ($input: AdviseInput!) {
  advise(input: $input) { unresolved analyses { analysisId } }
}
"""
COUNT = "{ analyses { totalCount } }"


def test_more_unknown_packages_than_the_burst_is_a_clear_refusal(
    analyses_server: Server, writer_token: str
) -> None:
    names = [f"unknown-{i}" for i in range(DEFAULT_BURST + 1)]
    answer: dict[str, Any] = analyses_server.graphql(
        ADVISE, writer_token, input={"requirements": names, "solveUnknown": True}
    )
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert f"at most {DEFAULT_BURST}" in error["message"]
    assert "Traceback" not in analyses_server.output()
    counted: dict[str, Any] = analyses_server.graphql(COUNT)
    assert counted["data"]["analyses"]["totalCount"] == 0


def test_as_many_as_the_burst_are_queued(analyses_server: Server, writer_token: str) -> None:
    names = [f"unknown-{i}" for i in range(DEFAULT_BURST)]
    answer: dict[str, Any] = analyses_server.graphql(
        ADVISE, writer_token, input={"requirements": names, "solveUnknown": True}
    )
    assert "errors" not in answer, answer
    assert len(answer["data"]["advise"]["analyses"]) == DEFAULT_BURST
