"""Fixtures for the object store tests: the S3-protocol server and its credentials."""

from __future__ import annotations

from tests.s3_server import s3_credentials, s3_server

__all__ = ["s3_credentials", "s3_server"]
