#!/usr/bin/env python3
"""Validate the held-out whole-document pledge gold in this folder (plain Python, no taizhang).

    python3 check.py [--corpus ../shared/corpus]

For every `<stem>.pledges.jsonl` beside this file it checks, against the document
`<corpus>/<stem>.txt`:
- the fields and their order are those of tests/gold/whole/*.pledges.jsonl, with valid types;
- ids are `<prefix>-NNN`, numbered 1.. in document order, unique;
- every quote occurs exactly once in the document and lies outside the document's review
  lines (REVIEW below); records outside the plan lines (PLAN) are optional;
- norm_value = value x the multiplier of the unit as written, and norm_unit is the unit's base
  unit (../shared/spec/pledges.md), value_high likewise, value_high present exactly for ranges;
- the comparator agrees with the words next to the number in the quote (左右/约 ~, 以上/达到/
  提高到/不低于/稳定在 >=, 超过/突破/多 >, 以内/以下 <=, X－Y range, none of them =) and the sign
  with 下降/降低/减少 (negative unless 下降到);
- actor/aliases/official are the document's; binding is null or 约束性/预期性;
- deadline is its part's (the five-year plan's end year, the year's plan's year) unless the
  record has a horizon of its own or is optional;
  horizon and hedge words occur on the quote's line of the document; optional records have a note.
Exits 1 with one line per problem, 0 when everything passes.
"""
import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

FIELDS = ["id", "source", "quote", "actor", "aliases", "official", "metric", "kind", "comparator", "value",
          "value_high", "unit", "norm_value", "norm_unit", "deadline", "horizon", "hedge", "binding",
          "optional", "note"]
KINDS = {"level", "growth", "annual_growth", "share"}
COMPARATORS = {">", ">=", "=", "~", "<=", "<", "range"}

# document -> facts decided by reading it (1-based, inclusive line ranges); plan parts carry the
# deadline of their part (the five-year plan's end year, the work plan's year)
DOCS = {
    "national_china_2016_gwr.txt": dict(prefix="china2016", actor="全国", aliases=[], official=None,
                                        review=[(9, 60)], plan=[(64, 87, 2020), (91, 264, 2016)]),
    "provincial_sichuan_2025_gwr.txt": dict(prefix="sichuan2025", actor="四川", aliases=["四川省"],
                                            official="施小琳", review=[(7, 30)], plan=[(31, 85, 2025)]),
    "district_hailar_2016_gwr.txt": dict(prefix="hailar2016", actor="海拉尔区", aliases=["海拉尔"],
                                         official="杜联合", review=[(11, 61)], plan=[(63, 67, 2020), (69, 147, 2016)]),
}

# unit as written -> (multiplier, base unit), per ../shared/spec/pledges.md and tests/gold/README.md
UNITS = {
    "%": (1, "%"), "个百分点": (1, "pp"),
    "人": (1, "人"), "名": (1, "人"), "万人": (10**4, "人"), "亿人": (10**8, "人"), "万人次": (10**4, "人次"),
    "元": (1, "CNY"), "万元": (10**4, "CNY"), "亿元": (10**8, "CNY"), "万亿元": (10**12, "CNY"),
    "斤": (0.5, "kg"), "亿斤": (0.5 * 10**8, "kg"), "吨": (1000, "kg"), "万吨": (1000 * 10**4, "kg"),
    "亩": (666.667, "m2"), "万亩": (666.667 * 10**4, "m2"), "亿亩": (666.667 * 10**8, "m2"),
    "平方米": (1, "m2"), "万平方米": (10**4, "m2"),
    "公里": (1000, "m"), "万公里": (1000 * 10**4, "m"),
    "年": (1, "年"), "岁": (1, "岁"),
}
for word in "个 项 家 条 座 户 套 头 辆 所 台 张 场 处 列 件".split():
    UNITS[word] = (1, word)
    UNITS["万" + word] = (10**4, word)

