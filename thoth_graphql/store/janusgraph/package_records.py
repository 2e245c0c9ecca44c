"""Each Package vertex's `releases` record: every version of the package with its properties
and dependency list in one JSON text, so a closure level reads one text per package, not one
per version (docs/decisions/0017-janusgraph-package-records.md).

The record is `{"name": n, "deps": [list, ...], "versions": [entry, ...]}`: an entry is
`[version, index_url, requires_python, yanked, upload_time, sha256, files, deps]` where
`sha256` and `files` are the vertex's JSON texts and `deps` the index in `deps` of the
version's dependency list (the rows of the vertex's `deps` text, json_text.dependencies_text;
most versions of a package share one, so each distinct list is kept once).

The write script (package_graph.WRITE_CHUNK) keeps it in the same transaction as the version
writes: merged by version for the versions it created or changed, rebuilt from the version
vertices for a package that has none (a graph written before records existed). The
property is LOCKed in the schema, so two writers of one package cannot lose each other's
versions: the loser fails at commit and retries its chunk.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from thoth_graphql.domain import Dependency, PackageVersion
from thoth_graphql.domain.closure import StoredRelease
from thoth_graphql.domain.ordering import edge_order, releases_newest_first
from thoth_graphql.store.janusgraph.elements import package_version
from thoth_graphql.store.json_text import ReleaseDecoder

EMPTY_RECORD = "groovy.json.JsonOutput.toJson([name: name, deps: [], versions: []])"
"""Groovy: the record of a package `name` without versions (a new Package vertex's)."""

# Groovy closures the write script uses: `settled`, a vertex that another writer's commit
# has made visible through an index but whose properties are not visible yet (seen with
# three writers racing on the same elements), which fails the chunk as a conflict, retried
# (client._CONFLICTS); `entryOf` a version vertex (its `deps`, or its
# edges in the same row shape for a version written before `deps` existed), and
# `updateRecord` of a package vertex given the version vertices written or changed by this
# script. Needs `g`, `slurper` and `Direction` in scope.
RECORD_CLOSURES = """
def settled = { vertex, String key ->
    if (!vertex.property(key).isPresent()) {
        throw new IllegalStateException("concurrent write: ${vertex} has no ${key} yet")
    }
    vertex
}
def depsOf = { vertex ->
    def text = vertex.property('deps')
    text.isPresent() ? text.value() :
        groovy.json.JsonOutput.toJson(vertex.edges(Direction.OUT, 'DEPENDS_ON').collect { e ->
            [e.value('target'), e.value('specifier'), slurper.parseText(e.value('extras')),
             e.property('marker').orElse(null)]
        })
}
def parsedLists = [:]
def entryOf = { vertex ->
    def text = depsOf(settled(vertex, 'vkey'))
    def parsed = parsedLists[text]
    if (parsed == null) parsed = parsedLists[text] = slurper.parseText(text)
    [vertex.value('version'), vertex.value('index_url'),
     vertex.property('requires_python').orElse(null), vertex.value('yanked'),
     vertex.property('upload_time').orElse(null), vertex.value('sha256'),
     vertex.property('files').orElse(null), parsed]
}
def updateRecord = { pkg, changed ->
    def record = pkg.property('releases')
    if (record.isPresent() && changed.isEmpty()) return
    def entries = new LinkedHashMap()
    if (record.isPresent()) {
        def stored = slurper.parseText(record.value())
        for (entry in stored.versions) {
            entries[[entry[0], entry[1]]] = entry.take(7) + [stored.deps[entry[7]]]
        }
    }
    def current = record.isPresent() ? changed : g.V(pkg).out('HAS_VERSION').toList()
    for (vertex in current) {
        def entry = entryOf(vertex)
        entries[[entry[0], entry[1]]] = entry
    }
    def indexes = [:]
    def lists = []
    def listed = entries.values().collect { entry ->
        def index = indexes[entry[7]]
        if (index == null) {
            index = indexes[entry[7]] = lists.size()
            lists << entry[7]
        }
        entry.take(7) + [index]
    }
    pkg.property('releases', groovy.json.JsonOutput.toJson(
        [name: pkg.value('name'), deps: lists, versions: listed]))
}
"""


DependencyRow = list[Any]
"""`[name, specifier, extras, marker]`, as json_text.dependencies_text writes it."""


class ReleaseReader:
    """Decodes the releases of a closure's levels, from package records and from version
    rows alike: each distinct dependency list is ordered once and each distinct dependency
    is one object (closures repeat the same ones massively)."""

    __slots__ = ("_decoder",)

    def __init__(self) -> None:
        self._decoder = ReleaseDecoder()

    def level(
        self, records: Iterable[str], rows: Iterable[tuple[str, str]]
    ) -> dict[str, list[StoredRelease]]:
        """The releases of package records and of version rows (a version's properties as
        JSON and its `deps` text), by package, newest first (newest_first's order)."""
        found: dict[str, list[tuple[PackageVersion, tuple[Dependency, ...]]]] = {}
        for text in records:
            record = json.loads(text)
            found[record["name"]] = self._versions_of(record)
        for props, deps in rows:
            version = package_version(json.loads(props))
            pair = (version, self._dependency_list(json.loads(deps)))
            found.setdefault(version.name, []).append(pair)
        return releases_newest_first(found)

    def _versions_of(
        self, record: dict[str, Any]
    ) -> list[tuple[PackageVersion, tuple[Dependency, ...]]]:
        name: str = record["name"]
        lists = [self._dependency_list(rows) for rows in record["deps"]]
        release = self._decoder.version
        return [
            (release(name, version, index_url, python, yanked, upload, sha, files), lists[deps])
            for version, index_url, python, yanked, upload, sha, files, deps in record["versions"]
        ]

    def _dependency_list(self, rows: list[DependencyRow]) -> tuple[Dependency, ...]:
        dependency = self._decoder.dependency
        return tuple(edge_order(dependency(*row) for row in rows))
