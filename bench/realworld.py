"""advise against `uv pip compile` on the real-world corpus (bench/corpus/), side by side.

    .venv/bin/python -m bench.realworld [--sets jupyter,boto3,...] [--time-limit-ms 20000]
        [--no-server] [--no-uv]

For each set: its solver documents go into a fresh embedded store (`ingest`); advise
answers LATEST and STABLE for CPython 3.12 on linux x86_64 through the advise service in
process (cold: the first request, with the closure load and the snapshot; warm: the same
request again, on the cached snapshot), and a fresh `thoth-graphql serve` process answers
LATEST through GraphQL (cold: its first request; start-up to ready printed apart).
`uv pip compile` (from PyPI; UV_PYTHON_DOWNLOADS=never) resolves the same roots for
`--python-version 3.12 --python-platform x86_64-manylinux_2_28` against a loopback index
serving the same corpus (bench/corpus_index.py): cold with `--no-cache`, warm with a
cache directory filled by a first run; whole-process times.

Both answers are checked independently of the scorer (bench/stack_validity.py): every
requirement reachable from the roots satisfied by the pins, markers evaluated with
packaging for the environment, Requires-Python by pip's rule. The versions that differ
between advise LATEST and uv are listed with the reason when one is known: uv ignores
Requires-Python upper bounds, pip (and advise) do not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from bench.corpus_capture import CORPUS, REQUIREMENTS, SETS, read_roots
from bench.corpus_index import load_documents, serving
from bench.stack_validity import Verdict, check, python_admits, releases
from thoth_graphql.advise_service import AdviseService
from thoth_graphql.domain import RuntimeEnvironment, marker_environment
from thoth_graphql.ingest import ingest_paths
from thoth_graphql.scorer import AdviseRequest, AdviseResult, RecommendationType
from thoth_graphql.store.factory import GRAPH_FILE
from thoth_graphql.store.sqlite import SqliteGraphStore

ENVIRONMENT = RuntimeEnvironment(python_version="3.12", os_name="linux", platform="linux_x86_64")
GRAPHQL_ENVIRONMENT = {"pythonVersion": "3.12", "osName": "linux", "platform": "linux_x86_64"}
UV_PLATFORM = "x86_64-manylinux_2_28"
UV_TIMEOUT_S = 600
BIN = Path(sys.executable).parent

ADVISE = """
query Advise($input: AdviseInput!) {
  advise(input: $input) {
    optimal unresolved
    unsatisfiable { message conflicts }
    stacks { packages { name version } }
  }
}
"""


@dataclass
class Answer:
    """One resolver's answer for a set."""

    label: str
    pins: dict[str, str] = field(default_factory=dict)
    cold_s: float | None = None
    warm_s: float | None = None
    outcome: str = ""
    optimal: bool | None = None
    verdict: Verdict | None = None


def requirement_lines(path: Path) -> list[str]:
    return [str(r) for r in read_roots(path)]


def describe(result: AdviseResult) -> str:
    if result.stacks:
        return "stack"
    if result.unsatisfiable is not None:
        return unsatisfiable(result.unsatisfiable.message, result.unsatisfiable.conflicts)
    if result.missing:
        return f"missing packages: {', '.join(result.missing[:5])}"
    return "no answer within limit"


def unsatisfiable(message: str, conflicts: Sequence[str]) -> str:
    """The outcome of a proof: its message and the first chain, which names the clash."""
    chain = f"; {conflicts[0][:160]}" if conflicts else ""
    return f"unsatisfiable: {message.splitlines()[0][:100]}{chain}"