# comparator words, looked for right before / right after the number
BEFORE = [("提高到", ">="), ("达到", ">="), ("不低于", ">="), ("稳定在", ">="), ("达", ">="), ("超过", ">"),
          ("突破", ">"), ("约", "~")]
AFTER = [("左右", "~"), ("以上", ">="), ("以内", "<="), ("以下", "<="), ("多", ">")]
DECREASE = ("下降", "降低", "减少", "压减")


def close(a, b):
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def number_text(x):
    return str(int(x)) if float(x) == int(x) else repr(float(x))


def expected_comparator(quote, value, value_high):
    """The comparator the words around `value` in `quote` give, or None when the number is not in the quote."""
    if value_high is not None:
        lo, hi = number_text(value), number_text(value_high)
        return "range" if re.search(re.escape(lo) + r"%?[－—\-~～至]" + re.escape(hi), quote) else None
    digits = number_text(abs(value))
    m = re.search(r"(?<![0-9.])" + re.escape(digits) + r"(?![0-9.])", quote)
    if not m:
        return None
    before, after = quote[:m.start()], quote[m.end():]
    # the words after the number up to the end of its list (分别 lists put 以上 after the last value)
    tail = re.split(r"[，。；：]", after, maxsplit=1)[0]
    head = before[-4:]
    for word, comp in AFTER:
        if re.match(r"^[^0-9，。；]{0,6}?" + word, tail) or (word in ("左右", "以上", "以下") and tail.endswith(word)):
            # 达到…以上 and 提高到…以上 are >=, 约/左右 ~
            return comp
    for word, comp in BEFORE:
        if head.endswith(word) or (word == "约" and before.endswith("约")):
            return comp
    return "="


