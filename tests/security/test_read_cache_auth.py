"""Issue 11.7: the read cache never serves an answer computed after consulting the token:
a writer's `advise(solveUnknown: true)` must not reach an anonymous client."""

from __future__ import annotations

import httpx

ADVISE = """query ($input: AdviseInput!) {
  advise(input: $input) { unresolved analyses { analysisId kind } }
}"""
UNKNOWN = {"requirements": ["no-such-package-for-thoth"], "solveUnknown": True}
KNOWN = {"requirements": ["dask"], "solveUnknown": True}


def post(url: str, token: str | None, input: dict[str, object]) -> dict[str, object]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = httpx.post(
        f"{url}/graphql",
        json={"query": ADVISE, "variables": {"input": input}},
        headers=headers,
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


def test_a_writers_advise_is_not_served_to_an_anonymous_client(
    served: tuple[str, str],
) -> None:
    url, token = served
    # dask is known: nothing is queued, so the graph (and the cache's generation) stays.
    written = post(url, token, KNOWN)
    assert "errors" not in written, written
    assert written["data"] == {"advise": {"unresolved": [], "analyses": []}}

    anonymous = post(url, None, KNOWN)
    assert anonymous["data"] is None, anonymous
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == [  # type: ignore[attr-defined]
        "UNAUTHENTICATED"
    ]
