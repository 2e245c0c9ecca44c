"""Vendor GraphiQL's browser assets from npm into thoth_graphql/api/graphiql/static/.

    python tools/graphiql-assets/vendor.py          fetch with `npm pack`, verify, write
    python tools/graphiql-assets/vendor.py --check  verify the files already vendored

The manifest (thoth_graphql/api/graphiql/assets.json) names each file by package, version
and Subresource Integrity hash. A file is written only if its sha384 matches the manifest, so
the committed bytes are exactly the ones the npm registry serves for that version. To move
to another version, edit the manifest (version and integrity), run this, and commit both.
Only needs npm when fetching; the server and the tests never do.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
GRAPHIQL = ROOT / "thoth_graphql" / "api" / "graphiql"
MANIFEST = GRAPHIQL / "assets.json"
STATIC = GRAPHIQL / "static"


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def assets() -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(MANIFEST.read_text())["assets"]
    return listed


def target(asset: dict[str, Any], file: str) -> Path:
    return STATIC / f"{asset['package']}@{asset['version']}" / file


def npm_pack(spec: str, into: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("vendor.py: npm is needed to fetch the packages")
    # The arguments are the manifest's package specs, never outside input.
    out = subprocess.run(  # noqa: S603
        [npm, "pack", "--silent", "--pack-destination", str(into), spec],
        check=True,
        capture_output=True,
        text=True,
    )
    return into / out.stdout.strip().splitlines()[-1]


def fetch() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tarballs: dict[str, Path] = {}
        for asset in assets():
            spec = f"{asset['package']}@{asset['version']}"
            if spec not in tarballs:
                tarballs[spec] = npm_pack(spec, Path(tmp))
            with tarfile.open(tarballs[spec]) as tar:
                data = _member(tar, f"package/{asset['file']}")
                if data is None:
                    print(f"{spec}: no {asset['file']} in the package", file=sys.stderr)
                    return 1
                if integrity(data) != asset["integrity"]:
                    print(f"{spec}/{asset['file']}: integrity mismatch", file=sys.stderr)
                    return 1
                path = target(asset, asset["file"])
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                license_text = _member(tar, "package/LICENSE")
                if license_text is not None:
                    target(asset, "LICENSE").write_bytes(license_text)
            print(f"{spec}/{asset['file']}: {len(data):,} bytes, {asset['integrity']}")
    return 0


def check() -> int:
    bad = 0
    for asset in assets():
        path = target(asset, asset["file"])
        if not path.is_file() or integrity(path.read_bytes()) != asset["integrity"]:
            print(f"{path.relative_to(ROOT)}: missing or not the manifest's bytes", file=sys.stderr)
            bad += 1
    print(f"{len(assets()) - bad} of {len(assets())} assets match the manifest")
    return 1 if bad else 0


def _member(tar: tarfile.TarFile, name: str) -> bytes | None:
    try:
        extracted = tar.extractfile(name)
    except KeyError:
        return None
    return extracted.read() if extracted is not None else None


if __name__ == "__main__":
    sys.exit(check() if sys.argv[1:] == ["--check"] else fetch())
