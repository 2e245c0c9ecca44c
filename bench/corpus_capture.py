"""Capture real-world closures from a package index as solver documents (bench/corpus/).

    .venv/bin/python -m bench.corpus_capture [SET ...] [--index-url URL] [--cut 2025-06-01]
        [--newest N] [--concurrency 24] [--out bench/corpus]

For each set (uv's real-world requirement files, copied into bench/corpus/requirements/)
the closure is walked from its roots: every package a selected release depends on, with
the extras actually requested. Markers stay unevaluated in the documents; only the walk
evaluates them, for Python 3.12 on linux x86_64 (REACH), to decide what is reachable.

Per package the versions are bounded, so that capture takes minutes and the data stays
small: the newest N releases (uploaded before the date cut) in each range a specifier
reaching the package names, pre-releases by pip's rules, yanked releases only for an
exact pin. boto3, botocore and s3transfer keep their full history before the cut.

Every release goes through analyzer_runner's Solver (its metadata reading, Requires-Dist
parsing and tree entries): the PEP 658 file of the preferred wheel, else the wheel's
METADATA read by HTTP range requests (analyzer_runner.wheel_range), else a small sdist's
PKG-INFO (sdists up to SDIST_DOWNLOAD_CAP): static by PEP 643, or else taken as written
with its egg-info's requires.txt (read by importlib.metadata) and marked
`"metadata_static": false`: pip would build the sdist, and setuptools wrote these from
the same setup() call. Nothing is built: the other sdist-only releases (too large, no
PKG-INFO) are `errors` entries with the reason.

Each set is written as `<set>.json.gz`, a JSON array of one solver document per package,
and bench/corpus/manifest.json records the parameters and counts of every capture.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gzip
import importlib.metadata
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from analyzer_runner import ANALYZER_VERSION
from analyzer_runner.artifacts import Artifact, best_wheel, by_version
from analyzer_runner.index import IndexClient, IndexFault
from analyzer_runner.metadata import (
    CoreMetadata,
    InvalidMetadata,
    _sdist_members,
    parse_core_metadata,
    sdist_static_metadata,
)
from analyzer_runner.solver import Metadata, Solver, VersionFailed
from analyzer_runner.tags import supported_tags
from analyzer_runner.wheel_range import RangeReadError, Transfer, read_wheel_metadata
from bench.pypi_egress import egress_environment
from thoth_analysis_request.document import SolverRequest
from thoth_analysis_request.environment import Environment
from thoth_graphql.domain import RuntimeEnvironment, marker_environment

CORPUS = Path(__file__).parent / "corpus"
REQUIREMENTS = CORPUS / "requirements"
INDEX_URL = "https://pypi.org/simple"
CUT = "2025-06-01"
NEWEST = 10
ROOTS = "roots"
FULL_HISTORY: dict[str, frozenset[str] | str] = {
    "boto3": frozenset({"boto3", "botocore", "s3transfer"}),
    # The small backtracking cases need old releases of their roots (their known-good
    # answers pin fastapi 0.1.17, numba 0.53.1): every release of the roots.
    "numpy-numba": ROOTS,
    "numpy-sparse": ROOTS,
    "sentry": ROOTS,
    "starlette-fastapi": ROOTS,
}
"""Per set, the packages captured with every release before the cut."""
REACH = RuntimeEnvironment(python_version="3.12", os_name="linux", platform="linux_x86_64")
ENVIRONMENT = Environment(python_version="3.12", os_name="linux", platform="linux_x86_64")
WHEEL_DOWNLOAD_CAP = 256 * 1024 * 1024
"""A server that ignores Range sends the whole wheel: up to this size."""
SDIST_DOWNLOAD_CAP = 2 * 1024 * 1024

SETS: dict[str, tuple[str, int | None]] = {
    # set: (requirements file, newest releases per specifier range; None: full history)
    "jupyter": ("jupyter.in", NEWEST),
    "boto3": ("boto3.in", NEWEST),
    "airflow": ("airflow.in", NEWEST),
    "home-assistant": ("home-assistant.in", NEWEST),
    "apache-beam-dill": ("backtracking/apache-beam-dill.in", NEWEST),
    "numpy-numba": ("backtracking/numpy-numba.in", NEWEST),
    "numpy-sparse": ("backtracking/numpy-sparse.in", NEWEST),
    "sentry": ("backtracking/sentry.in", NEWEST),
    "starlette-fastapi": ("backtracking/starlette-fastapi.in", NEWEST),
}


def read_roots(path: Path) -> list[Requirement]:
    """The requirements of a requirements file (comments, options and blanks skipped)."""
    roots: list[Requirement] = []
    for line in path.read_text().splitlines():
        text = line.split(" #", 1)[0].strip()
        if not text or text.startswith(("#", "-")):
            continue
        try:
            roots.append(Requirement(text))
        except InvalidRequirement as error:
            print(f"  {path.name}: skipped {text!r}: {error}", file=sys.stderr)
    return roots


def reaches(marker: str | None, extras: Iterable[str]) -> bool:
    """Whether a dependency applies on REACH for any of the requested extras."""
    if marker is None:
        return True
    values = marker_environment(REACH)
    parsed = Marker(marker)
    return any(parsed.evaluate({**values, "extra": extra}) for extra in ("", *extras))


class CorpusSolver(Solver):
    """analyzer_runner's Solver, without builds: the capture runs no package code.

    A wheel without a PEP 658 file is read with range requests (wheel_range), as pip
    and uv do, instead of being downloaded.
    """

    def __init__(self, index: IndexClient, http: httpx.AsyncClient, concurrency: int) -> None:
        super().__init__(index, sandbox=None)  # type: ignore[arg-type]
        self.http = http
        self._fetches = asyncio.Semaphore(concurrency)
        self.transfer = Transfer()
        self.not_static: dict[tuple[str, str], str] = {}
        """(name, version) of sdist-only releases read from a PKG-INFO not declared
        static, with its Metadata-Version."""

    async def _from_wheel(
        self, artifact: Artifact, folder: Path, transfer: Transfer
    ) -> CoreMetadata:
        try:
            async with self._fetches:
                data = await read_wheel_metadata(
                    self.http,
                    artifact.url,
                    sha256=artifact.sha256,
                    transfer=transfer,
                    limit=WHEEL_DOWNLOAD_CAP,
                )
        except RangeReadError as error:
            raise IndexFault(f"{artifact.filename}: {error}") from error
        except httpx.HTTPError as error:
            raise IndexFault(f"{artifact.filename}: {error}") from error
        finally:
            self.transfer.requests += transfer.requests
            self.transfer.bytes += transfer.bytes
        return parse_core_metadata(data)

    async def _from_sdist(
        self, artifact: Artifact, folder: Path, request: SolverRequest, transfer: Transfer
    ) -> Metadata:
        try:
            async with self._fetches:
                path, _ = await self.index.download(artifact, folder, limit=SDIST_DOWNLOAD_CAP)
        except IndexFault as error:
            raise VersionFailed(
                "sdist_only", f"sdist-only release, not read: {error}", artifact.filename
            ) from None
        try:
            static = await asyncio.to_thread(sdist_static_metadata, path)
            if static is not None:
                return Metadata(static, "sdist-pkg-info", artifact, transfer)
            declared = await asyncio.to_thread(self._declared_pkg_info, path, artifact)
        finally:
            path.unlink(missing_ok=True)
        self.not_static[(artifact.name, str(artifact.version))] = declared.metadata_version
        return Metadata(declared, "sdist-pkg-info", artifact, transfer)

    @staticmethod
    def _declared_pkg_info(path: Path, artifact: Artifact) -> CoreMetadata:
        """PKG-INFO not declared static (PEP 643), taken as written.

        pip would build the sdist; what setuptools wrote into the sdist came from the
        same setup() call: Requires-Dist in PKG-INFO from Metadata-Version 2.1 on, else
        `egg-info/requires.txt`, read as importlib.metadata reads an installed egg-info.
        """
        names = sorted({artifact.name, artifact.name.replace("-", "_")})
        folders = [f"{n}.egg-info" for n in names]
        # Some sdists carry PKG-INFO only in their egg-info folder (dill 0.3.1.1).
        infos = ["PKG-INFO", *(f"{f}/PKG-INFO" for f in folders)]
        requires = [f"{f}/requires.txt" for f in folders]
        members = _sdist_members(path, {*infos, *requires})
        info = next((members[i] for i in infos if i in members), None)
        if info is None:
            raise VersionFailed("sdist_only", "sdist without PKG-INFO", artifact.filename)
        try:
            core = parse_core_metadata(info)
        except InvalidMetadata as error:
            raise VersionFailed("sdist_only", str(error), artifact.filename) from None
        if core.requires_dist:
            return core
        listed = next((members[r] for r in requires if r in members), b"")
        egg_info = _EggInfo({"PKG-INFO": info, "requires.txt": listed})
        return dataclasses.replace(core, requires_dist=tuple(egg_info.requires or ()))


class _EggInfo(importlib.metadata.Distribution):
    """An egg-info folder's files, for importlib.metadata's reading of requires.txt."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self._egg_files = files

    def read_text(self, filename: str) -> str | None:
        data = self._egg_files.get(filename)
        return None if data is None else data.decode("utf-8", "replace")

    def locate_file(self, path: str | os.PathLike[str]) -> Path:
        raise NotImplementedError("an sdist's egg-info has no installed files")


