"""Issue 11.8: a GET never writes. `advise(solveUnknown: true)` queues analyses, so over GET
it is refused with METHOD_NOT_ALLOWED and nothing is queued, whatever the token."""

from __future__ import annotations

import json

import httpx

from tests.security.test_read_cache_auth import ADVISE, UNKNOWN


def analyses_queued(url: str) -> int:
    answer = httpx.post(
        f"{url}/graphql", json={"query": "{ analyses { totalCount } }"}, timeout=30
    ).json()
    count: int = answer["data"]["analyses"]["totalCount"]
    return count


def test_advise_over_get_queues_nothing(served: tuple[str, str]) -> None:
    url, token = served
    for headers in ({"Authorization": f"Bearer {token}"}, {}):
        answer = httpx.get(
            f"{url}/graphql",
            params={"query": ADVISE, "variables": json.dumps({"input": UNKNOWN})},
            headers=headers,
            timeout=30,
        )
        assert answer.status_code == 200, answer.text
        [error] = answer.json()["errors"]
        assert error["extensions"]["code"] == "METHOD_NOT_ALLOWED", error
        assert "POST" in error["message"]
    assert analyses_queued(url) == 0
    # The same request as a POST is a write, and queues its analysis.
    posted = httpx.post(
        f"{url}/graphql",
        json={"query": ADVISE, "variables": {"input": UNKNOWN}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()
    assert "errors" not in posted, posted
    assert analyses_queued(url) == 1
