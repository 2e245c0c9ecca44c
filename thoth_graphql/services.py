"""The composition root: the services one API process shares, built once by whoever runs
it (`serve`, a test, a bench) and handed to `create_app`; nothing is found through
module-level registries."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from thoth_graphql.advise_service import AdviseService
from thoth_graphql.analyses.learning import LearningService
from thoth_graphql.analyses.service import AnalysisService
from thoth_graphql.api.cache import CACHED_RESULTS, ReadCache
from thoth_graphql.api.limits import MAX_BODY_BYTES
from thoth_graphql.graph_reads import GraphReads
from thoth_graphql.ingest.service import IngestService
from thoth_graphql.store.port import GraphStore
from thoth_graphql.token_service import TokenService


@dataclass(frozen=True, slots=True)
class Settings:
    """How the API process is configured (from `serve`'s options)."""

    read_cache_size: int = CACHED_RESULTS
    """Results the read cache keeps; 0 turns it off (for benchmarks)."""
    max_body_bytes: int = MAX_BODY_BYTES
    cors_origins: Sequence[str] = ()
    """Origins of browser applications that may call the API (`*` for any)."""


@dataclass(slots=True)
class Services:
    """What every request of one API process shares, over one graph store."""

    store: GraphStore
    advise: AdviseService
    read_cache: ReadCache
    ingest: IngestService
    """The one way solver documents, OSV records and observations enter the graph."""
    analyses: AnalysisService | None = None
    """None where the process runs no analyses (no object store)."""
    settings: Settings = field(default_factory=Settings)
    reads: GraphReads = field(init=False, repr=False)
    """The listings and counts resolvers read besides their DataLoaders."""
    tokens: TokenService = field(init=False, repr=False)
    _learnings: LearningService | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self.reads = GraphReads(self.store)
        self.tokens = TokenService(self.store)

    def learnings(self) -> LearningService | None:
        """The learning service over this process' analyses (made on first use; None
        where the process runs no analyses)."""
        if self.analyses is None:
            return None
        if self._learnings is None:
            self._learnings = LearningService(self.advise, self.analyses)
        return self._learnings

    @classmethod
    def over(
        cls,
        store: GraphStore,
        settings: Settings | None = None,
        *,
        analyses: AnalysisService | None = None,
    ) -> Services:
        """The services over `store`, each made fresh for it."""
        settings = settings or Settings()
        return cls(
            store=store,
            advise=AdviseService(store),
            read_cache=ReadCache(settings.read_cache_size),
            ingest=IngestService(store),
            analyses=analyses,
            settings=settings,
        )