@dataclass
class Project:
    """One package of the closure: what reaches it and what was read of it."""

    name: str
    specifiers: set[str] = field(default_factory=set)
    extras: set[str] = field(default_factory=set)
    groups: dict[Version, list[Artifact]] | None = None
    missing: bool = False
    tree: dict[Version, dict[str, Any]] = field(default_factory=dict)
    errors: dict[Version, dict[str, Any]] = field(default_factory=dict)
    running: bool = False
    again: bool = False

    def wanted(self, newest: int | None) -> set[Version]:
        """The versions the bound selects from what reaches this package."""
        assert self.groups is not None
        if newest is None:
            return set(self.groups)
        chosen: set[Version] = set()
        for text in self.specifiers or {""}:
            spec = SpecifierSet(text)
            pinned = any(s.operator in ("==", "===") and "*" not in s.version for s in spec)
            usable = [
                v for v, files in self.groups.items() if pinned or not all(a.yanked for a in files)
            ]
            chosen.update(sorted(spec.filter(usable), reverse=True)[:newest])
        return chosen


class Capture:
    """The closure walk of one set."""

    def __init__(
        self, solver: CorpusSolver, index_url: str, cut: str, newest: int | None, pages: int
    ) -> None:
        self.solver = solver
        self.index_url = index_url
        self.cut = cut
        self.newest = newest
        self.full_history: frozenset[str] = frozenset()
        self.projects: dict[str, Project] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.pages = asyncio.Semaphore(pages)
        self.supported = supported_tags(ENVIRONMENT)
        self.scratch = tempfile.TemporaryDirectory(prefix="corpus-capture-")

    def bound(self, name: str) -> int | None:
        return None if name in self.full_history else self.newest

    def reach(self, name: str, specifier: str, extras: Iterable[str]) -> None:
        key = canonicalize_name(name)
        project = self.projects.setdefault(key, Project(key))
        new_extras = {canonicalize_name(e) for e in extras} - project.extras
        if specifier in project.specifiers and not new_extras and project.groups is not None:
            return
        project.specifiers.add(specifier)
        project.extras |= new_extras
        if project.running:
            project.again = True
        else:
            project.running = True
            self.tasks.add(asyncio.create_task(self.run(project)))

    async def run(self, project: Project) -> None:
        try:
            while True:
                project.again = False
                await self.visit(project)
                if not project.again:
                    break
        finally:
            project.running = False

    def _before_cut(self, artifacts: Iterable[Artifact]) -> list[Artifact]:
        return [a for a in artifacts if not a.upload_time or a.upload_time[:10] < self.cut]

    async def visit(self, project: Project) -> None:
        if project.groups is None:
            async with self.pages:
                page = await self.solver.index.project(project.name)
            if page is None:
                project.missing, project.groups = True, {}
                return
            project.groups = by_version(self._before_cut(page.artifacts))
        todo = sorted(
            project.wanted(self.bound(project.name)) - project.tree.keys() - project.errors.keys()
        )
        request = SolverRequest(
            "corpus-capture", project.name, index_url=self.index_url, environment=ENVIRONMENT
        )
        folder = Path(self.scratch.name)
        outcomes = await asyncio.gather(
            *(
                self.solver.release(
                    v, self._probe(project.groups[v]), request, ENVIRONMENT, self.supported, folder
                )
                for v in todo
            ),
            return_exceptions=True,
        )
        for version, outcome in zip(todo, outcomes, strict=True):
            if isinstance(outcome, VersionFailed):
                project.errors[version] = outcome.entry(project.name, str(version), self.index_url)
            elif isinstance(outcome, BaseException):
                raise outcome
            else:
                declared = self.solver.not_static.get((project.name, str(version)))
                if declared is not None:
                    outcome["metadata_static"] = False
                    outcome["metadata_version"] = declared
                project.tree[version] = outcome
        for entry in project.tree.values():
            for dependency in entry["dependencies"]:
                if reaches(dependency["marker"], project.extras):
                    self.reach(
                        dependency["package_name"], dependency["specifier"], dependency["extras"]
                    )

    def _probe(self, artifacts: list[Artifact]) -> list[Artifact]:
        """The version's files, its preferred wheel marked as having a PEP 658 file.

        The index's pages do not say which wheels have one: asking for the preferred
        wheel's costs one request, and a 404 falls through to the wheel itself.
        """
        wheels = [a for a in artifacts if a.kind == "wheel"]
        preferred = best_wheel(wheels, self.supported) or min(
            wheels, key=lambda a: a.filename, default=None
        )
        return [
            dataclasses.replace(a, core_metadata=True) if a is preferred else a for a in artifacts
        ]

    async def walk(self, roots: list[Requirement]) -> None:
        values = marker_environment(REACH)
        for root in roots:
            if root.marker is None or root.marker.evaluate({**values, "extra": ""}):
                self.reach(root.name, str(root.specifier), root.extras)
        started = time.monotonic()
        last = started
        while self.tasks:
            done, _ = await asyncio.wait(self.tasks, timeout=15)
            self.tasks -= done
            for task in done:
                task.result()
            if time.monotonic() - last >= 15:
                last = time.monotonic()
                print(f"  {last - started:6.0f} s: {self.progress()}", flush=True)

    def progress(self) -> str:
        versions = sum(len(p.tree) for p in self.projects.values())
        errors = sum(len(p.errors) for p in self.projects.values())
        pending = sum(p.running for p in self.projects.values())
        return (
            f"{len(self.projects)} packages, {versions} versions, {errors} errors, "
            f"{pending} packages in flight"
        )

    def documents(self, set_name: str, started: datetime) -> list[dict[str, Any]]:
        documents = []
        for name in sorted(self.projects):
            project = self.projects[name]
            unresolved = []
            if project.missing:
                unresolved.append(
                    {
                        "package_name": name,
                        "version_spec": ",".join(sorted(project.specifiers)) or None,
                        "index_url": self.index_url,
                        "reason": "not found on the index",
                    }
                )
            elif not project.tree and not project.errors:
                unresolved.append(
                    {
                        "package_name": name,
                        "version_spec": " | ".join(sorted(project.specifiers)) or None,
                        "index_url": self.index_url,
                        "reason": f"no release before {self.cut} matches",
                    }
                )
            documents.append(
                {
                    "metadata": {
                        "analyzer": "thoth-solver",
                        "analyzer_version": ANALYZER_VERSION,
                        "datetime": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "document_id": f"solver-corpus-{set_name}-{name}",
                    },
                    "parameters": {
                        "package_name": name,
                        "version_spec": None,
                        "index_url": self.index_url,
                        "max_versions": self.bound(name),
                        "corpus": {
                            "set": set_name,
                            "uploaded_before": self.cut,
                            "newest_per_range": self.bound(name),
                            "reached_by": sorted(project.specifiers),
                            "extras": sorted(project.extras),
                        },
                    },
                    "environment": ENVIRONMENT.to_json(),
                    "result": {
                        "tree": [project.tree[v] for v in sorted(project.tree, reverse=True)],
                        "unresolved": unresolved,
                        "errors": [project.errors[v] for v in sorted(project.errors, reverse=True)],
                    },
                }
            )
        return documents