def check_record(rec, n, text, lines_start, doc, problems, where):
    def bad(msg):
        problems.append(f"{where}: {rec.get('id')}: {msg}")

    if list(rec) != FIELDS:
        bad(f"fields {list(rec)} are not {FIELDS}")
        return
    if rec["id"] != f"{doc['prefix']}-{n:03d}":
        bad(f"id should be {doc['prefix']}-{n:03d}")
    for f in ("quote", "actor", "metric", "unit", "norm_unit"):
        if not isinstance(rec[f], str) or not rec[f]:
            bad(f"{f} must be a non-empty string")
    for f in ("official", "horizon", "hedge", "note"):
        if rec[f] is not None and (not isinstance(rec[f], str) or not rec[f]):
            bad(f"{f} must be null or a non-empty string")
    if not isinstance(rec["optional"], bool):
        bad("optional must be a bool")
    if rec["kind"] not in KINDS:
        bad(f"kind {rec['kind']!r}")
    if rec["comparator"] not in COMPARATORS:
        bad(f"comparator {rec['comparator']!r}")
    if rec["binding"] not in (None, "约束性", "预期性"):
        bad(f"binding {rec['binding']!r}")
    for f in ("value", "norm_value"):
        if isinstance(rec[f], bool) or not isinstance(rec[f], (int, float)):
            bad(f"{f} must be a number")
            return
    if rec["deadline"] is not None and (isinstance(rec["deadline"], bool) or not isinstance(rec["deadline"], int)):
        bad("deadline must be an int or null")
    if (rec["comparator"] == "range") != (rec["value_high"] is not None):
        bad("value_high must be given exactly for ranges")
    if rec["actor"] != doc["actor"] or rec["aliases"] != doc["aliases"] or rec["official"] != doc["official"]:
        bad(f"actor/aliases/official should be {doc['actor']}/{doc['aliases']}/{doc['official']}")
    if rec["optional"] and not rec["note"]:
        bad("an optional record needs a note")

    # quote: once in the document, on a line outside the review
    quote = rec["quote"]
    count = text.count(quote)
    if count != 1:
        bad(f"quote occurs {count} times in the document: {quote}")
        return
    pos = text.find(quote)
    line_no = sum(1 for s in lines_start if s <= pos)
    line = text.splitlines()[line_no - 1]
    if any(a <= line_no <= b for a, b in doc["review"]):
        bad(f"quote lies in the review (line {line_no})")
    part = [d for a, b, d in doc["plan"] if a <= line_no <= b]
    if not part and not rec["optional"]:
        bad(f"a record outside the plan lines (line {line_no}) must be optional")

    # units and normalisation
    unit = UNITS.get(rec["unit"])
    if unit is None:
        bad(f"unit {rec['unit']!r} is not in the unit table")
    else:
        mult, base = unit
        if rec["norm_unit"] != base:
            bad(f"norm_unit {rec['norm_unit']} should be {base}")
        if not close(rec["norm_value"], rec["value"] * mult):
            bad(f"norm_value {rec['norm_value']} != {rec['value']} x {mult}")
        if rec["unit"] not in ("%", "个百分点", "年", "岁") and rec["unit"] not in quote:
            # the unit as written must be in the quote (bare 万/亿 + people is recorded as 万人/亿人)
            stem = rec["unit"][:-1] if rec["unit"].endswith("人") else rec["unit"]
            if stem not in quote:
                bad(f"unit {rec['unit']} not written in the quote")

    # comparator and sign from the words
    if "翻一番" in quote or "倍增" in quote:
        if not (rec["value"] == 100 and rec["unit"] == "%" and rec["comparator"] == "=" and rec["kind"] == "growth"):
            bad("翻一番/倍增 is growth = 100 %")
    else:
        want = expected_comparator(quote, rec["value"], rec["value_high"])
        if want is None:
            if "Chinese numeral" not in (rec["note"] or ""):
                bad(f"the number {rec['value']} is not in the quote")
        elif want != rec["comparator"]:
            bad(f"comparator {rec['comparator']} but the words say {want}")
        decrease = any(w in quote and w + "到" not in quote for w in DECREASE)
        if decrease and rec["kind"] in ("growth", "annual_growth") and rec["value"] > 0:
            bad("a decrease must have a negative value")
        if not decrease and rec["value"] < 0:
            bad("a negative value needs 下降/降低/减少/压减 in the quote")

    # deadline, horizon, hedge
    if part and rec["deadline"] != part[0] and not (rec["horizon"] or rec["optional"]):
        bad(f"deadline {rec['deadline']} differs from its part's {part[0]} with no horizon")
    for f in ("horizon", "hedge"):
        if rec[f] and rec[f] not in line:
            bad(f"{f} {rec[f]!r} not on the quote's line {line_no}")
    if rec["deadline"] is None and not rec["optional"]:
        bad("a required record needs a deadline")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(HERE.parents[3].parent / "shared" / "corpus"))
    args = ap.parse_args()
    problems = []
    files = sorted(HERE.glob("*.pledges.jsonl"))
    seen = set()
    for path in files:
        src = path.name.replace(".pledges.jsonl", ".txt")
        if src not in DOCS:
            problems.append(f"{path.name}: no document facts for {src} in check.py")
            continue
        seen.add(src)
        doc = DOCS[src]
        text = (Path(args.corpus) / src).read_text(encoding="utf-8")
        starts, off = [], 0
        for ln in text.splitlines(keepends=True):
            starts.append(off)
            off += len(ln)
        required = optional = 0
        last_pos = -1
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{path.name}:{n}"
            try:
                rec = json.loads(raw)
            except json.JSONDecodeError as e:
                problems.append(f"{where}: not JSON ({e})")
                continue
            if rec.get("source") != src:
                problems.append(f"{where}: source {rec.get('source')!r} should be {src}")
            check_record(rec, n, text, starts, doc, problems, where)
            pos = text.find(rec.get("quote", ""))
            if pos < last_pos:
                problems.append(f"{where}: records are not in document order")
            last_pos = max(last_pos, pos)
            optional += bool(rec.get("optional"))
            required += not rec.get("optional")
        print(f"{src}: {required} required, {optional} optional")
    for src in sorted(set(DOCS) - seen):
        problems.append(f"missing gold file {src.replace('.txt', '.pledges.jsonl')}")
    for p in problems:
        print("PROBLEM", p)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
