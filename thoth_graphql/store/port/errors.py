"""What every facet of the port raises when the database, not the request, is at fault."""

from __future__ import annotations


class StoreUnavailable(RuntimeError):
    """The graph database cannot do what was asked now, for a reason outside the request
    (its disk is full, it is busy or down). `str()` is fit for any client; `detail` holds
    the database's own words and where it is, for the log and the operator."""

    def __init__(self, message: str, detail: str) -> None:
        super().__init__(message)
        self.detail = detail


class StoreFull(StoreUnavailable):
    """The disk (or the quota) under the graph is full: nothing of the write was kept."""
