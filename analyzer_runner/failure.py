"""AnalysisFailed: an analysis that ends FAILED, without a document, and the reason why."""

from __future__ import annotations


class AnalysisFailed(Exception):
    """The analysis could not produce a result document; str() is the status' error.

    `retryable` says whether running the same request again (later, or on another
    runner) may succeed: an unreachable index may come back, a bad hash will not.
    """

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
