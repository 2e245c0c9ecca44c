"""Packages the index answered "not found" for: a fact about the index, not a gap.

A solver analysis that asks the index for a project and gets a 404 records that the
package is not there, when and where. That is knowledge: a requirement on it cannot be
met, and a stack that needs it does not exist. It is different from a package the graph
has never looked at (a gap) and from "no version matches this specifier" (the package
exists; other specifiers may match other versions), which stays unknown.

Releases win: a package with releases in the graph is known by its releases, whatever
absences were seen before or after (docs/decisions/0016-index-absence.md).
"""

from __future__ import annotations

from dataclasses import dataclass

NOT_FOUND_REASON = "not found on the index"
"""The `reason` of a solver document's `unresolved` entry that is this fact (an index 404)."""


@dataclass(frozen=True, slots=True)
class AbsentPackage:
    """The index at `index_url` answered "not found" for `name`, seen at `seen` (UTC text,
    `2026-01-01T00:00:00Z`, so text order is time order), in document `document_id`."""

    name: str
    seen: str
    index_url: str
    document_id: str

    def newer_than(self, other: AbsentPackage) -> bool:
        """Whether this sighting replaces `other` (the same name): a later one, or at the
        same time, the greater document id, so every writer keeps the same one."""
        return (self.seen, self.document_id) > (other.seen, other.document_id)

    @property
    def seen_date(self) -> str:
        """The day it was seen, `2026-01-01`, as explanations name it."""
        return self.seen[:10]
