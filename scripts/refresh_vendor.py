#!/usr/bin/env python3
"""Refresh vendored front-end assets from the npm registry (stdlib only).

For each pinned package this script:

1. fetches the registry metadata for the exact version and reads
   ``dist.tarball`` and ``dist.integrity`` (sha512, SRI format);
2. downloads the tarball and verifies BOTH the registry's sha512 integrity
   and the sha256 pinned below (a change in either aborts the run);
3. extracts only the files listed in ``files`` (plus licence/notice files),
   stripping ``sourceMappingURL`` comment lines from .css/.js files because
   the source maps are not shipped (ManifestStaticFilesStorage would fail
   on the dangling references);
4. writes them under ``static/vendor/<pkg>/`` together with a ``VERSION``
   file recording name, version, tarball sha256 and the sha256 of every
   written file.

Usage::

    python scripts/refresh_vendor.py            # download + write
    python scripts/refresh_vendor.py --check    # offline: verify files vs VERSION

To upgrade a package: change ``version`` and set ``tarball_sha256`` to the
new value (run once with the old pin; the error message prints the actual
sha256 after the registry integrity check has passed — review it first).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "static" / "vendor"

# Pinned packages. ``files`` maps path inside the tarball (relative to the
# ``package/`` prefix) -> destination path relative to static/vendor/<pkg>/.
PACKAGES: list[dict] = [
    {
        "name": "bootstrap",
        "version": "5.3.8",
        "tarball_sha256": "8b02d4a7482e0f0a2b1da58f1c9c86830e96cc2f77f094f89e4681b19886bc38",
        "files": {
            "dist/css/bootstrap.min.css": "css/bootstrap.min.css",
            "dist/js/bootstrap.bundle.min.js": "js/bootstrap.bundle.min.js",
        },
        "licenses": {"LICENSE": "LICENSE"},
    },
    {
        "name": "echarts",
        "version": "6.1.0",
        "tarball_sha256": "681aff88cc1038c3fa941a3a53d1b177a52250b05335efc607d6105ae13be481",
        "files": {
            "dist/echarts.min.js": "echarts.min.js",
        },
        # Apache-2.0: ship LICENSE and NOTICE; echarts bundles d3 code.
        "licenses": {
            "LICENSE": "LICENSE",
            "NOTICE": "NOTICE",
            "licenses/LICENSE-d3": "LICENSE-d3",
        },
    },
]

SOURCEMAP_RE = re.compile(rb"^\s*(?://[#@]\s*sourceMappingURL=.*|/\*[#@]\s*sourceMappingURL=.*?\*/)\s*$")
USER_AGENT = "refresh_vendor.py (python urllib)"
TIMEOUT = 60


class VendorError(Exception):
    pass


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(url: str) -> bytes:
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310
        return resp.read()


def registry_dist(name: str, version: str) -> dict:
    meta = json.loads(fetch(f"{REGISTRY}/{name}/{version}"))
    if meta.get("name") != name or meta.get("version") != version:
        raise VendorError(f"{name}: registry returned {meta.get('name')}@{meta.get('version')}")
    dist = meta.get("dist") or {}
    if not dist.get("tarball") or not dist.get("integrity"):
        raise VendorError(f"{name}@{version}: registry metadata lacks dist.tarball/integrity")
    return dist


def verify_integrity(data: bytes, integrity: str) -> None:
    """Verify an SRI string; require at least one sha512 entry to match."""
    entries = [e for e in integrity.split() if e.startswith("sha512-")]
    if not entries:
        raise VendorError(f"no sha512 entry in integrity {integrity!r}")
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if not any(e[len("sha512-") :].split("?")[0] == digest for e in entries):
        raise VendorError(f"sha512 integrity mismatch: expected {integrity}, got sha512-{digest}")


def strip_sourcemaps(data: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    kept = [ln for ln in lines if not SOURCEMAP_RE.match(ln.rstrip(b"\r\n"))]
    out = b"".join(kept)
    if b"sourceMappingURL" in out:
        raise VendorError("sourceMappingURL still present after stripping (not on its own line?)")
    return out


def extract(tar_bytes: bytes, wanted: list[str]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:gz") as tf:
        for member in tf.getmembers():
            if not member.isfile():
                continue
            # npm tarballs use a single top-level dir, normally "package/".
            parts = member.name.split("/", 1)
            if len(parts) != 2:
                continue
            rel = parts[1]
            if rel in wanted:
                fh = tf.extractfile(member)
                assert fh is not None
                found[rel] = fh.read()
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise VendorError(f"missing from tarball: {', '.join(missing)}")
    return found


def write_version_file(pkg_dir: Path, pkg: dict, file_hashes: dict[str, str]) -> None:
    lines = [
        f"name: {pkg['name']}",
        f"version: {pkg['version']}",
        f"tarball_sha256: {pkg['tarball_sha256']}",
        "files:",
    ]
    lines += [f"  {digest}  {rel}" for rel, digest in sorted(file_hashes.items())]
    (pkg_dir / "VERSION").write_text("\n".join(lines) + "\n", encoding="utf-8")


def parse_version_file(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    header: dict[str, str] = {}
    files: dict[str, str] = {}
    in_files = False
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip():
            continue
        if raw.startswith("files:"):
            in_files = True
            continue
        if in_files and raw.startswith("  "):
            digest, rel = raw.strip().split(None, 1)
            files[rel] = digest
        else:
            key, _, value = raw.partition(":")
            header[key.strip()] = value.strip()
    return header, files


def refresh(pkg: dict) -> None:
    name, version = pkg["name"], pkg["version"]
    print(f"{name}@{version}: fetching metadata")
    dist = registry_dist(name, version)
    print(f"{name}@{version}: downloading {dist['tarball']}")
    data = fetch(dist["tarball"])
    verify_integrity(data, dist["integrity"])
    actual = sha256_hex(data)
    if actual != pkg["tarball_sha256"]:
        raise VendorError(f"{name}@{version}: tarball sha256 {actual} != pinned {pkg['tarball_sha256']}")
    wanted = list(pkg["files"]) + list(pkg["licenses"])
    contents = extract(data, wanted)

    pkg_dir = VENDOR_DIR / name
    pkg_dir.mkdir(parents=True, exist_ok=True)
    file_hashes: dict[str, str] = {}
    for src, dest in {**pkg["files"], **pkg["licenses"]}.items():
        body = contents[src]
        if dest.endswith((".js", ".css")):
            body = strip_sourcemaps(body)
        out = pkg_dir / dest
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(body)
        file_hashes[dest] = sha256_hex(body)
        print(f"  wrote {out.relative_to(ROOT)} ({len(body)} bytes)")
    write_version_file(pkg_dir, pkg, file_hashes)
    print(f"  wrote {(pkg_dir / 'VERSION').relative_to(ROOT)}")


def check(pkg: dict) -> list[str]:
    """Offline verification of committed files against VERSION and the pins."""
    errors: list[str] = []
    name = pkg["name"]
    pkg_dir = VENDOR_DIR / name
    vfile = pkg_dir / "VERSION"
    if not vfile.is_file():
        return [f"{name}: {vfile.relative_to(ROOT)} missing"]
    header, files = parse_version_file(vfile)
    if header.get("name") != name:
        errors.append(f"{name}: VERSION name is {header.get('name')!r}")
    if header.get("version") != pkg["version"]:
        errors.append(f"{name}: VERSION says {header.get('version')}, script pins {pkg['version']}")
    if header.get("tarball_sha256") != pkg["tarball_sha256"]:
        errors.append(f"{name}: VERSION tarball_sha256 differs from the pin in this script")
    expected = set(pkg["files"].values()) | set(pkg["licenses"].values())
    if set(files) != expected:
        errors.append(f"{name}: VERSION lists {sorted(files)}, expected {sorted(expected)}")
    for rel, digest in sorted(files.items()):
        path = pkg_dir / rel
        if not path.is_file():
            errors.append(f"{name}: {rel} missing")
            continue
        body = path.read_bytes()
        if sha256_hex(body) != digest:
            errors.append(f"{name}: {rel} sha256 mismatch")
        if rel.endswith((".js", ".css")) and b"sourceMappingURL" in body:
            errors.append(f"{name}: {rel} still contains sourceMappingURL")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="verify committed files against VERSION (no network)"
    )
    parser.add_argument("packages", nargs="*", help="limit to these package names")
    args = parser.parse_args(argv)

    selected = [p for p in PACKAGES if not args.packages or p["name"] in args.packages]
    unknown = set(args.packages) - {p["name"] for p in PACKAGES}
    if unknown:
        parser.error(f"unknown package(s): {', '.join(sorted(unknown))}")

    if args.check:
        errors = [e for pkg in selected for e in check(pkg)]
        for e in errors:
            print(f"FAIL {e}", file=sys.stderr)
        if not errors:
            print(f"OK: {', '.join(p['name'] + '@' + p['version'] for p in selected)}")
        return 1 if errors else 0

    try:
        for pkg in selected:
            refresh(pkg)
    except (VendorError, OSError) as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