async def advise_in_process(
    store: SqliteGraphStore, lines: list[str], kind: RecommendationType, limit_ms: int
) -> Answer:
    """Cold on a fresh service (closure load, snapshot, search), then warm (search)."""
    service = AdviseService(store)  # a fresh one per type: cold means no cached snapshot
    request = AdviseRequest(
        tuple(lines), environment=ENVIRONMENT, recommendation_type=kind, time_limit_ms=limit_ms
    )
    answer = Answer(f"advise {kind.value}")
    started = time.perf_counter()
    try:
        result = await service.advise(request)
    except Exception as error:  # a scorer fault is a result of this bench, not its end
        answer.cold_s = time.perf_counter() - started
        answer.outcome = f"error: {type(error).__name__}: {error}"
        return answer
    answer.cold_s = time.perf_counter() - started
    warm = []
    for _ in range(3 if answer.cold_s < 5 else 1):
        started = time.perf_counter()
        await service.advise(request)
        warm.append(time.perf_counter() - started)
    answer.warm_s = statistics.median(warm)
    answer.outcome = describe(result)
    answer.optimal = result.optimal
    if result.stacks:
        answer.pins = {canonicalize_name(p.name): p.version for p in result.stacks[0].packages}
    return answer


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def advise_server_cold(data_dir: Path, lines: list[str], limit_ms: int) -> tuple[float, Answer]:
    """A fresh `thoth-graphql serve`: start-up to ready, and its first advise request."""
    port = free_port()
    command = [str(BIN / "thoth-graphql"), "serve", "--data-dir", str(data_dir)]
    command += ["--port", str(port)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    answer = Answer("advise LATEST, fresh server")
    try:
        url = f"http://127.0.0.1:{port}/graphql"
        with httpx.Client(timeout=limit_ms / 1000 + 120) as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"serve exited: {process.stderr.read().decode()[-500:]}")  # type: ignore[union-attr]
                try:
                    client.post(url, json={"query": "{ __typename }"})
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            ready = time.perf_counter() - started
            variables = {
                "input": {
                    "requirements": lines,
                    "runtimeEnvironment": GRAPHQL_ENVIRONMENT,
                    "recommendationType": "LATEST",
                    "timeLimitMs": limit_ms,
                }
            }
            begun = time.perf_counter()
            response = client.post(url, json={"query": ADVISE, "variables": variables})
            answer.cold_s = time.perf_counter() - begun
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    try:
        body = response.json()
    except ValueError:
        answer.outcome = f"error: HTTP {response.status_code}, not JSON"
        return ready, answer
    if body.get("errors"):
        answer.outcome = f"error: {body['errors'][0].get('message', '')[:100]}"
        return ready, answer
    result = body["data"]["advise"]
    answer.optimal = result["optimal"]
    if result["stacks"]:
        answer.outcome = "stack"
        answer.pins = {
            canonicalize_name(p["name"]): p["version"] for p in result["stacks"][0]["packages"]
        }
    elif result["unsatisfiable"]:
        found = result["unsatisfiable"]
        answer.outcome = unsatisfiable(found["message"], found["conflicts"])
    elif result["unresolved"]:
        names = [u.split(":", 1)[0] for u in result["unresolved"]]
        answer.outcome = f"missing packages: {', '.join(names[:5])}"
    else:
        answer.outcome = "no answer within limit"
    return ready, answer


