"""Fragment bombs against `serve --demo`: how long each takes to be answered, what the
answer is, and the slowest /healthz answer while it is in flight."""

from __future__ import annotations

import contextlib
import threading
import time

import httpx

from bench.demo_server import demo_server

CASES = ((4, 30), (8, 40))
"""(levels, spreads): issue 11's two documents, 869 and 2,173 bytes."""
GIVE_UP_SECONDS = 40.0


def bomb(levels: int, spreads: int) -> str:
    """Level i is a fragment spreading level i - 1 `spreads` times: no aliases, no depth,
    spreads**levels fields once expanded."""
    fragments = ["fragment F0 on Query { __typename }"]
    for level in range(1, levels + 1):
        fragments.append(f"fragment F{level} on Query {{ {f' ...F{level - 1}' * spreads} }}")
    return f"{{ ...F{levels} }}\n" + "\n".join(fragments)


def main() -> None:
    with demo_server("--workers", "0") as url:
        httpx.post(f"{url}/graphql", json={"query": "{ __typename }"})
        for levels, spreads in CASES:
            document = bomb(levels, spreads)
            answer: list[str] = []
            started = time.monotonic()

            def send(document: str = document, answer: list[str] = answer) -> None:
                try:
                    body = httpx.post(
                        f"{url}/graphql", json={"query": document}, timeout=GIVE_UP_SECONDS
                    ).json()
                    errors = body.get("errors")
                    answer.append(errors[0]["message"] if errors else "executed")
                except httpx.TimeoutException:
                    answer.append(f"no answer within {GIVE_UP_SECONDS:g} s")

            sender = threading.Thread(target=send)
            sender.start()
            worst = 0.0
            while sender.is_alive():
                polled = time.monotonic()
                with contextlib.suppress(httpx.TimeoutException):
                    httpx.get(f"{url}/healthz", timeout=GIVE_UP_SECONDS)
                worst = max(worst, time.monotonic() - polled)
                time.sleep(0.01)
            elapsed = time.monotonic() - started
            print(
                f"{levels} x {spreads} spreads ({len(document)} B): {elapsed:.2f} s, "
                f"{answer[0]!r}; slowest /healthz {worst:.2f} s",
                flush=True,
            )
            if elapsed >= GIVE_UP_SECONDS:
                break  # the server is stuck: its stop (SIGTERM, then SIGKILL) ends it


if __name__ == "__main__":
    main()
