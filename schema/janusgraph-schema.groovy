// The thoth-graphql knowledge graph schema for JanusGraph; idempotent, applied on every open.
//
// Sent as a script by thoth_graphql.store.janusgraph, which reads it as the package resource
// thoth_graphql/schemas/janusgraph-schema.groovy (that folder links here; a test checks both
// paths give the same bytes). It reaches the graph through the aliased traversal source `g`,
// so it works for whichever graph the client names.
//
// Vertices: Package(name) -HAS_VERSION-> PackageVersion(vkey, name, version, index_url, ...)
//           PackageVersion -DEPENDS_ON(ekey, source, target, specifier, extras, marker)-> Package
//           Document(document_id, ...), GraphMeta(meta_key, generation and element counts)
// Records (each kept whole as JSON in `body`, with the properties it is found by; `catalog`
// holds the label so that a whole kind can be listed through an index):
//           RuntimeEnvironment(env_key), StackObservation(observation_key, environment_key,
//           outcome, obs_source, observed_at, observed_package*), Installability(
//           installability_key, subject_vkey, observed_at), Advisory(advisory_key, advisory_id,
//           advisory_package), Analysis(analysis_id, analysis_kind, analysis_status,
//           created_at), ApiToken(token_hash, token_name, token_scope, created_at, expires_at)
//           AbsentPackage(absent_name, absent_order): the latest sighting of a package the
//           index answered "not found" for (no Package vertex is made for it)
// vkey and ekey are JSON arrays the adapter builds: the identity of a version and of an edge.
// Tuples (sha256, extras) and a release's files are stored as JSON text; absent optional
// values are absent properties (a version ingested without files has no `files`).
// A PackageVersion's `deps` repeats its DEPENDS_ON edges as one JSON text, so a closure level
// reads vertices only; versions written before it existed have none (the adapter falls back
// to their edges, and restates `deps` when a write touches them).
// A Package's `releases` repeats all its versions, properties and `deps`, as one JSON text,
// so a closure level reads one text per package; packages written before it existed have
// none (the adapter reads their version vertices, and builds it when a write touches them).

