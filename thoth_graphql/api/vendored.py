"""Files of npm packages vendored into the server, as a page's `assets.json` lists them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


@dataclass(frozen=True, slots=True)
class Asset:
    """One vendored file of an npm package, as the manifest lists it."""

    package: str
    version: str
    file: str
    integrity: str
    root: Traversable = field(compare=False, repr=False)
    """The folder holding the manifest and, below `static/`, the files."""

    @property
    def path(self) -> str:
        """Its URL path below where the page mounts its assets, and its place below static/."""
        return f"{self.package}@{self.version}/{self.file}"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.file[self.file.rindex(".") :]]

    def read(self) -> bytes:
        return self.root.joinpath("static", *self.path.split("/")).read_bytes()


def read_manifest(root: Traversable) -> tuple[Asset, ...]:
    """The files `root/assets.json` lists, in the order the page loads them."""
    listed = json.loads(root.joinpath("assets.json").read_text(encoding="utf-8"))["assets"]
    return tuple(Asset(a["package"], a["version"], a["file"], a["integrity"], root) for a in listed)
