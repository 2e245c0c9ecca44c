"""Fixtures for graph-sync: the runner tests' local index and S3 server."""

from __future__ import annotations

from tests.analyses.conftest import index, objects
from tests.s3_server import s3_credentials, s3_server

__all__ = ["index", "objects", "s3_credentials", "s3_server"]