async def capture_set(
    set_name: str, index: IndexClient, args: argparse.Namespace
) -> dict[str, Any]:
    requirements, newest = SETS[set_name]
    if args.newest is not None:
        newest = args.newest or None
    roots = read_roots(REQUIREMENTS / requirements)
    limits = httpx.Limits(max_connections=args.concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60, follow_redirects=True) as http:
        solver = CorpusSolver(index, http, args.concurrency)
        return await _capture(set_name, solver, roots, newest, requirements, args)


async def _capture(
    set_name: str,
    solver: CorpusSolver,
    roots: list[Requirement],
    newest: int | None,
    requirements: str,
    args: argparse.Namespace,
) -> dict[str, Any]:
    capture = Capture(solver, args.index_url, args.cut, newest, max(4, args.concurrency // 4))
    full = FULL_HISTORY.get(set_name, frozenset())
    capture.full_history = (
        frozenset(canonicalize_name(r.name) for r in roots) if full == ROOTS else frozenset(full)
    )
    started, clock = datetime.now(UTC), time.monotonic()
    print(f"{set_name}: {len(roots)} roots", flush=True)
    await capture.walk(roots)
    seconds = time.monotonic() - clock
    documents = capture.documents(set_name, started)
    out = args.out / f"{set_name}.json.gz"
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        json.dump(documents, handle, separators=(",", ":"), sort_keys=True)
    sources: dict[str, int] = {}
    for project in capture.projects.values():
        for entry in project.tree.values():
            sources[entry["metadata_source"]] = sources.get(entry["metadata_source"], 0) + 1
    summary = {
        "file": out.name,
        "requirements": f"requirements/{requirements}",
        "captured_at": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "seconds": round(seconds, 1),
        "index_url": args.index_url,
        "uploaded_before": args.cut,
        "newest_per_range": newest,
        "full_history": sorted(capture.full_history),
        "reachability_environment": {"python_version": "3.12", "platform": "linux_x86_64"},
        "packages": len(capture.projects),
        "missing_packages": sorted(n for n, p in capture.projects.items() if p.missing),
        "versions": sum(len(p.tree) for p in capture.projects.values()),
        "edges": sum(
            len(e["dependencies"]) for p in capture.projects.values() for e in p.tree.values()
        ),
        "errors": sum(len(p.errors) for p in capture.projects.values()),
        "metadata_sources": dict(sorted(sources.items())),
        "sdist_pkg_info_not_static": len(solver.not_static),
        "wheel_range_reads": {
            "requests": solver.transfer.requests,
            "bytes": solver.transfer.bytes,
        },
        "bytes": out.stat().st_size,
    }
    print(f"{set_name}: {capture.progress()} in {seconds:.0f} s, {summary['bytes']:,} bytes")
    capture.scratch.cleanup()
    return summary


async def main_async(args: argparse.Namespace) -> None:
    manifest_path = args.out / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    os.environ.update(egress_environment())
    async with IndexClient(args.index_url) as index:
        for set_name in args.sets:
            manifest[set_name] = await capture_set(set_name, index, args)
            newest = manifest[set_name]["newest_per_range"]
            manifest[set_name]["command"] = (
                f".venv/bin/python -m bench.corpus_capture {set_name}"
                f" --cut {args.cut} --newest {newest or 0}"
            )
            manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", help=f"default: all of {', '.join(SETS)}")
    parser.add_argument("--index-url", default=INDEX_URL)
    parser.add_argument("--cut", default=CUT, help="keep files uploaded before this date")
    parser.add_argument(
        "--newest", type=int, help="releases per specifier range (0: all); default per set"
    )
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--out", type=Path, default=CORPUS)
    args = parser.parse_args()
    args.sets = args.sets or list(SETS)
    unknown = sorted(set(args.sets) - SETS.keys())
    if unknown:
        parser.error(f"unknown sets {unknown}; known: {', '.join(SETS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
