"""Fuzz the running API with schemathesis in GraphQL mode: no 5xx, no unmasked error.

    .venv/bin/python -m bench.fuzz [--operations 1000] [--seed 0]

Starts `thoth-graphql serve --demo` on a free loopback port, creates an admin token (so
mutations get past UNAUTHENTICATED to their input checks), loads the schema by
introspection and has schemathesis generate operations for every root field, queries and
mutations alike, until at least `--operations` have been sent. Every response is checked:

- its status is below 500 (requests ask for each media type in turn), and its body is a
  JSON object with `data` or `errors`;
- every error has `extensions.code`, and an INTERNAL_SERVER_ERROR says nothing but
  "Internal server error." (no exception text of the server's own reaches the client);
- no traceback anywhere in the body.

Prints the operations sent per root field, the statuses and error codes seen, and the
tracebacks in the server's log (masked internal errors: the client learnt nothing, but
each is a bug). Exits 1 on any 5xx or unmasked error.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

import requests
import schemathesis
from graphql import (
    BooleanValueNode,
    FloatValueNode,
    IntValueNode,
    ListValueNode,
    NameNode,
    NullValueNode,
    ObjectFieldNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Err, Ok
from schemathesis.generation.case import Case
from schemathesis.schemas import APIOperation

from bench.demo_server import demo_server

MASKED_MESSAGE = "Internal server error."
ACCEPT = ("application/json", "application/graphql-response+json")
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/')


def json_node(value: Any) -> ValueNode:
    """A JSON value as a GraphQL literal."""
    if value is None:
        return NullValueNode()
    if isinstance(value, bool):
        return BooleanValueNode(value=value)
    if isinstance(value, int):
        return IntValueNode(value=str(value))
    if isinstance(value, float):
        return FloatValueNode(value=repr(value))
    if isinstance(value, str):
        return StringValueNode(value=value)
    if isinstance(value, list):
        return ListValueNode(values=tuple(json_node(v) for v in value))
    return ObjectValueNode(
        fields=tuple(
            ObjectFieldNode(name=NameNode(value=k), value=json_node(v)) for k, v in value.items()
        )
    )


def register_scalars() -> None:
    """Strategies for the schema's custom scalars (schemathesis knows only the built-in)."""
    names = st.from_regex(r"[_A-Za-z][_0-9A-Za-z]{0,12}", fullmatch=True)
    leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
    json_values = st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(names, inner, max_size=4),
        max_leaves=12,
    )
    schemathesis.graphql.scalar("JSON", json_values.map(json_node))
    datetimes = st.datetimes(timezones=st.none() | st.just(UTC)).map(lambda d: d.isoformat())
    schemathesis.graphql.scalar("DateTime", (datetimes | st.text()).map(json_node))


@dataclass
class Tally:
    sent: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    unmasked: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.sent.values())


def check(case: Case[Any], status: int, text: str, tally: Tally) -> None:
    label = case.operation.label
    tally.sent[label] += 1
    tally.statuses[status] += 1
    where = f"{label}: {case.body!r}"
    if status >= 500:
        tally.server_errors.append(f"{status} {where}")
    if any(marker in text for marker in TRACEBACK_MARKERS):
        tally.unmasked.append(f"traceback in the body: {where}")
    try:
        body: Any = json.loads(text)
    except ValueError:
        tally.unmasked.append(f"not JSON ({status}): {where}: {text[:200]}")
        return
    if not isinstance(body, dict) or not ({"data", "errors"} & body.keys()):
        tally.unmasked.append(f"not a GraphQL response ({status}): {where}: {text[:200]}")
        return
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        tally.codes[str(code)] += 1
        if not code:
            tally.unmasked.append(f"an error without a code: {where}: {error}")
        elif code == "INTERNAL_SERVER_ERROR" and error.get("message") != MASKED_MESSAGE:
            tally.unmasked.append(f"an internal error's message: {where}: {error}")


def fuzz(
    operation: APIOperation[Any, Any, Any, Any],
    examples: int,
    seed: int,
    session: requests.Session,
    headers: dict[str, str],
    tally: Tally,
) -> None:
    @hypothesis_seed(seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(operation.as_strategy())
    def send(case: Case[Any]) -> None:
        # Both media types, in turn: their status codes differ for request errors.
        accept = {"Accept": ACCEPT[tally.total % len(ACCEPT)]}
        response = case.call(session=session, headers=headers | accept, timeout=30)
        check(case, response.status_code, response.text, tally)

    send()


def load(
    result: Ok[APIOperation[Any, Any, Any, Any]] | Err[InvalidSchema],
) -> APIOperation[Any, Any, Any, Any]:
    """The operation schemathesis read from the schema, or the reason it could not."""
    if isinstance(result, Err):
        raise result.err()
    return result.ok()


def create_token(data_dir: Path) -> str:
    command = ["token", "create", "--data-dir", str(data_dir), "--scope", "admin", "--name", "f"]
    created = subprocess.run(
        [sys.executable, "-m", "thoth_graphql", *command],
        capture_output=True,
        text=True,
        check=True,
    )
    return created.stdout.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=1000, help="at least this many")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    register_scalars()
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="thoth-fuzz-") as tmp:
        data_dir, log = Path(tmp) / "data", Path(tmp) / "serve.log"
        with demo_server(data_dir=data_dir, log=log) as url, requests.Session() as session:
            headers = {"Authorization": f"Bearer {create_token(data_dir)}"}
            schema = schemathesis.graphql.from_url(f"{url}/graphql")
            operations = [load(result) for result in schema.get_all_operations()]
            # Hypothesis stops early on small input spaces, so go round again with other
            # seeds until enough operations were sent (at most 10 rounds).
            for round_ in range(10):
                missing = args.operations - tally.total
                if missing <= 0:
                    break
                per_operation = max(10, math.ceil(missing / len(operations) * 1.2))
                for operation in operations:
                    fuzz(operation, per_operation, args.seed + round_, session, headers, tally)
        tracebacks = log.read_text(errors="replace").count("Traceback (most recent call last)")

    print(f"{tally.total} operations over {len(tally.sent)} root fields:")
    for label, count in sorted(tally.sent.items()):
        print(f"  {label:<40} {count:5}")
    print("statuses:", dict(sorted(tally.statuses.items())))
    print("error codes:", dict(tally.codes.most_common()))
    print(f"5xx responses: {len(tally.server_errors)}")
    print(f"unmasked errors: {len(tally.unmasked)}")
    print(f"tracebacks in the server log (masked internal errors): {tracebacks}")
    for problem in [*tally.server_errors, *tally.unmasked][:20]:
        print("  ", problem)
    return 1 if tally.server_errors or tally.unmasked else 0


if __name__ == "__main__":
    sys.exit(main())
