"""Figures in words, as a reader of the ledger says them: 增长5.5%左右, 326.4亿元以上, 下降3%."""

from __future__ import annotations

# Words that go after a figure for its comparator; > and < read better before it (超过, 低于).
_AFTER = {"~": "左右", ">=": "以上", "<=": "以内"}
_BEFORE = {">": "超过", "<": "低于"}
_CHANGE = {"growth": ("增长", "下降"), "annual_growth": ("年均增长", "年均下降")}
# A share says so too (#12: 工业增加值占GDP比重 43%以上 is a proportion, not an amount).
_KIND = {"share": "占比"}


def figure_words(kind: str | None, comparator: str | None, value: float, value_high: float | None, unit: str) -> str:
    """``growth``, ``~``, 5.5, ``%`` → 增长5.5%左右; ``level``, ``>=``, 326.4, ``亿元`` → 326.4亿元以上."""
    up, down = _CHANGE.get(kind or "", ("", ""))
    decrease = bool(up) and value < 0 and (value_high is None or value_high <= 0)
    low, high = (abs(value), abs(value_high) if value_high is not None else None) if decrease else (value, value_high)
    if decrease and high is not None:
        low, high = high, low  # 下降3%-5%: stored as [-5, -3]
    number = f"{low:g}" + (f"–{high:g}" if high is not None else "")
    kind_word = down if decrease else up or _KIND.get(kind or "", "")
    return f"{kind_word}{_BEFORE.get(comparator or '', '')}{number}{unit}{_AFTER.get(comparator or '', '')}"
