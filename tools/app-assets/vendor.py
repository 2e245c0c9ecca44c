"""Vendor the /app page's browser libraries from npm into thoth_graphql/api/advise_page/static/.

    python tools/app-assets/vendor.py          install the lock, copy, record integrity
    python tools/app-assets/vendor.py --check  verify the files already vendored

package-lock.json beside this script pins each package's version and its tarball's sha512;
`npm ci` installs exactly that or fails. The manifest
(thoth_graphql/api/advise_page/assets.json) names the files the page loads; each is copied
to static/<package>@<version>/<file> with the package's LICENSE, and its sha384 is written
to the manifest, from where the page's Subresource Integrity attributes come. To move to
another version: `npm install --save-exact cytoscape@X` here, set the manifest's version,
run this, and commit all three. Only needs npm when fetching; the server and tests never do.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PAGE = ROOT / "thoth_graphql" / "api" / "advise_page"
MANIFEST = PAGE / "assets.json"
STATIC = PAGE / "static"


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(MANIFEST.read_text())
    return loaded


def target(asset: dict[str, Any], file: str) -> Path:
    return STATIC / f"{asset['package']}@{asset['version']}" / file


def npm_ci() -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("vendor.py: npm is needed to fetch the packages")
    # Installs only what package-lock.json pins, checking each tarball's hash.
    subprocess.run(  # noqa: S603
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], cwd=HERE, check=True
    )


def fetch() -> int:
    npm_ci()
    listed = manifest()
    for asset in listed["assets"]:
        installed = HERE / "node_modules" / asset["package"]
        locked = json.loads((installed / "package.json").read_text())["version"]
        if locked != asset["version"]:
            print(
                f"{asset['package']}: the lock pins {locked}, the manifest names "
                f"{asset['version']}; make them agree",
                file=sys.stderr,
            )
            return 1
        data = (installed / asset["file"]).read_bytes()
        path = target(asset, asset["file"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        shutil.copyfile(installed / "LICENSE", target(asset, "LICENSE"))
        asset["integrity"] = integrity(data)
        spec = f"{asset['package']}@{locked}/{asset['file']}"
        print(f"{spec}: {len(data):,} bytes, {asset['integrity']}")
    MANIFEST.write_text(json.dumps(listed, indent=2) + "\n")
    return 0


def check() -> int:
    assets = manifest()["assets"]
    bad = 0
    for asset in assets:
        path = target(asset, asset["file"])
        if not path.is_file() or integrity(path.read_bytes()) != asset["integrity"]:
            print(f"{path.relative_to(ROOT)}: missing or not the manifest's bytes", file=sys.stderr)
            bad += 1
    print(f"{len(assets) - bad} of {len(assets)} assets match the manifest")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(check() if sys.argv[1:] == ["--check"] else fetch())