def parse_pins(text: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            requirement = Requirement(line)
            version = next(iter(requirement.specifier)).version
            pins[canonicalize_name(requirement.name)] = version
    return pins


def uv_compile(requirements: Path, index_url: str, cache: Path | None) -> tuple[float, str, str]:
    command = [str(BIN / "uv"), "pip", "compile", str(requirements), "--index-url", index_url]
    # --python: the interpreter uv would use for builds (there are none: --no-build); it
    # spares uv a search for a 3.12 interpreter. The target is --python-version.
    command += ["--python", sys.executable, "--python-version", "3.12"]
    command += ["--python-platform", UV_PLATFORM]
    command += ["--no-header", "--no-annotate", "--no-build", "--no-config", "--quiet"]
    command += ["--no-cache"] if cache is None else ["--cache-dir", str(cache)]
    environment = {**os.environ, "UV_PYTHON_DOWNLOADS": "never", "NO_COLOR": "1"}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, env=environment, timeout=UV_TIMEOUT_S
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - started, "", f"no answer within {UV_TIMEOUT_S} s"
    seconds = time.perf_counter() - started
    return seconds, done.stdout if done.returncode == 0 else "", done.stderr


def uv_answer(requirements: Path, documents: list[dict[str, Any]], scratch: Path) -> Answer:
    answer = Answer("uv pip compile")
    with serving(documents) as index_url:
        answer.cold_s, out, err = uv_compile(requirements, index_url, None)
        cache = scratch / "uv-cache"
        uv_compile(requirements, index_url, cache)
        answer.warm_s, _, _ = uv_compile(requirements, index_url, cache)
    if out:
        answer.outcome = "stack"
        answer.pins = parse_pins(out)
    else:
        tail = [line for line in err.splitlines() if line.strip()]
        answer.outcome = "failed: " + " | ".join(tail[:3])[:300]
    return answer


def differences(
    advise: Mapping[str, str],
    uv: Mapping[str, str],
    table: Mapping[str, Mapping[Version, Mapping[str, Any]]],
    python: str,
) -> list[str]:
    lines = []
    for name in sorted(advise.keys() | uv.keys()):
        ours, theirs = advise.get(name), uv.get(name)
        if ours == theirs:
            continue
        why = ""
        if theirs is not None:
            entry = table.get(name, {}).get(Version(theirs), {})
            if not python_admits(entry.get("requires_python"), python):
                bound = entry["requires_python"]
                why = f"uv ignores Requires-Python upper bounds: {theirs} requires {bound}"
        if not why and ours and theirs:
            why = "newer in advise" if Version(ours) > Version(theirs) else "newer in uv"
        elif not why:
            why = "only in advise" if theirs is None else "only in uv"
        lines.append(f"{name}: advise {ours or '-'}, uv {theirs or '-'} ({why})")
    return lines


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def validity(verdict: Verdict | None) -> str:
    if verdict is None:
        return "-"
    if verdict.valid:
        return "valid"
    kinds = sorted({v.kind for v in verdict.violations})
    return f"INVALID ({len(verdict.violations)}: {', '.join(kinds)})"


async def run_set(name: str, args: argparse.Namespace) -> dict[str, Any]:
    path = CORPUS / f"{name}.json.gz"
    requirements = REQUIREMENTS / SETS[name][0]
    lines = requirement_lines(requirements)
    roots = [Requirement(line) for line in lines]
    documents = load_documents(path)
    table = releases(documents)
    values = marker_environment(ENVIRONMENT)
    versions = sum(len(d["result"]["tree"]) for d in documents)
    edges = sum(len(e["dependencies"]) for d in documents for e in d["result"]["tree"])
    row: dict[str, Any] = {"set": name, "packages": len(documents), "versions": versions}
    row["edges"] = edges
    print(
        f"\n{name}: {len(lines)} roots; closure {len(documents):,} packages, "
        f"{versions:,} versions, {edges:,} edges",
        flush=True,
    )
    answers: list[Answer] = []
    with tempfile.TemporaryDirectory(prefix="realworld-") as tmp:
        scratch = Path(tmp)
        data_dir = scratch / "data"
        data_dir.mkdir()
        store = SqliteGraphStore(data_dir / GRAPH_FILE)
        await store.open()
        started = time.perf_counter()
        await ingest_paths(store, [str(path)])
        row["ingest_s"] = time.perf_counter() - started
        print(f"  ingest {row['ingest_s']:.1f} s", flush=True)
        try:
            for kind in (RecommendationType.LATEST, RecommendationType.STABLE):
                answer = await advise_in_process(store, lines, kind, args.time_limit_ms)
                answers.append(answer)
                print(
                    f"  {answer.label}: {answer.outcome}, cold {seconds(answer.cold_s)}, "
                    f"warm {seconds(answer.warm_s)}",
                    flush=True,
                )
        finally:
            await store.close()
        if not args.no_server:
            ready, answer = await asyncio.to_thread(
                advise_server_cold, data_dir, lines, args.time_limit_ms
            )
            row["server_ready_s"] = ready
            answers.append(answer)
            print(
                f"  {answer.label}: {answer.outcome}, ready {ready:.2f} s, "
                f"first request {seconds(answer.cold_s)}",
                flush=True,
            )
        if not args.no_uv:
            answer = await asyncio.to_thread(uv_answer, requirements, documents, scratch)
            answers.append(answer)
            print(
                f"  {answer.label}: {answer.outcome[:300]}, cold {seconds(answer.cold_s)}, "
                f"warm {seconds(answer.warm_s)}",
                flush=True,
            )
    for answer in answers:
        if answer.pins:
            answer.verdict = check(answer.pins, roots, table, values)
    for answer in answers:
        print(
            f"  {answer.label:28} {answer.outcome[:40]:40} pins {len(answer.pins):4}  "
            f"{validity(answer.verdict)}  optimal {answer.optimal}"
        )
        if answer.pins:
            named = [canonicalize_name(r.name) for r in roots]
            pinned = [f"{n}=={answer.pins[n]}" for n in dict.fromkeys(named) if n in answer.pins]
            print(f"      roots: {' '.join(pinned[:8])}{' ...' if len(pinned) > 8 else ''}")
        if answer.verdict and not answer.verdict.valid:
            for violation in answer.verdict.violations[:5]:
                print(f"      {violation.kind}: {violation.message}")
    latest = answers[0]
    uv = next((a for a in answers if a.label.startswith("uv")), None)
    diff: list[str] | None = None
    if uv and latest.pins and uv.pins:
        diff = differences(latest.pins, uv.pins, table, values["python_full_version"])
        print(f"  advise LATEST vs uv: {len(diff)} differ")
        for line in diff[:25]:
            print(f"      {line}")
        if len(diff) > 25:
            print(f"      ... {len(diff) - 25} more")
    row["answers"] = {
        a.label: {
            "outcome": a.outcome,
            "pins": len(a.pins),
            "valid": None if a.verdict is None else a.verdict.valid,
            "optimal": a.optimal,
            "cold_s": a.cold_s,
            "warm_s": a.warm_s,
        }
        for a in answers
    }
    row["differences"] = diff
    return row


def cell(answer: Mapping[str, Any] | None) -> str:
    """One resolver's verdict and its cold and warm times."""
    if answer is None:
        return f"{'-':33}"
    if answer["outcome"] == "stack":
        state = "valid" if answer["valid"] else "INVALID"
    else:
        state = answer["outcome"].split(":", 1)[0].split(" ", 1)[0]
        state = {"unsatisfiable": "unsat", "no": "no answer"}.get(state, state)
    state += "*" if answer.get("optimal") else " "
    return f"{state:14} {seconds(answer['cold_s']):>8} {seconds(answer['warm_s']):>8}"


def table(rows: Sequence[dict[str, Any]]) -> None:
    print(
        f"\n{'set':18} {'pkgs':>5} {'vers':>5} {'edges':>7} | {'LATEST':14} {'cold':>8} "
        f"{'warm':>8} | {'STABLE':14} {'cold':>8} {'warm':>8} | {'serve 1st':>9} | "
        f"{'uv':14} {'cold':>8} {'warm':>8} | diff"
    )
    for row in rows:
        answers = row["answers"]
        server = answers.get("advise LATEST, fresh server")
        first = seconds(server["cold_s"]) if server else "-"
        diff = row["differences"]
        print(
            f"{row['set']:18} {row['packages']:5} {row['versions']:5} {row['edges']:7} | "
            f"{cell(answers.get('advise LATEST'))} | {cell(answers.get('advise STABLE'))} | "
            f"{first:>9} | {cell(answers.get('uv pip compile'))} | "
            f"{'-' if diff is None else len(diff)}"
        )
    print(
        "* proven optimal. advise: in process, cold (fresh service: closure load, snapshot,"
        " search) and warm (same request again); serve 1st: first request to a fresh"
        " `thoth-graphql serve`; uv: whole process, --no-cache and warm cache; diff: versions"
        " that differ between advise LATEST and uv"
    )


async def main(args: argparse.Namespace) -> None:
    rows = [await run_set(name, args) for name in args.sets]
    table(rows)
    if args.json:
        text = json.dumps(rows, indent=1, default=str)
        await asyncio.to_thread(Path(args.json).write_text, text)


if __name__ == "__main__":
    manifest = json.loads((CORPUS / "manifest.json").read_text())
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default=",".join(s for s in SETS if s in manifest))
    parser.add_argument("--time-limit-ms", type=int, default=20_000)
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument("--no-uv", action="store_true")
    parser.add_argument("--json", help="also write the rows to this file")
    arguments = parser.parse_args()
    arguments.sets = [s for s in arguments.sets.split(",") if s]
    if shutil.which(str(BIN / "uv")) is None and not arguments.no_uv:
        sys.exit("uv is missing: .venv/bin/pip install uv")
    asyncio.run(main(arguments))
