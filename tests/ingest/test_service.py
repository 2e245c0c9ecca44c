"""The ingest service against the real embedded store: each kind of input validated whole,
bounded, written, and answered item by item; nothing of a refused input is written."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest

from tests.documents import solver_document
from thoth_graphql.domain import (
    AbsentPackage,
    Installability,
    ObservationSource,
    Provenance,
    RuntimeEnvironment,
    StackObservation,
    StackOutcome,
    VersionKey,
)
from thoth_graphql.ingest.ingest import InvalidDocuments
from thoth_graphql.ingest.limits import MAX_BATCH
from thoth_graphql.ingest.observations import MAX_DOCUMENT_REF, MAX_MESSAGE
from thoth_graphql.ingest.service import IngestService, TooManyItems, check_solver_documents
from thoth_graphql.ingest.sources import RawDocument
from thoth_graphql.store.port import DocumentRef, ObservationFilter
from thoth_graphql.store.sqlite import SqliteGraphStore

INDEX = "https://index.example/simple"
LINUX = RuntimeEnvironment(python_version="3.11", platform="linux_x86_64")


@pytest.fixture
def service(sqlite_store: SqliteGraphStore) -> IngestService:
    return IngestService(sqlite_store)


def raw(*items: object, name: str = "documents") -> list[RawDocument]:
    return [RawDocument(f"{name}[{i}]", item) for i, item in enumerate(items)]


# -- solver documents ----------------------------------------------------------------------


@pytest.mark.parametrize("atomic", [True, False], ids=["atomic", "grouped"])
async def test_solver_documents_answer_each_input_in_order(
    service: IngestService, sqlite_store: SqliteGraphStore, atomic: bool
) -> None:
    docs = raw(solver_document("doc-a"), solver_document("doc-b"), solver_document("doc-a"))
    ingested = await service.solver_documents(docs, atomic=atomic)
    assert [(o.document_id, o.written, o.releases) for o in ingested.outcomes] == [
        ("doc-a", True, 2),
        ("doc-b", True, 2),
        ("doc-a", False, 2),
    ]
    assert ingested.report.changes.versions_created == 2
    assert await sqlite_store.known_documents(["doc-a", "doc-b"]) == {"doc-a", "doc-b"}
    again = await service.solver_documents(docs[1:2], atomic=atomic)
    assert [o.written for o in again.outcomes] == [False]
    assert not again.report.changes.changed


async def test_a_bad_solver_document_is_named_and_nothing_is_written(
    service: IngestService, sqlite_store: SqliteGraphStore
) -> None:
    bad = solver_document("bad")
    bad["result"]["tree"][1]["package_version"] = "one"
    generation = await sqlite_store.generation()
    with pytest.raises(InvalidDocuments) as refused:
        await service.solver_documents(raw(solver_document("good"), bad), atomic=True)
    [error] = refused.value.errors
    assert error.source == "documents[1]"
    assert [f.path for f in error.faults] == ["$.result.tree[1].package_version"]
    assert await sqlite_store.known_documents(["good"]) == set()
    assert await sqlite_store.generation() == generation


async def test_an_atomic_ingest_takes_at_most_a_batch(
    service: IngestService, sqlite_store: SqliteGraphStore
) -> None:
    docs = raw(*(solver_document(f"doc-{i}") for i in range(MAX_BATCH + 1)))
    with pytest.raises(TooManyItems) as refused:
        await service.solver_documents(docs, atomic=True)
    assert (refused.value.given, refused.value.most) == (MAX_BATCH + 1, MAX_BATCH)
    assert (await sqlite_store.counts()).packages == 0
    # Grouped (the CLI's way) takes any number: each group is its own transaction.
    ingested = await service.solver_documents(docs)
    assert sum(o.written for o in ingested.outcomes) == MAX_BATCH + 1


async def test_paths_are_read_validated_and_written(
    service: IngestService, sqlite_store: SqliteGraphStore, tmp_path: Path
) -> None:
    (tmp_path / "a.json").write_text(json.dumps([solver_document("one"), solver_document("two")]))
    progress: list[str] = []
    report = await service.ingest_paths(
        [str(tmp_path)], lambda d: progress.append(d.ref.document_id)
    )
    assert report.written == ["one", "two"]
    assert progress == ["one", "two"]
    assert (await service.ingest_paths([str(tmp_path)])).skipped == ["one", "two"]


def not_found(document_id: str, seen: str, *names: str, releases: bool = True) -> object:
    """A solver document whose index answered "not found" for `names`, seen at `seen`."""
    data = solver_document(document_id)
    data["metadata"]["datetime"] = seen
    data["result"]["unresolved"] = [
        {"package_name": n, "index_url": INDEX, "reason": "not found on the index"} for n in names
    ]
    if not releases:
        data["result"]["tree"] = []
    return data


@pytest.mark.parametrize("atomic", [True, False], ids=["atomic", "grouped"])
async def test_packages_the_index_does_not_have_are_recorded_with_their_documents(
    service: IngestService, sqlite_store: SqliteGraphStore, atomic: bool
) -> None:
    docs = raw(
        not_found("doc-a", "2025-05-01T10:00:00+02:00", "Gone_Pkg", releases=False),
        not_found("doc-b", "2025-06-01T00:00:00Z", "gone-pkg", "lost", releases=False),
        not_found("doc-c", "2025-01-01T00:00:00Z", "lost", releases=False),
    )
    ingested = await service.solver_documents(docs, atomic=atomic)
    assert [o.written for o in ingested.outcomes] == [True, True, True]
    assert ingested.report.absences_recorded == 3  # doc-c's older sighting changes nothing
    assert await sqlite_store.absences_of(["gone-pkg", "lost"]) == [
        AbsentPackage("gone-pkg", "2025-06-01T00:00:00Z", INDEX, "doc-b"),
        AbsentPackage("lost", "2025-06-01T00:00:00Z", INDEX, "doc-b"),
    ]


async def test_a_later_document_with_releases_supersedes_an_absence(
    service: IngestService, sqlite_store: SqliteGraphStore
) -> None:
    await service.solver_documents(raw(not_found("doc-a", "2025-01-01T00:00:00Z", "numpy")))
    # The first document had numpy's releases and said numpy was not found (as a later
    # document might): the releases stay, and are what the closure holds.
    closure = await sqlite_store.load_closure(["numpy"])
    assert [r.version.version for r in closure.releases["numpy"]] == ["1.18.1"]
    assert closure.absent == {}
    await service.solver_documents(
        raw(not_found("doc-b", "2025-02-01T00:00:00Z", "toolz", releases=False))
    )
    assert (await sqlite_store.load_closure(["toolz"])).absent.keys() == {"toolz"}
    later = solver_document("doc-c")
    later["result"]["tree"] = [{"package_name": "toolz", "package_version": "1.0"}]
    await service.solver_documents(raw(later))
    closure = await sqlite_store.load_closure(["toolz"])
    assert closure.absent == {} and [r.version.version for r in closure.releases["toolz"]] == [
        "1.0"
    ]


async def test_a_malformed_absence_is_named_and_nothing_is_written(
    service: IngestService, sqlite_store: SqliteGraphStore
) -> None:
    bad_name = not_found("bad-name", "2025-01-01T00:00:00Z", "ok", "not a name!")
    bad_time = not_found("bad-time", "last tuesday", "gone")
    generation = await sqlite_store.generation()
    with pytest.raises(InvalidDocuments) as refused:
        await service.solver_documents(raw(solver_document("good"), bad_name, bad_time))
    assert [(e.source, [f.path for f in e.faults]) for e in refused.value.errors] == [
        ("documents[1]", ["$.result.unresolved[1].package_name"]),
        ("documents[2]", ["$.metadata.datetime"]),
    ]
    assert await sqlite_store.absences_of(["ok", "gone"]) == [None, None]
    assert await sqlite_store.generation() == generation


async def test_installability_is_recorded_with_its_documents(
    service: IngestService, sqlite_store: SqliteGraphStore
) -> None:
    documents = check_solver_documents(raw(solver_document("solver-x")))
    numpy = VersionKey("numpy", "1.18.1", "https://pypi.org/simple")
    said = Installability(
        numpy,
        LINUX,
        False,
        Provenance(ObservationSource.SOLVER, "solver-x", "2026-01-01T00:00:00Z"),
        "build failed",
    )
    report = await service.write_solver_documents(documents, installability=[said])
    assert report.written == ["solver-x"]
    [[found]] = await sqlite_store.installability_of([numpy])
    assert (found.installable, found.error) == (False, "build failed")


# -- OSV records -----------------------------------------------------------------------


def osv(record_id: str = "PYSEC-2021-856", summary: str = "Buffer overflow") -> dict[str, Any]:
    return {
        "id": record_id,
        "summary": summary,
        "affected": [
            {
                "package": {"ecosystem": "PyPI", "name": "NumPy"},
                "ranges": [
                    {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.22"}]}
                ],
            },
            {
                "package": {"ecosystem": "PyPI", "name": "scipy"},
                "versions": ["1.0.0"],
            },
        ],
    }


async def test_osv_records_answer_each_record_and_whether_it_changed(
    service: IngestService, sqlite_store: SqliteGraphStore
) -> None:
    first = await service.osv_records(raw(osv("A"), osv("B"), name="records"))
    assert [(o.id, [a.package for a in o.advisories], o.changed) for o in first] == [
        ("A", ["numpy", "scipy"], True),
        ("B", ["numpy", "scipy"], True),
    ]
    again = await service.osv_records(raw(osv("A"), osv("B", "A new text"), name="records"))
    assert [o.changed for o in again] == [False, True]
    assert await sqlite_store.count_advisories() == 4


async def test_a_bad_osv_record_is_named_and_nothing_is_written(
    service: IngestService, sqlite_store: SqliteGraphStore
) -> None:
    bad = osv("B")
    bad["affected"][0]["ranges"][0]["events"][1] = {"fixed": "not a version"}
    with pytest.raises(InvalidDocuments) as refused:
        await service.osv_records(raw(osv("A"), bad, name="records"))
    [error] = refused.value.errors
    assert error.source == "records[1]"
    assert [f.path for f in error.faults] == ["$.affected[0].ranges[0].events[1].fixed"]
    assert await sqlite_store.count_advisories() == 0
    with pytest.raises(TooManyItems):
        await service.osv_records(raw(*[osv(f"R-{i}") for i in range(MAX_BATCH + 1)]))
    assert await sqlite_store.count_advisories() == 0


# -- environments and stack observations ---------------------------------------------------


async def test_environments_are_registered_once(service: IngestService) -> None:
    other = RuntimeEnvironment(python_version="3.12")
    assert await service.runtime_environments([LINUX, other]) == [True, True]
    assert await service.runtime_environments([other]) == [False]


def observation(**changes: Any) -> StackObservation:
    value = StackObservation(
        packages=(VersionKey("dask", "2.10.1", INDEX),),
        environment=LINUX,
        outcome=StackOutcome.RUNTIME_FAILURE,
        provenance=Provenance(ObservationSource.INSPECTION, "inspection-1", "2026-02-01T09:00:00Z"),
        message="ImportError",
        metrics={"duration_s": 12.5},
    )
    fields = {name: getattr(value, name) for name in value.__dataclass_fields__}
    fields.update(changes)
    return StackObservation(**fields)


async def test_observations_are_recorded_once_and_their_documents_after_them(
    service: IngestService, sqlite_store: SqliteGraphStore
) -> None:
    ref = DocumentRef("inspection-1", "thoth-inspection", environment=LINUX)
    assert await service.stack_observations([observation()], [ref]) == [True]
    assert await sqlite_store.known_documents(["inspection-1"]) == {"inspection-1"}
    assert await service.stack_observations([observation()]) == [False]
    assert await sqlite_store.count_stack_observations(ObservationFilter()) == 1
    assert await sqlite_store.count_environments() == 1


def provenance(document_ref: str) -> Provenance:
    return Provenance(ObservationSource.USER, document_ref, "2026-02-01T09:00:00Z")


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"packages": ()}, "$.packages", "a stack holds at least one package."),
        (
            {"packages": (VersionKey("dask", "2.10.1", INDEX),) * (MAX_BATCH + 1)},
            "$.packages",
            f"at most {MAX_BATCH} packages.",
        ),
        ({"message": "x" * (MAX_MESSAGE + 1)}, "$.message", f"at most {MAX_MESSAGE} characters."),
        ({"metrics": {"ok": 1.0, "": 2.0}}, "$.metrics[1].name", "metric names are unique"),
        (
            {"provenance": provenance("r" * (MAX_DOCUMENT_REF + 1))},
            "$.document_ref",
            f"must hold 1 to {MAX_DOCUMENT_REF} characters.",
        ),
        ({"provenance": provenance("")}, "$.document_ref", "must hold 1 to"),
    ],
    ids=["no packages", "too many packages", "long message", "empty metric", "long ref", "no ref"],
)
async def test_an_observation_out_of_bounds_is_named_and_nothing_is_written(
    service: IngestService,
    sqlite_store: SqliteGraphStore,
    changes: dict[str, Any],
    path: str,
    message: str,
) -> None:
    ref = DocumentRef("inspection-2")
    with pytest.raises(InvalidDocuments) as refused:
        await service.stack_observations(
            [observation(), observation(**changes)], [ref], sources=["good", "bad"]
        )
    [error] = refused.value.errors
    assert error.source == "bad"
    assert [f.path for f in error.faults] == [path]
    assert error.faults[0].message.startswith(message)
    assert await sqlite_store.count_stack_observations(ObservationFilter()) == 0
    assert await sqlite_store.known_documents(["inspection-2"]) == set()


async def test_a_document_ref_as_long_as_a_document_id_is_kept(service: IngestService) -> None:
    longest = observation(provenance=provenance("r" * MAX_DOCUMENT_REF))
    assert await service.stack_observations([longest]) == [True]


# -- the one way in --------------------------------------------------------------------------

PACKAGE = Path(__file__).resolve().parents[2] / "thoth_graphql"
KNOWLEDGE_WRITES = {
    "write_releases",
    "write_advisories",
    "register_environments",
    "record_stack_observations",
    "record_installability",
    "record_absences",
}


def knowledge_writes(source: str) -> list[str]:
    """`line: method` of every knowledge write of the store that `source` names."""
    return [
        f"{node.lineno}: {node.attr}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in KNOWLEDGE_WRITES
    ]


def test_only_the_ingest_service_writes_knowledge() -> None:
    """The CLI, the resolvers, graph-sync and the demo reach these store writes only
    through IngestService (the store's adapters and the ingest package may call them)."""
    offenders = [
        f"{path.relative_to(PACKAGE)}:{found}"
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in ("store", "ingest")
        for found in knowledge_writes(path.read_text())
    ]
    assert offenders == []


def test_the_check_catches_a_store_write() -> None:
    source = "async def f(context):\n    await context.store.write_advisories([])\n"
    assert knowledge_writes(source) == ["2: write_advisories"]
