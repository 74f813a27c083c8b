"""`taizhang outcomes` and `taizhang eval --outcomes` as a user drives them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from taizhang.cli import app
from taizhang.document import OUTCOME_FIELDS
from tests.helpers import corpus_file

HAILAR_2017 = corpus_file("district_hailar_2017_gwr.txt")


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_outcomes_in_every_format() -> None:
    lines = run("outcomes", str(HAILAR_2017)).stdout.splitlines()
    records = [json.loads(line) for line in lines]
    text = HAILAR_2017.read_text(encoding="utf-8")
    gdp = next(r for r in records if r["quote"] == "同比增长7.2%")
    assert (gdp["metric"], gdp["kind"], gdp["value"], gdp["period"], gdp["actor"]) == ("地区生产总值", "growth", 7.2, "2016", "海拉尔区")
    assert all(text[r["start"] : r["end"]] == r["quote"] for r in records)
    rows = list(csv.DictReader(io.StringIO(run("outcomes", "--format", "csv", str(HAILAR_2017)).stdout)))
    assert tuple(rows[0]) == OUTCOME_FIELDS and len(rows) == len(records)
    table = run("outcomes", "--format", "table", str(HAILAR_2017))
    assert table.exit_code == 0 and "303.6" in table.stdout
    missing = run("outcomes", "nowhere.txt")
    assert missing.exit_code == 1 and "nowhere.txt" in missing.stderr


def test_eval_scores_outcomes_against_gold(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    records = [
        {"source": HAILAR_2017.name, "quote": "同比增长7.2%", "actor": "海拉尔区", "metric": "地区生产总值", "kind": "growth",
         "value": 7.2, "unit": "%", "norm_value": 7.2, "norm_unit": "%", "period": "2016", "basis": None},
        {"source": HAILAR_2017.name, "quote": "地区生产总值完成303.6亿元", "actor": "海拉尔区", "metric": "地区生产总值",
         "kind": "level", "value": 303.6, "unit": "亿元", "norm_value": 30360000000, "norm_unit": "CNY", "period": "2015"},
    ]  # fmt: skip
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    regions = tmp_path / "regions.jsonl"
    start = HAILAR_2017.read_text(encoding="utf-8").index("(一)经济实力迈上新台阶")
    regions.write_text(json.dumps({"source": HAILAR_2017.name, "start": start, "end": start + 60}), encoding="utf-8")
    result = run("eval", "--outcomes", "--gold", str(gold), "--regions", str(regions), str(HAILAR_2017))
    assert result.exit_code == 0, result.output
    # both values found; the level's period is 2016, not the 2015 this gold says: value F1 counts it,
    # full F1 (kind, period, actor) does not
    assert "TP 2" in result.stdout and "period" in result.stdout and "full TP 1" in result.stdout
