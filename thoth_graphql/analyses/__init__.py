"""Analyses: requesting them (service), running them (dispatcher and its launchers).

The Kubernetes launcher (`thoth_graphql.analyses.kubernetes`) is imported on its own:
it needs httpx, which a server without Kubernetes does not.
"""

from thoth_graphql.analyses.dispatcher import Dispatcher, Launcher, Run, RunEnd
from thoth_graphql.analyses.local import LocalLauncher
from thoth_graphql.analyses.rate_limit import RateLimited, RateLimiter
from thoth_graphql.analyses.requests import (
    AnalysisSpec,
    InspectionSpec,
    InvalidSpec,
    LockedPackage,
    SolverSpec,
    inspection_spec,
    solver_spec,
)
from thoth_graphql.analyses.service import AnalysisService, RequestNotStored

__all__ = [
    "AnalysisService",
    "AnalysisSpec",
    "Dispatcher",
    "InspectionSpec",
    "InvalidSpec",
    "Launcher",
    "LocalLauncher",
    "LockedPackage",
    "RateLimited",
    "RateLimiter",
    "RequestNotStored",
    "Run",
    "RunEnd",
    "SolverSpec",
    "inspection_spec",
    "solver_spec",
]