def janusGraph = g.getGraph()
janusGraph.tx().rollback()
def mgmt = janusGraph.openManagement()
try {
    def newKeys = [] as Set

    def vertexLabel = { String name ->
        mgmt.containsVertexLabel(name) ? mgmt.getVertexLabel(name) : mgmt.makeVertexLabel(name).make()
    }
    def edgeLabel = { String name, Multiplicity multiplicity ->
        mgmt.containsEdgeLabel(name) ? mgmt.getEdgeLabel(name) :
            mgmt.makeEdgeLabel(name).multiplicity(multiplicity).make()
    }
    def propertyKey = { String name, Class type, Cardinality cardinality = Cardinality.SINGLE ->
        if (mgmt.containsPropertyKey(name)) return mgmt.getPropertyKey(name)
        newKeys << name
        mgmt.makePropertyKey(name).dataType(type).cardinality(cardinality).make()
    }

    def packageLabel = vertexLabel('Package')
    def versionLabel = vertexLabel('PackageVersion')
    def documentLabel = vertexLabel('Document')
    def metaLabel = vertexLabel('GraphMeta')
    edgeLabel('HAS_VERSION', Multiplicity.ONE2MANY)
    edgeLabel('DEPENDS_ON', Multiplicity.MULTI)

    def name = propertyKey('name', String)
    ['version', 'index_url', 'requires_python', 'upload_time', 'sha256', 'files', 'deps'].each {
        propertyKey(it, String)
    }
    propertyKey('yanked', Boolean)
    // A Package's `releases` record: all its versions in one JSON text. Writers of one
    // package read, merge and write it: LOCK makes the loser of a race fail at commit (and
    // retry) instead of dropping the other's versions.
    def releases = propertyKey('releases', String)
    if (newKeys.contains('releases')) mgmt.setConsistency(releases, ConsistencyModifier.LOCK)
    def vkey = propertyKey('vkey', String)
    ['ekey', 'source', 'target', 'specifier', 'extras', 'marker'].each { propertyKey(it, String) }
    def documentId = propertyKey('document_id', String)
    ['analyzer', 'analyzer_version', 'datetime', 'environment', 'environment_key'].each {
        propertyKey(it, String)
    }
    def metaKey = propertyKey('meta_key', String)
    // GraphMeta counters: the generation and the element counts, kept in the same transaction
    // as the writes so counting never scans the graph. Concurrent writers read, add and write
    // them: LOCK makes the loser of a race fail at commit (and retry) instead of losing a sum.
    ['generation', 'packages', 'versions', 'dependencies', 'documents'].each {
        def counter = propertyKey(it, Long)
        if (newKeys.contains(it)) mgmt.setConsistency(counter, ConsistencyModifier.LOCK)
    }

    // Identity lookups, each unique within its label. LOCK makes two writers racing to create
    // the same element conflict at commit; the adapter retries its idempotent chunk.
    def reindex = []
    def uniqueIndex = { String indexName, key, label ->
        if (mgmt.containsGraphIndex(indexName)) return
        def index = mgmt.buildIndex(indexName, Vertex.class).addKey(key).indexOnly(label)
                        .unique().buildCompositeIndex()
        mgmt.setConsistency(index, ConsistencyModifier.LOCK)
        // Built in the same transaction as its key, an index is enabled at once; on a key
        // that already existed (and may hold data) it must be reindexed after the commit.
        if (!newKeys.contains(key.name())) reindex << indexName
    }
    uniqueIndex('packageByName', name, packageLabel)
    uniqueIndex('versionByKey', vkey, versionLabel)
    uniqueIndex('documentById', documentId, documentLabel)
    uniqueIndex('metaByKey', metaKey, metaLabel)

    // Records beside the package graph.
    def recordLabels = ['RuntimeEnvironment', 'StackObservation', 'Installability', 'Advisory',
                        'Analysis', 'ApiToken', 'AbsentPackage'].collectEntries { [(it): vertexLabel(it)] }
    ['body', 'catalog', 'env_key', 'observation_key', 'outcome', 'obs_source', 'observed_at',
     'installability_key', 'subject_vkey', 'advisory_key', 'advisory_id', 'advisory_package',
     'analysis_id', 'analysis_kind', 'created_at', 'token_hash', 'token_name',
     'token_scope', 'expires_at', 'absent_name', 'absent_order'].each { propertyKey(it, String) }
    propertyKey('observed_package', String, Cardinality.LIST)
    // Analyses are claimed by compare and set; LOCK makes two claims of one conflict.
    def analysisStatus = propertyKey('analysis_status', String)
    if (newKeys.contains('analysis_status')) mgmt.setConsistency(analysisStatus, ConsistencyModifier.LOCK)
    def key = { String keyName -> mgmt.getPropertyKey(keyName) }
    uniqueIndex('environmentByKey', key('env_key'), recordLabels.RuntimeEnvironment)
    uniqueIndex('observationByKey', key('observation_key'), recordLabels.StackObservation)
    uniqueIndex('installabilityByKey', key('installability_key'), recordLabels.Installability)
    uniqueIndex('advisoryByKey', key('advisory_key'), recordLabels.Advisory)
    uniqueIndex('analysisById', key('analysis_id'), recordLabels.Analysis)
    uniqueIndex('tokenByHash', key('token_hash'), recordLabels.ApiToken)
    uniqueIndex('absenceByName', key('absent_name'), recordLabels.AbsentPackage)
    def plainIndex = { String indexName, String keyName, label ->
        if (mgmt.containsGraphIndex(indexName)) return
        def builder = mgmt.buildIndex(indexName, Vertex.class).addKey(key(keyName))
        if (label != null) builder = builder.indexOnly(label)
        builder.buildCompositeIndex()
        if (!newKeys.contains(keyName)) reindex << indexName
    }
    plainIndex('recordsByCatalog', 'catalog', null)
    plainIndex('observationsByEnvironment', 'environment_key', recordLabels.StackObservation)
    plainIndex('observationsByOutcome', 'outcome', recordLabels.StackObservation)
    plainIndex('observationsBySource', 'obs_source', recordLabels.StackObservation)
    plainIndex('observationsByPackage', 'observed_package', recordLabels.StackObservation)
    plainIndex('installabilityByVersion', 'subject_vkey', recordLabels.Installability)
    plainIndex('advisoriesByPackage', 'advisory_package', recordLabels.Advisory)
    plainIndex('analysesByStatus', 'analysis_status', recordLabels.Analysis)
    mgmt.commit()

    reindex.each { indexName ->
        ManagementSystem.awaitGraphIndexStatus(janusGraph, indexName)
                        .status(SchemaStatus.REGISTERED, SchemaStatus.ENABLED).call()
        def m = janusGraph.openManagement()
        m.updateIndex(m.getGraphIndex(indexName), SchemaAction.REINDEX).get()
        m.commit()
    }
} catch (e) {
    // A commit that lost a race may leave the management transaction closed under an
    // open-looking wrapper: its rollback must not hide the conflict, which is retried.
    try {
        if (mgmt.isOpen()) mgmt.rollback()
    } catch (closed) {
    }
    throw e
}
'schema-ok'
