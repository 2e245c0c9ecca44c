"""A Python client of the thoth-graphql API: typed calls, plain dataclasses as results."""

from thoth_graphql.client.advice import Advice, Justification, Stack, StackPackage, Unsatisfiable
from thoth_graphql.client.analyses import Analysis, AnalysisTimeout
from thoth_graphql.client.client import RECOMMENDATION_TYPES, ThothClient
from thoth_graphql.client.environment import RuntimeEnvironment
from thoth_graphql.client.observations import StackObservation
from thoth_graphql.client.packages import Dependency, Package, Release
from thoth_graphql.client.transport import GraphQLError, HttpTransport, ServerUnavailable, Transport

__all__ = [
    "RECOMMENDATION_TYPES",
    "Advice",
    "Analysis",
    "AnalysisTimeout",
    "Dependency",
    "GraphQLError",
    "HttpTransport",
    "Justification",
    "Package",
    "Release",
    "RuntimeEnvironment",
    "ServerUnavailable",
    "Stack",
    "StackObservation",
    "StackPackage",
    "ThothClient",
    "Transport",
    "Unsatisfiable",
]
